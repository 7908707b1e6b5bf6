#!/usr/bin/env node
/**
 * Builds the browser files into dist/web/ (`make web`, mk/web.mk) with esbuild:
 *
 *   fstwave.mjs         the main-thread API (node/web/index.mjs), an ES module: `fstwave/web`
 *   fstwave-worker.js   its worker (node/web/worker.js): node/lib's classes, the WebAssembly
 *                       backend (node/lib/backend) and build/wasm/fstwave-core.js, one
 *                       classic-worker script
 *   fstwave-sync.mjs    the worker-side module (node/web/sync.js) for module workers:
 *                       `fstwave/web/sync`
 *   fstwave-sync.js     the same as a classic script (importScripts; global `fstwaveSync`)
 *   fstwave-core.wasm   a copy of build/wasm/fstwave-core.wasm (`make wasm`)
 *
 * In the bundles node/lib/native.js (the addon loader) is node/web/native.js (the
 * WebAssembly backend), Node's `util`, `url`, `fs`, `path` and the global `setImmediate` are
 * node/web/shims/*.
 *
 *   node node/web/build.js [OUTDIR]      (default dist/web)
 *
 * @module fstwave/web/build
 */
'use strict';

const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..', '..');
const OUT = path.resolve(process.argv[2] || path.join(ROOT, 'dist', 'web'));
const WASM = path.join(ROOT, 'build', 'wasm');
const LIB = path.join(ROOT, 'node', 'lib');
const SHIMS = path.join(__dirname, 'shims');

/** Node's modules and the addon loader, as the browser has them. */
const browserPlugin = {
  name: 'fstwave-browser',
  setup(build) {
    const shim = { util: 'util.js', url: 'url.js', fs: 'empty.js', path: 'empty.js' };
    build.onResolve({ filter: /^(node:)?(util|url|fs|path)$/ }, (a) => ({
      path: path.join(SHIMS, shim[a.path.replace(/^node:/, '')]),
    }));
    build.onResolve({ filter: /^\.\/native(\.js)?$/ }, (a) =>
      (path.resolve(a.resolveDir) === LIB ? { path: path.join(__dirname, 'native.js') } : undefined));
  },
};

const common = {
  bundle: true,
  platform: 'browser',
  target: ['es2022'],
  plugins: [browserPlugin],
  inject: [path.join(SHIMS, 'timers.mjs')],
  legalComments: 'inline',
  logLevel: 'warning',
  // the backend's Node-only require of build/wasm/fstwave-core.js by path is never reached
  logOverride: { 'unsupported-require-call': 'silent' },
};

async function main() {
  for (const f of ['fstwave-core.js', 'fstwave-core.wasm']) {
    if (!fs.existsSync(path.join(WASM, f))) {
      throw new Error(`node/web/build.js: ${path.join(WASM, f)} is missing (run \`make wasm\`)`);
    }
  }
  fs.mkdirSync(OUT, { recursive: true });
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(__dirname, 'index.mjs')], format: 'esm',
      outfile: path.join(OUT, 'fstwave.mjs') }),
    esbuild.build({ ...common, entryPoints: [path.join(__dirname, 'worker.js')], format: 'iife',
      outfile: path.join(OUT, 'fstwave-worker.js') }),
    esbuild.build({ ...common, entryPoints: [path.join(__dirname, 'sync-entry.mjs')], format: 'esm',
      outfile: path.join(OUT, 'fstwave-sync.mjs') }),
    esbuild.build({ ...common, entryPoints: [path.join(__dirname, 'sync.js')], format: 'iife',
      globalName: 'fstwaveSync', outfile: path.join(OUT, 'fstwave-sync.js') }),
  ]);
  fs.copyFileSync(path.join(WASM, 'fstwave-core.wasm'), path.join(OUT, 'fstwave-core.wasm'));
  for (const f of fs.readdirSync(OUT).sort()) {
    console.log(`node/web/build.js: ${path.join(path.relative(ROOT, OUT), f)} ${fs.statSync(path.join(OUT, f)).size} bytes`);
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
