#!/usr/bin/python3
"""Reference least-squares fits and Beta intervals computed with numpy and
scipy, for the unit tests of lib/sl_ols and analyze/predict.

Writes, into the directory given (tests/unit/data/):
  ols_fixture.csv   a design of 200 rows: x1..x5, y (seeded, numpy)
  ols_ref.csv       kind,name,value: the coefficients (intercept first), their
                    standard errors, s, df, and the 90% prediction-interval
                    half-widths t * s * sqrt(1 + x0 (X'X)^-1 x0') at five
                    probe rows, by numpy.linalg.lstsq and scipy's t quantile
  ols_rankdef.csv   a rank-deficient design: x1, x2, a constant 3, x1 + 2 x2,
                    x3, y; its reference is the fit of x1, x2, x3 alone
                    (rows kind rd_*)
  beta_ref.csv      successes,trials,prior_a,prior_b,mean,lower_90,upper_90
                    from scipy.stats.beta
Run once; the output is committed so the tests need no Python.

usage: ref-ols.py OUTDIR
"""
import os
import sys

import numpy as np
from scipy import stats


def fit(X, y, probes):
    n, k = X.shape
    A = np.column_stack([np.ones(n), X])
    coef, _, rank, _ = np.linalg.lstsq(A, y, rcond=None)
    assert rank == k + 1
    resid = y - A @ coef
    df = n - k - 1
    s2 = resid @ resid / df
    inv = np.linalg.inv(A.T @ A)
    se = np.sqrt(s2 * np.diag(inv))
    t = stats.t.ppf(0.95, df)
    P = np.column_stack([np.ones(len(probes)), probes])
    half = t * np.sqrt(s2) * np.sqrt(1 + np.einsum("ij,jk,ik->i", P, inv, P))
    return coef, se, np.sqrt(s2), df, half


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(20261129)
    n = 200
    X = np.column_stack([
        rng.normal(0, 1, n),
        rng.uniform(0, 10, n),
        rng.integers(0, 2, n).astype(float),
        np.log1p(rng.integers(1, 200, n)),
        np.sin(rng.uniform(0, 2 * np.pi, n)),
    ])
    beta = np.array([4.0, 0.3, -0.05, 0.7, 0.35, 0.1])
    y = beta[0] + X @ beta[1:] + rng.normal(0, 0.45, n)
    probes = X[:5] + 0.25
    with open(os.path.join(out, "ols_fixture.csv"), "w") as f:
        f.write("x1,x2,x3,x4,x5,y\n")
        for i in range(n):
            f.write(",".join(repr(float(v)) for v in list(X[i]) + [y[i]]) + "\n")
    rows = []
    coef, se, s, df, half = fit(X, y, probes)
    for i, v in enumerate(coef):
        rows.append(("coef", str(i), v))
    for i, v in enumerate(se):
        rows.append(("se", str(i), v))
    rows.append(("s", "0", s))
    rows.append(("df", "0", float(df)))
    for i, v in enumerate(half):
        rows.append(("half", str(i), v))
    # rank-deficient: a constant and an exact linear combination
    x1, x2, x3 = X[:, 0], X[:, 1], X[:, 3]
    XR = np.column_stack([x1, x2, np.full(n, 3.0), x1 + 2 * x2, x3])
    with open(os.path.join(out, "ols_rankdef.csv"), "w") as f:
        f.write("x1,x2,c3,x1p2x2,x3,y\n")
        for i in range(n):
            f.write(",".join(repr(float(v)) for v in list(XR[i]) + [y[i]]) + "\n")
    coef, se, s, df, half = fit(np.column_stack([x1, x2, x3]), y,
                                np.column_stack([x1[:5], x2[:5], x3[:5]]))
    for i, v in enumerate(coef):
        rows.append(("rd_coef", str(i), v))
    for i, v in enumerate(se):
        rows.append(("rd_se", str(i), v))
    rows.append(("rd_s", "0", s))
    for i, v in enumerate(half):
        rows.append(("rd_half", str(i), v))
    with open(os.path.join(out, "ols_ref.csv"), "w") as f:
        f.write("kind,name,value\n")
        for k, nm, v in rows:
            f.write("%s,%s,%r\n" % (k, nm, float(v)))
    # Beta posterior intervals (the prior is an argument: Jeffreys is 0.5 0.5)
    with open(os.path.join(out, "beta_ref.csv"), "w") as f:
        f.write("successes,trials,prior_a,prior_b,mean,lower_90,upper_90\n")
        for k, m, a, b in [(0, 0, 0.5, 0.5), (3, 3, 0.5, 0.5), (0, 7, 0.5, 0.5),
                           (19, 20, 0.5, 0.5), (912, 1000, 0.5, 0.5),
                           (45, 50, 1, 1), (1, 2, 0.5, 0.5), (99990, 100000, 0.5, 0.5)]:
            pa, pb = a + k, b + m - k
            d = stats.beta(pa, pb)
            f.write("%d,%d,%r,%r,%r,%r,%r\n" % (k, m, a, b, pa / (pa + pb),
                                               d.ppf(0.05), d.ppf(0.95)))


if __name__ == "__main__":
    main()
