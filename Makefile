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
	rm -rf $(BUILD)
