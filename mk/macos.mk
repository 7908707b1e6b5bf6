# mk/macos.mk - the core compiled for macOS with zig's C compiler (included by the root
# Makefile).
#
#   make check-macos   compile every core source and the vendored LZ4 and FastLZ for
#                      x86_64-macos and aarch64-macos and archive each set into
#                      $(BUILD)/macos/<target>/libfstwave.a; compile tests/c/test_core.c
#
# What it installs: PyPI's `ziglang` (zig's toolchain as a wheel: clang with macOS's libc
# headers) into the project's .venv with pip, when missing, saying so first.
# What it checks: that the core compiles for both macOS targets against macOS's own
# headers, which zig ships (libc, pthreads and the SDK's zlib.h; no Linux header comes in):
# the POSIX half of core/src/fstw_file.c and fstw_thread.c (open, fstat, pread,
# pthreads, sysconf) and fstw_error.c's strerror_r, warning-free for the core's files
# and test_core.c (-Werror), and that the objects archive.  What it does not check: linking (zig has no
# macOS zlib to link against) and running; nothing runs on macOS here.

_macos_default_goal := $(.DEFAULT_GOAL)

MACOS_DIR     := $(or $(BUILD),build)/macos
MACOS_VPY     := $(or $(VPY),.venv/bin/python)
MACOS_ZIG     := $(MACOS_VPY) -m ziglang
MACOS_TARGETS ?= x86_64-macos aarch64-macos
MACOS_LIBFST  := $(or $(LIBFST_DIR),vendor/libfst)
MACOS_CFLAGS  ?= -O2 -std=gnu11 -Wall -Wextra
MACOS_SRCS    := $(or $(CORE_SRCS),$(wildcard core/src/*.c))
MACOS_HDRS    := $(or $(CORE_HDRS),$(wildcard core/include/*.h core/src/*.h))
MACOS_ZIGLANG ?= ziglang==0.17.1

.PHONY: check-macos

# the project's .venv (root Makefile: scripts/bootstrap.sh), then ziglang in it
$(MACOS_DIR)/.ziglang-ok: $(or $(VENV),.venv)/.fstwave-deps-3
	@mkdir -p $(@D)
	@$(MACOS_VPY) -c 'import ziglang' 2>/dev/null || { \
	    echo "check-macos: installing $(MACOS_ZIGLANG) (zig's C compiler, from PyPI) into $(MACOS_VPY) with pip"; \
	    $(MACOS_VPY) -m pip install -q --disable-pip-version-check "$(MACOS_ZIGLANG)"; }
	@touch $@

# one pattern rule per target: $(MACOS_DIR)/<target>/{core,libfst}/%.o
define MACOS_TARGET_RULES
$(MACOS_DIR)/$(1)/core/%.o: core/src/%.c $(MACOS_HDRS) $(MACOS_DIR)/.ziglang-ok
	@mkdir -p $$(@D)
	$(MACOS_ZIG) cc -target $(1) $(MACOS_CFLAGS) -Werror -Icore/include -I$(MACOS_LIBFST) -c $$< -o $$@
$(MACOS_DIR)/$(1)/test_core.o: tests/c/test_core.c tests/c/check.h tests/c/same_signal.h $(MACOS_HDRS) $(MACOS_DIR)/.ziglang-ok
	$(MACOS_ZIG) cc -target $(1) $(MACOS_CFLAGS) -Werror -Icore/include -c $$< -o $$@
$(MACOS_DIR)/$(1)/libfst/%.o: $(MACOS_LIBFST)/%.c $(MACOS_DIR)/.ziglang-ok
	@mkdir -p $$(@D)
	$(MACOS_ZIG) cc -target $(1) $(MACOS_CFLAGS) -I$(MACOS_LIBFST) -c $$< -o $$@
$(MACOS_DIR)/$(1)/libfstwave.a: $(patsubst core/src/%.c,$(MACOS_DIR)/$(1)/core/%.o,$(MACOS_SRCS)) \
                                $(MACOS_DIR)/$(1)/libfst/lz4.o $(MACOS_DIR)/$(1)/libfst/fastlz.o
	@rm -f $$@
	$(MACOS_ZIG) ar rcs $$@ $$^
endef
$(foreach t,$(MACOS_TARGETS),$(eval $(call MACOS_TARGET_RULES,$(t))))

check-macos: $(foreach t,$(MACOS_TARGETS),$(MACOS_DIR)/$(t)/libfstwave.a $(MACOS_DIR)/$(t)/test_core.o)
	@for t in $(MACOS_TARGETS); do \
	    echo "check-macos: $$t: $$(ls $(MACOS_DIR)/$$t/core/*.o | wc -l) core objects + LZ4, FastLZ in $(MACOS_DIR)/$$t/libfstwave.a, test_core.o ($$(file -b $(MACOS_DIR)/$$t/core/fstw_file.o 2>/dev/null | cut -d, -f1))"; \
	done
	@echo "check-macos: compiled and archived (not linked, not run: no macOS here)"

.DEFAULT_GOAL := $(_macos_default_goal)
