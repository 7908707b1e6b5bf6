"""The README's pywellen 0.25 example ("Code written for pywellen 0.25") is a script written
for pywellen 0.25: run unchanged with ``import pywellen`` (0.25.7, the reference) and with
``import fstwave.pywellen25 as pywellen``, it must print the same, on the bundled example and
on corpus files written by several simulators."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, REPO_ROOT

FILES = [REPO_ROOT / 'build' / 'example.fst'] + [CORPUS / p for p in (
    'verilator/basic_test.fst', 'icarus/rv32_soc_TB.vcd.fst', 'ghdl/alu.vcd.fst', 'nvc/shortstring.fst',
    'questa-sim/test.vcd.fst', 'surfer/counter.vcd.fst')]


def readme_script():
    text = (REPO_ROOT / 'README.md').read_text(encoding='utf-8')
    at = text.index('## Code written for pywellen 0.25')
    m = re.compile(r'```python\n(.*?)```', re.S).search(text, at)
    assert m
    return m.group(1)


def run(code, tmp_path, name):
    script = tmp_path / name
    script.write_text(code)
    p = subprocess.run([sys.executable, str(script)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.name)
def test_readme_script_prints_the_same(path, tmp_path):
    assert path.is_file(), path
    code = readme_script().replace('"wave.fst"', repr(str(path)))
    assert 'import fstwave.pywellen25 as pywellen' in code
    ours = run(code, tmp_path, 'ours.py')
    theirs = run(code.replace('import fstwave.pywellen25 as pywellen', 'import pywellen'),
                 tmp_path, 'theirs.py')
    assert ours.count('\n') > 5
    assert ours == theirs
