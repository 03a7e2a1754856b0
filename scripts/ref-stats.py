#!/usr/bin/python3
"""Reference p-values of Fisher's exact test and the Mann-Whitney U test,
computed with scipy, for lib/sl_stats (tests/unit/test_stats.c).

Prints one case a line:
  fisher,a,b,c,d,odds_ratio,p_value          fisher_exact([[a, b], [c, d]])
  mw,x1;x2;...,y1;y2;...,u,p_value           mannwhitneyu(x, y, two-sided,
                                              asymptotic, continuity)
The samples are fixed here or drawn from a seeded numpy generator.  Run
once; the output is committed as tests/unit/data/ref-stats.csv.

usage: ref-stats.py > tests/unit/data/ref-stats.csv
"""
import numpy as np
from scipy.stats import fisher_exact, mannwhitneyu

TABLES = [
    (3, 1, 1, 3), (1, 9, 11, 3), (0, 5, 5, 0), (0, 10, 0, 12), (2, 98, 1, 99),
    (7, 93, 2, 98), (12, 188, 5, 395), (30, 70, 20, 80), (5, 0, 0, 5),
    (1, 1, 1, 1), (40, 960, 25, 975), (3, 17, 0, 20), (150, 1850, 90, 1910),
    (9, 41, 9, 41), (0, 1, 1, 0), (6, 4, 2, 8),
]


def main():
    for a, b, c, d in TABLES:
        odds, p = fisher_exact([[a, b], [c, d]])
        print(f"fisher,{a},{b},{c},{d},{float(odds)!r},{float(p)!r}")
    rng = np.random.default_rng(20261129)
    samples = [
        ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]),
        ([1, 2, 2, 3], [2, 3, 3, 4, 5]),
        ([0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.2]),
        ([5, 1, 4], [3, 2]),
    ]
    for n, m, shift in [(8, 10, 0.0), (20, 25, 0.5), (50, 40, 0.2), (120, 90, 0.0),
                        (300, 280, 0.1)]:
        x = np.round(rng.normal(0.0 + shift, 1.0, n), 3)
        y = np.round(rng.normal(0.0, 1.0, m), 3)
        samples.append((list(x), list(y)))
    for x, y in samples:
        r = mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
                         use_continuity=True)
        print("mw,%s,%s,%r,%r" % (";".join(repr(float(v)) for v in x),
                                  ";".join(repr(float(v)) for v in y),
                                  float(r.statistic), float(r.pvalue)))


main()
