#!/usr/bin/python3
"""A large GitHub Actions export for `make bench`: the realdata workflow runs
repeated (ids and run numbers renumbered) as `gh api --paginate` writes them,
pages of 100 runs {"total_count":..,"workflow_runs":[..]} concatenated, until
the file holds MB megabytes.  Standard library only.

    scripts/gen-api-export.py RUNS.jsonl.gz MB OUT
"""
import gzip
import json
import sys


def main():
    src, mb, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    runs = [json.loads(line) for line in gzip.open(src, "rt")]
    target = int(mb * 1e6)
    written = 0
    n = 0
    with open(out, "w") as f:
        while written < target:
            page = []
            for _ in range(100):
                r = dict(runs[n % len(runs)])
                r["id"] = 10_000_000_000 + n
                r["run_number"] = 1 + n // len(runs)
                page.append(r)
                n += 1
            s = json.dumps({"total_count": 10**9, "workflow_runs": page},
                           separators=(",", ":"))
            f.write(s)
            written += len(s)


if __name__ == "__main__":
    main()
