"""fstwave from many threads at once (issue 5, part 5).

* many threads share one Waveform (opened with load_body=False, so the first of them reads the
  body) and at once load signals (get_signal, load_signals, load_signals_multithreaded), query
  them, unload them, read the time table and walk the hierarchy;
* many Waveforms are opened and fully read in threads;
* Signals stay readable in threads while the Waveform they came from is dropped;
* corrupt files raise the same FstError in every thread.

Every result must equal a single-threaded reference and no thread may raise.  The GIL is
released during body and signal loads, and the switch interval is lowered while these tests
run so that threads interleave as often as possible.
"""
import random
import struct
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

import pytest

import fstwave

from conftest import corpus_path

#: corpus files with different writers, packings and value kinds (kept small: the tests
#: compare every signal many times)
FILES = [
    'vcs/processor.vcd.fst',              # several changes per step
    'nvc/manytypes2.fst',                 # VHDL types, enums
    'ghdl/pcpu.vcd.fst',
    'verilator/many_sv_datatypes.fst',
    'systemc/waveform.vcd.fastlz.fst',    # FastLZ chains
    'aldec/SPI_Write.vcd.fst',
    'icarus/test1.vcd.fst',
]
FIXTURES = ['multiblock_lz4.fst', 'multiblock_zlib.fst', 'strings.fst', 'reals.fst',
            'events.fst', 'gzip_wrapper.fst', 'aliases.fst']

N_THREADS = 8


@pytest.fixture(autouse=True)
def fast_switching():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def canon(v):
    """A comparable form of a value (NaN reals compare by their bits)."""
    if isinstance(v, float):
        return ('f', struct.pack('<d', v))
    return (type(v).__name__, v)


def probe_times(tt):
    """Times to query: every time-table entry's neighbourhood, sampled."""
    if not tt:
        return [0, 1, 10]
    ts = {0, tt[-1] + 1, tt[-1] + 1000}
    step = max(1, len(tt) // 24)
    for t in tt[::step]:
        ts.update((t, t + 1, max(0, t - 1)))
    return sorted(ts)


def facts(sig, times):
    """Everything observable about a Signal at the probe times."""
    return (
        len(sig),
        tuple((t, canon(v)) for t, v in sig.all_changes()),
        tuple(canon(sig.value_at_time(t)) for t in times),
        tuple((canon(q.value), q.actual_time, q.next_idx, q.next_time)
              for q in map(sig.query_signal, times)),
        tuple(canon(sig.value_at_idx(i)) for i in (0, 1, 2, 5, 10 ** 6)),
    )


class Reference:
    """Single-threaded results for one file."""

    def __init__(self, path):
        self.path = str(path)
        w = fstwave.Waveform(self.path)
        h = w.hierarchy
        self.tt = list(w.time_table)
        self.times = probe_times(self.tt)
        self.vars = list(h.all_vars())
        self.names = [v.full_name(h) for v in self.vars]
        self.scope_names = self._scopes(h)
        sigs = w.load_signals(self.vars)
        self.facts = [facts(s, self.times) for s in sigs]
        # paths get_signal_from_path resolves, with the facts of what it finds
        self.paths = []
        for name, f in zip(self.names, self.facts):
            try:
                s = w.get_signal_from_path(name)
            except Exception:  # names with dots etc.: not resolvable
                continue
            self.paths.append((name, facts(s, self.times)))
        self.header = (h.date(), h.version(), str(h.timescale()), w.time_range)

    @staticmethod
    def _scopes(h):
        out, stack = [], list(h.top_scopes())
        while stack:
            s = stack.pop()
            out.append((s.full_name(h), s.scope_type(), len(list(s.vars(h)))))
            stack.extend(s.scopes(h))
        return sorted(out)


_refs = {}


def reference(path):
    key = str(path)
    if key not in _refs:
        _refs[key] = Reference(path)
    return _refs[key]


def all_paths(fixtures_dir):
    return [corpus_path(r) for r in FILES] + [fixtures_dir / n for n in FIXTURES]


def run_threads(n, target):
    """Starts n threads on target(i, barrier) together; returns the errors they raised."""
    errors = []
    barrier = threading.Barrier(n)

    def wrap(i):
        try:
            target(i, barrier)
        except BaseException:  # noqa: B902 - report everything, including assertion errors
            errors.append(f'thread {i}:\n{traceback.format_exc()}')

    threads = [threading.Thread(target=wrap, args=(i,), name=f'fstwave-test-{i}') for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), 'a thread did not finish (deadlock?)'
    return errors


# --------------------------------------------------------------------------------------------
# one Waveform, many threads

def hammer_shared(ref, w, i, barrier, ops):
    """One thread's random mix of operations on the shared Waveform w."""
    rnd = random.Random(1000 + i)
    h = w.hierarchy
    vars_ = list(h.all_vars())
    assert len(vars_) == len(ref.vars)
    n = len(vars_)
    held = []  # signals kept across unloads (they must stay readable)
    barrier.wait()
    for step in range(ops):
        op = (i + step) % 9 if step < 9 else rnd.randrange(9)
        if op == 0 and n:
            k = rnd.randrange(n)
            s = w.get_signal(vars_[k])
            assert facts(s, ref.times) == ref.facts[k], f'get_signal var {k}'
            held.append((k, s))
        elif op == 1 and n:
            ks = [rnd.randrange(n) for _ in range(rnd.randint(1, 12))]
            ks += ks[:2]  # duplicates
            for k, s in zip(ks, w.load_signals([vars_[k] for k in ks])):
                assert facts(s, ref.times) == ref.facts[k], f'load_signals var {k}'
        elif op == 2 and n:
            ks = rnd.sample(range(n), min(n, rnd.randint(1, 20)))
            for k, s in zip(ks, w.load_signals_multithreaded([vars_[k] for k in ks])):
                assert facts(s, ref.times) == ref.facts[k], f'load_signals_multithreaded var {k}'
        elif op == 3 and n:
            # unload a mix of Vars and Signals while others load them
            ks = rnd.sample(range(n), min(n, rnd.randint(1, 30)))
            items = [vars_[k] for k in ks] + [s for _, s in held[-3:]]
            w.unload_signals(items)
        elif op == 4:
            tt = w.time_table
            assert len(tt) == len(ref.tt)
            if ref.tt:
                j = rnd.randrange(len(ref.tt))
                assert tt[j] == ref.tt[j] and tt[-1] == ref.tt[-1]
                assert tt[j:j + 50] == ref.tt[j:j + 50]
        elif op == 5:
            ks = rnd.sample(range(n), min(n, 40))
            assert [vars_[k].full_name(h) for k in ks] == [ref.names[k] for k in ks]
            if step % 4 == 0:
                assert Reference._scopes(h) == ref.scope_names
        elif op == 6 and ref.paths:
            name, want = ref.paths[rnd.randrange(len(ref.paths))]
            assert facts(w.get_signal_from_path(name), ref.times) == want, name
        elif op == 7:
            w.load_body()
            assert w.body_loaded()
            assert (h.date(), h.version(), str(h.timescale()), w.time_range) == ref.header
        elif op == 8 and held:
            # a signal obtained earlier (perhaps unloaded since) still reads the same
            k, s = held[rnd.randrange(len(held))]
            assert facts(s, ref.times) == ref.facts[k], f'held signal of var {k}'
        if len(held) > 20:
            del held[:10]


@pytest.mark.parametrize('which', range(len(FILES) + len(FIXTURES)),
                         ids=FILES + FIXTURES)
def test_threads_share_one_waveform(fixtures_dir, which):
    path = all_paths(fixtures_dir)[which]
    ref = reference(path)
    for load_body in (False, True):
        w = fstwave.Waveform(str(path), load_body=load_body)
        assert w.body_loaded() == load_body
        errors = run_threads(N_THREADS, lambda i, b: hammer_shared(ref, w, i, b, 60))
        assert not errors, '\n'.join(errors[:3])
        # afterwards the Waveform is intact
        vs = list(w.hierarchy.all_vars())
        assert [facts(s, ref.times) for s in w.load_signals(vs)] == ref.facts


# --------------------------------------------------------------------------------------------
# many Waveforms, many threads

def read_fully(path, ref, load_body, multi):
    w = fstwave.Waveform(str(path), load_body=load_body, multi_threaded=multi)
    h = w.hierarchy
    vs = list(h.all_vars())
    assert [v.full_name(h) for v in vs] == ref.names
    assert Reference._scopes(h) == ref.scope_names
    load = w.load_signals_multithreaded if multi else w.load_signals
    got = [facts(s, ref.times) for s in load(vs)]
    assert got == ref.facts
    assert list(w.time_table) == ref.tt
    return len(got)


def test_many_waveforms_in_threads(fixtures_dir):
    paths = all_paths(fixtures_dir)
    refs = [reference(p) for p in paths]
    jobs = [(p, r, (k & 1) == 0, (k & 2) == 0) for k in range(4) for p, r in zip(paths, refs)]
    random.Random(7).shuffle(jobs)
    with ThreadPoolExecutor(max_workers=N_THREADS) as ex:
        done = list(ex.map(lambda j: read_fully(*j), jobs))
    assert sum(done) == 4 * sum(len(r.facts) for r in refs)


def test_threads_each_open_the_same_file(fixtures_dir):
    """N threads open one path at the same moment, each its own Waveform."""
    path = corpus_path('vcs/processor.vcd.fst')
    ref = reference(path)

    def work(i, barrier):
        barrier.wait()
        for k in range(3):
            read_fully(path, ref, (i + k) % 2 == 0, i % 2 == 0)

    errors = run_threads(N_THREADS, work)
    assert not errors, '\n'.join(errors[:3])


# --------------------------------------------------------------------------------------------
# lifetimes across threads

def test_signals_outlive_waveform_in_threads():
    path = corpus_path('ghdl/pcpu.vcd.fst')
    ref = reference(path)
    w = fstwave.Waveform(str(path))
    sigs = w.load_signals(list(w.hierarchy.all_vars()))
    tt = w.time_table
    go = threading.Event()

    def work(i, barrier):
        barrier.wait()
        go.wait()
        for _ in range(3):
            for k in range(i % 3, len(sigs), 3):
                assert facts(sigs[k], ref.times) == ref.facts[k]
            assert list(tt) == ref.tt

    holder = {}

    def dropper(i, barrier):
        if i == 0:
            barrier.wait()
            holder.pop('w', None)  # drop the last Waveform reference while others read
            go.set()
        else:
            work(i, barrier)

    holder['w'] = w
    del w
    errors = run_threads(N_THREADS, dropper)
    assert not errors, '\n'.join(errors[:3])


# --------------------------------------------------------------------------------------------
# errors in threads

def test_corrupt_files_raise_the_same_error_in_threads(tmp_path):
    src = corpus_path('vcs/processor.vcd.fst').read_bytes()
    bad = []
    for k, cut in enumerate((5, 200, 330, len(src) // 2)):
        p = tmp_path / f'cut{k}.fst'
        p.write_bytes(src[:cut])
        bad.append(p)
    garbage = tmp_path / 'garbage.fst'
    garbage.write_bytes(b'\x00' + b'\xff' * 400)
    bad.append(garbage)

    def outcome(p):
        try:
            w = fstwave.Waveform(str(p))
            vs = list(w.hierarchy.all_vars())
            return ('ok', len(w.load_signals(vs)))
        except fstwave.FstError as e:
            return ('FstError', str(e))

    want = [outcome(p) for p in bad]
    assert any(o[0] == 'FstError' for o in want)

    def work(i, barrier):
        barrier.wait()
        for _ in range(10):
            assert [outcome(p) for p in bad] == want

    errors = run_threads(N_THREADS, work)
    assert not errors, '\n'.join(errors[:3])
