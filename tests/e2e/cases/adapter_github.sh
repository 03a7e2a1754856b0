# GitHub Actions runs and jobs (realdata, DevLake's fixtures): counts per
# status, durations and retries equal scripts/ref-adapters.py's, computed
# from the JSON.  The 97 runs hold 26 retries (run_attempt 2); the
# all-statuses files hold one of every status and conclusion.
. "$E2E_ROOT/tests/e2e/adapters.sh"
sample github_runs github-runs github-actions/runs-ants.jsonl.gz pipeline_runs
sample github_runs_all github-runs github-actions/runs-all-statuses.jsonl.gz pipeline_runs
sample github_jobs github-jobs github-actions/jobs-ants.jsonl.gz stage_runs
sample github_jobs_all github-jobs github-actions/jobs-all-statuses.jsonl stage_runs
echo "--- two stored runs"
dump s_github_runs pipeline_runs | head -3
echo "--- a deployment job"
dump s_github_jobs_all stage_runs | grep -m1 ',deploy,'
rejects s_github_runs_all
