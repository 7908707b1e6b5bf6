/**
 * The WebAssembly backend's file natives, with the addon's names, arguments, returns and
 * errors (node/src/nfstw_file.c): open/openAsync (a path opened with fs.openSync and read
 * through the core's reader callback at positions, never loaded whole), loadBody/Async,
 * close, bodyLoaded, timeTable.  The async forms run on the calling thread (this backend
 * is single-threaded) in a later turn of the event loop and settle a Promise as the
 * addon's do; their arguments are checked at once.  As in the addon (nfstw_wave.c),
 * `close()` refuses further calls at once but closes the file only when the works in
 * flight (`work`) end, and ends the streams that hold the file (`holds`).  A file handle
 * that the program drops without close() is closed by a FinalizationRegistry.
 *
 * @module fstwave/lib/backend/files
 */
'use strict';

const fs = require('fs');
const mod = require('./module');
const { typeError, codeError, osError, guard, checkGen, quietly } = require('./errors');
const progress = require('./progress');

/** Open files, by handle, for stats() and the finalizer. */
const live = { files: 0 };
const registry = new FinalizationRegistry((held) => {
  held.closed = true;
  if (!held.busy) quietly(held, () => closeFile(held));
});
mod.onReset(() => {
  live.files = 0;
});

/** Frees what st holds in the heap (the core's file, the name, the byte source). */
function closeFile(st) {
  for (const release of st.holds) release();
  st.holds.clear();
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

const STATE = Symbol('fstwave.wasm.file');

/**
 * The state of a handle, { ptr, path, source, busy, closed, holds }: throws a TypeError for
 * anything else and ERR_FSTWAVE_CLOSED after close().
 */
function fileOf(h) {
  const st = h && h[STATE];
  if (!st) throw typeError('expected a file handle');
  checkGen(st);
  if (st.closed || !st.ptr) throw codeError('ERR_FSTWAVE_CLOSED', 'I/O operation on closed waveform');
  return st;
}

/**
 * Runs fn() as the async twin of a sync native (the addon's work on the thread pool): st
 * (a file state, or null for an open) counts as busy until fn has run in a later turn of
 * the event loop, so that close() meanwhile closes the file only after it.
 * @returns {Promise<*>} fn's result, or its error
 */
function work(st, fn) {
  if (st) st.busy++;
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      try {
        if (st) checkGen(st); // its instance trapped meanwhile
        resolve(guard(fn));
      } catch (e) {
        reject(e);
      } finally {
        if (st && --st.busy === 0 && st.closed) quietly(st, () => closeFile(st));
      }
    });
  });
}

/** Opens a byte source (fd, bytes or blob) named name: a handle. */
function openSource(src, size, name, mt, removeEmpty, loadBody, flag, onProgress) {
  const M = mod.load();
  const opts = [bool(mt, 'multiThreaded'), bool(removeEmpty, 'removeScopesWithEmptyName'), bool(loadBody, 'loadBody')];
  const p = progress.make(flag, onProgress);
  const source = mod.addSource(src);
  const [nameBuf] = mod.putString(name);
  const st = { ptr: 0, path: name, source, nameBuf, multiThreaded: opts[0], busy: 0, closed: false, holds: new Set(),
    gen: mod.gen };
  let ptr;
  try {
    ptr = guard(() => progress.run(p, (rep) => M._wfstw_open(source, size, nameBuf, 0, opts[1], opts[2], 0, rep)));
  } catch (e) {
    if (st.gen === mod.gen) closeFile(st); // else a trap: the reset closed its source
    throw e;
  }
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
  // the OS calls fstw_open makes (fstwi_source_open), with its words for their errors
  let fd;
  try {
    fd = fs.openSync(p, 'r');
  } catch (e) {
    throw osError(e, p, 'cannot open');
  }
  let st;
  try {
    st = fs.fstatSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    throw osError(e, p, 'cannot stat');
  }
  if (st.isDirectory()) {
    fs.closeSync(fd);
    throw osError({ code: 'EISDIR', errno: -21 }, p, 'cannot read');
  }
  return openSource({ fd, path: p }, st.size, p, mt, removeEmpty, loadBody, flag, onProgress);
}

function loadBodyOf(st, p) {
  const rc = guard(() => progress.run(p, (rep) => mod.M._wfstw_load_body(st.ptr, rep)));
  if (rc) throw progress.failure(p, st.path);
}

function loadBody(h, flag, onProgress) {
  const st = fileOf(h);
  loadBodyOf(st, progress.make(flag, onProgress));
}

/** close(h): no further calls; the file is closed now, or when the works in flight end. */
function close(h) {
  const st = h && h[STATE];
  if (!st) throw typeError('expected a file handle');
  if (st.closed) return;
  st.closed = true;
  registry.unregister(st);
  if (st.gen !== mod.gen) return; // its instance trapped: nothing of it to free
  for (const release of st.holds) release();
  st.holds.clear();
  if (!st.busy) closeFile(st);
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
  work,
  natives: {
    open,
    openAsync(path, mt, removeEmpty, loadBody_, flag, onProgress) {
      mod.load();
      pathArg(path);
      bool(mt, 'multiThreaded');
      bool(removeEmpty, 'removeScopesWithEmptyName');
      bool(loadBody_, 'loadBody');
      progress.make(flag, onProgress);
      return work(null, () => open(path, mt, removeEmpty, loadBody_, flag, onProgress));
    },
    loadBody,
    loadBodyAsync(h, flag, onProgress) {
      const st = fileOf(h);
      const p = progress.make(flag, onProgress);
      return work(st, () => loadBodyOf(st, p));
    },
    close,
    bodyLoaded,
    timeTable,
  },
};
