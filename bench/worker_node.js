#!/usr/bin/env node
'use strict';
/*
 * One benchmark measurement in a fresh Node.js process; prints one JSON line.
 *
 *   node bench/worker_node.js --op OP --file F.fst [--sel SEL.json]
 *
 * The same operations, vars and times as bench/worker_py.py (see there), with fstwave's Node
 * API: `new Waveform(path, {loadBody})` (synchronous, like Python), `hierarchy.allVars()`,
 * `fullName(h)`, `timeTable.length`, `getSignal(v)`, `loadSignals(vars)`, `querySignal(t)`.
 *   load_Xpct     loadSignals on a Waveform opened with {multiThreaded: false}: one thread,
 *                 like Python's load_signals()
 *   load_Xpct_mt  loadSignals on a default (multiThreaded) Waveform: like Python's
 *                 load_signals_multithreaded()
 * Query times are converted to bigint (the API's time type) before the timer starts.
 * Memory: process.resourceUsage().maxRSS (KiB) right after require() (baseline) and at the
 * end (peak).
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

// cross-check printed as `changes`: changes of the first CHECK_N signals loaded (as Python)
const CHECK_N = 20;
/** Monotonic clock (process.hrtime.bigint()) as a number of seconds (float). */
const clock = () => Number(process.hrtime.bigint()) / 1e9;
/** This process's peak RSS so far (process.resourceUsage().maxRSS), in KiB. */
const maxRss = () => process.resourceUsage().maxRSS;
/**
 * VmHWM of /proc/self/status (Linux): a cross-check of maxRSS.
 * @returns {number|null} KiB, or null when the file or its VmHWM line is missing
 */
function vmhwmKb() {
  try {
    const m = fs.readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+)/m);
    return m ? Number(m[1]) : null;
  } catch (e) {
    return null;
  }
}

/**
 * First 16 hex digits of SHA-256 over NAMES (array of strings, UTF-8, each plus a newline):
 * the same digest as worker_py.py's names_digest, compared by the runner.
 */
function namesDigest(names) {
  const h = crypto.createHash('sha256');
  for (const n of names) {
    h.update(Buffer.from(n, 'utf8'));
    h.update('\n');
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Open FILE with `new Waveform(file, opts || {})` and list hierarchy.allVars(); sets res.open_s
 * (seconds). Open errors throw.
 * @returns {Array} [waveform, array of vars]
 */
function openVars(Waveform, file, res, opts) {
  const t0 = clock();
  const w = new Waveform(file, opts || {});
  const vs = [...w.hierarchy.allVars()];
  res.open_s = clock() - t0;
  return [w, vs];
}

/**
 * The query times: int64 little-endian in SEL's .times file (sel._path minus .sel.json), as
 * bigint (the API's time type). Throws if the file cannot be read.
 * @returns {bigint[]}
 */
function loadTimes(sel) {
  const b = fs.readFileSync(sel._path.slice(0, -'.sel.json'.length) + '.times');
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const out = new Array(b.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = dv.getBigInt64(i * 8, true);
  return out;
}

const OPS = {
  /**
   * open_walk: time `new Waveform(file, {loadBody: false})` plus fullName(h) of every var;
   * sets res.time_s (seconds), vars and names_digest. SEL is unused.
   */
  open_walk(Waveform, file, sel, res) {
    const t0 = clock();
    const w = new Waveform(file, { loadBody: false });
    const h = w.hierarchy;
    const names = [];
    for (const v of h.allVars()) names.push(v.fullName(h));
    res.time_s = clock() - t0;
    res.vars = names.length;
    res.names_digest = namesDigest(names);
  },
  /**
   * open_body: time `new Waveform(file)` (with body) plus timeTable.length; sets res.time_s
   * (seconds) and time_table_len. SEL is unused.
   */
  open_body(Waveform, file, sel, res) {
    const t0 = clock();
    const w = new Waveform(file);
    const n = w.timeTable.length;
    res.time_s = clock() - t0;
    res.time_table_len = n;
  },
  /**
   * get_signal: after the open (res.open_s), time getSignal of sel.first (first_s), then of
   * each sel.next var; sets next_times_s, next_n, next_total_s, next_median_s (upper median,
   * null if none) in seconds, time_s = first_s, and changes of the first CHECK_N signals.
   */
  get_signal(Waveform, file, sel, res) {
    const [w, vs] = openVars(Waveform, file, res);
    let t0 = clock();
    let s = w.getSignal(vs[sel.first]);
    res.first_s = clock() - t0;
    const times = [];
    const sigs = [s];
    for (const i of sel.next) {
      const v = vs[i];
      t0 = clock();
      s = w.getSignal(v);
      times.push(clock() - t0);
      if (sigs.length < CHECK_N) sigs.push(s); // the others are dropped, as in a plain loop
    }
    res.next_times_s = times;
    res.next_n = times.length;
    res.next_total_s = times.reduce((a, b) => a + b, 0);
    res.next_median_s = times.length ? [...times].sort((a, b) => a - b)[times.length >> 1] : null;
    res.time_s = res.first_s;
    res.changes = sigs.slice(0, CHECK_N).reduce((a, x) => a + x.length, 0);
  },
  /**
   * query: load var sel.query_var (load_s), then time one querySignal per bigint time of
   * loadTimes(); sets time_s (seconds), calls, calls_per_s (null if 0 s), signal_changes.
   */
  query(Waveform, file, sel, res) {
    const [w, vs] = openVars(Waveform, file, res);
    let t0 = clock();
    const s = w.getSignal(vs[sel.query_var]);
    res.load_s = clock() - t0;
    const times = loadTimes(sel);
    t0 = clock();
    for (let i = 0; i < times.length; i++) s.querySignal(times[i]);
    const dt = clock() - t0;
    res.time_s = dt;
    res.calls = times.length;
    res.calls_per_s = dt > 0 ? times.length / dt : null;
    res.signal_changes = s.length;
  },
};

/**
 * Op function for load_<PCT>pct (MT false: Waveform opened with {multiThreaded: false}, one
 * thread like Python's load_signals) or load_<PCT>pct_mt (MT true: default multiThreaded).
 */
function loadOp(pct, mt) {
  /** Time loadSignals(sel['pct' + PCT] vars); sets res open_s, time_s (s), signals, changes. */
  return (Waveform, file, sel, res) => {
    const [w, vs] = openVars(Waveform, file, res, mt ? {} : { multiThreaded: false });
    const chosen = sel['pct' + pct].map((i) => vs[i]);
    const t0 = clock();
    const sigs = w.loadSignals(chosen);
    res.time_s = clock() - t0;
    res.signals = sigs.length;
    res.changes = sigs.slice(0, CHECK_N).reduce((a, s) => a + s.length, 0);
  };
}
const SCREEN_BUCKETS = 2000;

/**
 * view_screen: load the sel.screen vars (100) with loadSignals (load_s), time one screen:
 * summary(start, end, 2000) of each over the whole time range (time_s); then iterating
 * allChanges() of each, as a viewer without summaries would (iterate_s). Sets ratio, changes.
 */
OPS.view_screen = (Waveform, file, sel, res) => {
  const [w, vs] = openVars(Waveform, file, res);
  let t0 = clock();
  const sigs = w.loadSignals(sel.screen.map((i) => vs[i]));
  res.load_s = clock() - t0;
  const [start, end] = w.timeRange;
  t0 = clock();
  for (const s of sigs) s.summary(start, end, SCREEN_BUCKETS);
  res.time_s = clock() - t0;
  let n = 0;
  t0 = clock();
  for (const s of sigs) for (const _ of s.allChanges()) n++; // eslint-disable-line no-unused-vars
  res.iterate_s = clock() - t0;
  res.ratio = res.time_s > 0 ? res.iterate_s / res.time_s : null;
  res.changes = n;
};

/**
 * view_window: load var sel.query_var (load_s), time changesBetween(start, end) over the whole
 * time range (time_s); then slice() of a Uint8Array of the same bytes (memcpy_s: an allocation
 * and a memcpy) and iterating allChanges() (iterate_s). Sets bytes, changes, ratios.
 */
OPS.view_window = (Waveform, file, sel, res) => {
  const [w, vs] = openVars(Waveform, file, res);
  let t0 = clock();
  const s = w.getSignal(vs[sel.query_var]);
  res.load_s = clock() - t0;
  const [start, end] = w.timeRange;
  t0 = clock();
  const c = s.changesBetween(start, end);
  res.time_s = clock() - t0;
  const nbytes = [c.times, c.values, c.offsets].reduce((a, x) => a + (x ? x.byteLength : 0), 0);
  const src = new Uint8Array(nbytes);
  t0 = clock();
  const dst = src.slice();
  res.memcpy_s = clock() - t0;
  if (dst.length !== nbytes) throw new Error('copy failed');
  let n = 0;
  t0 = clock();
  for (const _ of s.allChanges()) n++; // eslint-disable-line no-unused-vars
  res.iterate_s = clock() - t0;
  res.bytes = nbytes;
  res.changes = n;
  res.window_changes = c.times.length;
  res.ratio_iterate = res.time_s > 0 ? res.iterate_s / res.time_s : null;
  res.ratio_memcpy = res.memcpy_s > 0 ? res.time_s / res.memcpy_s : null;
};

OPS.load_1pct = loadOp(1, false);
OPS.load_1pct_mt = loadOp(1, true);
OPS.load_10pct = loadOp(10, false);
OPS.load_10pct_mt = loadOp(10, true);

/**
 * Parse `--key value` arguments, require ../node's Waveform, run the op and print one JSON line
 * (ok, timings in seconds, RSS in KiB); exitCode 1 with res.error on any error (unknown op
 * too). Malformed arguments: a usage line on stderr and exit status 2, no JSON line.
 */
function main() {
  const argv = process.argv.slice(2);
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) {
      process.stderr.write('usage: worker_node.js --op OP --file F.fst [--sel SEL.json]\n');
      process.exit(2);
    }
    args[argv[i].slice(2)] = argv[i + 1];
  }
  const res = { ok: false, impl: 'fstwave', lang: 'node', op: args.op, file: args.file };
  try {
    if (!OPS[args.op]) throw new Error('unknown op ' + args.op);
    const pkg = require(path.join(__dirname, '..', 'node'));
    const { Waveform } = pkg;
    res.baseline_rss_kb = maxRss();
    // --backend native|wasm (the runner's fstwave-node / fstwave-wasm): the package must run
    // over that backend (FSTWAVE_BACKEND, set by the runner), or the numbers would be mislabelled
    res.backend = pkg.backend || 'native';
    if (args.backend && res.backend !== args.backend) {
      throw new Error(`asked for the ${args.backend} backend, the package runs over ${res.backend}`);
    }
    const sel = args.sel ? JSON.parse(fs.readFileSync(args.sel, 'utf8')) : null;
    if (sel) sel._path = args.sel;
    OPS[args.op](Waveform, args.file, sel, res);
    res.peak_rss_kb = maxRss();
    res.delta_rss_kb = res.peak_rss_kb - res.baseline_rss_kb;
    res.vmhwm_kb = vmhwmKb();
    res.ok = true;
  } catch (e) {
    res.error = `${e && e.name}: ${String(e && e.message).slice(0, 500)}`;
  }
  process.stdout.write(JSON.stringify(res) + '\n');
  process.exitCode = res.ok ? 0 : 1;
}

main();
