/*
 * pyfstw_signal25.c - the indexing of fstwave.pywellen25.Signal (pywellen
 * 0.25's `signal[i]` and `signal[a:b:c]`), built in C so that a slice of a
 * long signal becomes its list of (time, value) tuples without a Python loop.
 *
 * pywellen 0.25 (pywellen/src/lib.rs at wellen's tag v0.25.5, Signal.__getitem__)
 * indexes a loaded signal's stored changes: the same changes fstwave's
 * Signal stores (fstw_signal_len, fstw_signal_time, fstw_signal_value), so
 * this file only translates indices and raises pywellen's errors.
 */
#include "pyfstw.h"

/* A scratch buffer for fstw_signal_value: stackbuf when it is large enough,
 * else a PyMem block (NULL with MemoryError). */
static uint8_t *scratch_for(const fstw_signal *s, uint8_t *stackbuf, size_t stacklen, size_t *len)
{
    size_t need = fstw_signal_scratch_size(s);
    if (need <= stacklen) {
        *len = stacklen;
        return stackbuf;
    }
    *len = need;
    uint8_t *p = PyMem_Malloc(need);
    if (!p)
        PyErr_NoMemory();
    return p;
}

/* pywellen 0.25's slice rule: slice.indices(len) must give start >= 0,
 * stop > start and step > 0, else NotImplementedError with pywellen's text
 * (negative steps and empty slices are not supported). */
static PyObject *signal_slice(const fstw_signal *s, PyObject *slice)
{
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(slice, &start, &stop, &step) < 0)
        return NULL; /* ValueError for a zero step, TypeError for bad bounds */
    Py_ssize_t len = (Py_ssize_t)fstw_signal_len(s);
    Py_ssize_t n = PySlice_AdjustIndices(len, &start, &stop, step);
    if (!(start >= 0 && stop > start && step > 0)) {
        PyErr_Format(PyExc_NotImplementedError,
                     "TODO: support slice PySliceIndices { start: %zd, stop: %zd, step: %zd, slicelength: %zd }",
                     start, stop, step, n);
        return NULL;
    }
    PyObject *list = PyList_New(n);
    if (!list)
        return NULL;
    uint8_t stackbuf[256];
    size_t scratch_len;
    uint8_t *scratch = scratch_for(s, stackbuf, sizeof stackbuf, &scratch_len);
    if (!scratch) {
        Py_DECREF(list);
        return NULL;
    }
    for (Py_ssize_t k = 0, i = start; k < n; k++, i += step) {
        PyObject *item = pyfstw_change_tuple(s, (size_t)i, scratch, scratch_len);
        if (!item) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, k, item);
    }
    if (scratch != stackbuf)
        PyMem_Free(scratch);
    return list;
}

/* _signal_getitem(signal, key): see the module function's docstring. */
static PyObject *signal_getitem(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pyfstw_state *st = (pyfstw_state *)PyModule_GetState(module);
    if (nargs != 2 || !PyObject_TypeCheck(args[0], st->Signal_Type)) {
        PyErr_SetString(PyExc_TypeError, "_signal_getitem(signal, key): signal must be a fstwave.Signal");
        return NULL;
    }
    const fstw_signal *s = ((pyfstw_SignalObject *)args[0])->sig;
    PyObject *key = args[1];
    if (PyIndex_Check(key)) {
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_OverflowError);
        if (i == -1 && PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_OverflowError))
                return NULL;
            PyErr_Clear(); /* pywellen: an int beyond isize is not an index */
            goto unsupported;
        }
        Py_ssize_t len = (Py_ssize_t)fstw_signal_len(s);
        if (i < 0)
            i += len;
        if (i < 0 || i >= len) {
            PyErr_Format(PyExc_IndexError, "out of bounds %zd", i);
            return NULL;
        }
        uint8_t stackbuf[256];
        size_t scratch_len;
        uint8_t *scratch = scratch_for(s, stackbuf, sizeof stackbuf, &scratch_len);
        if (!scratch)
            return NULL;
        PyObject *res = pyfstw_change_tuple(s, (size_t)i, scratch, scratch_len);
        if (scratch != stackbuf)
            PyMem_Free(scratch);
        return res;
    }
    if (PySlice_Check(key))
        return signal_slice(s, key);
unsupported:
    PyErr_SetString(PyExc_TypeError, "Unsupported type. Expected int or slice.");
    return NULL;
}

PyMethodDef pyfstw_signal25_functions[] = {
    {"_signal_getitem", (PyCFunction)(void (*)(void))signal_getitem, METH_FASTCALL,
     "_signal_getitem(signal, key, /)\n--\n\n"
     "pywellen 0.25's ``Signal.__getitem__`` on a loaded fstwave.Signal: an int (negative\n"
     "counts from the end) gives the ``(time, value)`` of that stored change, else\n"
     "IndexError('out of bounds N'); a slice gives the list of them, but only when\n"
     "``slice.indices(len)`` has start >= 0, stop > start and step > 0, else\n"
     "NotImplementedError (pywellen's 'TODO: support slice ...'); a zero step raises\n"
     "ValueError; any other key (an int beyond the index range too) TypeError('Unsupported\n"
     "type. Expected int or slice.'). Times in timescale units, values as\n"
     "Signal.value_at_time gives them. For fstwave.pywellen25.Signal."},
    {NULL, NULL, 0, NULL},
};
