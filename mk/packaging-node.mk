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
#                              tool, tsc --noEmit against the packed types.  Part of `make test`.
#   make test-node-prebuild-arm64 NODE_ARM64=/path/to/arm64/bin/node
#                              the arm64 prebuild's smoke test under qemu-aarch64 (Debian
#                              qemu-user; libraries of the arm64 cross toolchain and
#                              zlib1g:arm64), in the project test-node-package installed
#
# Knob: NODE_PACKAGE_FILES, the FST files of the smoke test and the dump comparison.

# rules here must not become the default goal, wherever this file is included
NODE_PACKAGING_SAVED_GOAL := $(.DEFAULT_GOAL)

NODE_PREBUILD_SRCS := $(NODE_SRCS) package.json scripts/prebuild.js
NODE_PREBUILD_X64  := prebuilds/linux-x64/node.napi.glibc.node
NODE_PREBUILD_ARM64 := prebuilds/linux-arm64/node.napi.glibc.node
NODE_PACKAGE_FILES ?= $(BUILD)/example.fst $(CORPUS)/vcs/processor.vcd.fst $(CORPUS)/systemc/waveform.vcd.fastlz.fst

.PHONY: prebuild-node prebuild-node-arm64 test-node-package test-node-prebuild-arm64

$(NODE_PREBUILD_X64): node_modules/.package-lock.json $(NODE_PREBUILD_SRCS)
	node scripts/prebuild.js --arch x64

$(NODE_PREBUILD_ARM64): node_modules/.package-lock.json $(NODE_PREBUILD_SRCS)
	node scripts/prebuild.js --arch arm64

prebuild-node: $(NODE_PREBUILD_X64)
prebuild-node-arm64: $(NODE_PREBUILD_ARM64)

test-node-package: $(NODE_PREBUILD_X64) $(BUILD)/Release/fstwave.node $(BUILD)/example.fst
	tests/packaging/node/test-package.sh $(abspath $(NODE_PACKAGE_FILES))

test-node-prebuild-arm64: $(NODE_PREBUILD_ARM64) test-node-package
	@test -n "$(NODE_ARM64)" || { echo "test-node-prebuild-arm64: give an arm64 node: NODE_ARM64=/path/to/bin/node"; exit 1; }
	cd $(BUILD)/node-package/app && \
	    QEMU_LD_PREFIX=/usr/aarch64-linux-gnu \
	    qemu-aarch64 -E LD_LIBRARY_PATH=/usr/lib/aarch64-linux-gnu $(NODE_ARM64) smoke.js --expect-addon $(NODE_PREBUILD_ARM64) $(abspath $(NODE_PACKAGE_FILES))

.DEFAULT_GOAL := $(NODE_PACKAGING_SAVED_GOAL)
