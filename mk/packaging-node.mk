# mk/packaging-node.mk - the npm package as users get it: prebuilt addons in prebuildify's
# layout (prebuilds/<platform>-<arch>/node.napi.glibc.node, loaded by node-gyp-build), the
# tarball, its install without a compiler.  Included by the root Makefile (-include mk/*.mk,
# after its variables); uses BUILD, CORPUS, NODE_SRCS and the targets node_modules/.package-lock.json,
# $(BUILD)/Release/fstwave.node (the reference tool) and $(BUILD)/example.fst.
#
#   make prebuild-node         prebuilds/linux-x64/node.napi.glibc.node (node scripts/prebuild.js)
#   make prebuild-node-arm64   prebuilds/linux-arm64/node.napi.glibc.node, cross-compiled
#                              (Debian: apt-get install gcc-aarch64-linux-gnu, and zlib for
#                              arm64: dpkg --add-architecture arm64, zlib1g-dev:arm64)
#   make test-node-package     the x64 prebuild, then tests/packaging/node/test-package.sh:
#                              npm pack, npm install --offline of the tarball into a fresh
#                              project with no compiler on PATH, smoke test in the main thread
#                              and a worker, `npx fstwave dump` against the repository's
#                              tool, a build from the packed sources (--build-from-source),
#                              tsc --noEmit against the packed types.  Part of `make test`.
#   make test-node-prebuild-arm64
#                              the arm64 prebuild at work under qemu-aarch64 (Debian
#                              qemu-user), run by Debian's arm64 node unpacked into
#                              $(BUILD)/arm64-root (tests/packaging/node/arm64-root.sh), in
#                              the project test-node-package installed: smoke.js, and
#                              `fstwave dump` equal to the x64 tool's.  Not in `make test`
#                              (needs the apt packages above and qemu-user).
#
# Knobs: NODE_PACKAGE_FILES, the FST files of the smoke tests and the dump comparisons;
# NODE_ARM64_ROOT, where the arm64 node is unpacked.

# rules here must not become the default goal, wherever this file is included
NODE_PACKAGING_SAVED_GOAL := $(.DEFAULT_GOAL)

NODE_PREBUILD_SRCS := $(NODE_SRCS) package.json scripts/prebuild.js
NODE_PREBUILD_X64  := prebuilds/linux-x64/node.napi.glibc.node
NODE_PREBUILD_ARM64 := prebuilds/linux-arm64/node.napi.glibc.node
NODE_ARM64_ROOT ?= $(BUILD)/arm64-root
NODE_QEMU = qemu-aarch64 -L $(abspath $(NODE_ARM64_ROOT)) -E LD_LIBRARY_PATH=$(abspath $(NODE_ARM64_ROOT))/usr/lib/aarch64-linux-gnu \
            $(abspath $(NODE_ARM64_ROOT))/usr/bin/node
NODE_PACKAGE_FILES ?= $(BUILD)/example.fst $(CORPUS)/vcs/processor.vcd.fst $(CORPUS)/systemc/waveform.vcd.fastlz.fst

.PHONY: prebuild-node prebuild-node-arm64 test-node-package test-node-prebuild-arm64

$(NODE_PREBUILD_X64): node_modules/.package-lock.json $(NODE_PREBUILD_SRCS)
	node scripts/prebuild.js --arch x64

$(NODE_PREBUILD_ARM64): node_modules/.package-lock.json $(NODE_PREBUILD_SRCS)
	node scripts/prebuild.js --arch arm64

prebuild-node: $(NODE_PREBUILD_X64)
prebuild-node-arm64: $(NODE_PREBUILD_ARM64)

# web: the browser files (dist/web, fstwave/web) the tarball ships
test-node-package: $(NODE_PREBUILD_X64) $(BUILD)/Release/fstwave.node $(BUILD)/example.fst web
	tests/packaging/node/test-package.sh $(abspath $(NODE_PACKAGE_FILES))

$(NODE_ARM64_ROOT)/usr/bin/node: tests/packaging/node/arm64-root.sh
	tests/packaging/node/arm64-root.sh $(NODE_ARM64_ROOT)

# the x64 project of test-node-package (its tarball then holds both prebuilds), run by the
# arm64 node: smoke.js (main thread and worker, the arm64 prebuild must load), then the
# installed `fstwave dump` must equal the repository's x64 tool byte for byte
test-node-prebuild-arm64: $(NODE_PREBUILD_ARM64) $(NODE_ARM64_ROOT)/usr/bin/node test-node-package
	cd $(BUILD)/node-package/app && $(NODE_QEMU) smoke.js --expect-addon $(NODE_PREBUILD_ARM64) $(abspath $(NODE_PACKAGE_FILES))
	@for f in $(abspath $(NODE_PACKAGE_FILES)); do \
	    (cd $(BUILD)/node-package/app && $(NODE_QEMU) node_modules/fstwave/node/cli.js dump $$f) > $(BUILD)/node-package/dump.arm64 && \
	    node node/cli.js dump $$f | cmp -s - $(BUILD)/node-package/dump.arm64 || { echo "test-node-prebuild-arm64: FAIL: the arm64 dump of $$f differs"; exit 1; }; \
	done; echo "test-node-prebuild-arm64: the arm64 fstwave dump equals the x64 tool's for $(words $(NODE_PACKAGE_FILES)) files"

.DEFAULT_GOAL := $(NODE_PACKAGING_SAVED_GOAL)
