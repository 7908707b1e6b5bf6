'use strict';
// Full names as a walk of the hierarchy sees them: the names of allVars() (with and
// without aliases) and of every scope equal the Python package's, on the corpus files whose
// names span more than one of the addon's 1 MiB name strings (nfstw_hier.c joined_names
// cuts them into chunks) and on fixtures with non-ASCII and long names (the name-by-name
// path).  The same Var objects come back from a second walk.

const assert = require('assert');

const H = require('./helpers');
const { Waveform } = require('../../node');

const PY = `
import json, sys, fstwave
w = fstwave.Waveform(sys.argv[1])
h = w.hierarchy
def scopes(ss):
    for s in ss:
        yield s.full_name(h)
        yield from scopes(s.scopes(h))
json.dump({"vars": [v.full_name(h) for v in h.all_vars()],
           "scopes": list(scopes(h.top_scopes()))}, sys.stdout)
`;

/** The Python package's all_vars() full names and scope full names (pre-order). */
function pyNames(file) {
  const r = H.run(H.requirePython(), ['-c', PY, file]);
  assert.strictEqual(r.status, 0, `python failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function* scopeNames(h, scopes) {
  for (const s of scopes) {
    yield s.fullName(h);
    yield* scopeNames(h, s.scopes(h));
  }
}

describe('hierarchy full names', function () {
  this.timeout(120000);
  const files = [
    ['verilator/swerv1.vcd.fst', H.corpusPath], // 2.1 MB of names: three chunks
    ['xilinx_isim/test1.vcd.fst', H.corpusPath], // 1.1 MB: two
    ['latin1_names.fst', H.fixturePath], // not ASCII: name by name
    ['long_names.fst', H.fixturePath],
    ['aliases.fst', H.fixturePath],
  ];
  for (const [rel, where] of files) {
    it(`${rel}: allVars() and scope full names equal the Python package's`, function () {
      const file = where(rel);
      const want = pyNames(file);
      const w = new Waveform(file, { loadBody: false });
      const h = w.hierarchy;
      const vars = [...h.allVars()];
      assert.deepStrictEqual(vars.map((v) => v.fullName(h)), want.vars);
      assert.deepStrictEqual([...scopeNames(h, h.topScopes())], want.scopes);
      // the same objects on a second walk; every var of every scope (aliases too) is
      // named as its scope's full name + '.' + its name
      const again = [...h.allVars()];
      assert.ok(again.every((v, i) => v === vars[i]), 'a second allVars() gives other objects');
      const stack = [...h.topScopes()];
      let n = 0;
      while (stack.length) {
        const s = stack.pop();
        for (const v of s.vars(h)) {
          assert.strictEqual(v.fullName(h), `${s.fullName(h)}.${v.name(h)}`);
          n++;
        }
        stack.push(...s.scopes(h));
      }
      assert.ok(n >= vars.length, `${n} scoped vars, ${vars.length} signals`);
    });
  }
});
