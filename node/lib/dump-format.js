/**
 * The `fstwave dump` format (docs/dump-format.md, version 1): the escaping of strings, the
 * typed value tokens, the records, and the writer that walks a Waveform and writes its
 * whole dump.  The Python twin is `fstwave.dumpformat`; both produce the same bytes and are
 * checked against the same vectors (tests/vectors/dump-format.json).  The command-line
 * shell around it is node/cli.js.
 *
 * @module fstwave/lib/dump-format
 */
'use strict';

const native = require('./native');
const { forEachScopeId } = require('./walk');
const { kLoadUncached, kWaveState } = require('./internal');

/** The version number in the first record. */
const DUMP_FORMAT_VERSION = 1;
/** Signals loaded per pass over the file by default (the tool's `--batch-size`). */
const DEFAULT_BATCH_SIZE = 1000;

// printable ASCII 0x20-0x7E except '"' (0x22) and '\' (0x5C)
const PLAIN = /^[ !#-[\]-~]*$/;

/**
 * Escapes a string for the dump (without the surrounding quotes), code point by code point:
 * 0x20-0x7E except `"` and `\` stay as they are; `"` -> `\"`, `\` -> `\\`; every other code
 * point (a lone surrogate included) -> `\u{HEX}` (lowercase hex, no padding).  Section 2 of
 * docs/dump-format.md.
 * @param {string} s
 * @returns {string}
 */
function escape(s) {
  if (PLAIN.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += ch;
    else out += '\\u{' + c.toString(16) + '}';
  }
  return out;
}

/**
 * A quoted dump string: `"` + escape(s) + `"`; `null` (or `undefined`) becomes `-`.
 * @param {string | null | undefined} s
 * @returns {string}
 */
function quote(s) {
  return s === null || s === undefined ? '-' : '"' + escape(s) + '"';
}

/** An integer field: its decimal text, `-` for null. */
function intStr(v) {
  return v === null || v === undefined ? '-' : String(v);
}

/** A bool field: `1` or `0`. */
function boolStr(v) {
  return v ? '1' : '0';
}

const f64 = new DataView(new ArrayBuffer(8));

/**
 * The IEEE-754 binary64 bits of a number, big-endian, 16 lowercase hex digits (NaN is the
 * canonical quiet NaN, 7ff8000000000000, as V8 stores every NaN it makes).
 * @param {number} v
 * @returns {string}
 */
function realBits(v) {
  f64.setFloat64(0, v); // big-endian by default
  return f64.getBigUint64(0).toString(16).padStart(16, '0');
}

/**
 * A typed value token (section 3 of docs/dump-format.md): `b:HEX` for a bigint (a `-` in
 * front when negative), `r:BITS` for a number, `s:"STR"` for a string of a string var, `e`
 * for `""` of an event var, `l:STR` for any other string, `-` for null.
 * @param {bigint | number | string | null | undefined} value
 * @param {boolean} varIsString the var is a string var (`Var#isString()`)
 * @param {boolean} varIsEvent the var is an event (neither bit vector, real nor string)
 * @returns {string}
 * @throws {TypeError} for a value of another type.
 */
function formatValue(value, varIsString, varIsEvent) {
  if (value === null || value === undefined) return '-';
  switch (typeof value) {
    case 'bigint':
      return 'b:' + value.toString(16);
    case 'number':
      return 'r:' + realBits(value);
    case 'string':
      if (varIsString) return 's:"' + escape(value) + '"';
      if (varIsEvent && value === '') return 'e';
      return 'l:' + escape(value);
    default:
      throw new TypeError('unexpected value type ' + typeof value);
  }
}

/**
 * A per-signal function value -> token (same results as formatValue) for the values of `v`.
 * @param {import('../index').Var} v
 * @returns {(value: bigint | number | string | null) => string}
 */
function valueFormatter(v) {
  const isString = Boolean(v.isString());
  const isEvent = !(v.isBitVector() || v.isReal() || isString);
  return (value) => formatValue(value, isString, isEvent);
}

/** The `var` record of var `id` (its addon varInfo `i`) and its `enum_pair` records. */
function varRecords(handle, id, i, out) {
  const e = i.enumId < 0 ? null : native.enumType(handle, i.enumId);
  let enumStr;
  let pairs = [];
  if (e === null || e === undefined) {
    enumStr = 'enum_type=-';
  } else {
    pairs = e[1];
    enumStr = 'enum_type=' + quote(e[0]) + ' enum_pairs=' + pairs.length;
  }
  out.line(
    'var name=' + quote(i.name) +
    ' full_name=' + quote(native.varFullName(handle, id)) +
    ' var_type=' + i.varType +
    ' direction=' + i.direction +
    ' bitwidth=' + intStr(i.width) +
    ' length=' + intStr(i.width) +
    ' is_real=' + boolStr(i.isReal) +
    ' is_string=' + boolStr(i.isString) +
    ' is_bit_vector=' + boolStr(i.isBitVector) +
    ' is_1bit=' + boolStr(i.is1Bit) +
    ' index=' + (i.msb === null ? '-' : i.msb + ':' + i.lsb) +
    ' signal_ref=' + String(i.signalRef) +
    ' vhdl_type_name=' + quote(i.vhdlTypeName) +
    ' ' + enumStr);
  for (const [value, literal] of pairs) {
    out.line('enum_pair value=' + quote(value) + ' literal=' + quote(literal));
  }
}

/** Changes fetched from the addon per call while a signal is written. */
const CHANGE_CHUNK = 32;

/**
 * The `c` records of signal `k` of a load batch (`n` changes, var info `i`), fetched
 * CHANGE_CHUNK at a time, so that only one chunk of values is alive at any moment.
 */
function changeRecords(batch, k, n, i, out) {
  const isString = i.isString;
  const isEvent = !(i.isBitVector || i.isReal || isString);
  for (let pos = 0; pos < n; pos += CHANGE_CHUNK) {
    const buf = native.batchChanges(batch, k, pos, Math.min(n, pos + CHANGE_CHUNK));
    for (let j = 0; j < buf.length; j += 2) {
      out.line('c ' + String(buf[j]) + ' ' + formatValue(buf[j + 1], isString, isEvent));
    }
  }
}

/**
 * Writes the whole dump of an open Waveform, record by record as it goes: the header
 * records, the time table, the scope tree (each scope followed by its vars), the top-level
 * vars, every signal's changes in allVars() order, and the `end` record.
 *
 * It reads the hierarchy through the addon by id (lib/native.js), keeping no Var or Scope
 * object and no name after its record is written, so that a long dump holds only the
 * current batch: the same records as the public API gives (tests/node/dump-vectors.test.js
 * and cross-language.test.js check the bytes against the Python tool's).
 * @param {import('../index').Waveform} w the file, body loaded or not (the time table loads it)
 * @param {{line(s: string): void}} out receives each line, without its newline
 * @param {number} [batchSize] signals loaded per pass over the file (1 or more; default
 *   DEFAULT_BATCH_SIZE), outside the Waveform's signal cache; each is freed as soon as it is
 *   written, so at most one batch is held at any time (also in this one long synchronous
 *   run, where garbage collection alone would free them late); does not change the output
 * @throws {Error} the API's errors (`FST_FORMAT`, `EIO`, ...) from reading the file; the
 *   lines written until then stay written.
 */
function writeDump(w, out, batchSize = DEFAULT_BATCH_SIZE) {
  const h = w.hierarchy;
  const state = w[kWaveState]();
  const handle = state.handle;

  out.line('fstwave-dump ' + DUMP_FORMAT_VERSION);
  out.line('file_format ' + quote(h.fileFormat()));
  out.line('version ' + quote(h.version()));
  out.line('date ' + quote(h.date()));
  const ts = h.timescale();
  if (ts === null || ts === undefined) out.line('timescale -');
  else out.line('timescale factor=' + String(ts.factor) + ' unit=' + String(ts.unit));
  const tr = w.timeRange;
  if (tr === null || tr === undefined) out.line('time_range -');
  else out.line('time_range start=' + String(tr[0]) + ' end=' + String(tr[1]));

  const tt = w.timeTable;
  out.line('time_table count=' + String(tt.length));
  for (const t of tt) out.line('t ' + String(t));

  // scope tree, each scope followed by its own vars
  let nScopes = 0;
  let nVars = 0;
  forEachScopeId(native.topScopes(handle), (id) => native.scopeScopes(handle, id), (depth, id) => {
    nScopes++;
    const si = native.scopeInfo(handle, id);
    out.line('scope depth=' + depth + ' type=' + si.scopeType +
             ' name=' + quote(si.name) + ' full_name=' + quote(native.scopeFullName(handle, id)));
    const vars = native.scopeVars(handle, id);
    for (let k = 0; k < vars.length; k++) {
      nVars++;
      varRecords(handle, vars[k], native.varInfo(handle, vars[k]), out);
    }
  });

  // the vars of no scope: a var is top-level iff its full name equals its name
  const varCount = state.header().varCount;
  const tops = [];
  if (varCount !== nVars) {
    for (let id = 0; id < varCount; id++) {
      if (native.varFullName(handle, id) === native.varInfo(handle, id).name) tops.push(id);
    }
  }
  out.line('top_vars count=' + tops.length);
  for (const id of tops) {
    nVars++;
    varRecords(handle, id, native.varInfo(handle, id), out);
  }

  // signals, in allVars() order (one var per signal, ascending signalRef)
  let nSignals = 0;
  const ids = state.uniqueVars();
  const refs = new Uint32Array(ids.length);
  for (let k = 0; k < ids.length; k++) refs[k] = state.signalRef(ids[k]);
  for (let start = 0; start < ids.length; start += batchSize) {
    const end = Math.min(ids.length, start + batchSize);
    const batch = w[kLoadUncached](refs.subarray(start, end));
    for (let k = 0; k < end - start; k++) {
      const id = ids[start + k];
      const i = native.varInfo(handle, id);
      const n = native.batchSigLength(batch, k);
      nSignals++;
      out.line('signal ref=' + String(i.signalRef) + ' full_name=' + quote(native.varFullName(handle, id)) +
               ' changes=' + String(n));
      changeRecords(batch, k, n, i, out);
      native.batchFree(batch, k);
    }
  }

  out.line('end scopes=' + nScopes + ' vars=' + nVars + ' signals=' + nSignals);
}

module.exports = { DUMP_FORMAT_VERSION, DEFAULT_BATCH_SIZE, escape, quote, realBits, formatValue, valueFormatter, writeDump };
