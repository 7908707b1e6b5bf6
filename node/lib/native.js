/**
 * The addon loader: finds and loads fstwave's Node-API addon (plain C, Node-API 8) once per
 * module instance.  Every other module of the package calls the addon through the object
 * exported here; the native functions, their arguments and returns are documented in
 * node/src (nfstw_module.c lists them).
 *
 * Where the addon comes from, first match wins (node-gyp-build's order):
 *   1. `build/Release/*.node`, then `build/Debug/*.node`: a build from source
 *      (`node node/build.js`, run by `make node` in a clone and by the install script when
 *      no prebuild fits);
 *   2. `prebuilds/<platform>-<arch>/*.node`: the prebuilt binaries shipped in the npm
 *      package (prebuildify's layout, made by scripts/prebuild.js), the one whose tags
 *      (`node.napi.glibc.node`: any runtime with Node-API, glibc) fit this process.
 * node-gyp-build (a dependency without dependencies) does the lookup; where it cannot be
 * resolved (a package directory used without its dependencies, e.g. a clone before
 * `npm install`) only the build/ folders are looked at.
 *
 * @module fstwave/lib/native
 * @throws {Error} at load time when no build and no fitting prebuild exists, saying what was
 *   looked for and how to build the addon from source.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');

/** The path of the addon to load: node-gyp-build's choice, or a build/ folder without it. */
function addonPath() {
  let nodeGypBuild = null;
  try {
    nodeGypBuild = require('node-gyp-build');
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
  }
  if (nodeGypBuild) return nodeGypBuild.path(ROOT);
  const builds = ['Release', 'Debug'].map((d) => path.join(ROOT, 'build', d, 'fstwave.node'));
  const found = builds.find((f) => fs.existsSync(f));
  if (found) return found;
  throw new Error(`no native build was found (looked for ${builds.join(', ')}; node-gyp-build is not installed)`);
}

function loadNative() {
  let file;
  try {
    file = addonPath();
  } catch (e) {
    throw new Error(
      `fstwave: ${e.message.trim()}\n` +
        'Build the addon from source (needs a C compiler, make and python3): ' +
        '`npm rebuild fstwave --build-from-source`, or `node node/build.js` in the package directory',
      { cause: e }
    );
  }
  return require(file);
}

/**
 * The backend seam: FSTWAVE_BACKEND=native (the default) loads the addon, FSTWAVE_BACKEND=wasm
 * the WebAssembly backend (node/lib/backend: the same functions, arguments, returns and
 * errors); without FSTWAVE_BACKEND, a process where no addon is found falls back to the
 * WebAssembly backend when its build is there.  `backend` says which one was loaded.
 */
function loadBackend() {
  const want = process.env.FSTWAVE_BACKEND;
  if (want === 'wasm') return require('./backend/index');
  if (want !== undefined && want !== '' && want !== 'native') {
    throw new Error(`fstwave: FSTWAVE_BACKEND must be "native" or "wasm", not ${JSON.stringify(want)}`);
  }
  try {
    const addon = loadNative();
    addon.backend = 'native';
    return addon;
  } catch (e) {
    if (want === 'native') throw e;
    try {
      return require('./backend/index');
    } catch (e2) {
      throw e; // neither: the addon's error says how to build it
    }
  }
}

module.exports = loadBackend();
