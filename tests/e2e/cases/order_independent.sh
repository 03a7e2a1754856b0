# An analysis is a function of the set of stored rows.  The same generated
# rows of every kind (with status updates, stage retries and a few rows
# that repeat a pipeline execution, a stage attempt or a gate with another
# type) go into three
# stores: (a) each kind's file as generated; (b) per-day files with their
# rows shuffled, ingested latest days first in three runs (children often
# before their parents); (c) two stores from two halves of the rows (split
# by a hash of the line), merged into a third by ingesting what --dump
# prints of each.  The stored rows must be the same set, and the analysis
# files the same bytes; on a difference, the tables that differ are shown.
"$BIN/shiplog-gen" --seed 11 --deployments 3000 --agents 24 --days 30 \
	--updates 0.15 -o g >/dev/null || echo "gen failed"
# rows that repeat a key with other values: executions stored twice (the
# second failed and slower), stage runs twice (the same attempt, failed)
awk -F, -v OFS=, 'NR > 1 && NR <= 30 && $9 == "success" { $9 = "failed"; $8 += 1000; print }' \
	g/pipeline_runs.csv >rep.csv
awk -F, -v OFS=, 'NR > 1 && NR <= 60 && $11 == "success" { $11 = "failed"; print }' \
	g/stage_runs.csv >rep2.csv
# and gate results of one gate with another gate_type
awk -F, -v OFS=, 'NR > 1 && NR <= 40 && $5 == "automated" { $5 = "policy"; print }' \
	g/gate_results.csv >rep3.csv
cat rep.csv >>g/pipeline_runs.csv
cat rep2.csv >>g/stage_runs.csv
cat rep3.csv >>g/gate_results.csv
/usr/bin/python3 "$E2E_ROOT/tests/e2e/order-split.py" 11 g parts || echo "split failed"
kinds="deployments checkpoints artifacts validations pipeline_runs stage_runs
gate_results versions incidents metric_samples"

"$BIN/shiplog-ingest" -q --store a g/*.csv || echo "ingest a failed"
for r in parts/b/run*; do
	"$BIN/shiplog-ingest" -q --store b "$r"/*.csv || echo "ingest b failed"
done
for h in h0 h1; do
	"$BIN/shiplog-ingest" -q --store "$h" parts/c/$h/*.csv || echo "ingest $h failed"
	mkdir "dump-$h"
	for k in $kinds; do
		"$BIN/shiplog-ingest" --store "$h" --dump $k >"dump-$h/$k.csv" ||
			echo "dump $h $k failed"
	done
done
# the second half first, each in its own run
"$BIN/shiplog-ingest" -q --store c dump-h1/*.csv || echo "ingest c failed"
"$BIN/shiplog-ingest" -q --store c dump-h0/*.csv || echo "ingest c failed"

# the stored rows, as sets
for k in $kinds; do
	for s in a b c; do
		"$BIN/shiplog-ingest" --store $s --dump $k | sort >"$s.$k.txt"
	done
	n=$(($(wc -l <a.$k.txt) - 1))
	if cmp -s a.$k.txt b.$k.txt && cmp -s a.$k.txt c.$k.txt; then
		echo "$k: $n rows, the same in a, b, c"
	else
		echo "$k: the stored rows differ"
		for s in b c; do diff a.$k.txt $s.$k.txt | head -6; done
	fi
done

# the analysis files, byte for byte
tables() { # the table names, from the error of an unknown one
	"$BIN/shiplog-analyze" --store a --print '?' -o /dev/null 2>&1 |
		sed -n 's/.*(tables: \(.*\))$/\1/p' | tr -d ',' | tr ' ' '\n'
}
analyze() { # STORE OUTPUT ARGS...
	s=$1 o=$2
	shift 2
	"$BIN/shiplog-analyze" --store $s --now 2026-02-01T00:00:00Z "$@" -o $o ||
		echo "analyze $s failed"
}
compare() { # NAME ARGS...
	name=$1
	shift
	for s in a b c; do analyze $s $s.$name.msgpack "$@"; done
	for s in b c; do
		if cmp -s a.$name.msgpack $s.$name.msgpack; then
			echo "$name: a and $s byte-identical"
			continue
		fi
		echo "$name: a and $s differ in:"
		for t in $(tables); do
			for x in a $s; do
				"$BIN/shiplog-analyze" --store $x --now 2026-02-01T00:00:00Z \
					"$@" --print $t -o /dev/null >$x.$t.csv
			done
			cmp -s a.$t.csv $s.$t.csv && continue
			echo "  $t"
			diff a.$t.csv $s.$t.csv | head -6 | sed 's/^/    /'
		done
	done
}
compare all
compare window --since 9d --tz Europe/Berlin --seed 3
compare filtered --env production --from 2026-01-10 --to 2026-01-24 --seed 7
# nor on how many analyses run at a time (each writes a part of the file,
# merged in the same order)
for j in 1 3; do
	analyze a a.jobs$j.msgpack --jobs $j
	if cmp -s a.all.msgpack a.jobs$j.msgpack; then
		echo "--jobs $j: byte-identical to the default"
	else
		echo "--jobs $j: differs from the default"
	fi
done
