/**
 * The addon loader: finds and loads fstwave's Node-API addon (plain C, Node-API 8, built by
 * `node node/build.js` into `build/Release/fstwave.node`, or `build/Debug` for a debug build)
 * once per module instance.  Every other module of the package calls the addon through the
 * object exported here; the native functions, their arguments and returns are documented in
 * node/src (nfstw_module.c lists them).
 *
 * @module fstwave/lib/native
 * @throws {Error} at load time when neither build exists, naming the paths looked at and how
 *   to build the addon.
 */
'use strict';

const fs = require('fs');
const path = require('path');

function loadNative() {
  const dirs = ['Release', 'Debug'].map((d) => path.join(__dirname, '..', '..', 'build', d, 'fstwave.node'));
  for (const file of dirs) {
    if (fs.existsSync(file)) return require(file);
  }
  throw new Error(
    `fstwave: the native addon is not built (looked for ${dirs.join(', ')}); ` +
      'run `npm install` or `node node/build.js` in the package directory'
  );
}

module.exports = loadNative();
