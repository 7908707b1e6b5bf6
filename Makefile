# fstwave: root Makefile
#
#   make                      build the example program, the fixture generator and the example
#   make build/make_example   the example writer     (examples/make_example.c)
#   make build/gen_fixtures   the fixture generator  (tests/fixtures/gen_fixtures.c)
#   make build/example.fst    run the example writer
#   make fixtures             run the fixture generator into $(BUILD)/fixtures
#   make check-fixtures PYTHON=/path/to/venv/bin/python
#                             open the example and every fixture with pywellen 0.20.5
#   make clean
#
# libfst (vendor/libfst, unmodified) is compiled with the system zlib.

CC      ?= cc
CFLAGS  ?= -O2 -std=gnu11 -Wall
LDLIBS  ?= -lz
BUILD   ?= build
PYTHON  ?= python3

LIBFST_DIR  := vendor/libfst
LIBFST_SRCS := $(LIBFST_DIR)/fstapi.c $(LIBFST_DIR)/fastlz.c $(LIBFST_DIR)/lz4.c
LIBFST_HDRS := $(wildcard $(LIBFST_DIR)/*.h)
LIBFST_OBJS := $(patsubst $(LIBFST_DIR)/%.c,$(BUILD)/libfst/%.o,$(LIBFST_SRCS))
LIBFST_A    := $(BUILD)/libfst.a
# Extra flags for the vendored files only (e.g. -Wno-... to silence their warnings;
# gcc 12 gives none with -Wall -Wextra today).
LIBFST_CFLAGS ?=

# libdeflate's decompressor (vendor/libdeflate: the core inflates zlib streams of known size with it;
# see vendor/libdeflate/README.md)
LIBDEFLATE_DIR  := vendor/libdeflate
# the sources compiled, listed once in vendor/libdeflate/SOURCES (also read by setup.py,
# binding.gyp and mk/*.mk)
LIBDEFLATE_SRCS := $(shell cat $(LIBDEFLATE_DIR)/SOURCES)
LIBDEFLATE_OBJS := $(patsubst $(LIBDEFLATE_DIR)/%.c,$(BUILD)/libdeflate/%.o,$(LIBDEFLATE_SRCS))
LIBDEFLATE_HDRS := $(shell find $(LIBDEFLATE_DIR) -name '*.h')

.PHONY: all fixtures check-fixtures clean
all: $(BUILD)/make_example $(BUILD)/gen_fixtures $(BUILD)/example.fst

$(BUILD)/libfst/%.o: $(LIBFST_DIR)/%.c $(LIBFST_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LIBFST_CFLAGS) -I$(LIBFST_DIR) -c $< -o $@

$(LIBFST_A): $(LIBFST_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/make_example: examples/make_example.c $(LIBFST_A) $(LIBFST_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(LIBFST_DIR) $< $(LIBFST_A) $(LDFLAGS) $(LDLIBS) -o $@

$(BUILD)/gen_fixtures: tests/fixtures/gen_fixtures.c $(LIBFST_A) $(LIBFST_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(LIBFST_DIR) $< $(LIBFST_A) $(LDFLAGS) $(LDLIBS) -o $@

$(BUILD)/example.fst: $(BUILD)/make_example
	$(BUILD)/make_example $@

fixtures: $(BUILD)/gen_fixtures
	@mkdir -p $(BUILD)/fixtures
	$(BUILD)/gen_fixtures $(BUILD)/fixtures

check-fixtures: fixtures $(BUILD)/example.fst
	$(PYTHON) tests/fixtures/check_pywellen.py $(BUILD)/example.fst $(BUILD)/fixtures/*.fst

clean:
	rm -rf $(BUILD) dist

# ---------------------------------------------------------------------------
# The fstwave core, its C tests, the Python package, the quick start.
#
#   make demo [FILE=wave.fst]  info, tree and some signal changes of FILE
#                              (default: the bundled example, written by libfst)
#   make test                  every test stage (TEST_STAGES below), then a summary
#   make test-c                the C core tests only
#   make python                bootstrap .venv and build the extension in place
#   make node                  npm ci: node-gyp builds the addon offline (build/Release)
#   make test-node             the mocha suite (needs .venv for the cross-language test)

VENV     := .venv
VPY      := $(VENV)/bin/python
# the second environment, with pywellen 0.25.7 (scripts/bootstrap25.sh)
VENV25   := .venv25
CORPUS   ?= ../shared/fst-corpus
# the tests read the corpus in place (never copied); pytest and mocha get it from here
export FSTWAVE_CORPUS := $(abspath $(CORPUS))
CORE_SRCS := $(wildcard core/src/*.c)
CORE_HDRS := $(wildcard core/include/*.h core/src/*.h)
CORE_OBJS := $(patsubst core/src/%.c,$(BUILD)/core/%.o,$(CORE_SRCS))
CORE_A    := $(BUILD)/libfstwave.a
CORE_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Icore/include -I$(LIBFST_DIR) -Ivendor/libdeflate
PYEXT_SRCS := $(CORE_SRCS) $(CORE_HDRS) $(LIBDEFLATE_SRCS) $(LIBDEFLATE_HDRS) $(wildcard python/src/*.c python/src/*.h) python/fstwave/_fstwave.c setup.py

.PHONY: demo test test-c test-python test-python25 test-node python node

$(BUILD)/core/%.o: core/src/%.c $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) -c $< -o $@

# libdeflate, unmodified: its own warnings off
$(BUILD)/libdeflate/%.o: $(LIBDEFLATE_DIR)/%.c $(LIBDEFLATE_HDRS)
	@mkdir -p $(@D)
	$(CC) -O2 -g -std=gnu11 -w -I$(LIBDEFLATE_DIR) -c $< -o $@

$(CORE_A): $(CORE_OBJS) $(BUILD)/libfst/lz4.o $(BUILD)/libfst/fastlz.o $(LIBDEFLATE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/test_core: tests/c/test_core.c tests/c/check.h tests/c/same_signal.h $(CORE_A)
	$(CC) $(CORE_CFLAGS) $< $(CORE_A) -lz -lpthread -o $@

# test_view also writes a file with libfst (every bit width)
$(BUILD)/test_view: tests/c/test_view.c $(CORE_A) $(LIBFST_A)
	$(CC) $(CORE_CFLAGS) $< $(CORE_A) $(LIBFST_A) -lz -lpthread -o $@

$(BUILD)/test_format: tests/c/test_format.c $(CORE_A)
	$(CC) $(CORE_CFLAGS) $< $(CORE_A) -lz -lpthread -lm -o $@

$(BUILD)/test_progress: tests/c/test_progress.c tests/c/check.h tests/c/same_signal.h $(CORE_A)
	$(CC) $(CORE_CFLAGS) $< $(CORE_A) -lz -lpthread -o $@

$(BUILD)/test_stream: tests/c/test_stream.c tests/c/check.h $(CORE_A)
	$(CC) $(CORE_CFLAGS) $< $(CORE_A) -lz -lpthread -o $@

$(BUILD)/test_cache: tests/c/test_cache.c tests/c/check.h $(CORE_A)
	$(CC) $(CORE_CFLAGS) $< $(CORE_A) -lz -lpthread -o $@

# test_reader: fstw_open_reader (a pread callback) against fstw_open, and a failing callback
$(BUILD)/test_reader: tests/c/test_reader.c tests/c/check.h tests/c/same_signal.h $(CORE_A)
	$(CC) $(CORE_CFLAGS) $< $(CORE_A) -lz -lpthread -o $@

test-c: $(BUILD)/test_core $(BUILD)/test_view $(BUILD)/test_format $(BUILD)/test_progress $(BUILD)/test_stream $(BUILD)/test_cache $(BUILD)/test_reader fixtures $(BUILD)/example.fst
	@mkdir -p $(BUILD)/tmp
	$(BUILD)/test_core $(BUILD)/tmp $(sort $(shell find $(CORPUS) -name '*.fst')) $(BUILD)/fixtures/*.fst $(BUILD)/example.fst
	$(BUILD)/test_view $(BUILD)/tmp $(sort $(shell find $(CORPUS) -name '*.fst')) $(BUILD)/fixtures/*.fst $(BUILD)/example.fst
	$(BUILD)/test_format $(BUILD)/fixtures/enums_vhdl.fst
	$(BUILD)/test_progress $(sort $(shell find $(CORPUS) -name '*.fst')) $(BUILD)/fixtures/*.fst $(BUILD)/example.fst
	$(BUILD)/test_stream $(sort $(shell find $(CORPUS) -name '*.fst')) $(BUILD)/fixtures/*.fst $(BUILD)/example.fst
	$(BUILD)/test_cache $(sort $(shell find $(CORPUS) -name '*.fst')) $(BUILD)/fixtures/*.fst $(BUILD)/example.fst
	$(BUILD)/test_reader $(sort $(shell find $(CORPUS) -name '*.fst')) $(BUILD)/fixtures/*.fst $(BUILD)/example.fst

$(VENV)/.fstwave-deps-3: scripts/bootstrap.sh
	scripts/bootstrap.sh

# the editable install (console script `fstwave`) once; the extension is
# rebuilt in place whenever a C source changes
$(VENV)/.fstwave-editable: $(VENV)/.fstwave-deps-3 pyproject.toml
	@echo "make: installing fstwave itself into .venv (pip install -e ., editable, no download)"
	$(VPY) -m pip install -q --disable-pip-version-check --no-build-isolation -e .
	@touch $@

$(BUILD)/.pyext-stamp: $(VENV)/.fstwave-editable $(PYEXT_SRCS)
	@mkdir -p $(BUILD)
	$(VPY) setup.py -q build_ext --inplace
	@touch $@

python: $(BUILD)/.pyext-stamp

# npm ci installs node-gyp and mocha and runs the install script (node/build.js),
# which builds the addon against the local Node headers; rebuilt when C changes
NODE_SRCS := $(CORE_SRCS) $(CORE_HDRS) $(LIBDEFLATE_SRCS) $(LIBDEFLATE_HDRS) $(wildcard node/src/*.c node/src/*.h) binding.gyp node/build.js
node_modules/.package-lock.json: package.json package-lock.json
	@echo "make: installing node-gyp and mocha with their dependencies from the npm registry into node_modules/ (npm ci, package-lock.json)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(BUILD)/Release/fstwave.node: node_modules/.package-lock.json $(NODE_SRCS)
	node node/build.js
	@touch $@

# the V8 code cache of the package's JS (node/lib/code-cache.js), made from a run over the
# example so that the first calls' functions are in it; remade when a JS file changes
$(BUILD)/Release/fstwave-js.cache: $(BUILD)/Release/fstwave.node $(wildcard node/lib/*.js) node/index.js $(BUILD)/example.fst
	node node/build.js --code-cache $(BUILD)/example.fst

node: $(BUILD)/Release/fstwave.node $(BUILD)/Release/fstwave-js.cache

FILE ?= $(BUILD)/example.fst
demo: python node $(BUILD)/example.fst
	@echo "== fstwave info $(FILE)"
	@$(VENV)/bin/fstwave info "$(FILE)"
	@echo; echo "== fstwave tree $(FILE)"
	@$(VENV)/bin/fstwave tree --signals "$(FILE)"
	@echo; echo "== the first changes of each signal (fstwave dump $(FILE), signal section)"
	@$(VENV)/bin/fstwave dump "$(FILE)" | sed -n '/^signal /,$$p' | awk '/^signal /{n=0} n++ < 4' | head -n 80
	@echo; echo "== the same file through Node (node node/cli.js info $(FILE))"
	@node node/cli.js info "$(FILE)"

test-python: python node fixtures   # node: tests/python/test_bench.py runs the Node worker too
	$(VPY) -m pytest -q tests/python

# .venv25: tests/node/stream-lookup.test.js compares with pywellen 0.25.7
test-node: node python fixtures $(VENV25)/.fstwave-deps-1
	npm test

# fstwave.pywellen25 against pywellen 0.25.7, in its own environment .venv25
# (scripts/bootstrap25.sh): the differential test and pywellen's own tests, ported
$(VENV25)/.fstwave-deps-1: scripts/bootstrap25.sh
	scripts/bootstrap25.sh

test-python25: python fixtures $(VENV25)/.fstwave-deps-1
	$(VENV25)/bin/python -m pytest -q tests/python25


# every test needs the corpus: say where it is expected instead of failing later
.PHONY: corpus-check
corpus-check:
	@test -d "$(CORPUS)" || { echo "make test: the FST corpus is expected at $(CORPUS) (beside the project, see README); give another place with make test CORPUS=/path/to/fst-corpus"; exit 1; }

# make test: the stages below, in this order, one line each: label=target.
# scripts/run_tests.sh first prints what the command installs (README.md's list), then runs
# each stage as `make <target>` (a failed stage does not stop the others; its output is
# also kept in $(BUILD)/test-logs/<label>.log), and ends with a summary: each stage's result,
# time and what it ran, then the line "stages: N passed, N failed".  make test fails when
# a stage failed.  Add a stage with one more line here (not with a `test:` prerequisite in
# an mk/*.mk file); its program should print "N passed, N failed" for the summary.
TEST_STAGES += c-core=test-c
TEST_STAGES += threads=test-threads
TEST_STAGES += sweep=sweep-sample
TEST_STAGES += pytest=test-python
TEST_STAGES += mocha=test-node
TEST_STAGES += mocha-wasm=test-wasm
TEST_STAGES += browser=test-browser
TEST_STAGES += pywellen25=test-python25
TEST_STAGES += fuzz-replay=fuzz-replay
TEST_STAGES += fuzz-short=fuzz-short
TEST_STAGES += oracle=test-oracle
TEST_STAGES += docs=test-docs
TEST_STAGES += py-package=test-python-package
TEST_STAGES += node-package=test-node-package
# labels to leave out, e.g. make test TEST_SKIP="fuzz-replay fuzz-short"
TEST_SKIP ?=

test: corpus-check
	@MAKE="$(MAKE)" TEST_LOGS="$(BUILD)/test-logs" TEST_SKIP="$(strip $(TEST_SKIP))" \
	    scripts/run_tests.sh $(filter-out $(addsuffix =%,$(TEST_SKIP)),$(TEST_STAGES))

# the other targets (fuzzing, sanitizers, valgrind, TSan, the sweep, the oracle test, the
# docs check, benchmarks); included last
-include mk/*.mk
