/*
 * _fstwave.c - the fstwave._fstwave extension module: module set-up and the
 * Waveform class.  The other classes live in python/src/pyfstw_*.c; the
 * object model is described in python/src/pyfstw.h.
 *
 * Signal cache and threading: each Waveform keeps a pyfstw_sigcache
 * (python/src/pyfstw_cache.c: weak references to the live Signals and the
 * core's cache of recent signals: deviation D10 of docs/api.md).  It is read and
 * written only with the GIL held; the GIL is released only around core
 * calls that do file work (fstw_open, fstw_load_body, fstw_load_signals),
 * which are thread-safe per file.  A load first collects the refs the cache
 * cannot give (GIL held), loads them in one core call (GIL released), then,
 * GIL held again, adopts each new signal, unless another thread made a
 * Signal of the same ref meanwhile (then the new one is freed and that
 * Signal returned): concurrent loads of one signal give one object.
 *
 * Progress and cancel (fstwave/docs/api.md section 2.7): the long calls take
 * progress=callable(done, total) and are cancelled by an exception raised
 * in it or by a signal (Ctrl-C), through pyfstw_progress
 * (python/src/pyfstw_progress.c); a cancelled load inserts nothing.
 *
 * close(): the file is closed at once (Hierarchy.file = NULL, see pyfstw.h)
 * unless a load is running with the GIL released (Hierarchy.busy; a load in
 * another thread, or close() called from a progress callable): then close()
 * raises RuntimeError and the file stays open.
 */
#include "pyfstw.h"

#include <string.h>
#include <structmember.h> /* T_PYSSIZET, READONLY (Python < 3.12) */

/* ============================================================ Waveform */

static int wf_raise_body(pyfstw_WaveformObject *self, const fstw_error *err)
{
    pyfstw_raise(pyfstw_state_of((PyObject *)self), err, self->path);
    return -1;
}

/* The open file of the Waveform, or NULL with ValueError after close(). */
static fstw_file *wf_file(pyfstw_WaveformObject *self)
{
    return pyfstw_open_file(self->hier);
}

/* Loads the body if needed (GIL released while reading), reporting to
 * progress (a callable, or NULL/None).  With a callable the core is always
 * called, so that a loaded body reports (0, 0) as the core documents. */
static int wf_ensure_body(pyfstw_WaveformObject *self, PyObject *progress, const char *fname)
{
    fstw_file *f = wf_file(self);
    pyfstw_progress p;
    if (!f || pyfstw_progress_init(&p, progress, fname) < 0)
        return -1;
    if (!p.callable && fstw_body_loaded(f))
        return 0;
    fstw_error err;
    memset(&err, 0, sizeof err);
    self->hier->busy++;
    pyfstw_progress_begin(&p);
    int rc = fstw_load_body_ex(f, &p.core, &err);
    int raised = pyfstw_progress_end(&p);
    self->hier->busy--;
    if (raised)
        return -1;
    if (rc != FSTW_OK)
        return wf_raise_body(self, &err);
    return 0;
}

static const pyfstw_argspec Waveform_args =
    PYFSTW_ARGSPEC("Waveform", "O", "pppOOO", "path", "multi_threaded", "remove_scopes_with_empty_name", "load_body",
                   "progress", "hierarchy", "signal_cache_bytes");
static const pyfstw_argspec load_body_args = PYFSTW_ARGSPEC("load_body", "", "O", "progress");
static const pyfstw_argspec load_signals_args = PYFSTW_ARGSPEC("load_signals", "O", "O", "vars", "progress");
static const pyfstw_argspec load_signals_mt_args =
    PYFSTW_ARGSPEC("load_signals_multithreaded", "O", "O", "vars", "progress");
static const pyfstw_argspec values_at_time_args =
    PYFSTW_ARGSPEC("values_at_time", "OO", "", "signals_or_vars", "time");
static const pyfstw_argspec get_signal_args = PYFSTW_ARGSPEC("get_signal", "O", "", "var");
static const pyfstw_argspec get_signal_from_path_args =
    PYFSTW_ARGSPEC("get_signal_from_path", "O", "", "abs_hierarchy_path");

/* The truth value of an optional argument (dflt when not given); -1 on error. */
static int flag_arg(PyObject *arg, int dflt)
{
    return arg ? PyObject_IsTrue(arg) : dflt;
}

/* The budget of signal_cache_bytes= (None or not given: the core's
 * default; an int >= 0, larger than size_t clamped).  0 or -1. */
static int cache_budget_arg(PyObject *arg, size_t *out)
{
    *out = FSTW_CACHE_DEFAULT_BYTES;
    if (!arg || arg == Py_None)
        return 0;
    if (PyBool_Check(arg) || !PyIndex_Check(arg))
        return pyfstw_bad_argument("Waveform", "signal_cache_bytes", "None or int", arg);
    PyObject *n = PyNumber_Index(arg);
    if (!n)
        return -1;
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(n, &overflow);
    Py_DECREF(n);
    if (v == -1 && !overflow && PyErr_Occurred())
        return -1;
    if (overflow < 0 || v < 0) {
        PyErr_SetString(PyExc_ValueError, "Waveform(): signal_cache_bytes must be None or an int >= 0");
        return -1;
    }
    if (overflow > 0 || (unsigned long long)v > (unsigned long long)SIZE_MAX) {
        *out = SIZE_MAX;
        return 0;
    }
    *out = (size_t)v;
    return 0;
}

static PyObject *Waveform_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *argv[7];
    pyfstw_progress p;
    size_t budget;
    if (pyfstw_parse_tuple_args(&Waveform_args, args, kwds, argv) < 0 || cache_budget_arg(argv[6], &budget) < 0)
        return NULL;
    int rules = FSTW_HIERARCHY_PYWELLEN_020;
    if (argv[5] && argv[5] != Py_None) {
        if (PyUnicode_Check(argv[5]) && PyUnicode_CompareWithASCIIString(argv[5], "pywellen-0.25") == 0)
            rules = FSTW_HIERARCHY_PYWELLEN_025;
        else if (!(PyUnicode_Check(argv[5]) && PyUnicode_CompareWithASCIIString(argv[5], "pywellen-0.20") == 0)) {
            PyErr_SetString(PyExc_ValueError, "hierarchy must be 'pywellen-0.20' or 'pywellen-0.25'");
            return NULL;
        }
    }
    PyObject *pathobj = argv[0];
    int multi_threaded, remove_empty, load_body;
    if ((multi_threaded = flag_arg(argv[1], 1)) < 0 || (remove_empty = flag_arg(argv[2], 0)) < 0 ||
        (load_body = flag_arg(argv[3], 1)) < 0 || pyfstw_progress_init(&p, argv[4], "Waveform") < 0)
        return NULL;
    pyfstw_state *st = (pyfstw_state *)PyType_GetModuleState(type);
    if (!st)
        return NULL;

    PyObject *fspath = PyOS_FSPath(pathobj); /* str or bytes; TypeError otherwise */
    if (!fspath)
        return NULL;
    PyObject *bytes = NULL;
    if (!PyUnicode_FSConverter(fspath, &bytes)) {
        Py_DECREF(fspath);
        return NULL;
    }

    fstw_open_options opts;
    fstw_open_options_init(&opts);
    opts.multi_threaded = multi_threaded;
    opts.remove_scopes_with_empty_name = remove_empty;
    opts.load_body = load_body;
    opts.progress = &p.core;
    opts.hierarchy_rules = rules;

    fstw_file *file = NULL;
    fstw_error err;
    memset(&err, 0, sizeof err);
    const char *cpath = PyBytes_AS_STRING(bytes);
    pyfstw_progress_begin(&p);
    int rc = fstw_open(cpath, &opts, &file, &err);
    int raised = pyfstw_progress_end(&p);
    Py_DECREF(bytes);
    if (raised) {
        if (rc == FSTW_OK)
            fstw_close(file);
        Py_DECREF(fspath);
        return NULL;
    }
    if (rc != FSTW_OK) {
        pyfstw_raise(st, &err, fspath);
        Py_DECREF(fspath);
        return NULL;
    }

    PyTypeObject *ht = st->Hierarchy_Type;
    pyfstw_HierarchyObject *hier = (pyfstw_HierarchyObject *)ht->tp_alloc(ht, 0);
    if (!hier) {
        fstw_close(file);
        Py_DECREF(fspath);
        return NULL;
    }
    hier->file = file;
    hier->busy = 0;

    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)type->tp_alloc(type, 0);
    if (!self) {
        Py_DECREF(hier);
        Py_DECREF(fspath);
        return NULL;
    }
    self->hier = hier;
    self->path = fspath;
    self->multi_threaded = multi_threaded;
    self->time_table = NULL;
    self->weakreflist = NULL;
    if (pyfstw_sigcache_init(&self->sigs, budget) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static void Waveform_dealloc(PyObject *op)
{
    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)op;
    PyTypeObject *tp = Py_TYPE(op);
    if (self->weakreflist)
        PyObject_ClearWeakRefs(op);
    /* the cache first (its signals); the file is closed when the
     * Hierarchy's last reference goes (possibly right here) */
    pyfstw_sigcache_free(&self->sigs);
    Py_CLEAR(self->time_table);
    Py_CLEAR(self->hier);
    Py_CLEAR(self->path);
    tp->tp_free(op);
    Py_DECREF(tp);
}

static PyObject *Waveform_get_hierarchy(PyObject *op, void *closure)
{
    (void)closure;
    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)op;
    if (!wf_file(self))
        return NULL;
    Py_INCREF(self->hier);
    return (PyObject *)self->hier;
}

static PyObject *Waveform_get_time_table(PyObject *op, void *closure)
{
    (void)closure;
    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)op;
    if (!self->time_table || !wf_file(self)) {
        if (wf_ensure_body(self, NULL, "time_table") < 0)
            return NULL;
        if (!self->time_table) { /* another thread may have made it meanwhile */
            self->time_table = pyfstw_timetable_new(pyfstw_state_of(op), self->hier);
            if (!self->time_table)
                return NULL;
        }
    }
    Py_INCREF(self->time_table);
    return self->time_table;
}

static PyObject *Waveform_get_time_range(PyObject *op, void *closure)
{
    (void)closure;
    fstw_file *f = wf_file((pyfstw_WaveformObject *)op);
    if (!f)
        return NULL;
    const fstw_header *h = fstw_file_header(f);
    return Py_BuildValue("(KK)", (unsigned long long)h->start_time, (unsigned long long)h->end_time);
}

static PyObject *Waveform_load_body(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *progress;
    if (pyfstw_parse_args(&load_body_args, args, nargs, kwnames, &progress) < 0 ||
        wf_ensure_body((pyfstw_WaveformObject *)op, progress, "load_body") < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *Waveform_body_loaded(PyObject *op, PyObject *unused)
{
    (void)unused;
    fstw_file *f = wf_file((pyfstw_WaveformObject *)op);
    return f ? PyBool_FromLong(fstw_body_loaded(f)) : NULL;
}

/* The signal ref of a Var of any open file, checked against this file. */
static int wf_var_ref(pyfstw_WaveformObject *self, PyObject *obj, uint32_t *ref, const char *fname)
{
    pyfstw_state *st = pyfstw_state_of((PyObject *)self);
    if (!PyObject_TypeCheck(obj, st->Var_Type)) {
        PyErr_Format(PyExc_TypeError, "%s(): expected a Var, not %.200s", fname, Py_TYPE(obj)->tp_name);
        return -1;
    }
    pyfstw_ItemObject *v = (pyfstw_ItemObject *)obj;
    fstw_file *vf = pyfstw_open_file(v->hier), *f = wf_file(self);
    if (!vf || !f)
        return -1;
    fstw_var_info info;
    if (fstw_var_get(vf, v->id, &info) != FSTW_OK) {
        PyErr_Format(PyExc_RuntimeError, "invalid var id %u", (unsigned)v->id);
        return -1;
    }
    fstw_error err;
    if (fstw_check_signal_ref(f, info.signal_ref, &err) != FSTW_OK) {
        pyfstw_raise(st, &err, NULL);
        return -1;
    }
    *ref = info.signal_ref;
    return 0;
}

/* Returns a new list of n Signals for refs: those the signal cache gives
 * (pyfstw_sigcache_find: live, or from the core cache), the others loaded in
 * one core call, reporting to progress (a callable, or NULL or None), and
 * adopted by the cache.  Refs come from wf_var_ref, which checked that the
 * file is open. */
static PyObject *wf_load_refs(pyfstw_WaveformObject *self, const uint32_t *refs, size_t n, int multi_threaded,
                              PyObject *progress, const char *fname)
{
    pyfstw_state *st = pyfstw_state_of((PyObject *)self);
    PyObject *result = PyList_New((Py_ssize_t)n);
    PyObject *pending = NULL; /* {signal_ref: index in missing} */
    PyObject **got = NULL;    /* the Signals of missing[], once adopted */
    uint32_t *missing = NULL;
    fstw_signal **out = NULL;
    size_t m = 0, j = 0;
    pyfstw_progress p;
    if (!result)
        return NULL;
    if (pyfstw_progress_init(&p, progress, fname) < 0) {
        Py_DECREF(result);
        return NULL;
    }
    if (n == 0 && !p.callable)
        return result;
    missing = PyMem_Malloc((n ? n : 1) * sizeof *missing);
    pending = PyDict_New();
    if (!missing || !pending) {
        PyErr_NoMemory();
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        PyObject *sig = pyfstw_sigcache_find(&self->sigs, st, self->hier, refs[i]);
        if (sig) {
            PyList_SET_ITEM(result, (Py_ssize_t)i, sig);
            continue;
        }
        if (PyErr_Occurred())
            goto fail;
        PyObject *key = PyLong_FromUnsignedLong(refs[i]);
        int has = key ? PyDict_Contains(pending, key) : -1;
        PyObject *idx = has == 0 ? PyLong_FromSize_t(m) : NULL;
        if (has == 0 && (!idx || PyDict_SetItem(pending, key, idx) < 0))
            has = -1;
        Py_XDECREF(idx);
        Py_XDECREF(key);
        if (has < 0)
            goto fail;
        if (!has)
            missing[m++] = refs[i];
    }

    if (m > 0 || p.callable) {
        /* with a callable, an all-cached call still reports (0, 0) (the core's rule) */
        out = PyMem_Calloc(m ? m : 1, sizeof *out);
        got = PyMem_Calloc(m ? m : 1, sizeof *got);
        if (!out || !got) {
            PyErr_NoMemory();
            goto fail;
        }
        fstw_error err;
        memset(&err, 0, sizeof err);
        self->hier->busy++;
        pyfstw_progress_begin(&p);
        int rc = fstw_load_signals_ex(self->hier->file, missing, m, out, multi_threaded, &p.core, &err);
        int raised = pyfstw_progress_end(&p);
        self->hier->busy--;
        if (raised && rc != FSTW_OK)
            memset(out, 0, (m ? m : 1) * sizeof *out); /* the core returned nothing */
        if (raised)
            goto fail; /* frees out[] when the call completed anyway */
        if (rc != FSTW_OK) {
            memset(out, 0, (m ? m : 1) * sizeof *out);
            pyfstw_raise(st, &err, self->path);
            goto fail;
        }
        for (j = 0; j < m; j++) {
            fstw_signal *sig = out[j];
            out[j] = NULL; /* the cache takes it, even on error */
            if (!(got[j] = pyfstw_sigcache_adopt(&self->sigs, st, self->hier, sig)))
                goto fail;
        }
        /* the slots the cache could not give: from got[], through pending */
        for (size_t i = 0; i < n; i++) {
            if (PyList_GET_ITEM(result, (Py_ssize_t)i))
                continue;
            PyObject *key = PyLong_FromUnsignedLong(refs[i]);
            PyObject *idx = key ? PyDict_GetItemWithError(pending, key) : NULL; /* borrowed */
            Py_XDECREF(key);
            if (!idx) { /* every missing ref is in pending */
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_RuntimeError, "signal missing from a load");
                goto fail;
            }
            PyObject *sig = got[PyLong_AsSize_t(idx)];
            Py_INCREF(sig);
            PyList_SET_ITEM(result, (Py_ssize_t)i, sig);
        }
    }
    goto done;

fail:
    Py_CLEAR(result);
done:
    if (out) {
        for (size_t k = 0; k < m; k++)
            if (out[k])
                fstw_signal_free(out[k]);
        PyMem_Free(out);
    }
    if (got) {
        for (size_t k = 0; k < m; k++)
            Py_XDECREF(got[k]);
        PyMem_Free(got);
    }
    PyMem_Free(missing);
    Py_XDECREF(pending);
    return result;
}

static PyObject *wf_load_one(pyfstw_WaveformObject *self, uint32_t ref)
{
    PyObject *list = wf_load_refs(self, &ref, 1, self->multi_threaded, NULL, "get_signal");
    if (!list)
        return NULL;
    PyObject *sig = PyList_GET_ITEM(list, 0);
    Py_INCREF(sig);
    Py_DECREF(list);
    return sig;
}

static PyObject *Waveform_get_signal(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)op;
    PyObject *var;
    uint32_t ref;
    if (pyfstw_parse_args(&get_signal_args, args, nargs, kwnames, &var) < 0 ||
        wf_var_ref(self, var, &ref, "get_signal") < 0)
        return NULL;
    return wf_load_one(self, ref);
}

static PyObject *Waveform_get_signal_from_path(PyObject *op, PyObject *const *args, Py_ssize_t nargs,
                                               PyObject *kwnames)
{
    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)op;
    PyObject *path;
    if (pyfstw_parse_args(&get_signal_from_path_args, args, nargs, kwnames, &path) < 0)
        return NULL;
    if (!PyUnicode_Check(path)) {
        pyfstw_bad_argument("get_signal_from_path", "abs_hierarchy_path", "str", path);
        return NULL;
    }
    Py_ssize_t len;
    const char *s = PyUnicode_AsUTF8AndSize(path, &len);
    fstw_file *f = s ? wf_file(self) : NULL;
    if (!f)
        return NULL;
    uint32_t id = fstw_lookup_var(f, s, (size_t)len);
    fstw_var_info info;
    if (id == FSTW_NONE || fstw_var_get(f, id, &info) != FSTW_OK) {
        PyErr_Format(PyExc_RuntimeError, "No var at path %U", path);
        return NULL;
    }
    return wf_load_one(self, info.signal_ref);
}

/* The signal refs of the Vars of seq (a PySequence_Fast) as a new
 * PyMem array, or NULL with an exception. */
static uint32_t *wf_var_refs(pyfstw_WaveformObject *self, PyObject *seq, const char *fname)
{
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    uint32_t *refs = PyMem_Malloc((n ? (size_t)n : 1) * sizeof *refs);
    if (!refs)
        return (uint32_t *)PyErr_NoMemory();
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (wf_var_ref(self, items[i], &refs[i], fname) < 0) {
            PyMem_Free(refs);
            return NULL;
        }
    }
    return refs;
}

static PyObject *wf_load_list(pyfstw_WaveformObject *self, PyObject *const *args, Py_ssize_t nargs,
                              PyObject *kwnames, const pyfstw_argspec *spec, int multi_threaded)
{
    PyObject *argv[2];
    if (pyfstw_parse_args(spec, args, nargs, kwnames, argv) < 0 || !wf_file(self))
        return NULL;
    PyObject *seq = PySequence_Fast(argv[0], "expected an iterable of Var");
    if (!seq)
        return NULL;
    uint32_t *refs = wf_var_refs(self, seq, spec->fname);
    PyObject *res = refs ? wf_load_refs(self, refs, (size_t)PySequence_Fast_GET_SIZE(seq), multi_threaded, argv[1],
                                        spec->fname)
                         : NULL;
    PyMem_Free(refs);
    Py_DECREF(seq);
    return res;
}

static PyObject *Waveform_load_signals(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)op;
    return wf_load_list(self, args, nargs, kwnames, &load_signals_args, self->multi_threaded);
}

static PyObject *Waveform_load_signals_multithreaded(PyObject *op, PyObject *const *args, Py_ssize_t nargs,
                                                     PyObject *kwnames)
{
    return wf_load_list((pyfstw_WaveformObject *)op, args, nargs, kwnames, &load_signals_mt_args, 1);
}

/* values_at_time(signals_or_vars, time): the Vars' signals are loaded in one
 * batch (wf_load_refs), the Signals used as they are; then one core call
 * (fstw_signals_at_time) and the values as Signal.value_at_time gives them. */
static PyObject *Waveform_values_at_time(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)op;
    pyfstw_state *st = pyfstw_state_of(op);
    PyObject *argv[2];
    uint64_t t;
    if (pyfstw_parse_args(&values_at_time_args, args, nargs, kwnames, argv) < 0 ||
        pyfstw_as_unsigned(argv[1], UINT64_MAX, &t) < 0 || !wf_file(self))
        return NULL;
    PyObject *seq = PySequence_Fast(argv[0], "values_at_time(): expected an iterable of Signal or Var");
    if (!seq)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    size_t cap = n ? (size_t)n : 1;
    const fstw_signal **sigs = PyMem_Malloc(cap * sizeof *sigs);
    int64_t *at = PyMem_Malloc(cap * sizeof *at);
    uint32_t *refs = PyMem_Malloc(cap * sizeof *refs);
    PyObject *loaded = NULL, *result = NULL;
    size_t m = 0;
    if (!sigs || !at || !refs) {
        PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyObject_TypeCheck(items[i], st->Signal_Type))
            sigs[i] = ((pyfstw_SignalObject *)items[i])->sig;
        else if (wf_var_ref(self, items[i], &refs[m++], "values_at_time") < 0)
            goto out;
    }
    if (m > 0 && !(loaded = wf_load_refs(self, refs, m, self->multi_threaded, NULL, "values_at_time")))
        goto out;
    for (Py_ssize_t i = 0, k = 0; i < n; i++)
        if (!PyObject_TypeCheck(items[i], st->Signal_Type))
            sigs[i] = ((pyfstw_SignalObject *)PyList_GET_ITEM(loaded, k++))->sig;
    fstw_signals_at_time((const fstw_signal *const *)sigs, (size_t)n, t, at);
    if (!(result = PyList_New(n)))
        goto out;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = pyfstw_value_or_none(sigs[i], at[i]);
        if (!v) {
            Py_CLEAR(result);
            goto out;
        }
        PyList_SET_ITEM(result, i, v);
    }
out:
    PyMem_Free(sigs);
    PyMem_Free(at);
    PyMem_Free(refs);
    Py_XDECREF(loaded);
    Py_DECREF(seq);
    return result;
}

/* close(): see the top of this file. */
static PyObject *Waveform_close(PyObject *op, PyObject *unused)
{
    (void)unused;
    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)op;
    fstw_file *f = self->hier->file;
    if (!f)
        Py_RETURN_NONE;
    if (self->hier->busy) {
        PyErr_SetString(PyExc_RuntimeError,
                        "close(): a load of this waveform is running (in another thread, or this is its "
                        "progress callable); the waveform stays open, close it after the load returns");
        return NULL;
    }
    self->hier->file = NULL;
    pyfstw_sigcache_clear(&self->sigs); /* Signals still referenced stay readable */
    Py_CLEAR(self->time_table);
    fstw_close(f);
    Py_RETURN_NONE;
}

static PyObject *Waveform_enter(PyObject *op, PyObject *unused)
{
    (void)unused;
    if (!wf_file((pyfstw_WaveformObject *)op))
        return NULL;
    Py_INCREF(op);
    return op;
}

static PyObject *Waveform_exit(PyObject *op, PyObject *args)
{
    (void)args;
    PyObject *res = Waveform_close(op, NULL);
    if (!res)
        return NULL;
    Py_DECREF(res);
    Py_RETURN_FALSE;
}

static PyObject *Waveform_get_closed(PyObject *op, void *closure)
{
    (void)closure;
    return PyBool_FromLong(((pyfstw_WaveformObject *)op)->hier->file == NULL);
}

static PyObject *Waveform_unload_signals(PyObject *op, PyObject *items)
{
    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)op;
    pyfstw_state *st = pyfstw_state_of(op);
    if (!wf_file(self))
        return NULL;
    PyObject *it = PyObject_GetIter(items);
    if (!it)
        return NULL;
    PyObject *item;
    while ((item = PyIter_Next(it))) {
        uint32_t ref;
        if (PyObject_TypeCheck(item, st->Signal_Type)) {
            ref = fstw_signal_ref(((pyfstw_SignalObject *)item)->sig);
        } else if (PyObject_TypeCheck(item, st->Var_Type)) {
            pyfstw_ItemObject *v = (pyfstw_ItemObject *)item;
            fstw_var_info info;
            if (!v->hier->file || fstw_var_get(v->hier->file, v->id, &info) != FSTW_OK) {
                Py_DECREF(item);
                continue;
            }
            ref = info.signal_ref;
        } else {
            PyErr_Format(PyExc_TypeError, "unload_signals(): expected Signal or Var items, not %.200s",
                         Py_TYPE(item)->tp_name);
            Py_DECREF(item);
            Py_DECREF(it);
            return NULL;
        }
        Py_DECREF(item);
        if (pyfstw_sigcache_forget(&self->sigs, ref) < 0) {
            Py_DECREF(it);
            return NULL;
        }
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *Waveform_repr(PyObject *op)
{
    pyfstw_WaveformObject *self = (pyfstw_WaveformObject *)op;
    if (!self->hier->file)
        return PyUnicode_FromFormat("<Waveform %R closed>", self->path);
    fstw_cache_stats cs;
    fstw_cache_stats_get(self->sigs.recent, &cs);
    return PyUnicode_FromFormat("<Waveform %R body_loaded=%s cached_signals=%zu>", self->path,
                                fstw_body_loaded(self->hier->file) ? "True" : "False", cs.signals);
}

/* A new dict {name: int} of n entries (values as unsigned 64-bit). */
static PyObject *stats_dict(const char *const *names, const unsigned long long *values, int n)
{
    PyObject *d = PyDict_New();
    for (int i = 0; d && i < n; i++) {
        PyObject *v = PyLong_FromUnsignedLongLong(values[i]);
        if (!v || PyDict_SetItemString(d, names[i], v) < 0)
            Py_CLEAR(d);
        Py_XDECREF(v);
    }
    return d;
}

static PyObject *Waveform_signal_cache_stats(PyObject *op, PyObject *unused)
{
    (void)unused;
    static const char *const names[] = {"signals", "bytes", "budget"};
    fstw_cache_stats cs;
    fstw_cache_stats_get(((pyfstw_WaveformObject *)op)->sigs.recent, &cs);
    unsigned long long v[] = {cs.signals, cs.bytes, cs.budget};
    return stats_dict(names, v, 3);
}

static PyObject *module_memory_stats(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    static const char *const names[] = {"signals", "signal_bytes"};
    fstw_memory_stats ms;
    fstw_memory_stats_get(&ms);
    unsigned long long v[] = {ms.signals, ms.signal_bytes};
    return stats_dict(names, v, 2);
}

static PyMethodDef module_functions[] = {
    {"memory_stats", module_memory_stats, METH_NOARGS,
     "memory_stats()\n--\n\n"
     "Process-wide counters of the loaded signals still in memory, from every\n"
     "Waveform (the core's fstw_memory_stats_get): ``{'signals': int,\n"
     "'signal_bytes': int}``, the number of signals and their heap bytes (changes,\n"
     "values; not the time table). A signal stays counted while a Signal object holds\n"
     "it or a signal cache keeps it (deviation D10, fstwave/docs/api.md); dropping\n"
     "every Signal and calling unload_signals() or close() brings the counters back.\n"
     "Extension (not in pywellen 0.20.5)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Waveform_getset[] = {
    {"hierarchy", Waveform_get_hierarchy, NULL,
     "The file's Hierarchy (the same object on every access, deviation D6 in\n"
     "fstwave/docs/api.md).", NULL},
    {"time_table", Waveform_get_time_table, NULL,
     "The TimeTable (times in timescale units); reads the body first when it is not\n"
     "loaded yet (load_body=False). Raises FstError/OSError if the body cannot be read.",
     NULL},
    {"closed", Waveform_get_closed, NULL, "True after close().", NULL},
    {"time_range", Waveform_get_time_range, NULL,
     "``(start_time, end_time)`` from the FST header, in timescale units; available\n"
     "without the body. Extension (not in pywellen 0.20.5).",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef Waveform_methods[] = {
    {"load_body", PYFSTW_FASTCALL_FN(Waveform_load_body), PYFSTW_METH_FASTCALL,
     "load_body($self, progress=None)\n--\n\n"
     "Reads the body (time table and value-change block index) if not read yet;\n"
     "releases the GIL while reading. ``progress``: see Waveform (reports (0, 0) once\n"
     "when the body is already loaded). Raises FstError for a malformed body, OSError\n"
     "for a read error, the exception of ``progress`` or KeyboardInterrupt when\n"
     "cancelled (the body then stays unloaded). Extension (pywellen 0.20.5 always\n"
     "reads the body; progress: fstwave/docs/api.md section 2.7)."},
    {"body_loaded", Waveform_body_loaded, METH_NOARGS,
     "body_loaded($self, /)\n--\n\nTrue once the body has been read."},
    {"get_signal", PYFSTW_FASTCALL_FN(Waveform_get_signal), PYFSTW_METH_FASTCALL,
     "get_signal($self, var)\n--\n\n"
     "The Signal of ``var`` (any var of its signal, aliases included). Cached\n"
     "(deviation D10 in fstwave/docs/api.md: pywellen re-reads every call): while the\n"
     "program holds the Signal, the same object is returned; when nobody holds it,\n"
     "the most recent signals up to ``signal_cache_bytes`` (see Waveform) are kept\n"
     "and a new Signal is made from them without reading the file; else it is read\n"
     "again. unload_signals() drops it at once. The GIL is released while loading. Raises TypeError for a non-Var, FstError for\n"
     "malformed data, OSError for read errors."},
    {"get_signal_from_path", PYFSTW_FASTCALL_FN(Waveform_get_signal_from_path), PYFSTW_METH_FASTCALL,
     "get_signal_from_path($self, abs_hierarchy_path)\n--\n\n"
     "The Signal of the var at a dotted path: the path is split on every ``.``; the\n"
     "pieces before the last name a top-level scope then child scopes (first match\n"
     "at each level, declaration order); the last piece names a var directly in that\n"
     "scope (a top-level var when there is no dot). As pywellen. Not found:\n"
     "``RuntimeError('No var at path <path>')``."},
    {"load_signals", PYFSTW_FASTCALL_FN(Waveform_load_signals), PYFSTW_METH_FASTCALL,
     "load_signals($self, vars, progress=None)\n--\n\n"
     "The Signals of ``vars`` (an iterable of Var), in the same order, loading all the\n"
     "uncached ones in one pass over the file, on several threads when the Waveform\n"
     "was opened with ``multi_threaded=True`` and the work is large enough (blocks are\n"
     "split between threads; the result is the same). Cached like get_signal().\n"
     "``progress``: see Waveform; a cancelled load (the exception of ``progress``, or\n"
     "KeyboardInterrupt, is raised) caches nothing. Extension."},
    {"load_signals_multithreaded", PYFSTW_FASTCALL_FN(Waveform_load_signals_multithreaded),
     PYFSTW_METH_FASTCALL,
     "load_signals_multithreaded($self, vars, progress=None)\n--\n\n"
     "Like load_signals() but the pass may be spread over several threads even when\n"
     "the Waveform was opened with ``multi_threaded=False``. Extension."},
    {"values_at_time", PYFSTW_FASTCALL_FN(Waveform_values_at_time), PYFSTW_METH_FASTCALL,
     "values_at_time($self, signals_or_vars, time)\n--\n\n"
     "Cursor values: a list with, for each Signal or Var of ``signals_or_vars``, exactly\n"
     "what ``signal.value_at_time(time)`` gives (time in timescale units; None before\n"
     "the first change). The signals of Var items are loaded first, all in one batch\n"
     "load (GIL released) and cached as get_signal(); Signal items are used as they\n"
     "are. Raises TypeError for other items, OverflowError for a negative time.\n"
     "Extension (fstwave/docs/api.md section 2.7)."},
    {"render_svg", PYFSTW_FASTCALL_FN(pyfstw_render_svg), PYFSTW_METH_FASTCALL, pyfstw_render_svg_doc},
    {"show_text", PYFSTW_FASTCALL_FN(pyfstw_show_text), PYFSTW_METH_FASTCALL, pyfstw_show_text_doc},
    {"close", Waveform_close, METH_NOARGS,
     "close($self, /)\n--\n\n"
     "Closes the file now (idempotent) and empties the signal cache. Afterwards every\n"
     "method of this Waveform and of its Hierarchy, Scope, Var, VarIter, ScopeIter\n"
     "and TimeTable objects raises ``ValueError('I/O operation on closed waveform')``\n"
     "(as a closed Python file does); Signal objects already loaded stay readable\n"
     "(with their Changes and Summary). While a load of this Waveform runs with the\n"
     "GIL released (in another thread, or when called from a progress callable),\n"
     "close() raises RuntimeError and the file stays open. Extension\n"
     "(fstwave/docs/api.md section 2.7)."},
    {"__enter__", Waveform_enter, METH_NOARGS,
     "__enter__($self, /)\n--\n\nReturns self (``with Waveform(path) as w:``)."},
    {"__exit__", Waveform_exit, METH_VARARGS,
     "__exit__($self, *exc_info)\n--\n\nCalls close(); exceptions propagate."},
    {"unload_signals", Waveform_unload_signals, METH_O,
     "unload_signals($self, signals_or_vars, /)\n--\n\n"
     "Drops the signals of the given Signal or Var objects from this Waveform's signal\n"
     "cache at once: the core cache frees them (unless a Signal object still holds\n"
     "them) and their Signal objects are forgotten, so the next load reads the file\n"
     "and gives a new object (missing ones are ignored). Signal objects still\n"
     "referenced elsewhere stay valid. Raises TypeError for other items. Extension\n"
     "(deviation D10, fstwave/docs/api.md)."},
    {"signal_cache_stats", Waveform_signal_cache_stats, METH_NOARGS,
     "signal_cache_stats($self, /)\n--\n\n"
     "What the signal cache of recent signals (the core's fstw_cache) keeps now:\n"
     "``{'signals': int, 'bytes': int, 'budget': int}``, bytes as fstw_signal_bytes\n"
     "counts them and the budget of ``signal_cache_bytes``. Signal objects the\n"
     "program holds are not counted unless they are also among the recent ones.\n"
     "After close() it is empty. Extension (deviation D10, fstwave/docs/api.md)."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef Waveform_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(pyfstw_WaveformObject, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot Waveform_slots[] = {
    {Py_tp_doc, "Waveform(path, multi_threaded=True, remove_scopes_with_empty_name=False, load_body=True, "
                "progress=None, hierarchy=None, signal_cache_bytes=None)\n"
                "--\n\n"
                "An open FST waveform file (pywellen 0.20.5's Waveform plus extensions).\n\n"
                "``path`` is a str or os.PathLike. Opening reads the header and the hierarchy\n"
                "(GIL released); with ``load_body=True`` also the body (time table and block\n"
                "index), otherwise the body is read on first need. ``multi_threaded`` allows\n"
                "worker threads for body and signal loads. ``remove_scopes_with_empty_name``\n"
                "removes scopes named '' and attaches their children to the parent\n"
                "(deviation D8, fstwave/docs/api.md). ``hierarchy``: 'pywellen-0.20' (the\n"
                "default) builds the hierarchy as wellen 0.20.5 does; 'pywellen-0.25' as wellen\n"
                "0.25 does (fstwave.pywellen25 opens files so): split vectors become one var\n"
                "with a derived signal, Verilator's array elements are named as 0.25 names them.\n"
                "``signal_cache_bytes`` (extension; deviation D10, fstwave/docs/api.md): besides\n"
                "the Signals the program holds (always the same object while held), the most\n"
                "recently loaded signals are kept up to this many bytes of their data (None:\n"
                "the core's default FSTW_CACHE_DEFAULT_BYTES, 8 MiB; 0: keep only what the\n"
                "program holds); see signal_cache_stats() and fstwave.memory_stats(). A\n"
                "negative value raises ValueError, a non-int TypeError.\n\n"
                "Raises FileNotFoundError / PermissionError / IsADirectoryError / OSError (with\n"
                "``filename`` set) for OS errors, fstwave.FstError (a RuntimeError) for files\n"
                "that are not FST or are corrupt (deviations D5 and D7, fstwave/docs/api.md),\n"
                "MemoryError when out of memory. FstError and these OSErrors carry ``code``,\n"
                "``reason`` and ``offset`` (see FstError).\n"
                "All times are in the file's timescale units (Hierarchy.timescale()).\n\n"
                "``progress`` (also on load_body, load_signals and load_signals_multithreaded;\n"
                "fstwave/docs/api.md section 2.7): a callable ``progress(done, total)`` called\n"
                "on the calling thread with bytes of value-change blocks read: (0, total)\n"
                "first, then after each block (about every 10 ms while worker threads decode),\n"
                "(total, total) last; total is fixed for the call and done never decreases; a\n"
                "call with nothing to read reports (0, 0). An exception raised by it cancels the call\n"
                "within one block and is re-raised; Ctrl-C (KeyboardInterrupt) does the same\n"
                "with or without a callable (signals are checked at least every 10 ms). A\n"
                "cancelled call leaves nothing behind: no Waveform, an unloaded body, no\n"
                "cached signal.\n\n"
                "``with Waveform(path) as w:`` closes the file at the end (see close())."},
    {Py_tp_new, Waveform_new},
    {Py_tp_dealloc, Waveform_dealloc},
    {Py_tp_repr, Waveform_repr},
    {Py_tp_getset, Waveform_getset},
    {Py_tp_methods, Waveform_methods},
    {Py_tp_members, Waveform_members},
    {0, NULL},
};

PyType_Spec pyfstw_Waveform_spec = {
    .name = "fstwave.Waveform",
    .basicsize = sizeof(pyfstw_WaveformObject),
    .flags = PYFSTW_TPFLAGS_NEW,
    .slots = Waveform_slots,
};

/* ============================================================ module */

#if PY_VERSION_HEX < 0x030A0000
PyObject *pyfstw_no_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)args;
    (void)kwds;
    PyErr_Format(PyExc_TypeError, "cannot create '%s' instances", type->tp_name);
    return NULL;
}
#endif

static int module_traverse(PyObject *m, visitproc visit, void *arg)
{
    pyfstw_state *st = (pyfstw_state *)PyModule_GetState(m);
    if (!st)
        return 0;
    Py_VISIT(st->Waveform_Type);
    Py_VISIT(st->Hierarchy_Type);
    Py_VISIT(st->Scope_Type);
    Py_VISIT(st->ScopeIter_Type);
    Py_VISIT(st->Var_Type);
    Py_VISIT(st->VarIter_Type);
    Py_VISIT(st->VarIndex_Type);
    Py_VISIT(st->Signal_Type);
    Py_VISIT(st->SignalChangeIter_Type);
    Py_VISIT(st->TimeTable_Type);
    Py_VISIT(st->Timescale_Type);
    Py_VISIT(st->TimescaleUnit_Type);
    Py_VISIT(st->QueryResult_Type);
    Py_VISIT(st->Array_Type);
    Py_VISIT(st->Changes_Type);
    Py_VISIT(st->Summary_Type);
    Py_VISIT(st->SignalId_Type);
    Py_VISIT(st->SignalValues_Type);
    Py_VISIT(st->FstError);
    return 0;
}

static int module_clear(PyObject *m)
{
    pyfstw_state *st = (pyfstw_state *)PyModule_GetState(m);
    if (!st)
        return 0;
    Py_CLEAR(st->Waveform_Type);
    Py_CLEAR(st->Hierarchy_Type);
    Py_CLEAR(st->Scope_Type);
    Py_CLEAR(st->ScopeIter_Type);
    Py_CLEAR(st->Var_Type);
    Py_CLEAR(st->VarIter_Type);
    Py_CLEAR(st->VarIndex_Type);
    Py_CLEAR(st->Signal_Type);
    Py_CLEAR(st->SignalChangeIter_Type);
    Py_CLEAR(st->TimeTable_Type);
    Py_CLEAR(st->Timescale_Type);
    Py_CLEAR(st->TimescaleUnit_Type);
    Py_CLEAR(st->QueryResult_Type);
    Py_CLEAR(st->Array_Type);
    Py_CLEAR(st->Changes_Type);
    Py_CLEAR(st->Summary_Type);
    Py_CLEAR(st->SignalId_Type);
    Py_CLEAR(st->SignalValues_Type);
    Py_CLEAR(st->FstError);
    return 0;
}

static void module_free(void *m)
{
    module_clear((PyObject *)m);
}

static int add_type(PyObject *m, PyTypeObject **slot, PyType_Spec *spec)
{
    *slot = (PyTypeObject *)PyType_FromModuleAndSpec(m, spec, NULL);
    if (!*slot)
        return -1;
    return PyModule_AddType(m, *slot);
}

static int module_exec(PyObject *m)
{
    pyfstw_state *st = (pyfstw_state *)PyModule_GetState(m);
    if (add_type(m, &st->Waveform_Type, &pyfstw_Waveform_spec) < 0 ||
        add_type(m, &st->Hierarchy_Type, &pyfstw_Hierarchy_spec) < 0 ||
        add_type(m, &st->Scope_Type, &pyfstw_Scope_spec) < 0 ||
        add_type(m, &st->ScopeIter_Type, &pyfstw_ScopeIter_spec) < 0 ||
        add_type(m, &st->Var_Type, &pyfstw_Var_spec) < 0 ||
        add_type(m, &st->VarIter_Type, &pyfstw_VarIter_spec) < 0 ||
        add_type(m, &st->VarIndex_Type, &pyfstw_VarIndex_spec) < 0 ||
        add_type(m, &st->Signal_Type, &pyfstw_Signal_spec) < 0 ||
        add_type(m, &st->SignalChangeIter_Type, &pyfstw_SignalChangeIter_spec) < 0 ||
        add_type(m, &st->TimeTable_Type, &pyfstw_TimeTable_spec) < 0 ||
        add_type(m, &st->Timescale_Type, &pyfstw_Timescale_spec) < 0 ||
        add_type(m, &st->TimescaleUnit_Type, &pyfstw_TimescaleUnit_spec) < 0 ||
        add_type(m, &st->Array_Type, &pyfstw_Array_spec) < 0 ||
        add_type(m, &st->Changes_Type, &pyfstw_Changes_spec) < 0 ||
        add_type(m, &st->Summary_Type, &pyfstw_Summary_spec) < 0 ||
        add_type(m, &st->SignalId_Type, &pyfstw_SignalId_spec) < 0 ||
        add_type(m, &st->SignalValues_Type, &pyfstw_SignalValues_spec) < 0)
        return -1;
    /* the private functions of fstwave.pywellen25 */
    if (PyModule_AddFunctions(m, module_functions) < 0 || PyModule_AddFunctions(m, pyfstw_signal25_functions) < 0 ||
        PyModule_AddFunctions(m, pyfstw_items_functions) < 0 ||
        PyModule_AddFunctions(m, pyfstw_stream_functions) < 0)
        return -1;

    st->QueryResult_Type = PyStructSequence_NewType(&pyfstw_QueryResult_desc);
    if (!st->QueryResult_Type)
        return -1;
    /* only Waveform is constructible (the contract) */
    st->QueryResult_Type->tp_new = NULL;
    PyType_Modified(st->QueryResult_Type);
    if (PyModule_AddType(m, st->QueryResult_Type) < 0)
        return -1;

    st->FstError = PyErr_NewExceptionWithDoc(
        "fstwave.FstError",
        "Raised for files that are not FST files (VCD and GHW files are named as such)\n"
        "or are malformed; the message says what is wrong and where (block, offset).\n"
        "A subclass of RuntimeError (deviation D5 in fstwave/docs/api.md: pywellen\n"
        "raises PanicException).\n\n"
        "Attributes (set by fstwave, from the core's error; Node's errors carry the same):\n"
        "``code`` -- ``'FST_FORMAT'`` (the core's status code, FSTW_STATUS_MAP);\n"
        "``reason`` -- the message (str; what ``fstwave`` prints after ``error:``);\n"
        "``offset`` -- the file offset in bytes of the malformed structure when known,\n"
        "else None.\n\n"
        "The OSError subclasses fstwave raises (FileNotFoundError, PermissionError,\n"
        "IsADirectoryError, OSError for read errors) carry the same three attributes:\n"
        "``code`` ``'ENOENT'``, ``'EACCES'``, ``'EISDIR'`` or ``'EIO'``, ``reason`` (equal to\n"
        "``strerror``: the OS's text, or where a read failed) and ``offset`` (None), besides\n"
        "``errno``, ``strerror`` and ``filename``.",
        PyExc_RuntimeError, NULL);
    if (!st->FstError)
        return -1;
    Py_INCREF(st->FstError);
    if (PyModule_AddObject(m, "FstError", st->FstError) < 0) {
        Py_DECREF(st->FstError);
        return -1;
    }
    if (PyModule_AddStringConstant(m, "__version__", FSTW_VERSION) < 0)
        return -1;
    return 0;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, (void *)module_exec},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "fstwave._fstwave",
    .m_doc = "C extension of fstwave: FST waveform reading with pywellen 0.20.5's classes.\n"
             "Use the package ``fstwave`` instead of this module.",
    .m_size = sizeof(pyfstw_state),
    .m_slots = module_slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC PyInit__fstwave(void)
{
    return PyModuleDef_Init(&module_def);
}
