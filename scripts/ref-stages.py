#!/usr/bin/python3
"""Reference per-stage and per-pipeline statistics computed with pandas, for
shiplog's tests.

Input: the stored stage_runs and pipeline_runs as CSV (`shiplog-ingest
--dump KIND`), all data.  Prints two CSV tables, each after a line naming
it (docs/ANALYZE.md):
  stages: per pipeline_id x stage_id (byte order): runs, finished (success,
  failed, cancelled), failed (failed, cancelled), failure_rate, nearest-rank
  p50/p95/p99 of the finished runs' durations (duration_ms, else end -
  start; negative ones left out), retries (attempt > 1), retry_rate, retry_success_rate;
  pipelines: per pipeline_id of pipeline_runs (one row per execution, the
  first): executions, finished, successful, failed, success_rate, p50/p95
  duration of the finished runs.
Run once; the output is committed under tests/e2e/data/ref/.

usage: ref-stages.py STAGE_RUNS.csv PIPELINE_RUNS.csv
"""
import csv
import math
import sys

import pandas as pd

FIN = {"success", "failed", "cancelled"}
BAD = {"failed", "cancelled"}


def rank(v, q):
    k = math.ceil(q * len(v))
    return v[k - 1 if k else 0]


def fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)


def durations(g):
    start = pd.to_datetime(g["start_time"], utc=True, format="%Y-%m-%dT%H:%M:%S.%fZ")
    end = pd.to_datetime(g["end_time"].replace("", None), utc=True, format="%Y-%m-%dT%H:%M:%S.%fZ")
    alt = (end - start).dt.total_seconds() * 1000
    dur = pd.to_numeric(g["duration_ms"].replace("", None), errors="coerce")
    return [int(round(x)) for x in dur.fillna(alt) if not math.isnan(x) and x >= 0]


def main():
    s = pd.read_csv(sys.argv[1], keep_default_na=False, dtype=str)
    p = pd.read_csv(sys.argv[2], keep_default_na=False, dtype=str)
    s = s[(s["pipeline_id"] != "") & (s["stage_id"] != "")]
    w = csv.writer(sys.stdout, lineterminator="\n")
    print("stages")
    w.writerow(["pipeline_id", "stage_id", "runs", "finished", "failed", "failure_rate",
                "p50_ms", "p95_ms", "p99_ms", "retries", "retry_rate", "retry_success_rate"])
    keys = sorted(s.groupby(["pipeline_id", "stage_id"]).groups,
                  key=lambda k: (k[0].encode(), k[1].encode()))
    groups = dict(list(s.groupby(["pipeline_id", "stage_id"])))
    for k in keys:
        g = groups[k]
        att = pd.to_numeric(g["attempt"].replace("", None), errors="coerce").fillna(1)
        fin = g["status"].isin(FIN)
        bad = g["status"].isin(BAD)
        retry = att > 1
        dur = sorted(durations(g[fin]))
        rf = int((retry & fin).sum())
        rs = int((retry & (g["status"] == "success")).sum())
        nf = int(fin.sum())
        w.writerow([k[0], k[1], len(g), nf, int(bad.sum()), fmt(bad.sum() / nf if nf else None),
                    fmt(rank(dur, .5) if dur else None), fmt(rank(dur, .95) if dur else None),
                    fmt(rank(dur, .99) if dur else None), int(retry.sum()),
                    fmt(float(retry.sum() / len(g))), fmt(rs / rf if rf else None)])
    print("pipelines")
    w.writerow(["pipeline_id", "executions", "finished", "successful", "failed",
                "success_rate", "p50_duration_ms", "p95_duration_ms"])
    p = p[p["pipeline_id"] != ""].drop_duplicates(["pipeline_id", "execution_number"])
    for pid in sorted(p["pipeline_id"].unique(), key=str.encode):
        g = p[p["pipeline_id"] == pid]
        fin = g["status"].isin(FIN)
        nf, ok = int(fin.sum()), int((g["status"] == "success").sum())
        dur = sorted(durations(g[fin]))
        w.writerow([pid, len(g), nf, ok, int(g["status"].isin(BAD).sum()),
                    fmt(ok / nf if nf else None), fmt(rank(dur, .5) if dur else None),
                    fmt(rank(dur, .95) if dur else None)])


main()
