'use strict';
// Dropped Waveforms are freed: after many are opened (with all signals loaded) and
// dropped, a full GC brings the resident memory back near its baseline and the count of
// open file descriptors back to it exactly. Runs in a child `node --expose-gc`.

const assert = require('assert');
const path = require('path');

const H = require('./helpers');

const ROUNDS = 2000;
const FILE = 'systemc/waveform.vcd.fst';
const MARGIN = 64 * 1024 * 1024; // generous: allocator caches, V8 heap growth

describe('gc', function () {
  this.timeout(900000);

  it(`${ROUNDS} dropped Waveforms: RSS near the baseline, no file descriptor left open`, function () {
    const r = H.run(process.execPath,
      ['--expose-gc', path.join(__dirname, 'fixtures', 'gc_child.js'), H.ROOT, H.corpusPath(FILE), String(ROUNDS)],
      { timeout: 900000 });
    assert.strictEqual(r.status, 0,
      `child failed (status ${r.status}, signal ${r.signal})\n${r.stdout}\n${r.stderr.slice(-3000)}`);
    const m = JSON.parse(r.stdout.trim().split('\n').pop());
    const mb = (x) => `${(x / 1048576).toFixed(1)} MB`;
    const perWave = (m.alive.rss - m.end.rss) / m.alive.count;
    const info = `baseline ${mb(m.base.rss)} / ${m.base.fds} fds; after ${m.n} dropped ` +
      `${mb(m.end.rss)} / ${m.end.fds} fds (at most ${m.maxFds} fds during the run); then ` +
      `${m.alive.count} alive ${mb(m.alive.rss)} / ${m.alive.fds} fds`;
    // the test is meaningful: leaking every Waveform would exceed the margin many times
    assert.ok(perWave * m.n > 4 * MARGIN, `a Waveform is too small to detect a leak: ${info}`);
    assert.strictEqual(m.end.fds, m.base.fds, `file descriptors leaked: ${info}`);
    assert.ok(m.end.rss - m.base.rss < MARGIN, `memory not returned: ${info}`);
  });
});
