"""One benchmark measurement in a fresh Python process; prints one JSON line.

    python bench/worker_py.py --impl pywellen|fstwave --op OP --file F.fst [--sel SEL.json]

OP is one of open_walk, open_body, get_signal, load_1pct, load_1pct_mt, load_10pct,
load_10pct_mt, query, view_screen, view_window (fstwave only), or info (file facts for the runner, fstwave only). SEL (NAME.sel.json)
is the selection written by bench/run.py: var indices into ``hierarchy.all_vars()`` order; the
query times are in NAME.times (int64, little-endian). Every implementation reads the same.

The JSON line has: ok, impl, op, file, the op's timings in seconds (``time_s`` is the op's main
number), ``baseline_rss_kb`` (``ru_maxrss`` right after importing the package), ``peak_rss_kb`` (``ru_maxrss`` at the end) and ``delta_rss_kb`` (their difference),
plus checks (name digest, change counts) the runner compares across implementations.
On an error: ok=false and ``error``; the exit status is 1.

pywellen 0.20.5 has neither ``load_body=False`` (its open always reads the body), nor
``load_signals`` (a loop of ``get_signal`` is what its users write), nor ``query_signal``
(``value_at_time`` is timed instead), nor ``len(time_table)`` (the length is found by a binary
search on ``time_table[i] is None``).
"""
import argparse
import hashlib
import json
import resource
import sys
import time

clock = time.perf_counter
# cross-check printed as `changes` (after the timer): the number of changes of the first
# CHECK_N signals loaded; pywellen's are counted by iterating, which is slow on big signals
CHECK_N = 20


def maxrss_kb():
    """This process's peak RSS so far (ru_maxrss) as an int, in KiB on Linux."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def vmhwm_kb():
    """VmHWM of /proc/self/status (Linux): a cross-check of ru_maxrss."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def tt_len_pywellen(tt):
    """pywellen 0.20.5's TimeTable has no len(); t[i] is None past the end (D3)."""
    if tt[0] is None:
        return 0
    hi = 1
    while tt[hi] is not None:
        hi *= 2
    lo = hi // 2  # tt[lo] exists, tt[hi] does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if tt[mid] is None:
            hi = mid
        else:
            lo = mid
    return hi


def names_digest(names):
    """First 16 hex digits of SHA-256 over NAMES (UTF-8, surrogatepass, each plus a newline): the
    cross-check the runner compares with the other implementations' digests."""
    h = hashlib.sha256()
    for n in names:
        h.update(n.encode('utf-8', 'surrogatepass'))
        h.update(b'\n')
    return h.hexdigest()[:16]


def nchanges(sig):
    """Number of changes: pywellen 0.20.5's Signal and change iterator have no len(), so its
    changes are counted by iterating (only ever after the timer has stopped)."""
    try:
        return len(sig)
    except TypeError:
        return sum(1 for _ in sig.all_changes())


def open_wave(mod, impl, path, body=True, multi_threaded=True):
    """MOD.Waveform of PATH (MOD: pywellen or fstwave); BODY goes to fstwave's load_body only
    (pywellen 0.20.5 has none: its open always reads the body). Open errors propagate."""
    if impl == 'pywellen':
        return mod.Waveform(path, multi_threaded=multi_threaded)
    return mod.Waveform(path, multi_threaded=multi_threaded, load_body=body)


def op_open_walk(mod, impl, path, sel, res):
    """open_walk: time an open without body plus full_name of every var of all_vars(); sets
    res time_s (seconds), vars and names_digest. SEL is unused."""
    t0 = clock()
    w = open_wave(mod, impl, path, body=False)
    h = w.hierarchy
    names = [v.full_name(h) for v in h.all_vars()]
    res['time_s'] = clock() - t0
    res['vars'] = len(names)
    res['names_digest'] = names_digest(names)


def op_open_body(mod, impl, path, sel, res):
    """open_body: time an open with body plus the time-table length (pywellen: tt_len_pywellen's
    binary search); sets res time_s (seconds) and time_table_len. SEL is unused."""
    t0 = clock()
    w = open_wave(mod, impl, path, body=True)
    tt = w.time_table
    n = tt_len_pywellen(tt) if impl == 'pywellen' else len(tt)
    res['time_s'] = clock() - t0
    res['time_table_len'] = n


def _open_vars(mod, impl, path, res, multi_threaded=True):
    """Open PATH with body and list all_vars(); sets res['open_s'] (seconds); returns
    (waveform, list of vars)."""
    t0 = clock()
    w = open_wave(mod, impl, path, body=True, multi_threaded=multi_threaded)
    vs = list(w.hierarchy.all_vars())
    res['open_s'] = clock() - t0
    return w, vs


def op_get_signal(mod, impl, path, sel, res):
    """get_signal: after the open, time get_signal of var sel['first'] (first_s), then of each
    sel['next'] var; sets next_times_s (list), next_n, next_total_s, next_median_s (upper median,
    None if empty) in seconds, time_s = first_s, and changes of the first CHECK_N signals."""
    w, vs = _open_vars(mod, impl, path, res)
    first = vs[sel['first']]
    t0 = clock()
    s = w.get_signal(first)
    res['first_s'] = clock() - t0
    times, sigs = [], [s]
    for i in sel['next']:
        v = vs[i]
        t0 = clock()
        s = w.get_signal(v)
        times.append(clock() - t0)
        if len(sigs) < CHECK_N:  # the others are dropped, as in a plain loop
            sigs.append(s)
    res['next_times_s'] = times
    res['next_n'] = len(times)
    res['next_total_s'] = sum(times)
    res['next_median_s'] = sorted(times)[len(times) // 2] if times else None
    res['time_s'] = res['first_s']
    res['changes'] = sum(nchanges(s) for s in sigs[:CHECK_N])


def _load(pct, mt):
    """Op function for load_<PCT>pct (MT false) or load_<PCT>pct_mt (MT true) over sel['pct<PCT>']:
    pywellen 0.20.5 has no batch load, so a get_signal loop; fstwave load_signals or
    load_signals_multithreaded."""
    def op(mod, impl, path, sel, res):
        """Time loading the sel['pctN'] vars; sets res open_s, time_s (s), signals, changes."""
        # the single-threaded rows open fstwave with multi_threaded=False (load_signals then
        # stays on one thread), as the Node worker opens {multiThreaded: false}
        w, vs = _open_vars(mod, impl, path, res, multi_threaded=mt)
        chosen = [vs[i] for i in sel['pct%d' % pct]]
        t0 = clock()
        if impl == 'pywellen':
            sigs = [w.get_signal(v) for v in chosen]
        elif mt:
            sigs = w.load_signals_multithreaded(chosen)
        else:
            sigs = w.load_signals(chosen)
        res['time_s'] = clock() - t0
        res['signals'] = len(sigs)
        res['changes'] = sum(nchanges(s) for s in sigs[:CHECK_N])
    return op


def load_times(sel):
    """The query times: int64 little-endian in SEL's .times file (no JSON parse peak)."""
    from array import array
    a = array('q')
    with open(sel['_path'][:-len('.sel.json')] + '.times', 'rb') as f:
        a.frombytes(f.read())
    if sys.byteorder != 'little':
        a.byteswap()
    return a.tolist()


def op_query(mod, impl, path, sel, res):
    """query: load var sel['query_var'] (load_s), then time one lookup per load_times() time
    (value_at_time for pywellen: 0.20.5 has no query_signal); sets time_s (seconds), calls,
    calls_per_s (None if 0 s) and signal_changes."""
    w, vs = _open_vars(mod, impl, path, res)
    t0 = clock()
    s = w.get_signal(vs[sel['query_var']])
    res['load_s'] = clock() - t0
    times = load_times(sel)
    if impl == 'pywellen':
        f = s.value_at_time
    else:
        f = s.query_signal
    t0 = clock()
    for t in times:
        f(t)
    dt = clock() - t0
    res['time_s'] = dt
    res['calls'] = len(times)
    res['calls_per_s'] = len(times) / dt if dt > 0 else None
    res['signal_changes'] = nchanges(s)


SCREEN_BUCKETS = 2000


def op_view_screen(mod, impl, path, sel, res):
    """view_screen (fstwave only; pywellen has no viewer API): load the sel['screen'] vars (100)
    with load_signals_multithreaded (load_s), then time one screen: summary(start, end, 2000)
    of each over the whole time range (time_s); then time iterating all_changes() of each, as a
    viewer without summaries would (iterate_s). Sets ratio = iterate_s / time_s and changes."""
    w, vs = _open_vars(mod, impl, path, res)
    chosen = [vs[i] for i in sel['screen']]
    t0 = clock()
    sigs = w.load_signals_multithreaded(chosen)
    res['load_s'] = clock() - t0
    start, end = w.time_range
    t0 = clock()
    for s in sigs:
        s.summary(start, end, SCREEN_BUCKETS)
    res['time_s'] = clock() - t0
    n = 0
    t0 = clock()
    for s in sigs:
        for _ in s.all_changes():
            n += 1
    res['iterate_s'] = clock() - t0
    res['ratio'] = res['iterate_s'] / res['time_s'] if res['time_s'] > 0 else None
    res['changes'] = n


def op_view_window(mod, impl, path, sel, res):
    """view_window (fstwave only): load var sel['query_var'] (the sampled var with the most
    changes; load_s), time changes_between(start, end) over the whole time range (time_s: the
    window as arrays); then bytes(...) of a bytearray of the same size as the arrays (memcpy_s:
    an allocation and a memcpy, what the copy-out must stay within 3x of) and iterating
    all_changes() (iterate_s). Sets bytes, changes, ratio_iterate, ratio_memcpy."""
    w, vs = _open_vars(mod, impl, path, res)
    t0 = clock()
    s = w.get_signal(vs[sel['query_var']])
    res['load_s'] = clock() - t0
    start, end = w.time_range
    t0 = clock()
    c = s.changes_between(start, end)
    res['time_s'] = clock() - t0
    nbytes = sum(memoryview(a).nbytes for a in (c.times, c.values, getattr(c, 'offsets', None))
                 if a is not None)
    src = bytearray(nbytes)
    t0 = clock()
    dst = bytes(src)
    res['memcpy_s'] = clock() - t0
    del dst, src
    n = 0
    t0 = clock()
    for _ in s.all_changes():
        n += 1
    res['iterate_s'] = clock() - t0
    res['bytes'] = nbytes
    res['changes'] = n
    res['window_changes'] = len(c)
    res['ratio_iterate'] = res['iterate_s'] / res['time_s'] if res['time_s'] > 0 else None
    res['ratio_memcpy'] = res['time_s'] / res['memcpy_s'] if res['memcpy_s'] > 0 else None


def op_info(mod, impl, path, sel, res):
    """File facts for the runner (fstwave): counts and the var with the most changes among a
    seeded sample (the query op's signal)."""
    import random
    w = mod.Waveform(path)
    h = w.hierarchy
    vs = list(h.all_vars())
    res['vars'] = len(vs)
    res['vars_with_aliases'] = sum(1 for _ in h.all_vars(include_aliases=True))
    res['time_table_len'] = len(w.time_table)
    res['time_range'] = list(w.time_range)
    ts = h.timescale()
    res['timescale'] = str(ts) if ts is not None else None
    res['version'] = h.version()
    cand = sorted(set(random.Random(12345).sample(range(len(vs)), min(200, len(vs))) + ([0] if vs else [])))
    sigs = w.load_signals_multithreaded([vs[i] for i in cand])
    best, best_n = None, -1
    for i, s in zip(cand, sigs):
        n = len(s)
        if n > best_n and (vs[i].is_bit_vector() or vs[i].is_real()):
            best, best_n = i, n
    res['query_var'] = best
    res['query_var_changes'] = best_n
    res['query_var_name'] = vs[best].full_name(h) if best is not None else None
    res['time_s'] = 0.0


OPS = {
    'open_walk': op_open_walk,
    'open_body': op_open_body,
    'get_signal': op_get_signal,
    'load_1pct': _load(1, False),
    'load_1pct_mt': _load(1, True),
    'load_10pct': _load(10, False),
    'load_10pct_mt': _load(10, True),
    'query': op_query,
    'view_screen': op_view_screen,
    'view_window': op_view_window,
    'info': op_info,
}


def main():
    """Parse --impl/--op/--file/--sel, import pywellen or fstwave, run the op and print one JSON
    line (ok, timings in seconds, RSS in KiB); returns exit status 0, or 1 with 'error' set for
    any exception, pywellen panics included. Bad arguments: argparse's SystemExit 2."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--impl', required=True, choices=['pywellen', 'fstwave'])
    ap.add_argument('--op', required=True, choices=sorted(OPS))
    ap.add_argument('--file', required=True)
    ap.add_argument('--sel', help='selection JSON written by bench/run.py')
    a = ap.parse_args()
    res = {'ok': False, 'impl': a.impl, 'lang': 'python', 'op': a.op, 'file': a.file}
    try:
        if a.impl == 'pywellen':
            import pywellen as mod
        else:
            import fstwave as mod
        res['baseline_rss_kb'] = maxrss_kb()
        sel = None
        if a.sel:
            with open(a.sel) as f:
                sel = json.load(f)
            sel['_path'] = a.sel
        OPS[a.op](mod, a.impl, a.file, sel, res)
        res['peak_rss_kb'] = maxrss_kb()
        res['delta_rss_kb'] = res['peak_rss_kb'] - res['baseline_rss_kb']
        res['vmhwm_kb'] = vmhwm_kb()
        res['ok'] = True
    except BaseException as e:  # pywellen panics are BaseExceptions
        res['error'] = '%s: %s' % (type(e).__name__, str(e)[:500])
    sys.stdout.write(json.dumps(res) + '\n')
    sys.stdout.flush()
    return 0 if res['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
