# mk/web.mk - fstwave in a browser (issue 15): the browser build and its headless test
#
#   make web            dist/web/: fstwave.mjs (the main-thread API, `fstwave/web`),
#                       fstwave-worker.js (its Web Worker: node/lib's classes over the
#                       WebAssembly backend), fstwave-sync.{mjs,js} (the worker-side module,
#                       `fstwave/web/sync`), fstwave-core.wasm; bundled by esbuild (a
#                       devDependency, node_modules) with node/web/build.js, after `make wasm`
#   make test-browser   tests/browser: a local page in Debian's chromium (headless, driven
#                       by puppeteer-core) opens corpus files through its file input and
#                       must write the Python tool's `fstwave dump` / show / render bytes.
#                       Installs chromium with apt-get when it is missing, and says so.
#
# Knob: CHROMIUM, the browser binary (default Debian's /usr/bin/chromium).

WEB_DIR  := dist/web
WEB_SRCS := $(wildcard node/web/*.js node/web/*.mjs node/web/shims/*) $(wildcard node/lib/*.js node/lib/backend/*.js)
CHROMIUM ?= /usr/bin/chromium

.PHONY: web chromium-tool test-browser

$(WEB_DIR)/fstwave-worker.js: $(BUILD)/wasm/fstwave-core.js $(WEB_SRCS) node_modules/.package-lock.json
	node node/web/build.js $(WEB_DIR)
	@touch $@

web: $(WEB_DIR)/fstwave-worker.js

# chromium, or install it (Debian's package; apt-get update first when the lists are stale)
chromium-tool:
	@test -x $(CHROMIUM) || { \
	  echo "make test-browser: installing Debian's chromium (apt-get install -y chromium)"; \
	  apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; }

test-browser: web python $(BUILD)/example.fst chromium-tool
	CHROMIUM=$(CHROMIUM) npx mocha --timeout 60000 'tests/browser/**/*.test.js'
