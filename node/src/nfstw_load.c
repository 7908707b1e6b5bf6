/*
 * nfstw_load.c - the signal loads, over the work layer (nfstw_work.c):
 * loadSignals runs fstw_load_signals inline, loadSignalsAsync on the libuv
 * thread pool; the async result is a load batch that the JS layer takes
 * apart in slices, so that completing a load of very many signals never
 * runs one long stretch of main-thread work.
 *
 * Exports (h a file handle, s a signal handle):
 *   loadSignals(h, refs, multiThreaded, flag, onProgress) -> [s, ...]
 *   loadSignalsAsync(h, refs, multiThreaded, flag, onProgress) -> Promise<batch>
 *   (flag, onProgress: optional, see nfstw_progress.c)
 *   batchTake(batch, start, end) -> [s, ...]; batchLength(batch) -> number
 *
 * refs is a Uint32Array or an array of numbers; a ref out of range for the
 * file is the core's RangeError (fstw_check_signal_ref), thrown at once.
 * Load errors are the core's (thrown, or the promise rejected).
 */
#include "nfstw.h"

#include <stdlib.h>
#include <string.h>

/* ============================================================ arguments */

int nfstw_refs_arg(napi_env env, nfstw_wave *w, napi_value v, uint32_t **refs, size_t *n)
{
    bool is_ta = false, is_arr = false;
    uint32_t *out = NULL;
    size_t len = 0;
    if (napi_is_typedarray(env, v, &is_ta) != napi_ok)
        return -1;
    if (is_ta) {
        napi_typedarray_type tt;
        void *data;
        if (napi_get_typedarray_info(env, v, &tt, &len, &data, NULL, NULL) != napi_ok || tt != napi_uint32_array) {
            nfstw_throw_type(env, "refs must be a Uint32Array or an array of numbers");
            return -1;
        }
        out = malloc((len ? len : 1) * sizeof *out);
        if (out && len)
            memcpy(out, data, len * sizeof *out);
    } else {
        if (napi_is_array(env, v, &is_arr) != napi_ok || !is_arr) {
            nfstw_throw_type(env, "refs must be a Uint32Array or an array of numbers");
            return -1;
        }
        uint32_t l32;
        napi_get_array_length(env, v, &l32);
        len = l32;
        out = malloc((len ? len : 1) * sizeof *out);
        for (uint32_t i = 0; out && i < l32; i++) {
            napi_value e;
            uint64_t r;
            if (napi_get_element(env, v, i, &e) != napi_ok || nfstw_get_u64(env, e, "signal ref", UINT32_MAX, &r) < 0) {
                free(out);
                return -1;
            }
            out[i] = (uint32_t)r;
        }
    }
    if (!out) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        fstw_error err;
        if (fstw_check_signal_ref(w->file, out[i], &err) != FSTW_OK) {
            nfstw_throw(env, &err, NULL);
            free(out);
            return -1;
        }
    }
    *refs = out;
    *n = len;
    return 0;
}

/* ============================================================ batches */

/* A finished async load: the loaded fstw_signals, handed to JS in slices
 * (batchTake).  Holds a reference on the wave; signals never taken are
 * freed by its finalizer. */
typedef struct sig_batch {
    nfstw_wave *wave;
    fstw_signal **sigs; /* NULL once taken */
    size_t n;
} sig_batch;

static const napi_type_tag BATCH_TAG = {0x6673747761766533ULL, 0x6261746368686e64ULL};

static void batch_finalize(napi_env env, void *data, void *hint)
{
    (void)hint;
    sig_batch *b = (sig_batch *)data;
    for (size_t i = 0; i < b->n; i++)
        fstw_signal_free(b->sigs[i]); /* never dereferences the file */
    free(b->sigs);
    if (b->wave)
        nfstw_wave_unref(env, b->wave);
    free(b);
}

/* A new batch object over sigs[0..n) with a reference on w; it takes
 * sigs (the array and the signals) only when it succeeds. */
static napi_value batch_new(napi_env env, nfstw_wave *w, fstw_signal **sigs, size_t n)
{
    sig_batch *b = calloc(1, sizeof *b);
    if (!b) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    b->wave = w;
    nfstw_wave_ref(w);
    napi_value obj = nfstw_new_tagged(env, &BATCH_TAG, b, batch_finalize);
    if (!obj) {
        batch_finalize(env, b, NULL); /* holds no signals yet */
        return NULL;
    }
    b->sigs = sigs;
    b->n = n;
    return obj;
}

static sig_batch *batch_arg(napi_env env, napi_callback_info info, size_t want, napi_value *argv)
{
    if (nfstw_args(env, info, want, argv) < 0)
        return NULL;
    sig_batch *b = nfstw_unwrap_tagged(env, argv[0], &BATCH_TAG);
    if (!b)
        nfstw_throw_type(env, "expected a fstwave load batch");
    return b;
}

/* batchTake(batch, start, end) -> [s, ...] for the signals start..end-1 (each once). */
static napi_value fn_batch_take(napi_env env, napi_callback_info info)
{
    napi_value argv[3];
    uint64_t start, end;
    sig_batch *b = batch_arg(env, info, 3, argv);
    if (!b || nfstw_get_u64(env, argv[1], "start", b->n, &start) < 0 ||
        nfstw_get_u64(env, argv[2], "end", b->n, &end) < 0)
        return NULL;
    if (start > end)
        start = end;
    if (!b->wave->inst) { /* the signals outlive close(), not env teardown */
        nfstw_throw_plain(env, "ERR_FSTWAVE_CLOSED", "the file is closed (its environment was torn down)");
        return NULL;
    }
    for (size_t i = (size_t)start; i < (size_t)end; i++)
        if (!b->sigs[i]) {
            nfstw_throw_range(env, "signal %zu of the batch was already taken", i);
            return NULL;
        }
    return nfstw_sig_wrap_all(env, b->wave, b->sigs + start, (size_t)(end - start)); /* NULLs the slots */
}

/* The slot of signal k (k_arg) of the batch, not taken nor freed; NULL with
 * an exception pending otherwise. */
static fstw_signal **batch_slot(napi_env env, sig_batch *b, napi_value k_arg)
{
    uint64_t k;
    if (nfstw_get_u64(env, k_arg, "k", b->n ? b->n - 1 : 0, &k) < 0)
        return NULL;
    if (k >= b->n || !b->sigs[k]) {
        nfstw_throw_range(env, "signal %zu of the batch was already taken or freed", (size_t)k);
        return NULL;
    }
    return &b->sigs[k];
}

static fstw_signal *batch_sig(napi_env env, sig_batch *b, napi_value k_arg)
{
    fstw_signal **slot = batch_slot(env, b, k_arg);
    return slot ? *slot : NULL;
}

/* batchChanges(batch, k, start, end) -> [t, v, ...]: sigChanges of signal k
 * of the batch, without a handle (the tool's dump, lib/dump-format.js). */
static napi_value fn_batch_changes(napi_env env, napi_callback_info info)
{
    napi_value argv[4];
    uint64_t start, end;
    sig_batch *b = batch_arg(env, info, 4, argv);
    fstw_signal *s = b ? batch_sig(env, b, argv[1]) : NULL;
    if (!s || nfstw_get_u64(env, argv[2], "start", UINT64_MAX, &start) < 0 ||
        nfstw_get_u64(env, argv[3], "end", UINT64_MAX, &end) < 0)
        return NULL;
    return nfstw_sig_changes(env, s, start, end);
}

/* batchSigLength(batch, k) -> the number of changes of signal k. */
static napi_value fn_batch_sig_length(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    sig_batch *b = batch_arg(env, info, 2, argv);
    fstw_signal *s = b ? batch_sig(env, b, argv[1]) : NULL;
    return s ? nfstw_i64(env, (int64_t)fstw_signal_len(s)) : NULL;
}

/* batchFree(batch, k): frees signal k of the batch now (a handle-less
 * sigDispose: no finalizer left to run, which a long synchronous run would
 * only reach at its end). */
static napi_value fn_batch_free(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    sig_batch *b = batch_arg(env, info, 2, argv);
    fstw_signal **slot = b ? batch_slot(env, b, argv[1]) : NULL;
    if (!slot)
        return NULL;
    fstw_signal_free(*slot);
    *slot = NULL;
    return nfstw_undefined(env);
}

static napi_value fn_batch_length(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    sig_batch *b = batch_arg(env, info, 1, argv);
    if (!b)
        return NULL;
    return nfstw_i64(env, (int64_t)b->n);
}

/* ============================================================ loads */

typedef struct load_work {
    nfstw_work base;
    uint32_t *refs;
    size_t n;
    fstw_signal **out; /* n slots; a slot is NULL once its signal was handed on */
    int mt;
    int batch; /* hand the signals on as a batch (always when async) */
} load_work;

static void load_execute(nfstw_work *work)
{
    load_work *lw = (load_work *)work;
    if (!lw->n && !work->prog) {
        work->rc = FSTW_OK; /* nothing to do (with progress: the core reports (0, 0)) */
        return;
    }
    work->rc = fstw_load_signals_ex(work->wave->file, lw->refs, lw->n, lw->out, lw->mt, nfstw_prog_core(work->prog),
                                    &work->err);
}

/* The signal handles, or a batch of the signals (async, loadSignalsBatch). */
static napi_value load_result(napi_env env, nfstw_work *work)
{
    load_work *lw = (load_work *)work;
    if (!lw->batch)
        return nfstw_sig_wrap_all(env, work->wave, lw->out, lw->n);
    napi_value batch = batch_new(env, work->wave, lw->out, lw->n);
    if (batch)
        lw->out = NULL; /* owned by the batch */
    return batch;
}

static void load_dispose(napi_env env, nfstw_work *work)
{
    (void)env;
    load_work *lw = (load_work *)work;
    /* signals loaded but never handed on (the env went away, a handle or
     * the batch could not be made); after a failed load the core left none */
    if (lw->out && work->rc == FSTW_OK)
        for (size_t i = 0; i < lw->n; i++)
            fstw_signal_free(lw->out[i]);
    free(lw->out);
    free(lw->refs);
}

static const nfstw_work_ops LOAD_OPS = {
    "fstwave.loadSignals", "fstwave: the signal load was cancelled", "fstwave: cannot create the load batch",
    load_execute, load_result, load_dispose,
};

/* loadSignals / loadSignalsAsync (async 1) / loadSignalsBatch (batch 1): the
 * arguments are checked here, at once. */
static napi_value load_run_as(napi_env env, napi_callback_info info, int async, int batch)
{
    napi_value argv[5];
    load_work lw = {.base = {.ops = &LOAD_OPS}, .batch = batch};
    lw.base.wave = nfstw_wave_args(env, info, 5, argv);
    if (!lw.base.wave || nfstw_get_bool(env, argv[2], "multiThreaded", &lw.mt) < 0 ||
        nfstw_refs_arg(env, lw.base.wave, argv[1], &lw.refs, &lw.n) < 0)
        return NULL;
    lw.out = calloc(lw.n ? lw.n : 1, sizeof *lw.out);
    if (!lw.out || nfstw_prog_new(env, argv[3], argv[4], async, &lw.base.prog) < 0) {
        free(lw.out);
        free(lw.refs);
        if (!lw.out)
            nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    return nfstw_work_run(env, &lw.base, sizeof lw, async);
}

static napi_value load_run(napi_env env, napi_callback_info info, int async)
{
    return load_run_as(env, info, async, async);
}

NFSTW_WORK_NATIVES(fn_load_signals, load_run)

/* loadSignalsBatch(wave, refs, multiThreaded, undefined, undefined) -> batch:
 * loadSignals that hands the signals on as a batch (batchTake), for a caller
 * that takes and frees them one at a time (the tool's dump: no signal handle
 * then outlives its own signal, so the garbage collector promotes none). */
static napi_value fn_load_signals_batch(napi_env env, napi_callback_info info)
{
    return load_run_as(env, info, 0, 1);
}

napi_status nfstw_load_init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        NFSTW_FN("loadSignals", fn_load_signals),
        NFSTW_FN("loadSignalsAsync", fn_load_signals_async),
        NFSTW_FN("loadSignalsBatch", fn_load_signals_batch),
        NFSTW_FN("batchTake", fn_batch_take),
        NFSTW_FN("batchLength", fn_batch_length),
        NFSTW_FN("batchChanges", fn_batch_changes),
        NFSTW_FN("batchSigLength", fn_batch_sig_length),
        NFSTW_FN("batchFree", fn_batch_free),
    };
    return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
