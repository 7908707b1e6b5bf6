/**
 * Errors across the worker boundary: the worker sends `toWire(e)` (plain data a
 * postMessage can clone), the main thread throws `fromWire(data)`: an Error of the same
 * class (Error, TypeError, RangeError; an AbortError is an Error named "AbortError") with
 * the same `message`, `code` and the fields the API documents (`reason`, `path`, `offset`,
 * `errno`, `syscall`, `strerror`), and the worker's stack as `workerStack`.
 *
 * @module fstwave/web/wire
 */
'use strict';

const FIELDS = ['code', 'reason', 'path', 'offset', 'errno', 'syscall', 'strerror'];

/**
 * @param {unknown} e what the worker caught
 * @returns {{name: string, message: string, stack?: string, fields: object}}
 */
function toWire(e) {
  if (e === null || typeof e !== 'object') {
    return { name: 'Error', message: String(e), fields: { code: 'ERR_FSTWAVE_WORKER' } };
  }
  const fields = {};
  for (const k of FIELDS) {
    const v = e[k];
    if (v !== undefined && (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint')) fields[k] = v;
  }
  return { name: String(e.name || 'Error'), message: String(e.message ?? ''), stack: e.stack ? String(e.stack) : undefined, fields };
}

/**
 * @param {{name: string, message: string, stack?: string, fields: object}} w
 * @returns {Error}
 */
function fromWire(w) {
  const C = w.name === 'TypeError' ? TypeError : w.name === 'RangeError' ? RangeError : Error;
  const e = new C(w.message);
  if (C === Error && w.name !== 'Error') e.name = w.name;
  Object.assign(e, w.fields);
  if (w.stack) e.workerStack = w.stack;
  return e;
}

/** An Error with a code, made on this side of the boundary. */
function codeError(code, message) {
  const e = new Error(message);
  e.code = code;
  return e;
}

module.exports = { toWire, fromWire, codeError };
