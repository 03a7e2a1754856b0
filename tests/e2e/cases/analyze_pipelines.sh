# Pipelines, hand-worked.  "app": a -> {b, c} -> d; medians a 60 s, b 120 s,
# c 30 s, d 60 s, so the critical path is a > b > d = 240 s.  Executions 1
# and 3 ran b and c one after another (270 s), execution 2 side by side
# (240 s): the lower median run takes 270 s, efficiency 240/270 = 0.889; b|c
# is a parallel opportunity in 2 of 3 runs saving min(120, 30) = 30 s, so
# the potential is max(240, 270 - 30) = 240 s (efficiency 1, 30 s saved).
# c failed once and passed on retry (failure rate 1/4, p50 of 10, 30, 30,
# 30 = 30 s).  Timeouts: a 1000 s is over 10x its p99 (60 s): lower to 90 s;
# d 50 s is below its p99 (60 s): raise to 90 s.  Runs started 10 s before
# their first stage (queue and a's wait 10 s); c waited 0 s (exec 2) and
# 120 s (execs 1, 3): lower median 120 s.  The duration model has only its
# intercept here: the prediction is 240 s x the geometric mean of the run
# durations over the path (270, 240, 270 s) = 259.6 s.
# "loop" has a cycle; "odd" names an unknown stage and has a finished stage
# without an end time: warnings on stderr and in the table, no hang.
cat >p.csv <<'CSV'
pipeline_id,pipeline_name,execution_number,trigger_type,triggered_by,start_time,end_time,duration_ms,status,agent_ids
app,app,1,push,ana,2026-06-01T09:59:50Z,2026-06-01T10:04:30Z,270000,success,svc
app,app,2,push,ana,2026-06-01T10:59:50Z,2026-06-01T11:04:00Z,240000,success,svc
app,app,3,push,ana,2026-06-01T11:59:50Z,2026-06-01T12:04:30Z,270000,success,svc
app,app,4,pull_request,bot,2026-06-01T13:00:00Z,2026-06-01T13:01:00Z,60000,failed,svc
loop,loop,1,push,ana,2026-06-01T10:00:00Z,2026-06-01T10:02:00Z,120000,success,svc
odd,odd,1,manual,ana,2026-06-01T10:00:00Z,,,running,
CSV
cat >s.csv <<'CSV'
pipeline_id,execution_number,stage_id,depends_on,parallel,timeout_s,attempt,status,start_time,end_time,duration_ms
app,1,a,,false,1000,1,success,2026-06-01T10:00:00Z,2026-06-01T10:01:00Z,
app,1,b,a,false,600,1,success,2026-06-01T10:01:00Z,2026-06-01T10:03:00Z,
app,1,c,a,false,600,1,success,2026-06-01T10:03:00Z,2026-06-01T10:03:30Z,
app,1,d,b;c,false,50,1,success,2026-06-01T10:03:30Z,2026-06-01T10:04:30Z,
app,2,a,,true,1000,1,success,2026-06-01T11:00:00Z,2026-06-01T11:01:00Z,
app,2,b,a,true,600,1,success,2026-06-01T11:01:00Z,2026-06-01T11:03:00Z,
app,2,c,a,true,600,1,failed,2026-06-01T11:01:00Z,2026-06-01T11:01:10Z,
app,2,c,a,true,600,2,success,2026-06-01T11:01:10Z,2026-06-01T11:01:40Z,
app,2,d,b;c,true,50,1,success,2026-06-01T11:03:00Z,2026-06-01T11:04:00Z,
app,3,a,,false,1000,1,success,2026-06-01T12:00:00Z,2026-06-01T12:01:00Z,
app,3,b,a,false,600,1,success,2026-06-01T12:01:00Z,2026-06-01T12:03:00Z,
app,3,c,a,false,600,1,success,2026-06-01T12:03:00Z,2026-06-01T12:03:30Z,
app,3,d,b;c,false,50,1,success,2026-06-01T12:03:30Z,2026-06-01T12:04:30Z,
app,4,a,,false,1000,1,failed,2026-06-01T13:00:00Z,2026-06-01T13:01:00Z,
loop,1,a,b,false,60,1,success,2026-06-01T10:00:00Z,2026-06-01T10:01:00Z,
loop,1,b,a,false,60,1,success,2026-06-01T10:01:00Z,2026-06-01T10:02:00Z,
odd,1,x,ghost,false,60,1,success,2026-06-01T10:00:00Z,2026-06-01T10:01:00Z,
odd,1,y,x,false,60,1,success,2026-06-01T10:01:00Z,,
CSV
cat >g.csv <<'CSV'
pipeline_id,execution_number,stage_id,gate_name,gate_type,metric,operator,threshold,observed,status
app,1,b,coverage-threshold,automated,coverage,gte,0.8,0.85,passed
app,2,b,coverage-threshold,automated,coverage,gte,0.8,0.75,failed
app,3,b,coverage-threshold,automated,coverage,gte,0.8,0.9,passed
app,3,d,soak-time,time_based,soak_minutes,gte,30,45,passed
app,3,b,coverage-threshold,automated,coverage,gte?,0.8,0.9,passed
CSV
"$BIN/shiplog-ingest" -q --store s p.csv s.csv g.csv
A="$BIN/shiplog-analyze --store s --now 2026-06-02"
$A -o a.msgpack --print pipelines; echo "exit=$?"
$A --print stages 2>/dev/null
$A --print pipeline_suggestions 2>/dev/null
$A --print pipeline_factors 2>/dev/null
$A --print gates 2>/dev/null
echo "--- queries"
$A --query pipeline-executions --id app --arg status=success --limit 2; echo "exit=$?"
$A --query pipeline-executions --id app --json --limit 1; echo "exit=$?"
$A --query pipeline-optimization --id app --arg trigger=pull_request --arg hour=2 --arg weekday=sat
echo "exit=$?"
$A --query pipeline-optimization --id nope; echo "exit=$?"
$A --query pipeline-optimization --id app --arg hour=25; echo "exit=$?"
$A --query evaluate-gate --id coverage-threshold --arg coverage=0.82; echo "exit=$?"
$A --query evaluate-gate --id coverage-threshold --arg coverage=0.5; echo "exit=$?"
$A --query evaluate-gate --id soak-time --arg soak_minutes=40 --arg duration=30 --arg held=20
echo "exit=$?"
$A --query evaluate-gate --id soak-time; echo "exit=$?"
$A --query evaluate-gate --id nope --arg x=1; echo "exit=$?"
$A --query evaluate-gate; echo "exit=$?"
echo "--- the sample against pandas (scripts/ref-stages.py, committed under data/ref/)"
"$BIN/shiplog-ingest" -q --store sample "$E2E_ROOT"/data/sample/*.csv.gz
S="$BIN/shiplog-analyze --store sample --now 2026-11-01"
{
	echo stages
	$S --print stages 2>/dev/null | cut -d, -f1-12
	echo pipelines
	$S --print pipelines 2>/dev/null | cut -d, -f1-8
} >st.txt
must "stages and pipelines against pandas" cmp st.txt "$E2E_DATA/ref/stages_pipelines_all.txt" &&
	echo "stages and pipelines: same"
