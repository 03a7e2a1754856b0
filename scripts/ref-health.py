#!/usr/bin/python3
"""Reference health scores computed with pandas, for shiplog's tests.

Inputs: the stored deployments and validations as CSV (`shiplog-ingest
--dump deployments`, `--dump validations`); all data (no window).  The health score
with the seed's weights, component by component (docs/ANALYZE.md):
  success      healthy/target clamped to [0,1]; without a target (0 or
               unknown) 1 when completed, else 0
  no_rollback  0 when rolled back (phase rolled_back or rollback_triggered)
  validation   passed / validations that were not skipped; 1 when none
  performance  1 - max(0, latency_change) - 10 max(0, error_rate_change),
               clamped; an unknown change is no change
  speed        lower median duration of the agent x environment / this
               duration, clamped to 1; 1 without a duration
  health_score 100 (0.30 s + 0.25 r + 0.20 v + 0.15 p + 0.10 speed)
Run once; the output is committed under tests/e2e/data/ref/.

usage: ref-health.py DEPLOYMENTS.csv VALIDATIONS.csv
"""
import sys

import numpy as np
import pandas as pd


def lower_median(s):
    v = sorted(s.dropna())
    return v[(len(v) - 1) // 2] if v else np.nan


def main():
    d = pd.read_csv(sys.argv[1], keep_default_na=False, dtype={"deployment_id": str},
                    na_values={c: [""] for c in ["duration_ms", "target_instances",
                               "healthy_instances", "latency_change", "error_rate_change",
                               "rollback_triggered"]})
    v = pd.read_csv(sys.argv[2], keep_default_na=False, dtype={"deployment_id": str})
    v = v[v["status"] != "skipped"]
    vt = v.groupby("deployment_id").size()
    vp = v[v["status"] == "passed"].groupby("deployment_id").size()
    t, h = d["target_instances"], d["healthy_instances"]
    has_t = (t > 0) & h.notna()
    success = np.where(has_t, (h / t.where(t > 0)).clip(0, 1),
                       (d["phase"] == "completed").astype(float))
    rb = d["rollback_triggered"].astype(str).str.lower() == "true"
    no_rb = (~((d["phase"] == "rolled_back") | rb)).astype(float)
    total = d["deployment_id"].map(vt).fillna(0)
    passed = d["deployment_id"].map(vp).fillna(0)
    validation = np.where(total > 0, passed / total.where(total > 0), 1.0)
    lat = d["latency_change"].fillna(0).clip(lower=0)
    err = d["error_rate_change"].fillna(0).clip(lower=0)
    perf = (1 - lat - 10 * err).clip(0, 1)
    med = d.groupby(["agent_id", "environment"])["duration_ms"].transform(lower_median)
    dur = d["duration_ms"]
    speed = np.where(dur.notna() & (dur > 0), (med / dur.where(dur > 0)).clip(upper=1), 1.0)
    speed = np.clip(speed, 0, 1)
    score = 100 * (0.30 * success + 0.25 * no_rb + 0.20 * validation + 0.15 * perf
                   + 0.10 * speed)
    out = pd.DataFrame({"deployment_id": d["deployment_id"], "start_time": d["start_time"],
                        "success": success, "no_rollback": no_rb, "validation": validation,
                        "performance": perf, "speed": speed, "health_score": score})
    out["key"] = out["deployment_id"].map(lambda s: s.encode())
    out = out.sort_values(["start_time", "key"]).drop(columns="key")
    out.to_csv(sys.stdout, index=False, float_format="%.17g")


main()
