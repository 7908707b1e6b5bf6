"""Waveform.show_text() and ``fstwave show`` against the format of docs/tools.md re-derived
here from ``all_changes()`` and the Var API: the window (start, end] as the value in force
at start plus the changes inside, values formatted by the rules of the doc (hex nibbles with
GTKWave's x/z rule, binary, unsigned decimal, shortest round-trip reals, Latin-1 strings,
enum literals with libfst's escapes undone), on every corpus file and fixture for the first
three signals of ``all_vars()`` in three windows and three radixes."""

import codecs
import re
import subprocess
import sys

import pytest

import fstwave
from conftest import CORPUS_FILES, CORPUS_IDS, REPO_ROOT

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def people(s):
    """Text as the doc writes labels and values: control characters as \\u{HEX}."""
    return CONTROL.sub(lambda m: "\\u{%x}" % ord(m.group()), s)


def nibble(bits):
    if all(c in "01" for c in bits):
        return "%x" % int(bits, 2)
    if all(c == "x" for c in bits):
        return "x"
    if all(c == "z" for c in bits):
        return "z"
    return "X"


def fmt_bits(s, radix):
    """A bit vector's value (MSB-first state string) in radix."""
    if len(s) == 1:
        return s
    if radix == "bin":
        return s
    if radix == "dec":
        if all(c in "01" for c in s):
            return str(int(s, 2))
        return "z" if all(c == "z" for c in s) else "x"
    groups = []
    end = len(s)
    while end > 0:
        groups.append(nibble(s[max(0, end - 4):end]))
        end -= 4
    return "".join(reversed(groups))


def fmt_real(x):
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    for p in range(1, 18):
        s = "%.*g" % (p, x)
        if float(s) == x:
            return s
    raise AssertionError(x)


def unescape_literal(lit):
    """libfst's escapes undone, then the bytes as lossy UTF-8."""
    raw = lit.encode("utf-8", "surrogateescape")
    return codecs.escape_decode(raw)[0].decode("utf-8", "replace")


def expected_value(var, h, value, radix, enum):
    if var.is_real():
        return fmt_real(value)
    if var.is_string():
        return value
    width = var.bitwidth()
    if width == 0:  # events
        return "event"
    bits = format(value, "0%db" % width) if isinstance(value, int) else value.lower()
    if enum is not None:
        for val, lit in enum[1]:
            n = max(len(val), len(bits))
            if val.rjust(n, "0") == bits.rjust(n, "0"):
                return unescape_literal(lit)
    return fmt_bits(bits, radix)


def expected_show(w, vars_, t0, t1, radix):
    h = w.hierarchy
    ts = h.timescale()
    unit = "timescale units" if ts is None else "%d %s" % (ts.factor, ts.unit)
    out = ["window (%d, %d], times in %s, radix %s" % (t0, t1, unit, radix)]
    for var in vars_:
        out.append("")
        out.append(people(var.full_name(h)))
        changes = list(w.get_signal(var).all_changes())
        initial = [c for c in changes if c[0] <= t0][-1:]
        inside = [c for c in changes if t0 < c[0] <= t1]
        enum = var.enum_type(h)
        if not initial and not inside:
            out.append("(no value in the window)")
        for t, v in initial:
            out.append("%d\t%s\t(in force at %d)" % (t, people(expected_value(var, h, v, radix, enum)), t0))
        for t, v in inside:
            out.append("%d\t%s" % (t, people(expected_value(var, h, v, radix, enum))))
    return "\n".join(out) + "\n"


def windows(w, vars_):
    """The whole file, a window around the middle change of the first signal, one before
    the first change (empty)."""
    start, end = w.time_range
    times = [t for t, _ in w.get_signal(vars_[0]).all_changes()]
    mid = times[len(times) // 2] if times else start
    return [(start, end), (mid, mid + max(1, (end - start) // 4)), (0, 0)]


def check_file(path):
    w = fstwave.Waveform(str(path))
    vars_ = list(w.hierarchy.all_vars())[:3]
    if not vars_ or w.time_range is None:
        return 0
    n = 0
    for t0, t1 in windows(w, vars_):
        for radix in ("hex", "bin", "dec"):
            got = w.show_text(vars_, t0, t1, radix=radix)
            want = expected_show(w, vars_, t0, t1, radix)
            assert got == want, "%s (%d, %d] %s" % (path, t0, t1, radix)
            n += 1
    return n


@pytest.mark.parametrize("path", CORPUS_FILES, ids=CORPUS_IDS)
def test_show_corpus(path):
    assert check_file(path) > 0


def test_show_fixtures(fixture_files):
    checked = 0
    for path in fixture_files:
        try:
            w = fstwave.Waveform(str(path))
        except (fstwave.FstError, OSError):
            continue  # the malformed fixtures: their errors are tested elsewhere
        del w
        checked += check_file(path) > 0
    assert checked >= 20


def test_show_enum_literals_and_4state(fixture_files):
    """Hand-picked values of the enum fixture: literals, escapes, nibbles with x."""
    path = next(p for p in fixture_files if p.name == "enums_vhdl.fst")
    w = fstwave.Waveform(str(path))
    text = w.show_text(["tb.op", "tb.state", "tb.proc.slv_alias"], radix="hex")
    assert "20\tOP\\MUL\n" in text        # the literal "OP\\MUL" as libfst stored it
    assert "20\twait state\n" in text     # "\\040" undone
    assert "0\tXX\t(in force at 0)\n" in text  # mixed 9-state nibbles
    dec = w.show_text(["tb.proc.slv_alias"], radix="dec")
    assert dec.splitlines()[-1] == "20\t170"  # 0xaa


def test_show_errors(fixture_files):
    path = next(p for p in fixture_files if p.name == "enums_vhdl.fst")
    w = fstwave.Waveform(str(path))
    with pytest.raises(ValueError, match="no signal named 'tb.nope'"):
        w.show_text(["tb.op", "tb.nope"])
    with pytest.raises(ValueError, match="ends before it starts"):
        w.show_text(["tb.op"], 10, 5)
    with pytest.raises(ValueError, match="radix"):
        w.show_text(["tb.op"], radix="oct")
    with pytest.raises(ValueError):
        w.show_text([])
    with pytest.raises(TypeError):
        w.show_text([1])
    other = fstwave.Waveform(str(path))
    with pytest.raises(ValueError, match="another waveform"):
        w.show_text(list(other.hierarchy.all_vars())[:1])


def test_show_command(fixture_files):
    """``fstwave show`` prints show_text's bytes; an unknown signal is one error line that
    names the file and the signal, exit code 1."""
    path = next(p for p in fixture_files if p.name == "enums_vhdl.fst")
    w = fstwave.Waveform(str(path))
    run = lambda *a: subprocess.run([sys.executable, "-m", "fstwave", *a], capture_output=True,
                                    cwd=str(REPO_ROOT))
    r = run("show", str(path), "tb.op", "tb.slv", "--from", "5", "--to", "25", "--radix", "bin")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode("utf-8") == w.show_text(["tb.op", "tb.slv"], 5, 25, radix="bin")
    r = run("show", str(path), "tb.nope")
    assert r.returncode == 1
    assert r.stderr.decode() == "fstwave: error: %s: no signal named 'tb.nope'\n" % path
    r = run("--version")
    assert r.returncode == 0 and r.stdout.decode() == "fstwave %s\n" % fstwave.__version__


def test_progress_bar_only_on_a_terminal():
    """The tool's progress bar: drawn on a terminal once the work took longer than its delay,
    erased at the end; nothing on a file or pipe."""
    import io
    from fstwave.cli import _ProgressBar

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = _ProgressBar("loading", stream)
        bar._start -= 1.0  # the work has taken a second
        bar(0, 200)
        bar(200, 200)
        bar.clear()
    assert pipe.getvalue() == ""
    text = tty.getvalue()
    assert "\rloading [" + "#" * 30 + "] 100%" in text
    assert text.endswith("\r\x1b[K")
    quick = Tty()
    bar = _ProgressBar("loading", quick)  # short work: no bar at all
    bar(100, 100)
    bar.clear()
    assert quick.getvalue() == ""
