# node-gyp build of the fstwave Node.js addon (build/Release/fstwave.node).
#
# Plain C against node_api.h. Node-API version 8: BigInt values
# (napi_create_bigint_words) and per-instance data need 6, type tags
# (napi_type_tag_object / napi_check_object_type_tag) need 8; nothing newer
# is used, so the addon loads in every Node.js >= 12.22 / 14.17 / 16.
#
# Built from source by node/build.js (`make node`; the install script when no
# prebuilt addon fits), which runs `node-gyp configure` and `node-gyp build`
# (not `rebuild`: that deletes build/, where the Makefile keeps the core
# library, fixtures and test binaries) against the headers of the running node
# (<prefix>/include/node), never downloading anything; and by
# scripts/prebuild.js (prebuildify's `node-gyp rebuild` in a copy of the
# package under build/prebuild/) into prebuilds/<platform>-<arch>/.
{
  "targets": [
    {
      "target_name": "fstwave",
      # core/src/*.c, vendor/libfst/lz4.c and fastlz.c, node/src/*.c
      "sources": ["<!@(node node/build.js --sources)"],
      "dependencies": ["libdeflate"],
      "include_dirs": ["core/include", "vendor/libfst", "vendor/libdeflate"],
      "defines": ["NAPI_VERSION=8", "LZ4LIB_VISIBILITY="],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-fvisibility=hidden"],
      "cflags!": ["-fno-exceptions"],
      "libraries": ["-lz", "-lpthread"],
      # bind every imported symbol at load (require) time, not at its first call: the first
      # open / walk / getSignal of a process otherwise pays ~1 us per symbol (about 60 us)
      "ldflags": ["-Wl,-z,now"],
      # libdeflate marks its functions visible: keep them out of the addon's exports
      "conditions": [["OS=='linux'", {"ldflags": ["-Wl,--exclude-libs,ALL"]}]],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-Wall", "-Wextra", "-fvisibility=hidden"]
      }
    },
    {
      # libdeflate's decompressor, vendored unmodified (vendor/libdeflate/README.md):
      # built on its own, its warnings off
      "target_name": "libdeflate",
      "type": "static_library",
      # the sources, listed once in vendor/libdeflate/SOURCES (gyp's command expansion reads it)
      "sources": ["<!@(node -p \"require('fs').readFileSync('vendor/libdeflate/SOURCES', 'utf8').trim().split(/\\s+/).join(' ')\")"],
      "include_dirs": ["vendor/libdeflate"],
      "cflags_c": ["-std=gnu11", "-w", "-fvisibility=hidden"],
      "cflags!": ["-fno-exceptions"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-w", "-fvisibility=hidden"]
      }
    }
  ]
}
