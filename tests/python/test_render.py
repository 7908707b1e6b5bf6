"""Waveform.render_svg() and ``fstwave render`` drawn by a real renderer: Debian's
``rsvg-convert`` (librsvg2-bin, installed by scripts/bootstrap.sh) turns the SVG into a PNG,
read here with zlib (8-bit RGB/RGBA, not interlaced), and the pixels are checked against
the geometry of docs/tools.md computed from ``all_changes()``: the edges of clock-like 1-bit
signals at their pixel columns, x regions shaded, dense slices marked, on corpus files."""

import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import fstwave
from conftest import CORPUS, REPO_ROOT

RSVG = shutil.which("rsvg-convert")

# docs/tools.md, "render": the geometry
AXIS_H, ROW_H, HI, LO, MID = 30, 24, 4, 20, 12
LINE, X_FILL, DENSE = (0x1A, 0x7F, 0x37), (0xFF, 0x80, 0x80), (0x80, 0x80, 0x80)


def label_width(label):
    return max(64, 16 + 7 * min(48, len(label)))


def read_png(data):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB/RGBA non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    w, h, depth, color, _, _, interlace = ihdr
    assert depth == 8 and color in (2, 6) and interlace == 0, ihdr
    bpp = 4 if color == 6 else 3
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def close(p, q, tol=24):
    return all(abs(a - b) <= tol for a, b in zip(p, q))


def rasterize(svg, tmp_path):
    assert RSVG, "rsvg-convert is missing: scripts/bootstrap.sh installs librsvg2-bin"
    src = tmp_path / "wave.svg"
    src.write_text(svg, encoding="utf-8")
    png = subprocess.run([RSVG, "--format=png", str(src)], capture_output=True, check=True).stdout
    return read_png(png)


def slice_of(t, t0, t1, width):
    """The slice k with a_k < t <= a_{k+1}, a_k = t0 + floor((t1 - t0) * k / width)."""
    return -(-(t - t0) * width // (t1 - t0)) - 1


def find_clock(width):
    """(path, full name) of a clock-like 1-bit signal of the corpus: only 0/1, 8..80 changes,
    no two in the same or adjacent pixel columns of a render `width` wide."""
    for path in sorted(CORPUS.rglob("*.fst")):
        w = fstwave.Waveform(str(path))
        start, end = w.time_range
        if end <= start:
            continue
        for var in w.hierarchy.all_vars():
            if var.bitwidth() != 1:
                continue
            ch = list(w.get_signal(var).all_changes())
            if not 8 <= len(ch) <= 80 or any(not isinstance(v, int) for _, v in ch):
                continue
            ks = [slice_of(t, start, end, width) for t, _ in ch if t > start]
            if len(ks) >= 8 and all(b - a >= 3 for a, b in zip(ks, ks[1:])):
                return path, var.full_name(w.hierarchy)
    raise AssertionError("no clock-like signal in the corpus")


def open_var(path, name):
    w = fstwave.Waveform(str(path))
    return w, next(v for v in w.hierarchy.all_vars() if v.full_name(w.hierarchy) == name)


def test_clock_edges_at_their_columns(tmp_path):
    width = 800
    w, var = open_var(*find_clock(width))
    h = w.hierarchy
    start, end = w.time_range
    label = var.full_name(h)
    svg = w.render_svg([var], width=width)
    pw, ph, px = rasterize(svg, tmp_path)
    left = label_width(label)
    assert pw == left + width + 48 and ph == AXIS_H + ROW_H + 4
    top = AXIS_H
    want = [left + slice_of(t, start, end, width) + 1 for t, _ in w.get_signal(var).all_changes() if t > start]
    got = [x for x in range(left, left + width)
           if sum(close(px[y][x], LINE) for y in range(top + HI, top + LO + 1)) >= 10]
    assert got, "no edge drawn"
    for x in want:
        assert any(abs(x - g) <= 1 for g in got), "edge of column %d missing (%s)" % (x, got)
    for g in got:
        assert any(abs(x - g) <= 1 for x in want), "edge at column %d without a change" % g
    # high and low levels between the edges follow the values
    for (t, v), (t2, _) in zip(w.get_signal(var).all_changes(), list(w.get_signal(var).all_changes())[1:]):
        if t <= start:
            continue
        x0 = left + slice_of(t, start, end, width) + 1
        x1 = left + slice_of(t2, start, end, width) + 1
        if x1 - x0 < 4:
            continue
        y = top + (HI if v == 1 else LO)
        assert close(px[y][(x0 + x1) // 2], LINE), "level of %s at %d" % (v, t)


def test_x_region_is_shaded(tmp_path):
    """questa-sim/dump.vcd.fst rf_bench.DUT.rf0.read1data is x from 301 to 500: the columns
    of that run are filled with the x colour between the high and low lines."""
    path = CORPUS / "questa-sim" / "dump.vcd.fst"
    w, var = open_var(path, "rf_bench.DUT.rf0.read1data")
    ch = list(w.get_signal(var).all_changes())
    runs = [(t, t2) for (t, v), (t2, _) in zip(ch, ch[1:]) if v == "x" and t > 0]
    assert runs
    t_a, t_b = runs[0]
    start, end = w.time_range
    width = 600
    pw, ph, px = rasterize(w.render_svg([var], width=width), tmp_path)
    left = label_width(var.full_name(w.hierarchy))
    x0 = left + slice_of(t_a, start, end, width) + 1
    x1 = left + slice_of(t_b, start, end, width) + 1
    assert x1 - x0 >= 4
    for x in range(x0 + 1, x1 - 1):
        assert close(px[AXIS_H + MID][x], X_FILL), "column %d of the x run %d..%d" % (x, t_a, t_b)
    after = (x1 + left + width) // 2 if ch[-1][1] != "x" else None
    if after is not None:
        assert not close(px[AXIS_H + MID][after], X_FILL)


def test_dense_slices_are_marked(tmp_path):
    """The clock drawn 16 pixels wide: slices with two or more changes (counted from
    all_changes) are grey, slices without any change are not."""
    width = 16
    w, var = open_var(*find_clock(800))
    start, end = w.time_range
    times = [t for t, _ in w.get_signal(var).all_changes()]
    bounds = [start + (end - start) * k // width for k in range(width + 1)]
    counts = [sum(bounds[k] < t <= bounds[k + 1] for t in times) for k in range(width)]
    assert any(c >= 2 for c in counts)
    pw, ph, px = rasterize(w.render_svg([var], width=width), tmp_path)
    left = label_width(var.full_name(w.hierarchy))
    for k, c in enumerate(counts):
        grey = close(px[AXIS_H + MID][left + k], DENSE, 8)
        if c >= 2:
            assert grey, "slice %d has %d changes" % (k, c)
        elif c == 0:
            assert not grey, "slice %d has no change" % k


def test_render_command_and_errors(tmp_path):
    """``fstwave render -o`` writes render_svg's bytes; bad arguments are errors."""
    path, name = find_clock(800)
    w, var = open_var(path, name)
    out = tmp_path / "wave.svg"
    r = subprocess.run([sys.executable, "-m", "fstwave", "render", str(path), name, "--width", "300",
                        "--radix", "dec", "-o", str(out)], capture_output=True, cwd=str(REPO_ROOT))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == w.render_svg([name], width=300, radix="dec").encode("utf-8")
    start, end = w.time_range
    with pytest.raises(ValueError, match="width"):
        w.render_svg([var], width=8)
    with pytest.raises(ValueError, match="empty"):
        w.render_svg([var], start=5, end=5)
    with pytest.raises(ValueError, match="no signal named"):
        w.render_svg(["no.such.signal"])
    # a file of another name: the label and the XML escapes
    svg = w.render_svg([var], start=start, end=end, width=100)
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    assert svg == w.render_svg([var], width=100)  # deterministic


def test_labels_are_xml_escaped(fixture_files, tmp_path):
    """Names with <, & and control characters stay well-formed XML that the renderer reads."""
    import xml.dom.minidom
    for p in fixture_files:
        if p.name not in ("odd_names.fst", "names.fst", "latin1_names.fst", "strings.fst"):
            continue
        w = fstwave.Waveform(str(p))
        vars_ = list(w.hierarchy.all_vars())[:40]
        start, end = w.time_range
        svg = w.render_svg(vars_, width=200) if end > start else None
        if svg:
            xml.dom.minidom.parseString(svg.encode("utf-8"))
            rasterize(svg, tmp_path)


def test_enum_literal_with_x_is_not_shaded(tmp_path):
    """A bus box is shaded for its bits (a state other than 0/1), not for its text: the
    example file's top.state shows the literal EXEC in a plain box, its 'x' values of
    top.nib in shaded ones."""
    make = subprocess.run(["make", "-C", str(REPO_ROOT), "build/example.fst"], capture_output=True, text=True)
    assert make.returncode == 0, make.stdout + make.stderr
    w = fstwave.Waveform(str(REPO_ROOT / "build" / "example.fst"))
    start, end = w.time_range
    width = 600
    pw, ph, px = rasterize(w.render_svg(["top.state", "top.nib"], width=width), tmp_path)
    left = label_width("top.state")
    checked = {"EXEC": 0, "x": 0}
    for row, name in enumerate(["top.state", "top.nib"]):
        var = open_var(REPO_ROOT / "build" / "example.fst", name)[1]
        enum = var.enum_type(w.hierarchy)
        ch = list(w.get_signal(var).all_changes())
        for (t, v), (t2, _) in zip(ch, ch[1:]):
            x0 = left + slice_of(t, start, end, width) + 1
            x1 = left + slice_of(t2, start, end, width) + 1
            if t <= start or x1 - x0 < 8:
                continue
            y = AXIS_H + ROW_H * row + HI + 1
            shaded = close(px[y][(x0 + x1) // 2], X_FILL, 8)
            literal = dict(enum[1]).get(format(v, "02b") if isinstance(v, int) else v) if enum else None
            if literal == "EXEC":
                assert not shaded, "EXEC at %d" % t
                checked["EXEC"] += 1
            elif isinstance(v, str) and "x" in v:
                assert shaded, "%s at %d" % (v, t)
                checked["x"] += 1
    assert checked["EXEC"] > 0 and checked["x"] > 0, checked


def test_readme_picture_is_what_the_tool_draws(tmp_path):
    """docs/render-example.svg, the picture the README shows, is the output of the command
    the README gives for it (so it is never stale or drawn by hand)."""
    import re
    readme = (REPO_ROOT / 'README.md').read_text(encoding='utf-8')
    m = re.search(r'\(`fstwave render (build/example\.fst[^`]*?) -o docs/render-example\.svg`\)',
                  readme.replace('\n', ' '))
    assert m, 'README names the command of its picture'
    args = m.group(1).split()
    out = tmp_path / 'wave.svg'
    subprocess.run([sys.executable, '-m', 'fstwave', 'render', str(REPO_ROOT / args[0]), *args[1:],
                    '-o', str(out)], check=True, cwd=tmp_path)
    assert out.read_bytes() == (REPO_ROOT / 'docs' / 'render-example.svg').read_bytes()
