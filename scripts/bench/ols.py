#!/usr/bin/python3
"""numpy's least squares on N x K (plus an intercept column) drawn like
scripts/bench/ols.c; prints the seconds of np.linalg.lstsq alone."""
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
k = int(sys.argv[2]) if len(sys.argv) > 2 else 10
rng = np.random.default_rng(1)
X = np.column_stack([np.ones(n), rng.normal(size=(n, k))])
y = X @ np.r_[1, 0.1 * np.arange(1, k + 1)] + rng.normal(0, 0.5, n)
t0 = time.perf_counter()
np.linalg.lstsq(X, y, rcond=None)
print("%.3f" % (time.perf_counter() - t0))
