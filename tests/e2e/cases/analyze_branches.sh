# Per-branch and per-day CI tables (pipeline_branches, pipeline_days) on
# real GitHub Actions runs (realdata, DevLake's fixtures): the branch is
# the run's head_branch.  The executions of each pipeline and branch equal
# the distinct run ids counted here from the JSON (a re-run attempt is one
# execution); the two tables come out the same whether the runs were stored
# in the export's order or reversed and split in two files; a pipeline's
# branches (and its days) add up to its row in the pipelines table.  The
# days are in the --tz zone (no run here starts within two hours of
# midnight UTC, so Europe/Berlin gives the same days: the unit tests hold a
# run across midnight).
F="$E2E_DATA/realdata/github-actions/runs-ants.jsonl.gz"
A="--now 2022-10-01 --from 2021-11-01 --to 2022-10-01 --only pipelines"
"$BIN/shiplog-ingest" -q --store a --format github-runs "$F"
gzip -dc "$F" | sed -n '1!G;h;$p' >rev.jsonl
head -n 50 rev.jsonl >rev1.jsonl
tail -n +51 rev.jsonl >rev2.jsonl
"$BIN/shiplog-ingest" -q --store b --format github-runs rev2.jsonl
"$BIN/shiplog-ingest" -q --store b --format github-runs rev1.jsonl
for s in a b; do
	for t in pipelines pipeline_branches pipeline_days; do
		"$BIN/shiplog-analyze" --store $s $A -o $s.msgpack --print $t >$s.$t.csv 2>/dev/null
	done
	"$BIN/shiplog-analyze" --store $s $A --tz Europe/Berlin -o $s.berlin.msgpack \
		--print pipeline_days >$s.berlin.csv 2>/dev/null
done
for f in msgpack pipeline_branches.csv pipeline_days.csv berlin.msgpack; do
	must "$f: the same in both orders" cmp -s a.$f b.$f && echo "$f: the same in both orders"
done
echo "--- pipeline_branches"
cat a.pipeline_branches.csv
echo "--- pipeline_days (UTC)"
cat a.pipeline_days.csv
must "Europe/Berlin: the same days" cmp -s a.pipeline_days.csv a.berlin.csv &&
	echo "pipeline_days (Europe/Berlin): the same as in UTC"
# executions per pipeline and branch, from the JSON
gzip -dc "$F" | /usr/bin/python3 -c '
import json, sys
runs = {}
for line in sys.stdin:
    j = json.loads(line)
    runs.setdefault((j["repository"]["full_name"] + "/" + j["name"], j["head_branch"]), set()).add(j["id"])
for (p, b) in sorted(runs, key=lambda k: (k[0], k[1].encode())):
    print("%s,%s,%d" % (p, b, len(runs[(p, b)])))
' >ref.csv
must "executions per branch as the JSON's distinct run ids" \
	is "$(sed 1d a.pipeline_branches.csv | cut -d, -f1-3)" "$(cat ref.csv)"
# the branches and the days of a pipeline add up to its row
for t in pipeline_branches pipeline_days berlin; do
	f=a.$t.csv
	[ $t = berlin ] && f=a.berlin.csv
	must "$t: executions add up to pipelines'" is \
		"$(sed 1d $f | awk -F, '{e[$1]+=$3; f[$1]+=$4; s[$1]+=$5; x[$1]+=$6}
			END {for (p in e) print p "," e[p] "," f[p] "," s[p] "," x[p]}' | sort)" \
		"$(sed 1d a.pipelines.csv | cut -d, -f1-5 | sort)"
done
echo "checks done"
