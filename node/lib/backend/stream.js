/**
 * The WebAssembly backend's stream natives (node/src/nfstw_stream.c's names, arguments,
 * returns and errors): one pass over the value-change blocks in the core's stream order
 * (fstw_stream_* in fstwave.h), handed out in batches.
 *
 *   streamOpen(h, refs | null) -> st    refs checked by the core; nothing is read yet
 *   streamNext(st, max) -> [times BigUint64Array, refs Uint32Array, values Array, done,
 *     total] | null      at most `max` changes (1..2^24) and about 8 MiB; null at the end;
 *     an error met after some changes is thrown by the call after the one returning them
 *   streamNextAsync(st, max) -> Promise of the same, read in a later turn of the event loop
 *     (single-threaded: the batch is read on the calling thread); one batch in flight at
 *     a time (ERR_FSTWAVE_BUSY)
 *   streamClose(st)      closes the core stream now; idempotent
 *
 * A stream holds its file open between batches (a hold in the file state, files.js): the
 * file's close() ends it (after the batch being read, which still arrives), and streamNext
 * then throws ERR_FSTWAVE_CLOSED.  A stream handle
 * the program drops is closed by a FinalizationRegistry.
 *
 * @module fstwave/lib/backend/stream
 */
'use strict';

const mod = require('./module');
const { typeError, rangeError, codeError, coreError, guard, checkGen, quietly } = require('./errors');
const { fileOf, work } = require('./files');
const { u64, valueAt } = require('./signals');

/** Bytes after which a batch ends, and what a change counts besides its value's bytes
 * (nfstw_stream.c's BATCH_BYTES and CHANGE_BYTES on a 64-bit host). */
const BATCH_BYTES = 8 << 20;
const CHANGE_BYTES = 8 + 4 + 32;
const MAX_BATCH = 1n << 24n;
const VAL_REAL = 2;
const VAL_EVENT = 4;

const STREAM = Symbol('fstwave.wasm.stream');
const registry = new FinalizationRegistry((s) => quietly(s, () => closeNow(s)));

/** Closes the core stream and lets go of the file (idempotent). */
function closeNow(s) {
  const M = mod.M;
  if (s.ptr) M._wfstw_stream_close(s.ptr);
  s.ptr = 0;
  s.ended = true;
  if (s.refs) M._free(s.refs);
  s.refs = 0;
  if (s.held) {
    s.held = false;
    s.file.holds.delete(s.release);
  }
}

function streamOf(x) {
  const s = x && x[STREAM];
  if (!s) throw typeError('expected a fstwave stream handle');
  checkGen(s);
  return s;
}

function streamOpen(h, refs) {
  const st = fileOf(h);
  const M = mod.M;
  const s = { file: st, refs: 0, n: 0, all: refs === null, ptr: 0, held: true, ended: false, inFlight: false,
    error: null, release: null, closePending: false, gen: mod.gen };
  if (!s.all) {
    let a;
    if (refs instanceof Uint32Array) a = refs;
    else if (Array.isArray(refs)) {
      a = new Uint32Array(refs.length);
      refs.forEach((r, i) => {
        a[i] = Number(u64(r, 'signal ref', 0xffffffffn));
      });
    } else throw typeError('refs must be a Uint32Array or an array of signal refs');
    for (const r of a) if (M._wfstw_check_ref(st.ptr, r)) throw coreError(st.path);
    s.refs = mod.putU32(a);
    s.n = a.length;
  }
  // the file's close(): now, or when the batch being read has arrived (nfstw_stream.c)
  s.release = () => {
    if (s.inFlight) s.closePending = true;
    else closeNow(s);
  };
  st.holds.add(s.release);
  const handle = { [STREAM]: s };
  registry.register(handle, s);
  return handle;
}

/** The next batch of s (at most max changes): the natives' array, or null. */
function batch(s, max) {
  const M = mod.M;
  if (s.error) {
    const e = s.error;
    s.error = null;
    throw e;
  }
  if (s.ended) return null;
  if (!s.ptr) {
    s.ptr = guard(() => M._wfstw_stream_open(s.file.ptr, s.refs, s.n, s.all ? 1 : 0));
    if (!s.ptr) {
      const e = coreError(s.file.path);
      closeNow(s);
      throw e;
    }
  }
  const times = [];
  const refs = [];
  const values = [];
  const slots = M._malloc(8 * 8 + 8);
  if (!slots) throw codeError('ENOMEM', 'out of memory');
  const tp = slots + 64;
  let bytes = 0;
  try {
    while (times.length < max && bytes < BATCH_BYTES) {
      const r = guard(() => M._wfstw_stream_next(s.ptr, tp, slots));
      if (r === 0) {
        s.ended = true;
        break;
      }
      if (r < 0) {
        const e = coreError(s.file.path);
        s.ended = true;
        if (times.length === 0) {
          closeNow(s);
          throw e;
        }
        s.error = e; // the changes first, the error at the next call
        break;
      }
      const d = M.HEAPF64;
      const kind = d[(slots >> 3) + 2];
      times.push(new BigUint64Array(M.HEAPU8.buffer, tp, 1)[0]);
      refs.push(d[(slots >> 3) + 1]);
      values.push(valueAt(slots + 16));
      bytes += CHANGE_BYTES + (kind === VAL_REAL || kind === VAL_EVENT ? 0 : d[(slots >> 3) + 4]);
    }
    M._wfstw_stream_progress(s.ptr, slots);
    const done = M.HEAPF64[slots >> 3];
    const total = M.HEAPF64[(slots >> 3) + 1];
    if (s.ended && !s.error) closeNow(s); // nothing more will be read
    if (times.length === 0) return null;
    return [BigUint64Array.from(times), Uint32Array.from(refs), values, done, total];
  } finally {
    M._free(slots);
  }
}

/** The checks of streamNext and its async form (nfstw_stream.c's batch_run): max, or null
 * when the stream has ended. */
function checkNext(s, maxArg) {
  const max = u64(maxArg, 'max', MAX_BATCH);
  if (max === 0n) throw rangeError('max must be at least 1');
  if (s.file.closed) {
    closeNow(s);
    throw codeError('ERR_FSTWAVE_CLOSED', 'I/O operation on closed waveform');
  }
  if (s.inFlight) throw codeError('ERR_FSTWAVE_BUSY', 'a batch of this stream is still being read');
  return Number(max);
}

module.exports = {
  streamOpen,
  streamNext(x, maxArg) {
    const s = streamOf(x);
    const max = checkNext(s, maxArg);
    if (!s.held && !s.error) return null;
    return batch(s, max);
  },
  streamNextAsync(x, maxArg) {
    const s = streamOf(x);
    const max = checkNext(s, maxArg);
    if (!s.held && !s.error) return Promise.resolve(null);
    s.inFlight = true;
    return work(s.file, () => {
      try {
        return batch(s, max);
      } finally {
        s.inFlight = false;
        if (s.closePending) closeNow(s);
      }
    });
  },
  streamClose(x) {
    const s = x && x[STREAM];
    if (s && s.gen !== mod.gen) return; // of an instance that trapped: nothing to close
    closeNow(streamOf(x));
  },
};

