"""Differential comparison of fstwave against pywellen 0.20.5.

Everything observable through the pywellen 0.20.5 API is compared.  A difference is accepted
only when one of the named deviation rules below (``dev_D1_*`` ... ``dev_D10_*``, see
``docs/api.md`` section 5) explains it; each rule checks both what pywellen does and
that fstwave's side is right.  Every other difference is reported with the file, the var's
full name, the index or time, and both values.
"""
import bisect
import collections
import operator
import struct
import zlib
from pathlib import Path

MAX_ERRORS_PER_FILE = 40
MAX_ERRORS_PER_VAR = 4
U64_MAX = 2 ** 64 - 1


# --------------------------------------------------------------------------------------------
# small helpers

class PyRaised:
    """A pywellen call that raised (PanicException is a BaseException)."""

    def __init__(self, exc):
        self.exc = exc

    def __repr__(self):
        return f'<raised {type(self.exc).__name__}: {str(self.exc)[:120]}>'


class FstRaised(PyRaised):
    """An fstwave call that raised: never explained by any rule."""


def _reraise_fatal(exc):
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def pw_call(fn, *args):
    """Call into pywellen; any exception (incl. PanicException) becomes a PyRaised value."""
    try:
        return fn(*args)
    except BaseException as exc:  # noqa: B036 - pyo3 PanicException is a BaseException
        _reraise_fatal(exc)
        return PyRaised(exc)


def fw_call(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:
        return FstRaised(exc)


def pw_map(fn, args):
    try:
        return list(map(fn, args))
    except BaseException as exc:  # noqa: B036
        _reraise_fatal(exc)
        return [pw_call(fn, a) for a in args]


def fw_map(fn, args):
    try:
        return list(map(fn, args))
    except Exception:
        return [fw_call(fn, a) for a in args]


def strict_eq(a, b):
    """Equal value and equal type (1 != 1.0 != True); floats bit-exact; recursive."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack('<d', a) == struct.pack('<d', b)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(strict_eq(x, y) for x, y in zip(a, b))
    if isinstance(a, PyRaised):
        return False
    return a == b


_NUMERIC = {int, float, bool}


def lists_strict_eq(a, b):
    if len(a) != len(b):
        return False
    if a == b:
        ta = set(map(type, a))
        if (ta == set(map(type, b)) and len(ta & _NUMERIC) <= 1 and float not in ta
                and tuple not in ta and list not in ta):
            return True  # equal, and no position can hold equal values of different types
    return all(strict_eq(x, y) for x, y in zip(a, b))


def short(v, limit=100):
    r = repr(v)
    return r if len(r) <= limit else r[:limit] + '...'


def is_panic(exc):
    return type(exc).__name__ == 'PanicException'


# --------------------------------------------------------------------------------------------
# FST header (facts of the file, used where pywellen has no counterpart or cannot read it)

FstHeader = collections.namedtuple(
    'FstHeader', 'start end scope_count var_count maxhandle vc_count exponent version date')


def read_fst_header(path):
    data = Path(path).read_bytes()
    if data[:1] == b'\xfe':  # whole-file gzip wrapper: type, section length, uncompressed length
        data = zlib.decompressobj(31).decompress(data[17:], 4096)
    assert data[:1] == b'\x00', f'{path}: no FST header block'
    o = 9
    start, end = struct.unpack_from('>QQ', data, o)
    o += 16 + 8 + 8  # endian test double, writer memory
    scope_count, var_count, maxhandle, vc_count = struct.unpack_from('>QQQQ', data, o)
    o += 32
    exponent = struct.unpack_from('>b', data, o)[0]
    o += 1
    version = data[o:o + 128].split(b'\0', 1)[0].decode('latin-1').strip()
    o += 128
    date = data[o:o + 119].split(b'\0', 1)[0].decode('latin-1').strip()
    return FstHeader(start, end, scope_count, var_count, maxhandle, vc_count, exponent,
                     version, date)


# --------------------------------------------------------------------------------------------
# observation helpers

def pw_time_table(tt):
    """pywellen's TimeTable has no len (D3): index until it returns None."""
    out = []
    while True:
        v = tt[len(out)]
        if v is None:
            return out
        out.append(v)


def timescale_record(ts):
    if ts is None:
        return None
    return (str(ts), repr(ts), ts.factor, str(ts.unit), repr(ts.unit), ts.unit.to_exponent())


VAR_FIELDS = ('name', 'full_name', 'bitwidth', 'length', 'var_type', 'direction', 'enum_type',
              'vhdl_type_name', 'is_real', 'is_string', 'is_bit_vector', 'is_1bit')


def var_record(v, h, call):
    return (
        call(v.name, h), call(v.full_name, h), call(v.bitwidth), call(v.length),
        call(v.var_type), call(v.direction), call(v.enum_type, h), call(v.vhdl_type_name, h),
        call(v.is_real), call(v.is_string), call(v.is_bit_vector), call(v.is_1bit),
    )


def walk_paths(h, scopes, call, prefix=()):
    """Flattened walk: yields ('scope', path, scope_type, scope) and ('var', path, record, var)."""
    for s in scopes:
        path = prefix + (call(s.name, h),)
        yield ('scope', path, call(s.scope_type), s)
        vs = call(s.vars, h)
        if isinstance(vs, PyRaised):
            yield ('error', path + ('<vars()>',), vs, None)
        else:
            for v in vs:
                rec = var_record(v, h, call)
                yield ('var', path + (rec[0],), rec, v)
        children = call(s.scopes, h)
        if isinstance(children, PyRaised):
            yield ('error', path + ('<scopes()>',), children, None)
        else:
            yield from walk_paths(h, children, call, path)


# --------------------------------------------------------------------------------------------
# deviation rules.  Each returns None when it explains the difference (after checking
# fstwave's side), or a string saying why it does not apply.

def dev_D1_value_at_time_between_steps(t, tt, p, f, p_idx, f_idx):
    """D1: for a time t that is not in the time table and lies before its last entry, pywellen
    returns its value at the *next* step; fstwave must return its (already verified) value at
    the last step at or before t, or None before the first step."""
    if not tt or t in _tt_set(tt) or t > tt[-1]:
        return 'D1 does not apply: t is a time-table time or past the end'
    nxt = bisect.bisect_left(tt, t)
    if not strict_eq(p, p_idx[nxt]):
        return f'D1 does not apply: pywellen value is not its value at next index {nxt}'
    k = bisect.bisect_right(tt, t) - 1
    want = None if k < 0 else f_idx[k]
    if not strict_eq(f, want):
        return f'D1: fstwave should give the value at or before t (index {k}): {short(want)}'
    return None


_TT_SETS = {}


def _tt_set(tt):
    key = id(tt)
    s = _TT_SETS.get(key)
    if s is None or s[0] is not tt:
        s = (tt, frozenset(tt))
        _TT_SETS.clear()
        _TT_SETS[key] = s
    return s[1]


def dev_D2_glitch_step(g_time, p, f, f_ch, times=None):
    """D2 (lookups): when the change that governs a lookup (the last change at or before
    ``g_time``) belongs to a time step holding several changes of the signal, pywellen reports
    the step's first value and fstwave must report the step's last (settled) value."""
    if times is None:
        times = [c[0] for c in f_ch]
    k = bisect.bisect_right(times, g_time) - 1
    if k < 0:
        return 'D2 does not apply: no change at or before this point'
    s = bisect.bisect_left(times, times[k])
    if s == k:
        return 'D2 does not apply: the governing step has a single change'
    if not strict_eq(p, f_ch[s][1]):
        return f'D2 does not apply: pywellen value is not the first value of the step at {times[k]}'
    if not strict_eq(f, f_ch[k][1]):
        return f'D2: fstwave should give the last value of the step at {times[k]}: {short(f_ch[k][1])}'
    return None


def dev_D2_glitch_step_changes(i, p_ch, f_ch, is_event):
    """D2 (all_changes): entry i shares its time with earlier entries; pywellen repeats the
    step's first value, fstwave yields each change's own value (and never repeats the
    previous stored value)."""
    t = f_ch[i][0]
    s = i
    while s > 0 and f_ch[s - 1][0] == t:
        s -= 1
    if s == i:
        return 'D2 does not apply: first change of its step'
    if not strict_eq(p_ch[i][1], p_ch[s][1]):
        return 'D2 does not apply: pywellen does not repeat the first value of the step'
    if not strict_eq(f_ch[s][1], p_ch[s][1]):
        return 'D2: first value of the step differs'
    if not is_event and strict_eq(f_ch[i][1], f_ch[i - 1][1]):
        return 'D2: fstwave repeats the previous value inside the step'
    return None


def dev_D3_time_table(p_tt, f_tt, n):
    """D3: pywellen's TimeTable has no len(), returns None out of range (its iteration would
    never end); fstwave's is a sequence: len, IndexError, finite iteration, negative indices."""
    errs = []
    if p_tt[n] is not None:
        errs.append(f'pywellen tt[{n}] is not None (D3 premise)')
    try:
        len(p_tt)
        errs.append('pywellen TimeTable has len() (D3 premise)')
    except TypeError:
        pass
    if len(f_tt) != n:
        errs.append(f'fstwave len(time_table) = {len(f_tt)}, expected {n}')
    for bad in (n, n + 1, -n - 1):
        try:
            got = f_tt[bad]
            errs.append(f'fstwave time_table[{bad}] = {got!r}, expected IndexError')
        except IndexError:
            pass
    it = iter(f_tt)
    got = [x for _, x in zip(range(n + 2), it)]
    if len(got) != n:
        errs.append(f'fstwave iteration yields {len(got)} items, expected {n}')
    return errs


def dev_D4_event(var_type, p):
    """D4: pywellen panics on every value access of an event signal ("Cannot convert Event to
    bit string"); fstwave reads event values as "".  Returns what fstwave must give."""
    if (var_type == 'Event' and isinstance(p, PyRaised) and is_panic(p.exc)
            and 'Event' in str(p.exc)):
        return ''
    return p


def dev_D4_event_changes(p_exc, f_ch, tt, f_idx):
    """D4 (all_changes): pywellen panics at the first event; fstwave yields (time, "") for each
    event, in time order, at time-table times, starting where lookups start to give ""."""
    if not (is_panic(p_exc) and 'Event' in str(p_exc)):
        return f'D4 does not apply: pywellen raised {p_exc!r}'
    if not f_ch:
        return 'D4: fstwave has no events but pywellen panicked on one'
    tset = _tt_set(tt)
    times = [c[0] for c in f_ch]
    if times != sorted(times) or any(t not in tset for t in times):
        return f'D4: event times not sorted or not in the time table: {short(times)}'
    if any(v != '' or type(v) is not str for _, v in f_ch):
        return f'D4: event values are not "": {short(f_ch)}'
    first = next((i for i, v in enumerate(f_idx[:len(tt)]) if v == ''), None)
    if first is None or tt[first] != times[0]:
        return f'D4: first event at {times[0]} but lookups start giving "" at index {first}'
    return None


def dev_D5_pywellen_cannot_read(label, p_exc, path, fw):
    """D5: pywellen raises or panics on this file (malformed or unfinished parts); fstwave
    must read it and give a self-consistent result that agrees with the FST header."""
    if not (is_panic(p_exc) or isinstance(p_exc, RuntimeError)):
        return [f'{label}: D5 does not apply: pywellen raised {p_exc!r}']
    return check_fstwave_alone(label, path, fw)


def dev_D6_identity(pw, fw):
    """D6: pywellen's Var/Scope compare by identity and ``hierarchy`` is a new object per
    access; fstwave's compare by value, hash equal, and ``hierarchy`` is stable."""
    errs = []
    if pw.hierarchy is pw.hierarchy:
        errs.append('pywellen hierarchy is stable (D6 premise)')
    if fw.hierarchy is not fw.hierarchy:
        errs.append('fstwave w.hierarchy is not the same object on every access')
    fh = fw.hierarchy
    a, b = list(fh.all_vars()), list(fh.all_vars())
    if a != b or [hash(x) for x in a] != [hash(x) for x in b]:
        errs.append('fstwave Vars of two all_vars() calls are not equal / hash-equal')
    if len(set(a)) != len(a):
        errs.append(f'fstwave all_vars(): {len(a)} vars but {len(set(a))} distinct')
    ph = pw.hierarchy
    pa = list(ph.all_vars())
    if pa and pa[0] == list(ph.all_vars())[0]:
        errs.append('pywellen Vars compare equal across calls (D6 premise)')
    s1, s2 = list(fh.top_scopes()), list(fh.top_scopes())
    if s1 != s2 or [hash(x) for x in s1] != [hash(x) for x in s2]:
        errs.append('fstwave top Scopes of two top_scopes() calls are not equal / hash-equal')
    if len(set(s1)) != len(s1):
        errs.append('fstwave distinct top scopes compare equal')
    return errs


def dev_D7_vcd_ghw_rejected(fst_exc, fmt):
    """D7: pywellen reads VCD/GHW; fstwave raises FstError whose message names the format."""
    import fstwave
    if not isinstance(fst_exc, fstwave.FstError):
        return f'fstwave raised {type(fst_exc).__name__}, expected FstError'
    if fmt not in str(fst_exc):
        return f'FstError message does not name {fmt}: {str(fst_exc)!r}'
    return None


def toplevel_var_records(h, call=lambda fn, *a: fn(*a)):
    """Records of the vars declared outside any scope (fstwave: all_vars(include_aliases))."""
    out = []
    for v in h.all_vars(include_aliases=True):
        rec = var_record(v, h, call)
        if rec[1] == rec[0]:
            out.append(rec)
    return out


def dev_D8_remove_empty_scopes(label, pw_entries, fw_entries, fw_top, fw_top_default):
    """D8: with remove_scopes_with_empty_name=True pywellen keeps FST scopes named "";
    fstwave removes them and attaches their children to the parent (duplicate names then
    merge; children of a removed top-level scope become top-level).  Expected: pywellen's
    walk with the empty FST scope names dropped from every path.  Array scopes made from var
    names (type vhdl_array) are not FST scopes and stay, as in wellen's VCD reader."""
    errs = []
    p_type = {e[1]: e[2] for e in pw_entries if e[0] == 'scope'}
    f_type = {e[1]: e[2] for e in fw_entries if e[0] == 'scope'}

    def keep(path, types):
        return tuple(x for j, x in enumerate(path)
                     if x != '' or types.get(path[:j + 1]) == 'vhdl_array')

    exp_scopes = {keep(e[1], p_type) for e in pw_entries if e[0] == 'scope'} - {()}
    got_scopes = {e[1] for e in fw_entries if e[0] == 'scope'}
    left = [p for p in got_scopes if keep(p, f_type) != p]
    if left:
        errs.append(f'{label}: D8: fstwave still has empty-named scopes: {sorted(left)[:5]}')
    if exp_scopes != got_scopes:
        errs.append(f'{label}: D8: scope paths differ: missing {sorted(exp_scopes - got_scopes)[:5]}'
                    f' extra {sorted(got_scopes - exp_scopes)[:5]}')

    def var_key(scopes, rec):
        return (scopes + (rec[0],), '.'.join(scopes + (rec[0],))) + tuple(rec[2:])

    exp = collections.Counter(var_key(keep(e[1][:-1], p_type), e[2]) for e in pw_entries
                              if e[0] == 'var')
    got = collections.Counter(var_key(e[1][:-1], e[2]) for e in fw_entries if e[0] == 'var')
    got.update(var_key((), rec) for rec in fw_top)
    # vars that were top-level already are not in pywellen's walk
    already = collections.Counter(var_key((), rec) for rec in fw_top_default)
    missing = exp - got
    extra = (got - exp) - already
    for e in fw_entries:
        if e[0] == 'var' and e[2][1] != '.'.join(e[1]):
            errs.append(f'{label}: D8: var {e[2][1]!r} full name is not its path {e[1]}')
            break
    if missing or extra:
        errs.append(f'{label}: D8: vars differ: missing {list(missing)[:3]} extra {list(extra)[:3]}')
    return errs


def dev_D9_invalid_utf8(label, p_exc, path, fw):
    """D9: a name with invalid UTF-8 makes pywellen fail the whole load; fstwave decodes
    names with U+FFFD replacement.  Applies only if fstwave shows such a name."""
    if not ('decode' in str(p_exc) or 'utf' in str(p_exc).lower()):
        return 'D9 does not apply: pywellen did not fail on decoding a name'
    fh = fw.hierarchy
    names = [e[2][1] if e[0] == 'var' else '.'.join(e[1])
             for e in walk_paths(fh, fh.top_scopes(), lambda fn, *a: fn(*a))]
    names += [v.full_name(fh) for v in fh.all_vars()]
    if not any('\ufffd' in n for n in names):
        return 'D9 does not apply: no name with U+FFFD in fstwave'
    errs = check_fstwave_alone(label, path, fw)
    return errs


def dev_D10_signal_cache(pw, fw, pv, fv):
    """D10: pywellen re-reads the file on every get_signal (a new Signal object each time);
    fstwave caches: a second get_signal gives the same data."""
    errs = []
    p1, p2 = pw.get_signal(pv), pw.get_signal(pv)
    if p1 is p2:
        errs.append('pywellen get_signal returned the same object twice (D10 premise)')
    f1, f2 = fw.get_signal(fv), fw.get_signal(fv)
    if not lists_strict_eq(list(f1.all_changes()), list(f2.all_changes())):
        errs.append('fstwave get_signal twice gives different changes')
    return errs


# --------------------------------------------------------------------------------------------
# fstwave on its own (used where pywellen cannot serve as the reference: D5, D9)

def undocumented_U1_port_values(var, fs):
    """Not a contract deviation (reported in the closing note of issue 2): a PORT var
    declares (3n+2) in its FST length and has n bits; its chain holds values of the raw
    width.  pywellen 0.20.5 writes those wider values into n-bit storage and reads back
    garbage (fixture port_vars.fst: one change instead of three); fstwave keeps the last n
    characters of each value.  The rule applies only to Port vars and checks that every
    fstwave value has the var's width.  Returns None when it explains the signal."""
    if var.var_type() != 'Port':
        return 'not a Port var'
    bits = var.bitwidth()
    for _, v in fs.all_changes():
        if isinstance(v, int):
            if v < 0 or v >= 1 << bits:
                return f'value {v} wider than {bits} bits'
        elif not (isinstance(v, str) and len(v) == bits):
            return f'value {v!r} is not {bits} characters'
    return None


def _value_ok(v, var):
    bw = var.bitwidth()
    if var.var_type() == 'Event':
        return v == ''
    if var.is_real():
        return type(v) is float
    if var.is_string():
        return type(v) is str
    if type(v) is int:
        return 0 <= v < (1 << max(bw or 1, 1))
    return type(v) is str and len(v) == bw and set(v) <= set('01xzhuwl-')


def check_fstwave_alone(label, path, fw):
    """Self-consistency of fstwave on a file: header facts, sorted time table, a walk that
    works, and lookups that agree with all_changes()."""
    errs = []
    hdr = read_fst_header(path)
    fh = fw.hierarchy
    if fh.file_format() != 'FST':
        errs.append(f'{label}: file_format {fh.file_format()!r}')
    if fh.date() != hdr.date or fh.version() != hdr.version:
        errs.append(f'{label}: date/version {fh.date()!r}/{fh.version()!r} != header '
                    f'{hdr.date!r}/{hdr.version!r}')
    ts = fh.timescale()
    if ts is not None and ts.unit.to_exponent() is not None:
        f_exp = ts.unit.to_exponent()
        if ts.factor * 10 ** (f_exp + 30) != 10 ** (hdr.exponent + 30):
            errs.append(f'{label}: timescale {ts} != header exponent {hdr.exponent}')
    if tuple(fw.time_range) != (hdr.start, hdr.end):
        errs.append(f'{label}: time_range {fw.time_range} != header {(hdr.start, hdr.end)}')
    tt = list(fw.time_table)
    if tt != sorted(tt):
        errs.append(f'{label}: time table not sorted: {short(tt)}')
    entries = list(walk_paths(fh, fh.top_scopes(), lambda fn, *a: fn(*a)))
    for e in entries:
        if e[0] == 'var' and e[2][1] != '.'.join(e[1]):
            errs.append(f'{label}: var full name {e[2][1]!r} != path {e[1]}')
            break
    vs = list(fh.all_vars())
    n_all = len(list(fh.all_vars(include_aliases=True)))
    if hdr.var_count and (n_all, len(vs)) != (hdr.var_count, hdr.maxhandle):
        errs.append(f'{label}: {n_all} vars / {len(vs)} signals, the header says '
                    f'{hdr.var_count} / {hdr.maxhandle}')
    refs = [v.signal_ref() for v in vs]
    if refs != sorted(set(refs)):
        errs.append(f'{label}: all_vars signal refs not strictly ascending: {short(refs)}')
    tset = set(tt)
    n = len(tt)
    for v in vs:
        name = v.full_name(fh)
        s = fw.get_signal(v)
        ch = list(s.all_changes())
        times = [c[0] for c in ch]
        if times != sorted(times) or any(t not in tset for t in times):
            errs.append(f'{label}: {name}: change times not sorted/not in time table')
            continue
        bad = [c for c in ch if not _value_ok(c[1], v)]
        if bad:
            errs.append(f'{label}: {name}: values of the wrong kind: {short(bad)}')
        for i in range(n + 1):
            g = tt[min(i, n - 1)] if n else None
            k = bisect.bisect_right(times, g) - 1 if n else -1
            want = ch[k][1] if k >= 0 else None
            got = s.value_at_idx(i)
            if not strict_eq(got, want):
                errs.append(f'{label}: {name}: value_at_idx({i}) = {short(got)}, '
                            f'all_changes says {short(want)}')
                break
        for t in sorted(set(tt) | {x + 1 for x in tt}):
            k = bisect.bisect_right(times, t) - 1
            want = ch[k][1] if k >= 0 else None
            got = s.value_at_time(t)
            if not strict_eq(got, want):
                errs.append(f'{label}: {name}: value_at_time({t}) = {short(got)}, '
                            f'all_changes says {short(want)}')
                break
        if len(errs) > MAX_ERRORS_PER_FILE:
            break
    return errs


# --------------------------------------------------------------------------------------------
# the comparison

class Comparison:
    def __init__(self, label, path, pw, fw):
        self.label, self.path, self.pw, self.fw = label, path, pw, fw
        self.errors = []
        self.rules = collections.Counter()
        self.tt = None

    # --- bookkeeping
    def err(self, msg):
        self.errors.append(f'{self.label}: {msg}')

    def rule(self, name, reason):
        """Record a rule's verdict; reason None means the rule explained the difference."""
        if reason is None:
            self.rules[name] += 1
            return True
        return False

    def report(self):
        if not self.errors:
            return None
        head = f'{len(self.errors)} unexplained difference(s) (rules used: {dict(self.rules)})'
        return '\n'.join([head] + self.errors[:MAX_ERRORS_PER_FILE])

    # --- metadata
    def compare_metadata(self):
        ph, fh = self.pw.hierarchy, self.fw.hierarchy
        for what in ('date', 'version', 'file_format'):
            p, f = getattr(ph, what)(), getattr(fh, what)()
            if not strict_eq(p, f):
                self.err(f'hierarchy.{what}(): pywellen={p!r} fstwave={f!r}')
        p, f = timescale_record(ph.timescale()), timescale_record(fh.timescale())
        if not strict_eq(p, f):
            self.err(f'timescale (str, repr, factor, unit str, unit repr, exponent): '
                     f'pywellen={p!r} fstwave={f!r}')
        # extension without pywellen counterpart: time_range comes from the FST header
        hdr = read_fst_header(self.path)
        tr = self.fw.time_range
        if tuple(tr) != (hdr.start, hdr.end):
            self.err(f'time_range={tr!r}, FST header says {(hdr.start, hdr.end)}')

    # --- time table
    def compare_time_table(self):
        p_obj, f_obj = self.pw.time_table, self.fw.time_table
        p = pw_time_table(p_obj)
        n = len(p)
        f = [f_obj[i] for i in range(min(n, len(f_obj)))]
        if p != f or len(f_obj) != n:
            diff = next((i for i, (a, b) in enumerate(zip(p, f)) if a != b), min(len(p), len(f)))
            self.err(f'time table differs: pywellen has {n} entries, fstwave {len(f_obj)}; '
                     f'first difference at index {diff}: pywellen={p[diff:diff + 3]} '
                     f'fstwave={list(f_obj)[diff:diff + 3]}')
        elif list(f_obj) != p:
            self.err('fstwave list(time_table) differs from indexing it')
        if n:
            for i in (-1, -n):
                if not strict_eq(p_obj[i], f_obj[i]):
                    self.err(f'time_table[{i}]: pywellen={p_obj[i]!r} fstwave={f_obj[i]!r}')
        d3 = dev_D3_time_table(p_obj, f_obj, n)
        if d3:
            self.errors.extend(f'{self.label}: D3: {m}' for m in d3)
        else:
            self.rules['D3'] += 1
        self.tt = p
        return p

    # --- hierarchy
    def compare_hierarchy(self):
        ph, fh = self.pw.hierarchy, self.fw.hierarchy
        pe = list(walk_paths(ph, ph.top_scopes(), pw_call))
        fe = list(walk_paths(fh, fh.top_scopes(), fw_call))
        self._compare_walks(pe, fe)
        d6 = dev_D6_identity(self.pw, self.fw)
        if d6:
            self.errors.extend(f'{self.label}: D6: {m}' for m in d6)
        else:
            self.rules['D6'] += 1
        return pe, fe

    def _compare_walks(self, pe, fe):
        for i, (a, b) in enumerate(zip(pe, fe)):
            if a[0] != b[0] or a[1] != b[1]:
                self.err(f'hierarchy walk differs at item {i}: pywellen {a[0]} {a[1]!r}, '
                         f'fstwave {b[0]} {b[1]!r}')
                return
            where = '.'.join(map(str, a[1]))
            if a[0] == 'error':
                self.err(f'{where}: raised {a[2]!r}')
            elif a[0] == 'scope':
                if not strict_eq(a[2], b[2]):
                    self.err(f'scope {where!r} scope_type: pywellen={a[2]!r} fstwave={b[2]!r}')
                pf, ff = pw_call(a[3].full_name, self.pw.hierarchy), b[3].full_name(
                    self.fw.hierarchy)
                if not strict_eq(pf, ff):
                    self.err(f'scope {where!r} full_name: pywellen={pf!r} fstwave={ff!r}')
            else:
                for field, x, y in zip(VAR_FIELDS, a[2], b[2]):
                    if not strict_eq(x, y):
                        self.err(f'var {a[2][1]!r} {field}(): pywellen={short(x)} '
                                 f'fstwave={short(y)}')
            if len(self.errors) > MAX_ERRORS_PER_FILE:
                return
        if len(pe) != len(fe):
            extra = (pe if len(pe) > len(fe) else fe)[min(len(pe), len(fe))]
            self.err(f'hierarchy walk length: pywellen {len(pe)} items, fstwave {len(fe)}; '
                     f'first unmatched: {extra[0]} {extra[1]!r}')

    # --- all_vars
    def compare_all_vars(self):
        ph, fh = self.pw.hierarchy, self.fw.hierarchy
        pv, fv = list(ph.all_vars()), list(fh.all_vars())
        pn = [v.full_name(ph) for v in pv]
        fn = [v.full_name(fh) for v in fv]
        if len(pv) != len(fv):
            self.err(f'all_vars(): pywellen {len(pv)} vars, fstwave {len(fv)}')
        for i, (a, b) in enumerate(zip(pn, fn)):
            if a != b:
                self.err(f'all_vars()[{i}] full_name: pywellen={a!r} fstwave={b!r}')
                break
        else:
            for a, b in zip(pv, fv):
                ra, rb = var_record(a, ph, pw_call), var_record(b, fh, fw_call)
                for field, x, y in zip(VAR_FIELDS, ra, rb):
                    if not strict_eq(x, y):
                        self.err(f'all_vars() var {ra[1]!r} {field}(): pywellen={short(x)} '
                                 f'fstwave={short(y)}')
        refs = [v.signal_ref() for v in fv]
        if refs != sorted(set(refs)):
            self.err(f'all_vars() signal_ref() not strictly ascending: {short(refs)}')
        return pv, fv

    # --- signals
    def compare_signals(self, pv, fv, tt):
        fh = self.fw.hierarchy
        n = len(tt)
        # probe times that are not time-table times: before the first step, between steps
        # (t-1 and t+1 where there is room) and past the end
        others = set()
        for i, t in enumerate(tt):
            if t > 0 and (i == 0 or t - 1 > tt[i - 1]):
                others.add(t - 1)
            if i + 1 < n and t + 1 < tt[i + 1]:
                others.add(t + 1)
        others |= {tt[-1] + 1, tt[-1] + 1000, U64_MAX} if n else {0, 1, U64_MAX}
        others = sorted(others)
        between = [t for t in others if n and t < tt[-1]]  # the domain of D1
        past = [t for t in others if not (n and t < tt[-1])]
        # pywellen's value_at_time(t) is value_at_idx(binary_search(tt, t)) (lib.rs); the
        # model saves pywellen calls on big files and is checked against real pywellen calls
        # on every ``stride``-th var (every var unless the file is big)
        vt_map = [bisect.bisect_left(tt, t) for t in tt]
        vt_prev = [bisect.bisect_right(tt, t) - 1 for t in tt]
        vb_map = [bisect.bisect_left(tt, t) for t in between]
        vp_map = [bisect.bisect_left(tt, t) for t in past]
        # D1: index into [None] + value_at_idx list of the last step at or before t
        vb_prev = [bisect.bisect_right(tt, t) for t in between]
        stride = max(1, -(-len(pv) * (n + len(others)) // 3_000_000))
        probes = (range(n + 2), vt_map, vt_prev, between, vb_map, vb_prev, past, vp_map)
        for no, (a, b) in enumerate(zip(pv, fv)):
            name = b.full_name(fh)
            before = len(self.errors)
            if b.var_type() == 'Port' and self.rule(
                    'U1', undocumented_U1_port_values(b, self.fw.get_signal(b))):
                continue
            try:
                self._compare_signal(name, a.var_type(), self.pw.get_signal(a),
                                     self.fw.get_signal(b), tt, probes, no % stride == 0)
            except Exception as exc:  # an fstwave call raised
                self.err(f'{name}: fstwave raised {type(exc).__name__}: {exc}')
            if len(self.errors) - before > MAX_ERRORS_PER_VAR:
                del self.errors[before + MAX_ERRORS_PER_VAR:]
                self.errors.append(f'{self.label}: {name}: ... more differences')
            if len(self.errors) > MAX_ERRORS_PER_FILE:
                break
        if pv and fv:
            d10 = dev_D10_signal_cache(self.pw, self.fw, pv[0], fv[0])
            if d10:
                self.errors.extend(f'{self.label}: D10: {m}' for m in d10)
            else:
                self.rules['D10'] += 1

    def _compare_signal(self, name, var_type, ps, fs, tt, probes, call_pywellen):
        n = len(tt)
        idxs, vt_map, vt_prev, between, vb_map, vb_prev, past, vp_map = probes
        is_event = var_type == 'Event'

        def pw_values(fn, args):
            vals = pw_map(fn, args)
            if is_event:  # D4: pywellen panics on event values, fstwave gives ""
                vals = [dev_D4_event(var_type, p) for p in vals]
                if any(p == '' for p in vals):
                    self.rules['D4'] += 1
            return vals

        # value_at_idx at every index, one past the end and two past
        p_idx = pw_values(ps.value_at_idx, idxs)
        f_idx = fw_map(fs.value_at_idx, idxs)
        f_ch = list(fs.all_changes())
        f_times = [c[0] for c in f_ch]
        # all_changes
        p_ch = pw_call(lambda: list(ps.all_changes()))
        if isinstance(p_ch, PyRaised):
            why = dev_D4_event_changes(p_ch.exc, f_ch, tt, f_idx) if is_event else ''
            if not (is_event and self.rule('D4', why)):
                self.err(f'{name}: pywellen all_changes() raised {p_ch!r}; fstwave gave '
                         f'{short(f_ch)} {why}')
        else:
            self._compare_changes(name, p_ch, f_ch, is_event)
        self._check_fstwave_changes(name, f_ch, f_times, is_event, tt, f_idx)
        if not lists_strict_eq(p_idx, f_idx):
            for i in idxs:
                p, f = p_idx[i], f_idx[i]
                if strict_eq(p, f):
                    continue
                if n and self.rule('D2', dev_D2_glitch_step(tt[min(i, n - 1)], p, f, f_ch,
                                                            f_times)):
                    continue
                self.err(f'{name}: value_at_idx({i}): pywellen={short(p)} fstwave={short(f)}'
                         f'{self._why(p, f)}')
        # value_at_time at every time-table time
        p_vt = list(map(p_idx.__getitem__, vt_map))
        if call_pywellen:
            self._check_pywellen_model(name, p_vt, pw_values(ps.value_at_time, tt), tt)
        f_vt = fw_map(fs.value_at_time, tt)
        f_own = list(map(f_idx.__getitem__, vt_prev))
        if not lists_strict_eq(f_vt, f_own):  # fstwave's own consistency (matters for D2)
            i = next(i for i, (a, b) in enumerate(zip(f_vt, f_own)) if not strict_eq(a, b))
            self.err(f'{name}: value_at_time({tt[i]}) = {short(f_vt[i])} but '
                     f'value_at_idx({vt_prev[i]}) = {short(f_own[i])}')
        if not lists_strict_eq(p_vt, f_vt):
            for t, p, f in zip(tt, p_vt, f_vt):
                if strict_eq(p, f) or self.rule('D2', dev_D2_glitch_step(t, p, f, f_ch,
                                                                         f_times)):
                    continue
                self.err(f'{name}: value_at_time({t}) (a time-table time): pywellen='
                         f'{short(p)} fstwave={short(f)}{self._why(p, f)}')
        # before the first step and between steps: D1
        p_vb = list(map(p_idx.__getitem__, vb_map))
        if call_pywellen:
            self._check_pywellen_model(name, p_vb, pw_values(ps.value_at_time, between),
                                       between)
        f_vb = fw_map(fs.value_at_time, between)
        # D1 is required of fstwave even where pywellen happens to agree: its value must be
        # its (verified) value_at_idx of the last step at or before t.  p_vb is pywellen's
        # next-step value by construction (checked against real pywellen on sampled vars).
        f_d1 = list(map(([None] + f_idx).__getitem__, vb_prev))
        if not lists_strict_eq(f_vb, f_d1):
            for t, p, f in zip(between, p_vb, f_vb):
                r = dev_D1_value_at_time_between_steps(t, tt, p, f, p_idx, f_idx)
                if r is None:
                    continue
                if strict_eq(p, f):
                    r = f'fstwave agrees with pywellen but not with D1: {r}'
                self.err(f'{name}: value_at_time({t}) (between steps): pywellen='
                         f'{short(p)} fstwave={short(f)} ({r}){self._why(p, f)}')
        elif not lists_strict_eq(p_vb, f_vb):
            self.rules['D1'] += 1
        # past the end (and anything when the time table is empty)
        p_vp = list(map(p_idx.__getitem__, vp_map))
        if call_pywellen:
            self._check_pywellen_model(name, p_vp, pw_values(ps.value_at_time, past), past)
        f_vp = fw_map(fs.value_at_time, past)
        if not lists_strict_eq(p_vp, f_vp):
            for t, p, f in zip(past, p_vp, f_vp):
                if strict_eq(p, f):
                    continue
                r = dev_D2_glitch_step(t, p, f, f_ch, f_times) if n else 'no time table'
                if self.rule('D2', r):
                    continue
                self.err(f'{name}: value_at_time({t}) (past the end): pywellen={short(p)} '
                         f'fstwave={short(f)} ({r}){self._why(p, f)}')

    def _check_fstwave_changes(self, name, f_ch, f_times, is_event, tt, f_idx):
        """fstwave's own contract where pywellen cannot serve as the reference (D2): no
        change repeats the previous stored value, and where a step holds several changes the
        lookups give the step's last value."""
        vals = [c[1] for c in f_ch]
        if not is_event and any(map(operator.eq, vals, vals[1:])):
            i = next((i for i in range(1, len(vals)) if strict_eq(vals[i - 1], vals[i])), None)
            if i is not None:
                self.err(f'{name}: all_changes()[{i - 1}:{i + 1}] repeats a value: '
                         f'{short(f_ch[i - 1:i + 1])}')
        if len(set(f_times)) == len(f_times) or not tt:
            return
        for i, t in enumerate(tt):
            k = bisect.bisect_right(f_times, t) - 1
            want = vals[k] if k >= 0 else None
            if not strict_eq(f_idx[i], want):
                self.err(f'{name}: value_at_idx({i}) = {short(f_idx[i])}, but the last change '
                         f'at or before {t} in all_changes() is {short(want)} (D2)')
                return

    def _check_pywellen_model(self, name, model, real, times):
        if not lists_strict_eq(model, real):
            i = next(i for i, (a, b) in enumerate(zip(model, real)) if not strict_eq(a, b))
            self.err(f'{name}: test harness: pywellen value_at_time({times[i]}) = '
                     f'{short(real[i])} but the binary-search model says {short(model[i])}')

    @staticmethod
    def _why(p, f):
        if isinstance(f, FstRaised):
            return f' (fstwave raised {f.exc!r})'
        if isinstance(p, PyRaised):
            return f' (pywellen raised {p.exc!r})'
        return ''

    def _compare_changes(self, name, p_ch, f_ch, is_event):
        if len(p_ch) != len(f_ch) or [c[0] for c in p_ch] != [c[0] for c in f_ch]:
            i = next((i for i, (a, b) in enumerate(zip(p_ch, f_ch)) if a[0] != b[0]),
                     min(len(p_ch), len(f_ch)))
            self.err(f'{name}: all_changes(): pywellen {len(p_ch)} changes, fstwave '
                     f'{len(f_ch)}; first time difference at change {i}: pywellen='
                     f'{short(p_ch[i:i + 2])} fstwave={short(f_ch[i:i + 2])}')
            return
        if not {type(c[0]) for c in f_ch} <= {int} or not all(type(c) is tuple for c in f_ch):
            self.err(f'{name}: all_changes() items are not (int, value) tuples: {short(f_ch)}')
        if lists_strict_eq([c[1] for c in p_ch], [c[1] for c in f_ch]):
            return
        for i, (a, b) in enumerate(zip(p_ch, f_ch)):
            if strict_eq(a[1], b[1]):
                continue
            r = dev_D2_glitch_step_changes(i, p_ch, f_ch, is_event)
            if self.rule('D2', r):
                continue
            self.err(f'{name}: all_changes()[{i}] at time {a[0]}: pywellen={short(a[1])} '
                     f'fstwave={short(b[1])} ({r})')

    # --- D8
    def compare_remove_empty_scopes(self, pw_default_entries):
        """Open both with remove_scopes_with_empty_name=True."""
        import fstwave
        import pywellen
        pw2 = pywellen.Waveform(str(self.path), remove_scopes_with_empty_name=True)
        fw2 = fstwave.Waveform(str(self.path), remove_scopes_with_empty_name=True)
        ph2, fh2 = pw2.hierarchy, fw2.hierarchy
        pe2 = list(walk_paths(ph2, ph2.top_scopes(), pw_call))
        fe2 = list(walk_paths(fh2, fh2.top_scopes(), fw_call))
        strip = [(e[0], e[1], e[2]) for e in pe2]
        if strip != [(e[0], e[1], e[2]) for e in pw_default_entries]:
            self.err('D8 premise: pywellen remove_scopes_with_empty_name changed an FST walk')
        has_empty = any(e[0] == 'scope' and e[1][-1] == '' and e[2] != 'vhdl_array'
                        for e in pe2)
        if not has_empty:
            sub = Comparison(self.label + ' [remove_scopes_with_empty_name]', self.path, pw2,
                             fw2)
            sub._compare_walks(pe2, fe2)
            sub.compare_all_vars()
            self.errors.extend(sub.errors)
            return
        fw1 = fstwave.Waveform(str(self.path))
        errs = dev_D8_remove_empty_scopes(self.label, pe2, fe2, toplevel_var_records(fh2),
                                          toplevel_var_records(fw1.hierarchy))
        # all_vars: same signals in the same order, names with the empty pieces dropped
        p_type = {e[1]: e[2] for e in pe2 if e[0] == 'scope'}
        rename = collections.defaultdict(set)
        for e in pe2:
            if e[0] == 'var':
                kept = [x for j, x in enumerate(e[1][:-1])
                        if x != '' or p_type.get(e[1][:j + 1]) == 'vhdl_array']
                rename[e[2][1]].add('.'.join(kept + [e[1][-1]]))
        pv = [v.full_name(ph2) for v in ph2.all_vars()]
        fvs = list(fh2.all_vars())
        fv = [v.full_name(fh2) for v in fvs]
        if len(pv) != len(fv):
            errs.append(f'{self.label}: D8: all_vars count pywellen {len(pv)} fstwave {len(fv)}')
        for a, b in zip(pv, fv):
            if b not in rename.get(a, {a}):
                errs.append(f'{self.label}: D8: all_vars {a!r} -> expected one of '
                            f'{sorted(rename.get(a, {a}))}, fstwave {b!r}')
                break
        # the signals do not change
        for v1, v2 in zip(fw1.hierarchy.all_vars(), fvs):
            c1 = list(fw1.get_signal(v1).all_changes())
            c2 = list(fw2.get_signal(v2).all_changes())
            if not lists_strict_eq(c1, c2):
                errs.append(f'{self.label}: D8: signal of {v2.full_name(fh2)!r} changes')
                break
        if errs:
            self.errors.extend(errs)
        else:
            self.rules['D8'] += 1

    # --- everything
    def run_all(self, signals=True):
        self.compare_metadata()
        tt = self.compare_time_table()
        pe, _ = self.compare_hierarchy()
        pv, fv = self.compare_all_vars()
        if signals:
            self.compare_signals(pv, fv, tt)
        self.compare_remove_empty_scopes(pe)
        return self
