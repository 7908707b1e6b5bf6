'use strict';
// Waveform#get / Scope#get (pywellen 0.25's w["a.b"] / scope["b"]) and Waveform#streamChanges
// / streamChangesSync (pywellen 0.25's stream_changes), against pywellen 0.25.7 itself, run
// in a child process (tests/node/fixtures/pywellen25_ref.py with .venv25's python), on every
// corpus file and fixture: lookups of every full name and of hand-made names around them,
// every streamed change in the same order, with and without include.  Then what only Node
// has: batches, the sync form, progress, abort, leaving the loop, close(), the event loop
// kept running and memory bounded by a batch, not by the file.

const assert = require('assert');
const fs = require('fs');
const path = require('path');

const H = require('./helpers');

const { Waveform, Var, Scope, AbortError, _nativeStats } = H.loadApi();

const PY25 = path.join(H.ROOT, '.venv25', 'bin', 'python');

/** The answers of pywellen25_ref.py for `requests`: one per request, in order. */
function py25(requests) {
  assert.ok(fs.existsSync(PY25), `${PY25} is missing: run scripts/bootstrap25.sh (make .venv25/.fstwave-deps-1)`);
  const r = H.run(PY25, [path.join(__dirname, 'fixtures', 'pywellen25_ref.py')], { input: JSON.stringify(requests) });
  assert.strictEqual(r.status, 0, `pywellen25_ref.py failed:\n${r.stderr}`);
  const lines = r.stdout.split('\n');
  const answers = [];
  let k = 0;
  for (const req of requests) {
    if (req.op === 'lookup') {
      answers.push(JSON.parse(lines[k++]));
    } else {
      const changes = [];
      for (let line = lines[k++]; line !== 'null'; line = lines[k++]) {
        assert.ok(line !== undefined, 'pywellen25_ref.py: a stream without its end line');
        const [t, ref, v] = JSON.parse(line);
        changes.push([BigInt(t), ref, H.decodeValue(v)]);
      }
      answers.push(changes);
    }
  }
  return answers;
}

function allFiles() {
  return [...H.corpusFiles(), ...H.generatedFixtures().files];
}

/** Every scope (depth first, declaration order) and every var (aliases included). */
function items(w) {
  const scopes = [];
  const walk = (s) => {
    scopes.push(s);
    for (const c of s.scopes()) walk(c);
  };
  for (const s of w.hierarchy.topScopes()) walk(s);
  return { scopes, vars: [...w.hierarchy.allVars({ includeAliases: true })] };
}

/** A found item as pywellen25_ref.py describes one. */
function described(x) {
  if (x === undefined) return null;
  if (x instanceof Var) return ['var', x.fullName(), x.signalRef()];
  assert.ok(x instanceof Scope, `get() returned ${x}`);
  return ['scope', x.fullName()];
}

/** Names around `name` that exercise the prefix and suffix rules. */
function variants(name) {
  const last = name.split('.').pop();
  return [name + '[3]', name + '[7:0]', name + '.', name + '.nope', name + '.' + last, name + 'x',
    name.slice(0, -1), '.' + name, name + '[0].x', name + ' '];
}

/** Every change of a stream, flattened into [time, signal ref, value]. */
async function streamed(w, include, options) {
  const out = [];
  for await (const b of w.streamChanges(include, options)) {
    for (let i = 0; i < b.times.length; i++) out.push([b.times[i], b.signalRefs[i], b.values[i]]);
  }
  return out;
}

function assertSameStream(got, want, what) {
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const [g, x] = [got[i], want[i]];
    if (g[0] !== x[0] || g[1] !== x[1] || !H.sameValue(g[2], x[2])) {
      assert.fail(`${what}: change ${i}: got [${g.map(H.show).join(', ')}], want [${x.map(H.show).join(', ')}]`);
    }
  }
  assert.strictEqual(got.length, want.length, `${what}: the number of changes`);
}

/** Every third unique var's full name, a scope's, a name of nothing, a var's with a bit index. */
function includeNames(w) {
  const vars = [...w.hierarchy.allVars()];
  const names = vars.filter((_, i) => i % 3 === 0).map((v) => v.fullName());
  const scope = w.hierarchy.topScopes().next().value;
  if (scope) names.push(scope.fullName());
  names.push('no.such.signal');
  if (vars.length > 1) names.push(vars[1].fullName() + '[0]');
  return names;
}

describe('Waveform#get and Scope#get: pywellen 0.25.7 lookups', function () {
  this.timeout(600000);

  it('every full name, on every corpus file and fixture: pywellen\'s item, the hierarchy\'s object', function () {
    const files = allFiles();
    assert.ok(files.length >= H.EXPECTED_CORPUS_COUNT + 20, `${files.length} files`);
    const names = files.map((f) => {
      const w = new Waveform(f, { loadBody: false });
      const { scopes, vars } = items(w);
      return [...new Set([...scopes, ...vars].map((x) => x.fullName()))];
    });
    const want = py25(files.map((f, i) => ({ op: 'lookup', path: f, names: names[i], scope: null })));
    let found = 0;
    files.forEach((f, i) => {
      const w = new Waveform(f, { loadBody: false });
      const { scopes, vars } = items(w);
      const byName = new Map();
      for (const x of [...scopes, ...vars]) byName.set(x.fullName(), [...(byName.get(x.fullName()) ?? []), x]);
      names[i].forEach((name, k) => {
        const got = w.get(name);
        assert.deepStrictEqual(described(got), want[i][k], `${path.basename(f)}: get(${JSON.stringify(name)})`);
        if (got !== undefined) {
          found++;
          // identity (deviation D6): one of the objects the hierarchy hands out for that name
          assert.ok(byName.get(got.fullName()).includes(got), `${path.basename(f)}: ${name}: not the hierarchy's object`);
        }
      });
    });
    assert.ok(found > 1000, `${found} names found`);
  });

  it('hand-made names at the top and inside scopes: the prefix and suffix rules', function () {
    const requests = [];
    const asks = [];
    for (const f of allFiles()) {
      const w = new Waveform(f, { loadBody: false });
      const { scopes, vars } = items(w);
      const all = [...scopes, ...vars];
      const step = Math.max(1, Math.floor(all.length / 40));
      const names = ['', '.', 'x'];
      for (let i = 0; i < all.length; i += step) names.push(...variants(all[i].fullName()));
      requests.push({ op: 'lookup', path: f, names, scope: null });
      asks.push([f, null, names]);
      // relative to a few scopes: their children's names and variants of them
      for (let i = 0; i < scopes.length; i += Math.max(1, Math.floor(scopes.length / 5))) {
        const s = scopes[i];
        if (w.get(s.fullName()) !== s) continue; // pywellen's w[...] would find another scope
        const rel = [...s.scopes(), ...s.vars()].slice(0, 8).flatMap((c) => [c.name(), ...variants(c.name())]);
        rel.push('', s.name());
        requests.push({ op: 'lookup', path: f, names: rel, scope: s.fullName() });
        asks.push([f, s.fullName(), rel]);
      }
    }
    const want = py25(requests);
    let found = 0;
    let missing = 0;
    asks.forEach(([f, scope, names], i) => {
      const w = new Waveform(f, { loadBody: false });
      const base = scope === null ? w : w.get(scope);
      names.forEach((name, k) => {
        const got = base.get(name);
        if (got === undefined) missing++;
        else found++;
        assert.deepStrictEqual(described(got), want[i][k],
          `${path.basename(f)}: ${scope === null ? 'w' : `w.get(${JSON.stringify(scope)})`}.get(${JSON.stringify(name)})`);
      });
    });
    assert.ok(found > 1000 && missing > 1000, `found ${found}, missing ${missing}: both rules exercised`);
  });

  it('a path that is not a string is a TypeError; a closed Waveform throws ERR_FSTWAVE_CLOSED', function () {
    const w = new Waveform(H.fixturePath('names.fst'));
    const top = w.hierarchy.topScopes().next().value;
    for (const bad of [undefined, null, 3, ['a'], Symbol('x')]) {
      assert.throws(() => w.get(bad), TypeError);
      assert.throws(() => top.get(bad), TypeError);
    }
    w.close();
    assert.throws(() => w.get('top'), { code: 'ERR_FSTWAVE_CLOSED' });
    assert.throws(() => top.get('x'), { code: 'ERR_FSTWAVE_CLOSED' });
  });
});

describe('Waveform#streamChanges: pywellen 0.25.7 stream_changes', function () {
  this.timeout(600000);

  it('every change of every corpus file and fixture, in pywellen\'s order', async function () {
    const files = allFiles();
    const want = py25(files.map((f) => ({ op: 'stream', path: f, include: null })));
    let total = 0;
    for (let i = 0; i < files.length; i++) {
      const w = new Waveform(files[i], { loadBody: false });
      const got = await streamed(w);
      assertSameStream(got, want[i], path.basename(files[i]));
      total += got.length;
      w.close();
    }
    assert.ok(total > 100000, `${total} changes in all`);
  });

  it('include: Vars and full names (scopes and unknown names ignored), and an empty include', async function () {
    const files = allFiles();
    const names = files.map((f) => includeNames(new Waveform(f, { loadBody: false })));
    const want = py25([
      ...files.map((f, i) => ({ op: 'stream', path: f, include: names[i] })),
      ...files.map((f) => ({ op: 'stream', path: f, include: [] })),
    ]);
    for (let i = 0; i < files.length; i++) {
      const w = new Waveform(files[i]);
      // the same signals given as Var objects (every other one that is a Var) and as names
      const include = names[i].map((n, k) => (k % 2 === 0 && w.get(n) instanceof Var ? w.get(n) : n));
      assertSameStream(await streamed(w, include), want[i], `${path.basename(files[i])} include`);
      assertSameStream(await streamed(w, []), want[files.length + i], `${path.basename(files[i])} include []`);
      assert.deepStrictEqual(want[files.length + i], []);
    }
  });

  it('batches: their shape, batchSize, and the sync form give the same changes', async function () {
    for (const f of [H.fixturePath('multiblock_lz4.fst'), H.fixturePath('strings.fst'), H.fixturePath('reals.fst')]) {
      const w = new Waveform(f);
      const all = await streamed(w);
      const small = [];
      for (const b of w.streamChangesSync(null, { batchSize: 7 })) {
        assert.ok(b.times instanceof BigUint64Array && b.signalRefs instanceof Uint32Array && Array.isArray(b.values));
        assert.ok(b.times.length >= 1 && b.times.length <= 7, `a batch of ${b.times.length}`);
        assert.strictEqual(b.signalRefs.length, b.times.length);
        assert.strictEqual(b.values.length, b.times.length);
        for (let i = 0; i < b.times.length; i++) small.push([b.times[i], b.signalRefs[i], b.values[i]]);
      }
      assertSameStream(small, all, `${path.basename(f)} sync, batchSize 7`);
      assertSameStream(await streamed(w, null, { batchSize: 1 }), all, `${path.basename(f)} batchSize 1`);
    }
    const w = new Waveform(H.fixturePath('names.fst'));
    for (const bad of [0, -1, 1.5, 2 ** 24 + 1]) assert.throws(() => w.streamChanges(null, { batchSize: bad }), RangeError);
    assert.throws(() => w.streamChanges(null, { batchSize: '8' }), TypeError);
    assert.throws(() => w.streamChanges('top.clk'), TypeError);
    assert.throws(() => w.streamChanges([3]), TypeError);
    assert.throws(() => w.streamChanges(null, { signal: 'no' }), TypeError);
    const other = new Waveform(H.fixturePath('names.fst'));
    assert.throws(() => w.streamChanges([other.hierarchy.allVars().next().value]), /another waveform/);
  });
});

describe('Waveform#streamChanges: progress, abort, leaving the loop, close, event loop, memory', function () {
  this.timeout(600000);

  let bigFile = null;
  /** 300 signals, 40,000 time steps: ten value-change blocks, 4 million changes. */
  function big() {
    if (bigFile === null) bigFile = H.writeBigFile(H.makeTmpDir('fstwave-stream-'), 300, 40000);
    return bigFile;
  }

  it('onProgress: bytes of blocks, never decreasing, ending at the total', async function () {
    const w = new Waveform(big(), { loadBody: false });
    const reports = [];
    let batches = 0;
    for await (const b of w.streamChanges(null, { onProgress: (d, t) => reports.push([d, t]) })) {
      assert.strictEqual(reports.length, ++batches, 'one report before each batch');
      assert.ok(b.times.length > 0);
    }
    assert.ok(batches > 10, `${batches} batches`);
    const total = reports[0][1];
    assert.ok(total > 0 && total <= fs.statSync(big()).size);
    reports.forEach(([d, t], i) => assert.ok(t === total && d >= (i ? reports[i - 1][0] : 0) && d <= t));
    assert.deepStrictEqual(reports[reports.length - 1], [total, total]);
  });

  it('abort: before the start, between batches and while a batch is read; the file is let go', async function () {
    const before = _nativeStats().openFiles;
    const w = new Waveform(big(), { loadBody: false });
    const reason = new Error('stop');
    const isAbort = (e) => e instanceof AbortError && e.code === 'ABORT_ERR' && e.cause === reason;

    const ac0 = new AbortController();
    ac0.abort(reason);
    await assert.rejects(w.streamChanges(null, { signal: ac0.signal }).next(), isAbort);

    const ac1 = new AbortController();
    const it1 = w.streamChanges(null, { signal: ac1.signal });
    assert.strictEqual((await it1.next()).done, false);
    ac1.abort(reason);
    await assert.rejects(it1.next(), isAbort);
    assert.strictEqual((await it1.next()).done, true);

    const ac2 = new AbortController();
    const it2 = w.streamChanges(null, { signal: ac2.signal, batchSize: 1 << 24 });
    const p = it2.next(); // a batch of every change: long to read
    setImmediate(() => ac2.abort(reason));
    const t0 = Date.now();
    await assert.rejects(p, isAbort);
    assert.ok(Date.now() - t0 < 1000, 'the abort did not wait for the batch');

    const sync = w.streamChangesSync(null, { signal: ac0.signal });
    assert.throws(() => sync.next(), isAbort);

    // the batch dropped by the abort ends on the pool; then close() closes the file at once
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 200 && _nativeStats().openFiles > before + 1; i++) await new Promise((r) => setTimeout(r, 20));
    w.close();
    for (let i = 0; i < 200 && _nativeStats().openFiles > before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.strictEqual(_nativeStats().openFiles, before);
  });

  it('break closes the stream: close() then closes the file at once', async function () {
    const before = _nativeStats().openFiles;
    const w = new Waveform(big(), { loadBody: false });
    let batches = 0;
    for await (const b of w.streamChanges()) {
      assert.ok(b.times.length > 0);
      if (++batches === 2) break;
    }
    assert.strictEqual(_nativeStats().openFiles, before + 1);
    w.close();
    assert.strictEqual(_nativeStats().openFiles, before, 'the stream kept the file open');
    // the sync form too
    const w2 = new Waveform(big(), { loadBody: false });
    for (const b of w2.streamChangesSync()) if (b) break;
    w2.close();
    assert.strictEqual(_nativeStats().openFiles, before);
  });

  it('close() while a stream is open: the batch being read arrives, then ERR_FSTWAVE_CLOSED', async function () {
    const before = _nativeStats().openFiles;
    const w = new Waveform(big(), { loadBody: false });
    const it = w.streamChanges();
    assert.strictEqual((await it.next()).done, false);
    w.close(); // between batches: the file is closed at once
    assert.strictEqual(_nativeStats().openFiles, before);
    await assert.rejects(it.next(), { code: 'ERR_FSTWAVE_CLOSED', message: 'I/O operation on closed waveform' });

    const w2 = new Waveform(big(), { loadBody: false });
    const it2 = w2.streamChanges();
    const p = it2.next();
    w2.close(); // a batch is being read: it completes, the file is closed after it
    assert.strictEqual(_nativeStats().openFiles, before + 1);
    const r = await p;
    assert.strictEqual(r.done, false);
    assert.ok(r.value.times.length > 0);
    assert.strictEqual(_nativeStats().openFiles, before);
    await assert.rejects(it2.next(), { code: 'ERR_FSTWAVE_CLOSED' });
    assert.throws(() => w2.streamChanges(), { code: 'ERR_FSTWAVE_CLOSED' });
  });

  it('the event loop keeps running: no 5 ms timer gap reaches 50 ms during a long stream', async function () {
    const w = new Waveform(big(), { loadBody: false });
    const { result: n, ms, maxGap, ticks } = await H.timerGaps(async () => {
      let count = 0;
      for await (const b of w.streamChanges()) count += b.times.length;
      return count;
    });
    const info = `${n} changes in ${ms.toFixed(0)} ms (${(n / ms / 1000).toFixed(2)} M/s), ` +
      `${ticks} ticks, longest gap ${maxGap.toFixed(1)} ms`;
    if (process.env.FSTWAVE_TEST_VERBOSE) console.log(`      ${info}`);
    assert.ok(n > 3000000, info);
    assert.ok(ms > 200, `too short to measure anything: ${info}`);
    assert.ok(maxGap < 50, `the event loop was blocked: ${info}`);
  });

  it('memory is bounded by a batch: peak RSS does not grow with the file', function () {
    const dir = H.makeTmpDir('fstwave-stream-rss-');
    const small = H.writeBigFile(dir, 300, 10000);
    const large = H.writeBigFile(dir, 300, 80000);
    // each in its own process: the peak RSS of streaming every change, after the open
    const script = `
      const { Waveform } = require(${JSON.stringify(H.ROOT)});
      (async () => {
        const w = new Waveform(process.argv[1], { loadBody: false });
        const base = process.resourceUsage().maxRSS;
        let n = 0;
        for await (const b of w.streamChanges()) n += b.times.length;
        console.log(JSON.stringify({ n, base, peak: process.resourceUsage().maxRSS }));
      })();`;
    const measure = (f) => {
      const r = H.run(process.execPath, ['-e', script, f]);
      assert.strictEqual(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const a = measure(small);
    const b = measure(large);
    const info = `${a.n} changes: +${((a.peak - a.base) / 1024).toFixed(1)} MB; ` +
      `${b.n} changes: +${((b.peak - b.base) / 1024).toFixed(1)} MB (maxRSS in kB: ${JSON.stringify([a, b])})`;
    if (process.env.FSTWAVE_TEST_VERBOSE) console.log(`      ${info}`);
    assert.ok(b.n > 7 * a.n, info);
    // eight times the changes, not eight times the memory: the growth stays within 24 MB of
    // the small file's (a stored change takes at least 8 bytes: 8 M changes are 64 MB or more)
    assert.ok(b.peak - b.base < a.peak - a.base + 24 * 1024, info);
  });
});
