#!/usr/bin/env python3
"""fstwave benchmark runner: pywellen 0.20.5 vs fstwave (Python) vs fstwave (Node).

Run with the project's virtualenv from the repository root (``make bench`` does):

    .venv/bin/python bench/run.py                 # the full set (see FILES below), 5 runs
    .venv/bin/python bench/run.py --quick         # 10 MB generated file + corpus, 3 runs
    .venv/bin/python bench/run.py --files wide-lz4-100M corpus --ops open_walk get_signal --runs 3

Every measurement is one fresh child process (bench/worker_py.py, bench/worker_node.js) that
prints one JSON line. Each file is read once (page cache warm) before its measurements; per
operation the runs go round by round, the implementation order rotating every round. Missing
generated files are written by build/bench/gen_fst into build/bench/files (reused later).
Writes results.json, RESULTS.md and plot.png into --out (default bench/, or
build/bench/quick with --quick). See bench/README.md.
"""
import argparse
from array import array
import datetime
import gzip
import json
import os
import platform
import random
import re
import shlex
import signal
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / 'bench'

# name -> gen_fst arguments
FILES = {
    'wide-lz4-10M': ['--shape', 'wide', '--pack', 'lz4', '--size', '10M'],
    'wide-lz4-100M': ['--shape', 'wide', '--pack', 'lz4', '--size', '100M'],
    'wide-lz4-1100M': ['--shape', 'wide', '--pack', 'lz4', '--size', '1100M'],
    'wide-fastlz-100M': ['--shape', 'wide', '--pack', 'fastlz', '--size', '100M'],
    'wide-zlib-100M': ['--shape', 'wide', '--pack', 'zlib', '--size', '100M'],
    'narrow-zlib-100M': ['--shape', 'narrow', '--pack', 'zlib', '--size', '100M'],
    'narrow-zlib-1100M': ['--shape', 'narrow', '--pack', 'zlib', '--size', '1100M'],
    # 100 signals: over 13 M time steps, so the clock (the query signal) has over 10 M changes,
    # the window copy-out target's signal (issue 11)
    'clock-zlib-80M': ['--shape', 'narrow', '--pack', 'zlib', '--size', '80M', '--signals', '100'],
    # the shape of a real nvc file (issue 13): 417,595 vars (300,117 signals), 115,061 VHDL
    # scopes, depth 9, full names of 115.6 characters on average; a small body
    'deep-vhdl-420k': ['--shape', 'deep', '--pack', 'zlib', '--size', '2M'],
}
LONG_SIGNAL = 10_000_000  # changes of the window copy-out target's signal
DEFAULT_FILES = ['corpus'] + list(FILES)
QUICK_FILES = ['corpus', 'wide-lz4-10M']

OPS = ['open_walk', 'open_body', 'get_signal', 'query',
       'load_1pct', 'load_1pct_mt', 'load_10pct', 'load_10pct_mt',
       'view_screen', 'view_window']
# the viewer API (issue 11): fstwave only, each measured against iterating the same changes in
# the same language (pywellen 0.20.5 has no windows or summaries)
VIEW_OPS = ('view_screen', 'view_window')
SCREEN_SIGNALS = 100
IMPLS = ['pywellen', 'fstwave-py', 'fstwave-node', 'fstwave-wasm']
# the three of the main tables; fstwave-wasm (the Node package over its WebAssembly backend,
# FSTWAVE_BACKEND=wasm, issue 15) is measured for WASM_OPS only and has a section of its own
MAIN_IMPLS = ['pywellen', 'fstwave-py', 'fstwave-node']
WASM_OPS = ('open_walk', 'get_signal', 'load_1pct')
IMPL_TITLE = {'pywellen': 'pywellen 0.20.5', 'fstwave-py': 'fstwave (Python)',
              'fstwave-node': 'fstwave (Node)', 'fstwave-wasm': 'fstwave (WebAssembly)'}
# (op, metric, label) rows of the time tables
METRICS = [
    ('open_walk', 'time_s', 'open_walk (open, no body + all full names)'),
    ('open_body', 'time_s', 'open_body (open with body + time table length)'),
    ('get_signal', 'first_s', 'get_signal: first call'),
    ('get_signal', 'next_median_s', 'get_signal: next 100, median per call'),
    ('get_signal', 'next_total_s', 'get_signal: next 100, total'),
    ('query', 'time_s', 'query: 100,000 lookups'),
    ('load_1pct', 'time_s', 'load 1 % (fstwave load_signals)'),
    ('load_1pct_mt', 'time_s', 'load 1 % (fstwave multithreaded)'),
    ('load_10pct', 'time_s', 'load 10 % (fstwave load_signals)'),
    ('load_10pct_mt', 'time_s', 'load 10 % (fstwave multithreaded)'),
]
GB = 1_000_000_000
QUERY_CALLS = 100_000


def log(msg):
    """Write MSG plus a newline to stderr and flush (the runner's progress log); returns None."""
    sys.stderr.write(msg + '\n')
    sys.stderr.flush()


# --------------------------------------------------------------------------- file facts
def count_blocks(path):
    """Value-change blocks (types 1, 5, 8) of an FST file; a whole-file gzip wrapper (254) is
    unpacked in memory first (corpus files only: they are small)."""
    def scan(size, read_at):
        """Count type 1/5/8 blocks in SIZE bytes via read_at: int, or None on a 254 gzip wrapper."""
        n, pos = 0, 0
        while pos + 9 <= size:
            h = read_at(pos, 9)
            if len(h) < 9:
                break
            typ, ln = h[0], struct.unpack('>Q', h[1:9])[0]
            if typ == 254:
                return None
            if typ in (1, 5, 8):
                n += 1
            if ln < 8:
                break
            pos += 1 + ln
        return n

    size = os.path.getsize(path)
    with open(path, 'rb') as f:
        def read_at(pos, k):
            """Return up to K bytes of the file at byte offset POS (fewer at the end)."""
            f.seek(pos)
            return f.read(k)
        n = scan(size, read_at)
        if n is not None:
            return n
        # 254: u8 type, u64 length, u64 uncompressed length, then a gzip stream
        f.seek(17)
        data = gzip.decompress(f.read()) if size < 512 * 1024 * 1024 else b''
    return scan(len(data), lambda pos, k: data[pos:pos + k])


def corpus_files(corpus, k=3):
    """The K largest *.fst files under CORPUS (recursive), largest first: list of Paths (ties by
    path); empty if there are none or the folder is missing."""
    files = sorted(Path(corpus).rglob('*.fst'), key=lambda p: (p.stat().st_size, str(p)))
    return files[-k:][::-1]


def warm_cache(path):
    """Read PATH once in 8 MiB chunks and discard it, so the page cache is warm (the README's
    `cat > /dev/null` equivalent); returns None, raises OSError if it cannot be read."""
    with open(path, 'rb') as f:
        while f.read(8 << 20):
            pass


def gen_version():
    """GEN_FORMAT_VERSION of bench/gen_fst.c as a string ('?' if the #define is missing); raises
    OSError if gen_fst.c cannot be read."""
    m = re.search(r'^#define GEN_FORMAT_VERSION (\d+)', (BENCH / 'gen_fst.c').read_text(), re.M)
    return m.group(1) if m else '?'


def generate(name, gen_dir, gen_bin):
    """Write generated file NAME (FILES[name] arguments) as GEN_DIR/NAME.fst with GEN_BIN, or reuse
    it when NAME.gen.json has the same gen_fst version and arguments; returns (Path, summary dict
    of gen_fst's key=value output + out, command, wall_s in seconds, args).
    Raises SystemExit when GEN_BIN is missing or gen_fst exits non-zero."""
    out = Path(gen_dir) / (name + '.fst')
    meta = Path(gen_dir) / (name + '.gen.json')
    version = gen_version()
    if out.exists() and meta.exists():
        summary = json.loads(meta.read_text())
        if summary.get('version') == version and summary.get('args') == FILES[name]:
            return out, summary
        log('%s: written by another GEN_FORMAT_VERSION of bench/gen_fst.c or with other '
            'arguments: writing it again' % out)
    if not Path(gen_bin).exists():
        raise SystemExit('run.py: %s missing: build it with `make %s`' % (gen_bin, gen_bin))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + '.part')
    for leftover in (tmp, tmp.with_name(tmp.name + '.hier')):  # from an interrupted run
        if leftover.exists():
            leftover.unlink()
    cmd = [str(gen_bin)] + FILES[name] + [str(tmp)]
    log('generating %s: %s' % (out, ' '.join(cmd)))
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SystemExit('run.py: generating %s failed (exit %d)' % (out, p.returncode))
    summary = {}
    for tok in p.stdout.split():
        if '=' in tok:
            k, v = tok.split('=', 1)
            summary[k] = v
    summary['out'] = str(out)
    summary['command'] = ' '.join(os.path.relpath(c, ROOT) if os.path.isabs(c) else c
                                  for c in cmd[:-1] + [str(out)])
    summary['wall_s'] = round(time.monotonic() - t0, 1)
    summary['args'] = FILES[name]
    os.replace(tmp, out)
    meta.write_text(json.dumps(summary, indent=1) + '\n')
    log(p.stdout.strip())
    return out, summary


# --------------------------------------------------------------------------- children
def child_cmd(impl, op, path, sel, args):
    """Worker argv list for one measurement: worker_node.js (args.node) for 'fstwave-node' (and,
    with FSTWAVE_BACKEND=wasm through env(1), for 'fstwave-wasm'), else worker_py.py
    (args.python) with --impl pywellen|fstwave; PATH and SEL as strings."""
    if impl in ('fstwave-node', 'fstwave-wasm'):
        env = ['env', 'FSTWAVE_BACKEND=' + ('wasm' if impl == 'fstwave-wasm' else 'native')]
        return env + [args.node, str(BENCH / 'worker_node.js'), '--op', op, '--file', str(path),
                      '--sel', str(sel), '--backend', 'wasm' if impl == 'fstwave-wasm' else 'native']
    return [args.python, str(BENCH / 'worker_py.py'), '--impl',
            'pywellen' if impl == 'pywellen' else 'fstwave', '--op', op, '--file', str(path),
            '--sel', str(sel)]


# The child runs under `sh -c '"$@"; exit $?'`: sh forks it (it is not the last command, so
# no exec), so its ru_maxrss starts from sh's small image. Started straight from this
# process, a child's ru_maxrss would include this runner's RSS at the fork (Linux keeps the
# pre-exec high-water mark across exec).
SPAWN = ['/bin/sh', '-c', '"$@"; exit $?', 'sh']


def run_child(cmd, timeout):
    """Run worker argv CMD under SPAWN (own session, cwd ROOT), TIMEOUT in seconds: the child's last
    stdout line as a JSON dict plus wall_s (seconds) and exit. Never raises for a failed child:
    no JSON, a non-zero exit or a timeout (process group killed) give ok=False and 'error'."""
    env = dict(os.environ, RUST_BACKTRACE='0')
    t0 = time.monotonic()
    p = subprocess.Popen(SPAWN + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=str(ROOT), env=env, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)  # the child's own process group
        except ProcessLookupError:
            pass
        p.communicate()
        return {'ok': False, 'error': 'timeout after %d s' % timeout,
                'wall_s': time.monotonic() - t0}
    wall = time.monotonic() - t0
    line = out.strip().splitlines()[-1] if out.strip() else ''
    try:
        res = json.loads(line)
    except ValueError:
        res = {'ok': False, 'error': 'no JSON from the child (exit %d): %s' % (
            p.returncode, (err or out)[-400:].strip().replace('\n', ' | '))}
    if p.returncode != 0 and res.get('ok'):
        res['ok'] = False
        res['error'] = 'exit status %d' % p.returncode
    if not res.get('ok') and err.strip() and 'stderr' not in res:
        res['stderr'] = err[-400:]
    res['wall_s'] = wall
    res['exit'] = p.returncode
    return res


def file_info(path, args, work):
    """Facts from fstwave (child process) and the selection every implementation uses."""
    res = run_child([args.python, str(BENCH / 'worker_py.py'), '--impl', 'fstwave', '--op',
                     'info', '--file', str(path)], max(args.timeout, 600))
    if not res.get('ok'):
        raise SystemExit('run.py: fstwave cannot read %s: %s' % (path, res.get('error')))
    n = res['vars']
    rng = random.Random(args.seed)
    idx = list(range(n))
    rng.shuffle(idx)
    t0, t1 = res['time_range']
    qr = random.Random(args.seed + 1)
    sel = {
        'seed': args.seed,
        'first': idx[0],
        'next': idx[1:101],
        'pct1': idx[:max(1, round(n * 0.01))],
        'pct10': idx[:max(1, round(n * 0.10))],
        'query_var': res['query_var'],
        'screen': idx[:min(n, SCREEN_SIGNALS)],
    }
    times = array('q', (qr.randint(t0, t1) for _ in range(QUERY_CALLS)))
    if sys.byteorder != 'little':
        times.byteswap()
    stem = Path(work) / ('%s-%d' % (Path(path).name, os.path.getsize(path)))
    sel_path = Path(str(stem) + '.sel.json')
    sel_path.write_text(json.dumps(sel))
    Path(str(stem) + '.times').write_bytes(times.tobytes())
    info = dict(res)
    for k in ('ok', 'impl', 'lang', 'op', 'file', 'time_s', 'baseline_rss_kb', 'peak_rss_kb',
              'delta_rss_kb', 'wall_s', 'exit'):
        info.pop(k, None)
    info['selection'] = {'first': 1, 'next': len(sel['next']), 'pct1': len(sel['pct1']),
                         'pct10': len(sel['pct10']), 'query_calls': QUERY_CALLS}
    return info, sel_path, sel


# --------------------------------------------------------------------------- statistics
def med(xs):
    """Median of the list XS (statistics.median), or None when it is empty."""
    return statistics.median(xs) if xs else None


def summarize(values):
    """Stats of VALUES with the Nones dropped: dict n, median, min, max (plus quartiles q1, q3 with
    >= 4 values), in the values' own unit; None if no value is left."""
    xs = sorted(v for v in values if v is not None)
    if not xs:
        return None
    s = {'n': len(xs), 'median': med(xs), 'min': xs[0], 'max': xs[-1]}
    if len(xs) >= 4:
        q = statistics.quantiles(xs, n=4)
        s['q1'], s['q3'] = q[0], q[2]
    return s


def summarize_file(entry, impls):
    """Per op, impl: time metrics, memory; per metric: ratios."""
    out = {}
    meas = entry['measurements']
    for op in OPS:
        for impl in impls:
            ms = [m for m in meas if m['op'] == op and m['impl'] == impl]
            if not ms:
                continue
            ok = [m for m in ms if m.get('ok')]
            d = {'runs': len(ok), 'failed': len(ms) - len(ok),
                 'errors': sorted({m.get('error', '?') for m in ms if not m.get('ok')}),
                 'skipped': any(m.get('skipped') for m in ms),
                 'peak_rss_kb': summarize([m.get('peak_rss_kb') for m in ok]),
                 'delta_rss_kb': summarize([m.get('delta_rss_kb') for m in ok]),
                 'baseline_rss_kb': summarize([m.get('baseline_rss_kb') for m in ok])}
            for metric in ('time_s', 'first_s', 'next_median_s', 'next_total_s', 'calls_per_s',
                           'open_s', 'iterate_s', 'memcpy_s', 'load_s'):
                s = summarize([m.get(metric) for m in ok])
                if s:
                    d[metric] = s
            out.setdefault(op, {})[impl] = d
    return out


def get_med(summ, op, impl, metric):
    """Median of METRIC (seconds for the *_s metrics) for OP and IMPL from summarize_file's dict
    op -> impl -> metric -> stats, or None if missing; pywellen's *_mt ops read its
    single-threaded row (pywellen 0.20.5 has no batch load)."""
    d = summ.get(op, {}).get(impl)
    if impl == 'pywellen' and op.endswith('_mt'):
        d = summ.get(op[:-3], {}).get(impl)  # pywellen has one way: a get_signal loop
    if not d or metric not in d:
        return None
    return d[metric]['median']


def get_mem(summ, op, impl, key='peak_rss_kb'):
    """Median memory KEY (peak_rss_kb, delta_rss_kb or baseline_rss_kb: KiB) for OP and IMPL from
    summarize_file's dict, or None if missing; pywellen's *_mt ops use its single-threaded row."""
    d = summ.get(op, {}).get(impl)
    if impl == 'pywellen' and op.endswith('_mt'):
        d = summ.get(op[:-3], {}).get(impl)
    if not d or not d.get(key):
        return None
    return d[key]['median']


def ratio(a, b):
    """A / B as a float (e.g. pywellen time / fstwave time), or None if either is None or B is 0."""
    if a is None or b is None or b == 0:
        return None
    return a / b


# --------------------------------------------------------------------------- main loop
def bench_file(entry, args, sel_path, sel, results, save):
    """Measure one file: warm its cache, then per op run args.runs rounds of worker children (impl
    order rotated each round), appending result dicts to entry['measurements'] and decisions to
    entry['notes'][op][impl]; pywellen *_mt ops are not run and slow pywellen loops get fewer
    runs or are skipped, as bench/README.md describes; calls save() after each op; returns None."""
    path = entry['path']
    impls = args.impls
    meas = entry['measurements']
    R = args.runs
    warm_cache(path)
    py_next = None  # pywellen median get_signal per call on this file (for estimates)
    for op in args.ops:
        planned, done, notes = {}, {i: 0 for i in impls}, {}
        for impl in impls:
            planned[impl] = R
            if impl == 'fstwave-wasm' and op not in WASM_OPS:
                planned[impl] = 0  # the WebAssembly rows: open+walk, first signal, 1 % load
                continue
            if impl == 'pywellen' and op.endswith('_mt'):
                planned[impl] = 0
                notes[impl] = 'pywellen has no batch load; its load_%s row is reused' % op[5:-3]
                continue
            if impl == 'pywellen' and op in VIEW_OPS:
                planned[impl] = 0  # no viewer API: compared with iteration in the same language
                continue
            if impl == 'pywellen' and op.startswith('load_') and py_next is not None:
                k = len(sel['pct1' if op.startswith('load_1pct') else 'pct10'])
                est = k * py_next
                if est > args.max_run_seconds:
                    planned[impl] = 0
                    notes[impl] = ('skipped: %d get_signal calls estimated at %.0f s per run '
                                   '(> %d s)' % (k, est, args.max_run_seconds))
                    meas.append({'op': op, 'impl': impl, 'ok': False, 'skipped': True,
                                 'error': notes[impl]})
                elif est > args.slow_seconds:
                    planned[impl] = min(R, args.slow_runs)
                    notes[impl] = ('%d runs: estimated %.0f s per run (%d get_signal calls)'
                                   % (planned[impl], est, k))
        for r in range(R):
            order = impls[r % len(impls):] + impls[:r % len(impls)]
            for impl in order:
                if done[impl] >= planned[impl]:
                    continue
                res = run_child(child_cmd(impl, op, path, sel_path, args), args.timeout)
                res.update({'op': op, 'impl': impl, 'round': r, 'position': order.index(impl)})
                meas.append(res)
                done[impl] += 1
                if res.get('ok'):
                    extra = ''
                    if op == 'get_signal':
                        extra = ' next median %.4f s' % res['next_median_s']
                    log('  %-14s %-13s run %d: %.4f s%s, peak %.0f MB (wall %.1f s)' % (
                        op, impl, done[impl], res['time_s'], extra, res['peak_rss_kb'] / 1024,
                        res['wall_s']))
                else:
                    log('  %-14s %-13s run %d: FAILED %s' % (op, impl, done[impl],
                                                              res.get('error')))
                # a slow child: fewer runs for this implementation and op
                if (done[impl] == 1 and planned[impl] > args.slow_runs
                        and res.get('wall_s', 0) > args.slow_seconds):
                    planned[impl] = args.slow_runs
                    notes[impl] = '%d runs: one run took %.0f s (> %d s)' % (
                        args.slow_runs, res['wall_s'], args.slow_seconds)
                if not res.get('ok') and 'timeout' in res.get('error', ''):
                    planned[impl] = done[impl]  # do not repeat a timeout
                    notes[impl] = res['error']
        if notes:
            entry.setdefault('notes', {})[op] = notes
        if op == 'get_signal':
            xs = [m['next_median_s'] for m in meas
                  if m['op'] == 'get_signal' and m['impl'] == 'pywellen' and m.get('ok')]
            py_next = med(xs)
        save()


def machine_info(args):
    """Facts for the report's Machine table: dict date_utc, cpu, cores, ram ('N GiB'), kernel,
    python/node/pywellen/compiler versions, git describe, loadavg_start, other_load; facts
    that cannot be read are '?', failed commands 'unavailable (...)'."""
    def cmd_out(cmd):
        """Stripped stdout+stderr of argv CMD (30 s timeout); 'unavailable (...)' on an error."""
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, timeout=30).stdout.strip()
        except Exception as e:  # noqa: BLE001
            return 'unavailable (%s)' % e
    cpu = '?'
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    mem = '?'
    try:
        for line in open('/proc/meminfo'):
            if line.startswith('MemTotal'):
                mem = '%.1f GiB' % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    try:
        from importlib.metadata import version
        pw = version('pywellen')
    except Exception:  # noqa: BLE001
        pw = '?'
    return {
        'date_utc': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
        'cpu': cpu, 'cores': os.cpu_count(), 'ram': mem, 'kernel': platform.release(),
        'python': platform.python_version(), 'node': cmd_out([args.node, '--version']),
        'pywellen': pw, 'compiler': cmd_out(['cc', '--version']).splitlines()[0],
        'git': cmd_out(['git', '-C', str(ROOT), 'describe', '--always', '--dirty']),
        'loadavg_start': os.getloadavg(),
        'other_load': other_load(),
    }


def other_load():
    """Processes known to compete for the CPU (the fuzzing campaign), for the report."""
    try:
        p = subprocess.run(['pgrep', '-f', 'fuzz_open'], stdout=subprocess.PIPE, text=True)
        n = len(p.stdout.split())
    except OSError:
        n = 0
    return ('%d fuzz_open processes running' % n) if n else ''


# --------------------------------------------------------------------------- reporting
def fmt_t(s):
    """Seconds S as a table string: '123 s', '1.23 s', '4.56 ms' or '7.89 µs'; '–' for None."""
    if s is None:
        return '–'
    if s >= 100:
        return '%.0f s' % s
    if s >= 1:
        return '%.2f s' % s
    if s >= 1e-3:
        return '%.3g ms' % (s * 1e3)
    return '%.3g µs' % (s * 1e6)


def fmt_r(x):
    """Ratio X as '1.23×' (< 10), '12.3×' (< 100) or '123×'; '–' for None."""
    if x is None:
        return '–'
    return '%.2f×' % x if x < 10 else '%.0f×' % x if x >= 100 else '%.1f×' % x


def fmt_mb(kb):
    """KiB KB as the report's MB string (KB / 1024; no decimals from 10 MB up, else one); '–' for
    None."""
    return '–' if kb is None else '%.0f' % (kb / 1024) if kb >= 10240 else '%.1f' % (kb / 1024)


def cell(summ, op, impl, metric, runs):
    """Time-table cell for OP/IMPL/METRIC from summarize_file's dict: 'median [min–max]' (fmt_t),
    plus '(n runs)' when n != RUNS and '+ k FAILED'; else 'skipped', 'FAILED' or '–'. pywellen's
    *_mt cells show '(= t)' from its single-threaded row (no batch load in 0.20.5)."""
    d = summ.get(op, {}).get(impl)
    if impl == 'pywellen' and op.endswith('_mt'):
        d0 = summ.get(op[:-3], {}).get(impl)
        if d0 and metric in d0:
            return '(= %s)' % fmt_t(d0[metric]['median'])
        return '–'
    if not d:
        return '–'
    if d.get('skipped'):
        return 'skipped'
    if metric not in d:
        return 'FAILED' if d['failed'] else '–'
    s = d[metric]
    txt = '%s [%s–%s]' % (fmt_t(s['median']), fmt_t(s['min']), fmt_t(s['max']))
    if s['n'] != runs:
        txt += ' (%d run%s)' % (s['n'], '' if s['n'] == 1 else 's')
    if d['failed']:
        txt += ' + %d FAILED' % d['failed']
    return txt


def write_report(results, out_dir, args):
    """Write OUT_DIR/RESULTS.md from the RESULTS dict (machine, command, files, targets, per-file
    time and memory tables, notes, checks, failures, plot); every file entry needs 'summary'
    and 'info'. ARGS is unused; returns None."""
    info = results['machine']
    runs = results['runs']
    L = []
    L.append('# fstwave benchmark results\n')
    L.append('pywellen %s vs fstwave (Python extension) vs fstwave (Node addon), each measurement '
             'in a fresh process; see `bench/README.md` for what is measured and how.\n'
             % info['pywellen'])
    L.append('## Machine\n')
    L.append('| | |\n|---|---|')
    for k, label in [('cpu', 'CPU'), ('cores', 'cores'), ('ram', 'RAM'), ('kernel', 'kernel'),
                     ('python', 'Python'), ('node', 'Node.js'), ('pywellen', 'pywellen'),
                     ('compiler', 'compiler (cc)'), ('git', 'fstwave commit'),
                     ('date_utc', 'date')]:
        L.append('| %s | %s |' % (label, info.get(k)))
    L.append('| load average at start / end | %s / %s |' % (
        ' '.join('%.2f' % x for x in info['loadavg_start']),
        ' '.join('%.2f' % x for x in results.get('loadavg_end', []))))
    if info.get('other_load'):
        L.append('\n**Warning: other CPU load during this run (%s): timings are not '
                 'representative.**' % info['other_load'])
    L.append('\n## Reproduce\n')
    L.append('```sh\n%s\n```\n' % results['command'])
    L.append('Runs per measurement: %d (fewer where a note says so), implementation order '
             'rotated every round. Cells: median [min–max] over the runs. Ratios use medians: '
             '`pw/py` = pywellen time / fstwave-Python time (above 1: fstwave faster), '
             '`pw/node` likewise for Node, `node/py` = Node time / Python time.\n' % runs)

    L.append('## Files\n')
    L.append('| file | size | shape | pack | blocks | signals (all_vars) | vars incl. aliases '
             '| time table | generator |')
    L.append('|---|---|---|---|---|---|---|---|---|')
    for e in results['files']:
        g = e.get('gen') or {}
        gen = ('%s s, %s steps, %s changes' % (g.get('seconds'), g.get('steps'), g.get('changes'))
               if g else 'corpus')
        L.append('| %s | %.1f MB (%d B) | %s | %s | %s | %s | %s | %s | %s |' % (
            e['name'], e['size'] / 1e6, e['size'], e['shape'], e.get('pack', '–'),
            e.get('blocks'), e['info'].get('vars'), e['info'].get('vars_with_aliases'),
            e['info'].get('time_table_len'), gen))
    L.append('')

    L.append('## Targets\n')
    L.extend(targets_table(results))
    L.extend(viewer_gaps(results))
    L.append('')
    L.extend(wasm_section(results, runs))

    for e in results['files']:
        summ = e['summary']
        L.append('## %s (%.1f MB, %s)\n' % (e['name'], e['size'] / 1e6, e['shape']))
        L.append('Path `%s`; query signal `%s` (%s changes); selection: %s.\n' % (
            e['path'], e['info'].get('query_var_name'), e['info'].get('query_var_changes'),
            ', '.join('%s %s' % (k, v) for k, v in e['info']['selection'].items())))
        L.append('| operation | pywellen | fstwave (Python) | fstwave (Node) | pw/py | pw/node '
                 '| node/py |')
        L.append('|---|---|---|---|---|---|---|')
        for op, metric, label in METRICS:
            if op not in summ:
                continue
            pw = get_med(summ, op, 'pywellen', metric)
            py = get_med(summ, op, 'fstwave-py', metric)
            nd = get_med(summ, op, 'fstwave-node', metric)
            L.append('| %s | %s | %s | %s | %s | %s | %s |' % (
                label, cell(summ, op, 'pywellen', metric, runs),
                cell(summ, op, 'fstwave-py', metric, runs),
                cell(summ, op, 'fstwave-node', metric, runs),
                fmt_r(ratio(pw, py)), fmt_r(ratio(pw, nd)), fmt_r(ratio(nd, py))))
        L.extend(viewer_table(summ, runs))
        L.extend(floor_table(e, runs))
        if 'query' in summ:
            cps = ['%s %.2g/s' % (IMPL_TITLE[i], summ['query'][i]['calls_per_s']['median'])
                   for i in MAIN_IMPLS if i in summ['query'] and 'calls_per_s' in summ['query'][i]]
            L.append('\nQuery calls per second (pywellen: `value_at_time`, fstwave: '
                     '`query_signal` / `querySignal`): %s.' % '; '.join(cps))
        L.append('\nPeak RSS in MB, median over runs: raw peak (peak − baseline after import):\n')
        L.append('| operation | pywellen | fstwave (Python) | fstwave (Node) | py/pw peak | '
                 'py/pw Δ | node/pw Δ |')
        L.append('|---|---|---|---|---|---|---|')
        for op in OPS:
            if op not in summ:
                continue
            row = []
            for impl in MAIN_IMPLS:
                p, d = get_mem(summ, op, impl), get_mem(summ, op, impl, 'delta_rss_kb')
                row.append('–' if p is None else '%s (%s)' % (fmt_mb(p), fmt_mb(d)))
            pwp, pwd = get_mem(summ, op, 'pywellen'), get_mem(summ, op, 'pywellen', 'delta_rss_kb')
            L.append('| %s | %s | %s | %s | %s | %s | %s |' % (
                op, *row, fmt_r(ratio(get_mem(summ, op, 'fstwave-py'), pwp)),
                fmt_r(ratio(get_mem(summ, op, 'fstwave-py', 'delta_rss_kb'), pwd)),
                fmt_r(ratio(get_mem(summ, op, 'fstwave-node', 'delta_rss_kb'), pwd))))
        notes = e.get('notes') or {}
        checks = e.get('checks') or []
        if notes or checks:
            L.append('')
        for op, d in notes.items():
            for impl, n in d.items():
                L.append('- %s, %s: %s' % (op, IMPL_TITLE[impl], n))
        for c in checks:
            L.append('- check: %s' % c)
        errs = []
        for op, d in summ.items():
            for impl, s in d.items():
                for err in s.get('errors') or []:
                    if not s.get('skipped'):
                        errs.append('%s, %s: %s' % (op, IMPL_TITLE[impl], err))
        for err in errs:
            L.append('- **failure** %s' % err)
        L.append('')
    if results.get('plot'):
        L.append('## Plot\n\n![time against file size](%s)\n' % results['plot'])
    (Path(out_dir) / 'RESULTS.md').write_text('\n'.join(L) + '\n')


# ---- the floor of each load (bench/floor.c): decompressing the same chains, nothing else

FLOOR_ROWS = [
    ('get_signal_first', 'get_signal', 'first_s', 'get_signal: first call'),
    ('get_signal_next_median', 'get_signal', 'next_median_s', 'get_signal: next 100, median per call'),
    ('get_signal_next_total', 'get_signal', 'next_total_s', 'get_signal: next 100, total'),
    ('load_1pct', 'load_1pct', 'time_s', 'load 1 % (load_signals, one thread)'),
    ('load_10pct', 'load_10pct', 'time_s', 'load 10 % (load_signals, one thread)'),
]


def measure_floor(entry, args, sel_path):
    """Run the floor tool (args.floor_bin, args.runs runs inside it) on ENTRY's file and
    selection SEL_PATH; returns its JSON dict, or {'error': ...} when it is missing or fails."""
    if not Path(args.floor_bin).exists():
        return {'error': 'no floor tool at %s (make bench-floor)' % args.floor_bin}
    cmd = [args.floor_bin, '--runs', str(args.runs), entry['path'], str(sel_path)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {'error': 'floor tool timed out'}
    if p.returncode != 0 or not p.stdout.strip():
        return {'error': 'floor tool failed: %s' % (p.stderr.strip() or p.returncode)}
    res = json.loads(p.stdout.strip().splitlines()[-1])
    log('  floor (%s chains): %s' % (res.get('pack'), ', '.join(
        '%s %s' % (k, fmt_t(v)) for k, v in res['ops'].items())))
    return res


def floor_table(entry, runs):
    """The floor rows of ENTRY's report: each load's median time as a multiple of its floor."""
    fl = entry.get('floor')
    if not fl:
        return []
    if 'error' in fl:
        return ['\nFloor: %s.' % fl['error']]
    summ = entry['summary']
    L = ['\nFloor of each load: the time to decompress the same chains with the same library and '
         'nothing else (`bench/floor.c`: chains of pack type `%s`, zlib ones through %s; median '
         'of %d runs; not counted: frames, chain tables, reads, decoding). Each load as a '
         'multiple of its floor (– when the load unpacks no chain, or a floor below 10 µs: such '
         'chains are stored unpacked):\n'
         % (fl.get('pack'), fl.get('zlib_lib'), fl.get('runs', runs)),
         '| load | floor | chains unpacked | fstwave (Python) | × floor | fstwave (Node) | × floor |',
         '|---|---|---|---|---|---|---|']
    for key, op, metric, label in FLOOR_ROWS:
        if op not in summ or key not in fl['ops']:
            continue
        f, n = fl['ops'][key], fl['chains'][key]
        py = get_med(summ, op, 'fstwave-py', metric)
        nd = get_med(summ, op, 'fstwave-node', metric)
        # below 10 µs the floor is the clock's own cost (a median call may unpack nothing)
        mult = (lambda t: fmt_r(ratio(t, f)) if n and f >= 1e-5 and t is not None else '–')
        L.append('| %s | %s | %d | %s | %s | %s | %s |' % (
            label, fmt_t(f), n, '–' if py is None else fmt_t(py), mult(py),
            '–' if nd is None else fmt_t(nd), mult(nd)))
    return L


VIEW_ROWS = [
    ('view_screen', 'time_s', 'one screen: summary(start, end, 2,000) of 100 signals'),
    ('view_screen', 'iterate_s', 'iterating all changes of the same 100 signals'),
    ('view_window', 'time_s', 'window copy-out: changes_between(start, end) of the query signal'),
    ('view_window', 'memcpy_s', 'allocation + memcpy of the same bytes'),
    ('view_window', 'iterate_s', 'iterating all_changes() of the query signal'),
]


def view_ratio(summ, impl, num, den):
    """Median time NUM / median time DEN (pairs (op, metric)) for IMPL, or None."""
    return ratio(get_med(summ, num[0], impl, num[1]), get_med(summ, den[0], impl, den[1]))


def viewer_table(summ, runs):
    """Markdown lines of one file's viewer API table (fstwave only, issue 11): the summaries of
    one screen and the window copy-out against iterating the same changes in the same language
    and against a memcpy; [] when the file has no viewer measurements."""
    if not any(op in summ for op in VIEW_OPS):
        return []
    L = ['', 'Viewer API (fstwave only; each against the same work in the same language):\n',
         '| viewer operation | fstwave (Python) | fstwave (Node) |', '|---|---|---|']
    for op, metric, label in VIEW_ROWS:
        if op in summ:
            L.append('| %s | %s | %s |' % (label, cell(summ, op, 'fstwave-py', metric, runs),
                                           cell(summ, op, 'fstwave-node', metric, runs)))
    for label, num, den in (
            ('iterating / one screen (target ≥ 100×)', ('view_screen', 'iterate_s'),
             ('view_screen', 'time_s')),
            ('iterating / window copy-out (target ≥ 20×)', ('view_window', 'iterate_s'),
             ('view_window', 'time_s')),
            ('window copy-out / memcpy (target ≤ 3×)', ('view_window', 'time_s'),
             ('view_window', 'memcpy_s'))):
        L.append('| %s | %s | %s |' % (label, fmt_r(view_ratio(summ, 'fstwave-py', num, den)),
                                       fmt_r(view_ratio(summ, 'fstwave-node', num, den))))
    return L


def viewer_targets(files):
    """Target rows (target, measured, ok-or-None) of the viewer API (issue 11), the worst file
    per language: one screen on the > 1 GB files, the window copy-out on the files whose query
    signal has at least LONG_SIGNAL changes."""
    big = [e for e in files if e['size'] > GB]
    long_ = [e for e in files if (e['info'].get('query_var_changes') or 0) >= LONG_SIGNAL]
    rows = []
    for where, label, num, den, goal, higher in (
            (big, '> 1 GB: one screen of 100 signals × 2,000 slices ≥ 100× faster than '
             'iterating their changes', ('view_screen', 'iterate_s'), ('view_screen', 'time_s'),
             100, True),
            (long_, 'signal with ≥ 10 M changes: window copy-out ≥ 20× faster than iterating '
             'all_changes', ('view_window', 'iterate_s'), ('view_window', 'time_s'), 20, True),
            (long_, 'signal with ≥ 10 M changes: window copy-out within 3× of an allocation + '
             'memcpy of the same bytes', ('view_window', 'time_s'), ('view_window', 'memcpy_s'),
             3, False)):
        for impl in ('fstwave-py', 'fstwave-node'):
            vals = []
            for e in where:
                r = view_ratio(e['summary'], impl, num, den)
                if r is not None:
                    ms = get_med(e['summary'], num[0], impl, 'time_s') * 1000
                    vals.append((r, e['name'], ms))
            w = (min(vals) if higher else max(vals)) if vals else None
            rows.append(('%s (%s)' % (label, IMPL_TITLE[impl]),
                         '%s %s on %s (%.1f ms)' % ('lowest' if higher else 'highest',
                                                   fmt_r(w[0]), w[1], w[2])
                         if w else 'no such file',
                         None if not w else (w[0] >= goal if higher else w[0] <= goal)))
    return rows


def _med_of(entry, op, impl, key):
    """Median of KEY over ENTRY's successful OP/IMPL measurements, or None."""
    return med([m[key] for m in entry['measurements']
                if m['op'] == op and m['impl'] == impl and m.get('ok') and m.get(key) is not None])


def viewer_gaps(results):
    """Markdown lines that say, for each viewer target not met, what stands in its way, from
    the measured counts: the changes per signal against the slices of a screen, and the cost
    per change of iterating against the copy-out's speed (that of an allocation + memcpy)."""
    files = results['files']
    out = []
    for label, num, den, goal, higher, ok_files in (
            ('screen', ('view_screen', 'iterate_s'), ('view_screen', 'time_s'), 100, True,
             [e for e in files if e['size'] > GB]),
            ('copy', ('view_window', 'iterate_s'), ('view_window', 'time_s'), 20, True,
             [e for e in files if (e['info'].get('query_var_changes') or 0) >= LONG_SIGNAL])):
        for e in ok_files:
            for impl in ('fstwave-py', 'fstwave-node'):
                r = view_ratio(e['summary'], impl, num, den)
                if r is None or r >= goal:
                    continue
                if label == 'screen':
                    ch = _med_of(e, 'view_screen', impl, 'changes')
                    it = get_med(e['summary'], 'view_screen', impl, 'iterate_s')
                    sm = get_med(e['summary'], 'view_screen', impl, 'time_s')
                    if not ch:
                        continue
                    per_sig = ch / SCREEN_SIGNALS
                    out.append('- One screen on %s (%s) is %s faster than iterating, not %d×: its '
                               '%d signals have %.0f changes each on average, against 2,000 slices, '
                               'so iterating all of them takes only %s (%.0f ns per change) while the '
                               'summary makes one lookup per slice (%.0f ns per slice). The target '
                               'needs signals with far more changes than slices, as on the narrow '
                               'files.' % (e['name'], IMPL_TITLE[impl], fmt_r(r), goal, SCREEN_SIGNALS,
                                           per_sig, fmt_t(it), it / ch * 1e9,
                                           sm / (SCREEN_SIGNALS * 2000) * 1e9))
                else:
                    ch = _med_of(e, 'view_window', impl, 'window_changes')
                    nb = _med_of(e, 'view_window', impl, 'bytes')
                    it = get_med(e['summary'], 'view_window', impl, 'iterate_s')
                    cp = get_med(e['summary'], 'view_window', impl, 'time_s')
                    mc = get_med(e['summary'], 'view_window', impl, 'memcpy_s')
                    if not ch or not nb or not mc:
                        continue
                    out.append('- The window copy-out on %s (%s) is %s faster than iterating, not '
                               '%d×: iterating costs %.0f ns per change, and the copy-out already '
                               'runs at the speed of an allocation + memcpy of the same bytes '
                               '(%s of it: %.0f bytes per change at %.1f GB/s into new memory); '
                               '%d× would need %.1f GB/s.' % (
                                   e['name'], IMPL_TITLE[impl], fmt_r(r), goal, it / ch * 1e9,
                                   fmt_r(cp / mc), nb / ch, nb / cp / 1e9, goal,
                                   nb / (it / goal) / 1e9))
    if out:
        out = ['', 'Why the viewer targets not met are out of reach (from the measured counts):', ''] + out
    return out


def targets_table(results):
    """Markdown lines (list of str) of the Targets table: a header, then one '| target | measured |
    verdict |' row per target of bench/README.md, worst case over RESULTS['files']."""
    files = results['files']
    big = [e for e in files if e['size'] > GB]
    rows = []

    def verdict(ok):
        """'n/a' for None, '**met**' if OK is true, '**not met**' if it is false."""
        return 'n/a' if ok is None else ('**met**' if ok else '**not met**')

    # 1. open+walk >= 2x faster than pywellen on every file
    worst = {}
    for impl in ('fstwave-py', 'fstwave-node'):
        vals = []
        for e in files:
            r = ratio(get_med(e['summary'], 'open_walk', 'pywellen', 'time_s'),
                      get_med(e['summary'], 'open_walk', impl, 'time_s'))
            if r is not None:
                vals.append((r, e['name']))
        worst[impl] = min(vals) if vals else None
    for impl in ('fstwave-py', 'fstwave-node'):
        w = worst[impl]
        rows.append(('open+walk ≥ 2× faster than pywellen on every file (%s)' % IMPL_TITLE[impl],
                     'lowest pw/fstwave %s on %s' % (fmt_r(w[0]), w[1]) if w else 'no data',
                     verdict(None if not w else w[0] >= 2)))
    # 2. > 1 GB: first get_signal no slower; next 100 >= 20x faster (median per call)
    for impl in ('fstwave-py', 'fstwave-node'):
        vals1, vals2 = [], []
        for e in big:
            s = e['summary']
            r1 = ratio(get_med(s, 'get_signal', 'pywellen', 'first_s'),
                       get_med(s, 'get_signal', impl, 'first_s'))
            r2 = ratio(get_med(s, 'get_signal', 'pywellen', 'next_median_s'),
                       get_med(s, 'get_signal', impl, 'next_median_s'))
            if r1 is not None:
                vals1.append((r1, e['name']))
            if r2 is not None:
                vals2.append((r2, e['name']))
        w1, w2 = (min(vals1) if vals1 else None), (min(vals2) if vals2 else None)
        rows.append(('> 1 GB: first get_signal no slower than pywellen (%s)' % IMPL_TITLE[impl],
                     'lowest pw/fstwave %s on %s' % (fmt_r(w1[0]), w1[1]) if w1 else 'no > 1 GB file',
                     verdict(None if not w1 else w1[0] >= 1)))
        rows.append(('> 1 GB: next 100 get_signal ≥ 20× faster, median per call (%s)'
                     % IMPL_TITLE[impl],
                     'lowest pw/fstwave %s on %s' % (fmt_r(w2[0]), w2[1]) if w2 else 'no > 1 GB file',
                     verdict(None if not w2 else w2[0] >= 20)))
    # 3. load 1 % on > 1 GB >= 3x faster than pywellen's get_signal loop
    for impl in ('fstwave-py', 'fstwave-node'):
        for op in ('load_1pct', 'load_1pct_mt'):
            vals = []
            for e in big:
                s = e['summary']
                r = ratio(get_med(s, 'load_1pct', 'pywellen', 'time_s'),
                          get_med(s, op, impl, 'time_s'))
                if r is not None:
                    vals.append((r, e['name']))
            w = min(vals) if vals else None
            rows.append(('> 1 GB: %s ≥ 3× faster than pywellen (%s)' % (
                'load_signals 1 %' if op == 'load_1pct' else 'multithreaded load 1 %',
                IMPL_TITLE[impl]),
                'lowest pw/fstwave %s on %s' % (fmt_r(w[0]), w[1]) if w else 'no data',
                verdict(None if not w else w[0] >= 3)))
    # 4. peak memory <= pywellen's for every operation (1 MiB allowance for ru_maxrss noise)
    for impl, key, label in (('fstwave-py', 'peak_rss_kb', 'raw peak RSS'),
                             ('fstwave-node', 'delta_rss_kb', 'peak − baseline')):
        worst_m, n = None, 0
        for e in files:
            for op in OPS:
                a = get_mem(e['summary'], op, impl, key)
                b = get_mem(e['summary'], op, 'pywellen', key)
                if a is None or b is None:
                    continue
                n += 1
                excess = a - b
                if worst_m is None or excess > worst_m[0]:
                    worst_m = (excess, e['name'], op, a, b)
        if worst_m:
            txt = 'worst: %s %s, %s vs pywellen %s MB (%s)' % (
                worst_m[1], worst_m[2], fmt_mb(worst_m[3]), fmt_mb(worst_m[4]), label)
        rows.append(('peak memory ≤ pywellen for every operation (%s, %s; ≤ +1 MiB counts as '
                     'equal)' % (IMPL_TITLE[impl], label),
                     txt if worst_m else 'no data',
                     verdict(None if not worst_m else worst_m[0] <= 1024)))
    # 5. Node within 1.25x of Python for the same operations
    worst_n = None
    for e in files:
        for op, metric, label in METRICS:
            if metric == 'next_total_s':
                continue
            r = ratio(get_med(e['summary'], op, 'fstwave-node', metric),
                      get_med(e['summary'], op, 'fstwave-py', metric))
            if r is not None and (worst_n is None or r > worst_n[0]):
                worst_n = (r, e['name'], label)
    rows.append(('Node within 1.25× of Python for the same operations',
                 'worst node/py %s: %s, %s' % (fmt_r(worst_n[0]), worst_n[1], worst_n[2])
                 if worst_n else 'no data',
                 verdict(None if not worst_n else worst_n[0] <= 1.25)))
    rows += [(t, m, verdict(ok)) for t, m, ok in viewer_targets(files)]
    # 6. WebAssembly within 2x of the native addon (single-threaded) on the > 1 GB files
    worst_w = None
    for e in big:
        for op, metric, label in WASM_METRICS:
            r = ratio(get_med(e['summary'], op, 'fstwave-wasm', metric),
                      get_med(e['summary'], op, 'fstwave-node', metric))
            if r is not None and (worst_w is None or r > worst_w[0]):
                worst_w = (r, e['name'], label)
    rows.append(('> 1 GB: WebAssembly within 2× of the native addon, one thread (open+walk, '
                 'first get_signal, load 1 %)',
                 'worst wasm/native %s: %s, %s' % (fmt_r(worst_w[0]), worst_w[1], worst_w[2])
                 if worst_w else 'not measured',
                 verdict(None if not worst_w else worst_w[0] <= 2)))
    out = ['| target | measured | verdict |', '|---|---|---|']
    out += ['| %s | %s | %s |' % r for r in rows]
    return out


WASM_METRICS = [('open_walk', 'time_s', 'open+walk'), ('get_signal', 'first_s', 'first get_signal'),
                ('load_1pct', 'time_s', 'load 1 % (one thread)')]


def wasm_section(results, runs):
    """The WebAssembly rows (issue 15) as markdown lines: per file, open+walk, first
    get_signal and load 1 % (one thread) of pywellen, the Node package over the native addon
    and over its WebAssembly backend, with wasm/native and pywellen/wasm; [] when no file
    has a wasm measurement."""
    files = [e for e in results['files'] if 'fstwave-wasm' in e['summary'].get('open_walk', {})
             or 'fstwave-wasm' in e['summary'].get('get_signal', {})]
    if not files:
        return []
    L = ['## WebAssembly\n',
         'The Node package over its WebAssembly backend (`FSTWAVE_BACKEND=wasm`: the same JS '
         'classes over the core compiled with emscripten, single-threaded, reading through a '
         'callback) against the same package over the native addon and against pywellen, in '
         'the same run (each in a fresh process, as above). `wasm/native` above 1: WebAssembly '
         'slower; `pw/wasm` above 1: WebAssembly faster than pywellen. Memory: peak − baseline '
         'in MB.\n',
         '| file | operation | pywellen | fstwave (Node) | fstwave (WebAssembly) | wasm/native '
         '| pw/wasm | Δ MB native / wasm |',
         '|---|---|---|---|---|---|---|---|']
    for e in files:
        summ = e['summary']
        for op, metric, label in WASM_METRICS:
            if op not in summ:
                continue
            pw = get_med(summ, op, 'pywellen', metric)
            nd = get_med(summ, op, 'fstwave-node', metric)
            wa = get_med(summ, op, 'fstwave-wasm', metric)
            dn = get_mem(summ, op, 'fstwave-node', 'delta_rss_kb')
            dw = get_mem(summ, op, 'fstwave-wasm', 'delta_rss_kb')
            L.append('| %s | %s | %s | %s | %s | %s | %s | %s / %s |' % (
                e['name'], label, cell(summ, op, 'pywellen', metric, runs),
                cell(summ, op, 'fstwave-node', metric, runs),
                cell(summ, op, 'fstwave-wasm', metric, runs),
                fmt_r(ratio(wa, nd)), fmt_r(ratio(pw, wa)),
                '–' if dn is None else fmt_mb(dn), '–' if dw is None else fmt_mb(dw)))
    L.append('')
    return L


def make_plot(results, out_dir):
    """Write OUT_DIR/plot.png: median time (s) against file size (MB), log-log, per impl for the
    wide-lz4 (solid) and narrow-zlib (dashed) files; returns 'plot.png', or None when
    matplotlib is missing (a log line says so) or nothing was measured."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        log('run.py: matplotlib missing: no plot (`make bench` installs it)')
        return None
    panels = [('open_walk', 'time_s', 'open + walk'), ('open_body', 'time_s', 'open with body'),
              ('get_signal', 'first_s', 'first get_signal'),
              ('get_signal', 'next_median_s', 'next get_signal (per call)'),
              ('load_1pct', 'time_s', 'load 1 % of the vars')]
    series = [('wide-lz4-', '-', 'o'), ('narrow-zlib-', '--', 's')]
    colors = {'pywellen': 'tab:red', 'fstwave-py': 'tab:blue', 'fstwave-node': 'tab:green'}
    fig, grid = plt.subplots(2, 3, figsize=(13, 8.5))
    axes = list(grid.flat)
    drew = False
    for ax, (op, metric, title) in zip(axes, panels):
        for prefix, ls, mk in series:
            files = sorted((e for e in results['files'] if e['name'].startswith(prefix)),
                           key=lambda e: e['size'])
            if not files:
                continue
            for impl in MAIN_IMPLS:
                xs, ys = [], []
                for e in files:
                    y = get_med(e['summary'], op, impl, metric)
                    if y:
                        xs.append(e['size'] / 1e6)
                        ys.append(y)
                if xs:
                    drew = True
                    ax.plot(xs, ys, ls, marker=mk, color=colors[impl],
                            label='%s, %s' % (IMPL_TITLE[impl], prefix.rstrip('-')))
        if ax.lines:
            ax.set_xscale('log')
            ax.set_yscale('log')
        else:
            ax.text(0.5, 0.5, 'not measured', ha='center', va='center', transform=ax.transAxes)
        ax.set_title(title)
        ax.set_xlabel('file size (MB)')
        ax.grid(True, which='both', alpha=0.3)
    axes[0].set_ylabel('seconds (median)')
    axes[3].set_ylabel('seconds (median)')
    if not drew:
        plt.close(fig)
        return None
    handles, labels = [], []
    for ax in axes[:len(panels)]:
        h, lab = ax.get_legend_handles_labels()
        for hh, ll in zip(h, lab):
            if ll not in labels:
                handles.append(hh)
                labels.append(ll)
    legend_ax = axes[-1]
    legend_ax.axis('off')
    legend_ax.legend(handles, labels, loc='center', fontsize=9,
                     title='median of the runs; log-log')
    fig.suptitle('fstwave vs pywellen 0.20.5: time against file size')
    fig.tight_layout()
    path = Path(out_dir) / 'plot.png'
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def cross_checks(entry):
    """The same vars and the same data in every implementation."""
    out = []
    meas = [m for m in entry['measurements'] if m.get('ok')]
    for op, key in (('open_walk', 'names_digest'), ('open_walk', 'vars'),
                    ('open_body', 'time_table_len'), ('get_signal', 'changes'),
                    ('load_1pct', 'changes'), ('load_1pct_mt', 'changes'),
                    ('load_10pct', 'changes'), ('load_10pct_mt', 'changes'),
                    ('query', 'signal_changes')):
        vals = {}
        for m in meas:
            if m['op'] == op and key in m:
                vals.setdefault(m['impl'], set()).add(m[key])
        if op.startswith('load_') and op.endswith('_mt'):
            base = [m for m in meas if m['op'] == op[:-3] and m['impl'] == 'pywellen' and key in m]
            for m in base:
                vals.setdefault('pywellen', set()).add(m[key])
        allv = set().union(*vals.values()) if vals else set()
        if len(allv) > 1:
            out.append('%s %s differs between implementations: %s' % (
                op, key, {k: sorted(v) for k, v in vals.items()}))
        elif allv and len(vals) > 1:
            entry.setdefault('checked', []).append('%s %s equal in %s' % (
                op, key, ', '.join(sorted(vals))))
    return out


def main():
    """Command line entry: parse options, generate or find the files, measure each (bench_file),
    write results.json, RESULTS.md and plot.png into --out; returns 0 (also --generate-only).
    Raises SystemExit for an unknown file name, a failed generation or an unreadable file."""
    ap = argparse.ArgumentParser(description='fstwave benchmark (see bench/README.md)')
    ap.add_argument('--quick', action='store_true',
                    help='10 MB generated file + the 3 largest corpus files, 3 runs')
    ap.add_argument('--runs', type=int, help='runs per measurement (default 5, quick 3)')
    ap.add_argument('--files', nargs='+',
                    help='generated names (%s), corpus (its 3 largest .fst) or .fst paths'
                    % ', '.join(FILES))
    ap.add_argument('--ops', nargs='+', choices=OPS, help='operations (default all)')
    ap.add_argument('--impls', nargs='+', choices=IMPLS, default=IMPLS)
    ap.add_argument('--out', help='output folder (default bench/, quick: build/bench/quick)')
    ap.add_argument('--gen-dir', default=str(ROOT / 'build' / 'bench' / 'files'))
    ap.add_argument('--gen-bin', default=str(ROOT / 'build' / 'bench' / 'gen_fst'))
    ap.add_argument('--work-dir', default=str(ROOT / 'build' / 'bench' / 'work'))
    ap.add_argument('--floor-bin', default=str(ROOT / 'build' / 'bench' / 'floor'),
                    help='the floor tool (bench/floor.c, make bench-floor); missing: no floor rows')
    ap.add_argument('--corpus', default=os.environ.get('CORPUS', str(ROOT.parent / 'shared' / 'fst-corpus')))
    ap.add_argument('--timeout', type=int, help='seconds per child (default 3600, quick 300)')
    ap.add_argument('--slow-seconds', type=float, default=60,
                    help='a measurement slower than this gets only --slow-runs runs')
    ap.add_argument('--slow-runs', type=int, default=2)
    ap.add_argument('--max-run-seconds', type=float,
                    help='skip a pywellen get_signal loop estimated slower than this per run '
                    '(default 600, quick 20)')
    ap.add_argument('--seed', type=int, default=1, help='seed of the var and time selection')
    ap.add_argument('--python', default=sys.executable)
    ap.add_argument('--node', default='node')
    ap.add_argument('--generate-only', action='store_true',
                    help='write the missing generated files and stop')
    args = ap.parse_args()
    args.runs = args.runs or (3 if args.quick else 5)
    args.timeout = args.timeout or (300 if args.quick else 3600)
    args.max_run_seconds = args.max_run_seconds or (20 if args.quick else 600)
    args.ops = args.ops or OPS
    args.impls = [i for i in IMPLS if i in args.impls]
    names = args.files or (QUICK_FILES if args.quick else DEFAULT_FILES)
    out_dir = Path(args.out or (ROOT / 'build' / 'bench' / 'quick' if args.quick else BENCH))
    out_dir.mkdir(parents=True, exist_ok=True)
    Path(args.work_dir).mkdir(parents=True, exist_ok=True)

    entries = []
    for name in names:
        if name in FILES:
            path, gen = generate(name, args.gen_dir, args.gen_bin)
            entries.append({'name': name, 'path': str(path), 'shape': gen.get('shape'),
                            'pack': gen.get('pack'), 'gen': gen})
        elif name == 'corpus':
            for p in corpus_files(args.corpus):
                entries.append({'name': str(p.relative_to(args.corpus)), 'path': str(p),
                                'shape': 'corpus'})
        elif name.endswith('.fst') and Path(name).exists():
            entries.append({'name': Path(name).name, 'path': str(Path(name).resolve()),
                            'shape': 'file'})
        else:
            raise SystemExit('run.py: unknown file %r (names: %s, corpus, or a .fst path)'
                             % (name, ', '.join(FILES)))
    if args.generate_only:
        return 0
    entries.sort(key=lambda e: os.path.getsize(e['path']))

    try:
        rel_out = os.path.relpath(out_dir, ROOT)
    except ValueError:
        rel_out = str(out_dir)
    results = {
        'command': 'cd %s && %s' % (ROOT, ' '.join(shlex.quote(a) for a in
                                                   [os.path.relpath(args.python, ROOT)
                                                    if os.path.isabs(args.python) else args.python,
                                                    'bench/run.py'] + sys.argv[1:])),
        'machine': machine_info(args), 'runs': args.runs, 'impls': args.impls,
        'ops': args.ops, 'files': [], 'options': {
            k: getattr(args, k) for k in ('quick', 'runs', 'timeout', 'slow_seconds', 'slow_runs',
                                          'max_run_seconds', 'seed')},
        'out': rel_out,
    }
    if results['machine']['other_load']:
        log('run.py: WARNING: %s: timings will not be representative'
            % results['machine']['other_load'])

    def save():
        """Set loadavg_end, re-summarize every file and write OUT_DIR/results.json."""
        results['loadavg_end'] = os.getloadavg()
        for e in results['files']:
            e['summary'] = summarize_file(e, args.impls)
        (out_dir / 'results.json').write_text(json.dumps(results, indent=1) + '\n')

    t_start = time.monotonic()
    for e in entries:
        e['size'] = os.path.getsize(e['path'])
        e['blocks'] = count_blocks(e['path'])
        log('== %s (%.1f MB, %s blocks)' % (e['name'], e['size'] / 1e6, e['blocks']))
        e['info'], sel_path, sel = file_info(e['path'], args, args.work_dir)
        e['measurements'] = []
        results['files'].append(e)
        bench_file(e, args, sel_path, sel, results, save)
        e['floor'] = measure_floor(e, args, sel_path)
        e['checks'] = cross_checks(e)
        for c in e['checks']:
            log('  CHECK FAILED: ' + c)
        save()
    results['elapsed_s'] = round(time.monotonic() - t_start, 1)
    results['plot'] = make_plot(results, out_dir)
    save()
    write_report(results, out_dir, args)
    log('run.py: wrote %s/{RESULTS.md,results.json%s} in %.0f s' % (
        out_dir, ',plot.png' if results['plot'] else '', results['elapsed_s']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
