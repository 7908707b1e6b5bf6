/*
 * pyfstw_misc.c - error mapping, argument helpers, Timescale, TimescaleUnit.
 */
#include "pyfstw.h"

#include <errno.h>
#include <string.h>

/* ============================================================ errors */

/* Sets the structured fields of an error object: code (the status's short
 * code, FSTW_STATUS_MAP), reason (fstw_error_reason) and offset (the file
 * offset of a malformed structure, or None).  -1 on failure. */
static int set_fields(PyObject *exc, const fstw_error *err)
{
    const char *reason = fstw_error_reason(err);
    PyObject *code = PyUnicode_FromString(fstw_status_code(err->code));
    PyObject *why = PyUnicode_DecodeUTF8(reason, (Py_ssize_t)strlen(reason), "replace");
    PyObject *off = err->offset >= 0 ? PyLong_FromLongLong(err->offset) : (Py_INCREF(Py_None), Py_None);
    int rc = -1;
    if (code && why && off && PyObject_SetAttrString(exc, "code", code) == 0 &&
        PyObject_SetAttrString(exc, "reason", why) == 0 && PyObject_SetAttrString(exc, "offset", off) == 0)
        rc = 0;
    Py_XDECREF(code);
    Py_XDECREF(why);
    Py_XDECREF(off);
    return rc;
}

/* Raises exc (an exception instance) after setting its structured fields. */
static PyObject *raise_with_fields(PyObject *exc, const fstw_error *err)
{
    if (!exc)
        return NULL;
    if (set_fields(exc, err) == 0)
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

PyObject *pyfstw_raise(pyfstw_state *st, const fstw_error *err, PyObject *filename)
{
    const char *msg = err->message[0] ? err->message : fstw_status_name(err->code);
    PyObject *m = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
    if (!m)
        return NULL;
    PyObject *exc = NULL;
    if (err->code == FSTW_ERR_NOMEM) {
        Py_DECREF(m);
        return PyErr_NoMemory();
    } else if (fstw_error_syscall(err)) {
        /* OSError(errno, strerror, filename): the constructor picks the
         * subclass from errno; strerror is the reason (the OS's text, or for
         * a failed read where it failed) */
        int e = err->sys_errno ? err->sys_errno : fstw_status_errno(err->code);
        const char *reason = fstw_error_reason(err);
        exc = PyObject_CallFunction(PyExc_OSError, "isO", e, reason, filename ? filename : Py_None);
    } else if (err->code == FSTW_ERR_FORMAT) {
        exc = PyObject_CallOneArg(st->FstError, m);
    } else if (err->code == FSTW_ERR_ARG) {
        exc = PyObject_CallOneArg(PyExc_ValueError, m);
    } else {
        exc = PyObject_CallOneArg(PyExc_RuntimeError, m);
    }
    Py_DECREF(m);
    return raise_with_fields(exc, err);
}

/* ============================================================ helpers */

PyObject *pyfstw_decode_name(const char *p, size_t len)
{
    if (len == 0 || !p)
        return PyUnicode_FromStringAndSize("", 0);
    /* names are almost always ASCII: a compact ASCII string filled directly */
    size_t i = 0;
    while (i < len && !((unsigned char)p[i] & 0x80))
        i++;
    if (i == len && len <= PY_SSIZE_T_MAX) {
        PyObject *u = PyUnicode_New((Py_ssize_t)len, 127);
        if (u)
            memcpy(PyUnicode_DATA(u), p, len);
        return u;
    }
    return PyUnicode_DecodeUTF8(p, (Py_ssize_t)len, "replace");
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

int pyfstw_parse_hier(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                      int required, const char *fname)
{
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (nargs + nkw > 1) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most 1 argument (%zd given)", fname, nargs + nkw);
        return -1;
    }
    PyObject *h = NULL;
    if (nargs == 1) {
        h = args[0];
    } else if (nkw == 1) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, 0);
        if (!PyUnicode_Check(key) || PyUnicode_CompareWithASCIIString(key, "hier") != 0) {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%S'", fname, key);
            return -1;
        }
        h = args[0];
    }
    if (!h) {
        if (required) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument 'hier' (pos 1)", fname);
            return -1;
        }
        return 0;
    }
    if (!required && h == Py_None)
        return 0;
    /* the usual case: the item's own Hierarchy */
    if (h == (PyObject *)((pyfstw_ItemObject *)self)->hier)
        return 0;
    pyfstw_state *st = pyfstw_state_of(self);
    if (!PyObject_TypeCheck(h, st->Hierarchy_Type)) {
        PyErr_Format(PyExc_TypeError, "%s(): argument 'hier' must be Hierarchy, not %.200s", fname,
                     Py_TYPE(h)->tp_name);
        return -1;
    }
    return 0;
}

#if PY_VERSION_HEX < 0x030A0000
PyObject *pyfstw_no_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)args;
    (void)kwds;
    PyErr_Format(PyExc_TypeError, "cannot create '%s' instances", type->tp_name);
    return NULL;
}
#endif

/* ============================================================ TimescaleUnit */

static int unit_known(int exponent)
{
    return strcmp(fstw_timescale_unit_name(exponent), "unknown") != 0;
}

static void simple_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *TimescaleUnit_str(PyObject *self)
{
    return PyUnicode_FromString(fstw_timescale_unit_name(((pyfstw_TimescaleUnitObject *)self)->exponent));
}

static PyObject *TimescaleUnit_repr(PyObject *self)
{
    return PyUnicode_FromFormat("TimescaleUnit.%s", fstw_timescale_unit_name(((pyfstw_TimescaleUnitObject *)self)->exponent));
}

static PyObject *TimescaleUnit_to_exponent(PyObject *self, PyObject *unused)
{
    (void)unused;
    int e = ((pyfstw_TimescaleUnitObject *)self)->exponent;
    if (!unit_known(e))
        Py_RETURN_NONE;
    return PyLong_FromLong(e);
}

static Py_hash_t TimescaleUnit_hash(PyObject *self)
{
    Py_hash_t h = (Py_hash_t)((pyfstw_TimescaleUnitObject *)self)->exponent * 7919 + 17;
    return h == -1 ? -2 : h;
}

static PyObject *TimescaleUnit_richcompare(PyObject *a, PyObject *b, int op)
{
    if (Py_TYPE(a) != Py_TYPE(b) || (op != Py_EQ && op != Py_NE))
        Py_RETURN_NOTIMPLEMENTED;
    int eq = ((pyfstw_TimescaleUnitObject *)a)->exponent == ((pyfstw_TimescaleUnitObject *)b)->exponent;
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyMethodDef TimescaleUnit_methods[] = {
    {"to_exponent", TimescaleUnit_to_exponent, METH_NOARGS,
     "to_exponent($self, /)\n--\n\n"
     "The unit as a power of ten of seconds (ns -> -9, s -> 0), None when unknown."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot TimescaleUnit_slots[] = {
    {Py_tp_doc, "The unit of a Timescale: ``str()`` is one of ``zs as fs ps ns us ms s unknown``,\n"
                "``repr()`` is ``TimescaleUnit.ns``. Compares and hashes by value. As pywellen."},
    {Py_tp_dealloc, simple_dealloc},
    {Py_tp_repr, TimescaleUnit_repr},
    {Py_tp_str, TimescaleUnit_str},
    {Py_tp_hash, TimescaleUnit_hash},
    {Py_tp_richcompare, TimescaleUnit_richcompare},
    {Py_tp_methods, TimescaleUnit_methods},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_TimescaleUnit_spec = {
    .name = "fstwave.TimescaleUnit",
    .basicsize = sizeof(pyfstw_TimescaleUnitObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = TimescaleUnit_slots,
};

/* ============================================================ Timescale */

PyObject *pyfstw_timescale_new(pyfstw_state *st, uint32_t factor, int unit_exponent)
{
    PyTypeObject *ut = st->TimescaleUnit_Type;
    pyfstw_TimescaleUnitObject *u = (pyfstw_TimescaleUnitObject *)ut->tp_alloc(ut, 0);
    if (!u)
        return NULL;
    u->exponent = unit_exponent;
    PyTypeObject *tt = st->Timescale_Type;
    pyfstw_TimescaleObject *t = (pyfstw_TimescaleObject *)tt->tp_alloc(tt, 0);
    if (!t) {
        Py_DECREF(u);
        return NULL;
    }
    t->factor = factor;
    t->unit = (PyObject *)u;
    return (PyObject *)t;
}

static void Timescale_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    Py_XDECREF(((pyfstw_TimescaleObject *)self)->unit);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *Timescale_get_factor(PyObject *self, void *closure)
{
    (void)closure;
    return PyLong_FromUnsignedLong(((pyfstw_TimescaleObject *)self)->factor);
}

static PyObject *Timescale_get_unit(PyObject *self, void *closure)
{
    (void)closure;
    PyObject *u = ((pyfstw_TimescaleObject *)self)->unit;
    Py_INCREF(u);
    return u;
}

static int ts_exponent(PyObject *self)
{
    return ((pyfstw_TimescaleUnitObject *)((pyfstw_TimescaleObject *)self)->unit)->exponent;
}

static PyObject *Timescale_str(PyObject *self)
{
    return PyUnicode_FromFormat("%u%s", (unsigned)((pyfstw_TimescaleObject *)self)->factor,
                                fstw_timescale_unit_name(ts_exponent(self)));
}

static PyObject *Timescale_repr(PyObject *self)
{
    return PyUnicode_FromFormat("Timescale(factor=%u, unit=TimescaleUnit.%s)",
                                (unsigned)((pyfstw_TimescaleObject *)self)->factor,
                                fstw_timescale_unit_name(ts_exponent(self)));
}

static Py_hash_t Timescale_hash(PyObject *self)
{
    Py_hash_t h = (Py_hash_t)((pyfstw_TimescaleObject *)self)->factor * 1000003 + ts_exponent(self);
    return h == -1 ? -2 : h;
}

static PyObject *Timescale_richcompare(PyObject *a, PyObject *b, int op)
{
    if (Py_TYPE(a) != Py_TYPE(b) || (op != Py_EQ && op != Py_NE))
        Py_RETURN_NOTIMPLEMENTED;
    int eq = ((pyfstw_TimescaleObject *)a)->factor == ((pyfstw_TimescaleObject *)b)->factor &&
             ts_exponent(a) == ts_exponent(b);
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyGetSetDef Timescale_getset[] = {
    {"factor", Timescale_get_factor, NULL, "The multiplier of the unit (1, 10 or 100).", NULL},
    {"unit", Timescale_get_unit, NULL, "The TimescaleUnit.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot Timescale_slots[] = {
    {Py_tp_doc, "The duration of one time unit of the file: ``factor`` x ``unit``.\n\n"
                "``str()`` like ``10ps``, ``repr()`` like ``Timescale(factor=10, unit=TimescaleUnit.ps)``.\n"
                "Compares and hashes by value. As pywellen."},
    {Py_tp_dealloc, Timescale_dealloc},
    {Py_tp_repr, Timescale_repr},
    {Py_tp_str, Timescale_str},
    {Py_tp_hash, Timescale_hash},
    {Py_tp_richcompare, Timescale_richcompare},
    {Py_tp_getset, Timescale_getset},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_Timescale_spec = {
    .name = "fstwave.Timescale",
    .basicsize = sizeof(pyfstw_TimescaleObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = Timescale_slots,
};
