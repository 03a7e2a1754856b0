#!/usr/bin/python3
"""scikit-learn on the matrix that tests/bench/mlbench exported (make bench).

usage: bench-ml.py iforest MATRIX.bin
       bench-ml.py dbscan MATRIX.bin [LABELS.bin]
Prints "rows seconds result" like mlbench (fit + score_samples for the
isolation forest, 100 trees, 256 samples; DBSCAN eps 0.3, min_samples 5),
and for DBSCAN whether the labels equal shiplog's (LABELS.bin, int32)."""
import sys
import time

import numpy as np

x = np.fromfile(sys.argv[2], dtype="<f8").reshape(-1, 9)
t0 = time.perf_counter()
if sys.argv[1] == "iforest":
    from sklearn.ensemble import IsolationForest
    f = IsolationForest(n_estimators=100, max_samples=256, contamination=0.1,
                        random_state=0).fit(x)
    s = f.score_samples(x)
    print(len(x), "%.3f" % (time.perf_counter() - t0), int((s < f.offset_).sum()))
else:
    from sklearn.cluster import DBSCAN
    lab = DBSCAN(eps=0.3, min_samples=5).fit(x).labels_
    el = time.perf_counter() - t0
    same = ""
    if len(sys.argv) > 3:
        ours = np.fromfile(sys.argv[3], dtype="<i4")
        same = " labels-equal" if (ours == lab).all() else " labels-DIFFER"
    print(len(x), "%.3f" % el, "%d%s" % (lab.max() + 1, same))
