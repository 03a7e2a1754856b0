#!/usr/bin/python3
"""Edited copies of the realdata fixtures (DevLake's, Apache 2.0) for the
cases of tests/e2e/cases/adapter_attempts.sh: what a real export looks like
when a run is retried, when its jobs and stages come apart from it, and
when a GitLab pipeline is cancelled before it starts.  Written once and
committed (the tests never run this):

    scripts/make-edited-fixtures.py tests/e2e/data/realdata

Each output object is a realdata object with only the members named below
changed."""
import copy
import gzip
import json
import os
import sys
from datetime import datetime, timedelta, timezone


def rd(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def wr(path, objs):
    with open(path, "w", encoding="utf-8") as f:
        for o in objs:
            f.write(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n")


def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def ts(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def github(src, out):
    runs = {r["id"]: r for r in rd(os.path.join(src, "github-actions/runs-ants.jsonl.gz"))}
    jobs = rd(os.path.join(src, "github-actions/jobs-ants.jsonl.gz"))
    # Tests #75: attempt 2 (as exported) passed; attempt 1, a day before,
    # failed.  Tests #72 is in both days' exports, unchanged.
    a2, other = runs[2589885628], runs[2566218975]
    a1 = copy.deepcopy(a2)
    start1 = t(a2["created_at"])
    a1.update(run_attempt=1, conclusion="failure", run_started_at=ts(start1),
              updated_at=ts(start1 + timedelta(minutes=6)), previous_attempt_url=None)
    # its jobs: the matrix of run 577324554, moved to run #75's id; in
    # attempt 1 the first job failed, in attempt 2 every job passed
    tmpl = [j for j in jobs if j["run_id"] == 577324554]
    base = t(tmpl[0]["started_at"])
    day1, day2 = [a1, other], [a2, other]
    jobs1, jobs2 = [], []
    for attempt, start, out_jobs in ((1, start1, jobs1), (2, t(a2["run_started_at"]), jobs2)):
        for k, j in enumerate(tmpl):
            j = copy.deepcopy(j)
            j["id"] = 9100000000 + attempt * 1000 + k
            j["run_id"] = a2["id"]
            j["run_url"] = a2["url"]
            j["run_attempt"] = attempt
            j["workflow_name"] = a2["name"]
            j["started_at"] = ts(start + (t(j["started_at"]) - base) + timedelta(seconds=20))
            j["completed_at"] = ts(t(j["started_at"]) + timedelta(minutes=3 + k))
            j["conclusion"] = "failure" if attempt == 1 and k == 0 else "success"
            j.pop("steps", None)
            out_jobs.append(j)
    wr(os.path.join(out, "gh-runs-day1.jsonl"), day1)
    wr(os.path.join(out, "gh-runs-day2.jsonl"), day2)
    wr(os.path.join(out, "gh-jobs-day1.jsonl"), jobs1)
    wr(os.path.join(out, "gh-jobs-day2.jsonl"), jobs2)


def jenkins(src, out):
    builds = rd(os.path.join(src, "jenkins/builds.jsonl"))
    stages = [s for s in rd(os.path.join(src, "jenkins/stages.jsonl")) if s.get("status")]
    # the wfapi stages, given to the builds of the folder job
    # "Test-jenkins-dir » test-jenkins-sub-dir » test-sub-sub-dir » devlake"
    # (two stages each); their links spell the job as its URL does
    job = "/job/Test-jenkins-dir/job/test-jenkins-sub-dir/job/test-sub-sub-dir/job/devlake"
    res = []
    for i, b in enumerate(builds):
        for k in range(2):
            s = copy.deepcopy(stages[(2 * i + k) % len(stages)])
            num = int(b["fullDisplayName"].rsplit("#", 1)[1])
            s["name"] = ("Checkout", "Build")[k]
            s["status"] = "SUCCESS" if b.get("result") == "SUCCESS" or k == 0 else "FAILED"
            s["_links"]["self"]["href"] = "%s/%d/execution/node/%s/wfapi/describe" % (
                job, num, s["id"])
            half = max(b.get("duration", 0) // 2, 1)
            s["startTimeMillis"] = b["timestamp"] + k * half
            s["durationMillis"] = half
            res.append(s)
    wr(os.path.join(out, "jenkins-stages-devlake.jsonl"), res)


def gitlab(src, out):
    pipes = rd(os.path.join(src, "gitlab/pipeline-details.jsonl"))
    # three pipelines cancelled while they waited: never started, no
    # duration; GitLab still gives them a finished_at
    for p in pipes:
        if p["id"] in (1079502706, 1079509085, 1079536077):
            created = datetime.strptime(p["created_at"][:19], "%Y-%m-%dT%H:%M:%S")
            p.update(status="canceled", started_at=None, duration=None,
                     finished_at=(created + timedelta(seconds=40)).strftime(
                         "%Y-%m-%dT%H:%M:%S.000Z"))
    wr(os.path.join(out, "gitlab-never-started.jsonl"), pipes)


def main():
    src = sys.argv[1]
    out = os.path.join(src, "edited")
    os.makedirs(out, exist_ok=True)
    github(src, out)
    jenkins(src, out)
    gitlab(src, out)


if __name__ == "__main__":
    main()
