/**
 * Progress and cancellation of the long calls (open, body load, signal loads): the options
 * `{ signal: AbortSignal, onProgress(done, total) }` of the contract's section 6, turned into
 * what the addon takes (node/src/nfstw_progress.c): a cancel flag, an `Int32Array` over an
 * ArrayBuffer allocated here (inside V8), which the AbortSignal's listener sets with
 * `Atomics.store` and the core reads at every value-change block; and the `onProgress`
 * function, which the addon calls on the main thread (coalesced: at most one call queued).
 *
 * The rules of the reports (when, what `done` and `total` count) are the core's
 * (`fstw_progress` in core/include/fstwave.h); this module only attaches and removes the
 * listener and turns the core's cancel (code `ABORT_ERR`) into an `AbortError` whose cause is
 * the AbortSignal's reason.
 *
 * @module fstwave/lib/abort
 */
'use strict';

const { typeError, describe } = require('./args');

/**
 * The `signal` and `onProgress` of an options object (other keys are ignored).
 * @param {unknown} options `undefined`, `null` or an object
 * @param {string} method the method's name, for messages
 * @returns {{signal: AbortSignal | undefined, onProgress: Function | undefined}}
 * @throws {TypeError} code `ERR_INVALID_ARG_TYPE` when `signal` is not an AbortSignal or
 *   `onProgress` not a function.
 */
function parseWorkOptions(options, method) {
  if (options === undefined || options === null) return { signal: undefined, onProgress: undefined };
  if (typeof options !== 'object') throw typeError(`${method}(): options must be an object, got ${describe(options)}`);
  const { signal, onProgress } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw typeError(`${method}(): options.signal must be an AbortSignal, got ${describe(signal)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw typeError(`${method}(): options.onProgress must be a function, got ${describe(onProgress)}`);
  }
  return { signal, onProgress };
}

/**
 * What a call stopped by its AbortSignal throws or rejects with, as Node's own APIs do
 * (`fs.promises.readFile`, `timers/promises`): an `Error` named `AbortError` with code
 * `ABORT_ERR`, the message "The operation was aborted" and the signal's reason as `cause`.
 */
class AbortError extends Error {
  /**
   * @param {string} [message]
   * @param {{cause?: unknown}} [options]
   */
  constructor(message = 'The operation was aborted', options = undefined) {
    super(message, options);
    this.code = 'ABORT_ERR';
    this.name = 'AbortError';
  }
}

/**
 * The AbortError of a call stopped by `signal`, with the signal's reason as its cause.
 * @param {AbortSignal} signal
 * @returns {AbortError}
 */
function abortError(signal) {
  return new AbortError(undefined, { cause: signal.reason });
}

/**
 * Runs `call(flag, onProgress)` (a native taking the cancel flag and the progress callback,
 * sync or returning a Promise) under the options `work`: rejects at once, without calling,
 * when `work.signal` is already aborted; sets the flag when it fires while the call runs;
 * removes the listener when the call settles; turns the core's cancel into an AbortError.
 * An async call whose signal fired after its last check in the core (a short call that
 * finished meanwhile) rejects with the AbortError too, as `fetch` and `fs.promises` do,
 * after `discard(result)` releases what it made (e.g. closes an opened file).
 * Without a signal or onProgress, `call()` gets neither.
 * @template T
 * @param {{signal: AbortSignal | undefined, onProgress: Function | undefined}} work
 * @param {(flag: Int32Array | undefined, onProgress: Function | undefined) => T} call
 * @param {(result: unknown) => void} [discard] releases an async result made after the abort
 * @returns {T}
 */
function controlled(work, call, discard) {
  const { signal, onProgress } = work;
  if (signal === undefined && onProgress === undefined) return call(undefined, undefined);
  if (signal !== undefined && signal.aborted) throw abortError(signal);
  const flag = new Int32Array(new ArrayBuffer(4));
  const onAbort = () => Atomics.store(flag, 0, 1);
  signal?.addEventListener('abort', onAbort, { once: true });
  const done = () => signal?.removeEventListener('abort', onAbort);
  const translate = (e) => {
    done();
    return e !== null && typeof e === 'object' && e.code === 'ABORT_ERR' && signal?.aborted ? abortError(signal) : e;
  };
  let r;
  try {
    r = call(flag, onProgress);
  } catch (e) {
    throw translate(e);
  }
  if (r instanceof Promise) {
    return r.then((v) => {
      done();
      if (signal?.aborted) {
        if (discard) discard(v);
        throw abortError(signal);
      }
      return v;
    }, (e) => {
      throw translate(e);
    });
  }
  done();
  return r;
}

module.exports = { parseWorkOptions, controlled, AbortError, abortError };
