/*
 * nfstw_progress.c - progress reports and cancellation of a long work (open,
 * body load, signal load): the core's fstw_progress in JavaScript terms, the
 * options { signal: AbortSignal, onProgress(done, total) } of the contract's
 * section 6.
 *
 * The JS layer (node/lib/abort.js) hands down two things:
 *   - the cancel flag: an Int32Array of one element over an ArrayBuffer it
 *     allocated (inside V8), which its 'abort' listener sets to 1 with
 *     Atomics.store.  The core reads it atomically (fstw_progress.cancel) at
 *     every value-change block; a reference keeps it alive while the work
 *     runs.
 *   - onProgress, or undefined.
 *
 * fstw_progress.fn runs on the thread that made the core call:
 *   - sync natives: the main thread; onProgress is called at once.
 *   - async natives: a libuv pool thread.  The latest (done, total) is
 *     stored and one non-blocking napi_threadsafe_function call is queued
 *     unless one is queued already, so however many blocks a file has there
 *     is never more than one call in the queue; that call delivers the latest
 *     values when it runs.
 * nfstw_prog_settle, on the main thread just before the work settles,
 * delivers the latest report if it was not delivered yet (so the final
 * done == total of a successful call always arrives before the promise
 * settles) and stops any later delivery.
 *
 * An exception thrown by onProgress cancels the work (the flag is set) and
 * is what the call throws or rejects with.  Once the flag is set (abort or
 * exception) onProgress is not called again.
 */
#include "nfstw.h"

#include <stdlib.h>

struct nfstw_prog {
    fstw_progress core;            /* what the core gets: fn, user = this, cancel = flag */
    int *flag;                     /* the cancel flag (in the JS Int32Array) */
    napi_ref flag_ref;             /* keeps that array alive */
    napi_ref cb_ref;               /* onProgress, or NULL */
    napi_env env;                  /* the env of the natives (sync calls) */
    napi_threadsafe_function tsfn; /* async calls with onProgress */
    uint64_t done, total;          /* the latest report (atomic) */
    uint64_t seq;                  /* reports made (atomic) */
    uint64_t delivered;            /* reports delivered (main thread) */
    int queued;                    /* a tsfn call is queued (atomic) */
    int alive;                     /* the tsfn may be called (atomic) */
    int users;                     /* pool threads inside a tsfn call (atomic) */
    int holders;                   /* the work, the tsfn (main thread) */
    int async;                     /* reports come from a pool thread (fixed) */
    int settled;                   /* no more deliveries (main thread) */
    napi_ref error_ref;            /* the exception onProgress threw, or NULL */
};

static void prog_unhold(napi_env env, nfstw_prog *p)
{
    if (--p->holders > 0)
        return;
    if (env) {
        if (p->flag_ref)
            napi_delete_reference(env, p->flag_ref);
        if (p->cb_ref)
            napi_delete_reference(env, p->cb_ref);
        if (p->error_ref)
            napi_delete_reference(env, p->error_ref);
    }
    free(p);
}

/* Calls onProgress with the latest report when it was not delivered yet. */
static void deliver(napi_env env, nfstw_prog *p)
{
    uint64_t seq = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE);
    if (p->settled || !p->cb_ref || seq == p->delivered || p->error_ref ||
        __atomic_load_n(p->flag, __ATOMIC_SEQ_CST)) /* aborted: no report after the abort */
        return;
    p->delivered = seq;
    napi_value cb, recv, argv[2], ignored;
    if (napi_get_reference_value(env, p->cb_ref, &cb) != napi_ok || !cb ||
        napi_get_undefined(env, &recv) != napi_ok ||
        napi_create_double(env, (double)__atomic_load_n(&p->done, __ATOMIC_RELAXED), &argv[0]) != napi_ok ||
        napi_create_double(env, (double)__atomic_load_n(&p->total, __ATOMIC_RELAXED), &argv[1]) != napi_ok)
        return;
    if (napi_call_function(env, recv, cb, 2, argv, &ignored) == napi_ok)
        return;
    napi_value e;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending &&
        napi_get_and_clear_last_exception(env, &e) == napi_ok)
        napi_create_reference(env, e, 1, &p->error_ref);
    __atomic_store_n(p->flag, 1, __ATOMIC_SEQ_CST); /* stop the work */
}

/* fstw_progress.fn: stores the report; delivers it (sync) or queues a call. */
static int on_report(void *user, uint64_t done, uint64_t total)
{
    nfstw_prog *p = (nfstw_prog *)user;
    __atomic_store_n(&p->done, done, __ATOMIC_RELAXED);
    __atomic_store_n(&p->total, total, __ATOMIC_RELAXED);
    __atomic_add_fetch(&p->seq, 1, __ATOMIC_RELEASE);
    if (!p->async) {
        deliver(p->env, p);
        return p->error_ref != NULL;
    }
    __atomic_add_fetch(&p->users, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&p->alive, __ATOMIC_SEQ_CST) && !__atomic_exchange_n(&p->queued, 1, __ATOMIC_SEQ_CST) &&
        napi_call_threadsafe_function(p->tsfn, NULL, napi_tsfn_nonblocking) != napi_ok)
        __atomic_store_n(&p->queued, 0, __ATOMIC_SEQ_CST);
    __atomic_sub_fetch(&p->users, 1, __ATOMIC_SEQ_CST);
    return 0; /* a throwing onProgress cancels through the flag */
}

/* The queued call, on the main thread (env NULL when the env is going away). */
static void call_js(napi_env env, napi_value js_cb, void *context, void *data)
{
    (void)js_cb;
    (void)data;
    nfstw_prog *p = (nfstw_prog *)context;
    __atomic_store_n(&p->queued, 0, __ATOMIC_SEQ_CST);
    if (env)
        deliver(env, p);
}

/* The tsfn is gone (released, or the env torn down): no pool thread may call
 * it any more; waits for one that is inside a call. */
static void tsfn_finalize(napi_env env, void *data, void *hint)
{
    (void)hint;
    nfstw_prog *p = (nfstw_prog *)data;
    __atomic_store_n(&p->alive, 0, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&p->users, __ATOMIC_SEQ_CST) > 0)
        ; /* a non-blocking call: microseconds */
    p->tsfn = NULL;
    prog_unhold(env, p);
}

int nfstw_prog_new(napi_env env, napi_value flag, napi_value on_progress, int async, nfstw_prog **out)
{
    napi_valuetype ft, pt;
    *out = NULL;
    if (napi_typeof(env, flag, &ft) != napi_ok || napi_typeof(env, on_progress, &pt) != napi_ok)
        return -1;
    if (ft == napi_undefined || ft == napi_null)
        return 0; /* no options: the core gets no fstw_progress */
    bool is_ta = false;
    napi_typedarray_type tt;
    size_t len = 0;
    void *data = NULL;
    if (napi_is_typedarray(env, flag, &is_ta) != napi_ok || !is_ta ||
        napi_get_typedarray_info(env, flag, &tt, &len, &data, NULL, NULL) != napi_ok || tt != napi_int32_array ||
        len < 1) {
        nfstw_throw_type(env, "the cancel flag must be an Int32Array");
        return -1;
    }
    if (pt != napi_undefined && pt != napi_null && pt != napi_function) {
        nfstw_throw_type(env, "onProgress must be a function");
        return -1;
    }
    nfstw_prog *p = calloc(1, sizeof *p);
    if (!p) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return -1;
    }
    p->holders = 1;
    p->env = env;
    p->flag = (int *)data;
    p->core.cancel = p->flag;
    p->core.user = p;
    if (napi_create_reference(env, flag, 1, &p->flag_ref) != napi_ok ||
        (pt == napi_function && napi_create_reference(env, on_progress, 1, &p->cb_ref) != napi_ok)) {
        prog_unhold(env, p);
        return -1;
    }
    if (pt == napi_function) {
        p->core.fn = on_report;
        napi_value name;
        if (async) {
            if (napi_create_string_utf8(env, "fstwave.onProgress", NAPI_AUTO_LENGTH, &name) != napi_ok ||
                napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, p, tsfn_finalize, p, call_js, &p->tsfn) !=
                    napi_ok) {
                prog_unhold(env, p);
                return -1;
            }
            p->holders++; /* the tsfn's, dropped by tsfn_finalize */
            p->alive = 1;
            p->async = 1;
        }
    }
    *out = p;
    return 0;
}

const fstw_progress *nfstw_prog_core(const nfstw_prog *p)
{
    return p ? &p->core : NULL;
}

napi_value nfstw_prog_settle(napi_env env, nfstw_prog *p)
{
    if (!p)
        return NULL;
    deliver(env, p);
    p->settled = 1;
    napi_value e = NULL;
    if (p->error_ref && napi_get_reference_value(env, p->error_ref, &e) != napi_ok)
        e = NULL;
    return e;
}

void nfstw_prog_free(napi_env env, nfstw_prog *p)
{
    if (!p)
        return;
    p->settled = 1;
    if (p->tsfn)
        napi_release_threadsafe_function(p->tsfn, napi_tsfn_release);
    prog_unhold(env, p);
}
