#!/usr/bin/python3
"""Reference alert counts and precision computed with pandas, for tests.

Inputs: stored deployments, validations and incidents as CSV (`shiplog-ingest
--dump KIND`), all data.  Alerts (docs/ANALYZE.md): SLOW_DEPLOYMENT when
duration_ms > 3 x the lower median of the agent x environment x strategy's
durations;
HIGH_FAILURE_RATE when failed_instances > 10% of target_instances;
VALIDATION_FAILED when a validation of the deployment failed; the last two
are critical in production, warnings elsewhere.  An alert is
confirmed when the deployment was rolled back (flag or phase) or an incident
names it; the base rate is the confirmed share of the finished deployments
and the lift precision / base rate.  Output: alert_precision as shiplog
prints it.
Run once; the output is committed under tests/e2e/data/ref/.

usage: ref-alerts.py DEPLOYMENTS.csv VALIDATIONS.csv INCIDENTS.csv
"""
import math
import sys

import pandas as pd


def lower_median(s):
    v = sorted(s.dropna())
    return v[(len(v) - 1) // 2] if v else math.nan


def main():
    na = {c: [""] for c in ["duration_ms", "failed_instances", "target_instances",
                            "rollback_triggered"]}
    d = pd.read_csv(sys.argv[1], keep_default_na=False, na_values=na, dtype={"deployment_id": str})
    v = pd.read_csv(sys.argv[2], keep_default_na=False, dtype={"deployment_id": str})
    inc = pd.read_csv(sys.argv[3], keep_default_na=False, dtype={"deployment_id": str})
    q = d.groupby(["agent_id", "environment", "rollout_strategy"],
                  dropna=False)["duration_ms"].transform(lower_median)
    slow = d["duration_ms"].notna() & (d["duration_ms"] > 3 * q)
    fail = d["failed_instances"].notna() & d["target_instances"].notna() & \
        (d["failed_instances"] * 10 > d["target_instances"])
    vf = set(v.loc[v["status"] == "failed", "deployment_id"])
    valid = d["deployment_id"].isin(vf)
    rb = (d["phase"] == "rolled_back") | (d["rollback_triggered"].astype(str).str.lower() == "true")
    conf = rb | d["deployment_id"].isin(set(inc["deployment_id"]) - {""})
    fin = d["phase"].isin(["completed", "failed", "rolled_back", "partial"])
    base = int((fin & conf).sum()) / int(fin.sum())
    print("type,severity,alerts,confirmed,precision,false_positive_rate,base_rate,lift")
    tot = totc = 0
    prod = d["environment"] == "production"
    for name, sev, m in [("SLOW_DEPLOYMENT", "warning", slow),
                         ("HIGH_FAILURE_RATE", "critical", fail & prod),
                         ("HIGH_FAILURE_RATE", "warning", fail & ~prod),
                         ("VALIDATION_FAILED", "critical", valid & prod),
                         ("VALIDATION_FAILED", "warning", valid & ~prod)]:
        n, c = int(m.sum()), int((m & conf).sum())
        tot, totc = tot + n, totc + c
        print(f"{name},{sev},{n},{c},{c / n!r},{1 - c / n!r},{base!r},{c / n / base!r}")
    print(f"all,,{tot},{totc},{totc / tot!r},{1 - totc / tot!r},{base!r},{totc / tot / base!r}")


main()
