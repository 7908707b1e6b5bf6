# mk/wasm.mk - the WebAssembly twin of the core (issue 15): make wasm
#
#   make wasm        build/wasm/fstwave-core.js + fstwave-core.wasm: the core, libdeflate,
#                    lz4/fastlz, zlib's inflate (vendor/zlib) and the glue node/wasm/*.c,
#                    compiled with emscripten, single-threaded (no pthreads: fstw_thread.c
#                    then runs every load part on the calling thread)
#   make test-wasm   the mocha suite again with the WebAssembly backend (FSTWAVE_BACKEND=wasm)
#
# emscripten is Debian's (3.1.6); its tools need acorn (node-acorn) on NODE_PATH.  When emcc
# or acorn is missing the rule installs both with apt-get and says so (apt-get update first
# when the install fails: a fresh machine has no package lists).

EMCC        ?= emcc
WASM_DIR    := $(BUILD)/wasm
WASM_JS     := $(WASM_DIR)/fstwave-core.js
ZLIB_DIR    := vendor/zlib
ZLIB_WASM_SRCS := $(addprefix $(ZLIB_DIR)/,adler32.c crc32.c inffast.c inflate.c inftrees.c zutil.c)
WASM_GLUE_SRCS := $(wildcard node/wasm/*.c)
WASM_SRCS   := $(CORE_SRCS) $(LIBDEFLATE_SRCS) $(LIBFST_DIR)/lz4.c $(LIBFST_DIR)/fastlz.c $(ZLIB_WASM_SRCS) $(WASM_GLUE_SRCS)
WASM_OBJS   := $(patsubst %.c,$(WASM_DIR)/obj/%.o,$(WASM_SRCS))
WASM_CFLAGS := -O2 -std=gnu11 -Icore/include -I$(LIBFST_DIR) -Ivendor/libdeflate -I$(ZLIB_DIR) -Inode/wasm
# the core's public functions the JS side calls directly (the rest are the glue's, kept by
# EMSCRIPTEN_KEEPALIVE)
WASM_CORE_EXPORTS := fstw_signal_len fstw_signal_time fstw_signal_lower_bound fstw_signal_at_time fstw_signal_find \
    fstw_signal_ref fstw_signal_encoding fstw_signal_bitwidth fstw_signal_free fstw_signal_hold \
    fstw_signal_bytes fstw_signal_array_kind fstw_signal_row_bytes fstw_signal_values_bytes \
    fstw_signal_copy_times fstw_signal_copy_values fstw_signal_gather_bytes fstw_signal_gather_values \
    fstw_signal_summary fstw_signals_at_time fstw_signal_count fstw_var_count fstw_scope_count \
    fstw_cache_new fstw_cache_free fstw_cache_get fstw_cache_put fstw_cache_drop fstw_cache_clear \
    fstw_cache_stats_get malloc free
comma := ,
WASM_LDFLAGS := -O2 -sMODULARIZE=1 -sEXPORT_NAME=fstwaveCore -sENVIRONMENT=node,web,worker \
    -sALLOW_MEMORY_GROWTH=1 -sWASM_BIGINT=1 -sWASM_ASYNC_COMPILATION=0 -sABORTING_MALLOC=0 \
    -sFILESYSTEM=0 -sTOTAL_STACK=1048576 -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 \
    -sEXPORTED_FUNCTIONS=$(subst $(eval) ,$(comma),$(addprefix _,$(WASM_CORE_EXPORTS))) \
    -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8

.PHONY: wasm wasm-tools test-wasm

# emcc and acorn, or install them (Debian's emscripten and node-acorn) and say what is
# installed; on a fresh machine apt-get's package lists may be missing, so a failed install
# runs apt-get update and tries once more
WASM_APT_PKGS := emscripten node-acorn
WASM_SUDO     := $(if $(filter 0,$(shell id -u)),,sudo)
wasm-tools:
	@if ! command -v $(EMCC) >/dev/null 2>&1 || [ ! -e /usr/share/nodejs/acorn ]; then \
	  echo "make wasm: installing the Debian packages $(WASM_APT_PKGS) (apt-get install -y $(WASM_APT_PKGS))"; \
	  $(WASM_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $(WASM_APT_PKGS) || { \
	    echo "make wasm: apt-get install failed; running apt-get update, then apt-get install -y $(WASM_APT_PKGS) again"; \
	    $(WASM_SUDO) apt-get update && \
	    $(WASM_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $(WASM_APT_PKGS); } || exit 1; \
	fi

$(WASM_DIR)/obj/%.o: %.c $(CORE_HDRS) $(wildcard node/wasm/*.h) | wasm-tools
	@mkdir -p $(@D)
	NODE_PATH=/usr/share/nodejs $(EMCC) $(WASM_CFLAGS) $(if $(filter vendor/%,$<),-w,-Wall -Wextra) -c $< -o $@

$(WASM_JS): $(WASM_OBJS)
	NODE_PATH=/usr/share/nodejs $(EMCC) $(WASM_LDFLAGS) $^ -o $@
	@ls -l $(WASM_DIR)/fstwave-core.wasm $@ | awk '{print "make wasm: " $$9 " " $$5 " bytes"}'

wasm: $(WASM_JS)

test-wasm: wasm node python fixtures $(VENV25)/.fstwave-deps-1
	npm run test:wasm
