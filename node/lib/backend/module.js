/**
 * The WebAssembly backend's module: loads build/wasm/fstwave-core.js (+ .wasm, `make wasm`)
 * once, synchronously, and holds what every other backend module shares: the byte sources
 * the core reads through its reader callback (node/wasm/wfstw_file.c calls
 * `Module.fstwRead`), the progress hook (`Module.fstwProgress`), and helpers that move
 * numbers and strings in and out of the wasm heap.  Results are always copied out of the
 * heap into new JS values and typed arrays allocated in V8.
 *
 * Byte sources: a file descriptor (read with fs.readSync at a position, in Node), a
 * Uint8Array, or a Blob read by FileReaderSync slices (a browser Worker); never a whole
 * file in memory.  A descriptor source with a path also gives the core the hierarchy side
 * file of an unfinished file (`Module.fstwOpenSide`).
 *
 * @module fstwave/lib/backend/module
 */
'use strict';

const fs = require('fs');
const path = require('path');

let M = null;
let gen = 0; // the instance's generation: a new one after each trap (reset)
const resetHooks = [];
let provided = null; // { factory, options } of provide(): a host without fs (a browser worker)
const sources = new Map(); // source id -> { fd, path? } | { bytes } | { blob }
let nextSource = 1;
let progressHook = null; // (done, total) -> 0 | 1 (cancel), during one call

/**
 * For hosts without `fs` (a browser worker, node/web/sync.js): the emscripten factory
 * (build/wasm/fstwave-core.js, bundled) and the options it is called with (`wasmBinary`: the
 * .wasm bytes, fetched beforehand).  Call before the first load().
 * @param {Function} factory
 * @param {{wasmBinary: ArrayBuffer | Uint8Array}} options
 */
function provide(factory, options) {
  provided = { factory, options };
}

/** Loads the module (throws when build/wasm is missing: run `make wasm`). */
function load() {
  if (M) return M;
  let factory;
  const m = {};
  if (provided) {
    factory = provided.factory;
    Object.assign(m, provided.options);
  } else {
    const WASM_JS = path.join(__dirname, '..', '..', '..', 'build', 'wasm', 'fstwave-core.js');
    if (!fs.existsSync(WASM_JS)) {
      throw new Error(`fstwave: the WebAssembly build ${WASM_JS} is missing (run \`make wasm\`)`);
    }
    factory = require(WASM_JS);
  }
  factory(m); // WASM_ASYNC_COMPILATION=0: m is filled before this returns
  m.fstwRead = readSource;
  m.fstwProgress = (done, total) => (progressHook ? progressHook(done, total) : 0);
  m.fstwOpenSide = (id, name, out) => openSide(id, name, out);
  m.fstwRelease = (id) => dropSource(id);
  M = m;
  EIO = m._wfstw_errno_of(-1);
  ENOENT = m._wfstw_errno_of(0);
  EISDIR = m._wfstw_errno_of(2);
  return M;
}

/**
 * After a trap: the instance's heap is in an unknown state, so a fresh instance serves the
 * calls from now on (gen counts them); every object of the old one refuses further calls
 * (errors.js checkGen), the byte sources are closed, each module's hooks (onReset) forget
 * what pointed into the old heap.
 */
function reset() {
  for (const id of [...sources.keys()]) dropSource(id);
  progressHook = null;
  M = null;
  gen++;
  for (const fn of resetHooks) fn();
  load();
}

let EIO = 5;
let ENOENT = 2;
let EISDIR = 21;

/**
 * The core's open_side for source id (node/wasm/wfstw_file.c): the hierarchy side file
 * `name` (named by the core) of a source that is a file at a path (a descriptor source with
 * `path`), opened with fs.openSync and registered as a new source; out[0..1] = its id and
 * size.  0, EISDIR for something that is not a regular file, else ENOENT (no side file).
 */
function openSide(id, name, out) {
  const s = sources.get(id);
  if (!s || s.path === undefined) return ENOENT;
  let fd;
  try {
    fd = fs.openSync(name, 'r');
  } catch (e) {
    return ENOENT;
  }
  let st;
  try {
    st = fs.fstatSync(fd);
  } catch (e) {
    st = null;
  }
  if (!st || !st.isFile()) {
    fs.closeSync(fd);
    return EISDIR;
  }
  const side = addSource({ fd });
  M.HEAPF64[out >> 3] = side;
  M.HEAPF64[(out >> 3) + 1] = st.size;
  return 0;
}

/** The read-at callback of the core's reader: 0, or an errno of the wasm libc. */
function readSource(id, off, ptr, len) {
  const s = sources.get(id);
  if (!s) return EIO;
  try {
    const dst = M.HEAPU8.subarray(ptr, ptr + len);
    if (s.bytes) {
      dst.set(s.bytes.subarray(off, off + len));
      return 0;
    }
    if (s.blob) {
      const buf = new FileReaderSync().readAsArrayBuffer(s.blob.slice(off, off + len)); // eslint-disable-line no-undef
      if (buf.byteLength !== len) return EIO;
      dst.set(new Uint8Array(buf));
      return 0;
    }
    let done = 0;
    while (done < len) {
      const n = fs.readSync(s.fd, dst, done, len - done, off + done);
      if (n <= 0) return EIO;
      done += n;
    }
    return 0;
  } catch (e) {
    return EIO;
  }
}

/** Registers a byte source; returns its id for wfstw_open. */
function addSource(s) {
  const id = nextSource++;
  sources.set(id, s);
  return id;
}

/** Forgets a source (closing its descriptor when it has one). */
function dropSource(id) {
  const s = sources.get(id);
  sources.delete(id);
  if (s && s.fd !== undefined) {
    try {
      fs.closeSync(s.fd);
    } catch (e) {
      /* already closed */
    }
  }
}

/** Runs fn with progress reports going to hook (done, total) -> 0 | 1. */
function withProgress(hook, fn) {
  const before = progressHook;
  progressHook = hook;
  try {
    return fn();
  } finally {
    progressHook = before;
  }
}

/** A scratch area of `n` doubles in the heap (one per call site, reused). */
function scratch(n) {
  const p = M._malloc(n * 8);
  return p;
}

/** The UTF-8 string of (ptr, len) in the heap (len bytes). */
const utf8 = new TextDecoder('utf-8');
function str(ptr, len) {
  return len ? utf8.decode(M.HEAPU8.subarray(ptr, ptr + len)) : '';
}

/** The Latin-1 string of (ptr, len): one char per byte, as the addon's nfstw_str_latin1. */
function latin1(ptr, len) {
  let out = '';
  const h = M.HEAPU8;
  for (let i = 0; i < len; i += 8192) {
    out += String.fromCharCode.apply(null, h.subarray(ptr + i, ptr + Math.min(len, i + 8192)));
  }
  return out;
}

/** A NUL-terminated C string at ptr. */
function cstr(ptr) {
  return ptr ? M.UTF8ToString(ptr) : '';
}

/** Copies a JS string into a new heap buffer (UTF-8, NUL-terminated): [ptr, byte length]. */
function putString(s) {
  const n = M.lengthBytesUTF8(s);
  const p = M._malloc(n + 1);
  M.stringToUTF8(s, p, n + 1);
  return [p, n];
}

/** Copies a Uint32Array into a new heap buffer. */
function putU32(a) {
  const p = M._malloc(Math.max(4, a.length * 4));
  M.HEAPU32.set(a, p >> 2);
  return p;
}

/** A copy (allocated in V8) of n elements of typed-array type T at ptr. */
function copyOut(T, ptr, n) {
  const out = new T(n);
  if (n) out.set(new T(M.HEAPU8.buffer, ptr, n));
  return out;
}

module.exports = {
  load,
  reset,
  /** fn() runs after a reset (forget heap pointers and counts of the old instance). */
  onReset: (fn) => resetHooks.push(fn),
  provide,
  get M() {
    return M;
  },
  get gen() {
    return gen;
  },
  addSource,
  dropSource,
  withProgress,
  scratch,
  str,
  latin1,
  cstr,
  putString,
  putU32,
  copyOut,
};
