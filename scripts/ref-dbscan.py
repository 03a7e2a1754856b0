#!/usr/bin/python3
"""DBSCAN fixtures for tests/unit/test_dbscan.c, labelled by scikit-learn.

Run once: /usr/bin/python3 scripts/ref-dbscan.py (writes
tests/unit/data/dbscan_*.txt).  File format: a line `eps min_samples n d`,
then one line per row: d values (repr, exact) and sklearn's label."""
import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.datasets import make_blobs

OUT = "tests/unit/data/dbscan_%s.txt"


def write(name, X, eps, ms):
    X = np.asarray(X, dtype=np.float64)
    lab = DBSCAN(eps=eps, min_samples=ms).fit(X).labels_
    # the default (auto) picks the k-d tree from 12 rows; below, brute force
    if len(X) >= 12:
        kd = DBSCAN(eps=eps, min_samples=ms, algorithm="kd_tree").fit(X).labels_
        assert (kd == lab).all(), name
    with open(OUT % name, "w") as f:
        f.write("%r %d %d %d\n" % (eps, ms, X.shape[0], X.shape[1]))
        for row, l in zip(X, lab):
            f.write(" ".join(repr(float(v)) for v in row) + " %d\n" % l)
    print(name, X.shape, "clusters", lab.max() + 1, "noise", int((lab == -1).sum()))


rng = np.random.default_rng(20260401)

X, _ = make_blobs(n_samples=300, centers=[[0, 0], [2, 2], [0, 3]], cluster_std=0.2,
                  random_state=1)
write("blobs", X, 0.3, 5)

write("noise", rng.uniform(0, 4, size=(200, 2)), 0.3, 5)

# Border points shared between clusters, at exactly eps: 0.3 and 0.6 - 0.3
# are both the double nearest 0.3, so (0.3-0)^2 == 0.3*0.3.  Row order puts
# cluster b's core first, so p joins b although a reaches it too.
b = [[0.6, 0.0], [0.8, 0.0], [0.8, 0.1], [0.8, -0.1], [0.9, 0.0]]
a = [[0.0, 0.0], [-0.2, 0.0], [-0.2, 0.1], [-0.2, -0.1], [-0.25, 0.0]]
p = [[0.3, 0.0]]                    # neighbours a[0], b[0]: border of both
q = [[0.3, 0.30000000000000004]]    # just outside of p's reach of others
far = [[5, 5], [6, 6], [7, 7]]
write("border", b + p + a + q + far, 0.3, 5)
write("border2", a + p + b + q + far, 0.3, 5)

# A 3-D lattice of step 0.1 (values k * 0.1), randomly occupied with
# repeats: many distances fall on or one rounding away from eps.
pts = rng.integers(0, 14, size=(600, 3)) * 0.1
write("lattice", pts, 0.2, 4)
write("lattice_ms3", pts[:300], 0.2, 3)

base = rng.normal(size=(6, 4))
write("duplicates", np.repeat(base, [10, 5, 4, 1, 7, 20], axis=0), 0.3, 5)

write("single", [[1.0, 2.0, 3.0]], 0.3, 5)
write("single_ms1", [[1.0, 2.0, 3.0]], 0.3, 1)
write("allnoise", np.arange(40, dtype=float).reshape(20, 2), 0.3, 5)

# A few thousand points in 9-D shaped like the deployment features: blobs
# with discrete columns (0/1, small integer shares) and noise.
n = 4000
centers = rng.normal(scale=2.0, size=(6, 9))
which = rng.integers(0, 6, size=n)
X = centers[which] + rng.normal(scale=0.08, size=(n, 9))
X[:, 8] = np.where(rng.random(n) < 0.9, 0.0, 3.0)          # rollback-like
X[:, 1] = np.round(X[:, 1] * 4) / 4                        # coarse share
noise = rng.random(n) < 0.1
X[noise] = rng.uniform(-5, 5, size=(noise.sum(), 9))
write("nine", X, 0.3, 5)
