# success_change, hand-worked: the window is 2026-06-08 to 06-15, the
# previous one 06-01 to 06-08.  a: 4 of 4 completed before, 2 of 4 now:
# -50 points; b: 1 of 2 before, 2 of 2 now: +50; c has no previous
# deployments, d none now, and e's only deployment now is still rolling
# out: none of the three is listed.  Worst first.
{
	echo "deployment_id,agent_id,environment,phase,start_time"
	for k in 1 2 3 4; do echo "ap$k,a,production,completed,2026-06-0${k}T10:00:00Z"; done
	echo "an1,a,production,completed,2026-06-09T10:00:00Z"
	echo "an2,a,production,failed,2026-06-10T10:00:00Z"
	echo "an3,a,staging,completed,2026-06-11T10:00:00Z"
	echo "an4,a,staging,rolled_back,2026-06-12T10:00:00Z"
	echo "bp1,b,production,completed,2026-06-02T10:00:00Z"
	echo "bp2,b,production,failed,2026-06-03T10:00:00Z"
	echo "bn1,b,production,completed,2026-06-09T11:00:00Z"
	echo "bn2,b,production,completed,2026-06-14T23:59:59Z"
	echo "cn1,c,production,completed,2026-06-09T12:00:00Z"
	echo "dp1,d,production,failed,2026-06-07T12:00:00Z"
	echo "ep1,e,production,completed,2026-06-05T12:00:00Z"
	echo "en1,e,production,rolling_out,2026-06-13T12:00:00Z"
	echo "zz1,b,production,failed,2026-06-15T00:00:00Z"
} >d.csv
st "$BIN/shiplog-ingest" -q --store s d.csv
st "$BIN/shiplog-analyze" --store s --from 2026-06-08 --to 2026-06-15 --only dora \
	--print success_change
# the same rows stored in another order: the same table
{ head -1 d.csv; tail -n +2 d.csv | sort -r; } >r.csv
st "$BIN/shiplog-ingest" -q --store r r.csv
"$BIN/shiplog-analyze" --store r --from 2026-06-08 --to 2026-06-15 --only dora \
	--print success_change >r.out
"$BIN/shiplog-analyze" --store s --from 2026-06-08 --to 2026-06-15 --only dora \
	--print success_change | cmp -s - r.out && echo same
# an open window has no previous one: no rows
st "$BIN/shiplog-analyze" --store s --only dora --print success_change
