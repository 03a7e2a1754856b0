#!/usr/bin/python3
"""Reference DORA four keys computed with pandas, for shiplog's tests.

Inputs are the stored rows as CSV (`shiplog-ingest --dump deployments` and
`--dump incidents`).  Definitions (docs/ANALYZE.md), for
production deployments in finished phases:
  deployment_frequency  completed deployments / weeks of the window (an open
                        window spans first to last start day, whole days)
  deployment_days       distinct UTC days with a completed deployment / weeks
  lead_time_for_changes lower median of end_time - commit_time (completed)
  change_failure_rate   (failed, rolled back, or named by an incident) / finished
  recovery_time         lower median, over failed or rolled-back deployments with
                        an end, of the time from their end to the end of the next
                        completed deployment of the same agent (in start order)
                        that ends later
Run once; the output is committed under tests/e2e/data/ref/.

usage: ref-dora.py DEPLOYMENTS.csv INCIDENTS.csv
"""
import sys

import numpy as np
import pandas as pd

DAY = 86400000


def lower_median(v):
    v = sorted(v)
    return float(v[(len(v) - 1) // 2]) if v else None


def ms(col):
    return pd.to_datetime(col, utc=True).astype("int64") // 1_000_000


def main():
    d = pd.read_csv(sys.argv[1], keep_default_na=False, na_values={
        "end_time": [""], "commit_time": [""], "rollback_triggered": [""]})
    inc = pd.read_csv(sys.argv[2], keep_default_na=False)
    linked = set(inc.loc[inc["deployment_id"] != "", "deployment_id"])
    terminal = d["phase"].isin(["completed", "failed", "rolled_back", "partial"])
    d = d[(d["environment"] == "production") & terminal].copy()
    d["start"] = ms(d["start_time"])
    has_end = d["end_time"].notna()
    d["end"] = np.where(has_end, ms(d["end_time"].fillna("1970-01-01T00:00:00Z")), np.nan)
    d["completed"] = d["phase"] == "completed"
    rb = d["rollback_triggered"].astype(str).str.lower() == "true"
    d["failure"] = (d["phase"] == "failed") | (d["phase"] == "rolled_back") | rb
    weeks = ((d["start"].max() // DAY) - (d["start"].min() // DAY) + 1) / 7
    ok = d[d["completed"]]
    rows = []
    rows.append(("deployment_frequency", len(ok) / weeks, len(ok)))
    ndays = (ok["start"] // DAY).nunique()
    rows.append(("deployment_days", ndays / weeks, ndays))
    lt = ok[ok["commit_time"].notna() & ok["end"].notna()]
    lead = (lt["end"] - ms(lt["commit_time"])).astype("int64")
    lead = [x for x in lead if x >= 0]
    rows.append(("lead_time_for_changes", lower_median(lead), len(lead)))
    cf = d["failure"] | d["deployment_id"].isin(linked)
    rows.append(("change_failure_rate", cf.sum() / len(d), len(d)))
    rec, nfail = [], 0
    for _, g in d.sort_values(["agent_id", "start", "end"], kind="stable").groupby("agent_id"):
        recs = g.to_dict("records")
        for i, x in enumerate(recs):
            if not x["failure"] or np.isnan(x["end"]):
                continue
            nfail += 1
            for y in recs[i + 1:]:
                if y["completed"] and not np.isnan(y["end"]) and y["end"] > x["end"]:
                    rec.append(int(y["end"] - x["end"]))
                    break
    rows.append(("failed_deployment_recovery_time", lower_median(rec), len(rec)))
    rows.append(("unrecovered_failures", float(nfail - len(rec)), nfail))
    print("metric,value,samples")
    for m, v, n in rows:
        print(f"{m},{'' if v is None else repr(float(v))},{n}")


main()
