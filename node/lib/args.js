/**
 * Argument validation of the JS layer: type checks and the conversion of JS arguments
 * (paths, options, indices) before they reach the addon.  Errors are Node's kinds with
 * Node's codes, like the addon's own (`TypeError` code `ERR_INVALID_ARG_TYPE`, `RangeError`
 * code `ERR_OUT_OF_RANGE`).  Range checks of anything the core reads (times, time-table
 * indices, signal refs) are the core's, not repeated here.
 *
 * @module fstwave/lib/args
 */
'use strict';

const { fileURLToPath } = require('url');

/**
 * A TypeError with code `ERR_INVALID_ARG_TYPE`.
 * @param {string} message
 * @returns {TypeError}
 */
function typeError(message) {
  const e = new TypeError(message);
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

/**
 * A RangeError with code `ERR_OUT_OF_RANGE`.
 * @param {string} message
 * @returns {RangeError}
 */
function rangeError(message) {
  const e = new RangeError(message);
  e.code = 'ERR_OUT_OF_RANGE';
  return e;
}

/**
 * What a bad argument is, for messages: `null`, its class name, or its `typeof`.
 * @param {unknown} x
 * @returns {string}
 */
function describe(x) {
  if (x === null) return 'null';
  if (typeof x === 'object' || typeof x === 'function') return x.constructor ? x.constructor.name : 'object';
  return typeof x;
}

/**
 * An index argument of a JS-side sequence (`TimeTable#at`) as a number: a `bigint` within
 * +-2^53 or an integral `number` (any sign; the caller handles negative indices).
 * @param {unknown} i
 * @param {string} what the argument's name, for messages
 * @returns {number}
 * @throws {TypeError} when `i` is neither; {RangeError} for a non-integral number or a
 *   bigint beyond +-2^53.
 */
function toIndex(i, what) {
  if (typeof i === 'bigint') {
    if (i < -(2n ** 53n) || i > 2n ** 53n) throw rangeError(`${what} is out of range`);
    return Number(i);
  }
  if (typeof i !== 'number') throw typeError(`${what} must be a number or a bigint`);
  if (!Number.isInteger(i)) throw rangeError(`${what} must be an integer, got ${i}`);
  return i;
}

const OPTION_NAMES = ['multiThreaded', 'removeScopesWithEmptyName', 'loadBody'];

/**
 * The options of `new Waveform()` / `Waveform.open()` with their defaults filled in.
 * @param {unknown} options `undefined`, `null` or an object with boolean (or undefined)
 *   `multiThreaded`, `removeScopesWithEmptyName`, `loadBody`, and `signalCacheBytes` (a
 *   non-negative integral number or bigint, or `null` / `undefined` for the core's default,
 *   handed to the addon's cacheNew); other keys are ignored
 * @returns {{multiThreaded: boolean, removeScopesWithEmptyName: boolean, loadBody: boolean,
 *   signalCacheBytes: number | bigint | null}}
 * @throws {TypeError} when `options` is not an object or an option has the wrong type;
 *   {RangeError} for a negative or non-integral `signalCacheBytes`.
 */
function parseOptions(options) {
  const opts = { multiThreaded: true, removeScopesWithEmptyName: false, loadBody: true, signalCacheBytes: null };
  if (options === undefined || options === null) return opts;
  if (typeof options !== 'object') throw typeError(`options must be an object, got ${describe(options)}`);
  for (const k of OPTION_NAMES) {
    const v = options[k];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw typeError(`options.${k} must be a boolean, got ${describe(v)}`);
    opts[k] = v;
  }
  const b = options.signalCacheBytes;
  if (b !== undefined && b !== null) {
    if (typeof b !== 'number' && typeof b !== 'bigint') {
      throw typeError(`options.signalCacheBytes must be a number, a bigint or null, got ${describe(b)}`);
    }
    if (b < 0 || (typeof b === 'number' && !Number.isSafeInteger(b))) {
      throw rangeError(`options.signalCacheBytes must be a non-negative integer, got ${b}`);
    }
    opts.signalCacheBytes = b;
  }
  return opts;
}

/**
 * A path argument as the addon takes it: a string or a Uint8Array (Buffer) as given, a
 * `file:` URL as its path.
 * @param {unknown} p
 * @returns {string | Uint8Array}
 * @throws {TypeError} for anything else (and for a URL that is not `file:`, from
 *   `url.fileURLToPath`).
 */
function toPath(p) {
  if (typeof p === 'string' || p instanceof Uint8Array) return p;
  if (p instanceof URL) return fileURLToPath(p);
  throw typeError(`path must be a string, a Buffer or a file: URL, got ${describe(p)}`);
}

module.exports = { typeError, rangeError, describe, toIndex, parseOptions, toPath };
