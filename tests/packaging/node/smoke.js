'use strict';
/*
 * The installed npm package at work, as a user's program uses it.  Copied into a project
 * folder that installed the fstwave tarball (tests/packaging/node/test-package.sh) and run
 * there:
 *
 *   node smoke.js [--expect-addon prebuilds/linux-x64/node.napi.glibc.node] FILE.fst...
 *
 * `require('fstwave')` resolves to the project's node_modules/fstwave.  For each file, in the
 * main thread and then in a worker_thread: open it synchronously and on the thread pool, walk
 * the scope tree, load every signal (blocking and async) and read every change; the two
 * opens must agree, the worker must see exactly what the main thread saw, and the file must
 * have vars, times and changes.  --expect-addon: the addon this thread loaded (the `.node`
 * entry of require.cache) must be that file of the installed package (so a prebuild, not a
 * build from source, is what runs).  Every module loaded must come from the folder it runs in
 * (the project: run it from there), not from a node_modules above it.
 */

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');

const fstwave = require('fstwave');

const PKG = path.dirname(require.resolve('fstwave/package.json'));

/** The addon file this thread loaded: the only `.node` module in require.cache. */
function loadedAddon() {
  const addons = Object.keys(require.cache).filter((k) => k.endsWith('.node'));
  assert.strictEqual(addons.length, 1, `one addon loaded: ${addons.join(', ')}`);
  return path.relative(PKG, addons[0]);
}

/** Hash of every change of `signals` (time, value type, value), in order. */
function changesDigest(signals) {
  const h = crypto.createHash('sha256');
  let changes = 0;
  for (const s of signals) {
    h.update('|');
    for (const [t, v] of s.allChanges()) {
      h.update(`${t}:${typeof v}:${v};`);
      changes++;
    }
  }
  return { changes, digest: h.digest('hex').slice(0, 16) };
}

/** What one thread observes of `file` through the public API. */
async function observe(file) {
  const w = await fstwave.Waveform.open(file);
  const sync = new fstwave.Waveform(file, { loadBody: false });
  const h = w.hierarchy;
  const names = crypto.createHash('sha256');
  let scopes = 0;
  let declared = 0;
  const walk = (scope) => {
    scopes++;
    names.update(`${scope.fullName(h)}/${scope.scopeType()}\n`);
    for (const v of scope.vars(h)) {
      declared++;
      names.update(`${v.fullName(h)}:${v.varType()}:${v.bitwidth(h)}:${v.signalRef()}\n`);
    }
    for (const c of scope.scopes(h)) walk(c);
  };
  for (const top of h.topScopes()) walk(top);
  const vars = [...h.allVars()];
  const loaded = changesDigest(await w.loadSignalsAsync(vars));
  const blocking = changesDigest(sync.loadSignals([...sync.hierarchy.allVars()]));
  assert.deepStrictEqual(blocking, loaded, `${file}: loadSignals and loadSignalsAsync agree`);
  const times = [...w.timeTable];
  const summary = {
    file: path.basename(file),
    version: h.version(),
    timescale: String(h.timescale()),
    timeRange: w.timeRange.map(String),
    times: times.length,
    lastTime: String(times[times.length - 1]),
    scopes,
    declared,
    signals: vars.length,
    names: names.digest('hex').slice(0, 16),
    ...loaded,
  };
  assert.ok(summary.signals > 0 && summary.times > 0 && summary.changes > 0, `${file}: empty? ${JSON.stringify(summary)}`);
  return summary;
}

async function observeAll(files) {
  const out = [];
  for (const f of files) out.push(await observe(f));
  return out;
}

function inWorker(files) {
  return new Promise((resolve, reject) => {
    const w = new Worker(__filename, { workerData: { files } });
    let result = null;
    w.on('message', (m) => (result = m));
    w.on('error', reject);
    w.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`worker exit ${code}`))));
  });
}

async function main() {
  const args = process.argv.slice(2);
  const i = args.indexOf('--expect-addon');
  const expectAddon = i >= 0 ? args.splice(i, 2)[1] : null;
  const files = args.map((f) => path.resolve(f));
  assert.ok(files.length > 0, 'usage: node smoke.js [--expect-addon REL] FILE.fst...');

  const main = await observeAll(files);
  const addon = loadedAddon();
  // every module came from this project (not from a node_modules above it)
  const foreign = Object.keys(require.cache).filter((k) => !k.startsWith(fs.realpathSync(process.cwd()) + path.sep));
  assert.deepStrictEqual(foreign, [], 'modules loaded from outside the project');
  if (expectAddon) assert.strictEqual(addon, expectAddon, 'the addon the main thread loaded');
  console.log(`smoke: fstwave ${fstwave.version} from ${PKG}, addon ${addon} (Node-API ${fstwave.napiVersion})`);
  for (const s of main) {
    console.log(`smoke: main thread: ${s.file}: ${s.scopes} scopes, ${s.signals} signals, ${s.times} times, ${s.changes} changes (${s.digest})`);
  }

  const worker = await inWorker(files);
  if (expectAddon) assert.strictEqual(worker.addon, expectAddon, 'the addon the worker loaded');
  assert.deepStrictEqual(worker.summaries, main, 'the worker observes what the main thread observes');
  console.log(`smoke: worker thread: the same ${files.length} file summaries, addon ${worker.addon}`);
  console.log(`smoke: ok (${process.arch})`);
}

if (isMainThread) {
  main().catch((e) => {
    console.error(`smoke: FAILED: ${e.stack || e}`);
    process.exitCode = 1;
  });
} else {
  observeAll(workerData.files).then((summaries) => parentPort.postMessage({ summaries, addon: loadedAddon() }));
}
