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

/** The addon's count of open files once garbage is collected and finalizers have run. */
async function settledOpenFiles() {
  return (await H.collectedStats()).openFiles;
}

// The observable differences from pywellen 0.25.7, each recognised by a rule checked here
// and counted (FSTWAVE_TEST_VERBOSE=1 prints the counts and files):
//   unreadable  files pywellen cannot open (it raises or panics; deviations D5 and D9 in
//               docs/api.md): Node reads them, so only Node's own consistency is checked
//   hierarchy   items pywellen 0.25 builds otherwise than fstwave's hierarchy (it merges
//               bit-blasted vars into one var of a derived signal, e.g. names.fst `top.bus`,
//               and an array scope made from var names into the Verilator array scope of the
//               same name, verilator_attrs.fst): a lookup whose answer on either side is an
//               item whose full name the two hierarchies describe differently is not compared
//   derived     the changes of those derived signals in pywellen's stream (signal indices no
//               var of the file's hierarchy has) are left out before comparing
//   utf8        string values: pywellen decodes the bytes as UTF-8 (U+FFFD for invalid
//               sequences), Node as Latin-1 (shortstring.fst, strings.fst): equal once Node's
//               string is encoded as Latin-1 and decoded as UTF-8
//   port        PORT vars: pywellen streams the raw FST value (3 x width + 2 bits) where
//               Node streams the var's width (port_vars.fst): Node's value is its low bits
const seen = { unreadable: new Set(), hierarchy: new Set(), derived: new Set(), utf8: new Set(), port: new Set() };
after(() => {
  if (process.env.FSTWAVE_TEST_VERBOSE) {
    for (const [k, files] of Object.entries(seen)) console.log(`      ${k}: ${[...files].join(', ') || '-'}`);
  }
});

/**
 * The answers of pywellen25_ref.py for `requests`: one per request, in order; for a file
 * pywellen cannot open `{ error }`.
 */
function py25(requests) {
  assert.ok(fs.existsSync(PY25), `${PY25} is missing: run scripts/bootstrap25.sh (make .venv25/.fstwave-deps-1)`);
  const r = H.run(PY25, [path.join(__dirname, 'fixtures', 'pywellen25_ref.py')], {
    input: JSON.stringify(requests), env: { ...process.env, RUST_BACKTRACE: '0' },
  });
  assert.strictEqual(r.status, 0, `pywellen25_ref.py failed:\n${r.stderr}`);
  const lines = r.stdout.split('\n');
  const answers = [];
  let k = 0;
  for (const req of requests) {
    if (lines[k].startsWith('{"error"') || req.op !== 'stream') {
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

/** The full names whose items (kind, signal) the two hierarchies describe differently. */
function disagreements(nodeItems, pyItems) {
  const byName = (list) => {
    const m = new Map();
    for (const d of list) m.set(d[1], [...(m.get(d[1]) ?? []), JSON.stringify(d)].sort());
    return m;
  };
  const a = byName(nodeItems);
  const b = byName(pyItems);
  const out = new Set();
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    if (JSON.stringify(a.get(name) ?? []) !== JSON.stringify(b.get(name) ?? [])) out.add(name);
  }
  return out;
}

let filesCache = null;
/**
 * Every corpus file and fixture: { path, name, error (pywellen cannot open it) | null,
 * disagree (full names, see `hierarchy` above) }.
 */
function allFiles() {
  if (filesCache !== null) return filesCache;
  const paths = [...H.corpusFiles(), ...H.generatedFixtures().files];
  const py = py25(paths.map((p) => ({ op: 'items', path: p })));
  filesCache = paths.map((p, i) => {
    const w = new Waveform(p, { loadBody: false });
    const { scopes, vars } = items(w);
    const error = Array.isArray(py[i]) ? null : py[i].error;
    const disagree = error ? new Set() : disagreements([...scopes, ...vars].map(described), py[i]);
    return { path: p, name: path.basename(p), error, disagree };
  });
  return filesCache;
}

/** Names around `name` that exercise the prefix and suffix rules. */
function variants(name) {
  const last = name.split('.').pop();
  return [name + '[3]', name + '[7:0]', name + '.', name + '.nope', name + '.' + last, name + 'x',
    name.slice(0, -1), '.' + name, name + '[0].x', name + ' '];
}

/** The Scopes and Vars each Waveform's hierarchy walk hands out. */
const objectsOf = new WeakMap();

/**
 * Checks Node's answer `got` to a lookup against pywellen's `want`, unless either names an
 * item the hierarchies disagree on; for a file pywellen cannot read, that `got` is one of
 * the hierarchy's objects.
 */
function checkLookup(file, w, got, want, what) {
  if (got !== undefined) {
    if (!objectsOf.has(w)) {
      const { scopes, vars } = items(w);
      objectsOf.set(w, new Set([...scopes, ...vars]));
    }
    assert.ok(objectsOf.get(w).has(got), `${what}: not an object of the hierarchy`);
  }
  if (file.error) {
    seen.unreadable.add(file.name);
    return;
  }
  if ((got !== undefined && file.disagree.has(got.fullName())) || (want !== null && file.disagree.has(want[1]))) {
    seen.hierarchy.add(file.name);
    return;
  }
  assert.deepStrictEqual(described(got), want, what);
}

/** Every change of a stream, flattened into [time, signal ref, value]. */
async function streamed(w, include, options) {
  const out = [];
  for await (const b of w.streamChanges(include, options)) {
    for (let i = 0; i < b.times.length; i++) out.push([b.times[i], b.signalRefs[i], b.values[i]]);
  }
  return out;
}

/** The name of the rule under which Node's value `g` stands for pywellen's `x`, or null. */
function valueRule(g, x, portWidth) {
  if (H.sameValue(g, x)) return 'same';
  if (typeof g === 'string' && typeof x === 'string' && x.includes('\uFFFD') &&
    Buffer.from(g, 'latin1').toString('utf8') === x) return 'utf8';
  if (portWidth !== undefined && typeof g === 'bigint' && typeof x === 'bigint' &&
    x >> BigInt(portWidth) !== 0n && g === (x & ((1n << BigInt(portWidth)) - 1n))) return 'port';
  return null;
}

/** Node's stream `got` against pywellen's `want` of the same file, in the same order. */
function assertSameStream(file, w, got, want, what) {
  if (file.error) {
    seen.unreadable.add(file.name);
    return;
  }
  const vars = [...w.hierarchy.allVars({ includeAliases: true })];
  const refs = new Set(vars.map((v) => v.signalRef()));
  const portWidth = new Map(vars.filter((v) => v.varType() === 'Port').map((v) => [v.signalRef(), v.bitwidth()]));
  const kept = want.filter((c) => refs.has(c[1]));
  if (kept.length < want.length) seen.derived.add(file.name);
  const n = Math.min(got.length, kept.length);
  for (let i = 0; i < n; i++) {
    const [g, x] = [got[i], kept[i]];
    const rule = g[0] === x[0] && g[1] === x[1] ? valueRule(g[2], x[2], portWidth.get(g[1])) : null;
    if (rule === null) {
      assert.fail(`${what}: change ${i}: got [${g.map(H.show).join(', ')}], want [${x.map(H.show).join(', ')}]`);
    }
    if (rule !== 'same') seen[rule].add(file.name);
  }
  assert.strictEqual(got.length, kept.length, `${what}: the number of changes`);
}

/** Two streams of Node's, change by change. */
function assertEqualStreams(got, want, what) {
  assert.strictEqual(got.length, want.length, `${what}: the number of changes`);
  got.forEach((g, i) => {
    const x = want[i];
    assert.ok(g[0] === x[0] && g[1] === x[1] && H.sameValue(g[2], x[2]), `${what}: change ${i}`);
  });
}

/**
 * Every third unique var's full name, a scope's, a name of nothing, a var's with a bit index;
 * none of an item the hierarchies disagree on.
 */
function includeNames(file, w) {
  const vars = [...w.hierarchy.allVars()].filter((v) => !file.disagree.has(v.fullName()));
  const names = vars.filter((_, i) => i % 3 === 0).map((v) => v.fullName());
  const scope = w.hierarchy.topScopes().next().value;
  if (scope && !file.disagree.has(scope.fullName())) names.push(scope.fullName());
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
      const { scopes, vars } = items(new Waveform(f.path, { loadBody: false }));
      return [...new Set([...scopes, ...vars].map((x) => x.fullName()))];
    });
    const want = py25(files.map((f, i) => ({ op: 'lookup', path: f.path, names: names[i], scope: null })));
    let found = 0;
    files.forEach((f, i) => {
      const w = new Waveform(f.path, { loadBody: false });
      names[i].forEach((name, k) => {
        const got = w.get(name);
        if (got !== undefined) found++;
        checkLookup(f, w, got, f.error ? null : want[i][k], `${f.name}: get(${JSON.stringify(name)})`);
      });
    });
    assert.ok(found > 1000, `${found} names found`);
  });

  it('hand-made names at the top and inside scopes: the prefix and suffix rules', function () {
    const requests = [];
    const asks = [];
    for (const f of allFiles()) {
      const w = new Waveform(f.path, { loadBody: false });
      const { scopes, vars } = items(w);
      const all = [...scopes, ...vars];
      const step = Math.max(1, Math.floor(all.length / 40));
      const names = ['', '.', 'x'];
      for (let i = 0; i < all.length; i += step) names.push(...variants(all[i].fullName()));
      requests.push({ op: 'lookup', path: f.path, names, scope: null });
      asks.push([f, null, names]);
      // relative to a few scopes: their children's names and variants of them
      for (let i = 0; i < scopes.length; i += Math.max(1, Math.floor(scopes.length / 5))) {
        const s = scopes[i];
        // pywellen's w[...] must find the same scope
        if (f.error || f.disagree.has(s.fullName()) || w.get(s.fullName()) !== s) continue;
        const rel = [...s.scopes(), ...s.vars()].slice(0, 8).flatMap((c) => [c.name(), ...variants(c.name())]);
        rel.push('', s.name());
        requests.push({ op: 'lookup', path: f.path, names: rel, scope: s.fullName() });
        asks.push([f, s.fullName(), rel]);
      }
    }
    const want = py25(requests);
    let found = 0;
    let missing = 0;
    asks.forEach(([f, scope, names], i) => {
      const w = new Waveform(f.path, { loadBody: false });
      const base = scope === null ? w : w.get(scope);
      names.forEach((name, k) => {
        const got = base.get(name);
        if (got === undefined) missing++;
        else found++;
        checkLookup(f, w, got, f.error ? null : want[i][k],
          `${f.name}: ${scope === null ? 'w' : `w.get(${JSON.stringify(scope)})`}.get(${JSON.stringify(name)})`);
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
    const want = py25(files.map((f) => ({ op: 'stream', path: f.path, include: null })));
    let total = 0;
    for (let i = 0; i < files.length; i++) {
      const w = new Waveform(files[i].path, { loadBody: false });
      const got = await streamed(w);
      assertSameStream(files[i], w, got, want[i], files[i].name);
      total += got.length;
      w.close();
    }
    assert.ok(total > 100000, `${total} changes in all`);
  });

  it('include: Vars and full names (scopes and unknown names ignored), and an empty include', async function () {
    const files = allFiles();
    const names = files.map((f) => includeNames(f, new Waveform(f.path, { loadBody: false })));
    const want = py25([
      ...files.map((f, i) => ({ op: 'stream', path: f.path, include: names[i] })),
      ...files.map((f) => ({ op: 'stream', path: f.path, include: [] })),
    ]);
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const w = new Waveform(f.path);
      // the same signals given as Var objects (every other one that is a Var) and as names
      const include = names[i].map((n, k) => (k % 2 === 0 && w.get(n) instanceof Var ? w.get(n) : n));
      const got = await streamed(w, include);
      assertSameStream(f, w, got, want[i], `${f.name} include`);
      assert.deepStrictEqual(await streamed(w, []), []);
      if (!f.error) assert.deepStrictEqual(want[files.length + i], [], `${f.name}: pywellen's include []`);
      // the signals streamed are those of the names that are vars, each once
      const refs = new Set(names[i].map((n) => w.get(n)).filter((x) => x instanceof Var).map((v) => v.signalRef()));
      assert.ok(got.every((c) => refs.has(c[1])), `${f.name}: a change of a signal not included`);
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
      assertEqualStreams(small, all, `${path.basename(f)} sync, batchSize 7`);
      assertEqualStreams(await streamed(w, null, { batchSize: 1 }), all, `${path.basename(f)} batchSize 1`);
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
  it('a damaged block: the changes before it first, then FST_FORMAT (async and sync)', async function () {
    const src = H.fixturePath('multiblock_zlib.fst');
    const all = await streamed(new Waveform(src));
    const bad = Buffer.from(fs.readFileSync(src));
    const at = Math.floor(bad.length / 2); // inside a later value-change block
    for (let k = 0; k < 16; k++) bad[at + k] ^= 0x5a;
    const file = path.join(H.makeTmpDir('fstwave-stream-bad-'), 'damaged.fst');
    fs.writeFileSync(file, bad);
    const w = new Waveform(file, { loadBody: false });
    for (const sync of [false, true]) {
      const got = [];
      let error = null;
      try {
        if (sync) {
          for (const b of w.streamChangesSync()) for (let i = 0; i < b.times.length; i++) got.push([b.times[i], b.signalRefs[i], b.values[i]]);
        } else {
          for await (const b of w.streamChanges()) for (let i = 0; i < b.times.length; i++) got.push([b.times[i], b.signalRefs[i], b.values[i]]);
        }
      } catch (e) {
        error = e;
      }
      assert.ok(error && error.code === 'FST_FORMAT', `sync ${sync}: ${error}`);
      assert.ok(got.length > 0 && got.length < all.length, `sync ${sync}: ${got.length} of ${all.length} changes`);
      assertEqualStreams(got, all.slice(0, got.length), `sync ${sync}: the changes before the damage`);
    }
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
    w.close();
  });

  it('abort: before the start, between batches and while a batch waits; the file is let go', async function () {
    const before = await settledOpenFiles();
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

    // with every thread of the pool busy, the batch asked for cannot even start: the abort
    // rejects at once all the same, and the batch is dropped when it ends (libuv's thread
    // pool: not under wasm, whose batches run on the calling thread)
    if (H.backend !== 'wasm') {
      const busy = H.occupyPool(big());
      const ac2 = new AbortController();
      const it2 = w.streamChanges(null, { signal: ac2.signal });
      const p = it2.next();
      const t0 = Date.now();
      setImmediate(() => ac2.abort(reason));
      await assert.rejects(p, isAbort);
      const waited = Date.now() - t0;
      let poolBusy = true;
      await Promise.race([busy.then(() => { poolBusy = false; }), new Promise((resolve) => setImmediate(resolve))]);
      assert.ok(poolBusy, `the pool was not busy (the abort took ${waited} ms)`);
      await busy;
    }

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
    const before = await settledOpenFiles();
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
    const before = await settledOpenFiles();
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

  it('a worker that exits or is terminated with streams open (one between batches, one reading)', async function () {
    const code = `
      const { parentPort, workerData } = require('worker_threads');
      const { Waveform } = require(workerData.root);
      (async () => {
        const w = new Waveform(workerData.file, { loadBody: false });
        const a = w.streamChanges();
        await a.next(); // suspended between batches
        const b = w.streamChanges();
        b.next(); // a batch being read
        parentPort.postMessage('started');
        if (workerData.exit) process.exit(0);
      })();`;
    const { Worker } = require('worker_threads');
    for (const exit of [true, false]) {
      const worker = new Worker(code, { eval: true, workerData: { root: H.ROOT, file: big(), exit } });
      const exited = new Promise((resolve, reject) => {
        worker.on('error', reject);
        worker.on('exit', resolve);
      });
      await new Promise((resolve) => worker.once('message', resolve));
      if (!exit) await worker.terminate();
      assert.strictEqual(await exited, exit ? 0 : 1);
    }
    // the process goes on reading
    const w = new Waveform(big(), { loadBody: false });
    for await (const b of w.streamChanges()) if (b.times.length > 0) break;
    w.close();
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
    w.close();
  });

  it('memory is bounded by a batch: peak RSS does not grow with the file', function () {
    const dir = H.makeTmpDir('fstwave-stream-rss-');
    const small = H.writeBigFile(dir, 300, 10000);
    const large = H.writeBigFile(dir, 300, 80000);
    // each in its own process with a small V8 heap (24 MB of old space: keeping the 8 million
    // changes of the large file, a bigint or string each, would not fit), the growth of the
    // RSS (sampled at every batch; ru_maxrss would start at the parent's) while every change
    // is streamed
    const script = `
      const { Waveform } = require(${JSON.stringify(H.ROOT)});
      (async () => {
        const w = new Waveform(process.argv[1], { loadBody: false });
        const base = process.memoryUsage.rss() / 1024;
        let n = 0;
        let peak = base;
        for await (const b of w.streamChanges()) {
          n += b.times.length;
          peak = Math.max(peak, process.memoryUsage.rss() / 1024);
        }
        console.log(JSON.stringify({ n, base, peak }));
      })();`;
    const measure = (f) => {
      const r = H.run(process.execPath, ['--max-semi-space-size=1', '--max-old-space-size=24', '-e', script, f]);
      assert.strictEqual(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const a = measure(small);
    const b = measure(large);
    const info = `${a.n} changes: +${((a.peak - a.base) / 1024).toFixed(1)} MB; ` +
      `${b.n} changes: +${((b.peak - b.base) / 1024).toFixed(1)} MB (RSS in kB: ${JSON.stringify([a, b])})`;
    if (process.env.FSTWAVE_TEST_VERBOSE) console.log(`      ${info}`);
    assert.strictEqual(b.n, 8000200, info);
    // eight times the changes, not eight times the memory: within 12 MB of the small file's
    assert.ok(b.peak - b.base < a.peak - a.base + 12 * 1024, info);
  });
});
