# Which jobs are deployments and which are production: the default rules
# of docs/ADAPTERS.md, then the options, then a rules file; --explain names the
# rule and the value that decided.  Bad rules are refused before any work.
/usr/bin/python3 - "$E2E_DATA/realdata/gitlab/jobs.jsonl" <<'PY'
import json, sys
job = json.loads(open(sys.argv[1]).readline())
cases = [("unit-tests", "test", "master", None), ("Deploy", "deploy", "main", None),
         ("ship", "publish", "release/1.2", None), ("push-image", "build", "main", None),
         ("rollout", "rollout", "main", "Production-EU"), ("canary", "live", "main", None)]
with open("jobs.jsonl", "w") as f:
    for i, (name, stage, ref, env) in enumerate(cases):
        j = dict(job, id=1000 + i, name=name, stage=stage, ref=ref)
        if env:
            j["environment"] = {"name": env}
        f.write(json.dumps(j) + "\n")
PY
echo "--- the defaults"
"$BIN/shiplog-ingest" -q --store s1 --format gitlab-jobs --explain jobs.jsonl
echo "exit=$?"
"$BIN/shiplog-ingest" --store s1 --dump stage_runs | cut -d, -f3-6
echo "--- options"
"$BIN/shiplog-ingest" -q --store s2 --format gitlab-jobs --explain \
	--deploy-regex '^(rollout|canary)$' --prod-regex '(?i)^live$|eu' jobs.jsonl
echo "exit=$?"
echo "--- a rules file; the option wins over it"
cat >rules.conf <<'CONF'
# shiplog adapter rules
deployment = (?i)ship|canary
production  =  (?i)publish
CONF
"$BIN/shiplog-ingest" -q --store s3 --format gitlab-jobs --rules rules.conf --prod-regex live \
	--explain jobs.jsonl
echo "exit=$?"
echo "--- bad rules"
"$BIN/shiplog-ingest" --store s4 --format gitlab-jobs --deploy-regex '(?i)(' jobs.jsonl
echo "exit=$?"
printf 'deployment = x\nstaging = y\n' >bad.conf
"$BIN/shiplog-ingest" --store s4 --format gitlab-jobs --rules bad.conf jobs.jsonl
echo "exit=$?"
"$BIN/shiplog-ingest" --store s4 --explain jobs.jsonl
echo "exit=$?"
"$BIN/shiplog-ingest" --store s4 --format gitlab-jobs --kind deployments jobs.jsonl
echo "exit=$?"
"$BIN/shiplog-ingest" --store s4 --format gitlab-runs jobs.jsonl 2>&1 | head -1
test -e s4 && echo "s4 exists" || echo "nothing was created"
