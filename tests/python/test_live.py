"""Files whose writer did not finish (a simulation killed, a file still being written).

libfst writes value-change blocks as the simulation runs and the geometry and hierarchy
blocks only when it closes the file; while it runs, the hierarchy lives in a side file
``<file>.fst.hier`` (uncompressed).  wellen reads such files by taking the hierarchy from
that side file, and so does fstwave (issue 5): these tests cut a complete multi-block file
right after its last value-change block, zero the header fields libfst fills in at close,
and check that fstwave reads what the cut file holds, that it does so only with the side
file, and that it never writes near the input (a read-only directory works).
"""

import gzip
import os
import stat
import struct

import pytest

import fstwave

HEADER, VC_BLOCKS, GEOMETRY, HIER_GZ = 0, (1, 5, 8), 3, 4


def blocks(data):
    """(type, offset, length) of every block: u8 type, u64 big-endian length."""
    out, pos = [], 0
    while pos + 9 <= len(data):
        typ, length = data[pos], struct.unpack('>Q', data[pos + 1:pos + 9])[0]
        out.append((typ, pos, length))
        pos += 1 + length
    return out


def hierarchy_bytes(data, blks):
    """The uncompressed hierarchy of a file whose hierarchy block is gzip (type 4)."""
    typ, off, length = next(b for b in blks if b[0] == HIER_GZ)
    unpacked = struct.unpack('>Q', data[off + 9:off + 17])[0]
    raw = gzip.decompress(data[off + 17:off + 1 + length])
    assert len(raw) == unpacked
    return raw


def make_live(src, dest, keep_blocks=None, with_side_file=True):
    """Writes dest: src cut after its value-change blocks (or after keep_blocks of them),
    header times and counts zeroed as libfst leaves them until close; and the side file."""
    data = src.read_bytes()
    blks = blocks(data)
    vcs = [b for b in blks if b[0] in VC_BLOCKS]
    last = vcs[-1] if keep_blocks is None else vcs[keep_blocks - 1]
    cut = bytearray(data[:last[1] + 1 + last[2]])
    # header: u64 start at +9, end at +17; scope/var counts and max handle at +49..+73
    cut[9:25] = bytes(16)
    cut[49:73] = bytes(24)
    dest.write_bytes(bytes(cut))
    if with_side_file:
        dest.with_name(dest.name + '.hier').write_bytes(hierarchy_bytes(data, blks))
    return vcs, last


def walk(h):
    out = []

    def rec(scope):
        out.append(('scope', scope.full_name(h), scope.scope_type()))
        for v in scope.vars(h):
            out.append(('var', v.full_name(h), v.var_type(), v.bitwidth(), v.signal_ref()))
        for s in scope.scopes(h):
            rec(s)

    for s in h.top_scopes():
        rec(s)
    return out


@pytest.fixture
def complete(fixtures_dir):
    path = fixtures_dir / 'multiblock_zlib.fst'
    data = path.read_bytes()
    assert any(b[0] == HIER_GZ for b in blocks(data)), 'fixture should have a gzip hierarchy'
    assert len([b for b in blocks(data) if b[0] in VC_BLOCKS]) >= 3
    return path


@pytest.mark.parametrize('keep', [None, 2, 1], ids=['all-blocks', 'two-blocks', 'one-block'])
def test_live_file_reads_with_side_file(tmp_path, complete, keep):
    live = tmp_path / 'live.fst'
    vcs, last = make_live(complete, live, keep)
    full = fstwave.Waveform(complete)
    w = fstwave.Waveform(live)
    fh, lh = full.hierarchy, w.hierarchy
    assert walk(lh) == walk(fh)
    assert [v.full_name(lh) for v in lh.all_vars()] == [v.full_name(fh) for v in fh.all_vars()]
    # the time table is the complete file's, up to the kept blocks
    tt = list(w.time_table)
    assert tt and tt == list(full.time_table)[:len(tt)]
    if keep is None:
        assert tt == list(full.time_table)
    # times in the header were zero: the range comes from the blocks
    start, end = w.time_range
    assert start <= tt[0]
    assert end >= tt[-1]
    # every signal holds the complete file's changes before the last kept time
    t_last = tt[-1]
    for fv, lv in zip(fh.all_vars(), lh.all_vars()):
        got = list(w.get_signal(lv).all_changes())
        want = [c for c in full.get_signal(fv).all_changes() if c[0] < t_last]
        assert [c for c in got if c[0] < t_last] == want, fv.full_name(fh)
        assert all(c[0] <= t_last for c in got)


def test_live_file_without_side_file_is_a_clear_error(tmp_path, complete):
    live = tmp_path / 'live.fst'
    make_live(complete, live, with_side_file=False)
    with pytest.raises(fstwave.FstError, match=r'hierarchy.*live\.fst\.hier'):
        fstwave.Waveform(live)


def test_side_file_is_used_only_when_the_hierarchy_is_missing(tmp_path, complete):
    copy = tmp_path / 'whole.fst'
    copy.write_bytes(complete.read_bytes())
    (tmp_path / 'whole.fst.hier').write_bytes(b'\xfe\x00garbage that is not a hierarchy')
    w = fstwave.Waveform(copy)
    assert walk(w.hierarchy) == walk(fstwave.Waveform(complete).hierarchy)


def test_read_only_directory_and_nothing_written(tmp_path, complete):
    ro = tmp_path / 'ro'
    ro.mkdir()
    make_live(complete, ro / 'live.fst')
    (ro / 'whole.fst').write_bytes(complete.read_bytes())
    before = sorted(os.listdir(ro))
    os.chmod(ro, stat.S_IRUSR | stat.S_IXUSR)
    try:
        for name in ('live.fst', 'whole.fst'):
            w = fstwave.Waveform(ro / name)
            w.load_signals(list(w.hierarchy.all_vars()))
        assert sorted(os.listdir(ro)) == before
    finally:
        os.chmod(ro, stat.S_IRWXU)


def test_gzip_wrapped_file_in_read_only_directory(tmp_path, fixtures_dir):
    ro = tmp_path / 'ro'
    ro.mkdir()
    (ro / 'g.fst').write_bytes((fixtures_dir / 'gzip_wrapper.fst').read_bytes())
    assert (ro / 'g.fst').read_bytes()[0] == 254
    os.chmod(ro, stat.S_IRUSR | stat.S_IXUSR)
    try:
        w = fstwave.Waveform(ro / 'g.fst')
        assert len(w.load_signals(list(w.hierarchy.all_vars()))) > 0
        assert os.listdir(ro) == ['g.fst']
    finally:
        os.chmod(ro, stat.S_IRWXU)


def test_cut_inside_a_block_keeps_the_blocks_before(tmp_path, complete):
    data = complete.read_bytes()
    blks = blocks(data)
    vcs = [b for b in blks if b[0] in VC_BLOCKS]
    second = vcs[1]
    live = tmp_path / 'cut.fst'
    make_live(complete, live)  # writes the side file
    # now cut in the middle of the second block
    live.write_bytes(live.read_bytes()[:second[1] + 1 + second[2] // 2])
    w = fstwave.Waveform(live)
    one = tmp_path / 'one.fst'
    make_live(complete, one, keep_blocks=1)
    assert list(w.time_table) == list(fstwave.Waveform(one).time_table)

