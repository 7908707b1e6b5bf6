/**
 * The WebAssembly backend's signal-cache natives, with node/src/nfstw_cache.c's names,
 * arguments, returns and errors (the contract's revised D10, docs/api.md section 3.5):
 *
 *   - while the program holds a Signal, it is found again: a WeakRef to every Signal the
 *     cache registered, by signal ref;
 *   - else the core's cache (fstw_cache_get: the most recent unheld signals up to the
 *     budget, the core's rule) may still hold the signal: a new handle wraps it;
 *   - else the JS layer loads it and registers the new Signals (cacheAdd), which offers
 *     them to the core's cache (fstw_cache_put).
 *
 *   cacheNew(h, budget) -> c       budget in bytes; null: FSTW_CACHE_DEFAULT_BYTES
 *   cacheGet(c, ref) -> S | s | undefined
 *   cacheFind(c, refs, liveOnly) -> [S | s | undefined, ...]
 *   cacheAdd(c, [S...], [s...], offer)
 *   cacheDrop(c, refs), cacheClear(c), cacheStats(c) -> { signals, bytes, budget }
 *
 * The core signal under a handle is freed when the handle is collected (signals.js's
 * FinalizationRegistry), the core cache when the cache handle (its Waveform) is.  Unlike
 * the addon, which sweeps its weak references during a long synchronous stretch, a JS
 * WeakRef keeps its target alive until the current job ends (ECMAScript's KeepDuringJob),
 * so Signals dropped inside one synchronous loop are freed once the loop yields.  The
 * heap's size_t is 32 bits: a budget above 2^32 - 1 bytes keeps what 2^32 - 1 keeps (all
 * the heap can hold) and is reported as asked.
 *
 * @module fstwave/lib/backend/cache
 */
'use strict';

const mod = require('./module');
const { fileOf } = require('./files');
const { typeError, rangeError, codeError, coreError, checkGen, quietly } = require('./errors');
const { SIG, sigOf, wrap, u64 } = require('./signals');

const CACHE = Symbol('fstwave.wasm.cache');
const registry = new FinalizationRegistry((c) => quietly(c, () => mod.M._fstw_cache_free(c.core)));

function cacheOf(x) {
  const c = x && x[CACHE];
  if (!c) throw typeError('expected a fstwave signal cache');
  checkGen(c);
  return c;
}

function cacheNew(h, budgetArg) {
  const st = fileOf(h);
  const M = mod.M;
  const budget = budgetArg === null || budgetArg === undefined
    ? BigInt(M._wfstw_cache_default_bytes() >>> 0)
    : u64(budgetArg, 'signalCacheBytes');
  const core = M._fstw_cache_new(Number(budget > 0xffffffffn ? 0xffffffffn : budget));
  if (!core) throw codeError('ENOMEM', 'out of memory');
  const c = { core, file: st, budget: Number(budget), nRefs: M._fstw_signal_count(st.ptr) >>> 0, live: new Map(),
    gen: mod.gen };
  const x = { [CACHE]: c };
  registry.register(x, c);
  return x;
}

/** The live Signal of ref, else (unless liveOnly) a new handle on the core cache's signal,
 * else undefined. */
function find(c, ref, liveOnly) {
  if (ref >= c.nRefs) {
    if (c.file.ptr && mod.M._wfstw_check_ref(c.file.ptr, ref)) throw coreError(c.file.path);
    throw rangeError(`signal ref ${ref} is out of range`);
  }
  const e = c.live.get(ref); // { weak: WeakRef to the Signal, p: its core signal }
  if (e) {
    const s = e.weak.deref();
    if (s) {
      // asked for again: the most recent now, kept once dropped (fstw_cache_put; out of
      // memory only leaves it out of the recent ones); p is held by the live Signal's handle
      if (!liveOnly) mod.M._fstw_cache_put(c.core, e.p);
      return s;
    }
    c.live.delete(ref); // collected
  }
  if (liveOnly) return undefined;
  const p = mod.M._fstw_cache_get(c.core, ref);
  return p ? wrap(p, c.file) : undefined;
}

function refsArg(refs) {
  if (!(refs instanceof Uint32Array)) throw typeError('refs must be a Uint32Array');
  return refs;
}

module.exports = {
  cacheNew,
  cacheGet: (x, ref) => find(cacheOf(x), Number(u64(ref, 'signal ref', 0xffffffffn)), false),
  cacheFind(x, refs, liveOnly) {
    const c = cacheOf(x);
    refsArg(refs);
    if (typeof liveOnly !== 'boolean') throw typeError('liveOnly must be a boolean');
    return Array.from(refs, (r) => find(c, r, liveOnly));
  },
  cacheAdd(x, signals, handles, offer) {
    const c = cacheOf(x);
    if (typeof offer !== 'boolean') throw typeError('offer must be a boolean');
    if (!Array.isArray(signals) || !Array.isArray(handles) || signals.length !== handles.length) {
      throw typeError('cacheAdd(): expected two arrays of the same length');
    }
    const M = mod.M;
    signals.forEach((s, i) => {
      const p = sigOf(handles[i]);
      const st = handles[i][SIG];
      const ref = M._fstw_signal_ref(p);
      if (st.registered || ref >= c.nRefs) {
        throw rangeError(`cacheAdd(): handle ${i} is registered already or not of this file`);
      }
      st.registered = true;
      c.live.set(ref, { weak: new WeakRef(s), p });
      if (offer && M._fstw_cache_put(c.core, p) !== 0) throw codeError('ENOMEM', 'out of memory');
    });
  },
  cacheDrop(x, refs) {
    const c = cacheOf(x);
    for (const r of refsArg(refs)) {
      c.live.delete(r);
      mod.M._fstw_cache_drop(c.core, r);
    }
  },
  cacheClear(x) {
    if (x && x[CACHE] && x[CACHE].gen !== mod.gen) return; // close() after a trap: nothing kept
    const c = cacheOf(x);
    c.live.clear();
    mod.M._fstw_cache_clear(c.core);
  },
  cacheStats(x) {
    const old = x && x[CACHE];
    if (old && old.gen !== mod.gen) return { signals: 0, bytes: 0, budget: old.budget }; // trapped
    const c = cacheOf(x);
    const M = mod.M;
    const p = M._malloc(12);
    if (!p) throw codeError('ENOMEM', 'out of memory');
    M._fstw_cache_stats_get(c.core, p); // three size_t: signals, bytes, budget
    const r = { signals: M.HEAPU32[p >> 2], bytes: M.HEAPU32[(p >> 2) + 1], budget: c.budget };
    M._free(p);
    return r;
  },
};
