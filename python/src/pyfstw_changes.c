/*
 * pyfstw_changes.c - Changes: the window of changes of a signal as bulk
 * arrays (Signal.changes_between, fstwave/docs/api.md section 2.7).  The window rule
 * (the change in force at t0, then the changes in (t0, t1]) and the array
 * layouts are the core's (fstw_signal_window, fstw_signal_array_kind,
 * fstw_signal_copy_times/values); this file only wraps them.
 */
#include "pyfstw.h"

typedef struct {
    pyfstw_BagObject head; /* len: n, kind */
    PyObject *times;       /* Array 'Q' */
    PyObject *values;      /* Array, or NULL (None) for events */
    PyObject *offsets;     /* Array 'Q' of n + 1 for strings, else NULL */
    PyObject *has_initial; /* bool */
    PyObject *first;       /* int */
} ChangesObject;

/* Copies above this many bytes release the GIL. */
#define COPY_NOGIL_BYTES (1u << 20)

static const pyfstw_argspec changes_between_args = PYFSTW_ARGSPEC("changes_between", "OO", "", "t0", "t1");

/* Fills the arrays of c with changes [first, end) of s; -1 on error. */
static int copy_window(const fstw_signal *s, size_t first, size_t end, pyfstw_ArrayObject *times,
                       pyfstw_ArrayObject *values, pyfstw_ArrayObject *offsets)
{
    int rc1, rc2;
    size_t bytes = (end - first) * 8 + (values ? (size_t)(values->shape[0] * values->strides[0]) : 0);
    void *vdata = values ? values->data : NULL;
    uint64_t *odata = offsets ? (uint64_t *)offsets->data : NULL;
    if (bytes >= COPY_NOGIL_BYTES) {
        Py_BEGIN_ALLOW_THREADS
        rc1 = fstw_signal_copy_times(s, first, end, (uint64_t *)times->data);
        rc2 = fstw_signal_copy_values(s, first, end, vdata, odata);
        Py_END_ALLOW_THREADS
    } else {
        rc1 = fstw_signal_copy_times(s, first, end, (uint64_t *)times->data);
        rc2 = fstw_signal_copy_values(s, first, end, vdata, odata);
    }
    if (rc1 != FSTW_OK || rc2 != FSTW_OK) {
        PyErr_Format(PyExc_RuntimeError, "cannot copy changes [%zu, %zu) of signal %u", first, end,
                     (unsigned)fstw_signal_ref(s));
        return -1;
    }
    return 0;
}

PyObject *pyfstw_changes_between(PyObject *signal, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    pyfstw_state *st = pyfstw_state_of(signal);
    const fstw_signal *s = ((pyfstw_SignalObject *)signal)->sig;
    PyObject *argv[2];
    uint64_t t0, t1;
    if (pyfstw_parse_args(&changes_between_args, args, nargs, kwnames, argv) < 0 ||
        pyfstw_as_unsigned(argv[0], UINT64_MAX, &t0) < 0 || pyfstw_as_unsigned(argv[1], UINT64_MAX, &t1) < 0)
        return NULL;
    fstw_window w;
    if (fstw_signal_window(s, t0, t1, &w) != FSTW_OK) {
        PyErr_Format(PyExc_ValueError, "changes_between(): t1 (%llu) is before t0 (%llu)",
                     (unsigned long long)t1, (unsigned long long)t0);
        return NULL;
    }
    size_t n = w.end - w.first;
    ChangesObject *c = (ChangesObject *)pyfstw_bag_new(st->Changes_Type, s, (Py_ssize_t)n);
    if (!c)
        return NULL;
    pyfstw_ArrayObject *times = pyfstw_array_new(st, "Q", n, 0), *values = NULL, *offsets = NULL;
    c->times = (PyObject *)times;
    if (!times || pyfstw_value_arrays(st, s, n, fstw_signal_values_bytes(s, w.first, w.end), &values, &offsets) < 0)
        goto fail;
    c->values = (PyObject *)values;
    c->offsets = (PyObject *)offsets;
    if (copy_window(s, w.first, w.end, times, values, offsets) < 0)
        goto fail;
    c->has_initial = PyBool_FromLong(w.has_initial);
    c->first = PyLong_FromSize_t(w.first);
    if (!c->first)
        goto fail;
    return (PyObject *)c;
fail:
    Py_DECREF(c);
    return NULL;
}

static PyMemberDef Changes_members[] = {
    {"times", T_OBJECT, offsetof(ChangesObject, times), READONLY,
     "Array of the n change times, format 'Q' (uint64), timescale units, ascending;\n"
     "``times[0] <= t0`` when has_initial, every other time in (t0, t1]."},
    {"values", T_OBJECT, offsetof(ChangesObject, values), READONLY,
     "Array of the n values in the signal's layout (see kind): 'Q' (n,) for u64,\n"
     "'d' (n,) for f64, 'c' (n, bitwidth) ASCII rows MSB first for rows, 'B' (the\n"
     "concatenated bytes, Latin-1) for strings; None for events."},
    {"offsets", T_OBJECT, offsetof(ChangesObject, offsets), READONLY,
     "For strings: Array 'Q' of n + 1 offsets into values (the first 0; value i is\n"
     "``values[offsets[i]:offsets[i+1]]``). None for the other kinds."},
    {"kind", T_OBJECT, offsetof(ChangesObject, head.kind), READONLY,
     "The value layout: 'u64' (2-state bit vectors of 1..64 bits, bit 0 = LSB),\n"
     "'f64' (reals), 'rows' (other bit vectors), 'strings', 'none' (events); the\n"
     "same for every window of a signal (the core's fstw_signal_array_kind)."},
    {"has_initial", T_OBJECT, offsetof(ChangesObject, has_initial), READONLY,
     "True when entry 0 is the change in force at t0 (its time <= t0); False when\n"
     "the signal had no value yet at t0."},
    {"first", T_OBJECT, offsetof(ChangesObject, first), READONLY,
     "The index (in the signal's change list, as all_changes() counts) of entry 0;\n"
     "entry i is change first + i."},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot Changes_slots[] = {
    {Py_tp_doc, "The window of changes of a Signal, from Signal.changes_between(t0, t1)\n"
                "(fstwave/docs/api.md section 2.7; not in pywellen): the change in force\n"
                "at t0 (when the signal has a value at t0) and every change with\n"
                "t0 < time <= t1, as bulk arrays (buffer protocol; numpy.asarray wraps them\n"
                "without a copy).\n"
                "``len(changes)`` is the number of entries n. Not constructible."},
    {Py_tp_members, Changes_members},
    PYFSTW_BAG_SLOTS
    {0, NULL},
};

PyType_Spec pyfstw_Changes_spec = {
    .name = "fstwave.Changes",
    .basicsize = sizeof(ChangesObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = Changes_slots,
};
