"""The pywellen 0.25 benchmark's worker (bench/worker_py25.py), as bench/run25.py runs it, on
a fixture: every operation succeeds for both implementations, and both see the same thing
(the runner's cross-checks), so `make bench25` cannot break unnoticed between benchmark runs."""
import json
import subprocess
import sys

import pytest

from conftest import REPO_ROOT

WORKER = REPO_ROOT / 'bench' / 'worker_py25.py'
CHECKS = {'open_lookup': ('found',), 'slice_all': ('len', 'first', 'last'),
          'stream_changes': ('changes', 'time_sum'), 'stream_time_steps': ('steps', 'changed')}


def work(impl, op, path, sel):
    p = subprocess.run([sys.executable, str(WORKER), '--impl', impl, '--op', op, '--file', str(path),
                        '--sel', str(sel)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    res = json.loads(p.stdout.strip().splitlines()[-1])
    assert res['ok'] and res['peak_rss_kb'] >= res['baseline_rss_kb'] > 0, res
    return res


@pytest.fixture(scope='module')
def selection(fixtures_dir, tmp_path_factory):
    path = fixtures_dir / 'multiblock_zlib.fst'
    sel = tmp_path_factory.mktemp('bench25') / 'sel.json'
    info = work('fstwave', 'info', path, sel)
    assert info['names'] > 0 and info['big'] and info['big_len'] > 100
    return path, sel, info


@pytest.mark.parametrize('op', sorted(CHECKS))
def test_both_implementations_see_the_same(selection, op):
    path, sel, info = selection
    got = {impl: work(impl, op, path, sel) for impl in ('pywellen', 'fstwave')}
    for key in CHECKS[op]:
        assert got['pywellen'][key] == got['fstwave'][key], (op, key, got)
    if op == 'open_lookup':
        assert got['fstwave']['found'] == info['names']
    if op == 'slice_all':
        assert got['fstwave']['len'] == info['big_len']
    if op == 'stream_changes':
        assert got['fstwave']['changes'] > info['big_len']


def test_callback_floor():
    res = work('fstwave', 'callback_floor', '-', '-')
    assert res['calls'] == 2_000_000 and 0 < res['time_s'] < 1e-5
