#!/usr/bin/python3
"""Compares two CSV files: same header and rows in the same order; fields
that are numbers on both sides may differ by a relative 1e-12 (the last
bits of a mean depend on the order of summation), or by the tolerance given
as a third argument; all others are equal.
Prints "same" or the first differences, and exits 1 on a difference (the
e2e cases call it through lib.sh's must).  Standard library only."""
import csv
import math
import sys


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def main():
    a = list(csv.reader(open(sys.argv[1], newline="")))
    b = list(csv.reader(open(sys.argv[2], newline="")))
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-12
    bad = []
    if a[:1] != b[:1]:
        bad.append(f"headers differ: {a[:1]} vs {b[:1]}")
    if len(a) != len(b):
        bad.append(f"{len(a) - 1} rows vs {len(b) - 1} rows")
    for i, (ra, rb) in enumerate(zip(a, b)):
        for j, (x, y) in enumerate(zip(ra, rb)):
            if x == y:
                continue
            fx, fy = num(x), num(y)
            if fx is not None and fy is not None and math.isclose(fx, fy, rel_tol=tol):
                continue
            bad.append(f"row {i}, column {a[0][j]}: {x!r} vs {y!r}")
    print("same" if not bad else "\n".join(bad[:10]))
    return 1 if bad else 0


sys.exit(main())
