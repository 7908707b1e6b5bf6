/**
 * The picture and the text of the tool's `render` and `show` commands as Waveform methods:
 * `renderSvg`, `showText` and their async forms, over the addon's natives (nfstw_render.c,
 * which call the core's fstw_render_svg and fstw_show_text, so the bytes are those of the
 * Python package's `Waveform.render_svg` / `show_text`).  The formats are in docs/tools.md.
 *
 * @module fstwave/lib/render
 */
'use strict';

const native = require('./native');
const { kSignalHandle, kWaveState, kVarId, attachMethods } = require('./internal');
const { typeError, describe } = require('./args');
const { parseWorkOptions } = require('./abort');
const { Var } = require('./hierarchy');

const RADIX = { bin: 2, dec: 10, hex: 16 };

/** The error of a name the file does not have (the Python package's ValueError text). */
function unknownSignal(name) {
  const e = new Error(`no signal named '${name}'`);
  e.code = 'ERR_FSTWAVE_NO_SIGNAL';
  return e;
}

/** The vars of `vars` (Vars of this waveform, or full names): [Var objects, Uint32Array ids]. */
function resolveVars(state, vars, method) {
  if (vars === null || typeof vars?.[Symbol.iterator] !== 'function' || typeof vars === 'string') {
    throw typeError(`${method}(): expected an array of Var or string, got ${describe(vars)}`);
  }
  const objs = [];
  for (const item of vars) {
    let id;
    if (typeof item === 'string') {
      id = native.lookupVar(state.handle, item);
      if (id < 0) throw unknownSignal(item);
    } else if (item instanceof Var) {
      id = item[kVarId]();
      if (state.var(id) !== item) throw typeError(`${method}(): a Var of another waveform`);
    } else {
      throw typeError(`${method}(): expected Var or string items, got ${describe(item)}`);
    }
    objs.push(state.var(id));
  }
  if (objs.length === 0) throw typeError(`${method}(): no vars given`);
  return [objs, Uint32Array.from(objs, (v) => v[kVarId]())];
}

/** The options of renderSvg/showText: { from, to, width, radix } plus the work options. */
function parseRenderOptions(options, method) {
  const work = parseWorkOptions(options, method);
  const o = options ?? {};
  const radix = o.radix ?? 'hex';
  if (!Object.prototype.hasOwnProperty.call(RADIX, radix)) {
    throw typeError(`${method}(): options.radix must be 'bin', 'dec' or 'hex', got ${describe(radix)}`);
  }
  return { work, from: o.from ?? null, to: o.to ?? null, width: o.width ?? 1000, radix: RADIX[radix] };
}

/** The rows' arguments of the natives: the wave handle, var ids, signal handles. */
function prepare(w, vars, options, method) {
  const state = w[kWaveState]();
  const [objs, ids] = resolveVars(state, vars, method);
  return { state, objs, ids, opts: parseRenderOptions(options, method) };
}

const methods = {
  /**
   * The waveform picture of the tool's `render` command, as an SVG document: one row per
   * item of `vars` (Vars of this waveform, or full names as `getSignalFromPath` takes them)
   * over the window (from, to] (timescale units; default the file's time range), `width`
   * pixels wide (16..65536, one summary slice per pixel), bus values in `radix`.  The same
   * bytes as the Python package's `Waveform.render_svg`.  The signals are loaded (and cached)
   * as by `loadSignals(vars, { signal, onProgress })`.  Extension (docs/tools.md).
   * @param {Iterable<Var | string>} vars
   * @param {{from?: bigint | number, to?: bigint | number, width?: number,
   *   radix?: 'bin' | 'dec' | 'hex', signal?: AbortSignal,
   *   onProgress?: (done: number, total: number) => void}} [options]
   * @returns {string}
   * @throws {Error} code `ERR_FSTWAVE_NO_SIGNAL` for a name the file does not have;
   *   {RangeError} for a bad window (to <= from) or width; {TypeError} for bad arguments.
   */
  renderSvg(vars, options) {
    const { objs, ids, opts } = prepare(this, vars, options, 'renderSvg');
    const signals = this.loadSignals(objs, opts.work);
    return native.renderSvg(this[kWaveState]().handle, ids, signals.map((s) => s[kSignalHandle]()),
      opts.from, opts.to, opts.width, opts.radix);
  },

  /**
   * Like `renderSvg()`, with the loads and the drawing on the libuv thread pool.
   * @param {Iterable<Var | string>} vars
   * @param {object} [options] as renderSvg
   * @returns {Promise<string>}
   */
  async renderSvgAsync(vars, options) {
    const { state, objs, ids, opts } = prepare(this, vars, options, 'renderSvgAsync');
    const signals = await this.loadSignalsAsync(objs, opts.work);
    const svg = await native.renderSvgAsync(state.handle, ids, signals.map((s) => s[kSignalHandle]()),
      opts.from, opts.to, opts.width, opts.radix);
    return keptUntil(svg, signals);
  },

  /**
   * The text of the tool's `show` command: for each item of `vars` (as in `renderSvg`) the
   * value in force at `from` and every change in (from, to], one line each, values as people
   * read them.  The same bytes as the Python package's `Waveform.show_text`.  Extension
   * (docs/tools.md).
   * @param {Iterable<Var | string>} vars
   * @param {{from?: bigint | number, to?: bigint | number, radix?: 'bin' | 'dec' | 'hex',
   *   signal?: AbortSignal, onProgress?: (done: number, total: number) => void}} [options]
   * @returns {string}
   * @throws as renderSvg (a window with to < from is a RangeError).
   */
  showText(vars, options) {
    const { objs, ids, opts } = prepare(this, vars, options, 'showText');
    const signals = this.loadSignals(objs, opts.work);
    return native.showText(this[kWaveState]().handle, ids, signals.map((s) => s[kSignalHandle]()),
      opts.from, opts.to, opts.radix);
  },

  /**
   * Like `showText()`, with the loads and the formatting on the libuv thread pool.
   * @param {Iterable<Var | string>} vars
   * @param {object} [options] as showText
   * @returns {Promise<string>}
   */
  async showTextAsync(vars, options) {
    const { state, objs, ids, opts } = prepare(this, vars, options, 'showTextAsync');
    const signals = await this.loadSignalsAsync(objs, opts.work);
    const text = await native.showTextAsync(state.handle, ids, signals.map((s) => s[kSignalHandle]()),
      opts.from, opts.to, opts.radix);
    return keptUntil(text, signals);
  },
};

/** Returns `value`; `signals` stay reachable until here (the native call reads them). */
function keptUntil(value, signals) {
  return signals.length >= 0 ? value : value;
}

/** Adds the methods to Waveform.prototype. */
function attach(Waveform) {
  attachMethods(Waveform, methods);
}

module.exports = { attach };
