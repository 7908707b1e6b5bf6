/**
 * The WebAssembly backend's header and hierarchy natives, with the addon's names, arguments,
 * returns and errors (node/src/nfstw_hier.c): header, topScopes/topVars/uniqueVars,
 * scopeInfo/Scopes/Vars, full names, varInfo, signal refs, enumType, lookupVar/Item.  The
 * bulk name natives (varFullNames, scopeFullNames, uniqueVarFullNames) give the addon's
 * shape (nfstw_hier.c joined_names: [chunk strings, Uint32Array offsets, Uint16Array chunk
 * by name, Uint32Array chunk starts]; here one chunk), or null when a name is not ASCII or
 * the names take over 256 MiB, as the addon's: the JS layer then asks name by name.
 *
 * @module fstwave/lib/backend/hier
 */
'use strict';

const mod = require('./module');
const { typeError, rangeError, codeError } = require('./errors');
const { fileOf } = require('./files');

let out = 0; // 24 doubles of scratch
let out64 = 0;
function slots() {
  if (!out) {
    out = mod.M._malloc(24 * 8);
    out64 = mod.M._malloc(16);
    if (!out || !out64) {
      out = 0;
      throw codeError('ENOMEM', 'out of memory');
    }
  }
  return out >> 3;
}
mod.onReset(() => {
  out = 0;
  out64 = 0;
});

/** An id argument (nfstw_get_u64 with max UINT32_MAX - 1). */
function idArg(v, what) {
  if (typeof v === 'bigint') {
    if (v < 0n) throw rangeError(`${what} must not be negative`);
    if (v > 4294967294n) throw rangeError(`${what} is out of range (max 4294967294)`);
    return Number(v);
  }
  if (typeof v !== 'number') throw typeError(`${what} must be a bigint or a number`);
  if (!Number.isInteger(v)) throw rangeError(`${what} must be an integer, got ${v}`);
  if (v < 0) throw rangeError(`${what} must not be negative`);
  if (v > 4294967294) throw rangeError(`${what} is out of range (max 4294967294)`);
  return v;
}

function header(h) {
  const st = fileOf(h);
  const M = mod.M;
  const o = slots();
  M._wfstw_header(st.ptr, out, out64);
  const d = M.HEAPF64;
  const t = new BigUint64Array(M.HEAPU8.buffer, out64, 2);
  return {
    version: mod.str(d[o], d[o + 1]),
    date: mod.str(d[o + 2], d[o + 3]),
    startTime: t[0],
    endTime: t[1],
    timescale: d[o + 6] ? { factor: d[o + 7], exponent: d[o + 8], unit: mod.str(d[o + 9], d[o + 10]) } : null,
    scopeCount: d[o + 11],
    varCount: d[o + 12],
    signalCount: d[o + 13],
  };
}

function ids(h, which) {
  const st = fileOf(h);
  const M = mod.M;
  slots();
  const p = M._wfstw_ids(st.ptr, which, out);
  return mod.copyOut(Uint32Array, p, M.HEAPU32[out >> 2]);
}

/**
 * The n numbers the glue's `read` (`_wfstw_scope` / `_wfstw_var`: file, id, out -> 0 or
 * out of range) writes for item `id` of file handle h, as a new Float64Array.
 * @throws {RangeError} when id is not an item of the file (`what`: 'scope id' / 'var id').
 */
function record(h, id, what, read, n) {
  const st = fileOf(h);
  const i = idArg(id, what);
  const o = slots();
  if (mod.M[read](st.ptr, i, out)) throw rangeError(`${what} ${i} is out of range`);
  return mod.M.HEAPF64.slice(o, o + n);
}

const scope = (h, id) => record(h, id, 'scope id', '_wfstw_scope', 9);
const varRec = (h, id) => record(h, id, 'var id', '_wfstw_var', 22);

function fullName(h, id, isVar) {
  const st = fileOf(h);
  const i = idArg(id, isVar ? 'var id' : 'scope id');
  const M = mod.M;
  const n = M._wfstw_full_name(st.ptr, isVar ? 1 : 0, i, 0, 0);
  if (isVar ? i >= M._fstw_var_count(st.ptr) : i >= M._fstw_scope_count(st.ptr)) {
    throw rangeError(`${isVar ? 'var' : 'scope'} id ${i} is out of range`);
  }
  const buf = M._malloc(n + 1);
  M._wfstw_full_name(st.ptr, isVar ? 1 : 0, i, buf, n + 1);
  const s = mod.str(buf, n);
  M._free(buf);
  return s;
}

/** The addon's ALL_NAMES_MAX: above it, no bulk names. */
const ALL_NAMES_MAX = 256 * 1024 * 1024;

/**
 * The full names of vars (isVar) or scopes ids (a heap pointer to n ids, or 0 for 0..n-1),
 * in joined_names' shape with one chunk, or null (a name that is not ASCII, or too many
 * bytes).
 */
function joinedNames(st, isVar, idsPtr, n) {
  const M = mod.M;
  const offp = M._malloc((n + 1) * 4);
  let cap = 64 * 1024;
  let buf = M._malloc(cap);
  try {
    if (!offp || !buf) throw codeError('ENOMEM', 'out of memory');
    let need = M._wfstw_joined_names(st.ptr, isVar ? 1 : 0, idsPtr, n, offp, buf, cap);
    if (need > cap) {
      if (need - 1 > ALL_NAMES_MAX) return null;
      M._free(buf);
      cap = need;
      buf = M._malloc(cap);
      if (!buf) throw codeError('ENOMEM', 'out of memory');
      need = M._wfstw_joined_names(st.ptr, isVar ? 1 : 0, idsPtr, n, offp, buf, cap);
    }
    const total = need - 1;
    if (total > ALL_NAMES_MAX) return null;
    const bytes = M.HEAPU8.subarray(buf, buf + total);
    for (let i = 0; i < total; i++) if (bytes[i] >= 0x80) return null;
    return [[mod.str(buf, total)], mod.copyOut(Uint32Array, offp, n + 1), new Uint16Array(n), Uint32Array.of(0)];
  } finally {
    M._free(offp);
    M._free(buf);
  }
}

function allNames(h, isVar) {
  const st = fileOf(h);
  const M = mod.M;
  return joinedNames(st, isVar, 0, isVar ? M._fstw_var_count(st.ptr) : M._fstw_scope_count(st.ptr));
}

/** uniqueVarFullNames: joinedNames of the unique vars, plus [4]: Int32Array position by var
 * id (-1: an alias), or null when the unique vars are every var in id order. */
function uniqueNames(h) {
  const st = fileOf(h);
  const M = mod.M;
  slots();
  const up = M._wfstw_ids(st.ptr, 2, out);
  const n = M.HEAPU32[out >> 2];
  const names = joinedNames(st, true, up, n);
  if (!names) return null;
  const u = mod.copyOut(Uint32Array, up, n);
  const nv = M._fstw_var_count(st.ptr);
  let identity = n === nv;
  for (let k = 0; k < n && identity; k++) identity = u[k] === k;
  let pos = null;
  if (!identity) {
    pos = new Int32Array(nv).fill(-1);
    for (let k = 0; k < n; k++) if (u[k] < nv) pos[u[k]] = k;
  }
  names.push(pos);
  return names;
}

function lookup(h, scopeId, path, item) {
  const st = fileOf(h);
  if (typeof path !== 'string') throw typeError('path must be a string');
  const M = mod.M;
  const [p, n] = mod.putString(path);
  try {
    return item ? M._wfstw_lookup_item(st.ptr, scopeId, p, n) : M._wfstw_lookup_var(st.ptr, p, n);
  } finally {
    M._free(p);
  }
}

module.exports = {
  header,
  topScopes: (h) => ids(h, 0),
  topVars: (h) => ids(h, 1),
  uniqueVars: (h) => ids(h, 2),
  scopeInfo(h, id) {
    const r = scope(h, id);
    return { name: mod.str(r[0], r[1]), scopeType: mod.str(r[2], r[3]), parent: r[4] };
  },
  scopeScopes(h, id) {
    const r = scope(h, id);
    return mod.copyOut(Uint32Array, r[5], r[6]);
  },
  scopeVars(h, id) {
    const r = scope(h, id);
    return mod.copyOut(Uint32Array, r[7], r[8]);
  },
  scopeFullName: (h, id) => fullName(h, id, false),
  varFullName: (h, id) => fullName(h, id, true),
  varFullNames: (h) => allNames(h, true),
  scopeFullNames: (h) => allNames(h, false),
  uniqueVarFullNames: uniqueNames,
  varInfo(h, id) {
    const r = varRec(h, id);
    return {
      name: mod.str(r[0], r[1]),
      parent: r[2],
      varType: mod.str(r[3], r[4]),
      direction: mod.str(r[5], r[6]),
      encoding: r[7],
      bitwidth: r[8],
      width: r[9] < 0 ? null : r[9],
      isReal: r[10] !== 0,
      isString: r[11] !== 0,
      isBitVector: r[12] !== 0,
      is1Bit: r[13] !== 0,
      signalRef: r[14],
      msb: r[15] ? r[16] : null,
      lsb: r[15] ? r[17] : null,
      enumId: r[18],
      vhdlTypeName: r[19] ? mod.str(r[20], r[21]) : null,
    };
  },
  varSignalRef: (h, id) => varRec(h, id)[14],
  varSignalRefs(h) {
    const st = fileOf(h);
    const n = mod.M._fstw_var_count(st.ptr);
    const a = new Uint32Array(n);
    const o = slots();
    for (let i = 0; i < n; i++) {
      mod.M._wfstw_var(st.ptr, i, out);
      a[i] = mod.M.HEAPF64[o + 14];
    }
    return a;
  },
  enumType(h, id) {
    const st = fileOf(h);
    const i = idArg(id, 'enum id');
    const M = mod.M;
    const o = slots();
    if (M._wfstw_enum(st.ptr, i, out)) throw rangeError(`enum id ${i} is out of range`);
    const name = mod.str(M.HEAPF64[o], M.HEAPF64[o + 1]);
    const n = M.HEAPF64[o + 2];
    const list = [];
    for (let k = 0; k < n; k++) {
      M._wfstw_enum_pair(st.ptr, i, k, out);
      const d = M.HEAPF64;
      list.push([mod.str(d[o], d[o + 1]), mod.str(d[o + 2], d[o + 3])]);
    }
    return [name, list];
  },
  lookupVar: (h, path) => lookup(h, 0, path, false),
  lookupItem(h, scopeId, path) {
    const st = fileOf(h);
    let s = -1;
    if (scopeId !== null) {
      if (typeof scopeId !== 'number' && typeof scopeId !== 'bigint') throw typeError('scope id must be a bigint or a number');
      s = Number(scopeId);
      if (s >= mod.M._fstw_scope_count(st.ptr)) throw rangeError(`scope id ${s} is out of range`);
    }
    return lookup(h, s, path, true);
  },
};
