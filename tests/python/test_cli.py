"""Tests of the command-line tool ``python -m fstwave`` (info, tree, dump).

The dump format is specified in docs/dump-format.md; the values in a dump are checked
against what the Python API reports for the same file (not against hand-written values).
The exact text of ``info``, ``tree`` and the dump's scope records of a few nested files
is compared with golden files (tests/golden), which are checked against pywellen's
hierarchy (test_golden_agrees_with_pywellen).
"""
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import fstwave
from fstwave import cli, dumpformat

REPO_ROOT = Path(__file__).resolve().parents[2]
from conftest import CORPUS
CORPUS_FILES = sorted(CORPUS.rglob('*.fst'))
CORPUS_IDS = [p.relative_to(CORPUS).as_posix() for p in CORPUS_FILES]

# The subprocess must run the same fstwave package as this test process.
_PKG_PARENT = str(Path(fstwave.__file__).resolve().parent.parent)
ENV = dict(os.environ)
ENV['PYTHONPATH'] = os.pathsep.join(
    [_PKG_PARENT] + [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p])
ENV.pop('PYTHONWARNINGS', None)

TIMEOUT = 600


def run_cli(*args, check_rc=None):
    proc = subprocess.run([sys.executable, '-m', 'fstwave', *map(str, args)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                          timeout=TIMEOUT)
    if check_rc is not None:
        assert proc.returncode == check_rc, (
            f'exit code {proc.returncode}, stderr:\n{proc.stderr.decode(errors="replace")}')
    return proc


def corpus(rel):
    p = CORPUS / rel
    assert p.is_file(), f'corpus file missing: {p}'
    return p


# ---------------------------------------------------------------------------
# An independent reading of docs/dump-format.md


def esc(s):
    out = []
    for ch in s:
        c = ord(ch)
        if ch in '"\\':
            out.append('\\' + ch)
        elif 0x20 <= c <= 0x7e:
            out.append(ch)
        else:
            out.append('\\u{' + format(c, 'x') + '}')
    return ''.join(out)


def q(s):
    return '-' if s is None else '"' + esc(s) + '"'


def token(var, value):
    if value is None:
        return '-'
    if isinstance(value, int):
        return 'b:' + format(value, 'x')
    if isinstance(value, float):
        return 'r:' + struct.pack('>d', value).hex()
    assert isinstance(value, str)
    if var.is_string():
        return 's:"' + esc(value) + '"'
    if not (var.is_bit_vector() or var.is_real()) and value == '':
        return 'e'
    return 'l:' + esc(value)


def scope_tree(h):
    """(depth, scope) of every scope, depth-first pre-order (top scopes at depth 0): the
    format page's rule, by recursion (independent of dumpformat.walk_scopes)."""
    out = []

    def visit(scope, depth):
        out.append((depth, scope))
        for child in scope.scopes(h):
            visit(child, depth + 1)

    for top in h.top_scopes():
        visit(top, 0)
    return out


FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def fields(line):
    """The key=value fields of a record line, values as written."""
    return dict(FIELD.findall(line))


def expected_var_fields(h, v):
    idx = v.index()
    enum = v.enum_type(h)
    b = lambda x: '1' if x else '0'  # noqa: E731
    n = lambda x: '-' if x is None else str(x)  # noqa: E731
    d = {
        'name': q(v.name(h)), 'full_name': q(v.full_name(h)),
        'var_type': v.var_type(), 'direction': v.direction(),
        'bitwidth': n(v.bitwidth()), 'length': n(v.length()),
        'is_real': b(v.is_real()), 'is_string': b(v.is_string()),
        'is_bit_vector': b(v.is_bit_vector()), 'is_1bit': b(v.is_1bit()),
        'index': '-' if idx is None else f'{idx.msb()}:{idx.lsb()}',
        'signal_ref': str(v.signal_ref()),
        'vhdl_type_name': q(v.vhdl_type_name(h)),
        'enum_type': '-' if enum is None else q(enum[0]),
    }
    if enum is not None:
        d['enum_pairs'] = str(len(enum[1]))
    return d


def parse_dump(text):
    """Split a dump into its parts (also checks the overall record structure)."""
    assert text.endswith('\n') and '\r' not in text
    lines = text[:-1].split('\n')
    assert all(line and not line.endswith(' ') for line in lines)
    assert lines[0] == 'fstwave-dump 1'
    d = {'header': lines[1:6], 'times': [], 'scopes': [], 'vars': [], 'signals': []}
    i = 6
    m = re.fullmatch(r'time_table count=(\d+)', lines[i])
    assert m, lines[i]
    count = int(m.group(1))
    for k in range(count):
        m = re.fullmatch(r't (\d+)', lines[i + 1 + k])
        assert m, lines[i + 1 + k]
        d['times'].append(int(m.group(1)))
    i += 1 + count
    section = 'hier'
    sig = None
    while not lines[i].startswith('end '):
        line = lines[i]
        kw = line.split(' ', 1)[0]
        if kw == 'scope':
            assert section == 'hier'
            d['scopes'].append(line)
        elif kw == 'var':
            assert section in ('hier', 'top')
            d['vars'].append(line)
        elif kw == 'enum_pair':
            assert d['vars'] and section in ('hier', 'top')
        elif kw == 'top_vars':
            assert section == 'hier'
            section = 'top'
        elif kw == 'signal':
            section = 'signals'
            f = fields(line)
            sig = (int(f['ref']), f['full_name'], int(f['changes']), [])
            d['signals'].append(sig)
        elif kw == 'c':
            assert section == 'signals'
            _, t, tok = line.split(' ', 2)
            sig[3].append((int(t), tok))
        else:
            raise AssertionError(f'unknown record: {line!r}')
        i += 1
    assert i == len(lines) - 1, 'records after end'
    for ref, _, n, changes in d['signals']:
        assert n == len(changes), f'signal {ref}: changes={n} but {len(changes)} lines'
    d['end'] = fields(lines[i])
    return d


# ---------------------------------------------------------------------------
# Every corpus file


def test_corpus_present():
    assert len(CORPUS_FILES) >= 43, f'corpus incomplete in {CORPUS}'


@pytest.mark.parametrize('path', CORPUS_FILES, ids=CORPUS_IDS)
def test_info(path):
    proc = run_cli('info', path, check_rc=0)
    out = proc.stdout.decode()
    assert proc.stderr == b''
    assert 'FST' in out
    w = fstwave.Waveform(path)
    assert re.search(r'time table:\s+%d entries' % len(w.time_table), out)
    n_signals = sum(1 for _ in w.hierarchy.all_vars())
    assert re.search(r'signals:\s+%d$' % n_signals, out, re.M)


@pytest.mark.parametrize('path', CORPUS_FILES, ids=CORPUS_IDS)
def test_tree(path):
    proc = run_cli('tree', path, check_rc=0)
    assert proc.stderr == b''
    h = fstwave.Waveform(path, load_body=False).hierarchy
    n_scopes = len(scope_tree(h))
    assert len(proc.stdout.decode().splitlines()) == n_scopes
    proc = run_cli('tree', path, '--signals', check_rc=0)
    n_vars = sum(1 for _ in h.all_vars(include_aliases=True))
    assert len(proc.stdout.decode().splitlines()) == n_scopes + n_vars
    proc = run_cli('tree', path, '--depth', '1', check_rc=0)
    assert len(proc.stdout.decode().splitlines()) == sum(1 for _ in h.top_scopes())


@pytest.mark.parametrize('path', CORPUS_FILES, ids=CORPUS_IDS)
def test_dump_deterministic_and_complete(path):
    first = run_cli('dump', path, check_rc=0)
    assert first.stderr == b''
    second = run_cli('dump', path, check_rc=0)
    assert first.stdout == second.stdout, 'dump is not deterministic'
    assert max(first.stdout) < 0x80, 'dump must be pure ASCII'
    d = parse_dump(first.stdout.decode('ascii'))

    w = fstwave.Waveform(path)
    h = w.hierarchy
    assert d['times'] == list(w.time_table)
    assert int(d['end']['scopes']) == len(d['scopes']) == len(scope_tree(h))
    assert int(d['end']['vars']) == len(d['vars']) == sum(
        1 for _ in h.all_vars(include_aliases=True))
    all_vars = list(h.all_vars())
    assert int(d['end']['signals']) == len(d['signals']) == len(all_vars)
    assert [s[0] for s in d['signals']] == [v.signal_ref() for v in all_vars]


def test_dump_batch_size_does_not_change_output():
    path = corpus('nvc/xwb_fofb_shaper_filt_tb.fst')
    a = run_cli('dump', path, check_rc=0).stdout
    b = run_cli('dump', path, '--batch-size', '1', check_rc=0).stdout
    c = run_cli('dump', path, '--batch-size', '7', check_rc=0).stdout
    assert a == b == c


# ---------------------------------------------------------------------------
# Dump contents against the API

API_FILES = [
    'nvc/manytypes2.fst',           # reals, strings, integers, VHDL types, arrays, records
    'nvc/shortstring.fst',          # Latin-1 strings (escaped code points)
    'aldec/SPI_Write.vcd.fst',      # 4-state values
    'verilator/many_sv_datatypes.fst',  # enums
    'icarus/pull_67_event_example.fst',  # events
    'surfer/verilator_empty_scope.vcd.fst',  # a name with a newline
    'ghdl/oscar/vhdl3.fst',
    'icarus/test1.vcd.fst',
]


@pytest.mark.parametrize('rel', API_FILES)
def test_dump_matches_api(rel):
    path = corpus(rel)
    d = parse_dump(run_cli('dump', path, check_rc=0).stdout.decode('ascii'))
    w = fstwave.Waveform(path)
    h = w.hierarchy

    ts = h.timescale()
    tr = w.time_range
    assert d['header'] == [
        'file_format ' + q(h.file_format()),
        'version ' + q(h.version()),
        'date ' + q(h.date()),
        'timescale -' if ts is None else f'timescale factor={ts.factor} unit={ts.unit}',
        'time_range -' if tr is None else f'time_range start={tr[0]} end={tr[1]}',
    ]
    assert d['times'] == list(w.time_table)

    # scopes in depth-first order, vars with every attribute
    api_scopes = [f'scope depth={depth} type={s.scope_type()} name={q(s.name(h))} '
                  f'full_name={q(s.full_name(h))}' for depth, s in scope_tree(h)]
    assert d['scopes'] == api_scopes
    api_vars = [expected_var_fields(h, v) for _, s in scope_tree(h) for v in s.vars(h)]
    assert [fields(line) for line in d['vars'][:len(api_vars)]] == api_vars

    # every signal's changes, typed
    all_vars = list(h.all_vars())
    assert len(d['signals']) == len(all_vars)
    for v, (ref, full_name, n, changes) in zip(all_vars, d['signals']):
        sig = w.get_signal(v)
        expected = [(t, token(v, val)) for t, val in sig.all_changes()]
        assert ref == v.signal_ref()
        assert full_name == q(v.full_name(h))
        assert changes == expected, f'signal {full_name}'


def test_dump_typed_values_present():
    """The corpus exercises each value tag; check a few against the API explicitly."""
    path = corpus('nvc/manytypes2.fst')
    text = run_cli('dump', path, check_rc=0).stdout.decode('ascii')
    w = fstwave.Waveform(path)
    for p in ['comprehensive2_tb.real_signal', 'comprehensive2_tb.voltage_signal',
              'comprehensive2_tb.int_signal', 'comprehensive2_tb.sl_signal']:
        sig = w.get_signal_from_path(p)
        var = next(v for v in w.hierarchy.all_vars() if v.full_name(w.hierarchy) == p)
        block = [f'signal ref={var.signal_ref()} full_name={q(p)} changes={len(sig)}']
        block += [f'c {t} {token(var, val)}' for t, val in sig.all_changes()]
        assert '\n' + '\n'.join(block) + '\n' in text
    assert re.search(r'^c \d+ r:[0-9a-f]{16}$', text, re.M)
    assert re.search(r'^c \d+ s:"', text, re.M)

    text = run_cli('dump', corpus('nvc/shortstring.fst'), check_rc=0).stdout.decode('ascii')
    assert '\\u{df}' in text  # a Latin-1 character of a string value, escaped

    text = run_cli('dump', corpus('aldec/SPI_Write.vcd.fst'), check_rc=0).stdout.decode()
    assert re.search(r'^c \d+ l:[01xz]+$', text, re.M)

    text = run_cli('dump', corpus('verilator/many_sv_datatypes.fst'),
                   check_rc=0).stdout.decode()
    assert re.search(r'^var .* enum_type="[^"]*" enum_pairs=\d+$', text, re.M)
    assert re.search(r'^enum_pair value="[01]+" literal="\w+"$', text, re.M)


# ---------------------------------------------------------------------------
# Format primitives


def test_value_tokens():
    class V:
        def __init__(self, kind):
            self.kind = kind

        def is_string(self):
            return self.kind == 's'

        def is_real(self):
            return self.kind == 'r'

        def is_bit_vector(self):
            return self.kind == 'b'

    bv, rv, sv, ev = V('b'), V('r'), V('s'), V('e')
    cases = [
        (bv, 0, 'b:0'), (bv, 10, 'b:a'), (bv, (1 << 128) - 1, 'b:' + 'f' * 32),
        (bv, '01xz', 'l:01xz'), (bv, None, '-'),
        (rv, 1.0, 'r:3ff0000000000000'), (rv, -0.0, 'r:8000000000000000'),
        (rv, float('inf'), 'r:7ff0000000000000'), (rv, float('-inf'), 'r:fff0000000000000'),
        (rv, struct.unpack('>d', bytes.fromhex('7ff8000000000001'))[0], 'r:7ff8000000000001'),
        (rv, 0.1, 'r:3fb999999999999a'),
        (sv, '', 's:""'), (sv, 'say "hi"\n', 's:"say \\"hi\\"\\u{a}"'),
        (ev, '', 'e'),
    ]
    for var, value, expected in cases:
        assert dumpformat.value_formatter(var)(value) == expected, (var.kind, value)
        assert dumpformat.format_value(value, var.is_string(),
                                not (var.is_bit_vector() or var.is_real() or var.is_string())
                                ) == expected
        assert token(var, value) == expected


def test_output_buffer_keeps_every_line(monkeypatch):
    import io
    monkeypatch.setattr(cli, '_FLUSH_AT', 7)
    raw = io.BytesIO()
    out = cli._Out(raw)
    out.line('first')
    out.lines('line %d' % i for i in range(1000))
    out.line('last')
    out.flush()
    assert raw.getvalue().decode().split('\n') == (
        ['first'] + ['line %d' % i for i in range(1000)] + ['last', ''])


# ---------------------------------------------------------------------------
# Errors and exit codes


def _one_error_line(proc):
    err = proc.stderr.decode()
    assert 'Traceback' not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith('fstwave: error: ')
    return lines[0]


@pytest.mark.parametrize('cmd', ['info', 'tree', 'dump'])
def test_missing_file(tmp_path, cmd):
    missing = tmp_path / 'no_such_file.fst'
    proc = run_cli(cmd, missing, check_rc=1)
    assert proc.stdout == b''
    line = _one_error_line(proc)
    assert 'no_such_file.fst' in line


@pytest.mark.parametrize('cmd', ['info', 'tree', 'dump'])
def test_vcd_file_is_an_error(tmp_path, cmd):
    vcd = tmp_path / 'small.vcd'
    vcd.write_text('$date today $end\n$timescale 1ns $end\n$scope module top $end\n'
                   '$var wire 1 ! clk $end\n$upscope $end\n$enddefinitions $end\n'
                   '#0\n0!\n#10\n1!\n')
    proc = run_cli(cmd, vcd, check_rc=1)
    assert proc.stdout == b''
    assert 'VCD' in _one_error_line(proc)  # the message names the format (contract D7)


def test_empty_and_garbage_files(tmp_path):
    empty = tmp_path / 'empty.fst'
    empty.write_bytes(b'')
    _one_error_line(run_cli('dump', empty, check_rc=1))
    garbage = tmp_path / 'garbage.fst'
    garbage.write_bytes(bytes(range(256)) * 8)
    _one_error_line(run_cli('dump', garbage, check_rc=1))


def test_directory_is_an_error(tmp_path):
    _one_error_line(run_cli('info', tmp_path, check_rc=1))


@pytest.mark.parametrize('args', [[], ['frobnicate'], ['dump'], ['tree', 'x.fst', '--depth', '0'],
                                  ['dump', 'x.fst', '--batch-size', 'many'],
                                  ['info', 'a.fst', 'b.fst']])
def test_usage_errors(args):
    proc = run_cli(*args, check_rc=2)
    assert b'usage:' in proc.stderr
    assert b'Traceback' not in proc.stderr


def test_help():
    proc = run_cli('--help', check_rc=0)
    for cmd in (b'info', b'tree', b'dump'):
        assert cmd in proc.stdout


# ---------------------------------------------------------------------------
# Closed output pipe


BIG = 'xilinx_isim/test1.vcd.fst'  # its dump is ~30 MB, far more than a pipe buffer


def test_dump_closed_pipe_is_quiet():
    proc = subprocess.Popen([sys.executable, '-m', 'fstwave', 'dump', str(corpus(BIG))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=TIMEOUT)
    proc.stderr.close()
    assert first == b'fstwave-dump 1\n'
    assert err == b'', err.decode(errors='replace')
    assert proc.returncode in (0, 1)


@pytest.mark.skipif(shutil.which('sh') is None or shutil.which('head') is None,
                    reason='needs sh and head')
@pytest.mark.parametrize('cmd', ['dump', 'tree --signals'])
def test_pipe_to_head(tmp_path, cmd):
    errfile = tmp_path / 'stderr.txt'
    script = (f'"{sys.executable}" -m fstwave {cmd} "{corpus(BIG)}" 2>"{errfile}" | head -1')
    proc = subprocess.run(['sh', '-c', script], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=ENV, timeout=TIMEOUT)
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 1
    err = errfile.read_text()
    assert err == ''


# ---------------------------------------------------------------------------
# Generated fixtures (multi-block, events, reals, strings, aliases, top-level vars...)


@pytest.mark.skipif(not (REPO_ROOT / 'tests' / 'fixtures' / 'gen_fixtures.c').exists(),
                    reason='fixture generator not present')
def test_dump_generated_fixtures(fixture_files):
    assert fixture_files
    for path in fixture_files:
        proc = run_cli('dump', path)
        assert proc.returncode == 0, (path.name, proc.stderr.decode(errors='replace'))
        d = parse_dump(proc.stdout.decode('ascii'))
        w = fstwave.Waveform(path)
        h = w.hierarchy
        assert d['times'] == list(w.time_table), path.name
        all_vars = list(h.all_vars())
        assert len(d['signals']) == len(all_vars), path.name
        for v, (ref, _, _, changes) in zip(all_vars, d['signals']):
            expected = [(t, token(v, val)) for t, val in w.get_signal(v).all_changes()]
            assert changes == expected, (path.name, v.full_name(h))
        assert int(d['end']['vars']) == sum(1 for _ in h.all_vars(include_aliases=True))


# ---------------------------------------------------------------------------
# Golden outputs: the exact text of info, tree and the dump's scope records

GOLDEN = REPO_ROOT / 'tests' / 'golden'
#: (origin, file) with nested scopes: the deep port_vars fixture (23 levels), names.fst
#: (array scopes made from names), a corpus file with 5 levels and one with empty scope
#: names and a name holding a newline
GOLDEN_FILES = [('fixtures', 'names.fst'), ('fixtures', 'port_vars.fst'),
                ('corpus', 'xilinx_isim/test.vcd.fst'),
                ('corpus', 'surfer/verilator_empty_scope.vcd.fst')]
#: golden file name -> the command's arguments (before the file)
GOLDEN_COMMANDS = {'info.txt': ['info'], 'tree.txt': ['tree'],
                   'tree--depth-2.txt': ['tree', '--depth', '2'],
                   'tree--signals.txt': ['tree', '--signals'],
                   'dump-scopes.txt': ['dump']}
GOLDEN_CASES = [(origin, rel, name) for origin, rel in GOLDEN_FILES for name in GOLDEN_COMMANDS]
GOLDEN_IDS = [f'{origin}/{rel}/{name}' for origin, rel, name in GOLDEN_CASES]


def golden_base(origin, fixtures_dir):
    return fixtures_dir if origin == 'fixtures' else CORPUS


def golden_output(origin, rel, name, fixtures_dir):
    """The tool's stdout for a golden case, run in the file's base folder with the
    relative name (so that info's `file:` row does not depend on where the files are)."""
    base = golden_base(origin, fixtures_dir)
    proc = subprocess.run([sys.executable, '-m', 'fstwave', *GOLDEN_COMMANDS[name], rel],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=base,
                          timeout=TIMEOUT)
    assert proc.returncode == 0 and proc.stderr == b'', proc.stderr.decode(errors='replace')
    text = proc.stdout.decode('utf-8')
    if name == 'dump-scopes.txt':
        text = ''.join(line for line in text.splitlines(keepends=True)
                       if line.startswith('scope '))
    return text


@pytest.mark.parametrize('origin,rel,name', GOLDEN_CASES, ids=GOLDEN_IDS)
def test_golden(origin, rel, name, fixtures_dir):
    """Exact text.  FSTWAVE_UPDATE_GOLDEN=1 rewrites the golden files from the tool
    instead (then review the diff; test_golden_agrees_with_pywellen checks them)."""
    got = golden_output(origin, rel, name, fixtures_dir)
    path = GOLDEN / origin / rel / name
    if os.environ.get('FSTWAVE_UPDATE_GOLDEN') == '1':
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding='utf-8', newline='\n')
    assert got == path.read_text(encoding='utf-8'), f'{path} differs from the tool\'s output'


def human(s):
    """cli's rendering of a name in info and tree: C0/C1 controls as \\u{HEX}."""
    return ''.join('\\u{%x}' % ord(c) if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f else c
                   for c in s)


def pywellen_tree(path):
    """(depth, scope type, name, full name, number of vars) of every scope in pywellen
    0.20.5's hierarchy, depth = number of ancestor scopes, depth-first pre-order."""
    import pywellen
    h = pywellen.Waveform(str(path)).hierarchy
    out = []

    def visit(scope, ancestors):
        out.append((ancestors, scope.scope_type(), scope.name(h), scope.full_name(h),
                    sum(1 for _ in scope.vars(h))))
        for child in scope.scopes(h):
            visit(child, ancestors + 1)

    for top in h.top_scopes():
        visit(top, 0)
    return out


@pytest.mark.parametrize('origin,rel', GOLDEN_FILES, ids=[f'{o}/{r}' for o, r in GOLDEN_FILES])
def test_golden_agrees_with_pywellen(origin, rel, fixtures_dir):
    """Every scope line of the golden files against pywellen's hierarchy: depth (the
    number of ancestors), type, name, full name, and the number of var rows under it."""
    tree = pywellen_tree(golden_base(origin, fixtures_dir) / rel)
    assert max(t[0] for t in tree) >= 3, 'pick files with nested scopes'

    def read(name):
        return (GOLDEN / origin / rel / name).read_text(encoding='utf-8').splitlines()

    assert read('dump-scopes.txt') == [
        f'scope depth={d} type={t} name={q(n)} full_name={q(f)}' for d, t, n, f, _ in tree]
    scope_lines = ['  ' * d + f'{human(n)} ({t})' for d, t, n, _, _ in tree]
    assert read('tree.txt') == scope_lines
    assert read('tree--depth-2.txt') == [
        line for line, (d, *_) in zip(scope_lines, tree) if d < 2]
    # with --signals each scope line is followed by one row per var of the scope
    lines = read('tree--signals.txt')
    i = 0
    for line, (d, t, n, f, n_vars) in zip(scope_lines, tree):
        assert lines[i] == line, f'line {i + 1}'
        rows = lines[i + 1:i + 1 + n_vars]
        assert len(rows) == n_vars and all(r.startswith('  ' * (d + 1)) and
                                           not r.startswith('  ' * (d + 2)) for r in rows), n
        i += 1 + n_vars
    assert len(lines) - i == sum(1 for _ in fstwave.Waveform(
        golden_base(origin, fixtures_dir) / rel).hierarchy.all_vars(include_aliases=True)) - sum(
        t[4] for t in tree), 'top-level var rows'
    info = dict(line.split(':', 1) for line in read('info.txt') if not line.startswith('  '))
    assert int(info['scopes']) == len(tree)
    tops = [line for line in read('info.txt') if line.startswith('  ')]
    assert tops == [f'  {human(n)} ({t})' for d, t, n, _, _ in tree if d == 0]
    assert info['file'].strip() == rel

