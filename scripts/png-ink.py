#!/usr/bin/python3
"""Counts the pixels of a PNG that are not (near) white, with the standard
library only (zlib), for `make check-browser`: a blank screenshot has none.
usage: png-ink.py FILE.png [MIN_SHARE]  - prints width, height, ink share;
exit 1 when the share of inked pixels is below MIN_SHARE (default 0.01)."""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"png-ink: '{path}': not a PNG")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (0, 2, 4, 6) or interlace:
        sys.exit(f"png-ink: '{path}': unsupported PNG (depth {depth}, type {ctype})")
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main():
    w, h, bpp, rows = read_png(sys.argv[1])
    need = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
    ink = 0
    colours = min(bpp, 3)
    for line in rows:
        for x in range(0, w * bpp, bpp):
            if any(line[x + k] < 235 for k in range(colours)):
                ink += 1
    share = ink / (w * h)
    print(f"{w}x{h} pixels, {share:.1%} not white")
    sys.exit(0 if share >= need else 1)


main()
