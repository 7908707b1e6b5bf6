/**
 * fstwave in a browser (`import { Waveform } from 'fstwave/web'`): FST files opened from a
 * `File`, a `Blob` or bytes, read by fstwave's C core compiled to WebAssembly in a Web Worker;
 * every call returns a Promise and the page never blocks.  Each Waveform has its own worker
 * (dist/web/fstwave-worker.js, which hosts the same JS classes as the Node package, see
 * `fstwave/web/sync`), ended by `close()`.
 *
 * Units and types: times are `bigint`s in the file's timescale units (`info().timescale`);
 * signal refs, indices and widths are numbers; 2-state values are `bigint`, values with other
 * states (x z ...) and strings are `string`, reals `number` (as in docs/api.md).
 *
 * Errors: every Promise rejects with an `Error` of the same class, `code` and message as the
 * Node package's (docs/api.md): `FST_FORMAT` (not FST, or corrupt; with `reason`, `path` (the
 * File's name), `offset` when known), `EIO` (a slice of the File could not be read),
 * `ENOMEM`, `ERR_FSTWAVE_WASM_TRAP` (the core trapped: the worker stays, this Waveform's
 * later calls reject too), `ERR_FSTWAVE_NO_SIGNAL` / `FST_NO_VAR` (a name the file does not
 * have), `ERR_FSTWAVE_CLOSED` (after close()), `ERR_FSTWAVE_WASM_LOAD` (the .wasm could not
 * be fetched), `ERR_FSTWAVE_WORKER` (the worker failed to start or died); `TypeError`
 * (code `ERR_INVALID_ARG_TYPE`) and `RangeError` (code `ERR_OUT_OF_RANGE`) for bad arguments.
 *
 * @module fstwave/web
 */

import wire from './wire.js';

const { fromWire, codeError } = wire;

/** The worker script and the .wasm beside this module (bundlers follow these URLs). */
const DEFAULT_WORKER_URL = new URL('./fstwave-worker.js', import.meta.url);
const DEFAULT_WASM_URL = new URL('./fstwave-core.wasm', import.meta.url);

/** A worker and its pending calls. */
class Channel {
  #worker;
  #pending = new Map(); // call id -> { resolve, reject }
  #next = 1;
  #dead = null;
  #wasmUrl;

  constructor(workerUrl, wasmUrl) {
    this.#wasmUrl = String(wasmUrl);
    this.#worker = new Worker(workerUrl, { name: 'fstwave' });
    this.#worker.onmessage = (ev) => {
      const m = ev.data;
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(fromWire(m.error));
    };
    const die = (what) => this.#fail(codeError('ERR_FSTWAVE_WORKER', `fstwave: the worker ${what}`));
    this.#worker.onerror = (ev) => {
      ev.preventDefault?.();
      die(`failed: ${ev.message || 'it could not be loaded or threw'}`);
    };
    this.#worker.onmessageerror = () => die('sent a message that could not be read');
  }

  /** Rejects every pending call with `e` and refuses later ones. */
  #fail(e) {
    this.#dead = e;
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
    this.#worker.terminate();
  }

  /** Runs worker operation `op` (node/web/ops.js) with `args`. */
  call(op, args, transfer = []) {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.#worker.postMessage({ id, op, args, wasmUrl: this.#wasmUrl }, transfer);
      } catch (e) { // an argument postMessage cannot clone
        this.#pending.delete(id);
        const err = new TypeError(`fstwave: ${op}(): an argument cannot be sent to the worker: ${e.message}`);
        err.code = 'ERR_INVALID_ARG_TYPE';
        reject(err);
      }
    });
  }

  terminate() {
    this.#fail(codeError('ERR_FSTWAVE_CLOSED', 'I/O operation on closed waveform'));
  }
}

/**
 * @typedef {object} Info
 * @property {string} name the File's name (errors carry it as `path`)
 * @property {string} fileFormat "FST"
 * @property {string} version the writer's version string
 * @property {string} date the file's date string
 * @property {{factor: number, unit: string, exponent: number} | null} timescale one time
 *   unit is `factor` x `unit` ("fs" .. "s"; `exponent`: the power of ten of seconds)
 * @property {[bigint, bigint] | null} timeRange first and last time, timescale units
 * @property {boolean} bodyLoaded
 */

/**
 * @typedef {object} ScopeData
 * @property {string} name
 * @property {string} fullName dotted, from the top scope
 * @property {string} type the scope type (`module`, `task`, `vhdl_architecture`, ...)
 * @property {number} parent index in `scopes`, -1 for a top scope
 * @property {number} depth 0 for a top scope
 * @property {number[]} scopes child scopes, indices in `scopes`, declaration order
 * @property {number[]} vars its vars, indices in `vars`, declaration order
 */

/**
 * @typedef {object} VarData
 * @property {string} name
 * @property {string} fullName
 * @property {number} scope index in `scopes`, -1 for a var outside any scope
 * @property {string} varType `wire`, `reg`, `integer`, ... (docs/api.md)
 * @property {string} direction `Implicit`, `Input`, `Output`, `InOut`, `Buffer` or `Linkage`
 * @property {number | null} width bit width (`Var#bitwidth()`), null for reals/strings/events
 * @property {number} signalRef the signal's number (aliases share it): what loadSignals,
 *   changesBetween, show and render take
 * @property {boolean} isReal
 * @property {boolean} isString
 * @property {boolean} isBitVector
 * @property {{msb: number, lsb: number} | null} index the declared bit range
 * @property {string | null} vhdlTypeName
 * @property {{name: string, pairs: [string, string][]} | null} enumType
 */

/**
 * @typedef {object} HierarchyData
 * @property {ScopeData[]} scopes every scope, depth first in declaration order
 * @property {VarData[]} vars every var, aliases included
 * @property {number[]} topScopes indices in `scopes`
 * @property {number[]} topVars indices in `vars` of the vars outside any scope
 */

/**
 * @typedef {object} ChangeWindow what `Signal#changesBetween` gives in Node (index.d.ts):
 * @property {'none' | 'u64' | 'f64' | 'rows' | 'strings'} kind the values' layout
 * @property {number} rowBytes bytes per value: 8 for u64/f64, the bit width for rows
 * @property {number} first index of the first change in the signal's change list
 * @property {boolean} hasInitial the first entry is the change in force at t0 (time <= t0)
 * @property {BigUint64Array} times change times, timescale units
 * @property {BigUint64Array | Float64Array | Uint8Array | null} values u64: one per change;
 *   f64: one per change; rows: `rowBytes` ASCII bytes ('0' '1' 'x' 'z' ...) per change, MSB
 *   first; strings: the UTF-8 bytes of all values (see `offsets`); none: null
 * @property {BigUint64Array} [offsets] strings: `times.length + 1` byte offsets into values
 */

/**
 * A signal as the methods take it: its signal ref (`VarData#signalRef`) or the full name of
 * one of its vars (`"top.cpu.pc"`).
 * @typedef {number | string} SignalName
 */

/** An FST file open in a worker. Obtain one with `Waveform.open()`. */
export class Waveform {
  #ch;
  #id;
  #info;

  /** @private */
  constructor(ch, id, info) {
    this.#ch = ch;
    this.#id = id;
    this.#info = info;
  }

  /**
   * Opens a file in a new worker: reads its header and hierarchy and (with `loadBody`,
   * the default) the index of its body.  A File or Blob is read by slices, never whole.
   * @param {File | Blob | Uint8Array | ArrayBuffer} input the FST file (bytes are copied to
   *   the worker)
   * @param {{name?: string, loadBody?: boolean, removeScopesWithEmptyName?: boolean,
   *   signalCacheBytes?: number | null, workerUrl?: string | URL, wasmUrl?: string | URL}}
   *   [options] `name`: the name errors carry (default the File's name); `workerUrl` /
   *   `wasmUrl`: where dist/web/fstwave-worker.js and fstwave-core.wasm are served
   *   (default: beside this module); the others as in Node's `new Waveform()`
   * @returns {Promise<Waveform>}
   * @throws (rejects) `FST_FORMAT`, `EIO`, `ENOMEM`, `ERR_FSTWAVE_WASM_TRAP`,
   *   `ERR_FSTWAVE_WASM_LOAD`, `ERR_FSTWAVE_WORKER`; TypeError for bad arguments.  A failed
   *   open ends its worker.
   */
  static async open(input, options = {}) {
    const { workerUrl = DEFAULT_WORKER_URL, wasmUrl = DEFAULT_WASM_URL, ...rest } = options ?? {};
    const ch = new Channel(workerUrl, wasmUrl);
    try {
      const { id, info } = await ch.call('open', [input, rest]);
      return new Waveform(ch, id, info);
    } catch (e) {
      ch.terminate();
      throw e;
    }
  }

  /** The file's metadata as read at open (see Info). @type {Info} */
  get info() {
    return this.#info;
  }

  /** The File's name (or the `name` option). @type {string} */
  get name() {
    return this.#info.name;
  }

  #call(op, ...args) {
    return this.#ch.call(op, [this.#id, ...args]);
  }

  /**
   * The metadata again (after a body load `bodyLoaded` may have changed).
   * @returns {Promise<Info>}
   */
  refreshInfo() {
    return this.#call('info').then((i) => (this.#info = i));
  }

  /**
   * The whole hierarchy as plain data: scopes and vars with names, full names, types,
   * widths and signal refs.
   * @returns {Promise<HierarchyData>}
   */
  hierarchy() {
    return this.#call('hierarchy');
  }

  /**
   * The time table: every time step of the file, timescale units.
   * @returns {Promise<BigUint64Array>}
   */
  timeTable() {
    return this.#call('timeTable');
  }

  /**
   * Loads signals into the worker's cache (one pass over the file for all of them), so that
   * the calls after it answer without reading the file.
   * @param {SignalName[]} signals
   * @returns {Promise<{signalRef: number, length: number}[]>} each signal's ref and number
   *   of changes
   * @throws (rejects) `FST_NO_VAR` for an unknown name; RangeError for a bad ref.
   */
  loadSignals(signals) {
    return this.#call('loadSignals', signals);
  }

  /**
   * The window of changes (t0, t1] of a signal as typed arrays (Node's
   * `Signal#changesBetween`): the change in force at t0, then every change in (t0, t1].
   * Loads the signal first when needed.
   * @param {SignalName} signal
   * @param {bigint | number} t0 timescale units
   * @param {bigint | number} t1 timescale units, >= t0
   * @returns {Promise<ChangeWindow>}
   * @throws (rejects) RangeError for t1 < t0 or a negative time; `FST_NO_VAR`.
   */
  changesBetween(signal, t0, t1) {
    return this.#call('changesBetween', signal, t0, t1);
  }

  /**
   * The values in force at time t of some signals (Node's `Waveform#valuesAtTime`).
   * @param {SignalName[]} signals
   * @param {bigint | number} t timescale units
   * @returns {Promise<(bigint | number | string | null)[]>}
   */
  valuesAtTime(signals, t) {
    return this.#call('valuesAtTime', signals, t);
  }

  /**
   * The `fstwave dump` text of the file (docs/dump-format.md): the same bytes as
   * `node node/cli.js dump FILE` and the Python tool's `fstwave dump FILE`.
   * @param {number} [batchSize] signals loaded per pass (does not change the text)
   * @returns {Promise<string>}
   */
  dump(batchSize) {
    return this.#call('dump', batchSize);
  }

  /**
   * The text of `fstwave show FILE SIGNAL...` (Node's `Waveform#showText`): each signal's
   * value at `from` and its changes in (from, to].
   * @param {SignalName[]} signals
   * @param {{from?: bigint | number, to?: bigint | number, radix?: 'bin' | 'dec' | 'hex'}}
   *   [options] times in timescale units (default: the time range); radix default 'hex'
   * @returns {Promise<string>}
   * @throws (rejects) `ERR_FSTWAVE_NO_SIGNAL` for an unknown name; RangeError for a bad
   *   window.
   */
  show(signals, options) {
    return this.#call('show', signals, options);
  }

  /**
   * The SVG of `fstwave render FILE SIGNAL...` (Node's `Waveform#renderSvg`).
   * @param {SignalName[]} signals
   * @param {{from?: bigint | number, to?: bigint | number, width?: number,
   *   radix?: 'bin' | 'dec' | 'hex'}} [options] width in pixels (16..65536, default 1000)
   * @returns {Promise<string>}
   * @throws (rejects) as show; RangeError for a bad width.
   */
  render(signals, options) {
    return this.#call('render', signals, options);
  }

  /**
   * Closes the file and ends the worker (never rejects); later calls reject with
   * `ERR_FSTWAVE_CLOSED`.
   * @returns {Promise<void>}
   */
  async close() {
    try {
      await this.#call('close');
    } catch (e) {
      // closed already, or a worker that trapped or died: ending it is all there is to do
    } finally {
      this.#ch.terminate();
    }
  }
}

/**
 * `Waveform.open(input, options)`.
 * @param {File | Blob | Uint8Array | ArrayBuffer} input
 * @param {object} [options]
 * @returns {Promise<Waveform>}
 */
export function open(input, options) {
  return Waveform.open(input, options);
}
