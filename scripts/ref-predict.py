#!/usr/bin/python3
"""Reference duration backtest computed with numpy and scipy, for shiplog's
tests (docs/ANALYZE.md, "Duration model").

Inputs: the stored deployments, artifacts and validations as CSV
(`shiplog-ingest --dump KIND`), all data.  The usable deployments (terminal
phase, duration_ms > 0) in time order (start_time, then deployment_id);
the first n - n//5 train, the last n//5 are the holdout.  Design: one-hot
environment and strategy (reference: the most frequent level of the
training rows, first by name on a tie; null strategy is a level), ln(1 +
target_instances), ln(1 + total artifact bytes), validations, sin/cos of
the UTC time of day, weekend, and one-hot agents with at least 30 training
rows (the others pooled into the reference; when none is pooled, the most
frequent agent is the reference).  numpy.linalg.lstsq on ln(duration),
Duan's smearing factor, 90% prediction intervals with scipy's t quantile.
Prints the `predictions` table as CSV.  Run once; the output is committed
under tests/e2e/data/ref/.

usage: ref-predict.py DEPLOYMENTS.csv ARTIFACTS.csv VALIDATIONS.csv
"""
import csv
import math
import sys
from collections import Counter, defaultdict
from datetime import datetime

import numpy as np
from scipy import stats

DAY_MS = 86400000
TERMINAL = {"completed", "failed", "rolled_back", "partial"}


def ms(s):
    return round(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)


def levels(values, min_count=1, pooled_is_ref=False):
    cnt = Counter(values)
    kept = sorted((v for v in cnt if cnt[v] >= min_count), key=lambda v: v.encode())
    pooled = len(cnt) - len(kept)
    ref = None
    if kept and not (pooled and pooled_is_ref):
        # the most frequent, the first by name on a tie
        top = max(cnt[v] for v in kept)
        ref = [v for v in kept if cnt[v] == top][0]
    return [v for v in kept if v != ref]


def main():
    deps = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
    bytes_ = defaultdict(float)
    for a in csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8")):
        if a["size_bytes"] and int(a["size_bytes"]) > 0:
            bytes_[a["deployment_id"]] += float(a["size_bytes"])
    nval = Counter(v["deployment_id"] for v in
                   csv.DictReader(open(sys.argv[3], newline="", encoding="utf-8")))
    rows = [d for d in deps if d["phase"] in TERMINAL and d["duration_ms"]
            and int(d["duration_ms"]) > 0]
    rows.sort(key=lambda d: (ms(d["start_time"]), d["deployment_id"].encode()))
    n = len(rows)
    ntrain = n - n // 5
    train = rows[:ntrain]
    envs = levels([d["environment"] for d in train])
    strats = levels([d["rollout_strategy"] or "\0none" for d in train])
    agents = levels([d["agent_id"] for d in train], 30, True)

    def x(d):
        t = ms(d["start_time"])
        day = t // DAY_MS
        tod = t - day * DAY_MS
        ang = 2 * math.pi * tod / DAY_MS
        wd = (day + 3) % 7
        target = int(d["target_instances"]) if d["target_instances"] else 0
        v = [1.0]
        v += [1.0 if d["environment"] == e else 0.0 for e in envs]
        s = d["rollout_strategy"] or "\0none"
        v += [1.0 if s == e else 0.0 for e in strats]
        v += [math.log1p(max(target, 0)), math.log1p(bytes_[d["deployment_id"]]),
              float(nval[d["deployment_id"]]), math.sin(ang), math.cos(ang),
              1.0 if wd >= 5 else 0.0]
        v += [1.0 if d["agent_id"] == a else 0.0 for a in agents]
        return v

    X = np.array([x(d) for d in train])
    y = np.log(np.array([float(d["duration_ms"]) for d in train]))
    coef, _, rank, _ = np.linalg.lstsq(X, y, rcond=None)
    assert rank == X.shape[1], "the reference handles full-rank designs only"
    resid = y - X @ coef
    df = len(y) - X.shape[1]
    s = math.sqrt(resid @ resid / df)
    t = stats.t.ppf(0.95, df)
    smear = np.mean(np.exp(resid))
    inv = np.linalg.inv(X.T @ X)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["deployment_id", "actual_duration_ms", "predicted_duration_ms",
                "lower_90_ms", "upper_90_ms"])
    for d in rows[ntrain:]:
        x0 = np.array(x(d))
        yhat = x0 @ coef
        half = t * s * math.sqrt(1 + x0 @ inv @ x0)
        w.writerow([d["deployment_id"], d["duration_ms"], repr(float(math.exp(yhat) * smear)),
                    repr(float(math.exp(yhat - half))), repr(float(math.exp(yhat + half)))])


if __name__ == "__main__":
    main()
