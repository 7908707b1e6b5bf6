/*
 * pyfstw_cache.c - the Python binding's half of the signal cache of
 * deviation D10 (docs/api.md).
 *
 * Each Waveform has a pyfstw_sigcache:
 *   - live: a dict {signal_ref: weakref to the Signal}, so that a Signal the
 *     program holds is returned again as the same object.  A Signal removes
 *     its own entry when it dies (pyfstw_sigcache_forget_dead in pyfstw.h,
 *     called by Signal_dealloc), so the dict holds entries of live Signals
 *     only.
 *   - recent: the core's cache (fstw_cache_*, core/include/fstwave.h), which
 *     keeps the most recently loaded signals up to a byte budget even when
 *     no Signal object holds them; the rule of what it keeps is the core's.
 * Lookup order: a live Signal; else the core cache's signal wrapped in a new
 * Signal (no file read); else the caller loads it and adopts it here.
 *
 * Everything here runs with the GIL held (the core cache is not
 * thread-safe; the GIL serialises it).
 */
#include "pyfstw.h"

int pyfstw_sigcache_init(pyfstw_sigcache *c, size_t budget)
{
    c->live = PyDict_New();
    c->recent = c->live ? fstw_cache_new(budget) : NULL;
    if (!c->recent) {
        Py_CLEAR(c->live);
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

void pyfstw_sigcache_clear(pyfstw_sigcache *c)
{
    if (c->live)
        PyDict_Clear(c->live); /* Signals still referenced stay readable */
    if (c->recent)
        fstw_cache_clear(c->recent);
}

void pyfstw_sigcache_free(pyfstw_sigcache *c)
{
    Py_CLEAR(c->live);
    fstw_cache_free(c->recent);
    c->recent = NULL;
}

/* Remembers sigobj (a Signal) weakly as the live Signal of ref.  0 or -1. */
static int remember(pyfstw_sigcache *c, uint32_t ref, PyObject *sigobj)
{
    PyObject *key = PyLong_FromUnsignedLong(ref);
    PyObject *wr = key ? PyWeakref_NewRef(sigobj, NULL) : NULL;
    int rc = wr ? PyDict_SetItem(c->live, key, wr) : -1;
    Py_XDECREF(wr);
    Py_XDECREF(key);
    if (rc == 0) {
        pyfstw_SignalObject *so = (pyfstw_SignalObject *)sigobj;
        PyObject *old = so->live;
        Py_INCREF(c->live);
        so->live = c->live; /* so that its dealloc removes the entry */
        Py_XDECREF(old);
    }
    return rc;
}

/* The live Signal of ref (a new reference), or NULL: none (no exception)
 * or an error (exception set). */
static PyObject *find_live(pyfstw_sigcache *c, uint32_t ref)
{
    PyObject *key = PyLong_FromUnsignedLong(ref);
    if (!key)
        return NULL;
    PyObject *wr = PyDict_GetItemWithError(c->live, key); /* borrowed */
    Py_DECREF(key);
    return wr ? pyfstw_weak_get(wr) : NULL;
}

/* A new Signal around sig (whose holder it takes over), remembered as the
 * live Signal of its ref.  sig is freed on error. */
static PyObject *wrap(pyfstw_sigcache *c, pyfstw_state *st, pyfstw_HierarchyObject *hier, fstw_signal *sig)
{
    PyObject *sigobj = pyfstw_signal_new(st, hier, sig);
    if (!sigobj) {
        fstw_signal_free(sig);
        return NULL;
    }
    if (remember(c, fstw_signal_ref(sig), sigobj) < 0)
        Py_CLEAR(sigobj); /* frees sig */
    return sigobj;
}

PyObject *pyfstw_sigcache_find(pyfstw_sigcache *c, pyfstw_state *st, pyfstw_HierarchyObject *hier, uint32_t ref)
{
    PyObject *sigobj = find_live(c, ref);
    if (sigobj) {
        /* asked for again: the most recent now, kept once dropped (fstw_cache_put;
         * out of memory only leaves it out of the recent ones) */
        (void)fstw_cache_put(c->recent, ((pyfstw_SignalObject *)sigobj)->sig);
        return sigobj;
    }
    if (PyErr_Occurred())
        return NULL;
    fstw_signal *sig = fstw_cache_get(c->recent, ref);
    return sig ? wrap(c, st, hier, sig) : NULL;
}

PyObject *pyfstw_sigcache_adopt(pyfstw_sigcache *c, pyfstw_state *st, pyfstw_HierarchyObject *hier,
                                fstw_signal *sig)
{
    PyObject *sigobj = find_live(c, fstw_signal_ref(sig));
    if (sigobj || PyErr_Occurred()) {
        /* another thread made a Signal of this ref while we were loading */
        fstw_signal_free(sig);
        return sigobj;
    }
    if (fstw_cache_put(c->recent, sig) != FSTW_OK) {
        fstw_signal_free(sig);
        return PyErr_NoMemory();
    }
    return wrap(c, st, hier, sig);
}

int pyfstw_sigcache_forget(pyfstw_sigcache *c, uint32_t ref)
{
    fstw_cache_drop(c->recent, ref);
    PyObject *key = PyLong_FromUnsignedLong(ref);
    if (!key)
        return -1;
    int rc = PyDict_Contains(c->live, key);
    if (rc > 0)
        rc = PyDict_DelItem(c->live, key);
    Py_DECREF(key);
    return rc < 0 ? -1 : 0;
}
