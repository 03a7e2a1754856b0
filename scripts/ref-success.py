#!/usr/bin/python3
"""Reference success-prediction backtest computed with scipy, for shiplog's
tests (docs/ANALYZE.md, "Success prediction").

Input: the stored deployments as CSV (`shiplog-ingest --dump
deployments`), all data.  The finished deployments in time order
(start_time, then deployment_id); counts from the first n - n//5, each of
the last n//5 predicted by the narrowest of agent+environment+strategy,
agent+environment, environment+strategy, environment, all with at least
MIN (20) finished training deployments: the mean of Beta(1/2 + completed,
1/2 + finished - completed) (scipy.stats.beta).  The verdict: better
than the base rate only when the mean of d = (p - y)^2 - (base - y)^2 over
the holdout plus 1.96 standard errors (sample standard deviation over
sqrt(n), numpy) is below 0.  Prints the
success_backtest table as CSV.  Run once; the output is committed under
tests/e2e/data/ref/.

usage: ref-success.py DEPLOYMENTS.csv [MIN]
"""
import csv
import sys
from collections import Counter
from datetime import datetime

import numpy as np
from scipy import stats

TERMINAL = {"completed", "failed", "rolled_back", "partial"}
LEVELS = ["agent+environment+strategy", "agent+environment", "environment+strategy",
          "environment", "all"]


def ms(s):
    return round(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)


def keys(d):
    a, e, s = d["agent_id"], d["environment"], d["rollout_strategy"] or None
    return [(0, a, e, s), (1, a, e), (2, e, s), (3, e), (4,)]


def main():
    minsim = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rows = [d for d in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))
            if d["phase"] in TERMINAL]
    rows.sort(key=lambda d: (ms(d["start_time"]), d["deployment_id"].encode()))
    n = len(rows)
    ntrain = n - n // 5
    fin, done = Counter(), Counter()
    for d in rows[:ntrain]:
        for k in keys(d):
            fin[k] += 1
            done[k] += d["phase"] == "completed"
    base = sum(d["phase"] == "completed" for d in rows[:ntrain]) / ntrain
    brier = brier_base = 0.0
    used = Counter()
    diff = []
    for d in rows[ntrain:]:
        y = 1.0 if d["phase"] == "completed" else 0.0
        for lv, k in enumerate(keys(d)):
            if fin[k] >= minsim or lv == 4:
                break
        used[lv] += 1
        p = stats.beta(0.5 + done[k], 0.5 + fin[k] - done[k]).mean()
        brier += (p - y) ** 2
        brier_base += (base - y) ** 2
        diff.append((p - y) ** 2 - (base - y) ** 2)
    h = n // 5
    d = np.array(diff)
    upper = d.mean() + 1.96 * d.std(ddof=1) / np.sqrt(len(d))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["metric", "value"])
    w.writerow(["train_deployments", ntrain])
    w.writerow(["holdout_deployments", h])
    w.writerow(["base_rate", repr(base)])
    w.writerow(["brier", repr(brier / h)])
    w.writerow(["brier_base_rate", repr(brier_base / h)])
    w.writerow(["brier_skill", repr(1 - brier / brier_base)])
    w.writerow(["brier_difference", repr(float(d.mean()))])
    w.writerow(["brier_difference_upper_95", repr(float(upper))])
    w.writerow(["better_than_base_rate", 1 if upper < 0 else 0])
    for lv, name in enumerate(LEVELS):
        w.writerow(["similar_by_" + name, used[lv]])


if __name__ == "__main__":
    main()
