/*
 * pyfstw_args.c - the one argument parser of the extension (every method
 * and constructor that takes arguments goes through pyfstw_parse_args,
 * see pyfstw.h) and the argument conversions shared by the methods.
 *
 * A call that binds is parsed here (the positional one inline, in
 * pyfstw.h); a call that does not is handed, unchanged, to Python's own
 * parser PyArg_ParseTupleAndKeywords with the spec's format, so the
 * TypeError is exactly the one Python gives for that signature (the
 * message changes with the Python version, as Python's does).
 */
#include "pyfstw.h"

/* Raises the error of a call that does not bind, through Python's parser. */
static int report_bad_call(const pyfstw_argspec *spec, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames)
{
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    PyObject *tuple = PyTuple_New(nargs);
    PyObject *dict = PyDict_New();
    if (!tuple || !dict)
        goto out;
    for (Py_ssize_t i = 0; i < nargs; i++) {
        Py_INCREF(args[i]);
        PyTuple_SET_ITEM(tuple, i, args[i]);
    }
    for (Py_ssize_t k = 0; k < nkw; k++)
        if (PyDict_SetItem(dict, PyTuple_GET_ITEM(kwnames, k), args[nargs + k]) < 0)
            goto out;
    /* one slot per format unit ('O' stores a PyObject *, 'p' an int) */
    union {
        PyObject *obj;
        int flag;
    } slot[PYFSTW_MAX_ARGS];
    if (PyArg_ParseTupleAndKeywords(tuple, dict, spec->format, (char **)spec->names, &slot[0], &slot[1],
                                    &slot[2], &slot[3], &slot[4], &slot[5], &slot[6], &slot[7]))
        PyErr_Format(PyExc_SystemError, "%s(): pyfstw_parse_args refused a call that binds", spec->fname);
out:
    Py_XDECREF(tuple);
    Py_XDECREF(dict);
    return -1;
}

/* The index of the parameter named key, or -1. */
static int param_index(const pyfstw_argspec *spec, PyObject *key)
{
    for (int i = 0; i < spec->n_args; i++)
        if (PyUnicode_CompareWithASCIIString(key, spec->names[i]) == 0)
            return i;
    return -1;
}

int pyfstw_parse_args_slow(const pyfstw_argspec *spec, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames, PyObject **out)
{
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (nargs + nkw > spec->n_args)
        return report_bad_call(spec, args, nargs, kwnames);
    for (Py_ssize_t i = 0; i < spec->n_args; i++)
        out[i] = i < nargs ? args[i] : NULL;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        int i = param_index(spec, PyTuple_GET_ITEM(kwnames, k));
        if (i < 0 || out[i]) /* unknown, or also given by position */
            return report_bad_call(spec, args, nargs, kwnames);
        out[i] = args[nargs + k];
    }
    for (int i = 0; i < spec->n_required; i++)
        if (!out[i])
            return report_bad_call(spec, args, nargs, kwnames);
    return 0;
}

int pyfstw_parse_tuple_args(const pyfstw_argspec *spec, PyObject *args, PyObject *kwds, PyObject **out)
{
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    Py_ssize_t nkw = kwds ? PyDict_GET_SIZE(kwds) : 0;
    PyObject *const *items = &PyTuple_GET_ITEM(args, 0);
    if (nkw == 0)
        return pyfstw_parse_args(spec, items, nargs, NULL, out);
    /* the vectorcall layout: positional values, then the keyword values
     * in the order of the keyword names (values borrowed from kwds) */
    PyObject **stack = PyMem_Malloc((size_t)(nargs + nkw) * sizeof *stack);
    PyObject *kwnames = PyTuple_New(nkw);
    int rc = -1;
    if (!stack || !kwnames) {
        if (!stack)
            PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t i = 0; i < nargs; i++)
        stack[i] = items[i];
    PyObject *key, *value;
    Py_ssize_t pos = 0, k = 0;
    while (PyDict_Next(kwds, &pos, &key, &value)) {
        Py_INCREF(key);
        PyTuple_SET_ITEM(kwnames, k, key);
        stack[nargs + k++] = value;
    }
    rc = pyfstw_parse_args(spec, stack, nargs, kwnames, out);
out:
    PyMem_Free(stack);
    Py_XDECREF(kwnames);
    return rc;
}

int pyfstw_bad_argument(const char *fname, const char *name, const char *expected, PyObject *obj)
{
    PyErr_Format(PyExc_TypeError, "%s(): argument '%s' must be %s, not %.200s", fname, name, expected,
                 Py_TYPE(obj)->tp_name);
    return -1;
}

int pyfstw_as_unsigned(PyObject *obj, uint64_t max, uint64_t *out)
{
    PyObject *idx = PyNumber_Index(obj);
    if (!idx)
        return -1;
    unsigned long long v = PyLong_AsUnsignedLongLong(idx);
    Py_DECREF(idx);
    if (v == (unsigned long long)-1 && PyErr_Occurred())
        return -1;
    if (v > max) {
        PyErr_SetString(PyExc_OverflowError, "out of range integral type conversion attempted");
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}
