# --map: a TravisTorrent-shaped job table (CSV) and a home-grown deploy log
# (JSON Lines) through the example maps of data/maps/: renamed columns,
# constants, value maps, a strptime pattern, epoch seconds, a duration in
# seconds; unused columns in metadata; bad rows rejected with their line.
"$BIN/shiplog-ingest" --store s --map "$E2E_ROOT/data/maps/travistorrent-jobs.map" \
	"$E2E_DATA/maps/travistorrent-sample.csv" 2>err.txt
echo "exit=$?"
norm <err.txt
"$BIN/shiplog-ingest" --store s --dump stage_runs
rejects s
"$BIN/shiplog-ingest" --store d --map "$E2E_ROOT/data/maps/deploy-log.map" \
	"$E2E_DATA/maps/deploy-log.jsonl" 2>err.txt
echo "exit=$?"
norm <err.txt
"$BIN/shiplog-ingest" --store d --dump deployments | cut -d, -f1-9,28-33
rejects d
echo "--- bad maps"
printf 'kind = stage_runs\nstage_id <- a\nvalue status passed success\n' >bad1.map
"$BIN/shiplog-ingest" --store x --map bad1.map "$E2E_DATA/maps/travistorrent-sample.csv"
echo "exit=$?"
printf 'stage_id <- a\n' >bad2.map
"$BIN/shiplog-ingest" --store x --map bad2.map "$E2E_DATA/maps/travistorrent-sample.csv"
echo "exit=$?"
printf 'kind = stage_runs\nbogus <- a\n' >bad3.map
"$BIN/shiplog-ingest" --store x --map bad3.map "$E2E_DATA/maps/travistorrent-sample.csv"
echo "exit=$?"
printf 'kind = stage_runs\ntime status epoch_s\n' >bad4.map
"$BIN/shiplog-ingest" --store x --map bad4.map "$E2E_DATA/maps/travistorrent-sample.csv"
echo "exit=$?"
printf 'kind = stage_runs\nstage_id <- no_such_column\n' >bad5.map
"$BIN/shiplog-ingest" --store x --map bad5.map "$E2E_DATA/maps/travistorrent-sample.csv"
echo "exit=$?"
"$BIN/shiplog-ingest" --store x --map "$E2E_ROOT/data/maps/deploy-log.map" --kind stage_runs \
	"$E2E_DATA/maps/deploy-log.jsonl"
echo "exit=$?"
test -e x && echo "x exists" || echo "nothing was created"
