#!/usr/bin/python3
"""Checks shiplog-report's CSV files against the analysis file they were
written from, read independently with Python's msgpack (docs/FORMAT.md
"The analysis file"): every table has its TABLE.csv, with the table's
column names as header and its rows in order, each cell the value as
docs/REPORT.md writes it (null empty, booleans true/false, times as
ISO 8601 UTC with milliseconds, numbers that read back to the same double,
text formula-safe: a leading = + - @ tab or CR gets an apostrophe, control
characters become U+FFFD).

  csv-check.py ANALYSIS CSVDIR

Prints a one-line summary, or the first differences and exits 1."""
import csv
import datetime
import math
import os
import struct
import sys

import msgpack

TRAILER = 36


def tables(path):
    """(columns, rows) of every table, through the trailer and index."""
    with open(path, "rb") as f:
        f.seek(-TRAILER, 2)
        ioff, ilen = struct.unpack(">xxQxQ", f.read(TRAILER)[:19])
        f.seek(ioff)
        index = msgpack.unpackb(f.read(ilen), raw=False)
        for t in index["tables"]:
            rows = []
            for off, nbytes, nrows in t["groups"]:
                f.seek(off)
                g = msgpack.unpackb(f.read(nbytes), raw=False)
                rows.extend(zip(*g["data"]))
            yield t["name"], t["columns"], rows


def is_number(s):
    if not s or s[0] not in "+-.0123456789" or any(c in s for c in "xXnNiI"):
        return False
    try:
        float(s)
        return True
    except ValueError:
        return False


def text(s):
    s = "".join("\ufffd" if (ord(c) < 0x20 and c not in "\t\r\n") or c == "\x7f" else c
                for c in s)
    if s and s[0] in "=+-@\t\r" and not is_number(s):
        s = "'" + s
    return s


def same(kind, v, cell):
    if v is None:
        return cell == ""
    if kind == "bool":
        return cell == ("true" if v else "false")
    if kind == "time":
        t = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=v)
        return cell == t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v % 1000:03d}Z"
    if kind == "i64":
        return cell == str(v)
    if kind == "f64":
        try:
            return float(cell) == v or (math.isnan(v) and cell == "")
        except ValueError:
            return False
    return cell == text(v)


def main():
    path, d = sys.argv[1], sys.argv[2]
    bad, ntables, nrows = [], 0, 0
    for name, cols, rows in tables(path):
        ntables += 1
        try:
            with open(os.path.join(d, name + ".csv"), newline="", encoding="utf-8") as f:
                got = list(csv.reader(f))
        except OSError as e:
            bad.append(f"{name}: {e}")
            continue
        want = [c["name"] for c in cols]
        if not got or got[0] != want:
            bad.append(f"{name}: header {got[:1]}, want {want}")
            continue
        if len(got) - 1 != len(rows):
            bad.append(f"{name}: {len(got) - 1} rows, the file has {len(rows)}")
            continue
        for i, (row, cells) in enumerate(zip(rows, got[1:])):
            for c, v, cell in zip(cols, row, cells):
                if not same(c["type"], v, cell):
                    bad.append(f"{name} row {i + 1}, {c['name']}: {cell!r} for {v!r}")
            nrows += 1
    extra = sorted(set(f[:-4] for f in os.listdir(d) if f.endswith(".csv")) -
                   set(n for n, _, _ in tables(path)))
    if extra:
        bad.append(f"CSV files of no table: {extra}")
    if bad:
        print("\n".join(bad[:10]))
        return 1
    print(f"{ntables} tables, {nrows} rows: every cell as in the analysis file")
    return 0


sys.exit(main())
