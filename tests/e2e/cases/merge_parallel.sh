# --merge --part K/M and --commit: the merge as M tasks at once over
# ranges of days, then one commit.  M = 1, 2, 3 (and more tasks than days)
# give the rows and the analysis file of one merge and of one ingest, with
# status updates that move a deployment, a pipeline run and a stage run to
# a day of another task, children whose parent is in another task's days
# or nowhere, and children stored undated in the store merged into whose
# parents come with the shards.  A part missing at commit, a shard or the
# store changed since the parts were made, are refused with the store
# unchanged; a commit again and the parts again are no-ops; misuse is said.
"$BIN/shiplog-gen" --seed 3 --deployments 3000 --agents 20 --days 10 -o g >/dev/null
kinds="deployments checkpoints artifacts validations pipeline_runs stage_runs gate_results versions incidents metric_samples"
awk 'NR == 1 || NR % 2 == 0' g/deployments.csv >d0.csv
awk 'NR == 1 || NR % 2 == 1' g/deployments.csv >d1.csv
# rows whose day is decided by another shard's row: x1 holds the first
# state, x2 the later one on another day (d-a and d-c move, d-b's update
# is older and loses; the run p-1/1's second attempt and the stage's end
# move them), x3 the children, two of no parent
mkdir x
cat >x/dep1.csv <<'EOF'
deployment_id,agent_id,environment,phase,start_time,updated_at
d-a,agent-x,production,in_progress,2026-01-02T10:00:00Z,2026-01-02T10:00:00Z
d-b,agent-x,production,in_progress,2026-01-03T10:00:00Z,2026-01-03T10:00:00Z
d-c,agent-y,staging,in_progress,2026-01-09T10:00:00Z,2026-01-09T10:00:00Z
EOF
cat >x/dep2.csv <<'EOF'
deployment_id,agent_id,environment,phase,start_time,updated_at
d-a,agent-x,production,completed,2026-01-08T10:00:00Z,2026-01-08T11:00:00Z
d-b,agent-x,production,failed,2026-01-09T10:00:00Z,2026-01-01T00:00:00Z
d-c,agent-y,staging,completed,2026-01-01T10:00:00Z,2026-01-10T10:00:00Z
EOF
cat >x/run1.csv <<'EOF'
pipeline_id,execution_number,start_time,status,attempt
p-1,1,2026-01-02T09:00:00Z,running,1
EOF
cat >x/run2.csv <<'EOF'
pipeline_id,execution_number,start_time,status,attempt
p-1,1,2026-01-09T09:00:00Z,success,2
EOF
cat >x/stage1.csv <<'EOF'
pipeline_id,execution_number,stage_id,status,start_time,attempt
p-1,1,build,running,2026-01-02T09:01:00Z,1
EOF
cat >x/stage2.csv <<'EOF'
pipeline_id,execution_number,stage_id,status,start_time,attempt
p-1,1,build,success,2026-01-09T09:01:00Z,1
EOF
cat >x/art.csv <<'EOF'
deployment_id,artifact_type,artifact_name
d-a,container,a-image
d-b,container,b-image
d-c,container,c-image
d-none,container,orphan-image
EOF
cat >x/gate.csv <<'EOF'
pipeline_id,execution_number,gate_name,status
p-1,1,coverage,passed
p-none,1,coverage,failed
EOF
"$BIN/shiplog-ingest" -q --store one g/*.csv x/*.csv
ingest -q --store sh0 d0.csv g/checkpoints.csv g/pipeline_runs.csv x/dep1.csv x/run1.csv
ingest -q --store sh1 d1.csv g/artifacts.csv g/validations.csv g/stage_runs.csv x/stage1.csv
ingest -q --store sh2 g/gate_results.csv g/incidents.csv g/metric_samples.csv g/versions.csv
ingest -q --store sh3 x/dep2.csv x/run2.csv x/stage2.csv x/art.csv x/gate.csv
shards="sh0 sh1 sh2 sh3"
"$BIN/shiplog-ingest" -q --store single --merge $shards
# must: store a's rows of every kind and its analysis file equal store b's
same() {
	for k in $kinds; do
		"$BIN/shiplog-ingest" --store "$1" --dump $k | sort >a.txt
		"$BIN/shiplog-ingest" --store "$2" --dump $k | sort >b.txt
		must "$2 = $1: $k" cmp -s a.txt b.txt
	done
	"$BIN/shiplog-analyze" --store "$1" --now 2026-04-01 -o a.msgpack 2>/dev/null
	"$BIN/shiplog-analyze" --store "$2" --now 2026-04-01 -o b.msgpack 2>/dev/null
	must "$2 = $1: analysis file" cmp -s a.msgpack b.msgpack
}
same one single
# the store's partition files, not those waiting in its staging area
visible() {
	layout "$1" | grep -v '^\./\.merge/' | wc -l
}
# the M tasks at once (each one's stderr apart, shown in order), then the commit
parts() {
	_store=$1 _m=$2
	shift 2
	for k in $(seq 0 $((_m - 1))); do
		"$BIN/shiplog-ingest" --store "$_store" --merge --part $k/$_m "$@" 2>part-$k.txt &
	done
	wait
	for k in $(seq 0 $((_m - 1))); do
		norm <part-$k.txt
	done
}
for m in 1 2 3 12; do
	echo "M=$m"
	parts p$m $m $shards
	ingest --store p$m --merge --commit $shards
	same one p$m
	same single p$m
	must "M=$m: no staging left" test ! -e p$m/.merge
done
layout p2 | grep -c msgpack
# the moved rows where one ingest puts them
"$BIN/shiplog-ingest" --store p2 --dump deployments | grep '^d-'
"$BIN/shiplog-ingest" --store p2 --dump artifacts | grep '^d-'
"$BIN/shiplog-ingest" --store p2 --dump pipeline_runs | grep '^p-'
"$BIN/shiplog-ingest" --store p2 --dump stage_runs | grep '^p-'
"$BIN/shiplog-ingest" --store p2 --dump gate_results | grep '^p-'
layout p2 | grep undated
# commit again, and the parts again: nothing to do
ingest --store p2 --merge --commit $shards
parts p2 2 $shards
ingest --store p2 --merge --commit $shards
same one p2

echo "a store with rows: children undated there find their parents in the shards"
"$BIN/shiplog-ingest" -q --store base g/artifacts.csv g/gate_results.csv x/art.csv x/gate.csv
"$BIN/shiplog-ingest" -q --store sA d0.csv g/pipeline_runs.csv g/checkpoints.csv x/dep1.csv x/run1.csv
"$BIN/shiplog-ingest" -q --store sB d1.csv g/stage_runs.csv x/stage1.csv
"$BIN/shiplog-ingest" -q --store sC x/dep2.csv x/run2.csv x/stage2.csv
cp -a base b1
"$BIN/shiplog-ingest" -q --store b1 --merge sA sB sC
cp -a base b3
parts b3 3 sA sB sC
ingest --store b3 --merge --commit sA sB sC
same b1 b3

echo "a part missing"
parts q 2 $shards >/dev/null
rm -r q/.merge/part-1-of-2
before=$(fingerprint q)
ingest --store q --merge --commit $shards
must "missing part: store unchanged" is "$(fingerprint q)" "$before"
must "missing part: no partitions" is "$(visible q)" 0
"$BIN/shiplog-ingest" -q --store q --merge --part 1/2 $shards
ingest --store q --merge --commit $shards
same one q

echo "a shard changed between the parts and the commit"
parts r 2 $shards >/dev/null
head -1 g/incidents.csv >late.csv
echo "inc-late,agent-late,production,2026-01-05T10:00:00Z,,high,," >>late.csv
"$BIN/shiplog-ingest" -q --store sh2 late.csv
ingest --store r --merge --commit $shards
must "changed shard: no partitions" is "$(visible r)" 0
echo "the parts made from other shards"
ingest --store r --merge --commit sh0 sh1 sh2
echo "the store changed between the parts and the commit"
parts s 2 $shards >/dev/null
"$BIN/shiplog-ingest" -q --store s g/versions.csv
before=$(fingerprint s)
ingest --store s --merge --commit $shards
must "changed store: store unchanged" is "$(fingerprint s)" "$before"
echo "no parts at all"
ingest --store t --merge --commit $shards
# misuse
ingest --store x --part 0/2 sh0
ingest --store x --merge --part 2/2 sh0
ingest --store x --merge --part 1 sh0
ingest --store x --merge --part 0/2 --commit sh0
ingest --store x --merge --reprocess --part 0/2 sh0
