# The pipeline tables as a map and a reduce (docs/SCALING.md): the
# reduce's file must equal, byte for byte, one run with --only pipelines
# (and with --only dora,pipelines; with no --only, which reduces every
# analysis the map computes, one run with --only dora,features,pipelines).  The sample's generated pipeline runs, stage
# runs and gate results, plus pipeline "edge": its execution 1 starts at
# 23:30 on the last day of the first of 3 tasks and ends in the second
# (the task of its first stage run takes it whole; the second task reads
# the day before its own and leaves it); execution 2 has no stage "lint",
# so with 4 tasks one task's graph lacks build -> lint (the second pass
# goes by the window's graph); a gate result names no pipeline run (a row
# of no day: counted once).  N = 1, 3, 4 and 7 tasks split 30 days
# unevenly; a zone with --now at 13:17 puts the edges inside UTC days.
cat >edge-p.csv <<'CSV'
pipeline_id,pipeline_name,execution_number,trigger_type,triggered_by,start_time,end_time,duration_ms,status,agent_ids
edge,edge,1,push,ana,2026-10-09T23:29:00Z,2026-10-10T00:31:00Z,3720000,success,svc
edge,edge,2,schedule,bot,2026-10-19T12:00:00Z,2026-10-19T12:10:00Z,600000,failed,svc
edge,edge,2,schedule,bot,2026-10-20T12:00:00Z,2026-10-20T12:10:00Z,600000,success,svc
CSV
cat >edge-s.csv <<'CSV'
pipeline_id,execution_number,stage_id,depends_on,parallel,timeout_s,attempt,status,start_time,end_time,duration_ms
edge,1,build,,false,3600,1,success,2026-10-09T23:30:00Z,2026-10-10T00:10:00Z,
edge,1,test,build,false,600,1,success,2026-10-10T00:10:00Z,2026-10-10T00:20:00Z,
edge,1,lint,build,false,600,1,success,2026-10-10T00:20:00Z,2026-10-10T00:30:00Z,
edge,2,build,,false,3600,1,success,2026-10-19T12:00:00Z,2026-10-19T12:05:00Z,
edge,2,test,build,false,600,1,failed,2026-10-19T12:05:00Z,2026-10-19T12:10:00Z,
CSV
cat >edge-g.csv <<'CSV'
pipeline_id,execution_number,stage_id,gate_name,gate_type,metric,operator,threshold,observed,status
edge,1,test,edge-coverage,automated,coverage,gte,0.8,0.9,passed
edge,2,test,edge-coverage,automated,coverage,gte,0.8,0.7,failed
edge,9,test,edge-coverage,automated,coverage,gte,0.8,0.9,passed
CSV
st "$BIN/shiplog-ingest" -q --store s "$E2E_ROOT"/data/sample/*.csv.gz edge-p.csv edge-s.csv \
	edge-g.csv
W="--since 30d --now 2026-10-30"
# the single runs' warnings (names from damaged rows) once, here; the
# reduces' (the same) left out
st "$BIN/shiplog-analyze" --store s $W --only pipelines -o one.msgpack
st "$BIN/shiplog-analyze" --store s $W --only dora,pipelines -o one-dp.msgpack 2>/dev/null
for n in 1 3 4 7; do
	st mapreduce $n red-$n.msgpack $W --only pipelines 2>/dev/null
	must "N=$n: the reduce's pipeline tables are the single run's" cmp one.msgpack red-$n.msgpack
done
st mapreduce 3 red-dp.msgpack $W --only dora,pipelines 2>/dev/null
must "--only dora,pipelines, N=3" cmp one-dp.msgpack red-dp.msgpack
st "$BIN/shiplog-analyze" --store s $W --only dora,features,pipelines -o one-all.msgpack 2>/dev/null
st mapreduce 4 red-all.msgpack $W 2>/dev/null
must "no --only: dora, features and pipelines, N=4" cmp one-all.msgpack red-all.msgpack
Z="--since 45d --now 2026-10-30T13:17:00Z --tz America/New_York"
st "$BIN/shiplog-analyze" --store s $Z --only pipelines -o one-z.msgpack 2>/dev/null
st mapreduce 4 red-z.msgpack $Z --only pipelines 2>/dev/null
must "a zone's days, N=4" cmp one-z.msgpack red-z.msgpack
# the tables of "edge", for the golden file
"$BIN/shiplog-report" red-3.msgpack --csv-dir csv >/dev/null 2>&1
for t in pipelines stages pipeline_branches pipeline_days pipeline_suggestions; do
	echo "--- $t"
	head -1 csv/$t.csv
	grep '^edge,' csv/$t.csv
done
echo "--- gates"
grep '^edge-coverage,' csv/gates.csv
cat csv/pipeline_factors.csv
# the partials of the last run (N=4, the zone): groups and buckets, not rows
for f in p1-0 p1-3 p2-0 p2-3; do
	echo "$f $(/usr/bin/python3 "$E2E_ROOT/scripts/analysis-read.py" $f.msgpack)"
done

# what the map and the reduce refuse
# partials of --only pipelines given to a reduce of --only dora
st "$BIN/shiplog-analyze" --reduce $Z --only dora -o x.msgpack p2-*.msgpack
# an execution whose stage runs are two days apart: no task has it whole
cat >long-s.csv <<'CSV'
pipeline_id,execution_number,stage_id,depends_on,parallel,timeout_s,attempt,status,start_time,end_time,duration_ms
long,1,build,,false,600,1,success,2026-06-01T10:00:00Z,2026-06-01T10:05:00Z,
long,1,approve,build,false,600,1,success,2026-06-03T10:00:00Z,2026-06-03T10:05:00Z,
CSV
st "$BIN/shiplog-ingest" -q --store l long-s.csv
st "$BIN/shiplog-analyze" --store l --since 10d --now 2026-06-08 --only pipelines --map 0/2 \
	-o x.msgpack
# a stage that runs in one task's days only, which another stage depends
# on: in the first task's days deploy has no wait (scan never ended), as
# in one run, though that task's own graph has no scan
cat >rare-s.csv <<'CSV'
pipeline_id,execution_number,stage_id,depends_on,parallel,timeout_s,attempt,status,start_time,end_time,duration_ms
rare,1,build,,false,600,1,success,2026-06-01T10:00:00Z,2026-06-01T10:05:00Z,
rare,1,deploy,build;scan,false,600,1,success,2026-06-01T10:05:00Z,2026-06-01T10:06:00Z,
rare,2,build,,false,600,1,success,2026-06-07T10:00:00Z,2026-06-07T10:05:00Z,
rare,2,scan,,false,600,1,success,2026-06-07T10:00:00Z,2026-06-07T10:04:00Z,
rare,2,deploy,build;scan,false,600,1,success,2026-06-07T10:07:00Z,2026-06-07T10:08:00Z,
CSV
st "$BIN/shiplog-ingest" -q --store r rare-s.csv
R="--since 10d --now 2026-06-08 --only pipelines"
"$BIN/shiplog-analyze" --store r $R -o one-r.msgpack
mv s s.sample
mv r s
st mapreduce 4 red-r.msgpack $R 2>/dev/null
must "a graph seen whole in one task's days only, N=4" cmp one-r.msgpack red-r.msgpack
"$BIN/shiplog-analyze" --reduce $R --ranks x.msgpack p1-*.msgpack 2>/dev/null
echo "the ranks $(/usr/bin/python3 "$E2E_ROOT/scripts/analysis-read.py" x.msgpack)"
"$BIN/shiplog-report" red-r.msgpack --csv-dir csv-r >/dev/null 2>&1
cat csv-r/stages.csv
mv s r
mv s.sample s
# misuse: an analysis the map does not compute
st "$BIN/shiplog-analyze" --store s $W --map 0/3 --only dora,health -o x.msgpack
