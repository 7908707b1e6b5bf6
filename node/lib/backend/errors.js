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

/* The errno Node gives (negative, Linux's numbers) for the status codes of OS errors: the
 * module's own libc numbers its errnos otherwise. */
const NODE_ERRNO = { ENOENT: -2, EACCES: -13, EISDIR: -21, EIO: -5, ENOMEM: -12 };

/**
 * The Error of the core's last error (a call returned a status), as the addon's
 * nfstw_make_error makes it: `code`, the message (an OS error reads like Node's fs errors),
 * `reason`, `strerror`, `offset`, `errno` and `syscall` for OS errors, `path`.
 * @param {string} [path] the file's path or name
 * @param {number} [errno] Node's errno of the OS call JS made (else the status's)
 */
function coreError(path, errno) {
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
    e.errno = errno ?? NODE_ERRNO[code] ?? -5;
    e.syscall = syscall;
  }
  if (path != null && status !== FSTW_ERR_NOMEM) e.path = path;
  return e;
}

/* The names of the errnos node/wasm/wfstw_error.c's wfstw_errno_of knows, in its order. */
const ERRNO_NAMES = ['ENOENT', 'EACCES', 'EISDIR', 'ENOMEM', 'ENOTDIR', 'EPERM', 'EMFILE', 'ENFILE', 'ELOOP',
  'ENAMETOOLONG', 'EIO', 'EBADF', 'EINVAL'];

/**
 * The Error of an OS call JS made for the core (Node's fs error e: opening the file, its
 * stat), made by the core as for its own calls (fstw_error_from_errno: the status, the
 * message, the OS text in glibc's words), so that it equals the addon's.
 * @param {Error} e Node's error (its `code`, `errno`)
 * @param {string} path the file's path
 * @param {string} what "cannot open", "cannot stat" or "cannot read" (a directory)
 */
function osError(e, path, what) {
  const M = mod.M;
  const [wp] = mod.putString(what);
  const [pp] = mod.putString(path);
  try {
    M._wfstw_os_error(M._wfstw_errno_of(ERRNO_NAMES.indexOf(e.code)), wp, pp);
  } finally {
    M._free(wp);
    M._free(pp);
  }
  return coreError(path, typeof e.errno === 'number' ? e.errno : undefined);
}

/**
 * Runs a call into the module; a trap (a WebAssembly.RuntimeError: a bug, a stack overflow,
 * emscripten's abort) becomes an Error with code ERR_FSTWAVE_WASM_TRAP and a fresh instance
 * (module.reset: the objects of the trapped one refuse further calls, checkGen); a failed
 * allocation of a JS array becomes ENOMEM.  (Out of memory inside the heap is the core's
 * FSTW_ERR_NOMEM: malloc returns NULL, ABORTING_MALLOC=0.)
 */
function guard(fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      mod.reset();
      const err = codeError('ERR_FSTWAVE_WASM_TRAP', `fstwave: the WebAssembly core trapped (${e.message}); ` +
        'the objects made before are unusable, new calls run on a fresh instance');
      err.cause = e;
      throw err;
    }
    if (e instanceof RangeError && /memory|allocation/i.test(e.message) && !e.code) {
      throw codeError('ENOMEM', 'out of memory');
    }
    throw e;
  }
}

/** Throws ERR_FSTWAVE_WASM_TRAP for an object (its state st) of an instance that trapped. */
function checkGen(st) {
  if (st.gen !== mod.gen) {
    throw codeError('ERR_FSTWAVE_WASM_TRAP',
      'fstwave: this object belongs to a WebAssembly instance that trapped; open the file again');
  }
}

/** Runs a finalizer's call into the module when st is of the current instance; a trap there
 * resets the instance and is not thrown (a FinalizationRegistry callback must not throw). */
function quietly(st, fn) {
  if (st.gen !== mod.gen) return;
  try {
    guard(fn);
  } catch (e) {
    /* reported by the next call: the instance was reset */
  }
}

module.exports = { typeError, rangeError, codeError, coreError, osError, guard, checkGen, quietly, FSTW_ERR_NOMEM };
