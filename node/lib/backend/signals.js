/**
 * The WebAssembly backend's signal natives, with the addon's names, arguments, returns and
 * errors (node/src/nfstw_load.c, nfstw_signal.c): loads (sync, async, as a batch), signal
 * handles and their changes, values converted as nfstw_value_js does (2-state bit vectors
 * BigInt, other bit vectors and strings Latin-1 strings, reals numbers, events "").  A
 * signal handle the program drops is freed in the wasm heap by a FinalizationRegistry.
 *
 * @module fstwave/lib/backend/signals
 */
'use strict';

const mod = require('./module');
const { typeError, rangeError, codeError, coreError, guard, checkGen, quietly } = require('./errors');
const { fileOf, work } = require('./files');
const progress = require('./progress');

const live = { signals: 0 };
const registry = new FinalizationRegistry((st) => quietly(st, () => freeSig(st)));
const SIG = Symbol('fstwave.wasm.signal');

function freeSig(st) {
  if (st.ptr) {
    mod.M._fstw_signal_free(st.ptr);
    st.ptr = 0;
    live.signals--;
  }
}

/** A new signal handle over core signal ptr (one holder, the handle's) of file state file. */
function wrap(ptr, file) {
  const st = { ptr, file, gen: mod.gen };
  live.signals++;
  const h = { [SIG]: st };
  registry.register(h, st, st);
  return h;
}

function sigOf(s) {
  const st = s && s[SIG];
  if (!st) throw typeError('expected a fstwave signal handle');
  checkGen(st);
  if (!st.ptr) throw codeError('ERR_FSTWAVE_CLOSED', 'the signal was disposed or its environment torn down');
  return st.ptr;
}

/**
 * A time, index or count argument as the addon's nfstw_get_u64 takes it (a bigint or an
 * integral number, 0 .. max): a BigInt.  RangeError / TypeError with the addon's messages.
 */
function u64(v, what, max = 0xffffffffffffffffn) {
  if (typeof v === 'bigint') {
    if (v < 0n) throw rangeError(`${what} must not be negative`);
    if (v > max) throw rangeError(`${what} is out of range (max ${max})`);
    return v;
  }
  if (typeof v !== 'number') throw typeError(`${what} must be a bigint or a number`);
  if (!Number.isInteger(v)) throw rangeError(`${what} must be an integer, got ${v}`);
  if (v < 0) throw rangeError(`${what} must not be negative`);
  if (v >= 2 ** 64 || BigInt(v) > max) throw rangeError(`${what} is out of range (max ${max})`);
  return BigInt(v);
}

let vout = 0;
function valueSlots() {
  if (!vout) vout = mod.M._malloc(8 * 8);
  if (!vout) throw codeError('ENOMEM', 'out of memory');
  return vout;
}
mod.onReset(() => {
  vout = 0;
  live.signals = 0;
});

/** The JS value of the value record at out (kind, data, len, real, bits). */
function valueAt(out) {
  const M = mod.M;
  const o = out >> 3;
  const d = M.HEAPF64;
  const kind = d[o];
  const p = d[o + 1];
  const len = d[o + 2];
  switch (kind) {
    case 0: { // FSTW_VAL_BITS2: big-endian bytes
      let x = 0n;
      const h = M.HEAPU8;
      for (let i = 0; i < len; i++) x = (x << 8n) | BigInt(h[p + i]);
      return x;
    }
    case 2: { // FSTW_VAL_REAL
      const r = d[o + 3];
      if (r === r) return r;
      const bits = new BigUint64Array(M.HEAPU8.buffer, out + 24, 1)[0];
      if (bits === 0x7ff8000000000000n) return r;
      return mod.copyOut(Float64Array, out + 24, 1)[0]; // a NaN with its payload, read as the addon reads it
    }
    case 4:
      return '';
    default:
      return mod.latin1(p, len);
  }
}

function valueOf(sp, i) {
  const out = valueSlots();
  if (mod.M._wfstw_value(sp, i, out)) {
    throw rangeError(`cannot read change ${i} of signal ${mod.M._fstw_signal_ref(sp)}`);
  }
  return valueAt(out);
}

/** refs (Uint32Array or array of numbers), each checked by the core: a heap copy. */
function refsArg(st, refs) {
  let a;
  if (refs instanceof Uint32Array) a = refs;
  else if (Array.isArray(refs)) {
    a = new Uint32Array(refs.length);
    refs.forEach((r, i) => {
      if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > 0xffffffff) {
        throw typeError('refs must be a Uint32Array or an array of signal refs');
      }
      a[i] = r;
    });
  } else throw typeError('refs must be a Uint32Array or an array of signal refs');
  for (const r of a) if (mod.M._wfstw_check_ref(st.ptr, r)) throw coreError(st.path);
  return a;
}

/** Loads refs of file state st (checked: checkLoad) with progress p: signal pointers. */
function loadPtrs(st, a, p) {
  const M = mod.M;
  const rp = mod.putU32(a);
  const op = M._malloc(Math.max(4, a.length * 4));
  try {
    if (!rp || !op) throw codeError('ENOMEM', 'out of memory');
    const rc = guard(() => progress.run(p, (rep) => M._wfstw_load(st.ptr, rp, a.length, op, rep)));
    if (rc) throw progress.failure(p, st.path);
    return Array.from(new Uint32Array(M.HEAPU8.buffer, op, a.length));
  } finally {
    M._free(rp);
    M._free(op);
  }
}

/** The arguments of a load, checked as the addon checks them: [state, refs, progress]. */
function checkLoad(h, refs, mt, flag, onProgress) {
  const st = fileOf(h);
  if (typeof mt !== 'boolean') throw typeError('multiThreaded must be a boolean');
  return [st, refsArg(st, refs), progress.make(flag, onProgress)];
}

function loadSignals(h, refs, mt, flag, onProgress) {
  const [st, a, p] = checkLoad(h, refs, mt, flag, onProgress);
  return loadPtrs(st, a, p).map((ptr) => wrap(ptr, st));
}

/** A batch: the loaded signals, taken apart by batchTake or read by index. */
function batchOf(b) {
  if (!b || !Array.isArray(b.ptrs)) throw typeError('expected a fstwave load batch');
  checkGen(b);
  return b;
}
function batchSig(b, k) {
  const p = batchOf(b).ptrs[k];
  if (!p) throw rangeError(`signal ${k} of the batch is out of range or freed`);
  return p;
}
const batchRegistry = new FinalizationRegistry((held) => quietly(held, () => {
  for (const p of held.ptrs) if (p) mod.M._fstw_signal_free(p);
}));
function makeBatch(st, ptrs) {
  const b = { ptrs, file: st, gen: mod.gen };
  batchRegistry.register(b, { ptrs, gen: b.gen });
  return b;
}

function changes(sp, start, end) {
  const n = mod.M._fstw_signal_len(sp);
  let s = Number(u64(start, 'start'));
  let e = Number(u64(end, 'end'));
  if (e > n) e = n;
  if (s > e) s = e;
  if (e - s > 1 << 20) throw rangeError('at most 2^20 changes per call');
  const out = new Array((e - s) * 2);
  const M = mod.M;
  for (let i = s, j = 0; i < e; i++, j += 2) {
    out[j] = BigInt.asUintN(64, M._fstw_signal_time(sp, i)); // uint64 (an i64 to JS)
    out[j + 1] = valueOf(sp, i);
  }
  return out;
}

let qbuf = null; // the query buffer of setQueryBuffer (BigInt64Array view over it)

module.exports = {
  SIG,
  sigOf,
  wrap,
  u64,
  live,
  valueAt,
  natives: {
    loadSignals,
    loadSignalsAsync(h, refs, mt, flag, onProgress) {
      const [st, a, p] = checkLoad(h, refs, mt, flag, onProgress);
      return work(st, () => makeBatch(st, loadPtrs(st, a, p)));
    },
    loadSignalsBatch(h, refs, mt, flag, onProgress) {
      const [st, a, p] = checkLoad(h, refs, mt, flag, onProgress);
      return makeBatch(st, loadPtrs(st, a, p));
    },
    batchTake(b, start, end) {
      const ptrs = batchOf(b).ptrs;
      const res = [];
      for (let k = start; k < end; k++) {
        res.push(wrap(ptrs[k], b.file));
        ptrs[k] = 0;
      }
      return res;
    },
    batchLength: (b) => batchOf(b).ptrs.length,
    batchChanges: (b, k, start, end) => changes(batchSig(b, k), start, end),
    batchSigLength: (b, k) => mod.M._fstw_signal_len(batchSig(b, k)),
    batchFree(b, k) {
      const p = batchSig(b, k);
      mod.M._fstw_signal_free(p);
      b.ptrs[k] = 0;
    },
    sigLength: (s) => mod.M._fstw_signal_len(sigOf(s)),
    sigInfo(s) {
      const p = sigOf(s);
      const M = mod.M;
      return { signalRef: M._fstw_signal_ref(p), encoding: M._fstw_signal_encoding(p),
        bitwidth: M._fstw_signal_bitwidth(p), length: M._fstw_signal_len(p) };
    },
    sigChanges: (s, start, end) => changes(sigOf(s), start, end),
    sigLowerBound: (s, t) => mod.M._fstw_signal_lower_bound(sigOf(s), u64(t, 'time')) >>> 0,
    sigValueAtIdx(s, idx) { // idx: a time-table index (fstw_signal_find), as the addon's
      const p = sigOf(s);
      const i = Number(mod.M._fstw_signal_find(p, u64(idx, 'idx', 0xffffffffn)));
      return i < 0 ? null : valueOf(p, i);
    },
    sigValueAtTime(s, t) {
      const p = sigOf(s);
      const i = Number(mod.M._fstw_signal_at_time(p, u64(t, 'time')));
      return i < 0 ? null : valueOf(p, i);
    },
    sigQuery(s, t) {
      const p = sigOf(s);
      const M = mod.M;
      const out = valueSlots();
      M._wfstw_query(p, u64(t, 'time'), out);
      const c = M.HEAPF64[out >> 3];
      const nx = M.HEAPF64[(out >> 3) + 1];
      if (!qbuf) throw new Error('fstwave: sigQuery() before setQueryBuffer()');
      qbuf.idx[0] = c;
      qbuf.idx[1] = nx;
      qbuf.time[0] = c >= 0 ? BigInt.asUintN(64, M._fstw_signal_time(p, c)) : 0n;
      qbuf.time[1] = nx >= 0 ? BigInt.asUintN(64, M._fstw_signal_time(p, nx)) : 0n;
      return c < 0 ? null : valueOf(p, c);
    },
    sigDispose(s) {
      const st = s && s[SIG];
      if (!st) throw typeError('expected a fstwave signal handle');
      registry.unregister(st);
      if (st.gen === mod.gen) freeSig(st); // else its instance trapped: nothing to free
    },
    sigsValueAtTime(list, t) {
      const tt = u64(t, 'time');
      if (!Array.isArray(list)) throw typeError('expected an array of signal handles');
      return list.map((s) => {
        const p = sigOf(s);
        const i = Number(mod.M._fstw_signal_at_time(p, tt));
        return i < 0 ? null : valueOf(p, i);
      });
    },
    setQueryBuffer(ab) {
      if (!(ab instanceof ArrayBuffer) || ab.byteLength < 32) {
        throw typeError('setQueryBuffer(): expected an ArrayBuffer of at least 32 bytes');
      }
      qbuf = { idx: new Float64Array(ab, 0, 2), time: new BigUint64Array(ab, 16, 2) };
    },
  },
};
