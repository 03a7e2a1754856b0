#!/usr/bin/python3
"""Reference success rates computed with pandas, for shiplog's tests.

Reads the stored deployments as CSV (`shiplog-ingest --store S --dump
deployments`) and computes, independently of shiplog's C code, the seed's
materialized view (docs/ANALYZE.md):

    SELECT agent_id, environment, DATE_TRUNC('day', start_time),
           COUNT(*), COUNT(*) FILTER (WHERE phase = 'completed'),
           COUNT(*) FILTER (WHERE phase = 'failed'),
           COUNT(*) FILTER (WHERE rollback_triggered),
           AVG(duration_ms),
           AVG(deployed_instances::FLOAT / NULLIF(target_instances, 0))
    GROUP BY 1, 2, 3

with days in UTC or --tz ZONE and an optional window [--from, --to) of
local dates.  Run once; its output is committed under tests/e2e/data/ref/.

usage: ref-success-rates.py DUMP.csv [--tz ZONE] [--from YYYY-MM-DD --to YYYY-MM-DD]
"""
import argparse
import sys

import numpy as np
import pandas as pd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--tz", default="UTC")
    ap.add_argument("--from", dest="frm")
    ap.add_argument("--to")
    a = ap.parse_args()

    cols = ["agent_id", "environment", "phase", "start_time", "duration_ms",
            "deployed_instances", "target_instances", "rollback_triggered"]
    d = pd.read_csv(a.dump, usecols=cols,
                    dtype={"agent_id": str, "environment": str, "phase": str},
                    keep_default_na=False, na_values={"duration_ms": [""],
                    "deployed_instances": [""], "target_instances": [""],
                    "rollback_triggered": [""]})
    start = pd.to_datetime(d["start_time"], utc=True).dt.tz_convert(a.tz)
    if a.frm:
        d = d[start >= pd.Timestamp(a.frm, tz=a.tz)]
        start = start[d.index]
    if a.to:
        keep = start < pd.Timestamp(a.to, tz=a.tz)
        d, start = d[keep], start[keep]
    d = d.assign(
        deployment_date=start.dt.strftime("%Y-%m-%d"),
        ok=(d["phase"] == "completed").astype(int),
        bad=(d["phase"] == "failed").astype(int),
        rb=(d["rollback_triggered"].astype(str).str.lower() == "true").astype(int),
        cov=d["deployed_instances"] / d["target_instances"].replace(0, np.nan),
    )
    g = d.groupby(["agent_id", "environment", "deployment_date"], sort=True)
    out = pd.DataFrame({
        "total_deployments": g.size(),
        "successful_deployments": g["ok"].sum(),
        "failed_deployments": g["bad"].sum(),
        "rollback_count": g["rb"].sum(),
        "avg_duration_ms": g["duration_ms"].mean(),
        "avg_deployment_coverage": g["cov"].mean(),
    }).reset_index()
    # byte order of the names, as shiplog sorts
    out = out.sort_values(["agent_id", "environment", "deployment_date"],
                          key=lambda s: s.map(lambda v: v.encode()) if s.dtype == object else s)
    out.to_csv(sys.stdout, index=False, float_format="%.17g")


if __name__ == "__main__":
    main()
