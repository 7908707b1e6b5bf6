/*
 * nfstw_signal.c - signal handles, value conversion and the synchronous and
 * asynchronous signal loads.
 *
 * A signal handle owns one fstw_signal and holds a reference on its wave
 * (the signal's change times point into the file's time table, so the file
 * must outlive it).  Values are converted only when JS asks for them; a
 * load's completion creates one small handle object per signal and does no
 * per-change work on the main thread.
 *
 * Values (the contract, section 3): 2-state bit vectors -> BigInt (from the
 * core's big-endian packed bytes), other bit vectors -> string of
 * 0 1 x z h u w l -, reals -> number, strings -> string decoded as Latin-1,
 * events -> "".  Times -> BigInt.  null before the first change.
 *
 * Exports (h a file handle, s a signal handle):
 *   loadSignals(h, refs, multiThreaded) -> [s, ...]
 *   loadSignalsAsync(h, refs, multiThreaded) -> Promise<batch>
 *   batchTake(batch, start, end) -> [s, ...]; batchLength(batch) -> number
 *   sigLength(s) -> number of changes
 *   sigInfo(s) -> { signalRef, encoding, bitwidth, length }
 *   sigChanges(s, start, end) -> [t0, v0, t1, v1, ...] for changes start..end-1
 *   sigLowerBound(s, t) -> index of the first change with time >= t
 *   sigValueAtIdx(s, idx), sigValueAtTime(s, t) -> value | null
 *   sigQuery(s, t) -> value | null; change, next change, their times in the query buffer
 *   sigDispose(s) -> frees the signal now (the handle becomes unusable)
 */
#include "nfstw.h"

#include <stdlib.h>
#include <string.h>

static const napi_type_tag SIG_TAG = {0x6673747761766532ULL, 0x7369676e616c6861ULL};

/* ============================================================ handles */

/* Roughly what the core holds for s (a time index and a value per change),
 * reported to V8 so that dropping Signals lets the GC see memory to free. */
static int64_t sig_mem_estimate(const fstw_signal *s)
{
    size_t per = 4;
    switch (fstw_signal_encoding(s)) {
    case FSTW_ENC_BITS: /* packed while 2-state, one byte per bit otherwise */
        per += fstw_signal_scratch_size(s) ? fstw_signal_bitwidth(s) : (fstw_signal_bitwidth(s) + 7) / 8;
        break;
    case FSTW_ENC_REAL:
        per += 8;
        break;
    case FSTW_ENC_STRING:
        per += 24;
        break;
    default:
        break;
    }
    return 128 + (int64_t)(fstw_signal_len(s) * per);
}

void nfstw_sig_release(napi_env env, nfstw_sig *s)
{
    nfstw_wave *w = s->wave;
    if (s->sig) {
        fstw_signal_free(s->sig);
        s->sig = NULL;
        if (w) {
            if (s->prev)
                s->prev->next = s->next;
            else
                w->sigs = s->next;
            if (s->next)
                s->next->prev = s->prev;
            if (w->inst) {
                int64_t mem = s->ext_mem;
                w->inst->live_signals--;
                if (env)
                    nfstw_adjust_mem(env, &s->ext_mem, 0);
                nfstw_note_freed(w->inst, mem);
            }
        }
        s->prev = s->next = NULL;
    }
    if (w) {
        s->wave = NULL;
        nfstw_wave_unref(env, w);
    }
}

static void sig_finalize(napi_env env, void *data, void *hint)
{
    (void)hint;
    nfstw_sig *s = (nfstw_sig *)data;
    nfstw_sig_release(env, s);
    free(s);
}

/* Wraps sig (owned from here on) in a new handle object; *mem gets the
 * bytes to report to V8 (the caller adjusts once for a whole batch). */
static napi_value sig_wrap(napi_env env, nfstw_wave *w, fstw_signal *sig, int64_t *mem)
{
    nfstw_sig *s = calloc(1, sizeof *s);
    if (!s) {
        fstw_signal_free(sig);
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    s->sig = sig;
    s->wave = w;
    nfstw_wave_ref(w);
    s->next = w->sigs;
    if (w->sigs)
        w->sigs->prev = s;
    w->sigs = s;
    if (w->inst)
        w->inst->live_signals++;
    napi_value obj;
    if (napi_create_object(env, &obj) != napi_ok || napi_type_tag_object(env, obj, &SIG_TAG) != napi_ok ||
        napi_wrap(env, obj, s, sig_finalize, NULL, NULL) != napi_ok) {
        nfstw_sig_release(env, s);
        free(s);
        return NULL;
    }
    s->ext_mem = sig_mem_estimate(sig);
    *mem += s->ext_mem;
    return obj;
}

static nfstw_sig *sig_unwrap(napi_env env, napi_value obj)
{
    napi_valuetype t;
    bool ok = false;
    void *data = NULL;
    if (napi_typeof(env, obj, &t) != napi_ok || t != napi_object ||
        napi_check_object_type_tag(env, obj, &SIG_TAG, &ok) != napi_ok || !ok ||
        napi_unwrap(env, obj, &data) != napi_ok || !data) {
        nfstw_throw_type(env, "expected a fstwave signal handle");
        return NULL;
    }
    nfstw_sig *s = (nfstw_sig *)data;
    if (!s->sig || !s->wave || !s->wave->file) {
        nfstw_throw_plain(env, "ERR_FSTWAVE_CLOSED", "the signal was disposed or its file closed");
        return NULL;
    }
    return s;
}

/* Wraps out[0..n) into a JS array; frees everything on failure. */
static napi_value wrap_all(napi_env env, nfstw_wave *w, fstw_signal **out, size_t n)
{
    napi_value arr;
    int64_t mem = 0, total;
    size_t i = 0;
    if (napi_create_array_with_length(env, n, &arr) != napi_ok)
        goto fail;
    for (; i < n; i++) {
        napi_value h = sig_wrap(env, w, out[i], &mem);
        out[i] = NULL;
        if (!h || napi_set_element(env, arr, (uint32_t)i, h) != napi_ok) {
            i++;
            goto fail;
        }
    }
    napi_adjust_external_memory(env, mem, &total);
    return arr;
fail:
    for (; i < n; i++) {
        fstw_signal_free(out[i]);
        out[i] = NULL;
    }
    if (mem)
        napi_adjust_external_memory(env, mem, &total);
    return NULL;
}

/* ============================================================ values */

static napi_value bits2_js(napi_env env, const uint8_t *d, size_t len)
{
    napi_value v = NULL;
    while (len > 0 && d[0] == 0) {
        d++;
        len--;
    }
    if (len <= 8) {
        uint64_t x = 0;
        for (size_t i = 0; i < len; i++)
            x = (x << 8) | d[i];
        napi_create_bigint_uint64(env, x, &v);
        return v;
    }
    size_t nw = (len + 7) / 8;
    uint64_t stackw[32];
    uint64_t *words = nw <= 32 ? stackw : malloc(nw * sizeof *words);
    if (!words) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    /* little-endian words from big-endian bytes */
    for (size_t k = 0; k < nw; k++) {
        uint64_t x = 0;
        for (size_t b = 0; b < 8; b++) {
            size_t off = 8 * k + b; /* byte `off` counted from the least significant end */
            if (off < len)
                x |= (uint64_t)d[len - 1 - off] << (8 * b);
        }
        words[k] = x;
    }
    napi_create_bigint_words(env, 0, nw, words, &v);
    if (words != stackw)
        free(words);
    return v;
}

/* A real as a JS number with exactly its bits.  napi_create_double goes
 * through V8's Number::New, which turns every NaN into the canonical quiet
 * NaN; the contract keeps NaN payloads (and the dump format prints them), so
 * a NaN other than the canonical one is read out of a one-element
 * Float64Array instead, which V8 returns bit for bit. */
static napi_value real_js(napi_env env, double d)
{
    uint64_t bits;
    napi_value r = NULL;
    memcpy(&bits, &d, sizeof bits);
    if (d == d || bits == 0x7ff8000000000000ULL) {
        napi_create_double(env, d, &r);
        return r;
    }
    void *data = NULL;
    napi_value ab, ta;
    if (napi_create_arraybuffer(env, sizeof d, &data, &ab) != napi_ok)
        return NULL;
    memcpy(data, &d, sizeof d);
    if (napi_create_typedarray(env, napi_float64_array, 1, ab, 0, &ta) != napi_ok ||
        napi_get_element(env, ta, 0, &r) != napi_ok)
        return NULL;
    return r;
}

/* Value of change i; scratch holds fstw_signal_scratch_size(s) bytes. */
static napi_value value_js(napi_env env, const fstw_signal *s, size_t i, uint8_t *scratch, size_t scratch_len)
{
    fstw_value v;
    if (fstw_signal_value(s, i, &v, scratch, scratch_len) != FSTW_OK) {
        nfstw_throw_range(env, "cannot read change %zu of signal %u", i, (unsigned)fstw_signal_ref(s));
        return NULL;
    }
    switch (v.kind) {
    case FSTW_VAL_BITS2:
        return bits2_js(env, v.data, v.len);
    case FSTW_VAL_LOGIC:
    case FSTW_VAL_STRING:
        return nfstw_str_latin1(env, (const char *)v.data, v.len);
    case FSTW_VAL_REAL:
        return real_js(env, v.real);
    case FSTW_VAL_EVENT:
        return nfstw_str_latin1(env, "", 0);
    default:
        nfstw_throw_range(env, "unknown value kind %d", v.kind);
        return NULL;
    }
}

/* A scratch buffer for value_js: the stack one when it is big enough. */
typedef struct {
    uint8_t stack[256];
    uint8_t *p;
    size_t len;
} scratch_t;

static int scratch_init(napi_env env, scratch_t *sc, const fstw_signal *s)
{
    size_t need = fstw_signal_scratch_size(s);
    if (need <= sizeof sc->stack) {
        sc->p = sc->stack;
        sc->len = sizeof sc->stack;
        return 0;
    }
    sc->p = malloc(need);
    sc->len = need;
    if (!sc->p) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return -1;
    }
    return 0;
}

static void scratch_free(scratch_t *sc)
{
    if (sc->p != sc->stack)
        free(sc->p);
}

static napi_value value_or_null(napi_env env, const fstw_signal *s, int64_t change)
{
    if (change < 0)
        return nfstw_null(env);
    scratch_t sc;
    if (scratch_init(env, &sc, s) < 0)
        return NULL;
    napi_value v = value_js(env, s, (size_t)change, sc.p, sc.len);
    scratch_free(&sc);
    return v;
}

/* ============================================================ accessors */

static nfstw_sig *sig_arg(napi_env env, napi_callback_info info, size_t want, napi_value *argv)
{
    if (nfstw_args(env, info, want, argv) < 0)
        return NULL;
    return sig_unwrap(env, argv[0]);
}

static napi_value fn_sig_info(napi_env env, napi_callback_info info)
{
    napi_value argv[1], o;
    nfstw_sig *s = sig_arg(env, info, 1, argv);
    if (!s || napi_create_object(env, &o) != napi_ok)
        return NULL;
    if (nfstw_set(env, o, "signalRef", nfstw_u32(env, fstw_signal_ref(s->sig))) ||
        nfstw_set(env, o, "encoding", nfstw_u32(env, (uint32_t)fstw_signal_encoding(s->sig))) ||
        nfstw_set(env, o, "bitwidth", nfstw_u32(env, fstw_signal_bitwidth(s->sig))) ||
        nfstw_set(env, o, "length", nfstw_i64(env, (int64_t)fstw_signal_len(s->sig))))
        return NULL;
    return o;
}

static napi_value fn_sig_length(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    nfstw_sig *s = sig_arg(env, info, 1, argv);
    if (!s)
        return NULL;
    return nfstw_i64(env, (int64_t)fstw_signal_len(s->sig));
}

static napi_value fn_sig_changes(napi_env env, napi_callback_info info)
{
    napi_value argv[3];
    uint64_t start, end;
    nfstw_sig *s = sig_arg(env, info, 3, argv);
    if (!s || nfstw_get_u64(env, argv[1], "start", UINT64_MAX, &start) < 0 ||
        nfstw_get_u64(env, argv[2], "end", UINT64_MAX, &end) < 0)
        return NULL;
    size_t n = fstw_signal_len(s->sig);
    if (end > n)
        end = n;
    if (start > end)
        start = end;
    if (end - start > (1u << 20)) {
        nfstw_throw_range(env, "at most 2^20 changes per call");
        return NULL;
    }
    napi_value arr;
    scratch_t sc;
    if (napi_create_array_with_length(env, (size_t)(end - start) * 2, &arr) != napi_ok || scratch_init(env, &sc, s->sig) < 0)
        return NULL;
    uint32_t k = 0;
    for (size_t i = (size_t)start; i < (size_t)end; i++) {
        napi_value t = nfstw_big_u64(env, fstw_signal_time(s->sig, i));
        napi_value v = value_js(env, s->sig, i, sc.p, sc.len);
        if (!t || !v || napi_set_element(env, arr, k++, t) != napi_ok || napi_set_element(env, arr, k++, v) != napi_ok) {
            scratch_free(&sc);
            return NULL;
        }
    }
    scratch_free(&sc);
    return arr;
}

static napi_value fn_sig_lower_bound(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    uint64_t t;
    nfstw_sig *s = sig_arg(env, info, 2, argv);
    if (!s || nfstw_get_u64(env, argv[1], "time", UINT64_MAX, &t) < 0)
        return NULL;
    return nfstw_i64(env, (int64_t)fstw_signal_lower_bound(s->sig, t));
}

static napi_value fn_sig_value_at_idx(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    uint64_t idx;
    nfstw_sig *s = sig_arg(env, info, 2, argv);
    if (!s || nfstw_get_u64(env, argv[1], "idx", UINT32_MAX, &idx) < 0)
        return NULL;
    return value_or_null(env, s->sig, fstw_signal_find(s->sig, idx));
}

static napi_value fn_sig_value_at_time(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    uint64_t t;
    nfstw_sig *s = sig_arg(env, info, 2, argv);
    if (!s || nfstw_get_u64(env, argv[1], "time", UINT64_MAX, &t) < 0)
        return NULL;
    return value_or_null(env, s->sig, fstw_signal_at_time(s->sig, t));
}

static napi_value fn_sig_query(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    uint64_t t;
    nfstw_sig *s = sig_arg(env, info, 2, argv);
    if (!s || nfstw_get_u64(env, argv[1], "time", UINT64_MAX, &t) < 0)
        return NULL;
    nfstw_inst *inst = nfstw_inst_get(env);
    if (!inst || !inst->qbuf) {
        napi_throw_error(env, NULL, "fstwave: sigQuery() before setQueryBuffer()");
        return NULL;
    }
    fstw_query q;
    fstw_signal_query(s->sig, t, &q);
    /* the indices and times go to the shared buffer and the JS layer makes the
     * result object (one call, no property sets here) */
    double idx[2] = { (double)q.change, (double)q.next_change };
    uint64_t times[2] = {
        q.change >= 0 ? fstw_signal_time(s->sig, (size_t)q.change) : 0,
        q.next_change >= 0 ? fstw_signal_time(s->sig, (size_t)q.next_change) : 0,
    };
    memcpy(inst->qbuf, idx, sizeof idx);
    memcpy(inst->qbuf + 16, times, sizeof times);
    return q.change >= 0 ? value_or_null(env, s->sig, q.change) : nfstw_null(env);
}

static napi_value fn_sig_dispose(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    void *data = NULL;
    bool ok = false;
    if (nfstw_args(env, info, 1, argv) < 0)
        return NULL;
    if (napi_check_object_type_tag(env, argv[0], &SIG_TAG, &ok) != napi_ok || !ok ||
        napi_unwrap(env, argv[0], &data) != napi_ok || !data) {
        nfstw_throw_type(env, "expected a fstwave signal handle");
        return NULL;
    }
    nfstw_sig_release(env, (nfstw_sig *)data); /* idempotent; the finalizer frees the struct */
    return nfstw_undefined(env);
}

/* ============================================================ loads */

/* refs: a Uint32Array or an array of numbers, each < the signal count. */
static int refs_arg(napi_env env, nfstw_wave *w, napi_value v, uint32_t **refs, size_t *n)
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

static nfstw_wave *load_args(napi_env env, napi_callback_info info, uint32_t **refs, size_t *n, int *mt)
{
    napi_value argv[3];
    nfstw_wave *w = nfstw_wave_args(env, info, 3, argv);
    if (!w || nfstw_get_bool(env, argv[2], "multiThreaded", mt) < 0 || refs_arg(env, w, argv[1], refs, n) < 0)
        return NULL;
    return w;
}

static napi_value fn_load_signals(napi_env env, napi_callback_info info)
{
    uint32_t *refs = NULL;
    size_t n = 0;
    int mt = 0;
    nfstw_wave *w = load_args(env, info, &refs, &n, &mt);
    if (!w)
        return NULL;
    fstw_signal **out = calloc(n ? n : 1, sizeof *out);
    if (!out) {
        free(refs);
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    fstw_error err;
    memset(&err, 0, sizeof err);
    int rc = n ? fstw_load_signals(w->file, refs, n, out, mt, &err) : FSTW_OK;
    free(refs);
    napi_value res = NULL;
    if (rc != FSTW_OK)
        nfstw_throw(env, &err, w->path);
    else
        res = wrap_all(env, w, out, n);
    free(out);
    return res;
}

typedef struct sig_work {
    napi_async_work work;
    napi_deferred deferred;
    nfstw_wave *wave; /* a held reference */
    uint32_t *refs;
    size_t n;
    fstw_signal **out;
    int mt;
    int rc;
    fstw_error err;
} sig_work;

static void load_execute(napi_env env, void *data)
{
    (void)env;
    sig_work *sw = (sig_work *)data;
    sw->rc = sw->n ? fstw_load_signals(sw->wave->file, sw->refs, sw->n, sw->out, sw->mt, &sw->err) : FSTW_OK;
}

static napi_value pending_or(napi_env env, const char *msg)
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

/* A finished async load: the loaded fstw_signals, handed to JS in slices
 * (batchTake) so that completing a load of very many signals never runs
 * one long stretch of main-thread work.  Holds a reference on the wave;
 * signals never taken are freed by its finalizer. */
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

/* Takes ownership of sigs[0..n) (freed on failure). */
static napi_value batch_new(napi_env env, nfstw_wave *w, fstw_signal **sigs, size_t n)
{
    sig_batch *b = calloc(1, sizeof *b);
    napi_value obj;
    if (!b) {
        for (size_t i = 0; i < n; i++)
            fstw_signal_free(sigs[i]);
        free(sigs);
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    b->sigs = sigs;
    b->n = n;
    b->wave = w;
    nfstw_wave_ref(w);
    if (napi_create_object(env, &obj) != napi_ok || napi_type_tag_object(env, obj, &BATCH_TAG) != napi_ok ||
        napi_wrap(env, obj, b, batch_finalize, NULL, NULL) != napi_ok) {
        batch_finalize(env, b, NULL);
        return NULL;
    }
    return obj;
}

/* batchTake(batch, start, end) -> [s, ...] for the signals start..end-1 (each once). */
static napi_value fn_batch_take(napi_env env, napi_callback_info info)
{
    napi_value argv[3];
    bool ok = false;
    void *data = NULL;
    uint64_t start, end;
    if (nfstw_args(env, info, 3, argv) < 0)
        return NULL;
    napi_valuetype t;
    if (napi_typeof(env, argv[0], &t) != napi_ok || t != napi_object ||
        napi_check_object_type_tag(env, argv[0], &BATCH_TAG, &ok) != napi_ok || !ok ||
        napi_unwrap(env, argv[0], &data) != napi_ok || !data) {
        nfstw_throw_type(env, "expected a fstwave load batch");
        return NULL;
    }
    sig_batch *b = (sig_batch *)data;
    if (nfstw_get_u64(env, argv[1], "start", b->n, &start) < 0 || nfstw_get_u64(env, argv[2], "end", b->n, &end) < 0)
        return NULL;
    if (start > end)
        start = end;
    if (!b->wave->inst || !b->wave->file) {
        nfstw_throw_plain(env, "ERR_FSTWAVE_CLOSED", "the file is closed (its environment was torn down)");
        return NULL;
    }
    for (size_t i = (size_t)start; i < (size_t)end; i++)
        if (!b->sigs[i]) {
            nfstw_throw_range(env, "signal %zu of the batch was already taken", i);
            return NULL;
        }
    napi_value arr = wrap_all(env, b->wave, b->sigs + start, (size_t)(end - start)); /* NULLs the slots */
    return arr;
}

static napi_value fn_batch_length(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    bool ok = false;
    void *data = NULL;
    if (nfstw_args(env, info, 1, argv) < 0)
        return NULL;
    if (napi_check_object_type_tag(env, argv[0], &BATCH_TAG, &ok) != napi_ok || !ok ||
        napi_unwrap(env, argv[0], &data) != napi_ok || !data) {
        nfstw_throw_type(env, "expected a fstwave load batch");
        return NULL;
    }
    return nfstw_i64(env, (int64_t)((sig_batch *)data)->n);
}

static void load_complete(napi_env env, napi_status status, void *data)
{
    sig_work *sw = (sig_work *)data;
    nfstw_wave *w = sw->wave;
    napi_value v = NULL;
    int ok = 0;
    w->busy--;
    if (status != napi_ok || !w->inst) {
        /* cancelled, or the env was torn down meanwhile */
        if (status == napi_ok && sw->rc == FSTW_OK)
            for (size_t i = 0; i < sw->n; i++)
                fstw_signal_free(sw->out[i]);
        v = pending_or(env, "fstwave: the signal load was cancelled");
    } else if (sw->rc != FSTW_OK) {
        v = nfstw_make_error(env, &sw->err, w->path);
    } else {
        v = batch_new(env, w, sw->out, sw->n);
        sw->out = NULL; /* owned by the batch (or freed) */
        ok = v != NULL;
        if (!ok)
            v = pending_or(env, "fstwave: cannot create the load batch");
    }
    if (!v)
        v = nfstw_undefined(env);
    if (ok)
        napi_resolve_deferred(env, sw->deferred, v);
    else
        napi_reject_deferred(env, sw->deferred, v);
    napi_delete_async_work(env, sw->work);
    free(sw->refs);
    free(sw->out);
    free(sw);
    if (!w->inst && w->busy == 0)
        nfstw_wave_close_file(w);
    nfstw_wave_unref(env, w);
}

static napi_value fn_load_signals_async(napi_env env, napi_callback_info info)
{
    sig_work *sw = calloc(1, sizeof *sw);
    if (!sw) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    nfstw_wave *w = load_args(env, info, &sw->refs, &sw->n, &sw->mt);
    if (!w) {
        free(sw);
        return NULL;
    }
    sw->out = calloc(sw->n ? sw->n : 1, sizeof *sw->out);
    napi_value promise = NULL, name;
    if (!sw->out) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        goto fail;
    }
    if (napi_create_promise(env, &sw->deferred, &promise) != napi_ok)
        goto fail;
    if (napi_create_string_utf8(env, "fstwave.loadSignals", NAPI_AUTO_LENGTH, &name) != napi_ok ||
        napi_create_async_work(env, NULL, name, load_execute, load_complete, sw, &sw->work) != napi_ok) {
        napi_reject_deferred(env, sw->deferred, pending_or(env, "fstwave: cannot create async work"));
        goto fail_keep_promise;
    }
    sw->wave = w;
    nfstw_wave_ref(w);
    w->busy++;
    if (napi_queue_async_work(env, sw->work) != napi_ok) {
        w->busy--;
        nfstw_wave_unref(env, w);
        napi_delete_async_work(env, sw->work);
        napi_reject_deferred(env, sw->deferred, pending_or(env, "fstwave: cannot queue async work"));
        goto fail_keep_promise;
    }
    return promise;
fail:
    promise = NULL;
fail_keep_promise:
    free(sw->refs);
    free(sw->out);
    free(sw);
    return promise;
}

napi_status nfstw_signal_init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        NFSTW_FN("loadSignals", fn_load_signals),
        NFSTW_FN("loadSignalsAsync", fn_load_signals_async),
        NFSTW_FN("batchTake", fn_batch_take),
        NFSTW_FN("batchLength", fn_batch_length),
        NFSTW_FN("sigInfo", fn_sig_info),
        NFSTW_FN("sigLength", fn_sig_length),
        NFSTW_FN("sigChanges", fn_sig_changes),
        NFSTW_FN("sigLowerBound", fn_sig_lower_bound),
        NFSTW_FN("sigValueAtIdx", fn_sig_value_at_idx),
        NFSTW_FN("sigValueAtTime", fn_sig_value_at_time),
        NFSTW_FN("sigQuery", fn_sig_query),
        NFSTW_FN("sigDispose", fn_sig_dispose),
    };
    return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
