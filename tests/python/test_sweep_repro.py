"""The damaged inputs the sweep found (tests/sweep/repro, tests/sweep/README.md "Findings").

Each was a memory bomb or a crash risk before the core bounds: a 545-byte file whose 2^24-bit
var aliases a 1-bit signal made every change 16 Mbit wide (4.1 GB resident), an alias handle
sized a 15 GB table, a block's max handle a 3 GB one.  Each file is opened and every var's
signal loaded in a fresh process; it must end in a result or an FstError (never a crash) and
stay far below those sizes (peak RSS: VmHWM of the child, which exec resets; ru_maxrss
would carry the forking pytest process's peak).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith('linux'), reason='reads /proc/self/status')

REPRO = Path(__file__).resolve().parents[1] / 'sweep' / 'repro'
FILES = sorted(REPRO.glob('*.fst'))
#: a fresh interpreter with fstwave imported takes ~20 MB; the bombs took GBs
PEAK_LIMIT_MB = 256

CHILD = r'''
import json, sys
import fstwave
out = {}
try:
    w = fstwave.Waveform(sys.argv[1])
    vs = list(w.hierarchy.all_vars())
    sigs = w.load_signals(vs)
    out['result'] = 'loaded %d signals' % len(sigs)
except fstwave.FstError as e:
    out['result'] = 'FstError'
    out['message'] = str(e)
out['peak_mb'] = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024
print(json.dumps(out))
'''


def test_the_repro_files_are_there():
    assert len(FILES) >= 6, FILES


@pytest.mark.parametrize('path', FILES, ids=[p.name for p in FILES])
def test_repro_file_is_read_or_refused_within_bounds(path):
    p = subprocess.run([sys.executable, '-c', CHILD, str(path)], capture_output=True, text=True,
                       timeout=60, env=dict(os.environ))
    assert p.returncode == 0, (p.returncode, p.stderr[-2000:])
    res = json.loads(p.stdout.strip().splitlines()[-1])
    assert res['peak_mb'] < PEAK_LIMIT_MB, res
    if path.name.startswith('wide-alias'):
        # a var wider than what the file stores per value of its signal is malformed
        assert res['result'] == 'FstError' and ' bits' in res['message'], res
