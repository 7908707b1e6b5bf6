#!/bin/sh
# ensure_clang.sh CC - makes sure CC (default clang) can build a libFuzzer
# target with ASan+UBSan; installs Debian's clang when not (clang pulls in
# libclang-rt-14-dev, which holds libclang_rt.fuzzer-*.a, via
# libclang-common-14-dev).  Needs root and the package registry for the
# install; prints what is missing otherwise.
set -eu
CC=${1:-clang}
probe() {
    tmp=$(mktemp -d)
    printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
        >"$tmp/p.c"
    ok=0
    "$CC" -fsanitize=fuzzer,address,undefined "$tmp/p.c" -o "$tmp/p" >/dev/null 2>&1 && ok=1
    rm -rf "$tmp"
    [ "$ok" = 1 ]
}
command -v "$CC" >/dev/null 2>&1 && probe && exit 0
echo "ensure_clang: $CC cannot build a libFuzzer target; installing the Debian packages clang and libclang-rt-dev (the libFuzzer runtime) with apt-get" >&2
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_clang: not root or no apt-get: install clang and libclang-rt-dev (libFuzzer runtime) yourself" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q clang libclang-rt-dev >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q clang; } ||
    { echo "ensure_clang: apt-get install clang failed" >&2; exit 1; }
# bookworm: the runtime is in libclang-rt-14-dev (a dependency of clang-14,
# installed above); add it explicitly if some minimal setup left it out
if ! probe; then
    v=$("$CC" -dumpversion 2>/dev/null | cut -d. -f1)
    apt-get install -y -q "libclang-rt-$v-dev" >/dev/null 2>&1 || true
fi
probe || { echo "ensure_clang: $CC still cannot link -fsanitize=fuzzer" >&2; exit 1; }
echo "ensure_clang: ok ($("$CC" --version | head -n 1))" >&2
