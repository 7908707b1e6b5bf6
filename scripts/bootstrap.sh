#!/usr/bin/env bash
# Installs what the build needs and is not there yet: a C compiler, make,
# zlib's headers (Debian zlib1g-dev), Python's headers and venv module, and
# librsvg's rsvg-convert (librsvg2-bin) that the render tests draw SVG with.
# Then makes the project-local Python environment .venv with setuptools,
# pytest, NumPy (the tests of the optional fstwave[numpy] extra) and the
# reference pywellen 0.20.5 from PyPI.  Safe to run again.
# Each install is announced on a line before it runs; README.md ("What make
# test installs") lists the same.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
command -v make >/dev/null 2>&1 || need_apt+=(make)
printf '#include <zlib.h>\nint main(void){return 0;}\n' > /tmp/fstwave-zcheck.c
cc /tmp/fstwave-zcheck.c -o /tmp/fstwave-zcheck -lz >/dev/null 2>&1 || need_apt+=(zlib1g-dev)
# librsvg's rsvg-convert: the render tests draw the tools' SVG with it (tests/python/test_render.py)
command -v rsvg-convert >/dev/null 2>&1 || need_apt+=(librsvg2-bin)
"$PY" - <<'PY' >/dev/null 2>&1 || need_apt+=(python3-dev python3-venv)
import os, sysconfig, venv
assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))
PY
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "bootstrap: installing the Debian packages ${need_apt[*]} with apt-get (after apt-get update)"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating the project-local Python environment .venv ($PY -m venv)"
    "$PY" -m venv .venv
fi
stamp=.venv/.fstwave-deps-3
if [ ! -f "$stamp" ]; then
    echo "bootstrap: installing setuptools, wheel, pytest, numpy and pywellen 0.20.5 (with their dependencies) from PyPI into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check \
        -U "setuptools>=77" wheel pytest numpy pywellen==0.20.5
    touch "$stamp"
fi
