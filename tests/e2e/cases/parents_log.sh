# Gate results read before their pipeline runs, with more pipeline runs
# (6,000) than --buffer-rows 1024 keeps in memory (~4,100): the runs' days
# go to a log on disk and are merged back to route the gate results.  The
# store must be the same as with everything in memory, none undated.
"$BIN/shiplog-gen" --seed 4 --deployments 100 --pipeline-runs 6000 --days 10 \
	--kinds pipeline_runs,gate_results -o gen >/dev/null
ingest -q --store mem gen/gate_results.csv gen/pipeline_runs.csv
ingest -q --store log --buffer-rows 1024 gen/gate_results.csv gen/pipeline_runs.csv
for k in pipeline_runs gate_results; do
	dump mem $k >mem.txt
	dump log $k >log.txt
	must "$k: the same with the log as in memory ($(wc -l <log.txt) lines)" cmp -s mem.txt log.txt &&
		echo "$k: the same with the log as in memory ($(wc -l <log.txt) lines)"
done
ls log/gate_results | grep -c undated || true
