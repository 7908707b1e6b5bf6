'use strict';
// The addon's work layer (node/src/nfstw_work.c): every sync native and its async twin run
// the same core call and settle through the same code, so
//   - a core error is the same error object (class, message, code, errno, syscall, path,
//     reason, offset) whether it is thrown by the sync call or rejects the async one, for
//     errors at open, at the body load and at the signal load;
//   - many opens, body loads and signal loads in flight at once, with their Waveforms
//     dropped and garbage-collected meanwhile, give the right data and leave no file,
//     signal or file descriptor behind;
//   - a worker that exits while opens, body loads and signal loads are in flight does not
//     bring the process down, and every file it had open is closed after it is gone.

const assert = require('assert');
const fs = require('fs');
const path = require('path');

const H = require('./helpers');

const MEDIUM = 'icarus/test1.vcd.fst';

/** What a user can see of an error: class, name, message and own fields. */
function errorShape(e) {
  assert.ok(e instanceof Error, `not an Error: ${e}`);
  return { class: e.constructor.name, name: e.name, message: e.message, fields: { ...e } };
}

function syncError(fn) {
  try {
    fn();
  } catch (e) {
    return errorShape(e);
  }
  assert.fail('no error thrown');
}

async function asyncError(promise) {
  try {
    await promise;
  } catch (e) {
    return errorShape(e);
  }
  assert.fail('the promise resolved');
}

/**
 * Copies of a corpus file with 4 bytes flipped at offsets 0, 7, 14, ... until one copy
 * opens (without its body) but fails to load the body and one loads the body but fails
 * to load the signals. Returns { body, signals } (paths).
 */
function corruptCopies(rel, dir) {
  const data = fs.readFileSync(H.corpusPath(rel));
  const { Waveform } = H.loadApi();
  const out = {};
  for (let off = 0; off < data.length && !(out.body && out.signals); off += 7) {
    const d = Buffer.from(data);
    for (let k = 0; k < 4 && off + k < d.length; k++) d[off + k] ^= 0xa5;
    const p = path.join(dir, `flip_${off}.fst`);
    fs.writeFileSync(p, d);
    let stage = 'open';
    try {
      const w = new Waveform(p, { loadBody: false });
      stage = 'body';
      w.loadBody();
      stage = 'signals';
      w.loadSignals([...w.hierarchy.allVars()]);
      stage = 'ok';
    } catch (e) {
      if ((stage === 'body' || stage === 'signals') && !out[stage]) {
        out[stage] = p;
        continue;
      }
    }
    fs.unlinkSync(p);
  }
  return out;
}

describe('work layer: the sync and the async call settle alike', function () {
  this.timeout(120000);

  it('an open error is the same thrown and rejected (ENOENT, EISDIR, FST_FORMAT)', async function () {
    const { Waveform } = H.loadApi();
    const dir = H.makeTmpDir('fstwave-work-');
    const empty = path.join(dir, 'empty.fst');
    fs.writeFileSync(empty, '');
    const badHeader = path.join(dir, 'bad_header.fst');
    const d = fs.readFileSync(H.corpusPath(MEDIUM));
    d[8] ^= 0xff; // the header block's length
    fs.writeFileSync(badHeader, d);
    const cases = [path.join(dir, 'missing.fst'), dir, empty, badHeader];
    const codes = [];
    for (const p of cases) {
      for (const loadBody of [true, false]) {
        const want = syncError(() => new Waveform(p, { loadBody }));
        const got = await asyncError(Waveform.open(p, { loadBody }));
        assert.deepStrictEqual(got, want, `${p} (loadBody ${loadBody})`);
        assert.strictEqual(got.fields.path, p);
        codes.push(got.fields.code);
      }
    }
    assert.deepStrictEqual([...new Set(codes)], ['ENOENT', 'EISDIR', 'FST_FORMAT']);
  });

  it('a body-load error and a signal-load error are the same thrown and rejected', async function () {
    const { Waveform } = H.loadApi();
    const copies = corruptCopies(MEDIUM, H.makeTmpDir('fstwave-work-'));
    assert.ok(copies.body, 'no copy failing at the body load was found');
    assert.ok(copies.signals, 'no copy failing at the signal load was found');

    const bodyWant = syncError(() => new Waveform(copies.body, { loadBody: false }).loadBody());
    const lazy = await Waveform.open(copies.body, { loadBody: false });
    const bodyGot = await asyncError(lazy.loadBodyAsync());
    assert.deepStrictEqual(bodyGot, bodyWant);
    assert.strictEqual(bodyGot.fields.code, 'FST_FORMAT');
    assert.strictEqual(bodyGot.fields.path, copies.body);
    assert.strictEqual(lazy.bodyLoaded(), false);

    const sync = new Waveform(copies.signals);
    const sigWant = syncError(() => sync.loadSignals([...sync.hierarchy.allVars()]));
    const w = await Waveform.open(copies.signals);
    const sigGot = await asyncError(w.loadSignalsAsync([...w.hierarchy.allVars()]));
    assert.deepStrictEqual(sigGot, sigWant);
    assert.strictEqual(sigGot.fields.code, 'FST_FORMAT');
    assert.strictEqual(typeof sigGot.fields.offset, 'number');
  });
});

// Run in a child `node --expose-gc`: rounds of opens, body loads and signal loads started
// together on several files, their Waveforms dropped and collected while the work runs.
const GC_CHILD = String.raw`
const fs = require('fs');
const crypto = require('crypto');
const { root, files, rounds } = JSON.parse(process.env.FSTWAVE_WORK_ARGS);
const { Waveform, _nativeStats } = require(root);
const fds = () => fs.readdirSync('/proc/self/fd').length;

function sum(signals) {
  const h = crypto.createHash('sha256');
  for (const s of signals) {
    h.update('signal ' + s.length + '\n');
    for (const [t, v] of s.allChanges()) h.update(t + ' ' + typeof v + ' ' + String(v) + '\n');
  }
  return h.digest('hex');
}
function vars(w) { return [...w.hierarchy.allVars()]; }
async function collect() {
  for (let i = 0; i < 10; i++) { global.gc(); await new Promise((r) => setImmediate(r)); }
}

// each phase in its own function: a suspended async function keeps its dead temporaries
// (Waveforms included) alive, so the counts are taken after the phase has returned
async function reference() {
  const want = new Map();
  for (const f of files) { const w = new Waveform(f); want.set(f, sum(w.loadSignals(vars(w)))); }
  return want;
}

async function stress(want) {
  let checked = 0, maxOpen = 0;
  const check = (f, got) => {
    if (got !== want.get(f)) throw new Error('wrong data for ' + f);
    checked++;
  };
  for (let r = 0; r < rounds; r++) {
    const pending = [];
    for (const f of files) {
      // an open whose Waveform is dropped as soon as it is made
      pending.push(Waveform.open(f, { loadBody: r % 2 === 0 }).then(() => undefined));
      // a body load and signal loads started on a Waveform nobody keeps
      {
        const w = new Waveform(f, { loadBody: false });
        const vs = vars(w);
        pending.push(w.loadBodyAsync());
        pending.push(w.loadSignalsAsync(vs).then((s) => check(f, sum(s))));
        pending.push(w.loadSignalsAsync(vs.filter((_, i) => i % 3 === r % 3)).then(() => undefined));
      }
      // open, then load, with collections in between
      pending.push(Waveform.open(f, { loadBody: false }).then(async (w) => {
        global.gc();
        const vs = vars(w);
        const p = w.loadSignalsAsync(vs);
        w = null;
        global.gc();
        check(f, sum(await p));
      }));
      global.gc();
    }
    maxOpen = Math.max(maxOpen, _nativeStats().openFiles);
    await Promise.all(pending);
  }
  return { checked, maxOpen };
}

async function main() {
  const want = await reference();
  await collect();
  const base = { fds: fds(), stats: _nativeStats() };
  const { checked, maxOpen } = await stress(want);
  await collect();
  console.log(JSON.stringify({ base, end: { fds: fds(), stats: _nativeStats() }, checked, maxOpen }));
}
main().catch((e) => { console.log(JSON.stringify({ error: String(e && e.stack || e) })); process.exitCode = 1; });
`;

// Run in a child process: workers start opens, body loads and signal loads of a large
// file (and opens of others) and exit while they are in flight, in several ways.
const EXIT_MAIN = String.raw`
const fs = require('fs');
const { Worker } = require('worker_threads');
const { root, big, others, checkFile } = JSON.parse(process.env.FSTWAVE_WORK_ARGS);
const fds = () => fs.readdirSync('/proc/self/fd').length;

const WORKER = String.raw${'`'}
const { parentPort, workerData } = require('worker_threads');
const { Waveform } = require(workerData.root);
const { big, others, how } = workerData;
const lazy = new Waveform(big, { loadBody: false });
const vs = [...lazy.hierarchy.allVars()];
const pending = [lazy.loadBodyAsync(), lazy.loadSignalsAsync(vs), Waveform.open(big)];
for (const f of others) pending.push(Waveform.open(f).then((w) => w.loadSignalsAsync([...w.hierarchy.allVars()])));
Promise.all(pending).then(() => parentPort.postMessage({ finished: true }),
  (e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
if (how === 'exit') process.exit(0);
else if (how === 'later') setTimeout(() => process.exit(0), 5);
else parentPort.postMessage({ started: true });
${'`'};

function runOne(how) {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { root, big, others, how } });
    let finished = false;
    w.on('message', (m) => {
      if (m.error) reject(new Error('worker failed: ' + m.error));
      if (m.finished) finished = true;
      if (m.started) setTimeout(() => w.terminate(), how);
    });
    w.on('error', reject);
    w.on('exit', (code) => resolve({ how, code, finished }));
  });
}

async function main() {
  // warm up (the addon, the thread pool) in a worker, then the baseline
  await runOne('exit');
  await new Promise((r) => setTimeout(r, 50));
  const base = fds();
  const results = [];
  for (const how of ['exit', 'later', 0, 10, 'exit', 30]) results.push(await runOne(how));
  results.push(...await Promise.all(['exit', 'later', 0, 20].map(runOne)));
  let end = fds();
  for (let i = 0; i < 100 && end !== base; i++) {
    await new Promise((r) => setTimeout(r, 20));
    end = fds();
  }
  const { Waveform } = require(root);
  const w = new Waveform(checkFile);
  const n = w.loadSignals([...w.hierarchy.allVars()]).reduce((a, s) => a + s.length, 0);
  console.log(JSON.stringify({ base, end, results, n }));
}
main().catch((e) => { console.log(JSON.stringify({ error: String(e && e.stack || e) })); process.exitCode = 1; });
`;

function runChild(code, args, nodeArgs = []) {
  const r = H.run(process.execPath, [...nodeArgs, '-e', code], {
    timeout: 600000,
    env: { ...process.env, FSTWAVE_WORK_ARGS: JSON.stringify(args) },
  });
  assert.strictEqual(r.status, 0,
    `the child failed (status ${r.status}, signal ${r.signal})\n${r.stdout}\n${r.stderr.slice(-3000)}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.ok(!m.error, m.error);
  return m;
}

describe('work layer: works in flight', function () {
  this.timeout(600000);

  it('loads and opens in flight while their Waveforms are collected: right data, nothing left open', function () {
    const files = [MEDIUM, 'verilator/swerv1.vcd.fst', 'ghdl/pcpu.vcd.fst'].map(H.corpusPath);
    const rounds = 6;
    const m = runChild(GC_CHILD, { root: H.ROOT, files, rounds }, ['--expose-gc']);
    // 2 checked loads per file and round
    assert.strictEqual(m.checked, 2 * files.length * rounds);
    // the works really overlapped: the dropped Waveforms' files were open together
    assert.ok(m.maxOpen >= files.length, `at most ${m.maxOpen} files open at once`);
    assert.deepStrictEqual(m.end.stats, { openFiles: 0, liveSignals: 0 });
    assert.deepStrictEqual(m.base.stats, { openFiles: 0, liveSignals: 0 });
    assert.strictEqual(m.end.fds, m.base.fds, 'file descriptors left open');
  });

  it('workers exiting with opens, body loads and signal loads in flight: every file closed', function () {
    const dir = H.makeTmpDir('fstwave-work-exit-');
    const big = H.writeBigFile(dir, 1000, 20000);
    const others = [MEDIUM, 'verilator/swerv1.vcd.fst'].map(H.corpusPath);
    const checkFile = H.corpusPath('ghdl/pcpu.vcd.fst');
    const { Waveform } = H.loadApi();
    const ref = new Waveform(checkFile);
    const want = ref.loadSignals([...ref.hierarchy.allVars()]).reduce((a, s) => a + s.length, 0);
    const m = runChild(EXIT_MAIN, { root: H.ROOT, big, others, checkFile });
    assert.strictEqual(m.results.length, 10);
    // the loads of the 1000-signal file cannot finish before the worker is stopped
    assert.ok(m.results.some((x) => !x.finished), JSON.stringify(m.results));
    assert.strictEqual(m.end, m.base, `file descriptors left open by exited workers: ${JSON.stringify(m)}`);
    // and the process still reads files
    assert.strictEqual(m.n, want);
  });
});
