"""The viewer API of fstwave (contract section 6, issue 11): windows of changes as bulk
arrays (Signal.changes_between), display summaries (Signal.summary), cursor values
(Waveform.values_at_time), progress and cancel of the long calls (progress=, Ctrl-C),
close() and the with statement.

Every expected result comes from an independent path: the pywellen-style iterators
(all_changes, value_at_time), whose agreement with pywellen 0.20.5 test_differential.py
checks, and plain linear sweeps over their output.
"""
import bisect
import gc
import hashlib
import io
import math
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import fstwave
from conftest import CORPUS_FILES, CORPUS_IDS, REPO_ROOT
from test_memory import measure

np = pytest.importorskip('numpy')  # .venv has it (scripts/bootstrap.sh): never skipped by make test

EXAMPLE = REPO_ROOT / 'build' / 'example.fst'
GEN = REPO_ROOT / 'build' / 'bench' / 'gen_fst'
U64_MAX = 2 ** 64 - 1


# ---------------------------------------------------------------- helpers

def same(a, b):
    """Equal values, NaN equal to NaN (reals)."""
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def expected_item(value, kind, width):
    """A value as all_changes() yields it, in the form the array of `kind` holds it (rows: the
    ASCII string of `width` chars; a 2-state value of a rows signal comes as int)."""
    if kind == 'rows' and isinstance(value, int):
        return format(value, '0%db' % width)
    return value


def array_items(c_values, c_offsets, kind, n):
    """The n values of a Changes/Summary value array as Python values of all_changes()'s kind."""
    if kind == 'none':
        assert c_values is None and c_offsets is None
        return [''] * n
    if kind in ('u64', 'f64'):
        assert c_offsets is None
        return memoryview(c_values).tolist()
    raw = bytes(c_values)
    if kind == 'rows':
        w = c_values.shape[1]
        assert c_values.shape == (n, w) and c_offsets is None
        return [raw[i * w:(i + 1) * w].decode('ascii') for i in range(n)]
    off = memoryview(c_offsets).tolist()
    assert len(off) == n + 1 and off[0] == 0 and off[-1] == len(raw)
    return [raw[off[i]:off[i + 1]].decode('latin-1') for i in range(n)]


class Reference:
    """A signal's changes from the iterators: times, values (in array form) and the kind."""

    def __init__(self, sig):
        changes = list(sig.all_changes())
        self.sig = sig
        self.times = [t for t, _ in changes]
        whole = sig.changes_between(0, U64_MAX)
        self.kind = whole.kind
        self.width = whole.values.shape[1] if self.kind == 'rows' else 0
        self.values = [expected_item(v, self.kind, self.width) for _, v in changes]
        # the widest window, element by element against the iterators; it starts at the
        # last change at time 0 (earlier changes of that step are in no window: D2)
        self.base, end, _ = self.window(0, U64_MAX)
        assert (whole.first, len(whole)) == (self.base, end - self.base)
        assert end == len(changes) and all(t == 0 for t in self.times[:self.base])
        assert whole.times.tolist() == self.times[self.base:]
        got = array_items(whole.values, whole.offsets, self.kind, len(whole))
        assert all(same(a, b) for a, b in zip(got, self.values[self.base:])), (sig, self.kind)
        self.raw = bytes(whole.values) if whole.values is not None else b''
        self.offsets = whole.offsets.tolist() if whole.offsets is not None else None

    def window(self, t0, t1):
        """(first, end, has_initial) of the window (t0, t1], from a bisect of the times."""
        k = bisect.bisect_right(self.times, t0)
        end = bisect.bisect_right(self.times, t1)
        return (k - 1, end, True) if k > 0 else (0, end, False)

    def raw_values(self, first, end):
        """The bytes of the values of changes [first, end) (first >= base) in the widest window."""
        assert first >= self.base
        first, end = first - self.base, end - self.base
        if self.kind == 'strings':
            return self.raw[self.offsets[first]:self.offsets[end]]
        row = self.width if self.kind == 'rows' else 8
        return self.raw[first * row:end * row]

    def raw_value(self, idx):
        """The bytes of change idx's value, or the zero value for -1 (the core's gather rule)."""
        if idx >= 0:
            return self.raw_values(idx, idx + 1)
        return b'' if self.kind == 'strings' else b'\0' * (self.width if self.kind == 'rows' else 8)


def check_window(ref, t0, t1):
    c = ref.sig.changes_between(t0, t1)
    first, end, has_initial = ref.window(t0, t1)
    where = f'{ref.sig!r} ({t0}, {t1}]'
    assert (c.first, len(c), c.has_initial, c.kind) == (first, end - first, has_initial, ref.kind), where
    assert c.times.tolist() == ref.times[first:end], where
    if ref.kind == 'none':
        assert c.values is None and c.offsets is None, where
    else:
        assert bytes(c.values) == ref.raw_values(first, end), where
        if ref.kind == 'strings':
            offs = ref.offsets[first - ref.base:end - ref.base + 1]
            assert c.offsets.tolist() == [o - offs[0] for o in offs], where
    if has_initial:
        assert c.times.tolist()[0] <= t0
    assert all(t0 < t <= t1 for t in c.times.tolist()[1 if has_initial else 0:]), where


def brute_summary(times, t0, t1, buckets):
    """bounds, first, counts, last by one linear sweep over the change times."""
    bounds = [t0 + (t1 - t0) * k // buckets for k in range(buckets + 1)]
    le = []  # le[k]: number of changes with time <= bounds[k]
    i = 0
    for b in bounds:
        while i < len(times) and times[i] <= b:
            i += 1
        le.append(i)
    first = [n - 1 for n in le[:-1]]
    last = [n - 1 for n in le[1:]]
    counts = [le[k + 1] - le[k] for k in range(buckets)]
    return bounds, first, counts, last


def check_summary(ref, t0, t1, buckets):
    m = ref.sig.summary(t0, t1, buckets)
    where = f'{ref.sig!r} summary({t0}, {t1}, {buckets})'
    bounds, first, counts, last = brute_summary(ref.times, t0, t1, buckets)
    assert len(m) == buckets and m.kind == ref.kind, where
    assert m.bounds.tolist() == bounds, where
    assert m.first.tolist() == first, where
    assert m.counts.tolist() == counts, where
    assert m.last.tolist() == last, where
    for name, idx in (('first', first), ('last', last)):
        vals, offs = getattr(m, name + '_values'), getattr(m, name + '_offsets')
        if ref.kind == 'none':
            assert vals is None and offs is None, where
            continue
        assert bytes(vals) == b''.join(ref.raw_value(i) for i in idx), where
        if ref.kind == 'strings':
            lens = [len(ref.raw_value(i)) for i in idx]
            assert offs.tolist() == [sum(lens[:k]) for k in range(buckets + 1)], where


def windows_of(w, ref):
    """The windows of the brief: before the first change, at a change, between changes, past
    the end, one time step, t0 == t1, the whole file."""
    start, end = w.time_range
    tt = w.time_table
    out = [(0, U64_MAX), (start, end), (end + 1, end + 1000), (end, U64_MAX), (0, 0)]
    if len(tt) >= 2:
        i = len(tt) // 2
        out.append((tt[i - 1], tt[i]))  # one time step
    ts = ref.times
    if ts:
        if ts[0] > 0:
            out.append((0, ts[0] - 1))  # before the first change
        mid = ts[len(ts) // 2]
        out += [(mid, mid), (mid, ts[min(len(ts) - 1, len(ts) // 2 + 3)])]  # t0 == t1, at a change
        later = [t for t in ts[len(ts) // 2:len(ts) // 2 + 50] if t > mid + 1]
        if later:
            out.append((mid + 1, later[0] - 1))  # strictly between two changes
            out.append((mid + 1, later[0]))
    return out


def check_file(path):
    w = fstwave.Waveform(path)
    vs = list(w.hierarchy.all_vars())
    sigs = w.load_signals(vs)
    start, end = w.time_range
    for sig in sigs:
        ref = Reference(sig)
        for t0, t1 in windows_of(w, ref):
            check_window(ref, t0, t1)
        check_summary(ref, start, end, 7)
        check_summary(ref, 0, U64_MAX, 3)
        if ref.times:
            check_summary(ref, ref.times[0], ref.times[-1] + 5, 64)
            check_summary(ref, ref.times[-1], ref.times[-1], 2)  # t0 == t1: empty slices
    # cursor values: Vars (one batch load), Signals, and a mix
    tt = w.time_table
    times = sorted({0, start, end, end + 7, U64_MAX} | ({tt[len(tt) // 3], tt[len(tt) // 3] + 1} if len(tt) else set()))
    for t in times:
        want = [s.value_at_time(t) for s in sigs]
        for got in (w.values_at_time(vs, t), w.values_at_time(sigs, t),
                    w.values_at_time([v if i % 2 else s for i, (v, s) in enumerate(zip(vs, sigs))], t)):
            assert len(got) == len(want) and all(same(a, b) for a, b in zip(got, want)), (path, t)
    w.close()


# ------------------------------------------------------- window, summary, cursor

@pytest.mark.parametrize('path', CORPUS_FILES, ids=CORPUS_IDS)
def test_corpus_windows_summaries_cursors(path):
    check_file(path)


def test_fixtures_and_example_windows_summaries_cursors(fixture_files):
    assert fixture_files and EXAMPLE.is_file()
    for path in fixture_files + [EXAMPLE]:
        check_file(path)


def test_kinds_on_the_example():
    """Each array kind appears on the example, with the layout the contract names."""
    w = fstwave.Waveform(EXAMPLE)
    kinds = {}
    for v in w.hierarchy.all_vars():
        c = w.get_signal(v).changes_between(0, U64_MAX)
        kinds.setdefault(c.kind, (v, c))
    assert set(kinds) == {'u64', 'f64', 'rows', 'strings', 'none'}
    expect = {'u64': ('Q', 8, 1), 'f64': ('d', 8, 1), 'rows': ('c', 1, 2), 'strings': ('B', 1, 1)}
    for kind, (fmt, size, ndim) in expect.items():
        v, c = kinds[kind]
        mv = memoryview(c.values)
        assert (mv.format, mv.itemsize, mv.ndim, mv.readonly) == (fmt, size, ndim, True), kind
        assert (c.values.format, c.values.itemsize) == (fmt, size)
        if kind == 'rows':
            assert mv.shape == (len(c), v.bitwidth())
    for v, c in kinds.values():  # consumers that ask for plain bytes (PyBUF_SIMPLE)
        for arr in (c.times, c.values, c.offsets):
            if arr is not None:
                raw = bytes(memoryview(arr).cast('B'))
                assert len(raw) == arr.nbytes and hashlib.sha1(arr).digest() == hashlib.sha1(raw).digest()
                f = io.BytesIO()
                assert f.write(arr) == arr.nbytes and f.getvalue() == raw
    mv = memoryview(kinds['u64'][1].times)
    assert (mv.format, mv.itemsize, mv.shape) == ('Q', 8, (len(kinds['u64'][1]),))
    assert kinds['none'][1].values is None and kinds['strings'][1].offsets is not None


def test_arrays_index_and_iterate_like_sequences():
    """a[i], a[-1], list(a) and iteration give the items memoryview gives (rows: each
    row's bytes), and an index past the end raises IndexError."""
    w = fstwave.Waveform(EXAMPLE)
    seen = set()
    for v in w.hierarchy.all_vars():
        c = w.get_signal(v).changes_between(0, U64_MAX)
        for arr in (c.times, c.values, c.offsets):
            if arr is None or len(arr) == 0:
                continue
            mv = memoryview(arr)
            want = mv.tolist()
            if mv.ndim == 2:
                raw = mv.tobytes()
                want = [raw[i * mv.shape[1]:(i + 1) * mv.shape[1]] for i in range(mv.shape[0])]
            assert list(arr) == want and [x for x in arr] == want, v.full_name(w.hierarchy)
            assert arr[-1] == want[-1] and arr[0] == want[0]
            with pytest.raises(IndexError):
                arr[len(arr)]
            seen.add(arr.format)
    assert seen >= {'Q', 'd', 'c', 'B'}


def test_numpy_wraps_without_a_copy():
    w = fstwave.Waveform(EXAMPLE)
    for v in w.hierarchy.all_vars():
        c = w.get_signal(v).changes_between(0, U64_MAX)
        for arr in (c.times, c.values, c.offsets):
            if arr is None:
                continue
            a, b = np.asarray(arr), np.asarray(arr)
            assert np.shares_memory(a, b) and not a.flags.owndata and not a.flags.writeable
            assert a.shape == arr.shape and a.nbytes == arr.nbytes
            assert np.shares_memory(arr.to_numpy(), a)
        d = c.to_numpy()
        assert set(d) == {k for k in ('times', 'values', 'offsets') if getattr(c, k) is not None}
        assert np.shares_memory(d['times'], np.asarray(c.times))
        assert d['times'].dtype == np.uint64
        if c.kind == 'rows':
            assert d['values'].dtype == np.dtype('S1') and d['values'].shape == (len(c), v.bitwidth())
        if c.kind == 'f64':
            assert d['values'].dtype == np.float64
    m = w.get_signal(next(iter(w.hierarchy.all_vars()))).summary(0, 100, 10)
    d = m.to_numpy()
    assert d['first'].dtype == np.int64 and d['bounds'].shape == (11,)
    assert np.shares_memory(d['counts'], np.asarray(m.counts))


def test_arrays_outlive_their_signal_and_file():
    w = fstwave.Waveform(EXAMPLE)
    v = next(iter(w.hierarchy.all_vars()))
    sig = w.get_signal(v)
    want = [t for t, _ in sig.all_changes()]
    c = sig.changes_between(0, U64_MAX)
    a = np.asarray(c.times)
    del c, sig
    w.close()
    del w
    gc.collect()
    assert a.tolist() == want


def test_to_numpy_without_numpy_is_a_clear_import_error():
    code = textwrap.dedent('''
        import sys
        sys.modules['numpy'] = None  # makes `import numpy` raise ImportError
        import fstwave
        w = fstwave.Waveform(sys.argv[1])
        c = w.get_signal(next(iter(w.hierarchy.all_vars()))).changes_between(0, 100)
        assert memoryview(c.times).tolist()  # the buffer protocol needs no NumPy
        for f in (c.to_numpy, c.times.to_numpy):
            try:
                f()
            except ImportError as e:
                assert 'fstwave[numpy]' in str(e), e
            else:
                raise AssertionError('no ImportError')
        print('ok')
    ''')
    p = subprocess.run([sys.executable, '-c', code, str(EXAMPLE)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stdout.strip() == 'ok', p.stderr


def test_bad_windows_raise():
    w = fstwave.Waveform(EXAMPLE)
    sig = w.get_signal(next(iter(w.hierarchy.all_vars())))
    with pytest.raises(ValueError, match='before t0'):
        sig.changes_between(10, 9)
    with pytest.raises(ValueError):
        sig.summary(10, 9, 4)
    with pytest.raises(ValueError, match='buckets'):
        sig.summary(0, 9, 0)
    with pytest.raises(OverflowError):
        sig.changes_between(-1, 9)
    with pytest.raises(OverflowError):
        sig.summary(0, 9, 2 ** 32)
    with pytest.raises(TypeError):
        w.values_at_time([sig, 'x'], 5)
    with pytest.raises(TypeError):
        fstwave.Array()


# ---------------------------------------------------------- big multi-block files

@pytest.fixture(scope='module')
def big_file(tmp_path_factory):
    """A narrow bench file of ~8 MB in ~200 value-change blocks (gen_fst, a second to write):
    a load of all its signals takes a few hundred ms."""
    subprocess.run(['make', '-s', str(GEN.relative_to(REPO_ROOT))], cwd=REPO_ROOT, check=True)
    out = tmp_path_factory.mktemp('viewer') / 'narrow.fst'
    subprocess.run([str(GEN), '--shape', 'narrow', '--size', '8M', '--block-mb', '0.25', '--quiet', str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def recorder():
    calls = []

    def progress(done, total):
        calls.append((done, total))
    return calls, progress


def check_reports(calls, what):
    assert calls, what
    total = calls[0][1]
    assert calls[0][0] == 0, (what, calls[:3])
    assert all(t == total for _, t in calls), what
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:])), what
    assert calls[-1] == (total, total), (what, calls[-3:])
    return total


def test_progress_reports(big_file):
    calls, progress = recorder()
    w = fstwave.Waveform(big_file, progress=progress)  # hierarchy and body
    total = check_reports(calls, 'open')
    assert total > 0 and len(calls) > 50  # one report per block
    calls.clear()
    w.load_body(progress=progress)  # loaded: nothing to read
    assert calls == [(0, 0)]
    vs = list(w.hierarchy.all_vars())
    for load in (w.load_signals, w.load_signals_multithreaded):
        calls.clear()
        w.unload_signals(vs)
        sigs = load(vs[:300], progress=progress)
        assert check_reports(calls, load.__name__) > 0 and len(sigs) == 300
    calls.clear()
    w2 = fstwave.Waveform(big_file, load_body=False, progress=progress)
    assert calls == [(0, 0)]
    calls.clear()
    w2.load_body(progress=progress)
    assert check_reports(calls, 'load_body') == total
    with pytest.raises(TypeError, match='progress'):
        w2.load_body(progress=5)


class Stop(Exception):
    pass


def stop_after(n):
    calls = []

    def progress(done, total):
        calls.append(done)
        if len(calls) == n:
            raise Stop(done, total)
    return calls, progress


def test_cancel_from_progress_then_load_again(big_file):
    vs = list(fstwave.Waveform(big_file).hierarchy.all_vars())[::7]
    clean = [list(s.all_changes()) for s in fstwave.Waveform(big_file).load_signals(vs)]
    for mt in (False, True):
        w = fstwave.Waveform(big_file, multi_threaded=mt, load_body=False)
        calls, progress = stop_after(5)
        with pytest.raises(Stop) as e:
            w.load_body(progress=progress)
        assert 0 < e.value.args[0] < e.value.args[1]  # mid-load
        assert not w.body_loaded()
        calls, progress = stop_after(5)
        with pytest.raises(Stop) as e:
            w.load_signals(vs, progress=progress)
        assert 0 < e.value.args[0] < e.value.args[1]
        assert 'cached_signals=0' in repr(w)  # nothing cached
        assert [list(s.all_changes()) for s in w.load_signals(vs)] == clean
    calls, progress = stop_after(3)
    with pytest.raises(Stop):
        fstwave.Waveform(big_file, progress=progress)


def test_close_from_progress_is_refused(big_file):
    w = fstwave.Waveform(big_file, load_body=False)
    errors = []

    def progress(done, total):
        if not errors:
            with pytest.raises(RuntimeError, match='load of this waveform is running') as e:
                w.close()
            errors.append(e)
    w.load_body(progress=progress)
    assert errors and not w.closed and w.body_loaded()
    w.close()
    assert w.closed


def test_close_waits_for_no_load_in_another_thread(big_file):
    """close() while another thread loads (GIL released) is refused; the load completes."""
    w = fstwave.Waveform(big_file, multi_threaded=False)
    vs = list(w.hierarchy.all_vars())
    started = threading.Event()
    result = {}

    def load():
        result['sigs'] = w.load_signals(vs, progress=lambda d, t: started.set())
    th = threading.Thread(target=load)
    th.start()
    assert started.wait(30)
    with pytest.raises(RuntimeError, match='running'):
        w.close()
    th.join()
    assert len(result['sigs']) == len(vs)
    w.close()
    assert w.closed and sum(len(s) for s in result['sigs']) > 0


KEYBOARD_INTERRUPT = textwrap.dedent('''
    import os, signal, sys, threading, time
    import fstwave
    path, with_callable = sys.argv[1], sys.argv[2] == '1'
    w = fstwave.Waveform(path, multi_threaded=sys.argv[3] == '1')
    vs = list(w.hierarchy.all_vars())
    t0 = time.monotonic()
    w.load_signals(vs[:50])  # warm: chain tables indexed
    w.unload_signals(vs)
    # the interrupt comes half way through the load, as long as a full load takes here
    t = time.monotonic()
    w.load_signals(vs)
    full = time.monotonic() - t
    w.unload_signals(vs)
    sent = []
    def interrupt():
        time.sleep(full / 2)
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)
    threading.Thread(target=interrupt, daemon=True).start()
    kw = {'progress': lambda d, t: None} if with_callable else {}
    start = time.monotonic()
    try:
        w.load_signals(vs, **kw)
    except KeyboardInterrupt:
        now = time.monotonic()
        print('interrupted %.4f %.4f %s' % (now - sent[0], sent[0] - start, repr(w)))
    else:
        print('completed %.4f' % (time.monotonic() - start))
''')


@pytest.mark.parametrize('with_callable', [False, True])
@pytest.mark.parametrize('mt', [False, True])
def test_keyboard_interrupt_stops_a_load_within_100ms(big_file, with_callable, mt):
    p = subprocess.run([sys.executable, '-c', KEYBOARD_INTERRUPT, str(big_file), str(int(with_callable)),
                        str(int(mt))], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    words = p.stdout.split()
    assert words[0] == 'interrupted', p.stdout  # the load did not finish first
    latency = float(words[1])
    assert latency < 0.1, p.stdout
    assert 'cached_signals=0' in p.stdout


def test_cancelled_loads_do_not_leak(big_file):
    w = fstwave.Waveform(big_file)
    vs = list(w.hierarchy.all_vars())
    subset = vs[::40]

    def cycle():
        _, progress = stop_after(3)
        try:
            w.load_signals(vs, progress=progress)
        except Stop:
            pass
        else:
            raise AssertionError('not cancelled')
        sigs = w.load_signals(subset)
        w.unload_signals(sigs)

    for _ in range(20):
        cycle()
    rss0, heap0, _ = measure()
    for _ in range(200):
        cycle()
    rss1, heap1, _ = measure()
    assert rss1 - rss0 < 16 * 2 ** 20, (rss0, rss1)
    if heap0 is not None:
        assert heap1 - heap0 < 4 * 2 ** 20, (heap0, heap1)


# -------------------------------------------------------------------- close

def test_close_and_use_after_close():
    w = fstwave.Waveform(EXAMPLE)
    h = w.hierarchy
    vs = list(h.all_vars())
    scope = next(iter(h.top_scopes()))
    it = h.all_vars()
    tt = w.time_table
    kept = w.get_signal(vs[1])
    before = list(kept.all_changes())
    window = kept.changes_between(0, U64_MAX).times.tolist()
    assert not w.closed
    w.close()
    w.close()  # idempotent
    assert w.closed and 'closed' in repr(w) and 'closed' in repr(vs[0]) and 'closed' in repr(h)
    closed = [lambda: w.hierarchy, lambda: w.time_table, lambda: w.time_range, w.load_body, w.body_loaded,
              lambda: w.get_signal(vs[0]), lambda: w.get_signal_from_path('top.rst_n'),
              lambda: w.load_signals(vs), lambda: w.load_signals_multithreaded(vs),
              lambda: w.values_at_time([kept], 5), lambda: w.unload_signals(vs),
              h.all_vars, h.top_scopes, h.date, h.version, h.timescale,
              lambda: vs[0].name(h), lambda: vs[0].full_name(h), vs[0].bitwidth, vs[0].var_type,
              vs[0].signal_ref, vs[0].index, lambda: vs[0].enum_type(h),
              lambda: scope.name(h), lambda: scope.full_name(h), lambda: scope.vars(h), scope.scope_type,
              lambda: next(it), lambda: len(tt), lambda: tt[0], lambda: list(tt)]
    for f in closed:
        with pytest.raises(ValueError, match='closed waveform'):
            f()
    # loaded signals stay readable
    assert list(kept.all_changes()) == before
    assert kept.changes_between(0, U64_MAX).times.tolist() == window
    assert kept.value_at_time(before[-1][0]) == before[-1][1]
    assert len(kept.summary(0, 100, 3)) == 3
    assert vs[0] == vs[0] and hash(vs[0]) == hash(vs[0])  # identity needs no file


def test_with_statement_closes():
    with fstwave.Waveform(EXAMPLE) as w:
        sig = w.get_signal(next(iter(w.hierarchy.all_vars())))
        assert not w.closed
    assert w.closed and len(sig) > 0
    with pytest.raises(ValueError, match='closed waveform'):
        w.hierarchy
    with pytest.raises(ValueError, match='closed waveform'):
        with w:
            pass
    with pytest.raises(KeyError):
        with fstwave.Waveform(EXAMPLE) as w2:
            raise KeyError('propagates')
    assert w2.closed
