/*
 * nfstw_signal.c - signal handles and value conversion.
 *
 * A signal handle owns one fstw_signal and holds a reference on its wave
 * (for the wave's list of live signals and env teardown; the signal itself
 * outlives close(): the core keeps the time table it needs).  Values are converted only when JS asks for them; a
 * load's completion creates one small handle object per signal and does no
 * per-change work on the main thread.
 *
 * Values (the contract, section 3): 2-state bit vectors -> BigInt (from the
 * core's big-endian packed bytes), other bit vectors -> string of
 * 0 1 x z h u w l -, reals -> number, strings -> string decoded as Latin-1,
 * events -> "".  Times -> BigInt.  null before the first change.
 *
 * Exports (s a signal handle; the handles are made by nfstw_load.c through
 * nfstw_sig_wrap_all):
 *   sigLength(s) -> number of changes
 *   sigInfo(s) -> { signalRef, encoding, bitwidth, length }
 *   sigChanges(s, start, end) -> [t0, v0, t1, v1, ...] for changes start..end-1
 *   sigLowerBound(s, t) -> index of the first change with time >= t
 *   sigValueAtIdx(s, idx), sigValueAtTime(s, t) -> value | null
 *   sigQuery(s, t) -> value | null; change, next change, their times in the query buffer
 *   sigDispose(s) -> frees the signal now (the handle becomes unusable)
 *   sigsValueAtTime([s, ...], t) -> [value | null, ...]: each as
 *     sigValueAtTime(s, t) (fstw_signals_at_time, one time-table lookup)
 */
#include "nfstw.h"

#include <stdlib.h>
#include <string.h>

static const napi_type_tag SIG_TAG = {0x6673747761766532ULL, 0x7369676e616c6861ULL};

/* ============================================================ handles */

/* What the core holds for s (fstw_signal_bytes) plus the handle struct,
 * reported to V8 so that dropping Signals lets the GC see memory to free. */
static int64_t sig_mem_estimate(const fstw_signal *s)
{
    return (int64_t)(fstw_signal_bytes(s) + sizeof(nfstw_sig));
}

static void sig_finalize(napi_env env, void *data, void *hint)
{
    (void)hint;
    nfstw_sig *s = (nfstw_sig *)data;
    if (s->forget)
        s->forget(env, s); /* registered in a Waveform's signal cache (nfstw_cache.c) */
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
    nfstw_wave_add_sig(w, s, sig);
    napi_value obj = nfstw_new_tagged(env, &SIG_TAG, s, sig_finalize);
    if (!obj) {
        nfstw_sig_release(env, s);
        free(s);
        return NULL;
    }
    s->ext_mem = sig_mem_estimate(sig);
    *mem += s->ext_mem;
    return obj;
}

/* The nfstw_sig of a signal handle: TypeError for anything else; with
 * require_live also Error ERR_FSTWAVE_CLOSED once disposed or freed by env
 * teardown (a signal outlives close(): the core keeps its time table). */
static nfstw_sig *sig_unwrap(napi_env env, napi_value obj, int require_live)
{
    nfstw_sig *s = nfstw_unwrap_tagged(env, obj, &SIG_TAG);
    if (!s) {
        nfstw_throw_type(env, "expected a fstwave signal handle");
        return NULL;
    }
    if (require_live && !s->sig) {
        nfstw_throw_plain(env, "ERR_FSTWAVE_CLOSED", "the signal was disposed or its environment torn down");
        return NULL;
    }
    return s;
}

nfstw_sig *nfstw_sig_get(napi_env env, napi_value obj)
{
    return sig_unwrap(env, obj, 1);
}

napi_value nfstw_sig_wrap_all(napi_env env, nfstw_wave *w, fstw_signal **out, size_t n)
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
    uint64_t stackw[32] = {0}; /* filled below; the initializer quiets a false gcc warning */
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

napi_value nfstw_value_js(napi_env env, const fstw_value *v)
{
    switch (v->kind) {
    case FSTW_VAL_BITS2:
        return bits2_js(env, v->data, v->len);
    case FSTW_VAL_LOGIC:
    case FSTW_VAL_STRING:
        return nfstw_str_latin1(env, (const char *)v->data, v->len);
    case FSTW_VAL_REAL:
        return real_js(env, v->real);
    case FSTW_VAL_EVENT:
        return nfstw_str_latin1(env, "", 0);
    default:
        nfstw_throw_range(env, "unknown value kind %d", v->kind);
        return NULL;
    }
}

/* Value of change i; scratch holds fstw_signal_scratch_size(s) bytes. */
static napi_value value_js(napi_env env, const fstw_signal *s, size_t i, uint8_t *scratch, size_t scratch_len)
{
    fstw_value v;
    if (fstw_signal_value(s, i, &v, scratch, scratch_len) != FSTW_OK) {
        nfstw_throw_range(env, "cannot read change %zu of signal %u", i, (unsigned)fstw_signal_ref(s));
        return NULL;
    }
    return nfstw_value_js(env, &v);
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
    return sig_unwrap(env, argv[0], 1);
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

napi_value nfstw_sig_changes(napi_env env, const fstw_signal *sig, uint64_t start, uint64_t end)
{
    size_t n = fstw_signal_len(sig);
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
    if (napi_create_array_with_length(env, (size_t)(end - start) * 2, &arr) != napi_ok || scratch_init(env, &sc, sig) < 0)
        return NULL;
    uint32_t k = 0;
    for (size_t i = (size_t)start; i < (size_t)end; i++) {
        napi_value t = nfstw_big_u64(env, fstw_signal_time(sig, i));
        napi_value v = value_js(env, sig, i, sc.p, sc.len);
        if (!t || !v || napi_set_element(env, arr, k++, t) != napi_ok || napi_set_element(env, arr, k++, v) != napi_ok) {
            scratch_free(&sc);
            return NULL;
        }
    }
    scratch_free(&sc);
    return arr;
}

static napi_value fn_sig_changes(napi_env env, napi_callback_info info)
{
    napi_value argv[3];
    uint64_t start, end;
    nfstw_sig *s = sig_arg(env, info, 3, argv);
    if (!s || nfstw_get_u64(env, argv[1], "start", UINT64_MAX, &start) < 0 ||
        nfstw_get_u64(env, argv[2], "end", UINT64_MAX, &end) < 0)
        return NULL;
    return nfstw_sig_changes(env, s->sig, start, end);
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

static napi_value fn_sigs_value_at_time(napi_env env, napi_callback_info info)
{
    napi_value argv[2], arr;
    uint64_t t;
    bool is_arr = false;
    uint32_t n = 0;
    if (nfstw_args(env, info, 2, argv) < 0 || nfstw_get_u64(env, argv[1], "time", UINT64_MAX, &t) < 0)
        return NULL;
    if (napi_is_array(env, argv[0], &is_arr) != napi_ok || !is_arr) {
        nfstw_throw_type(env, "expected an array of signal handles");
        return NULL;
    }
    napi_get_array_length(env, argv[0], &n);
    const fstw_signal **sigs = malloc((n ? n : 1) * sizeof *sigs);
    int64_t *at = malloc((n ? n : 1) * sizeof *at);
    napi_value out = NULL;
    if (!sigs || !at) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < n; i++) {
        napi_value e;
        nfstw_sig *s;
        if (napi_get_element(env, argv[0], i, &e) != napi_ok || !(s = sig_unwrap(env, e, 1)))
            goto done;
        sigs[i] = s->sig;
    }
    fstw_signals_at_time(sigs, n, t, at);
    if (napi_create_array_with_length(env, n, &arr) != napi_ok)
        goto done;
    for (uint32_t i = 0; i < n; i++) {
        napi_value v = value_or_null(env, sigs[i], at[i]);
        if (!v || napi_set_element(env, arr, i, v) != napi_ok)
            goto done;
    }
    out = arr;
done:
    free(sigs);
    free(at);
    return out;
}

static napi_value fn_sig_dispose(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    if (nfstw_args(env, info, 1, argv) < 0)
        return NULL;
    nfstw_sig *s = sig_unwrap(env, argv[0], 0);
    if (!s)
        return NULL;
    nfstw_sig_release(env, s); /* idempotent; the finalizer frees the struct */
    return nfstw_undefined(env);
}

napi_status nfstw_signal_init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        NFSTW_FN("sigInfo", fn_sig_info),
        NFSTW_FN("sigLength", fn_sig_length),
        NFSTW_FN("sigChanges", fn_sig_changes),
        NFSTW_FN("sigLowerBound", fn_sig_lower_bound),
        NFSTW_FN("sigValueAtIdx", fn_sig_value_at_idx),
        NFSTW_FN("sigValueAtTime", fn_sig_value_at_time),
        NFSTW_FN("sigQuery", fn_sig_query),
        NFSTW_FN("sigDispose", fn_sig_dispose),
        NFSTW_FN("sigsValueAtTime", fn_sigs_value_at_time),
    };
    return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
