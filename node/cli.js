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
 *   show FILE SIGNAL...             the changes of signals in a window (Waveform#showText)
 *   render FILE SIGNAL... -o OUT    the signals drawn as SVG (Waveform#renderSvg)
 *                show and render write the Python tool's bytes (docs/tools.md)
 *
 * Exit codes: 0 success, 1 error reading the file, a signal name the file does not have or
 * a bad window (one line `fstwave: error: FILE: ...` on stderr), 2 usage error.  Long loads
 * draw a progress bar on stderr when it is a terminal.  Output is written as it is produced (synchronous writes to
 * fd 1 in 256 KiB chunks); a closed output pipe (`| head`) ends the program quietly with
 * exit code 1.  Every command holds at most one batch of signals at a time (`dump` loads
 * `--batch-size` signals per pass and frees them once written, lib/dump-format.js).
 */

const fs = require('fs');
const path = require('path');

const { DEFAULT_BATCH_SIZE, writeDump } = require('./lib/dump-format');
const { walkScopes, count, topLevelVars } = require('./lib/walk');

const PROG = 'fstwave';
const FLUSH_AT = 1 << 18; // bytes of text buffered before a write to stdout

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

/**
 * Buffered line writer on fd 1 (UTF-8, no newline translation).  Each line is encoded into
 * one reused buffer at once, so its string dies young: keeping the strings until a flush
 * (and joining them) had them promoted to V8's old generation, whose garbage then grew the
 * heap by a hundred MB over a long dump.
 */
class Out {
  constructor(fd) {
    this.fd = fd;
    this.buf = Buffer.allocUnsafe(FLUSH_AT);
    this.pos = 0;
  }

  line(s) {
    // a UTF-16 code unit takes at most 3 bytes in UTF-8
    if (this.pos + 3 * s.length + 1 > this.buf.length) {
      this.flush();
      if (3 * s.length + 1 > this.buf.length) {
        writeAll(this.fd, Buffer.from(s + '\n', 'utf8'));
        return;
      }
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.buf[this.pos++] = 0x0a;
  }

  flush() {
    if (this.pos > 0) {
      writeAll(this.fd, this.buf.subarray(0, this.pos));
      this.pos = 0;
    }
  }
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

/** `fstwave dump FILE`: the whole dump of the file (lib/dump-format.js) on `out`. */
function cmdDump(args, out) {
  writeDump(openWave(args.file, true), out, args.batchSize);
  return 0;
}

// ---------------------------------------------------------------------------
// show, render

/**
 * onProgress(done, total) that draws a bar on stderr when stderr is a terminal and the work
 * has taken more than DELAY ms (short work draws nothing); clear() erases it.  The Python
 * tool's _ProgressBar.
 */
class ProgressBar {
  static DELAY = 300;
  static WIDTH = 30;

  constructor(label) {
    this.label = label;
    this.tty = Boolean(process.stderr.isTTY);
    this.start = Date.now();
    this.last = 0;
    this.drawn = false;
    this.onProgress = (done, total) => this.update(done, total);
  }

  update(done, total) {
    if (!this.tty || total <= 0) return;
    const now = Date.now();
    if (now - this.start < ProgressBar.DELAY || (now - this.last < 100 && done < total)) return;
    this.last = now;
    const filled = Math.floor(ProgressBar.WIDTH * done / total);
    const pct = String(Math.floor(100 * done / total)).padStart(3);
    writeAll(2, Buffer.from('\r' + this.label + ' [' + '#'.repeat(filled) + ' '.repeat(ProgressBar.WIDTH - filled) +
                            '] ' + pct + '%'));
    this.drawn = true;
  }

  clear() {
    if (this.drawn) writeAll(2, Buffer.from('\r\x1b[K'));
    this.drawn = false;
  }
}

/** An error of the named file that is not the addon's (an unknown signal, a bad window). */
class FileError extends Error {}

/** Opens args.file and calls Waveform#<method>(args.signals, options) with a progress bar. */
function signalsCall(args, method, options) {
  const bar = new ProgressBar('loading');
  try {
    const { Waveform } = loadApi();
    const w = new Waveform(args.file, { loadBody: true, onProgress: bar.onProgress });
    try {
      return w[method](args.signals, { from: args.start, to: args.end, onProgress: bar.onProgress, ...options });
    } catch (e) {
      if (e && (e.code === 'ERR_FSTWAVE_NO_SIGNAL' || e instanceof RangeError)) {
        throw new FileError(args.file + ': ' + oneLine(e.message));
      }
      throw e;
    }
  } finally {
    bar.clear();
  }
}

/** `fstwave show FILE SIGNAL...`: Waveform#showText of the signals. */
function cmdShow(args, out) {
  const text = signalsCall(args, 'showText', { radix: args.radix });
  for (const line of text.split('\n').slice(0, -1)) out.line(line);
  return 0;
}

/** `fstwave render FILE SIGNAL... -o OUT`: Waveform#renderSvg of the signals, to OUT (`-`: stdout). */
function cmdRender(args, out) {
  const svg = signalsCall(args, 'renderSvg', { width: args.width, radix: args.radix });
  if (args.output === '-') {
    for (const line of svg.split('\n').slice(0, -1)) out.line(line);
  } else {
    try {
      fs.writeFileSync(args.output, svg);
    } catch (e) {
      throw new FileError(args.output + ': ' + oneLine(e.message));
    }
  }
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
  return count(s);
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

const USAGE = require('./lib/usage.json');
const TOP_USAGE = USAGE.usage;
const TOP_HELP = USAGE.help;

// each subcommand's usage texts (lib/usage.json) and options (what argparse's add_argument
// calls of python/fstwave/cli.py declare)
const OPTIONS = {
  info: {},
  tree: {
    '--depth': { dest: 'depth', value: positiveInt, def: null },
    '--signals': { dest: 'signals', value: false, def: false },
  },
  dump: {
    '--batch-size': { dest: 'batchSize', value: positiveInt, def: DEFAULT_BATCH_SIZE },
  },
  show: windowOptions({}),
  render: windowOptions({
    '--width': { dest: 'width', value: positiveInt, def: 1000 },
    '--output': { dest: 'output', value: (text) => text, def: '-', short: '-o' },
  }),
};
// the positional arguments after FILE: show and render take SIGNAL... (nargs='+')
const SIGNALS = { show: true, render: true };
const SUBCOMMANDS = Object.fromEntries(Object.entries(USAGE.commands).map(
  ([name, texts]) => [name, { usage: texts.usage, help: texts.help, options: OPTIONS[name] }]));

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

/** The options of show and render (cli.py's _window_args), then `more`. */
function windowOptions(more) {
  return {
    '--from': { dest: 'start', value: timeArg, def: null },
    '--to': { dest: 'end', value: timeArg, def: null },
    '--radix': { dest: 'radix', value: choice(['bin', 'dec', 'hex']), def: 'hex' },
    ...more,
  };
}

/** A time in timescale units (a BigInt), at least 0. */
function timeArg(text) {
  return BigInt(intAtLeast(text, 0));
}

function choice(choices) {
  return (text) => {
    if (!choices.includes(text)) {
      throw new Error('invalid choice: ' + pyRepr(text) + ' (choose from ' + choices.map(pyRepr).join(', ') + ')');
    }
    return text;
  };
}

function positiveInt(text) {
  return Number(intAtLeast(text, 1));
}

/** Python's int(text) not below minimum, as a decimal string (argparse's messages). */
function intAtLeast(text, minimum) {
  if (!/^\s*[+-]?[0-9]+(_[0-9]+)*\s*$/.test(text)) {
    throw new Error('invalid int value: ' + pyRepr(text));
  }
  const n = BigInt(text.trim().replace(/_/g, ''));
  if (n < BigInt(minimum)) throw new Error('must be at least ' + minimum + ': ' + pyRepr(text));
  return String(n);
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

/** argparse's name of an option in messages: "-o/--output", "--width". */
function optionName(opt, name) {
  return opt.short ? opt.short + '/' + name : name;
}

/** The option's value from its text (opt.value converts), or a usage error. */
function optionValue(opt, name, text, usage, prog) {
  try {
    return opt.value(text);
  } catch (e) {
    throw usageError(usage, prog, 'argument ' + optionName(opt, name) + ': ' + e.message);
  }
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
      const top = a.startsWith('--') ? matchLong(name, ['--help', '--version'], TOP_USAGE, PROG) : null;
      if (name === '-h' || top === '--help') throw new UsageExit(0, 1, TOP_HELP);
      if (top === '--version') throw new UsageExit(0, 1, PROG + ' ' + require('../package.json').version + '\n');
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
                     ' (choose from ' + Object.keys(SUBCOMMANDS).map(pyRepr).join(', ') + ')');
  }
  const prog = PROG + ' ' + command;
  const args = { command, file: null };
  if (SIGNALS[command]) args.signals = [];
  for (const opt of Object.values(sub.options)) args[opt.dest] = opt.def;
  const longNames = ['--help', ...Object.keys(sub.options)];
  const shorts = Object.entries(sub.options).filter(([, o]) => o.short);
  let dashes = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!dashes && a === '--') {
      dashes = true;
      continue;
    }
    if (!dashes && looksLikeOption(a)) {
      if (a === '-h') throw new UsageExit(0, 1, sub.help);
      const short = shorts.find(([, o]) => a.startsWith(o.short));
      if (short) { // -o VALUE or -oVALUE
        const [name, opt] = short;
        let text = a.slice(opt.short.length);
        if (text === '') {
          if (i + 1 < argv.length && !looksLikeOption(argv[i + 1]) && !(argv[i + 1] === '--' && !dashes)) text = argv[++i];
          else throw usageError(sub.usage, prog, 'argument ' + opt.short + '/' + name + ': expected one argument');
        }
        args[opt.dest] = optionValue(opt, name, text, sub.usage, prog);
        continue;
      }
      if (a.startsWith('--')) {
        const eq = a.indexOf('=');
        const given = eq >= 0 ? a.slice(0, eq) : a;
        const name = matchLong(given, longNames, sub.usage, prog);
        if (name === '--help') {
          if (eq >= 0) {
            throw usageError(sub.usage, prog, 'argument -h/--help: ignored explicit argument ' +
                             pyRepr(a.slice(eq + 1)));
          }
          throw new UsageExit(0, 1, sub.help);
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
              throw usageError(sub.usage, prog, 'argument ' + optionName(opt, name) + ': expected one argument');
            }
            args[opt.dest] = optionValue(opt, name, text, sub.usage, prog);
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
    else if (args.signals) args.signals.push(a);
    else extras.push(a);
  }
  const missing = [];
  if (args.file === null) missing.push('FILE');
  if (args.signals && args.signals.length === 0) missing.push('SIGNAL');
  if (missing.length) {
    throw usageError(sub.usage, prog, 'the following arguments are required: ' + missing.join(', '));
  }
  if (extras.length) {
    throw usageError(TOP_USAGE, PROG, 'unrecognized arguments: ' + extras.join(' '));
  }
  return args;
}

// ---------------------------------------------------------------------------
// main

function oneLine(text) {
  return String(text).split(PY_SPACE_RUNS).filter((x) => x !== '').join(' ');
}

/** An error to report in one line with exit code 1: the file's (FST_FORMAT or an OS error). */
function isFileError(e) {
  return e instanceof FileError || (e !== null && typeof e === 'object' && typeof e.code === 'string' &&
    (e.code === 'FST_FORMAT' || /^E[A-Z0-9]+$/.test(e.code)));
}

/**
 * The text after `fstwave: error: `, as the Python tool prints it: the error's `reason`
 * (the core's fstw_error_reason: the OS's text when opening failed, the core's message for
 * a failed read or a malformed file) after `<file>: `.  An error that is not the addon's
 * (a failed write to stdout) has no `reason`: its message stands instead; a FileError's
 * message names its file already.
 */
function errorMessage(e, file) {
  if (e instanceof FileError) return e.message;
  const reason = oneLine(typeof e.reason === 'string' ? e.reason : e.message || '');
  if (e.code === 'FST_FORMAT') return file + ': ' + (reason || 'FstError');
  return file + ': ' + (reason || e.code);
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
    const cmd = { info: cmdInfo, tree: cmdTree, dump: cmdDump, show: cmdShow, render: cmdRender }[args.command];
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

module.exports = { parseArgs, main };

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
