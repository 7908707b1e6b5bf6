# mk/oracle.mk - the oracle test: the fstwave core's decoder against libfst's reader,
# change by change (tests/c/test_oracle.c; see tests/c/README.md).  Included by the root
# Makefile (-include mk/*.mk, after its variables); uses BUILD, CORPUS, CORE_A,
# CORE_CFLAGS, LIBFST_DIR and the targets fixtures and $(BUILD)/example.fst.
#
#   make test-oracle      every *.fst under $(CORPUS), every $(BUILD)/fixtures/*.fst and
#                         $(BUILD)/example.fst; again with each header's end time halved
#                         (ORACLE_CUT_END=1: changes after the end time to drop; only the
#                         summary and anything not ok are shown); then the self-check: one
#                         fixture with ORACLE_SELFTEST=1 (one value of libfst's list
#                         corrupted) must fail with a reported difference for both fstwave
#                         load paths (batch, single signal); that expected failure is the
#                         self-check passing, and is printed as such (the program's FAIL
#                         lines stay in $(BUILD)/test_oracle_selftest.log).  A stage of
#                         `make test` (TEST_STAGES in the root Makefile).
#
# Knobs: ORACLE_TIMEOUT (seconds per file for the libfst child, default 120),
# ORACLE_SELFTEST_FILE (the fixture of the self-check).

# rules here must not become the default goal, wherever this file is included
ORACLE_SAVED_GOAL := $(.DEFAULT_GOAL)

ORACLE_BUILD  := $(or $(BUILD),build)
ORACLE_LIBFST := $(or $(LIBFST_DIR),vendor/libfst)
ORACLE_CORE_A := $(or $(CORE_A),$(ORACLE_BUILD)/libfstwave.a)
ORACLE_CFLAGS := $(or $(CORE_CFLAGS),-O2 -g -std=gnu11 -Wall -Wextra -Icore/include -I$(ORACLE_LIBFST)) -Icore/src
ORACLE_BIN    := $(ORACLE_BUILD)/test_oracle
ORACLE_TIMEOUT ?= 120
ORACLE_SELFTEST_FILE ?= $(ORACLE_BUILD)/fixtures/multiblock_lz4.fst

# every FST file of the corpus (sorted), the generated fixtures and the bundled example
# (recursive: expanded when the recipe runs, after `fixtures` has written them)
ORACLE_FILES = $(sort $(shell find $(or $(CORPUS),../shared/fst-corpus) -name '*.fst')) \
               $(sort $(wildcard $(ORACLE_BUILD)/fixtures/*.fst)) $(ORACLE_BUILD)/example.fst

.PHONY: test-oracle

# Linking: $(CORE_A) and $(LIBFST_A) both hold lz4.o and fastlz.o (the same objects,
# built once by the root Makefile's $(BUILD)/libfst/%.o rule).  Only libfst's fstapi.o is
# linked as an object, followed by $(CORE_A): the linker takes LZ4_* and fastlz_* for
# fstapi.o and the core from the single copy in $(CORE_A), and $(LIBFST_A) is not on the
# command line at all, so no member can be pulled twice (no duplicate symbols, whatever
# the archive order or linker).
$(ORACLE_BIN): tests/c/test_oracle.c $(ORACLE_BUILD)/libfst/fstapi.o $(ORACLE_CORE_A) \
               $(wildcard core/include/*.h core/src/*.h $(ORACLE_LIBFST)/*.h)
	@mkdir -p $(@D)
	$(CC) $(ORACLE_CFLAGS) $< $(ORACLE_BUILD)/libfst/fstapi.o $(ORACLE_CORE_A) -lz -lpthread -o $@

test-oracle: $(ORACLE_BIN) fixtures $(ORACLE_BUILD)/example.fst
	ORACLE_TIMEOUT=$(ORACLE_TIMEOUT) $(ORACLE_BIN) $(ORACLE_FILES)
	@echo "test-oracle: the same files with their header end time halved (ORACLE_CUT_END=1)"
	@ORACLE_CUT_END=1 ORACLE_TIMEOUT=$(ORACLE_TIMEOUT) $(ORACLE_BIN) $(ORACLE_FILES) \
	    > $(ORACLE_BUILD)/test_oracle_cut.log 2>&1; rc=$$?; \
	grep -v -e '^ok ' -e '^  cut ' $(ORACLE_BUILD)/test_oracle_cut.log | \
	    sed 's/^test_oracle: /test_oracle (end times halved): /'; \
	[ $$rc -eq 0 ] || { echo "test-oracle: FAILED with cut end times (log: $(ORACLE_BUILD)/test_oracle_cut.log)"; exit 1; }
	@echo "test-oracle: self-check: one value corrupted on purpose (ORACLE_SELFTEST=1 on $(ORACLE_SELFTEST_FILE)) must be reported"
	@ORACLE_SELFTEST=1 ORACLE_TIMEOUT=$(ORACLE_TIMEOUT) $(ORACLE_BIN) $(ORACLE_SELFTEST_FILE) \
	    > $(ORACLE_BUILD)/test_oracle_selftest.log 2>&1; rc=$$?; \
	if [ $$rc -eq 1 ] && grep -q '^ORACLE_SELFTEST: corrupted' $(ORACLE_BUILD)/test_oracle_selftest.log && \
	   grep -q '(batch load, .*differs:' $(ORACLE_BUILD)/test_oracle_selftest.log && \
	   grep -q '(single load, .*differs:' $(ORACLE_BUILD)/test_oracle_selftest.log; then \
	    sed -n 's/^ORACLE_SELFTEST: corrupted \(.*\) in libfst.s list$$/test-oracle: self-check: \1 corrupted in libfst'"'"'s list on purpose/p' \
	        $(ORACLE_BUILD)/test_oracle_selftest.log; \
	    echo "test-oracle: self-check passed: the comparison reported the corrupted value in the batch load and in the single load"; \
	else \
	    cat $(ORACLE_BUILD)/test_oracle_selftest.log; \
	    echo "test-oracle: self-check FAILED (exit $$rc): a corrupted value went unnoticed"; exit 1; \
	fi

.DEFAULT_GOAL := $(ORACLE_SAVED_GOAL)
