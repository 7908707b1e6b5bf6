#!/usr/bin/env bash
# Makes the second project-local Python environment, .venv25, for the tests of
# fstwave.pywellen25 against its reference: pywellen 0.25.7 cannot share an
# environment with pywellen 0.20.5 (both are the module `pywellen`).  Installs
# pytest and pywellen==0.25.7 from PyPI into it, and makes fstwave (built in
# place in python/ by `make python`) importable there with a .pth file.  Also
# installs Debian's gtkwave when vcd2fst is missing: the ported pywellen tests
# turn the VCD files they write into FST with its vcd2fst, and read GTKWave's
# view of a file with its fst2vcd.
# Each install is announced on a line before it runs.  Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

if ! command -v vcd2fst >/dev/null 2>&1; then
    echo "bootstrap25: installing the Debian package gtkwave (for vcd2fst) with apt-get (after apt-get update)"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gtkwave >/dev/null
fi

if [ ! -x .venv25/bin/python ]; then
    echo "bootstrap25: creating the second project-local Python environment .venv25 ($PY -m venv)"
    "$PY" -m venv .venv25
fi
stamp=.venv25/.fstwave-deps-1
if [ ! -f "$stamp" ]; then
    echo "bootstrap25: installing pytest and pywellen 0.25.7 (with their dependencies) from PyPI into .venv25"
    .venv25/bin/python -m pip install -q --disable-pip-version-check pytest pywellen==0.25.7
    site=$(.venv25/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$(pwd)/python" > "$site/fstwave-inplace.pth"
    touch "$stamp"
fi
