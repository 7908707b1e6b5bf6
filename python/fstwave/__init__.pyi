"""Type stubs of fstwave (the classes are implemented in fstwave._fstwave)."""

import os
import sys
from typing import (
    Callable,
    ClassVar,
    Iterable,
    Iterator,
    List,
    Literal,
    Optional,
    Tuple,
    Union,
    final,
    overload,
)

__version__: str
__all__ = [
    "FstError",
    "Hierarchy",
    "QueryResult",
    "Scope",
    "ScopeIter",
    "Signal",
    "SignalChangeIter",
    "TimeTable",
    "Timescale",
    "TimescaleUnit",
    "Var",
    "VarIndex",
    "VarIter",
    "Waveform",
    "__version__",
]

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
    """

    def __new__(
        cls,
        path: Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"],
        multi_threaded: bool = True,
        remove_scopes_with_empty_name: bool = False,
        load_body: bool = True,
    ) -> "Waveform": ...
    @property
    def hierarchy(self) -> "Hierarchy": ...
    @property
    def time_table(self) -> "TimeTable": ...
    @property
    def time_range(self) -> Tuple[int, int]: ...
    def load_body(self) -> None: ...
    def body_loaded(self) -> bool: ...
    def get_signal(self, var: "Var") -> "Signal": ...
    def get_signal_from_path(self, abs_hierarchy_path: str) -> "Signal": ...
    def load_signals(self, vars: Iterable["Var"], /) -> List["Signal"]: ...
    def load_signals_multithreaded(self, vars: Iterable["Var"], /) -> List["Signal"]: ...
    def unload_signals(self, signals_or_vars: Iterable[Union["Signal", "Var"]], /) -> None: ...
    def render_svg(
        self,
        vars: Iterable[Union["Var", str]],
        start: Optional[int] = None,
        end: Optional[int] = None,
        width: int = 1000,
        radix: Literal["bin", "dec", "hex"] = "hex",
        progress: Optional[Callable[[int, int], object]] = None,
    ) -> str:
        """The tool's ``render`` picture (SVG); fstwave/docs/tools.md."""
    def show_text(
        self,
        vars: Iterable[Union["Var", str]],
        start: Optional[int] = None,
        end: Optional[int] = None,
        radix: Literal["bin", "dec", "hex"] = "hex",
        progress: Optional[Callable[[int, int], object]] = None,
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
    def __len__(self) -> int: ...
    def __bool__(self) -> bool: ...

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
