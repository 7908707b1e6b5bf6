"""fstwave: fast, robust reading of FST waveform files.

A drop-in replacement for pywellen 0.20.5 on FST files: code written for
pywellen 0.20.x runs unchanged with ``import fstwave as pywellen``.  The work
is done by a C core (no Rust, no libfst reader); this package is its CPython
binding.

Quick start::

    import fstwave

    w = fstwave.Waveform("dump.fst")
    h = w.hierarchy
    for var in h.all_vars():
        sig = w.get_signal(var)
        print(var.full_name(h), len(sig), sig.value_at_time(100))

All times are integers in the file's timescale units (``h.timescale()``).

Classes: Waveform (the only constructible one), Hierarchy, Scope, ScopeIter,
Var, VarIter, VarIndex, Signal, SignalChangeIter, TimeTable, Timescale,
TimescaleUnit and QueryResult; the exception FstError (a RuntimeError) is
raised for files that are not FST files or are corrupt.

For waveform viewers (fstwave/docs/api.md section 2.7, beyond pywellen): Signal.changes_between
(a Changes of bulk arrays), Signal.summary (a Summary of equal slices),
Waveform.values_at_time (cursor values), ``progress=`` on the long calls (an
exception raised in it, or Ctrl-C, cancels them), Waveform.close() and ``with``.
Memory (deviation D10 in fstwave/docs/api.md): a Signal stays the same object while the program holds it,
and the most recent signals are kept up to ``Waveform(..., signal_cache_bytes=N)``;
``Waveform.signal_cache_stats()`` and ``fstwave.memory_stats()`` report them.
The arrays (class Array) implement the buffer protocol: ``numpy.asarray`` wraps
them without a copy (NumPy is optional: ``pip install fstwave[numpy]``)::

    with fstwave.Waveform("dump.fst") as w:
        sig = w.get_signal_from_path("top.clk")
        win = sig.changes_between(0, 1000)       # times, values: uint64 arrays
        pix = sig.summary(0, w.time_range[1], 2000)  # one slice per pixel
        at = w.values_at_time(list(w.hierarchy.all_vars())[:50], 500)

Behaviour follows pywellen 0.20.5 except for ten deliberate deviations, D1-D10
(fstwave/docs/api.md): value lookups between time steps, several changes in one
step, TimeTable sequence semantics, event values, OSError/FstError instead of
panics, value equality of Var and Scope, FST only, removal of empty-named
scopes, lossy UTF-8 names, and a per-Waveform signal cache.

Documentation ships inside this package, in its ``docs`` folder
(``fstwave/docs/``; ``docs/`` in the repository): ``api.md`` describes the
classes in Python and Node.js, the extensions over pywellen 0.20.5 and each
deviation with its reason; ``dump-format.md`` specifies the output of
``fstwave dump``.
"""

from ._fstwave import (
    Array,
    Changes,
    FstError,
    Hierarchy,
    QueryResult,
    Scope,
    ScopeIter,
    Signal,
    SignalChangeIter,
    Summary,
    TimeTable,
    Timescale,
    TimescaleUnit,
    Var,
    VarIndex,
    VarIter,
    Waveform,
    memory_stats,
)

__version__ = "0.1.0"

__all__ = [
    "Array",
    "Changes",
    "FstError",
    "Hierarchy",
    "QueryResult",
    "Scope",
    "ScopeIter",
    "Signal",
    "SignalChangeIter",
    "Summary",
    "TimeTable",
    "Timescale",
    "TimescaleUnit",
    "Var",
    "VarIndex",
    "VarIter",
    "Waveform",
    "__version__",
    "memory_stats",
]
