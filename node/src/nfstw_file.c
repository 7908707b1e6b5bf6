/*
 * nfstw_file.c - the file handle (one nfstw_wave per open fstw_file), its
 * reference counting and teardown, and the synchronous and asynchronous
 * open and body load.
 *
 * Exports:
 *   open(path, multiThreaded, removeScopesWithEmptyName, loadBody) -> handle
 *   openAsync(path, multiThreaded, removeScopesWithEmptyName, loadBody) -> Promise<handle>
 *   loadBody(handle), loadBodyAsync(handle) -> Promise<undefined>
 *   bodyLoaded(handle) -> boolean
 *   timeTable(handle) -> BigUint64Array (a copy; empty while the body is not loaded)
 *
 * Async work runs fstw_open / fstw_load_body on the libuv thread pool
 * (`execute` touches only its own work struct and the fstw_file, which the
 * core makes thread-safe); everything JS-visible happens in `complete`,
 * on the main thread.  A body load holds a reference on the wave, so the
 * wave outlives the work even if its JS handle is collected meanwhile.
 */
#include "nfstw.h"

#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h> /* malloc_trim */
#endif

/* The type tag of file-handle objects (a constant, not mutable state). */
static const napi_type_tag WAVE_TAG = {0x6673747761766531ULL, 0x66696c6568616e64ULL};

/* ============================================================ lifetime */

void nfstw_adjust_mem(napi_env env, int64_t *slot, int64_t bytes)
{
    int64_t delta = bytes - *slot;
    if (delta == 0)
        return;
    int64_t total;
    if (napi_adjust_external_memory(env, delta, &total) == napi_ok)
        *slot = bytes;
}

/* glibc keeps freed memory in its heaps and arenas (the core allocates from
 * thread-pool and loader threads too), so a viewer that opens and drops many
 * files would keep its peak RSS forever.  After every TRIM_STEP bytes freed
 * (the estimates reported to V8), malloc_trim hands free pages back. */
#define TRIM_STEP ((int64_t)16 << 20)

void nfstw_note_freed(nfstw_inst *inst, int64_t bytes)
{
    if (!inst || bytes <= 0)
        return;
    inst->trim_debt += bytes;
    if (inst->trim_debt < TRIM_STEP)
        return;
    inst->trim_debt = 0;
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

void nfstw_wave_ref(nfstw_wave *w)
{
    w->refs++;
}

void nfstw_wave_close_file(nfstw_wave *w)
{
    nfstw_inst *inst = w->inst;
    nfstw_sig *s = w->sigs;
    while (s) {
        nfstw_sig *next = s->next;
        if (s->sig) {
            fstw_signal_free(s->sig); /* before the file its times point into */
            s->sig = NULL;
            if (inst)
                inst->live_signals--;
        }
        s->prev = s->next = NULL;
        s = next;
    }
    w->sigs = NULL;
    if (w->file) {
        fstw_close(w->file);
        w->file = NULL;
        if (inst)
            inst->open_files--;
    }
}

static void wave_unlink(nfstw_wave *w)
{
    nfstw_inst *inst = w->inst;
    if (!inst)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        inst->waves = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->prev = w->next = NULL;
    w->inst = NULL;
}

void nfstw_wave_unref(napi_env env, nfstw_wave *w)
{
    if (--w->refs > 0)
        return;
    nfstw_inst *inst = w->inst;
    int64_t mem = w->ext_mem;
    nfstw_wave_close_file(w);
    wave_unlink(w);
    if (inst && env)
        nfstw_adjust_mem(env, &w->ext_mem, 0);
    free(w->path);
    free(w);
    nfstw_note_freed(inst, mem);
}

void nfstw_inst_detach_all(nfstw_inst *inst)
{
    while (inst->waves) {
        nfstw_wave *w = inst->waves;
        if (w->busy == 0)
            nfstw_wave_close_file(w); /* else: closed when its last work completes */
        wave_unlink(w);
    }
}

static void wave_finalize(napi_env env, void *data, void *hint)
{
    (void)hint;
    nfstw_wave_unref(env, (nfstw_wave *)data);
}

/* Rough size of what the core holds for an open file, so that V8's GC
 * knows that dropping a Waveform frees memory. */
static int64_t wave_mem_estimate(const nfstw_wave *w)
{
    if (!w->file)
        return 0;
    size_t n_time = 0;
    fstw_time_table(w->file, &n_time);
    return 4096 + (int64_t)fstw_scope_count(w->file) * 96 + (int64_t)fstw_var_count(w->file) * 96 +
           (int64_t)fstw_signal_count(w->file) * 16 + (int64_t)n_time * 8;
}

/* Wraps an open file in a new handle object (takes ownership of file and
 * path; on failure both are freed and NULL is returned). */
static napi_value wave_new(napi_env env, nfstw_inst *inst, fstw_file *file, char *path, int multi_threaded)
{
    nfstw_wave *w = calloc(1, sizeof *w);
    napi_value obj;
    if (!w) {
        fstw_close(file);
        free(path);
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    w->file = file;
    w->path = path;
    w->multi_threaded = multi_threaded;
    w->refs = 1; /* the handle object */
    w->inst = inst;
    w->next = inst->waves;
    if (inst->waves)
        inst->waves->prev = w;
    inst->waves = w;
    inst->open_files++;
    if (napi_create_object(env, &obj) != napi_ok || napi_type_tag_object(env, obj, &WAVE_TAG) != napi_ok ||
        napi_wrap(env, obj, w, wave_finalize, NULL, NULL) != napi_ok) {
        nfstw_wave_unref(env, w);
        return NULL;
    }
    nfstw_adjust_mem(env, &w->ext_mem, wave_mem_estimate(w));
    return obj;
}

nfstw_wave *nfstw_wave_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv)
{
    if (nfstw_args(env, info, want, argv) < 0)
        return NULL;
    return nfstw_wave_unwrap(env, argv[0], 1);
}

nfstw_wave *nfstw_wave_unwrap(napi_env env, napi_value obj, int require_open)
{
    napi_valuetype t;
    bool ok = false;
    void *data = NULL;
    if (napi_typeof(env, obj, &t) != napi_ok || t != napi_object ||
        napi_check_object_type_tag(env, obj, &WAVE_TAG, &ok) != napi_ok || !ok ||
        napi_unwrap(env, obj, &data) != napi_ok || !data) {
        nfstw_throw_type(env, "expected a fstwave file handle");
        return NULL;
    }
    nfstw_wave *w = (nfstw_wave *)data;
    if (require_open && !w->file) {
        nfstw_throw_plain(env, "ERR_FSTWAVE_CLOSED", "the file is closed (its environment was torn down)");
        return NULL;
    }
    return w;
}

/* ============================================================ open */

static int open_args(napi_env env, napi_callback_info info, char **path, fstw_open_options *opts)
{
    napi_value argv[4];
    if (nfstw_args(env, info, 4, argv) < 0)
        return -1;
    fstw_open_options_init(opts);
    if (nfstw_get_bool(env, argv[1], "multiThreaded", &opts->multi_threaded) < 0 ||
        nfstw_get_bool(env, argv[2], "removeScopesWithEmptyName", &opts->remove_scopes_with_empty_name) < 0 ||
        nfstw_get_bool(env, argv[3], "loadBody", &opts->load_body) < 0)
        return -1;
    return nfstw_get_path(env, argv[0], path);
}

static napi_value fn_open(napi_env env, napi_callback_info info)
{
    nfstw_inst *inst = nfstw_inst_get(env);
    char *path = NULL;
    fstw_open_options opts;
    if (!inst || open_args(env, info, &path, &opts) < 0)
        return NULL;
    fstw_file *file = NULL;
    fstw_error err;
    memset(&err, 0, sizeof err);
    int rc = fstw_open(path, &opts, &file, &err);
    if (rc != FSTW_OK) {
        nfstw_throw(env, &err, path);
        free(path);
        return NULL;
    }
    return wave_new(env, inst, file, path, opts.multi_threaded);
}

typedef struct file_work {
    napi_async_work work;
    napi_deferred deferred;
    nfstw_wave *wave; /* body loads: a held reference */
    char *path;       /* opens */
    fstw_open_options opts;
    fstw_file *file;
    int rc;
    fstw_error err;
} file_work;

static void settle(napi_env env, napi_deferred d, int ok, napi_value v)
{
    if (!v)
        v = nfstw_undefined(env);
    if (ok)
        napi_resolve_deferred(env, d, v);
    else
        napi_reject_deferred(env, d, v);
}

/* The pending exception (after a failed napi call) or a generic Error. */
static napi_value take_error(napi_env env, const char *what)
{
    napi_value e = NULL;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending &&
        napi_get_and_clear_last_exception(env, &e) == napi_ok)
        return e;
    napi_value m;
    if (napi_create_string_utf8(env, what, NAPI_AUTO_LENGTH, &m) == napi_ok)
        napi_create_error(env, NULL, m, &e);
    return e;
}

static void open_execute(napi_env env, void *data)
{
    (void)env;
    file_work *fw = (file_work *)data;
    fw->rc = fstw_open(fw->path, &fw->opts, &fw->file, &fw->err);
}

static void open_complete(napi_env env, napi_status status, void *data)
{
    file_work *fw = (file_work *)data;
    nfstw_inst *inst = nfstw_inst_get(env);
    napi_value v = NULL;
    int ok = 0;
    if (status != napi_ok || !inst || inst->torn_down) {
        if (fw->file)
            fstw_close(fw->file);
        free(fw->path);
        v = take_error(env, "fstwave: the open was cancelled");
    } else if (fw->rc != FSTW_OK) {
        v = nfstw_make_error(env, &fw->err, fw->path);
        free(fw->path);
    } else {
        /* wave_new owns file and path from here on, even when it fails */
        v = wave_new(env, inst, fw->file, fw->path, fw->opts.multi_threaded);
        ok = v != NULL;
        if (!ok)
            v = take_error(env, "fstwave: cannot create the file handle");
    }
    settle(env, fw->deferred, ok, v);
    napi_delete_async_work(env, fw->work);
    free(fw);
}

/* Creates the promise and queues fw.  Returns the promise, or NULL with an
 * exception pending; *queued says whether `complete` will run (and free
 * fw) - when it is 0 the caller frees fw, even if a (rejected) promise is
 * returned. */
static napi_value queue(napi_env env, file_work *fw, const char *name, napi_async_execute_callback ex,
                        napi_async_complete_callback co, int *queued)
{
    napi_value promise, res_name;
    *queued = 0;
    if (napi_create_promise(env, &fw->deferred, &promise) != napi_ok)
        return NULL;
    if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &res_name) != napi_ok ||
        napi_create_async_work(env, NULL, res_name, ex, co, fw, &fw->work) != napi_ok) {
        settle(env, fw->deferred, 0, take_error(env, "fstwave: cannot create async work"));
        return promise;
    }
    if (napi_queue_async_work(env, fw->work) != napi_ok) {
        settle(env, fw->deferred, 0, take_error(env, "fstwave: cannot queue async work"));
        napi_delete_async_work(env, fw->work);
        return promise;
    }
    *queued = 1;
    return promise;
}

static napi_value fn_open_async(napi_env env, napi_callback_info info)
{
    file_work *fw = calloc(1, sizeof *fw);
    if (!fw) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    if (open_args(env, info, &fw->path, &fw->opts) < 0) {
        free(fw);
        return NULL;
    }
    int queued;
    napi_value p = queue(env, fw, "fstwave.open", open_execute, open_complete, &queued);
    if (!queued) {
        free(fw->path);
        free(fw);
    }
    return p;
}

/* ============================================================ body */

static napi_value fn_load_body(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    nfstw_wave *w = nfstw_wave_args(env, info, 1, argv);
    if (!w)
        return NULL;
    if (!fstw_body_loaded(w->file)) {
        fstw_error err;
        memset(&err, 0, sizeof err);
        if (fstw_load_body(w->file, &err) != FSTW_OK) {
            nfstw_throw(env, &err, w->path);
            return NULL;
        }
        nfstw_adjust_mem(env, &w->ext_mem, wave_mem_estimate(w));
    }
    return nfstw_undefined(env);
}

static void body_execute(napi_env env, void *data)
{
    (void)env;
    file_work *fw = (file_work *)data;
    fw->rc = fstw_load_body(fw->wave->file, &fw->err);
}

static void body_complete(napi_env env, napi_status status, void *data)
{
    file_work *fw = (file_work *)data;
    nfstw_wave *w = fw->wave;
    napi_value v = NULL;
    int ok = 0;
    w->busy--;
    if (status != napi_ok)
        v = take_error(env, "fstwave: the body load was cancelled");
    else if (fw->rc != FSTW_OK)
        v = nfstw_make_error(env, &fw->err, w->path);
    else {
        ok = 1;
        if (w->inst)
            nfstw_adjust_mem(env, &w->ext_mem, wave_mem_estimate(w));
    }
    settle(env, fw->deferred, ok, v);
    napi_delete_async_work(env, fw->work);
    free(fw);
    if (!w->inst && w->busy == 0)
        nfstw_wave_close_file(w); /* the env was torn down meanwhile */
    nfstw_wave_unref(env, w);
}

static napi_value fn_load_body_async(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    nfstw_wave *w = nfstw_wave_args(env, info, 1, argv);
    if (!w)
        return NULL;
    file_work *fw = calloc(1, sizeof *fw);
    if (!fw) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    fw->wave = w;
    nfstw_wave_ref(w);
    w->busy++;
    int queued;
    napi_value p = queue(env, fw, "fstwave.loadBody", body_execute, body_complete, &queued);
    if (!queued) {
        w->busy--;
        nfstw_wave_unref(env, w);
        free(fw);
    }
    return p;
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
        NFSTW_FN("bodyLoaded", fn_body_loaded),
        NFSTW_FN("timeTable", fn_time_table),
    };
    return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
