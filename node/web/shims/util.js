/**
 * The part of Node's `util` the JS classes use, for the browser bundle (node/web/build.js
 * maps `util` here): `util.inspect.custom`, the symbol Node's inspector looks for (the same
 * registered symbol as Node's, so the classes' custom views stay keyed alike).
 *
 * @module fstwave/web/shims/util
 */
'use strict';

module.exports = { inspect: { custom: Symbol.for('nodejs.util.inspect.custom') } };
