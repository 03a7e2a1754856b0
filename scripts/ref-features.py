#!/usr/bin/python3
"""Reference feature matrix (pandas) and DBSCAN labels (scikit-learn) for
shiplog's tests; docs/ANALYZE.md "features" and "patterns".

  ref-features.py features DEPLOYMENTS.csv > features.csv
      DEPLOYMENTS.csv is `shiplog-ingest --dump deployments` (all data).
      Rows by start_time then deployment_id; features as documented; nulls
      replaced by the column median; (v - mean) / population sd, 0 for a
      constant column.
  ref-features.py patterns FEATURES.csv > patterns.csv
      sklearn DBSCAN(eps=0.3, min_samples=5) on the matrix of a features
      table (as `shiplog-analyze --print features` writes it: numbers that
      read back exactly), so the labels are compared on the same matrix.
Run once; outputs are committed under tests/e2e/data/ref/."""
import sys

import numpy as np
import pandas as pd

NAMES = ["log_duration", "failed_share", "unhealthy_share", "coverage", "latency_change",
         "error_rate_change", "cpu_change", "memory_change", "rollback"]


def features(path):
    d = pd.read_csv(path, dtype={"deployment_id": str}, keep_default_na=False,
                    na_values=[""])
    d = d.sort_values(["start_time", "deployment_id"], kind="stable")
    t = d["target_instances"].where(d["target_instances"] > 0)
    f = pd.DataFrame({"deployment_id": d["deployment_id"]})
    dur = d["duration_ms"].where(d["duration_ms"] >= 0)
    f["log_duration"] = np.log1p(dur)
    f["failed_share"] = d["failed_instances"] / t
    f["unhealthy_share"] = ((t - d["healthy_instances"]) / t).clip(0, 1)
    f["coverage"] = d["deployed_instances"] / t
    for c in ["latency_change", "error_rate_change", "cpu_change", "memory_change"]:
        f[c] = d[c]
    rb = d["rollback_triggered"].astype(str).str.lower() == "true"
    f["rollback"] = ((d["phase"] == "rolled_back") | rb).astype(float)
    for c in NAMES:
        v = f[c].astype(float)
        med = v.median()
        v = v.fillna(0.0 if np.isnan(med) else med)
        sd = v.std(ddof=0)
        f[c] = (v - v.mean()) / sd if sd > 0 else 0.0
    f.to_csv(sys.stdout, index=False, float_format="%.15g")


def patterns(path):
    from sklearn.cluster import DBSCAN
    f = pd.read_csv(path, dtype={"deployment_id": str})
    lab = DBSCAN(eps=0.3, min_samples=5).fit(f[NAMES].to_numpy(np.float64)).labels_
    pd.DataFrame({"deployment_id": f["deployment_id"], "cluster": lab}).to_csv(
        sys.stdout, index=False)


{"features": features, "patterns": patterns}[sys.argv[1]](sys.argv[2])
