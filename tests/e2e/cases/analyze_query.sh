# Queries: the seed's API as commands (CSV, or --json).
cat >d.csv <<'CSV'
deployment_id,agent_id,environment,phase,start_time,end_time,version
q1,api,production,completed,2026-06-01T10:00:00Z,2026-06-01T10:10:00Z,1.0
q2,api,staging,failed,2026-06-02T10:00:00Z,2026-06-02T10:05:00Z,1.1
q3,api,production,in_progress,2026-06-03T10:00:00Z,,1.2
q4,web,production,completed,2026-06-03T11:00:00Z,2026-06-03T11:01:00Z,7.0
CSV
cat >c.csv <<'CSV'
deployment_id,checkpoint_name,checkpoint_type,status,timestamp,duration_ms
q1,build,build,passed,2026-06-01T10:01:00Z,60000
q1,deploy,deploy,passed,2026-06-01T10:08:00Z,420000
q2,deploy,deploy,failed,2026-06-02T10:04:00Z,
CSV
cat >a.csv <<'CSV'
deployment_id,artifact_type,artifact_name,version,size_bytes
q1,container,api,1.0,123456
CSV
cat >v.csv <<'CSV'
deployment_id,type,name,status,timestamp,tests_run,tests_passed
q1,smoke_test,smoke,passed,2026-06-01T10:09:00Z,12,12
CSV
"$BIN/shiplog-ingest" -q --store s d.csv c.csv a.csv v.csv
"$BIN/shiplog-analyze" --store s --query deployment --id q1 | cut -d, -f1-8
"$BIN/shiplog-analyze" --store s --query checkpoints --id q1
"$BIN/shiplog-analyze" --store s --query deployment --id q1 --json |
	/usr/bin/python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["deployment_id"], d["phase"], [c["checkpoint_name"] for c in d["checkpoints"]], [a["size_bytes"] for a in d["artifacts"]], [v["tests_passed"] for v in d["validations"]])'
"$BIN/shiplog-analyze" --store s --query deployment --id nope; echo "exit=$?"
# agent history: newest first, environment filter, limit
"$BIN/shiplog-analyze" --store s --query agent-history --agent api | cut -d, -f1,4,7
"$BIN/shiplog-analyze" --store s --query agent-history --agent api --env production --limit 1 |
	cut -d, -f1,4,7
"$BIN/shiplog-analyze" --store s --query success-rates --from 2026-06-03 --to 2026-06-04 |
	cut -d, -f1-9
"$BIN/shiplog-analyze" --store s --query deployment; echo "exit=$?"
"$BIN/shiplog-analyze" --store s --query nonsense; echo "exit=$?"
"$BIN/shiplog-analyze" --store s --query agent-history --agent api --limit 500; echo "exit=$?"
