"""The ``fstwave`` command-line tool (``python -m fstwave``).

Subcommands:

* ``info FILE``  -- metadata and counts, human-readable.
* ``tree FILE``  -- the scope hierarchy (``--signals`` adds the vars, ``--depth N`` limits it).
* ``dump FILE``  -- everything the API can observe, in the deterministic text format
  described in ``docs/dump-format.md`` of the package (``fstwave/docs/dump-format.md``
  installed, ``docs/dump-format.md`` in the repository and in the npm package).  The
  Node.js tool produces the same bytes.
* ``show FILE SIGNAL...``  -- the changes of signals in a window, values as people read
  them (``Waveform.show_text``; format in ``fstwave/docs/tools.md``).
* ``render FILE SIGNAL... -o wave.svg``  -- the signals drawn as a viewer draws them, as
  SVG (``Waveform.render_svg``; ``fstwave/docs/tools.md``).
  The Node.js tool writes the same bytes for both.

Exit codes: 0 success, 1 error reading the file (``FstError`` or ``OSError``; one line
``fstwave: error: ...`` on stderr that names the file), or a signal name the file does not
have, or a bad window; 2 usage error.  A closed output pipe (``| head``) ends the program
quietly with exit code 1.  Long loads draw a progress bar on stderr when it is a terminal.
"""

import argparse
import os
import re
import sys

from .dumpformat import DEFAULT_BATCH_SIZE, top_level_vars, walk_scopes, write_dump

PROG = "fstwave"
_FLUSH_AT = 1 << 18  # bytes of text buffered before a write to stdout


# ---------------------------------------------------------------------------
# Output


class _Out:
    """Buffered line writer on the binary stdout (no newline translation): the ``out``
    of dumpformat.write_dump (``line(s)``, ``lines(iterable)``) and of info/tree."""

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
# Helpers over the API


def _api():
    from . import Waveform  # noqa: F401  (imported lazily so --help works without it)
    from . import FstError
    return Waveform, FstError


def _open(path, load_body=True, progress=None):
    Waveform, _ = _api()
    if progress is None:
        return Waveform(path, load_body=load_body)
    return Waveform(path, load_body=load_body, progress=progress)


class _ProgressBar:
    """``progress=(done, total)`` callable that draws a bar on stderr when stderr is a
    terminal and the work has taken more than DELAY seconds (short work draws nothing);
    ``clear()`` erases it."""

    DELAY = 0.3
    WIDTH = 30

    def __init__(self, label, stream=None):
        import time
        self._now = time.monotonic
        self._stream = stream if stream is not None else sys.stderr
        try:
            self._tty = self._stream.isatty()
        except (AttributeError, ValueError):
            self._tty = False
        self._label = label
        self._start = self._now()
        self._last = 0.0
        self._drawn = False

    def __call__(self, done, total):
        if not self._tty or total <= 0:
            return
        now = self._now()
        if now - self._start < self.DELAY or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        filled = self.WIDTH * done // total
        self._stream.write("\r%s [%s%s] %3d%%" % (self._label, "#" * filled, " " * (self.WIDTH - filled),
                                                   100 * done // total))
        self._stream.flush()
        self._drawn = True

    def clear(self):
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False


# ---------------------------------------------------------------------------
# show, render


class _FileError(Exception):
    """An error of the named file that is not an FstError or OSError (a signal the file
    does not have, a bad window): printed as ``fstwave: error: FILE: message``."""


def _signals_call(args, method, **kwargs):
    """Opens args.file and calls Waveform.<method>(args.signals, start, end, **kwargs)
    with a progress bar; ValueError (unknown signal, bad window) becomes _FileError."""
    bar = _ProgressBar("loading")
    try:
        w = _open(args.file, load_body=True, progress=bar)
        try:
            return getattr(w, method)(args.signals, args.start, args.end, progress=bar, **kwargs)
        except ValueError as exc:
            raise _FileError("%s: %s" % (os.fsdecode(args.file), _one_line(exc)))
    finally:
        bar.clear()


def cmd_show(args, out):
    """``fstwave show FILE SIGNAL...``: Waveform.show_text of the signals."""
    text = _signals_call(args, "show_text", radix=args.radix)
    out.lines(text.split("\n")[:-1])
    return 0


def cmd_render(args, out):
    """``fstwave render FILE SIGNAL... -o OUT``: Waveform.render_svg of the signals, written
    to OUT (``-``: standard output)."""
    svg = _signals_call(args, "render_svg", width=args.width, radix=args.radix)
    if args.output == "-":
        out.lines(svg.split("\n")[:-1])
    else:
        with open(args.output, "wb") as f:
            f.write(svg.encode("utf-8"))
    return 0


# ---------------------------------------------------------------------------
# dump


def cmd_dump(args, out):
    """``fstwave dump FILE``: the file in the dump format (fstwave.dumpformat)."""
    write_dump(_open(args.file, load_body=True), out, args.batch_size)
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
    """``fstwave info FILE``: header fields and counts, one ``key: value`` row each,
    then the top scopes."""
    w = _open(args.file, load_body=True)
    h = w.hierarchy
    ts = h.timescale()
    tr = w.time_range
    tt_len = len(w.time_table)

    n_scopes = 0
    n_scoped_vars = 0
    for _, scope in walk_scopes(h):
        n_scopes += 1
        n_scoped_vars += sum(1 for _ in scope.vars(h))
    n_vars = sum(1 for _ in h.all_vars(include_aliases=True))
    n_signals = sum(1 for _ in h.all_vars())
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
    """``fstwave tree FILE``: one line per scope, indented two spaces per level
    (dumpformat.walk_scopes); ``--depth N`` keeps N levels, ``--signals`` adds a row per
    var (name with its index, type, width, direction, alias mark) under its scope and
    the top-level vars at the end."""
    w = _open(args.file, load_body=False)
    h = w.hierarchy
    depth_limit = args.depth
    first = _alias_info(h) if args.signals else {}
    n_scoped = 0
    for depth, scope in walk_scopes(h, depth_limit):
        out.line("%s%s (%s)" % ("  " * depth, _human(scope.name(h)), scope.scope_type()))
        if args.signals:
            vars_ = list(scope.vars(h))
            n_scoped += len(vars_)
            _var_rows(h, vars_, first, depth + 1, out)
    if args.signals and depth_limit is None:
        top_vars = top_level_vars(h, n_scoped)
        _var_rows(h, top_vars, first, 0, out)
    return 0


# ---------------------------------------------------------------------------
# main


def _int_at_least(minimum):
    """An argparse type: an int not below minimum."""
    def parse(text):
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError("invalid int value: %r" % text)
        if n < minimum:
            raise argparse.ArgumentTypeError("must be at least %d: %r" % (minimum, text))
        return n
    return parse


_positive_int = _int_at_least(1)
_time = _int_at_least(0)  # a time in timescale units


def _version():
    from . import __version__
    return __version__


def _window_args(parser):
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("signals", metavar="SIGNAL", nargs="+",
                        help="full name of a var, e.g. top.cpu.clk")
    parser.add_argument("--from", dest="start", type=_time, default=None, metavar="T",
                        help="window start, timescale units (default: the file's start)")
    parser.add_argument("--to", dest="end", type=_time, default=None, metavar="T",
                        help="window end, timescale units (default: the file's end)")
    parser.add_argument("--radix", choices=("bin", "dec", "hex"), default="hex", metavar="R",
                        help="bit vectors in bin, dec or hex (default hex)")


def build_parser():
    """The argparse parser of the commands (usage errors exit with 2)."""
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Inspect FST waveform files.",
        epilog="The dump format is specified in docs/dump-format.md, the show and render "
               "commands in docs/tools.md; both ship with the package.",
    )
    p.add_argument("--version", action="version", version="%s %s" % (PROG, _version()))
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

    pd = sub.add_parser("dump", help="everything, in the deterministic dump format")
    pd.add_argument("file", metavar="FILE")
    pd.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH_SIZE, metavar="N",
                    help="signals loaded per pass over the file (default %d)" % DEFAULT_BATCH_SIZE)
    pd.set_defaults(func=cmd_dump)

    ps = sub.add_parser("show", help="the changes of signals in a window")
    _window_args(ps)
    ps.set_defaults(func=cmd_show)

    pr = sub.add_parser("render", help="signals drawn as SVG")
    _window_args(pr)
    pr.add_argument("--width", type=_positive_int, default=1000, metavar="PX",
                    help="pixels of the wave area (default 1000)")
    pr.add_argument("-o", "--output", default="-", metavar="OUT",
                    help="the SVG file to write (default -: standard output)")
    pr.set_defaults(func=cmd_render)
    return p


def _one_line(text):
    return " ".join(str(text).split())


def _error_message(exc, file):
    """The text after ``fstwave: error: `` for an FstError, OSError or _FileError.

    The extension's errors carry ``reason`` (FstError: what is wrong and where; OSError:
    the OS's text, or where a read failed); the file name goes in front (an OSError's
    own filename, the FILE argument for an FstError).  An OSError not raised by the
    extension (writing the output) gives its ``strerror``; a _FileError names its file.
    """
    reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None)
    if isinstance(exc, OSError) and reason:
        if exc.filename is not None:
            return "%s: %s" % (os.fsdecode(exc.filename), reason)
        return reason
    text = _one_line(reason or exc) or type(exc).__name__
    if isinstance(exc, _FileError):
        return text
    return "%s: %s" % (os.fsdecode(file), text)


def _silence_stdout():
    # After EPIPE: point stdout at /dev/null so the interpreter's final flush is quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv=None):
    """Runs the tool on argv (default sys.argv[1:]) and returns the exit code: 0, 1 for
    an error reading the file (one ``fstwave: error: ...`` line on stderr) or a closed
    output pipe, 130 on Ctrl-C; usage errors exit with 2 from argparse."""
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
        except (FstError, OSError, _FileError) as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            try:
                out.flush()
            except BrokenPipeError:
                _silence_stdout()
            sys.stderr.write("%s: error: %s\n" % (PROG, _error_message(exc, args.file)))
            sys.stderr.flush()
            return 1
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        _silence_stdout()
        return 130


def run():
    """The console-script entry point: exits with main()'s code."""
    sys.exit(main())


if __name__ == "__main__":
    run()
