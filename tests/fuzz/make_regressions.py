#!/usr/bin/env python3
"""make_regressions.py [OUTDIR] - writes the hand-made malformed FST inputs of
tests/fuzz/regressions (OUTDIR defaults to that folder).

Each file is tiny and deterministic; the replay (make fuzz-replay) runs them
through the fuzz harness under ASan+UBSan.  A malformed file must give an
error (FSTW_ERR_FORMAT) or open, never crash, hang or allocate gigabytes.
Only the Python standard library is used.  Files written by earlier runs are
overwritten; fuzzer-found inputs (crash-*, oom-*, ...) are not touched.
"""
import os
import struct
import sys
import zlib

HDR, VCDATA, BLACKOUT, GEOM, HIER, VCDATA_DA, HIER_LZ4, HIER_LZ4DUO, VCDATA_DA2 = range(9)
ZWRAPPER, SKIP = 254, 255


def u64(v):
    return struct.pack(">Q", v & (2**64 - 1))


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def block(btype, payload, length=None):
    """type byte, u64 length (counting itself), payload"""
    return bytes([btype]) + u64(len(payload) + 8 if length is None else length) + payload


def header(var_count=0, max_handle=0, scope_count=0, start=0, end=0, vc_count=0):
    p = u64(start) + u64(end) + struct.pack("<d", 2.718281828459045) + u64(0)
    p += u64(scope_count) + u64(var_count) + u64(max_handle) + u64(vc_count)
    p += struct.pack("b", -9)
    p += b"fstwave regression".ljust(128, b"\0") + b"Mon Jan  1 00:00:00 2024".ljust(119, b"\0")
    p += bytes([0]) + u64(0)
    assert len(p) + 8 == 329, len(p)
    return block(HDR, p)


def geometry(lengths):
    raw = b"".join(varint(x) for x in lengths)
    return block(GEOM, u64(len(raw)) + u64(len(lengths)) + raw)  # stored uncompressed


def geometry_zlib(lengths):
    raw = b"".join(varint(x) for x in lengths)
    packed = zlib.compress(raw, 9)
    return block(GEOM, u64(len(raw)) + u64(len(lengths)) + packed)


def lz4_literals(data):
    """one LZ4 block holding only literals (a valid LZ4 stream of `data`)"""
    n = len(data)
    out = bytearray()
    if n < 15:
        out.append(n << 4)
    else:
        out.append(0xF0)
        rest = n - 15
        while rest >= 255:
            out.append(255)
            rest -= 255
        out.append(rest)
    return bytes(out) + data


def hier_gzip(entries):
    co = zlib.compressobj(9, zlib.DEFLATED, 16 + 15)
    packed = co.compress(entries) + co.flush()
    return block(HIER, u64(len(entries)) + packed)


def hier_lz4(entries):
    return block(HIER_LZ4, u64(len(entries)) + lz4_literals(entries))


def scope(name, stype=0):
    return bytes([254, stype]) + name + b"\0" + b"\0"


def upscope():
    return bytes([255])


def var(name, length=1, alias=0, vtype=16, direction=0):  # 16 = wire
    return bytes([vtype, direction]) + name + b"\0" + varint(length) + varint(alias)


def files():
    f = {}
    # a header and nothing else: no vars, so it opens as an empty waveform
    f["hand-header-only.fst"] = header()
    # a header announcing vars, but no hierarchy: a clear error
    f["hand-header-only-vars.fst"] = header(var_count=3, max_handle=3)
    # the header cut short, and a block length field cut short
    f["hand-header-cut.fst"] = header()[:100]
    f["hand-header-cut-blocklen.fst"] = header() + bytes([VCDATA, 0, 0, 0])
    # header + a block whose length is 2^63 / 2^64-1 / less than its own field
    f["hand-header-huge-block.fst"] = header() + block(VCDATA, b"\0" * 40, length=2**63)
    f["hand-header-huge-block-ffff.fst"] = header(1, 1) + block(HIER, b"\0" * 24, length=2**64 - 1)
    f["hand-header-short-block.fst"] = header() + block(GEOM, b"", length=3) + b"\0" * 16
    # a geometry block claiming 2^40 signals in 16 bytes
    f["hand-geom-huge-count.fst"] = header(1, 1) + block(GEOM, u64(2**40) + u64(2**40) + b"\x01" * 16)
    # hierarchy blocks with garbage instead of gzip / LZ4 data, and huge unpacked sizes
    garbage = bytes((i * 37 + 11) & 0xFF for i in range(64))
    g1 = geometry([1])
    f["hand-hier-gzip-garbage.fst"] = header(1, 1) + g1 + block(HIER, u64(500) + garbage)
    f["hand-hier-lz4-garbage.fst"] = header(1, 1) + g1 + block(HIER_LZ4, u64(500) + garbage)
    f["hand-hier-lz4duo-garbage.fst"] = header(1, 1) + g1 + block(HIER_LZ4DUO, u64(500) + garbage)
    f["hand-hier-huge-unpacked.fst"] = header(1, 1) + g1 + block(HIER, u64(2**62) + garbage)
    # well-packed hierarchies whose entries are garbage: unknown tags, cut
    # strings, unterminated names, varints of 10+ bytes
    f["hand-hier-entries-garbage.fst"] = header(1, 1) + g1 + hier_lz4(garbage)
    f["hand-hier-entries-cut.fst"] = header(1, 1) + g1 + hier_lz4(scope(b"top") + bytes([16, 0]) + b"clk")
    f["hand-hier-varint-long.fst"] = header(1, 1) + g1 + hier_lz4(
        scope(b"top") + bytes([16, 0]) + b"clk\0" + b"\xff" * 12 + b"\0")
    # a var 2^32-1 bits wide, and one aliasing signal 2^32 (not declared)
    f["hand-hier-var-4g-bits.fst"] = header(1, 1) + g1 + hier_lz4(scope(b"top") + var(b"w", 2**32 - 1))
    f["hand-hier-alias-undeclared.fst"] = header(2, 1) + g1 + hier_lz4(
        scope(b"top") + var(b"a") + var(b"b", alias=2**32))
    # an enum table with a huge element count, and attribute garbage
    f["hand-hier-enum-huge-count.fst"] = header(1, 1) + g1 + hier_lz4(
        bytes([252, 0, 7]) + b"e 99999999999999 a b\0" + varint(1) + scope(b"top") + var(b"v"))
    # 300000 nested scopes (1.5 MB of hierarchy, 4 KB gzip): full names must
    # not recurse once per level (a stack overflow in the host)
    depth = 300000
    f["hand-hier-deep-nesting.fst"] = header(1, 1, scope_count=depth) + g1 + hier_gzip(
        scope(b"s") * depth + var(b"v") + upscope() * depth)
    # 300000 enum tables (all handle 1) and 300000 vars referring to enum
    # handle 2, which no table has: the enum lookup must not be a linear
    # search per var (quadratic: 9e10 steps, a hang; a hash lookup: 0.5 s)
    n = 300000
    ent = (bytes([252, 0, 7]) + b"e 1 a 0\0" + varint(1)) * n
    ent += scope(b"top") + (bytes([252, 0, 7, 0]) + varint(2) + var(b"v")) * n
    f["hand-hier-enum-refs-quadratic.fst"] = header(n, n) + geometry_zlib([1] * n) + hier_gzip(ent)
    # a value-change block: time table trailer with a huge item count
    vc = u64(0) + u64(10) + u64(0) + varint(0) + varint(0) + varint(1) + varint(1) + b"Z"
    vc += u64(0) + u64(2**31) + u64(0) + u64(2**31)
    f["hand-vc-huge-time-table.fst"] = header(1, 1) + block(VCDATA_DA2, vc) + g1 + hier_lz4(
        scope(b"top") + var(b"v"))
    # a whole-file gzip wrapper of garbage, and one announcing 2^60 bytes
    f["hand-zwrapper-garbage.fst"] = bytes([ZWRAPPER]) + u64(100) + u64(1000) + garbage
    f["hand-zwrapper-huge.fst"] = bytes([ZWRAPPER]) + u64(100) + u64(2**60) + garbage
    # VCD / GHW look-alikes and an empty file
    f["hand-vcd.fst"] = b"  $date today $end\n$timescale 1ns $end\n"
    f["hand-ghw.fst"] = b"GHDLwave\n\0\0\0"
    f["hand-empty.fst"] = b""
    return f


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "regressions")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(files().items()):
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data)
    print(f"make_regressions: {len(files())} files in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
