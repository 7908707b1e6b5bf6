#!/usr/bin/env node
/*
 * Makes the prebuilt addon that the npm package ships for one platform and CPU, in
 * prebuildify's layout: prebuilds/<platform>-<arch>/node.napi.glibc.node (one Node-API
 * build: any Node.js or Electron with Node-API 8, glibc; node-gyp-build loads it at run time,
 * node/lib/native.js).
 *
 *   node scripts/prebuild.js                 linux-x64 here (the host's platform and CPU)
 *   node scripts/prebuild.js --arch arm64    linux-arm64, cross-compiled with Debian's
 *                                            gcc-aarch64-linux-gnu (CC/CXX/LINK/AR set to
 *                                            aarch64-linux-gnu-*, node-gyp --arch arm64);
 *                                            needs zlib for arm64 (zlib1g-dev:arm64)
 *
 * It builds what a user's source build would build: the files `npm pack` puts in the
 * package (npm pack --dry-run --json) are copied to build/prebuild/<platform>-<arch>/, and
 * prebuildify runs `node-gyp rebuild` there (never in the repository, whose build/ the
 * Makefile owns), offline, against the headers of the running node (npm_config_nodedir,
 * found as node/build.js finds them). The result is stripped and checked with `file` (an
 * ELF shared object for the requested CPU).
 *
 * Knobs: CROSS_PREFIX (default aarch64-linux-gnu- for arm64), FSTWAVE_NODEDIR (the headers).
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const { findNodeDir } = require(path.join(root, 'node', 'build.js'));

/** What `file` must say about the addon for each CPU, and the cross prefix of each. */
const ARCHES = {
  x64: { file: 'x86-64', cross: 'x86_64-linux-gnu-' },
  arm64: { file: 'ARM aarch64', cross: 'aarch64-linux-gnu-' },
};
const NAME = 'node.napi'; // + the libc tag: node.napi.glibc.node

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`prebuild: ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`prebuild: ${cmd} ${args.join(' ')} failed (exit ${r.status})\n${r.stderr || ''}`);
  return r.stdout;
}

/** The files of the npm package (package.json's `files`), except prebuilds/. */
function packageFiles() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = sh(npm, ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], { cwd: root });
  return JSON.parse(out)[0].files.map((f) => f.path).filter((p) => !p.startsWith('prebuilds/'));
}

/** Copies the package's files into a fresh staging folder and returns it. */
function stage(tuple) {
  const dir = path.join(root, 'build', 'prebuild', tuple);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const rel of packageFiles()) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.copyFileSync(path.join(root, rel), path.join(dir, rel));
  }
  return dir;
}

/** The environment of the build: offline headers, and the cross tools for another CPU. */
function buildEnv(arch) {
  const env = { npm_config_nodedir: findNodeDir(), npm_config_jobs: 'max' };
  if (arch !== os.arch()) {
    const p = process.env.CROSS_PREFIX || ARCHES[arch].cross;
    const cc = `${p}gcc`;
    if (spawnSync(cc, ['--version']).status !== 0) {
      throw new Error(`prebuild: ${cc} not found; on Debian: apt-get install gcc-${p.slice(0, -1).replace(/_/g, '-')}`);
    }
    // the addon is plain C: gcc links it (no g++ needed for the cross target)
    Object.assign(env, { CC: cc, CXX: `${p}g++`, LINK: cc, AR: `${p}ar`, PREBUILD_STRIP_BIN: `${p}strip` });
  }
  return env;
}

function prebuild(arch) {
  if (!ARCHES[arch]) throw new Error(`prebuild: unknown --arch ${arch} (one of ${Object.keys(ARCHES).join(', ')})`);
  const platform = os.platform();
  const tuple = `${platform}-${arch}`;
  const dir = stage(tuple);
  const env = buildEnv(arch);
  Object.assign(process.env, env); // prebuildify passes process.env on to node-gyp
  const prebuildify = require('prebuildify');
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    prebuildify(
      {
        cwd: dir,
        out: root,
        arch,
        platform,
        napi: true,
        targets: [process.versions.node], // the headers' version (npm_config_nodedir)
        name: NAME,
        tagLibc: true,
        strip: true,
        stripBin: env.PREBUILD_STRIP_BIN || 'strip',
        nodeGyp: path.join(root, 'node_modules', '.bin', 'node-gyp'),
        shell: process.platform === 'win32' ? true : undefined,
      },
      (err) => (err ? reject(err) : resolve())
    );
  }).then(() => {
    const out = path.join(root, 'prebuilds', tuple, `${NAME}.glibc.node`);
    if (!fs.existsSync(out)) throw new Error(`prebuild: prebuildify made no ${out}`);
    const kind = sh('file', ['-b', out]).trim();
    if (!kind.includes('ELF') || !kind.includes('shared object') || !kind.includes(ARCHES[arch].file)) {
      throw new Error(`prebuild: ${out} is not an ELF shared object for ${arch}: ${kind}`);
    }
    const size = fs.statSync(out).size;
    console.log(`prebuild: ${path.relative(root, out)} (${size} bytes, ${((Date.now() - t0) / 1000).toFixed(1)} s)\n  ${kind}`);
  });
}

function main() {
  const i = process.argv.indexOf('--arch');
  const arch = i > 0 ? process.argv[i + 1] : os.arch();
  return prebuild(arch);
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
