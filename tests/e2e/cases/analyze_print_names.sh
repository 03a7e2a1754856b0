# --print checks its table name before any work, as --only does: an
# unknown name, a query's table or a table of an analysis --only leaves
# out is misuse (exit 2, nothing read; the store here does not exist).
"$BIN/shiplog-analyze" --store nostore --print nosuchtable
echo "exit=$?"
"$BIN/shiplog-analyze" --store nostore --print gate_evaluation
echo "exit=$?"
"$BIN/shiplog-analyze" --store nostore --only dora --print gates
echo "exit=$?"
# every name the list offers is printed by the analysis the refusal names
# as its writer, run alone (a wrong owner would print no table: exit 1)
"$BIN/shiplog-ingest" -q --store s "$E2E_ROOT"/data/sample/*.csv.gz
"$BIN/shiplog-analyze" --store nostore --print nosuchtable 2>&1 |
	sed -e 's/.*(tables: //' -e 's/)$//' | tr ',' '\n' | tr -d ' ' >names
echo "$(wc -l <names) tables"
while read -r t; do
	a=$("$BIN/shiplog-analyze" --store s --only dora --print "$t" 2>&1 >/dev/null |
		sed -n "s/.*written by analysis '\([a-z]*\)'.*/\1/p")
	"$BIN/shiplog-analyze" --store s --now 2026-04-01 --only "${a:-dora}" --print "$t" >t.csv 2>err
	echo "$t (${a:-dora or always}): exit=$? $(head -1 t.csv | cut -d, -f1)"
	grep -v ': warning: ' err # the sample's damaged stage names are warned of
done <names
