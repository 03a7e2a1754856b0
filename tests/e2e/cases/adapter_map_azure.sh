# --map over an export as it comes (docs/ADAPTERS.md's worked example):
# Azure DevOps builds, one "Builds - List" object a line, written by hand
# from the API's field names.  Paths into nested objects and an array
# (definition.name, requestedFor.uniqueName, plans.0.planId), a fallback
# (startTime | queueTime), status from two fields (status + result) through
# value maps, a value map on a nested value (queue.pool.name), a text build
# number as a stable ordinal (the same in any order and split), 'keep'.
map="$E2E_ROOT/data/maps/azure-devops-builds.map"
az="$E2E_DATA/maps/azure-devops-builds.jsonl"
ingest --store s --map "$map" "$az"
dump s pipeline_runs
rejects s | sed "s#$E2E_DATA#DATA#g" | cut -c1-120 # the same width from any checkout
echo "--- the same rows reversed, and split in two runs"
tac "$az" >rev.jsonl
ingest --store r --map "$map" rev.jsonl
head -4 "$az" >a.jsonl
tail -n +5 "$az" >b.jsonl
ingest --store p --map "$map" b.jsonl
ingest --store p --map "$map" a.jsonl
"$BIN/shiplog-ingest" --store s --dump pipeline_runs | sort >s.csv
"$BIN/shiplog-ingest" --store r --dump pipeline_runs | sort >r.csv
"$BIN/shiplog-ingest" --store p --dump pipeline_runs | sort >p.csv
wc -l <s.csv
cmp s.csv r.csv && cmp s.csv p.csv && echo "same rows, same ordinals"
echo "--- a mapped key no record has (Bamboo's plan.key): an error naming it"
sed 's/^pipeline_id .*/pipeline_id <- plan.key/' "$map" >bamboo.map
ingest --store x --map bamboo.map "$az"
sed 's/^start_time .*/start_time <- started_at | created_at/' "$map" >gh.map
ingest --store x --map gh.map "$az"
sed 's/^keep .*/keep sourceBranch no.such.key/' "$map" >keep.map
ingest --store x --map keep.map "$az"
echo "--- each on its own, in the syntax of maps before paths"
printf 'kind = pipeline_runs\npipeline_id <- definition.name\nexecution_number <- id\n' >nested.map
printf 'status <- result\nstart_time <- queueTime\nvalue status succeeded -> success\n' >>nested.map
ingest --store n --map nested.map "$az"
dump n pipeline_runs | cut -d, -f1-3,9
sed 's/definition.name/plan.key/' nested.map >plan.map
ingest --store x --map plan.map "$az"
{
	echo "id,pipeline,state,queued,notes"
	echo "1,web,success,2024-03-01T10:00:00Z,short"
	printf '2,web,running,2024-03-01T11:00:00Z,'
	head -c 300000 /dev/zero | tr '\0' n
	echo
} >huge.csv
printf 'kind = pipeline_runs\npipeline_id <- pipeline\nexecution_number <- id\n' >huge.map
printf 'status <- state\nstart_time <- queued\n' >>huge.map
ingest --store h --map huge.map huge.csv
dump h pipeline_runs | cut -d, -f1-3,9,11
echo "--- CSV: fallback, pair, ordinal, a huge cell in a column the map does not use"
{
	echo "run,pipeline,state,result,started,queued,notes"
	echo "123-4,web,completed,succeeded,2024-03-01T10:00:00Z,2024-03-01T09:59:00Z,short"
	printf '123-5,web,inProgress,,,2024-03-01T11:00:00Z,'
	head -c 300000 /dev/zero | tr '\0' n
	echo
} >runs.csv
cat >runs.map <<'MAP'
kind = pipeline_runs
pipeline_id      <- pipeline
execution_number <- run
ordinal execution_number
start_time       <- started | queued
status           <- state + result
value status "completed succeeded" -> success
value status inProgress            -> running
MAP
ingest --store c --map runs.map runs.csv
dump c pipeline_runs
sed 's/queued/queued_at/' runs.map >runs2.map
sed -i 's/^start_time .*/start_time <- begun | queued_at/' runs2.map
ingest --store y --map runs2.map runs.csv
