/*
 * pyfstw_stream.c - one-pass streaming for fstwave.pywellen25
 * (pywellen 0.25's Waveform.stream_changes and stream_time_steps): the
 * per-change loop over the core's stream (fstw_stream_*), calling the
 * Python callback, and the classes SignalId and SignalValues.
 *
 * The core owns the stream's rules (which changes, their order, the values,
 * `new_step` and `changed`, see "streaming" in fstwave.h); this file only
 * translates them:
 *
 *   stream_changes:    callback(time, SignalId, value) for every change;
 *   stream_time_steps: callback(time, SignalValues, [SignalId, ...]) once per
 *                      time step that has a change flagged `changed`, with
 *                      the step's changed signals in stream order (wellen's
 *                      StreamDispatcherOnTimeStep).
 *
 * SignalId objects are made once per signal per stream (lazily, in an array
 * indexed by signal ref).  SignalValues gives the latest value of each
 * streamed signal as of the end of its time step, read from the core
 * (fstw_stream_value; for the signal whose change began the next step, which
 * the core has then applied, fstw_stream_previous).  When the program still
 * holds the object after the callback returns (wellen's Arc::make_mut
 * copy-on-write), it is detached with a dict of its step's values and the
 * next step gets a new object.  Memory is bounded by one block plus one value
 * per streamed signal (the core's).
 */
#include "pyfstw.h"

#include <string.h>

/* A streamed value as a Python object: as pyfstw_value_object, except that
 * strings are decoded as UTF-8 with U+FFFD for invalid bytes (wellen 0.25's
 * stream uses String::from_utf8_lossy, while its loaded signals, and
 * pyfstw_value_object, give each byte as one character). */
static PyObject *stream_value(const fstw_value *v)
{
    if (v->kind == FSTW_VAL_STRING)
        return PyUnicode_DecodeUTF8((const char *)v->data, (Py_ssize_t)v->len, "replace");
    return pyfstw_value_object(v);
}

/* ============================================================ SignalId */

typedef struct {
    PyObject_HEAD
    uint32_t ref;
} pyfstw_SignalIdObject;

static PyObject *signal_id_new(pyfstw_state *st, uint32_t ref)
{
    PyTypeObject *tp = st->SignalId_Type;
    pyfstw_SignalIdObject *self = (pyfstw_SignalIdObject *)tp->tp_alloc(tp, 0);
    if (self)
        self->ref = ref;
    return (PyObject *)self;
}

static PyObject *SignalId_str(PyObject *op)
{
    return PyUnicode_FromFormat("SignalId(%u)", (unsigned)((pyfstw_SignalIdObject *)op)->ref);
}

static Py_hash_t SignalId_hash(PyObject *op)
{
    Py_hash_t h = (Py_hash_t)((pyfstw_SignalIdObject *)op)->ref;
    return h == -1 ? -2 : h;
}

static PyObject *SignalId_richcompare(PyObject *a, PyObject *b, int op)
{
    if (Py_TYPE(a) != Py_TYPE(b) || (op != Py_EQ && op != Py_NE))
        Py_RETURN_NOTIMPLEMENTED;
    int eq = ((pyfstw_SignalIdObject *)a)->ref == ((pyfstw_SignalIdObject *)b)->ref;
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyType_Slot SignalId_slots[] = {
    {Py_tp_doc, "SignalId: names a signal (the FST handle - 1), as pywellen 0.25's SignalId.\n\n"
                "``str()`` is ``SignalId(N)``. Got from ``Var.signal_id`` and from the streams; used\n"
                "as ``waveform[signal_id]`` and ``signal_values[signal_id]``. Compares and hashes by\n"
                "signal (pywellen 0.25.7: by identity, with a new object for every change; deviation\n"
                "P3 in fstwave/docs/api.md). Not constructible."},
    {Py_tp_dealloc, (void *)pyfstw_plain_dealloc},
    {Py_tp_str, (void *)SignalId_str},
    {Py_tp_hash, (void *)SignalId_hash},
    {Py_tp_richcompare, (void *)SignalId_richcompare},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_SignalId_spec = {
    .name = "fstwave.pywellen25.SignalId",
    .basicsize = sizeof(pyfstw_SignalIdObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = SignalId_slots,
};

/* ======================================================== SignalValues */

typedef struct {
    PyObject_HEAD
    const fstw_stream *live;  /* the stream while attached, else NULL */
    uint32_t pending;         /* while attached: the signal of the change that began the
                                 next step (its value of this step is the one before it),
                                 or UINT32_MAX */
    PyObject *snapshot;       /* dict {ref: value} once detached (NULL before) */
} pyfstw_SignalValuesObject;

/* The value of signal ref at the end of the step being dispatched: the core's
 * latest, or for the signal whose change began the next step, the one before
 * it (fstw_stream_previous).  1, or 0 when it has had none. */
static int step_value(const fstw_stream *s, uint32_t pending, uint32_t ref, fstw_value *v)
{
    return ref == pending ? fstw_stream_previous(s, v) : fstw_stream_value(s, ref, v);
}

static void SignalValues_dealloc(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    Py_CLEAR(((pyfstw_SignalValuesObject *)op)->snapshot);
    tp->tp_free(op);
    Py_DECREF(tp);
}

static PyObject *SignalValues_getitem(PyObject *op, PyObject *key)
{
    pyfstw_SignalValuesObject *self = (pyfstw_SignalValuesObject *)op;
    pyfstw_state *st = pyfstw_state_of(op);
    if (!PyObject_TypeCheck(key, st->SignalId_Type)) {
        PyErr_Format(PyExc_TypeError, "argument 'key': '%.200s' object is not an instance of 'SignalId'",
                     Py_TYPE(key)->tp_name);
        return NULL;
    }
    uint32_t ref = ((pyfstw_SignalIdObject *)key)->ref;
    if (self->live) {
        fstw_value v;
        if (step_value(self->live, self->pending, ref, &v))
            return stream_value(&v);
        Py_RETURN_NONE;
    }
    if (self->snapshot) {
        PyObject *k = PyLong_FromUnsignedLong(ref);
        if (!k)
            return NULL;
        PyObject *v = PyDict_GetItemWithError(self->snapshot, k);
        Py_DECREF(k);
        if (v) {
            Py_INCREF(v);
            return v;
        }
        if (PyErr_Occurred())
            return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *SignalValues_repr(PyObject *op)
{
    (void)op;
    return PyUnicode_FromString("SignalValues(...)");
}

static PyType_Slot SignalValues_slots[] = {
    {Py_tp_doc, "SignalValues: the values of the streamed signals at one time step of\n"
                "``Waveform.stream_time_steps`` (pywellen 0.25's SignalValues).\n\n"
                "``values[signal_id]`` is the latest value of that signal at or before the step\n"
                "(int, str, float or '' as in the stream), or None when it has had none or is not\n"
                "streamed; a key that is not a SignalId raises TypeError. Kept after the callback\n"
                "returns, it still gives the values of its own step. Not constructible."},
    {Py_tp_dealloc, (void *)SignalValues_dealloc},
    {Py_tp_repr, (void *)SignalValues_repr},
    {Py_mp_subscript, (void *)SignalValues_getitem},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_SignalValues_spec = {
    .name = "fstwave.pywellen25.SignalValues",
    .basicsize = sizeof(pyfstw_SignalValuesObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = SignalValues_slots,
};

/* ============================================================ stream */

typedef struct {
    pyfstw_state *st;
    PyObject *callback;
    uint32_t n_signals;
    PyObject **ids;        /* SignalId per ref, made on first use */
    fstw_stream *s;
    pyfstw_SignalValuesObject *vals; /* time steps only: the current step's object */
    PyObject *changed;     /* time steps only: list of SignalId of the pending step */
    uint64_t step_time;
    PyObject *time_obj;    /* changes: the int of the last change's time, reused by the
                              next changes of that time (ints are immutable) */
    uint64_t time_val;
} stream_run;

static PyObject *run_signal_id(stream_run *r, uint32_t ref)
{
    if (!r->ids[ref] && !(r->ids[ref] = signal_id_new(r->st, ref)))
        return NULL;
    return r->ids[ref];
}

static pyfstw_SignalValuesObject *values_new(stream_run *r)
{
    PyTypeObject *tp = r->st->SignalValues_Type;
    pyfstw_SignalValuesObject *v = (pyfstw_SignalValuesObject *)tp->tp_alloc(tp, 0);
    if (v) {
        v->live = r->s;
        v->pending = UINT32_MAX;
        v->snapshot = NULL;
    }
    return v;
}

/* Gives r->vals its own dict of the current values and lets it go (the
 * program holds it); 0 or -1. */
static int values_detach(stream_run *r)
{
    pyfstw_SignalValuesObject *v = r->vals;
    PyObject *d = PyDict_New();
    if (!d)
        return -1;
    for (uint32_t ref = 0; ref < r->n_signals; ref++) {
        fstw_value sv;
        if (!step_value(v->live, v->pending, ref, &sv))
            continue;
        PyObject *k = PyLong_FromUnsignedLong(ref);
        PyObject *val = k ? stream_value(&sv) : NULL;
        int rc = val ? PyDict_SetItem(d, k, val) : -1;
        Py_XDECREF(k);
        Py_XDECREF(val);
        if (rc < 0) {
            Py_DECREF(d);
            return -1;
        }
    }
    v->snapshot = d;
    v->live = NULL;
    r->vals = NULL;
    Py_DECREF(v);
    return 0;
}

/* Calls the callback for the pending time step, if it has changes; pending:
 * the signal of the change that began the next step (UINT32_MAX at the end). */
static int dispatch_step(stream_run *r, uint32_t pending)
{
    if (PyList_GET_SIZE(r->changed) == 0)
        return 0;
    if (!r->vals && !(r->vals = values_new(r)))
        return -1;
    r->vals->pending = pending;
    PyObject *t = PyLong_FromUnsignedLongLong(r->step_time);
    if (!t)
        return -1;
    PyObject *changed = r->changed;
    r->changed = PyList_New(0);
    if (!r->changed) {
        r->changed = changed;
        Py_DECREF(t);
        return -1;
    }
    PyObject *args[3] = {t, (PyObject *)r->vals, changed};
    PyObject *res = PyObject_Vectorcall(r->callback, args, 3, NULL);
    Py_DECREF(t);
    Py_DECREF(changed);
    if (Py_REFCNT(r->vals) > 1 && values_detach(r) < 0) {
        Py_XDECREF(res);
        return -1;
    }
    if (!res)
        return -1;
    Py_DECREF(res);
    return 0;
}

static int on_change_step(stream_run *r, const fstw_change *c)
{
    if (c->new_step) {
        if (dispatch_step(r, c->ref) < 0)
            return -1;
        r->step_time = c->time;
    }
    if (c->changed) {
        PyObject *id = run_signal_id(r, c->ref);
        if (!id || PyList_Append(r->changed, id) < 0)
            return -1;
    }
    return 0;
}

static int on_change(stream_run *r, const fstw_change *c)
{
    PyObject *id = run_signal_id(r, c->ref);
    if (!id)
        return -1;
    if (!r->time_obj || c->time != r->time_val) {
        PyObject *t = PyLong_FromUnsignedLongLong(c->time);
        if (!t)
            return -1;
        Py_XSETREF(r->time_obj, t);
        r->time_val = c->time;
    }
    PyObject *v = stream_value(&c->value);
    if (!v)
        return -1;
    PyObject *args[3] = {r->time_obj, id, v};
    PyObject *res = PyObject_Vectorcall(r->callback, args, 3, NULL);
    Py_DECREF(v);
    if (!res)
        return -1;
    Py_DECREF(res);
    return 0;
}

/* The signal refs of a list of ints as a PyMem array (*n of them). */
static uint32_t *refs_of(PyObject *list, size_t *n)
{
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "_stream(): refs must be a list of int or None");
        return NULL;
    }
    *n = (size_t)PyList_GET_SIZE(list);
    uint32_t *refs = PyMem_Malloc((*n ? *n : 1) * sizeof *refs);
    if (!refs)
        return (uint32_t *)PyErr_NoMemory();
    for (size_t i = 0; i < *n; i++) {
        unsigned long r = PyLong_AsUnsignedLong(PyList_GET_ITEM(list, (Py_ssize_t)i));
        if (r == (unsigned long)-1 && PyErr_Occurred()) {
            PyMem_Free(refs);
            return NULL;
        }
        refs[i] = (uint32_t)r;
    }
    return refs;
}

/* stream_time_steps streams the pieces of the derived signals it includes too
 * (pywellen 0.25's augmented filter, StreamDerivedSignalInfo): their changes are
 * in the steps' `changed` lists and their values in SignalValues.  Appends the
 * pieces' refs to *refs (a PyMem array of *n); 0 or -1 with MemoryError. */
static int add_pieces(const fstw_file *f, uint32_t **refs, size_t *n)
{
    size_t m = *n;
    for (size_t i = 0; i < m; i++) {
        size_t k = fstw_signal_inputs(f, (*refs)[i], NULL, 0);
        if (k == 0)
            continue;
        fstw_piece *pieces = PyMem_Malloc(k * sizeof *pieces);
        uint32_t *grown = pieces ? PyMem_Realloc(*refs, (*n + k) * sizeof **refs) : NULL;
        if (!grown) {
            PyMem_Free(pieces);
            PyErr_NoMemory();
            return -1;
        }
        *refs = grown;
        fstw_signal_inputs(f, (*refs)[i], pieces, k);
        for (size_t j = 0; j < k; j++)
            (*refs)[(*n)++] = pieces[j].ref;
        PyMem_Free(pieces);
    }
    return 0;
}

static PyObject *stream(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pyfstw_state *st = (pyfstw_state *)PyModule_GetState(module);
    if (nargs != 4 || !PyObject_TypeCheck(args[0], st->Waveform_Type)) {
        PyErr_SetString(PyExc_TypeError, "_stream(waveform, callback, refs, time_steps)");
        return NULL;
    }
    pyfstw_WaveformObject *wf = (pyfstw_WaveformObject *)args[0];
    int time_steps = PyObject_IsTrue(args[3]);
    if (time_steps < 0)
        return NULL;
    fstw_file *f = pyfstw_open_file(wf->hier);
    if (!f)
        return NULL;
    size_t n = 0;
    uint32_t *refs = NULL;
    int all = args[2] == Py_None;
    if (!all && !(refs = refs_of(args[2], &n)))
        return NULL;
    if (!all && time_steps && add_pieces(f, &refs, &n) < 0) {
        PyMem_Free(refs);
        return NULL;
    }

    stream_run r;
    memset(&r, 0, sizeof r);
    r.st = st;
    r.callback = args[1];
    r.n_signals = fstw_signal_count(f);
    fstw_stream *s = NULL;
    fstw_error err;
    memset(&err, 0, sizeof err);
    int ok = 0;
    r.ids = PyMem_Calloc(r.n_signals ? r.n_signals : 1, sizeof *r.ids);
    if (time_steps)
        r.changed = PyList_New(0);
    if (!r.ids || (time_steps && !r.changed)) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto out;
    }
    if (fstw_stream_open(f, refs, n, all, time_steps, &s, &err) != FSTW_OK) {
        pyfstw_raise(st, &err, wf->path);
        goto out;
    }
    r.s = s;
    wf->hier->busy++; /* close() refuses while the stream runs (from the callback) */
    fstw_change c;
    uint32_t tick = 0;
    for (;;) {
        int rc = fstw_stream_next(s, &c, &err);
        if (rc < 0) {
            pyfstw_raise(st, &err, wf->path);
            break;
        }
        if (rc == 0) {
            ok = !time_steps || dispatch_step(&r, UINT32_MAX) == 0;
            break;
        }
        if (c.ref >= r.n_signals) {
            PyErr_Format(PyExc_RuntimeError, "stream: signal ref %u out of range", (unsigned)c.ref);
            break;
        }
        if ((time_steps ? on_change_step(&r, &c) : on_change(&r, &c)) < 0)
            break;
        if (++tick == 65536) { /* Ctrl-C while the callback is cheap */
            tick = 0;
            if (PyErr_CheckSignals() < 0)
                break;
        }
    }
    wf->hier->busy--;
out:
    if (r.vals && Py_REFCNT(r.vals) > 1) { /* held by the program: give it its values */
        PyObject *et, *ev, *tb;
        PyErr_Fetch(&et, &ev, &tb);
        if (values_detach(&r) < 0) {
            PyErr_Clear();
            r.vals->live = NULL; /* reads as empty rather than freed memory */
        }
        PyErr_Restore(et, ev, tb);
    }
    Py_CLEAR(r.vals);
    fstw_stream_close(s);
    if (r.ids) {
        for (uint32_t i = 0; i < r.n_signals; i++)
            Py_XDECREF(r.ids[i]);
        PyMem_Free(r.ids);
    }
    Py_XDECREF(r.changed);
    Py_XDECREF(r.time_obj);
    PyMem_Free(refs);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *signal_id(PyObject *module, PyObject *arg)
{
    unsigned long ref = PyLong_AsUnsignedLong(arg);
    if (ref == (unsigned long)-1 && PyErr_Occurred())
        return NULL;
    if (ref > UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "signal ref out of range");
        return NULL;
    }
    return signal_id_new((pyfstw_state *)PyModule_GetState(module), (uint32_t)ref);
}

static PyObject *signal_id_ref(PyObject *module, PyObject *arg)
{
    pyfstw_state *st = (pyfstw_state *)PyModule_GetState(module);
    if (!PyObject_TypeCheck(arg, st->SignalId_Type)) {
        PyErr_SetString(PyExc_TypeError, "_signal_id_ref(): expected a SignalId");
        return NULL;
    }
    return PyLong_FromUnsignedLong(((pyfstw_SignalIdObject *)arg)->ref);
}

PyMethodDef pyfstw_stream_functions[] = {
    {"_stream", (PyCFunction)(void (*)(void))stream, METH_FASTCALL,
     "_stream(waveform, callback, refs, time_steps, /)\n--\n\n"
     "One pass over the value-change blocks of ``waveform`` (a fstwave.Waveform) in\n"
     "time order (fstw_stream_*), for the signals ``refs`` (a list of signal refs) or\n"
     "all of them (None). ``time_steps`` false: ``callback(time, SignalId, value)`` for\n"
     "every change; true: ``callback(time, SignalValues, [SignalId, ...])`` per time step\n"
     "with changed values. An exception raised by the callback stops the stream and\n"
     "propagates; FstError/OSError for a malformed or unreadable block. For\n"
     "fstwave.pywellen25's stream_changes and stream_time_steps."},
    {"_signal_id", signal_id, METH_O,
     "_signal_id(ref, /)\n--\n\nA new SignalId for signal ref ``ref``. For fstwave.pywellen25."},
    {"_signal_id_ref", signal_id_ref, METH_O,
     "_signal_id_ref(signal_id, /)\n--\n\nThe signal ref of a SignalId. For fstwave.pywellen25."},
    {NULL, NULL, 0, NULL},
};
