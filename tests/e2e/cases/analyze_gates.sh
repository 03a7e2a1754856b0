# Every gate operator at its bound: the evaluate-gate query with values
# just below, at and just above a threshold of 0.8, each verdict checked
# against the operator's meaning (gt: above; gte: at or above; lt: below;
# lte: at or below; eq: within a relative 1e-9, so 0.8 + 5e-10 is equal
# and 0.8 + 2e-9 is not).  Then the gates table's never_fails at
# pipeline.redundant_min_runs: a gate passed in 3 runs never fails from 3
# runs on, not from 4.
cat >g.csv <<'CSV'
pipeline_id,execution_number,stage_id,gate_name,gate_type,metric,operator,threshold,observed,status
app,1,b,g-gt,automated,m,gt,0.8,0.9,passed
app,1,b,g-gte,automated,m,gte,0.8,0.9,passed
app,1,b,g-lt,automated,m,lt,0.8,0.7,passed
app,1,b,g-lte,automated,m,lte,0.8,0.7,passed
app,1,b,g-eq,automated,m,eq,0.8,0.8,passed
app,1,c,solid,automated,m,gte,1,1,passed
app,2,c,solid,automated,m,gte,1,1,passed
app,3,c,solid,automated,m,gte,1,1,passed
CSV
"$BIN/shiplog-ingest" -q --store s g.csv; echo "exit=$?"
A="$BIN/shiplog-analyze --store s --now 2026-06-02"
verdict() { # gate value: the query's passed column
	$A --query evaluate-gate --id "$1" --arg m="$2" | awk -F, 'NR == 2 { print $6 }'
}
for c in "gt 0.79 false" "gt 0.8 false" "gt 0.81 true" \
	"gte 0.79 false" "gte 0.8 true" "gte 0.81 true" \
	"lt 0.79 true" "lt 0.8 false" "lt 0.81 false" \
	"lte 0.79 true" "lte 0.8 true" "lte 0.81 false" \
	"eq 0.79 false" "eq 0.8 true" "eq 0.8000000005 true" "eq 0.800000002 false" \
	"eq 0.81 false"; do
	set -- $c
	got=$(verdict "g-$1" "$2")
	must "$1 $2" is "$got" "$3" && echo "$1 0.8 against $2: $got"
done
for min in 2 3 4; do
	printf 'pipeline.redundant_min_runs = %s\n' $min >c$min.conf
	got=$($A --config c$min.conf --print gates | awk -F, '$1 == "solid" { print $10 }')
	want=true; [ $min -gt 3 ] && want=false
	must "never_fails at $min runs" is "$got" $want && echo "3 runs, at least $min: never_fails $got"
done
