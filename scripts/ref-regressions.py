#!/usr/bin/python3
"""Reference version regressions computed with pandas and scipy, for
shiplog's tests.

Input: the stored deployments as CSV (`shiplog-ingest --dump deployments`),
all data.  Per agent, the versions in the order of their first deployment
(then by name), each against the one before (docs/ANALYZE.md,
`regressions`): finished deployments (completed, failed, rolled_back,
partial), failed = finished but not completed, scipy.stats.fisher_exact on
[[failed, ok], [previous failed, previous ok]], the latency_change of the
finished deployments: medians and scipy.stats.mannwhitneyu (two-sided,
asymptotic, continuity); regressions at p < 0.05 when the rate / median
went up (by U on equal medians).
Run once; the output is committed under tests/e2e/data/ref/.

usage: ref-regressions.py DEPLOYMENTS.csv
"""
import csv
import math
import sys

import pandas as pd
from scipy.stats import fisher_exact, mannwhitneyu

FIN = {"completed", "failed", "rolled_back", "partial"}


def fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)


def main():
    d = pd.read_csv(sys.argv[1], keep_default_na=False,
                    na_values={"latency_change": [""]},
                    usecols=["agent_id", "version", "phase", "start_time", "latency_change"])
    d = d[(d["agent_id"] != "") & (d["version"] != "") & (d["phase"] != "")]
    vers = []
    for (agent, version), g in d.groupby(["agent_id", "version"], sort=False):
        fin = g[g["phase"].isin(FIN)]
        lat = [x for x in fin["latency_change"] if not math.isnan(x)]
        vers.append({"agent": agent, "version": version, "first": g["start_time"].min(),
                     "finished": len(fin), "failed": int((fin["phase"] != "completed").sum()),
                     "lat": lat})
    vers.sort(key=lambda v: (v["agent"].encode(), v["first"], v["version"].encode()))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["agent_id", "version", "previous_version", "finished", "failed",
                "failure_rate", "previous_finished", "previous_failed",
                "previous_failure_rate", "failure_p_value", "latency_samples",
                "previous_latency_samples", "median_latency_change",
                "previous_median_latency_change", "latency_p_value", "failure_regression",
                "latency_regression", "regression"])
    for u, v in zip(vers, vers[1:]):
        if u["agent"] != v["agent"] or not u["finished"] or not v["finished"]:
            continue
        rv, ru = v["failed"] / v["finished"], u["failed"] / u["finished"]
        _, pf = fisher_exact([[v["failed"], v["finished"] - v["failed"]],
                              [u["failed"], u["finished"] - u["failed"]]])
        frag = bool(pf < 0.05 and rv > ru)
        pl = mx = my = float("nan")
        lreg = False
        if v["lat"] and u["lat"]:
            r = mannwhitneyu(v["lat"], u["lat"], alternative="two-sided",
                             method="asymptotic", use_continuity=True)
            pl = float(r.pvalue)
            mx, my = float(pd.Series(v["lat"]).median()), float(pd.Series(u["lat"]).median())
            lreg = bool(pl < 0.05 and (mx > my or (mx == my and
                        r.statistic > len(v["lat"]) * len(u["lat"]) / 2)))
        w.writerow([v["agent"], v["version"], u["version"], v["finished"], v["failed"],
                    fmt(float(rv)), u["finished"], u["failed"], fmt(float(ru)),
                    fmt(float(pf)), len(v["lat"]), len(u["lat"]), fmt(mx), fmt(my), fmt(pl),
                    fmt(frag), fmt(lreg), fmt(frag or lreg)])


main()
