# mk/bench.mk - the benchmark (included by the root Makefile).  See bench/README.md.
#
#   make bench            generator + both bindings, the missing benchmark files in
#                         $(BENCH_FILES) (reused by later runs), then the full run:
#                         bench/RESULTS.md, bench/results.json, bench/plot.png
#   make bench-quick      the 10 MB generated file + the 3 largest corpus files, 3 runs, in a
#                         couple of minutes: $(BENCH_DIR)/quick/RESULTS.md
#   make bench25          the pywellen 0.25 API rows only (bench/run25.py in .venv25):
#                         bench/RESULTS25.md, bench/results25.json (make bench runs it too)
#   make bench-files      only write the missing benchmark files
#   make bench-gen        only build the generator, $(BENCH_GEN)
#   make bench-floor      only build the floor tool, $(BENCH_FLOOR) (bench/floor.c)
#
# Knobs: BENCH_ARGS (extra bench/run.py options, e.g. BENCH_ARGS='--runs 3 --files
# wide-lz4-100M corpus'); BENCH_CFLAGS.  Files are generated under $(BUILD) only, never into
# the repository or the corpus.

# rules here must not become the default goal, wherever this file is included
BENCH_SAVED_GOAL := $(.DEFAULT_GOAL)

BENCH_BUILD   := $(or $(BUILD),build)
BENCH_DIR     := $(BENCH_BUILD)/bench
BENCH_FILES   := $(BENCH_DIR)/files
BENCH_GEN     := $(BENCH_DIR)/gen_fst
BENCH_LIBFST  := $(or $(LIBFST_DIR),vendor/libfst)
BENCH_LIBFST_A := $(or $(LIBFST_A),$(BENCH_BUILD)/libfst.a)
BENCH_VPY     := $(or $(VPY),.venv/bin/python)
BENCH_CORPUS   = $(or $(CORPUS),../shared/fst-corpus)
BENCH_CFLAGS  ?= -O2 -std=gnu11 -Wall -Wextra
BENCH_ARGS    ?=
BENCH_RUN_ARGS = bench/run.py --gen-bin $(BENCH_GEN) --floor-bin $(BENCH_DIR)/floor --gen-dir $(BENCH_FILES) \
                 --work-dir $(BENCH_DIR)/work --corpus $(BENCH_CORPUS)
BENCH_RUN      = $(BENCH_VPY) $(BENCH_RUN_ARGS)

.PHONY: bench bench25 bench-quick bench-files bench-gen bench-floor bench-deps

$(BENCH_GEN): bench/gen_fst.c $(BENCH_LIBFST_A) $(wildcard $(BENCH_LIBFST)/*.h)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_LIBFST) $< $(BENCH_LIBFST_A) -lz -lm -o $@

bench-gen: $(BENCH_GEN)

# the floor of each load (bench/floor.c): the core's chain index and the same
# decompression libraries as the core
BENCH_FLOOR   := $(BENCH_DIR)/floor
BENCH_CORE_A  := $(or $(CORE_A),$(BENCH_BUILD)/libfstwave.a)

$(BENCH_FLOOR): bench/floor.c $(BENCH_CORE_A) $(wildcard core/include/*.h core/src/*.h)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -Icore/include -Icore/src -I$(BENCH_LIBFST) -Ivendor/libdeflate $< $(BENCH_CORE_A) -lz -lpthread -o $@

bench-floor: $(BENCH_FLOOR)

# matplotlib for the plot, from PyPI into the project's .venv when missing
$(BENCH_DIR)/.matplotlib-ok: python
	@mkdir -p $(@D)
	$(BENCH_VPY) -c 'import matplotlib' 2>/dev/null || \
	    $(BENCH_VPY) -m pip install -q --disable-pip-version-check matplotlib
	@touch $@

# wasm: the fstwave (WebAssembly) rows (the Node worker over FSTWAVE_BACKEND=wasm)
bench-deps: $(BENCH_GEN) $(BENCH_FLOOR) python node wasm $(BENCH_DIR)/.matplotlib-ok

# generating needs no binding: any Python 3 runs the runner for that
bench-files: $(BENCH_GEN)
	$(if $(wildcard $(BENCH_VPY)),$(BENCH_VPY),python3) $(BENCH_RUN_ARGS) --generate-only $(BENCH_ARGS)

bench: bench-deps
	$(BENCH_RUN) $(BENCH_ARGS)
	$(MAKE) bench25

# fstwave.pywellen25 against pywellen 0.25.7 (issue 12), in the second environment
BENCH_VPY25 := $(or $(VENV25),.venv25)/bin/python
bench25: bench-deps $(or $(VENV25),.venv25)/.fstwave-deps-1
	$(BENCH_VPY25) bench/run25.py --gen-bin $(BENCH_GEN) --gen-dir $(BENCH_FILES) \
	    --work-dir $(BENCH_DIR)/work $(BENCH25_ARGS)

bench-quick: bench-deps
	$(BENCH_RUN) --quick $(BENCH_ARGS)

.DEFAULT_GOAL := $(BENCH_SAVED_GOAL)
