/**
 * The browser bundle's `lib/native.js` (node/web/build.js puts it in place of the addon
 * loader): the WebAssembly backend, always.  node/web/sync.js has given the backend its
 * module (`provide`) before anything requires this.
 *
 * @module fstwave/web/native
 */
'use strict';

module.exports = require('../lib/backend/index');
