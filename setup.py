"""Build of the fstwave._fstwave extension (metadata is in pyproject.toml).

The extension compiles the C core (core/src/*.c), the vendored LZ4 and FastLZ
decompressors (vendor/libfst/lz4.c, vendor/libfst/fastlz.c) and the binding
(python/fstwave/_fstwave.c, python/src/*.c); it links the system zlib and
pthreads.

Every symbol is hidden (-fvisibility=hidden) except the module's init
function PyInit__fstwave (PyMODINIT_FUNC exports it): the core's FSTW_API is
empty in this static build and LZ4's export macro is emptied the same way,
so the C core and the decompressors cannot clash with another library
loaded in the same process (tests/python/test_symbols.py checks it).
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
    define_macros=[("LZ4LIB_VISIBILITY", "")],
    libraries=["z", "pthread"],
    extra_compile_args=["-std=gnu11", "-O2", "-pthread", "-fvisibility=hidden"],
    extra_link_args=["-pthread"],
)

setup(ext_modules=[ext])
