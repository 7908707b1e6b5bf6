"""Type stubs of fstwave (the classes are implemented in fstwave._fstwave)."""

import os
import sys
from typing import (
    Any,
    Callable,
    ClassVar,
    Dict,
    Iterable,
    Iterator,
    List,
    Literal,
    Optional,
    Tuple,
    TypedDict,
    Union,
    final,
    overload,
)

__version__: str
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

class SignalCacheStats(TypedDict):
    """Waveform.signal_cache_stats(): what the cache of recent signals keeps now."""

    signals: int  #: signals in the cache
    bytes: int  #: their bytes (changes and values; fstw_signal_bytes)
    budget: int  #: signal_cache_bytes (bytes)

class MemoryStats(TypedDict):
    """fstwave.memory_stats(): the loaded signals still in memory, process-wide."""

    signals: int  #: signals held by a Signal object or a signal cache
    signal_bytes: int  #: their bytes (changes and values)

def memory_stats() -> MemoryStats:
    """Process-wide counters of the loaded signals still in memory (every Waveform): back
    to their earlier values once every Signal is dropped and its signals unloaded
    (unload_signals) or their Waveform closed. Extension (deviation D10, fstwave/docs/api.md)."""

#: A signal value: int (2-state bit vector), str (bit vector with x/z/...,
#: string, or "" for an event) or float (real).
_Value = Union[int, str, float]

_ScopeTypeName = Literal[
    "module", "task", "function", "begin", "fork", "generate", "struct", "union",
    "class", "interface", "package", "program", "vhdl_architecture", "vhdl_procedure",
    "vhdl_function", "vhdl_record", "vhdl_process", "vhdl_block", "vhdl_for_generate",
    "vhdl_if_generate", "vhdl_generate", "vhdl_package", "vhdl_array", "unknown",
]

_VarTypeName = Literal[
    "Event", "Integer", "Parameter", "Real", "RealParameter", "Reg", "Supply0", "Supply1",
    "Time", "Tri", "TriAnd", "TriOr", "TriReg", "Tri0", "Tri1", "WAnd", "Wire", "WOr",
    "Port", "SparseArray", "RealTime", "String", "Bit", "Logic", "Int", "ShortInt",
    "LongInt", "Byte", "Enum", "ShortReal", "Boolean", "BitVector", "StdLogic",
    "StdLogicVector", "StdULogic", "StdULogicVector", "Unknown",
]

_DirectionName = Literal["Implicit", "Input", "Output", "InOut", "Buffer", "Linkage", "Unknown"]

#: progress(done, total): bytes of value-change blocks read so far and in all; raise
#: to cancel the call (the exception propagates). See Waveform.
_Progress = Optional[Callable[[int, int], Any]]

#: The value layout of a signal's arrays (Changes.kind, Summary.kind).
_ArrayKind = Literal["u64", "f64", "rows", "strings", "none"]

_TimescaleUnitName = Literal["zs", "as", "fs", "ps", "ns", "us", "ms", "s", "unknown"]

class FstError(RuntimeError):
    """Not an FST file, or a corrupt one; a RuntimeError (deviations D5 and D7 in
    fstwave/docs/api.md).

    The OSError subclasses fstwave raises for OS errors (FileNotFoundError,
    PermissionError, IsADirectoryError, OSError for a failed read) carry the same three
    attributes: ``code`` one of ``"ENOENT"``, ``"EACCES"``, ``"EISDIR"``, ``"EIO"``;
    ``reason`` equal to ``strerror`` (the OS's text, or where a read failed); ``offset``
    None.  (Type stubs cannot add them to the builtin OSError.)
    """

    #: The core's status code (FSTW_STATUS_MAP): always ``"FST_FORMAT"`` here.
    code: str
    #: The message: what is wrong and where (block, offset); what the ``fstwave``
    #: command prints after ``fstwave: error:``.
    reason: str
    #: The file offset (bytes from the start of the file) of the malformed structure,
    #: or None when the error has none.
    offset: Optional[int]

@final
class Waveform:
    """An open FST file. Times are in timescale units.

    Opening raises FileNotFoundError / PermissionError / IsADirectoryError / OSError for
    OS errors and FstError for files that are not FST or are corrupt; both carry
    ``code``, ``reason`` and ``offset`` (see FstError).

    ``progress`` (also on load_body, load_signals, load_signals_multithreaded;
    fstwave/docs/api.md section 2.7): called as ``progress(done, total)`` on the calling thread, (0, total)
    first and (total, total) last, done never decreasing; an exception raised in it, or
    Ctrl-C (KeyboardInterrupt, with or without a callable, within ~10 ms), cancels the
    call, which then leaves nothing behind (no Waveform, body unloaded, nothing cached).

    After close() (or the end of a ``with`` block) every method of the Waveform and of
    its Hierarchy, Scope, Var, iterators and TimeTable raises
    ``ValueError("I/O operation on closed waveform")``; loaded Signals stay readable.
    """

    def __new__(
        cls,
        path: Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"],
        multi_threaded: bool = True,
        remove_scopes_with_empty_name: bool = False,
        load_body: bool = True,
        progress: _Progress = None,
        hierarchy: Optional[Literal["pywellen-0.20", "pywellen-0.25"]] = None,
        signal_cache_bytes: Optional[int] = None,
    ) -> "Waveform":
        """``signal_cache_bytes``: the byte budget of the cache of recent signals (None: the
        core's default, 8 MiB; 0: keep only the Signals the program holds). ValueError
        when negative, TypeError when not an int (deviation D10,
        fstwave/docs/api.md)."""
    def close(self) -> None:
        """Closes the file (idempotent); RuntimeError while a load of it is running."""
    def __enter__(self) -> "Waveform": ...
    def __exit__(self, *exc_info: object) -> Literal[False]: ...
    @property
    def closed(self) -> bool: ...
    @property
    def hierarchy(self) -> "Hierarchy": ...
    @property
    def time_table(self) -> "TimeTable": ...
    @property
    def time_range(self) -> Tuple[int, int]: ...
    def load_body(self, progress: _Progress = None) -> None: ...
    def body_loaded(self) -> bool: ...
    def get_signal(self, var: "Var") -> "Signal":
        """The Signal of var: the same object while the program holds it; else from the
        cache of recent signals (no file read), else read from the file (deviation D10,
        fstwave/docs/api.md)."""
    def get_signal_from_path(self, abs_hierarchy_path: str) -> "Signal": ...
    def load_signals(self, vars: Iterable["Var"], progress: _Progress = None) -> List["Signal"]: ...
    def load_signals_multithreaded(self, vars: Iterable["Var"], progress: _Progress = None) -> List["Signal"]: ...
    def values_at_time(self, signals_or_vars: Iterable[Union["Signal", "Var"]], time: int) -> List[Optional[_Value]]:
        """For each item, exactly ``signal.value_at_time(time)`` (Vars' signals loaded in one batch)."""
    def unload_signals(self, signals_or_vars: Iterable[Union["Signal", "Var"]], /) -> None:
        """Drops these signals from the cache at once; the next load reads the file and gives
        a new Signal (held Signals stay valid). TypeError for other items."""
    def signal_cache_stats(self) -> SignalCacheStats:
        """What the cache of recent signals keeps now (empty after close())."""
    def render_svg(
        self,
        vars: Iterable[Union["Var", str]],
        start: Optional[int] = None,
        end: Optional[int] = None,
        width: int = 1000,
        radix: Literal["bin", "dec", "hex"] = "hex",
        progress: _Progress = None,
    ) -> str:
        """The tool's ``render`` picture (SVG); fstwave/docs/tools.md."""
    def show_text(
        self,
        vars: Iterable[Union["Var", str]],
        start: Optional[int] = None,
        end: Optional[int] = None,
        radix: Literal["bin", "dec", "hex"] = "hex",
        progress: _Progress = None,
    ) -> str:
        """The tool's ``show`` text; fstwave/docs/tools.md."""

@final
class Hierarchy:
    """Scopes, vars and header metadata of an open file (Waveform.hierarchy)."""

    def all_vars(self, include_aliases: bool = False) -> "VarIter": ...
    def top_scopes(self) -> "ScopeIter": ...
    def date(self) -> str: ...
    def version(self) -> str: ...
    def timescale(self) -> Optional["Timescale"]: ...
    def file_format(self) -> Literal["FST"]: ...

@final
class Scope:
    """A scope of the hierarchy; equal/hashable by identity of the item (deviation D6,
    fstwave/docs/api.md)."""

    def name(self, hier: Hierarchy) -> str: ...
    def full_name(self, hier: Hierarchy) -> str: ...
    def scope_type(self) -> _ScopeTypeName: ...
    def vars(self, hier: Hierarchy) -> "VarIter": ...
    def scopes(self, hier: Hierarchy) -> "ScopeIter": ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ScopeIter:
    """Iterator over Scope objects."""

    def __iter__(self) -> "ScopeIter": ...
    def __next__(self) -> Scope: ...

@final
class Var:
    """A var of the hierarchy; equal/hashable by identity of the item (deviation D6,
    fstwave/docs/api.md)."""

    def name(self, hier: Hierarchy) -> str: ...
    def full_name(self, hier: Hierarchy) -> str: ...
    def bitwidth(self, hier: Optional[Hierarchy] = None) -> Optional[int]: ...
    def length(self, hier: Optional[Hierarchy] = None) -> Optional[int]: ...
    def var_type(self) -> _VarTypeName: ...
    def direction(self) -> _DirectionName: ...
    def enum_type(self, hier: Hierarchy) -> Optional[Tuple[str, List[Tuple[str, str]]]]: ...
    def vhdl_type_name(self, hier: Hierarchy) -> Optional[str]: ...
    def is_real(self, hier: Optional[Hierarchy] = None) -> bool: ...
    def is_string(self, hier: Optional[Hierarchy] = None) -> bool: ...
    def is_bit_vector(self, hier: Optional[Hierarchy] = None) -> bool: ...
    def is_1bit(self, hier: Optional[Hierarchy] = None) -> bool: ...
    def index(self) -> Optional["VarIndex"]: ...
    def signal_ref(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class VarIter:
    """Iterator over Var objects."""

    def __iter__(self) -> "VarIter": ...
    def __next__(self) -> Var: ...

@final
class VarIndex:
    """The bit range [msb:lsb] split off a var's declared name."""

    def msb(self) -> int: ...
    def lsb(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Signal:
    """The loaded changes of one signal. Times are in timescale units."""

    def value_at_time(self, time: int) -> Optional[_Value]: ...
    def value_at_idx(self, idx: int) -> Optional[_Value]: ...
    def all_changes(self) -> "SignalChangeIter": ...
    def all_changes_after(self, time: int) -> "SignalChangeIter": ...
    def query_signal(self, time: int) -> "QueryResult": ...
    def changes_between(self, t0: int, t1: int) -> "Changes":
        """The change in force at t0 and every change in (t0, t1], as bulk arrays.
        ValueError when t1 < t0."""
    def summary(self, t0: int, t1: int, buckets: int) -> "Summary":
        """The window (t0, t1] in ``buckets`` equal slices, O(buckets * log changes).
        ValueError when t1 < t0 or buckets == 0."""
    def __len__(self) -> int: ...
    def __bool__(self) -> bool: ...

@final
class Array:
    """A read-only bulk array (buffer protocol; ``numpy.asarray`` wraps it without a copy).
    format: 'Q' uint64, 'q' int64, 'd' float64, 'B' bytes, 'c' ASCII rows (NumPy 'S1')."""

    @property
    def format(self) -> str: ...
    @property
    def itemsize(self) -> int: ...
    @property
    def shape(self) -> Tuple[int, ...]: ...
    @property
    def nbytes(self) -> int: ...
    def to_numpy(self) -> Any:
        """numpy.asarray(self), no copy; ImportError without NumPy (fstwave[numpy])."""
    def tolist(self) -> List[Any]: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> Union[int, float, bytes]:
        """An int ('Q', 'q', 'B'), a float ('d') or a row's bytes ('c' rows)."""
    def __iter__(self) -> Iterator[Union[int, float, bytes]]: ...
    def __buffer__(self, flags: int, /) -> memoryview: ...

@final
class Changes:
    """A window of changes (Signal.changes_between): entry i is change ``first + i``."""

    #: n times, uint64, timescale units
    times: Array
    #: u64: uint64 (n,); f64: float64 (n,); rows: 'c' (n, bitwidth) MSB first;
    #: strings: the concatenated bytes; none (events): None
    values: Optional[Array]
    #: strings: n + 1 uint64 offsets into values; else None
    offsets: Optional[Array]
    kind: _ArrayKind
    #: entry 0 is the change in force at t0 (time <= t0)
    has_initial: bool
    first: int
    def to_numpy(self) -> Dict[str, Any]: ...
    def __len__(self) -> int: ...

@final
class Summary:
    """A display summary (Signal.summary): slice k is (bounds[k], bounds[k+1]]."""

    #: buckets + 1 slice bounds, uint64, timescale units
    bounds: Array
    #: changes inside each slice, uint64
    counts: Array
    #: change in force at each slice's start / end, int64, -1 none
    first: Array
    last: Array
    #: their values in the layout of Changes.values (None for events)
    first_values: Optional[Array]
    last_values: Optional[Array]
    #: strings: buckets + 1 offsets into first_values / last_values; else None
    first_offsets: Optional[Array]
    last_offsets: Optional[Array]
    kind: _ArrayKind
    def to_numpy(self) -> Dict[str, Any]: ...
    def __len__(self) -> int: ...

@final
class SignalChangeIter:
    """Iterator of (time, value); len() is the number of changes left."""

    def __iter__(self) -> "SignalChangeIter": ...
    def __next__(self) -> Tuple[int, _Value]: ...
    def __len__(self) -> int: ...
    def __bool__(self) -> bool: ...

@final
class TimeTable:
    """Sequence of the file's times (deviation D3, fstwave/docs/api.md)."""

    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, key: int, /) -> int: ...
    @overload
    def __getitem__(self, key: slice, /) -> List[int]: ...
    def __iter__(self) -> Iterator[int]: ...

@final
class TimescaleUnit:
    """Unit of a Timescale."""

    def to_exponent(self) -> Optional[int]: ...
    def __str__(self) -> _TimescaleUnitName: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Timescale:
    """Duration of one time unit: factor x unit."""

    @property
    def factor(self) -> int: ...
    @property
    def unit(self) -> TimescaleUnit: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class QueryResult(Tuple[Optional[_Value], Optional[int], Optional[int], Optional[int]]):
    """Result of Signal.query_signal(): (value, actual_time, next_idx, next_time)."""

    n_fields: ClassVar[int]
    n_sequence_fields: ClassVar[int]
    n_unnamed_fields: ClassVar[int]
    if sys.version_info >= (3, 10):
        __match_args__: ClassVar[Tuple[str, str, str, str]]
    @property
    def value(self) -> Optional[_Value]: ...
    @property
    def actual_time(self) -> Optional[int]: ...
    @property
    def next_idx(self) -> Optional[int]: ...
    @property
    def next_time(self) -> Optional[int]: ...
