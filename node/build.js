#!/usr/bin/env node
/*
 * Builds the fstwave addon (build/Release/fstwave.node) offline, against the
 * headers of the node that runs this script; `npm install` runs it.
 *
 *   node node/build.js            node-gyp configure + build
 *   node node/build.js --sources  print the C sources (binding.gyp uses it)
 *
 * The headers are looked up next to the running node: for
 * <prefix>/bin/node they are <prefix>/include/node (node_api.h,
 * common.gypi), e.g. /usr/include/node for /usr/bin/node.  node-gyp gets
 * --nodedir=<prefix>, so it never downloads a header tarball; if the headers
 * are missing this script stops with a message instead.  FSTWAVE_NODEDIR
 * overrides the prefix.
 *
 * It runs `configure` then `build`, never `rebuild`: node-gyp's clean step
 * deletes the whole build/ directory, where the Makefile also keeps the C
 * core library, the fixtures and the C test binaries.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');

function cSources() {
  const list = (dir) =>
    fs
      .readdirSync(path.join(root, dir))
      .filter((f) => f.endsWith('.c'))
      .sort()
      .map((f) => `${dir}/${f}`);
  return [...list('core/src'), 'vendor/libfst/lz4.c', 'vendor/libfst/fastlz.c', ...list('node/src')];
}

function hasHeaders(prefix) {
  return (
    fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) &&
    fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))
  );
}

function findNodeDir() {
  if (process.env.FSTWAVE_NODEDIR) {
    if (!hasHeaders(process.env.FSTWAVE_NODEDIR)) {
      throw new Error(`FSTWAVE_NODEDIR=${process.env.FSTWAVE_NODEDIR} has no include/node/node_api.h and common.gypi`);
    }
    return process.env.FSTWAVE_NODEDIR;
  }
  const candidates = [process.execPath];
  try {
    candidates.push(fs.realpathSync(process.execPath));
  } catch {
    /* keep execPath only */
  }
  for (const exe of candidates) {
    const prefix = path.dirname(path.dirname(exe)); // <prefix>/bin/node -> <prefix>
    if (hasHeaders(prefix)) return prefix;
  }
  const tried = candidates.map((e) => path.join(path.dirname(path.dirname(e)), 'include', 'node')).join(', ');
  throw new Error(
    `fstwave: Node.js headers not found (looked in ${tried}).\n` +
      'Use a Node.js distribution that ships include/node (the official tarballs and\n' +
      'NodeSource packages do), or set FSTWAVE_NODEDIR=<prefix>.\n' +
      'The build never downloads headers.'
  );
}

function run(args) {
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  const r = spawnSync(process.execPath, [gyp, ...args], { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`fstwave: node-gyp ${args[0]} failed (exit ${r.status === null ? r.signal : r.status})`);
  }
}

function main() {
  if (process.argv.includes('--sources')) {
    process.stdout.write(cSources().join('\n') + '\n');
    return;
  }
  const nodedir = findNodeDir();
  console.log(`fstwave: building the addon against ${path.join(nodedir, 'include', 'node')}`);
  run(['configure', `--nodedir=${nodedir}`]);
  run(['build', `--nodedir=${nodedir}`, '--jobs=max']);
}

try {
  main();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
