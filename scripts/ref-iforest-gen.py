#!/usr/bin/python3
"""Isolation-forest fixture on a deployment-like feature matrix with planted
anomalies, for tests/unit/test_iforest.c (test_auc_deployments).

Run once: /usr/bin/python3 scripts/ref-iforest-gen.py.  The matrix is not
stored: the test builds the same 20,000 rows with the same integer
generator and the same floating-point operations in the same order (C and
Python doubles round alike; log, exp and sqrt are the C library's in both),
and checks the column sums written here before it trusts them.

The rows follow the shape of shiplog-gen's deployments (docs/GENERATOR.md)
in the nine feature columns of analyze/featureset.h, unstandardized (the
isolation forest is invariant to it): a lognormal duration by strategy and
fleet size, mostly-constant instance shares with a few values each (ties),
small metric changes, ordinary failures that are not anomalies, and two
planted kinds that are (label 1): stuck rollouts 4-25x longer, and bad
releases with worse latency, errors, CPU and memory, failed instances and
mostly a rollback.  Nulls (a quarter of the metric changes) take the
column's median, as featureset.c does.

Writes tests/unit/data/iforest_gen.txt: `n d anomalies`, the column sums
(after the medians went in), then
scikit-learn's ROC AUC for random_state 0..4 (100 trees, 256 samples, the
settings of shiplog-analyze), one a line."""
import math

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

N, D = 20000, 9
MASK = (1 << 64) - 1


class Rng:
    def __init__(self, seed):
        self.s = seed

    def u(self):
        """uniform in [0, 1) from the top 53 bits of a 64-bit LCG"""
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) & MASK
        return (self.s >> 11) / 9007199254740992.0

    def below(self, m):
        return int(self.u() * m)

    def normal(self):
        """Marsaglia's polar method, one value of each pair"""
        while True:
            v1 = 2 * self.u() - 1
            v2 = 2 * self.u() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                return v1 * math.sqrt(-2 * math.log(s) / s)


def generate():
    r = Rng(20261207)
    medians = [40.0, 150.0, 240.0, 360.0, 720.0]  # seconds, by strategy
    fleets = [4, 8, 20]  # target instances, by environment
    x = [[0.0] * D for _ in range(N)]
    y = [0] * N
    nulls = []
    for i in range(N):
        row = x[i]
        u = r.u()
        strat = 0 if u < 0.25 else 1 if u < 0.6 else 2 if u < 0.75 else 3 if u < 0.8 else 4
        u = r.u()
        env = 0 if u < 0.45 else 1 if u < 0.75 else 2
        target = fleets[env]
        kind = r.u()  # < 0.015 stuck, < 0.035 bad release, < 0.095 failure
        sec = medians[strat] * (1 + 0.35 * math.log(1 + target)) * math.exp(0.45 * r.normal())
        if kind < 0.015:
            sec = sec * math.exp(math.log(4.0) + r.u() * (math.log(25.0) - math.log(4.0)))
            y[i] = 1
        row[0] = math.log(1 + sec * 1000)
        failed, deployed, healthy, rollback = 0, target, target, 0
        lat = 0.04 * r.normal()
        err = 0.002 * r.normal()
        cpu = 0.05 * r.normal()
        mem = 0.05 * r.normal()
        if 0.015 <= kind < 0.035:
            y[i] = 1
            lat = 0.25 + 0.15 * r.normal()
            err = 0.03 + 0.02 * r.normal()
            cpu = 0.3 + 0.1 * r.normal()
            mem = 0.2 + 0.1 * r.normal()
            failed = 1 + r.below(target)
            healthy = target - failed
            rollback = 1 if r.u() < 0.8 else 0
        elif 0.035 <= kind < 0.095:
            failed = 1 + r.below(2)
            deployed = target - r.below(target // 2)
            if failed > deployed:
                failed = deployed
            healthy = deployed - failed
            rollback = 1 if r.u() < 0.4 else 0
        row[1] = failed / target
        row[2] = (target - healthy) / target
        row[3] = deployed / target
        row[4], row[5], row[6], row[7] = lat, err, cpu, mem
        row[8] = float(rollback)
        if r.u() < 0.25:
            nulls.append(i)
    return x, y, nulls


def main():
    x, y, nulls = generate()
    X = np.array(x)
    known = np.ones(N, bool)
    known[nulls] = False
    # a quarter of the rows lack their metric changes: the column medians
    for j in (4, 5, 6, 7):
        X[~known, j] = np.median(X[known, j])
    y = np.array(y)
    aucs = []
    for seed in range(5):
        f = IsolationForest(n_estimators=100, max_samples=256, contamination=0.1,
                            random_state=seed).fit(X)
        aucs.append(roc_auc_score(y, -f.score_samples(X)))
    print("anomalies", int(y.sum()), "sklearn AUC", aucs, "mean", np.mean(aucs))
    with open("tests/unit/data/iforest_gen.txt", "w") as fh:
        fh.write("%d %d %d\n" % (N, D, int(y.sum())))
        fh.write(" ".join(repr(float(s)) for s in X.sum(axis=0)) + "\n")
        for a in aucs:
            fh.write("%r\n" % float(a))


if __name__ == "__main__":
    main()
