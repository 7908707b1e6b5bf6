'use strict';
// The API behaviours of tests/python/test_api.py, in JavaScript (docs/api.md §2).
// Expected values come from the files (FST header), from the Python package (pyref.py) or
// from the signal's own allChanges(); none is hand-written.

const assert = require('assert');
const fs = require('fs');
const path = require('path');

const H = require('./helpers');

const SMALL = 'vcs/processor.vcd.fst'; // 1600 steps, several changes per step
const GLITCHY = ['vcs/processor.vcd.fst', 'questa-sim/test.vcd.fst', 'my-hdl/top.vcd.fst',
  'aldec/SPI_Write.vcd.fst'];
const QUERY_FILES = [...GLITCHY, 'nvc/manytypes2.fst', 'verilator/many_sv_datatypes.fst',
  'ghdl/oscar/vhdl3.fst', 'gtkwave-analyzer/perm_current.vcd.fst'];

const VCD_TEXT = `$date today $end
$version handwritten $end
$timescale 1ns $end
$scope module top $end
$var wire 1 ! clk $end
$var wire 4 " cnt [3:0] $end
$upscope $end
$enddefinitions $end
#0
0!
b0000 "
#5
1!
b0001 "
#10
0!
`;

let api;
let Waveform;

function open(rel, opts) {
  return opts === undefined ? new Waveform(H.corpusPath(rel)) : new Waveform(H.corpusPath(rel), opts);
}

function allVars(w, opts) {
  return opts === undefined ? [...w.hierarchy.allVars()] : [...w.hierarchy.allVars(opts)];
}

function expectError(fn, check) {
  let err = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err !== null, 'expected an exception');
  check(err);
  return err;
}

async function expectRejection(promise, check) {
  let err = null;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err !== null, 'expected a rejected promise');
  check(err);
  return err;
}

describe('api', function () {
  before(function () {
    this.timeout(600000);
    api = H.loadApi();
    Waveform = api.Waveform;
    H.requirePython();
    H.generatedFixtures();
  });

  // ------------------------------------------------------------------------------------------
  describe('api: lazy body', function () {
    for (const rel of [SMALL, 'nvc/xwb_fofb_shaper_filt_tb.fst']) {
      it(`time table on demand (${rel})`, function () {
        const hdr = H.readFstHeader(H.corpusPath(rel));
        const w = open(rel, { loadBody: false });
        assert.strictEqual(w.bodyLoaded(), false);
        assert.deepStrictEqual([...w.timeRange], [hdr.start, hdr.end]);
        assert.ok(allVars(w).length > 0); // the hierarchy needs no body
        assert.strictEqual(w.bodyLoaded(), false);
        const tt = [...w.timeTable];
        assert.strictEqual(w.bodyLoaded(), true);
        const [want] = H.pyRef([{ op: 'time_table', path: H.corpusPath(rel) }]);
        assert.deepStrictEqual(tt, want.map(BigInt));
      });
    }

    it('a signal load reads the body; loadBody() explicitly, twice', function () {
      const eager = open(SMALL);
      const w = open(SMALL, { loadBody: false });
      const v = allVars(w)[3];
      H.assertSameChanges(H.changes(w.getSignal(v)), H.changes(eager.getSignal(allVars(eager)[3])));
      assert.strictEqual(w.bodyLoaded(), true);
      const w2 = open(SMALL, { loadBody: false });
      assert.strictEqual(w2.loadBody(), undefined);
      assert.strictEqual(w2.bodyLoaded(), true);
      w2.loadBody(); // loading twice is harmless
      assert.deepStrictEqual([...w2.timeTable], [...eager.timeTable]);
      assert.strictEqual(eager.bodyLoaded(), true);
    });

    it('lazy body on a multi-block fixture', function () {
      const p = H.fixturePath('multiblock_zlib.fst');
      const w = new Waveform(p, { loadBody: false });
      assert.strictEqual(w.bodyLoaded(), false);
      const hdr = H.readFstHeader(p);
      assert.deepStrictEqual([...w.timeRange], [hdr.start, hdr.end]);
      const e = new Waveform(p);
      const sigs = w.loadSignals(allVars(w));
      assert.strictEqual(w.bodyLoaded(), true);
      const esigs = e.loadSignals(allVars(e));
      assert.strictEqual(sigs.length, esigs.length);
      sigs.forEach((s, i) => H.assertSameChanges(H.changes(s), H.changes(esigs[i]), `signal ${i}`));
    });

    it('multiThreaded: false gives the same results', function () {
      const rel = 'nvc/xwb_fofb_shaper_filt_tb.fst';
      const a = open(rel, { multiThreaded: false });
      const b = open(rel, { multiThreaded: true });
      assert.deepStrictEqual([...a.timeTable], [...b.timeTable]);
      const sa = a.loadSignals(allVars(a));
      const sb = b.loadSignals(allVars(b));
      sa.forEach((s, i) => H.assertSameChanges(H.changes(s), H.changes(sb[i]), `signal ${i}`));
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('api: signal cache and batch loads', function () {
    it('getSignal is cached; unloadSignals with a Signal and with a Var', function () {
      const w = open(SMALL);
      const vs = allVars(w);
      const v = vs[5];
      const s1 = w.getSignal(v);
      const s2 = w.getSignal(v);
      H.assertSameChanges(H.changes(s1), H.changes(s2));
      assert.strictEqual(s1, s2, 'served from the cache, not re-read');
      // unload with the Signal
      w.unloadSignals([s1]);
      const s3 = w.getSignal(v);
      assert.notStrictEqual(s3, s1);
      H.assertSameChanges(H.changes(s3), H.changes(s1));
      assert.strictEqual(w.getSignal(v), s3);
      // unload with the Var
      w.unloadSignals([v]);
      const s4 = w.getSignal(v);
      assert.notStrictEqual(s4, s3);
      H.assertSameChanges(H.changes(s4), H.changes(s1));
      // an unloaded Signal object stays usable
      H.assertSameChanges(H.changes(s1), H.changes(s4));
      assert.strictEqual(s1.length, s4.length);
      // unloading something not cached, or a mix, is fine
      w.unloadSignals([vs[6], s4, vs[5]]);
      assert.throws(() => w.unloadSignals([42]), TypeError);
    });

    it('loadSignals keeps the order and serves duplicates from one Signal', function () {
      const w = open(SMALL);
      const vs = allVars(w);
      const pickIdx = [7, 1, 30, 1, 0, 7];
      const pick = pickIdx.map((i) => vs[i]);
      const [want] = H.pyRef([{ op: 'changes', path: H.corpusPath(SMALL), idx: pickIdx }]);
      w.getSignal(vs[30]); // one of them already cached
      const got = w.loadSignals(pick);
      assert.ok(Array.isArray(got));
      assert.strictEqual(got.length, pick.length);
      got.forEach((sig, i) => H.assertSameChanges(H.changes(sig), H.decodeChanges(want[i]),
        `all_vars()[${pickIdx[i]}]`));
      assert.strictEqual(got[1], got[3]);
      assert.strictEqual(got[0], got[5]);
      assert.deepStrictEqual(w.loadSignals([]), []);
      function* gen() {
        yield pick[0];
        yield pick[1];
      }
      assert.strictEqual(w.loadSignals(gen())[0], got[0]); // any iterable
    });

    it('aliases share signalRef and one cached Signal', function () {
      const rel = 'verilator/swerv1.vcd.fst';
      const w = open(rel);
      const unique = allVars(w);
      const every = allVars(w, { includeAliases: true });
      const refs = unique.map((v) => v.signalRef());
      assert.deepStrictEqual(refs, [...new Set(refs)].sort((a, b) => a - b));
      assert.deepStrictEqual(new Set(every.map((v) => v.signalRef())), new Set(refs));
      assert.ok(every.length > unique.length);
      const byRef = new Map();
      for (const v of every) {
        if (!byRef.has(v.signalRef())) byRef.set(v.signalRef(), []);
        byRef.get(v.signalRef()).push(v);
      }
      const groups = [...byRef.values()].filter((g) => g.length > 1).slice(0, 20);
      assert.ok(groups.length);
      for (const g of groups) {
        const sigs = w.loadSignals(g);
        for (const s of sigs) assert.strictEqual(s, sigs[0]);
      }
    });

    it('the all_vars() order and changes equal the Python package', function () {
      const rel = 'verilator/swerv1.vcd.fst';
      const w = open(rel);
      const vs = allVars(w);
      const idx = vs.map((_, i) => i).filter((i) => i % 7 === 0);
      const [want] = H.pyRef([{ op: 'changes', path: H.corpusPath(rel), idx }]);
      const got = w.loadSignals(idx.map((i) => vs[i]));
      got.forEach((s, k) => H.assertSameChanges(H.changes(s), H.decodeChanges(want[k]),
        `all_vars()[${idx[k]}]`));
    });
  });

  // ------------------------------------------------------------------------------------------
  function* walkVars(h, scopes, prefix = []) {
    for (const s of scopes) {
      const p = [...prefix, s.name(h)];
      for (const v of s.vars(h)) yield [p, v];
      yield* walkVars(h, s.scopes(h), p);
    }
  }

  describe('api: getSignalFromPath', function () {
    const rel = 'ghdl/pcpu.vcd.fst';

    it('finds the same signal as the Python package', function () {
      const w = open(rel);
      const h = w.hierarchy;
      const paths = [];
      [...walkVars(h, h.topScopes())].forEach(([p, v], i) => {
        if (i % 5 !== 0 || p.some((x) => x.includes('.')) || v.name(h).includes('.')) return;
        paths.push(v.fullName(h));
      });
      assert.ok(paths.length > 10);
      const want = H.pyRef(paths.map((p) => ({ op: 'from_path', path: H.corpusPath(rel), p })));
      paths.forEach((p, i) => {
        assert.ok(want[i].changes, `Python did not find ${p}: ${want[i].error}`);
        H.assertSameChanges(H.changes(w.getSignalFromPath(p)), H.decodeChanges(want[i].changes), p);
      });
    });

    it('not found: an Error with the message of the Python package', function () {
      const w = open(rel);
      const bad = ['no.such.var', 'nosuchvar', '', 'top.'];
      const want = H.pyRef(bad.map((p) => ({ op: 'from_path', path: H.corpusPath(rel), p })));
      bad.forEach((p, i) => {
        assert.strictEqual(want[i].type, 'RuntimeError');
        expectError(() => w.getSignalFromPath(p), (e) => {
          assert.ok(e instanceof Error, `${p}: not an Error: ${e}`);
          assert.strictEqual(e.message, want[i].error);
        });
      });
    });

    it('a top-level var (no dot in the path)', function () {
      const p = H.fixturePath('toplevel_vars.fst');
      const w = new Waveform(p);
      const h = w.hierarchy;
      const tops = allVars(w, { includeAliases: true }).filter((v) => v.fullName(h) === v.name(h));
      assert.ok(tops.length, 'toplevel_vars.fst should have top-level vars');
      const names = tops.map((v) => v.name(h));
      const want = H.pyRef(names.map((n) => ({ op: 'from_path', path: p, p: n })));
      names.forEach((n, i) => {
        assert.ok(!n.includes('.'));
        assert.ok(want[i].changes, `Python did not find ${n}: ${want[i].error}`);
        H.assertSameChanges(H.changes(w.getSignalFromPath(n)), H.decodeChanges(want[i].changes), n);
      });
    });
  });

  // ------------------------------------------------------------------------------------------
  function expectedQuery(ch, t) {
    // the last change at or before t (bisect_right - 1) and the one after it
    let lo = 0;
    let hi = ch.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ch[mid][0] <= t) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k < 0) return { value: null, actualTime: null, nextIdx: 0, nextTime: ch[0][0] };
    const nxt = k + 1 < ch.length ? k + 1 : null;
    return { value: ch[k][1], actualTime: ch[k][0], nextIdx: nxt, nextTime: nxt === null ? null : ch[nxt][0] };
  }

  function uniqueTimes(ch) {
    const out = [];
    for (const [t] of ch) if (!out.length || out[out.length - 1] !== t) out.push(t);
    return out;
  }

  describe('api: Signal lookups', function () {
    for (const rel of QUERY_FILES) {
      it(`querySignal before/at/between/after, valueAtTime (${rel})`, function () {
        const w = open(rel);
        const kinds = { before: 0, at: 0, between: 0, after: 0 };
        for (const sig of w.loadSignals(allVars(w))) {
          const ch = H.changes(sig);
          if (!ch.length) continue;
          const times = uniqueTimes(ch);
          let probes = [];
          if (times[0] > 0n) probes.push(['before', times[0] - 1n]);
          times.forEach((t, i) => {
            probes.push(['at', t]);
            if (i + 1 < times.length && t + 1n < times[i + 1]) {
              probes.push(['between', t + 1n], ['between', times[i + 1] - 1n]);
            }
          });
          probes.push(['after', times[times.length - 1] + 1n]);
          if (probes.length > 80) { // long signals: a spread of probes, always both ends
            const step = Math.max(1, Math.floor(probes.length / 40));
            const mid = probes.slice(20, -20).filter((_, i) => i % step === 0);
            probes = [...probes.slice(0, 20), ...mid, ...probes.slice(-20)];
          }
          for (const [kind, t] of probes) {
            const q = sig.querySignal(t);
            const want = expectedQuery(ch, t);
            const got = { value: q.value, actualTime: q.actualTime, nextIdx: q.nextIdx, nextTime: q.nextTime };
            for (const k of Object.keys(want)) {
              assert.ok(H.sameValue(got[k], want[k]),
                `${rel}: querySignal(${t}) [${kind}].${k}: got ${H.show(got[k])}, want ${H.show(want[k])}`);
            }
            assert.ok(H.sameValue(sig.valueAtTime(t), want.value), `${rel}: valueAtTime(${t})`);
            kinds[kind]++;
          }
        }
        assert.ok(kinds.at && kinds.after && (kinds.between || kinds.before), JSON.stringify(kinds));
      });

      it(`allChangesAfter and length (${rel})`, function () {
        const w = open(rel);
        for (const sig of w.loadSignals(allVars(w))) {
          const ch = H.changes(sig);
          assert.strictEqual(sig.length, ch.length);
          let times = uniqueTimes(ch);
          if (times.length > 40) { // long signals: a spread of probe times, always both ends
            const step = Math.floor(times.length / 20);
            times = [...times.slice(0, 10), ...times.slice(10, -10).filter((_, i) => i % step === 0),
              ...times.slice(-10)];
          }
          for (const t of [0n, ...times, ...times.map((x) => x + 1n), 2n ** 64n - 1n]) {
            const want = ch.filter((c) => c[0] >= t);
            H.assertSameChanges([...sig.allChangesAfter(t)], want, `${rel}: allChangesAfter(${t})`);
          }
        }
      });
    }

    it('valueAtIdx agrees with the time table', function () {
      const w = open(SMALL);
      const tt = [...w.timeTable];
      for (const sig of w.loadSignals(allVars(w).slice(0, 20))) {
        const ch = H.changes(sig);
        for (let i = 0; i < tt.length; i += 37) {
          const want = expectedQuery(ch, tt[i]).value;
          assert.ok(H.sameValue(sig.valueAtIdx(i), want), `valueAtIdx(${i})`);
        }
      }
    });

    it('allChanges() is an iterator (for...of, spreading, next())', function () {
      const w = open(SMALL);
      const sig = w.getSignal(allVars(w)[0]);
      const it = sig.allChanges();
      assert.strictEqual(it[Symbol.iterator](), it);
      const first = it.next();
      assert.strictEqual(first.done, false);
      const all = H.changes(sig);
      H.assertSameChanges([first.value], [all[0]]);
      assert.strictEqual([...it].length, sig.length - 1);
      assert.strictEqual(it.next().done, true);
      for (const [t] of sig.allChanges()) assert.strictEqual(typeof t, 'bigint');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('api: TimeTable, hierarchy', function () {
    for (const rel of [SMALL, 'ghdl/oscar/ghdl.fst', 'misc/VCD_file_with_errors.vcd.fst']) {
      it(`timeTable: length, at(), negative indices, iteration (${rel})`, function () {
        const w = open(rel);
        const tt = w.timeTable;
        const [ref] = H.pyRef([{ op: 'time_table', path: H.corpusPath(rel) }]);
        const want = ref.map(BigInt);
        const n = want.length;
        assert.strictEqual(tt.length, n);
        assert.deepStrictEqual([...tt], want);
        assert.deepStrictEqual(Array.from({ length: n }, (_, i) => tt.at(i)), want);
        assert.deepStrictEqual(Array.from({ length: n }, (_, i) => tt.at(-(i + 1))),
          Array.from({ length: n }, (_, i) => want[n - 1 - i]));
        for (const bad of [n, n + 1, -n - 1, 1e6]) {
          assert.strictEqual(tt.at(bad), undefined, `at(${bad}) out of range`);
        }
        let count = 0;
        for (const t of tt) {
          assert.strictEqual(typeof t, 'bigint');
          count++;
        }
        assert.strictEqual(count, n); // iteration ends
      });
    }

    it('w.hierarchy is the same object on every access', function () {
      const w = open(SMALL);
      assert.strictEqual(w.hierarchy, w.hierarchy);
    });

    it('index() spans bitwidth(); timescale and metadata are present', function () {
      const w = open('verilator/vlt_dump.vcd.fst');
      const h = w.hierarchy;
      let withIndex = 0;
      for (const v of h.allVars({ includeAliases: true })) {
        assert.strictEqual(v.bitwidth(), v.length());
        const idx = v.index();
        if (idx !== null) {
          withIndex++;
          assert.strictEqual(Math.abs(idx.msb - idx.lsb) + 1, v.bitwidth(), v.fullName(h));
        }
      }
      assert.ok(withIndex);
      assert.strictEqual(h.fileFormat(), 'FST');
      assert.ok(h.timescale() !== null);
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('api: errors', function () {
    let tmp;
    before(function () {
      tmp = H.makeTmpDir('fstwave-api-');
    });

    it('a missing file: code ENOENT', function () {
      expectError(() => new Waveform(path.join(tmp, 'does-not-exist.fst')), (e) => {
        assert.ok(e instanceof Error);
        assert.strictEqual(e.code, 'ENOENT');
      });
    });

    it('a directory: an OS error code', function () {
      expectError(() => new Waveform(tmp), (e) => {
        assert.ok(e instanceof Error);
        assert.match(String(e.code), /^E[A-Z]+$/);
        assert.notStrictEqual(e.code, 'FST_FORMAT');
      });
    });

    it('an empty file and a garbage file: code FST_FORMAT', function () {
      const empty = path.join(tmp, 'empty.fst');
      fs.writeFileSync(empty, Buffer.alloc(0));
      expectError(() => new Waveform(empty), (e) => assert.strictEqual(e.code, 'FST_FORMAT'));
      const garbage = path.join(tmp, 'garbage.fst');
      const bytes = Buffer.alloc(256 * 8);
      for (let i = 0; i < bytes.length; i++) bytes[i] = i & 0xff;
      fs.writeFileSync(garbage, bytes);
      expectError(() => new Waveform(garbage), (e) => assert.strictEqual(e.code, 'FST_FORMAT'));
    });

    it('a VCD file: FST_FORMAT, the message names VCD (whatever the file name)', function () {
      for (const name of ['wave.vcd', 'wave.fst']) {
        const p = path.join(tmp, name);
        fs.writeFileSync(p, VCD_TEXT);
        expectError(() => new Waveform(p), (e) => {
          assert.strictEqual(e.code, 'FST_FORMAT');
          assert.match(e.message, /VCD/);
        });
      }
    });

    it('a GHW file: FST_FORMAT, the message names GHW', function () {
      const p = path.join(tmp, 'wave.ghw');
      fs.writeFileSync(p, Buffer.concat([Buffer.from('GHDLwave\n'), Buffer.alloc(64)]));
      expectError(() => new Waveform(p), (e) => {
        assert.strictEqual(e.code, 'FST_FORMAT');
        assert.match(e.message, /GHW/);
      });
    });

    // A child process reads each truncated copy, so that a crash is a clear test failure.
    const TRUNCATE_SCRIPT = `
      const fs = require('fs');
      const { Waveform } = require(process.argv[1]);
      const [src, out, ...cutArgs] = process.argv.slice(2);
      const data = fs.readFileSync(src);
      for (const n of cutArgs.map(Number)) {
        fs.writeFileSync(out, data.subarray(0, n));
        try {
          const w = new Waveform(out);
          const h = w.hierarchy;
          const tt = [...w.timeTable];
          const vs = [...h.allVars({ includeAliases: true })];
          for (const v of vs) v.fullName(h);
          for (const s of w.loadSignals([...h.allVars()])) {
            for (const c of s.allChanges()) void c;
            if (tt.length) { s.valueAtIdx(tt.length - 1); s.valueAtTime(tt[tt.length - 1]); }
          }
          console.log(n, 'ok', vs.length, tt.length);
        } catch (e) {
          if (e && e.code === 'FST_FORMAT') console.log(n, 'FST_FORMAT', String(e.message).slice(0, 80).replace(/\\n/g, ' '));
          else console.log(n, 'WRONG', e && e.name, e && e.code, e && e.message);
        }
      }
    `;

    function truncateCuts(size) {
      const cuts = new Set([0, 1, 8, 9, 16, 100, 328, 329, 330, 331, 340, size - 1, size - 8, size - 9,
        size - 24, size - 25]);
      for (let k = 1; k < 40; k++) cuts.add(Math.floor((size * k) / 40));
      return [...cuts].filter((c) => c >= 0 && c < size).sort((a, b) => a - b);
    }

    for (const rel of ['verilator/vlt_dump.vcd.fst', 'nvc/xwb_fofb_shaper_filt_tb.fst',
      'systemc/waveform.vcd.fastlz.fst', 'ghdl/pcpu.vcd.fst']) {
      it(`truncated copies of ${rel}: FST_FORMAT or a good read, never a crash`, function () {
        this.timeout(300000);
        const src = H.corpusPath(rel);
        const cuts = truncateCuts(fs.statSync(src).size);
        const out = path.join(tmp, 'cut.fst');
        const r = H.run(process.execPath, ['-e', TRUNCATE_SCRIPT, H.ROOT, src, out, ...cuts.map(String)],
          { timeout: 300000 });
        const lines = r.stdout.split('\n').filter((l) => l);
        const done = new Set(lines.map((l) => Number(l.split(' ')[0])));
        assert.strictEqual(r.status, 0,
          `${rel}: the reader process died (status ${r.status}, signal ${r.signal}) after cuts ` +
          `${[...done].slice(-3)}; next cut ${cuts.filter((c) => !done.has(c))[0]}\n${r.stderr.slice(-2000)}`);
        const wrong = lines.filter((l) => l.includes(' WRONG '));
        assert.deepStrictEqual(wrong, []);
        assert.deepStrictEqual([...done].sort((a, b) => a - b), cuts);
        assert.ok(lines.some((l) => l.includes(' FST_FORMAT ')), r.stdout.slice(-2000));
      });
    }

    it('a non-Var where a Var is expected: TypeError', function () {
      const w = open(SMALL);
      const h = w.hierarchy;
      const scope = [...h.topScopes()][0];
      const sig = w.getSignal(allVars(w)[0]);
      for (const bad of [42, 'top.clk', {}, null, undefined, scope, h, sig, [allVars(w)[0]]]) {
        assert.throws(() => w.getSignal(bad), TypeError, `getSignal(${String(bad)})`);
        assert.throws(() => w.loadSignals([bad]), TypeError, `loadSignals([${String(bad)}])`);
      }
      assert.throws(() => w.loadSignals([allVars(w)[0], {}]), TypeError);
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('api: async', function () {
    it('Waveform.open gives a Waveform like the constructor', async function () {
      const p = H.corpusPath(SMALL);
      const pending = Waveform.open(p);
      assert.ok(pending instanceof Promise);
      const w = await pending;
      assert.ok(w instanceof Waveform);
      const s = new Waveform(p);
      assert.deepStrictEqual([...w.timeTable], [...s.timeTable]);
      assert.deepStrictEqual(allVars(w).map((v) => v.fullName(w.hierarchy)),
        allVars(s).map((v) => v.fullName(s.hierarchy)));
      const lazy = await Waveform.open(p, { loadBody: false });
      assert.strictEqual(lazy.bodyLoaded(), false);
      assert.deepStrictEqual([...lazy.timeTable], [...s.timeTable]);
    });

    it('loadSignalsAsync gives the same signals as loadSignals', async function () {
      const rel = 'verilator/swerv1.vcd.fst';
      const w = await Waveform.open(H.corpusPath(rel), { loadBody: false });
      const ref = open(rel);
      const vs = allVars(w);
      const pending = w.loadSignalsAsync(vs);
      assert.ok(pending instanceof Promise);
      const got = await pending;
      const want = ref.loadSignals(allVars(ref));
      assert.strictEqual(got.length, want.length);
      got.forEach((s, i) => H.assertSameChanges(H.changes(s), H.changes(want[i]), `signal ${i}`));
      // now cached: the sync call serves the same objects
      assert.strictEqual(w.loadSignals([vs[3]])[0], got[3]);
      assert.deepStrictEqual(await w.loadSignalsAsync([]), []);
    });

    it('concurrent loadSignalsAsync calls on one Waveform equal sync loads', async function () {
      const rel = 'verilator/swerv1.vcd.fst';
      const w = await Waveform.open(H.corpusPath(rel), { loadBody: false });
      const vs = allVars(w);
      const ref = open(rel);
      const rvs = allVars(ref);
      // overlapping batches, some with duplicates, started together (the first one also
      // has to load the body), plus unloads in between
      const batches = [];
      for (let k = 0; k < 8; k++) {
        const idx = [];
        for (let i = k; i < vs.length; i += 3 + k) idx.push(i);
        idx.push(idx[0]);
        batches.push(idx);
      }
      const pending = batches.map((idx) => w.loadSignalsAsync(idx.map((i) => vs[i])));
      w.unloadSignals(vs.slice(0, 50));
      const results = await Promise.all(pending);
      results.forEach((sigs, k) => {
        assert.strictEqual(sigs.length, batches[k].length);
        sigs.forEach((s, j) => {
          const i = batches[k][j];
          H.assertSameChanges(H.changes(s), H.changes(ref.getSignal(rvs[i])), `batch ${k}, var ${i}`);
        });
      });
    });

    it('a missing file: the promise rejects with code ENOENT', async function () {
      const tmp = H.makeTmpDir('fstwave-api-');
      await expectRejection(Waveform.open(path.join(tmp, 'missing.fst')), (e) => {
        assert.ok(e instanceof Error);
        assert.strictEqual(e.code, 'ENOENT');
      });
      const empty = path.join(tmp, 'empty.fst');
      fs.writeFileSync(empty, '');
      await expectRejection(Waveform.open(empty), (e) => assert.strictEqual(e.code, 'FST_FORMAT'));
    });

    it('a non-Var passed to loadSignalsAsync: TypeError', async function () {
      const w = open(SMALL);
      let err = null;
      try {
        await w.loadSignalsAsync([{}]);
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof TypeError, `got ${err}`);
    });
  });
});
