'use strict';
// Crash-proofing of the WebAssembly backend (issue 15 item 4): damaged inputs replayed through
// the backend's natives (node/lib/backend), each compared with the native addon's result on
// the same bytes. An input either opens and reads (the same header, full names, signal refs,
// every change of every signal, the stream's changes) or fails with an Error that has a
// `code` (the same code and message as the addon's); a trap inside the module is an Error
// with code ERR_FSTWAVE_WASM_TRAP, never a dead process, and the backend then serves new
// calls from a fresh instance while the objects of the trapped one refuse further calls.
//
// Inputs: the sweep sample (`build/sweep --write`: the inputs of `make sweep-sample`, 24 per
// corpus file, fixture and the example, seed 1: truncations and byte mutations,
// tests/sweep/README.md), the sweep's findings (tests/sweep/repro) and the fuzz regressions
// (tests/fuzz/regressions, replayed as `make fuzz-replay` does: an input holding "FSTWHIER"
// is an FST file plus its hierarchy side file).

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const H = require('./helpers');

const WASM_BUILD = path.join(H.ROOT, 'build', 'wasm', 'fstwave-core.js');
const SWEEP_N = 24; // make sweep-sample's SWEEP_SAMPLE_N
const SWEEP_SEED = 1;
const CHUNK = 1 << 16; // changes per sigChanges call, stream batch

/** The addon's natives, or null when it is not built (then only the codes are checked). */
function addonNatives() {
  try {
    return require('node-gyp-build')(H.ROOT);
  } catch (e) {
    return null;
  }
}

/** JSON with bigints as strings (values and times). */
const json = (x) => JSON.stringify(x, (k, v) => (typeof v === 'bigint' ? `${v}n` : v));

/** What an error tells: it must be an Error with a string code. */
function errorOf(e, what) {
  assert.ok(e instanceof Error, `${what}: threw a non-Error: ${e}`);
  assert.strictEqual(typeof e.code, 'string', `${what}: an Error without a code: ${e.stack}`);
  assert.notStrictEqual(e.code, 'ERR_FSTWAVE_WASM_TRAP', `${what}: the module trapped: ${e.message}`);
  return { code: e.code, message: e.message };
}

/**
 * Everything a host reads of `file` through the natives `n` (the addon's or the backend's:
 * one function set): open (options as the fuzz harness varies them), header, every var's
 * full name and signal ref, every signal loaded and every change read, then the stream of
 * every change.  Digests, or the error that stopped it.
 */
function readAll(n, file, variant) {
  const out = {};
  let h;
  try {
    h = n.open(file, false, variant === 1, variant === 0, undefined, undefined);
  } catch (e) {
    return { open: errorOf(e, `${file}: open`) };
  }
  try {
    const hd = n.header(h);
    out.header = json(hd);
    const names = crypto.createHash('sha1');
    for (let v = 0; v < hd.varCount; v++) names.update(`${n.varFullName(h, v)} ${n.varSignalRef(h, v)}\n`);
    out.names = names.digest('hex');
    const refs = Uint32Array.from({ length: hd.signalCount }, (_, i) => i);
    const sigs = n.loadSignals(h, refs, false, undefined, undefined);
    const changes = crypto.createHash('sha1');
    for (const s of sigs) {
      const len = n.sigLength(s);
      for (let i = 0; i < len; i += CHUNK) changes.update(json(n.sigChanges(s, i, Math.min(len, i + CHUNK))));
      changes.update('|');
      n.sigDispose(s);
    }
    out.changes = changes.digest('hex');
  } catch (e) {
    out.error = errorOf(e, `${file}: read`);
  }
  try {
    const st = n.streamOpen(h, null);
    const stream = crypto.createHash('sha1');
    try {
      for (let b = n.streamNext(st, CHUNK); b !== null; b = n.streamNext(st, CHUNK)) stream.update(json(b.slice(0, 3)));
    } finally {
      n.streamClose(st);
    }
    out.stream = stream.digest('hex');
  } catch (e) {
    out.streamError = errorOf(e, `${file}: stream`);
  } finally {
    n.close(h);
  }
  return out;
}

/** The fuzz regressions as files: "FSTWHIER" splits an input into w.fst and w.fst.hier. */
function fuzzInputs(dir) {
  const src = path.join(H.ROOT, 'tests', 'fuzz', 'regressions');
  const marker = Buffer.from('FSTWHIER');
  return fs.readdirSync(src).filter((f) => f.endsWith('.fst')).sort().map((f) => {
    const data = fs.readFileSync(path.join(src, f));
    const at = data.indexOf(marker);
    if (at < 0) return path.join(src, f);
    const sub = path.join(dir, f.replace(/\.fst$/, ''));
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'w.fst'), data.subarray(0, at));
    fs.writeFileSync(path.join(sub, 'w.fst.hier'), data.subarray(at + marker.length));
    return path.join(sub, 'w.fst');
  });
}

describe('WebAssembly backend: crash-proofing (sweep sample, fuzz regressions, traps)', function () {
  this.timeout(1800000);
  let wasm;
  let addon;

  before(function () {
    // a test of the WebAssembly backend against the addon: it runs in `npm run test:wasm`
    // (make test-wasm, which builds both), not again in the addon's own run
    if (H.backend !== 'wasm') this.skip();
    assert.ok(fs.existsSync(WASM_BUILD), `${WASM_BUILD} is missing (make wasm)`);
    wasm = require(path.join(H.ROOT, 'node', 'lib', 'backend', 'index'));
    addon = addonNatives();
  });

  /** Each input through both: read or a coded Error, and the same outcome. */
  function replay(files) {
    let read = 0;
    let refused = 0;
    for (const [i, f] of files.entries()) {
      const variant = i % 2; // eager body; lazy body + empty-scope removal (the fuzz harness's two)
      const got = readAll(wasm, f, variant);
      if (got.open || got.error) refused++;
      else read++;
      if (addon) assert.deepStrictEqual(got, readAll(addon, f, variant), `${f}: the backends differ`);
    }
    return { read, refused };
  }

  it(`the sweep sample (${SWEEP_N} damaged inputs per corpus file and fixture): read as the addon reads them, or a coded Error`, function () {
    H.make('build/sweep');
    H.make('build/example.fst');
    const dir = H.makeTmpDir('fstwave-wasm-sweep-');
    const sources = [...H.corpusFiles(), ...H.generatedFixtures().files, path.join(H.ROOT, 'build', 'example.fst')];
    const r = H.run(path.join(H.ROOT, 'build', 'sweep'), ['--write', dir, '-n', String(SWEEP_N), '-s', String(SWEEP_SEED),
      ...sources]);
    assert.strictEqual(r.status, 0, r.stderr);
    const inputs = fs.readdirSync(dir).sort().map((f) => path.join(dir, f));
    assert.strictEqual(inputs.length, SWEEP_N * sources.length);
    assert.ok(sources.length >= H.EXPECTED_CORPUS_COUNT, 'every corpus file is a source');
    const { read, refused } = replay(inputs);
    assert.ok(read > 100 && refused > 100, `${read} read, ${refused} refused: the sample reaches both`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the fuzz regressions and the sweep findings: read as the addon reads them, or a coded Error', function () {
    const dir = H.makeTmpDir('fstwave-wasm-fuzz-');
    const repro = path.join(H.ROOT, 'tests', 'sweep', 'repro');
    const inputs = [...fuzzInputs(dir), ...fs.readdirSync(repro).sort().map((f) => path.join(repro, f))];
    assert.ok(inputs.length >= 40, `${inputs.length} inputs`);
    replay(inputs);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a trap is an Error with code ERR_FSTWAVE_WASM_TRAP; then old objects refuse, a fresh instance serves', function () {
    const file = H.corpusPath('vcs/processor.vcd.fst');
    const h = wasm.open(file, false, false, true, undefined, undefined);
    const [s] = wasm.loadSignals(h, Uint32Array.of(0), false, undefined, undefined);
    const before = readAll(wasm, file, 0);
    assert.throws(() => wasm._testTrap(), (e) => e instanceof Error && e.code === 'ERR_FSTWAVE_WASM_TRAP' &&
      e.cause instanceof WebAssembly.RuntimeError);
    // the objects of the trapped instance: a clear coded Error, closing them is harmless
    for (const call of [() => wasm.header(h), () => wasm.sigLength(s), () => wasm.loadSignals(h, Uint32Array.of(0), false)]) {
      assert.throws(call, { code: 'ERR_FSTWAVE_WASM_TRAP', message: /instance that trapped; open the file again/ });
    }
    wasm.close(h);
    wasm.sigDispose(s);
    // the fresh instance reads as before, and counts only its own objects
    assert.deepStrictEqual(readAll(wasm, file, 0), before);
    assert.deepStrictEqual(wasm.stats(), { openFiles: 0, liveSignals: 0 });
  });

  it('a trap while an async load waits: the load rejects with ERR_FSTWAVE_WASM_TRAP; the process lives on', async function () {
    const file = H.corpusPath('vcs/processor.vcd.fst');
    const h = wasm.open(file, false, false, true, undefined, undefined);
    const p = wasm.loadSignalsAsync(h, Uint32Array.of(0), false, undefined, undefined);
    assert.throws(() => wasm._testTrap(), { code: 'ERR_FSTWAVE_WASM_TRAP' });
    await assert.rejects(p, { code: 'ERR_FSTWAVE_WASM_TRAP', message: /instance that trapped/ });
    wasm.close(h);
    assert.ok(readAll(wasm, file, 0).changes);
  });

  it('out of memory inside the module is ENOMEM, and the instance goes on', function () {
    const file = H.corpusPath('vcs/processor.vcd.fst');
    const h = wasm.open(file, false, false, true, undefined, undefined);
    const [s] = wasm.loadSignals(h, Uint32Array.of(0), false, undefined, undefined);
    // a summary of 2^28 - 2 slices needs four buffers of ~2 GiB: more than the heap's 2 GiB
    assert.throws(() => wasm.sigSummary(s, 0n, 1000n, 2 ** 28 - 2), { code: 'ENOMEM' });
    assert.strictEqual(wasm.sigSummary(s, 0n, 1000n, 10).counts.length, 10);
    wasm.sigDispose(s);
    wasm.close(h);
  });
});
