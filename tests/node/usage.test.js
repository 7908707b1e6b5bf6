'use strict';
// The usage and help texts of the Node tool (node/lib/usage.json, which node/cli.js prints)
// against the Python tool's argparse parser (fstwave.cli.build_parser()): the top-level
// parser's format_usage()/format_help() and each subcommand's, in the parser's order of
// subcommands. argparse wraps help at the terminal width ($COLUMNS - 2), so the Python side
// runs with COLUMNS=80, the width the texts were made for. Also the parsed arguments of
// each subcommand (the options' defaults, which the help texts state) in both parsers.

const assert = require('assert');
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');

const H = require('./helpers');

const USAGE_FILE = path.join(H.ROOT, 'node', 'lib', 'usage.json');

const PY_DUMP_PARSER = `
import argparse, json, sys
from fstwave.cli import build_parser
p = build_parser()
sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
json.dump({
    "usage": p.format_usage(),
    "help": p.format_help(),
    "commands": {name: {"usage": sp.format_usage(), "help": sp.format_help()}
                 for name, sp in sub.choices.items()},
}, sys.stdout)
`;

// the parsed arguments of \`fstwave CMD x.fst\` (\`CMD x.fst a.b\` for the commands that take
// SIGNAL...) for each subcommand: the options' defaults
const PY_DEFAULTS = `
import argparse, json, sys
from fstwave.cli import build_parser
p = build_parser()
sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
out = {}
for name, sp in sub.choices.items():
    takes_signals = any(a.dest == "signals" and not a.option_strings for a in sp._actions)
    ns = vars(p.parse_args([name, "x.fst"] + (["a.b"] if takes_signals else [])))
    ns.pop("func", None)
    out[name] = ns
json.dump(out, sys.stdout)
`;

function runPython(script) {
  const r = childProcess.spawnSync(H.requirePython(), ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, COLUMNS: '80', PYTHONPATH: path.join(H.ROOT, 'python') },
  });
  assert.strictEqual(r.status, 0, `python build_parser(): exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function nodeTool(args) {
  return childProcess.spawnSync(process.execPath, [H.CLI, ...args], {
    encoding: 'utf8', env: { ...process.env, COLUMNS: '80' },
  });
}

describe('command line: node/lib/usage.json and parseArgs equal the Python parser', function () {
  this.timeout(60000);
  let py;
  let data;
  before(function () {
    py = runPython(PY_DUMP_PARSER);
    data = JSON.parse(fs.readFileSync(USAGE_FILE, 'utf8'));
  });

  it('the same subcommands in the same order (the order of "choose from")', function () {
    assert.deepStrictEqual(Object.keys(data.commands), Object.keys(py.commands));
    assert.ok(Object.keys(py.commands).length > 0);
  });

  it('the file is exactly the parser texts: top level and each subcommand, usage and help', function () {
    assert.deepStrictEqual(data, py);
  });

  it('the Node tool prints the texts of the file', function () {
    const top = nodeTool(['--help']);
    assert.strictEqual(top.status, 0);
    assert.strictEqual(top.stdout, data.help);
    for (const name of Object.keys(data.commands)) {
      const r = nodeTool([name, '-h']);
      assert.strictEqual(r.status, 0, `${name} -h`);
      assert.strictEqual(r.stdout, data.commands[name].help, `${name} -h`);
      const bad = nodeTool([name]); // no FILE: a usage error after the subcommand's usage
      assert.strictEqual(bad.status, 2, `${name} without FILE`);
      assert.ok(bad.stderr.startsWith(data.commands[name].usage), `${name} without FILE: ${bad.stderr}`);
    }
  });

  it('the Node parser gives the same arguments and defaults as the Python parser', function () {
    const { parseArgs } = require(H.CLI);
    const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
    const want = runPython(PY_DEFAULTS);
    assert.deepStrictEqual(Object.keys(want), Object.keys(data.commands));
    for (const [name, ns] of Object.entries(want)) {
      const expected = Object.fromEntries(Object.entries(ns).map(([k, v]) => [camel(k), v]));
      const argv = [name, 'x.fst', ...(Array.isArray(expected.signals) ? ['a.b'] : [])];
      assert.deepStrictEqual(parseArgs(argv), expected, name);
    }
  });
});
