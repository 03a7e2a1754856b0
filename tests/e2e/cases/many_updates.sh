# Thousands of status updates in one partition, across buffer growth and
# spills (--buffer-rows 1024): exactly one row per deployment_id is kept,
# the one with the latest updated_at (checked here with sort and awk).
"$BIN/shiplog-gen" --seed 5 --deployments 5000 --days 2 --updates 0.3 --kinds deployments \
	-o gen >/dev/null
ingest --store s --buffer-rows 1024 gen/deployments.csv
echo "distinct ids in the input: $(tail -n +2 gen/deployments.csv | cut -d, -f1 | sort -u | wc -l)"
echo "rows in the store:         $(dump s deployments | grep -c '^[0-9a-f]\{8\}-')"
# the winner of each id, computed independently with Python's csv module:
# the latest updated_at, the later row on ties or when one is missing
/usr/bin/python3 - gen/deployments.csv >want.txt <<'PY'
import csv, sys
best = {}
for row in csv.DictReader(open(sys.argv[1], newline="")):
    k, u = row["deployment_id"], row["updated_at"]
    old = best.get(k)
    if old is None or not (old[0] and u and old[0] > u):
        best[k] = (u, row["phase"])
for k in sorted(best):
    print(k + "," + best[k][1])
PY
dump s deployments | grep '^[0-9a-f]\{8\}-' | awk -F, '{ print $1 "," $5 }' | sort >got.txt
must "every id keeps its latest phase" cmp -s want.txt got.txt &&
	echo "every id keeps its latest phase"
