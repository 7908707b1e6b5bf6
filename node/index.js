/**
 * fstwave: fast, robust reading of FST waveform files (Verilator, Icarus, GHDL, nvc, ...)
 * for Node.js, with the class set of pywellen 0.20.5 in JavaScript form.
 *
 * The work is done by fstwave's C core through a Node-API addon (plain C, Node-API 8,
 * build/Release/fstwave.node); this file turns its handles into the classes of the API
 * contract (shared/spec/api-contract.md, section 3): `Waveform`, `Hierarchy`, `Scope`, `Var`,
 * `Signal`, `TimeTable`, `Timescale`, `TimescaleUnit`, `VarIndex` and lazy iterators.
 *
 * Type mapping: times are `bigint` (unsigned 64-bit, in the file's timescale units, see
 * `Hierarchy#timescale`); 2-state bit-vector values are `bigint`; bit vectors with other
 * states (x z h u w l -) and string values are `string`; reals are `number`; events are
 * `""`; indices and widths are `number`; pywellen's `None` is `null`.  Arguments that are
 * times or indices accept a `bigint` or an integral `number`.
 *
 * Errors: `Error` with `code` `ENOENT` / `EACCES` / `EISDIR` / `EIO` (plus `errno`,
 * `syscall`, `path`) for operating-system errors, `FST_FORMAT` (plus `path`) for files that
 * are not FST or are corrupt; `TypeError` / `RangeError` for bad arguments.
 *
 * Behaviour follows pywellen 0.20.5 except for the contract's deliberate deviations D1-D10.
 *
 * @module fstwave
 */
'use strict';

const fs = require('fs');
const path = require('path');
const util = require('util');
const { fileURLToPath } = require('url');

/* ------------------------------------------------------------------ the addon */

function loadNative() {
  const dirs = ['Release', 'Debug'].map((d) => path.join(__dirname, '..', 'build', d, 'fstwave.node'));
  for (const file of dirs) {
    if (fs.existsSync(file)) return require(file);
  }
  throw new Error(
    `fstwave: the native addon is not built (looked for ${dirs.join(', ')}); ` +
      'run `npm install` or `node node/build.js` in the package directory'
  );
}

const native = loadNative();

/* sigQuery's out-parameters (see node/src/nfstw_module.c): change index, next change index
 * (float64, -1 for none), actual time and next time (uint64). */
const queryBuffer = new ArrayBuffer(32);
const queryIdx = new Float64Array(queryBuffer, 0, 2);
const queryTime = new BigUint64Array(queryBuffer, 16, 2);
native.setQueryBuffer(queryBuffer);

/**
 * A signal value: `bigint` (2-state bit vector), `string` (bit vector with other states,
 * string signal, or `""` for an event) or `number` (real).
 * @typedef {bigint | string | number} Value
 */

/**
 * The result of `Signal#querySignal(t)`.
 * @typedef {{value: Value | null, actualTime: bigint | null, nextIdx: number | null,
 *   nextTime: bigint | null}} QueryResult
 */

/** Value encodings reported by the addon. */
const ENC_BITS = 0;

/** Signals made per event-loop turn when an async load completes. */
const ASYNC_SLICE = 4096;

function yieldToEventLoop() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Passed to internal constructors; user code cannot construct these classes. */
const kInternal = Symbol('fstwave.internal');

function checkInternal(token, name) {
  if (token !== kInternal) {
    const e = new TypeError(`${name} is not constructible; obtain it from a Waveform`);
    e.code = 'ERR_ILLEGAL_CONSTRUCTOR';
    throw e;
  }
}

/* Cross-class access to private state, filled in by static blocks. */
let hierHandle; // (Hierarchy) -> native file handle
let hierVar; // (Hierarchy, id) -> Var
let hierScope; // (Hierarchy, id) -> Scope
let hierRefs; // (Hierarchy) -> Uint32Array: signal ref by var id
let signalRefOf; // (Signal) -> number
let hierFullName; // (Hierarchy, id, isVar) -> string

/** An array of n `undefined` with fast elements (`new Array(n)` of 100,000 or more is a
 * slow dictionary in V8). */
function denseArray(n) {
  const a = [];
  for (let i = 0; i < n; i++) a.push(undefined);
  return a;
}

/** %IteratorPrototype%: iterators inherit `[Symbol.iterator]() { return this }` (and the
 * iterator helpers of newer Node versions) from it. */
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

/** A TypeError / RangeError with Node's codes, like the addon's own. */
function typeError(message) {
  const e = new TypeError(message);
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

function rangeError(message) {
  const e = new RangeError(message);
  e.code = 'ERR_OUT_OF_RANGE';
  return e;
}

function toIndex(i, what) {
  if (typeof i === 'bigint') {
    if (i < -(2n ** 53n) || i > 2n ** 53n) throw rangeError(`${what} is out of range`);
    return Number(i);
  }
  if (typeof i !== 'number') throw typeError(`${what} must be a number or a bigint`);
  if (!Number.isInteger(i)) throw rangeError(`${what} must be an integer, got ${i}`);
  return i;
}

function checkHier(h, method) {
  if (h !== undefined && h !== null && !(h instanceof Hierarchy)) {
    throw typeError(`${method}(): the argument must be the file's Hierarchy (or omitted)`);
  }
}

function describe(x) {
  if (x === null) return 'null';
  if (typeof x === 'object' || typeof x === 'function') return x.constructor ? x.constructor.name : 'object';
  return typeof x;
}

/* ------------------------------------------------------------------ Waveform */

const OPTION_NAMES = ['multiThreaded', 'removeScopesWithEmptyName', 'loadBody'];

function parseOptions(options) {
  const opts = { multiThreaded: true, removeScopesWithEmptyName: false, loadBody: true };
  if (options === undefined || options === null) return opts;
  if (typeof options !== 'object') throw typeError(`options must be an object, got ${describe(options)}`);
  for (const k of OPTION_NAMES) {
    const v = options[k];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw typeError(`options.${k} must be a boolean, got ${describe(v)}`);
    opts[k] = v;
  }
  return opts;
}

function toPath(p) {
  if (typeof p === 'string' || p instanceof Uint8Array) return p;
  if (p instanceof URL) return fileURLToPath(p);
  throw typeError(`path must be a string, a Buffer or a file: URL, got ${describe(p)}`);
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
 * (deviation D10: pywellen re-reads the file on every `get_signal`).  The file stays open as
 * long as the Waveform, its Hierarchy, a Var, a Scope or a Signal of it is reachable; it is
 * closed by garbage collection, or when the worker / environment that opened it exits.
 */
class Waveform {
  #h;
  #path;
  #multiThreaded;
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
   *   children to the parent (deviation D8: wellen does this for VCD only); `loadBody`
   *   (default true) reads the body now instead of on first need.
   * @throws {Error} code `ENOENT`, `EACCES`, `EISDIR` or `EIO` (with `path`, `errno`,
   *   `syscall`) for operating-system errors; code `FST_FORMAT` for a file that is not FST
   *   (VCD and GHW files are named as such, deviation D7) or is corrupt (deviation D5).
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
    this.#hier = new Hierarchy(kInternal, this.#h);
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

  /** The file's Hierarchy: the same object on every access (deviation D6). @type {Hierarchy} */
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
    const hd = headerOf(this.#hier);
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
   * (blocking) and cached until `unloadSignals()` (deviation D10).
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
    return this.#loadRefs([hierVar(this.#hier, id).signalRef()], this.#multiThreaded)[0];
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
      if (item instanceof Signal) ref = signalRefOf(item);
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

/* ------------------------------------------------------------------ Hierarchy */

let headerOf; // (Hierarchy) -> the native header object (cached)

/**
 * The scopes and vars of an open FST file, plus header metadata (pywellen's `Hierarchy`).
 * Not constructible: use `Waveform#hierarchy`.  Var and Scope objects are created lazily and
 * cached, so the same item is always the same object (usable as a Map key, deviation D6).
 */
class Hierarchy {
  #h;
  #header = null;
  #vars = null; // Var wrappers by id, filled lazily
  #scopes = null;
  #varNames = null; // [all var full names, Uint32Array offsets] | false (see hierFullName)
  #uniqueNames = null; // [unique vars' full names, offsets, positions | null] | false
  #scopeNames = null;
  #unique = null; // Uint32Array of var ids, pywellen's all_vars() order
  #refs = null; // Uint32Array: signal ref by var id

  /** @hideconstructor */
  constructor(token, handle) {
    checkInternal(token, 'Hierarchy');
    this.#h = handle;
  }

  static {
    hierHandle = (h) => h.#h;
    headerOf = (h) => (h.#header ??= native.header(h.#h));
    hierVar = (h, id) => {
      const a = (h.#vars ??= denseArray(headerOf(h).varCount));
      return (a[id] ??= new Var(kInternal, h, id));
    };
    hierFullName = (h, id, isVar) => {
      // names in one string, cut with slice (see native varFullNames); first the unique
      // vars' (what allVars() yields: a file with many aliases has several times more
      // vars), then every var's; per name when the names are not ASCII
      if (isVar) {
        const u = (h.#uniqueNames ??= native.uniqueVarFullNames(h.#h) ?? false);
        if (u) {
          const p = u[2] === null ? id : u[2][id];
          if (p >= 0) return u[0].slice(u[1][p], u[1][p + 1]);
        }
      }
      const c = isVar ? (h.#varNames ??= native.varFullNames(h.#h) ?? false)
        : (h.#scopeNames ??= native.scopeFullNames(h.#h) ?? false);
      if (c) return c[0].slice(c[1][id], c[1][id + 1]);
      return isVar ? native.varFullName(h.#h, id) : native.scopeFullName(h.#h, id);
    };
    hierRefs = (h) => (h.#refs ??= native.varSignalRefs(h.#h));
    hierScope = (h, id) => {
      const a = (h.#scopes ??= denseArray(headerOf(h).scopeCount));
      return (a[id] ??= new Scope(kInternal, h, id));
    };
  }

  /**
   * The vars of the file.  By default one Var per signal (aliases collapsed), in ascending
   * signal order, the Var for each signal being the *last* one declared with its handle
   * (pywellen 0.20.5's `get_unique_signals_vars`, which code compares counts against).  With
   * `{ includeAliases: true }` every declared var, in hierarchy declaration order (extension).
   * @param {{includeAliases?: boolean}} [options]
   * @returns {VarIter} a lazy iterator
   */
  allVars(options) {
    let includeAliases = false;
    if (options !== undefined && options !== null) {
      if (typeof options !== 'object') throw typeError('allVars(): options must be an object');
      if (options.includeAliases !== undefined) {
        if (typeof options.includeAliases !== 'boolean') {
          throw typeError('allVars(): options.includeAliases must be a boolean');
        }
        includeAliases = options.includeAliases;
      }
    }
    if (includeAliases) return new VarIter(kInternal, this, null, headerOf(this).varCount);
    this.#unique ??= native.uniqueVars(this.#h);
    return new VarIter(kInternal, this, this.#unique, this.#unique.length);
  }

  /**
   * The top-level scopes in first-declaration order.
   * @returns {ScopeIter} a lazy iterator
   */
  topScopes() {
    const ids = native.topScopes(this.#h);
    return new ScopeIter(kInternal, this, ids);
  }

  /**
   * The FST header's date field, cut at the first NUL and trimmed at both ends (libfst writes
   * a trailing newline).
   * @returns {string}
   */
  date() {
    return headerOf(this).date;
  }

  /**
   * The FST header's version (writer) field, cut at the first NUL and trimmed.
   * @returns {string}
   */
  version() {
    return headerOf(this).version;
  }

  /**
   * The duration of one time unit of the file (every time in this API is a count of these):
   * the FST exponent mapped to the largest unit not above it (-11 -> 10ps, -9 -> 1ns,
   * 0 -> 1s; wellen's rule), or `null` when the exponent has no unit (outside -21..9).
   * @returns {Timescale | null}
   */
  timescale() {
    const ts = headerOf(this).timescale;
    return ts === null ? null : new Timescale(kInternal, ts.factor, new TimescaleUnit(kInternal, ts.exponent, ts.unit));
  }

  /**
   * Always `"FST"` (only FST files are read, deviation D7).
   * @returns {"FST"}
   */
  fileFormat() {
    return 'FST';
  }

  [util.inspect.custom]() {
    const hd = headerOf(this);
    return `Hierarchy FST scopes=${hd.scopeCount} vars=${hd.varCount} signals=${hd.signalCount}`;
  }
}

/* ------------------------------------------------------------------ Scope */

/**
 * A scope (module, task, VHDL block, ...) of the hierarchy (pywellen's `Scope`).  Not
 * constructible: obtained from `Hierarchy#topScopes()` and `Scope#scopes()`.  Each scope is
 * one object per Hierarchy (identity equality, usable as a Map key).
 */
class Scope {
  #hier;
  #id;
  #info = null;

  /** @hideconstructor */
  constructor(token, hier, id) {
    checkInternal(token, 'Scope');
    this.#hier = hier;
    this.#id = id;
  }

  #i() {
    return (this.#info ??= native.scopeInfo(hierHandle(this.#hier), this.#id));
  }

  /**
   * The scope's own name; may be `""` (empty names are kept, never renamed).
   * @param {Hierarchy} [hier] pywellen's argument; accepted and ignored
   * @returns {string}
   */
  name(hier) {
    checkHier(hier, 'name');
    return this.#i().name;
  }

  /**
   * The names of all ancestor scopes and this one joined with `.` (empty names kept, so
   * `a..b` can occur).
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {string}
   */
  fullName(hier) {
    checkHier(hier, 'fullName');
    return hierFullName(this.#hier, this.#id, false);
  }

  /**
   * pywellen's scope type name: `module`, `task`, `function`, `begin`, `fork`, `generate`,
   * `struct`, `union`, `class`, `interface`, `package`, `program`, `vhdl_architecture`, ...
   * `vhdl_package` for FST scope codes 0..21, `unknown` for SV arrays, `vhdl_array` for
   * scopes made from array-style var names.
   * @returns {string}
   */
  scopeType() {
    return this.#i().scopeType;
  }

  /**
   * The vars declared directly in this scope, in declaration order (aliases included).
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {VarIter}
   */
  vars(hier) {
    checkHier(hier, 'vars');
    const ids = native.scopeVars(hierHandle(this.#hier), this.#id);
    return new VarIter(kInternal, this.#hier, ids, ids.length);
  }

  /**
   * The direct child scopes in declaration order (duplicate scope declarations are merged
   * into the first one, as wellen does).
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {ScopeIter}
   */
  scopes(hier) {
    checkHier(hier, 'scopes');
    return new ScopeIter(kInternal, this.#hier, native.scopeScopes(hierHandle(this.#hier), this.#id));
  }

  [util.inspect.custom]() {
    return `Scope <${this.fullName()}> type=${this.scopeType()}`;
  }
}

/* ------------------------------------------------------------------ Var */

/**
 * The bit range `[msb:lsb]` split off a var's declared name (`Var#index()`).  Extension.
 */
class VarIndex {
  /** @hideconstructor */
  constructor(token, msb, lsb) {
    checkInternal(token, 'VarIndex');
    /** The most significant (left) bit index. @type {number} */
    this.msb = msb;
    /** The least significant (right) bit index. @type {number} */
    this.lsb = lsb;
    Object.freeze(this);
  }

  /** `"[msb:lsb]"`, e.g. `"[7:0]"`. @returns {string} */
  toString() {
    return `[${this.msb}:${this.lsb}]`;
  }
}

/**
 * A variable (signal declaration) of the hierarchy (pywellen's `Var`).  Not constructible:
 * obtained from `Hierarchy#allVars()` and `Scope#vars()`.  Each var is one object per
 * Hierarchy (identity equality, usable as a Map key).  Aliases (vars sharing a signal) are
 * different Vars with the same `signalRef()`.
 */
class Var {
  #hier;
  #id;
  #info = null;

  /** @hideconstructor */
  constructor(token, hier, id) {
    checkInternal(token, 'Var');
    this.#hier = hier;
    this.#id = id;
  }

  #i() {
    return (this.#info ??= native.varInfo(hierHandle(this.#hier), this.#id));
  }

  /**
   * The var's name after wellen's name parsing: a trailing bit range whose width equals the
   * declared length is split off (see `index()`); other trailing `[...]` groups became array
   * scopes, so the name may be e.g. `"[3]"`.  Invalid UTF-8 is decoded with U+FFFD (D9).
   * @param {Hierarchy} [hier] pywellen's argument; accepted and ignored
   * @returns {string}
   */
  name(hier) {
    checkHier(hier, 'name');
    return this.#i().name;
  }

  /**
   * The parent scope's full name + `.` + `name()`; just `name()` at top level.
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {string}
   */
  fullName(hier) {
    checkHier(hier, 'fullName');
    return hierFullName(this.#hier, this.#id, true);
  }

  /**
   * Number of bits of a bit-vector var (a declared 0 counts as 1; PORT vars have
   * (raw - 2) / 3); `0` for events; `null` for reals and strings.
   * @param {Hierarchy} [hier] accepted and ignored (pywellen 0.22+ takes it)
   * @returns {number | null}
   */
  bitwidth(hier) {
    checkHier(hier, 'bitwidth');
    return this.#i().width;
  }

  /**
   * Same as `bitwidth()` (pywellen has both).
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {number | null}
   */
  length(hier) {
    checkHier(hier, 'length');
    return this.bitwidth();
  }

  /**
   * pywellen's var type name: `Event`, `Integer`, `Parameter`, `Real`, ... `ShortReal` for FST
   * var type codes 0..29, or the VHDL type GHDL/nvc attributes select (`Boolean`,
   * `BitVector`, `StdLogic`, `StdLogicVector`, `StdULogic`, `StdULogicVector`, ...), as wellen
   * merges them.
   * @returns {string}
   */
  varType() {
    return this.#i().varType;
  }

  /**
   * `Implicit`, `Input`, `Output`, `InOut`, `Buffer` or `Linkage` (FST direction codes 0..5).
   * @returns {string}
   */
  direction() {
    return this.#i().direction;
  }

  /**
   * `null`, or `[enumName, [[value, literal], ...]]` in table order from the FST enum-table
   * attributes (raw strings, libfst's escapes not undone).  A new array on every call.
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {[string, Array<[string, string]>] | null}
   */
  enumType(hier) {
    checkHier(hier, 'enumType');
    const id = this.#i().enumId;
    return id < 0 ? null : native.enumType(hierHandle(this.#hier), id);
  }

  /**
   * `null`, or the VHDL type name from the GHDL/nvc supplemental attribute.
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {string | null}
   */
  vhdlTypeName(hier) {
    checkHier(hier, 'vhdlTypeName');
    return this.#i().vhdlTypeName;
  }

  /**
   * True for REAL, REAL_PARAMETER, REALTIME and SV_SHORTREAL vars (values are `number`).
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {boolean}
   */
  isReal(hier) {
    checkHier(hier, 'isReal');
    return this.#i().isReal;
  }

  /**
   * True for GEN_STRING vars (values are `string`, bytes decoded as Latin-1).
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {boolean}
   */
  isString(hier) {
    checkHier(hier, 'isString');
    return this.#i().isString;
  }

  /**
   * True for vars whose values are bit vectors (`bigint` or `string`); false for events,
   * reals and strings.
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {boolean}
   */
  isBitVector(hier) {
    checkHier(hier, 'isBitVector');
    return this.#i().isBitVector;
  }

  /**
   * True for bit vectors of width 1 (false for events).
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {boolean}
   */
  is1Bit(hier) {
    checkHier(hier, 'is1Bit');
    return this.#i().is1Bit;
  }

  /**
   * The bit range split off the declared name (`data[7:0]` -> `{msb: 7, lsb: 0}`, `clk[0]` ->
   * `{msb: 0, lsb: 0}`), or `null`.  Exact for indices up to 2^53 in magnitude.  Extension.
   * @returns {VarIndex | null}
   */
  index() {
    const i = this.#i();
    return i.msb === null ? null : new VarIndex(kInternal, i.msb, i.lsb);
  }

  /**
   * The signal this var shows: FST handle - 1; equal for aliases.  The key of the Waveform's
   * signal cache.  Extension.
   * @returns {number}
   */
  signalRef() {
    return hierRefs(this.#hier)[this.#id];
  }

  [util.inspect.custom]() {
    const i = this.#i();
    const kind = i.encoding === ENC_BITS ? `bits=${i.bitwidth}` : ['', 'real', 'string', 'event'][i.encoding];
    return `Var <${this.fullName()}> ${kind} signal_ref=${i.signalRef}`;
  }
}

/* ------------------------------------------------------------------ iterators */

/**
 * A lazy iterator over Var objects (works with `for...of` and spreading).
 */
class VarIter {
  #hier;
  #ids;
  #n;
  #pos = 0;

  /** @hideconstructor */
  constructor(token, hier, ids, n) {
    checkInternal(token, 'VarIter');
    this.#hier = hier;
    this.#ids = ids; // null: 0..n-1
    this.#n = n;
  }

  /** @returns {IteratorResult<Var, undefined>} */
  next() {
    if (this.#pos >= this.#n) return { value: undefined, done: true };
    const id = this.#ids === null ? this.#pos : this.#ids[this.#pos];
    this.#pos++;
    return { value: hierVar(this.#hier, id), done: false };
  }

  /** @returns {VarIter} this */
  [Symbol.iterator]() {
    return this;
  }
}
Object.setPrototypeOf(VarIter.prototype, IteratorPrototype);

/**
 * A lazy iterator over Scope objects (works with `for...of` and spreading).
 */
class ScopeIter {
  #hier;
  #ids;
  #pos = 0;

  /** @hideconstructor */
  constructor(token, hier, ids) {
    checkInternal(token, 'ScopeIter');
    this.#hier = hier;
    this.#ids = ids;
  }

  /** @returns {IteratorResult<Scope, undefined>} */
  next() {
    if (this.#pos >= this.#ids.length) return { value: undefined, done: true };
    return { value: hierScope(this.#hier, this.#ids[this.#pos++]), done: false };
  }

  /** @returns {ScopeIter} this */
  [Symbol.iterator]() {
    return this;
  }
}
Object.setPrototypeOf(ScopeIter.prototype, IteratorPrototype);

/**
 * A lazy iterator over a Signal's changes as `[time, value]` pairs (times in timescale units).
 * Values are converted in small batches as the iteration proceeds.  `length` is the number of
 * changes not yet yielded, like `len()` of pywellen's SignalChangeIter.
 */
class SignalChangeIter {
  #s;
  #pos; // next change to fetch from the addon
  #end;
  #buf = null; // [t, v, t, v, ...] fetched but not yielded
  #bufPos = 0;
  #chunk = 16;

  /** @hideconstructor */
  constructor(token, handle, start, end) {
    checkInternal(token, 'SignalChangeIter');
    this.#s = handle;
    this.#pos = start;
    this.#end = end;
  }

  /** @returns {IteratorResult<[bigint, Value], undefined>} */
  next() {
    if (this.#buf === null || this.#bufPos >= this.#buf.length) {
      if (this.#pos >= this.#end) {
        this.#buf = null;
        return { value: undefined, done: true };
      }
      const n = Math.min(this.#chunk, this.#end - this.#pos);
      this.#buf = native.sigChanges(this.#s, this.#pos, this.#pos + n);
      this.#bufPos = 0;
      this.#pos += n;
      if (this.#chunk < 4096) this.#chunk *= 4;
    }
    const t = this.#buf[this.#bufPos];
    const v = this.#buf[this.#bufPos + 1];
    this.#bufPos += 2;
    return { value: [t, v], done: false };
  }

  /** Changes not yet yielded. @type {number} */
  get length() {
    const buffered = this.#buf === null ? 0 : (this.#buf.length - this.#bufPos) / 2;
    return this.#end - this.#pos + buffered;
  }

  /** @returns {SignalChangeIter} this */
  [Symbol.iterator]() {
    return this;
  }
}
Object.setPrototypeOf(SignalChangeIter.prototype, IteratorPrototype);

/* ------------------------------------------------------------------ Signal */

/**
 * The changes of one signal, loaded from the file (pywellen's `Signal`).  Not constructible:
 * use `Waveform#getSignal()` and friends.  Values: `bigint` for 2-state bit vectors (unsigned,
 * any width), `string` (MSB first, lowercase `0 1 x z h u w l -`) for bit vectors with other
 * states, `number` for reals, `string` (Latin-1) for strings and `""` for events (D4).  Times
 * are `bigint` in timescale units.  A Signal keeps its file open while it is reachable.
 */
class Signal {
  #s;
  #ref;
  #len = -1;

  /** @hideconstructor */
  constructor(token, handle, ref) {
    checkInternal(token, 'Signal');
    this.#s = handle;
    this.#ref = ref;
  }

  static {
    signalRefOf = (s) => s.#ref;
  }

  /** The number of stored changes (after pywellen's de-duplication). @type {number} */
  get length() {
    if (this.#len < 0) this.#len = native.sigLength(this.#s);
    return this.#len;
  }

  /**
   * Every stored change as `[time, value]`, in time order; several changes in one time step
   * each come with their own value (deviation D2).
   * @returns {SignalChangeIter}
   */
  allChanges() {
    return new SignalChangeIter(kInternal, this.#s, 0, this.length);
  }

  /**
   * The changes with `time >= t`.  Extension.
   * @param {bigint | number} t a time in timescale units
   * @returns {SignalChangeIter}
   * @throws {RangeError} for a negative or non-integral `t`.
   */
  allChangesAfter(t) {
    return new SignalChangeIter(kInternal, this.#s, native.sigLowerBound(this.#s, t), this.length);
  }

  /**
   * The value at or before time `t`, or `null` before the first change (or before the first
   * time-table entry).  Deviation D1: pywellen returns the next step's value between steps;
   * several changes in one step: the last (settled) one wins (D2).
   * @param {bigint | number} t a time in timescale units
   * @returns {Value | null}
   * @throws {RangeError} for a negative or non-integral `t`.
   */
  valueAtTime(t) {
    return native.sigValueAtTime(this.#s, t);
  }

  /**
   * The value at time-table index `idx` (that of the last change at or before it), or `null`
   * before the first change.  As pywellen (with D2).
   * @param {bigint | number} idx an index into the time table, 0 .. 2^32-1
   * @returns {Value | null}
   * @throws {RangeError} for a negative, non-integral or too large `idx`.
   */
  valueAtIdx(idx) {
    return native.sigValueAtIdx(this.#s, idx);
  }

  /**
   * The value at or before `t` and the time of the change it comes from (`actualTime`), plus
   * the index in this signal's change list and the time of the first change after `t`
   * (`nextIdx`, `nextTime`, both `null` when there is none).  Before the first change:
   * `{value: null, actualTime: null, nextIdx: 0, nextTime: <first change time>}`.  Extension.
   * @param {bigint | number} t a time in timescale units
   * @returns {QueryResult}
   */
  querySignal(t) {
    const value = native.sigQuery(this.#s, t);
    const change = queryIdx[0];
    const next = queryIdx[1];
    return {
      value,
      actualTime: change >= 0 ? queryTime[0] : null,
      nextIdx: next >= 0 ? next : null,
      nextTime: next >= 0 ? queryTime[1] : null,
    };
  }

  [util.inspect.custom]() {
    return `Signal signal_ref=${this.#ref} changes=${this.length}`;
  }
}

/* ------------------------------------------------------------------ TimeTable */

/**
 * The file's time table: a read-only sequence of `bigint` times (timescale units), one per
 * time step, in file order, block-boundary duplicates kept (as pywellen).  `length`,
 * `at(i)` with negative indices, iteration and spreading (deviation D3: pywellen's has no
 * `len()`, returns `None` out of range and iterates forever).  Not constructible.
 */
class TimeTable {
  #t;

  /** @hideconstructor */
  constructor(token, times) {
    checkInternal(token, 'TimeTable');
    this.#t = times; // a BigUint64Array copy, never handed out
  }

  /** The number of time steps. @type {number} */
  get length() {
    return this.#t.length;
  }

  /**
   * The time at index `i`; negative `i` counts from the end (`at(-1)` is the last time).
   * `undefined` out of range, like `Array.prototype.at`.
   * @param {number | bigint} i
   * @returns {bigint | undefined}
   * @throws {TypeError | RangeError} when `i` is not an integer.
   */
  at(i) {
    i = toIndex(i, 'index');
    if (i < 0) i += this.#t.length;
    if (i < 0 || i >= this.#t.length) return undefined;
    return this.#t[i];
  }

  /** @returns {IterableIterator<bigint>} the times in order */
  [Symbol.iterator]() {
    return this.#t[Symbol.iterator]();
  }

  [util.inspect.custom]() {
    const n = this.#t.length;
    return n === 0 ? 'TimeTable len=0' : `TimeTable len=${n} first=${this.#t[0]} last=${this.#t[n - 1]}`;
  }
}

/* ------------------------------------------------------------------ Timescale */

/**
 * The unit of a Timescale (pywellen's `TimescaleUnit`): `toString()` is one of
 * `zs as fs ps ns us ms s`, `toExponent()` the power of ten of seconds.
 */
class TimescaleUnit {
  #exp;
  #name;

  /** @hideconstructor */
  constructor(token, exponent, name) {
    checkInternal(token, 'TimescaleUnit');
    this.#exp = exponent;
    this.#name = name;
  }

  /** `zs`, `as`, `fs`, `ps`, `ns`, `us`, `ms` or `s` (`unknown` never occurs for FST). @returns {string} */
  toString() {
    return this.#name;
  }

  /** The unit as a power of ten of seconds: ns -> -9, s -> 0. @returns {number} */
  toExponent() {
    return this.#exp;
  }

  [util.inspect.custom]() {
    return `TimescaleUnit.${this}`;
  }
}

/**
 * The duration of one time unit of the file: `factor` x `unit` (pywellen's `Timescale`);
 * `toString()` like `"10ps"`.
 */
class Timescale {
  /** @hideconstructor */
  constructor(token, factor, unit) {
    checkInternal(token, 'Timescale');
    /** The multiplier of the unit: 1, 10 or 100. @type {number} */
    this.factor = factor;
    /** @type {TimescaleUnit} */
    this.unit = unit;
    Object.freeze(this);
  }

  /** `factor` followed by the unit, e.g. `"10ps"`, `"1ns"`. @returns {string} */
  toString() {
    return `${this.factor}${this.unit}`;
  }

  [util.inspect.custom]() {
    return `Timescale(factor=${this.factor}, unit=TimescaleUnit.${this.unit})`;
  }
}

/* ------------------------------------------------------------------ exports */

/**
 * Diagnostics for tests: how many files and signals this thread's addon instance holds open.
 * Not part of the contract.
 * @returns {{openFiles: number, liveSignals: number}}
 */
function _nativeStats() {
  return native.stats();
}

module.exports = {
  Waveform,
  Hierarchy,
  Scope,
  Var,
  VarIndex,
  VarIter,
  ScopeIter,
  Signal,
  SignalChangeIter,
  TimeTable,
  Timescale,
  TimescaleUnit,
  version: '0.1.0',
  napiVersion: native.napiVersion,
  _nativeStats,
};
