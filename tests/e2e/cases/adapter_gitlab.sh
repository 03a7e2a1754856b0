# GitLab pipelines (list and detail: duration is running time), jobs (one
# of every status) and deployments, against scripts/ref-adapters.py.
. "$E2E_ROOT/tests/e2e/adapters.sh"
sample gitlab_pipelines gitlab-pipelines gitlab/pipelines.jsonl pipeline_runs
sample gitlab_pipeline_details gitlab-pipelines gitlab/pipeline-details.jsonl pipeline_runs
sample gitlab_jobs gitlab-jobs gitlab/jobs.jsonl stage_runs
sample gitlab_deployments gitlab-deployments gitlab/deployments.jsonl deployments
echo "--- a pipeline whose duration (running time) is not end - start"
dump s_gitlab_pipeline_details pipeline_runs | sed -n '1p;/,1078343570,/p'
echo "--- the job statuses as GitLab wrote them, and as stored"
"$BIN/shiplog-ingest" --store s_gitlab_jobs --dump stage_runs | /usr/bin/python3 -c '
import csv, json, sys
seen = {}
for r in csv.DictReader(sys.stdin):
    seen[json.loads(r["metadata"])["source_status"]] = r["status"]
for k in sorted(seen): print(k, "->", seen[k])'
rejects s_gitlab_deployments
