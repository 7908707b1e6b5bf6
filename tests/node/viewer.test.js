'use strict';
// The viewer API (contract section 6) on every corpus file, fixture and the example:
// Signal#changesBetween against the changes the iterator yields, Signal#summary against a
// brute-force computation from the same changes, Waveform#valuesAtTime against
// Signal#valueAtTime; and the arrays are allocated inside V8 (transferable), never external.

const assert = require('assert');
const path = require('path');

const H = require('./helpers');

/** Every file the viewer API is checked on: the corpus, the fixtures and the example. */
function allFiles() {
  H.make('build/example.fst');
  const files = [...H.corpusFiles(), ...H.generatedFixtures().files, path.join(H.ROOT, 'build', 'example.fst')];
  assert.strictEqual(H.corpusFiles().length, H.EXPECTED_CORPUS_COUNT);
  return files;
}

/** Index of the last time in the sorted T that is <= t, or -1. */
function lastLe(T, t) {
  let lo = 0;
  let hi = T.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (T[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The array kind a signal must get, from its Var and its changes (contract section 6). */
function expectedKind(v, values) {
  if (v.isReal()) return 'f64';
  if (v.isString()) return 'strings';
  if (v.bitwidth() === 0) return 'none';
  return v.bitwidth() <= 64 && values.every((x) => typeof x === 'bigint') ? 'u64' : 'rows';
}

/** One value as the bytes of its slot in a `rows` array (bigint: binary, MSB first). */
function rowOf(x, width) {
  return typeof x === 'bigint' ? x.toString(2).padStart(width, '0') : x;
}

/** got (an array or typed array) equals want element by element (===); fast on long arrays. */
function assertArrayEqual(got, want, what) {
  assert.strictEqual(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) assert.fail(`${what}: element ${i}: got ${H.show(got[i])}, want ${H.show(want[i])}`);
  }
}

/** The IEEE bits of a real value (0 for null), as a bigint. */
function f64Bits(x) {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x === null ? 0 : x, true);
  return dv.getBigUint64(0, true);
}

const QUIET = 1n << 51n;
const EXP = 0x7ffn << 52n;
const MANT = (1n << 52n) - 1n;
/** The bits of a NaN with its quiet bit set; other bits as they are. */
function quieted(b) {
  return (b & EXP) === EXP && (b & MANT) !== 0n ? b | QUIET : b;
}

/** Checks that `values` (+ offsets) hold exactly `want` (iterator values) in kind's layout. */
function assertLayout(kind, width, values, offsets, want, what) {
  const n = want.length;
  switch (kind) {
    case 'u64':
      assert.ok(values instanceof BigUint64Array, `${what}: values are a BigUint64Array`);
      assertArrayEqual(values, want.map((x) => (x === null ? 0n : x)), what);
      break;
    case 'f64':
      assert.ok(values instanceof Float64Array, `${what}: values are a Float64Array`);
      assert.strictEqual(values.length, n, what);
      // bit for bit through a BigUint64Array view of the same bytes, NaN payloads included,
      // up to the quiet bit: V8 may quiet a signalling NaN once it is a JS number (as the
      // iterator's value is), never in the array
      assertArrayEqual(new BigUint64Array(values.buffer, values.byteOffset, n).map(quieted),
        want.map((x) => quieted(f64Bits(x))), what);
      break;
    case 'rows': {
      assert.ok(values instanceof Uint8Array, `${what}: values are a Uint8Array`);
      const text = want.map((x) => (x === null ? '\0'.repeat(width) : rowOf(x, width))).join('');
      assert.strictEqual(Buffer.from(values).toString('latin1'), text, what);
      break;
    }
    case 'strings': {
      assert.ok(values instanceof Uint8Array && offsets instanceof BigUint64Array, `${what}: strings layout`);
      assert.strictEqual(offsets.length, n + 1, what);
      assert.strictEqual(offsets[0], 0n, what);
      const got = [];
      for (let i = 0; i < n; i++) got.push(Buffer.from(values.subarray(Number(offsets[i]), Number(offsets[i + 1]))).toString('latin1'));
      assertArrayEqual(got, want.map((x) => (x === null ? '' : x)), what);
      assert.strictEqual(Number(offsets[n]), values.length, what);
      break;
    }
    case 'none':
      assert.strictEqual(values, null, what);
      break;
    default:
      assert.fail(`${what}: unknown kind ${kind}`);
  }
}

/** The windows (t0, t1] checked for a signal with change times T. */
function windowsFor(T, tt, start, end) {
  const out = [[start, end], [0n, end], [0n, 0n], [end + 1n, end + 1000n]];
  if (tt.length > 1) {
    const k = tt.length >> 1;
    out.push([tt.at(0), tt.at(1)], [tt.at(k - 1), tt.at(k)]); // one time step
  }
  if (T.length > 0) {
    if (T[0] > 0n) out.push([0n, T[0] - 1n]); // before the first change
    for (const i of new Set([0, T.length >> 1, T.length - 1])) {
      out.push([T[i], T[i]]); // t0 == t1 at a change
      out.push([T[i], T[i] + 1n]);
      out.push([T[i] > 0n ? T[i] - 1n : 0n, T[i]]); // a change at the right edge
      if (i + 1 < T.length && T[i + 1] > T[i] + 1n) out.push([T[i] + 1n, T[i + 1] - 1n]); // between
    }
    out.push([T[T.length - 1] + 1n, T[T.length - 1] + 5n]); // past the last change
  }
  return out;
}

/** A buffer allocated inside V8 is detached by a transfer; an external one is copied. */
function assertTransferable(arr, what) {
  const buf = arr.buffer;
  const len = buf.byteLength;
  const moved = structuredClone(buf, { transfer: [buf] });
  assert.strictEqual(buf.byteLength, 0, `${what}: the ArrayBuffer was not transferred (external?)`);
  assert.strictEqual(moved.byteLength, len, what);
}

function checkWindow(sig, v, C, T, kind, t0, t1, what) {
  const win = sig.changesBetween(t0, t1);
  const ini = lastLe(T, t0);
  const first = ini >= 0 ? ini : 0;
  const end = lastLe(T, t1) + 1;
  const w = `${what} window (${t0}, ${t1}]`;
  assert.strictEqual(win.kind, kind, `${w}: kind`);
  assert.strictEqual(win.hasInitial, ini >= 0, `${w}: hasInitial`);
  assert.strictEqual(win.first, first, `${w}: first`);
  assert.ok(win.times instanceof BigUint64Array, `${w}: times are a BigUint64Array`);
  assertArrayEqual(win.times, T.slice(first, end), `${w}: times`);
  assertLayout(kind, v.bitwidth() ?? 0, win.values, win.offsets, C.slice(first, end).map((c) => c[1]), `${w}: values`);
  // the same window through the number form of the times (when they are exact as numbers)
  if (t1 <= BigInt(Number.MAX_SAFE_INTEGER)) {
    assertArrayEqual(sig.changesBetween(Number(t0), Number(t1)).times, win.times, `${w}: number times`);
  }
}

function checkSummary(sig, v, C, T, kind, t0, t1, buckets, what) {
  const s = sig.summary(t0, t1, buckets);
  const w = `${what} summary (${t0}, ${t1}] / ${buckets}`;
  const B = BigInt(buckets);
  const bounds = [];
  for (let k = 0n; k <= B; k++) bounds.push(t0 + ((t1 - t0) * k) / B);
  assert.strictEqual(s.kind, kind, `${w}: kind`);
  assertArrayEqual(s.bounds, bounds, `${w}: bounds`);
  // counts by one pass over the changes, each change put into its slice
  const counts = new Array(buckets).fill(0);
  let k = 0;
  for (const t of T) {
    if (t <= t0 || t > t1) continue;
    while (t > bounds[k + 1]) k++;
    counts[k]++;
  }
  assertArrayEqual(s.counts, counts, `${w}: counts`);
  const first = bounds.slice(0, buckets).map((b) => lastLe(T, b));
  const last = bounds.slice(1).map((b) => lastLe(T, b));
  assertArrayEqual(s.first, first, `${w}: first`);
  assertArrayEqual(s.last, last, `${w}: last`);
  const width = v.bitwidth() ?? 0;
  assertLayout(kind, width, s.firstValues, s.firstOffsets, first.map((i) => (i < 0 ? null : C[i][1])), `${w}: firstValues`);
  assertLayout(kind, width, s.lastValues, s.lastOffsets, last.map((i) => (i < 0 ? null : C[i][1])), `${w}: lastValues`);
  // the change in force at a slice start is the value valueAtTime gives there
  if (buckets <= 16) {
    for (let j = 0; j < buckets; j++) {
      const want = first[j] < 0 ? null : C[first[j]][1];
      assert.ok(H.sameValue(sig.valueAtTime(bounds[j]), want), `${w}: valueAtTime(${bounds[j]}) vs first[${j}]`);
    }
  }
}

function checkFile(Waveform, file, kinds) {
  const rel = path.basename(file);
  const w = new Waveform(file);
  const h = w.hierarchy;
  const vars = [...h.allVars()];
  const signals = w.loadSignals(vars);
  const tt = w.timeTable;
  const [start, end] = w.timeRange;
  const cursorTimes = new Set([0n, start, end, end + 1n]);
  for (let i = 0; i < signals.length; i++) {
    const sig = signals[i];
    const v = vars[i];
    const C = H.changes(sig);
    const T = C.map((c) => c[0]);
    const kind = expectedKind(v, C.map((c) => c[1]));
    kinds.add(kind);
    const what = `${rel} ${v.fullName(h)}`;
    for (const [t0, t1] of windowsFor(T, tt, start, end)) checkWindow(sig, v, C, T, kind, t0, t1, what);
    const lastT = T.length > 0 ? T[T.length - 1] : end;
    const top = lastT > end ? lastT : end;
    checkSummary(sig, v, C, T, kind, start, top, 1, what);
    checkSummary(sig, v, C, T, kind, start, top, 13, what);
    checkSummary(sig, v, C, T, kind, 0n, top + 3n, 64, what);
    if (T.length > 0) {
      const m = T[T.length >> 1];
      checkSummary(sig, v, C, T, kind, m > 2n ? m - 2n : 0n, m + 3n, 7, what);
      if (cursorTimes.size < 16) cursorTimes.add(m).add(T[0]).add(m + 1n); // at, after a change
    }
    if (i === 0) {
      assertTransferable(sig.changesBetween(start, end).times, `${what} window times`);
      const s = sig.summary(start, end, 4);
      assertTransferable(s.bounds, `${what} summary bounds`);
      assertTransferable(s.counts, `${what} summary counts`);
    }
  }
  // cursor values: Signals, Vars and a mix, against valueAtTime
  for (const t of cursorTimes) {
    const want = signals.map((s) => s.valueAtTime(t));
    const check = (got, how) => {
      assert.strictEqual(got.length, want.length);
      for (let i = 0; i < want.length; i++) {
        assert.ok(H.sameValue(got[i], want[i]), `${rel} valuesAtTime(${how}, ${t})[${i}]: ${H.show(got[i])} vs ${H.show(want[i])}`);
      }
    };
    check(w.valuesAtTime(signals, t), 'signals');
    check(w.valuesAtTime(vars.map((v, i) => (i % 2 ? v : signals[i])), t), 'mixed');
  }
  return { signals: signals.length, times: cursorTimes.size };
}

describe('viewer API: windows, summaries and cursor values on every file', function () {
  this.timeout(600000);
  const { Waveform } = H.loadApi();

  it('changesBetween, summary and valuesAtTime equal the iterators on every corpus file, fixture and the example', function () {
    const files = allFiles();
    let nSignals = 0;
    const kinds = new Set();
    for (const f of files) nSignals += checkFile(Waveform, f, kinds).signals;
    assert.ok(nSignals > 100, `only ${nSignals} signals checked`);
    assert.deepStrictEqual([...kinds].sort(), ['f64', 'none', 'rows', 'strings', 'u64'], 'every array kind was checked');
  });

  it('valuesAtTimeAsync loads the signals of Vars and equals valueAtTime', async function () {
    const w = await Waveform.open(H.corpusPath('ghdl/oscar/ghdl.fst'));
    const vars = [...w.hierarchy.allVars()];
    const [, end] = w.timeRange;
    const got = await w.valuesAtTimeAsync(vars, end / 2n);
    const signals = w.loadSignals(vars); // kept by the cache of recent loads (D10): no second read
    assert.deepStrictEqual(got, signals.map((s) => s.valueAtTime(end / 2n)));
    assert.strictEqual(w.getSignal(vars[0]), signals[0]);
  });

  it('bad arguments: t1 < t0, buckets 0, negative times, non-Signal items', function () {
    const w = new Waveform(H.corpusPath('ghdl/oscar/ghdl.fst'));
    const v = [...w.hierarchy.allVars()][0];
    const s = w.getSignal(v);
    assert.throws(() => s.changesBetween(10, 5), RangeError);
    assert.throws(() => s.summary(0, 10, 0), RangeError);
    assert.throws(() => s.summary(10, 0, 4), RangeError);
    assert.throws(() => s.changesBetween(-1, 5), RangeError);
    assert.throws(() => s.changesBetween('0', 5), TypeError);
    assert.throws(() => w.valuesAtTime([s, 42], 0), TypeError);
    assert.throws(() => w.valuesAtTime(null, 0), TypeError);
    assert.deepStrictEqual(w.valuesAtTime([], 0), []);
  });
});
