# The tiers and targets of data/analyze.conf at their bounds.  Each value
# the sample gives is read back (it prints as the shortest text that
# reads back to the same double) and each bound is set to it, then just
# above and just below it (a relative 1e-12 away), through --config:
#   DORA: higher is better for the deployment frequency (a value at or
#   above a bound earns its tier), lower for the others (at or below);
#   the three bounds (elite, high, medium) are tried one at a time, the
#   others set far away (x2, x4) so that only the one tried decides.
#   Scorecard: ">" and "<" targets are missed at the bound, ">=" is met.
# Only verdicts are printed: the values are other cases' business.
"$BIN/shiplog-ingest" -q --store s "$E2E_ROOT"/data/sample/*.csv.gz
A="$BIN/shiplog-analyze --store s --now 2026-11-01"
near() { # value up|down|at: the bound a relative 1e-12 above or below it
	awk -v v="$1" -v d="$2" 'BEGIN {
		e = v == 0 ? 1e-12 : (v < 0 ? -v : v) * 1e-12
		printf "%.17g\n", d == "up" ? v + e : d == "down" ? v - e : v }'
}
$A --only dora --print dora >dora.csv
tiers="elite high medium low"
for metric in deployment_frequency lead_time_for_changes change_failure_rate \
	failed_deployment_recovery_time; do
	v=$(awk -F, -v m=$metric '$1 == m { print $2 }' dora.csv)
	for k in 1 2 3; do
		for pos in down at up; do
			b=$(near "$v" $pos)
			if [ $metric = deployment_frequency ]; then # descending bounds
				set -- "$(near "$(awk -v v="$v" 'BEGIN { printf "%.17g", 4 * v }')" at)" \
					"$(awk -v v="$v" 'BEGIN { printf "%.17g", 2 * v }')" \
					"$(awk -v v="$v" 'BEGIN { printf "%.17g", v / 2 }')" \
					"$(awk -v v="$v" 'BEGIN { printf "%.17g", v / 4 }')"
				bounds=$(case $k in 1) echo "$b $3 $4" ;; 2) echo "$2 $b $3" ;;
					3) echo "$1 $2 $b" ;; esac)
				# at or above the bound: tier k; below it (bound up): the next
				want=$(echo $tiers | cut -d' ' -f$([ $pos = up ] && echo $((k + 1)) || echo $k))
			else
				set -- "$(awk -v v="$v" 'BEGIN { printf "%.17g", v / 4 }')" \
					"$(awk -v v="$v" 'BEGIN { printf "%.17g", v / 2 }')" \
					"$(awk -v v="$v" 'BEGIN { printf "%.17g", 2 * v }')" \
					"$(awk -v v="$v" 'BEGIN { printf "%.17g", 4 * v }')"
				bounds=$(case $k in 1) echo "$b $3 $4" ;; 2) echo "$2 $b $3" ;;
					3) echo "$1 $2 $b" ;; esac)
				want=$(echo $tiers | cut -d' ' -f$([ $pos = down ] && echo $((k + 1)) || echo $k))
			fi
			printf 'dora.%s = %s\n' $metric "$bounds" >t.conf
			got=$($A --only dora --config t.conf --print dora | awk -F, -v m=$metric '$1 == m { print $4 }')
			bound=$(echo $tiers | cut -d' ' -f$k)
			must "$metric: $bound bound $pos" is "$got" "$want" &&
				echo "$metric, the $bound bound $pos the value: $got"
		done
	done
done
$A --print scorecard >sc.csv 2>/dev/null
while IFS=, read -r metric v unit target rest; do
	[ "$metric" = metric ] && continue
	op=${target%% *}
	key=$metric
	[ -n "$v" ] || { echo "$metric: no value in the sample"; continue; }
	for pos in down at up; do
		printf 'scorecard.%s = %s\n' $key "$(near "$v" $pos)" >t.conf
		got=$($A --config t.conf --print scorecard 2>/dev/null | awk -F, -v m=$metric '$1 == m { print $6 }')
		case $op$pos in
		">down" | ">=down" | ">=at" | "<up") want=true ;;
		*) want=false ;;
		esac
		must "$metric $op bound $pos" is "$got" $want &&
			echo "$metric $op, the bound $pos the value: met $got"
	done
done <sc.csv
# Edges by hand.  z1 and z2 took 0 ms (their group's median is 0): speed
# 1, not 0/0.  z3 is rolling out to a target of 0 instances: no progress
# (not 1/0); z5 to 2 instances with none known deployed: no progress.  A window from z2's start counts z2 (windows are [from, to)).
# z4 failed and its checkpoint failed at its very start: detected after 0 s
# (a sign before the start would not count).
cat >e.csv <<'CSV'
deployment_id,agent_id,environment,phase,start_time,end_time,duration_ms,target_instances,deployed_instances
z1,a,production,completed,2026-06-01T10:00:00Z,2026-06-01T10:00:00Z,0,2,2
z2,a,production,completed,2026-06-01T11:00:00Z,2026-06-01T11:00:00Z,0,2,2
z3,a,production,rolling_out,2026-06-01T12:00:00Z,,,0,1
z4,b,staging,failed,2026-06-01T13:00:00Z,2026-06-01T13:05:00Z,300000,,
z5,b,production,rolling_out,2026-06-01T14:00:00Z,,,2,
CSV
cat >c.csv <<'CSV'
deployment_id,checkpoint_name,checkpoint_type,status,timestamp
z4,deploy,deploy,failed,2026-06-01T13:00:00Z
CSV
"$BIN/shiplog-ingest" -q --store e e.csv c.csv
E="$BIN/shiplog-analyze --store e --now 2026-06-02"
got=$($E --print health_scores | awk -F, '$1 == "z1" { print $10 }')
must "speed of a 0 ms deployment" is "$got" 1 && echo "z1 (0 ms, median 0): speed $got"
got=$($E --print active_deployments | awk -F, '$1 == "z3" { print $8 "/" $9 "=" $10 }')
must "progress with no target" is "$got" "1/0=" && echo "z3: progress of $got (null)"
got=$($E --print active_deployments | awk -F, '$1 == "z5" { print $8 "/" $9 "=" $10 }')
must "progress with no deployed count" is "$got" "/2=" && echo "z5: progress of $got (null)"
got=$($E --from 2026-06-01T11:00:00Z --print summary | awk -F, '$1 == "overall" { print $3 }')
must "a window from a start" is "$got" 4 && echo "from z2's start: $got deployments"
got=$($E --print scorecard | awk -F, '$1 == "detection_time" { print $2 " ms, " $5 " sample" }')
must "detection at the start" is "$got" "0 ms, 1 sample" && echo "z4: detected after $got"
# Versions.  versions.alpha at the sample's first failure and latency
# regressions' p-values: a regression needs p below alpha.
$A --only versions --print regressions >reg.csv
for c in "failure 10 16" "latency 15 17"; do
	set -- $c
	key=$(awk -F, -v f=$3 '$f == "true" { print $1 "," $2; exit }' reg.csv)
	pv=$(awk -F, -v f=$3 -v p=$2 '$f == "true" { print $p; exit }' reg.csv)
	for pos in down at up; do
		printf 'versions.alpha = %s\n' "$(near "$pv" $pos)" >t.conf
		got=$($A --only versions --config t.conf --print regressions |
			awk -F, -v k="$key" -v f=$3 '$1 "," $2 == k { print $f }')
		want=false; [ $pos = up ] && want=true
		must "$1 regression, alpha $pos p" is "$got" $want &&
			echo "$1 regression of the first flagged version, alpha $pos its p-value: $got"
	done
done
# Adoption by hand (as in analyze_versions): 1.1.0 reaches 5 groups' g1
# after 1 h, g2 3 h, g3 10 h, g4 30 h, never g5.  versions.adoption_hours:
# 80% after exactly 30 h is within 30 hours, not within 30 - 1e-10.
# versions.adoption_share: 3 of 5 groups reach a mark of 0.6 after 10 h;
# a mark 1e-6 above it takes the 4th group (30 h).
cat >v.csv <<'CSV'
deployment_id,agent_id,environment,version,phase,start_time,end_time,target_group
b1,svc,production,1.1.0,completed,2026-06-05T00:00:00Z,2026-06-05T01:00:00Z,g1
b2,svc,production,1.1.0,completed,2026-06-05T02:00:00Z,2026-06-05T03:00:00Z,g2
b3,svc,production,1.1.0,completed,2026-06-05T09:00:00Z,2026-06-05T10:00:00Z,g3
b5,svc,production,1.1.0,failed,2026-06-05T12:00:00Z,2026-06-05T12:30:00Z,g5
b4,svc,production,1.1.0,completed,2026-06-06T05:00:00Z,2026-06-06T06:00:00Z,g4
CSV
"$BIN/shiplog-ingest" -q --store v v.csv
for c in "adoption_hours 30 within 30 true" "adoption_hours 29.9999999999 within 30 false" \
	"adoption_share 0.6 t80 10 true" "adoption_share 0.599999 t80 10 true" \
	"adoption_share 0.600001 t80 30 true"; do
	set -- $c
	printf 'versions.%s = %s\n' $1 $2 >t.conf
	got=$("$BIN/shiplog-analyze" --store v --now 2026-06-20 --config t.conf --print adoption |
		awk -F, '$3 == "1.1.0" { print $14 " " $15 }')
	must "versions.$1 = $2" is "$got" "$4 $5" &&
		echo "versions.$1 = $2: 80% after $4 h, within: $5"
done
# 25 groups reached one an hour (the k-th group after k h) and a mark of
# 0.28: 0.28 x 25 is 7.000000000000001 in doubles, yet 7 groups make the
# mark (after 7 h), not 8.
{
	echo 'deployment_id,agent_id,environment,version,phase,start_time,end_time,target_group'
	for k in $(seq 1 25); do
		printf 'w%02d,wide,production,1.0,completed,2026-06-01T00:00:00Z,%s,g%02d\n' $k \
			"$(date -u -d "2026-06-01 00:00 UTC + $k hours" +%Y-%m-%dT%H:%M:%SZ)" $k
	done
} >w.csv
"$BIN/shiplog-ingest" -q --store w w.csv
printf 'versions.adoption_share = 0.28\n' >t.conf
got=$("$BIN/shiplog-analyze" --store w --now 2026-06-20 --config t.conf --print adoption |
	awk -F, '$1 == "wide" { print $14 }')
must "a mark of 0.28 of 25 groups" is "$got" 7 && echo "0.28 of 25 groups: after $got h"
