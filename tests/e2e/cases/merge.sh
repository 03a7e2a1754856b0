# --merge: shard stores ingested apart (a deployment's updates in two
# shards, children in another shard than their parents) give, merged, the
# store and the analysis file one ingest of every input gives; a merge
# again is a no-op; a shard that grew since is refused (or rebuilt with
# --reprocess); misuse is said.
"$BIN/shiplog-gen" --seed 3 --deployments 3000 --agents 20 --days 10 -o g >/dev/null
kinds="deployments checkpoints artifacts validations pipeline_runs stage_runs gate_results versions incidents metric_samples"
"$BIN/shiplog-ingest" -q --store one g/*.csv
# the deployments' rows alternately into two shards (updates of one
# deployment land in both), children away from their parents
awk 'NR == 1 || NR % 2 == 0' g/deployments.csv >d0.csv
awk 'NR == 1 || NR % 2 == 1' g/deployments.csv >d1.csv
ingest -q --store sh0 d0.csv g/checkpoints.csv g/pipeline_runs.csv
ingest -q --store sh1 d1.csv g/artifacts.csv g/validations.csv g/stage_runs.csv
ingest -q --store sh2 g/gate_results.csv g/incidents.csv g/metric_samples.csv g/versions.csv
ingest --store m --merge sh0 sh1 sh2
same() {
	for k in $kinds; do
		"$BIN/shiplog-ingest" --store "$1" --dump $k | sort >a.txt
		"$BIN/shiplog-ingest" --store "$2" --dump $k | sort >b.txt
		cmp -s a.txt b.txt && echo "$k: same rows" || echo "$k: DIFFERENT ($(wc -l <a.txt) vs $(wc -l <b.txt) lines)"
	done
	"$BIN/shiplog-analyze" --store "$1" --now 2026-04-01 -o a.msgpack 2>/dev/null
	"$BIN/shiplog-analyze" --store "$2" --now 2026-04-01 -o b.msgpack 2>/dev/null
	cmp -s a.msgpack b.msgpack && echo "analysis: same bytes" || echo "analysis: DIFFERENT"
}
same one m
# the shards' inputs are known to the merged store
ingest --store m g/versions.csv
# again: nothing to do
ingest --store m --merge sh0 sh1 sh2
same one m
# a shard that grew since it was merged would bring its rows twice
head -1 g/incidents.csv >late.csv
echo "inc-late,agent-late,production,2026-01-05T10:00:00Z,,high,," >>late.csv
ingest -q --store sh2 late.csv
ingest --store m --merge sh0 sh1 sh2
"$BIN/shiplog-ingest" -q --store one late.csv
ingest --store m --reprocess --merge sh0 sh1 sh2
same one m
# misuse
ingest --store x --merge
ingest --store x --merge --kind deployments sh0
ingest --store x --merge g/versions.csv
ingest --store sh0 --merge sh0 sh1
ingest --store x --merge nowhere
