/*
 * pyfstw_array.c - Array: the bulk arrays of Changes and Summary
 * (docs/api.md section 2.7), read-only objects that own their bytes and implement the
 * buffer protocol (PEP 3118), so that memoryview(a) works and
 * numpy.asarray(a) wraps them without a copy; plus what Changes and Summary
 * share (the value arrays of a signal's layout, to_numpy(), dealloc).
 */
#include "pyfstw.h"

#include <string.h>

pyfstw_ArrayObject *pyfstw_array_new(pyfstw_state *st, const char *format, size_t n, size_t width)
{
    Py_ssize_t itemsize = width ? 1 : (format[0] == 'B' || format[0] == 'c' ? 1 : 8);
    size_t row = width ? width : (size_t)itemsize;
    if (n > (size_t)PY_SSIZE_T_MAX / (row ? row : 1)) {
        PyErr_NoMemory();
        return NULL;
    }
    PyTypeObject *tp = st->Array_Type;
    pyfstw_ArrayObject *a = (pyfstw_ArrayObject *)tp->tp_alloc(tp, 0);
    if (!a)
        return NULL;
    a->data = PyMem_Malloc(n * row > 0 ? n * row : 1);
    if (!a->data) {
        Py_DECREF(a);
        PyErr_NoMemory();
        return NULL;
    }
    a->format = width ? "c" : format;
    a->itemsize = itemsize;
    a->ndim = width ? 2 : 1;
    a->shape[0] = (Py_ssize_t)n;
    a->strides[0] = (Py_ssize_t)row;
    a->shape[1] = (Py_ssize_t)width;
    a->strides[1] = 1;
    return a;
}

static void Array_dealloc(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    PyMem_Free(((pyfstw_ArrayObject *)op)->data);
    tp->tp_free(op);
    Py_DECREF(tp);
}

static int Array_getbuffer(PyObject *op, Py_buffer *view, int flags)
{
    pyfstw_ArrayObject *a = (pyfstw_ArrayObject *)op;
    if (flags & PyBUF_WRITABLE) {
        PyErr_SetString(PyExc_BufferError, "fstwave.Array is read-only");
        view->obj = NULL;
        return -1;
    }
    view->buf = a->data;
    view->obj = op;
    Py_INCREF(op);
    view->len = a->shape[0] * a->strides[0];
    view->readonly = 1;
    view->itemsize = a->itemsize;
    view->format = (flags & PyBUF_FORMAT) ? (char *)a->format : NULL;
    view->ndim = a->ndim;
    if ((flags & PyBUF_ND) != PyBUF_ND) {
        /* a consumer that asks for no shape (PyBUF_SIMPLE: hashlib, file writes)
         * gets the contiguous bytes as one run, as PyBuffer_FillInfo gives them */
        view->ndim = 1;
        if (!(flags & PyBUF_FORMAT))
            view->itemsize = 1;
    }
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? a->shape : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? a->strides : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

static Py_ssize_t Array_len(PyObject *op)
{
    return ((pyfstw_ArrayObject *)op)->shape[0];
}

/* a[i] (negative i already made positive by Python's sequence protocol):
 * an int for 'Q', 'q' and 'B', a float for 'd', the row's bytes for an
 * ASCII row array; iteration and list(a) come with it. */
static PyObject *Array_item(PyObject *op, Py_ssize_t i)
{
    pyfstw_ArrayObject *a = (pyfstw_ArrayObject *)op;
    if (i < 0 || i >= a->shape[0]) {
        PyErr_SetString(PyExc_IndexError, "fstwave.Array index out of range");
        return NULL;
    }
    const char *p = a->data + i * a->strides[0];
    if (a->ndim == 2) return PyBytes_FromStringAndSize(p, a->shape[1]);
    switch (a->format[0]) {
    case 'Q': { unsigned long long v; memcpy(&v, p, 8); return PyLong_FromUnsignedLongLong(v); }
    case 'q': { long long v; memcpy(&v, p, 8); return PyLong_FromLongLong(v); }
    case 'd': { double v; memcpy(&v, p, 8); return PyFloat_FromDouble(v); }
    default: return PyLong_FromLong((unsigned char)*p);
    }
}

static PyObject *Array_get_format(PyObject *op, void *closure)
{
    (void)closure;
    return PyUnicode_FromString(((pyfstw_ArrayObject *)op)->format);
}

static PyObject *Array_get_shape(PyObject *op, void *closure)
{
    (void)closure;
    pyfstw_ArrayObject *a = (pyfstw_ArrayObject *)op;
    if (a->ndim == 2)
        return Py_BuildValue("(nn)", a->shape[0], a->shape[1]);
    return Py_BuildValue("(n)", a->shape[0]);
}

static PyObject *Array_get_nbytes(PyObject *op, void *closure)
{
    (void)closure;
    pyfstw_ArrayObject *a = (pyfstw_ArrayObject *)op;
    return PyLong_FromSsize_t(a->shape[0] * a->strides[0]);
}

/* numpy.asarray(obj), or ImportError naming the extra when NumPy is missing. */
static PyObject *as_numpy(PyObject *obj)
{
    PyObject *np = PyImport_ImportModule("numpy");
    if (!np) {
        if (PyErr_ExceptionMatches(PyExc_ImportError)) {
            PyObject *type, *value, *tb;
            PyErr_Fetch(&type, &value, &tb);
            PyErr_NormalizeException(&type, &value, &tb);
            PyErr_SetString(PyExc_ImportError,
                            "to_numpy() needs NumPy: pip install numpy (or fstwave[numpy]); "
                            "without it, use memoryview() or any buffer-protocol consumer");
            PyObject *t2, *v2, *tb2;
            PyErr_Fetch(&t2, &v2, &tb2);
            PyErr_NormalizeException(&t2, &v2, &tb2);
            PyException_SetCause(v2, value); /* steals value */
            Py_XDECREF(type);
            Py_XDECREF(tb);
            PyErr_Restore(t2, v2, tb2);
        }
        return NULL;
    }
    PyObject *res = PyObject_CallMethod(np, "asarray", "O", obj);
    Py_DECREF(np);
    return res;
}

static PyObject *Array_to_numpy(PyObject *op, PyObject *unused)
{
    (void)unused;
    return as_numpy(op);
}

static PyObject *Array_tolist(PyObject *op, PyObject *unused)
{
    (void)unused;
    PyObject *mv = PyMemoryView_FromObject(op);
    if (!mv)
        return NULL;
    PyObject *res = PyObject_CallMethod(mv, "tolist", NULL);
    Py_DECREF(mv);
    return res;
}

static PyObject *Array_repr(PyObject *op)
{
    pyfstw_ArrayObject *a = (pyfstw_ArrayObject *)op;
    if (a->ndim == 2)
        return PyUnicode_FromFormat("<fstwave.Array format='%s' shape=(%zd, %zd)>", a->format, a->shape[0],
                                    a->shape[1]);
    return PyUnicode_FromFormat("<fstwave.Array format='%s' shape=(%zd,)>", a->format, a->shape[0]);
}

static PyGetSetDef Array_getset[] = {
    {"format", Array_get_format, NULL,
     "The struct-module format of one item: 'Q' uint64, 'q' int64, 'd' float64,\n"
     "'B' byte, 'c' one ASCII character of a row (NumPy dtype 'S1').", NULL},
    {"shape", Array_get_shape, NULL,
     "``(n,)``, or ``(n, bitwidth)`` for ASCII rows (one row per change).", NULL},
    {"nbytes", Array_get_nbytes, NULL, "Bytes of the whole array.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef Array_members[] = {
    {"itemsize", T_PYSSIZET, offsetof(pyfstw_ArrayObject, itemsize), READONLY,
     "Bytes of one item (8, or 1 for 'B' and 'c')."},
    {NULL, 0, 0, 0, NULL},
};

static PyMethodDef Array_methods[] = {
    {"to_numpy", Array_to_numpy, METH_NOARGS,
     "to_numpy($self, /)\n--\n\n"
     "``numpy.asarray(self)``: a read-only NumPy array over the same memory (no\n"
     "copy), dtype uint64, int64, float64, uint8 or S1 by ``format``. Raises\n"
     "ImportError when NumPy is not installed (``pip install fstwave[numpy]``)."},
    {"tolist", Array_tolist, METH_NOARGS,
     "tolist($self, /)\n--\n\n``memoryview(self).tolist()``: the items as Python objects."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Array_slots[] = {
    {Py_tp_doc, "A read-only bulk array of fstwave (fstwave/docs/api.md section 2.7):\n"
                "times, values, offsets, counts or change indices of\n"
                "Signal.changes_between() and Signal.summary().\n\n"
                "Implements the buffer protocol with ``format``, ``itemsize`` and ``shape``, so\n"
                "``memoryview(a)`` works and ``numpy.asarray(a)`` wraps it without a copy; it\n"
                "owns a copy of its data, independent of the Signal and the file. ``len(a)``\n"
                "is ``shape[0]``; ``a[i]`` (and iteration, ``list(a)``) gives an int, a float\n"
                "or, for ASCII rows, the row's bytes. Not constructible."},
    {Py_tp_dealloc, Array_dealloc},
    {Py_tp_repr, Array_repr},
    {Py_tp_getset, Array_getset},
    {Py_tp_members, Array_members},
    {Py_tp_methods, Array_methods},
    {Py_sq_length, Array_len},
    {Py_sq_item, Array_item},
    {Py_bf_getbuffer, Array_getbuffer},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_Array_spec = {
    .name = "fstwave.Array",
    .basicsize = sizeof(pyfstw_ArrayObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = Array_slots,
};

/* ============================================================ shared by Changes and Summary */

const char *pyfstw_array_kind_name(int kind)
{
    static const char *const names[] = {"none", "u64", "f64", "rows", "strings"};
    return kind >= 0 && kind < 5 ? names[kind] : "unknown";
}

int pyfstw_value_arrays(pyfstw_state *st, const fstw_signal *s, size_t n, size_t bytes,
                        pyfstw_ArrayObject **values, pyfstw_ArrayObject **offsets)
{
    *values = *offsets = NULL;
    switch (fstw_signal_array_kind(s)) {
    case FSTW_ARR_NONE:
        return 0;
    case FSTW_ARR_U64:
        *values = pyfstw_array_new(st, "Q", n, 0);
        break;
    case FSTW_ARR_F64:
        *values = pyfstw_array_new(st, "d", n, 0);
        break;
    case FSTW_ARR_ROWS:
        *values = pyfstw_array_new(st, "c", n, fstw_signal_row_bytes(s));
        break;
    case FSTW_ARR_STRINGS:
        *values = pyfstw_array_new(st, "B", bytes, 0);
        if (*values && !(*offsets = pyfstw_array_new(st, "Q", n + 1, 0)))
            Py_CLEAR(*values);
        break;
    default:
        PyErr_SetString(PyExc_RuntimeError, "unknown array kind");
        return -1;
    }
    return *values ? 0 : -1;
}

/* The object members of a bag's type (its tp_members). */
static const PyMemberDef *bag_members(PyObject *self)
{
    return (const PyMemberDef *)PyType_GetSlot(Py_TYPE(self), Py_tp_members);
}

static PyObject *bag_to_numpy(PyObject *self, PyObject *unused)
{
    (void)unused;
    pyfstw_state *st = pyfstw_state_of(self);
    PyObject *dict = PyDict_New();
    if (!dict)
        return NULL;
    for (const PyMemberDef *m = bag_members(self); m->name; m++) {
        PyObject *v = *(PyObject **)((char *)self + m->offset);
        if (m->type != T_OBJECT || !v || !PyObject_TypeCheck(v, st->Array_Type))
            continue;
        PyObject *arr = as_numpy(v);
        if (!arr || PyDict_SetItemString(dict, m->name, arr) < 0) {
            Py_XDECREF(arr);
            Py_DECREF(dict);
            return NULL;
        }
        Py_DECREF(arr);
    }
    return dict;
}

pyfstw_BagObject *pyfstw_bag_new(PyTypeObject *tp, const fstw_signal *s, Py_ssize_t len)
{
    pyfstw_BagObject *b = (pyfstw_BagObject *)tp->tp_alloc(tp, 0);
    if (!b)
        return NULL;
    b->len = len;
    b->kind = PyUnicode_InternFromString(pyfstw_array_kind_name(fstw_signal_array_kind(s)));
    if (!b->kind) {
        Py_DECREF(b);
        return NULL;
    }
    return b;
}

void pyfstw_bag_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    for (const PyMemberDef *m = bag_members(self); m->name; m++)
        if (m->type == T_OBJECT)
            Py_CLEAR(*(PyObject **)((char *)self + m->offset));
    tp->tp_free(self);
    Py_DECREF(tp);
}

Py_ssize_t pyfstw_bag_len(PyObject *self)
{
    return ((pyfstw_BagObject *)self)->len;
}

PyObject *pyfstw_bag_repr(PyObject *self)
{
    pyfstw_BagObject *b = (pyfstw_BagObject *)self;
    return PyUnicode_FromFormat("<%s kind=%S len=%zd>", Py_TYPE(self)->tp_name, b->kind, b->len);
}

PyMethodDef pyfstw_bag_methods[] = {
    {"to_numpy", bag_to_numpy, METH_NOARGS,
     "to_numpy($self, /)\n--\n\n"
     "A dict {name: ndarray} of this object's array attributes that are not None\n"
     "(Changes: times, values, offsets; Summary: bounds, counts, first, last,\n"
     "first_values, last_values, first_offsets, last_offsets), each\n"
     "``numpy.asarray`` of the Array (no copy, read-only). Raises ImportError when\n"
     "NumPy is not installed (``pip install fstwave[numpy]``)."},
    {NULL, NULL, 0, NULL},
};
