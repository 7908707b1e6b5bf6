"""Build of the fstwave._fstwave extension (metadata is in pyproject.toml).

The extension compiles the C core (core/src/*.c), the vendored LZ4 and FastLZ
decompressors (vendor/libfst/lz4.c, vendor/libfst/fastlz.c) and the binding
(python/fstwave/_fstwave.c, python/src/*.c); it links the system zlib and
pthreads.
"""

import glob
import os

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def _rel(pattern):
    """Sorted paths matching pattern, relative to the project root."""
    return sorted(
        os.path.relpath(p, HERE) for p in glob.glob(os.path.join(HERE, pattern))
    )


sources = (
    _rel("core/src/*.c")
    + ["vendor/libfst/lz4.c", "vendor/libfst/fastlz.c"]
    + ["python/fstwave/_fstwave.c"]
    + _rel("python/src/*.c")
)

ext = Extension(
    "fstwave._fstwave",
    sources=sources,
    include_dirs=["core/include", "vendor/libfst", "python/src"],
    depends=_rel("core/include/*.h") + _rel("core/src/*.h") + _rel("python/src/*.h"),
    libraries=["z", "pthread"],
    extra_compile_args=["-std=gnu11", "-O2", "-pthread"],
    extra_link_args=["-pthread"],
)

setup(ext_modules=[ext])
