/**
 * fstwave's worker-side module (`fstwave/web/sync`): the package's synchronous JS classes
 * (node/lib: Waveform, Hierarchy, Scope, Var, Signal, TimeTable, the viewer API, the
 * iterators, the dump writer) over the WebAssembly backend (node/lib/backend), for code that
 * runs in its own Web Worker.  The main-thread API (node/web/index.mjs) runs this very
 * module in the worker it starts (node/web/worker.js).
 *
 *   const fst = await init();                  // fetches and compiles the .wasm once
 *   const w = fst.openWaveform(file);          // a File, Blob, Uint8Array or ArrayBuffer
 *   for (const s of w.hierarchy.topScopes()) console.log(s.fullName(w.hierarchy));
 *
 * The classes behave as in Node (docs/api.md), single-threaded: every call blocks the
 * worker until it returns.  Times are `bigint`s in the file's timescale units.  A File or
 * Blob is read by FileReaderSync slices (only in a Worker: on a page's main thread use
 * bytes, or the main-thread API).
 *
 * @module fstwave/web/sync
 */
'use strict';

const mod = require('../lib/backend/module');
const { toSource } = require('./source');
const { codeError } = require('./wire');

let loading = null; // the Promise of init(), once it started

/**
 * The default place of the .wasm: beside the script that runs (the worker's own script
 * for dist/web/fstwave-worker.js and fstwave-sync.js loaded by importScripts).
 */
function defaultWasmUrl() {
  const base = typeof self !== 'undefined' && self.location ? self.location.href : undefined;
  return new URL('fstwave-core.wasm', base).href;
}

/**
 * Loads the WebAssembly core (once; later calls return the same Promise) and resolves with
 * the API (see `api()`).
 * @param {{wasmUrl?: string | URL, wasmBinary?: ArrayBuffer | Uint8Array}} [options]
 *   `wasmBinary`: the bytes of fstwave-core.wasm; else they are fetched from `wasmUrl`
 *   (default: `fstwave-core.wasm` beside the running script)
 * @returns {Promise<SyncApi>}
 * @throws {Error} (as a rejection) code `ERR_FSTWAVE_WASM_LOAD` when the .wasm cannot be
 *   fetched or compiled; a later call tries again.
 */
function init(options = {}) {
  if (!loading) {
    loading = (async () => {
      let bin = options.wasmBinary;
      if (!bin) {
        const url = String(options.wasmUrl ?? defaultWasmUrl());
        let r;
        try {
          r = await fetch(url);
        } catch (e) {
          throw codeError('ERR_FSTWAVE_WASM_LOAD', `fstwave: cannot fetch ${url}: ${e.message}`);
        }
        if (!r.ok) throw codeError('ERR_FSTWAVE_WASM_LOAD', `fstwave: cannot fetch ${url}: HTTP ${r.status}`);
        bin = await r.arrayBuffer();
      }
      mod.provide(require('../../build/wasm/fstwave-core.js'), { wasmBinary: bin });
      try {
        mod.load();
      } catch (e) {
        throw codeError('ERR_FSTWAVE_WASM_LOAD', `fstwave: cannot instantiate the WebAssembly core: ${e.message}`);
      }
      return api();
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/**
 * @typedef {object} SyncApi
 * @property {typeof import('../lib/waveform').Waveform} Waveform and the other classes of
 *   the Node package (Hierarchy, Scope, Var, VarIndex, Signal, TimeTable, Timescale,
 *   TimescaleUnit, AbortError)
 * @property {(input: Blob | Uint8Array | ArrayBuffer, options?: object) => Waveform} openWaveform
 * @property {(w: Waveform, batchSize?: number) => string} dumpText
 * @property {Function} writeDump lib/dump-format.js's writer (lines to an `{line(s)}` sink)
 */

/** The API once the module is loaded (requiring node/lib before would load no core). */
function api() {
  const { Waveform } = require('../lib/waveform');
  const { Hierarchy, Scope, Var, VarIndex, VarIter, ScopeIter } = require('../lib/hierarchy');
  const { Signal, SignalChangeIter } = require('../lib/signal');
  const { TimeTable, Timescale, TimescaleUnit } = require('../lib/time');
  const { AbortError, parseWorkOptions, controlled } = require('../lib/abort');
  const { parseOptions } = require('../lib/args');
  const { kInternal } = require('../lib/internal');
  const { writeDump, DEFAULT_BATCH_SIZE } = require('../lib/dump-format');
  const files = require('../lib/backend/files');

  /**
   * Opens a File, Blob, Uint8Array or ArrayBuffer as a Waveform (synchronously: the header,
   * the hierarchy and, with `loadBody` (default true), the body's index are read now).
   * @param {Blob | File | Uint8Array | ArrayBuffer} input
   * @param {{name?: string, loadBody?: boolean, removeScopesWithEmptyName?: boolean,
   *   signalCacheBytes?: number | bigint | null, signal?: AbortSignal,
   *   onProgress?: (done: number, total: number) => void}} [options] as `new Waveform()`'s
   *   in Node (`multiThreaded` is always false here); `name`: the name errors carry as
   *   `path` (default the File's name, else "blob" / "bytes")
   * @returns {Waveform}
   * @throws {Error} code `FST_FORMAT` (a file that is not FST, or corrupt; with `reason`,
   *   `path`, `offset` when known), `EIO` (a slice could not be read), `ENOMEM`,
   *   `ERR_FSTWAVE_WASM_TRAP`; {TypeError} code `ERR_INVALID_ARG_TYPE` for bad arguments.
   */
  function openWaveform(input, options) {
    const src = toSource(input, options?.name);
    const opts = { ...parseOptions(options), multiThreaded: false };
    const work = parseWorkOptions(options, 'openWaveform');
    const handle = controlled(work, (flag, onProgress) =>
      files.openSource(src.source, src.size, src.name, false, opts.removeScopesWithEmptyName, opts.loadBody, flag, onProgress));
    return new Waveform(kInternal, { handle, path: src.name, opts });
  }

  /**
   * The whole `fstwave dump` text of `w` (docs/dump-format.md): the bytes of
   * `node node/cli.js dump` and of the Python tool's `fstwave dump`, as one string.
   * @param {Waveform} w
   * @param {number} [batchSize] signals loaded per pass (does not change the text)
   * @returns {string}
   */
  function dumpText(w, batchSize = DEFAULT_BATCH_SIZE) {
    const lines = [];
    writeDump(w, { line: (s) => lines.push(s) }, batchSize);
    lines.push('');
    return lines.join('\n');
  }

  return {
    Waveform, Hierarchy, Scope, Var, VarIndex, VarIter, ScopeIter, Signal, SignalChangeIter,
    TimeTable, Timescale, TimescaleUnit, AbortError,
    openWaveform, dumpText, writeDump, backend: 'wasm',
    /** The name openWaveform(input, {name}) gives the file (errors' `path`). */
    sourceName: (input, name) => toSource(input, name).name,
  };
}

module.exports = { init };
