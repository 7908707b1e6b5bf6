/**
 * fstwave: fast, robust reading of FST waveform files (Verilator, Icarus, GHDL, nvc, ...)
 * for Node.js, with the class set of pywellen 0.20.5 in JavaScript form.
 *
 * The work is done by fstwave's C core through a Node-API addon (plain C, Node-API 8,
 * build/Release/fstwave.node); the modules of node/lib turn its handles into the classes
 * described in docs/api.md (in the package and the repository): `Waveform`, `Hierarchy`,
 * `Scope`, `Var`, `Signal`, `TimeTable`, `Timescale`, `TimescaleUnit`, `VarIndex` and lazy
 * iterators.  This entry module re-exports them:
 *
 *   lib/native.js     the addon loader
 *   lib/internal.js   what the modules share and users do not (constructor token, symbols)
 *   lib/args.js       argument validation (type checks, paths, options)
 *   lib/waveform.js   Waveform: open, body load, the signal cache (with node/src/nfstw_cache.c)
 *   lib/hierarchy.js  Hierarchy, Scope, Var, VarIndex, VarIter, ScopeIter
 *   lib/signal.js     Signal, SignalChangeIter, the query buffer
 *   lib/time.js       TimeTable, Timescale, TimescaleUnit
 * and, for the command-line tool node/cli.js: lib/dump-format.js (the dump format,
 * docs/dump-format.md), lib/walk.js (hierarchy walks), lib/usage.json (usage texts).
 *
 * Type mapping: times are `bigint` (unsigned 64-bit, in the file's timescale units, see
 * `Hierarchy#timescale`); 2-state bit-vector values are `bigint`; bit vectors with other
 * states (x z h u w l -) and string values are `string`; reals are `number`; events are
 * `""`; indices and widths are `number`; pywellen's `None` is `null`.  Arguments that are
 * times or indices accept a `bigint` or an integral `number`.
 *
 * Errors: `Error` with `code` `ENOENT` / `EACCES` / `EISDIR` / `EIO` (plus `errno`,
 * `syscall`, `path`, `strerror`) for operating-system errors, `FST_FORMAT` (plus `path`,
 * `offset` when known) for files that are not FST or are corrupt, each with `reason` (what
 * went wrong, without the path; see index.d.ts `FstwaveError`); `TypeError` / `RangeError`
 * for bad arguments.
 *
 * Behaviour follows pywellen 0.20.5 except for ten deliberate deviations, D1-D10, each
 * described with its reason in docs/api.md.
 *
 * @module fstwave
 */
'use strict';

// lib/code-cache.js: each module compiled with the V8 code cache made at build time when
// it fits this Node and the module's source, else as by require()
const { load } = require('./lib/code-cache');
const native = load('native');
const { Waveform } = load('waveform');
const { Hierarchy, Scope, Var, VarIndex, VarIter, ScopeIter } = load('hierarchy');
const { Signal, SignalChangeIter } = load('signal');
const { TimeTable, Timescale, TimescaleUnit } = load('time');
const { AbortError } = load('abort');

/**
 * Process-wide counters of loaded signals (the core's `fstw_memory_stats_get`): how many
 * signals are loaded and not yet freed, from every Waveform of every thread, and their
 * bytes (times, values and string offsets, as `signalCacheBytes` counts them; not the time
 * tables).  A Signal nobody holds any more is counted until garbage collection has found it
 * unreachable and no Waveform cache keeps it (contract D10, docs/api.md).  Extension.
 * @returns {{signals: number, signalBytes: number}}
 */
function memoryStats() {
  return native.memoryStats();
}

/**
 * Diagnostics for tests: how many files and signals this thread's addon instance holds open.
 * Not part of the contract.
 * @returns {{openFiles: number, liveSignals: number}}
 */
function _nativeStats() {
  return native.stats();
}

module.exports = {
  Waveform,
  Hierarchy,
  Scope,
  Var,
  VarIndex,
  VarIter,
  ScopeIter,
  Signal,
  SignalChangeIter,
  TimeTable,
  Timescale,
  TimescaleUnit,
  AbortError,
  version: '0.1.0',
  napiVersion: native.napiVersion,
  /** Which backend runs the core: "native" (the addon) or "wasm" (FSTWAVE_BACKEND, lib/native.js). */
  backend: native.backend,
  memoryStats,
  _nativeStats,
};
