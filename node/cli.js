#!/usr/bin/env node
'use strict';
/*
 * The `fstwave` command-line tool for Node (`npx fstwave`), the twin of
 * `python -m fstwave` (python/fstwave/cli.py):
 *
 *   info FILE    metadata and counts, human-readable
 *   tree FILE    the scope hierarchy (--signals adds the vars, --depth N limits it)
 *   dump FILE    everything the API can observe, in the format of docs/dump-format.md;
 *                the bytes are identical to the Python tool's for every file
 *
 * Exit codes: 0 success, 1 error reading the file (one line `fstwave: error: ...` on
 * stderr), 2 usage error.  Output is written as it is produced (synchronous writes to
 * fd 1 in 256 KiB chunks); a closed output pipe (`| head`) ends the program quietly with
 * exit code 1.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');

const PROG = 'fstwave';
const DUMP_FORMAT_VERSION = 1;
const DEFAULT_BATCH_SIZE = 1000;
const FLUSH_AT = 1 << 18; // characters of text buffered before a write to stdout

// ---------------------------------------------------------------------------
// Output

class BrokenPipe extends Error {}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Write a whole buffer to a file descriptor synchronously (EAGAIN: wait and retry). */
function writeAll(fd, buf) {
  let off = 0;
  while (off < buf.length) {
    let n;
    try {
      n = fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if (e.code === 'EAGAIN') { // a non-blocking pipe that is full
        Atomics.wait(sleepCell, 0, 0, 2);
        continue;
      }
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') throw new BrokenPipe('EPIPE');
      throw e;
    }
    off += n;
  }
}

/** Buffered line writer on fd 1 (UTF-8, no newline translation). */
class Out {
  constructor(fd) {
    this.fd = fd;
    this.parts = [];
    this.size = 0;
  }

  line(s) {
    this.parts.push(s);
    this.size += s.length + 1;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush() {
    if (this.parts.length) {
      const text = this.parts.join('\n') + '\n';
      this.parts = [];
      this.size = 0;
      writeAll(this.fd, Buffer.from(text, 'utf8'));
    }
  }
}

// ---------------------------------------------------------------------------
// Dump format primitives (docs/dump-format.md)

// printable ASCII 0x20-0x7E except '"' (0x22) and '\' (0x5C)
const PLAIN = /^[ !#-[\]-~]*$/;

/** Escape a string for the dump (without the surrounding quotes). */
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

/** A quoted dump string; null becomes `-`. */
function quote(s) {
  return s === null || s === undefined ? '-' : '"' + escape(s) + '"';
}

function intStr(v) {
  return v === null || v === undefined ? '-' : String(v);
}

function boolStr(v) {
  return v ? '1' : '0';
}

const f64 = new DataView(new ArrayBuffer(8));

/** The IEEE-754 binary64 bits of a number, big-endian, 16 lowercase hex digits. */
function realBits(v) {
  f64.setFloat64(0, v); // big-endian by default
  return f64.getBigUint64(0).toString(16).padStart(16, '0');
}

/** A typed value token: b:HEX, l:STR, r:BITS, s:"STR", e or -. */
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

/** A per-signal function value -> token (same results as formatValue). */
function valueFormatter(v) {
  const isString = Boolean(v.isString());
  const isEvent = !(v.isBitVector() || v.isReal() || isString);
  return (value) => formatValue(value, isString, isEvent);
}

// ---------------------------------------------------------------------------
// Helpers over the API

let api = null;
function loadApi() {
  if (api === null) api = require(path.join(__dirname, '..'));
  return api;
}

function openWave(file, loadBody) {
  const { Waveform } = loadApi();
  return new Waveform(file, { loadBody });
}

/** Depth-first pre-order over the scopes: yields [depth, scope]; iterative. */
function* walkScopes(h, maxDepth = null) {
  const stack = [h.topScopes()[Symbol.iterator]()];
  while (stack.length) {
    const r = stack[stack.length - 1].next();
    if (r.done) {
      stack.pop();
      continue;
    }
    const scope = r.value;
    const depth = stack.length - 1;
    yield [depth, scope];
    if (maxDepth === null || depth + 1 < maxDepth) {
      stack.push(scope.scopes(h)[Symbol.iterator]());
    }
  }
}

function count(it) {
  let n = 0;
  for (const _ of it) n++; // eslint-disable-line no-unused-vars
  return n;
}

/**
 * Vars that belong to no scope, in allVars({ includeAliases: true }) order (a var is
 * top-level iff its full name equals its name); the second pass happens only when the
 * hierarchy has more vars than the scopes hold.
 */
function topLevelVars(h, nScoped) {
  if (count(h.allVars({ includeAliases: true })) === nScoped) return [];
  const out = [];
  for (const v of h.allVars({ includeAliases: true })) {
    if (v.fullName(h) === v.name(h)) out.push(v);
  }
  return out;
}

function indexStr(v) {
  const idx = v.index();
  return idx === null || idx === undefined ? '-' : idx.msb + ':' + idx.lsb;
}

/** [enumName, [[value, literal], ...]] or null. */
function enumOf(h, v) {
  const e = v.enumType(h);
  if (e === null || e === undefined) return null;
  return e;
}

// ---------------------------------------------------------------------------
// dump

function varRecords(h, v, out) {
  const e = enumOf(h, v);
  let enumStr;
  let pairs = [];
  if (e === null) {
    enumStr = 'enum_type=-';
  } else {
    pairs = [...e[1]];
    enumStr = 'enum_type=' + quote(e[0]) + ' enum_pairs=' + pairs.length;
  }
  out.line(
    'var name=' + quote(v.name(h)) +
    ' full_name=' + quote(v.fullName(h)) +
    ' var_type=' + v.varType() +
    ' direction=' + v.direction() +
    ' bitwidth=' + intStr(v.bitwidth()) +
    ' length=' + intStr(v.length()) +
    ' is_real=' + boolStr(v.isReal()) +
    ' is_string=' + boolStr(v.isString()) +
    ' is_bit_vector=' + boolStr(v.isBitVector()) +
    ' is_1bit=' + boolStr(v.is1Bit()) +
    ' index=' + indexStr(v) +
    ' signal_ref=' + String(v.signalRef()) +
    ' vhdl_type_name=' + quote(v.vhdlTypeName(h)) +
    ' ' + enumStr);
  for (const [value, literal] of pairs) {
    out.line('enum_pair value=' + quote(value) + ' literal=' + quote(literal));
  }
}

function cmdDump(args, out) {
  const w = openWave(args.file, true);
  const h = w.hierarchy;

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
  for (const [depth, scope] of walkScopes(h)) {
    nScopes++;
    out.line('scope depth=' + depth + ' type=' + scope.scopeType() +
             ' name=' + quote(scope.name(h)) + ' full_name=' + quote(scope.fullName(h)));
    for (const v of scope.vars(h)) {
      nVars++;
      varRecords(h, v, out);
    }
  }

  const tops = topLevelVars(h, nVars);
  out.line('top_vars count=' + tops.length);
  for (const v of tops) {
    nVars++;
    varRecords(h, v, out);
  }

  // signals, in allVars() order (one var per signal, ascending signalRef)
  let nSignals = 0;
  const batchSize = args.batchSize;
  const writeBatch = (batch) => {
    const signals = w.loadSignals(batch);
    for (let i = 0; i < batch.length; i++) {
      const v = batch[i];
      const sig = signals[i];
      nSignals++;
      out.line('signal ref=' + String(v.signalRef()) + ' full_name=' + quote(v.fullName(h)) +
               ' changes=' + String(sig.length));
      const fmt = valueFormatter(v);
      for (const [t, val] of sig.allChanges()) out.line('c ' + String(t) + ' ' + fmt(val));
    }
    w.unloadSignals(signals);
  };
  let batch = [];
  for (const v of h.allVars()) {
    batch.push(v);
    if (batch.length >= batchSize) {
      writeBatch(batch);
      batch = [];
    }
  }
  if (batch.length) writeBatch(batch);

  out.line('end scopes=' + nScopes + ' vars=' + nVars + ' signals=' + nSignals);
  return 0;
}

// ---------------------------------------------------------------------------
// Human-readable output (info, tree)

const CONTROL = /[\x00-\x1f\x7f-\x9f]/g; // eslint-disable-line no-control-regex

/** A name for human-readable output: control characters shown as \u{HEX}. */
function human(s) {
  if (s === null || s === undefined) return '';
  return s.replace(CONTROL, (c) => '\\u{' + c.codePointAt(0).toString(16) + '}');
}

/** Length in code points (Python's len of a str). */
function cpLen(s) {
  let n = 0;
  for (const _ of s) n++; // eslint-disable-line no-unused-vars
  return n;
}

function ljust(s, width) {
  const n = cpLen(s);
  return n >= width ? s : s + ' '.repeat(width - n);
}

function rjust(s, width) {
  const n = cpLen(s);
  return n >= width ? s : ' '.repeat(width - n) + s;
}

// Python's str.isspace() set
const PY_TRAILING_SPACE =
  /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;
const PY_SPACE_RUNS =
  /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function rstrip(s) {
  return s.replace(PY_TRAILING_SPACE, '');
}

function shownName(h, v) {
  let name = human(v.name(h));
  const idx = v.index();
  if (idx !== null && idx !== undefined) {
    const msb = idx.msb;
    const lsb = idx.lsb;
    name += msb === lsb ? '[' + msb + ']' : '[' + msb + ':' + lsb + ']';
  }
  return name;
}

function cmdInfo(args, out) {
  const w = openWave(args.file, true);
  const h = w.hierarchy;
  const ts = h.timescale();
  const tr = w.timeRange;
  const ttLen = w.timeTable.length;

  let nScopes = 0;
  let nScopedVars = 0;
  for (const [, scope] of walkScopes(h)) {
    nScopes++;
    nScopedVars += count(scope.vars(h));
  }
  const nVars = count(h.allVars({ includeAliases: true }));
  const nSignals = count(h.allVars());
  const tops = [];
  for (const s of h.topScopes()) tops.push([s.name(h), s.scopeType()]);

  const outside = nVars === nScopedVars ? '' : ', ' + (nVars - nScopedVars) + ' outside any scope';
  const rows = [
    ['file', human(args.file)],
    ['file format', h.fileFormat()],
    ['version', human(h.version())],
    ['date', human(h.date())],
    ['timescale', ts === null || ts === undefined ? '-' : String(ts.factor) + String(ts.unit)],
    ['time range', tr === null || tr === undefined ? '-' : String(tr[0]) + ' .. ' + String(tr[1])],
    ['time table', ttLen + ' entries'],
    ['scopes', String(nScopes)],
    ['vars', nVars + ' (incl. ' + (nVars - nSignals) + ' aliases' + outside + ')'],
    ['signals', String(nSignals)],
    ['top scopes', String(tops.length)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  for (const [k, v] of rows) out.line(ljust(k + ':', width) + ' ' + v);
  for (const [name, stype] of tops) out.line('  ' + human(name) + ' (' + stype + ')');
  return 0;
}

/** Same item of the same file (Python's Var.__eq__). */
function sameVar(a, b) {
  if (a === b) return true;
  if (a && typeof a.equals === 'function') return a.equals(b);
  return false;
}

/**
 * Map signalRef -> [firstVar, its full name] for the signals that have aliases. The
 * first var of a signal in allVars({ includeAliases: true }) order is the original.
 */
function aliasInfo(h) {
  let seen = new Set();
  const aliased = new Set();
  for (const v of h.allVars({ includeAliases: true })) {
    const r = v.signalRef();
    if (seen.has(r)) aliased.add(r);
    else seen.add(r);
  }
  seen = null;
  const first = new Map();
  if (aliased.size) {
    for (const v of h.allVars({ includeAliases: true })) {
      const r = v.signalRef();
      if (aliased.has(r) && !first.has(r)) first.set(r, [v, v.fullName(h)]);
    }
  }
  return first;
}

function varRows(h, vars, first, indent, out) {
  const rows = [];
  for (const v of vars) {
    const bw = v.bitwidth();
    let size;
    if (v.isReal()) size = 'real';
    else if (v.isString()) size = 'string';
    else size = bw === null || bw === undefined ? 'None' : String(bw);
    let mark = '';
    const ref = v.signalRef();
    if (first.has(ref)) {
      const [orig, origName] = first.get(ref);
      if (!sameVar(orig, v)) mark = '  -> alias of ' + human(origName);
    }
    rows.push([shownName(h, v), v.varType(), size, v.direction(), mark]);
  }
  if (!rows.length) return;
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => cpLen(r[i]))));
  const pad = '  '.repeat(indent);
  for (const [name, vt, size, direction, mark] of rows) {
    out.line(rstrip(pad + ljust(name, w[0]) + '  ' + ljust(vt, w[1]) + '  ' +
                    rjust(size, w[2]) + '  ' + ljust(direction, w[3]) + mark));
  }
}

function cmdTree(args, out) {
  const w = openWave(args.file, false);
  const h = w.hierarchy;
  const depthLimit = args.depth;
  const first = args.signals ? aliasInfo(h) : new Map();
  let nScoped = 0;
  for (const [depth, scope] of walkScopes(h, depthLimit)) {
    out.line('  '.repeat(depth) + human(scope.name(h)) + ' (' + scope.scopeType() + ')');
    if (args.signals) {
      const vars = [...scope.vars(h)];
      nScoped += vars.length;
      varRows(h, vars, first, depth + 1, out);
    }
  }
  if (args.signals && depthLimit === null) {
    varRows(h, topLevelVars(h, nScoped), first, 0, out);
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Command line (argparse's behaviour and messages, as in the Python tool)

class UsageExit extends Error {
  constructor(code, stream, text) {
    super(text);
    this.exitCode = code;
    this.stream = stream;
    this.text = text;
  }
}

const TOP_USAGE = 'usage: fstwave [-h] COMMAND ...\n';
const TOP_HELP = TOP_USAGE + `
Inspect FST waveform files.

positional arguments:
  COMMAND
    info      metadata and counts
    tree      the scope hierarchy
    dump      everything, in the deterministic dump format (docs/dump-
              format.md)

options:
  -h, --help  show this help message and exit
`;

const SUBCOMMANDS = {
  info: {
    usage: 'usage: fstwave info [-h] FILE\n',
    help: `
positional arguments:
  FILE

options:
  -h, --help  show this help message and exit
`,
    options: {},
  },
  tree: {
    usage: 'usage: fstwave tree [-h] [--depth N] [--signals] FILE\n',
    help: `
positional arguments:
  FILE

options:
  -h, --help  show this help message and exit
  --depth N   show only N levels of scopes (1 = top scopes)
  --signals   also show the vars of each scope
`,
    options: {
      '--depth': { dest: 'depth', value: true, def: null },
      '--signals': { dest: 'signals', value: false, def: false },
    },
  },
  dump: {
    usage: 'usage: fstwave dump [-h] [--batch-size N] FILE\n',
    help: `
positional arguments:
  FILE

options:
  -h, --help      show this help message and exit
  --batch-size N  signals loaded per pass over the file (default ${DEFAULT_BATCH_SIZE})
`,
    options: {
      '--batch-size': { dest: 'batchSize', value: true, def: DEFAULT_BATCH_SIZE },
    },
  },
};

/** Python's repr() of a str, for the messages that quote an argument. */
function pyRepr(s) {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + q;
}

function usageError(usage, prog, msg) {
  return new UsageExit(2, 2, usage + prog + ': error: ' + msg + '\n');
}

function positiveInt(text) {
  if (!/^\s*[+-]?[0-9]+(_[0-9]+)*\s*$/.test(text)) {
    throw new Error('invalid int value: ' + pyRepr(text));
  }
  const n = Number(text.trim().replace(/_/g, ''));
  if (n < 1) throw new Error('must be at least 1: ' + pyRepr(text));
  return n;
}

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

function looksLikeOption(a) {
  return a.length > 1 && a[0] === '-' && !NEGATIVE_NUMBER.test(a);
}

/** Resolve a long option (exact or unique prefix) among names; null when unknown. */
function matchLong(name, names, usage, prog) {
  if (names.includes(name)) return name;
  const hits = names.filter((n) => n.startsWith(name));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) {
    throw usageError(usage, prog, 'ambiguous option: ' + name + ' could match ' + hits.join(', '));
  }
  return null;
}

function parseArgs(argv) {
  const extras = [];
  let i = 0;
  let command = null;
  let rawDashes = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!rawDashes && a === '--') {
      rawDashes = true;
      continue;
    }
    if (!rawDashes && looksLikeOption(a)) {
      const name = a.startsWith('--') ? a.split('=')[0] : a;
      if (name === '-h' || (a.startsWith('--') && matchLong(name, ['--help'], TOP_USAGE, PROG))) {
        throw new UsageExit(0, 1, TOP_HELP);
      }
      extras.push(a);
      continue;
    }
    command = a;
    i++;
    break;
  }
  if (command === null) {
    throw usageError(TOP_USAGE, PROG, 'the following arguments are required: COMMAND');
  }
  const sub = SUBCOMMANDS[command];
  if (!Object.prototype.hasOwnProperty.call(SUBCOMMANDS, command)) {
    throw usageError(TOP_USAGE, PROG, 'argument COMMAND: invalid choice: ' + pyRepr(command) +
                     " (choose from 'info', 'tree', 'dump')");
  }
  const prog = PROG + ' ' + command;
  const args = { command, file: null };
  for (const opt of Object.values(sub.options)) args[opt.dest] = opt.def;
  const longNames = ['--help', ...Object.keys(sub.options)];
  let dashes = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!dashes && a === '--') {
      dashes = true;
      continue;
    }
    if (!dashes && looksLikeOption(a)) {
      if (a === '-h') throw new UsageExit(0, 1, sub.usage + sub.help);
      if (a.startsWith('--')) {
        const eq = a.indexOf('=');
        const given = eq >= 0 ? a.slice(0, eq) : a;
        const name = matchLong(given, longNames, sub.usage, prog);
        if (name === '--help') {
          if (eq >= 0) {
            throw usageError(sub.usage, prog, 'argument -h/--help: ignored explicit argument ' +
                             pyRepr(a.slice(eq + 1)));
          }
          throw new UsageExit(0, 1, sub.usage + sub.help);
        }
        if (name !== null) {
          const opt = sub.options[name];
          if (opt.value) {
            let text;
            if (eq >= 0) {
              text = a.slice(eq + 1);
            } else if (i + 1 < argv.length && !looksLikeOption(argv[i + 1]) && !(argv[i + 1] === '--' && !dashes)) {
              text = argv[++i];
            } else {
              throw usageError(sub.usage, prog, 'argument ' + name + ': expected one argument');
            }
            try {
              args[opt.dest] = positiveInt(text);
            } catch (e) {
              throw usageError(sub.usage, prog, 'argument ' + name + ': ' + e.message);
            }
          } else {
            if (eq >= 0) {
              throw usageError(sub.usage, prog, 'argument ' + name + ': ignored explicit argument ' +
                               pyRepr(a.slice(eq + 1)));
            }
            args[opt.dest] = true;
          }
          continue;
        }
      }
      extras.push(a);
      continue;
    }
    if (args.file === null) args.file = a;
    else extras.push(a);
  }
  if (args.file === null) {
    throw usageError(sub.usage, prog, 'the following arguments are required: FILE');
  }
  if (extras.length) {
    throw usageError(TOP_USAGE, PROG, 'unrecognized arguments: ' + extras.join(' '));
  }
  return args;
}

// ---------------------------------------------------------------------------
// main

// glibc's strerror() texts (what Python's OSError shows) for the errors a reader meets
const STRERROR = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  ENXIO: 'No such device or address',
  ENODEV: 'No such device',
  EINVAL: 'Invalid argument',
};

function oneLine(text) {
  return String(text).split(PY_SPACE_RUNS).filter((x) => x !== '').join(' ');
}

function isFileError(e) {
  return e !== null && typeof e === 'object' && typeof e.code === 'string' &&
    (e.code === 'FST_FORMAT' || /^E[A-Z0-9]+$/.test(e.code));
}

/** The errno name of an OS error (from its numeric `errno` when present), e.g. ENOTDIR. */
function errnoName(e) {
  if (typeof e.errno === 'number' && e.errno !== 0) {
    const n = Math.abs(e.errno);
    for (const [name, value] of Object.entries(os.constants.errno)) {
      if (value === n) return name;
    }
  }
  return e.code;
}

function errorMessage(e, file) {
  if (e.code === 'FST_FORMAT') return oneLine(e.message || '') || 'FstError';
  // an OS error: "<file>: <strerror>", as Python prints it; for a failed read, Python's
  // strerror is the core's message (where the read failed), the end of the addon's message
  let reason = STRERROR[errnoName(e)];
  if (e.code === 'EIO' || reason === undefined) {
    const msg = String(e.message || '');
    const prefix = `${e.code}: i/o error, read '${e.path === undefined ? file : e.path}': `;
    reason = msg.startsWith(prefix) ? msg.slice(prefix.length) : msg;
    reason = oneLine(reason) || STRERROR[errnoName(e)] || e.code;
  }
  return file + ': ' + reason;
}

function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageExit)) throw e;
    writeAll(e.stream, Buffer.from(e.text, 'utf8'));
    return e.exitCode;
  }

  const out = new Out(1);
  try {
    try {
      loadApi();
    } catch (e) {
      writeAll(2, Buffer.from(PROG + ': error: cannot load the fstwave extension: ' +
                              oneLine(e && e.message ? e.message : e) + '\n', 'utf8'));
      return 1;
    }
    const cmd = { info: cmdInfo, tree: cmdTree, dump: cmdDump }[args.command];
    try {
      const rc = cmd(args, out);
      out.flush();
      return rc;
    } catch (e) {
      if (e instanceof BrokenPipe || !isFileError(e)) throw e;
      try {
        out.flush(); // the lines written so far stay on stdout
      } catch (e2) {
        if (!(e2 instanceof BrokenPipe)) throw e2;
      }
      writeAll(2, Buffer.from(PROG + ': error: ' + errorMessage(e, args.file) + '\n', 'utf8'));
      return 1;
    }
  } catch (e) {
    if (e instanceof BrokenPipe) return 1; // stdout closed early: stop quietly
    throw e;
  }
}

module.exports = { escape, quote, formatValue, valueFormatter, realBits, parseArgs, main };

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
