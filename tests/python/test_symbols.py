"""The extension module exports nothing but its init function.

setup.py compiles the C core, the LZ4/FastLZ decompressors and the binding with
-fvisibility=hidden (FSTW_API and LZ4's export macro are empty in that build), so
loading fstwave next to another library that has an ``fstw_open`` or an ``LZ4_*``
cannot bind one to the other's functions.  Checked on the built module with
``nm -D --defined-only`` (binutils).
"""
import shutil
import subprocess

import pytest

from fstwave import _fstwave

FUNCTION_TYPES = set('TtWwi')  # nm: text, weak, indirect function


def dynamic_symbols(path):
    """(type, name) of every symbol the shared object defines in its dynamic table."""
    out = subprocess.run(['nm', '-D', '--defined-only', path], check=True,
                         capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            syms.append((parts[-2], parts[-1]))
    return syms


@pytest.mark.skipif(shutil.which('nm') is None, reason='needs nm (binutils)')
def test_only_the_init_function_is_exported():
    syms = dynamic_symbols(_fstwave.__file__)
    functions = sorted(name for kind, name in syms if kind in FUNCTION_TYPES)
    assert functions == ['PyInit__fstwave'], (
        f'{_fstwave.__file__} exports functions besides PyInit__fstwave: {functions[:20]}')
    # no data of the core, the binding or the decompressors either
    ours = [name for _, name in syms
            if name.lower().startswith(('fstw', 'pyfstw', 'lz4', 'fastlz'))]
    assert ours == []
