/**
 * One-pass streaming of changes as Waveform methods: `streamChanges` (an async iterator of
 * batches, read on the libuv thread pool) and `streamChangesSync` (the same batches from a
 * sync iterator), over the addon's stream natives (node/src/nfstw_stream.c), which run the
 * core's stream (`fstw_stream_*` in core/include/fstwave.h: pywellen 0.25's
 * `stream_changes`).  The order of the changes, which changes there are and how a name in
 * `include` resolves are the core's rules; this module checks argument types, turns the
 * natives' batches into batch objects and closes the native stream when the iteration ends.
 *
 * @module fstwave/lib/stream
 */
'use strict';

const native = require('./native');
const { kWaveState, kVarId, attachMethods } = require('./internal');
const { typeError, rangeError, describe } = require('./args');
const { parseWorkOptions, abortError } = require('./abort');
const { Var } = require('./hierarchy');

/** Changes per batch unless `batchSize` says otherwise: on a 100 MB file smaller batches
 * cost more calls, larger ones more garbage for V8 to collect (16384: about 9.5 M changes/s,
 * 70 MB more RSS at the peak). */
const DEFAULT_BATCH_SIZE = 1 << 14;
/** The largest `batchSize` (the addon's limit). */
const MAX_BATCH_SIZE = 1 << 24;

/**
 * The signal refs of `include` (Vars of this waveform, or full names resolved as `w.get`
 * resolves them; names of nothing or of a scope are ignored, as pywellen 0.25 ignores
 * them), or null for every signal (`include` undefined or null).
 * @returns {Uint32Array | null}
 */
function includeRefs(state, include, method) {
  if (include === undefined || include === null) return null;
  if (typeof include === 'string' || typeof include?.[Symbol.iterator] !== 'function') {
    throw typeError(`${method}(): include must be an iterable of Var or string, got ${describe(include)}`);
  }
  const refs = [];
  for (const item of include) {
    let v;
    if (typeof item === 'string') {
      v = state.lookup(null, item, method);
      if (!(v instanceof Var)) continue;
    } else if (item instanceof Var) {
      if (state.var(item[kVarId]()) !== item) throw typeError(`${method}(): a Var of another waveform`);
      v = item;
    } else {
      throw typeError(`${method}(): expected Var or string items in include, got ${describe(item)}`);
    }
    refs.push(v.signalRef());
  }
  return Uint32Array.from(refs);
}

/** The options of a stream: `batchSize`, and `signal` / `onProgress` as the long calls. */
function parseStreamOptions(options, method) {
  const work = parseWorkOptions(options, method);
  const size = options?.batchSize ?? DEFAULT_BATCH_SIZE;
  if (typeof size !== 'number') throw typeError(`${method}(): options.batchSize must be a number, got ${describe(size)}`);
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
    throw rangeError(`${method}(): options.batchSize must be an integer in 1..${MAX_BATCH_SIZE}, got ${size}`);
  }
  return { work, batchSize: size };
}

/** A batch object from the addon's [times, refs, values, done, total]. */
function batchOf(raw, onProgress) {
  if (onProgress !== undefined) onProgress(raw[3], raw[4]);
  return { times: raw[0], signalRefs: raw[1], values: raw[2] };
}

/** `p`, or an AbortError as soon as `signal` fires (whichever comes first). */
function untilAborted(p, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => {
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    }, (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    });
  });
}

/**
 * The batches of one stream, each read on the thread pool when asked for (one at a time, no
 * read ahead).  The native stream is opened by the first `next()` and closed when the
 * generator ends: at the end of the stream, on an error or an abort, or by `return()` (a
 * `break` out of `for await`); a batch still being read then is dropped when it arrives.
 */
async function* batches(handle, refs, batchSize, work) {
  const { signal, onProgress } = work;
  if (signal?.aborted) throw abortError(signal);
  const st = native.streamOpen(handle, refs);
  let pending = null;
  try {
    for (;;) {
      pending = native.streamNextAsync(st, batchSize);
      const raw = await (signal === undefined ? pending : untilAborted(pending, signal));
      pending = null;
      if (raw === null) return;
      if (signal?.aborted) throw abortError(signal);
      yield batchOf(raw, onProgress);
      if (signal?.aborted) throw abortError(signal);
    }
  } finally {
    native.streamClose(st); // the addon defers it while a batch is being read
    pending?.catch(() => {}); // a batch left behind by an abort: its outcome is not wanted
  }
}

/** The batches of one stream, read on the calling thread (see `batches`). */
function* batchesSync(handle, refs, batchSize, work) {
  const { signal, onProgress } = work;
  if (signal?.aborted) throw abortError(signal);
  const st = native.streamOpen(handle, refs);
  try {
    for (;;) {
      const raw = native.streamNext(st, batchSize);
      if (raw === null) return;
      yield batchOf(raw, onProgress);
      if (signal?.aborted) throw abortError(signal);
    }
  } finally {
    native.streamClose(st);
  }
}

/** The arguments of both methods: the file handle, the refs, the options. */
function prepare(w, include, options, method) {
  const state = w[kWaveState]();
  const refs = includeRefs(state, include, method);
  const { work, batchSize } = parseStreamOptions(options, method);
  return { handle: state.handle, refs, batchSize, work };
}

const methods = {
  /**
   * Every change of the file, in one pass over its value-change blocks in time order
   * (pywellen 0.25's `stream_changes`; the order and the changes are the core's stream,
   * `fstw_stream_*` in fstwave.h): an async iterator of batches
   * `{ times: BigUint64Array, signalRefs: Uint32Array, values: Array<Value> }`, change `i`
   * of a batch being `(times[i], signalRefs[i], values[i])`.  Times are in timescale units;
   * a signal ref is `Var#signalRef()`; values are converted as every value of this API (a
   * `bigint` for 2-state bit vectors, a `string` otherwise or for strings, a `number` for
   * reals, `""` for events).  Every change is reported, also a value equal to the one
   * before and several changes of one signal at one time (unlike a loaded Signal).  The body
   * need not be loaded and nothing is cached: memory is bounded by one value-change block
   * and one batch, never by the file.
   *
   * Each batch is read on the libuv thread pool when the iterator is asked for it (no read
   * ahead), so the event loop never blocks.  Leaving the loop (`break`, `return()`, an
   * exception) closes the stream; `signal` ends it with an AbortError (a batch being read is
   * dropped); `onProgress(done, total)` is called before each batch is handed out with the
   * bytes of value-change blocks read so far and in all.  `close()` of the Waveform ends open
   * streams: the batch being read is still delivered, the next `next()` rejects with
   * `ERR_FSTWAVE_CLOSED`.  Extension (contract section 5).
   *
   * @param {Iterable<Var | string> | null} [include] the signals to stream: Vars of this
   *   file, or full names resolved as `get()` resolves them (names of nothing or of a scope
   *   are ignored, as pywellen 0.25 ignores them); aliases and repeats name one signal;
   *   omitted or null: every signal
   * @param {{batchSize?: number, signal?: AbortSignal,
   *   onProgress?: (done: number, total: number) => void}} [options] `batchSize`: at most
   *   this many changes per batch (1..2^24, default 16384; a batch also ends once it
   *   takes about 8 MiB, values included)
   * @returns {AsyncGenerator<ChangeBatch, void, undefined>}
   * @throws {TypeError} for a bad `include` item or option (at once); the iterator rejects
   *   with `FST_FORMAT` / `EIO` errors from reading, with an AbortError (code `ABORT_ERR`)
   *   when aborted, with `ERR_FSTWAVE_CLOSED` after `close()`.
   */
  streamChanges(include, options) {
    const a = prepare(this, include, options, 'streamChanges');
    return batches(a.handle, a.refs, a.batchSize, a.work);
  },

  /**
   * Like `streamChanges()`, but each batch is read on the calling thread when the iterator
   * is asked for it (blocking it meanwhile): a sync iterator of the same batches in the same
   * order.  `signal` is checked between batches.
   * @param {Iterable<Var | string> | null} [include] as streamChanges
   * @param {object} [options] as streamChanges
   * @returns {Generator<ChangeBatch, void, undefined>}
   */
  streamChangesSync(include, options) {
    const a = prepare(this, include, options, 'streamChangesSync');
    return batchesSync(a.handle, a.refs, a.batchSize, a.work);
  },
};

/** Adds the methods to Waveform.prototype. */
function attach(Waveform) {
  attachMethods(Waveform, methods);
}

module.exports = { attach };
