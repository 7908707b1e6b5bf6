/*
 * pyfstw_progress.c - progress and cancel of the long core calls (open,
 * body and signal loads) for Python: the fstw_progress callback that takes
 * the GIL back, calls the user's progress(done, total) and checks for
 * signals (Ctrl-C), and cancels the call when either raises (docs/api.md
 * section 2.7: progress=callable, KeyboardInterrupt raised in it or by a
 * signal).
 *
 * The core calls fn on the thread that made the call only (fstwave.h,
 * fstw_progress), the thread whose state pyfstw_progress_begin saved, so
 * taking the GIL back there is PyEval_RestoreThread of that state.
 */
#include "pyfstw.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <time.h>
#endif

static uint64_t monotonic_ns(void)
{
#ifdef _WIN32
    return (uint64_t)GetTickCount64() * 1000000u;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

/* The fstw_progress.fn: runs with the GIL released, on the calling thread. */
static int progress_fn(void *user, uint64_t done, uint64_t total)
{
    pyfstw_progress *p = user;
    uint64_t now = monotonic_ns();
    int edge = done == 0 || done == total; /* the first and the last report */
    if (!p->callable && !edge && now - p->last_check_ns < PYFSTW_SIGNAL_CHECK_NS)
        return 0;
    p->last_check_ns = now;
    PyEval_RestoreThread(p->tstate);
    int stop = 0;
    if (p->callable) {
        PyObject *res = PyObject_CallFunction(p->callable, "KK", (unsigned long long)done,
                                              (unsigned long long)total);
        if (!res)
            stop = 1;
        Py_XDECREF(res);
    }
    if (!stop && PyErr_CheckSignals() < 0)
        stop = 1;
    if (stop && !p->exc) {
#if PY_VERSION_HEX >= 0x030C0000
        p->exc = PyErr_GetRaisedException();
#else
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        if (value && tb)
            PyException_SetTraceback(value, tb);
        Py_XDECREF(type);
        Py_XDECREF(tb);
        p->exc = value;
#endif
    }
    p->tstate = PyEval_SaveThread();
    return stop;
}

int pyfstw_progress_init(pyfstw_progress *p, PyObject *callable, const char *fname)
{
    if (callable == Py_None)
        callable = NULL;
    if (callable && !PyCallable_Check(callable)) {
        PyErr_Format(PyExc_TypeError, "%s(): progress must be a callable(done, total) or None, not %.200s",
                     fname, Py_TYPE(callable)->tp_name);
        return -1;
    }
    p->core.fn = progress_fn;
    p->core.user = p;
    p->core.cancel = NULL;
    p->callable = callable;
    p->tstate = NULL;
    p->exc = NULL;
    p->last_check_ns = monotonic_ns();
    return 0;
}

void pyfstw_progress_begin(pyfstw_progress *p)
{
    p->tstate = PyEval_SaveThread();
}

int pyfstw_progress_end(pyfstw_progress *p)
{
    PyEval_RestoreThread(p->tstate);
    p->tstate = NULL;
    PyObject *exc = p->exc;
    p->exc = NULL;
    if (!exc)
        return 0;
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(exc);
#else
    Py_INCREF(Py_TYPE(exc));
    PyErr_Restore((PyObject *)Py_TYPE(exc), exc, PyException_GetTraceback(exc));
#endif
    return 1;
}
