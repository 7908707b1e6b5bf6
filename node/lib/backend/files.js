/**
 * The WebAssembly backend's file natives, with the addon's names, arguments, returns and
 * errors (node/src/nfstw_file.c): open/openAsync (a path opened with fs.openSync and read
 * through the core's reader callback at positions, never loaded whole), loadBody/Async,
 * close, bodyLoaded, timeTable.  The async forms run on the calling thread (this backend
 * is single-threaded) and settle a Promise as the addon's do.  A file handle that the
 * program drops without close() is closed by a FinalizationRegistry.
 *
 * @module fstwave/lib/backend/files
 */
'use strict';

const fs = require('fs');
const mod = require('./module');
const { typeError, codeError, coreError, osError, guard } = require('./errors');
const progress = require('./progress');

/** Open files, by handle, for stats() and the finalizer. */
const live = { files: 0 };
const registry = new FinalizationRegistry((held) => closeFile(held));

function closeFile(st) {
  if (st.ptr) {
    mod.M._wfstw_close(st.ptr);
    st.ptr = 0;
    live.files--;
  }
  if (st.source) {
    mod.dropSource(st.source);
    st.source = 0;
  }
  if (st.nameBuf) {
    mod.M._free(st.nameBuf);
    st.nameBuf = 0;
  }
}

function bool(v, what) {
  if (typeof v !== 'boolean') throw typeError(`${what} must be a boolean`);
  return v ? 1 : 0;
}

function pathArg(p) {
  if (typeof p === 'string') {
    if (p.length === 0) throw typeError('path must not be empty');
    if (p.includes('\0')) throw typeError('path must not contain null bytes');
    return p;
  }
  if (p instanceof Uint8Array) {
    if (p.length === 0) throw typeError('path must not be empty');
    if (p.includes(0)) throw typeError('path must not contain null bytes');
    return Buffer.from(p).toString('utf8');
  }
  throw typeError('path must be a string, a Buffer or a URL');
}

/** The state of a handle: { ptr, path, source } (throws when closed). */
function fileOf(h) {
  const st = h && h[STATE];
  if (!st) throw typeError('expected a file handle');
  if (!st.ptr) throw codeError('ERR_FSTWAVE_CLOSED', 'I/O operation on closed waveform');
  return st;
}
const STATE = Symbol('fstwave.wasm.file');

/** Opens a byte source (fd, bytes or blob) named name: a handle. */
function openSource(src, size, name, mt, removeEmpty, loadBody, flag, onProgress) {
  const M = mod.load();
  const opts = [bool(mt, 'multiThreaded'), bool(removeEmpty, 'removeScopesWithEmptyName'), bool(loadBody, 'loadBody')];
  const p = progress.make(flag, onProgress);
  const source = mod.addSource(src);
  const [nameBuf] = mod.putString(name);
  const st = { ptr: 0, path: name, source, nameBuf, multiThreaded: opts[0] };
  const ptr = guard(() => progress.run(p, (rep) => M._wfstw_open(source, size, nameBuf, 0, opts[1], opts[2], 0, rep)));
  if (!ptr) {
    const e = progress.failure(p, name);
    closeFile(st);
    throw e;
  }
  st.ptr = ptr;
  live.files++;
  const h = { [STATE]: st };
  registry.register(h, st, st);
  return h;
}

function open(path, mt, removeEmpty, loadBody, flag, onProgress) {
  mod.load();
  const p = pathArg(path);
  bool(mt, 'multiThreaded');
  bool(removeEmpty, 'removeScopesWithEmptyName');
  bool(loadBody, 'loadBody');
  progress.make(flag, onProgress);
  let fd;
  try {
    fd = fs.openSync(p, 'r');
  } catch (e) {
    throw osError(e, p);
  }
  let size;
  try {
    const s = fs.fstatSync(fd);
    if (s.isDirectory()) {
      const e = new Error('EISDIR');
      e.code = 'EISDIR';
      e.errno = -21;
      throw e;
    }
    size = s.size;
  } catch (e) {
    fs.closeSync(fd);
    throw osError(e, p);
  }
  return openSource({ fd }, size, p, mt, removeEmpty, loadBody, flag, onProgress);
}

/** Runs a sync native as its async twin: arguments errors thrown at once, the rest settles. */
function asAsync(fn) {
  return function (...args) {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(fn(...args));
        } catch (e) {
          reject(e);
        }
      });
    });
  };
}

function loadBody(h, flag, onProgress) {
  const st = fileOf(h);
  const p = progress.make(flag, onProgress);
  const rc = guard(() => progress.run(p, (rep) => mod.M._wfstw_load_body(st.ptr, rep)));
  if (rc) throw progress.failure(p, st.path);
}

function close(h) {
  const st = h && h[STATE];
  if (!st) throw typeError('expected a file handle');
  registry.unregister(st);
  closeFile(st);
}

function bodyLoaded(h) {
  return mod.M._wfstw_body_loaded(fileOf(h).ptr) !== 0;
}

function timeTable(h) {
  const st = fileOf(h);
  const M = mod.M;
  const np = M._malloc(4);
  const ptr = M._wfstw_time_table(st.ptr, np);
  const n = M.HEAPU32[np >> 2];
  M._free(np);
  return mod.copyOut(BigUint64Array, ptr, n);
}

module.exports = {
  STATE,
  fileOf,
  live,
  openSource,
  natives: {
    open,
    openAsync(path, mt, removeEmpty, loadBody_, flag, onProgress) {
      pathArg(path);
      progress.make(flag, onProgress);
      return asAsync(open)(path, mt, removeEmpty, loadBody_, flag, onProgress);
    },
    loadBody,
    loadBodyAsync(h, flag, onProgress) {
      fileOf(h);
      progress.make(flag, onProgress);
      return asAsync(loadBody)(h, flag, onProgress);
    },
    close,
    bodyLoaded,
    timeTable,
  },
  asAsync,
};
