# Helpers for the adapter cases (sourced after lib.sh).

# sample NAME FORMAT FILE KIND: ingests realdata/FILE with --format FORMAT
# into its own store, prints the summary, then the numbers of what was
# stored (tests/e2e/adapter-summary.py) and whether they equal those that
# scripts/ref-adapters.py computed from the JSON (data/ref/adapters/).
sample() {
	"$BIN/shiplog-ingest" --store "s_$1" --format "$2" "$E2E_DATA/realdata/$3" 2>err.txt
	echo "$1: exit=$?"
	norm <err.txt
	rows=$(sed -n 's/.*; \([0-9]*\) rows read: .*/\1/p' err.txt)
	rej=$(sed -n 's/.*, \([0-9]*\) rejected$/\1/p' err.txt)
	"$BIN/shiplog-ingest" --store "s_$1" --dump "$4" >dump.csv
	/usr/bin/python3 "$E2E_ROOT/tests/e2e/adapter-summary.py" "$4" "$rows" "$rej" <dump.csv >sum.txt
	cat sum.txt
	if diff sum.txt "$E2E_DATA/ref/adapters/$1.txt"; then
		echo "$1: equals scripts/ref-adapters.py"
	else
		echo "$1: DIFFERS from scripts/ref-adapters.py"
	fi
}
