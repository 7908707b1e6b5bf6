#!/usr/bin/env python3
"""side_seeds.py SEEDDIR - adds hierarchy-side-file seeds to a fuzz seed dir.

The harness (fuzz_open.c) splits an input at the marker b"FSTWHIER": the bytes
before it are the FST file, the bytes after it its `<file>.fst.hier` side
file (the uncompressed hierarchy libfst's writer keeps while it runs, read by
the core only when the hierarchy block is missing).  For every seed with an
embedded hierarchy block (gzip, LZ4 or LZ4-twice) this writes two seeds: the
file without its hierarchy block, and without hierarchy and geometry blocks
(a killed writer), each followed by the marker and the unpacked hierarchy.
Standard library only; LZ4 blocks are unpacked by the small decoder below.
"""
import os
import struct
import sys
import zlib

MARKER = b"FSTWHIER"


def lz4_length(src, i, n):
    """An LZ4 sequence length: the token's 4 bits n, extended by bytes while 15/255."""
    if n == 15:
        while True:
            b = src[i]
            i += 1
            n += b
            if b != 255:
                break
    return n, i


def lz4_block(src, size):
    out = bytearray()
    i = 0
    while i < len(src):
        tok = src[i]
        n, i = lz4_length(src, i + 1, tok >> 4)
        out += src[i:i + n]
        i += n
        if i >= len(src):
            break
        off = src[i] | (src[i + 1] << 8)
        m, i = lz4_length(src, i + 2, tok & 15)
        m += 4
        for _ in range(m):
            out.append(out[-off])
    if len(out) != size:
        raise ValueError("lz4 size mismatch")
    return bytes(out)


def varint(buf, i):
    v = s = 0
    while True:
        b = buf[i]
        i += 1
        v |= (b & 0x7F) << s
        s += 7
        if not b & 0x80:
            return v, i


def blocks(data):
    pos = 0
    while pos + 9 <= len(data):
        btype = data[pos]
        length = struct.unpack(">Q", data[pos + 1:pos + 9])[0]
        if length < 8 or pos + 1 + length > len(data):
            return
        yield btype, pos, 1 + length
        pos += 1 + length


def unpack_hier(btype, body):
    size = struct.unpack(">Q", body[:8])[0]
    rest = body[8:]
    if btype == 4:
        return zlib.decompress(rest, 16 + 15)
    if btype == 6:
        return lz4_block(rest, size)
    mid, i = varint(rest, 0)
    return lz4_block(lz4_block(rest[i:], mid), size)


def main():
    d = sys.argv[1]
    made = 0
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        with open(path, "rb") as fh:
            data = fh.read()
        if not data or data[0] != 0 or MARKER in data:
            continue
        hier = geom = None
        for btype, pos, n in blocks(data):
            if btype in (4, 6, 7):
                hier = (btype, pos, n)
            elif btype == 3:
                geom = (pos, n)
        if not hier:
            continue
        btype, hpos, hn = hier
        try:
            raw = unpack_hier(btype, data[hpos + 9:hpos + hn])
        except Exception:
            continue
        no_hier = data[:hpos] + data[hpos + hn:]
        variants = {"side-hier": no_hier}
        if geom:
            cut = sorted([(hpos, hn), geom])
            killed = data
            for pos, n in reversed(cut):
                killed = killed[:pos] + killed[pos + n:]
            variants["side-killed"] = killed
        base = name[:-4] if name.endswith(".fst") else name
        for tag, fst in variants.items():
            with open(os.path.join(d, f"{base}.{tag}.fst"), "wb") as fh:
                fh.write(fst + MARKER + raw)
            made += 1
    print(f"side_seeds: {made} side-file seed(s) in {d}", file=sys.stderr)


if __name__ == "__main__":
    main()
