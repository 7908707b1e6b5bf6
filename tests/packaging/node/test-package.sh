#!/bin/sh
# The npm package as a user gets it (make test-node-package; mk/packaging-node.mk):
#
#   tests/packaging/node/test-package.sh FILE.fst...
#
#  1. `npm pack` the repository (the prebuilds/ made before, by scripts/prebuild.js) into
#     build/node-package/, and check the tarball holds the linux-x64 prebuild, the docs, the
#     licence, the types, what a source build needs and the browser files (dist/web, `make
#     web`), and nothing of tests/ or build/;
#  2. a PATH with only node, npm, npx and sh (build/node-package/bin): cc, gcc, g++, c++, clang
#     and make must not be reachable through it;
#  3. with that PATH, `npm install --offline` of the tarball into a fresh project
#     (build/node-package/app): the install script must keep the prebuild (no build/ in the
#     installed package), and the project gets fstwave and node-gyp-build only;
#  4. smoke.js there, in the main thread and a worker (the prebuild must be the addon that
#     loads), then `npx fstwave dump FILE` of the installed package must equal, byte for
#     byte, the repository's tool (node node/cli.js dump FILE, the build from source);
#  5. `npm install --build-from-source` of the tarball into another project, with the
#     compiler on PATH: the install script must build from the packed sources (npm's bundled
#     node-gyp, the local headers), and smoke.js must run with that build/Release;
#  6. TypeScript: a third project installs the tarball, typescript and @types/node (the
#     versions of the repository's devDependencies, offline); `tsc` must accept
#     consumer.ts and reject consumer-bad.ts with exactly its three errors.
#  7. `npm install <folder>` of a fresh clone of HEAD (compiler on PATH): npm links it, its
#     install script builds from source with npm's node-gyp, and `npx fstwave dump` works.
# Needs the repository's node_modules (npm ci: fills npm's cache with node-gyp-build,
# typescript and @types/node) and build/Release (make node) for the reference dump.
set -eu
unset NODE_PATH

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE=$ROOT/tests/packaging/node
OUT=$ROOT/build/node-package
TUPLE=linux-x64
PREBUILD=prebuilds/$TUPLE/node.napi.glibc.node
[ $# -gt 0 ] || { echo "usage: $0 FILE.fst..." >&2; exit 2; }

passed=0
ok() { passed=$((passed + 1)); echo "test-node-package: ok: $*"; }
fail() { echo "test-node-package: FAIL: $*" >&2; echo "test-node-package: $passed passed, 1 failed" >&2; exit 1; }
now() { date +%s.%N; }
secs() { awk "BEGIN { printf \"%.1f\", $(now) - $1 }"; }

[ -f "$ROOT/$PREBUILD" ] || fail "$PREBUILD missing: run node scripts/prebuild.js (make prebuild-node)"
rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/app" "$OUT/src" "$OUT/ts"

# 1. the tarball
t=$(now)
TGZ=$OUT/$(cd "$ROOT" && npm pack --ignore-scripts --loglevel=error --pack-destination "$OUT" | tail -n 1)
[ -f "$TGZ" ] || fail "npm pack made no tarball"
tar tzf "$TGZ" | sed 's|^package/||' | sort > "$OUT/contents.txt"
docs=$(cd "$ROOT" && ls docs/*.md)
licence=$(cd "$ROOT" && ls LICENSE 2>/dev/null || true)
for f in "$PREBUILD" package.json README.md $docs $licence \
         node/index.js node/index.d.ts node/cli.js node/install.js node/build.js \
         node/lib/native.js binding.gyp core/include/fstwave.h vendor/libfst/lz4.h \
         dist/web/fstwave.mjs dist/web/fstwave-worker.js dist/web/fstwave-core.wasm; do
    grep -qx "$f" "$OUT/contents.txt" || fail "the tarball lacks $f"
done
for d in tests/ build/ python/ bench/ scripts/ node_modules/; do
    ! grep -q "^$d" "$OUT/contents.txt" || fail "the tarball holds $d"
done
ok "npm pack: $(basename "$TGZ"), $(wc -l < "$OUT/contents.txt") files, $(du -k "$TGZ" | cut -f1) KiB, has $PREBUILD, $(echo $docs $licence), the types and the sources ($(secs "$t") s)"

# 2. a PATH without a compiler
for tool in node npm npx sh; do ln -s "$(command -v $tool)" "$OUT/bin/$tool"; done  # npm runs scripts with sh
NOCC=$OUT/bin
for tool in cc gcc g++ c++ clang make; do
    found=$(env PATH="$NOCC" /bin/sh -c "command -v $tool" || true)
    [ -z "$found" ] || fail "$tool is reachable through the test PATH ($found)"
done
ok "no cc, gcc, g++, c++, clang or make on the install PATH ($NOCC)"

# 3. npm install of the tarball, offline, without a compiler
t=$(now)
cd "$OUT/app"
echo '{ "name": "app", "version": "1.0.0", "private": true }' > package.json
env PATH="$NOCC" npm install --offline --no-audit --no-fund --foreground-scripts --loglevel=error "$TGZ" > "$OUT/install.log" 2>&1 \
    || { cat "$OUT/install.log" >&2; fail "npm install of the tarball"; }
install_s=$(secs "$t")
grep -q "fstwave: using the prebuilt addon $PREBUILD" "$OUT/install.log" \
    || { cat "$OUT/install.log" >&2; fail "the install script did not keep the prebuild"; }
[ ! -e node_modules/fstwave/build ] || fail "the install built the addon from source (node_modules/fstwave/build)"
pkgs=$(env PATH="$NOCC" npm ls --all --parseable | tail -n +2 | sed 's|.*/node_modules/||' | sort | tr '\n' ' ')
[ "$pkgs" = "fstwave node-gyp-build " ] || fail "installed packages: $pkgs (expected fstwave node-gyp-build)"
ok "npm install --offline: packages ${pkgs}($(du -sk node_modules | cut -f1) KiB in node_modules), prebuild kept, no build ($install_s s)"

# 4. the package at work: main thread, worker, the command-line tool
t=$(now)
cp "$HERE/smoke.js" .
env PATH="$NOCC" node smoke.js --expect-addon "$PREBUILD" "$@" || fail "smoke.js"
ok "smoke.js in the main thread and a worker_thread ($(secs "$t") s)"
t=$(now)
for f in "$@"; do
    env PATH="$NOCC" npx --offline fstwave dump "$f" > "$OUT/dump.pkg" || fail "npx fstwave dump $f"
    (cd "$ROOT" && node node/cli.js dump "$f") > "$OUT/dump.repo" || fail "node node/cli.js dump $f"
    cmp -s "$OUT/dump.pkg" "$OUT/dump.repo" || fail "npx fstwave dump $f differs from the repository's tool"
    [ -s "$OUT/dump.pkg" ] || fail "empty dump of $f"
done
ok "npx fstwave dump equals node node/cli.js dump for $# files ($(secs "$t") s)"

# 5. where no prebuild is wanted: a build from the tarball's sources (compiler on PATH)
t=$(now)
cd "$OUT/src"
echo '{ "name": "src-app", "version": "1.0.0", "private": true }' > package.json
npm install --offline --no-audit --no-fund --foreground-scripts --loglevel=error --build-from-source "$TGZ" > "$OUT/install-src.log" 2>&1 \
    || { cat "$OUT/install-src.log" >&2; fail "npm install --build-from-source of the tarball"; }
grep -q "fstwave: a build from source was asked for; building the addon from source" "$OUT/install-src.log" \
    || { cat "$OUT/install-src.log" >&2; fail "the install script did not build from source"; }
cp "$HERE/smoke.js" .
node smoke.js --expect-addon build/Release/fstwave.node "$1" > "$OUT/smoke-src.log" || { cat "$OUT/smoke-src.log" >&2; fail "smoke.js with the build from source"; }
ok "npm install --build-from-source: node/install.js builds from the tarball's sources (npm's node-gyp, offline headers), smoke.js loads build/Release ($(secs "$t") s)"

# 6. the types
t=$(now)
cd "$OUT/ts"
ver() { node -p "require('$ROOT/node_modules/$1/package.json').version"; }
echo '{ "name": "ts-app", "version": "1.0.0", "private": true }' > package.json
npm install --offline --no-audit --no-fund --loglevel=error "$TGZ" "typescript@$(ver typescript)" "@types/node@$(ver @types/node)" > "$OUT/install-ts.log" 2>&1 \
    || { cat "$OUT/install-ts.log" >&2; fail "npm install of the tarball, typescript and @types/node"; }
cp "$HERE/consumer.ts" "$HERE/consumer-bad.ts" "$HERE/tsconfig.json" .
npx --offline tsc -p tsconfig.json > "$OUT/tsc.log" 2>&1 || { cat "$OUT/tsc.log" >&2; fail "tsc rejects consumer.ts"; }
ok "tsc --noEmit (strict) accepts consumer.ts against the packed types (typescript $(ver typescript), @types/node $(ver @types/node))"
sed 's/"consumer.ts"/"consumer-bad.ts"/' tsconfig.json > tsconfig.bad.json
if npx --offline tsc -p tsconfig.bad.json > "$OUT/tsc-bad.log" 2>&1; then fail "tsc accepts consumer-bad.ts"; fi
got=$(grep -o 'error TS[0-9]*' "$OUT/tsc-bad.log" | sort | tr '\n' ' ')
[ "$got" = "error TS2322 error TS2345 error TS2561 " ] || { cat "$OUT/tsc-bad.log" >&2; fail "tsc's errors on consumer-bad.ts: $got"; }
ok "tsc rejects consumer-bad.ts with TS2322, TS2345, TS2561 ($(secs "$t") s)"

# 7. npm install <folder> of a fresh clone (git clone of HEAD; compiler on PATH): npm links
#    the folder without installing its dependencies and runs its install script there, which
#    must build from source with npm's own node-gyp; the linked package then works
t=$(now)
git clone -q "$ROOT" "$OUT/clone"
mkdir -p "$OUT/linked" && cd "$OUT/linked"
echo '{ "name": "linked-app", "version": "1.0.0", "private": true }' > package.json
npm install --offline --no-audit --no-fund --foreground-scripts --loglevel=error "$OUT/clone" > "$OUT/install-clone.log" 2>&1 \
    || { cat "$OUT/install-clone.log" >&2; fail "npm install of a fresh clone"; }
[ "$(readlink -f node_modules/fstwave)" = "$(readlink -f "$OUT/clone")" ] || fail "npm did not link the clone"
[ -f "$OUT/clone/build/Release/fstwave.node" ] || fail "installing the clone built no addon"
npx --offline fstwave dump "$1" > "$OUT/dump.pkg" || fail "npx fstwave dump $1 from the linked clone"
(cd "$ROOT" && node node/cli.js dump "$1") | cmp -s - "$OUT/dump.pkg" || fail "the linked clone's dump of $1 differs"
ok "npm install <fresh clone>: linked, built from source by npm's node-gyp, npx fstwave dump equals the repository's ($(secs "$t") s)"

echo "test-node-package: $passed passed, 0 failed"
