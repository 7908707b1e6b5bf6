'use strict';
// The Node tool (node/cli.js) against the Python tool (python -m fstwave): `dump` must give
// identical bytes for every corpus file and every generated fixture (docs/dump-format.md);
// info, tree and the error/usage behaviour must be the same too.

const assert = require('assert');
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');

const H = require('./helpers');

const BIG = 'xilinx_isim/test1.vcd.fst'; // its dump is ~30 MB, far more than a pipe buffer

/** Runs a command, resolves { status, signal, stdout: Buffer, stderr: Buffer }. */
function runBuf(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const p = childProcess.spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    const out = [];
    const err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    p.on('error', reject);
    p.on('close', (status, signal) => resolve({
      status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err),
    }));
  });
}

function nodeTool(args) {
  return runBuf(process.execPath, [H.CLI, ...args]);
}

function pythonTool(args) {
  return runBuf(H.requirePython(), ['-m', 'fstwave', ...args], {
    env: { ...process.env, PYTHONPATH: path.join(H.ROOT, 'python') },
  });
}

/** A readable account of the first difference between two outputs, or null. */
function firstDifference(a, b) {
  if (a.equals(b)) return null;
  let i = 0;
  const n = Math.min(a.length, b.length);
  while (i < n && a[i] === b[i]) i++;
  const lineNo = a.subarray(0, i).toString('latin1').split('\n').length;
  const lineStart = i === 0 ? 0 : a.lastIndexOf(0x0a, i - 1) + 1;
  const endA = a.indexOf(0x0a, i);
  const endB = b.indexOf(0x0a, i);
  const clip = (s) => (s.length > 300 ? s.slice(0, 300) + '...' : s);
  const la = a.subarray(lineStart, endA < 0 ? a.length : endA).toString('utf8');
  const lb = b.subarray(lineStart, endB < 0 ? b.length : endB).toString('utf8');
  return `first difference at line ${lineNo} (byte ${i}; node ${a.length} bytes, python ` +
    `${b.length} bytes):\n  node:   ${JSON.stringify(clip(la))}\n  python: ${JSON.stringify(clip(lb))}`;
}

async function compareTools(args) {
  const [n, p] = await Promise.all([nodeTool(args), pythonTool(args)]);
  const label = `fstwave ${args.join(' ')}`;
  assert.strictEqual(p.status, 0, `python ${label}: exit ${p.status}\n${p.stderr}`);
  assert.strictEqual(n.status, 0, `node ${label}: exit ${n.status} (signal ${n.signal})\n${n.stderr}`);
  assert.strictEqual(n.stderr.toString(), '', `node ${label} wrote to stderr`);
  const d = firstDifference(n.stdout, p.stdout);
  assert.ok(d === null, `${label}: node and python outputs differ, ${d}`);
  return n;
}

describe('cross-language: fstwave dump, node vs python', function () {
  this.timeout(600000);
  before(function () {
    H.requirePython();
  });

  describe('every corpus file', function () {
    const files = H.corpusFiles();
    it(`the corpus has ${H.EXPECTED_CORPUS_COUNT} FST files`, function () {
      assert.strictEqual(files.length, H.EXPECTED_CORPUS_COUNT, `corpus incomplete in ${H.CORPUS}`);
    });
    for (const f of files) {
      it(path.relative(H.CORPUS, f), async function () {
        const n = await compareTools(['dump', f]);
        const text = n.stdout.toString('latin1');
        assert.ok(text.startsWith('fstwave-dump 1\n'));
        assert.match(text, /\nend scopes=\d+ vars=\d+ signals=\d+\n$/);
      });
    }
  });

  describe('every generated fixture', function () {
    let fx = null;
    let setupError = null;
    try {
      fx = H.generatedFixtures();
    } catch (e) {
      setupError = e;
    }
    it('build/gen_fixtures wrote every fixture it lists (-l)', function () {
      if (setupError) throw setupError;
      assert.ok(fx.listed.length > 0);
      assert.deepStrictEqual(fx.files.map((f) => path.basename(f)).sort(), [...fx.listed].sort());
    });
    for (const f of fx ? fx.files : []) {
      it(path.basename(f), async function () {
        await compareTools(['dump', f]);
      });
    }
    it('--batch-size does not change the output', async function () {
      if (setupError) throw setupError;
      const f = path.join(fx.dir, 'aliases.fst');
      const a = await nodeTool(['dump', f]);
      for (const bs of ['1', '7']) {
        const b = await nodeTool(['dump', f, '--batch-size', bs]);
        assert.strictEqual(b.status, 0, b.stderr.toString());
        assert.ok(firstDifference(b.stdout, a.stdout) === null, `--batch-size ${bs}`);
      }
    });
  });
});

describe('cross-language: fstwave info and tree, node vs python', function () {
  this.timeout(600000);
  before(function () {
    H.requirePython();
  });
  const files = H.corpusFiles();
  for (const f of files) {
    it(path.relative(H.CORPUS, f), async function () {
      await compareTools(['info', f]);
      await compareTools(['tree', f]);
      await compareTools(['tree', '--signals', f]);
      await compareTools(['tree', f, '--depth', '2', '--signals']);
    });
  }
  it('generated fixtures', async function () {
    for (const f of H.generatedFixtures().files) {
      await compareTools(['info', f]);
      await compareTools(['tree', '--signals', f]);
    }
  });
});

describe('cross-language: errors, usage and pipes', function () {
  this.timeout(600000);
  let tmp;
  before(function () {
    H.requirePython();
    tmp = H.makeTmpDir('fstwave-cli-');
  });

  async function sameFailure(args, rc) {
    const [n, p] = await Promise.all([nodeTool(args), pythonTool(args)]);
    const label = `fstwave ${args.join(' ')}`;
    assert.strictEqual(p.status, rc, `python ${label}: exit ${p.status}\n${p.stderr}`);
    assert.strictEqual(n.status, rc, `node ${label}: exit ${n.status}\n${n.stderr}`);
    assert.strictEqual(n.stdout.toString(), p.stdout.toString(), `${label}: stdout`);
    assert.strictEqual(n.stderr.toString(), p.stderr.toString(), `${label}: stderr`);
    return n;
  }

  for (const cmd of ['info', 'tree', 'dump']) {
    it(`${cmd}: missing file, directory, empty file, VCD file`, async function () {
      const missing = path.join(tmp, 'no_such_file.fst');
      const n = await sameFailure([cmd, missing], 1);
      assert.match(n.stderr.toString(), /^fstwave: error: .*no_such_file\.fst.*\n$/);
      await sameFailure([cmd, tmp], 1);
      const empty = path.join(tmp, 'empty.fst');
      fs.writeFileSync(empty, '');
      await sameFailure([cmd, empty], 1);
      const vcd = path.join(tmp, 'small.vcd');
      fs.writeFileSync(vcd, '$date today $end\n$timescale 1ns $end\n$scope module top $end\n' +
        '$var wire 1 ! clk $end\n$upscope $end\n$enddefinitions $end\n#0\n0!\n#10\n1!\n');
      const v = await sameFailure([cmd, vcd], 1);
      assert.match(v.stderr.toString(), /^fstwave: error: .*VCD.*\n$/);
    });
  }

  it('a corrupt file fails the same way in both tools', async function () {
    const src = fs.readFileSync(H.corpusPath('verilator/vlt_dump.vcd.fst'));
    for (const k of [5, 20, 35]) {
      const cut = path.join(tmp, `cut${k}.fst`);
      fs.writeFileSync(cut, src.subarray(0, Math.floor((src.length * k) / 40)));
      const [n, p] = await Promise.all([nodeTool(['dump', cut]), pythonTool(['dump', cut])]);
      assert.strictEqual(n.status, p.status, `cut ${k}/40: node ${n.status}, python ${p.status}`);
      assert.strictEqual(n.stderr.toString(), p.stderr.toString(), `cut ${k}/40: stderr`);
      assert.ok(firstDifference(n.stdout, p.stdout) === null, `cut ${k}/40: stdout differs`);
    }
  });

  for (const args of [[], ['frobnicate'], ['dump'], ['tree', 'x.fst', '--depth', '0'],
    ['dump', 'x.fst', '--batch-size', 'many'], ['info', 'a.fst', 'b.fst'], ['tree', '--bogus', 'x'],
    ['tree', 'x', '--depth']]) {
    it(`usage error: fstwave ${args.join(' ')}`, async function () {
      const n = await sameFailure(args, 2);
      assert.match(n.stderr.toString(), /usage:/);
    });
  }

  it('--help', async function () {
    for (const args of [['--help'], ['dump', '-h'], ['tree', '--help'], ['info', '-h']]) {
      const [n, p] = await Promise.all([nodeTool(args), pythonTool(args)]);
      assert.strictEqual(n.status, 0);
      assert.strictEqual(p.status, 0);
      assert.strictEqual(n.stdout.toString(), p.stdout.toString(), args.join(' '));
    }
  });

  it('dump into a pipe closed early: quiet, exit 1 or 0', async function () {
    const p = childProcess.spawn(process.execPath, [H.CLI, 'dump', H.corpusPath(BIG)],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const err = [];
    p.stderr.on('data', (d) => err.push(d));
    const first = await new Promise((resolve) => {
      let buf = Buffer.alloc(0);
      const onData = (d) => {
        buf = Buffer.concat([buf, d]);
        const nl = buf.indexOf(0x0a);
        if (nl >= 0) {
          p.stdout.off('data', onData);
          p.stdout.destroy();
          resolve(buf.subarray(0, nl + 1).toString());
        }
      };
      p.stdout.on('data', onData);
    });
    const status = await new Promise((resolve) => p.on('close', (code) => resolve(code)));
    assert.strictEqual(first, 'fstwave-dump 1\n');
    assert.strictEqual(Buffer.concat(err).toString(), '');
    assert.ok(status === 1 || status === 0, `exit ${status}`);
  });

  for (const cmd of ['dump', 'tree --signals']) {
    it(`${cmd} | head -1`, async function () {
      const errFile = path.join(tmp, 'stderr.txt');
      const script = `"${process.execPath}" "${H.CLI}" ${cmd} "${H.corpusPath(BIG)}" 2>"${errFile}" | head -1`;
      const r = await runBuf('sh', ['-c', script]);
      assert.strictEqual(r.status, 0);
      assert.strictEqual(r.stdout.toString().split('\n').filter((l) => l).length, 1);
      assert.strictEqual(fs.readFileSync(errFile, 'utf8'), '');
    });
  }
});
