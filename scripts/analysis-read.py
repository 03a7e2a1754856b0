#!/usr/bin/python3
"""Read a shiplog analysis file (format 2, docs/FORMAT.md "The analysis
file") with Python's msgpack, two ways: object by object from the start
(header, row groups, index, trailer), and by the trailer and index, jumping
to one table's row groups.  Both must agree.

  analysis-read.py FILE                 tables and row counts (JSON)
  analysis-read.py FILE --table NAME    that table's rows (JSON, one list
                                        per row, in column order)
  analysis-read.py FILE --meta          the run metadata (JSON)
"""
import argparse
import json
import struct
import sys

import msgpack

TRAILER = 36
MAGIC = "shiplog-analysis"


def read_stream(path, keep=None):
    """Every object in order: the header, the rows of each table (counted;
    those of table `keep` kept), the index.  One object in memory at a
    time."""
    with open(path, "rb") as f:
        u = msgpack.Unpacker(f, raw=False, max_buffer_size=1 << 31)
        objs = iter(u)
        header = next(objs)
        if header.get("magic") != MAGIC or header.get("format") != 2:
            sys.exit(f"{path}: not an analysis file of format 2")
        counts, kept, rest = {}, [], []
        for o in objs:
            if isinstance(o, dict) and "table" in o:
                counts[o["table"]] = counts.get(o["table"], 0) + o["rows"]
                if o["table"] == keep:
                    kept.extend(list(r) for r in zip(*o["data"]))
            else:
                rest.append(o)
        index, trailer = rest
        if trailer[2] != MAGIC:
            sys.exit(f"{path}: bad trailer")
    return header, counts, kept, index


def read_table(path, name):
    """One table through the trailer and index: only its groups are read."""
    with open(path, "rb") as f:
        f.seek(-TRAILER, 2)
        tr = f.read(TRAILER)
        ioff, ilen = struct.unpack(">xxQxQ", tr[:19])
        f.seek(ioff)
        index = msgpack.unpackb(f.read(ilen), raw=False)
        for t in index["tables"]:
            if t["name"] != name:
                continue
            rows = []
            for off, nbytes, nrows in t["groups"]:
                f.seek(off)
                g = msgpack.unpackb(f.read(nbytes), raw=False)
                assert g["table"] == name and g["rows"] == nrows
                rows.extend(zip(*g["data"]))
            assert len(rows) == t["rows"]
            return t, [list(r) for r in rows]
    sys.exit(f"{path}: no table {name}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--table")
    ap.add_argument("--meta", action="store_true")
    a = ap.parse_args()
    header, counts, kept, index = read_stream(a.file, a.table)
    if a.meta:
        print(json.dumps(header["meta"], indent=1))
        return
    if a.table:
        t, rows = read_table(a.file, a.table)
        # the same rows object by object
        assert kept == rows, "stream and index disagree"
        print(json.dumps({"columns": [c["name"] for c in t["columns"]], "rows": rows}))
        return
    out = []
    for t in index["tables"]:
        assert counts.get(t["name"], 0) == t["rows"], t["name"]
        out.append([t["name"], t["rows"], len(t["groups"])])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
