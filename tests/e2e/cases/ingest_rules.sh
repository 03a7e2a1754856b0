# The ingest's row rules at their bounds (docs/INGEST.md), each checked by
# hand whatever the golden file says:
#   a deployment without duration_ms takes end - start (r1: 90.5 s);
#   an epoch number below 10^11 in magnitude is seconds, from 10^11 on
#   milliseconds, as an integer or with a fraction, in CSV text (r2-r5)
#   and as JSON numbers (j1-j4);
#   end at start is fine (r6, 0 ms), end before start is rejected (r7).
cat >d.csv <<'CSV'
deployment_id,agent_id,environment,phase,start_time,end_time,duration_ms
r1,a,production,completed,2026-06-01T10:00:00Z,2026-06-01T10:01:30.500Z,
r2,a,production,completed,99999999999,,
r3,a,production,completed,100000000000,,
r4,a,production,completed,99999999999.5,,
r5,a,production,completed,100000000000.0,,
r6,a,production,completed,2026-06-01T11:00:00Z,2026-06-01T11:00:00Z,
r7,a,production,completed,2026-06-01T12:00:00Z,2026-06-01T11:59:59.999Z,
CSV
ingest --store s d.csv
"$BIN/shiplog-ingest" --store s --dump deployments >rows.csv
field() { # id column
	awk -F, -v id="$1" -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
		$1 == id { print $c[col] }' rows.csv
}
for c in "r1 duration_ms 90500" "r2 start_time 5138-11-16T09:46:39.000Z" \
	"r3 start_time 1973-03-03T09:46:40.000Z" "r4 start_time 5138-11-16T09:46:39.500Z" \
	"r5 start_time 1973-03-03T09:46:40.000Z" "r6 duration_ms 0"; do
	set -- $c
	got=$(field "$1" "$2")
	must "$1 $2" is "$got" "$3" && echo "$1: $2 $got"
done
got=$(cut -d, -f3 s/rejects/*.csv | sed 1d)
must "r7 rejected" is "$got" '"end_time is before start_time"' && echo "r7: $got"
cat >d.jsonl <<'JSON'
{"deployment_id": "j1", "agent_id": "a", "environment": "production", "phase": "completed", "start_time": 99999999999}
{"deployment_id": "j2", "agent_id": "a", "environment": "production", "phase": "completed", "start_time": 100000000000}
{"deployment_id": "j3", "agent_id": "a", "environment": "production", "phase": "completed", "start_time": 99999999999.5}
{"deployment_id": "j4", "agent_id": "a", "environment": "production", "phase": "completed", "start_time": 100000000000.0}
JSON
ingest --store j d.jsonl
"$BIN/shiplog-ingest" --store j --dump deployments >rows.csv
for c in "j1 start_time 5138-11-16T09:46:39.000Z" "j2 start_time 1973-03-03T09:46:40.000Z" \
	"j3 start_time 5138-11-16T09:46:39.500Z" "j4 start_time 1973-03-03T09:46:40.000Z"; do
	set -- $c
	got=$(field "$1" "$2")
	must "$1 $2" is "$got" "$3" && echo "$1: $2 $got"
done
