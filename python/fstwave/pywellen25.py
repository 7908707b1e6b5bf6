"""fstwave.pywellen25: pywellen 0.25's API on FST files, over fstwave's C core.

A drop-in for pywellen 0.25.x (the vcdvcd-style API of June 2026): code written
for it runs unchanged with ``import fstwave.pywellen25 as pywellen``::

    import fstwave.pywellen25 as pywellen

    w = pywellen.Waveform("dump.fst")
    clk = w["top.clk"]                 # a Var (or a Scope) by its full name
    print(clk.signal[:6], clk[100])    # (time, value) changes; the value at time 100
    w.stream_changes(lambda t, sid, value: print(t, sid, value), [clk])

The classes are those of pywellen 0.25.7 (``pywellen/src/lib.rs`` at wellen's tag
v0.25.5): Waveform (and the function WaveformStream), Scope, Var, Signal,
SignalId, SignalValues, Timescale and TimescaleUnit.  They are a thin layer over
the objects of ``fstwave`` (the same open file, the same loaded signals); the
rules come from the C core: the name lookup (``fstw_lookup_item``), the walk
order of all_vars()/all_scopes(), the values, and the stream order
(``fstw_stream_*``).  Times are integers in the file's timescale units.

Values: int for a bit vector whose value has only 0/1 states (a loaded signal
decides per signal, a stream per value, as pywellen), str (MSB first, lowercase
``x z h u w l -``) for other bit vectors, float for reals, str for strings, ``""``
for events.

Where this module differs from pywellen 0.25.7 (each difference fixes a crash
or a result that contradicts the file; fstwave/docs/api.md section 6.3 lists
them with the files that show them, tests/python25/test_differential25.py
checks them):
P1 files and values pywellen panics on or cannot read are read (as fstwave's
deviations D5 and D9 of fstwave/docs/api.md);
P2 FST files only (as D7 of fstwave/docs/api.md); P3 SignalId, Timescale and
TimescaleUnit compare and hash by value; P4 every stream streams all the signals
it includes (pywellen 0.25.7 streams nothing for a signal an earlier stream of
the same Waveform included); P5 ``w[signal_id]`` lists each var once; P6 OSError
subclasses and FstError instead of PanicException and RuntimeError (as D5 of
fstwave/docs/api.md); P7 FST port vars are read as the file holds them.  Paths
may also be ``os.PathLike``.
"""

import collections.abc
import os

from . import _fstwave
from ._fstwave import Timescale, TimescaleUnit
from ._fstwave import SignalId, SignalValues

__all__ = [
    "Scope",
    "Signal",
    "SignalId",
    "SignalValues",
    "Timescale",
    "TimescaleUnit",
    "Var",
    "Waveform",
    "WaveformStream",
]

_ITEM_SCOPE = 1
_ITEM_VAR = 2
_STREAM_ONLY_MSG = "Cannot access signals directly, since the waveform is in stream only mode."


class _Shared:
    """What every object of one open file shares (pywellen's SharedWaves): the
    fstwave.Waveform (the open file and its signal cache), its Hierarchy, the
    path as given, stream_only, and the registry of the vars that streams
    included (for ``waveform[signal_id]``)."""

    __slots__ = ("wf", "h", "path", "stream_only", "registered", "all_registered", "vars_of_signal")

    def __init__(self, wf, path, stream_only):
        self.wf = wf
        self.h = wf.hierarchy
        self.path = path
        self.stream_only = stream_only
        self.registered = {}  # signal ref -> [fstwave.Var], in registration order
        self.all_registered = False
        self.vars_of_signal = None  # signal ref -> [fstwave.Var] in all_vars order, made on need

    def register(self, var20):
        """Registers a var that a stream includes (pywellen's SignalToVarMap.insert)."""
        if self.all_registered:
            return  # every var is registered already
        lst = self.registered.setdefault(var20.signal_ref(), [])
        if var20 not in lst:
            lst.append(var20)

    def registered_vars(self, ref):
        """The vars registered for signal ``ref``: those registered one by one first,
        then (after a stream of all signals) the others in all_vars() order."""
        lst = self.registered.get(ref, [])
        if not self.all_registered:
            return list(lst)
        if self.vars_of_signal is None:
            by_ref = {}
            for v in _fstwave._all_items(self.h, None, _ITEM_VAR):
                by_ref.setdefault(v.signal_ref(), []).append(v)
            self.vars_of_signal = by_ref
        return lst + [v for v in self.vars_of_signal.get(ref, ()) if v not in lst]

    def signal(self, var20):
        """The loaded fstwave.Signal of var20 (cached by fstwave.Waveform: the same object
        while held, the recent ones kept up to its signal_cache_bytes)."""
        if self.stream_only:
            raise RuntimeError(_STREAM_ONLY_MSG)
        return self.wf.get_signal(var20)


def _item(shared, obj):
    """A Var or Scope of this module for a fstwave.Var or fstwave.Scope."""
    if isinstance(obj, _fstwave.Var):
        return Var._make(shared, obj)
    return Scope._make(shared, obj)


def _lookup(shared, scope20, name):
    """pywellen 0.25's ``[name]`` lookup (fstw_lookup_item) from the top level
    (scope20 None) or inside a scope; KeyError naming the top-level items, as
    pywellen's message does (also for a lookup inside a scope)."""
    found = _fstwave._lookup_item(shared.h, scope20, name)
    if found is None:
        names = ", ".join(i.name(shared.h) for i in _fstwave._scope_items(shared.h, None))
        raise KeyError(f"Failed to find `{name}`. Did you mean: {names}")
    return _item(shared, found)


class Scope:
    """A scope of the hierarchy (pywellen 0.25's Scope).

    ``scope["b.c"]`` looks a var or scope up below it (wellen's longest-prefix
    lookup; KeyError when none).  Two Scope objects compare and hash equal when
    they denote the same scope of the same open file.  Not constructible."""

    __slots__ = ("_w", "_s")

    def __init__(self, *args, **kwargs):
        raise TypeError("cannot create 'Scope' instances")

    @classmethod
    def _make(cls, shared, scope20):
        self = object.__new__(cls)
        self._w = shared
        self._s = scope20
        return self

    @property
    def name(self):
        """The scope's own name (str)."""
        return self._s.name(self._w.h)

    @property
    def full_name(self):
        """The names from the top down to this scope joined with '.' (str)."""
        return self._s.full_name(self._w.h)

    @property
    def scope_type(self):
        """pywellen's scope type name: 'module', 'task', ..., 'vhdl_array', 'unknown'."""
        return self._s.scope_type()

    @property
    def type(self):
        """The same as scope_type."""
        return self._s.scope_type()

    def all_vars(self):
        """Every var below this scope (at all levels), depth first in declaration order (list of Var)."""
        w = self._w
        return [Var._make(w, v) for v in _fstwave._all_items(w.h, self._s, _ITEM_VAR)]

    def vars(self):
        """The vars directly in this scope, in declaration order (list of Var)."""
        w = self._w
        return [Var._make(w, v) for v in self._s.vars(w.h)]

    def all_scopes(self):
        """Every scope below this scope (at all levels; a scope after the scopes inside
        it, as wellen 0.25 walks them), not this one (list of Scope)."""
        w = self._w
        return [Scope._make(w, s) for s in _fstwave._all_items(w.h, self._s, _ITEM_SCOPE)]

    def scopes(self):
        """The scopes directly in this scope, in declaration order (list of Scope)."""
        w = self._w
        return [Scope._make(w, s) for s in self._s.scopes(w.h)]

    def __getitem__(self, name):
        """The Var or Scope that ``name`` (a str: a name or dotted path below this
        scope) denotes; KeyError("Failed to find `name`. Did you mean: <top-level
        items>") when none, TypeError for a non-str."""
        if not isinstance(name, str):
            raise TypeError(f"argument 'name': '{type(name).__name__}' object is not an instance of 'str'")
        return _lookup(self._w, self._s, name)

    def __eq__(self, other):
        if not isinstance(other, Scope):
            return NotImplemented
        return self._s == other._s

    def __hash__(self):
        return hash(self._s)

    def __repr__(self):
        return f"Scope({self.full_name})"


class Var:
    """A variable of the hierarchy (pywellen 0.25's Var).

    ``var.signal`` (also ``var.tv``) is its loaded Signal; ``var[time]`` its value
    at ``time`` (IndexError before its first change).  Two Var objects compare
    and hash equal when they denote the same var of the same open file.  Not
    constructible."""

    __slots__ = ("_w", "_v")

    def __init__(self, *args, **kwargs):
        raise TypeError("cannot create 'Var' instances")

    @classmethod
    def _make(cls, shared, var20):
        self = object.__new__(cls)
        self._w = shared
        self._v = var20
        return self

    @property
    def name(self):
        """The var's own name (str; a trailing bit range is split off, as wellen does)."""
        return self._v.name(self._w.h)

    @property
    def full_name(self):
        """The names of its scopes and its own joined with '.' (str)."""
        return self._v.full_name(self._w.h)

    @property
    def bitwidth(self):
        """Bits of a bit vector (0 for an event), None for reals and strings."""
        return self._v.bitwidth()

    @property
    def size(self):
        """The same as bitwidth."""
        return self._v.bitwidth()

    @property
    def length(self):
        """The same as bitwidth."""
        return self._v.length()

    @property
    def var_type(self):
        """pywellen's var type name: 'Wire', 'Reg', 'Logic', ... (str)."""
        return self._v.var_type()

    @property
    def type(self):
        """The same as var_type."""
        return self._v.var_type()

    @property
    def enum_type(self):
        """``(name, [(value, literal), ...])`` of its enum table, or None."""
        return self._v.enum_type(self._w.h)

    @property
    def vhdl_type_name(self):
        """The VHDL type name the file gives it, or None."""
        return self._v.vhdl_type_name(self._w.h)

    @property
    def direction(self):
        """'Implicit', 'Input', 'Output', 'InOut', 'Buffer' or 'Linkage'."""
        return self._v.direction()

    @property
    def is_real(self):
        return self._v.is_real(self._w.h)

    @property
    def is_string(self):
        return self._v.is_string(self._w.h)

    @property
    def is_bit_vector(self):
        """True for bit vectors, events too (wellen 0.25 encodes an event as a bit vector
        of width 0; the core's rule with pywellen 0.25's hierarchy)."""
        return self._v.is_bit_vector(self._w.h)

    @property
    def is_1bit(self):
        return self._v.is_1bit(self._w.h)

    @property
    def signal_id(self):
        """The SignalId of its signal (aliases share one)."""
        return _fstwave._signal_id(self._v.signal_ref())

    @property
    def signal_ref(self):
        """The same as signal_id."""
        return _fstwave._signal_id(self._v.signal_ref())

    @property
    def signal(self):
        """Its Signal, loaded on first use and kept by the Waveform (as pywellen 0.25).
        RuntimeError for a Waveform opened by WaveformStream; FstError/OSError when the
        file's data cannot be read."""
        return Signal._make(self._w.signal(self._v))

    @property
    def tv(self):
        """The same as signal (vcdvcd's name)."""
        return Signal._make(self._w.signal(self._v))

    def __getitem__(self, time):
        """The value at ``time`` (timescale units; an int; a negative one counts as
        2**64 + time, as pywellen's cast does), as ``signal.value_at(time)``;
        IndexError("No change yet at T") before the first change."""
        t = _index(time, "time")
        sig = self._w.signal(self._v)
        value = sig.value_at_time(t if t >= 0 else t + (1 << 64))
        if value is None:
            raise IndexError(f"No change yet at {t}")
        return value

    def __eq__(self, other):
        if not isinstance(other, Var):
            return NotImplemented
        return self._v == other._v

    def __hash__(self):
        return hash(self._v)

    def __repr__(self):
        return f"Var({self.full_name})"


_ISIZE_MIN = -(1 << 63)
_ISIZE_MAX = (1 << 63) - 1


def _index(obj, argname):
    """obj as a Rust isize argument (pyo3's rules and messages)."""
    try:
        i = obj.__index__()
    except AttributeError:
        raise TypeError(f"argument '{argname}': '{type(obj).__name__}' object cannot be "
                        f"interpreted as an integer") from None
    if not _ISIZE_MIN <= i <= _ISIZE_MAX:
        raise OverflowError("Python int too large to convert to C long")
    return i


class Signal:
    """The changes of one signal (pywellen 0.25's Signal), loaded from the file.

    ``len(signal)`` is the number of stored changes; ``signal[i]`` the ``(time,
    value)`` of change i (negative i counts from the end; IndexError out of
    range); ``signal[a:b:c]`` a list of them (NotImplementedError for negative
    steps and empty slices, as pywellen); ``value_at(time)`` the value at
    ``time``.  Not constructible."""

    __slots__ = ("_s",)

    def __init__(self, *args, **kwargs):
        raise TypeError("cannot create 'Signal' instances")

    @classmethod
    def _make(cls, sig20):
        self = object.__new__(cls)
        self._s = sig20
        return self

    def __len__(self):
        return len(self._s)

    def __getitem__(self, key):
        return _fstwave._signal_getitem(self._s, key)

    def __iter__(self):
        return self._s.all_changes()

    def value_at(self, time):
        """The value in force at ``time`` (timescale units; the last change at or before
        it, the settled one when a time step has several), or None before the first
        change.  OverflowError for a negative time, TypeError for a non-int."""
        return self._s.value_at_time(time)


class Waveform:
    """An open FST waveform file (pywellen 0.25's Waveform).

    ``Waveform(path, multi_threaded=True, remove_scopes_with_empty_name=True,
    stream_only=False)`` reads the header and the hierarchy; signals are read
    on first use.  ``w["a.b.c"]`` is the Var or Scope of that full name (KeyError
    when none); ``w[signal_id]`` the vars an earlier stream of this Waveform
    included for that signal.  ``remove_scopes_with_empty_name`` has no effect on
    FST files (as in pywellen 0.25.7).  Raises FileNotFoundError/OSError when
    the file cannot be read and fstwave.FstError (a RuntimeError) when it is
    not an FST file or is malformed (pywellen panics or raises RuntimeError).
    ``signal_cache_bytes`` (an fstwave extension, keyword only) is passed to the
    fstwave.Waveform underneath: the byte budget of its cache of recent signals
    (deviation D10, fstwave/docs/api.md; ValueError when negative)."""

    __slots__ = ("_w", "__weakref__")

    def __init__(self, path, multi_threaded=True, remove_scopes_with_empty_name=True, stream_only=False, *,
                 signal_cache_bytes=None):
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"argument 'path': '{type(path).__name__}' object is not an instance of 'str'")
        # remove_scopes_with_empty_name: wellen applies it to VCD files only
        wf = _fstwave.Waveform(path, multi_threaded=bool(multi_threaded), remove_scopes_with_empty_name=False,
                               load_body=False, hierarchy="pywellen-0.25", signal_cache_bytes=signal_cache_bytes)
        self._w = _Shared(wf, path, bool(stream_only))

    def __getitem__(self, key):
        w = self._w
        if isinstance(key, str):
            return _lookup(w, None, key)
        if isinstance(key, SignalId):
            return [Var._make(w, v) for v in w.registered_vars(_fstwave._signal_id_ref(key))]
        raise TypeError("Unsupported type. Expected str or SignalId.")

    def all_vars(self):
        """Every var of the design (aliases too), depth first in declaration order (list of Var)."""
        w = self._w
        return [Var._make(w, v) for v in _fstwave._all_items(w.h, None, _ITEM_VAR)]

    def vars(self):
        """The top-level vars (list of Var)."""
        w = self._w
        return [Var._make(w, i) for i in _fstwave._scope_items(w.h, None) if isinstance(i, _fstwave.Var)]

    def all_scopes(self):
        """Every scope of the design, a scope after the scopes inside it (list of Scope)."""
        w = self._w
        return [Scope._make(w, s) for s in _fstwave._all_items(w.h, None, _ITEM_SCOPE)]

    def scopes(self):
        """The top-level scopes (list of Scope)."""
        w = self._w
        return [Scope._make(w, s) for s in w.h.top_scopes()]

    @property
    def date(self):
        """The date string of the file's header."""
        return self._w.h.date()

    @property
    def version(self):
        """The version string of the file's header (the writer)."""
        return self._w.h.version()

    @property
    def timescale(self):
        """The Timescale (factor and unit), or None when the file has none."""
        return self._w.h.timescale()

    @property
    def file_format(self):
        """'FST'."""
        return self._w.h.file_format()

    def _include(self, include):
        """The signal refs to stream for ``include`` (None: all), registering the
        vars for ``waveform[signal_id]`` (pywellen's create_filter)."""
        w = self._w
        if include is None:
            w.all_registered = True
            return None
        if isinstance(include, str):
            raise TypeError("argument 'include': Can't extract `str` to `Vec`")
        if not isinstance(include, collections.abc.Sequence):
            raise TypeError(f"argument 'include': '{type(include).__name__}' object is not an instance of 'Sequence'")
        items = list(include)
        for item in items:
            if not isinstance(item, (Var, str)):
                raise TypeError("argument 'include': failed to convert the value to "
                                "'Union[pywellen::Var, alloc::string::String]'")
        refs, seen = [], set()
        for item in items:
            if isinstance(item, Var):
                var20 = item._v
            else:
                found = _fstwave._lookup_item(w.h, None, item)
                if not isinstance(found, _fstwave.Var):
                    continue  # a name that is not a var is left out, as pywellen does
                var20 = found
            ref = var20.signal_ref()
            if ref not in seen:
                seen.add(ref)
                refs.append(ref)
            w.register(var20)
        return refs

    def stream_changes(self, callback, include):
        """Calls ``callback(time, signal_id, value)`` for every change of the included
        signals in one pass over the file in time order (memory bounded by one block):
        every change the file holds, also a value equal to the previous one.
        ``include``: a list of Var or full names (names that name no var are left
        out), or None for every signal; required, as in pywellen 0.25.7.  An
        exception raised by the callback stops the stream and propagates."""
        refs = self._include(include)
        _fstwave._stream(self._w.wf, callback, refs, False)

    def stream_time_steps(self, callback, include):
        """Calls ``callback(time, values, changed)`` once per time step in which an
        included signal changed value (or had an event), in time order, in one pass
        over the file: ``values`` is a SignalValues (``values[signal_id]``: the
        signal's latest value), ``changed`` the list of SignalId that changed in the
        step.  ``include`` as for stream_changes."""
        refs = self._include(include)
        _fstwave._stream(self._w.wf, callback, refs, True)

    def __repr__(self):
        w = self._w
        return f"{'WaveformStream' if w.stream_only else 'Waveform'}({os.fspath(w.path)})"


def WaveformStream(path, multi_threaded=True, remove_scopes_with_empty_name=True):
    """A Waveform for streaming only (pywellen 0.25's WaveformStream): its vars'
    signals cannot be loaded (``var.signal``, ``var.tv`` and ``var[time]`` raise
    RuntimeError); stream_changes and stream_time_steps work."""
    return Waveform(path, multi_threaded, remove_scopes_with_empty_name, True)
