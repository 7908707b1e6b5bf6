/**
 * What `fs` and `path` are in the browser bundle (node/web/build.js maps them here): nothing.
 * The modules that require them use them only for Node paths and file descriptors, which a
 * browser never hands them (node/web/source.js makes Blob and byte sources instead).
 *
 * @module fstwave/web/shims/empty
 */
'use strict';

module.exports = {};
