#!/bin/sh
# An arm64 Node.js for qemu-user, from Debian's arm64 packages, unpacked (never installed)
# into DIR (make test-node-prebuild-arm64; mk/packaging-node.mk):
#
#   tests/packaging/node/arm64-root.sh DIR
#
# Debian's nodejs:arm64 cannot be installed beside the amd64 node of this machine (the
# package is Multi-Arch: allowed, not same), so `apt-get download` fetches it, its
# libraries, the JavaScript packages it loads at start (acorn, cjs-module-lexer, undici) and
# zlib1g:arm64 (the addon's libz.so.1), and `dpkg -x` unpacks each into DIR.  Then
#   qemu-aarch64 -L DIR -E LD_LIBRARY_PATH=DIR/usr/lib/aarch64-linux-gnu DIR/usr/bin/node
# runs it.  Needs `dpkg --add-architecture arm64` and `apt-get update` once (as root).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dpkg --print-foreign-architectures | grep -qx arm64 \
    || { echo "$0: arm64 is not a dpkg architecture here: dpkg --add-architecture arm64 && apt-get update" >&2; exit 1; }
DIR=$1
rm -rf "$DIR"
mkdir -p "$DIR/debs"
cd "$DIR/debs"
# nodejs's Depends (apt-cache depends nodejs:arm64 libnode108:arm64), without the arch: all
# ones, which are named after
apt-get download -q=2 nodejs:arm64 libnode108:arm64 libbrotli1:arm64 libc-ares2:arm64 \
    libicu72:arm64 libnghttp2-14:arm64 libssl3:arm64 libuv1:arm64 libstdc++6:arm64 \
    libgcc-s1:arm64 libc6:arm64 zlib1g:arm64 node-acorn node-cjs-module-lexer node-undici 2>/dev/null
for deb in *.deb; do dpkg -x "$deb" ..; done
cd .. && rm -rf debs
echo "arm64-root: $(qemu-aarch64 -L "$PWD" -E LD_LIBRARY_PATH="$PWD/usr/lib/aarch64-linux-gnu" usr/bin/node \
    -p 'process.arch + " node " + process.version + ", Node-API " + process.versions.napi')"
