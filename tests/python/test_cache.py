"""The signal cache of the contract's revised D10 (issue 13).

A loaded Signal stays the same object while the program holds it (weak references in the
binding); when nobody holds it, the core's cache keeps the most recent signals up to
``signal_cache_bytes`` (a new Signal is then made without reading the file); else it is read
again.  ``unload_signals`` drops at once, ``close`` clears.

Memory is checked with the core's own counters (``fstwave.memory_stats()``: every loaded
signal not yet freed, process-wide) and with the RSS (a generous bound, only after dropping;
the amount loaded meanwhile is checked to be many times that bound, so a leak cannot pass).
The budget is checked against the same counters.  Whether a load read the file is seen with
``progress=``: a load served from a cache reads no block and reports ``(0, 0)``.
"""
import gc
import subprocess
import threading
import weakref

import pytest

import fstwave
from conftest import REPO_ROOT, corpus_path
from test_memory import rss, settle

GEN = REPO_ROOT / 'build' / 'bench' / 'gen_fst'
SMALL = 'vcs/processor.vcd.fst'
MiB = 2 ** 20


def default_budget():
    """FSTW_CACHE_DEFAULT_BYTES as the core's header defines it (one place for the number)."""
    import re
    text = (REPO_ROOT / 'core' / 'include' / 'fstwave.h').read_text()
    m = re.search(r'#define FSTW_CACHE_DEFAULT_BYTES \(\(size_t\)(\d+) << (\d+)\)', text)
    assert m, 'FSTW_CACHE_DEFAULT_BYTES not found in fstwave.h'
    return int(m.group(1)) << int(m.group(2))


@pytest.fixture(scope='module')
def narrow_file(tmp_path_factory):
    """A narrow bench file of ~8 MB (2,000 signals in ~30 blocks; gen_fst, a second to
    write): every signal has thousands of changes, so each load is tens of kB."""
    subprocess.run(['make', '-s', str(GEN.relative_to(REPO_ROOT))], cwd=REPO_ROOT, check=True)
    out = tmp_path_factory.mktemp('cache') / 'narrow.fst'
    subprocess.run([str(GEN), '--shape', 'narrow', '--size', '8M', '--block-mb', '0.25', '--quiet', str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return str(out)


def live():
    """fstwave.memory_stats() after a garbage collection (nothing here needs one: the
    binding's objects have no cycles; it only keeps unrelated garbage out)."""
    gc.collect()
    return fstwave.memory_stats()


def reads_file(w, var):
    """Whether loading var's signal now reads value-change blocks (progress total > 0);
    returns (read, signal)."""
    calls = []
    sig = w.load_signals([var], progress=lambda done, total: calls.append(total))[0]
    return calls[-1] > 0, sig


def changes(sig):
    return list(sig.all_changes())


# ---------------------------------------------------------------- arguments and stats

def test_budget_argument_and_stats_shape():
    path = str(corpus_path(SMALL))
    assert fstwave.Waveform(path).signal_cache_stats() == {'signals': 0, 'bytes': 0, 'budget': default_budget()}
    assert fstwave.Waveform(path, signal_cache_bytes=None).signal_cache_stats()['budget'] == default_budget()
    assert fstwave.Waveform(path, signal_cache_bytes=12345).signal_cache_stats()['budget'] == 12345
    assert fstwave.Waveform(path, signal_cache_bytes=0).signal_cache_stats()['budget'] == 0
    with pytest.raises(ValueError, match='signal_cache_bytes'):
        fstwave.Waveform(path, signal_cache_bytes=-1)
    for bad in ('1', 1.5, True):
        with pytest.raises(TypeError, match='signal_cache_bytes'):
            fstwave.Waveform(path, signal_cache_bytes=bad)
    m = fstwave.memory_stats()
    assert set(m) == {'signals', 'signal_bytes'} and all(type(x) is int for x in m.values())


# ---------------------------------------------------------------- identity

@pytest.mark.parametrize('budget', [0, None])
def test_identity_kept_while_referenced(narrow_file, budget):
    w = fstwave.Waveform(narrow_file, signal_cache_bytes=budget)
    h = w.hierarchy
    vs = list(h.all_vars())
    held = w.get_signal(vs[3])
    assert w.get_signal(vs[3]) is held
    assert w.load_signals([vs[1], vs[3]])[1] is held
    assert w.get_signal_from_path(vs[3].full_name(h)) is held
    # many other loads (with budget 0 nothing unheld is kept at all): still the same object
    for v in vs[10:1500]:
        w.get_signal(v)
    assert w.signal_cache_stats()['bytes'] <= w.signal_cache_stats()['budget']
    read, again = reads_file(w, vs[3])
    assert again is held and not read
    # once dropped, the next load gives a new object with the same changes
    want = changes(held)
    ref = weakref.ref(held)
    del held, again
    assert ref() is None
    read, fresh = reads_file(w, vs[3])
    assert changes(fresh) == want
    assert read == (budget == 0)  # budget 0 keeps nothing: read again


def test_unheld_recent_signal_comes_from_the_core_cache(narrow_file):
    w = fstwave.Waveform(narrow_file)
    vs = list(w.hierarchy.all_vars())
    read, s = reads_file(w, vs[7])
    assert read
    want, ref = changes(s), weakref.ref(s)
    del s
    assert ref() is None and w.signal_cache_stats()['signals'] == 1
    read, s2 = reads_file(w, vs[7])
    assert not read and changes(s2) == want


# ---------------------------------------------------------------- budget

@pytest.mark.parametrize('budget_sigs', [0, 1, 5, 40, 1000])
def test_budget_respected(narrow_file, budget_sigs):
    """Loading signals one by one without holding them: the cache keeps at most its budget
    (its own stats and the core's process-wide counters agree), and what it keeps is the
    most recent ones that fit (sizes measured first with a budget of 0)."""
    n = 400
    probe = fstwave.Waveform(narrow_file, signal_cache_bytes=0)
    vs = list(probe.hierarchy.all_vars())[:n]
    base = live()
    sizes = []
    for v in vs:
        s = probe.get_signal(v)
        sizes.append(fstwave.memory_stats()['signal_bytes'] - base['signal_bytes'])
        del s
    assert live() == base  # budget 0: nothing left once dropped
    budget = budget_sigs * sorted(sizes)[n // 2]
    w = fstwave.Waveform(narrow_file, signal_cache_bytes=budget)
    for i, v in enumerate(vs):
        w.get_signal(v)  # dropped at once
        st = w.signal_cache_stats()
        assert st['bytes'] <= budget
        now = fstwave.memory_stats()
        assert now['signals'] - base['signals'] == st['signals']
        assert now['signal_bytes'] - base['signal_bytes'] == st['bytes']
        # the most recent signals that fit (a signal larger than the whole budget is not
        # kept and pushes nothing out; core/include/fstwave.h, fstw_cache_put)
        fits = [x for x in sizes[:i + 1] if x <= budget]
        kept = 0
        while kept < len(fits) and sum(fits[len(fits) - kept - 1:]) <= budget:
            kept += 1
        assert (st['signals'], st['bytes']) == (kept, sum(fits[len(fits) - kept:])), i
    assert 0 < st['signals'] < n if 0 < budget_sigs < n else True
    del w
    assert live() == base


# ---------------------------------------------------------------- memory returns

def test_memory_returns_after_thousands_of_loads(narrow_file):
    """20,000 signal loads (10 passes over the 2,000 signals, in batches of 100, each batch
    dropped): what stays is within the budget of the cache; after unload_signals the core's
    counters are back to where they were and the RSS is near it."""
    budget = 4 * MiB
    w = fstwave.Waveform(narrow_file, signal_cache_bytes=budget)
    vs = list(w.hierarchy.all_vars())
    for sig in w.load_signals(vs[:200]):  # warm-up: allocator high-water marks, lazy structures
        changes(sig)
    del sig
    w.unload_signals(vs)
    base = live()
    settle()
    rss0 = rss()
    # the bytes of one pass, measured on a Waveform that keeps nothing unheld
    probe = fstwave.Waveform(narrow_file, signal_cache_bytes=0)
    sigs = probe.load_signals(probe.hierarchy.all_vars())
    one_pass = fstwave.memory_stats()['signal_bytes'] - base['signal_bytes']
    del sigs, probe
    assert live() == base
    for _ in range(10):
        for k in range(0, len(vs), 100):
            sigs = w.load_signals(vs[k:k + 100])
            for sig in sigs:
                sig.value_at_time(10 ** 6)
            del sigs, sig
            # nothing held: what stays is the cache of recent signals, within its budget
            assert fstwave.memory_stats()['signal_bytes'] - base['signal_bytes'] <= budget
    bound = 32 * MiB
    assert 10 * one_pass > 5 * bound, 'the loop must load far more than the RSS bound'
    w.unload_signals(vs)
    assert live() == base
    settle()
    assert rss() - rss0 < bound


def test_memory_returns_after_close_and_drop(narrow_file):
    base = live()
    w = fstwave.Waveform(narrow_file)
    vs = list(w.hierarchy.all_vars())
    kept = w.load_signals(vs[:20])
    w.load_signals(vs[20:300])
    assert live()['signals'] - base['signals'] >= 20
    want = [changes(s) for s in kept]
    w.close()
    assert w.signal_cache_stats()['signals'] == 0
    assert live()['signals'] - base['signals'] == 20  # only the held ones
    assert [changes(s) for s in kept] == want  # still readable after close
    del kept
    assert live() == base


# ---------------------------------------------------------------- unload

def test_unload_drops_at_once(narrow_file):
    w = fstwave.Waveform(narrow_file)
    vs = list(w.hierarchy.all_vars())
    base = live()
    w.get_signal(vs[0])  # not held: only the cache keeps it
    held = w.get_signal(vs[1])
    assert fstwave.memory_stats()['signals'] - base['signals'] == 2
    w.unload_signals([vs[0], held])
    assert w.signal_cache_stats()['signals'] == 0
    # vs[0]'s signal is freed at once (no collection needed); the held one stays valid
    assert fstwave.memory_stats()['signals'] - base['signals'] == 1
    want = changes(held)
    read, again = reads_file(w, vs[1])
    assert read and again is not held and changes(again) == want
    assert w.get_signal(vs[1]) is again
    del held, again
    w.unload_signals(vs[:2])
    assert fstwave.memory_stats() == base


# ---------------------------------------------------------------- threads

@pytest.mark.parametrize('budget', [0, None])
def test_concurrent_loads_give_one_object(narrow_file, budget):
    """Several threads load the same signals at once (the GIL is released while loading):
    each signal comes out as one object in every thread."""
    n_threads, rounds = 6, 8
    w = fstwave.Waveform(narrow_file, multi_threaded=False, signal_cache_bytes=budget)
    vs = list(w.hierarchy.all_vars())
    barrier = threading.Barrier(n_threads)
    results = [[] for _ in range(n_threads)]
    errors = []

    def work(k):
        try:
            for r in range(rounds):
                pick = vs[r * 40:(r + 1) * 40]
                barrier.wait()
                if k % 2:
                    got = w.load_signals(pick)
                else:
                    got = [w.get_signal(v) for v in pick]
                results[k].append(got)
                barrier.wait()
                if k == 0:
                    w.unload_signals(pick)  # the next round's loads read the file again
        except BaseException as exc:  # reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for r in range(rounds):
        first = results[0][r]
        for k in range(1, n_threads):
            assert all(a is b for a, b in zip(first, results[k][r])), (r, k)


# ---------------------------------------------------------------- the dump tool

def test_dump_holds_at_most_one_batch():
    """fstwave dump (fstwave.dumpformat.write_dump) keeps at most one batch of signals in
    memory: checked with the core's counters at every line it writes."""
    from fstwave.dumpformat import write_dump
    batch = 4
    w = fstwave.Waveform(str(corpus_path(SMALL)))
    n_sigs = len(list(w.hierarchy.all_vars()))
    assert n_sigs > 5 * batch
    base = live()
    peak = [0]

    class Out:
        def line(self, s):
            peak[0] = max(peak[0], fstwave.memory_stats()['signals'] - base['signals'])

        def lines(self, seq):
            for s in seq:
                self.line(s)

    class Loads:
        """w, with the signals in memory recorded at each batch load (must be none)."""

        def __getattr__(self, name):
            return getattr(w, name)

        def load_signals(self, vars_):
            before.append(fstwave.memory_stats()['signals'] - base['signals'])
            return w.load_signals(vars_)

    before = []
    write_dump(Loads(), Out(), batch)
    assert 0 < peak[0] <= batch
    assert len(before) == -(-n_sigs // batch) and set(before) == {0}
    assert live() == base


# ---------------------------------------------------------------- fstwave.pywellen25

@pytest.mark.parametrize('budget', [0, None])
def test_pywellen25_passes_the_budget_through(narrow_file, budget):
    """fstwave.pywellen25 uses the same cache: with signal_cache_bytes=0 a dropped signal is
    freed at once, with the default it stays among the recent ones."""
    import fstwave.pywellen25 as pw25
    w = pw25.Waveform(narrow_file, signal_cache_bytes=budget)
    v = w.all_vars()[5]
    base = live()
    sig = v.signal  # a property in pywellen 0.25
    assert len(sig) > 0 and fstwave.memory_stats()['signals'] == base['signals'] + 1
    del sig
    assert live()['signals'] == base['signals'] + (budget is None)
