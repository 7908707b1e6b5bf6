# mk/mingw.mk - the core and its C tests for Windows: cross-built with Debian's mingw-w64
# and run under wine (included by the root Makefile).
#
#   make test-mingw    cross-build the core, tests/c/test_core.c, tests/c/test_threads.c and
#                      tests/c/test_progress.c into $(BUILD)/mingw/*.exe and run them under
#                      wine over the corpus, the fixtures and the example: the checks of
#                      `make test-c` and `make test-threads`, on the core's Windows half
#   make mingw-build   only the cross-build (the core library and the three .exe)
#   make mingw-tools   only install what is missing
#
# What it installs, with apt-get (as root) and only when missing, saying so first:
#   gcc-mingw-w64-x86-64-win32  the cross-compiler x86_64-w64-mingw32-gcc, Windows
#                               threads model (the -posix half of gcc-mingw-w64-x86-64
#                               is not needed: the core uses Windows's own threads)
#   libz-mingw-w64-dev          zlib built for mingw (headers and libz.a)
#   wine64                      runs the .exe (64-bit only; no i386 packages)
# about 1 GB installed (30 packages; wine is most of it); the wine prefix takes 0.7 GB more
# in $(BUILD)/mingw/wine. From a machine without them: about a minute in all.
# The .exe are linked statically (zlib, libgcc; test_threads' own threads and barriers
# are mingw's winpthreads, the core's are Windows's), so wine needs no DLL but Windows's
# own.  The fixtures and the example are the Linux build's (`make fixtures`): FST files
# are the same bytes everywhere.  wine runs headless: WINEDEBUG=-all, no display, its
# own prefix in $(BUILD)/mingw/wine (made on the first run, about 15 s).

# keep the root Makefile's default goal whatever the include order
_mingw_default_goal := $(.DEFAULT_GOAL)

MINGW_DIR    := $(or $(BUILD),build)/mingw
MINGW_HOST   ?= x86_64-w64-mingw32
MINGW_CC     ?= $(MINGW_HOST)-gcc
MINGW_AR     ?= $(MINGW_HOST)-ar
MINGW_LIBFST := $(or $(LIBFST_DIR),vendor/libfst)
MINGW_CFLAGS ?= -O2 -g -std=gnu11 -Wall -Wextra
MINGW_STD    := -D__USE_MINGW_ANSI_STDIO=1 -Icore/include -I$(MINGW_LIBFST) -Ivendor/libdeflate
MINGW_LIBDEFLATE := $(or $(LIBDEFLATE_SRCS),$(shell cat vendor/libdeflate/SOURCES))
MINGW_SRCS   := $(or $(CORE_SRCS),$(wildcard core/src/*.c))
MINGW_HDRS   := $(or $(CORE_HDRS),$(wildcard core/include/*.h core/src/*.h))
MINGW_OBJS   := $(patsubst core/src/%.c,$(MINGW_DIR)/core/%.o,$(MINGW_SRCS)) \
                $(MINGW_DIR)/libfst/lz4.o $(MINGW_DIR)/libfst/fastlz.o \
                $(patsubst vendor/libdeflate/%.c,$(MINGW_DIR)/libdeflate/%.o,$(MINGW_LIBDEFLATE))
MINGW_A      := $(MINGW_DIR)/libfstwave.a
MINGW_TEST   := $(MINGW_DIR)/test_core.exe
MINGW_THREADS := $(MINGW_DIR)/test_threads.exe
MINGW_PROGRESS := $(MINGW_DIR)/test_progress.exe
MINGW_TOOLS  := $(MINGW_DIR)/.tools-ok
# wine: Debian wine64's binary (its `wine` launcher warns about a missing wine32 each run)
MINGW_WINE    = $(or $(wildcard /usr/lib/wine/wine64),$(shell command -v wine64 2>/dev/null),wine)
MINGW_WINESERVER = $(or $(wildcard /usr/lib/wine/wineserver),wineserver)
MINGW_WINEENV = WINEPREFIX=$(abspath $(MINGW_DIR)/wine) WINEDEBUG=-all WINEARCH=win64 \
                WINEDLLOVERRIDES='mscoree,mshtml=' DISPLAY=

# the files `make test-c` reads (recursive: expanded after `fixtures` wrote them)
MINGW_FILES = $(sort $(shell find $(CORPUS) -name '*.fst')) $(sort $(wildcard $(or $(BUILD),build)/fixtures/*.fst)) \
              $(or $(BUILD),build)/example.fst

.PHONY: test-mingw mingw-build mingw-tools

# the cross-compiler, zlib for mingw and wine, checked on every run (a few `test`s)
$(MINGW_TOOLS): FORCE_MINGW_TOOLS
	@mkdir -p $(@D)
	@need=""; \
	command -v $(MINGW_CC) >/dev/null 2>&1 || need="$$need gcc-mingw-w64-x86-64-win32"; \
	test -f /usr/$(MINGW_HOST)/include/zlib.h -a -f /usr/$(MINGW_HOST)/lib/libz.a || need="$$need libz-mingw-w64-dev"; \
	{ test -x /usr/lib/wine/wine64 || command -v wine64 >/dev/null 2>&1; } || need="$$need wine64"; \
	if [ -n "$$need" ]; then \
	    echo "test-mingw: installing$$need with apt-get (Debian's mingw-w64 cross-compiler, zlib for mingw, wine)"; \
	    if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	        echo "test-mingw: not root or no apt-get: install$$need yourself"; exit 1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need >/dev/null \
	        || { echo "test-mingw: apt-get install$$need failed"; exit 1; }; \
	fi
	@touch $@
.PHONY: FORCE_MINGW_TOOLS
FORCE_MINGW_TOOLS:
mingw-tools: $(MINGW_TOOLS)

$(MINGW_DIR)/core/%.o: core/src/%.c $(MINGW_HDRS) | $(MINGW_TOOLS)
	@mkdir -p $(@D)
	$(MINGW_CC) $(MINGW_CFLAGS) $(MINGW_STD) -c $< -o $@

$(MINGW_DIR)/libfst/%.o: $(MINGW_LIBFST)/%.c | $(MINGW_TOOLS)
	@mkdir -p $(@D)
	$(MINGW_CC) $(MINGW_CFLAGS) $(MINGW_STD) -c $< -o $@

# libdeflate, vendored unmodified: its own warnings off
$(MINGW_DIR)/libdeflate/%.o: vendor/libdeflate/%.c | $(MINGW_TOOLS)
	@mkdir -p $(@D)
	$(MINGW_CC) -O2 -g -std=gnu11 -w -Ivendor/libdeflate -c $< -o $@

$(MINGW_A): $(MINGW_OBJS)
	@rm -f $@
	$(MINGW_AR) rcs $@ $^

$(MINGW_TEST): tests/c/test_core.c tests/c/check.h tests/c/same_signal.h $(MINGW_A)
	$(MINGW_CC) $(MINGW_CFLAGS) $(MINGW_STD) $< $(MINGW_A) -static -lz -o $@

$(MINGW_THREADS): tests/c/test_threads.c $(MINGW_A)
	$(MINGW_CC) $(MINGW_CFLAGS) $(MINGW_STD) $< $(MINGW_A) -static -lz -lpthread -o $@

$(MINGW_PROGRESS): tests/c/test_progress.c tests/c/check.h tests/c/same_signal.h $(MINGW_A)
	$(MINGW_CC) $(MINGW_CFLAGS) $(MINGW_STD) $< $(MINGW_A) -static -lz -lpthread -o $@

mingw-build: $(MINGW_TEST) $(MINGW_THREADS) $(MINGW_PROGRESS)

# the wine prefix, made once (its messages, e.g. about the absent 32-bit wine, go to a
# log); wineserver -w waits until the prefix is written
$(MINGW_DIR)/wine/.fstwave-prefix: | $(MINGW_TOOLS)
	@echo "test-mingw: making a wine prefix in $(MINGW_DIR)/wine (once; log: $(MINGW_DIR)/wineboot.log)"
	@{ $(MINGW_WINEENV) $(MINGW_WINE) wineboot --init && $(MINGW_WINEENV) $(MINGW_WINESERVER) -w; } \
	    >$(MINGW_DIR)/wineboot.log 2>&1 || { cat $(MINGW_DIR)/wineboot.log; exit 1; }
	@test -f $(@D)/system.reg || { cat $(MINGW_DIR)/wineboot.log; echo "test-mingw: wineboot made no prefix"; exit 1; }
	@touch $@

test-mingw: $(MINGW_TEST) $(MINGW_THREADS) $(MINGW_PROGRESS) fixtures $(or $(BUILD),build)/example.fst $(MINGW_DIR)/wine/.fstwave-prefix
	@mkdir -p $(MINGW_DIR)/tmp
	@echo "test-mingw: $(MINGW_TEST) and $(MINGW_THREADS) under $(MINGW_WINE) ($$($(MINGW_WINE) --version 2>/dev/null))"
	$(MINGW_WINEENV) $(MINGW_WINE) $(MINGW_TEST) $(MINGW_DIR)/tmp $(MINGW_FILES)
	$(MINGW_WINEENV) $(MINGW_WINE) $(MINGW_THREADS) $(MINGW_FILES)
	$(MINGW_WINEENV) $(MINGW_WINE) $(MINGW_PROGRESS) $(MINGW_FILES)

.DEFAULT_GOAL := $(_mingw_default_goal)
