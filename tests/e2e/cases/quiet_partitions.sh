# Days that go quiet are written and sealed (footer and trailer) while the
# input is read; a late row for such a day takes the footer back and adds
# a row group.  With --buffer-rows 1024 a day is quiet after 65 rows
# without one, so this input seals most days, reopens many (late rows,
# late status updates that supersede rows of a sealed file) and leaves
# stragglers for the end.  The stored rows must be exactly those of a run
# whose buffers never spill (the default budget is larger than the input),
# and every file must check (python reader, whole-file CRC-32).
"$BIN/shiplog-gen" --seed 3 --deployments 4000 --pipeline-runs 800 --days 30 --updates 0.3 \
	--kinds deployments,stage_runs -o gen >/dev/null
/usr/bin/python3 - <<'PY'
import random
random.seed(7)
for kind in ("stage_runs", "deployments"):
    lines = open("gen/%s.csv" % kind).read().splitlines(keepends=True)
    head, rows = lines[0], lines[1:]
    late = [r for i, r in enumerate(rows) if i < len(rows) // 3 and i % 40 == 0]
    stay = [r for i, r in enumerate(rows) if not (i < len(rows) // 3 and i % 40 == 0)]
    if kind == "deployments":
        # late status updates: the same ids again, later in the file
        late = [r.replace(",completed,", ",rolled_back,") for r in late]
        stay = rows
    for r in late:  # each into the second half, in order of arrival
        stay.insert(random.randrange(len(stay) // 2, len(stay) + 1), r)
    stay += late[:3]  # stragglers at the very end
    open("%s.csv" % kind, "w").write(head + "".join(stay))
PY
for f in stage_runs.csv deployments.csv; do
	"$BIN/shiplog-ingest" -q --store sealed --buffer-rows 1024 "$f"
	"$BIN/shiplog-ingest" -q --store whole "$f"
done
for k in stage_runs deployments; do
	"$BIN/shiplog-ingest" --store sealed --dump "$k" >sealed.$k.csv
	"$BIN/shiplog-ingest" --store whole --dump "$k" >whole.$k.csv
	echo "$k: $(($(wc -l <whole.$k.csv) - 1)) rows, $(layout whole/$k | wc -l) files"
	must "$k: rows the same, in the same order" cmp -s sealed.$k.csv whole.$k.csv &&
		echo "$k: rows the same, in the same order"
done
/usr/bin/python3 - "$E2E_ROOT/scripts/store-read.py" <<'PY'
import glob, json, subprocess, sys
for kind in ("stage_runs", "deployments"):
    counts, bad = {}, 0
    for f in sorted(glob.glob("sealed/%s/*.msgpack" % kind)):
        p = subprocess.run(["/usr/bin/python3", sys.argv[1], "--verify", "--json", f],
                           capture_output=True, text=True)
        if p.returncode:
            bad += 1
            continue
        n = len(json.loads(p.stdout.splitlines()[0])["groups"])
        counts[n] = counts.get(n, 0) + 1
    print("%s: files by row groups %s, failing the check: %d"
          % (kind, sorted(counts.items()), bad))
PY
