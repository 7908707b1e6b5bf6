'use strict';
// The signal cache of the contract's revised D10 (docs/api.md) in the Node binding: a Signal
// stays the same object while the program holds it, the most recent unheld ones stay kept up
// to `signalCacheBytes`, `unloadSignals` drops at once, `close` clears, concurrent async loads
// of one signal give one object, and the memory of dropped Signals comes back (the package's
// `memoryStats()` and the RSS, in a child `node --expose-gc` that loads thousands of signals).

const assert = require('assert');
const fs = require('fs');
const path = require('path');

const H = require('./helpers');

const { Waveform, memoryStats } = H.loadApi();

const SMALL = 'vcs/processor.vcd.fst';
const MANY = 'verilator/swerv1.vcd.fst'; // hundreds of signals
const MARGIN = 64 * 1024 * 1024; // generous: allocator caches, V8 heap growth

/** FSTW_CACHE_DEFAULT_BYTES as the core's header defines it. */
function defaultBudget() {
  const h = fs.readFileSync(path.join(H.ROOT, 'core', 'include', 'fstwave.h'), 'utf8');
  const m = /#define FSTW_CACHE_DEFAULT_BYTES \(\(size_t\)(\d+) << (\d+)\)/.exec(h);
  assert.ok(m, 'FSTW_CACHE_DEFAULT_BYTES not found in fstwave.h');
  return Number(m[1]) * 2 ** Number(m[2]);
}

function open(rel, opts) {
  return new Waveform(H.corpusPath(rel), opts);
}

/** The progress reports of a load of `vars`: [[0, 0]] when nothing was read from the file. */
function loadReports(w, vars) {
  const reports = [];
  const sigs = w.loadSignals(vars, { onProgress: (d, t) => reports.push([d, t]) });
  return { sigs, reports };
}

describe('signal cache (D10)', function () {
  this.timeout(600000);

  it('a held Signal stays the same object, whatever else is loaded, even with budget 0', function () {
    const w = open(MANY, { signalCacheBytes: 0 });
    const vs = [...w.hierarchy.allVars()];
    const s = w.getSignal(vs[3]);
    const all = w.loadSignals(vs);
    assert.strictEqual(all[3], s);
    assert.strictEqual(w.getSignal(vs[3]), s);
    assert.strictEqual(w.getSignalFromPath(vs[3].fullName(w.hierarchy)), s);
    // a held Signal is found without reading the file
    assert.deepStrictEqual(loadReports(w, [vs[3]]).reports, [[0, 0]]);
    // nothing unheld is kept with budget 0
    assert.deepStrictEqual(w.signalCacheStats(), { signals: 0, bytes: 0, budget: 0 });
  });

  it('aliases and duplicates give one Signal', function () {
    const w = open(MANY);
    const every = [...w.hierarchy.allVars({ includeAliases: true })];
    const byRef = new Map();
    for (const v of every) {
      if (!byRef.has(v.signalRef())) byRef.set(v.signalRef(), []);
      byRef.get(v.signalRef()).push(v);
    }
    const aliased = [...byRef.values()].find((list) => list.length > 1);
    assert.ok(aliased, 'the file has aliases');
    const sigs = w.loadSignals([...aliased, aliased[0]]);
    for (const s of sigs) assert.strictEqual(s, sigs[0]);
    assert.strictEqual(w.getSignal(aliased[1]), sigs[0]);
  });

  it('the budget is respected, and kept signals are served without reading the file', function () {
    const probe = open(MANY, { signalCacheBytes: 0 });
    const vs = [...probe.hierarchy.allVars()];
    // the bytes of every signal, from a cache large enough for all
    const big = open(MANY, { signalCacheBytes: 2 ** 40 });
    big.loadSignals(vs);
    const all = big.signalCacheStats();
    assert.strictEqual(all.signals, vs.length, 'a large budget keeps every signal');
    assert.strictEqual(all.budget, 2 ** 40);
    assert.ok(all.bytes > 0);
    const budget = Math.floor(all.bytes / 3);
    const w = open(MANY, { signalCacheBytes: budget });
    let maxSignals = 0;
    for (const v of vs) {
      w.getSignal(v); // dropped at once; the cache counts it whether held or not
      const st = w.signalCacheStats();
      assert.strictEqual(st.budget, budget);
      assert.ok(st.bytes <= budget, `cache holds ${st.bytes} bytes over a budget of ${budget}`);
      maxSignals = Math.max(maxSignals, st.signals);
    }
    assert.ok(maxSignals > 0 && maxSignals < vs.length, `kept at most ${maxSignals} of ${vs.length}`);
    // the most recent one is kept: loading it again reads nothing
    const last = vs[vs.length - 1];
    if (w.signalCacheStats().signals > 0) {
      assert.deepStrictEqual(loadReports(w, [last]).reports, [[0, 0]]);
    }
    // its values are the file's
    const fresh = open(MANY, { signalCacheBytes: 0 });
    H.assertSameChanges(H.changes(w.getSignal(last)), H.changes(fresh.getSignal(last)));
  });

  it('a held Signal asked for again is the most recent: kept once dropped, though many loads came between', async function () {
    const probe = open(MANY, { signalCacheBytes: 2 ** 40 });
    const vs = [...probe.hierarchy.allVars()];
    probe.loadSignals(vs);
    const budget = Math.floor(probe.signalCacheStats().bytes / 4);
    const w = open(MANY, { signalCacheBytes: budget });
    let held = w.getSignal(vs[0]);
    for (const v of vs.slice(1)) w.getSignal(v); // pushes vs[0]'s entry out of the recent ones
    assert.strictEqual(w.getSignal(vs[0]), held); // asked for again while held: recent again
    const want = H.changes(held);
    const weak = new WeakRef(held);
    held = null;
    await H.collectedStats();
    assert.strictEqual(weak.deref(), undefined, 'the dropped Signal was not collected');
    const { sigs, reports } = loadReports(w, [vs[0]]);
    assert.deepStrictEqual(reports, [[0, 0]], 'read the file again');
    H.assertSameChanges(H.changes(sigs[0]), want);
  });

  it('the default budget is the core\'s FSTW_CACHE_DEFAULT_BYTES; bad budgets are refused', function () {
    assert.strictEqual(open(SMALL).signalCacheStats().budget, defaultBudget());
    assert.strictEqual(open(SMALL, { signalCacheBytes: null }).signalCacheStats().budget, defaultBudget());
    assert.strictEqual(open(SMALL, { signalCacheBytes: 1000n }).signalCacheStats().budget, 1000);
    assert.throws(() => open(SMALL, { signalCacheBytes: -1 }), RangeError);
    assert.throws(() => open(SMALL, { signalCacheBytes: 1.5 }), RangeError);
    assert.throws(() => open(SMALL, { signalCacheBytes: '1' }), TypeError);
  });

  it('unloadSignals drops at once: the next load reads the file and gives a new Signal', function () {
    const w = open(SMALL);
    const vs = [...w.hierarchy.allVars()];
    const s = w.getSignal(vs[2]);
    const t = w.getSignal(vs[4]);
    assert.strictEqual(w.signalCacheStats().signals, 2);
    w.unloadSignals([s]);
    assert.strictEqual(w.signalCacheStats().signals, 1);
    const { sigs, reports } = loadReports(w, [vs[2]]);
    assert.notStrictEqual(sigs[0], s);
    assert.notDeepStrictEqual(reports, [[0, 0]], 'served without reading the file');
    H.assertSameChanges(H.changes(sigs[0]), H.changes(s)); // the dropped Signal stays valid
    w.unloadSignals([vs[4], vs[2]]);
    assert.deepStrictEqual(w.signalCacheStats(), { signals: 0, bytes: 0, budget: defaultBudget() });
    assert.notStrictEqual(w.getSignal(vs[4]), t);
  });

  it('close() clears the cache; loaded Signals stay readable', function () {
    const w = open(SMALL);
    const vs = [...w.hierarchy.allVars()];
    const sigs = w.loadSignals(vs);
    const want = sigs.map((s) => H.changes(s));
    assert.strictEqual(w.signalCacheStats().signals, vs.length);
    w.close();
    assert.deepStrictEqual(w.signalCacheStats(), { signals: 0, bytes: 0, budget: defaultBudget() });
    sigs.forEach((s, i) => H.assertSameChanges(H.changes(s), want[i]));
  });

  it('two concurrent loadSignalsAsync of one signal give one object, and so does a sync load', async function () {
    const w = await Waveform.open(H.corpusPath(MANY), { loadBody: false });
    const vs = [...w.hierarchy.allVars()];
    const [a, b] = await Promise.all([w.loadSignalsAsync([vs[7]]), w.loadSignalsAsync([vs[7], vs[8]])]);
    assert.strictEqual(a[0], b[0]);
    assert.strictEqual(w.getSignal(vs[7]), a[0]);
    assert.strictEqual(w.getSignal(vs[8]), b[1]);
    // many overlapping concurrent loads: one object per signal
    const batches = await Promise.all([0, 1, 2, 3].map((k) => w.loadSignalsAsync(vs.filter((_, i) => i % (k + 2) === 0))));
    const seen = new Map();
    batches.forEach((sigs, k) => {
      const picked = vs.filter((_, i) => i % (k + 2) === 0);
      sigs.forEach((s, j) => {
        const ref = picked[j].signalRef();
        if (!seen.has(ref)) seen.set(ref, s);
        assert.strictEqual(s, seen.get(ref), `batch ${k}, signal ref ${ref}`);
      });
    });
    assert.strictEqual(seen.get(vs[8].signalRef()), b[1]); // held since the first loads
  });

  it('memoryStats() counts every loaded signal: held ones, and those the cache keeps', async function () {
    await H.collectedStats(); // earlier tests' dropped Signals are freed first
    const m0 = memoryStats();
    const w = open(MANY, { signalCacheBytes: 0 });
    const vs = [...w.hierarchy.allVars()];
    const held = w.loadSignals(vs);
    const m1 = memoryStats();
    assert.strictEqual(m1.signals - m0.signals, vs.length);
    assert.ok(m1.signalBytes > m0.signalBytes);
    // a second Waveform whose cache keeps all: the cache's bytes are what the load added
    const w2 = open(MANY, { signalCacheBytes: 2 ** 40 });
    w2.loadSignals(vs);
    const m2 = memoryStats();
    assert.strictEqual(m2.signalBytes - m1.signalBytes, w2.signalCacheStats().bytes);
    assert.strictEqual(m2.signalBytes - m1.signalBytes, m1.signalBytes - m0.signalBytes);
    assert.strictEqual(held.length, vs.length);
  });

  it('memory returns after thousands of loads of dropped Signals (child, --expose-gc)', function () {
    const file = H.writeBigFile(H.makeTmpDir('fstwave-cache-'), 200, 20000);
    const r = H.run(process.execPath,
      ['--expose-gc', path.join(__dirname, 'fixtures', 'cache_child.js'), H.ROOT, file, '3000'],
      { timeout: 600000 });
    assert.strictEqual(r.status, 0,
      `child failed (status ${r.status}, signal ${r.signal})\n${r.stdout}\n${r.stderr.slice(-3000)}`);
    const m = JSON.parse(r.stdout.trim().split('\n').pop());
    const mb = (x) => `${(x / 1048576).toFixed(1)} MB`;
    const total = m.roundBytes * m.run0.rounds;
    const info = `${m.run0.loads} loads of ${mb(total)} in all; baseline ${mb(m.base.rss)} RSS, ` +
      `${JSON.stringify(m.base.mem)}; budget 0: peak ${mb(m.run0.peak)} of signals, after a GC ` +
      `${mb(m.after0.rss)}, ${JSON.stringify(m.after0.mem)}; default budget: peak ${mb(m.run1.peak)}, ` +
      `after ${mb(m.after1.rss)}, ${JSON.stringify(m.after1.mem)}, cache ${JSON.stringify(m.after1.cache)}`;
    assert.ok(total > 4 * MARGIN, `too little loaded to see a leak: ${info}`);
    // budget 0: the counters come back exactly, and the RSS near its baseline
    assert.deepStrictEqual(m.after0.mem, m.base.mem, `signals left alive: ${info}`);
    assert.ok(m.after0.rss - m.base.rss < MARGIN, `memory not returned: ${info}`);
    // the default budget: only the last Waveform's cache keeps signals, within its budget
    assert.strictEqual(m.after1.cache.budget, defaultBudget());
    assert.ok(m.after1.cache.bytes <= m.after1.cache.budget, info);
    assert.strictEqual(m.after1.mem.signalBytes - m.base.mem.signalBytes, m.after1.cache.bytes, info);
    assert.ok(m.after1.rss - m.base.rss < m.after1.cache.budget + MARGIN, `memory not returned: ${info}`);
    // freed during the loop itself, not only when it ends: one synchronous stretch (the
    // addon's sweeps of Node-API weak references; under wasm a JS WeakRef keeps its Signal
    // alive until the job ends, ECMAScript's KeepDuringJob, so they are freed when it yields)
    if (H.backend !== 'wasm') {
      assert.ok(m.run0.peak < total / 4, `dropped signals kept during the loop: ${info}`);
      assert.ok(m.run1.peak < total / 4, `dropped signals kept during the loop: ${info}`);
    }
    // identity across a GC while held; once collected, the cache's kept signal is wrapped anew
    const id = m.identity;
    assert.ok(id.sameWhileHeld, 'a held Signal changed across a GC');
    assert.ok(id.collected, 'the dropped Signal was not collected');
    assert.deepStrictEqual(id.reports, [[0, 0]], 'the kept signal was read from the file again');
    assert.strictEqual(id.againLength, id.heldLength);
  });
});
