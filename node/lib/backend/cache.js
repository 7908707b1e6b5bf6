/**
 * The WebAssembly backend's signal-cache natives (node/src/nfstw_cache.c's names and
 * returns): the live Signal of each ref is found again while the program holds it (a
 * WeakRef per ref); the core's byte-budgeted cache of dropped signals is not used by this
 * backend yet (cacheGet finds live Signals only; cacheStats reports what it holds: none).
 *
 * @module fstwave/lib/backend/cache
 */
'use strict';

const { fileOf } = require('./files');
const { typeError } = require('./errors');

function cacheOf(c) {
  if (!c || !(c.live instanceof Map)) throw typeError('expected a cache handle');
  return c;
}

function find(c, ref) {
  const w = c.live.get(ref);
  const s = w && w.deref();
  if (w && !s) c.live.delete(ref);
  return s;
}

module.exports = {
  cacheNew(h, budget) {
    fileOf(h);
    return { live: new Map(), budget: budget === null || budget === undefined ? 0 : Number(budget) };
  },
  cacheGet: (c, ref) => find(cacheOf(c), ref),
  cacheFind: (c, refs) => Array.from(refs, (r) => find(cacheOf(c), r)),
  cacheAdd(c, signals, handles) {
    cacheOf(c);
    const { sigOf } = require('./signals');
    const M = require('./module').M;
    signals.forEach((s, i) => c.live.set(M._fstw_signal_ref(sigOf(handles[i])), new WeakRef(s)));
  },
  cacheDrop(c, refs) {
    for (const r of refs) cacheOf(c).live.delete(r);
  },
  cacheClear: (c) => cacheOf(c).live.clear(),
  cacheStats: (c) => ({ signals: 0, bytes: 0, budget: cacheOf(c).budget }),
};
