"""Argument parsing of every method and constructor that takes arguments.

The extension parses them with one parser (python/src/pyfstw_args.c).  A call that does
not bind must raise exactly the TypeError that Python's own parser,
PyArg_ParseTupleAndKeywords of the running interpreter, raises for the same signature.
The reference here is that very function, called through ctypes with the signature
read from each method's documented text signature (``inspect.signature``): parameter
names in order, required ones without default, ``p`` (truth value) where the default is
a bool.  Calls that bind must bind the same way (positional or keyword).
"""
import ctypes
import inspect
from pathlib import Path

import pytest

import fstwave

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / 'build' / 'example.fst'

_parse = ctypes.pythonapi.PyArg_ParseTupleAndKeywords
_parse.restype = ctypes.c_int


def reference_parse(fname, sig, args, kwargs):
    """Binds (args, kwargs) with PyArg_ParseTupleAndKeywords for signature sig.

    Returns None when the call binds; raises what Python's parser raises otherwise."""
    params = list(sig.parameters.values())
    units = ['p' if isinstance(p.default, bool) else 'O' for p in params]
    n_req = sum(p.default is inspect.Parameter.empty for p in params)
    fmt = ''.join(units[:n_req]) + '|' + ''.join(units[n_req:]) + ':' + fname
    kwlist = (ctypes.c_char_p * (len(params) + 1))(*[p.name.encode() for p in params], None)
    slots = [ctypes.c_void_p() if u == 'O' else ctypes.c_int() for u in units]
    _parse(ctypes.py_object(tuple(args)), ctypes.py_object(dict(kwargs)), fmt.encode(), kwlist,
           *[ctypes.byref(s) for s in slots])  # ctypes.pythonapi raises the error it sets
    return None


@pytest.fixture(scope='module')
def objects():
    w = fstwave.Waveform(EXAMPLE)
    h = w.hierarchy
    v = next(h.all_vars())
    s = next(h.top_scopes())
    return w, h, v, s, w.get_signal(v)


def methods(objects):
    """(label, callable, fname, a valid value for each parameter)."""
    w, h, v, s, sig = objects
    out = [('Waveform', fstwave.Waveform, 'Waveform', [str(EXAMPLE), False, False, False, None, 'pywellen-0.20', 0]),
           ('Waveform.load_body', w.load_body, 'load_body', [None]),
           ('Waveform.load_signals', w.load_signals, 'load_signals', [[v], None]),
           ('Waveform.load_signals_multithreaded', w.load_signals_multithreaded,
            'load_signals_multithreaded', [[v], None]),
           ('Waveform.values_at_time', w.values_at_time, 'values_at_time', [[v], 0]),
           ('Signal.changes_between', sig.changes_between, 'changes_between', [0, 1]),
           ('Signal.summary', sig.summary, 'summary', [0, 1, 2]),
           ('Waveform.get_signal', w.get_signal, 'get_signal', [v]),
           ('Waveform.get_signal_from_path', w.get_signal_from_path, 'get_signal_from_path',
            [v.full_name(h)]),
           ('Hierarchy.all_vars', h.all_vars, 'all_vars', [True])]
    for name in ('value_at_time', 'value_at_idx', 'all_changes_after', 'query_signal'):
        out.append(('Signal.' + name, getattr(sig, name), name, [0]))
    for name in ('name', 'full_name', 'vars', 'scopes'):
        out.append(('Scope.' + name, getattr(s, name), name, [h]))
    for name in ('name', 'full_name', 'enum_type', 'vhdl_type_name', 'bitwidth', 'length',
                 'is_real', 'is_string', 'is_bit_vector', 'is_1bit'):
        out.append(('Var.' + name, getattr(v, name), name, [h]))
    return out


def calls(sig, values):
    """Calls of every shape: binding ones and each kind of wrong one."""
    names = list(sig.parameters)
    n = len(names)
    n_req = sum(p.default is inspect.Parameter.empty for p in sig.parameters.values())
    by_name = dict(zip(names, values))
    out = [
        (tuple(values), {}),                          # all positional
        ((), dict(by_name)),                          # all by keyword
        (tuple(values[:n_req]), {}),                  # required only
        (tuple(values) + (values[0],), {}),           # one too many
        ((), dict(by_name, extra=1)),                 # one keyword too many
        ((), {'extra': 1}),                           # only an unknown keyword
        (tuple(values[:1]), {names[0]: values[0]}),   # the first given twice
        (tuple(values[:1]), {'extra': 1}),            # unknown keyword after a positional
        ((), {names[-1]: values[-1]}),                # only the last, by keyword
    ]
    if n > 1:
        out.append((tuple(values[:1]), {names[1]: values[1], 'extra': 1}))
    out.append(((), {}))                              # nothing
    return out


def outcome(fn, args, kwargs):
    try:
        fn(*args, **kwargs)
        return None
    except TypeError as e:
        return str(e)


def test_every_method_has_a_text_signature(objects):
    for label, fn, fname, values in methods(objects):
        sig = inspect.signature(fn)
        assert len(sig.parameters) == len(values), label


@pytest.mark.parametrize('index', range(28))
def test_messages_are_pythons_own(objects, index):
    all_methods = methods(objects)
    assert len(all_methods) == 28
    label, fn, fname, values = all_methods[index]
    sig = inspect.signature(fn)
    checked = 0
    for args, kwargs in calls(sig, values):
        try:
            reference_parse(fname, sig, args, kwargs)
            expected = None
        except TypeError as e:
            expected = str(e)
        got = outcome(fn, args, kwargs)
        assert got == expected, f'{label}(*{args!r}, **{kwargs!r})'
        checked += expected is not None
    assert checked >= 4, label  # the wrong calls were really wrong


def test_conversion_errors_keep_their_order(tmp_path):
    """Truth values are converted in parameter order before the path is opened, as
    PyArg's ``p`` did: a failing __bool__ is raised even when the file is missing."""
    class Bad:
        def __bool__(self):
            raise ValueError('no truth value')

    with pytest.raises(ValueError, match='no truth value'):
        fstwave.Waveform(tmp_path / 'missing.fst', load_body=Bad())
    with pytest.raises(ValueError, match='no truth value'):
        fstwave.Waveform(EXAMPLE).hierarchy.all_vars(Bad())
    with pytest.raises(FileNotFoundError):
        fstwave.Waveform(tmp_path / 'missing.fst', multi_threaded=[], load_body=())
