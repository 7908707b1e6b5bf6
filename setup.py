"""Build of the fstwave._fstwave extension (metadata is in pyproject.toml).

The extension compiles the C core (core/src/*.c), the vendored LZ4 and FastLZ
decompressors (vendor/libfst/lz4.c, vendor/libfst/fastlz.c), libdeflate's
decompressor (vendor/libdeflate/lib, unmodified) and the binding
(python/fstwave/_fstwave.c, python/src/*.c); it links the system zlib and
pthreads.  The sdist gets every one of these files from here: setuptools puts
an Extension's sources and its `depends` (every header the sources include)
into the sdist, so a header missing from `depends` is missing from the sdist
and the build from the sdist fails (tests/packaging/python/run.sh builds the
wheel from the sdist).  MANIFEST.in adds what the build does not read.

Every symbol is hidden (-fvisibility=hidden) except the module's init
function PyInit__fstwave (PyMODINIT_FUNC exports it): the core's FSTW_API is
empty in this static build and LZ4's export macro is emptied the same way,
so the C core and the decompressors cannot clash with another library
loaded in the same process (tests/python/test_symbols.py checks it).

Not the limited API (no abi3 wheel): one wheel per CPython version.  The
binding's hot paths use what the limited API lacks or makes a call:
PyTuple/PyList GET_ITEM/SET_ITEM, PySequence_Fast_ITEMS, PyUnicode_New +
PyUnicode_DATA for ASCII names, _PyLong_FromByteArray for wide bit vectors
(PyLong_FromUnsignedNativeBytes from 3.13), tp_alloc/tp_free and tp_name
read from the type; Python 3.9 would need its own wheel anyway
(METH_FASTCALL and PyType_FromModuleAndSpec are limited API from 3.10).

The wheel also carries the user documentation: build_py copies the
repository's docs/*.md into the package as fstwave/docs/*.md, the paths the
installed docstrings and `fstwave --help` cite.
"""

import glob
import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext as _build_ext
from setuptools.command.build_py import build_py as _build_py
from setuptools.errors import FileError

HERE = os.path.dirname(os.path.abspath(__file__))


def _rel(pattern):
    """Sorted paths matching pattern, relative to the project root."""
    return sorted(
        os.path.relpath(p, HERE) for p in glob.glob(os.path.join(HERE, pattern))
    )


class build_py(_build_py):
    """build_py, plus docs/*.md copied into the built package as fstwave/docs/*.md."""

    def _docs(self):
        """(source, target) of every docs/*.md; FileError when there is none (an sdist
        without docs/ would otherwise give a wheel without documentation)."""
        docs = _rel("docs/*.md")
        if not docs:
            raise FileError("docs/*.md not found in %s: the wheel ships them as fstwave/docs/" % HERE)
        target = os.path.join(self.build_lib, "fstwave", "docs")
        return [(src, os.path.join(target, os.path.basename(src))) for src in docs]

    def run(self):
        super().run()
        for src, dst in self._docs():
            self.mkpath(os.path.dirname(dst))
            self.copy_file(src, dst)

    def get_outputs(self, include_bytecode=True):
        return super().get_outputs(include_bytecode) + [dst for _, dst in self._docs()]


class build_ext(_build_ext):
    """build_ext without the interpreter's -Wl,-rpath link flags (pyenv's LDSHARED adds
    its own lib directory): the extension needs no runpath (it links libz and libc, not
    libpython), and a wheel must not carry a directory of the machine that built it.
    It builds the static libraries first (build_clib: libdeflate), also when run alone
    (`setup.py build_ext --inplace`), since the extension links them."""

    def run(self):
        if self.distribution.has_c_libraries():
            self.run_command("build_clib")
        super().run()

    def build_extensions(self):
        self.compiler.linker_so = [a for a in self.compiler.linker_so if not a.startswith("-Wl,-rpath")]
        super().build_extensions()


# libdeflate's decompressor, vendored unmodified (vendor/libdeflate/README.md)
# (the sources compiled are listed once, in vendor/libdeflate/SOURCES)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor", "libdeflate", "SOURCES")) as _f:
    LIBDEFLATE_SRCS = _f.read().split()

# built as a static library of its own (build_clib) so that the linker can keep its
# symbols, which libdeflate marks visible, out of the extension's exports
libdeflate = ("fstwave_libdeflate", {
    "sources": LIBDEFLATE_SRCS,
    "include_dirs": ["vendor/libdeflate"],
    "cflags": ["-O2", "-fvisibility=hidden"],
})
if sys.platform.startswith("linux"):
    HIDE_LIBS = ["-Wl,--exclude-libs,ALL"]
elif sys.platform == "darwin":
    HIDE_LIBS = ["-Wl,-exported_symbol,_PyInit__fstwave"]
else:
    HIDE_LIBS = []

sources = (
    _rel("core/src/*.c")
    + ["vendor/libfst/lz4.c", "vendor/libfst/fastlz.c"]
    + ["python/fstwave/_fstwave.c"]
    + _rel("python/src/*.c")
)

ext = Extension(
    "fstwave._fstwave",
    sources=sources,
    include_dirs=["core/include", "vendor/libfst", "vendor/libdeflate", "python/src"],
    depends=_rel("core/include/*.h")
    + _rel("core/src/*.h")
    + ["vendor/libfst/lz4.h", "vendor/libfst/fastlz.h"]
    + _rel("vendor/libdeflate/*.h") + _rel("vendor/libdeflate/lib/*.h") + _rel("vendor/libdeflate/lib/*/*.h")
    + _rel("python/src/*.h"),
    define_macros=[("LZ4LIB_VISIBILITY", "")],
    libraries=["z", "pthread"],
    extra_compile_args=["-std=gnu11", "-O2", "-pthread", "-fvisibility=hidden"],
    extra_link_args=["-pthread"] + HIDE_LIBS,
)

setup(ext_modules=[ext], libraries=[libdeflate], cmdclass={"build_py": build_py, "build_ext": build_ext})
