/**
 * The V8 code cache of the package's own modules (node/lib/*.js): what makes the first calls
 * of a fresh process cheap.  A fresh process otherwise compiles each module and, on first
 * use, each function on the path (V8 compiles functions lazily), which costs more than the
 * work of a first open or signal load on a small file.
 *
 * The cache is one file, `build/Release/fstwave-js.cache`, made at build time by
 * `node node/build.js` (`produce()`, in a child process: the modules are loaded, a sample
 * file is opened, walked and a signal loaded, then each module's `vm.Script` gives its
 * `createCachedData()`, which holds the bytecode of every function compiled so far).  It is
 * never written at run time.  Layout: a little-endian uint32 n, n bytes of JSON
 * `{v: NODE_VERSION_AND_ARCH, m: {name: [srcStart, srcEnd, dataStart, dataEnd]}}`, then the
 * blobs: each module's exact source (UTF-8) and its V8 cache data.
 *
 * `load(name)` returns the exports of `./<name>`: from `require.cache` when already loaded
 * (so a plain `require()` of a lib file elsewhere gets the same module), else compiled with
 * the module's cache data when the cache file exists, was made by this Node version and
 * holds the module's current source (byte for byte: V8 itself checks only the length), else
 * by the ordinary `require()`.  When V8 rejects the data (`cachedDataRejected`: other V8
 * flags, say) the module is compiled as usual.  The lib modules' own `require('./x')` of
 * another lib module (of the same folder: `backend/index`'s `./module` is `backend/module`)
 * goes through `load` too; anything else through Node's `require`.
 *
 * @module fstwave/lib/code-cache
 */
'use strict';

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

const LIB = __dirname;
const CACHE_FILE = path.join(LIB, '..', '..', 'build', 'Release', 'fstwave-js.cache');
/** The cache's stamp: data made by another Node (V8) or architecture is not even tried. */
const STAMP = `${process.version} ${process.arch} ${process.versions.v8}`;

let entries = null; // name -> {source, data} of the cache file (read once)
let produced = null; // when producing: name -> vm.Script

function readCache() {
  let buf;
  try {
    buf = fs.readFileSync(CACHE_FILE);
  } catch {
    return new Map();
  }
  const map = new Map();
  try {
    const n = buf.readUInt32LE(0);
    const head = JSON.parse(buf.toString('utf8', 4, 4 + n));
    if (head.v !== STAMP) return map;
    const base = 4 + n;
    for (const [name, [s0, s1, d0, d1]] of Object.entries(head.m)) {
      map.set(name, { source: buf.toString('utf8', base + s0, base + s1), data: buf.subarray(base + d0, base + d1) });
    }
  } catch {
    return new Map(); // a damaged cache file: compile as usual
  }
  return map;
}

/**
 * The exports of lib module `name` (e.g. `'waveform'`), compiled with its cached code when
 * the cache fits (see the module comment).
 * @param {string} name a file of node/lib without `.js` (`/`-separated in a subfolder)
 * @returns {unknown} its `module.exports`
 */
function load(name) {
  const filename = path.join(LIB, `${name}.js`);
  const done = require.cache[filename];
  if (done !== undefined) return done.exports;
  entries ??= readCache();
  const entry = entries.get(name);
  if (entry === undefined && produced === null) return require(filename);
  const source = fs.readFileSync(filename, 'utf8');
  const useData = entry !== undefined && entry.source === source;
  const script = new vm.Script(Module.wrap(source), {
    filename,
    cachedData: useData ? entry.data : undefined,
  });
  if (produced !== null) produced.set(name, { script, source });
  const m = new Module(filename, module);
  m.filename = filename;
  const plain = Module.createRequire(filename);
  // `./x` of a module in a subfolder (lib/backend) is that folder's x
  const dir = path.posix.dirname(name);
  const req = (id) => (id.startsWith('./') && !id.endsWith('.json') ? load(path.posix.join(dir, id.slice(2))) : plain(id));
  require.cache[filename] = m;
  try {
    script.runInThisContext().call(m.exports, m.exports, req, m, filename, path.dirname(filename));
  } catch (e) {
    delete require.cache[filename];
    throw e;
  }
  m.loaded = true;
  return m.exports;
}

/**
 * Build time only: start recording the modules `load()` compiles (call before any load).
 */
function startProducing() {
  produced = new Map();
  entries = new Map(); // compile from source, whatever an older cache file holds
}

/**
 * Build time only: writes the cache file from the modules recorded since `startProducing()`
 * (their code as compiled so far: run the work whose functions should be cached first).
 * @returns {string} the cache file's path
 */
function writeCache() {
  const m = {};
  const blobs = [];
  let at = 0;
  for (const [name, { script, source }] of produced) {
    const src = Buffer.from(source, 'utf8');
    const data = script.createCachedData();
    m[name] = [at, at + src.length, at + src.length, at + src.length + data.length];
    at += src.length + data.length;
    blobs.push(src, data);
  }
  const head = Buffer.from(JSON.stringify({ v: STAMP, m }), 'utf8');
  const n = Buffer.alloc(4);
  n.writeUInt32LE(head.length, 0);
  const tmp = `${CACHE_FILE}.tmp${process.pid}`;
  fs.writeFileSync(tmp, Buffer.concat([n, head, ...blobs]));
  fs.renameSync(tmp, CACHE_FILE);
  return CACHE_FILE;
}

module.exports = { load, startProducing, writeCache, CACHE_FILE };
