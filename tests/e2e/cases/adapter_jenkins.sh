# Jenkins builds (epoch-millisecond times; ABORTED, UNSTABLE, NOT_BUILD,
# building) and wfapi stages, against scripts/ref-adapters.py.
. "$E2E_ROOT/tests/e2e/adapters.sh"
sample jenkins_builds_43 jenkins-builds jenkins/builds-43.jsonl pipeline_runs
sample jenkins_builds jenkins-builds jenkins/builds.jsonl pipeline_runs
sample jenkins_stages jenkins-stages jenkins/stages.jsonl stage_runs
echo "--- epoch ms 1650024049161 + 1587 ms is 2022-04-15T12:00:49.161Z .. 12:00:50.748Z"
dump s_jenkins_builds pipeline_runs | sed -n '1p;/,31,/p'
rejects s_jenkins_stages
