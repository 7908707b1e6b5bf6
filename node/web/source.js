/**
 * What a browser hands fstwave to read, turned into a byte source of the WebAssembly
 * backend (node/lib/backend/module.js reads it through the core's read-at-offset callback):
 *
 *   File / Blob              { blob }: read by random-access slices with FileReaderSync,
 *                            only the bytes the core asks for (never the whole file in
 *                            memory); FileReaderSync exists in Web Workers only
 *   Uint8Array / ArrayBuffer { bytes }: read from the array (a view of the same memory,
 *                            not a copy)
 *
 * @module fstwave/web/source
 */
'use strict';

/**
 * The backend source of `input`, its size in bytes and the name errors and `path` carry.
 * @param {Blob | File | Uint8Array | ArrayBuffer} input
 * @param {string} [name] the name to report (default: the File's name, else "blob" or "bytes")
 * @returns {{source: {blob: Blob} | {bytes: Uint8Array}, size: number, name: string}}
 * @throws {TypeError} code `ERR_INVALID_ARG_TYPE` for anything else (a path string included:
 *   a browser has no file paths).
 */
function toSource(input, name) {
  if (name !== undefined && typeof name !== 'string') {
    throw invalid(`options.name must be a string, got ${typeof name}`);
  }
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const n = name ?? (typeof input.name === 'string' && input.name !== '' ? input.name : 'blob');
    return { source: { blob: input }, size: input.size, name: n };
  }
  if (input instanceof ArrayBuffer) input = new Uint8Array(input);
  if (input instanceof Uint8Array) {
    return { source: { bytes: input }, size: input.length, name: name ?? 'bytes' };
  }
  const what = input === null ? 'null' : typeof input === 'object' ? input.constructor?.name ?? 'object' : typeof input;
  throw invalid(`expected a File, a Blob, a Uint8Array or an ArrayBuffer, got ${what}`);
}

function invalid(message) {
  const e = new TypeError(message);
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

module.exports = { toSource };
