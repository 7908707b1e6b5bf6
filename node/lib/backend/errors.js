/**
 * The WebAssembly backend's errors, made exactly as the addon makes them (node/src/nfstw_util.c:
 * nfstw_make_error, the TypeError/RangeError of bad arguments), from the core's last error
 * (node/wasm/wfstw_error.c), so that both backends throw the same `code`s and messages.  A
 * trap of the WebAssembly module (a bug, a stack overflow) or a failed memory growth becomes
 * an Error with a code (ERR_FSTWAVE_WASM_TRAP, ENOMEM), never a dead process.
 *
 * @module fstwave/lib/backend/errors
 */
'use strict';

const mod = require('./module');

const FSTW_ERR_NOMEM = 6;
const FSTW_ERR_ARG = 7;
const FSTW_ERR_IO = 4;

function plain(kind, code, message) {
  const e = kind === 1 ? new TypeError(message) : kind === 2 ? new RangeError(message) : new Error(message);
  e.code = code;
  return e;
}

/** TypeError with code ERR_INVALID_ARG_TYPE (nfstw_throw_type). */
const typeError = (msg) => plain(1, 'ERR_INVALID_ARG_TYPE', msg);
/** RangeError with code ERR_OUT_OF_RANGE (nfstw_throw_range). */
const rangeError = (msg) => plain(2, 'ERR_OUT_OF_RANGE', msg);
/** Error with a code (nfstw_throw_plain). */
const codeError = (code, msg) => plain(0, code, msg);

/** The Error of the core's last error (a call returned a status), path the file's. */
function coreError(path) {
  const M = mod.M;
  const status = M._wfstw_err_code();
  const msgCore = mod.cstr(M._wfstw_err_message()) || mod.cstr(M._wfstw_status_name(status));
  const code = mod.cstr(M._wfstw_status_code(status));
  const syscall = M._wfstw_err_syscall() ? mod.cstr(M._wfstw_err_syscall()) : null;
  if (status === FSTW_ERR_ARG) return plain(2, code, msgCore);
  const desc = mod.cstr(M._wfstw_status_description(status));
  let msg;
  if (syscall && status === FSTW_ERR_IO) msg = `${code}: ${desc}, read '${path ?? ''}': ${msgCore}`;
  else if (syscall) msg = `${code}: ${desc}, open '${path ?? ''}'`;
  else msg = msgCore;
  const e = plain(0, code, msg);
  e.reason = mod.cstr(M._wfstw_err_reason());
  const se = mod.cstr(M._wfstw_err_strerror());
  if (se) e.strerror = se;
  const off = M._wfstw_err_offset();
  if (off >= 0) e.offset = off;
  if (syscall) {
    e.errno = -(status === FSTW_ERR_IO ? 5 : M._wfstw_status_errno(status)); // Linux numbers, as Node's
    e.syscall = syscall;
  }
  if (path != null && status !== FSTW_ERR_NOMEM) e.path = path;
  return e;
}

/** The Error of a failed open of path by the OS (Node's fs error e), as the addon's. */
const OS_TEXT = { ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory', EPERM: 'Operation not permitted', ENOMEM: 'Cannot allocate memory' };
const OS_CODE = { ENOENT: 'ENOENT', ENOTDIR: 'ENOENT', EACCES: 'EACCES', EPERM: 'EACCES', EISDIR: 'EISDIR',
  ENOMEM: 'ENOMEM' };
const OS_DESC = { ENOENT: 'no such file or directory', EACCES: 'permission denied',
  EISDIR: 'illegal operation on a directory', ENOMEM: 'not enough memory', EIO: 'i/o error' };
function osError(e, path, what) {
  const code = OS_CODE[e.code] ?? 'EIO';
  const text = OS_TEXT[e.code] ?? e.message;
  const err = plain(0, code, code === 'EIO' ? `EIO: i/o error, read '${path}': ${what}: ${text}: ${path}`
    : `${code}: ${OS_DESC[code]}, open '${path}'`);
  err.reason = code === 'EIO' ? `${what}: ${text}: ${path}` : text;
  err.strerror = text;
  err.errno = e.errno;
  err.syscall = code === 'EIO' ? 'read' : 'open';
  err.path = path;
  return err;
}

/** Runs a call into the module; a trap or a failed growth becomes an Error with a code. */
function guard(fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      throw codeError('ERR_FSTWAVE_WASM_TRAP', `fstwave: the WebAssembly core trapped: ${e.message}`);
    }
    if (e instanceof RangeError && /memory|allocation/i.test(e.message) && !e.code) {
      throw codeError('ENOMEM', 'out of memory');
    }
    throw e;
  }
}

module.exports = { typeError, rangeError, codeError, coreError, osError, guard, FSTW_ERR_NOMEM };
