'use strict';
// The Node dump format (node/lib/dump-format.js) against the shared vectors of
// tests/vectors/dump-format.json, which the Python twin (fstwave.dumpformat) runs too: the
// escaping of strings, quoting, and the value tokens, edge cases included (lone surrogates,
// control characters, NaN, -0.0, bigints beyond 64 bits). The file is one object:
// {"format": 1, "escape": [{input, expected}], "quote": [{input, expected}],
//  "value": [{value, is_string, is_event, expected}]}, a value being one of {"int": digits},
// {"str": s}, {"float": repr | "inf" | "-inf" | "nan" | "-0.0"} or {"none": true}; the
// expected strings follow docs/dump-format.md sections 2 and 3.
//
// Every value vector runs through both Node code paths that make value tokens: formatValue
// and the per-signal valueFormatter of the dump writer.

const assert = require('assert');
const fs = require('fs');
const path = require('path');

const H = require('./helpers');
const DF = require(path.join(H.ROOT, 'node', 'lib', 'dump-format.js'));

const VECTORS = path.join(H.ROOT, 'tests', 'vectors', 'dump-format.json');

/** The vectors file, or the reason it cannot be used. */
function loadVectors() {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(VECTORS, 'utf8'));
  } catch (e) {
    return { error: `cannot read ${VECTORS}: ${e.message}` };
  }
  if (doc === null || typeof doc !== 'object' || doc.format !== 1) {
    return { error: `${VECTORS}: expected an object with "format": 1` };
  }
  for (const k of ['escape', 'quote', 'value']) {
    if (!Array.isArray(doc[k]) || doc[k].length === 0) {
      return { error: `${VECTORS}: "${k}" must be a non-empty array` };
    }
  }
  return { doc };
}

/** A typed value of the vectors as the Node API gives it (bigint, string, number, null). */
function jsValue(tv) {
  const keys = Object.keys(tv);
  assert.strictEqual(keys.length, 1, `a typed value has one key: ${JSON.stringify(tv)}`);
  const [k] = keys;
  const v = tv[k];
  switch (k) {
    case 'int':
      assert.match(v, /^-?[0-9]+$/, `int: decimal digits, got ${JSON.stringify(v)}`);
      return BigInt(v);
    case 'str':
      assert.strictEqual(typeof v, 'string');
      return v;
    case 'float': {
      const special = { inf: Infinity, '-inf': -Infinity, nan: NaN, '-0.0': -0 };
      if (Object.prototype.hasOwnProperty.call(special, v)) return special[v];
      assert.match(v, /^-?[0-9]+(\.[0-9]*)?(e[+-]?[0-9]+)?$/, `float: a decimal repr, got ${JSON.stringify(v)}`);
      return Number(v);
    }
    case 'none':
      assert.strictEqual(v, true);
      return null;
    default:
      throw new Error(`unknown typed value ${JSON.stringify(tv)}`);
  }
}

/** A stand-in Var with the predicates valueFormatter reads (event: none of the three). */
function fakeVar(isString, isEvent) {
  return {
    isString: () => isString,
    isReal: () => false,
    isBitVector: () => !isString && !isEvent,
  };
}

describe('dump format: the shared vectors (tests/vectors/dump-format.json)', function () {
  const { doc, error } = loadVectors();

  it('the vectors file exists and has escape, quote and value vectors', function () {
    assert.ok(error === undefined, error);
  });
  if (!doc) return;

  describe(`escape (${doc.escape.length} vectors)`, function () {
    doc.escape.forEach((vec, i) => {
      it(`#${i} ${JSON.stringify(vec.input).slice(0, 40)}`, function () {
        assert.strictEqual(DF.escape(vec.input), vec.expected);
      });
    });
  });

  describe(`quote (${doc.quote.length} vectors)`, function () {
    doc.quote.forEach((vec, i) => {
      it(`#${i} ${JSON.stringify(vec.input).slice(0, 40)}`, function () {
        assert.strictEqual(DF.quote(vec.input), vec.expected);
      });
    });
  });

  describe(`formatValue and valueFormatter (${doc.value.length} vectors)`, function () {
    doc.value.forEach((vec, i) => {
      const label = `#${i} ${JSON.stringify(vec.value).slice(0, 40)} is_string=${vec.is_string} ` +
        `is_event=${vec.is_event}`;
      it(label, function () {
        assert.strictEqual(typeof vec.is_string, 'boolean');
        assert.strictEqual(typeof vec.is_event, 'boolean');
        const value = jsValue(vec.value);
        assert.strictEqual(DF.formatValue(value, vec.is_string, vec.is_event), vec.expected, 'formatValue');
        if (!(vec.is_string && vec.is_event)) { // no var is both
          const fmt = DF.valueFormatter(fakeVar(vec.is_string, vec.is_event));
          assert.strictEqual(fmt(value), vec.expected, 'valueFormatter');
        }
      });
    });
  });
});
