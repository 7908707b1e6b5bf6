'use strict';
// While loadSignalsAsync reads a large file, the event loop keeps running: a 5 ms timer
// keeps firing, and no gap between its ticks reaches 50 ms, during a load that takes
// over one second.

const assert = require('assert');

const H = require('./helpers');

const TICK_MS = 5;
const MAX_GAP_MS = 50;
const MIN_LOAD_MS = 1000;
const N_SIGNALS = 1000;

/** Loads every signal of the file through the async API while a timer records its gaps. */
async function measuredLoad(file) {
  const { Waveform } = H.loadApi();
  const w = await Waveform.open(file);
  const vars = [...w.hierarchy.allVars()];
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const ticks = [];
  const timer = setInterval(() => ticks.push(now()), TICK_MS);
  // let the timer start, so the first gap measures the load and not the timer's setup
  await new Promise((resolve) => setTimeout(resolve, 3 * TICK_MS));
  const start = now();
  ticks.push(start);
  const signals = await w.loadSignalsAsync(vars);
  const end = now();
  ticks.push(end);
  clearInterval(timer);
  let maxGap = 0;
  let at = 0;
  const during = ticks.filter((t) => t >= start);
  for (let i = 1; i < during.length; i++) {
    if (during[i] - during[i - 1] > maxGap) {
      maxGap = during[i] - during[i - 1];
      at = during[i - 1] - start;
    }
  }
  let nChanges = 0;
  for (const s of signals) nChanges += s.length;
  return { loadMs: end - start, maxGap, at, ticks: during.length, nSignals: signals.length, nChanges, nVars: vars.length };
}

describe('event loop: loadSignalsAsync does not block', function () {
  this.timeout(900000);

  it(`a load of over ${MIN_LOAD_MS} ms leaves no timer gap of ${MAX_GAP_MS} ms`, async function () {
    // the addon's async loads run on libuv's thread pool; the wasm backend has one thread
    if (H.backend === 'wasm') this.skip();
    const dir = H.makeTmpDir('fstwave-bigfile-');
    // Start with a file that takes about two seconds here; on a faster machine, double it
    // until the load takes long enough to be meaningful.
    let nSteps = 30000;
    let r = null;
    for (let attempt = 0; attempt < 4; attempt++) {
      const file = H.writeBigFile(dir, N_SIGNALS, nSteps);
      r = await measuredLoad(file);
      if (global.gc) global.gc();
      if (r.loadMs > 1.5 * MIN_LOAD_MS) break;
      nSteps *= 2;
    }
    const info = `load of ${r.nSignals} signals / ${r.nChanges} changes took ${r.loadMs.toFixed(0)} ms, ` +
      `${r.ticks} ticks, longest gap ${r.maxGap.toFixed(1)} ms at +${r.at.toFixed(0)} ms`;
    if (process.env.FSTWAVE_TEST_VERBOSE) console.log(`      ${info}`);
    assert.strictEqual(r.nSignals, r.nVars);
    assert.ok(r.loadMs > MIN_LOAD_MS, `the load is too short to measure anything: ${info}`);
    assert.ok(r.maxGap < MAX_GAP_MS, `the event loop was blocked: ${info}`);
    // the timer really ran during the load
    assert.ok(r.ticks >= r.loadMs / (4 * TICK_MS), `too few timer ticks: ${info}`);
  });
});
