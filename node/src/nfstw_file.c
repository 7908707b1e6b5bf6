/*
 * nfstw_file.c - the natives that open a file and load its body, over the
 * work layer (nfstw_work.c): the sync ones run the core call inline, the
 * async ones on the libuv thread pool behind a promise.
 *
 * Exports:
 *   open(path, multiThreaded, removeScopesWithEmptyName, loadBody, flag, onProgress) -> handle
 *   openAsync(path, multiThreaded, removeScopesWithEmptyName, loadBody, flag, onProgress)
 *     -> Promise<handle>
 *   loadBody(handle, flag, onProgress), loadBodyAsync(...) -> Promise<undefined>
 *   close(handle): no further calls; the file is closed now or when the
 *     works in flight end; loaded signals stay readable
 *   (flag, onProgress: the cancel flag and progress callback of
 *   nfstw_progress.c, both optional)
 *   bodyLoaded(handle) -> boolean
 *   timeTable(handle) -> BigUint64Array (a copy; empty while the body is not loaded)
 *
 * Errors: TypeError / RangeError for bad arguments (thrown at once, also by
 * the async natives); the core's errors as nfstw_make_error makes them
 * (thrown, or the promise rejected).
 */
#include "nfstw.h"

#include <stdlib.h>

/* ============================================================ open */

typedef struct open_work {
    nfstw_work base;
    char *path; /* owned until the handle takes it */
    fstw_open_options opts;
    fstw_file *file; /* owned until the handle takes it */
} open_work;

static void open_execute(nfstw_work *work)
{
    open_work *ow = (open_work *)work;
    work->rc = fstw_open(ow->path, &ow->opts, &ow->file, &work->err);
}

static napi_value open_result(napi_env env, nfstw_work *work)
{
    open_work *ow = (open_work *)work;
    /* the handle owns file and path from here on, even when it fails */
    napi_value v = nfstw_wave_new(env, nfstw_inst_get(env), ow->file, ow->path, ow->opts.multi_threaded);
    ow->file = NULL;
    ow->path = NULL;
    return v;
}

static void open_dispose(napi_env env, nfstw_work *work)
{
    (void)env;
    open_work *ow = (open_work *)work;
    if (ow->file)
        fstw_close(ow->file);
    free(ow->path);
}

static const nfstw_work_ops OPEN_OPS = {
    "fstwave.open", "fstwave: the open was cancelled", "fstwave: cannot create the file handle",
    open_execute, open_result, open_dispose,
};

/* open / openAsync (async 1): the arguments are checked here, at once. */
static napi_value open_run(napi_env env, napi_callback_info info, int async)
{
    napi_value argv[6];
    open_work ow = {.base = {.ops = &OPEN_OPS}};
    if (nfstw_args(env, info, 6, argv) < 0)
        return NULL;
    fstw_open_options_init(&ow.opts);
    if (nfstw_get_bool(env, argv[1], "multiThreaded", &ow.opts.multi_threaded) < 0 ||
        nfstw_get_bool(env, argv[2], "removeScopesWithEmptyName", &ow.opts.remove_scopes_with_empty_name) < 0 ||
        nfstw_get_bool(env, argv[3], "loadBody", &ow.opts.load_body) < 0 ||
        nfstw_get_path(env, argv[0], &ow.path) < 0)
        return NULL;
    if (nfstw_prog_new(env, argv[4], argv[5], async, &ow.base.prog) < 0) {
        free(ow.path);
        return NULL;
    }
    ow.opts.progress = nfstw_prog_core(ow.base.prog);
    ow.base.path = ow.path;
    return nfstw_work_run(env, &ow.base, sizeof ow, async);
}

NFSTW_WORK_NATIVES(fn_open, open_run)

/* ============================================================ body */

static void body_execute(nfstw_work *work)
{
    /* a no-op once loaded (reporting (0, 0)) */
    work->rc = fstw_load_body_ex(work->wave->file, nfstw_prog_core(work->prog), &work->err);
}

static napi_value body_result(napi_env env, nfstw_work *work)
{
    nfstw_wave_note_mem(env, work->wave); /* the time table is in now */
    return nfstw_undefined(env);
}

static const nfstw_work_ops BODY_OPS = {
    "fstwave.loadBody", "fstwave: the body load was cancelled", "fstwave: cannot load the body",
    body_execute, body_result, NULL,
};

/* loadBody / loadBodyAsync (async 1). */
static napi_value body_run(napi_env env, napi_callback_info info, int async)
{
    napi_value argv[3];
    nfstw_work work = {.ops = &BODY_OPS};
    work.wave = nfstw_wave_args(env, info, 3, argv);
    if (!work.wave || nfstw_prog_new(env, argv[1], argv[2], async, &work.prog) < 0)
        return NULL;
    return nfstw_work_run(env, &work, sizeof work, async);
}

NFSTW_WORK_NATIVES(fn_load_body, body_run)

/* close(h): see nfstw_wave_close; idempotent. */
static napi_value fn_close(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    nfstw_wave *w = nfstw_args(env, info, 1, argv) < 0 ? NULL : nfstw_wave_unwrap(env, argv[0], 0);
    if (w)
        nfstw_wave_close(env, w); /* a closed or torn-down wave too */
    return w ? nfstw_undefined(env) : NULL;
}

static napi_value fn_body_loaded(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    nfstw_wave *w = nfstw_wave_args(env, info, 1, argv);
    if (!w)
        return NULL;
    return nfstw_bool(env, fstw_body_loaded(w->file));
}

static napi_value fn_time_table(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    nfstw_wave *w = nfstw_wave_args(env, info, 1, argv);
    if (!w)
        return NULL;
    size_t n = 0;
    const uint64_t *t = fstw_time_table(w->file, &n);
    return nfstw_u64_array(env, t, t ? n : 0);
}

napi_status nfstw_file_init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        NFSTW_FN("open", fn_open),
        NFSTW_FN("openAsync", fn_open_async),
        NFSTW_FN("loadBody", fn_load_body),
        NFSTW_FN("loadBodyAsync", fn_load_body_async),
        NFSTW_FN("close", fn_close),
        NFSTW_FN("bodyLoaded", fn_body_loaded),
        NFSTW_FN("timeTable", fn_time_table),
    };
    return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
