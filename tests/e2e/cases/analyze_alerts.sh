# Alerts, hand-worked.  Agent a has 20 production deployments of 1..20 s:
# the nearest-rank p95 is the 19th (19 s), so only e20 (20 s) is slow, and it
# was rolled back: confirmed.  f1 lost 1 of 10 instances (exactly 10%: no
# alert), f2 lost 2 of 10 (alert) and an incident names it (confirmed).  g1
# has a failed validation (alert) and nothing happened after (a false
# positive).  Precision: 1, 1, 0; all 2/3.
{
	echo "deployment_id,agent_id,environment,phase,start_time,duration_ms,failed_instances,target_instances,rollback_triggered"
	for k in $(seq 1 19); do
		printf 'e%d,a,production,completed,2026-06-01T%02d:00:00Z,%d000,0,5,false\n' $k $k $k
	done
	echo "e20,a,production,rolled_back,2026-06-01T20:00:00Z,20000,0,5,true"
	echo "f1,b,production,completed,2026-06-02T01:00:00Z,,1,10,false"
	echo "f2,b,production,completed,2026-06-02T02:00:00Z,,2,10,false"
	echo "g1,b,production,completed,2026-06-02T03:00:00Z,,0,10,false"
} >d.csv
cat >v.csv <<'CSV'
deployment_id,type,name,status,timestamp
g1,smoke_test,smoke,failed,2026-06-02T03:05:00Z
f1,smoke_test,smoke,passed,2026-06-02T01:05:00Z
CSV
cat >i.csv <<'CSV'
incident_id,agent_id,environment,created_at,severity,deployment_id
i1,b,production,2026-06-02T05:00:00Z,sev2,f2
CSV
st "$BIN/shiplog-ingest" -q --store s d.csv v.csv i.csv
st "$BIN/shiplog-analyze" --store s --print alerts
st "$BIN/shiplog-analyze" --store s --print alert_precision
# the sample, against pandas (scripts/ref-alerts.py, committed under data/ref/)
st "$BIN/shiplog-ingest" -q --store sample "$E2E_ROOT"/data/sample/*.csv.gz
st "$BIN/shiplog-analyze" --store sample --print alert_precision >ap.csv
must "ap.csv against ref/alert_precision_all.csv" /usr/bin/python3 "$E2E_ROOT/tests/e2e/cmp-csv.py" ap.csv "$E2E_DATA/ref/alert_precision_all.csv"
