#!/usr/bin/env python3
"""Split generated logs into other files holding the same rows, for the
e2e case order_independent (standard library only).

    order-split.py SEED GENDIR OUTDIR

GENDIR holds a CSV file per kind, GENDIR/<kind>.csv (the generator's
output, or what shiplog-ingest --dump prints).  Writes

  OUTDIR/b/runN/NNN-<kind>-<day>.csv   every row once, in per-day files
        (artifacts and gate results on their parent's day), rows shuffled,
        files shuffled within a run, the latest days in the first run, so
        that children often arrive before their parents;
  OUTDIR/c/h0/<kind>.csv, OUTDIR/c/h1/<kind>.csv   every row once, split in
        two by a hash of the line (a status update and the row it updates,
        or a stage's two attempts, often land in different halves).

Same SEED and input, same files.
"""
import csv
import hashlib
import os
import random
import sys

# The column that gives a row its day, or the parent it takes it from.
TIME = {
    "deployments": "start_time",
    "checkpoints": "timestamp",
    "validations": "timestamp",
    "pipeline_runs": "start_time",
    "stage_runs": "start_time",
    "versions": "deployed_at",
    "incidents": "created_at",
    "metric_samples": "timestamp",
}
PARENT = {"artifacts": "deployments", "gate_results": "pipeline_runs"}
RUNS = 3


def key(kind, row):
    if kind in ("deployments", "artifacts"):
        return row["deployment_id"]
    return (row["pipeline_id"], row["execution_number"])


def main():
    seed, gendir, outdir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rng = random.Random(seed)
    kinds = sorted(k for k in list(TIME) + list(PARENT))
    header, lines, days = {}, {}, {}
    for kind in kinds:
        with open(os.path.join(gendir, kind + ".csv"), newline="",
                  errors="surrogateescape") as f:
            text = records(f.read())
        header[kind], lines[kind] = text[0], text[1:]
    rows = {k: parse(header[k], lines[k]) for k in kinds}
    # each row's day: its own, or its parent's ("none" for an orphan)
    parentday = {}
    for kind in TIME:
        days[kind] = [r[TIME[kind]][:10] for r in rows[kind]]
    for kind in ("deployments", "pipeline_runs"):
        for r, day in zip(rows[kind], days[kind]):
            parentday[key(kind, r)] = day
    for kind in PARENT:
        days[kind] = [parentday.get(key(kind, r), "none") for r in rows[kind]]

    # (b) per-day files, shuffled rows, latest days first
    byday = {}
    for kind in kinds:
        for ln, day in zip(lines[kind], days[kind]):
            byday.setdefault((day, kind), []).append(ln)
    alldays = sorted({d for d, _ in byday}, reverse=True)
    per = -(-len(alldays) // RUNS)
    for run in range(RUNS):
        files = [dk for dk in byday if dk[0] in alldays[run * per:(run + 1) * per]]
        files.sort()
        rng.shuffle(files)
        d = os.path.join(outdir, "b", "run%d" % run)
        os.makedirs(d, exist_ok=True)
        for i, (day, kind) in enumerate(files):
            rows = byday[(day, kind)]
            rng.shuffle(rows)
            write(os.path.join(d, "%03d-%s-%s.csv" % (i, kind, day)),
                  header[kind], rows)

    # (c) two halves by a hash of the line
    for h in (0, 1):
        os.makedirs(os.path.join(outdir, "c", "h%d" % h), exist_ok=True)
    for kind in kinds:
        half = ([], [])
        for ln in lines[kind]:
            b = hashlib.sha256(("%d:%s" % (seed, ln)).encode(errors="surrogateescape")).digest()[0]
            half[b & 1].append(ln)
        for h in (0, 1):
            write(os.path.join(outdir, "c", "h%d" % h, kind + ".csv"),
                  header[kind], half[h])


def records(text):
    """The CSV records of text, each without its final newline: a newline
    inside quotes is data (and so are U+2028 and the like)."""
    out, start, quoted = [], 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == "\n" and not quoted:
            out.append(text[start:i])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return out


def parse(header, lines):
    cols = next(csv.reader([header]))
    return [dict(zip(cols, next(csv.reader([ln])))) for ln in lines]


def write(path, header, rows):
    with open(path, "w", newline="", errors="surrogateescape") as f:
        f.write(header + "\n")
        for ln in rows:
            f.write(ln + "\n")


if __name__ == "__main__":
    main()
