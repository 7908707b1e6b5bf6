"""API behaviour of fstwave (docs/api.md sections 2-4), including the extensions that
pywellen 0.20.5 lacks.  Expected values are derived from the files (via pywellen, the FST
header or the signal's own all_changes()), not hand-written.
"""
import bisect
import os
import subprocess
import sys
import textwrap

import pytest

import fstwave
import pywellen

from conftest import corpus_path
from wavecompare import lists_strict_eq, pw_time_table, read_fst_header, strict_eq

SMALL = 'vcs/processor.vcd.fst'           # 1600 steps, several changes per step (D2)
GLITCHY = ['vcs/processor.vcd.fst', 'questa-sim/test.vcd.fst', 'my-hdl/top.vcd.fst',
           'aldec/SPI_Write.vcd.fst']
QUERY_FILES = GLITCHY + ['nvc/manytypes2.fst', 'verilator/many_sv_datatypes.fst',
                         'ghdl/oscar/vhdl3.fst', 'gtkwave-analyzer/perm_current.vcd.fst']


def changes(sig):
    return list(sig.all_changes())


def open_fw(rel, **kw):
    return fstwave.Waveform(str(corpus_path(rel)), **kw)


# --------------------------------------------------------------------------------------------
# module

def test_exports():
    for name in ('Waveform', 'Hierarchy', 'Scope', 'ScopeIter', 'Var', 'VarIter', 'Signal',
                 'SignalChangeIter', 'TimeTable', 'Timescale', 'TimescaleUnit', 'FstError'):
        assert hasattr(fstwave, name), name
    w = open_fw(SMALL)
    h = w.hierarchy
    assert isinstance(w.time_table, fstwave.TimeTable)
    assert isinstance(h.top_scopes(), fstwave.ScopeIter)
    assert isinstance(next(h.top_scopes()), fstwave.Scope)
    assert isinstance(h.all_vars(), fstwave.VarIter)


def test_fsterror_is_runtimeerror():
    assert issubclass(fstwave.FstError, RuntimeError)


def test_only_waveform_is_constructible():
    for cls in (fstwave.Hierarchy, fstwave.Scope, fstwave.Var, fstwave.Signal,
                fstwave.TimeTable):
        with pytest.raises(TypeError):
            cls()


def test_reprs_are_readable():
    w = open_fw(SMALL)
    h = w.hierarchy
    v = next(h.all_vars())
    objs = [w, h, next(h.top_scopes()), v, w.get_signal(v), w.time_table, h.timescale(),
            h.timescale().unit, w.get_signal(v).query_signal(0)]
    for o in objs:
        r = repr(o)
        assert r and 'object at 0x' not in r, r
    assert repr(h.timescale()) == repr(pywellen.Waveform(str(corpus_path(SMALL)))
                                       .hierarchy.timescale())


# --------------------------------------------------------------------------------------------
# lazy body

@pytest.mark.parametrize('rel', [SMALL, 'nvc/xwb_fofb_shaper_filt_tb.fst'])
def test_lazy_body_time_table(rel):
    hdr = read_fst_header(corpus_path(rel))
    w = open_fw(rel, load_body=False)
    assert w.body_loaded() is False
    assert tuple(w.time_range) == (hdr.start, hdr.end)
    assert list(w.hierarchy.all_vars())  # the hierarchy needs no body
    assert w.body_loaded() is False
    tt = list(w.time_table)
    assert w.body_loaded() is True
    assert tt == pw_time_table(pywellen.Waveform(str(corpus_path(rel))).time_table)


def test_lazy_body_signal_load_and_explicit_load():
    eager = open_fw(SMALL)
    w = open_fw(SMALL, load_body=False)
    v = list(w.hierarchy.all_vars())[3]
    assert changes(w.get_signal(v)) == changes(eager.get_signal(list(eager.hierarchy.all_vars())[3]))
    assert w.body_loaded() is True
    w2 = open_fw(SMALL, load_body=False)
    assert w2.load_body() is None
    assert w2.body_loaded() is True
    w2.load_body()  # loading twice is harmless
    assert list(w2.time_table) == list(eager.time_table)
    assert eager.body_loaded() is True


def test_lazy_body_fixture(fixtures_dir):
    p = fixtures_dir / 'multiblock_zlib.fst'
    w = fstwave.Waveform(p, load_body=False)
    assert not w.body_loaded()
    hdr = read_fst_header(p)
    assert tuple(w.time_range) == (hdr.start, hdr.end)
    e = fstwave.Waveform(p)
    sigs = w.load_signals(list(w.hierarchy.all_vars()))
    assert w.body_loaded()
    for a, b in zip(sigs, e.load_signals(list(e.hierarchy.all_vars()))):
        assert lists_strict_eq(changes(a), changes(b))


def test_multi_threaded_flag_same_results():
    a = open_fw('nvc/xwb_fofb_shaper_filt_tb.fst', multi_threaded=False)
    b = open_fw('nvc/xwb_fofb_shaper_filt_tb.fst', multi_threaded=True)
    assert list(a.time_table) == list(b.time_table)
    va, vb = list(a.hierarchy.all_vars()), list(b.hierarchy.all_vars())
    for x, y in zip(a.load_signals(va), b.load_signals_multithreaded(vb)):
        assert lists_strict_eq(changes(x), changes(y))


# --------------------------------------------------------------------------------------------
# signal cache (D10), batch loads

def test_get_signal_cached_and_unload():
    w = open_fw(SMALL)
    vs = list(w.hierarchy.all_vars())
    v = vs[5]
    s1 = w.get_signal(v)
    s2 = w.get_signal(v)
    assert lists_strict_eq(changes(s1), changes(s2))
    assert s1 is s2  # served from the cache, not re-read
    # unload with the Signal
    w.unload_signals([s1])
    s3 = w.get_signal(v)
    assert s3 is not s1 and lists_strict_eq(changes(s3), changes(s1))
    assert w.get_signal(v) is s3
    # unload with the Var
    w.unload_signals([v])
    s4 = w.get_signal(v)
    assert s4 is not s3 and lists_strict_eq(changes(s4), changes(s1))
    # an unloaded Signal object stays usable
    assert lists_strict_eq(changes(s1), changes(s4))
    # unloading something not cached, or a mix, is fine
    w.unload_signals([vs[6], s4, vs[5]])
    with pytest.raises(TypeError):
        w.unload_signals([42])


def test_load_signals_order_and_duplicates():
    w = open_fw(SMALL)
    vs = list(w.hierarchy.all_vars())
    pick = [vs[7], vs[1], vs[30], vs[1], vs[0], vs[7]]
    ref = fstwave.Waveform(str(corpus_path(SMALL)))
    rvs = list(ref.hierarchy.all_vars())
    w.get_signal(vs[30])  # one of them already cached
    got = w.load_signals(pick)
    assert len(got) == len(pick)
    for var, sig in zip(pick, got):
        want = changes(ref.get_signal(rvs[vs.index(var)]))
        assert lists_strict_eq(changes(sig), want)
    assert got[1] is got[3] and got[0] is got[5]
    assert w.load_signals([]) == []
    assert w.load_signals(iter(pick[:2]))[0] is got[0]  # any iterable


def test_load_signals_multithreaded_equals_load_signals():
    a = open_fw('verilator/swerv1.vcd.fst')
    b = open_fw('verilator/swerv1.vcd.fst')
    va = list(a.hierarchy.all_vars())[::7]
    vb = list(b.hierarchy.all_vars())[::7]
    sa = a.load_signals(va)
    sb = b.load_signals_multithreaded(vb)
    assert len(sa) == len(sb) == len(va)
    for x, y in zip(sa, sb):
        assert lists_strict_eq(changes(x), changes(y))


# --------------------------------------------------------------------------------------------
# get_signal_from_path

def _walk_vars(h, scopes, prefix=()):
    for s in scopes:
        path = prefix + (s.name(h),)
        for v in s.vars(h):
            yield path, v
        yield from _walk_vars(h, s.scopes(h), path)


def test_get_signal_from_path_matches_pywellen():
    rel = 'ghdl/pcpu.vcd.fst'
    w = open_fw(rel)
    pw = pywellen.Waveform(str(corpus_path(rel)))
    h = w.hierarchy
    n = 0
    for path, v in list(_walk_vars(h, h.top_scopes()))[::5]:
        if any('.' in p for p in path) or '.' in v.name(h):
            continue
        full = v.full_name(h)
        got = changes(w.get_signal_from_path(full))
        want = changes(pw.get_signal_from_path(full))
        assert lists_strict_eq(got, want), full
        n += 1
    assert n > 10


def test_get_signal_from_path_not_found():
    rel = 'ghdl/pcpu.vcd.fst'
    pw = pywellen.Waveform(str(corpus_path(rel)))
    w = open_fw(rel)
    for bad in ('no.such.var', 'nosuchvar', '', 'top.'):
        with pytest.raises(RuntimeError) as pinfo:
            pw.get_signal_from_path(bad)
        with pytest.raises(RuntimeError) as finfo:
            w.get_signal_from_path(bad)
        assert str(finfo.value) == str(pinfo.value) == f'No var at path {bad}'


def test_get_signal_from_path_toplevel_var(fixtures_dir):
    p = fixtures_dir / 'toplevel_vars.fst'
    w = fstwave.Waveform(p)
    h = w.hierarchy
    tops = [v for v in h.all_vars(include_aliases=True) if v.full_name(h) == v.name(h)]
    assert tops, 'toplevel_vars.fst should have top-level vars'
    pw = pywellen.Waveform(str(p))
    for v in tops:
        name = v.name(h)
        assert '.' not in name
        got = w.get_signal_from_path(name)
        assert lists_strict_eq(changes(got), changes(pw.get_signal_from_path(name)))


# --------------------------------------------------------------------------------------------
# Signal: query_signal, all_changes_after, len

def _expected_query(ch, t):
    times = [c[0] for c in ch]
    k = bisect.bisect_right(times, t) - 1
    if k < 0:
        return (None, None, 0, times[0])
    nxt = k + 1 if k + 1 < len(ch) else None
    return (ch[k][1], times[k], nxt, times[k + 1] if nxt is not None else None)


@pytest.mark.parametrize('rel', QUERY_FILES)
def test_query_signal(rel):
    w = open_fw(rel)
    vs = list(w.hierarchy.all_vars())
    kinds = {'before': 0, 'at': 0, 'between': 0, 'after': 0}
    for sig in w.load_signals(vs):
        ch = changes(sig)
        if not ch:
            continue
        times = sorted({c[0] for c in ch})
        probes = []
        if times[0] > 0:
            probes.append(('before', times[0] - 1))
        for i, t in enumerate(times):
            probes.append(('at', t))
            if i + 1 < len(times) and t + 1 < times[i + 1]:
                probes += [('between', t + 1), ('between', times[i + 1] - 1)]
        probes.append(('after', times[-1] + 1))
        if len(probes) > 80:  # long signals: a spread of probes, always both ends
            probes = probes[:20] + probes[20:-20:max(1, len(probes) // 40)] + probes[-20:]
        for kind, t in probes:
            q = sig.query_signal(t)
            got = (q.value, q.actual_time, q.next_idx, q.next_time)
            want = _expected_query(ch, t)
            assert strict_eq(got, want), f'{rel}: query_signal({t}) [{kind}]: {got} != {want}'
            assert strict_eq(q.value, sig.value_at_time(t))
            kinds[kind] += 1
    assert kinds['at'] and kinds['after'] and (kinds['between'] or kinds['before'])


@pytest.mark.parametrize('rel', QUERY_FILES)
def test_all_changes_after_and_len(rel):
    w = open_fw(rel)
    for sig in w.load_signals(list(w.hierarchy.all_vars())):
        ch = changes(sig)
        assert len(sig) == len(ch) == len(sig.all_changes())
        times = sorted({c[0] for c in ch})
        if len(times) > 40:  # long signals: a spread of probe times, always both ends
            times = times[:10] + times[10:-10:len(times) // 20] + times[-10:]
        for t in [0] + times + [t + 1 for t in times] + [2 ** 64 - 1]:
            want = [c for c in ch if c[0] >= t]
            got = list(sig.all_changes_after(t))
            assert lists_strict_eq(got, want), f'{rel}: all_changes_after({t})'
            assert len(sig.all_changes_after(t)) == len(want)


def test_signal_change_iter_is_iterator():
    w = open_fw(SMALL)
    sig = w.get_signal(next(w.hierarchy.all_vars()))
    it = sig.all_changes()
    assert iter(it) is it
    first = next(it)
    assert first == changes(sig)[0]
    assert len(list(it)) == len(sig) - 1


# --------------------------------------------------------------------------------------------
# Var / Scope equality and hashing (D6); hierarchy stability

def test_hierarchy_is_stable():
    w = open_fw(SMALL)
    assert w.hierarchy is w.hierarchy


def test_var_and_scope_equality_and_hash():
    rel = 'verilator/vlt_dump.vcd.fst'
    w = open_fw(rel)
    h = w.hierarchy
    w_other = open_fw(rel)
    walk1 = list(_walk_vars(h, h.top_scopes()))
    walk2 = list(_walk_vars(h, h.top_scopes()))
    v1 = [v for _, v in walk1]
    v2 = [v for _, v in walk2]
    assert v1 == v2
    assert [hash(a) for a in v1] == [hash(b) for b in v2]
    assert len(set(v1)) == len(v1)  # distinct items are unequal
    assert {v: i for i, v in enumerate(v1)}[v2[3]] == 3
    assert not (v1[0] != v2[0])
    assert v1[0] != v1[1]
    # all_vars yields the same item as the walk for non-aliased signals
    av = list(h.all_vars())
    assert set(av) <= set(h.all_vars(include_aliases=True))
    s1, s2 = list(h.top_scopes()), list(h.top_scopes())
    assert s1 == s2 and [hash(a) for a in s1] == [hash(b) for b in s2]
    c1 = list(s1[0].scopes(h))
    assert c1 == list(s2[0].scopes(h)) and len(set(c1)) == len(c1)
    assert v1[0] != s1[0]
    # items of another open file are different items
    assert next(w_other.hierarchy.all_vars()) != next(h.all_vars())


def test_var_optional_hier_argument_and_index():
    rel = 'verilator/vlt_dump.vcd.fst'
    w = open_fw(rel)
    h = w.hierarchy
    with_index = 0
    for v in h.all_vars(include_aliases=True):
        assert v.bitwidth(h) == v.bitwidth() == v.length(h) == v.length()
        for pred in ('is_real', 'is_string', 'is_bit_vector', 'is_1bit'):
            assert getattr(v, pred)(h) == getattr(v, pred)()
        idx = v.index()
        if idx is not None:
            with_index += 1
            assert abs(idx.msb() - idx.lsb()) + 1 == v.bitwidth(), v.full_name(h)
    assert with_index


def test_aliases_share_signal_ref():
    rel = 'verilator/swerv1.vcd.fst'
    w = open_fw(rel)
    h = w.hierarchy
    unique = list(h.all_vars())
    every = list(h.all_vars(include_aliases=True))
    pw = pywellen.Waveform(str(corpus_path(rel)))
    assert len(unique) == len(list(pw.hierarchy.all_vars()))
    refs = [v.signal_ref() for v in unique]
    assert refs == sorted(set(refs))
    assert {v.signal_ref() for v in every} == set(refs)
    assert len(every) > len(unique)
    by_ref = {}
    for v in every:
        by_ref.setdefault(v.signal_ref(), []).append(v)
    alias_groups = [g for g in by_ref.values() if len(g) > 1][:20]
    assert alias_groups
    for g in alias_groups:
        sigs = w.load_signals(g)
        assert all(s is sigs[0] for s in sigs)


# --------------------------------------------------------------------------------------------
# TimeTable (D3)

@pytest.mark.parametrize('rel', [SMALL, 'ghdl/oscar/ghdl.fst', 'misc/VCD_file_with_errors.vcd.fst'])
def test_time_table_sequence(rel):
    w = open_fw(rel)
    tt = w.time_table
    want = pw_time_table(pywellen.Waveform(str(corpus_path(rel))).time_table)
    n = len(want)
    assert len(tt) == n
    assert list(tt) == want
    assert [tt[i] for i in range(n)] == want
    assert [tt[-i] for i in range(1, n + 1)] == [want[-i] for i in range(1, n + 1)]
    for bad in (n, n + 1, -n - 1, 10 ** 6):
        with pytest.raises(IndexError):
            tt[bad]
    assert sum(1 for _ in tt) == n  # iteration ends
    assert all(type(x) is int for x in tt)


# --------------------------------------------------------------------------------------------
# paths

class MyPath:
    def __init__(self, p):
        self.p = p

    def __fspath__(self):
        return self.p


def test_pathlike_paths():
    p = corpus_path(SMALL)
    ref = list(open_fw(SMALL).time_table)
    for arg in (p, MyPath(str(p)), str(p)):
        w = fstwave.Waveform(arg)
        assert list(w.time_table) == ref
    w = fstwave.Waveform(path=p)
    assert list(w.time_table) == ref


# --------------------------------------------------------------------------------------------
# errors (D5, D7)

def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        fstwave.Waveform(tmp_path / 'does-not-exist.fst')


def test_directory(tmp_path):
    with pytest.raises(OSError):
        fstwave.Waveform(tmp_path)


def test_empty_file(tmp_path):
    p = tmp_path / 'empty.fst'
    p.write_bytes(b'')
    with pytest.raises(fstwave.FstError):
        fstwave.Waveform(p)


def test_garbage_file(tmp_path):
    p = tmp_path / 'garbage.fst'
    p.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(fstwave.FstError):
        fstwave.Waveform(p)


def test_vcd_file_names_vcd(tmp_path):
    from test_differential import VCD_TEXT
    p = tmp_path / 'wave.vcd'
    p.write_text(VCD_TEXT)
    assert pywellen.Waveform(str(p)).hierarchy.file_format() == 'VCD'  # D7: pywellen reads it
    with pytest.raises(fstwave.FstError) as info:
        fstwave.Waveform(p)
    assert 'VCD' in str(info.value)
    # the format is recognised from the content, not the name
    q = tmp_path / 'wave.fst'
    q.write_text(VCD_TEXT)
    with pytest.raises(fstwave.FstError, match='VCD'):
        fstwave.Waveform(q)


def test_ghw_file_names_ghw(tmp_path):
    p = tmp_path / 'wave.ghw'
    p.write_bytes(b'GHDLwave\n' + bytes(64))
    with pytest.raises(fstwave.FstError) as info:
        fstwave.Waveform(p)
    assert 'GHW' in str(info.value)


TRUNCATE_SCRIPT = textwrap.dedent('''
    import sys
    MODE = 'cut'
    import fstwave
    src, out = sys.argv[1], sys.argv[2]
    data = open(src, 'rb').read()
    cuts = sorted({int(x) for x in sys.argv[3:]})
    for n in cuts:
        with open(out, 'wb') as f:
            if MODE == 'cut':  # the first n bytes
                f.write(data[:n])
            else:  # every byte intact except byte n, inverted
                f.write(data[:n] + bytes([data[n] ^ 0xFF]) + data[n + 1:])
        try:
            w = fstwave.Waveform(out)
            h = w.hierarchy
            tt = list(w.time_table)
            vs = list(h.all_vars(include_aliases=True))
            for v in vs:
                v.full_name(h)
            sigs = w.load_signals(list(h.all_vars()))
            for s in sigs:
                ch = list(s.all_changes())
                if tt:
                    s.value_at_idx(len(tt) - 1)
                    s.value_at_time(tt[-1])
            print(n, 'ok', len(vs), len(tt), flush=True)
        except fstwave.FstError as e:
            print(n, 'FstError', str(e)[:80].replace(chr(10), ' '), flush=True)
        except Exception as e:
            print(n, 'WRONG', type(e).__name__, e, flush=True)
''')


def _truncate_cuts(size):
    cuts = {0, 1, 8, 9, 16, 100, 328, 329, 330, 331, 340, size - 1, size - 8, size - 9,
            size - 24, size - 25}
    cuts |= {size * k // 40 for k in range(1, 40)}
    return sorted(c for c in cuts if 0 <= c < size)


@pytest.mark.parametrize('rel', ['verilator/vlt_dump.vcd.fst', 'nvc/xwb_fofb_shaper_filt_tb.fst',
                                 'systemc/waveform.vcd.fastlz.fst', 'ghdl/pcpu.vcd.fst'])
def test_truncated_corpus_files(tmp_path, rel):
    _run_truncation(tmp_path, corpus_path(rel))


@pytest.mark.parametrize('name', ['multiblock_zlib.fst', 'multiblock_lz4.fst',
                                  'gzip_wrapper.fst'])
def test_truncated_fixtures(tmp_path, fixtures_dir, name):
    _run_truncation(tmp_path, fixtures_dir / name)


@pytest.mark.parametrize('rel', ['verilator/vlt_dump.vcd.fst', 'ghdl/oscar/vhdl3.fst',
                                 'systemc/waveform.vcd.fastlz.fst', 'icarus/test1.vcd.fst'])
def test_corrupted_byte_never_crashes(tmp_path, rel):
    """One inverted byte anywhere (header, value changes, geometry, hierarchy, trailers):
    FstError or a successful read, never a crash or hang."""
    _run_truncation(tmp_path, corpus_path(rel), mode='flip', need_error=False)


def _run_truncation(tmp_path, src, mode='cut', need_error=True):
    size = src.stat().st_size
    cuts = _truncate_cuts(size)
    if mode == 'flip':
        cuts = sorted(set(cuts) | set(range(0, size, max(1, size // 150))))
    script = TRUNCATE_SCRIPT.replace("MODE = 'cut'", f'MODE = {mode!r}')
    proc = subprocess.run(
        [sys.executable, '-c', script, str(src), str(tmp_path / 'cut.fst')]
        + [str(c) for c in cuts],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
        env=dict(os.environ))
    lines = proc.stdout.splitlines()
    done = {int(l.split()[0]) for l in lines if l.split() and l.split()[0].isdigit()}
    assert proc.returncode == 0, (
        f'{src.name}: the reader process died (exit {proc.returncode}) after cuts '
        f'{sorted(done)[-3:]}; next cut {[c for c in cuts if c not in done][:1]}\n'
        + proc.stdout[-2000:])
    wrong = [l for l in lines if ' WRONG ' in l]
    assert not wrong, '\n'.join(wrong)
    assert done == set(cuts), proc.stdout[-2000:]
    if need_error:
        assert any(' FstError ' in l for l in lines)
