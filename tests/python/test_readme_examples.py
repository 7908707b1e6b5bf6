"""The README's viewer examples run as a user copies them: each code block under "Viewer
example (Python)" and "Viewer example (Node.js)" is run on the bundled example file (its
"wave.fst" replaced by that path) and must finish without an error and print what the
example says it prints."""
import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, 'build', 'example.fst')


def block(heading, lang):
    """The first ```LANG code block after the README heading HEADING."""
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as f:
        text = f.read()
    at = text.index('## ' + heading)
    m = re.compile(r'```' + lang + r'\n(.*?)```', re.S).search(text, at)
    assert m, (heading, lang)
    return m.group(1)


def run(argv, tmp_path):
    p = subprocess.run(argv, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_python_viewer_example(tmp_path):
    code = block('Viewer example (Python)', 'python').replace('"wave.fst"', repr(EXAMPLE))
    script = tmp_path / 'viewer.py'
    script.write_text(code)
    out = run([sys.executable, str(script)], tmp_path)
    assert re.search(r'^read 0 of (\d+) bytes$', out, re.M)
    total = re.search(r'^read 0 of (\d+) bytes$', out, re.M).group(1)
    assert 'read %s of %s bytes' % (total, total) in out
    assert re.search(r'^u64 \d+ \[100, ', out, re.M)
    assert 'dense slices' in out and out.rstrip().endswith('load cancelled')


@pytest.mark.skipif(shutil.which('node') is None, reason='needs Node.js')
def test_node_viewer_example(tmp_path):
    code = block('Viewer example (Node.js)', 'js').replace("'wave.fst'", repr(EXAMPLE))
    code = code.replace("require('fstwave')", 'require(%r)' % ROOT)
    script = tmp_path / 'viewer.js'
    script.write_text(code)
    out = run(['node', str(script)], tmp_path)
    # async reports are coalesced (the latest one is delivered); the last one always is
    assert re.search(r'^read (\d+) of \1 bytes$', out, re.M)
    assert out.startswith('read ') and 'u64 BigUint64Array' in out
    assert 'dense slices' in out and out.rstrip().endswith('AbortError')
