/*
 * pyfstw_summary.c - Summary: the display summary of a window of a signal
 * in equal slices (Signal.summary, fstwave/docs/api.md section 2.7).  The slice rule and
 * its O(buckets * log changes) computation are the core's
 * (fstw_signal_summary); the values of the changes at the slice bounds come
 * from fstw_signal_gather_values.  This file only wraps them.
 */
#include "pyfstw.h"

typedef struct {
    pyfstw_BagObject head;   /* len: buckets, kind */
    PyObject *bounds;        /* Array 'Q', buckets + 1 */
    PyObject *counts;        /* Array 'Q', buckets */
    PyObject *first;         /* Array 'q', buckets */
    PyObject *last;          /* Array 'q', buckets */
    PyObject *first_values;  /* Array in the signal's layout, or NULL for events */
    PyObject *first_offsets; /* Array 'Q' for strings, else NULL */
    PyObject *last_values;
    PyObject *last_offsets;
} SummaryObject;

static const pyfstw_argspec summary_args = PYFSTW_ARGSPEC("summary", "OOO", "", "t0", "t1", "buckets");

/* The values of the changes idx[0 .. n) (-1: none) as *values / *offsets. */
static int gather(pyfstw_state *st, const fstw_signal *s, const int64_t *idx, size_t n, PyObject **values,
                  PyObject **offsets)
{
    size_t bytes = fstw_signal_array_kind(s) == FSTW_ARR_STRINGS ? fstw_signal_gather_bytes(s, idx, n) : 0;
    pyfstw_ArrayObject *v, *o;
    if (pyfstw_value_arrays(st, s, n, bytes, &v, &o) < 0)
        return -1;
    *values = (PyObject *)v;
    *offsets = (PyObject *)o;
    if (v && fstw_signal_gather_values(s, idx, n, v->data, o ? (uint64_t *)o->data : NULL) != FSTW_OK) {
        PyErr_Format(PyExc_RuntimeError, "cannot gather the values of signal %u", (unsigned)fstw_signal_ref(s));
        return -1;
    }
    return 0;
}

PyObject *pyfstw_summary(PyObject *signal, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    pyfstw_state *st = pyfstw_state_of(signal);
    const fstw_signal *s = ((pyfstw_SignalObject *)signal)->sig;
    PyObject *argv[3];
    uint64_t t0, t1, buckets;
    if (pyfstw_parse_args(&summary_args, args, nargs, kwnames, argv) < 0 ||
        pyfstw_as_unsigned(argv[0], UINT64_MAX, &t0) < 0 || pyfstw_as_unsigned(argv[1], UINT64_MAX, &t1) < 0 ||
        pyfstw_as_unsigned(argv[2], UINT32_MAX, &buckets) < 0)
        return NULL;
    if (t1 < t0 || buckets == 0) {
        PyErr_Format(PyExc_ValueError, "summary(): %s",
                     buckets == 0 ? "buckets must be at least 1" : "t1 is before t0");
        return NULL;
    }
    size_t b = (size_t)buckets;
    SummaryObject *m = (SummaryObject *)pyfstw_bag_new(st->Summary_Type, s, (Py_ssize_t)b);
    if (!m)
        return NULL;
    pyfstw_ArrayObject *bounds = pyfstw_array_new(st, "Q", b + 1, 0);
    pyfstw_ArrayObject *counts = pyfstw_array_new(st, "Q", b, 0);
    pyfstw_ArrayObject *first = pyfstw_array_new(st, "q", b, 0);
    pyfstw_ArrayObject *last = pyfstw_array_new(st, "q", b, 0);
    m->bounds = (PyObject *)bounds;
    m->counts = (PyObject *)counts;
    m->first = (PyObject *)first;
    m->last = (PyObject *)last;
    if (!bounds || !counts || !first || !last)
        goto fail;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = fstw_signal_summary(s, t0, t1, (uint32_t)b, (uint64_t *)bounds->data, (int64_t *)first->data,
                             (uint64_t *)counts->data, (int64_t *)last->data);
    Py_END_ALLOW_THREADS
    if (rc != FSTW_OK) {
        PyErr_SetString(PyExc_ValueError, "summary(): invalid window");
        goto fail;
    }
    if (gather(st, s, (const int64_t *)first->data, b, &m->first_values, &m->first_offsets) < 0 ||
        gather(st, s, (const int64_t *)last->data, b, &m->last_values, &m->last_offsets) < 0)
        goto fail;
    return (PyObject *)m;
fail:
    Py_DECREF(m);
    return NULL;
}

static PyMemberDef Summary_members[] = {
    {"bounds", T_OBJECT, offsetof(SummaryObject, bounds), READONLY,
     "Array 'Q' of buckets + 1 slice bounds a_k = t0 + floor((t1 - t0) * k / buckets)\n"
     "(timescale units); slice k is (a_k, a_k+1], bounds[0] = t0, bounds[-1] = t1."},
    {"counts", T_OBJECT, offsetof(SummaryObject, counts), READONLY,
     "Array 'Q' of buckets: the number of changes with a_k < time <= a_k+1."},
    {"first", T_OBJECT, offsetof(SummaryObject, first), READONLY,
     "Array 'q' of buckets: the index of the change in force at a_k (the last change\n"
     "with time <= a_k), -1 when none."},
    {"last", T_OBJECT, offsetof(SummaryObject, last), READONLY,
     "Array 'q' of buckets: the index of the change in force at a_k+1, -1 when none\n"
     "(last[k] == first[k+1])."},
    {"first_values", T_OBJECT, offsetof(SummaryObject, first_values), READONLY,
     "The values of the changes ``first`` names, in the layout of Changes.values for\n"
     "this signal's kind (a zero value: 0, 0.0, a row of NUL bytes or an empty string\n"
     "where first is -1); None for events."},
    {"first_offsets", T_OBJECT, offsetof(SummaryObject, first_offsets), READONLY,
     "For strings: Array 'Q' of buckets + 1 offsets into first_values; else None."},
    {"last_values", T_OBJECT, offsetof(SummaryObject, last_values), READONLY,
     "The values of the changes ``last`` names (as first_values)."},
    {"last_offsets", T_OBJECT, offsetof(SummaryObject, last_offsets), READONLY,
     "For strings: Array 'Q' of buckets + 1 offsets into last_values; else None."},
    {"kind", T_OBJECT, offsetof(SummaryObject, head.kind), READONLY,
     "The value layout, as Changes.kind: 'u64', 'f64', 'rows', 'strings' or 'none'."},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot Summary_slots[] = {
    {Py_tp_doc, "The display summary of a window of a Signal, from Signal.summary(t0, t1,\n"
                "buckets) (fstwave/docs/api.md section 2.7; not in pywellen): for each of\n"
                "``buckets`` equal slices of (t0, t1], the change in force at its start, the\n"
                "number of changes inside it and the change in force at its end, computed by\n"
                "the core in O(buckets * log changes). ``len(summary)`` is buckets. Not\n"
                "constructible."},
    {Py_tp_members, Summary_members},
    PYFSTW_BAG_SLOTS
    {0, NULL},
};

PyType_Spec pyfstw_Summary_spec = {
    .name = "fstwave.Summary",
    .basicsize = sizeof(SummaryObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = Summary_slots,
};
