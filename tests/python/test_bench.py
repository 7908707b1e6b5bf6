"""Quick checks of the benchmark tools (bench/): the synthetic FST generator and the workers.

Builds build/bench/gen_fst (through make), writes small multi-block files of each shape and
pack type into tmp_path, and checks what a user of the benchmark relies on: pywellen 0.20.5
and fstwave read them, the counts are what the generator printed, the files have several
blocks, pywellen and fstwave see the same names and changes, the generator is deterministic,
and a worker prints the JSON line the runner needs. A few seconds.
"""
import collections
import hashlib
import importlib.util
import json
import random
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import fstwave

pywellen = pytest.importorskip('pywellen')

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT / 'build' / 'bench' / 'gen_fst'
TARGET = 2 * 1024 * 1024  # --size 2M
SHAPE_ARGS = {'wide': ['--signals', '5000'], 'narrow': [], 'deep': ['--signals', '3000']}


def _load_run_module():
    """Import bench/run.py (not a package) as module 'bench_run' and return it (main() not run)."""
    spec = importlib.util.spec_from_file_location('bench_run', ROOT / 'bench' / 'run.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope='module')
def gen():
    """Module fixture: build build/bench/gen_fst with `make -s` and return its Path; skips when make
    or cc is missing, raises CalledProcessError if the build fails."""
    for tool in ('make', 'cc'):
        if shutil.which(tool) is None:
            pytest.skip('%s is not installed' % tool)
    subprocess.run(['make', '-s', str(GEN.relative_to(ROOT))], cwd=ROOT, check=True)
    return GEN


def generate(gen, out, shape, pack, extra=()):
    """Run GEN for a 2 MiB SHAPE/PACK file OUT (0.25 MB blocks, --quiet, SHAPE_ARGS, EXTRA args);
    returns gen_fst's summary line as dict key -> str. Asserts exit 0 and a 'gen_fst: ' line."""
    cmd = [str(gen), '--shape', shape, '--pack', pack, '--size', '2M', '--block-mb', '0.25',
           '--quiet'] + SHAPE_ARGS[shape] + list(extra) + [str(out)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.returncode == 0, p.stderr
    line = p.stdout.strip()
    assert line.startswith('gen_fst: '), line
    return dict(tok.split('=', 1) for tok in line.split()[1:])


@pytest.fixture(scope='module')
def files(gen, tmp_path_factory):
    """Module fixture: the six shape x pack files in a temp dir, as dict (shape, pack) ->
    (Path, generate() summary dict)."""
    d = tmp_path_factory.mktemp('bench')
    out = {}
    for shape in ('wide', 'narrow'):
        for pack in ('zlib', 'fastlz', 'lz4'):
            path = d / ('%s-%s.fst' % (shape, pack))
            out[(shape, pack)] = (path, generate(gen, path, shape, pack))
    return out


CASES = [(s, p) for s in ('wide', 'narrow') for p in ('zlib', 'fastlz', 'lz4')]


@pytest.mark.parametrize('shape,pack', CASES, ids=['%s-%s' % c for c in CASES])
def test_generated_file(files, shape, pack):
    path, summ = files[(shape, pack)]
    size = path.stat().st_size
    assert int(summ['bytes']) == size
    assert TARGET <= size <= TARGET * 1.10, 'size %d, target %d' % (size, TARGET)
    assert summ['shape'] == shape and summ['pack'] == pack
    # several value-change blocks: the generator's count and the runner's own scan agree
    run = _load_run_module()
    assert int(summ['blocks']) > 1
    assert run.count_blocks(str(path)) == int(summ['blocks'])
    assert int(summ['blocks']) == int(summ['flushes']) + 1

    pw = pywellen.Waveform(str(path))
    fw = fstwave.Waveform(str(path))
    signals = int(summ['signals'])
    pw_vars = list(pw.hierarchy.all_vars())
    fw_vars = list(fw.hierarchy.all_vars())
    assert len(pw_vars) == len(fw_vars) == signals
    assert sum(1 for _ in fw.hierarchy.all_vars(include_aliases=True)) == int(summ['vars'])
    assert int(summ['aliases']) > 0 and int(summ['vars']) == signals + int(summ['aliases'])
    # the same vars in the same order: what the runner's selection relies on
    names = [v.full_name(pw.hierarchy) for v in pw_vars]
    assert names == [v.full_name(fw.hierarchy) for v in fw_vars]
    assert any(n.startswith('top.core_0.alu.') for n in names)
    # the writer repeats the last time of a block at the start of the next one
    assert len(fw.time_table) == int(summ['steps']) + int(summ['blocks']) - 1

    # realistic contents: reals, vectors, x/z values
    assert any(v.is_real() for v in fw_vars)
    assert {v.bitwidth() for v in fw_vars if not v.is_real()} >= {1, 8, 16, 32, 64}
    sigs = fw.load_signals(fw_vars)
    total = sum(len(s) for s in sigs)
    assert total == int(summ['changes'])
    xz = [i for i, s in enumerate(sigs)
          if any(isinstance(val, str) and ('x' in val or 'z' in val) for _, val in s.all_changes())]
    assert xz, 'no signal with x/z values'

    # a few signals' changes are identical in pywellen and fstwave
    pick = sorted(set(random.Random(7).sample(range(signals), 8) + [0, xz[0]]
                      + [next(i for i, v in enumerate(fw_vars) if v.is_real())]))
    for i in pick:
        a = list(pw.get_signal(pw_vars[i]).all_changes())
        b = list(sigs[i].all_changes())
        assert a == b, names[i]
        assert len(b) > 1, names[i]


def _scopes(h, scopes, depth=1):
    """(depth, scope) of every scope under SCOPES of hierarchy H, depth first."""
    for s in scopes:
        yield depth, s
        yield from _scopes(h, s.scopes(h), depth + 1)


@pytest.mark.parametrize('pack', ['zlib', 'lz4'])
def test_deep_shape(gen, tmp_path, pack):
    """--shape deep: a VHDL design as nvc writes it (the deep-vhdl-420k bench file, here at
    3,000 signals): both readers see the counts the generator printed, the same names in the
    same order, the depth, the mean full-name length, VHDL scope and var types, names that
    repeat from instance to instance, and the same changes."""
    path = tmp_path / 'deep.fst'
    summ = generate(gen, path, 'deep', pack)
    assert summ['shape'] == 'deep' and int(summ['blocks']) > 1
    pw = pywellen.Waveform(str(path))
    fw = fstwave.Waveform(str(path))
    signals = int(summ['signals'])
    assert 3000 <= signals < 3000 * 1.5  # stops at the first tile past --signals
    pw_vars = list(pw.hierarchy.all_vars())
    fw_vars = list(fw.hierarchy.all_vars())
    assert len(pw_vars) == len(fw_vars) == signals
    names = [v.full_name(pw.hierarchy) for v in pw_vars]
    assert names == [v.full_name(fw.hierarchy) for v in fw_vars]
    every = [v.full_name(fw.hierarchy) for v in fw.hierarchy.all_vars(include_aliases=True)]
    assert len(every) == int(summ['vars']) == signals + int(summ['aliases'])
    assert int(summ['aliases']) > signals // 4  # ports: aliases of the parent's signals
    assert abs(sum(map(len, every)) / len(every) - float(summ['name_avg'])) < 0.05
    assert 100 < float(summ['name_avg']) < 130
    # scopes: the count and the depth the generator printed, VHDL types, nvc-style names
    scopes = list(_scopes(pw.hierarchy, pw.hierarchy.top_scopes()))
    assert len(scopes) == int(summ['scopes'])
    assert max(d for d, _ in scopes) == int(summ['depth']) == 9
    assert max(n.count('.') for n in every) == 9  # a var in a scope at depth 9
    kinds = {s.scope_type() for _, s in scopes}
    assert {'vhdl_architecture', 'vhdl_for_generate', 'vhdl_generate', 'vhdl_record'} <= kinds
    assert any('(0).' in n for n in names) and any('__1.' in n for n in names)
    assert names[0].startswith('tb_soc_top.')
    # entities are types: a leaf name recurs under many instances, as in a real design
    leaves = collections.Counter(n.rsplit('.', 2)[-2] + '.' + n.rsplit('.', 1)[-1] for n in names)
    assert leaves.most_common(1)[0][1] >= 10
    assert {v.vhdl_type_name(pw.hierarchy) for v in pw_vars} >= {'STD_LOGIC',
                                                                 'STD_LOGIC_VECTOR', 'REAL'}
    # the body: every change, and a few signals identical in both readers
    sigs = fw.load_signals(fw_vars)
    assert sum(len(s) for s in sigs) == int(summ['changes'])
    for i in sorted(set(random.Random(7).sample(range(signals), 8) + [0])):
        assert list(pw.get_signal(pw_vars[i]).all_changes()) == list(sigs[i].all_changes())


def test_deterministic(gen, tmp_path):
    a, b, c = tmp_path / 'a.fst', tmp_path / 'b.fst', tmp_path / 'c.fst'
    generate(gen, a, 'narrow', 'lz4')
    generate(gen, b, 'narrow', 'lz4')
    generate(gen, c, 'narrow', 'lz4', ['--seed', '2'])
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b, c)]
    assert digest[0] == digest[1]
    assert digest[0] != digest[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ['a.fst', 'b.fst', 'c.fst']  # no leftovers
    d, e = tmp_path / 'd.fst', tmp_path / 'e.fst'
    generate(gen, d, 'deep', 'zlib')
    generate(gen, e, 'deep', 'zlib')
    assert d.read_bytes() == e.read_bytes()


def test_bad_arguments(gen, tmp_path):
    for args in (['--shape', 'square'], ['--pack', 'bz2'], ['--block-mb', '500']):
        p = subprocess.run([str(gen), '--size', '1M'] + args + [str(tmp_path / 'x.fst')],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert p.returncode == 1 and 'gen_fst:' in p.stderr
        assert not (tmp_path / 'x.fst').exists()


def test_worker_json(files, tmp_path):
    """The runner's selection + one worker child per op: the JSON line it parses."""
    run = _load_run_module()
    path, summ = files[('wide', 'lz4')]
    args = types.SimpleNamespace(python=sys.executable, timeout=120, seed=1)
    info, sel_path, sel = run.file_info(str(path), args, str(tmp_path))
    assert info['vars'] == int(summ['signals'])
    assert len(sel['next']) == 100 and len(sel['pct1']) == 50 and len(sel['pct10']) == 500
    assert info['query_var_changes'] > 1000  # a signal with many changes (the clock)

    need = {'ok', 'impl', 'op', 'time_s', 'baseline_rss_kb', 'peak_rss_kb', 'delta_rss_kb',
            'wall_s'}
    extra = {'open_walk': {'vars', 'names_digest'},
             'get_signal': {'first_s', 'next_median_s', 'next_total_s', 'next_n', 'changes'},
             'load_1pct': {'signals', 'changes'}, 'query': {'calls', 'calls_per_s'}}
    impls = ['pywellen', 'fstwave-py']
    if shutil.which('node') and (ROOT / 'build' / 'Release' / 'fstwave.node').exists():
        impls.append('fstwave-node')
    runargs = types.SimpleNamespace(python=sys.executable, node='node')
    got = {}
    for op, fields in extra.items():
        for impl in impls:
            res = run.run_child(run.child_cmd(impl, op, path, sel_path, runargs), 120)
            assert res.get('ok'), (op, impl, res)
            assert need | fields <= set(res), (op, impl, sorted(need | fields - set(res)))
            assert res['time_s'] >= 0 and res['peak_rss_kb'] >= res['baseline_rss_kb'] > 0
            got[(op, impl)] = res
        if op == 'get_signal':
            assert all(got[(op, i)]['next_n'] == 100 for i in impls)
        for key in fields & {'names_digest', 'vars', 'changes', 'signals', 'calls'}:
            vals = {got[(op, i)][key] for i in impls}
            assert len(vals) == 1, (op, key, {i: got[(op, i)][key] for i in impls})
    # the viewer ops (fstwave only): both languages see the same changes and bytes
    view = {'view_screen': {'load_s', 'iterate_s', 'ratio', 'changes'},
            'view_window': {'load_s', 'iterate_s', 'memcpy_s', 'bytes', 'changes',
                            'window_changes', 'ratio_iterate', 'ratio_memcpy'}}
    for op, fields in view.items():
        for impl in impls[1:]:
            res = run.run_child(run.child_cmd(impl, op, path, sel_path, runargs), 120)
            assert res.get('ok'), (op, impl, res)
            assert need | fields <= set(res), (op, impl, sorted(need | fields - set(res)))
            got[(op, impl)] = res
        for key in fields & {'changes', 'bytes', 'window_changes'}:
            vals = {got[(op, i)][key] for i in impls[1:]}
            assert len(vals) == 1, (op, key, {i: got[(op, i)][key] for i in impls[1:]})
    # the window of the whole range holds every change of the signal
    assert got[('view_window', 'fstwave-py')]['window_changes'] == \
        got[('view_window', 'fstwave-py')]['changes'] > 1000
    # a failing child is reported, not dropped
    res = run.run_child(run.child_cmd('fstwave-py', 'open_walk', tmp_path / 'missing.fst',
                                      sel_path, runargs), 60)
    assert res['ok'] is False and 'FileNotFoundError' in res['error']
    json.dumps(res)


def test_viewer_targets_and_gaps_from_measurements():
    """The viewer targets are judged on the right files, and a target not met gets a sentence
    with the measured numbers behind it; a met one gets none."""
    run = _load_run_module()

    def entry(name, size, long_changes, screen, window):
        meas = []
        for impl in ('fstwave-py', 'fstwave-node'):
            meas.append(dict(op='view_screen', impl=impl, ok=True, time_s=screen[0],
                             iterate_s=screen[1], changes=screen[2]))
            meas.append(dict(op='view_window', impl=impl, ok=True, time_s=window[0],
                             iterate_s=window[1], memcpy_s=window[2], bytes=window[3],
                             window_changes=window[4]))
        e = {'name': name, 'size': size, 'info': {'query_var_changes': long_changes},
             'measurements': meas}
        e['summary'] = run.summarize_file(e, run.IMPLS)
        return e
    # a > 1 GB file whose screen is 10x (few changes per signal) and a long-clock file whose
    # copy-out is 5x iterating but at memcpy speed
    big = entry('big', 2 * run.GB, 1000, (0.004, 0.040, 1_000_000), (0.001, 0.1, 0.001, 16, 10))
    clock = entry('clock', 80_000_000, 13_000_000, (0.02, 6.0, 90_000_000),
                  (0.086, 0.5, 0.084, 216_000_000, 13_500_000))
    rows = run.viewer_targets([big, clock])
    assert len(rows) == 6 and sum(ok is False for *_, ok in rows) == 4, rows
    assert any('> 1 GB' in t and 'big' in m and ok is False for t, m, ok in rows)
    assert any('≥ 20×' in t and 'clock' in m and ok is False for t, m, ok in rows)
    assert any('within 3×' in t and 'clock' in m and ok is True for t, m, ok in rows)
    gaps = run.viewer_gaps({'files': [big, clock]})
    text = '\n'.join(gaps)
    assert text.count('One screen on big') == 2
    assert '10000 changes each' in text and 'The window copy-out on clock' in text
    assert '37 ns per change' in text and '16 bytes per change' in text
    # nothing to say when every target is met
    fine = entry('fine', 2 * run.GB, 13_000_000, (0.02, 6.0, 90_000_000), (0.01, 0.5, 0.009, 16, 10))
    assert run.viewer_gaps({'files': [fine]}) == []


FLOOR = ROOT / 'build' / 'bench' / 'floor'


@pytest.mark.parametrize('pack,code', [('zlib', 'Z'), ('fastlz', 'F'), ('lz4', '4')])
def test_floor_tool(files, tmp_path, pack, code):
    """bench/floor.c on the runner's selection: the floor of every load op, its chains unpacked
    with the file's pack type (zlib through libdeflate and, with --zlib, through zlib: the same
    chains and bytes either way); the report's floor rows; a bad selection is an error."""
    subprocess.run(['make', '-s', str(FLOOR.relative_to(ROOT))], cwd=ROOT, check=True)
    run = _load_run_module()
    path, summ = files[('narrow', pack)]
    args = types.SimpleNamespace(python=sys.executable, timeout=120, seed=1)
    info, sel_path, sel = run.file_info(str(path), args, str(tmp_path))
    outs = []
    for extra in ([], ['--zlib']):
        p = subprocess.run([str(FLOOR), '--runs', '2'] + extra + [str(path), str(sel_path)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert p.returncode == 0, p.stderr
        outs.append(json.loads(p.stdout))
    fl, fz = outs
    assert fl['pack'] == code and fl['runs'] == 2
    assert (fl['zlib_lib'], fz['zlib_lib']) == ('libdeflate', 'zlib')
    ops = ['get_signal_first', 'get_signal_next_median', 'get_signal_next_total', 'load_1pct',
           'load_10pct']
    assert sorted(fl['ops']) == sorted(ops)
    assert all(fl['ops'][k] >= 0 for k in ops)
    for key in ('chains', 'packed_bytes', 'unpacked_bytes'):
        assert fl[key] == fz[key]
    # 10 % of the signals unpack more chains than 1 %, and a narrow file's chains are packed
    assert fl['chains']['load_10pct'] > fl['chains']['load_1pct'] > 0
    assert fl['unpacked_bytes']['load_10pct'] > fl['packed_bytes']['load_10pct'] > 0
    # the report: each load as a multiple of its floor
    floor = dict(fl, ops=dict(fl['ops'], load_1pct=0.002))
    entry = {'floor': floor, 'summary': {'load_1pct': {'fstwave-py': {'time_s': {'median': 0.006}}}}}
    rows = run.floor_table(entry, 2)
    row = [r for r in rows if r.startswith('| load 1 %')]
    assert len(row) == 1 and '| 2 ms | %d | 6 ms | 3.00× |' % fl['chains']['load_1pct'] in row[0], rows
    assert run.floor_table({'floor': {'error': 'x'}, 'summary': {}}, 2) == ['\nFloor: x.']
    bad = tmp_path / 'bad.sel.json'
    bad.write_text('{"first": 0}')
    p = subprocess.run([str(FLOOR), str(path), str(bad)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    assert p.returncode == 1 and 'floor:' in p.stderr
