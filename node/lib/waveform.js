/**
 * Waveform: an open FST file (pywellen's `Waveform` plus the contract's extensions), its
 * sync and async open and body load, and the per-file cache of loaded Signals, over the
 * addon's file handle (node/src/nfstw_file.c), signal loads (nfstw_load.c) and signal cache
 * (nfstw_cache.c: weak references to the live Signals plus the core's cache of recent ones).
 *
 * @module fstwave/lib/waveform
 */
'use strict';

const util = require('util');
const native = require('./native');
const { kInternal, kSignalRef, kSignalHandle, kLoadUncached, kWaveState } = require('./internal');
const { typeError, describe, parseOptions, toPath } = require('./args');
const { parseWorkOptions, controlled } = require('./abort');
const { HierarchyState, Hierarchy, Var } = require('./hierarchy');
const { Signal } = require('./signal');
const { TimeTable } = require('./time');

/** Signals made per event-loop turn when an async load completes. */
const ASYNC_SLICE = 4096;

function yieldToEventLoop() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The error of every use of a closed Waveform (the Python package's text). */
function closedError() {
  const e = new Error('I/O operation on closed waveform');
  e.code = 'ERR_FSTWAVE_CLOSED';
  return e;
}

/**
 * An open FST waveform file: pywellen 0.20.5's `Waveform` plus the extensions of the contract
 * (lazy body, `timeRange`, batch and async loads, a signal cache).
 *
 * Opening reads the header and the hierarchy and, with `loadBody: true` (the default), the
 * body too (the time table and the index of value-change blocks); with `loadBody: false` the
 * body is read on first need (`timeTable`, any signal load, `loadBody()`).
 *
 * The signal cache (deviation D10 in docs/api.md, revised; pywellen re-reads the file on
 * every `get_signal`): a loaded Signal stays the same object as long as the program holds it
 * (the Waveform keeps only a weak reference to it); once nobody holds it, the most recently
 * loaded signals are still kept, up to `signalCacheBytes` bytes (their core storage, not
 * the time table), so loading one again wraps the kept signal in a new Signal without
 * reading the file; anything else is read again.  `unloadSignals()` drops signals from
 * the cache at once, `close()` clears it, `signalCacheStats()` says what it holds and the
 * package's `memoryStats()` counts every loaded signal of the process.  The memory of a
 * dropped Signal is freed once garbage collection has found it unreachable (the addon
 * reports it to V8 as external memory so that collection comes soon), at the latest on the
 * next signal load.  The file stays open as long as the Waveform, its Hierarchy, a Var, a Scope or a Signal of it
 * is reachable, until `close()` (or `[Symbol.dispose]()`); else it is closed by garbage
 * collection, or when the worker / environment that opened it exits.
 *
 * The long calls (open, body and signal loads) take `{ signal, onProgress }` (contract
 * section 6): an `AbortSignal` that stops the call within one value-change block (it then
 * throws / rejects with an `AbortError`, code `ABORT_ERR`, whose `cause` is the signal's
 * reason, as Node's own APIs do, and caches nothing), and
 * `onProgress(done, total)`, called on the main thread with the bytes of value-change
 * blocks read so far and in all (`total` fixed for the call, `done` never decreasing, the
 * last call `done === total` when the call succeeds, always before it returns or its
 * promise settles; a call with nothing to read reports `(0, 0)`).  The async forms report
 * from the thread pool through a thread-safe function, coalesced (the latest report wins,
 * so a slow main thread sees fewer calls, never a queue of them).  An exception thrown by
 * `onProgress` stops the call, which throws / rejects with it.
 */
class Waveform {
  #h;
  #path;
  #multiThreaded;
  #state;
  #hier;
  #cache; // the addon's signal cache (node/src/nfstw_cache.c)
  #timeTable = null;
  #closed = false;

  /**
   * Opens `path` synchronously (blocking the calling thread; use `Waveform.open` in
   * event-loop code).
   *
   * @param {string | Buffer | URL} path the FST file
   * @param {{multiThreaded?: boolean, removeScopesWithEmptyName?: boolean, loadBody?: boolean,
   *   signalCacheBytes?: number | bigint | null,
   *   signal?: AbortSignal, onProgress?: (done: number, total: number) => void}} [options]
   *   `multiThreaded` (default true) allows several threads for body and signal loads;
   *   `signalCacheBytes` (default `null`: the core's `FSTW_CACHE_DEFAULT_BYTES`, 8 MiB) is
   *   the budget in bytes of the cache of recently loaded signals nobody holds (0: keep only
   *   what the program holds; see the class);
   *   `removeScopesWithEmptyName` (default false) removes scopes named "" and attaches their
   *   children to the parent (deviation D8 in docs/api.md: wellen does this for VCD only);
   *   `loadBody` (default true) reads the body now instead of on first need; `signal` and
   *   `onProgress` as described for the class (here called synchronously: only onProgress
   *   can abort the signal).
   * @throws {Error} code `ENOENT`, `EACCES`, `EISDIR` or `EIO` (with `path`, `errno`,
   *   `syscall`) for operating-system errors; code `FST_FORMAT` for a file that is not FST
   *   (VCD and GHW files are named as such, deviation D7) or is corrupt (deviation D5);
   *   both described in docs/api.md.
   * @throws {TypeError} for a bad path or bad options; {RangeError} for a negative or
   *   non-integral `signalCacheBytes`.
   * @throws {AbortError} code `ABORT_ERR` when the signal was aborted.
   */
  constructor(path, options) {
    if (path === kInternal) {
      // internal: Waveform.open() hands over a handle opened off the main thread
      this.#h = options.handle;
      this.#path = options.path;
      this.#multiThreaded = options.opts.multiThreaded;
      this.#cache = native.cacheNew(this.#h, options.opts.signalCacheBytes);
    } else {
      const opts = parseOptions(options);
      const work = parseWorkOptions(options, 'Waveform');
      const p = toPath(path);
      this.#h = controlled(work, (flag, onProgress) =>
        native.open(p, opts.multiThreaded, opts.removeScopesWithEmptyName, opts.loadBody, flag, onProgress));
      this.#path = p;
      this.#multiThreaded = opts.multiThreaded;
      this.#cache = native.cacheNew(this.#h, opts.signalCacheBytes);
    }
    this.#state = new HierarchyState(this.#h);
    this.#hier = new Hierarchy(kInternal, this.#state);
  }

  /**
   * Opens `path` on the libuv thread pool and resolves with the Waveform; the event loop is
   * never blocked.  Same options and errors as the constructor (as a rejected Promise);
   * `signal` and `onProgress` as described for the class: an aborted open rejects with an
   * AbortError and leaves no file open.
   *
   * @param {string | Buffer | URL} path
   * @param {{multiThreaded?: boolean, removeScopesWithEmptyName?: boolean, loadBody?: boolean,
   *   signalCacheBytes?: number | bigint | null,
   *   signal?: AbortSignal, onProgress?: (done: number, total: number) => void}} [options]
   * @returns {Promise<Waveform>}
   */
  static async open(path, options) {
    const opts = parseOptions(options);
    const work = parseWorkOptions(options, 'Waveform.open');
    const p = toPath(path);
    const handle = await controlled(work, (flag, onProgress) =>
      native.openAsync(p, opts.multiThreaded, opts.removeScopesWithEmptyName, opts.loadBody, flag, onProgress),
    (h) => native.close(h));
    return new Waveform(kInternal, { handle, path: p, opts });
  }

  /**
   * The file's Hierarchy: the same object on every access (deviation D6 in docs/api.md).
   * @type {Hierarchy}
   */
  get hierarchy() {
    this.#check();
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
    this.#check();
    if (this.#timeTable === null) {
      native.loadBody(this.#h, undefined, undefined);
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
    this.#check();
    const hd = this.#state.header();
    return [hd.startTime, hd.endTime];
  }

  /**
   * Reads the body (time table and block index) now if it is not read yet; blocks the calling
   * thread.  Extension (pywellen 0.20.5 always reads the body at open).
   * @param {{signal?: AbortSignal, onProgress?: (done: number, total: number) => void}} [options]
   *   as described for the class (called synchronously); an aborted load leaves the body
   *   unloaded
   * @throws {Error} `FST_FORMAT` for a malformed body, `EIO` for a read error; an
   *   AbortError (code `ABORT_ERR`) when aborted.
   */
  loadBody(options) {
    this.#check();
    const work = parseWorkOptions(options, 'loadBody');
    controlled(work, (flag, onProgress) => native.loadBody(this.#h, flag, onProgress));
  }

  /**
   * Like `loadBody()` but on the libuv thread pool.
   * @param {{signal?: AbortSignal, onProgress?: (done: number, total: number) => void}} [options]
   *   as described for the class; an aborted load rejects with an AbortError and leaves
   *   the body unloaded
   * @returns {Promise<void>}
   */
  async loadBodyAsync(options) {
    this.#check();
    const work = parseWorkOptions(options, 'loadBodyAsync');
    await controlled(work, (flag, onProgress) => native.loadBodyAsync(this.#h, flag, onProgress));
  }

  /** True once the body has been read. @returns {boolean} */
  bodyLoaded() {
    this.#check();
    return native.bodyLoaded(this.#h);
  }

  /**
   * The Signal of `v` (any var of its signal; aliases share one Signal): the same object as
   * long as the program holds it, else a new one over the cache's kept signal, else loaded
   * (blocking) and cached (deviation D10 in docs/api.md; see the class).
   * @param {Var} v a Var of this file
   * @returns {Signal}
   * @throws {TypeError} when `v` is not a Var; {RangeError} when its signal ref is out of
   *   range for this file; `FST_FORMAT` / `EIO` errors from reading.
   */
  getSignal(v) {
    // written out (no #check, #refOf, #loadRefs, #lookup, controlled): few functions on the
    // path of a process's first call, which V8 runs cold
    if (this.#closed) throw closedError();
    if (!(v instanceof Var)) throw typeError(`getSignal(): expected a Var, got ${describe(v)}`);
    const ref = v.signalRef(); // a ref out of range for this file: the core's RangeError at load
    const found = native.cacheGet(this.#cache, ref);
    if (found instanceof Signal) return found;
    const handle = found ?? native.loadSignals(this.#h, Uint32Array.of(ref), this.#multiThreaded, undefined, undefined)[0];
    const s = new Signal(kInternal, handle, ref);
    // as #adopt: a fresh load is also offered to the core's cache of recent signals
    native.cacheAdd(this.#cache, [s], [handle], found === undefined);
    return s;
  }

  /**
   * The Var or Scope at `path`, or `undefined` when there is none: pywellen 0.25's
   * `w["a.b.c"]` (the core's `fstw_lookup_item`, wellen's rule): among the top-level items
   * (scopes and vars, in declaration order) the first whose name equals `path`, else the one
   * with the longest name that is a prefix of `path`; after a scope the rest must start with
   * `.` and is looked up inside that scope; after a var the rest is accepted when it holds no
   * `.` (so `"top.data[3]"` finds the var `data`).  The same object the hierarchy hands out
   * for that item.  Extension (contract section 5).
   * @param {string} path e.g. `"top.cpu.pc"`
   * @returns {Var | Scope | undefined}
   * @throws {TypeError} when `path` is not a string.
   */
  get(path) {
    this.#check();
    return this.#state.lookup(null, path, 'get');
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
    this.#check();
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
   * `getSignal()` (a var twice, or two aliases: one Signal).  Extension.
   * @param {Iterable<Var>} vars
   * @param {{signal?: AbortSignal, onProgress?: (done: number, total: number) => void}} [options]
   *   as described for the class (called synchronously); an aborted load caches nothing
   * @returns {Signal[]}
   */
  loadSignals(vars, options) {
    this.#check();
    const work = parseWorkOptions(options, 'loadSignals');
    return this.#loadRefs(this.#refsOf(vars, 'loadSignals'), this.#multiThreaded, work);
  }

  /**
   * Like `loadSignals()` but the file is read on the libuv thread pool; the event loop keeps
   * running.  Values are converted lazily when asked for, so completing even a large load
   * costs only one small object per signal on the main thread.  Concurrent calls are safe;
   * when two calls load the same signal the first result to arrive is cached and returned by
   * both (one Signal object, as long as it is held).
   * @param {Iterable<Var>} vars
   * @param {{signal?: AbortSignal, onProgress?: (done: number, total: number) => void}} [options]
   *   as described for the class; an aborted load rejects with an AbortError and
   *   caches nothing
   * @returns {Promise<Signal[]>}
   */
  async loadSignalsAsync(vars, options) {
    this.#check();
    const work = parseWorkOptions(options, 'loadSignalsAsync');
    const refs = this.#refsOf(vars, 'loadSignalsAsync');
    const { byRef, missing } = this.#lookup(refs);
    // with options, even a load of cached signals goes to the core, which reports (0, 0)
    if (missing.length > 0 || work.signal !== undefined || work.onProgress !== undefined) {
      const batch = await controlled(work, (flag, onProgress) =>
        native.loadSignalsAsync(this.#h, Uint32Array.from(missing), this.#multiThreaded, flag, onProgress));
      // Signal objects are made in slices, yielding to the event loop between them, so that
      // even a load of very many signals never blocks the loop for long.
      for (let start = 0; start < missing.length; start += ASYNC_SLICE) {
        if (start > 0) await yieldToEventLoop();
        const end = Math.min(missing.length, start + ASYNC_SLICE);
        const handles = native.batchTake(batch, start, end);
        const sliceRefs = missing.slice(start, end);
        // another call may have got there first: its Signal wins while it is held
        const live = this.#closed ? [] : native.cacheFind(this.#cache, Uint32Array.from(sliceRefs), true);
        const newRefs = [];
        const newHandles = [];
        for (let j = 0; j < sliceRefs.length; j++) {
          if (live[j] !== undefined) {
            byRef.set(sliceRefs[j], live[j]);
            native.sigDispose(handles[j]);
          } else {
            newRefs.push(sliceRefs[j]);
            newHandles.push(handles[j]);
          }
        }
        const sigs = this.#adopt(newRefs, newHandles, true); // closed meanwhile: returned, not cached
        for (let j = 0; j < sigs.length; j++) byRef.set(newRefs[j], sigs[j]);
      }
    }
    return refs.map((r) => byRef.get(r));
  }

  /**
   * The value of each signal at time `t`, in order: for each item exactly what
   * `signal.valueAtTime(t)` returns (the value at or before `t`, `null` before the first
   * change; deviations D1, D2 in docs/api.md), in one call with one time-table lookup (the
   * core's `fstw_signals_at_time`).  Items are Signals or Vars; the signals of Vars that are
   * not loaded yet are loaded first (blocking, cached as by `loadSignals()`).  Extension
   * (contract section 6: cursor values).
   * @param {Iterable<Signal | Var>} signalsOrVars
   * @param {bigint | number} t a time in timescale units
   * @returns {Array<Value | null>}
   * @throws {TypeError} for items that are neither Signal nor Var; {RangeError} for a bad `t`.
   */
  valuesAtTime(signalsOrVars, t) {
    this.#check();
    const { items, vars } = this.#cursorItems(signalsOrVars, 'valuesAtTime');
    const signals = vars.length > 0 ? this.loadSignals(vars) : [];
    return this.#valuesAt(items, signals, t);
  }

  /**
   * Like `valuesAtTime()`, but the signals of Vars not loaded yet are loaded on the libuv
   * thread pool (`loadSignalsAsync(vars, options)`, with its `signal` and `onProgress`).
   * @param {Iterable<Signal | Var>} signalsOrVars
   * @param {bigint | number} t a time in timescale units
   * @param {{signal?: AbortSignal, onProgress?: (done: number, total: number) => void}} [options]
   * @returns {Promise<Array<Value | null>>}
   */
  async valuesAtTimeAsync(signalsOrVars, t, options) {
    this.#check();
    const { items, vars } = this.#cursorItems(signalsOrVars, 'valuesAtTimeAsync');
    const signals = vars.length > 0 ? await this.loadSignalsAsync(vars, options) : [];
    return this.#valuesAt(items, signals, t);
  }

  /**
   * Closes the file: every method of this Waveform (but `signalCacheStats()`), and every
   * method of its Hierarchy, Scopes and Vars that reads the file, throws `Error` code
   * `ERR_FSTWAVE_CLOSED` ("I/O operation on closed waveform") from now on.  The signal
   * cache is cleared.  Loaded Signals stay readable (the core keeps what they need).  Async calls already in flight complete first: the file is closed
   * when the last of them ends (their promises settle as without the close; signals they load
   * are returned but not cached).  Idempotent.  Extension (contract section 6).
   */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    native.cacheClear(this.#cache);
    native.close(this.#h);
  }

  /**
   * What the cache of recently loaded signals holds now (the core's `fstw_cache_stats_get`):
   * `signals` kept and their `bytes` (the signals nobody holds plus any held one that is
   * also among the most recent), and the `budget` (`signalCacheBytes`).  Signals the program
   * holds outside that set are not counted here (see `memoryStats()` of the package).  Also
   * after `close()` (then empty).  Extension (D10 in docs/api.md).
   * @returns {{signals: number, bytes: number, budget: number}}
   */
  signalCacheStats() {
    return native.cacheStats(this.#cache);
  }

  /** True once `close()` was called. @type {boolean} */
  get closed() {
    return this.#closed;
  }

  #check() {
    if (this.#closed) throw closedError();
  }

  /** The HierarchyState of the open file (internal, lib/render.js). */
  [kWaveState]() { this.#check(); return this.#state; }

  /**
   * The signals of `refs` (signal refs of this file), loaded in one pass whatever the cache
   * holds and not cached, as the addon's batch: the caller reads signal k with
   * `native.batchChanges(batch, k, ...)` and frees it with `native.batchFree(batch, k)` once
   * written, so that no Signal object nor handle is made (internal, lib/internal.js; the
   * tool's dump, which so gives the garbage collector nothing of a batch to promote and
   * leaves no finalizer to run).  Signals never freed are freed with the batch.
   * @param {Uint32Array} refs
   * @returns {object} the addon's load batch (node/src/nfstw_load.c)
   * @throws {RangeError} for a ref out of range (the core's)
   */
  [kLoadUncached](refs) {
    this.#check();
    return native.loadSignalsBatch(this.#h, refs, this.#multiThreaded, undefined, undefined);
  }

  /** Items of valuesAtTime: each a Signal, or a Var whose Signal is vars' next load. */
  #cursorItems(signalsOrVars, method) {
    if (signalsOrVars === null || typeof signalsOrVars?.[Symbol.iterator] !== 'function') {
      throw typeError(`${method}(): expected an iterable of Signal or Var, got ${describe(signalsOrVars)}`);
    }
    const items = [...signalsOrVars];
    const vars = [];
    for (const item of items) {
      if (item instanceof Var) vars.push(item);
      else if (!(item instanceof Signal)) throw typeError(`${method}(): expected Signal or Var items, got ${describe(item)}`);
    }
    return { items, vars };
  }

  #valuesAt(items, signals, t) {
    let k = 0;
    const handles = items.map((item) => (item instanceof Signal ? item : signals[k++])[kSignalHandle]());
    return native.sigsValueAtTime(handles, t);
  }

  /**
   * Drops the signals of the given Signals or Vars from this Waveform's cache at once (both
   * the kept recent signal and the identity of a held Signal: the next load reads the file
   * and gives a new Signal; unknown ones are ignored).  Signal objects still referenced
   * elsewhere stay valid; their memory is freed by garbage collection.  Extension (D10 in docs/api.md).
   * @param {Iterable<Signal | Var>} signalsOrVars
   * @throws {TypeError} for items that are neither.
   */
  unloadSignals(signalsOrVars) {
    this.#check();
    if (signalsOrVars === null || typeof signalsOrVars?.[Symbol.iterator] !== 'function') {
      throw typeError('unloadSignals(): expected an iterable of Signal or Var');
    }
    const refs = [];
    for (const item of signalsOrVars) {
      if (item instanceof Signal) refs.push(item[kSignalRef]());
      else if (item instanceof Var) refs.push(item.signalRef());
      else throw typeError(`unloadSignals(): expected Signal or Var items, got ${describe(item)}`);
    }
    native.cacheDrop(this.#cache, Uint32Array.from(refs));
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

  /**
   * New Signals over the addon's signal handles of refs, registered in the cache (offer: a
   * fresh load, also offered to the core's cache of recent signals) unless the Waveform is
   * closed (then they are returned, not cached).
   */
  #adopt(refs, handles, offer) {
    const sigs = new Array(handles.length);
    for (let i = 0; i < handles.length; i++) sigs[i] = new Signal(kInternal, handles[i], refs[i]);
    if (!this.#closed && sigs.length > 0) native.cacheAdd(this.#cache, sigs, handles, offer);
    return sigs;
  }

  /** The cached Signals by ref (held ones, or new ones over kept signals), and the refs to
   * load (each once) in missing[]. */
  #lookup(refs) {
    const uniq = refs.length === 1 ? refs : [...new Set(refs)];
    const found = native.cacheFind(this.#cache, Uint32Array.from(uniq), false);
    const byRef = new Map();
    const missing = [];
    const keptRefs = [];
    const kept = [];
    for (let i = 0; i < uniq.length; i++) {
      const s = found[i];
      if (s === undefined) missing.push(uniq[i]);
      else if (s instanceof Signal) byRef.set(uniq[i], s);
      else {
        keptRefs.push(uniq[i]);
        kept.push(s);
      }
    }
    const sigs = this.#adopt(keptRefs, kept, false);
    for (let i = 0; i < sigs.length; i++) byRef.set(keptRefs[i], sigs[i]);
    return { byRef, missing };
  }

  #loadRefs(refs, multiThreaded, work = { signal: undefined, onProgress: undefined }) {
    const { byRef, missing } = this.#lookup(refs);
    if (missing.length > 0 || work.signal !== undefined || work.onProgress !== undefined) {
      const handles = controlled(work, (flag, onProgress) =>
        native.loadSignals(this.#h, Uint32Array.from(missing), multiThreaded, flag, onProgress));
      const sigs = this.#adopt(missing, handles, true);
      for (let j = 0; j < missing.length; j++) byRef.set(missing[j], sigs[j]);
    }
    return refs.map((r) => byRef.get(r));
  }

  [util.inspect.custom]() {
    const p = typeof this.#path === 'string' ? this.#path : Buffer.from(this.#path).toString();
    if (this.#closed) return `Waveform <${p}> closed`;
    return `Waveform <${p}> body_loaded=${this.bodyLoaded()} cached_signals=${this.signalCacheStats().signals}`;
  }
}

// `using w = ...` / `await using`: Symbol.dispose exists from Node 18.18 and 20.4 on
if (typeof Symbol.dispose === 'symbol') {
  /** Closes the Waveform (`close()`), for `using`. */
  Waveform.prototype[Symbol.dispose] = function dispose() {
    this.close();
  };
}
if (typeof Symbol.asyncDispose === 'symbol') {
  /** Closes the Waveform (`close()`), for `await using`. @returns {Promise<void>} */
  Waveform.prototype[Symbol.asyncDispose] = async function asyncDispose() {
    this.close();
  };
}

require('./render').attach(Waveform); // renderSvg, showText and their async forms
require('./stream').attach(Waveform); // streamChanges, streamChangesSync

module.exports = { Waveform };
