"""The ``fstwave dump`` text format, version 1 (specified in ``fstwave/docs/dump-format.md``,
``docs/dump-format.md`` in the repository).

Everything that decides the bytes of a dump lives here: the string escape (§2 of the
format page), the typed value tokens (§3), the records and their order (§4), and the
walk over a Waveform that writes them.  The command-line tool (``fstwave.cli``) only
opens the file and hands its lines to stdout; the Node.js tool
(``node/lib/dump-format.js``) implements the same page and must give the same bytes
(checked by ``tests/node/cross-language.test.js`` and, primitive by primitive, by the
shared vectors ``tests/vectors/dump-format.json``).

Public names: FORMAT_VERSION, DEFAULT_BATCH_SIZE, escape, quote, format_value,
value_formatter, walk_scopes, top_level_vars, var_records, write_dump.
"""

import re
import struct

#: The number in the first line, ``fstwave-dump 1``.
FORMAT_VERSION = 1

#: Vars whose signals are loaded per pass over the file (``--batch-size``); the output
#: does not depend on it.
DEFAULT_BATCH_SIZE = 1000

# printable ASCII 0x20-0x7E except '"' (0x22) and '\' (0x5C): written as they are
_PLAIN = re.compile(r'[ !#-\[\]-~]*')

_pack_double = struct.Struct(">d").pack


# ---------------------------------------------------------------------------
# Field values (§1, §2, §3)


def escape(s):
    """The escaped text of the str ``s`` (§2), without the surrounding quotes.

    Code point by code point (``for ch in s``): U+0020..U+007E stay as they are except
    ``"`` -> ``\\"`` and ``\\`` -> ``\\\\``; every other code point (controls, DEL,
    non-ASCII, lone surrogates) -> ``\\u{HEX}``, lowercase hex without leading zeros
    (NUL -> ``\\u{0}``, newline -> ``\\u{a}``, U+1F600 -> ``\\u{1f600}``).  The result is
    pure ASCII.
    """
    if _PLAIN.fullmatch(s):
        return s
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif 0x20 <= o <= 0x7E:
            out.append(ch)
        else:
            out.append("\\u{%x}" % o)
    return "".join(out)


def quote(s):
    """A string field (§1): ``"`` + escape(s) + ``"``, or ``-`` when ``s`` is None."""
    if s is None:
        return "-"
    return '"' + escape(s) + '"'


def _int(v):
    """An integer field, ``-`` for None (§1)."""
    return "-" if v is None else str(v)


def _bool(v):
    """A bool field: ``1`` or ``0`` (§1)."""
    return "1" if v else "0"


def format_value(value, var_is_string, var_is_event):
    """The token of one signal value (§3).

    ``value`` is what the API returns (``Signal.all_changes()``): None -> ``-``; int (a
    2-state bit vector) -> ``b:`` + lowercase hex; float (a real) -> ``r:`` + the 16 hex
    digits of its IEEE-754 binary64 bits, big-endian (NaN payloads and -0.0 kept);
    str -> ``s:"escaped"`` when the var is a string var (``var_is_string``), ``e`` for
    the event value ``""`` of an event var (``var_is_event``: not a bit vector, not
    real, not string), else ``l:`` + the escaped 4-state bits.  Raises TypeError for
    any other type.
    """
    if value is None:
        return "-"
    if isinstance(value, int):
        return "b:%x" % value
    if isinstance(value, float):
        return "r:" + _pack_double(value).hex()
    if isinstance(value, str):
        if var_is_string:
            return 's:"' + escape(value) + '"'
        if var_is_event and value == "":
            return "e"
        return "l:" + escape(value)
    raise TypeError("unexpected value type %s" % type(value).__name__)


def value_formatter(var):
    """A function value -> token for the signal of ``var`` (a Var); the same tokens as
    format_value() with the var's predicates, with the common types tested first."""
    is_string = bool(var.is_string())
    is_event = not (var.is_bit_vector() or var.is_real() or is_string)
    pack = _pack_double
    plain = _PLAIN.fullmatch

    def fmt(value):
        t = type(value)
        if t is int:
            return "b:%x" % value
        if t is str:
            if is_string:
                return 's:"' + (value if plain(value) else escape(value)) + '"'
            if is_event and value == "":
                return "e"
            return "l:" + (value if plain(value) else escape(value))
        if t is float:
            return "r:" + pack(value).hex()
        return format_value(value, is_string, is_event)

    return fmt


# ---------------------------------------------------------------------------
# The hierarchy (§4 "Hierarchy", "Top-level vars")


def walk_scopes(h, max_depth=None):
    """Depth-first pre-order over the scopes of Hierarchy ``h``: yields (depth, scope).

    Top scopes (``h.top_scopes()``) have depth 0, a child scope its parent's depth + 1;
    children in ``scope.scopes(h)`` order.  With ``max_depth`` (>= 1) only depths below
    it.  Iterative, so any nesting depth works.
    """
    stack = [iter(h.top_scopes())]
    while stack:
        try:
            scope = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        depth = len(stack) - 1
        yield depth, scope
        if max_depth is None or depth + 1 < max_depth:
            stack.append(iter(scope.scopes(h)))


def _count(it):
    n = 0
    for _ in it:
        n += 1
    return n


def top_level_vars(h, n_scoped):
    """The vars of ``h`` that belong to no scope, in ``all_vars(include_aliases=True)``
    order (a list of Var).

    A var is top-level iff its full name equals its name.  ``n_scoped`` is the number of
    vars the scopes hold: the second pass over the vars only happens when the hierarchy
    has more.
    """
    if _count(h.all_vars(include_aliases=True)) == n_scoped:
        return []
    return [v for v in h.all_vars(include_aliases=True) if v.full_name(h) == v.name(h)]


def _index_str(var):
    idx = var.index()
    if idx is None:
        return "-"
    return "%d:%d" % (idx.msb(), idx.lsb())


def var_records(h, v):
    """The ``var`` record of Var ``v`` of Hierarchy ``h`` and its ``enum_pair`` records
    (§4): a list of lines without newlines."""
    enum = v.enum_type(h)
    if enum is None:
        enum_str = "enum_type=-"
        pairs = ()
    else:
        enum_name, pairs = enum
        enum_str = "enum_type=%s enum_pairs=%d" % (quote(enum_name), len(pairs))
    line = (
        "var name=%s full_name=%s var_type=%s direction=%s bitwidth=%s length=%s "
        "is_real=%s is_string=%s is_bit_vector=%s is_1bit=%s index=%s signal_ref=%d "
        "vhdl_type_name=%s %s"
        % (
            quote(v.name(h)),
            quote(v.full_name(h)),
            v.var_type(),
            v.direction(),
            _int(v.bitwidth()),
            _int(v.length()),
            _bool(v.is_real()),
            _bool(v.is_string()),
            _bool(v.is_bit_vector()),
            _bool(v.is_1bit()),
            _index_str(v),
            v.signal_ref(),
            quote(v.vhdl_type_name(h)),
            enum_str,
        )
    )
    out = [line]
    for value, literal in pairs:
        out.append("enum_pair value=%s literal=%s" % (quote(value), quote(literal)))
    return out


def _batches(iterable, n):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------------------
# The whole dump (§4)


def write_dump(w, out, batch_size=DEFAULT_BATCH_SIZE):
    """Writes the dump of Waveform ``w`` to ``out``, record by record.

    ``out`` takes the lines (str, no newline): ``out.line(s)`` for one,
    ``out.lines(iterable)`` for several (``fstwave.cli`` buffers them to stdout).  The
    signals are loaded ``batch_size`` vars at a time (``load_signals`` then
    ``unload_signals``, which frees them at once: the signal cache of deviation D10, docs/api.md),
    so at most one batch of signals is in memory; the output does not depend on it.
    Raises what the API raises (FstError, OSError) when the file is corrupt or
    unreadable; the lines written until then stay written, without the ``end`` record.
    """
    h = w.hierarchy

    out.line("fstwave-dump %d" % FORMAT_VERSION)
    out.line("file_format %s" % quote(h.file_format()))
    out.line("version %s" % quote(h.version()))
    out.line("date %s" % quote(h.date()))
    ts = h.timescale()
    if ts is None:
        out.line("timescale -")
    else:
        out.line("timescale factor=%d unit=%s" % (ts.factor, str(ts.unit)))
    tr = w.time_range
    if tr is None:
        out.line("time_range -")
    else:
        out.line("time_range start=%d end=%d" % (tr[0], tr[1]))

    tt = w.time_table
    out.line("time_table count=%d" % len(tt))
    out.lines("t %d" % t for t in tt)

    # scope tree, each scope followed by its own vars
    n_scopes = 0
    n_vars = 0
    for depth, scope in walk_scopes(h):
        n_scopes += 1
        out.line(
            "scope depth=%d type=%s name=%s full_name=%s"
            % (depth, scope.scope_type(), quote(scope.name(h)), quote(scope.full_name(h)))
        )
        for v in scope.vars(h):
            n_vars += 1
            out.lines(var_records(h, v))

    top_vars = top_level_vars(h, n_vars)
    out.line("top_vars count=%d" % len(top_vars))
    for v in top_vars:
        n_vars += 1
        out.lines(var_records(h, v))

    # signals, in all_vars() order (one var per signal, ascending signal_ref)
    n_signals = 0
    for batch in _batches(h.all_vars(), batch_size):
        signals = w.load_signals(batch)
        for v, sig in zip(batch, signals):
            n_signals += 1
            changes = sig.all_changes()
            out.line(
                "signal ref=%d full_name=%s changes=%d"
                % (v.signal_ref(), quote(v.full_name(h)), len(changes))
            )
            fmt = value_formatter(v)
            out.lines("c %d %s" % (t, fmt(val)) for t, val in changes)
            del sig, changes  # so that at most one batch is held, not one more signal
        w.unload_signals(signals)
        del signals

    out.line("end scopes=%d vars=%d signals=%d" % (n_scopes, n_vars, n_signals))
