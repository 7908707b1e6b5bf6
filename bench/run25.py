"""The pywellen 0.25 API benchmark: fstwave.pywellen25 against pywellen 0.25.7 (issue 12).

Run with the second environment (.venv25, which holds pywellen 0.25.7 and sees fstwave's
in-place build) from the repository root; ``make bench`` runs it after bench/run.py, and
``make bench25`` alone:

    .venv25/bin/python bench/run25.py [--runs 3] [--files narrow-zlib-100M ...]

Every measurement is a fresh child (bench/worker_py25.py, one JSON line), the same script for
both implementations; runs alternate the implementation order. The files are bench/run.py's
generated ones (reused from build/bench/files, written when missing). Targets (issue 12):
each operation at least 2x faster than pywellen 0.25.7, peak memory at or below. The
stream rows on the 1.1 GB files run fstwave only (pywellen takes minutes there) and report
its peak RSS, which must stay bounded by a block, not grow with the file.
Writes bench/RESULTS25.md and bench/results25.json.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import run  # noqa: E402  (bench/run.py: files, children, statistics, machine facts)

ROOT = run.ROOT
IMPLS = ['pywellen', 'fstwave']
IMPL_TITLE = {'pywellen': 'pywellen 0.25.7', 'fstwave': 'fstwave.pywellen25'}
OPS = ['open_lookup', 'slice_all', 'stream_changes', 'stream_time_steps']
OP_TITLE = {
    'open_lookup': 'open + `w[name]` of 2,000 vars',
    'slice_all': '`w[big].signal[:]` (load + slice)',
    'stream_changes': '`stream_changes(cb, None)`',
    'stream_time_steps': '`stream_time_steps(cb, None)`',
}
DEFAULT_FILES = ['wide-lz4-100M', 'wide-zlib-100M', 'narrow-zlib-100M', 'clock-zlib-80M',
                 'narrow-zlib-1100M', 'wide-lz4-1100M']
BIG = {'narrow-zlib-1100M', 'wide-lz4-1100M'}  # the streams only, fstwave only
TARGET_SPEEDUP = 2.0


def measure(entry, op, impl, args, sel):
    cmd = [args.python, str(BENCH / 'worker_py25.py'), '--impl', impl, '--op', op,
           '--file', entry['path'], '--sel', str(sel)]
    return run.run_child(cmd, args.timeout)


def bench_file(entry, args, save):
    sel = Path(args.work_dir) / (entry['name'] + '.sel25.json')
    info = run.run_child([args.python, str(BENCH / 'worker_py25.py'), '--impl', 'fstwave',
                          '--op', 'info', '--file', entry['path'], '--sel', str(sel)],
                         args.timeout)
    if not info.get('ok'):
        raise SystemExit('run25.py: selection of %s failed: %s' % (entry['name'], info.get('error')))
    entry['selection'] = {k: info[k] for k in ('names', 'big', 'big_len')}
    run.warm_cache(entry['path'])
    ops = ['stream_changes', 'stream_time_steps'] if entry['name'] in BIG else args.ops
    impls = ['fstwave'] if entry['name'] in BIG else IMPLS
    for op in ops:
        if op not in args.ops:
            continue
        runs = 1 if entry['name'] in BIG else args.runs
        for r in range(runs):
            order = impls if r % 2 == 0 else impls[::-1]
            for impl in order:
                m = measure(entry, op, impl, args, sel)
                m.update(run_index=r)
                entry['measurements'].append(m)
                run.log('  %-14s %-9s run %d: %s' % (
                    op, impl, r + 1, ('%.3f s, %.0f MB' % (m['time_s'], m['peak_rss_kb'] / 1024))
                    if m.get('ok') else 'FAILED ' + str(m.get('error'))))
                save()


def summary(entry):
    """Per (op, impl): median time_s and peak_rss_kb of the successful runs."""
    out = {}
    for m in entry['measurements']:
        if not m.get('ok'):
            continue
        out.setdefault(m['op'], {}).setdefault(m['impl'], []).append(m)
    res = {}
    for op, by in out.items():
        res[op] = {impl: {'time_s': run.med([m['time_s'] for m in ms]),
                          'peak_rss_kb': run.med([m['peak_rss_kb'] for m in ms]),
                          'runs': len(ms)} for impl, ms in by.items()}
    return res


def checks(entry):
    """Both implementations must have seen the same thing (names found, slice, changes)."""
    bad = []
    keys = {'open_lookup': ('found',), 'slice_all': ('len', 'first', 'last'),
            'stream_changes': ('changes', 'time_sum'), 'stream_time_steps': ('steps', 'changed')}
    for op, ks in keys.items():
        seen = {}
        for m in entry['measurements']:
            if m.get('ok') and m['op'] == op:
                seen.setdefault(m['impl'], set()).add(tuple(m.get(k) for k in ks))
        vals = set()
        for v in seen.values():
            vals |= v
        if len(vals) > 1:
            bad.append('%s %s: the implementations differ: %s' % (entry['name'], op, sorted(vals, key=repr)))
    return bad


def write_report(results, out):
    lines = ['# The pywellen 0.25 API: fstwave.pywellen25 against pywellen 0.25.7', '',
             'Written by `bench/run25.py` (`make bench` runs it after `bench/run.py`; see '
             '`bench/README.md`). Each cell is the median of the runs (count in brackets), a fresh '
             'process per run, the page cache warm. Speedup = pywellen time / fstwave time; '
             'memory = peak RSS of the process (ru_maxrss). Target (issue 12): every operation at '
             'least %.0fx faster, peak memory at or below pywellen\'s.' % TARGET_SPEEDUP, '']
    m = results['machine']
    lines += ['Machine: %s, %s cores, %s, Python %s, pywellen %s; load average %s at the start, '
              '%s at the end.' % (m['cpu'], m['cores'], m['ram'], m['python'], m['pywellen'],
                                  ', '.join('%.2f' % x for x in m['loadavg_start']),
                                  ', '.join('%.2f' % x for x in results.get('loadavg_end', ()))), '']
    lines += ['| file | operation | pywellen 0.25.7 | fstwave.pywellen25 | speedup | memory '
              '(pywellen / fstwave) | target |', '|---|---|---|---|---|---|---|']
    met_all = True
    for e in results['files']:
        s = summary(e)
        for op in OPS:
            if op not in s:
                continue
            p, f = s[op].get('pywellen'), s[op].get('fstwave')
            cellp = '%s [%d], %s' % (run.fmt_t(p['time_s']), p['runs'], run.fmt_mb(p['peak_rss_kb'])) if p else '—'
            cellf = '%s [%d], %s' % (run.fmt_t(f['time_s']), f['runs'], run.fmt_mb(f['peak_rss_kb'])) if f else '—'
            if p and f:
                sp = p['time_s'] / f['time_s']
                mem_ok = f['peak_rss_kb'] <= p['peak_rss_kb']
                ok = sp >= TARGET_SPEEDUP and mem_ok
                met_all &= ok
                verdict = 'met' if ok else 'NOT MET (%s%s)' % (
                    'speed %.2fx' % sp if sp < TARGET_SPEEDUP else '',
                    (', ' if sp < TARGET_SPEEDUP and not mem_ok else '') +
                    ('memory %.2fx' % (f['peak_rss_kb'] / p['peak_rss_kb']) if not mem_ok else ''))
                lines.append('| %s | %s | %s | %s | %.2fx | %.2f | %s |' % (
                    e['name'], OP_TITLE[op], cellp, cellf, sp, f['peak_rss_kb'] / p['peak_rss_kb'],
                    verdict))
            else:
                lines.append('| %s | %s | %s | %s | — | — | peak RSS only (memory bounded by a '
                             'block: the file is %.0f MB) |' % (e['name'], OP_TITLE[op], cellp,
                                                                cellf, e['size'] / 1e6))
    lines += ['', 'Every target of the table met.' if met_all else
              'Targets marked NOT MET are missed by the factor shown.', '']
    floor = results.get('callback_floor_s')
    if floor:
        lines += ['### The streams without their callback', '',
                  'A stream calls the Python callback once per change, and no stream can be faster '
                  'than that callback: the `stream_changes` row\'s callback alone (`acc[0] += 1; '
                  'acc[1] += t`, called from C with the same kinds of arguments) costs %.0f ns a call '
                  'on this machine (`worker_py25.py --op callback_floor`). With a floor of F ns a change, '
                  'a stream can be 2x faster than pywellen only if pywellen spends over 2F ns a change. '
                  'What each stream spends beyond the callback, per change:' % (floor * 1e9), '',
                  '| file | changes | pywellen 0.25.7 | fstwave.pywellen25 | ratio |', '|---|---|---|---|---|']
        for e in results['files']:
            s = summary(e).get('stream_changes', {})
            p, f = s.get('pywellen'), s.get('fstwave')
            n = next((m['changes'] for m in e['measurements'] if m.get('ok') and m['op'] == 'stream_changes'), 0)
            if not (p and f and n):
                continue
            op_ = p['time_s'] / n - floor
            of = f['time_s'] / n - floor
            lines.append('| %s | %d | %.0f ns | %.0f ns | %s |' % (
                e['name'], n, op_ * 1e9, of * 1e9, '%.2fx' % (op_ / of) if of > 0 else '—'))
        lines.append('')
    lines += ['What the rows do (`bench/worker_py25.py`, the same script for both):', '',
              '- open + lookups: `Waveform(path)` then `w[name]` for 2,000 var full names spread '
              'over `all_vars()`;',
              '- load + slice: `w[big].signal[:]` of the file\'s longest signal among its first '
              'vars (the generated files\' clock: one change per time step), its first load;',
              '- streams: `w.stream_changes(callback, None)` over the whole file, the callback '
              'counting the changes and summing their times; `w.stream_time_steps(callback, None)`, '
              'the callback counting the steps and the changed signals.', '']
    for e in results['files']:
        for c in e.get('checks', []):
            lines.append('- CHECK FAILED: ' + c)
    (out / 'RESULTS25.md').write_text('\n'.join(lines) + '\n')


def main():
    ap = argparse.ArgumentParser(description='the pywellen 0.25 API benchmark (bench/run25.py)')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--files', nargs='+', default=DEFAULT_FILES)
    ap.add_argument('--ops', nargs='+', choices=OPS, default=OPS)
    ap.add_argument('--out', default=str(BENCH))
    ap.add_argument('--gen-dir', default=str(ROOT / 'build' / 'bench' / 'files'))
    ap.add_argument('--gen-bin', default=str(ROOT / 'build' / 'bench' / 'gen_fst'))
    ap.add_argument('--work-dir', default=str(ROOT / 'build' / 'bench' / 'work'))
    ap.add_argument('--timeout', type=int, default=3600)
    ap.add_argument('--python', default=sys.executable)
    ap.add_argument('--node', default='node')
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    Path(args.work_dir).mkdir(parents=True, exist_ok=True)
    results = {'command': 'cd %s && %s bench/run25.py %s' % (
        ROOT, os.path.relpath(args.python, ROOT) if os.path.isabs(args.python) else args.python,
        ' '.join(sys.argv[1:])), 'machine': run.machine_info(args), 'runs': args.runs, 'files': []}

    def save():
        results['loadavg_end'] = os.getloadavg()
        (out / 'results25.json').write_text(json.dumps(results, indent=1) + '\n')

    t0 = time.monotonic()
    if 'stream_changes' in args.ops:
        floors = []
        for _ in range(3):
            m = run.run_child([args.python, str(BENCH / 'worker_py25.py'), '--impl', 'fstwave', '--op',
                               'callback_floor', '--file', '-', '--sel', '-'], args.timeout)
            if m.get('ok'):
                floors.append(m['time_s'])
        if floors:
            results['callback_floor_s'] = run.med(floors)
            run.log('callback floor: %.0f ns a call' % (results['callback_floor_s'] * 1e9))
    for name in args.files:
        path, gen = run.generate(name, args.gen_dir, args.gen_bin)
        e = {'name': name, 'path': str(path), 'size': os.path.getsize(path), 'measurements': []}
        results['files'].append(e)
        run.log('== %s (%.1f MB)' % (name, e['size'] / 1e6))
        bench_file(e, args, save)
        e['checks'] = checks(e)
        for c in e['checks']:
            run.log('  CHECK FAILED: ' + c)
        e['summary'] = summary(e)
        save()
    results['elapsed_s'] = round(time.monotonic() - t0, 1)
    save()
    write_report(results, out)
    run.log('run25.py: wrote %s/RESULTS25.md and results25.json in %.0f s' % (out, results['elapsed_s']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
