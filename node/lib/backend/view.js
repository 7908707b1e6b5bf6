/**
 * The WebAssembly backend's viewer natives (node/src/nfstw_view.c's names, arguments,
 * returns and errors): sigWindow and sigSummary.  The core fills buffers of the wasm heap
 * (fstw_signal_window, fstw_signal_copy_times/values, fstw_signal_summary,
 * fstw_signal_gather_values); every result array is a copy in a new ArrayBuffer allocated
 * in V8, never a view of the heap.
 *
 *   sigWindow(s, t0, t1) -> { kind, rowBytes, first, hasInitial, times, values, offsets? }
 *   sigSummary(s, t0, t1, buckets) -> { kind, rowBytes, bounds, counts, first, last,
 *     firstValues, lastValues, firstOffsets?, lastOffsets? }
 * (shapes and layouts: nfstw_view.c).  RangeError for t1 < t0, buckets 0 or a bad number;
 * ENOMEM when the heap cannot hold the arrays.
 *
 * @module fstwave/lib/backend/view
 */
'use strict';

const mod = require('./module');
const { rangeError, codeError, guard } = require('./errors');
const { sigOf, u64 } = require('./signals');

const KIND_NAMES = ['none', 'u64', 'f64', 'rows', 'strings'];
const ARR_U64 = 1;
const ARR_F64 = 2;
const ARR_ROWS = 3;
const ARR_STRINGS = 4;

/** Heap buffers of the given byte sizes (freed together by free()); ENOMEM when one fails. */
function heap(...sizes) {
  const M = mod.M;
  // the heap's size_t is 32 bits: a larger size would wrap around in malloc's argument
  if (sizes.some((n) => n > 0x7fffffff)) throw codeError('ENOMEM', 'out of memory');
  const ptrs = sizes.map((n) => M._malloc(Math.max(8, n)));
  if (ptrs.some((p) => !p)) {
    for (const p of ptrs) M._free(p);
    throw codeError('ENOMEM', 'out of memory');
  }
  return ptrs;
}

function free(ptrs) {
  for (const p of ptrs) mod.M._free(p);
}

/** The value arrays (copies) of n values of `kind` at vp (bytes bytes), offsets at op. */
function valueArrays(kind, n, vp, bytes, op) {
  switch (kind) {
    case ARR_U64:
      return { values: mod.copyOut(BigUint64Array, vp, n) };
    case ARR_F64:
      return { values: mod.copyOut(Float64Array, vp, n) };
    case ARR_ROWS:
      return { values: mod.copyOut(Uint8Array, vp, bytes) };
    case ARR_STRINGS:
      return { values: mod.copyOut(Uint8Array, vp, bytes), offsets: mod.copyOut(BigUint64Array, op, n + 1) };
    default:
      return { values: null };
  }
}

/** The signal and the window (t0, t1] of the arguments, checked as nfstw_view.c does. */
function windowArgs(s, t0, t1) {
  const p = sigOf(s);
  const a = u64(t0, 't0');
  const b = u64(t1, 't1');
  if (b < a) throw rangeError(`t1 (${b}) must not be before t0 (${a})`);
  return [p, a, b];
}

function sigWindow(s, t0, t1) {
  const [p, a, b] = windowArgs(s, t0, t1);
  const M = mod.M;
  const [wp] = heap(24);
  let first;
  let end;
  let hasInitial;
  try {
    M._wfstw_window(p, a, b, wp); // t1 >= t0: cannot fail
    first = M.HEAPF64[wp >> 3];
    end = M.HEAPF64[(wp >> 3) + 1];
    hasInitial = M.HEAPF64[(wp >> 3) + 2] !== 0;
  } finally {
    free([wp]);
  }
  const kind = M._fstw_signal_array_kind(p);
  const n = end - first;
  const bytes = M._fstw_signal_values_bytes(p, first, end) >>> 0;
  const bufs = heap(n * 8, bytes, (n + 1) * 8);
  const [tp, vp, op] = bufs;
  try {
    if (M._fstw_signal_copy_times(p, first, end, tp) || M._fstw_signal_copy_values(p, first, end, vp, op)) {
      throw rangeError(`cannot copy changes ${first}..${end}`);
    }
    const times = mod.copyOut(BigUint64Array, tp, n);
    const va = valueArrays(kind, n, vp, bytes, op);
    const o = { kind: KIND_NAMES[kind], rowBytes: M._fstw_signal_row_bytes(p) >>> 0, first, hasInitial, times,
      values: va.values };
    if (va.offsets) o.offsets = va.offsets;
    return o;
  } finally {
    free(bufs);
  }
}

/** Change indices or counts (int64, -1 for none) at ptr as a Float64Array. */
function doubles(ptr, n) {
  const a = new BigInt64Array(mod.M.HEAPU8.buffer, ptr, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(a[i]);
  return out;
}

/** The values of the changes at idx (n int64 indices) in the kind's layout: { values, offsets? }. */
function gathered(p, kind, idx, n) {
  const M = mod.M;
  const bytes = M._fstw_signal_gather_bytes(p, idx, n) >>> 0;
  const bufs = heap(bytes, (n + 1) * 8);
  try {
    if (M._fstw_signal_gather_values(p, idx, n, bufs[0], bufs[1])) {
      throw rangeError('cannot gather the values of the summary');
    }
    return valueArrays(kind, n, bufs[0], bytes, bufs[1]);
  } finally {
    free(bufs);
  }
}

function sigSummary(s, t0, t1, buckets) {
  const [p, a, b] = windowArgs(s, t0, t1);
  const n = Number(u64(buckets, 'buckets', 0xffffffffn));
  if (n === 0) throw rangeError('buckets must be at least 1');
  const M = mod.M;
  const kind = M._fstw_signal_array_kind(p);
  const bufs = heap((n + 1) * 8, n * 8, n * 8, n * 8);
  const [bp, fp, cp, lp] = bufs;
  try {
    const rc = guard(() => M._fstw_signal_summary(p, a, b, n, bp, fp, cp, lp));
    if (rc === 6) throw codeError('ENOMEM', 'out of memory'); // FSTW_ERR_NOMEM
    if (rc) throw rangeError('bad summary window');
    const fv = gathered(p, kind, fp, n);
    const lv = gathered(p, kind, lp, n);
    const o = { kind: KIND_NAMES[kind], rowBytes: M._fstw_signal_row_bytes(p) >>> 0 };
    o.firstValues = fv.values;
    if (fv.offsets) o.firstOffsets = fv.offsets;
    o.lastValues = lv.values;
    if (lv.offsets) o.lastOffsets = lv.offsets;
    o.bounds = mod.copyOut(BigUint64Array, bp, n + 1);
    o.counts = doubles(cp, n);
    o.first = doubles(fp, n);
    o.last = doubles(lp, n);
    return o;
  } finally {
    free(bufs);
  }
}

module.exports = { sigWindow, sigSummary };
