'use strict';
// Progress, cancellation and close (contract section 6): `{ signal, onProgress }` on
// Waveform.open / the constructor, loadBody(Async) and loadSignals(Async); AbortError;
// nothing cached or left open after an abort; close() and Symbol.dispose; the event loop
// keeps running during an async load that reports progress.

const assert = require('assert');
const fs = require('fs');

const H = require('./helpers');

const { Waveform, AbortError, _nativeStats } = H.loadApi();

// Counts of open files and live signals are compared after garbage collection
// (H.collectedStats), so that Waveforms and Signals dropped by earlier tests do not change
// them meanwhile.
const { collectedStats } = H;

let bigFile = null;
/** A file of 300 signals and 40,000 time steps: ten value-change blocks, 14 MB. */
function big() {
  if (bigFile === null) bigFile = H.writeBigFile(H.makeTmpDir('fstwave-control-'), 300, 40000);
  return bigFile;
}

/** Keeps every thread of libuv's pool busy with loads of the big file (H.occupyPool). */
function occupyPool() {
  return H.occupyPool(big());
}

/** The bytes of every signal's whole window, for comparing two loads of the same signals. */
function windowBytes(w, signals) {
  const [start, end] = w.timeRange;
  return signals.map((s) => {
    const win = s.changesBetween(start, end);
    const parts = [win.times, win.values, win.offsets].filter((a) => a);
    return Buffer.concat(parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toString('base64');
  });
}

function assertAbortError(e, reason) {
  assert.ok(e instanceof AbortError && e instanceof Error, `not an AbortError: ${e && e.stack}`);
  assert.strictEqual(e.name, 'AbortError');
  assert.strictEqual(e.code, 'ABORT_ERR');
  assert.strictEqual(e.message, 'The operation was aborted');
  if (reason !== undefined) assert.strictEqual(e.cause, reason);
  return true;
}

/** done never decreases, total is fixed and positive, the last report is (total, total). */
function assertProgress(reports, what) {
  assert.ok(reports.length >= 1, `${what}: no report`);
  const total = reports[0][1];
  assert.ok(total > 0 && total <= fs.statSync(big()).size, `${what}: total ${total}`);
  for (let i = 0; i < reports.length; i++) {
    assert.strictEqual(reports[i][1], total, `${what}: total changed at report ${i}`);
    assert.ok(reports[i][0] >= (i ? reports[i - 1][0] : 0), `${what}: done went down at report ${i}`);
  }
  assert.deepStrictEqual(reports[reports.length - 1], [total, total], `${what}: the last report`);
}

describe('viewer API: progress', function () {
  this.timeout(120000);

  it('loadSignalsAsync: monotone, fixed total, ends at total before the promise settles', async function () {
    const w = await Waveform.open(big());
    const vars = [...w.hierarchy.allVars()];
    const reports = [];
    const p = w.loadSignalsAsync(vars, { onProgress: (done, total) => reports.push([done, total]) });
    const signals = await p;
    assertProgress(reports, 'loadSignalsAsync');
    assert.ok(reports.length > 1, 'a ten-block load reports more than once');
    assert.strictEqual(signals.length, vars.length);
    // cached signals: the core has nothing to read and reports (0, 0) once
    const again = [];
    const same = await w.loadSignalsAsync(vars, { onProgress: (d, t) => again.push([d, t]) });
    assert.deepStrictEqual(again, [[0, 0]]);
    assert.strictEqual(same[0], signals[0]);
  });

  it('sync loads report synchronously: one report per block single-threaded', function () {
    const w = new Waveform(big(), { loadBody: false, multiThreaded: false });
    const body = [];
    w.loadBody({ onProgress: (d, t) => body.push([d, t]) });
    assertProgress(body, 'loadBody');
    const reports = [];
    w.loadSignals([...w.hierarchy.allVars()].slice(0, 50), { onProgress: (d, t) => reports.push([d, t]) });
    assertProgress(reports, 'loadSignals');
    assert.ok(reports.length >= 10, `${reports.length} reports for ten blocks`);
  });

  it('Waveform.open and loadBodyAsync report progress; an exception in onProgress stops the call', async function () {
    const reports = [];
    const w = await Waveform.open(big(), { onProgress: (d, t) => reports.push([d, t]) });
    assertProgress(reports, 'open');
    const w2 = await Waveform.open(big(), { loadBody: false });
    const body = [];
    await w2.loadBodyAsync({ onProgress: (d, t) => body.push([d, t]) });
    assertProgress(body, 'loadBodyAsync');
    assert.deepStrictEqual([...w2.timeTable], [...w.timeTable]);
    // onProgress throws: the load stops and rejects with that exception; nothing is cached
    const boom = new Error('boom');
    const live = (await collectedStats()).liveSignals;
    await assert.rejects(w2.loadSignalsAsync([...w2.hierarchy.allVars()], { onProgress: () => { throw boom; } }),
      (e) => e === boom);
    assert.strictEqual(_nativeStats().liveSignals, live);
    assert.throws(() => w2.loadSignals([...w2.hierarchy.allVars()].slice(0, 2), { onProgress: () => { throw boom; } }),
      (e) => e === boom);
    assert.strictEqual(_nativeStats().liveSignals, live);
  });

  it('bad options: TypeError', async function () {
    const w = new Waveform(big(), { loadBody: false });
    assert.throws(() => w.loadBody({ signal: {} }), TypeError);
    assert.throws(() => w.loadBody({ onProgress: 1 }), TypeError);
    await assert.rejects(Waveform.open(big(), { signal: 'x' }), TypeError);
    await assert.rejects(w.loadSignalsAsync([], { onProgress: 'x' }), TypeError);
  });
});

describe('viewer API: AbortSignal', function () {
  this.timeout(120000);

  it('loadSignalsAsync aborted mid-load rejects, caches nothing, and a new load equals a clean one', async function () {
    const w = await Waveform.open(big());
    const vars = [...w.hierarchy.allVars()];
    const before = (await collectedStats()).liveSignals;
    const ac = new AbortController();
    const seen = [];
    const reason = new Error('user cancelled');
    await assert.rejects(w.loadSignalsAsync(vars, {
      signal: ac.signal,
      onProgress: (d, t) => {
        seen.push([d, t]);
        ac.abort(reason);
      },
    }), (e) => assertAbortError(e, reason));
    assert.strictEqual(seen.length, 1, 'no report after the abort');
    assert.ok(seen[0][0] < seen[0][1], `aborted at ${seen[0]}: not mid-load`);
    assert.strictEqual(_nativeStats().liveSignals, before, 'the aborted load left signals alive');
    // nothing cached: the next load reads the file again (a cached load would report (0, 0))
    const reports = [];
    const signals = await w.loadSignalsAsync(vars, { onProgress: (d, t) => reports.push([d, t]) });
    assertProgress(reports, 'the load after the abort');
    const clean = new Waveform(big());
    assert.deepStrictEqual(windowBytes(w, signals), windowBytes(clean, clean.loadSignals(vars)));
  });

  it('sync loadSignals aborted from onProgress throws and caches nothing', function () {
    const w = new Waveform(big(), { multiThreaded: false });
    const vars = [...w.hierarchy.allVars()];
    const ac = new AbortController();
    let calls = 0;
    assert.throws(() => w.loadSignals(vars, {
      signal: ac.signal,
      onProgress: (d) => {
        calls++;
        if (d > 0) ac.abort();
      },
    }), (e) => assertAbortError(e) && e.cause.name === 'AbortError');
    const reports = [];
    w.loadSignals(vars.slice(0, 3), { onProgress: (d, t) => reports.push([d, t]) });
    assertProgress(reports, 'the load after the abort');
    assert.ok(calls >= 2 && calls < 10, `${calls} reports before the abort took effect`);
  });

  it('loadBodyAsync and the constructor aborted: the body stays unloaded, no file stays open', async function () {
    const w = await Waveform.open(big(), { loadBody: false });
    const open = (await collectedStats()).openFiles;
    const busy = occupyPool();
    const ac = new AbortController();
    const p = w.loadBodyAsync({ signal: ac.signal });
    const ac2 = new AbortController();
    const p2 = Waveform.open(big(), { signal: ac2.signal });
    ac.abort();
    ac2.abort();
    await assert.rejects(p, (e) => assertAbortError(e));
    await assert.rejects(p2, (e) => assertAbortError(e));
    await busy;
    assert.strictEqual(w.bodyLoaded(), false);
    assert.strictEqual(_nativeStats().openFiles, open, 'an aborted open left a file open');
    await w.loadBodyAsync();
    assert.strictEqual(w.timeTable.length, new Waveform(big()).timeTable.length);
    // the sync forms: aborted from onProgress, which they call synchronously
    const ac3 = new AbortController();
    assert.throws(() => new Waveform(big(), { signal: ac3.signal, onProgress: () => ac3.abort() }), (e) => assertAbortError(e));
    const w4 = new Waveform(big(), { loadBody: false });
    const ac4 = new AbortController();
    assert.throws(() => w4.loadBody({ signal: ac4.signal, onProgress: () => ac4.abort() }), (e) => assertAbortError(e));
    assert.strictEqual(w4.bodyLoaded(), false);
  });

  it('an already aborted signal rejects at once without reading', async function () {
    const ac = new AbortController();
    ac.abort();
    const w = new Waveform(big(), { loadBody: false });
    const vars = [...w.hierarchy.allVars()].slice(0, 5);
    let calls = 0;
    const opts = { signal: ac.signal, onProgress: () => calls++ };
    await assert.rejects(Waveform.open(big(), opts), (e) => assertAbortError(e, ac.signal.reason));
    await assert.rejects(w.loadBodyAsync(opts), (e) => assertAbortError(e));
    await assert.rejects(w.loadSignalsAsync(vars, opts), (e) => assertAbortError(e));
    await assert.rejects(w.valuesAtTimeAsync(vars, 0, opts), (e) => assertAbortError(e));
    assert.throws(() => w.loadSignals(vars, opts), (e) => assertAbortError(e));
    assert.throws(() => new Waveform(big(), opts), (e) => assertAbortError(e));
    assert.strictEqual(calls, 0, 'the core was called');
    assert.strictEqual(w.bodyLoaded(), false);
  });

  it('an abort right after the call rejects even when the work finished first, keeping nothing', async function () {
    // the example's loads take microseconds: the work may end before the flag is read; the
    // promise still rejects (as fetch and fs.promises do) and what it made is released
    H.make('build/example.fst');
    const example = require('path').join(H.ROOT, 'build', 'example.fst');
    const before = (await collectedStats()).openFiles;
    for (let i = 0; i < 20; i++) {
      const ac = new AbortController();
      const opening = Waveform.open(example, { signal: ac.signal });
      ac.abort();
      await assert.rejects(opening, (e) => assertAbortError(e, ac.signal.reason));
    }
    assert.strictEqual(_nativeStats().openFiles, before, 'an aborted open left a file open');
    const w = new Waveform(example);
    const vars = [...w.hierarchy.allVars()];
    const ac = new AbortController();
    const loading = w.loadSignalsAsync(vars, { signal: ac.signal });
    ac.abort();
    await assert.rejects(loading, (e) => assertAbortError(e));
    let calls = 0;
    await w.loadSignalsAsync(vars, { onProgress: () => calls++ });
    assert.ok(calls > 0, 'the signals of the aborted load were cached');
    w.close();
  });

  it('the abort listener is removed when the call settles', async function () {
    const ac = new AbortController();
    const w = await Waveform.open(big(), { signal: ac.signal });
    await w.loadSignalsAsync([...w.hierarchy.allVars()].slice(0, 2), { signal: ac.signal });
    const { getEventListeners } = require('events');
    assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0);
  });
});

describe('viewer API: close', function () {
  this.timeout(120000);
  const corpusFile = () => H.corpusPath('ghdl/oscar/ghdl.fst');

  it('use after close throws ERR_FSTWAVE_CLOSED; loaded Signals stay readable; idempotent', async function () {
    const open = (await collectedStats()).openFiles;
    const w = new Waveform(corpusFile());
    const h = w.hierarchy;
    const vars = [...h.allVars()];
    const signals = w.loadSignals(vars);
    const [start, end] = w.timeRange;
    const before = signals.map((s) => [H.changes(s), s.valueAtTime(end / 2n)]);
    const windows = windowBytes(w, signals);
    assert.strictEqual(_nativeStats().openFiles, open + 1);
    w.close();
    assert.strictEqual(_nativeStats().openFiles, open, 'close() closes the file at once');
    assert.strictEqual(w.closed, true);
    w.close(); // idempotent
    const closed = (e) => e.code === 'ERR_FSTWAVE_CLOSED' && e.message === 'I/O operation on closed waveform';
    for (const use of [() => w.hierarchy, () => w.timeTable, () => w.timeRange, () => w.bodyLoaded(),
      () => w.getSignal(vars[0]), () => w.loadSignals(vars), () => w.loadBody(), () => w.valuesAtTime(signals, 0),
      () => w.getSignalFromPath('x'), () => w.unloadSignals(signals), () => [...h.topScopes()]]) {
      assert.throws(use, closed, String(use));
    }
    await assert.rejects(w.loadSignalsAsync(vars), closed);
    await assert.rejects(w.loadBodyAsync(), closed);
    await assert.rejects(w.valuesAtTimeAsync(signals, 0), closed);
    assert.deepStrictEqual(signals.map((s) => [H.changes(s), s.valueAtTime(end / 2n)]), before);
    assert.deepStrictEqual(windowBytes({ timeRange: [start, end] }, signals), windows);
    assert.strictEqual(signals[0].summary(start, end, 3).bounds.length, 4);
    assert.match(require('util').inspect(w), /closed/);
  });

  it('Symbol.dispose and Symbol.asyncDispose close the Waveform', async function () {
    assert.strictEqual(typeof Symbol.dispose, 'symbol', `Node ${process.version} has Symbol.dispose`);
    const open = (await collectedStats()).openFiles;
    const w = new Waveform(corpusFile());
    w[Symbol.dispose]();
    assert.throws(() => w.hierarchy, { code: 'ERR_FSTWAVE_CLOSED' });
    const w2 = await Waveform.open(corpusFile());
    await w2[Symbol.asyncDispose]();
    assert.throws(() => w2.timeRange, { code: 'ERR_FSTWAVE_CLOSED' });
    assert.strictEqual(_nativeStats().openFiles, open);
  });

  it('works in flight complete first: the file is closed when the last one ends', async function () {
    const open = (await collectedStats()).openFiles;
    const w = await Waveform.open(big());
    const vars = [...w.hierarchy.allVars()];
    const p = w.loadSignalsAsync(vars);
    w.close();
    assert.throws(() => w.hierarchy, { code: 'ERR_FSTWAVE_CLOSED' });
    assert.strictEqual(_nativeStats().openFiles, open + 1, 'closed under a load in flight');
    const signals = await p;
    assert.strictEqual(_nativeStats().openFiles, open, 'not closed when the load ended');
    const clean = new Waveform(big());
    assert.deepStrictEqual(windowBytes(clean, signals), windowBytes(clean, clean.loadSignals(vars)));
  });
});

describe('viewer API: the event loop during an async load with progress', function () {
  this.timeout(120000);

  it('a 5 ms timer keeps firing (no gap of 50 ms) while loadSignalsAsync reports progress', async function () {
    // the addon's async loads run on libuv's thread pool; the wasm backend has one thread
    if (H.backend === 'wasm') this.skip();
    await collectedStats(); // no garbage of earlier tests for the collector to find during the load
    const w = await Waveform.open(big());
    const vars = [...w.hierarchy.allVars()];
    const now = () => Number(process.hrtime.bigint()) / 1e6;
    const ticks = [];
    const timer = setInterval(() => ticks.push(now()), 5);
    await new Promise((resolve) => setTimeout(resolve, 15));
    const start = now();
    ticks.push(start);
    const reports = [];
    await w.loadSignalsAsync(vars, { onProgress: (d, t) => reports.push([d, t]) });
    const end = now();
    ticks.push(end);
    clearInterval(timer);
    let maxGap = 0;
    const during = ticks.filter((t) => t >= start);
    for (let i = 1; i < during.length; i++) maxGap = Math.max(maxGap, during[i] - during[i - 1]);
    const info = `load ${(end - start).toFixed(0)} ms, ${during.length} ticks, longest gap ${maxGap.toFixed(1)} ms, ` +
      `${reports.length} reports`;
    assertProgress(reports, 'loadSignalsAsync');
    assert.ok(maxGap < 50, `the event loop was blocked: ${info}`);
    assert.ok(during.length >= (end - start) / 20, `too few timer ticks: ${info}`);
  });
});

describe('viewer API: workers terminated while loads report progress', function () {
  this.timeout(120000);

  it('terminating workers in the middle of loads with onProgress and signal does not crash the process', async function () {
    const { Worker } = require('worker_threads');
    const code = `
      const { parentPort, workerData } = require('worker_threads');
      const { Waveform } = require(workerData.root);
      (async () => {
        const w = await Waveform.open(workerData.file, { loadBody: false });
        const vars = [...w.hierarchy.allVars()];
        let n = 0;
        const onProgress = () => { if (++n === 2) parentPort.postMessage('mid-load'); };
        w.loadSignalsAsync(vars, { signal: new AbortController().signal, onProgress }).catch(() => {});
        w.loadBodyAsync({ onProgress: () => {} }).catch(() => {});
        Waveform.open(workerData.file, { onProgress: () => {} }).catch(() => {});
      })();`;
    let mid = 0;
    for (let i = 0; i < 6; i++) {
      const worker = new Worker(code, { eval: true, workerData: { root: H.ROOT, file: big() } });
      const msg = await new Promise((resolve, reject) => {
        worker.on('message', resolve);
        worker.on('error', reject);
        setTimeout(() => resolve('timeout'), 10000);
      });
      if (msg === 'mid-load') mid++;
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      await worker.terminate();
    }
    assert.ok(mid >= 3, `only ${mid} of 6 workers reached the middle of a load`);
  });
});
