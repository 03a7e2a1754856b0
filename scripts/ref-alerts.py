#!/usr/bin/python3
"""Reference alert counts and precision computed with pandas, for tests.

Inputs: stored deployments, validations and incidents as CSV (`shiplog-ingest
--dump KIND`), all data.  Alerts (docs/ANALYZE.md): SLOW_DEPLOYMENT when
duration_ms > the nearest-rank p95 of the agent x environment's durations;
HIGH_FAILURE_RATE when failed_instances > 10% of target_instances;
VALIDATION_FAILED when a validation of the deployment failed.  An alert is
confirmed when the deployment was rolled back (flag or phase) or an incident
names it.  Output: alert_precision as shiplog prints it.
Run once; the output is committed under tests/e2e/data/ref/.

usage: ref-alerts.py DEPLOYMENTS.csv VALIDATIONS.csv INCIDENTS.csv
"""
import math
import sys

import pandas as pd


def p95(s):
    v = sorted(s.dropna())
    return v[math.ceil(0.95 * len(v)) - 1] if v else math.nan


def main():
    na = {c: [""] for c in ["duration_ms", "failed_instances", "target_instances",
                            "rollback_triggered"]}
    d = pd.read_csv(sys.argv[1], keep_default_na=False, na_values=na, dtype={"deployment_id": str})
    v = pd.read_csv(sys.argv[2], keep_default_na=False, dtype={"deployment_id": str})
    inc = pd.read_csv(sys.argv[3], keep_default_na=False, dtype={"deployment_id": str})
    q = d.groupby(["agent_id", "environment"])["duration_ms"].transform(p95)
    slow = d["duration_ms"].notna() & (d["duration_ms"] > q)
    fail = d["failed_instances"].notna() & d["target_instances"].notna() & \
        (d["failed_instances"] * 10 > d["target_instances"])
    vf = set(v.loc[v["status"] == "failed", "deployment_id"])
    valid = d["deployment_id"].isin(vf)
    rb = (d["phase"] == "rolled_back") | (d["rollback_triggered"].astype(str).str.lower() == "true")
    conf = rb | d["deployment_id"].isin(set(inc["deployment_id"]) - {""})
    print("type,severity,alerts,confirmed,precision,false_positive_rate")
    tot = totc = 0
    for name, sev, m in [("SLOW_DEPLOYMENT", "warning", slow),
                         ("HIGH_FAILURE_RATE", "critical", fail),
                         ("VALIDATION_FAILED", "critical", valid)]:
        n, c = int(m.sum()), int((m & conf).sum())
        tot, totc = tot + n, totc + c
        print(f"{name},{sev},{n},{c},{c / n!r},{1 - c / n!r}")
    print(f"all,,{tot},{totc},{totc / tot!r},{1 - totc / tot!r}")


main()
