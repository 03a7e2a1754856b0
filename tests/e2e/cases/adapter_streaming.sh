# The API reader streams every shape an export comes in: JSON Lines,
# pretty-printed API pages ({"total_count":..,"workflow_runs":[..]}) as
# `gh api --paginate` writes them, the same pages concatenated without a
# newline, and one top-level array.  Each must store the same 97 runs as
# the JSON Lines file (scripts/ref-adapters.py's numbers).
. "$E2E_ROOT/tests/e2e/adapters.sh"
/usr/bin/python3 - "$E2E_DATA/realdata/github-actions/runs-ants.jsonl.gz" <<'PY'
import gzip, json, sys
runs = [json.loads(l) for l in gzip.open(sys.argv[1], "rt")]
pages = [runs[i:i + 30] for i in range(0, len(runs), 30)]
with open("pretty.json", "w") as f:
    for p in pages:
        f.write(json.dumps({"total_count": len(runs), "workflow_runs": p}, indent=2) + "\n")
with open("concat.json", "w") as f:
    for p in pages:
        f.write(json.dumps({"total_count": len(runs), "workflow_runs": p}, separators=(",", ":")))
with open("array.json", "w") as f:
    json.dump(runs, f, indent=1)
PY
for shape in pretty concat array; do
	"$BIN/shiplog-ingest" --store "s_$shape" --format github-runs "$shape.json" 2>err.txt
	echo "$shape: exit=$?"
	norm <err.txt
	"$BIN/shiplog-ingest" --store "s_$shape" --dump pipeline_runs |
		/usr/bin/python3 "$E2E_ROOT/tests/e2e/adapter-summary.py" pipeline_runs 97 0 >sum.txt
	must "$shape against the JSON Lines numbers" diff sum.txt "$E2E_DATA/ref/adapters/github_runs.txt" &&
		echo "$shape: equals the JSON Lines numbers"
done
echo "--- gzip of the concatenated pages, from standard input"
gzip -c concat.json | "$BIN/shiplog-ingest" --store s_stdin --format github-runs - 2>err.txt
echo "exit=$?"
norm <err.txt
