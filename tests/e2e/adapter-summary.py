#!/usr/bin/python3
"""The numbers of scripts/ref-adapters.py, computed again from what shiplog
stored: `adapter-summary.py KIND ROWS REJECTED < dump.csv`."""
import csv
import json
import sys
from collections import Counter


def main():
    kind, rows, rejected = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    status, env = Counter(), Counter()
    dur_sum = dur_n = retries = deploy = prod = accepted = 0
    for r in csv.DictReader(sys.stdin):
        accepted += 1
        meta = json.loads(r["metadata"]) if r.get("metadata") else {}
        if kind == "deployments":
            status[r["phase"]] += 1
            env[r["environment"]] += 1
            deploy += 1
            prod += r["environment"] == "production"
        else:
            status[r["status"]] += 1
            # the attempt is a column of both kinds
            attempt = int(r["attempt"]) if r["attempt"] else None
            if kind == "pipeline_runs":
                deploy += bool(meta.get("deployment"))
                prod += meta.get("deploy_environment") == "production"
            else:
                deploy += r["stage_type"] == "deploy"
                prod += r["environment"] == "production"
                if r["environment"]:
                    env[r["environment"]] += 1
            if attempt is not None and attempt >= 2:
                retries += 1
        if r["duration_ms"]:
            dur_sum += int(r["duration_ms"])
            dur_n += 1
    out = [f"rows {rows}", f"accepted {accepted}", f"rejected {rejected}"]
    out += [f"status {k} {v}" for k, v in sorted(status.items())]
    out += [f"environment {k} {v}" for k, v in sorted(env.items())]
    out += [f"duration_ms sum {dur_sum} over {dur_n}", f"retries {retries}",
            f"deployments {deploy}", f"production {prod}"]
    print("\n".join(out))


if __name__ == "__main__":
    main()
