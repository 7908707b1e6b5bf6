/**
 * Signal: the changes of one loaded signal (pywellen's `Signal`) and their lazy iterator
 * `SignalChangeIter`, over the addon's signal handles (node/src/nfstw_signal.c).  Also owns
 * the query buffer through which the addon returns `querySignal`'s indices and times.
 *
 * @module fstwave/lib/signal
 */
'use strict';

const util = require('util');
const native = require('./native');
const { kInternal, checkInternal, kSignalRef, kSignalHandle, IteratorPrototype } = require('./internal');

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
 * How a window's or a summary's values are laid out (`kind`):
 * - `'u64'`: `BigUint64Array`, one per change (2-state bit vectors of 1..64 bits; bit 0 is
 *   the var's LSB);
 * - `'f64'`: `Float64Array` (reals);
 * - `'rows'`: `Uint8Array` of `rowBytes` (the bit width) ASCII bytes per change, MSB first,
 *   `0 1 x z h u w l -` (other bit vectors: wider than 64 bits, or with a non-0/1 state in
 *   any change);
 * - `'strings'`: `Uint8Array` of the concatenated bytes (Latin-1) plus `offsets`, a
 *   `BigUint64Array` of count + 1 offsets (the first 0);
 * - `'none'`: `null` (events have times only).
 * The kind is the core's (`fstw_signal_array_kind`) and the same for every window of a signal.
 * @typedef {'u64' | 'f64' | 'rows' | 'strings' | 'none'} ArrayKind
 */

/**
 * The result of `Signal#changesBetween(t0, t1)`.
 * @typedef {{kind: ArrayKind, rowBytes: number, first: number, hasInitial: boolean,
 *   times: BigUint64Array, values: BigUint64Array | Float64Array | Uint8Array | null,
 *   offsets?: BigUint64Array}} ChangeWindow
 */

/**
 * The result of `Signal#summary(t0, t1, buckets)`.
 * @typedef {{kind: ArrayKind, rowBytes: number, bounds: BigUint64Array, counts: Float64Array,
 *   first: Float64Array, last: Float64Array,
 *   firstValues: BigUint64Array | Float64Array | Uint8Array | null,
 *   lastValues: BigUint64Array | Float64Array | Uint8Array | null,
 *   firstOffsets?: BigUint64Array, lastOffsets?: BigUint64Array}} Summary
 */

/**
 * The result of `Signal#querySignal(t)`.
 * @typedef {{value: Value | null, actualTime: bigint | null, nextIdx: number | null,
 *   nextTime: bigint | null}} QueryResult
 */

/**
 * A lazy iterator over a Signal's changes as `[time, value]` pairs (times in timescale units).
 * Values are converted in small batches as the iteration proceeds.  `length` is the number of
 * changes not yet yielded, like `len()` of pywellen's SignalChangeIter.
 */
class SignalChangeIter {
  #s;
  // The Signal itself, kept reachable while the iterator is: the Waveform's cache frees a
  // handle's core signal as soon as its Signal is collected (node/src/nfstw_cache.c).
  #signal;
  #pos; // next change to fetch from the addon
  #end;
  #buf = null; // [t, v, t, v, ...] fetched but not yielded
  #bufPos = 0;
  #chunk = 16;

  /** @hideconstructor */
  constructor(token, signal, handle, start, end) {
    checkInternal(token, 'SignalChangeIter');
    this.#signal = signal;
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

/**
 * The changes of one signal, loaded from the file (pywellen's `Signal`).  Not constructible:
 * use `Waveform#getSignal()` and friends.  Values: `bigint` for 2-state bit vectors (unsigned,
 * any width), `string` (MSB first, lowercase `0 1 x z h u w l -`) for bit vectors with other
 * states, `number` for reals, `string` (Latin-1) for strings and `""` for events (deviation
 * D4 in docs/api.md).  Times are `bigint` in timescale units.  A Signal keeps its file open
 * while it is reachable.  While the program holds a Signal, its Waveform hands out this same
 * object for its signal (deviation D10 in docs/api.md); once it is collected its memory is
 * freed (or kept in the Waveform's cache of recent signals, `signalCacheBytes`).  Its
 * iterators keep it reachable.
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

  /** The signal ref (Waveform's cache key); internal, see lib/internal.js. @returns {number} */
  [kSignalRef]() {
    return this.#ref;
  }

  /** The addon's signal handle; internal, see lib/internal.js. @returns {object} */
  [kSignalHandle]() {
    return this.#s;
  }

  /** The number of stored changes (after pywellen's de-duplication). @type {number} */
  get length() {
    if (this.#len < 0) this.#len = native.sigLength(this.#s);
    return this.#len;
  }

  /**
   * Every stored change as `[time, value]`, in time order; several changes in one time step
   * each come with their own value (deviation D2 in docs/api.md).
   * @returns {SignalChangeIter}
   */
  allChanges() {
    return new SignalChangeIter(kInternal, this, this.#s, 0, this.length);
  }

  /**
   * The changes with `time >= t`.  Extension.
   * @param {bigint | number} t a time in timescale units
   * @returns {SignalChangeIter}
   * @throws {RangeError} for a negative or non-integral `t`.
   */
  allChangesAfter(t) {
    return new SignalChangeIter(kInternal, this, this.#s, native.sigLowerBound(this.#s, t), this.length);
  }

  /**
   * The value at or before time `t`, or `null` before the first change (or before the first
   * time-table entry).  Deviation D1 (docs/api.md): pywellen returns the next step's value
   * between steps; several changes in one step: the last (settled) one wins (deviation D2,
   * docs/api.md).
   * @param {bigint | number} t a time in timescale units
   * @returns {Value | null}
   * @throws {RangeError} for a negative or non-integral `t`.
   */
  valueAtTime(t) {
    return native.sigValueAtTime(this.#s, t);
  }

  /**
   * The value at time-table index `idx` (that of the last change at or before it), or `null`
   * before the first change.  As pywellen (with deviation D2 in docs/api.md).
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

  /**
   * The window of changes (t0, t1] as bulk arrays (contract section 6): the change in force
   * at `t0` (the last change with time <= t0; `hasInitial` says whether there is one, and
   * then `times[0] <= t0`), then every change with `t0 < time <= t1`.  `first` is the index
   * of the window's first change in `allChanges()`'s order, so entry `i` is change
   * `first + i`.  Times are in timescale units; the values' layout is `kind`'s (see
   * ArrayKind).  Every array is a copy in a new ArrayBuffer allocated inside V8 (never an
   * external buffer; transferable to a worker).  One binary search, then a bulk copy: no
   * per-change objects.  Extension (the core's `fstw_signal_window`).
   * @param {bigint | number} t0 window start, timescale units
   * @param {bigint | number} t1 window end (>= t0), timescale units
   * @returns {ChangeWindow}
   * @throws {RangeError} for a negative or non-integral time, or `t1 < t0`; {TypeError} for
   *   a time that is neither bigint nor number.
   */
  changesBetween(t0, t1) {
    return native.sigWindow(this.#s, t0, t1);
  }

  /**
   * The display summary of the window (t0, t1] in `buckets` equal slices (contract section
   * 6): slice `k` is (`bounds[k]`, `bounds[k + 1]`] with `bounds[k] = t0 + floor((t1 - t0) *
   * k / buckets)` (exact), so `bounds[0] = t0` and `bounds[buckets] = t1`.  For each slice:
   * `first[k]` the change in force at `bounds[k]` (its index in `allChanges()`, -1 when
   * none), `counts[k]` the number of changes inside the slice, `last[k]` the change in force
   * at `bounds[k + 1]`; `firstValues` / `lastValues` their values in `kind`'s layout (a zero
   * value, empty string or NUL row where the index is -1).  The value in force is
   * `valueAtTime`'s (deviations D1, D2 in docs/api.md).  O(buckets * log changes), never a
   * walk over the changes (the core's `fstw_signal_summary`).  Extension.
   * @param {bigint | number} t0 window start, timescale units
   * @param {bigint | number} t1 window end (>= t0), timescale units
   * @param {number} buckets number of slices, 1 .. 2^32-1 (one per pixel, typically)
   * @returns {Summary}
   * @throws {RangeError} for a bad time, `t1 < t0`, or `buckets` out of range.
   */
  summary(t0, t1, buckets) {
    return native.sigSummary(this.#s, t0, t1, buckets);
  }

  [util.inspect.custom]() {
    return `Signal signal_ref=${this.#ref} changes=${this.length}`;
  }
}

module.exports = { Signal, SignalChangeIter };
