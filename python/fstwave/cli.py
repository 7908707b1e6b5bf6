"""The ``fstwave`` command-line tool (``python -m fstwave``).

Subcommands:

* ``info FILE``  -- metadata and counts, human-readable.
* ``tree FILE``  -- the scope hierarchy (``--signals`` adds the vars, ``--depth N`` limits it).
* ``dump FILE``  -- everything the API can observe, in the deterministic text format
  described in ``docs/dump-format.md``.  The Node.js tool produces the same bytes.

Exit codes: 0 success, 1 error reading the file (``FstError`` or ``OSError``; one line
``fstwave: error: ...`` on stderr), 2 usage error.  A closed output pipe (``| head``)
ends the program quietly with exit code 1.
"""

import argparse
import os
import re
import struct
import sys

PROG = "fstwave"
DUMP_FORMAT_VERSION = 1
DEFAULT_BATCH_SIZE = 1000
_FLUSH_AT = 1 << 18  # bytes of text buffered before a write to stdout


class _UsageError(Exception):
    pass


# ---------------------------------------------------------------------------
# Output


class _Out:
    """Buffered line writer on the binary stdout (no newline translation)."""

    __slots__ = ("_raw", "_parts", "_size", "_errors")

    def __init__(self, raw, errors="strict"):
        self._raw = raw
        self._parts = []
        self._size = 0
        self._errors = errors

    def line(self, s):
        self._parts.append(s)
        self._parts.append("\n")
        self._size += len(s) + 1
        if self._size >= _FLUSH_AT:
            self.flush()

    def lines(self, seq):
        """Write several lines (an iterable of str without newlines)."""
        parts = self._parts
        size = self._size
        for s in seq:
            parts.append(s)
            parts.append("\n")
            size += len(s) + 1
            if size >= _FLUSH_AT:
                self._size = size
                self.flush()
                size = 0
        self._size = size

    def flush(self):
        if self._parts:
            data = "".join(self._parts).encode("utf-8", self._errors)
            self._parts.clear()  # in place: lines() holds a reference to this list
            self._size = 0
            self._raw.write(data)
        self._raw.flush()


# ---------------------------------------------------------------------------
# Dump format primitives (see docs/dump-format.md)

# printable ASCII 0x20-0x7E except '"' (0x22) and '\' (0x5C)
_PLAIN = re.compile(r'[ !#-\[\]-~]*')


def escape(s):
    """Escape a string for the dump (without the surrounding quotes).

    0x20-0x7E except '"' and '\\' stay as they are; '"' -> \\", '\\' -> \\\\; every other
    code point -> \\u{HEX} (lowercase hex, no padding).
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
    """A quoted dump string; ``None`` becomes ``-``."""
    if s is None:
        return "-"
    return '"' + escape(s) + '"'


def _int(v):
    return "-" if v is None else str(v)


def _bool(v):
    return "1" if v else "0"


_pack_double = struct.Struct(">d").pack


def format_value(value, var_is_string, var_is_event):
    """A typed value token: b:HEX, l:STR, r:BITS, s:"STR", e or -."""
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


def _value_formatter(var):
    """A fast per-signal function value -> token (same results as format_value)."""
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
# Helpers over the API


def _api():
    from . import Waveform  # noqa: F401  (imported lazily so --help works without it)
    from . import FstError
    return Waveform, FstError


def _open(path, load_body=True):
    Waveform, _ = _api()
    return Waveform(path, load_body=load_body)


def _walk_scopes(h, max_depth=None):
    """Depth-first pre-order over the scopes: yields (depth, scope).

    Children in declaration order.  Iterative, so deep hierarchies are fine.
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


def _top_level_vars(h, n_scoped):
    """Vars that belong to no scope, in all_vars(include_aliases=True) order.

    A var is top-level iff its full name equals its name.  The second pass only
    happens when the hierarchy has more vars than the scopes hold.
    """
    if _count(h.all_vars(include_aliases=True)) == n_scoped:
        return []
    return [v for v in h.all_vars(include_aliases=True) if v.full_name(h) == v.name(h)]


def _index_str(var):
    idx = var.index()
    if idx is None:
        return "-"
    return "%d:%d" % (idx.msb(), idx.lsb())


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
# dump


def _var_records(h, v):
    """The `var` line and its `enum_pair` lines."""
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


def cmd_dump(args, out):
    w = _open(args.file, load_body=True)
    h = w.hierarchy

    out.line("fstwave-dump %d" % DUMP_FORMAT_VERSION)
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
    for depth, scope in _walk_scopes(h):
        n_scopes += 1
        out.line(
            "scope depth=%d type=%s name=%s full_name=%s"
            % (depth, scope.scope_type(), quote(scope.name(h)), quote(scope.full_name(h)))
        )
        for v in scope.vars(h):
            n_vars += 1
            out.lines(_var_records(h, v))

    top_vars = _top_level_vars(h, n_vars)
    out.line("top_vars count=%d" % len(top_vars))
    for v in top_vars:
        n_vars += 1
        out.lines(_var_records(h, v))

    # signals, in all_vars() order (one var per signal, ascending signal_ref)
    n_signals = 0
    batch_size = args.batch_size
    for batch in _batches(h.all_vars(), batch_size):
        signals = w.load_signals(batch)
        for v, sig in zip(batch, signals):
            n_signals += 1
            changes = sig.all_changes()
            out.line(
                "signal ref=%d full_name=%s changes=%d"
                % (v.signal_ref(), quote(v.full_name(h)), len(changes))
            )
            fmt = _value_formatter(v)
            out.lines("c %d %s" % (t, fmt(val)) for t, val in changes)
        w.unload_signals(signals)
        del signals

    out.line("end scopes=%d vars=%d signals=%d" % (n_scopes, n_vars, n_signals))
    return 0


# ---------------------------------------------------------------------------
# Human-readable output (info, tree)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _human(s):
    """A name for human-readable output: control characters shown as \\u{HEX}."""
    if s is None:
        return ""
    return _CONTROL.sub(lambda m: "\\u{%x}" % ord(m.group()), s)


def _shown_name(h, v):
    name = _human(v.name(h))
    idx = v.index()
    if idx is not None:
        msb, lsb = idx.msb(), idx.lsb()
        name += "[%d]" % msb if msb == lsb else "[%d:%d]" % (msb, lsb)
    return name


def cmd_info(args, out):
    w = _open(args.file, load_body=True)
    h = w.hierarchy
    ts = h.timescale()
    tr = w.time_range
    tt_len = len(w.time_table)

    n_scopes = 0
    n_scoped_vars = 0
    for _, scope in _walk_scopes(h):
        n_scopes += 1
        n_scoped_vars += _count(scope.vars(h))
    n_vars = _count(h.all_vars(include_aliases=True))
    n_signals = _count(h.all_vars())
    tops = [(s.name(h), s.scope_type()) for s in h.top_scopes()]

    rows = [
        ("file", _human(os.fsdecode(args.file))),
        ("file format", h.file_format()),
        ("version", _human(h.version())),
        ("date", _human(h.date())),
        ("timescale", "-" if ts is None else str(ts)),
        ("time range", "-" if tr is None else "%d .. %d" % (tr[0], tr[1])),
        ("time table", "%d entries" % tt_len),
        ("scopes", str(n_scopes)),
        ("vars", "%d (incl. %d aliases%s)" % (
            n_vars, n_vars - n_signals,
            "" if n_vars == n_scoped_vars else ", %d outside any scope" % (n_vars - n_scoped_vars))),
        ("signals", str(n_signals)),
        ("top scopes", str(len(tops))),
    ]
    width = max(len(k) for k, _ in rows) + 1
    for k, v in rows:
        out.line("%-*s %s" % (width, k + ":", v))
    for name, stype in tops:
        out.line("  %s (%s)" % (_human(name), stype))
    return 0


def _alias_info(h):
    """(aliased_refs, first_full_name) for marking aliases in the tree.

    The first var of a signal in all_vars(include_aliases=True) order is the original;
    every other var of the same signal is an alias.
    """
    seen = set()
    aliased = set()
    for v in h.all_vars(include_aliases=True):
        r = v.signal_ref()
        if r in seen:
            aliased.add(r)
        else:
            seen.add(r)
    del seen
    first = {}
    if aliased:
        for v in h.all_vars(include_aliases=True):
            r = v.signal_ref()
            if r in aliased and r not in first:
                first[r] = (v, v.full_name(h))
    return first


def _var_rows(h, vars_, first, indent, out):
    rows = []
    for v in vars_:
        bw = v.bitwidth()
        if v.is_real():
            size = "real"
        elif v.is_string():
            size = "string"
        else:
            size = str(bw)
        mark = ""
        ref = v.signal_ref()
        if ref in first:
            orig, orig_name = first[ref]
            if orig != v:
                mark = "  -> alias of %s" % _human(orig_name)
        rows.append((_shown_name(h, v), v.var_type(), size, v.direction(), mark))
    if not rows:
        return
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    w3 = max(len(r[3]) for r in rows)
    pad = "  " * indent
    for name, vt, size, direction, mark in rows:
        out.line(("%s%-*s  %-*s  %*s  %-*s%s"
                  % (pad, w0, name, w1, vt, w2, size, w3, direction, mark)).rstrip())


def cmd_tree(args, out):
    w = _open(args.file, load_body=False)
    h = w.hierarchy
    depth_limit = args.depth
    first = _alias_info(h) if args.signals else {}
    n_scoped = 0
    for depth, scope in _walk_scopes(h, depth_limit):
        out.line("%s%s (%s)" % ("  " * depth, _human(scope.name(h)), scope.scope_type()))
        if args.signals:
            vars_ = list(scope.vars(h))
            n_scoped += len(vars_)
            _var_rows(h, vars_, first, depth + 1, out)
    if args.signals and depth_limit is None:
        top_vars = _top_level_vars(h, n_scoped)
        _var_rows(h, top_vars, first, 0, out)
    return 0


# ---------------------------------------------------------------------------
# main


def _positive_int(text):
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("invalid int value: %r" % text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1: %r" % text)
    return n


def build_parser():
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Inspect FST waveform files.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    pi = sub.add_parser("info", help="metadata and counts")
    pi.add_argument("file", metavar="FILE")
    pi.set_defaults(func=cmd_info)

    pt = sub.add_parser("tree", help="the scope hierarchy")
    pt.add_argument("file", metavar="FILE")
    pt.add_argument("--depth", type=_positive_int, default=None, metavar="N",
                    help="show only N levels of scopes (1 = top scopes)")
    pt.add_argument("--signals", action="store_true",
                    help="also show the vars of each scope")
    pt.set_defaults(func=cmd_tree)

    pd = sub.add_parser("dump", help="everything, in the deterministic dump format "
                                     "(docs/dump-format.md)")
    pd.add_argument("file", metavar="FILE")
    pd.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH_SIZE, metavar="N",
                    help="signals loaded per pass over the file (default %d)" % DEFAULT_BATCH_SIZE)
    pd.set_defaults(func=cmd_dump)
    return p


def _one_line(text):
    return " ".join(str(text).split())


def _error_message(exc):
    if isinstance(exc, OSError) and exc.strerror:
        if exc.filename is not None:
            return "%s: %s" % (os.fsdecode(exc.filename), exc.strerror)
        return exc.strerror
    msg = _one_line(exc)
    return msg or type(exc).__name__


def _silence_stdout():
    # After EPIPE: point stdout at /dev/null so the interpreter's final flush is quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)  # exits with 2 on usage errors

    raw = getattr(sys.stdout, "buffer", None)
    if sys.stdout is None:  # no stdout at all (closed descriptor)
        raw = open(os.devnull, "wb")
    elif raw is None:  # stdout replaced by a text-only stream (e.g. in tests)
        class _TextRaw:
            def write(self, data):
                sys.stdout.write(data.decode("utf-8"))

            def flush(self):
                sys.stdout.flush()
        raw = _TextRaw()
    else:
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
    errors = "strict" if args.command == "dump" else "backslashreplace"
    out = _Out(raw, errors)

    try:
        try:
            _, FstError = _api()
        except ImportError as exc:
            sys.stderr.write("%s: error: cannot load the fstwave extension: %s\n"
                             % (PROG, _one_line(exc)))
            return 1
        try:
            rc = args.func(args, out)
            out.flush()
            return rc
        except (FstError, OSError) as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            try:
                out.flush()
            except BrokenPipeError:
                _silence_stdout()
            sys.stderr.write("%s: error: %s\n" % (PROG, _error_message(exc)))
            sys.stderr.flush()
            return 1
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        _silence_stdout()
        return 130


def run():
    sys.exit(main())


if __name__ == "__main__":
    run()
