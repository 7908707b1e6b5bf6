// Type definitions for fstwave (node/index.js).
//
// Times are bigint counts of the file's timescale unit (Hierarchy#timescale()); indices and
// widths are numbers; pywellen's None is null. Arguments that are times or indices accept a
// bigint or an integral number. Every class in Node and Python, the extensions over pywellen
// 0.20.5 and the deliberate deviations D1-D10 are described in docs/api.md (in the package).

// Paths may be a Buffer or a URL, so these types need Node's (@types/node): an optional peer
// dependency of the package, which TypeScript projects install themselves (npm i -D @types/node).
/// <reference types="node" />

/**
 * A signal value: `bigint` for a 2-state bit vector (unsigned, any width), `string` for a bit
 * vector with other states (MSB first, lowercase `0 1 x z h u w l -`), for a string signal
 * (bytes decoded as Latin-1) and for an event (`""`), `number` for a real (NaN payloads kept).
 */
export type Value = bigint | string | number;

/** A time or an index argument: a bigint or an integral, non-negative number. */
export type TimeArg = bigint | number;

/**
 * Progress and cancellation of a long call (open, body and signal loads; contract section 6).
 * `done` and `total` count bytes of the value-change blocks the call reads (the core's
 * `fstw_progress`): `total` is fixed for the call, `done` never decreases, the last report is
 * `(total, total)` when the call succeeds and arrives before it returns or its promise
 * settles; a call with nothing to read reports `(0, 0)`.  Async calls deliver reports on the
 * main thread, coalesced (the latest wins).  No report follows an abort.
 */
export interface WorkOptions {
  /**
   * Stops the call within one value-change block: it throws / rejects with an `AbortError`
   * (code `ABORT_ERR`, `cause` = the signal's reason) and caches nothing; an already aborted
   * signal rejects at once without reading.
   */
  signal?: AbortSignal;
  /** Called with the progress; an exception thrown here stops the call, which throws it. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What a call stopped by its AbortSignal throws or rejects with, as Node's own APIs do:
 * `name` `'AbortError'`, `code` `'ABORT_ERR'`, message "The operation was aborted", `cause`
 * the signal's reason.
 */
export class AbortError extends Error {
  constructor(message?: string, options?: { cause?: unknown });
  readonly code: 'ABORT_ERR';
  readonly name: 'AbortError';
}

/** Options of `new Waveform()` and `Waveform.open()`. */
export interface WaveformOptions extends WorkOptions {
  /** Allow several threads for body and signal loads (default true). */
  multiThreaded?: boolean;
  /**
   * Remove scopes named "" and attach their children to the parent (default false;
   * deviation D8 in docs/api.md).
   */
  removeScopesWithEmptyName?: boolean;
  /** Read the body at open (default true); otherwise on first need. */
  loadBody?: boolean;
  /**
   * Budget in bytes of the Waveform's cache of recently loaded signals that the program no
   * longer holds (contract D10, docs/api.md): `null` / omitted is the core's default
   * (`FSTW_CACHE_DEFAULT_BYTES`, 8 MiB); 0 keeps only the Signals the program holds.
   * @throws {RangeError} (from the constructor / `open`) when negative or not an integer
   */
  signalCacheBytes?: number | bigint | null;
}

/** What `Waveform#signalCacheStats()` reports. */
export interface SignalCacheStats {
  /** Signals the cache of recent loads keeps (unheld ones plus held ones among them). */
  signals: number;
  /** Their bytes (the core's `fstw_signal_bytes`: times, values, string offsets). */
  bytes: number;
  /** The budget in bytes (`signalCacheBytes`). */
  budget: number;
}

/** What the package's `memoryStats()` reports: every loaded signal of the process. */
export interface MemoryStats {
  /** Loaded signals not yet freed (every Waveform, every thread). */
  signals: number;
  /** Their bytes, counted as `SignalCacheStats.bytes`. */
  signalBytes: number;
}

/**
 * An error from the file, thrown by the constructor, `Waveform.open` (as a rejection), the
 * body and signal loads and `getSignalFromPath`.  `code` is `ENOENT`, `EACCES`, `EISDIR` or
 * `EIO` for operating-system errors (with `errno`, `syscall`, `path`, `strerror`),
 * `FST_FORMAT` for a file that is not FST or is corrupt (with `path`, and `offset` when the
 * malformed structure has one), `ENOMEM` when memory ran out, `FST_NO_VAR` from
 * `getSignalFromPath`.  The fields come from the core's `fstw_error`
 * (core/include/fstwave.h).
 */
export interface FstwaveError extends Error {
  code: 'ENOENT' | 'EACCES' | 'EISDIR' | 'EIO' | 'ENOMEM' | 'FST_FORMAT' | 'FST_NO_VAR' | string;
  /**
   * What went wrong, without the path (what the command-line tools print after the file
   * name): the OS's text for an error while opening (`"No such file or directory"`), the
   * core's message for a failed read or a malformed file (it says where).  Set on every
   * error from the file except `FST_NO_VAR`.
   */
  reason?: string;
  /** The OS's text for the error number (`"Permission denied"`), for errors the OS reported. */
  strerror?: string;
  /** Byte offset in the (unpacked) file of the malformed structure, for `FST_FORMAT` errors that have one. */
  offset?: number;
  /** The negated errno (Node's convention, e.g. -2 for ENOENT), for operating-system errors. */
  errno?: number;
  /** The failed system call: `open` (ENOENT / EACCES / EISDIR) or `read` (EIO). */
  syscall?: 'open' | 'read';
  /** The file's path as given, for errors of a file. */
  path?: string;
}

/**
 * How the values of a window or a summary are laid out (the core's `fstw_array_kind`, the
 * same for every window of a signal): `'u64'` a BigUint64Array (2-state bit vectors of 1..64
 * bits, bit 0 = LSB), `'f64'` a Float64Array (reals), `'rows'` a Uint8Array of `rowBytes`
 * (= bit width) ASCII bytes per value, MSB first (other bit vectors), `'strings'` a Uint8Array
 * of the concatenated Latin-1 bytes plus offsets (count + 1, the first 0), `'none'` null
 * (events).
 */
export type ArrayKind = 'u64' | 'f64' | 'rows' | 'strings' | 'none';

/** The value arrays of `ArrayKind`. */
export type ValueArray = BigUint64Array | Float64Array | Uint8Array | null;

/**
 * The result of `Signal#changesBetween(t0, t1)`: the change in force at t0 (when
 * `hasInitial`) and every change in (t0, t1], as arrays allocated inside V8 (transferable).
 */
export interface ChangeWindow {
  kind: ArrayKind;
  /** Bytes per value: 8 for `u64` and `f64`, the bit width for `rows`, 0 otherwise. */
  rowBytes: number;
  /** Index (in `allChanges()` order) of the window's first change. */
  first: number;
  /** The first entry is the change in force at t0 (its time <= t0). */
  hasInitial: boolean;
  /** Change times, timescale units. */
  times: BigUint64Array;
  values: ValueArray;
  /** For `strings`: `times.length + 1` byte offsets into `values`. */
  offsets?: BigUint64Array;
}

/**
 * The result of `Signal#summary(t0, t1, buckets)`: slice k is (`bounds[k]`, `bounds[k+1]`];
 * `first[k]` / `last[k]` the change in force at its start / end (-1: none), `counts[k]` the
 * changes inside it; `firstValues` / `lastValues` their values in `kind`'s layout.
 */
export interface Summary {
  kind: ArrayKind;
  rowBytes: number;
  /** `buckets + 1` slice bounds, `t0 + floor((t1 - t0) * k / buckets)`. */
  bounds: BigUint64Array;
  counts: Float64Array;
  first: Float64Array;
  last: Float64Array;
  firstValues: ValueArray;
  lastValues: ValueArray;
  /** For `strings`: `buckets + 1` offsets into `firstValues` / `lastValues`. */
  firstOffsets?: BigUint64Array;
  lastOffsets?: BigUint64Array;
}

/** The result of `Signal#querySignal(t)`. */
export interface QueryResult {
  /** The value at or before t; null before the first change. */
  value: Value | null;
  /** The time of the change `value` comes from; null before the first change. */
  actualTime: bigint | null;
  /** Index (in the signal's change list) of the first change after t, or null. */
  nextIdx: number | null;
  /** Time of the first change after t, or null. */
  nextTime: bigint | null;
}

/**
 * An open FST waveform file (pywellen 0.20.5's Waveform plus extensions).  After `close()`
 * every method but `signalCacheStats()` throws an `Error` with code `ERR_FSTWAVE_CLOSED`
 * ("I/O operation on closed waveform"), and so does every Hierarchy / Scope / Var method
 * that reads the file; loaded Signals stay readable.
 *
 * The signal cache (contract D10, revised; docs/api.md): a loaded Signal stays the same
 * object while the program holds it (the Waveform keeps a weak reference); once nobody
 * holds it, the most recently loaded signals stay kept up to `signalCacheBytes`, so a new
 * load of one wraps it without reading the file.  `unloadSignals` drops at once, `close`
 * clears.  The memory of a dropped Signal is freed once garbage collection found it
 * unreachable (reported to V8 as external memory, so that comes soon), at the latest at
 * the next signal load.
 */
export class Waveform {
  /**
   * Opens `path` synchronously (`signal` / `onProgress` called synchronously too).
   * @throws {FstwaveError} ENOENT / EACCES / EISDIR / EIO / FST_FORMAT
   * @throws {AbortError} when `options.signal` is aborted
   * @throws {TypeError} for a bad path or bad options
   */
  constructor(path: string | Buffer | Uint8Array | URL, options?: WaveformOptions);
  /** Opens `path` on the libuv thread pool. Rejects like the constructor throws. */
  static open(path: string | Buffer | Uint8Array | URL, options?: WaveformOptions): Promise<Waveform>;
  /** The file's Hierarchy (the same object on every access). */
  readonly hierarchy: Hierarchy;
  /** The time table; reads the body first if needed (synchronously). Same object each time. */
  readonly timeTable: TimeTable;
  /** `[startTime, endTime]` from the FST header (no body needed). */
  readonly timeRange: [bigint, bigint];
  /** Reads the body now if not read yet (blocking). */
  loadBody(options?: WorkOptions): void;
  /** Reads the body on the libuv thread pool. An aborted load leaves the body unloaded. */
  loadBodyAsync(options?: WorkOptions): Promise<void>;
  /** True once the body has been read. */
  bodyLoaded(): boolean;
  /**
   * The Signal of a var: the same object while the program holds it, else a new one over
   * the cache's kept signal, else loaded (blocking) and cached.
   * @throws {TypeError} when `v` is not a Var
   */
  getSignal(v: Var): Signal;
  /** The (cached) Signal of the var at a dotted path. @throws {FstwaveError} FST_NO_VAR */
  getSignalFromPath(absHierarchyPath: string): Signal;
  /**
   * The Var or Scope at `path` (pywellen 0.25's `w["a.b.c"]`, the core's `fstw_lookup_item`):
   * at each level the item whose name equals the path, else the one with the longest name
   * that is a prefix of it; after a scope the rest must start with "." and is looked up in
   * it; after a var a rest without "." is accepted (`"top.data[3]"` finds `data`).  The same
   * object the hierarchy hands out; `undefined` when nothing matches.
   * @throws {TypeError} when `path` is not a string
   */
  get(path: string): Var | Scope | undefined;
  /** The Signals of `vars`, same order, uncached ones loaded in one pass (blocking). */
  loadSignals(vars: Iterable<Var>, options?: WorkOptions): Signal[];
  /** Like `loadSignals` but on the libuv thread pool. An aborted load caches nothing. */
  loadSignalsAsync(vars: Iterable<Var>, options?: WorkOptions): Promise<Signal[]>;
  /**
   * Drops the given signals from the cache at once (the kept signal and the identity of a
   * held Signal: the next load reads the file again).  Held Signals stay valid.
   */
  unloadSignals(signalsOrVars: Iterable<Signal | Var>): void;
  /** What the cache of recent loads holds now (also after `close()`: then empty). */
  signalCacheStats(): SignalCacheStats;
  /**
   * Cursor values: for each item what `signal.valueAtTime(t)` gives, in one call; the
   * signals of Vars are loaded first (blocking, cached).
   */
  valuesAtTime(signalsOrVars: Iterable<Signal | Var>, t: TimeArg): Array<Value | null>;
  /** Like `valuesAtTime`, loading the signals of Vars with `loadSignalsAsync(vars, options)`. */
  valuesAtTimeAsync(signalsOrVars: Iterable<Signal | Var>, t: TimeArg, options?: WorkOptions): Promise<Array<Value | null>>;
  /**
   * Closes the file (idempotent) and clears the signal cache.  Async calls in flight
   * complete first (the file is closed when the last one ends); signals they load are
   * returned, not cached.
   */
  close(): void;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /** `close()`, for `using` (Node >= 18.18 / 20.4). */
  [Symbol.dispose](): void;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The scopes and vars of an open file, plus header metadata. Not constructible. */
export class Hierarchy {
  private constructor();
  /** One Var per signal (pywellen's order), or every var with `{ includeAliases: true }`. */
  allVars(options?: { includeAliases?: boolean }): VarIter;
  /** The top-level scopes in first-declaration order. */
  topScopes(): ScopeIter;
  /** The header's date, trimmed. */
  date(): string;
  /** The header's version (writer), trimmed. */
  version(): string;
  /** The file's time unit, or null when the FST exponent has no unit. */
  timescale(): Timescale | null;
  /** Always "FST". */
  fileFormat(): 'FST';
}

/** A scope of the hierarchy; one object per scope. Not constructible. */
export class Scope {
  private constructor();
  /** The scope's own name (may be ""). `hier` is accepted and ignored. */
  name(hier?: Hierarchy): string;
  /** Ancestor names and this one joined with ".". */
  fullName(hier?: Hierarchy): string;
  /** `module`, `task`, ..., `vhdl_package`, `unknown` or `vhdl_array`. */
  scopeType(): string;
  /** The vars declared directly in this scope, declaration order. */
  vars(hier?: Hierarchy): VarIter;
  /** The direct child scopes, declaration order. */
  scopes(hier?: Hierarchy): ScopeIter;
  /**
   * The Var or Scope at `path` relative to this scope (pywellen 0.25's `scope["b.c"]`, the
   * rule of `Waveform#get`), or `undefined`.
   * @throws {TypeError} when `path` is not a string
   */
  get(path: string): Var | Scope | undefined;
}

/** The bit range split off a var's declared name. */
export class VarIndex {
  private constructor();
  readonly msb: number;
  readonly lsb: number;
  /** `"[msb:lsb]"`. */
  toString(): string;
}

/** A variable of the hierarchy; one object per var. Not constructible. */
export class Var {
  private constructor();
  name(hier?: Hierarchy): string;
  fullName(hier?: Hierarchy): string;
  /** Bits of a bit vector, 0 for an event, null for reals and strings. */
  bitwidth(hier?: Hierarchy): number | null;
  /** Same as `bitwidth()`. */
  length(hier?: Hierarchy): number | null;
  /** `Event` ... `ShortReal`, or a VHDL type (`Boolean`, `StdLogicVector`, ...). */
  varType(): string;
  /** `Implicit`, `Input`, `Output`, `InOut`, `Buffer` or `Linkage`. */
  direction(): string;
  /** `[enumName, [[value, literal], ...]]` or null. */
  enumType(hier?: Hierarchy): [string, Array<[string, string]>] | null;
  /** The VHDL type name, or null. */
  vhdlTypeName(hier?: Hierarchy): string | null;
  isReal(hier?: Hierarchy): boolean;
  isString(hier?: Hierarchy): boolean;
  isBitVector(hier?: Hierarchy): boolean;
  is1Bit(hier?: Hierarchy): boolean;
  /** The bit range of the declared name, or null. */
  index(): VarIndex | null;
  /** FST handle - 1; equal for aliases. */
  signalRef(): number;
}

/** A lazy iterator of Vars. */
export class VarIter implements IterableIterator<Var> {
  private constructor();
  next(): IteratorResult<Var, undefined>;
  [Symbol.iterator](): VarIter;
}

/** A lazy iterator of Scopes. */
export class ScopeIter implements IterableIterator<Scope> {
  private constructor();
  next(): IteratorResult<Scope, undefined>;
  [Symbol.iterator](): ScopeIter;
}

/** A lazy iterator of `[time, value]` changes; `length` is the number not yet yielded. */
export class SignalChangeIter implements IterableIterator<[bigint, Value]> {
  private constructor();
  readonly length: number;
  next(): IteratorResult<[bigint, Value], undefined>;
  [Symbol.iterator](): SignalChangeIter;
}

/** The changes of one signal. Not constructible. */
export class Signal {
  private constructor();
  /** The number of stored changes. */
  readonly length: number;
  /** Every change as `[time, value]`. */
  allChanges(): SignalChangeIter;
  /** The changes with time >= t. */
  allChangesAfter(t: TimeArg): SignalChangeIter;
  /** The value at or before time t, or null. @throws {RangeError} for a negative t */
  valueAtTime(t: TimeArg): Value | null;
  /** The value at time-table index idx (0 .. 2^32-1), or null. */
  valueAtIdx(idx: TimeArg): Value | null;
  /** The value at or before t, its time, and the next change. */
  querySignal(t: TimeArg): QueryResult;
  /**
   * The window (t0, t1] as bulk arrays: the change in force at t0, then the changes after it.
   * @throws {RangeError} for t1 < t0 or a negative time
   */
  changesBetween(t0: TimeArg, t1: TimeArg): ChangeWindow;
  /**
   * The display summary of (t0, t1] in `buckets` equal slices, O(buckets * log changes).
   * @throws {RangeError} for t1 < t0, a negative time, or buckets outside 1 .. 2^32-1
   */
  summary(t0: TimeArg, t1: TimeArg, buckets: number): Summary;
}

/** The file's time table: a read-only sequence of bigint times. Not constructible. */
export class TimeTable implements Iterable<bigint> {
  private constructor();
  readonly length: number;
  /** The time at index i (negative counts from the end), undefined out of range. */
  at(i: number | bigint): bigint | undefined;
  [Symbol.iterator](): IterableIterator<bigint>;
}

/** The unit of a Timescale. Not constructible. */
export class TimescaleUnit {
  private constructor();
  /** `zs`, `as`, `fs`, `ps`, `ns`, `us`, `ms` or `s`. */
  toString(): string;
  /** The power of ten of seconds: ns -> -9. */
  toExponent(): number;
}

/** The duration of one time unit: factor x unit. Not constructible. */
export class Timescale {
  private constructor();
  /** 1, 10 or 100. */
  readonly factor: number;
  readonly unit: TimescaleUnit;
  /** e.g. `"10ps"`. */
  toString(): string;
}

/** The package version. */
export const version: string;
/** The Node-API version the addon was built for (8); undefined under the WebAssembly backend. */
export const napiVersion: number;
/**
 * Which backend runs the core: `"native"` (the Node-API addon) or `"wasm"` (the core compiled
 * to WebAssembly: `FSTWAVE_BACKEND=wasm`, or no addon found).  Same classes, results and
 * errors; see docs/api.md.
 */
export const backend: 'native' | 'wasm';
/**
 * Every loaded signal of the process not yet freed (the core's counters, all Waveforms and
 * threads) and their bytes.  A dropped Signal counts until garbage collection found it
 * unreachable and no Waveform's cache keeps it.
 */
export function memoryStats(): MemoryStats;
/** Diagnostics (not part of the contract): files and signals held by this thread's addon. */
export function _nativeStats(): { openFiles: number; liveSignals: number };

/** Options of `Waveform#renderSvg` and `Waveform#showText` (docs/tools.md). */
export interface RenderOptions {
  /** Window start, timescale units (default the file's start time). */
  from?: bigint | number;
  /** Window end, timescale units (default the file's end time). */
  to?: bigint | number;
  /** Bit vectors in binary, decimal or hexadecimal (default `'hex'`). */
  radix?: 'bin' | 'dec' | 'hex';
  /** For the loads of the signals, as `loadSignals`. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** The `show` and `render` commands of the tool as methods (lib/render.js). */
export interface Waveform {
  /**
   * The tool's `render` picture as an SVG document: one row per var (Vars of this file, or
   * full names) over the window (from, to], `width` pixels wide (16..65536, default 1000).
   * The same bytes as the Python package's `render_svg`.
   * @throws {FstwaveError} code ERR_FSTWAVE_NO_SIGNAL for an unknown name
   * @throws {RangeError} for an empty window or a bad width
   */
  renderSvg(vars: Iterable<Var | string>, options?: RenderOptions & { width?: number }): string;
  /** `renderSvg` with the loads and the drawing on the libuv thread pool. */
  renderSvgAsync(vars: Iterable<Var | string>, options?: RenderOptions & { width?: number }): Promise<string>;
  /**
   * The tool's `show` text: the value in force at `from` and the changes in (from, to] of
   * each var, one line each. The same bytes as the Python package's `show_text`.
   * @throws {FstwaveError} code ERR_FSTWAVE_NO_SIGNAL for an unknown name
   * @throws {RangeError} when to < from
   */
  showText(vars: Iterable<Var | string>, options?: RenderOptions): string;
  /** `showText` with the loads and the formatting on the libuv thread pool. */
  showTextAsync(vars: Iterable<Var | string>, options?: RenderOptions): Promise<string>;
}

/**
 * One batch of `Waveform#streamChanges`: change `i` is `times[i]` (timescale units),
 * `signalRefs[i]` (`Var#signalRef()` of the vars that show it) and `values[i]` (converted as
 * every value of this API: `bigint` for 2-state bit vectors, `string` for other bit vectors
 * and strings, `number` for reals, `""` for events).  The three have the same length, at
 * least 1.
 */
export interface ChangeBatch {
  times: BigUint64Array;
  signalRefs: Uint32Array;
  values: Value[];
}

/** Options of `Waveform#streamChanges` and `streamChangesSync`. */
export interface StreamOptions extends WorkOptions {
  /**
   * At most this many changes per batch (1..2^24, default 16384); a batch also ends once it
   * takes about 8 MiB.  `onProgress(done, total)` is called before each batch is handed out
   * with the bytes of value-change blocks read so far and in all; `signal` ends the stream
   * with an AbortError.
   */
  batchSize?: number;
}

/** One-pass streaming of changes (lib/stream.js; contract section 5). */
export interface Waveform {
  /**
   * Every change of the file in one pass over its value-change blocks in time order, as
   * pywellen 0.25's `stream_changes` reports them (every change, also repeated values and
   * several changes of a signal at one time), in batches read on the libuv thread pool when
   * asked for (no read ahead; memory bounded by one block and one batch).  `include`: Vars
   * of this file or full names (resolved as `get`; names of nothing or of a scope are
   * ignored); omitted or null for every signal.  Leaving the loop closes the stream;
   * `close()` of the Waveform ends it (the next `next()` rejects with ERR_FSTWAVE_CLOSED).
   * @throws {TypeError} for bad `include` items or options (at once)
   */
  streamChanges(include?: Iterable<Var | string> | null, options?: StreamOptions): AsyncGenerator<ChangeBatch, void, undefined>;
  /** `streamChanges` read on the calling thread: the same batches from a sync iterator. */
  streamChangesSync(include?: Iterable<Var | string> | null, options?: StreamOptions): Generator<ChangeBatch, void, undefined>;
}
