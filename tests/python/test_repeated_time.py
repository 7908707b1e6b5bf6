"""Value changes at a time the time table holds more than once (issue 10, point 7).

libfst's writer starts each value-change block's time table with the previous block's last
time (the seam), and writes a time again when it is given the current time once more; the
time table keeps those repeats (pywellen does).  A change written at a repeated entry
belongs to the *first* time-table index of its time (fst-reader, and so pywellen, report it
there; fstwave maps it with the time table's repeat list, core/src/fstw_body.c and
fstw_decode.c).  No corpus file has such a change; the fixture ``repeated_time.fst``
(tests/fixtures/gen_fixtures.c) has changes at repeats inside a block and at two seams.

The tests check, on that fixture:
- that it really has such changes, from the file's bytes (a small decoder of its zlib
  value-change blocks below, independent of both readers): some signal's chain has a change
  at a time-table entry that repeats the entry before it, both at a seam and inside a block;
- fstwave against pywellen 0.20.5: the time table, every signal's all_changes,
  value_at_idx at every index, value_at_time at every table time, between two times, before
  the first and after the last (between two times pywellen gives the next time's value,
  deviation D1: fstwave's is compared with pywellen's at the time before);
- on fstwave alone: every index of one time gives the same value, the value after every
  change written at that time (what a change mapped to a later index of its time breaks).
"""
import struct
import sys
import zlib

import pytest

import fstwave
import pywellen

from conftest import REPO_ROOT
from test_live import VC_BLOCKS, blocks
from wavecompare import pw_time_table, strict_eq

sys.path.insert(0, str(REPO_ROOT / 'tests' / 'fuzz'))
from side_seeds import varint as uvarint  # noqa: E402  (LEB128: value, next position)

NAME = 'repeated_time.fst'
GEOMETRY = 3
GEOM_REAL, GEOM_VARLEN = 0, 0xFFFFFFFF


def svarint(buf, i):
    """(value, next position) of the signed varint at buf[i] (sign-extended from bit 6)."""
    v, j = uvarint(buf, i)
    shift = 7 * (j - i)
    if buf[j - 1] & 0x40:
        v -= 1 << shift
    return v, j


def geometry(data, blks):
    """Per-signal FST lengths (0 real, 0xFFFFFFFF variable length) from the geometry block."""
    _, off, length = next(b for b in blks if b[0] == GEOMETRY)
    unpacked, count = struct.unpack_from('>QQ', data, off + 9)
    raw = data[off + 25:off + 1 + length]
    if len(raw) != unpacked:
        raw = zlib.decompress(raw)
    out, i = [], 0
    for _ in range(count):
        v, i = uvarint(raw, i)
        out.append(v)
    return out


def chain_offsets(tab, n_signals, chains_len):
    """(offset, length) of each signal's chain (None when it has none), from a block's chain
    table in the dynamic-alias-2 form (block type 8): odd signed varints are offset deltas
    (> 0), aliases to an earlier chain (< 0) or to the last alias (0); even varints skip
    signals without a chain."""
    offs, i, pos, last_alias = [], 0, 0, None
    while i < len(tab):
        if tab[i] & 1:
            v, i = svarint(tab, i)
            v >>= 1
            if v > 0:
                pos += v
                offs.append(pos)
            else:
                if v < 0:
                    last_alias = -v - 1
                offs.append(('alias', last_alias))
        else:
            v, i = uvarint(tab, i)
            offs.extend([None] * (v >> 1))
    starts = sorted(o for o in offs if isinstance(o, int)) + [chains_len]
    ends = dict(zip(starts, starts[1:]))
    res = []
    for o in offs:
        if isinstance(o, tuple):  # an alias: the chain of an earlier signal
            res.append(res[o[1]])
        else:
            res.append(None if o is None else (o, ends[o] - o))
    return (res + [None] * n_signals)[:n_signals]


def change_steps(chain, g):
    """The time-table steps (local to the block) of every change in one unpacked chain of a
    signal of FST length g."""
    steps, i, step = [], 0, None
    while i < len(chain):
        v, i = uvarint(chain, i)
        if g == 1:
            delta = v >> 4 if v & 1 else v >> 2
        else:
            delta = v >> 1
            if g == GEOM_REAL:
                i += 8
            elif g == GEOM_VARLEN:
                n, i = uvarint(chain, i)
                i += n
            else:
                i += g if v & 1 else (g + 7) // 8
        step = delta if step is None else step + delta
        steps.append(step)
    return steps


def decode_blocks(path):
    """[(time table, [steps of each signal's changes])] per value-change block: the file's
    own bytes, read without fstwave or pywellen (zlib chains only: the fixture's packing)."""
    data = path.read_bytes()
    blks = blocks(data)
    geom = geometry(data, blks)
    out = []
    for typ, off, length in blks:
        if typ not in VC_BLOCKS:
            continue
        assert typ == 8, f'{path.name}: block type {typ} (only type 8 is decoded here)'
        end = off + 1 + length
        t_unpacked, t_packed, t_count = struct.unpack_from('>QQQ', data, end - 24)
        raw = data[end - 24 - t_packed:end - 24]
        raw = zlib.decompress(raw) if t_packed != t_unpacked else raw
        times, i, t = [], 0, 0
        for _ in range(t_count):
            d, i = uvarint(raw, i)
            t += d
            times.append(t)
        table_end = end - 24 - t_packed - 8
        (table_len,) = struct.unpack_from('>Q', data, table_end)
        table_pos = table_end - table_len
        # after start time, end time, memory size: the frame (lengths, then its bytes)
        i = off + 9 + 24
        _, i = uvarint(data, i)
        frame_packed, i = uvarint(data, i)
        _, i = uvarint(data, i)
        i += frame_packed
        _, vc_start = uvarint(data, i)  # max handle, then the pack type at vc_start
        assert data[vc_start:vc_start + 1] in (b'Z', b'!'), f'{path.name}: not zlib chains'
        chains = chain_offsets(data[table_pos:table_end], len(geom), table_pos - vc_start)
        steps = []
        for g, loc in zip(geom, chains):
            if loc is None:
                steps.append([])
                continue
            c0 = vc_start + loc[0]
            unpacked, c = uvarint(data, c0)
            body = data[c:c0 + loc[1]]
            steps.append(change_steps(zlib.decompress(body) if unpacked else body, g))
        out.append((times, steps))
    return out


@pytest.fixture(scope='module')
def path(fixtures_dir):
    return fixtures_dir / NAME  # written by gen_fixtures (its table lists it)


@pytest.fixture(scope='module')
def raw(path):
    return decode_blocks(path)


def test_fixture_has_changes_at_repeated_times(raw):
    """The point of the fixture, from its bytes: changes written at a time-table entry equal
    to the entry before it, at a block seam and inside a block."""
    seam, inside = [], []
    for b, (times, steps) in enumerate(raw):
        for ref, st in enumerate(steps):
            for k in st:
                assert 0 <= k < len(times), f'block {b} signal {ref}: step {k} of {len(times)}'
                if k > 0 and times[k] == times[k - 1]:
                    # the block's first entry is the previous block's last time (the seam)
                    (seam if b > 0 and times[k] == times[0] else inside).append((b, ref, k))
    # every seam repeats the previous block's last time
    for (prev, _), (cur, _) in zip(raw, raw[1:]):
        assert cur[0] == prev[-1]
    assert seam, 'no change at a block seam time in a later block'
    assert inside, 'no change at a time written twice inside one block'
    assert {b for b, _, _ in seam} >= {1, 2}, seam


def test_time_table(path, raw):
    """fstwave's and pywellen's time tables are the blocks' tables, concatenated with their
    repeats (the first block starts at its first time step: nothing put in front)."""
    want = [t for times, _ in raw for t in times]
    assert len(want) > len(set(want)) + 4
    fw = fstwave.Waveform(str(path))
    pw = pywellen.Waveform(str(path))
    assert list(fw.time_table) == want
    assert pw_time_table(pw.time_table) == want


def pairs(path):
    """[(var name, fstwave Signal, pywellen Signal)] of every signal, and the time table."""
    fw = fstwave.Waveform(str(path))
    pw = pywellen.Waveform(str(path))
    fh, ph = fw.hierarchy, pw.hierarchy
    out = []
    for fv, pv in zip(fh.all_vars(), ph.all_vars()):
        assert fv.full_name(fh) == pv.full_name(ph)
        out.append((fv.full_name(fh), fw.get_signal(fv), pw.get_signal(pv)))
    assert len(out) == len(list(ph.all_vars())) > 5
    return out, list(fw.time_table)


def test_all_changes_against_pywellen(path):
    sigs, _ = pairs(path)
    for name, fs, ps in sigs:
        f, p = list(fs.all_changes()), list(ps.all_changes())
        assert len(f) == len(p) and all(map(strict_eq, f, p)), f'{name}: {f} != {p}'


def test_value_at_idx_against_pywellen(path):
    sigs, tt = pairs(path)
    for name, fs, ps in sigs:
        for i in range(len(tt)):
            f, p = fs.value_at_idx(i), ps.value_at_idx(i)
            assert strict_eq(f, p), f'{name}: value_at_idx({i}) (time {tt[i]}): {f!r} != {p!r}'


def test_value_at_time_against_pywellen(path):
    """At every table time equal; between two times (D1) fstwave's value equals pywellen's at
    the time before; before the first time and after the last equal."""
    sigs, tt = pairs(path)
    times = sorted(set(tt))
    assert times[0] > 0 or len(times) > 1
    for name, fs, ps in sigs:
        for t in times:
            f, p = fs.value_at_time(t), ps.value_at_time(t)
            assert strict_eq(f, p), f'{name}: value_at_time({t}): {f!r} != {p!r}'
        for a, b in zip(times, times[1:]):
            if b - a > 1:
                f, p = fs.value_at_time(a + 1), ps.value_at_time(a)
                assert strict_eq(f, p), f'{name}: value_at_time({a + 1}): {f!r}, pywellen at {a}: {p!r}'
        after = times[-1] + 5
        assert strict_eq(fs.value_at_time(after), ps.value_at_time(after)), f'{name}: after the end'
        if times[0] > 0:
            assert strict_eq(fs.value_at_time(times[0] - 1), ps.value_at_time(times[0] - 1))


def test_one_value_per_time(path, raw):
    """fstwave alone: all indices of one time give one value, the value left by the last
    change written at that time; a change mapped to a later index of its time would leave
    the earlier indices with the value before it."""
    sigs, tt = pairs(path)
    firsts = {}
    for i, t in enumerate(tt):
        firsts.setdefault(t, i)
    repeated = [t for t in firsts if tt.count(t) > 1]
    assert len(repeated) >= 3
    for name, fs, _ in sigs:
        changes = list(fs.all_changes())
        for t in repeated:
            at_t = [v for ct, v in changes if ct == t]
            values = [fs.value_at_idx(i) for i, x in enumerate(tt) if x == t]
            assert all(strict_eq(v, values[0]) for v in values), f'{name}: time {t}: {values}'
            if at_t:
                assert strict_eq(values[0], at_t[-1]), f'{name}: time {t}: {values[0]!r} != {at_t[-1]!r}'
