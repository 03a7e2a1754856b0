#!/usr/bin/python3
"""Isolation-forest fixtures for tests/unit/test_iforest.c.

Run once: /usr/bin/python3 scripts/ref-iforest.py.  Writes
tests/unit/data/iforest_labelled.txt: a line `n d auc0 .. auc99`
(scikit-learn's ROC AUC with random_state 0..99, 100 trees, 256 samples),
then one row per line: d values and the label (1 = planted outlier); and
tests/unit/data/iforest_c.txt: `n c(n)` by sklearn's _average_path_length."""
import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.ensemble._iforest import _average_path_length
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(7)
n_in, n_out, d = 1900, 100, 6
inl = rng.normal(size=(n_in, d))
# outliers overlap the inliers: wider spread, and a shift in two columns
out = rng.normal(scale=2.2, size=(n_out, d))
out[:, :2] += 1.0
X = np.vstack([inl, out])
y = np.r_[np.zeros(n_in, int), np.ones(n_out, int)]
perm = rng.permutation(len(X))
X, y = X[perm], y[perm]
aucs = []
for seed in range(100):
    f = IsolationForest(n_estimators=100, max_samples=256, contamination=0.1,
                        random_state=seed).fit(X)
    aucs.append(roc_auc_score(y, -f.score_samples(X)))
print("sklearn AUC", aucs, "mean", np.mean(aucs))
with open("tests/unit/data/iforest_labelled.txt", "w") as fh:
    fh.write("%d %d %s\n" % (len(X), d, " ".join(repr(a) for a in aucs)))
    for row, l in zip(X, y):
        fh.write(" ".join(repr(float(v)) for v in row) + " %d\n" % l)
ns = [1, 2, 3, 4, 5, 10, 100, 256, 1000, 1000000]
with open("tests/unit/data/iforest_c.txt", "w") as fh:
    for n, c in zip(ns, _average_path_length(np.array(ns))):
        fh.write("%d %r\n" % (n, float(c)))
