# Every bound is a clear error or a reject with its reason, never
# unbounded memory: a text value over 64 KiB, a record over 16 MiB, more
# than 4096 columns, and an input spanning more than 20,000 partitions.
h=deployment_id,agent_id,environment,phase,start_time
{
	echo "$h"
	echo "d1,a,production,completed,2026-01-01T00:00:00Z"
	printf 'd2,%s,production,completed,2026-01-01T00:00:00Z\n' "$(head -c 70000 /dev/zero | tr '\0' x)"
	# 5 columns, but 400 more fields of 60,000 bytes: a 24 MB record
	f=$(head -c 60000 /dev/zero | tr '\0' y)
	printf 'd3,a,production,completed,2026-01-01T00:00:00Z'
	i=0; while [ $i -lt 400 ]; do printf ',%s' "$f"; i=$((i + 1)); done; echo
	echo "d4,a,production,completed,2026-01-01T00:00:00Z"
} >long.csv
ingest --store s long.csv
cut -c1-100 s/rejects/*.csv
dump s deployments | cut -d, -f1-4
{
	printf '%s' "$h"
	i=0; while [ $i -lt 4100 ]; do printf ',c%d' $i; i=$((i + 1)); done; echo
	echo "d1,a,production,completed,2026-01-01T00:00:00Z"
} >wide.csv
ingest --store w wide.csv
awk 'BEGIN { print "deployment_id,agent_id,environment,phase,start_time";
	for (i = 0; i < 20001; i++) printf "d%d,a,production,completed,%d\n", i, 86400 * i + 36000 }' >days.csv
ingest --store d days.csv
ls d
# an instance count beyond 32 bits is not a fleet: read as unknown, said
{
	echo "$h,target_instances,healthy_instances"
	echo "d1,a,production,completed,2026-01-01T00:00:00Z,4,4"
	echo "d2,a,production,completed,2026-01-01T01:00:00Z,3000000000,3000000000"
	echo "d3,a,production,completed,2026-01-01T02:00:00Z,2147483647,-5"
} >big.csv
ingest --store b big.csv
"$BIN/shiplog-analyze" --store b --now 2026-02-01 --only health --print health_scores |
	cut -d, -f1,6
# a text value of exactly 64 KiB (65,536 bytes) is kept, one byte more is
# rejected
{
	echo "$h"
	printf 'e1,%s,production,completed,2026-01-01T00:00:00Z\n' "$(head -c 65536 /dev/zero | tr '\0' x)"
	printf 'e2,%s,production,completed,2026-01-01T00:00:00Z\n' "$(head -c 65537 /dev/zero | tr '\0' x)"
} >edge.csv
ingest --store e edge.csv
"$BIN/shiplog-ingest" --store e --dump deployments | awk -F, 'NR > 1 { print $1 ": agent_id of " length($2) " bytes" }'
cut -d, -f1-3 e/rejects/*.csv | cut -c1-80
