/*
 * nfstw_work.c - the work layer: every native that calls the core for a
 * file (open, body load, signal load) describes the call as an nfstw_work
 * (nfstw.h) and hands it to nfstw_work_run, which
 *
 *   - holds the wave (a reference and a busy count, nfstw_wave.c) while the
 *     work runs, so the file stays open even through env teardown;
 *   - runs `execute` inline for a sync native, or queues it on the libuv
 *     thread pool (napi_create_async_work) behind a promise for an async
 *     one, so the event loop is never blocked;
 *   - settles every outcome in one place (outcome): the core's error, a
 *     failed result, or the env torn down before the work was settled;
 *     with progress (nfstw_progress.c) the last report is delivered first;
 *   - frees the work (ops->dispose, then the heap copy) and releases the wave.
 *
 * The same design as libuv's fs.c (one request type, sync when no callback)
 * and classic-level's BaseWorker (DoExecute on the pool, one place that
 * resolves or rejects, teardown of the worker).
 */
#include "nfstw.h"

#include <stdlib.h>
#include <string.h>

/* The pending exception (after a failed napi call) or a new Error(msg). */
static napi_value take_error(napi_env env, const char *msg)
{
    napi_value e = NULL, m;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending &&
        napi_get_and_clear_last_exception(env, &e) == napi_ok)
        return e;
    if (napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m) == napi_ok)
        napi_create_error(env, NULL, m, &e);
    return e;
}

/* The env (or, for a wave's work, the wave's attachment to it) is gone:
 * the worker exited or the env is being torn down. */
static int env_gone(napi_env env, const nfstw_work *work)
{
    if (work->wave)
        return work->wave->inst == NULL;
    nfstw_inst *inst = nfstw_inst_get(env);
    return !inst || inst->torn_down;
}

/* The value a finished work settles with; *ok says resolve (1) or reject. */
static napi_value outcome(napi_env env, nfstw_work *work, int *ok)
{
    *ok = 0;
    if (env_gone(env, work))
        return take_error(env, work->ops->cancelled);
    napi_value thrown = nfstw_prog_settle(env, work->prog);
    if (thrown)
        return thrown; /* onProgress threw: that stopped the work */
    if (work->rc != FSTW_OK)
        return nfstw_make_error(env, &work->err, work->wave ? work->wave->path : work->path);
    napi_value v = work->ops->result(env, work);
    if (v) {
        *ok = 1;
        return v;
    }
    return take_error(env, work->ops->failed);
}

/* Frees the work and releases its wave. */
static void finish(napi_env env, nfstw_work *work)
{
    nfstw_wave *w = work->wave;
    if (work->ops->dispose)
        work->ops->dispose(env, work);
    nfstw_prog_free(env, work->prog);
    if (work->async) {
        if (work->uv)
            napi_delete_async_work(env, work->uv);
        free(work);
    }
    if (w)
        nfstw_wave_end_work(env, w);
}

/* Resolves or rejects the work's promise with v (undefined when NULL). */
static void settle(napi_env env, nfstw_work *work, int ok, napi_value v)
{
    if (!v)
        v = nfstw_undefined(env);
    if (ok)
        napi_resolve_deferred(env, work->deferred, v);
    else
        napi_reject_deferred(env, work->deferred, v);
}

static void execute_async(napi_env env, void *data)
{
    (void)env;
    nfstw_work *work = (nfstw_work *)data;
    work->ops->execute(work);
}

static void complete_async(napi_env env, napi_status status, void *data)
{
    nfstw_work *work = (nfstw_work *)data;
    int ok = 0;
    napi_value v = status == napi_ok ? outcome(env, work, &ok) : take_error(env, work->ops->cancelled);
    settle(env, work, ok, v);
    finish(env, work);
}

static napi_value run_sync(napi_env env, nfstw_work *work)
{
    int ok;
    work->ops->execute(work);
    napi_value v = outcome(env, work, &ok);
    finish(env, work);
    if (ok)
        return v;
    bool pending = false;
    if (v)
        napi_throw(env, v);
    else if (napi_is_exception_pending(env, &pending) == napi_ok && !pending)
        napi_throw_error(env, NULL, "fstwave: cannot create an error object");
    return NULL;
}

/* Queues the heap copy; returns its promise (see nfstw_work_run). */
static napi_value run_async(napi_env env, nfstw_work *work)
{
    napi_value promise, name;
    if (napi_create_promise(env, &work->deferred, &promise) != napi_ok) {
        finish(env, work);
        return NULL;
    }
    const char *fail = NULL;
    if (napi_create_string_utf8(env, work->ops->name, NAPI_AUTO_LENGTH, &name) != napi_ok ||
        napi_create_async_work(env, NULL, name, execute_async, complete_async, work, &work->uv) != napi_ok)
        fail = "fstwave: cannot create async work";
    else if (napi_queue_async_work(env, work->uv) != napi_ok)
        fail = "fstwave: cannot queue async work";
    if (fail) {
        settle(env, work, 0, take_error(env, fail));
        finish(env, work);
    }
    return promise;
}

napi_value nfstw_work_run(napi_env env, nfstw_work *work, size_t size, int async)
{
    if (work->wave)
        nfstw_wave_begin_work(work->wave);
    work->async = 0;
    if (!async)
        return run_sync(env, work);
    nfstw_work *copy = malloc(size);
    if (!copy) {
        finish(env, work);
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    memcpy(copy, work, size);
    copy->async = 1;
    copy->uv = NULL;
    return run_async(env, copy);
}
