# DBSCAN at exactly eps, through shiplog-analyze.  Only latency_change
# varies, so the distance of two deployments is the difference of their
# latency z-scores: a1-a4 are equal, a5 is 0.135 from them, p is far
# out.  eps is set to p's distance from a5, written as the shortest text
# of the difference of the two z-scores the features table gives (the
# same double DBSCAN computes), then a relative 1e-12 less.  A point at
# exactly eps is a neighbour (scikit-learn's rule):
#   min_samples 5: a1-a5 are cores; p, with 2 points in reach, is a
#   border point of their cluster at eps, noise below it.
#   min_samples 6: a5 reaches 6 points (a1-a5 and p) at eps, a core whose
#   cluster takes a1-a4 and p as border points; below eps no one is a core.
{
	echo 'deployment_id,agent_id,environment,phase,start_time,duration_ms,latency_change'
	for i in 1 2 3 4; do echo "a$i,api,production,completed,2026-06-01T1$i:00:00Z,60000,0"; done
	echo 'a5,api,production,completed,2026-06-01T15:00:00Z,60000,0.01'
	echo 'p,api,production,completed,2026-06-01T16:00:00Z,60000,0.2'
} >d.csv
"$BIN/shiplog-ingest" -q --store s d.csv
A="$BIN/shiplog-analyze --store s --now 2026-06-02"
$A --print features | cut -d, -f1,6
eps=$($A --print features | awk -F, '$1 == "a5" { a = $6 } $1 == "p" { p = $6 }
	END { printf "%.17g\n", p - a }')
below=$(awk -v e="$eps" 'BEGIN { printf "%.17g\n", e * (1 - 1e-12) }')
for c in "5 $eps 0,0,0,0,0,0" "5 $below 0,0,0,0,0,-1" \
	"6 $eps 0,0,0,0,0,0" "6 $below -1,-1,-1,-1,-1,-1"; do
	set -- $c
	printf 'patterns.eps = %s\npatterns.min_samples = %s\n' "$2" "$1" >c.conf
	got=$($A --config c.conf --print patterns | awk -F, 'NR > 1 { printf "%s%s", s, $2; s = "," }')
	at=$([ "$2" = "$eps" ] && echo "at eps" || echo "just below eps")
	must "min_samples $1, $at" is "$got" "$3" &&
		echo "min_samples $1, p $at: clusters of a1-a5, p: $got"
done
