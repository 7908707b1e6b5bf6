'use strict';
// Shared helpers of the Node tests (mocha). Not a test file itself.

const assert = require('assert');
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const ROOT = path.resolve(__dirname, '../..');
// ../shared/fst-corpus beside the project, or FSTWAVE_CORPUS (the Makefile exports its CORPUS)
const CORPUS = process.env.FSTWAVE_CORPUS || path.resolve(__dirname, '../../../shared/fst-corpus');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const CLI = path.join(ROOT, 'node', 'cli.js');
/** The corpus holds exactly this many FST files (see its README and tests/python/conftest.py). */
const EXPECTED_CORPUS_COUNT = 43;

// ---------------------------------------------------------------------------------------
// temporary folders, removed when the process ends

const tmpDirs = [];
process.on('exit', () => {
  for (const d of tmpDirs) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch (e) {
      // best effort
    }
  }
});

function makeTmpDir(prefix = 'fstwave-node-') {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

// ---------------------------------------------------------------------------------------
// corpus and fixtures

function listFst(dir) {
  const out = [];
  const walk = (d) => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && ent.name.endsWith('.fst')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function corpusFiles() {
  assert.ok(fs.existsSync(CORPUS), `FST corpus folder missing: ${CORPUS}`);
  return listFst(CORPUS);
}

function corpusPath(rel) {
  const p = path.join(CORPUS, rel);
  assert.ok(fs.statSync(p, { throwIfNoEntry: false }), `corpus file missing: ${p}`);
  return p;
}

function run(cmd, args, opts = {}) {
  const r = childProcess.spawnSync(cmd, args, {
    encoding: 'utf8', maxBuffer: 1 << 28, timeout: 600000, ...opts,
  });
  if (r.error) throw r.error;
  return r;
}

function make(target) {
  const r = run('make', ['-C', ROOT, target]);
  assert.strictEqual(r.status, 0, `make ${target} failed:\n${r.stdout}${r.stderr}`);
}

let fixtureCache = null;

/**
 * Builds build/gen_fixtures and writes every fixture into a fresh temporary folder (once
 * per process). Returns { dir, files, listed } where listed are the names `-l` announces.
 */
function generatedFixtures() {
  if (fixtureCache) return fixtureCache;
  make('build/gen_fixtures');
  const gen = path.join(ROOT, 'build', 'gen_fixtures');
  const dir = makeTmpDir('fstwave-fixtures-');
  const r = run(gen, [dir]);
  assert.strictEqual(r.status, 0, `${gen} ${dir} failed:\n${r.stdout}${r.stderr}`);
  const l = run(gen, ['-l']);
  assert.strictEqual(l.status, 0, `${gen} -l failed:\n${l.stderr}`);
  const listed = l.stdout.split('\n').filter((x) => x.trim()).map((x) => x.trim().split(/\s+/)[0]);
  fixtureCache = { dir, files: listFst(dir), listed };
  return fixtureCache;
}

function fixturePath(name) {
  const p = path.join(generatedFixtures().dir, name);
  assert.ok(fs.existsSync(p), `fixture missing: ${p}`);
  return p;
}

let bigWriterCache = null;

/** Compiles tests/node/fixtures/big_writer.c against vendor/libfst; returns the program. */
function bigWriter() {
  if (bigWriterCache) return bigWriterCache;
  make('build/libfst.a');
  const exe = path.join(makeTmpDir('fstwave-bigwriter-'), 'big_writer');
  const r = run('cc', ['-O2', '-I' + path.join(ROOT, 'vendor', 'libfst'),
    path.join(__dirname, 'fixtures', 'big_writer.c'), path.join(ROOT, 'build', 'libfst.a'),
    '-lz', '-o', exe]);
  assert.strictEqual(r.status, 0, `compiling big_writer.c failed:\n${r.stdout}${r.stderr}`);
  bigWriterCache = exe;
  return exe;
}

/** Writes a large FST file (see big_writer.c) and returns its path. */
function writeBigFile(dir, nSignals, nSteps) {
  const out = path.join(dir, `big_${nSignals}_${nSteps}.fst`);
  const r = run(bigWriter(), [out, String(nSignals), String(nSteps)]);
  assert.strictEqual(r.status, 0, `big_writer failed:\n${r.stdout}${r.stderr}`);
  return out;
}

/** Start and end time from the FST header block (through the whole-file gzip wrapper). */
function readFstHeader(p) {
  let data = fs.readFileSync(p);
  if (data[0] === 0xfe) data = zlib.gunzipSync(data.subarray(17));
  assert.strictEqual(data[0], 0, `${p}: no FST header block`);
  return { start: data.readBigUInt64BE(9), end: data.readBigUInt64BE(17) };
}

// ---------------------------------------------------------------------------------------
// the Python package as reference

function requirePython() {
  assert.ok(fs.existsSync(PYTHON),
    `${PYTHON} is missing: run \`make python\` in ${ROOT} first (it creates the venv)`);
  return PYTHON;
}

function decodeValue(v) {
  if (v === null || typeof v === 'string') return v;
  if (Object.prototype.hasOwnProperty.call(v, 'b')) return BigInt('0x' + v.b);
  if (Object.prototype.hasOwnProperty.call(v, 'r')) {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setBigUint64(0, BigInt('0x' + v.r));
    return dv.getFloat64(0);
  }
  throw new Error('bad reference value ' + JSON.stringify(v));
}

function decodeChanges(list) {
  return list.map(([t, v]) => [BigInt(t), decodeValue(v)]);
}

/** Answers of tests/node/fixtures/pyref.py for a list of requests. */
function pyRef(requests) {
  const r = run(requirePython(), [path.join(__dirname, 'fixtures', 'pyref.py')], {
    input: JSON.stringify(requests),
  });
  assert.strictEqual(r.status, 0, `pyref.py failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------------------
// comparisons

function show(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** Same type and value (bigint/string ===, numbers bit-exact up to NaN, null). */
function sameValue(a, b) {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) {
      const da = new DataView(new ArrayBuffer(8));
      const db = new DataView(new ArrayBuffer(8));
      da.setFloat64(0, a);
      db.setFloat64(0, b);
      return da.getBigUint64(0) === db.getBigUint64(0);
    }
    return Object.is(a, b);
  }
  return a === b;
}

/** null when equal, else a description of the first difference. */
function diffChanges(got, want) {
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const g = got[i];
    const w = want[i];
    if (!Array.isArray(g) || g.length !== 2 || !sameValue(g[0], w[0]) || !sameValue(g[1], w[1])) {
      return `change ${i}: got ${Array.isArray(g) ? `[${g.map(show).join(', ')}]` : show(g)}, ` +
        `want [${w.map(show).join(', ')}]`;
    }
  }
  if (got.length !== want.length) return `got ${got.length} changes, want ${want.length}`;
  return null;
}

function assertSameChanges(got, want, what = '') {
  const d = diffChanges(got, want);
  assert.ok(d === null, `${what}${what ? ': ' : ''}${d}`);
}

function changes(sig) {
  return [...sig.allChanges()];
}

/**
 * Runs `fn()` (async) while a 5 ms timer records when it fires; resolves with its result,
 * how long it took and the longest gap between two ticks (or the start and end) meanwhile,
 * in ms: whether the event loop kept running.
 */
async function timerGaps(fn) {
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const ticks = [];
  const timer = setInterval(() => ticks.push(now()), 5);
  await new Promise((resolve) => setTimeout(resolve, 15)); // the timer runs before the start
  const start = now();
  ticks.push(start);
  const result = await fn();
  const end = now();
  ticks.push(end);
  clearInterval(timer);
  const during = ticks.filter((t) => t >= start);
  let maxGap = 0;
  for (let i = 1; i < during.length; i++) maxGap = Math.max(maxGap, during[i] - during[i - 1]);
  return { result, ms: end - start, maxGap, ticks: during.length };
}

/**
 * Collects garbage and lets the finalizers run (the flag --expose-gc is set at run time);
 * then the addon's counts of open files and live signals, so that Waveforms and Signals
 * dropped by earlier tests do not change them in the middle of a test.
 * @returns {Promise<{openFiles: number, liveSignals: number}>}
 */
async function collectedStats() {
  require('v8').setFlagsFromString('--expose-gc');
  const gc = global.gc || require('vm').runInNewContext('gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    // a FinalizationRegistry's callbacks (the wasm backend's) run in a task V8 posts after
    // the collection, which an immediate may come before
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return loadApi()._nativeStats();
}

/**
 * Keeps every thread of libuv's pool busy (UV_THREADPOOL_SIZE, default 4) with a load of
 * every signal of `file` (a large one), so that a work queued next starts only after they
 * end: an abort made right after queueing it then reaches it before it starts, however slow
 * this machine is.  Resolves when the busy loads are done.
 */
async function occupyPool(file) {
  const { Waveform } = loadApi();
  const n = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const loads = [];
  for (let i = 0; i < n; i++) {
    const w = new Waveform(file);
    loads.push(w.loadSignalsAsync([...w.hierarchy.allVars()]).then(() => w.close()));
  }
  return Promise.all(loads);
}

function loadApi() {
  return require(ROOT);
}

/** The backend the package runs on: "native" (the addon) or "wasm" (FSTWAVE_BACKEND=wasm). Tests
 * about the addon itself (its file, Node-API, libuv's thread pool) skip under "wasm", each
 * saying why. */
const backend = loadApi().backend;

module.exports = {
  ROOT, CORPUS, PYTHON, CLI, EXPECTED_CORPUS_COUNT,
  makeTmpDir, corpusFiles, corpusPath, listFst, run, make, generatedFixtures, fixturePath,
  bigWriter, writeBigFile, readFstHeader, requirePython, pyRef, decodeChanges, decodeValue,
  show, sameValue, diffChanges, assertSameChanges, changes, loadApi, timerGaps, collectedStats, occupyPool,
  backend,
};
