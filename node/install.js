#!/usr/bin/env node
/*
 * The package's install script (`npm install` runs it): keeps a prebuilt addon when one fits
 * this machine and loads, and builds the addon from source (node/build.js: offline, against
 * the local Node headers) only when none does.
 *
 * Builds from source when
 *   - npm was asked to (`npm install --build-from-source`, `npm rebuild --build-from-source`:
 *     npm_config_build_from_source=true),
 *   - the package directory is a git checkout (a clone: the sources are what counts, and a
 *     build/Release next to them is what the loader takes first), or
 *   - no prebuild of prebuilds/<platform>-<arch>/ fits and loads: node-gyp-build picks one
 *     (PREBUILDS_ONLY, so a stale build/ does not count) and a child node loads it, so a
 *     prebuild for another libc or an older glibc fails there, not in this process.
 * A source build needs a C compiler, make and python3; npm's bundled node-gyp drives it.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');

/**
 * The prebuilt addon node-gyp-build picks for this process, if it loads in a child node.
 * @returns {{file: string|null, why: string}} file null when none fits or loads, why says so
 */
function loadablePrebuild() {
  let ngb;
  try {
    ngb = require.resolve('node-gyp-build', { paths: [root] });
  } catch {
    return { file: null, why: 'node-gyp-build is not installed' };
  }
  const probe =
    'const ngb = require(process.argv[1]); const f = ngb.path(process.argv[2]);' +
    ' require(f); process.stdout.write(f);';
  const r = spawnSync(process.execPath, ['-e', probe, ngb, root], {
    env: { ...process.env, PREBUILDS_ONLY: '1' },
    encoding: 'utf8',
  });
  if (r.status === 0) return { file: r.stdout, why: '' };
  const err = (r.stderr || '').split('\n').find((l) => /^\w*Error: /.test(l)) || `exit ${r.status}`;
  return { file: null, why: err.trim() };
}

function main() {
  let reason;
  if (process.env.npm_config_build_from_source === 'true') {
    reason = 'a build from source was asked for';
  } else if (fs.existsSync(path.join(root, '.git'))) {
    reason = 'the package is a git checkout';
  } else {
    const pre = loadablePrebuild();
    if (pre.file) {
      console.log(`fstwave: using the prebuilt addon ${path.relative(root, pre.file)}`);
      return;
    }
    reason = `no prebuilt addon fits (${pre.why})`;
  }
  console.log(`fstwave: ${reason}; building the addon from source`);
  require('./build.js').build();
}

try {
  main();
} catch (e) {
  console.error(e.message);
  process.exitCode = 1;
}
