/**
 * Time: the file's time table (`TimeTable`, a JS copy of the core's times) and its time unit
 * (`Timescale`, `TimescaleUnit`; the unit rule and the unit names are the core's,
 * `fstw_timescale_unit_name`, handed over by the addon's header).
 *
 * @module fstwave/lib/time
 */
'use strict';

const util = require('util');
const { kInternal, checkInternal } = require('./internal');
const { toIndex } = require('./args');

/**
 * The file's time table: a read-only sequence of `bigint` times (timescale units), one per
 * time step, in file order, block-boundary duplicates kept (as pywellen).  `length`,
 * `at(i)` with negative indices, iteration and spreading (deviation D3 in docs/api.md:
 * pywellen's has no `len()`, returns `None` out of range and iterates forever).  Not
 * constructible.
 */
class TimeTable {
  #t;

  /** @hideconstructor */
  constructor(token, times) {
    checkInternal(token, 'TimeTable');
    this.#t = times; // a BigUint64Array copy, never handed out
  }

  /** The number of time steps. @type {number} */
  get length() {
    return this.#t.length;
  }

  /**
   * The time at index `i`; negative `i` counts from the end (`at(-1)` is the last time).
   * `undefined` out of range, like `Array.prototype.at`.
   * @param {number | bigint} i
   * @returns {bigint | undefined}
   * @throws {TypeError | RangeError} when `i` is not an integer.
   */
  at(i) {
    i = toIndex(i, 'index');
    if (i < 0) i += this.#t.length;
    if (i < 0 || i >= this.#t.length) return undefined;
    return this.#t[i];
  }

  /** @returns {IterableIterator<bigint>} the times in order */
  [Symbol.iterator]() {
    return this.#t[Symbol.iterator]();
  }

  [util.inspect.custom]() {
    const n = this.#t.length;
    return n === 0 ? 'TimeTable len=0' : `TimeTable len=${n} first=${this.#t[0]} last=${this.#t[n - 1]}`;
  }
}

/**
 * The unit of a Timescale (pywellen's `TimescaleUnit`): `toString()` is one of
 * `zs as fs ps ns us ms s`, `toExponent()` the power of ten of seconds.
 */
class TimescaleUnit {
  #exp;
  #name;

  /** @hideconstructor */
  constructor(token, exponent, name) {
    checkInternal(token, 'TimescaleUnit');
    this.#exp = exponent;
    this.#name = name;
  }

  /** `zs`, `as`, `fs`, `ps`, `ns`, `us`, `ms` or `s` (`unknown` never occurs for FST). @returns {string} */
  toString() {
    return this.#name;
  }

  /** The unit as a power of ten of seconds: ns -> -9, s -> 0. @returns {number} */
  toExponent() {
    return this.#exp;
  }

  [util.inspect.custom]() {
    return `TimescaleUnit.${this}`;
  }
}

/**
 * The duration of one time unit of the file: `factor` x `unit` (pywellen's `Timescale`);
 * `toString()` like `"10ps"`.
 */
class Timescale {
  /** @hideconstructor */
  constructor(token, factor, unit) {
    checkInternal(token, 'Timescale');
    /** The multiplier of the unit: 1, 10 or 100. @type {number} */
    this.factor = factor;
    /** @type {TimescaleUnit} */
    this.unit = unit;
    Object.freeze(this);
  }

  /** `factor` followed by the unit, e.g. `"10ps"`, `"1ns"`. @returns {string} */
  toString() {
    return `${this.factor}${this.unit}`;
  }

  [util.inspect.custom]() {
    return `Timescale(factor=${this.factor}, unit=TimescaleUnit.${this.unit})`;
  }
}

/**
 * The Timescale of a header's `timescale` field (`{factor, exponent, unit}` from the addon),
 * or `null` when the file's exponent has no unit.
 * @param {{factor: number, exponent: number, unit: string} | null} ts
 * @returns {Timescale | null}
 */
function timescaleOf(ts) {
  return ts === null ? null : new Timescale(kInternal, ts.factor, new TimescaleUnit(kInternal, ts.exponent, ts.unit));
}

module.exports = { TimeTable, Timescale, TimescaleUnit, timescaleOf };
