/**
 * What the package's modules share with each other and not with users: the token that lets
 * them construct the classes users cannot, the symbols through which Waveform reads a
 * Signal's signal ref and addon handle, and %IteratorPrototype% for the lazy iterators.
 *
 * The other internals need no accessor: a Hierarchy's state is a `HierarchyState` object
 * (lib/hierarchy.js) that the Waveform creates and hands to the Hierarchy, Scopes, Vars and
 * iterators, each keeping it in a private field.
 *
 * @module fstwave/lib/internal
 */
'use strict';

/** Passed to internal constructors; user code cannot construct these classes. */
const kInternal = Symbol('fstwave.internal');

/**
 * Throws unless `token` is `kInternal`: the classes a Waveform hands out are not
 * constructible by users.
 * @param {unknown} token the constructor's first argument
 * @param {string} name the class name, for the message
 * @throws {TypeError} code `ERR_ILLEGAL_CONSTRUCTOR`.
 */
function checkInternal(token, name) {
  if (token !== kInternal) {
    const e = new TypeError(`${name} is not constructible; obtain it from a Waveform`);
    e.code = 'ERR_ILLEGAL_CONSTRUCTOR';
    throw e;
  }
}

/** The name of Signal's method that returns its signal ref (a number), for Waveform's cache. */
const kSignalRef = Symbol('fstwave.signalRef');

/** The name of Signal's method that returns its addon handle, for `Waveform#valuesAtTime`. */
const kSignalHandle = Symbol('fstwave.signalHandle');

/** The name of Waveform's method that loads signals outside its cache as the addon's batch
 * (owned by the caller alone, which takes and frees them one at a time): how the tool
 * (lib/dump-format.js) holds one batch at a time even in one long synchronous run, where
 * garbage collection would free dropped Signals late. */
const kLoadUncached = Symbol('fstwave.loadUncached');

/** The name of Waveform's method that returns its HierarchyState (the file handle, Vars by
 * id), and of Var's that returns its var id, for lib/render.js. */
const kWaveState = Symbol('fstwave.waveState');
const kVarId = Symbol('fstwave.varId');

/** %IteratorPrototype%: iterators inherit `[Symbol.iterator]() { return this }` (and the
 * iterator helpers of newer Node versions) from it. */
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

/**
 * Adds `methods` (an object of functions) to `Class.prototype`, non-enumerable as class
 * methods are: how lib/render.js and lib/stream.js add their methods to Waveform.
 * @param {Function} Class
 * @param {Record<string, Function>} methods
 */
function attachMethods(Class, methods) {
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(Class.prototype, name, { value: fn, writable: true, configurable: true });
  }
}

module.exports = {
  kInternal, checkInternal, kSignalRef, kSignalHandle, kLoadUncached, kWaveState, kVarId,
  IteratorPrototype, attachMethods,
};
