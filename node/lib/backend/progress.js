/**
 * Progress and cancel of a long call in the WebAssembly backend, as the addon's
 * node/src/nfstw_progress.c gives them to a sync native (this backend runs every call on the
 * calling thread): the cancel flag (an Int32Array set by the JS layer's abort listener) and
 * onProgress are checked and called at each report of the core; an exception thrown by
 * onProgress cancels the call and is what it throws; after a cancel no report is delivered.
 *
 * @module fstwave/lib/backend/progress
 */
'use strict';

const mod = require('./module');
const { typeError, coreError } = require('./errors');

/** Checks (flag, onProgress) as nfstw_prog_new does; returns a progress state or null. */
function make(flag, onProgress) {
  if (flag !== undefined && flag !== null && !(flag instanceof Int32Array && flag.length >= 1)) {
    throw typeError('the cancel flag must be an Int32Array');
  }
  if (onProgress !== undefined && onProgress !== null && typeof onProgress !== 'function') {
    throw typeError('onProgress must be a function');
  }
  if (!flag && !onProgress) return null;
  return { flag: flag ?? null, onProgress: onProgress ?? null, thrown: undefined, hasThrown: false };
}

/** Runs call(reportFlag) (a glue call returning a status or a pointer) with p's reports. */
function run(p, call) {
  if (!p) return call(0);
  return mod.withProgress((done, total) => {
    if (p.hasThrown || (p.flag && Atomics.load(p.flag, 0))) return 1;
    if (p.onProgress) {
      try {
        p.onProgress(done, total);
      } catch (e) {
        p.thrown = e;
        p.hasThrown = true;
        return 1;
      }
    }
    return p.flag && Atomics.load(p.flag, 0) ? 1 : 0;
  }, () => call(1));
}

/** The error of a failed call: what onProgress threw, else the core's. */
function failure(p, path) {
  if (p && p.hasThrown) return p.thrown;
  return coreError(path);
}

module.exports = { make, run, failure };
