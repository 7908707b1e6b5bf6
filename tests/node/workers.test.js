'use strict';
// The addon in several worker_threads at once: workers open and read corpus files, post
// checksums that must equal the main thread's, then exit, and the process stays healthy.
// A worker terminated in the middle of an async load does not bring the process down.

const assert = require('assert');
const path = require('path');
const { Worker } = require('worker_threads');

const H = require('./helpers');
const { checksumSync, checksumAsync } = require('./fixtures/checksum');

const N_WORKERS = 4;
const WORKER = path.join(__dirname, 'fixtures', 'worker.js');

function runWorker(workerData) {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData });
    const sums = new Map();
    let done = false;
    let error = null;
    w.on('message', (m) => {
      if (m.error) error = m.error;
      else if (m.done) done = true;
      else sums.set(m.file, m.sum);
    });
    w.on('error', reject);
    w.on('exit', (code) => resolve({ code, sums, done, error }));
  });
}

describe('worker_threads', function () {
  this.timeout(600000);

  it(`${N_WORKERS} workers read the corpus at once and agree with the main thread`, async function () {
    const api = H.loadApi();
    const files = H.corpusFiles();
    assert.strictEqual(files.length, H.EXPECTED_CORPUS_COUNT);
    // each worker reads every file, starting at a different place; half use the async API
    const jobs = [];
    for (let k = 0; k < N_WORKERS; k++) {
      const shift = Math.floor((k * files.length) / N_WORKERS);
      const order = [...files.slice(shift), ...files.slice(0, shift)];
      jobs.push(runWorker({ mode: 'checksums', root: H.ROOT, files: order, async: k % 2 === 1 }));
    }
    // the main thread works at the same time
    const mine = new Map();
    for (const f of files) mine.set(f, checksumSync(api, f));
    const results = await Promise.all(jobs);
    results.forEach((r, k) => {
      assert.strictEqual(r.error, null, `worker ${k}: ${r.error}`);
      assert.strictEqual(r.code, 0, `worker ${k} exit code`);
      assert.ok(r.done, `worker ${k} did not finish`);
      assert.strictEqual(r.sums.size, files.length);
      for (const f of files) {
        assert.strictEqual(r.sums.get(f), mine.get(f), `worker ${k}: ${path.relative(H.CORPUS, f)}`);
      }
    });
    // after every worker exited, the process still opens and reads files
    for (const f of files.slice(0, 10)) {
      assert.strictEqual(checksumSync(api, f), mine.get(f));
      assert.strictEqual(await checksumAsync(api, f), mine.get(f));
    }
  });

  it('the addon loads in workers started one after another (load, exit, load again)', async function () {
    const f = H.corpusPath('vcs/processor.vcd.fst');
    const want = checksumSync(H.loadApi(), f);
    for (let i = 0; i < 6; i++) {
      const r = await runWorker({ mode: 'checksums', root: H.ROOT, files: [f], async: i % 2 === 0 });
      assert.strictEqual(r.error, null);
      assert.strictEqual(r.code, 0);
      assert.strictEqual(r.sums.get(f), want);
    }
  });

  it('workers terminated in the middle of an async load do not crash the process', function () {
    const dir = H.makeTmpDir('fstwave-terminate-');
    const big = H.writeBigFile(dir, 1000, 20000);
    const check = H.corpusPath('verilator/swerv1.vcd.fst');
    const want = checksumSync(H.loadApi(), check);
    const r = H.run(process.execPath,
      [path.join(__dirname, 'fixtures', 'terminate_main.js'), H.ROOT, big, check],
      { timeout: 300000 });
    assert.strictEqual(r.status, 0,
      `the process died (status ${r.status}, signal ${r.signal})\nstdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-3000)}`);
    const results = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('RESULTS ')).slice(8));
    // a terminated worker exits with code 1; the process goes on
    assert.ok(results.length >= 8);
    assert.ok(results.some((x) => !x.finished), `no load was interrupted: ${JSON.stringify(results)}`);
    assert.ok(r.stdout.includes(`OK ${want}\n`), r.stdout);
  });
});
