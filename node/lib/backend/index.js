/**
 * The WebAssembly backend: an object with the native addon's function set (node/src/
 * nfstw_module.c lists it), the same arguments, returns, errors and typed arrays, over the
 * core compiled to WebAssembly (`make wasm`, node/wasm/*.c).  node/lib/native.js exports it
 * instead of the addon when FSTWAVE_BACKEND=wasm (or when no addon is found).  Split by
 * concern: module (loading, byte sources, heap), errors, progress, files, hier, signals,
 * view (windows, summaries), render, stream, cache.
 *
 * @module fstwave/lib/backend
 */
'use strict';

const mod = require('./module');
const { guard } = require('./errors');
const files = require('./files');
const signals = require('./signals');

mod.load();

const api = {
  ...files.natives,
  ...require('./hier'),
  ...signals.natives,
  ...require('./view'),
  ...require('./render'),
  ...require('./stream'),
  ...require('./cache'),
  stats: () => ({ openFiles: files.live.files, liveSignals: signals.live.signals }),
  memoryStats() {
    const M = mod.M;
    const p = M._malloc(16);
    M._wfstw_memory_stats(p);
    const r = { signals: M.HEAPF64[p >> 3], signalBytes: M.HEAPF64[(p >> 3) + 1] };
    M._free(p);
    return r;
  },
  coreVersion: mod.cstr(mod.M._wfstw_version()),
  napiVersion: undefined,
  backend: 'wasm',
};

// every native runs guarded: a trap anywhere in the module is an ERR_FSTWAVE_WASM_TRAP Error
// and a fresh instance (errors.js guard), never an uncaught RuntimeError
for (const [name, fn] of Object.entries(api)) {
  if (typeof fn === 'function') api[name] = (...args) => guard(() => fn(...args));
}

/** Test-only: makes the module trap (node/wasm/wfstw_error.c wfstw_test_trap), through the
 * same guard as every native. */
api._testTrap = () => guard(() => mod.M._wfstw_test_trap());

module.exports = api;
