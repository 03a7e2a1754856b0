#!/usr/bin/python3
"""Reference canary metrics computed with scipy, for shiplog's tests.

Inputs: stored deployments and metric_samples as CSV (`shiplog-ingest --dump
KIND`), all data.  For each deployment with at least 3 canary and 3 baseline
samples of a metric: scipy.stats.mannwhitneyu(canary, baseline,
alternative="two-sided", method="asymptotic", use_continuity=True), the
medians, High/Low (p < 0.05, by the medians, else by U against n1 n2 / 2) or
Pass, and whether the metric passes (it did not move the bad way).
Throughput is compared per unit of traffic share: the canary's samples
divided by canary_percentage / 100, the baseline's by 1 minus that; it is
not judged for a deployment without a canary_percentage in (0, 100).
Run once; the output is committed under tests/e2e/data/ref/.

usage: ref-canary.py DEPLOYMENTS.csv METRIC_SAMPLES.csv
"""
import sys

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

METRICS = [("error_rate", 1), ("latency_p50_ms", 1), ("latency_p95_ms", 1),
           ("throughput_rps", -1), ("health_check_failures", 1)]


def main():
    d = pd.read_csv(sys.argv[1], usecols=["deployment_id", "start_time", "canary_percentage"],
                    keep_default_na=False, na_values={"canary_percentage": [""]})
    share = d.groupby("deployment_id")["canary_percentage"].max() / 100
    s = pd.read_csv(sys.argv[2], keep_default_na=False,
                    na_values={m: [""] for m, _ in METRICS})
    order = d.assign(key=d["deployment_id"].map(str.encode)).sort_values(["start_time", "key"])
    groups = {k: g for k, g in s.groupby("deployment_id")}
    print("deployment_id,metric,canary_n,baseline_n,canary_median,baseline_median,u,p_value,"
          "classification,passed")
    for dep in order["deployment_id"]:
        g = groups.get(dep)
        if g is None:
            continue
        for m, bad in METRICS:
            c = g.loc[g["cohort"] == "canary", m].dropna().to_numpy()
            b = g.loc[g["cohort"] == "baseline", m].dropna().to_numpy()
            if len(c) < 3 or len(b) < 3:
                continue
            if m == "throughput_rps":
                sh = share.get(dep, np.nan)
                if not (0 < sh < 1):
                    continue
                c, b = c / sh, b / (1 - sh)
            if np.all(np.concatenate([c, b]) == c[0]):
                u, p = len(c) * len(b) / 2, 1.0   # all tied: no evidence
            else:
                r = mannwhitneyu(c, b, alternative="two-sided", method="asymptotic",
                                 use_continuity=True)
                u, p = r.statistic, r.pvalue
            cm, bm = np.median(c), np.median(b)
            cls = "Pass"
            if p < 0.05:
                side = cm - bm if cm != bm else u - len(c) * len(b) / 2
                cls = "High" if side > 0 else "Low"
            ok = cls == "Pass" or (cls == "Low" if bad > 0 else cls == "High")
            print(f"{dep},{m},{len(c)},{len(b)},{cm!r},{bm!r},{float(u)!r},{float(p)!r},"
                  f"{cls},{'true' if ok else 'false'}")


main()
