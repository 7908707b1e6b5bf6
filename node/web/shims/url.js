/**
 * Node's `url.fileURLToPath` for the browser bundle (node/web/build.js maps `url` here):
 * a browser has no file paths, so a URL given as a path is a TypeError with Node's code.
 *
 * @module fstwave/web/shims/url
 */
'use strict';

function fileURLToPath(u) {
  const e = new TypeError(`a browser has no file paths (got ${String(u)}); open a File, Blob or bytes`);
  e.code = 'ERR_INVALID_ARG_TYPE';
  throw e;
}

module.exports = { fileURLToPath };
