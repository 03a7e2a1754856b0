#!/usr/bin/python3
"""Reference numbers for the --format adapters, computed from the realdata
JSON with the standard library alone, independently of shiplog's C code
(which is in ingest/adapt.c and lib/sl_cimap.c).  The providers' states are
mapped here from the providers' documentation as docs/ADAPTERS.md states it.

    scripts/ref-adapters.py tests/e2e/data/realdata tests/e2e/data/ref/adapters

writes one NAME.txt per sample: "metric value" lines that
tests/e2e/adapter-summary.py computes again from `shiplog-ingest --dump`.
"""
import gzip
import json
import re
import sys
from collections import Counter
from datetime import datetime, timezone

DEPLOY = re.compile(r"deploy|release|push-image", re.I)
PROD = re.compile(r"prod", re.I)

GH = {"success": "success", "failure": "failed", "timed_out": "failed",
      "startup_failure": "failed", "cancelled": "cancelled", "skipped": "skipped",
      "neutral": "skipped", "stale": "skipped", "action_required": "pending",
      "in_progress": "running", "queued": "pending", "waiting": "pending",
      "requested": "pending", "pending": "pending"}
GL = {"success": "success", "failed": "failed", "canceled": "cancelled",
      "skipped": "skipped", "manual": "skipped", "running": "running",
      "pending": "pending", "created": "pending", "waiting_for_resource": "pending",
      "preparing": "pending", "scheduled": "pending"}
JK = {"SUCCESS": "success", "FAILURE": "failed", "FAILED": "failed", "UNSTABLE": "failed",
      "ABORTED": "cancelled", "NOT_BUILT": "skipped", "NOT_BUILD": "skipped",
      "NOT_EXECUTED": "skipped", "IN_PROGRESS": "running",
      "PAUSED_PENDING_INPUT": "pending"}
GHD = {"SUCCESS": "completed", "ACTIVE": "completed", "INACTIVE": "completed",
       "FAILURE": "failed", "ERROR": "failed"}
GLD = {"success": "completed", "completed": "completed", "failed": "failed",
       "canceled": "failed", "running": "in_progress", "created": "pending",
       "blocked": "pending"}  # undeployed: rejected
BBD = {"COMPLETED": "completed", "SUCCESSFUL": "completed", "FAILED": "failed",
       "STOPPED": "failed", "CANCELLED": "failed", "ROLLED_BACK": "rolled_back",
       "IN_PROGRESS": "in_progress", "PENDING": "pending"}  # UNDEPLOYED, UNKNOWN: rejected
FINISHED = {"success", "failed", "cancelled", "skipped"}
TERMINAL = {"completed", "failed", "rolled_back"}


def ms(s):
    if s is None:
        return None
    if isinstance(s, int):
        return s
    s = s.replace("Z", "+00:00")
    return int(round(datetime.fromisoformat(s).astimezone(timezone.utc).timestamp() * 1000))


def read(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Summary:
    def __init__(self):
        self.rows = 0
        self.rejected = 0
        self.status = Counter()
        self.env = Counter()
        self.dur_sum = 0
        self.dur_n = 0
        self.retries = 0
        self.deploy = 0
        self.prod = 0

    def add(self, status, start, end, dur=None, attempt=None, deploy=False, prod=False,
            env=None):
        self.status[status] += 1
        if dur is None and start is not None and end is not None:
            dur = end - start
        if dur is not None:
            self.dur_sum += dur
            self.dur_n += 1
        if attempt is not None and attempt >= 2:
            self.retries += 1
        self.deploy += bool(deploy)
        self.prod += bool(prod)
        if env is not None:
            self.env[env] += 1

    def lines(self):
        out = [f"rows {self.rows}", f"accepted {self.rows - self.rejected}",
               f"rejected {self.rejected}"]
        out += [f"status {k} {v}" for k, v in sorted(self.status.items())]
        out += [f"environment {k} {v}" for k, v in sorted(self.env.items())]
        out += [f"duration_ms sum {self.dur_sum} over {self.dur_n}",
                f"retries {self.retries}", f"deployments {self.deploy}",
                f"production {self.prod}"]
        return out


def gh_status(r):
    st, co = r.get("status") or "", r.get("conclusion") or ""
    if st.lower() == "completed" or not st:
        return GH.get(co.lower())
    return GH.get(st.lower())


def github_runs(rows, s):
    for r in rows:
        st = gh_status(r)
        if st is None:
            s.rejected += 1
            continue
        start = ms(r.get("run_started_at") or r["created_at"])
        end = ms(r["updated_at"]) if st in FINISHED else None
        dep = any(v and DEPLOY.search(v) for v in (r.get("name"), r.get("display_title"),
                                                   r.get("head_branch")))
        prod = dep and any(v and PROD.search(v) for v in (r.get("name"), r.get("head_branch")))
        s.add(st, start, end, attempt=r.get("run_attempt"), deploy=dep, prod=prod)


def github_jobs(rows, s):
    for r in rows:
        st = gh_status(r)
        if st is None:
            s.rejected += 1
            continue
        start = ms(r.get("started_at") or r.get("created_at"))
        end = ms(r.get("completed_at")) if st in FINISHED else None
        if end is not None and end < start:
            s.rejected += 1  # shiplog refuses an end before the start
            continue
        dep = any(v and DEPLOY.search(v) for v in (r.get("name"), r.get("workflow_name"),
                                                   r.get("head_branch")))
        prod = dep and any(v and PROD.search(v) for v in (r.get("name"), r.get("head_branch")))
        s.add(st, start, end, attempt=r.get("run_attempt"), deploy=dep, prod=prod,
              env="production" if prod else None)


def gitlab_pipelines(rows, s):
    for r in rows:
        st = GL.get(r["status"])
        start = ms(r.get("started_at") or r["created_at"])
        # one that never started has no end and no duration (its time in
        # the queue is not a run)
        end = ms(r.get("finished_at")) if st in FINISHED and r.get("started_at") else None
        dur = r["duration"] * 1000 if r.get("duration") is not None else None
        s.add(st, start, end, dur=dur)


def gitlab_jobs(rows, s):
    for r in rows:
        st = GL.get(r["status"])
        start = ms(r.get("started_at") or r["created_at"])
        end = ms(r.get("finished_at")) if st in FINISHED and r.get("started_at") else None
        dur = round(r["duration"] * 1000) if r.get("duration") is not None else None
        dep = any(v and DEPLOY.search(v) for v in (r.get("name"), r.get("stage"), r.get("ref")))
        s.add(st, start, end, dur=dur, deploy=dep)


def jenkins_builds(rows, s):
    for r in rows:
        st = "running" if r.get("building") else JK.get(r.get("result"))
        start = r["timestamp"]
        dur = r["duration"] if st in FINISHED else None
        s.add(st, start, None, dur=dur)


def jenkins_stages(rows, s):
    for r in rows:
        if r.get("status") is None:
            s.rejected += 1
            continue
        st = JK[r["status"]]
        dur = r["durationMillis"] if st in FINISHED else None
        s.add(st, r["startTimeMillis"], None, dur=dur)


def github_deployments(rows, s):
    for r in rows:
        st = (r.get("LatestStatus") or {}).get("State") or r.get("State")
        ph = GHD[st]
        start = ms(r["CreatedAt"])
        end = ms((r.get("LatestStatus") or {}).get("updatedAt")) if ph in TERMINAL else None
        env = "production" if PROD.search(r["Environment"]) else r["Environment"]
        s.add(ph, start, end, env=env, prod=env == "production", deploy=True)


def gitlab_deployments(rows, s):
    for r in rows:
        ph = GLD.get(r["status"])
        if ph is None:
            s.rejected += 1
            continue
        d = r.get("deployable") or {}
        start = ms(d.get("started_at") or r["created_at"])
        end = ms(d.get("finished_at")) if ph in TERMINAL else None
        name = r["environment"]["name"]
        env = "production" if PROD.search(name) else name
        s.add(ph, start, end, env=env, prod=env == "production", deploy=True)


def bitbucket_deployments(rows, s):
    for r in rows:
        ph = BBD.get(r["state"]["name"])
        if ph is None:
            s.rejected += 1
            continue
        start = ms(r["state"].get("started_on") or r["release"]["created_on"])
        end = ms(r["state"].get("completed_on")) if ph in TERMINAL else None
        name = r["environment"]["name"]
        env = "production" if PROD.search(name) else name
        s.add(ph, start, end, env=env, prod=env == "production", deploy=True)


SAMPLES = [
    ("github_runs", "github-actions/runs-ants.jsonl.gz", github_runs),
    ("github_runs_all", "github-actions/runs-all-statuses.jsonl.gz", github_runs),
    ("github_jobs", "github-actions/jobs-ants.jsonl.gz", github_jobs),
    ("github_jobs_all", "github-actions/jobs-all-statuses.jsonl", github_jobs),
    ("gitlab_pipelines", "gitlab/pipelines.jsonl", gitlab_pipelines),
    ("gitlab_pipeline_details", "gitlab/pipeline-details.jsonl", gitlab_pipelines),
    ("gitlab_jobs", "gitlab/jobs.jsonl", gitlab_jobs),
    ("gitlab_deployments", "gitlab/deployments.jsonl", gitlab_deployments),
    ("jenkins_builds_43", "jenkins/builds-43.jsonl", jenkins_builds),
    ("jenkins_builds", "jenkins/builds.jsonl", jenkins_builds),
    ("jenkins_stages", "jenkins/stages.jsonl", jenkins_stages),
    ("github_deployments", "github-deployments/deployments-graphql.jsonl", github_deployments),
    ("bitbucket_deployments", "bitbucket/deployments.jsonl", bitbucket_deployments),
]


def main():
    src, dst = sys.argv[1], sys.argv[2]
    for name, path, fn in SAMPLES:
        rows = read(f"{src}/{path}")
        s = Summary()
        s.rows = len(rows)
        fn(rows, s)
        with open(f"{dst}/{name}.txt", "w") as f:
            f.write("\n".join(s.lines()) + "\n")


if __name__ == "__main__":
    main()
