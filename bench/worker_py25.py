"""One measurement of the pywellen 0.25 API in a fresh Python process; prints one JSON line.

    .venv25/bin/python bench/worker_py25.py --impl pywellen|fstwave --op OP --file F.fst --sel SEL.json

The same code runs both implementations, as a user's script would: ``import pywellen``
(0.25.7 from PyPI, in .venv25) or ``import fstwave.pywellen25 as pywellen``. OP:

- ``open_lookup``: ``Waveform(path)`` then ``w[name]`` for every name of the selection
  (full names of vars, evenly spread over ``all_vars()``); ``time_s`` is both together,
  ``open_s`` the open alone.
- ``slice_all``: ``w[big].signal[:]``, the (time, value) list of the selection's biggest signal;
  ``time_s`` counts the signal's load (``.signal``, the first one of the file) and the slice,
  ``slice_s`` the slice alone.
- ``stream_changes``: ``w.stream_changes(callback, None)`` with a callback that counts the
  changes and sums their times (what the cheapest useful callback does).
- ``stream_time_steps``: ``w.stream_time_steps(callback, None)`` with a callback that counts
  the steps and the changed signals.
- ``callback_floor`` (no file read): the cost of the ``stream_changes`` row's callback
  alone, called from C (``map``) with the same kinds of arguments 2,000,000 times:
  ``time_s`` per call.  A stream can be no faster than its callback; the runner subtracts
  this floor to compare what the two streams themselves cost per change.
- ``info`` (fstwave only): the selection, written to SEL.json: ``names`` and ``big``.

The JSON line has ok, impl, op, file, the timings in seconds, ``baseline_rss_kb`` (ru_maxrss
after the import), ``peak_rss_kb`` (ru_maxrss at the end) and checks the runner compares
between the implementations (names found, the slice's length and ends, the changes' count and
time sum). On an error: ok=false and ``error``, exit status 1.
"""
import argparse
import importlib
import json
import resource
import sys
import time

clock = time.perf_counter


def maxrss_kb():
    """This process's peak RSS so far (ru_maxrss), in KiB on Linux."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def select(pw, path, n_names):
    """The selection of a file: up to N_NAMES var full names spread evenly over all_vars(), and
    the full name of the var with the most changes among the first ones with a long signal
    (the generated files' top.clk)."""
    w = pw.Waveform(path)
    vs = w.all_vars()
    step = max(1, len(vs) // n_names)
    names = [v.full_name for v in vs[::step]][:n_names]
    big, most = None, -1
    for v in vs[:200]:  # the generated files declare top.clk first; corpus files are small
        try:
            n = len(v.signal)
        except Exception:  # a var pywellen cannot load
            continue
        if n > most:
            big, most = v.full_name, n
    return {'names': names, 'big': big, 'big_len': most}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--impl', choices=('pywellen', 'fstwave'), required=True)
    ap.add_argument('--op', choices=('open_lookup', 'slice_all', 'stream_changes', 'stream_time_steps',
                                     'callback_floor', 'info'),
                    required=True)
    ap.add_argument('--file', required=True)
    ap.add_argument('--sel', required=True)
    ap.add_argument('--names', type=int, default=2000)
    a = ap.parse_args()
    res = {'ok': False, 'impl': a.impl, 'op': a.op, 'file': a.file}
    try:
        pw = importlib.import_module('pywellen' if a.impl == 'pywellen' else 'fstwave.pywellen25')
        res['baseline_rss_kb'] = maxrss_kb()
        if a.op == 'callback_floor':
            import collections
            n = 2_000_000
            acc = [0, 0]

            def callback(t, signal, value):
                acc[0] += 1
                acc[1] += t

            times = list(range(10**6, 10**6 + n))
            ids = [object()] * n
            values = [i & 1 for i in range(n)]
            t0 = clock()
            collections.deque(map(callback, times, ids, values), maxlen=0)
            t1 = clock()
            res.update(time_s=(t1 - t0) / n, calls=acc[0])
        elif a.op == 'info':
            sel = select(pw, a.file, a.names)
            with open(a.sel, 'w') as f:
                json.dump(sel, f)
            res.update(names=len(sel['names']), big=sel['big'], big_len=sel['big_len'])
        else:
            with open(a.sel) as f:
                sel = json.load(f)
            if a.op == 'open_lookup':
                t0 = clock()
                w = pw.Waveform(a.file)
                t1 = clock()
                found = 0
                for name in sel['names']:
                    found += w[name] is not None
                t2 = clock()
                res.update(time_s=t2 - t0, open_s=t1 - t0, lookup_s=t2 - t1, found=found)
            elif a.op == 'slice_all':
                w = pw.Waveform(a.file)
                var = w[sel['big']]
                t0 = clock()
                sig = var.signal
                t1 = clock()
                items = sig[:]
                t2 = clock()
                res.update(time_s=t2 - t0, load_s=t1 - t0, slice_s=t2 - t1, len=len(items),
                           first=repr(items[0]) if items else None,
                           last=repr(items[-1]) if items else None)
            elif a.op == 'stream_changes':
                w = pw.Waveform(a.file)
                acc = [0, 0]

                def callback(t, signal, value):
                    acc[0] += 1
                    acc[1] += t

                t0 = clock()
                w.stream_changes(callback, None)
                t1 = clock()
                res.update(time_s=t1 - t0, changes=acc[0], time_sum=acc[1])
            else:
                w = pw.Waveform(a.file)
                acc = [0, 0]

                def step(t, values, changed):
                    acc[0] += 1
                    acc[1] += len(changed)

                t0 = clock()
                w.stream_time_steps(step, None)
                t1 = clock()
                res.update(time_s=t1 - t0, steps=acc[0], changed=acc[1])
        res['peak_rss_kb'] = maxrss_kb()
        res['ok'] = True
    except BaseException as e:  # pywellen panics are BaseExceptions
        res['error'] = '%s: %s' % (type(e).__name__, e)
        print(json.dumps(res))
        return 1
    print(json.dumps(res))
    return 0


if __name__ == '__main__':
    sys.exit(main())
