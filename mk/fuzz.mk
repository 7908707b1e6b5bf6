# mk/fuzz.mk - libFuzzer harness for the fstwave core (included by the root
# Makefile).  See tests/fuzz/README.md.
#
#   make fuzz-build     build the fuzzer and the replay program (clang; installed
#                       with apt-get when missing or without its fuzzer runtime)
#   make fuzz-seeds     seed corpus in $(BUILD)/fuzz-seeds from $(CORPUS) and the fixtures
#   make fuzz-short     a short run from the seeds (part of `make test`); fails on a crash
#   make fuzz-long      FUZZ_RUNS executions (default 10000000) on FUZZ_JOBS processes;
#                       prints the total executions
#   make fuzz-replay    every file in tests/fuzz/regressions through the same code, without
#                       libFuzzer, under ASan+UBSan (part of `make test`); fails on a crash
#   make fuzz-repro FILE=crash-...   one input (or folder) through the replay, verbose
#
# Crash inputs go to $(BUILD)/fuzz/artifacts/; minimise one with
#   $(BUILD)/fuzz/fuzz_open -minimize_crash=1 -runs=100000 FILE
# and add it to tests/fuzz/regressions/.

# rules here must not become the default goal, wherever this file is included
FUZZ_SAVED_GOAL := $(.DEFAULT_GOAL)

FUZZ_CC        ?= clang
FUZZ_BUILD     := $(or $(BUILD),build)
FUZZ_SRC_CORPUS = $(or $(CORPUS),../shared/fst-corpus)
FUZZ_DIR       ?= $(FUZZ_BUILD)/fuzz
FUZZ_SEEDS     ?= $(FUZZ_BUILD)/fuzz-seeds
FUZZ_CORPUS    ?= $(FUZZ_DIR)/corpus
FUZZ_ARTIFACTS ?= $(FUZZ_DIR)/artifacts
FUZZ_REGRESS   := tests/fuzz/regressions
FUZZ_BIN       := $(FUZZ_DIR)/fuzz_open
FUZZ_REPLAY    := $(FUZZ_DIR)/fuzz_replay

# fuzz-short: stops at FUZZ_SHORT_RUNS executions or FUZZ_SHORT_TIME seconds
FUZZ_SHORT_RUNS ?= 200000
FUZZ_SHORT_TIME ?= 60
# a fixed seed: the short run in `make test` explores the same inputs every time
FUZZ_SHORT_SEED ?= 1
# fuzz-long: FUZZ_RUNS executions in total, split over FUZZ_JOBS processes
FUZZ_RUNS      ?= 10000000
FUZZ_JOBS      ?= 2
# inputs above this many bytes are cut (the corpus has files up to 570 KB; 16 KB
# keeps ~4000 exec/s per process, 128 KB gives ~1600)
FUZZ_MAX_LEN   ?= 16384
# flags for every libFuzzer run: 10 s per input is a hang; > 2 GB RSS or a
# single malloc above FUZZ_MALLOC_MB is a finding (a small file must not make
# the reader allocate gigabytes)
FUZZ_MALLOC_MB ?= 1024
FUZZ_FLAGS     ?= -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=$(FUZZ_MALLOC_MB) \
                  -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1
FUZZ_SAN_ENV   := ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0:max_allocation_size_mb=$(FUZZ_MALLOC_MB) \
                  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# own file lists, so this fragment works wherever the root Makefile includes it
FUZZ_LIBFST     := $(or $(LIBFST_DIR),vendor/libfst)
FUZZ_LIBDEFLATE := vendor/libdeflate
FUZZ_SRC_CFLAGS := -g -O2 -std=gnu11 -fno-omit-frame-pointer -Icore/include -I$(FUZZ_LIBFST) \
                   -I$(FUZZ_LIBDEFLATE) -fno-sanitize-recover=all
# FUZZ_CORE=DIR builds the harness over another copy of core/src (e.g. one with
# a proposed patch applied, to go on fuzzing past an open finding)
FUZZ_CORE       ?= core/src
FUZZ_LIB_SRCS   := $(wildcard $(FUZZ_CORE)/*.c) $(FUZZ_LIBFST)/lz4.c \
                   $(shell cat $(FUZZ_LIBDEFLATE)/SOURCES)
FUZZ_DEPS       := $(FUZZ_LIB_SRCS) $(wildcard core/include/*.h $(FUZZ_CORE)/*.h) \
                   tests/fuzz/fuzz_open.c $(FUZZ_DIR)/.clang-ok

.PHONY: fuzz-build fuzz-seeds fuzz-short fuzz-long fuzz-replay fuzz-repro fuzz-clang

# clang able to link -fsanitize=fuzzer (checked once; installed when missing)
$(FUZZ_DIR)/.clang-ok: tests/fuzz/ensure_clang.sh
	@mkdir -p $(@D)
	tests/fuzz/ensure_clang.sh $(FUZZ_CC)
	@touch $@
fuzz-clang: $(FUZZ_DIR)/.clang-ok

# FastLZ does unaligned 16-bit loads by design (vendored, not ours to edit):
# it alone is built without -fsanitize=alignment
$(FUZZ_DIR)/fastlz-fuzz.o: $(FUZZ_LIBFST)/fastlz.c $(FUZZ_DIR)/.clang-ok
	$(FUZZ_CC) $(FUZZ_SRC_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-sanitize=alignment -c $< -o $@
$(FUZZ_DIR)/fastlz-replay.o: $(FUZZ_LIBFST)/fastlz.c $(FUZZ_DIR)/.clang-ok
	$(FUZZ_CC) $(FUZZ_SRC_CFLAGS) -fsanitize=address,undefined -fno-sanitize=alignment -c $< -o $@

$(FUZZ_BIN): $(FUZZ_DEPS) $(FUZZ_DIR)/fastlz-fuzz.o
	$(FUZZ_CC) $(FUZZ_SRC_CFLAGS) -fsanitize=fuzzer,address,undefined \
	    tests/fuzz/fuzz_open.c $(FUZZ_LIB_SRCS) $(FUZZ_DIR)/fastlz-fuzz.o -lz -lpthread -o $@

$(FUZZ_REPLAY): $(FUZZ_DEPS) tests/fuzz/replay_main.c $(FUZZ_DIR)/fastlz-replay.o
	$(FUZZ_CC) $(FUZZ_SRC_CFLAGS) -fsanitize=address,undefined \
	    tests/fuzz/replay_main.c tests/fuzz/fuzz_open.c $(FUZZ_LIB_SRCS) \
	    $(FUZZ_DIR)/fastlz-replay.o -lz -lpthread -o $@

fuzz-build: $(FUZZ_BIN) $(FUZZ_REPLAY)

# copies only, into $(BUILD); remade each time (cheap)
fuzz-seeds: fixtures $(FUZZ_BUILD)/example.fst
	tests/fuzz/make_seeds.sh $(FUZZ_SEEDS) $(FUZZ_SRC_CORPUS) $(FUZZ_BUILD)/fixtures $(FUZZ_BUILD)/example.fst

fuzz-replay: $(FUZZ_REPLAY)
	$(FUZZ_SAN_ENV) $(FUZZ_REPLAY) $(FUZZ_REGRESS)

# The working corpus ($(FUZZ_CORPUS)) keeps what earlier runs found; the seeds
# are read-only inputs.  libFuzzer exits non-zero on a crash, leak, timeout or
# oversized allocation, and make stops.
fuzz-short: $(FUZZ_BIN) fuzz-seeds
	@mkdir -p $(FUZZ_CORPUS) $(FUZZ_ARTIFACTS)
	$(FUZZ_SAN_ENV) $(FUZZ_BIN) $(FUZZ_FLAGS) -runs=$(FUZZ_SHORT_RUNS) \
	    -max_total_time=$(FUZZ_SHORT_TIME) -seed=$(FUZZ_SHORT_SEED) -artifact_prefix=$(FUZZ_ARTIFACTS)/ \
	    $(FUZZ_CORPUS) $(FUZZ_SEEDS) 2>$(FUZZ_DIR)/short.log || \
	    { tail -n 60 $(FUZZ_DIR)/short.log; echo "fuzz-short: FAILED (log: $(FUZZ_DIR)/short.log)"; exit 1; }
	@grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' $(FUZZ_DIR)/short.log
	@echo "fuzz-short: ok, $$(awk '/^stat::number_of_executed_units/ {print $$2}' $(FUZZ_DIR)/short.log) executions, no crash (corpus $$(ls $(FUZZ_CORPUS) | wc -l) files)"

# -jobs: each job is one process doing FUZZ_RUNS/FUZZ_JOBS executions, logging
# to $(FUZZ_DIR)/long/fuzz-N.log; the total is summed from the final stats.
fuzz-long: $(FUZZ_BIN) fuzz-seeds
	@mkdir -p $(FUZZ_CORPUS) $(FUZZ_ARTIFACTS) $(FUZZ_DIR)/long
	@rm -f $(FUZZ_DIR)/long/fuzz-*.log
	@echo "fuzz-long: $(FUZZ_RUNS) executions on $(FUZZ_JOBS) jobs, started $$(date -u +%FT%TZ)"
	cd $(FUZZ_DIR)/long && $(FUZZ_SAN_ENV) $(abspath $(FUZZ_BIN)) $(FUZZ_FLAGS) \
	    -runs=$$(( $(FUZZ_RUNS) / $(FUZZ_JOBS) )) -jobs=$(FUZZ_JOBS) -workers=$(FUZZ_JOBS) \
	    -artifact_prefix=$(abspath $(FUZZ_ARTIFACTS))/ \
	    $(abspath $(FUZZ_CORPUS)) $(abspath $(FUZZ_SEEDS)); \
	rc=$$?; \
	echo "fuzz-long: finished $$(date -u +%FT%TZ), exit $$rc"; \
	cat fuzz-*.log | awk '/^stat::number_of_executed_units/ {n += $$2; j++} \
	    /^stat::average_exec_per_sec/ {s += $$2} \
	    END {printf "fuzz-long: %d executions in total over %d job(s), %d exec/s summed\n", n, j, s}'; \
	grep -l -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY:' fuzz-*.log \
	    && { echo "fuzz-long: crashes found, inputs in $(FUZZ_ARTIFACTS)"; exit 1; }; \
	echo "fuzz-long: corpus $$(ls $(abspath $(FUZZ_CORPUS)) | wc -l) files"; exit $$rc

# FILE (a crash input or a folder) through the replay, with stack traces and
# FUZZ_VERBOSE output
fuzz-repro: $(FUZZ_REPLAY)
	FUZZ_VERBOSE=1 $(FUZZ_SAN_ENV) $(FUZZ_REPLAY) $(FILE)

# fuzz-replay and fuzz-short are stages of `make test` (TEST_STAGES in the root Makefile);
# FUZZ_IN_TEST=0 leaves them out
FUZZ_IN_TEST ?= 1
ifneq ($(FUZZ_IN_TEST),1)
TEST_SKIP += fuzz-replay fuzz-short
endif

.DEFAULT_GOAL := $(FUZZ_SAVED_GOAL)
