# The features, anomalies and patterns as a map and a reduce
# (docs/SCALING.md): the reduce's file must equal, byte for byte, one run
# with the same --only (features, or dora,features; and both without
# --only).  The second pass's partials carry their days' deployments, the
# reduce gathers them in frame order and runs the isolation forest and
# DBSCAN over them all.  N = 1, 3, 4 and 7 tasks over 30 days (the days
# do not divide evenly), a zone whose days the tasks' edges fall inside,
# and --env.
st "$BIN/shiplog-ingest" -q --store s "$E2E_ROOT"/data/sample/*.csv.gz
W="--since 30d --now 2026-10-30"
st "$BIN/shiplog-analyze" --store s $W --only features -o one.msgpack
for n in 1 3 4 7; do
	st mapreduce $n red-$n.msgpack $W --only features
	must "N=$n: the reduce's file is the single run's" cmp one.msgpack red-$n.msgpack
done
st "$BIN/shiplog-analyze" --store s $W --only dora,features -o one-df.msgpack
st mapreduce 4 red-df.msgpack $W --only dora,features
must "dora,features, N=4" cmp one-df.msgpack red-df.msgpack
# without --only the map and reduce compute all they cover, pipelines too
st "$BIN/shiplog-analyze" --store s $W --only dora,features,pipelines -o one-all.msgpack 2>/dev/null
st mapreduce 3 red-all.msgpack $W 2>/dev/null
must "no --only: dora, features and pipelines, N=3" cmp one-all.msgpack red-all.msgpack
Z="--since 45d --now 2026-10-30T13:17:00Z --tz America/New_York --only features"
st "$BIN/shiplog-analyze" --store s $Z -o one-z.msgpack
st mapreduce 4 red-z.msgpack $Z
must "a zone's days, N=4" cmp one-z.msgpack red-z.msgpack
E="--since 30d --now 2026-10-30 --env production --only dora,features"
st "$BIN/shiplog-analyze" --store s $E -o one-e.msgpack
st mapreduce 3 red-e.msgpack $E
must "--env production, N=3" cmp one-e.msgpack red-e.msgpack
# the tables themselves, for the golden file
"$BIN/shiplog-report" red-4.msgpack --csv-dir csv >/dev/null 2>&1
for t in anomaly_summary clusters; do
	echo "--- $t"
	cat csv/$t.csv
done
for t in features anomalies patterns; do
	echo "$t $(wc -l <csv/$t.csv)"
done
# the partials of the last run (N=3, --env production, dora,features):
# the first pass carries nothing of
# the features, the second its days' deployments and their names
for f in p1-0 p1-1 p1-2 p2-0 p2-1 p2-2; do
	echo "$f $(/usr/bin/python3 "$E2E_ROOT/scripts/analysis-read.py" $f.msgpack)"
done

# what the reduce refuses, naming the partial: partials of another
# --only, and of another seed (the forest's sample is drawn by it)
mapreduce 3 x.msgpack $W --only dora
mv p2-0.msgpack q-0.msgpack
W="$W --only features"
mapreduce 3 x.msgpack $W
st "$BIN/shiplog-analyze" --reduce $W -o x.msgpack q-0.msgpack p2-1.msgpack p2-2.msgpack
st "$BIN/shiplog-analyze" --reduce $W --only dora,features -o x.msgpack p2-*.msgpack
st "$BIN/shiplog-analyze" --reduce $W --seed 7 -o x.msgpack p2-*.msgpack
# misuse
st "$BIN/shiplog-analyze" --store s $W --map 0/3 --only features,canary -o x.msgpack
st "$BIN/shiplog-analyze" --reduce $W --only featur -o x.msgpack p2-*.msgpack
