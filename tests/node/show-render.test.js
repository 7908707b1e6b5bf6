'use strict';
// `show` and `render` across the languages: Waveform#showText / #renderSvg (Node) against
// Waveform.show_text / .render_svg (Python) on every corpus file and generated fixture, for
// the first three signals of allVars() over the whole file and over its middle third, in
// several radixes and widths: the same bytes (docs/tools.md; both call the core's
// fstw_show_text and fstw_render_svg).  Then the two tools' `fstwave show` and
// `fstwave render` outputs, byte for byte, on a few files; the async forms; errors.

const assert = require('assert');
const childProcess = require('child_process');
const path = require('path');

const H = require('./helpers');
const { Waveform } = require(H.ROOT);

// For each file given on stdin (a JSON list): the first three vars' full names and, for
// each case, the Python outputs of those Vars (or the error message).
const PY_OUTPUTS = `
import json, sys
import fstwave
out = {}
for f in json.load(sys.stdin):
    try:
        w = fstwave.Waveform(f)
    except (fstwave.FstError, OSError) as e:
        out[f] = {"open_error": str(e)}
        continue
    vars_ = list(w.hierarchy.all_vars())[:3]
    names = [v.full_name(w.hierarchy) for v in vars_]
    cases = []
    if names and w.time_range is not None:
        start, end = w.time_range
        for t0, t1, radix, width in ((start, end, "hex", 1000),
                                     (start + (end - start) // 3, start + 2 * (end - start) // 3, "bin", 400),
                                     (start, end, "dec", 97)):
            case = {"t0": str(t0), "t1": str(t1), "radix": radix, "width": width}
            for key, call in (("show", lambda: w.show_text(vars_, t0, t1, radix=radix)),
                              ("svg", lambda: w.render_svg(vars_, t0, t1, width=width, radix=radix))):
                try:
                    case[key] = call()
                except ValueError as e:
                    case[key + "_error"] = str(e)
            cases.append(case)
    out[f] = {"names": names, "cases": cases}
json.dump(out, sys.stdout)
`;

function pythonOutputs(files) {
  const r = childProcess.spawnSync(H.requirePython(), ['-c', PY_OUTPUTS], {
    input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 1 << 30,
    env: { ...process.env, PYTHONPATH: path.join(H.ROOT, 'python') },
  });
  assert.strictEqual(r.status, 0, `python: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Node's outputs for one file, compared with Python's; returns the cases compared. */
function compareFile(f, py) {
  if (py.open_error !== undefined) {
    assert.throws(() => new Waveform(f), undefined, `python could not open ${f}, node could`);
    return 0;
  }
  const w = new Waveform(f);
  const vars = [...w.hierarchy.allVars()].slice(0, 3);
  assert.deepStrictEqual(vars.map((v) => v.fullName(w.hierarchy)), py.names);
  let n = 0;
  for (const c of py.cases) {
    const opts = { from: BigInt(c.t0), to: BigInt(c.t1), radix: c.radix };
    const label = `${f} (${c.t0}, ${c.t1}] ${c.radix}`;
    for (const [key, call] of [['show', () => w.showText(vars, opts)],
      ['svg', () => w.renderSvg(vars, { ...opts, width: c.width })]]) {
      if (c[key] !== undefined) assert.strictEqual(call(), c[key], `${key} ${label}`);
      else assert.throws(call, (e) => e instanceof RangeError && e.message === c[key + '_error'], `${key} ${label}`);
    }
    n++;
  }
  w.close();
  return n;
}

function runTool(cmd, args) {
  return childProcess.spawnSync(cmd, args, {
    maxBuffer: 1 << 28, env: { ...process.env, PYTHONPATH: path.join(H.ROOT, 'python') },
  });
}

describe('show and render: node vs python, same bytes', function () {
  this.timeout(300000);
  const corpus = H.corpusFiles();
  let fixtures = [];
  let py = null;
  before(function () {
    fixtures = H.generatedFixtures().files;
    py = pythonOutputs([...corpus, ...fixtures]);
  });

  it(`every corpus file (${H.EXPECTED_CORPUS_COUNT})`, function () {
    assert.strictEqual(corpus.length, H.EXPECTED_CORPUS_COUNT);
    let n = 0;
    for (const f of corpus) n += compareFile(f, py[f]);
    assert.ok(n >= 3 * corpus.length, `${n} cases compared`);
  });

  it('every generated fixture', function () {
    let n = 0;
    for (const f of fixtures) n += compareFile(f, py[f]);
    assert.ok(n >= 60, `${n} cases compared`);
  });

  it('the tools: fstwave show and fstwave render write the same bytes', function () {
    const files = [H.corpusPath('aldec/SPI_Write.vcd.fst'), H.fixturePath('enums_vhdl.fst'),
      H.fixturePath('strings.fst'), H.fixturePath('wide.fst')];
    for (const f of files) {
      const names = py[f].names;
      for (const args of [['show', f, ...names], ['show', f, ...names, '--radix', 'dec', '--from', '1', '--to', '20'],
        ['render', f, ...names, '--width', '200', '-o', '-'], ['show', f, 'no.such.signal']]) {
        const n = runTool(process.execPath, [H.CLI, ...args]);
        const p = runTool(H.requirePython(), ['-m', 'fstwave', ...args]);
        const label = `fstwave ${args.join(' ')}`;
        assert.strictEqual(n.status, p.status, `${label}: exit ${n.status} vs ${p.status}\n${n.stderr}${p.stderr}`);
        assert.ok(n.stdout.equals(p.stdout), `${label}: stdout differs`);
        assert.strictEqual(n.stderr.toString(), p.stderr.toString(), `${label}: stderr differs`);
      }
    }
  });

  it('the async forms give the same text; an unknown name is ERR_FSTWAVE_NO_SIGNAL', async function () {
    const f = H.fixturePath('enums_vhdl.fst');
    const w = new Waveform(f);
    const names = py[f].names;
    assert.strictEqual(await w.showTextAsync(names), w.showText(names));
    assert.strictEqual(await w.renderSvgAsync(names, { width: 123 }), w.renderSvg(names, { width: 123 }));
    const vars = [...w.hierarchy.allVars()].slice(0, 3);
    assert.strictEqual(w.showText(vars, { radix: 'bin' }), w.showText(names, { radix: 'bin' }));
    assert.throws(() => w.showText(['tb.nope']), (e) => e.code === 'ERR_FSTWAVE_NO_SIGNAL' && /'tb.nope'/.test(e.message));
    await assert.rejects(w.renderSvgAsync(['tb.nope']), (e) => e.code === 'ERR_FSTWAVE_NO_SIGNAL');
    assert.throws(() => w.showText(names, { radix: 'oct' }), TypeError);
    assert.throws(() => w.renderSvg(names, { width: 8 }), RangeError);
    const other = new Waveform(f);
    assert.throws(() => w.showText([...other.hierarchy.allVars()].slice(0, 1)), TypeError);
    w.close();
    assert.throws(() => w.showText(names), (e) => e.code === 'ERR_FSTWAVE_CLOSED');
  });
});
