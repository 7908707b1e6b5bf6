#!/usr/bin/env node
/*
 * Builds the fstwave addon (build/Release/fstwave.node) from source, offline, against the
 * headers of the node that runs this script.  `make node` runs it in a clone; the install
 * script (node/install.js) runs it when no prebuilt addon fits.
 *
 *   node node/build.js            node-gyp configure + build, then the JS code cache
 *   node node/build.js --sources  print the C sources (binding.gyp uses it)
 *   node node/build.js --code-cache [SAMPLE.fst]
 *                                 only the V8 code cache of node/lib (see below)
 *
 * The code cache (build/Release/fstwave-js.cache, read by node/lib/code-cache.js) holds the
 * compiled bytecode of the package's modules, so that a fresh process neither compiles them
 * nor, on its first open and signal load, the functions on the path.  It is made in a child
 * process by this Node (a cache made by another Node version is not used): the package is
 * loaded and, when a sample FST file is found (SAMPLE, else env FSTWAVE_CODE_CACHE_SAMPLE,
 * else build/example.fst of a clone), that file is opened, walked and a signal read, so that
 * the functions of those first calls are compiled and cached too.  Without a sample only the
 * modules' top-level code is cached.  A failure here only warns: the package then compiles
 * its modules as usual.
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

/**
 * The first calls of a program on `sample` (an FST file): open, walk every var's full name,
 * read the body, load signals (fresh and again), read values; run before the code cache is
 * written so that these functions' bytecode is in it.
 * @param {typeof import('../node/index')} fstwave the package, loaded through the cache
 * @param {string} sample
 */
function firstCalls(fstwave, sample) {
  const w = new fstwave.Waveform(sample, { loadBody: false });
  const h = w.hierarchy;
  const vars = [];
  for (const v of h.allVars()) {
    v.fullName(h);
    vars.push(v);
  }
  for (const s of h.topScopes()) s.fullName(h);
  const tt = w.timeTable;
  if (vars.length > 0) {
    const s = w.getSignal(vars[0]);
    w.getSignal(vars[0]);
    w.loadSignals(vars.slice(0, 4));
    if (tt.length > 0) s.valueAtTime(tt.at(-1));
    for (const change of s.allChanges()) void change;
  }
  w.close();
}

/**
 * Writes build/Release/fstwave-js.cache (see the file comment) in this process, which must
 * not have loaded node/lib yet.
 * @param {string | undefined} sample an FST file for firstCalls, or undefined
 * @returns {string} the cache file's path
 */
function produceCodeCache(sample) {
  const codeCache = require('./lib/code-cache');
  codeCache.startProducing();
  const fstwave = require('./index');
  if (sample !== undefined) firstCalls(fstwave, sample);
  return codeCache.writeCache();
}

/** The sample for the code cache: the argument, FSTWAVE_CODE_CACHE_SAMPLE or build/example.fst. */
function cacheSample(arg) {
  if (arg !== undefined) return arg;
  if (process.env.FSTWAVE_CODE_CACHE_SAMPLE) return process.env.FSTWAVE_CODE_CACHE_SAMPLE;
  const example = path.join(root, 'build', 'example.fst');
  return fs.existsSync(example) ? example : undefined;
}

/** Runs `--code-cache` in a fresh child process; warns (does not throw) when it fails. */
function buildCodeCache() {
  const r = spawnSync(process.execPath, [__filename, '--code-cache'], { cwd: root, stdio: 'inherit' });
  if (r.error || r.status !== 0) {
    console.warn('fstwave: warning: the JS code cache was not made; the package compiles its modules at load');
  }
}

function main() {
  if (process.argv.includes('--sources')) {
    process.stdout.write(cSources().join('\n') + '\n');
    return;
  }
  const cc = process.argv.indexOf('--code-cache');
  if (cc >= 0) {
    const sample = cacheSample(process.argv[cc + 1]);
    const file = produceCodeCache(sample);
    console.log(`fstwave: JS code cache ${path.relative(root, file)}${sample ? ` (first calls on ${sample})` : ''}`);
    return;
  }
  build();
  buildCodeCache();
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
