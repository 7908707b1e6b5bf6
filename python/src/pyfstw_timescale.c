/*
 * pyfstw_timescale.c - Timescale and TimescaleUnit (the unit names are the
 * core's, fstw_timescale_unit_name).
 */
#include "pyfstw.h"

#include <string.h>

/* ============================================================ TimescaleUnit */

static int unit_known(int exponent)
{
    return strcmp(fstw_timescale_unit_name(exponent), "unknown") != 0;
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
    {Py_tp_dealloc, pyfstw_plain_dealloc},
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
