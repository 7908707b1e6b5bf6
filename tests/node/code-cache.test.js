'use strict';
// The V8 code cache of node/lib (node/lib/code-cache.js, made by `node node/build.js
// --code-cache`): a package loaded through it reads files as without it, a module whose
// source changed after the cache was made runs its new source (V8 itself checks only the
// source's length), and data V8 rejects (other V8 flags) falls back to a plain compile.
// Each case runs in a child process over a copy of the package in a temporary folder.

const assert = require('assert');
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const { ROOT, makeTmpDir, corpusPath } = require('./helpers');

const SAMPLE = corpusPath('systemc/waveform.vcd.fst');

// what a user of the package sees on SAMPLE: every full name, a signal, two error messages
const PROBE = `
const { Waveform } = require(process.argv[1]);
const w = new Waveform(process.argv[2]);
const h = w.hierarchy;
const vars = [...h.allVars()];
const names = vars.map((v) => v.fullName(h));
const s = w.getSignal(vars[vars.length - 1]);
const changes = [...s.allChanges()].slice(0, 50).map(([t, v]) => [String(t), String(v)]);
let bad = null;
try { w.getSignal(42); } catch (e) { bad = e.message; }
w.close();
let closed = null;
try { w.hierarchy; } catch (e) { closed = e.message; }
process.stdout.write(JSON.stringify({ names, changes, bad, closed }));
`;

function probe(pkg, nodeArgs = []) {
  const r = childProcess.spawnSync(process.execPath, [...nodeArgs, '-e', PROBE, pkg, SAMPLE], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** A copy of the package (node/, package.json; the addon, the WebAssembly build and
 * node_modules) with its code cache made on SAMPLE. */
function packageCopy() {
  const dir = makeTmpDir('fstwave-codecache-');
  fs.cpSync(path.join(ROOT, 'node'), path.join(dir, 'node'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  fs.mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'build', 'Release', 'fstwave.node'), path.join(dir, 'build', 'Release', 'fstwave.node'));
  if (fs.existsSync(path.join(ROOT, 'build', 'wasm'))) { // the WebAssembly backend (FSTWAVE_BACKEND=wasm)
    fs.mkdirSync(path.join(dir, 'build', 'wasm'));
    for (const f of ['fstwave-core.js', 'fstwave-core.wasm']) {
      fs.copyFileSync(path.join(ROOT, 'build', 'wasm', f), path.join(dir, 'build', 'wasm', f));
    }
  }
  const r = childProcess.spawnSync(process.execPath, [path.join(dir, 'node', 'build.js'), '--code-cache', SAMPLE], {
    encoding: 'utf8',
  });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.ok(fs.statSync(path.join(dir, 'build', 'Release', 'fstwave-js.cache')).size > 0);
  return dir;
}

describe('code cache of node/lib', function () {
  this.timeout(120000);
  let dir;
  let plain;
  before(function () {
    dir = packageCopy();
    plain = probe(ROOT, ['--no-opt']); // --no-opt: this checkout's cache (if any) is rejected
  });

  it('a package loaded through its code cache reads a file as one compiled from source', function () {
    const got = probe(dir);
    assert.ok(plain.names.length > 100 && plain.changes.length > 0);
    assert.deepStrictEqual(got, plain);
  });

  it('a module changed after the cache was made runs its new source (same length)', function () {
    // getSignal ran when the cache was made: its bytecode, with the old message, is cached
    const file = path.join(dir, 'node', 'lib', 'waveform.js');
    const src = fs.readFileSync(file, 'utf8');
    const from = 'getSignal(): expected a Var';
    const to = 'getSignal(): EXPECTED a Var';
    assert.ok(src.includes(from));
    fs.writeFileSync(file, src.replace(from, to));
    try {
      const got = probe(dir);
      assert.strictEqual(got.bad, 'getSignal(): EXPECTED a Var, got number');
      assert.strictEqual(plain.bad, 'getSignal(): expected a Var, got number');
      assert.deepStrictEqual(got.names, plain.names);
    } finally {
      fs.writeFileSync(file, src);
    }
  });

  it('cache data V8 rejects (other V8 flags) falls back to compiling the sources', function () {
    assert.deepStrictEqual(probe(dir, ['--no-opt']), plain);
  });
});
