/**
 * Waveform: an open FST file (pywellen's `Waveform` plus the contract's extensions), its
 * sync and async open and body load, and the per-file cache of loaded Signals, over the
 * addon's file handle (node/src/nfstw_file.c) and signal loads (nfstw_signal.c).
 *
 * @module fstwave/lib/waveform
 */
'use strict';

const util = require('util');
const native = require('./native');
const { kInternal, kSignalRef } = require('./internal');
const { typeError, describe, parseOptions, toPath } = require('./args');
const { HierarchyState, Hierarchy, Var } = require('./hierarchy');
const { Signal } = require('./signal');
const { TimeTable } = require('./time');

/** Signals made per event-loop turn when an async load completes. */
const ASYNC_SLICE = 4096;

function yieldToEventLoop() {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * An open FST waveform file: pywellen 0.20.5's `Waveform` plus the extensions of the contract
 * (lazy body, `timeRange`, batch and async loads, a signal cache).
 *
 * Opening reads the header and the hierarchy and, with `loadBody: true` (the default), the
 * body too (the time table and the index of value-change blocks); with `loadBody: false` the
 * body is read on first need (`timeTable`, any signal load, `loadBody()`).
 *
 * Loaded signals are cached per Waveform, keyed by signal ref, until `unloadSignals()`
 * (deviation D10 in docs/api.md: pywellen re-reads the file on every `get_signal`).  The
 * file stays open as long as the Waveform, its Hierarchy, a Var, a Scope or a Signal of it
 * is reachable; it is closed by garbage collection, or when the worker / environment that
 * opened it exits.
 */
class Waveform {
  #h;
  #path;
  #multiThreaded;
  #state;
  #hier;
  #cache = new Map();
  #timeTable = null;

  /**
   * Opens `path` synchronously (blocking the calling thread; use `Waveform.open` in
   * event-loop code).
   *
   * @param {string | Buffer | URL} path the FST file
   * @param {{multiThreaded?: boolean, removeScopesWithEmptyName?: boolean, loadBody?: boolean}} [options]
   *   `multiThreaded` (default true) allows several threads for body and signal loads;
   *   `removeScopesWithEmptyName` (default false) removes scopes named "" and attaches their
   *   children to the parent (deviation D8 in docs/api.md: wellen does this for VCD only);
   *   `loadBody` (default true) reads the body now instead of on first need.
   * @throws {Error} code `ENOENT`, `EACCES`, `EISDIR` or `EIO` (with `path`, `errno`,
   *   `syscall`) for operating-system errors; code `FST_FORMAT` for a file that is not FST
   *   (VCD and GHW files are named as such, deviation D7) or is corrupt (deviation D5);
   *   both described in docs/api.md.
   * @throws {TypeError} for a bad path or bad options.
   */
  constructor(path, options) {
    if (path === kInternal) {
      // internal: Waveform.open() hands over a handle opened off the main thread
      this.#h = options.handle;
      this.#path = options.path;
      this.#multiThreaded = options.opts.multiThreaded;
    } else {
      const opts = parseOptions(options);
      const p = toPath(path);
      this.#h = native.open(p, opts.multiThreaded, opts.removeScopesWithEmptyName, opts.loadBody);
      this.#path = p;
      this.#multiThreaded = opts.multiThreaded;
    }
    this.#state = new HierarchyState(this.#h);
    this.#hier = new Hierarchy(kInternal, this.#state);
  }

  /**
   * Opens `path` on the libuv thread pool and resolves with the Waveform; the event loop is
   * never blocked.  Same options and errors as the constructor (as a rejected Promise).
   *
   * @param {string | Buffer | URL} path
   * @param {{multiThreaded?: boolean, removeScopesWithEmptyName?: boolean, loadBody?: boolean}} [options]
   * @returns {Promise<Waveform>}
   */
  static async open(path, options) {
    const opts = parseOptions(options);
    const p = toPath(path);
    const handle = await native.openAsync(p, opts.multiThreaded, opts.removeScopesWithEmptyName, opts.loadBody);
    return new Waveform(kInternal, { handle, path: p, opts });
  }

  /**
   * The file's Hierarchy: the same object on every access (deviation D6 in docs/api.md).
   * @type {Hierarchy}
   */
  get hierarchy() {
    return this.#hier;
  }

  /**
   * The time table (times in timescale units, one per time step, block-boundary duplicates
   * kept as pywellen keeps them).  Reads the body first if it is not loaded (synchronously).
   * The same object on every access.
   * @type {TimeTable}
   * @throws {Error} `FST_FORMAT` / `EIO` if the body cannot be read.
   */
  get timeTable() {
    if (this.#timeTable === null) {
      native.loadBody(this.#h);
      this.#timeTable = new TimeTable(kInternal, native.timeTable(this.#h));
    }
    return this.#timeTable;
  }

  /**
   * `[startTime, endTime]` from the FST header, in timescale units; available without the
   * body.  Extension (not in pywellen 0.20.5).
   * @type {[bigint, bigint]}
   */
  get timeRange() {
    const hd = this.#state.header();
    return [hd.startTime, hd.endTime];
  }

  /**
   * Reads the body (time table and block index) now if it is not read yet; blocks the calling
   * thread.  Extension (pywellen 0.20.5 always reads the body at open).
   * @throws {Error} `FST_FORMAT` for a malformed body, `EIO` for a read error.
   */
  loadBody() {
    native.loadBody(this.#h);
  }

  /**
   * Like `loadBody()` but on the libuv thread pool.
   * @returns {Promise<void>}
   */
  async loadBodyAsync() {
    await native.loadBodyAsync(this.#h);
  }

  /** True once the body has been read. @returns {boolean} */
  bodyLoaded() {
    return native.bodyLoaded(this.#h);
  }

  /**
   * The Signal of `v` (any var of its signal; aliases share one Signal).  Loaded once
   * (blocking) and cached until `unloadSignals()` (deviation D10 in docs/api.md).
   * @param {Var} v a Var of this file
   * @returns {Signal}
   * @throws {TypeError} when `v` is not a Var; {RangeError} when its signal ref is out of
   *   range for this file; `FST_FORMAT` / `EIO` errors from reading.
   */
  getSignal(v) {
    return this.#loadRefs([this.#refOf(v, 'getSignal')], this.#multiThreaded)[0];
  }

  /**
   * The Signal of the var at a dotted path, as pywellen: the path is split on every `.`; the
   * pieces before the last name a top-level scope then child scopes (first match at each
   * level, declaration order); the last piece names a var directly in that scope (a
   * top-level var when there is no dot).
   * @param {string} absHierarchyPath e.g. `"top.cpu.pc"`
   * @returns {Signal}
   * @throws {Error} `No var at path <path>` (code `FST_NO_VAR`) when nothing matches.
   */
  getSignalFromPath(absHierarchyPath) {
    if (typeof absHierarchyPath !== 'string') {
      throw typeError(`getSignalFromPath(): the path must be a string, got ${describe(absHierarchyPath)}`);
    }
    const id = native.lookupVar(this.#h, absHierarchyPath);
    if (id < 0) {
      const e = new Error(`No var at path ${absHierarchyPath}`);
      e.code = 'FST_NO_VAR';
      throw e;
    }
    return this.#loadRefs([this.#state.refs()[id]], this.#multiThreaded)[0];
  }

  /**
   * The Signals of `vars`, in the same order, loading every uncached one in one pass over the
   * file (blocking; spread over threads when the Waveform is `multiThreaded`).  Cached like
   * `getSignal()`.  Extension.
   * @param {Iterable<Var>} vars
   * @returns {Signal[]}
   */
  loadSignals(vars) {
    return this.#loadRefs(this.#refsOf(vars, 'loadSignals'), this.#multiThreaded);
  }

  /**
   * Like `loadSignals()` but the file is read on the libuv thread pool; the event loop keeps
   * running.  Values are converted lazily when asked for, so completing even a large load
   * costs only one small object per signal on the main thread.  Concurrent calls are safe;
   * when two calls load the same signal the first result to arrive is cached and returned by
   * both.
   * @param {Iterable<Var>} vars
   * @returns {Promise<Signal[]>}
   */
  async loadSignalsAsync(vars) {
    const refs = this.#refsOf(vars, 'loadSignalsAsync');
    const { result, missing } = this.#lookup(refs);
    if (missing.length > 0) {
      const batch = await native.loadSignalsAsync(this.#h, Uint32Array.from(missing), this.#multiThreaded);
      // Signal objects are made in slices, yielding to the event loop between them, so that
      // even a load of very many signals never blocks the loop for long.
      for (let start = 0; start < missing.length; start += ASYNC_SLICE) {
        if (start > 0) await yieldToEventLoop();
        const end = Math.min(missing.length, start + ASYNC_SLICE);
        const handles = native.batchTake(batch, start, end);
        for (let j = start; j < end; j++) {
          const ref = missing[j];
          if (this.#cache.has(ref)) {
            native.sigDispose(handles[j - start]); // another call got there first
          } else {
            this.#cache.set(ref, new Signal(kInternal, handles[j - start], ref));
          }
        }
      }
      for (let i = 0; i < refs.length; i++) if (result[i] === undefined) result[i] = this.#cache.get(refs[i]);
    }
    return result;
  }

  /**
   * Drops the signals of the given Signals or Vars from this Waveform's cache (unknown ones
   * are ignored).  Signal objects still referenced elsewhere stay valid; their memory is
   * freed by garbage collection.  Extension.
   * @param {Iterable<Signal | Var>} signalsOrVars
   * @throws {TypeError} for items that are neither.
   */
  unloadSignals(signalsOrVars) {
    if (signalsOrVars === null || typeof signalsOrVars?.[Symbol.iterator] !== 'function') {
      throw typeError('unloadSignals(): expected an iterable of Signal or Var');
    }
    for (const item of signalsOrVars) {
      let ref;
      if (item instanceof Signal) ref = item[kSignalRef]();
      else if (item instanceof Var) ref = item.signalRef();
      else throw typeError(`unloadSignals(): expected Signal or Var items, got ${describe(item)}`);
      this.#cache.delete(ref);
    }
  }

  #refOf(v, method) {
    if (!(v instanceof Var)) throw typeError(`${method}(): expected a Var, got ${describe(v)}`);
    return v.signalRef(); // a ref out of range for this file: the core's RangeError at load
  }

  #refsOf(vars, method) {
    if (vars === null || vars === undefined || typeof vars[Symbol.iterator] !== 'function') {
      throw typeError(`${method}(): expected an iterable of Var, got ${describe(vars)}`);
    }
    const refs = [];
    for (const v of vars) refs.push(this.#refOf(v, method));
    return refs;
  }

  /** Cached Signals into result[], the refs to load (each once) into missing[]. */
  #lookup(refs) {
    const result = new Array(refs.length);
    const missing = [];
    const pending = new Set();
    for (let i = 0; i < refs.length; i++) {
      const s = this.#cache.get(refs[i]);
      if (s !== undefined) result[i] = s;
      else if (!pending.has(refs[i])) {
        pending.add(refs[i]);
        missing.push(refs[i]);
      }
    }
    return { result, missing };
  }

  #loadRefs(refs, multiThreaded) {
    const { result, missing } = this.#lookup(refs);
    if (missing.length > 0) {
      const handles = native.loadSignals(this.#h, Uint32Array.from(missing), multiThreaded);
      for (let j = 0; j < missing.length; j++) {
        this.#cache.set(missing[j], new Signal(kInternal, handles[j], missing[j]));
      }
      for (let i = 0; i < refs.length; i++) if (result[i] === undefined) result[i] = this.#cache.get(refs[i]);
    }
    return result;
  }

  [util.inspect.custom]() {
    const p = typeof this.#path === 'string' ? this.#path : Buffer.from(this.#path).toString();
    return `Waveform <${p}> body_loaded=${this.bodyLoaded()} cached_signals=${this.#cache.size}`;
  }
}

module.exports = { Waveform };
