/**
 * The operations the worker (node/web/worker.js) runs for the main-thread API
 * (node/web/index.mjs), over the sync classes of node/web/sync.js.  Each takes and returns
 * plain data that postMessage can clone (bigints, strings, typed arrays), never a class
 * instance; the rules stay in the classes and the core, these only translate.
 *
 * A signal is named by its signal ref (a number, `Var#signalRef()`) or by the full name of
 * one of its vars (a string, as `Waveform#getSignalFromPath` takes it).
 *
 * @module fstwave/web/ops
 */
'use strict';

const { kSignalRef } = require('../lib/internal');

/**
 * The operations over an API from sync.js's init(); open files are kept by id.
 * @param {import('./sync').SyncApi} fst
 */
function makeOps(fst) {
  const open = new Map(); // id -> { w, varOfRef: Map | null }
  let nextId = 1;

  function fileOf(id) {
    const f = open.get(id);
    if (!f) {
      const e = new Error('I/O operation on closed waveform');
      e.code = 'ERR_FSTWAVE_CLOSED';
      throw e;
    }
    return f;
  }

  /** The Var of signal ref `ref` (the first var of that signal in allVars() order). */
  function varOfRef(f, ref) {
    if (!f.varOfRef) {
      f.varOfRef = new Map();
      for (const v of f.w.hierarchy.allVars()) f.varOfRef.set(v.signalRef(), v);
    }
    const v = f.varOfRef.get(ref);
    if (v === undefined) {
      const e = new RangeError(`signal ref ${ref} is not a signal of this file`);
      e.code = 'ERR_OUT_OF_RANGE';
      throw e;
    }
    return v;
  }

  /** A signal name as the main thread gives it: a ref (number) or a full name (string). */
  function signalOf(f, item) {
    if (typeof item === 'string') return f.w.getSignalFromPath(item);
    if (typeof item === 'number') return f.w.getSignal(varOfRef(f, item));
    throw invalid(`a signal is a signal ref (number) or a full name (string), got ${typeof item}`);
  }

  /** show/render items: full names as given, refs as their Var. */
  function itemsOf(f, items) {
    if (!Array.isArray(items)) return items; // the method's own TypeError
    return items.map((x) => (typeof x === 'number' ? varOfRef(f, x) : x));
  }

  function info(f) {
    const h = f.w.hierarchy;
    const ts = h.timescale();
    return {
      name: f.name,
      fileFormat: h.fileFormat(),
      version: h.version(),
      date: h.date(),
      timescale: ts === null || ts === undefined ? null
        : { factor: ts.factor, unit: String(ts.unit), exponent: ts.unit.toExponent() },
      timeRange: f.w.timeRange ?? null,
      bodyLoaded: f.w.bodyLoaded(),
    };
  }

  /** The hierarchy as plain data (scopes and vars in declaration order, by index). */
  function hierarchy(f) {
    const h = f.w.hierarchy;
    const scopes = [];
    const vars = [];
    const varIndex = new Map(); // Var -> index in vars (a var appears once in the tree)
    const addVar = (v, scope) => {
      const idx = v.index();
      const e = v.enumType(h);
      vars.push({
        name: v.name(h), fullName: v.fullName(h), scope,
        varType: v.varType(), direction: v.direction(), width: v.bitwidth(h) ?? null,
        signalRef: v.signalRef(), isReal: v.isReal(h), isString: v.isString(h),
        isBitVector: v.isBitVector(h), index: idx ? { msb: idx.msb, lsb: idx.lsb } : null,
        vhdlTypeName: v.vhdlTypeName(h) ?? null,
        enumType: e ? { name: e[0], pairs: e[1] } : null,
      });
      varIndex.set(v, vars.length - 1);
      return vars.length - 1;
    };
    const addScope = (s, parent, depth) => {
      const me = scopes.length;
      const entry = { name: s.name(h), fullName: s.fullName(h), type: s.scopeType(), parent, depth, scopes: [], vars: [] };
      scopes.push(entry);
      for (const v of s.vars(h)) entry.vars.push(addVar(v, me));
      for (const c of s.scopes(h)) entry.scopes.push(addScope(c, me, depth + 1));
      return me;
    };
    const topScopes = [];
    for (const s of h.topScopes()) topScopes.push(addScope(s, -1, 0));
    const topVars = [];
    for (const v of h.allVars({ includeAliases: true })) {
      if (!varIndex.has(v)) topVars.push(addVar(v, -1));
    }
    return { scopes, vars, topScopes, topVars };
  }

  return {
    open(input, options) {
      const w = fst.openWaveform(input, options);
      const id = nextId++;
      const f = { w, name: fst.sourceName(input, options?.name), varOfRef: null };
      open.set(id, f);
      return { id, info: info(f) };
    },
    info: (id) => info(fileOf(id)),
    hierarchy: (id) => hierarchy(fileOf(id)),
    timeTable(id) {
      return BigUint64Array.from(fileOf(id).w.timeTable);
    },
    loadSignals(id, items) {
      const f = fileOf(id);
      if (!Array.isArray(items)) throw invalid(`loadSignals(): expected an array of signals, got ${typeof items}`);
      return items.map((x) => {
        const s = signalOf(f, x);
        return { signalRef: s[kSignalRef](), length: s.length };
      });
    },
    changesBetween(id, item, t0, t1) {
      const f = fileOf(id);
      return signalOf(f, item).changesBetween(t0, t1);
    },
    valuesAtTime(id, items, t) {
      const f = fileOf(id);
      if (!Array.isArray(items)) throw invalid(`valuesAtTime(): expected an array of signals, got ${typeof items}`);
      return f.w.valuesAtTime(items.map((x) => signalOf(f, x)), t);
    },
    dump: (id, batchSize) => fst.dumpText(fileOf(id).w, batchSize),
    show: (id, items, options) => { const f = fileOf(id); return f.w.showText(itemsOf(f, items), options); },
    render: (id, items, options) => { const f = fileOf(id); return f.w.renderSvg(itemsOf(f, items), options); },
    close(id) {
      const f = open.get(id);
      if (f) {
        open.delete(id);
        f.w.close();
      }
    },
  };
}

function invalid(message) {
  const e = new TypeError(message);
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

module.exports = { makeOps };
