/**
 * The hierarchy of an open file: `Hierarchy` (header metadata, top scopes, all vars),
 * `Scope`, `Var`, `VarIndex` and the lazy `VarIter` / `ScopeIter`, over the addon's
 * hierarchy accessors (node/src/nfstw_hier.c).
 *
 * What they share is one `HierarchyState` per file (internal: not exported by the package):
 * the native file handle, the header, the caches of Var and Scope objects (one object per
 * item, deviation D6 in docs/api.md), of full names and of signal refs.  The Waveform creates it; the
 * Hierarchy, every Scope, Var and iterator keep it in a private field.
 *
 * @module fstwave/lib/hierarchy
 */
'use strict';

const util = require('util');
const native = require('./native');
const { kInternal, checkInternal, kVarId, IteratorPrototype } = require('./internal');
const { typeError, describe } = require('./args');
const { timescaleOf } = require('./time');

/** Signal refs asked for one by one before the array of all of them is made. */
const REF_CALLS = 64;

/** Value encodings reported by the addon. */
const ENC_BITS = 0;

/** An array of n `undefined` with fast (holey) elements: `fill` keeps the elements fast
 * where `new Array(n)` alone of 100,000 or more is a slow dictionary in V8, and it is one
 * builtin loop instead of n pushes. */
function denseArray(n) {
  return new Array(n).fill(undefined);
}

/**
 * Name `k` of the addon's joined names `[chunks, offsets, chunkOf, starts]` (nfstw_hier.c
 * joined_names): a slice of its chunk string.
 */
function cutName(names, k) {
  const c = names[2][k];
  const start = names[3][c];
  return names[0][c].slice(names[1][k] - start, names[1][k + 1] - start);
}

/** pywellen's optional `hier` argument: a Hierarchy or nothing (accepted and ignored). */
function checkHier(h, method) {
  if (h !== undefined && h !== null && !(h instanceof Hierarchy)) {
    throw typeError(`${method}(): the argument must be the file's Hierarchy (or omitted)`);
  }
}

/**
 * The shared state of one file's hierarchy (internal).  Every accessor caches what it reads
 * from the addon for the life of the file.
 */
class HierarchyState {
  #header = null;
  #vars = null; // Var wrappers by id, filled lazily
  #scopes = null;
  #varInfo = null; // the addon's varInfo objects by var id, filled lazily
  #scopeInfo = null;
  #varNames = null; // every var's full name, joined (see varFullName) | false: name by name
  #uniqueNames = null; // the unique vars' full names, joined, + positions | null | false
  #scopeNames = null;
  #unique = null; // Uint32Array of var ids, pywellen's all_vars() order
  #allIds = null; // Uint32Array 0..varCount-1
  #refs = null; // Uint32Array: signal ref by var id
  #refCalls = 0; // signalRef() calls answered one by one so far

  /** @param {object} handle the addon's file handle (nfstw_file.c) */
  constructor(handle) {
    /** The addon's file handle. */
    this.handle = handle;
  }

  /** The addon's header object: counts, date, version, time range, timescale (cached). */
  header() {
    return (this.#header ??= native.header(this.handle));
  }

  /** The Var of var id `id` (one object per id). @returns {Var} */
  var(id) {
    return (this.varArray()[id] ??= new Var(kInternal, this, id));
  }

  /** The Vars by var id (`undefined` where none is made yet), for VarIter. @returns {Array} */
  varArray() {
    return (this.#vars ??= denseArray(this.header().varCount));
  }

  /** The Scope of scope id `id` (one object per id). @returns {Scope} */
  scope(id) {
    const a = (this.#scopes ??= denseArray(this.header().scopeCount));
    return (a[id] ??= new Scope(kInternal, this, id));
  }

  /** The addon's varInfo of var `id` (cached per id: a Var holds only its state and id). */
  varInfo(id) {
    const a = (this.#varInfo ??= denseArray(this.header().varCount));
    return (a[id] ??= native.varInfo(this.handle, id));
  }

  /** The addon's scopeInfo of scope `id` (cached per id). */
  scopeInfo(id) {
    const a = (this.#scopeInfo ??= denseArray(this.header().scopeCount));
    return (a[id] ??= native.scopeInfo(this.handle, id));
  }

  /** The full name of scope `id` (see varFullName). @returns {string} */
  scopeFullName(id) {
    const c = (this.#scopeNames ??= native.scopeFullNames(this.handle) ?? false);
    return c ? cutName(c, id) : native.scopeFullName(this.handle, id);
  }

  /**
   * The full name of var `id`.  Names come in a few strings, cut with slice (see native
   * varFullNames, nfstw_hier.c joined_names): first the unique vars' (what allVars() yields:
   * a file with many aliases has several times more vars), then every var's; one by one when
   * the names are not ASCII.  The unique vars' cut is cutName's, written out: one function
   * call less on the path of a walk.
   * @returns {string}
   */
  varFullName(id) {
    const u = (this.#uniqueNames ??= native.uniqueVarFullNames(this.handle) ?? false);
    if (u) {
      const p = u[4] === null ? id : u[4][id];
      if (p >= 0) {
        const c = u[2][p];
        const start = u[3][c];
        return u[0][c].slice(u[1][p] - start, u[1][p + 1] - start);
      }
    }
    const a = (this.#varNames ??= native.varFullNames(this.handle) ?? false);
    return a ? cutName(a, id) : native.varFullName(this.handle, id);
  }

  /**
   * The signal ref of var `id`: a native call each for the first REF_CALLS, then from the
   * array of all of them (a first getSignal of a file with 400,000 vars need not make it;
   * a load of more vars makes it once).
   * @returns {number}
   */
  signalRef(id) {
    if (this.#refs === null && ++this.#refCalls <= REF_CALLS) return native.varSignalRef(this.handle, id);
    return this.refs()[id];
  }

  /** Signal ref by var id. @returns {Uint32Array} */
  refs() {
    return (this.#refs ??= native.varSignalRefs(this.handle));
  }

  /**
   * The item at `path` inside scope `scopeId` (null: the top level), or undefined: the core's
   * fstw_lookup_item (pywellen 0.25's lookup by name; see `Waveform#get`).
   * @param {number | null} scopeId
   * @param {string} path
   * @param {string} method for messages
   * @returns {Var | Scope | undefined}
   * @throws {TypeError} when `path` is not a string.
   */
  lookup(scopeId, path, method) {
    if (typeof path !== 'string') throw typeError(`${method}(): the path must be a string, got ${describe(path)}`);
    const code = native.lookupItem(this.handle, scopeId, path);
    if (code < 0) return undefined;
    return code % 2 === 1 ? this.var((code - 1) / 2) : this.scope(code / 2);
  }

  /** Every var id in order (allVars({includeAliases: true})). @returns {Uint32Array} */
  allVarIds() {
    if (this.#allIds === null) {
      const ids = new Uint32Array(this.header().varCount);
      for (let i = 0; i < ids.length; i++) ids[i] = i;
      this.#allIds = ids;
    }
    return this.#allIds;
  }

  /** The var ids of allVars(), pywellen's order. @returns {Uint32Array} */
  uniqueVars() {
    return (this.#unique ??= native.uniqueVars(this.handle));
  }
}

/**
 * The scopes and vars of an open FST file, plus header metadata (pywellen's `Hierarchy`).
 * Not constructible: use `Waveform#hierarchy`.  Var and Scope objects are created lazily and
 * cached, so the same item is always the same object (usable as a Map key, deviation D6 in
 * docs/api.md).
 */
class Hierarchy {
  #s;

  /** @hideconstructor */
  constructor(token, state) {
    checkInternal(token, 'Hierarchy');
    this.#s = state;
  }

  /**
   * The vars of the file.  By default one Var per signal (aliases collapsed), in ascending
   * signal order, the Var for each signal being the *last* one declared with its handle
   * (pywellen 0.20.5's `get_unique_signals_vars`, which code compares counts against).  With
   * `{ includeAliases: true }` every declared var, in hierarchy declaration order (extension).
   * The Var objects are made as the iterator reaches them (the first time; then kept).
   * @param {{includeAliases?: boolean}} [options]
   * @returns {VarIter} an iterator
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
    if (includeAliases) return new VarIter(kInternal, this.#s, this.#s.allVarIds());
    return new VarIter(kInternal, this.#s, this.#s.uniqueVars());
  }

  /**
   * The top-level scopes in first-declaration order.
   * @returns {ScopeIter} a lazy iterator
   */
  topScopes() {
    const ids = native.topScopes(this.#s.handle);
    return new ScopeIter(kInternal, this.#s, ids);
  }

  /**
   * The FST header's date field, cut at the first NUL and trimmed at both ends (libfst writes
   * a trailing newline).
   * @returns {string}
   */
  date() {
    return this.#s.header().date;
  }

  /**
   * The FST header's version (writer) field, cut at the first NUL and trimmed.
   * @returns {string}
   */
  version() {
    return this.#s.header().version;
  }

  /**
   * The duration of one time unit of the file (every time in this API is a count of these):
   * the FST exponent mapped to the largest unit not above it (-11 -> 10ps, -9 -> 1ns,
   * 0 -> 1s; wellen's rule), or `null` when the exponent has no unit (outside -21..9).
   * @returns {Timescale | null}
   */
  timescale() {
    return timescaleOf(this.#s.header().timescale);
  }

  /**
   * Always `"FST"` (only FST files are read, deviation D7 in docs/api.md).
   * @returns {"FST"}
   */
  fileFormat() {
    return 'FST';
  }

  [util.inspect.custom]() {
    const hd = this.#s.header();
    return `Hierarchy FST scopes=${hd.scopeCount} vars=${hd.varCount} signals=${hd.signalCount}`;
  }
}

/**
 * A scope (module, task, VHDL block, ...) of the hierarchy (pywellen's `Scope`).  Not
 * constructible: obtained from `Hierarchy#topScopes()` and `Scope#scopes()`.  Each scope is
 * one object per Hierarchy (identity equality, usable as a Map key).
 */
class Scope {
  #s;
  #id;

  /** @hideconstructor */
  constructor(token, state, id) {
    if (token !== kInternal) checkInternal(token, 'Scope');
    this.#s = state;
    this.#id = id;
  }

  #i() {
    return this.#s.scopeInfo(this.#id);
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
    return this.#s.scopeFullName(this.#id);
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
    return new VarIter(kInternal, this.#s, native.scopeVars(this.#s.handle, this.#id));
  }

  /**
   * The direct child scopes in declaration order (duplicate scope declarations are merged
   * into the first one, as wellen does).
   * @param {Hierarchy} [hier] accepted and ignored
   * @returns {ScopeIter}
   */
  scopes(hier) {
    checkHier(hier, 'scopes');
    return new ScopeIter(kInternal, this.#s, native.scopeScopes(this.#s.handle, this.#id));
  }

  /**
   * The Var or Scope at `path` relative to this scope, or `undefined`: pywellen 0.25's
   * `scope["b.c"]`, by the rule of `Waveform#get` applied to this scope's items.  The same
   * object the hierarchy hands out for that item.  Extension (contract section 5).
   * @param {string} path e.g. `"cpu.pc"`
   * @returns {Var | Scope | undefined}
   * @throws {TypeError} when `path` is not a string.
   */
  get(path) {
    return this.#s.lookup(this.#id, path, 'get');
  }

  [util.inspect.custom]() {
    return `Scope <${this.fullName()}> type=${this.scopeType()}`;
  }
}

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
  #s;
  #id;

  /** @hideconstructor */
  constructor(token, state, id) {
    if (token !== kInternal) checkInternal(token, 'Var'); // inline: one call less per Var
    this.#s = state;
    this.#id = id;
  }

  #i() {
    return this.#s.varInfo(this.#id);
  }

  /** The var id (internal, lib/render.js). */
  [kVarId]() { return this.#id; }

  /**
   * The var's name after wellen's name parsing: a trailing bit range whose width equals the
   * declared length is split off (see `index()`); other trailing `[...]` groups became array
   * scopes, so the name may be e.g. `"[3]"`.  Invalid UTF-8 is decoded with U+FFFD
   * (deviation D9 in docs/api.md).
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
    if (hier !== undefined) checkHier(hier, 'fullName'); // inline: the hot path of a walk
    return this.#s.varFullName(this.#id);
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
    return id < 0 ? null : native.enumType(this.#s.handle, id);
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
    return this.#s.signalRef(this.#id);
  }

  [util.inspect.custom]() {
    const i = this.#i();
    const kind = i.encoding === ENC_BITS ? `bits=${i.bitwidth}` : ['', 'real', 'string', 'event'][i.encoding];
    return `Var <${this.fullName()}> ${kind} signal_ref=${i.signalRef}`;
  }
}

/**
 * A lazy iterator over Var objects (works with `for...of` and spreading): the Vars of a list
 * of var ids, each made when first reached.
 */
class VarIter {
  #s;
  #a;
  #ids;
  #pos = 0;

  /** @hideconstructor */
  constructor(token, state, ids) {
    checkInternal(token, 'VarIter');
    this.#s = state;
    this.#a = state.varArray();
    this.#ids = ids;
  }

  /** @returns {IteratorResult<Var, undefined>} */
  next() {
    const p = this.#pos;
    if (p >= this.#ids.length) return { value: undefined, done: true };
    this.#pos = p + 1;
    const id = this.#ids[p];
    // made here on first need (one Var per id, kept by the state); a loop of its own that
    // made them all measured no faster on 100,000 vars and slower on 2,000 (its OSR compile)
    return { value: this.#a[id] ?? (this.#a[id] = new Var(kInternal, this.#s, id)), done: false };
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
  #s;
  #ids;
  #pos = 0;

  /** @hideconstructor */
  constructor(token, state, ids) {
    checkInternal(token, 'ScopeIter');
    this.#s = state;
    this.#ids = ids;
  }

  /** @returns {IteratorResult<Scope, undefined>} */
  next() {
    if (this.#pos >= this.#ids.length) return { value: undefined, done: true };
    return { value: this.#s.scope(this.#ids[this.#pos++]), done: false };
  }

  /** @returns {ScopeIter} this */
  [Symbol.iterator]() {
    return this;
  }
}
Object.setPrototypeOf(ScopeIter.prototype, IteratorPrototype);

module.exports = { HierarchyState, Hierarchy, Scope, Var, VarIndex, VarIter, ScopeIter };
