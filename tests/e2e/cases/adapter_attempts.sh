# Real CI exports as their users mean them (edited realdata, DevLake's
# fixtures: tests/e2e/data/realdata/edited/, made by
# scripts/make-edited-fixtures.py).
#
# 1. GitHub run Tests #75 failed in attempt 1 (the day-1 export) and passed
#    in attempt 2 (the day-2 export); Tests #72 is in both exports.  The
#    latest attempt wins whatever the order and split of the files: the
#    stores (dumped, sorted) and the analysis files are the same, and the
#    run counts as a success; attempt 1 stays, flagged superseded.
# 2. The run's jobs (their run id, their workflow's name) meet the run
#    under one pipeline and execution: the pipeline has stages.  Jenkins
#    builds named "a » b » c" meet their stages, whose links say a/b/c.
# 3. Stages are their names: wfapi's node ids change from build to build,
#    and the six "Hello" runs of pipeline-test2 are one stage.
# 4. Jobs stored as pipeline runs under their run id collide: warned and
#    counted, never silent.
# 5. A GitLab pipeline cancelled before it started has no end and no
#    duration; its start is its creation.
R="$E2E_DATA/realdata/edited"
I="$BIN/shiplog-ingest"
A="--now 2022-07-02 --since 30d --only pipelines"
$I -q --store a --format github-runs "$R/gh-runs-day1.jsonl"
$I -q --store a --format github-jobs "$R/gh-jobs-day1.jsonl"
$I -q --store a --format github-runs "$R/gh-runs-day2.jsonl"
$I -q --store a --format github-jobs "$R/gh-jobs-day2.jsonl"
$I -q --store b --format github-runs "$R/gh-runs-day2.jsonl"
$I -q --store b --format github-jobs "$R/gh-jobs-day2.jsonl"
$I -q --store b --format github-runs "$R/gh-runs-day1.jsonl"
$I -q --store b --format github-jobs "$R/gh-jobs-day1.jsonl"
$I --store c --format github-runs "$R/gh-runs-day1.jsonl" "$R/gh-runs-day2.jsonl" 2>&1 |
	norm
$I -q --store c --format github-jobs "$R/gh-jobs-day2.jsonl" "$R/gh-jobs-day1.jsonl"
$I -q --store d --format github-runs "$R/gh-runs-day2.jsonl" "$R/gh-runs-day1.jsonl"
$I -q --store d --format github-jobs "$R/gh-jobs-day1.jsonl" "$R/gh-jobs-day2.jsonl"
for s in a b c d; do
	for k in pipeline_runs stage_runs; do
		$I --store $s --dump $k | sort >$s.$k.csv
	done
	"$BIN/shiplog-analyze" --store $s $A -o $s.msgpack 2>/dev/null
done
for s in b c d; do
	for k in pipeline_runs stage_runs; do
		cmp -s a.$k.csv $s.$k.csv && echo "$s $k: the same as a" ||
			echo "$s $k: DIFFERS from a"
	done
	cmp -s a.msgpack $s.msgpack && echo "$s analysis: the same as a" ||
		echo "$s analysis: DIFFERS from a"
done
echo "--- 1. Tests #75 (run id 2589885628): execution, status, attempt, superseded"
cut -d, -f1,3,9,12,13 a.pipeline_runs.csv | grep 2589885628
echo "--- 2. the pipelines, their runs and stages"
"$BIN/shiplog-analyze" --store a $A --print pipelines 2>/dev/null | cut -d, -f1-6,10
"$BIN/shiplog-analyze" --store a $A --print stages 2>/dev/null | cut -d, -f1-8
echo "--- 2. Jenkins builds and their stages"
$I -q --store j --format jenkins-builds "$E2E_DATA/realdata/jenkins/builds.jsonl"
$I -q --store j --format jenkins-stages "$R/jenkins-stages-devlake.jsonl"
"$BIN/shiplog-analyze" --store j --now 2022-05-01 --since 60d --only pipelines \
	--print pipelines 2>/dev/null | cut -d, -f1-6,10
echo "--- 3. stage runs by stage (wfapi node ids in source_id)"
$I -q --store k --format jenkins-stages "$E2E_DATA/realdata/jenkins/stages.jsonl"
$I --store k --dump stage_runs | sed 1d | cut -d, -f1,3 | sort | uniq -c
$I --store k --dump stage_runs | sed 1d | grep '^pipeline-test2,' | cut -d, -f2,3,15 | sort
echo "--- 4. 95 jobs stored as pipeline runs by their run id"
/usr/bin/python3 - "$E2E_DATA/realdata/github-actions/jobs-ants.jsonl.gz" >jobs.csv <<'PY'
import gzip, json, sys
print("pipeline_id,pipeline_name,execution_number,start_time,end_time,status")
for line in gzip.open(sys.argv[1], "rt"):
    j = json.loads(line)
    print('panjf2000/ants,"%s",%d,%s,%s,%s' % (j["name"], j["run_id"], j["started_at"],
                                             j["completed_at"], j["conclusion"]))
PY
$I --store m jobs.csv 2>&1 | norm
echo "pipeline runs counted: $("$BIN/shiplog-analyze" --store m --now 2021-05-01 --since 90d \
	--only pipelines --print pipelines 2>/dev/null | sed 1d | cut -d, -f2)"
echo "--- 5. GitLab pipelines cancelled before they started"
$I -q --store g --format gitlab-pipelines "$R/gitlab-never-started.jsonl"
$I --store g --dump pipeline_runs | cut -d, -f3,6-9 | grep -E 'execution|,cancelled'
"$BIN/shiplog-analyze" --store g --now 2023-11-22 --since 7d --only pipelines \
	--print pipelines 2>/dev/null | cut -d, -f1-7
