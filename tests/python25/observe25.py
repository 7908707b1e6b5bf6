"""What a program sees through pywellen 0.25's API, recorded the same way for both modules.

``observe_file(mod, path)`` runs every class, property and method of the pywellen 0.25 API
on one FST file with ``mod`` (``pywellen`` 0.25.7, or ``fstwave.pywellen25``) and returns
a dict {observation key: result}.  Results are plain data (str, int, tuples, lists) with
floats written as ``float.hex`` (so NaN equals NaN and -0.0 differs from 0.0) and an
exception as ``('raised', type name, message)``; a pywellen panic (PanicException, a
BaseException) is recorded the same way.  The differential test compares the two dicts key
by key; the deviations it accepts are in test_differential25.py.

Every stream runs on a fresh Waveform (pywellen 0.25.7 streams nothing for a signal an
earlier stream of the same Waveform included: deviation P4, tested on its own).
"""
import hashlib
import struct

#: signals with more changes than this get every k-th change checked (value_at, var[t])
MAX_CHECKED_CHANGES = 400
#: signals that get every check (more signals: every k-th of them)
MAX_FULL_SIGNALS = 300
#: SignalValues objects kept after their callback returned, per stream
MAX_KEPT_STEPS = 40
#: SignalIds probed in every time step of stream_time_steps
PROBES = 6


def fl(x):
    """A float as comparable data: its hex (NaN by its bits), so NaN equals NaN, -0.0 differs
    from 0.0 and 1.0 differs from the int 1."""
    return ('float', x.hex() if x == x else 'nan' + struct.pack('<d', x).hex())


def plain(x):
    """x as comparable plain data: floats as fl(x), tuples/lists recursively."""
    t = type(x)
    if t is float:
        return fl(x)
    if t is list:
        return [plain(i) for i in x]
    if t is tuple:
        return tuple([plain(i) for i in x])
    return x


def pv(v):
    """A value (int, str or float) as comparable data: the fast path of plain()."""
    return fl(v) if type(v) is float else v


def pairs(lst):
    """A list of (time, value) as comparable data."""
    return [(t, fl(v)) if type(v) is float else (t, v) for t, v in lst]


#: long results are kept as (length, digest, the first HEAD items): equal results give
#: equal summaries, and a difference in the first HEAD items is shown
HEAD = 300


class Rec:
    """A long sequence of records (a stream's callbacks) kept as its summary: add() one
    record at a time, summary() at the end; memory is HEAD records, not the stream."""

    def __init__(self):
        self.n = 0
        self.head = []
        self.buf = []
        self.h = hashlib.blake2b(digest_size=16)

    def add(self, item):
        self.n += 1
        if self.n <= HEAD:
            self.head.append(item)
        self.buf.append(item)
        if len(self.buf) >= 4096:
            self.h.update(repr(self.buf).encode())
            self.buf = []

    def summary(self):
        if self.buf:
            self.h.update(repr(self.buf).encode())
            self.buf = []
        return ('records', self.n, self.h.hexdigest(), self.head)


def summ(lst):
    """A list as its summary when it is long (see Rec)."""
    if not isinstance(lst, list) or len(lst) <= HEAD:
        return lst
    return ('records', len(lst), hashlib.blake2b(repr(lst).encode(), digest_size=16).hexdigest(), lst[:HEAD])


def raised(exc):
    return ('raised', type(exc).__name__, str(exc))


def call(fn, *args):
    """fn(*args) as plain data, or the exception it raised (panics included)."""
    try:
        return plain(fn(*args))
    except BaseException as exc:  # noqa: B036 - pyo3's PanicException is a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return raised(exc)


def call_raw(fn, *args):
    """call() for a result that is plain data already."""
    try:
        return fn(*args)
    except BaseException as exc:  # noqa: B036 - pyo3's PanicException is a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return raised(exc)


def reprs(items):
    return [repr(i) for i in items]


VAR_PROPS = ('name', 'full_name', 'bitwidth', 'size', 'length', 'var_type', 'type', 'enum_type',
             'vhdl_type_name', 'direction', 'is_real', 'is_string', 'is_bit_vector', 'is_1bit')
SCOPE_PROPS = ('name', 'full_name', 'scope_type', 'type')


def _sample(n, limit):
    """Indices 0..n-1, every k-th when n > limit (the last always included)."""
    if n <= limit:
        return list(range(n))
    k = -(-n // limit)
    return sorted(set(range(0, n, k)) | {n - 1})


def observe_hierarchy(w, out):
    out['repr'] = repr(w)
    for prop in ('date', 'version', 'file_format'):
        out[prop] = call(getattr, w, prop)
    ts = w.timescale
    out['timescale'] = None if ts is None else (
        str(ts), repr(ts), ts.factor, str(ts.unit), repr(ts.unit), ts.unit.to_exponent())
    out['scopes()'] = reprs(w.scopes())
    out['vars()'] = reprs(w.vars())
    all_scopes = w.all_scopes()
    all_vars = w.all_vars()
    out['all_scopes()'] = reprs(all_scopes)
    out['all_vars()'] = reprs(all_vars)
    top_items = [s.name for s in w.scopes()] + [v.name for v in w.vars()]
    out['lookup missing'] = [call(lambda n=n: repr(w[n])) for n in
                             ('no_such_item', '', 'no.such.path', '.', (top_items or ['x'])[0] + '.no_such')]
    out['lookup bad type'] = [call(lambda k=k: repr(w[k])) for k in (3, 1.5, b'top', None)]
    for i, s in enumerate(all_scopes):
        key = f'scope {i} {s.full_name}'
        out[key] = [call(getattr, s, p) for p in SCOPE_PROPS] + [
            reprs(s.vars()), reprs(s.scopes()), reprs(s.all_scopes()),
            len(s.all_vars()) if len(all_scopes) > 200 else reprs(s.all_vars()),
            call(lambda: repr(w[s.full_name])), call(lambda: w[s.full_name] == s),
            call(lambda: hash(w[s.full_name]) == hash(s)),
            [call(lambda n=c.name: repr(s[n])) for c in s.scopes() + s.vars()[:20]],
            call(lambda: repr(s['no_such_item'])), call(lambda: repr(s[7]))]
    for i, v in enumerate(all_vars):
        key = f'var {i} {v.full_name}'
        out[key] = [call(getattr, v, p) for p in VAR_PROPS] + [
            str(v.signal_id), str(v.signal_ref), repr(v),
            call(lambda: repr(w[v.full_name])), call(lambda: w[v.full_name] == v),
            call(lambda: hash(w[v.full_name]) == hash(v)),
            call(lambda: repr(w[v.full_name + '[0]'])), call(lambda: repr(w[v.full_name + '.x']))]
    return all_vars


def observe_signal(v, out, key):
    """Everything Signal and var[time] show for var v."""
    sig = v.signal
    n = len(sig)
    obs = {'len': n, 'items': call_raw(lambda: summ(pairs(sig[:]))), 'list': call_raw(lambda: summ(pairs(list(sig)))),
           'bool': bool(sig)}
    for name, k in (('[0]', 0), ('[-1]', -1), ('[n]', n), ('[-n-1]', -n - 1), ('[-n]', -n),
                    ('[n//2]', n // 2), ('[True]', True)):
        obs[name] = call(sig.__getitem__, k)
    for name, sl in (('[1::2]', slice(1, None, 2)), ('[-3:]', slice(-3, None)),
                     ('[::3]', slice(None, None, 3)), ('[2:-1]', slice(2, -1)),
                     ('[:n+5]', slice(None, n + 5)), ('[-n-9:2]', slice(-n - 9, 2)),
                     ('[::-1]', slice(None, None, -1)), ('[5:2]', slice(5, 2)),
                     ('[::0]', slice(None, None, 0)), ('[1:1]', slice(1, 1))):
        obs[name] = call(sig.__getitem__, sl)
    obs['bad key'] = [call(sig.__getitem__, k) for k in ('a', 1.0, 2 ** 70, None)]
    times = sorted({t for t, _ in (sig[i] for i in _sample(n, MAX_CHECKED_CHANGES))}) if n else []
    probe = {0, 1, 2 ** 64 - 1}
    for t in times:
        probe.update((t, t + 1, max(t - 1, 0)))
    probe = sorted(probe)
    obs['value_at'] = [(t, call(sig.value_at, t)) for t in probe]
    obs['var[t]'] = [(t, call(v.__getitem__, t)) for t in probe if t < 2 ** 63] + [
        (t, call(v.__getitem__, t)) for t in (-1, -5)]
    obs['value_at bad'] = [call(sig.value_at, -1)[:2], call(sig.value_at, 'a')[:2]]
    obs['tv'] = call_raw(lambda: summ(pairs(v.tv[:])) if len(v.tv) else len(v.tv))
    out[key] = obs


def observe_file(mod, path, signals=True, streams=True):
    out = {}
    w = mod.Waveform(str(path))
    all_vars = observe_hierarchy(w, out)
    if signals:
        first = {}  # signal id -> index of its first var
        for i, v in enumerate(all_vars):
            first.setdefault(str(v.signal_id), i)
        # on files with many signals every k-th signal gets every check, the others their
        # length and their first and last change (the file is never skipped)
        k = max(1, -(-len(first) // MAX_FULL_SIGNALS))
        full = set(sorted(first.values())[::k])
        for i, v in enumerate(all_vars):
            sid = str(v.signal_id)
            if i in full:
                observe_signal(v, out, f'signal {sid} var {i} {v.full_name}')
            elif first[sid] == i or i % 50 == 0:
                sig = v.signal
                out[f'signal {sid} of var {i}'] = (len(sig), call(sig.__getitem__, 0), call(sig.__getitem__, -1))
    if streams:
        observe_streams(mod, path, out)
    return out


def _changes(mod, path, include):
    w = mod.Waveform(str(path))
    got = Rec()
    res = call_raw(w.stream_changes, lambda t, s, val: got.add((t, str(s), pv(val))), include)
    return w, (res, got.summary())


def _time_steps(mod, path, include, probe_idx):
    w = mod.Waveform(str(path))
    vs = w.all_vars()
    probes = [vs[i].signal_id for i in probe_idx]
    got, kept = Rec(), []

    def cb(t, vals, changed):
        n = got.n
        got.add((t, [str(c) for c in changed], [pv(vals[c]) for c in changed],
                    [pv(vals[p]) for p in probes] if n < 2000 or n % 97 == 0 else None,
                    repr(vals) if n < 10 else None, type(changed).__name__ if n < 10 else None))
        if n % 3 == 1 and len(kept) < MAX_KEPT_STEPS:
            kept.append((n, vals, changed))

    res = call_raw(w.stream_time_steps, cb, include)
    # kept SignalValues still give the values of their own time step
    later = [(i, [pv(vals[c]) for c in changed], [pv(vals[p]) for p in probes])
             for i, vals, changed in kept]
    return w, (res, got.summary(), later)


def registry(w):
    """waveform[signal_id] for every signal of w (once per signal), each var as its
    position in all_vars() (several vars can have one full name)."""
    all_vars = w.all_vars()
    pos = {v: i for i, v in reversed(list(enumerate(all_vars)))}
    seen, out = set(), []
    for v in all_vars:
        sid = v.signal_id
        if str(sid) not in seen:
            seen.add(str(sid))
            out.append((str(sid), [(pos.get(x), repr(x)) for x in w[sid]]))
    return out


def observe_streams(mod, path, out):
    w = mod.Waveform(str(path))
    all_vars = w.all_vars()
    names = [v.full_name for v in all_vars]
    probe_idx = sorted({*range(min(PROBES // 2, len(names))), *range(max(0, len(names) - PROBES // 2), len(names))})
    # every signal
    w1, out['stream_changes(None)'] = _changes(mod, path, None)
    out['registry after stream(None)'] = registry(w1)
    w2, out['stream_time_steps(None)'] = _time_steps(mod, path, None, probe_idx)
    out['registry after time steps(None)'] = registry(w2)
    # a selection by Var objects and by names, with names that name no var
    scope_names = [s.full_name for s in w.all_scopes()[:2]]

    def include_of(wx):
        vs = wx.all_vars()
        return ([vs[i] for i in range(0, len(vs), 3)] + [vs[i].full_name for i in range(1, len(vs), 5)]
                + ['no.such.var', ''] + scope_names)

    wi = mod.Waveform(str(path))
    got = Rec()
    out['stream_changes(include)'] = (
        call_raw(wi.stream_changes, lambda t, s, val: got.add((t, str(s), pv(val))), include_of(wi)),
        got.summary())
    out['registry after include'] = registry(wi)
    wt = mod.Waveform(str(path))
    steps = Rec()
    out['stream_time_steps(include)'] = (
        call_raw(wt.stream_time_steps, lambda t, vals, ch: steps.add(
            (t, [str(c) for c in ch], [pv(vals[c]) for c in ch])), include_of(wt)), steps.summary())
    _, out['stream_changes([])'] = _changes(mod, path, [])
    if names:
        _, out['stream_changes(last var)'] = _changes(mod, path, [names[-1]])
        _, out['stream_time_steps(first var)'] = _time_steps(mod, path, [all_vars[0]], probe_idx)
    # errors of the arguments
    we = mod.Waveform(str(path))
    out['stream errors'] = [
        call(we.stream_changes, lambda *a: None),
        call(we.stream_changes, lambda *a: None, 'top.clk'),
        call(we.stream_changes, lambda *a: None, [3]),
        call(we.stream_changes, lambda *a: None, (n for n in names[:1])),
        call(we.stream_time_steps, lambda *a: None),
    ]
