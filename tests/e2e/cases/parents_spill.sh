# Many artifacts read before their deployments, with a small memory budget
# so that buffers spill while the artifacts are being routed to their days:
# every artifact lands on its deployment's day, none is lost.
"$BIN/shiplog-gen" --seed 11 --deployments 3000 --days 20 --kinds deployments,artifacts \
	-o gen >/dev/null
ingest --store s --buffer-rows 1024 gen/artifacts.csv gen/deployments.csv
echo "artifacts in the input: $(/usr/bin/python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], newline=""))))' gen/artifacts.csv)"
"$BIN/shiplog-ingest" --store s --verify 2>&1 | grep -E 'artifacts|bad'
ls s/artifacts | grep -c undated || true
