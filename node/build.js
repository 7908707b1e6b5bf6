#!/usr/bin/env node
/*
 * Builds the fstwave addon (build/Release/fstwave.node) from source, offline, against the
 * headers of the node that runs this script.  `make node` runs it in a clone; the install
 * script (node/install.js) runs it when no prebuilt addon fits.
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
 * node-gyp is the devDependency in a clone, else the copy npm bundles (npm names it to
 * install scripts in npm_config_node_gyp; by hand, the npm beside this node is looked at),
 * so installing the package does not install node-gyp.
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

/**
 * The node-gyp script to run: the package's own (a devDependency, present in a clone after
 * `npm install`), else npm's bundled copy (npm_config_node_gyp, set by npm for install
 * scripts), else the bundled copy of the npm installed beside this node.
 * @returns {string} the path of node-gyp's bin/node-gyp.js
 * @throws {Error} when none exists
 */
function nodeGypScript() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
  } catch {
    /* not a devDependency here: npm's own */
  }
  const prefix = path.dirname(path.dirname(process.execPath));
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(prefix, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), // Windows layout
  ].filter(Boolean);
  const found = candidates.find((f) => fs.existsSync(f));
  if (found) return found;
  throw new Error(
    `fstwave: node-gyp not found (looked in ${root}/node_modules and at ${candidates.join(', ')}); ` +
      'run `npm install` in the package directory or build through npm (`npm rebuild fstwave --build-from-source`)'
  );
}

function run(gyp, args) {
  const r = spawnSync(process.execPath, [gyp, ...args], { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`fstwave: node-gyp ${args[0]} failed (exit ${r.status === null ? r.signal : r.status})`);
  }
}

/** node-gyp configure + build into build/Release, offline (see the file comment). */
function build() {
  const nodedir = findNodeDir();
  const gyp = nodeGypScript();
  console.log(`fstwave: building the addon against ${path.join(nodedir, 'include', 'node')}`);
  run(gyp, ['configure', `--nodedir=${nodedir}`]);
  run(gyp, ['build', `--nodedir=${nodedir}`, '--jobs=max']);
}

function main() {
  if (process.argv.includes('--sources')) {
    process.stdout.write(cSources().join('\n') + '\n');
    return;
  }
  build();
}

module.exports = { build, findNodeDir, nodeGypScript };

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
  }
}
