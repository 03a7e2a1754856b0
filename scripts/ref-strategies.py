#!/usr/bin/python3
"""Reference rollout-strategy table computed with pandas, for shiplog's tests.

Input: the stored deployments as CSV (`shiplog-ingest --dump deployments`),
all data.  Per strategy, per environment and overall (docs/ANALYZE.md):
count, finished, success rate (completed / finished), mean and nearest-rank
p95 duration, rollback rate (rolled back / finished), mean changes, mean
performance component, and the recommendation score
100 (0.6 wilson_lower_95(completed, finished) + 0.2 (1 - rollback_rate)
+ 0.2 performance).  Rows without a strategy are left out.
Run once; the output is committed under tests/e2e/data/ref/.

usage: ref-strategies.py DEPLOYMENTS.csv
"""
import math
import sys

import pandas as pd

Z = 1.959963984540054


def wilson_lower(k, n):
    p = k / n
    den = 1 + Z * Z / n
    centre = p + Z * Z / (2 * n)
    margin = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (centre - margin) / den


def summarise(g):
    fin = g["phase"].isin(["completed", "failed", "rolled_back", "partial"])
    rb = (g["phase"] == "rolled_back") | (g["rollback_triggered"].astype(str).str.lower() == "true")
    nfin, ok = int(fin.sum()), int((g["phase"] == "completed").sum())
    dur = sorted(g["duration_ms"].dropna())
    lat = g["latency_change"].fillna(0).clip(lower=0)
    err = g["error_rate_change"].fillna(0).clip(lower=0)
    perf = (1 - lat - 10 * err).clip(0, 1).mean()
    rr = (fin & rb).sum() / nfin if nfin else float("nan")
    return {
        "deployments": len(g), "finished": nfin,
        "success_rate": ok / nfin if nfin else float("nan"),
        "avg_duration_ms": sum(dur) / len(dur) if dur else float("nan"),
        "p95_duration_ms": dur[math.ceil(0.95 * len(dur)) - 1] if dur else float("nan"),
        "rollback_rate": rr,
        "avg_latency_change": g["latency_change"].mean(),
        "avg_error_rate_change": g["error_rate_change"].mean(),
        "avg_cpu_change": g["cpu_change"].mean(),
        "avg_memory_change": g["memory_change"].mean(),
        "performance": perf,
        "recommendation_score": 100 * (0.6 * wilson_lower(ok, nfin) + 0.2 * (1 - rr)
                                       + 0.2 * perf) if nfin else float("nan"),
    }


def main():
    d = pd.read_csv(sys.argv[1], keep_default_na=False, na_values={c: [""] for c in [
        "duration_ms", "latency_change", "error_rate_change", "cpu_change",
        "memory_change", "rollback_triggered", "rollout_strategy"]})
    d = d[d["rollout_strategy"].notna()]
    rows = []
    for (env, s), g in sorted(d.groupby(["environment", "rollout_strategy"]),
                              key=lambda kv: (kv[0][0].encode(), kv[0][1].encode())):
        rows.append({"scope": "environment", "environment": env, "strategy": s, **summarise(g)})
    for s, g in sorted(d.groupby("rollout_strategy"), key=lambda kv: kv[0].encode()):
        rows.append({"scope": "overall", "environment": "", "strategy": s, **summarise(g)})
    pd.DataFrame(rows).to_csv(sys.stdout, index=False, float_format="%.17g")


main()
