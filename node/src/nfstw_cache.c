/*
 * nfstw_cache.c - a Waveform's signal cache, the contract's revised D10
 * (D10 in docs/api.md; the rules of the core's half are in fstwave.h, "signal
 * cache"):
 *
 *   - while the program holds a Signal, getSignal gives that same object:
 *     the cache keeps a weak napi_ref to every Signal it handed out, by
 *     signal ref;
 *   - when no live Signal exists, the core's cache (fstw_cache_get) may
 *     still hold the signal: a new handle wraps it, no file read;
 *   - else the JS layer loads it (nfstw_load.c) and registers the new
 *     Signals here, which offers them to the core's cache (fstw_cache_put).
 *
 * The JS layer (node/lib/waveform.js) makes the Signal objects; this file
 * only finds, registers and forgets them.
 *
 * Prompt freeing: Node-API runs the finalizers of collected objects later,
 * from the event loop, so a program that loads and drops signals in one
 * long synchronous stretch (a tool's dump, a benchmark loop) would keep
 * every dropped signal's memory until that stretch ends.  A weak reference,
 * however, is cleared by the garbage collection itself.  So every
 * registered handle stays tracked, per env and not per Waveform (also once
 * unloadSignals, close or the Waveform's collection made it unfindable), and
 * when enough was registered since the last time (a
 * growth rule, so the work is amortised) a sweep frees the core signal of
 * every handle whose Signal object was collected (nfstw_sig_release, which
 * also takes its bytes back from V8's external memory), and the kept signals
 * of every cache whose Waveform was collected.  Only the Signal
 * and its own iterators hold a handle (lib/signal.js), so a collected
 * Signal means an unreachable handle.  The handle struct itself is still
 * freed by its finalizer.
 *
 * Exports (c a cache handle, h a file handle, s a signal handle, S a Signal):
 *   cacheNew(h, budget) -> c          budget in bytes (fstw_cache_new); null:
 *                                     FSTW_CACHE_DEFAULT_BYTES
 *   cacheGet(c, ref) -> S | s | undefined
 *       the live Signal of ref, else a new handle on the core cache's
 *       signal (register it with cacheAdd), else undefined
 *   cacheFind(c, refs, liveOnly) -> [S | s | undefined, ...]  as cacheGet
 *       for each of refs (a Uint32Array without duplicates); liveOnly: live
 *       Signals only, the core cache is not asked
 *   cacheAdd(c, [S...], [s...], offer) registers each S (wrapping s) as its
 *       ref's live Signal; offer: also fstw_cache_put (a fresh load)
 *   cacheDrop(c, refs)    unloadSignals: fstw_cache_drop and forget (a held
 *                         Signal stays valid)
 *   cacheClear(c)         close(): fstw_cache_clear and forget every Signal
 *   cacheStats(c) -> { signals, bytes, budget }  (fstw_cache_stats_get)
 */
#include "nfstw.h"

#include <stdlib.h>
#include <string.h>

static const napi_type_tag CACHE_TAG = {0x6673747761766534ULL, 0x6361636865686e64ULL};

/* A sweep runs once this many bytes / handles were registered since the last
 * one, or a quarter of what was tracked after it, whichever is more (so its
 * cost stays proportional to the registrations). */
#define SWEEP_BYTES ((size_t)8 << 20)
#define SWEEP_HANDLES ((size_t)1024)

/* Every registered handle of the env (of every Waveform, also of Waveforms
 * since collected), for the sweeps: nfstw_inst.tracked. */
struct nfstw_tracked {
    nfstw_cache *caches; /* every cache not yet finalized (doubly linked) */
    nfstw_sig **sigs;
    size_t n, cap;
    size_t added_bytes, added_n; /* registered since the last sweep */
    size_t after_bytes, after_n; /* tracked after the last sweep */
};

struct nfstw_cache {
    fstw_cache *core;      /* the recent signals, up to the budget */
    nfstw_wave *wave;      /* a reference: core-cache hits are wrapped on it */
    nfstw_tracked *tracked; /* the instance's, NULL once it was let go */
    nfstw_cache *prev, *next; /* in tracked->caches */
    napi_ref self;          /* weak reference to the cache handle (its Waveform's) */
    int dropped;            /* the handle was collected: the core cache was freed */
    uint32_t n_refs;       /* the file's signal count */
    nfstw_sig **by_ref;    /* the findable live handle of each ref (lazy) */
};

/* ============================================================ entries */

/* s can no longer be found (it stays tracked). */
static void unfind(nfstw_sig *s)
{
    nfstw_cache *c = s->cache;
    if (c && c->by_ref[s->ref] == s)
        c->by_ref[s->ref] = NULL;
    s->cache = NULL;
}

/* Unregisters s: unfindable, untracked, its weak reference deleted (env NULL:
 * the env is going away and deletes it). */
static void untrack(napi_env env, nfstw_tracked *t, nfstw_sig *s)
{
    unfind(s);
    nfstw_sig *last = t->sigs[--t->n];
    t->sigs[s->slot] = last;
    last->slot = s->slot;
    if (s->weak && env)
        napi_delete_reference(env, s->weak);
    s->weak = NULL;
    s->forget = NULL;
}

/* The handle's finalizer (nfstw_signal.c) calls this through s->forget. */
static void forget_cb(napi_env env, nfstw_sig *s)
{
    nfstw_inst *inst = nfstw_inst_get(env);
    if (inst && inst->tracked)
        untrack(env, inst->tracked, s);
}

static void unlink_cache(nfstw_cache *c)
{
    nfstw_tracked *t = c->tracked;
    if (!t)
        return;
    if (c->prev)
        c->prev->next = c->next;
    else
        t->caches = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    c->tracked = NULL;
}

void nfstw_cache_inst_free(nfstw_inst *inst)
{
    nfstw_tracked *t = inst->tracked;
    if (!t)
        return;
    while (t->n > 0)
        untrack(NULL, t, t->sigs[t->n - 1]);
    while (t->caches)
        unlink_cache(t->caches);
    free(t->sigs);
    free(t);
    inst->tracked = NULL;
}

/* The object of a weak reference, or NULL when it was collected. */
static napi_value live_signal_ref(napi_env env, napi_ref ref)
{
    napi_value v = NULL;
    if (napi_get_reference_value(env, ref, &v) != napi_ok)
        return NULL;
    return v;
}

/* The live Signal object of s, or NULL when it was collected. */
static napi_value live_signal(napi_env env, const nfstw_sig *s)
{
    return live_signal_ref(env, s->weak);
}

/* Frees the kept signals of every cache whose handle (whose Waveform) was
 * collected: the cache struct is freed by its finalizer, later. */
static void sweep_caches(napi_env env, nfstw_tracked *t)
{
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok)
        return;
    for (nfstw_cache *c = t->caches; c; c = c->next) {
        if (c->dropped || live_signal_ref(env, c->self))
            continue;
        fstw_cache_stats st;
        fstw_cache_stats_get(c->core, &st);
        fstw_cache_clear(c->core);
        c->dropped = 1;
        nfstw_inst_note_freed(nfstw_inst_get(env), (int64_t)st.bytes);
    }
    napi_close_handle_scope(env, scope);
}

/* Frees the core signal of every tracked handle whose Signal was collected
 * and the kept signals of collected Waveforms (see the file comment). */
static void sweep(napi_env env, nfstw_tracked *t)
{
    size_t i = 0, bytes = 0;
    sweep_caches(env, t);
    while (i < t->n) {
        napi_handle_scope scope;
        if (napi_open_handle_scope(env, &scope) != napi_ok)
            return;
        size_t stop = i + 256 < t->n ? i + 256 : t->n;
        while (i < stop) {
            nfstw_sig *s = t->sigs[i];
            if (live_signal(env, s)) {
                bytes += s->sig ? fstw_signal_bytes(s->sig) : 0;
                i++;
                continue;
            }
            untrack(env, t, s); /* moves the last entry into slot i */
            nfstw_sig_release(env, s); /* the struct: freed by its finalizer */
            if (stop > t->n)
                stop = t->n;
        }
        napi_close_handle_scope(env, scope);
    }
    t->added_bytes = t->added_n = 0;
    t->after_bytes = bytes;
    t->after_n = t->n;
}

static void sweep_if_due(napi_env env, nfstw_tracked *t)
{
    size_t want_bytes = t->after_bytes / 4 > SWEEP_BYTES ? t->after_bytes / 4 : SWEEP_BYTES;
    size_t want_n = t->after_n / 4 > SWEEP_HANDLES ? t->after_n / 4 : SWEEP_HANDLES;
    if (t->added_bytes >= want_bytes || t->added_n >= want_n)
        sweep(env, t);
}

/* Registers s (wrapped by the JS Signal `signal`) as findable in c. */
static int track(napi_env env, nfstw_cache *c, nfstw_sig *s, napi_value signal)
{
    nfstw_tracked *t = c->tracked;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        nfstw_sig **a = realloc(t->sigs, cap * sizeof *a);
        if (!a) {
            nfstw_throw_plain(env, "ENOMEM", "out of memory");
            return -1;
        }
        t->sigs = a;
        t->cap = cap;
    }
    if (napi_create_reference(env, signal, 0, &s->weak) != napi_ok)
        return -1;
    s->forget = forget_cb;
    s->slot = t->n;
    s->ref = fstw_signal_ref(s->sig);
    t->sigs[t->n++] = s;
    t->added_bytes += fstw_signal_bytes(s->sig);
    t->added_n++;
    s->cache = c;
    c->by_ref[s->ref] = s; /* a collected predecessor stays tracked until swept */
    return 0;
}

/* ============================================================ handle */

static void cache_free(napi_env env, nfstw_cache *c)
{
    unlink_cache(c);
    if (c->self && env)
        napi_delete_reference(env, c->self);
    for (uint32_t r = 0; c->by_ref && r < c->n_refs; r++)
        if (c->by_ref[r])
            unfind(c->by_ref[r]); /* they stay tracked: the sweeps free them */
    fstw_cache_free(c->core);
    free(c->by_ref);
    if (c->wave)
        nfstw_wave_unref(env, c->wave);
    free(c);
}

static void cache_finalize(napi_env env, void *data, void *hint)
{
    (void)hint;
    cache_free(env, (nfstw_cache *)data);
}

static nfstw_cache *cache_arg(napi_env env, napi_callback_info info, size_t want, napi_value *argv)
{
    if (nfstw_args(env, info, want, argv) < 0)
        return NULL;
    nfstw_cache *c = nfstw_unwrap_tagged(env, argv[0], &CACHE_TAG);
    if (!c)
        nfstw_throw_type(env, "expected a fstwave signal cache");
    return c;
}

/* cacheNew(h, budget) -> c */
static napi_value fn_cache_new(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    uint64_t budget;
    napi_valuetype t;
    nfstw_wave *w = nfstw_wave_args(env, info, 2, argv);
    if (!w || napi_typeof(env, argv[1], &t) != napi_ok)
        return NULL;
    if (t == napi_null || t == napi_undefined)
        budget = FSTW_CACHE_DEFAULT_BYTES;
    else if (nfstw_get_u64(env, argv[1], "signalCacheBytes", SIZE_MAX, &budget) < 0)
        return NULL;
    nfstw_inst *inst = nfstw_inst_get(env);
    if (!inst)
        return NULL;
    if (!inst->tracked && !(inst->tracked = calloc(1, sizeof *inst->tracked))) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    nfstw_cache *c = calloc(1, sizeof *c);
    if (!c || !(c->core = fstw_cache_new((size_t)budget))) {
        free(c);
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    c->tracked = inst->tracked;
    c->wave = w;
    nfstw_wave_ref(w);
    c->n_refs = (uint32_t)fstw_signal_count(w->file);
    napi_value obj = nfstw_new_tagged(env, &CACHE_TAG, c, cache_finalize);
    if (!obj) {
        cache_free(env, c);
        return NULL;
    }
    if (napi_create_reference(env, obj, 0, &c->self) != napi_ok)
        return NULL; /* the finalizer frees c */
    c->next = inst->tracked->caches;
    if (c->next)
        c->next->prev = c;
    inst->tracked->caches = c;
    return obj;
}

/* ============================================================ lookups */

/* The live Signal of ref, else (unless live_only) a new handle on the core
 * cache's signal, else undefined.  NULL with an exception pending. */
static napi_value find(napi_env env, nfstw_cache *c, uint32_t ref, int live_only)
{
    if (ref >= c->n_refs) {
        fstw_error err;
        if (c->wave->file && fstw_check_signal_ref(c->wave->file, ref, &err) != FSTW_OK)
            nfstw_throw(env, &err, NULL); /* the core's RangeError, as a load's */
        else
            nfstw_throw_range(env, "signal ref %u is out of range", (unsigned)ref);
        return NULL;
    }
    nfstw_sig *s = c->by_ref ? c->by_ref[ref] : NULL;
    if (s) {
        napi_value v = live_signal(env, s);
        if (v) {
            /* asked for again: the most recent now, kept once dropped (fstw_cache_put;
             * out of memory only leaves it out of the recent ones) */
            if (!live_only)
                (void)fstw_cache_put(c->core, s->sig);
            return v;
        }
        unfind(s); /* collected: freed by the next sweep */
    }
    fstw_signal *sig = live_only ? NULL : fstw_cache_get(c->core, ref);
    if (!sig)
        return nfstw_undefined(env);
    napi_value arr, h;
    if (!(arr = nfstw_sig_wrap_all(env, c->wave, &sig, 1)) || napi_get_element(env, arr, 0, &h) != napi_ok)
        return NULL;
    return h;
}

/* cacheGet(c, ref) -> S | s | undefined */
static napi_value fn_cache_get(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    uint64_t ref;
    nfstw_cache *c = cache_arg(env, info, 2, argv);
    if (!c || nfstw_get_u64(env, argv[1], "signal ref", UINT32_MAX, &ref) < 0)
        return NULL;
    return find(env, c, (uint32_t)ref, 0);
}

/* The Uint32Array argument v as a pointer and length. */
static int u32_arg(napi_env env, napi_value v, const uint32_t **out, size_t *n)
{
    napi_typedarray_type tt;
    void *data = NULL;
    bool is_ta = false;
    if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta ||
        napi_get_typedarray_info(env, v, &tt, n, &data, NULL, NULL) != napi_ok || tt != napi_uint32_array) {
        nfstw_throw_type(env, "refs must be a Uint32Array");
        return -1;
    }
    *out = data;
    return 0;
}

/* cacheFind(c, refs, liveOnly) -> [S | s | undefined, ...] */
static napi_value fn_cache_find(napi_env env, napi_callback_info info)
{
    napi_value argv[3], arr;
    const uint32_t *refs;
    size_t n;
    int live_only;
    nfstw_cache *c = cache_arg(env, info, 3, argv);
    if (!c || u32_arg(env, argv[1], &refs, &n) < 0 || nfstw_get_bool(env, argv[2], "liveOnly", &live_only) < 0 ||
        napi_create_array_with_length(env, n, &arr) != napi_ok)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        napi_value v = find(env, c, refs[i], live_only);
        if (!v || napi_set_element(env, arr, (uint32_t)i, v) != napi_ok)
            return NULL;
    }
    return arr;
}

/* cacheAdd(c, [S...], [s...], offer) */
static napi_value fn_cache_add(napi_env env, napi_callback_info info)
{
    napi_value argv[4];
    uint32_t n = 0, nh = 0;
    int offer;
    nfstw_cache *c = cache_arg(env, info, 4, argv);
    if (!c || nfstw_get_bool(env, argv[3], "offer", &offer) < 0)
        return NULL;
    if (napi_get_array_length(env, argv[1], &n) != napi_ok || napi_get_array_length(env, argv[2], &nh) != napi_ok ||
        n != nh) {
        nfstw_throw_type(env, "cacheAdd(): expected two arrays of the same length");
        return NULL;
    }
    if (!c->by_ref && !(c->by_ref = calloc(c->n_refs ? c->n_refs : 1, sizeof *c->by_ref))) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    sweep_if_due(env, c->tracked);
    for (uint32_t i = 0; i < n; i++) {
        napi_value sv, hv;
        if (napi_get_element(env, argv[1], i, &sv) != napi_ok || napi_get_element(env, argv[2], i, &hv) != napi_ok)
            return NULL;
        nfstw_sig *s = nfstw_sig_get(env, hv);
        if (!s)
            return NULL;
        uint32_t ref = fstw_signal_ref(s->sig);
        if (s->weak || ref >= c->n_refs) {
            nfstw_throw_range(env, "cacheAdd(): handle %u is registered already or not of this file", (unsigned)i);
            return NULL;
        }
        if (track(env, c, s, sv) < 0)
            return NULL;
        if (offer && fstw_cache_put(c->core, s->sig) != 0) {
            nfstw_throw_plain(env, "ENOMEM", "out of memory");
            return NULL;
        }
    }
    return nfstw_undefined(env);
}

/* ============================================================ drops, stats */

/* cacheDrop(c, refs) */
static napi_value fn_cache_drop(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    const uint32_t *refs;
    size_t n;
    nfstw_cache *c = cache_arg(env, info, 2, argv);
    if (!c || u32_arg(env, argv[1], &refs, &n) < 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (c->by_ref && refs[i] < c->n_refs && c->by_ref[refs[i]])
            unfind(c->by_ref[refs[i]]);
        fstw_cache_drop(c->core, refs[i]);
    }
    return nfstw_undefined(env);
}

/* cacheClear(c) */
static napi_value fn_cache_clear(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    nfstw_cache *c = cache_arg(env, info, 1, argv);
    if (!c)
        return NULL;
    for (uint32_t r = 0; c->by_ref && r < c->n_refs; r++)
        if (c->by_ref[r])
            unfind(c->by_ref[r]);
    fstw_cache_clear(c->core);
    return nfstw_undefined(env);
}

/* cacheStats(c) -> { signals, bytes, budget } */
static napi_value fn_cache_stats(napi_env env, napi_callback_info info)
{
    napi_value argv[1], o;
    fstw_cache_stats st;
    nfstw_cache *c = cache_arg(env, info, 1, argv);
    if (!c || napi_create_object(env, &o) != napi_ok)
        return NULL;
    fstw_cache_stats_get(c->core, &st);
    if (nfstw_set(env, o, "signals", nfstw_i64(env, (int64_t)st.signals)) ||
        nfstw_set(env, o, "bytes", nfstw_i64(env, (int64_t)st.bytes)) ||
        nfstw_set(env, o, "budget", nfstw_i64(env, (int64_t)st.budget)))
        return NULL;
    return o;
}

napi_status nfstw_cache_init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        NFSTW_FN("cacheNew", fn_cache_new),     NFSTW_FN("cacheGet", fn_cache_get),
        NFSTW_FN("cacheFind", fn_cache_find),   NFSTW_FN("cacheAdd", fn_cache_add),
        NFSTW_FN("cacheDrop", fn_cache_drop),   NFSTW_FN("cacheClear", fn_cache_clear),
        NFSTW_FN("cacheStats", fn_cache_stats),
    };
    return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
