#!/usr/bin/python3
"""store-read.py - read one shiplog store file with nothing but the Python
standard library and msgpack (Debian: python3-msgpack).

    store-read.py FILE [--verify] [--json] [--columns a,b]

Prints the file's header, its row counts and its rows.  It is a second,
independent implementation of docs/FORMAT.md: the file is read front to back
with a plain msgpack.Unpacker and numeric columns are unpacked with `struct`.
Like the C reader, it checks the CRC-32 (zlib.crc32) of the footer, the
header and every chunk before decoding them, so it never prints damaged data;
--verify adds the whole-file CRC-32, i.e. every CRC the file carries.

Output
  text (default): '#'-prefixed header lines, then the rows as tab-separated
      values under a line of column names; null is \\N, and backslash, tab,
      CR and LF in strings are written as \\\\, \\t, \\r, \\n.
  --json: deterministic, for tests.  Line 1 is the file object
      {"columns", "day", "format", "groups", "kind", "max_time", "min_time",
      "rows"}; then one object per row, {column: value}, keys sorted.  Times
      are "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC; a bare number of milliseconds when
      outside years 1-9999), f64 non-finite values are the strings "nan",
      "inf", "-inf", null is null.  Output is ASCII.

Exit status: 0 success, 1 the file is unreadable, corrupt (a CRC mismatch),
or of another format version, 2 misuse (bad option, unknown column).  Every
error message names the file.
"""

import argparse
import datetime
import json
import math
import os
import signal
import struct
import sys
import zlib

import msgpack

PROG = "store-read.py"
MAGIC = "shiplog-columnar"
FORMAT_VERSION = 1
TRAILER_LEN = 20
VALUE_SIZE = {"i64": 8, "time": 8, "f64": 8, "bool": 1}
STRUCT_CODE = {"i64": "q", "time": "q", "f64": "d"}
CODE_STRUCT = {1: "B", 2: "H", 4: "I"}
EPOCH = datetime.date(1970, 1, 1)
DAY_MS = 86400000


class StoreError(Exception):
    """The file is not a valid store file (message names what is wrong)."""


class UsageError(Exception):
    """The command line asks for something the file does not have."""


# ---- low-level helpers ----

def crc_range(fd, start, end):
    """CRC-32 of bytes [start, end) of the open file fd, read in blocks."""
    crc = 0
    pos = start
    while pos < end:
        block = os.pread(fd, min(1 << 20, end - pos), pos)
        if not block:
            raise StoreError("unexpected end of file at byte %d" % pos)
        crc = zlib.crc32(block, crc)
        pos += len(block)
    return crc


def need(cond, msg):
    if not cond:
        raise StoreError(msg)


def is_uint(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def format_time(ms):
    """epoch ms -> 'YYYY-MM-DDTHH:MM:SS.mmmZ' (integer arithmetic only)."""
    days, rem = divmod(ms, DAY_MS)
    try:
        d = EPOCH + datetime.timedelta(days=days)
    except OverflowError:
        return ms
    sec, milli = divmod(rem, 1000)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        d.year, d.month, d.day, sec // 3600, sec // 60 % 60, sec % 60, milli)


def time_or_none(v, what):
    need(v is None or is_int(v), "%s is not an integer or nil" % what)
    return None if v is None else format_time(v)


def expect_keys(obj, keys, what):
    need(isinstance(obj, dict), "%s is not a map" % what)
    missing = [k for k in keys if k not in obj]
    need(not missing, "%s lacks %s" % (what, ", ".join(missing)))


# ---- the trailer, the footer and the header ----

def read_trailer(fd, size):
    """(footer offset, footer CRC, file CRC) from the last 20 bytes."""
    need(size >= TRAILER_LEN + 8,
         "file too short (%d bytes) to be a store file" % size)
    t = os.pread(fd, TRAILER_LEN, size - TRAILER_LEN)
    # fixarray(3) of uint64 (0xcf), uint32 (0xce), uint32 (0xce), big-endian
    # as msgpack integers are; fixed widths so that it can be found from the end
    need(t[0] == 0x93 and t[1] == 0xcf and t[10] == 0xce and t[15] == 0xce,
         "no trailer (truncated or not a store file)")
    footer_off, footer_crc, file_crc = struct.unpack(">xxQxIxI", t)
    # ... and it is an ordinary msgpack object too
    need(msgpack.unpackb(t) == [footer_off, footer_crc, file_crc],
         "unreadable trailer")
    need(footer_off < size - TRAILER_LEN, "footer offset out of range")
    return footer_off, footer_crc, file_crc


def unpack_exactly(data, what):
    """The one msgpack object that data holds."""
    unp = msgpack.Unpacker(raw=False, unicode_errors="surrogateescape",
                           max_buffer_size=max(len(data), 1 << 20))
    unp.feed(data)
    try:
        obj = unp.unpack()
    except (msgpack.OutOfData, ValueError, msgpack.UnpackException) as e:
        raise StoreError("unreadable %s (%s)" % (what, e))
    need(unp.tell() == len(data), "%s has trailing bytes" % what)
    return obj


def check_footer(footer, ncols_hint=None):
    expect_keys(footer, ("rows", "header_crc", "min_time", "max_time",
                         "groups"), "footer")
    need(is_uint(footer["rows"]), "footer rows is not an unsigned integer")
    need(is_uint(footer["header_crc"]), "footer header_crc is not an integer")
    need(isinstance(footer["groups"], list), "footer groups is not an array")
    time_or_none(footer["min_time"], "footer min_time")
    time_or_none(footer["max_time"], "footer max_time")
    total = 0
    for g, grp in enumerate(footer["groups"]):
        expect_keys(grp, ("rows", "min_time", "max_time", "chunks"),
                    "row group %d" % g)
        need(is_uint(grp["rows"]), "row group %d: bad rows" % g)
        time_or_none(grp["min_time"], "row group %d min_time" % g)
        time_or_none(grp["max_time"], "row group %d max_time" % g)
        chunks = grp["chunks"]
        need(isinstance(chunks, list) and chunks,
             "row group %d: bad chunk index" % g)
        if ncols_hint is None:
            ncols_hint = len(chunks)
        need(len(chunks) == ncols_hint,
             "row group %d: %d chunks, expected %d" % (g, len(chunks),
                                                       ncols_hint))
        for c, ent in enumerate(chunks):
            need(isinstance(ent, list) and len(ent) == 3 and
                 all(is_uint(x) for x in ent),
                 "row group %d: bad chunk index entry %d" % (g, c))
        total += grp["rows"]
    need(total == footer["rows"], "row counts in footer disagree")


def check_header(header):
    need(isinstance(header, dict) and header.get("magic") == MAGIC,
         "not a shiplog store file")
    fmt = header.get("format")
    if not is_uint(fmt) or fmt != FORMAT_VERSION:
        raise StoreError("store format version %s is not supported (this is %d)"
                         % (fmt, FORMAT_VERSION))
    expect_keys(header, ("kind", "day", "columns"), "header")
    need(isinstance(header["kind"], str), "header has no kind")
    day = header["day"]
    need(day is None or (isinstance(day, str) and len(day) == 10),
         "bad day in header")
    cols = header["columns"]
    need(isinstance(cols, list) and cols, "bad column list in header")
    for c, col in enumerate(cols):
        need(isinstance(col, dict) and isinstance(col.get("name"), str) and
             col.get("type") in ("str", "i64", "f64", "bool", "time"),
             "bad column %d in header" % c)


# ---- column chunks ----

def decode_chunk(ch, col, rows, where, decode):
    """Checks a chunk against its header column and row count; returns its
    values (None for null) when decode, else None."""
    name, typ = col["name"], col["type"]
    keys = ("col", "type", "rows", "nulls") + (
        ("dict", "width", "codes") if typ == "str" else ("data",))
    expect_keys(ch, keys, where)
    need(ch["col"] == name and ch["type"] == typ and ch["rows"] == rows,
         "%s does not match its index (column '%s')" % (where, name))
    nulls = ch["nulls"]
    nbytes = (rows + 7) // 8
    need(nulls is None or (isinstance(nulls, bytes) and len(nulls) == nbytes),
         "bad null bitmap in column '%s'" % name)

    def isnull(i):
        return nulls is not None and (nulls[i >> 3] >> (i & 7)) & 1

    if typ == "str":
        dic, width, codes = ch["dict"], ch["width"], ch["codes"]
        need(isinstance(dic, list) and all(isinstance(s, str) for s in dic) and
             width in CODE_STRUCT and isinstance(codes, bytes) and
             len(codes) == rows * width,
             "bad string chunk in column '%s'" % name)
        vals = struct.unpack("<%d%s" % (rows, CODE_STRUCT[width]), codes)
        out = []
        for i, code in enumerate(vals):
            if isnull(i):
                out.append(None)
                continue
            need(code < len(dic),
                 "string code out of range in column '%s'" % name)
            out.append(dic[code])
        return out if decode else None

    data = ch["data"]
    need(isinstance(data, bytes) and len(data) == rows * VALUE_SIZE[typ],
         "bad data in column '%s'" % name)
    if typ == "bool":
        for i in range(rows):
            need(isnull(i) or data[i] <= 1,
                 "bad boolean in column '%s'" % name)
        if not decode:
            return None
        return [None if isnull(i) else bool(data[i]) for i in range(rows)]
    if not decode:
        return None
    vals = struct.unpack("<%d%s" % (rows, STRUCT_CODE[typ]), data)
    return [None if isnull(i) else v for i, v in enumerate(vals)]


# ---- the whole file ----

class StoreFile:
    """Everything about one file but its rows, which rows() streams."""

    def __init__(self, f, verify):
        self.f = f
        self.fd = f.fileno()
        self.verify = verify
        self.size = os.fstat(self.fd).st_size
        self.footer_off, footer_crc, file_crc = read_trailer(self.fd, self.size)
        self.footer_crc, self.file_crc = footer_crc, file_crc
        end = self.size - TRAILER_LEN
        need(crc_range(self.fd, self.footer_off, end) == footer_crc,
             "footer checksum mismatch")
        if verify:
            need(crc_range(self.fd, 0, end) == file_crc,
                 "file checksum mismatch")
        self.footer = unpack_exactly(os.pread(self.fd, end - self.footer_off,
                                              self.footer_off), "footer")
        check_footer(self.footer)
        offs = [e[0] for g in self.footer["groups"] for e in g["chunks"]]
        self.header_end = min(offs) if offs else self.footer_off
        need(self.header_end <= self.footer_off, "bad chunk index")
        need(crc_range(self.fd, 0, self.header_end) ==
             self.footer["header_crc"], "header checksum mismatch")
        # From here on the file is read front to back by one plain Unpacker.
        self.f.seek(0)
        self.unp = msgpack.Unpacker(self.f, raw=False,
                                    unicode_errors="surrogateescape")
        self.header = self._next("header")
        check_header(self.header)
        need(self.unp.tell() == self.header_end,
             "the header does not end where the first chunk begins")
        self.columns = self.header["columns"]
        for grp in self.footer["groups"]:
            need(len(grp["chunks"]) == len(self.columns),
                 "footer and header disagree on the number of columns")

    def _next(self, what):
        try:
            return next(self.unp)
        except StopIteration:
            raise StoreError("unexpected end of file in %s" % what)
        except (ValueError, msgpack.UnpackException) as e:
            raise StoreError("unreadable %s (%s)" % (what, e))

    def meta(self):
        """The file object of --json: header and footer facts."""
        grps = [{"rows": g["rows"], "min_time": time_or_none(g["min_time"], ""),
                 "max_time": time_or_none(g["max_time"], "")}
                for g in self.footer["groups"]]
        return {"kind": self.header["kind"], "format": self.header["format"],
                "day": self.header["day"],
                "columns": [{"name": c["name"], "type": c["type"]}
                            for c in self.columns],
                "rows": self.footer["rows"], "groups": grps,
                "min_time": time_or_none(self.footer["min_time"], ""),
                "max_time": time_or_none(self.footer["max_time"], "")}

    def rows(self, selected):
        """Yields each row as a list of the values of the selected column
        indexes, group by group.  Every chunk is checked against the
        footer's index (offset, length, CRC-32) before it is decoded;
        unselected chunks are checked but not decoded."""
        want = set(selected)
        for g, grp in enumerate(self.footer["groups"]):
            cols = {}
            for c, (off, length, crc) in enumerate(grp["chunks"]):
                where = "row group %d, column '%s'" % (g, self.columns[c]["name"])
                need(self.unp.tell() == off,
                     "%s is not where the footer says" % where)
                need(crc_range(self.fd, off, off + length) == crc,
                     "checksum mismatch in %s" % where)
                ch = self._next(where)
                need(self.unp.tell() == off + length,
                     "%s has the wrong length" % where)
                cols[c] = decode_chunk(ch, self.columns[c], grp["rows"],
                                       "chunk of " + where, c in want)
            for r in range(grp["rows"]):
                yield [cols[c][r] for c in selected]
        need(self.unp.tell() == self.footer_off,
             "the last chunk does not end where the footer begins")
        self._next("footer")
        trailer = self._next("trailer")
        need(trailer == [self.footer_off, self.footer_crc, self.file_crc],
             "trailer differs from its fixed-width reading")
        need(self.unp.tell() == self.size, "bytes after the trailer")


# ---- output ----

def json_value(typ, v):
    if v is None:
        return None
    if typ == "time":
        return format_time(v)
    if typ == "f64" and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def text_value(typ, v):
    if v is None:
        return "\\N"
    if typ == "time":
        return str(format_time(v))
    if typ == "bool":
        return "true" if v else "false"
    if typ == "f64":
        return repr(v)
    if typ == "str":
        return (v.replace("\\", "\\\\").replace("\t", "\\t")
                .replace("\n", "\\n").replace("\r", "\\r"))
    return str(v)


def dump(path, args, out):
    with open(path, "rb") as f:
        sf = StoreFile(f, args.verify)
        names = [c["name"] for c in sf.columns]
        if args.columns is None:
            selected = list(range(len(names)))
        else:
            selected = []
            for want in args.columns.split(","):
                if want not in names:
                    raise UsageError("no column '%s' (the file has: %s)"
                                     % (want, ", ".join(names)))
                selected.append(names.index(want))
        types = [sf.columns[c]["type"] for c in selected]
        sel_names = [names[c] for c in selected]
        if args.json:
            out.write(json.dumps(sf.meta(), sort_keys=True) + "\n")
        else:
            m = sf.meta()
            out.write("# file: %s\n" % path)
            out.write("# kind: %s\n# format: %d\n" % (m["kind"], m["format"]))
            out.write("# day: %s\n" % (m["day"] if m["day"] else "-"))
            out.write("# rows: %d in %d row groups%s\n" % (
                m["rows"], len(m["groups"]),
                (" (" + ", ".join(str(g["rows"]) for g in m["groups"]) + ")")
                if m["groups"] else ""))
            out.write("# time: %s .. %s\n" % (
                m["min_time"] if m["min_time"] is not None else "-",
                m["max_time"] if m["max_time"] is not None else "-"))
            out.write("# columns: %s\n" % ", ".join(
                "%s %s" % (c["name"], c["type"]) for c in m["columns"]))
            out.write("\t".join(sel_names) + "\n")
        for row in sf.rows(selected):
            if args.json:
                obj = {n: json_value(t, v) for n, t, v in zip(sel_names, types, row)}
                out.write(json.dumps(obj, sort_keys=True) + "\n")
            else:
                out.write("\t".join(text_value(t, v) for t, v in zip(types, row))
                          + "\n")


def main(argv):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    ap = argparse.ArgumentParser(
        prog=PROG, description="Print (and check) one shiplog store file.")
    ap.add_argument("file", metavar="FILE")
    ap.add_argument("--verify", action="store_true",
                    help="also check the whole-file CRC-32 (footer, header "
                    "and chunk CRCs are always checked)")
    ap.add_argument("--json", action="store_true",
                    help="deterministic JSON lines: the file object, then one "
                    "object per row (sorted keys)")
    ap.add_argument("--columns", metavar="A,B",
                    help="print only these columns, in this order")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(encoding="utf-8", errors="surrogateescape")
    try:
        dump(args.file, args, sys.stdout)
    except UsageError as e:
        sys.stdout.flush()
        sys.stderr.write("%s: error: '%s': %s\n" % (PROG, args.file, e))
        return 2
    except StoreError as e:
        sys.stdout.flush()
        sys.stderr.write("%s: error: '%s': %s\n" % (PROG, args.file, e))
        return 1
    except OSError as e:
        sys.stderr.write("%s: error: '%s': cannot read: %s\n"
                         % (PROG, args.file, e.strerror or e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
