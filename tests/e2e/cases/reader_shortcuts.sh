# The CSV reader's shortcuts (plain lines split without libcsv, metadata
# put in its stored form by the reader, a string the same as in the row
# before taking that row's dictionary code) change nothing in the store:
# every partition file is byte for byte what SHIPLOG_CSV_SHORTCUTS=0 (all
# of them off) writes.  Small buffers, so that partitions are spilled and
# their dictionaries start again between rows of equal strings; rows of
# equal strings that go to other days, rejects (before or after their
# strings are stored) and a row of another width between them, and more
# rows than a hand-over batch.
"$BIN/shiplog-gen" --seed 11 --deployments 3000 --pipeline-runs 600 --days 4 \
	--kinds deployments,stage_runs,pipeline_runs -o gen >/dev/null
/usr/bin/python3 - <<'PY'
import random
random.seed(5)
with open("mixed.csv", "w") as out:
    out.write("pipeline_id,execution_number,stage_id,stage_name,stage_type,status,"
              "start_time,end_time,metadata\n")
    for i in range(5000):
        day = random.choice((1, 1, 1, 2, 3))
        pipe = random.choice(("build-api", "build-api", "deploy-web", "Build-API "))
        status = random.choice(("success", "SUCCESS", "passed", "failed", "Success "))
        meta = random.choice(('', '"{""b"":1,""a"":2}"', '"{""a"":2,""b"":1}"', 'x'))
        line = "%s,%d,s%d,Stage %d,%s,%s,2026-04-%02dT10:00:00Z,2026-04-%02dT10:05:00Z,%s\n" % (
            pipe, i // 7, i % 3, i % 3, random.choice(("build", "test", "Build")), status,
            day, day, meta)
        r = random.random()
        if r < 0.02:
            line = "%s,oops\n" % pipe          # a row of another width
        elif r < 0.04:
            line = line.replace("success", "bogus-status")  # rejected by the mapper
        elif r < 0.07:
            line = line.replace("T10:00:00Z", "-not-a-time")  # rejected before any value
        out.write(line)
PY
for f in gen/deployments.csv gen/stage_runs.csv gen/pipeline_runs.csv mixed.csv; do
	SHIPLOG_CSV_SHORTCUTS=0 "$BIN/shiplog-ingest" -q --store plain --buffer-rows 1024 "$f"
	"$BIN/shiplog-ingest" -q --store quick --buffer-rows 1024 "$f"
done
echo "files: $(layout plain | wc -l) and $(layout quick | wc -l)"
same=0 differ=0
for f in $(layout plain); do
	if cmp -s "plain/$f" "quick/$f"; then same=$((same + 1)); else differ=$((differ + 1)); echo "DIFFERS: $f"; fi
done
echo "partition files the same: $same, differing: $differ"
cat plain/rejects/*.csv | sort | cksum >plain.rej
cat quick/rejects/*.csv | sort | cksum >quick.rej
must "rejects the same" cmp -s plain.rej quick.rej &&
	echo "rejects the same"
