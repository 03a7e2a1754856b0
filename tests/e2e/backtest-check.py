#!/usr/bin/python3
"""Checks shiplog's duration_backtest summary against the reference
predictions (tests/e2e/data/ref/predictions_all.csv, from numpy): the
holdout's size, mean absolute error, median absolute percentage error
(the mean of the two middle values for an even count) and the share of
the holdout inside its 90% interval, recomputed here from the reference
rows, must equal shiplog's to a relative 1e-9 (the predictions agree to
that).  Standard library only.

  backtest-check.py PREDICTIONS_REF.csv DURATION_BACKTEST.csv

Prints "same" or the differences, and exits 1 on a difference."""
import csv
import math
import statistics
import sys


def main():
    ref = list(csv.DictReader(open(sys.argv[1], newline="")))
    got = {r["metric"]: r["value"] for r in csv.DictReader(open(sys.argv[2], newline=""))}
    a = [float(r["actual_duration_ms"]) for r in ref]
    p = [float(r["predicted_duration_ms"]) for r in ref]
    lo = [float(r["lower_90_ms"]) for r in ref]
    hi = [float(r["upper_90_ms"]) for r in ref]
    n = len(ref)
    want = {
        "holdout_deployments": n,
        "mae_ms": sum(abs(x - y) for x, y in zip(a, p)) / n,
        "median_ape": statistics.median(abs(y - x) / x for x, y in zip(a, p)),
        "coverage_90": sum(l <= x <= h for x, l, h in zip(a, lo, hi)) / n,
    }
    bad = []
    for k, v in want.items():
        try:
            g = float(got[k])
        except (KeyError, ValueError):
            bad.append(f"{k}: missing")
            continue
        if not math.isclose(g, v, rel_tol=1e-9):
            bad.append(f"{k}: shiplog {g!r}, from the reference predictions {v!r}")
    print("same" if not bad else "\n".join(bad))
    return 1 if bad else 0


sys.exit(main())
