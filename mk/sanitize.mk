# mk/sanitize.mk - sanitizers, valgrind, threads and the truncation/mutation sweep
# (issue 5, parts 4-6).  Included by the root Makefile (-include mk/*.mk, after its
# variables); uses BUILD, CORE_SRCS, CORE_HDRS, CORE_A, CORE_CFLAGS, LIBFST_DIR, CORPUS,
# VPY and the targets fixtures and python.
#
#   make test-threads     tests/c/test_threads.c (normal build): several threads load from
#                         one fstw_file and from a handle each; results = single-threaded
#   make sweep-sample     ~1,700 truncated/mutated inputs + the read-only directory check
#                         (under a minute; meant for `make test`)
#   make sweep            >= 20,000 truncated/mutated inputs over the corpus + fixtures
#   make sweep-asan       ~7,100 inputs with an ASan+UBSan build of the sweep (catches
#                         silent out-of-bounds reads that do not crash)
#   make test-asan        = test-asan-c + test-asan-python:
#     test-asan-c         core + tests/c/test_core.c, test_view.c and test_progress.c built
#                         with ASan+UBSan (LeakSanitizer on) over the corpus + fixtures
#     test-asan-python    the extension built with ASan+UBSan into $(BUILD)/asan-py (the
#                         in-place python/fstwave/_fstwave*.so is not touched) and pytest
#                         (differential, API and thread tests) run against it
#   make test-valgrind    memcheck on $(BUILD)/test_core and test_view over the corpus + fixtures
#   make test-tsan        tests/c/test_threads.c and tests/c/test_progress.c built with
#                         -fsanitize=thread
#   make test-sanitize    all of the above that are not part of `make test`
#
# Knobs: SWEEP_N (mutations per file, full sweep), SWEEP_SAMPLE_N, SWEEP_ASAN_N, SWEEP_SEED, SWEEP_JOBS,
# SWEEP_TIMEOUT (seconds before a child counts as a hang), SAN_PYTEST_K (the -k selection
# of the ASan pytest run).

# keep the root Makefile's default goal whatever the include order
_sanitize_default_goal := $(.DEFAULT_GOAL)

SAN_BUILD     := $(or $(BUILD),build)
SAN_LIBFST    := $(or $(LIBFST_DIR),vendor/libfst)
SAN_CC        ?= $(or $(CC),cc)
SAN_CORE_SRCS := $(or $(CORE_SRCS),$(wildcard core/src/*.c))
SAN_CORE_HDRS := $(or $(CORE_HDRS),$(wildcard core/include/*.h core/src/*.h))
SAN_LIBDEFLATE_SRCS := $(or $(LIBDEFLATE_SRCS),$(shell cat vendor/libdeflate/SOURCES))
SAN_STD       := -std=gnu11 -Wall -Wextra -Icore/include -I$(SAN_LIBFST) -Ivendor/libdeflate

# every FST file of the corpus, the generated fixtures and the bundled example
# (recursive: expanded when a recipe runs, after `fixtures` has written them)
SAN_CORPUS_FILES = $(sort $(shell find $(CORPUS) -name '*.fst'))
SAN_ALL_FILES    = $(SAN_CORPUS_FILES) $(sort $(wildcard $(SAN_BUILD)/fixtures/*.fst)) $(SAN_BUILD)/example.fst

.PHONY: test-asan test-asan-c test-asan-python test-valgrind test-tsan test-threads \
        sweep sweep-sample sweep-readonly sweep-asan test-sanitize

# --------------------------------------------------------------------------- ASan + UBSan

SAN_DIR    := $(SAN_BUILD)/asan
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1
SAN_OBJS   := $(patsubst core/src/%.c,$(SAN_DIR)/core/%.o,$(SAN_CORE_SRCS)) \
              $(SAN_DIR)/libfst/lz4.o $(SAN_DIR)/libfst/fastlz.o \
              $(patsubst vendor/libdeflate/%.c,$(SAN_DIR)/libdeflate/%.o,$(SAN_LIBDEFLATE_SRCS))
SAN_ENV    := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
              UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

$(SAN_DIR)/core/%.o: core/src/%.c $(SAN_CORE_HDRS)
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_FLAGS) $(SAN_STD) -c $< -o $@

$(SAN_DIR)/libfst/lz4.o: $(SAN_LIBFST)/lz4.c
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_FLAGS) -std=gnu11 -I$(SAN_LIBFST) -c $< -o $@

# The vendored FastLZ decoder reads 16-bit values from unaligned addresses by design
# (fastlz.c: `*(const uint16_t *)` on x86); UBSan's alignment check would stop on the
# first FastLZ chain.  Vendored code is not edited, so this one file is compiled without
# the alignment check (every other check, and ASan, stays on).
$(SAN_DIR)/libdeflate/%.o: vendor/libdeflate/%.c
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_FLAGS) -std=gnu11 -w -Ivendor/libdeflate -c $< -o $@

$(SAN_DIR)/libfst/fastlz.o: $(SAN_LIBFST)/fastlz.c
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_FLAGS) -fno-sanitize=alignment -std=gnu11 -I$(SAN_LIBFST) -c $< -o $@

$(SAN_DIR)/test_core: tests/c/test_core.c tests/c/check.h $(SAN_OBJS)
	$(SAN_CC) $(SAN_FLAGS) $(SAN_STD) $< $(SAN_OBJS) -lz -lpthread -o $@

$(SAN_DIR)/test_view: tests/c/test_view.c $(SAN_OBJS) $(SAN_BUILD)/libfst.a
	$(SAN_CC) $(SAN_FLAGS) $(SAN_STD) $< $(SAN_OBJS) $(SAN_BUILD)/libfst.a -lz -lpthread -o $@

$(SAN_DIR)/test_progress: tests/c/test_progress.c tests/c/check.h tests/c/same_signal.h $(SAN_OBJS)
	$(SAN_CC) $(SAN_FLAGS) $(SAN_STD) $< $(SAN_OBJS) -lz -lpthread -o $@

test-asan-c: $(SAN_DIR)/test_core $(SAN_DIR)/test_view $(SAN_DIR)/test_progress fixtures $(SAN_BUILD)/example.fst
	@mkdir -p $(SAN_DIR)/tmp
	$(SAN_ENV) $(SAN_DIR)/test_core $(SAN_DIR)/tmp $(SAN_ALL_FILES)
	$(SAN_ENV) $(SAN_DIR)/test_view $(SAN_DIR)/tmp $(SAN_ALL_FILES)
	$(SAN_ENV) $(SAN_DIR)/test_progress $(SAN_ALL_FILES)

# The Python extension with ASan+UBSan, built by setup.py into $(SAN_PY_LIB) (not in
# place).  setup.py compiles every source with the same flags, so CC is a small wrapper
# that adds -fno-sanitize=alignment for fastlz.c only (see above).  The package's .py
# files are copied next to the ASan .so and PYTHONPATH points there.
SAN_PY_LIB   := $(SAN_BUILD)/asan-py
SAN_PY_TMP   := $(SAN_BUILD)/asan-tmp
SAN_PY_CC    := $(SAN_DIR)/py-cc
SAN_PY_STAMP := $(SAN_PY_LIB)/.stamp
SAN_PY_DEPS  := $(SAN_CORE_SRCS) $(SAN_CORE_HDRS) $(wildcard python/src/*.c python/src/*.h) \
                python/fstwave/_fstwave.c $(wildcard python/fstwave/*.py python/fstwave/*.pyi) setup.py
# the differential, API and thread tests; the two largest corpus files are left out of
# the differential here (each takes minutes with ASan) - test-asan-c reads them with ASan
SAN_PYTEST_K ?= (differential or test_api or test_threads or test_args or test_errors or test_repeated_time or (test_viewer and not keyboard and not leak)) and not xilinx_isim/test1 and not swerv1
SAN_PY_ENV    = LD_PRELOAD=$$($(SAN_CC) -print-file-name=libasan.so) \
                ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                PYTHONMALLOC=malloc PYTHONPATH=$(abspath $(SAN_PY_LIB))

$(SAN_PY_STAMP): $(SAN_PY_DEPS) | python
	@mkdir -p $(SAN_DIR) $(SAN_PY_LIB)/fstwave
	@printf '#!/bin/sh\n# generated by mk/sanitize.mk: fastlz.c without the alignment check\ncase " $$* " in *fastlz.c*) exec %s "$$@" -fno-sanitize=alignment ;; esac\nexec %s "$$@"\n' \
	    '$(SAN_CC)' '$(SAN_CC)' > $(SAN_PY_CC)
	@chmod +x $(SAN_PY_CC)
	CC=$(abspath $(SAN_PY_CC)) CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
	    $(VPY) setup.py -q build_ext --force --build-lib $(SAN_PY_LIB) --build-temp $(SAN_PY_TMP)
	cp python/fstwave/*.py python/fstwave/*.pyi python/fstwave/py.typed $(SAN_PY_LIB)/fstwave/
	@touch $@

test-asan-python: $(SAN_PY_STAMP) python fixtures
	@# make sure the ASan build is the one imported, not the in-place one
	$(SAN_PY_ENV) $(VPY) -c 'import sys, fstwave._fstwave as m; print("ASan extension:", m.__file__); sys.exit(0 if "asan-py" in m.__file__ else "not the ASan build")'
	$(SAN_PY_ENV) $(VPY) -m pytest -q -p no:cacheprovider tests/python -k "$(SAN_PYTEST_K)"

test-asan: test-asan-c test-asan-python

# --------------------------------------------------------------------------- valgrind

SAN_VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full \
                --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
                --track-origins=yes

test-valgrind: $(SAN_BUILD)/test_core $(SAN_BUILD)/test_view fixtures $(SAN_BUILD)/example.fst
	@command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 1; }
	@mkdir -p $(SAN_BUILD)/tmp
	$(SAN_VALGRIND) $(SAN_BUILD)/test_core $(SAN_BUILD)/tmp $(SAN_ALL_FILES)
	$(SAN_VALGRIND) $(SAN_BUILD)/test_view $(SAN_BUILD)/tmp $(SAN_ALL_FILES)

# --------------------------------------------------------------------------- threads

$(SAN_BUILD)/test_threads: tests/c/test_threads.c $(CORE_A)
	$(SAN_CC) $(CORE_CFLAGS) $< $(CORE_A) -lz -lpthread -o $@

test-threads: $(SAN_BUILD)/test_threads fixtures $(SAN_BUILD)/example.fst
	$(SAN_BUILD)/test_threads $(SAN_ALL_FILES)

TSAN_DIR   := $(SAN_BUILD)/tsan
TSAN_FLAGS := -fsanitize=thread -g -O1
# corpus files under 200 kB (all but the two largest, which only make TSan slow) + fixtures
TSAN_FILES  = $(sort $(shell find $(CORPUS) -name '*.fst' -size -200k)) $(sort $(wildcard $(SAN_BUILD)/fixtures/*.fst))

$(TSAN_DIR)/test_threads: tests/c/test_threads.c $(SAN_CORE_SRCS) $(SAN_CORE_HDRS) $(SAN_LIBFST)/lz4.c $(SAN_LIBFST)/fastlz.c $(SAN_LIBDEFLATE_SRCS)
	@mkdir -p $(@D)
	$(SAN_CC) $(TSAN_FLAGS) $(SAN_STD) $< $(SAN_CORE_SRCS) $(SAN_LIBFST)/lz4.c $(SAN_LIBFST)/fastlz.c $(SAN_LIBDEFLATE_SRCS) -lz -lpthread -o $@

$(TSAN_DIR)/test_progress: tests/c/test_progress.c tests/c/check.h tests/c/same_signal.h $(SAN_CORE_SRCS) $(SAN_CORE_HDRS) $(SAN_LIBFST)/lz4.c $(SAN_LIBFST)/fastlz.c $(SAN_LIBDEFLATE_SRCS)
	@mkdir -p $(@D)
	$(SAN_CC) $(TSAN_FLAGS) $(SAN_STD) $< $(SAN_CORE_SRCS) $(SAN_LIBFST)/lz4.c $(SAN_LIBFST)/fastlz.c $(SAN_LIBDEFLATE_SRCS) -lz -lpthread -o $@

test-tsan: $(TSAN_DIR)/test_threads $(TSAN_DIR)/test_progress fixtures
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 $(TSAN_DIR)/test_threads $(TSAN_FILES)
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 $(TSAN_DIR)/test_progress $(TSAN_FILES)

# --------------------------------------------------------------------------- the sweep

SWEEP_N        ?= 400
SWEEP_SAMPLE_N ?= 24
SWEEP_ASAN_N   ?= 100
SWEEP_SEED     ?= 1
SWEEP_JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
SWEEP_TIMEOUT  ?= 10
SWEEP_KEEP     ?= $(SAN_BUILD)/sweep-failures
SWEEP_ARGS      = -j $(SWEEP_JOBS) -t $(SWEEP_TIMEOUT) -s $(SWEEP_SEED) -k $(SWEEP_KEEP)
# a few files for the read-only check: plain, gzip-wrapped, multi-block LZ4/FastLZ, an
# unfinished writer (sigrok), frame only; each also cut in half
SWEEP_RO_FILES  = $(CORPUS)/verilator/basic_test.fst $(CORPUS)/sigrok/libsigrok.vcd.fst \
                  $(CORPUS)/systemc/waveform.vcd.fastlz.fst $(SAN_BUILD)/fixtures/gzip_wrapper.fst \
                  $(SAN_BUILD)/fixtures/multiblock_lz4.fst $(SAN_BUILD)/fixtures/frame_only.fst

$(SAN_BUILD)/sweep: tests/sweep/sweep.c $(CORE_A)
	$(SAN_CC) $(CORE_CFLAGS) $< $(CORE_A) -lz -lpthread -o $@

$(SAN_DIR)/sweep: tests/sweep/sweep.c $(SAN_OBJS)
	$(SAN_CC) $(SAN_FLAGS) $(SAN_STD) $< $(SAN_OBJS) -lz -lpthread -o $@

sweep-readonly: $(SAN_BUILD)/sweep fixtures
	$(SAN_BUILD)/sweep --readonly $(SWEEP_RO_FILES)

sweep-sample: $(SAN_BUILD)/sweep fixtures $(SAN_BUILD)/example.fst sweep-readonly
	$(SAN_BUILD)/sweep -q -n $(SWEEP_SAMPLE_N) $(SWEEP_ARGS) $(SAN_ALL_FILES)

sweep: $(SAN_BUILD)/sweep fixtures $(SAN_BUILD)/example.fst sweep-readonly
	$(SAN_BUILD)/sweep -n $(SWEEP_N) $(SWEEP_ARGS) $(SAN_ALL_FILES)

# ASan aborts on the first bad access (counted as a crash); an allocation over 2 GB returns
# NULL (-> FSTW_ERR_NOMEM, as the 2 GB address-space limit of the plain sweep's children does)
sweep-asan: $(SAN_DIR)/sweep fixtures $(SAN_BUILD)/example.fst
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1:max_allocation_size_mb=2048 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(SAN_DIR)/sweep -q -n $(SWEEP_ASAN_N) $(SWEEP_ARGS) $(SAN_ALL_FILES)

test-sanitize: test-asan test-valgrind test-tsan sweep sweep-asan

.DEFAULT_GOAL := $(_sanitize_default_goal)
