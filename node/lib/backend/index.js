/**
 * The WebAssembly backend: an object with the native addon's function set (node/src/
 * nfstw_module.c lists it), the same arguments, returns, errors and typed arrays, over the
 * core compiled to WebAssembly (`make wasm`, node/wasm/*.c).  node/lib/native.js exports it
 * instead of the addon when FSTWAVE_BACKEND=wasm (or when no addon is found).  Split by
 * concern: module (loading, byte sources, heap), errors, progress, files, hier, signals,
 * render, cache; the viewer (sigWindow, sigSummary) and stream natives are not there yet
 * and throw ERR_FSTWAVE_WASM_UNSUPPORTED.
 *
 * @module fstwave/lib/backend
 */
'use strict';

const mod = require('./module');
const { codeError } = require('./errors');
const files = require('./files');
const signals = require('./signals');

mod.load();

const unsupported = (name) => () => {
  throw codeError('ERR_FSTWAVE_WASM_UNSUPPORTED', `fstwave: ${name}() is not in the WebAssembly backend yet`);
};

const api = {
  ...files.natives,
  ...require('./hier'),
  ...signals.natives,
  ...require('./render'),
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
for (const name of ['sigWindow', 'sigSummary', 'streamOpen', 'streamNext', 'streamNextAsync', 'streamClose']) {
  api[name] = unsupported(name);
}
delete api.header; // re-added below: hier's header is also used by render
api.header = require('./hier').header;

module.exports = api;
