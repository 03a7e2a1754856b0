#!/bin/sh
# make demo: the whole pipeline on the bundled sample (data/sample/), as far
# as the stages exist.  Output under out/ (OUT=DIR elsewhere).  What it
# prints is meant to be read: the ingest's counts, the store's kinds, the
# summary with rounded numbers (every digit is in OUT/csv/summary.csv).
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
out=${OUT:-out}
rm -rf "$out/store"
mkdir -p "$out"
echo "== ingest data/sample into $out/store"
"$BIN/shiplog-ingest" --store "$out/store" data/sample/*.gz
"$BIN/shiplog-ingest" --store "$out/store" --verify
# The sample is generated with about 0.1% of its rows damaged on purpose
# (data/sample/README.md); say so once, with where they show, instead of
# leaving the analysis's warnings about garbled names unexplained.
if [ -x "$BIN/shiplog-analyze" ]; then
	echo "== analyze"
	if ! "$BIN/shiplog-analyze" --store "$out/store" -o "$out/analysis.msgpack" \
		--print summary >"$out/summary.csv" 2>"$out/analyze.log"; then
		cat "$out/analyze.log" >&2
		exit 1
	fi
	grep -v ': warning: ' "$out/analyze.log" >&2 || true
	warned=$(grep -c ': warning: ' "$out/analyze.log" || true)
	echo "note: the sample has rows damaged on purpose (data/sample/README.md): the" \
		"ingest's rejected rows above ($out/store/rejects/), $warned warnings of garbled names in $out/analyze.log"
	# the summary for a person: counts, shares in %, durations in minutes
	awk -F, '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
			  printf "%-12s %11s %8s %9s %14s\n", "environment", "deployments",
				 "success", "rollback", "mean duration"; next }
		function pct(v) { return v == "" ? "-" : sprintf("%.1f%%", 100 * v) }
		function mins(v) { return v == "" ? "-" : sprintf("%.1f min", v / 60000) }
		{ env = $c["scope"] == "overall" ? "all" : $c["environment"]
		  printf "%-12s %11d %8s %9s %14s\n", env, $c["total_deployments"],
			 pct($c["success_rate"]), pct($c["rollback_rate"]), mins($c["avg_duration_ms"]) }
	' "$out/summary.csv"
else
	echo "note: the sample has rows damaged on purpose (data/sample/README.md): the" \
		"ingest's rejected rows above ($out/store/rejects/)"
fi
if [ -x "$BIN/shiplog-report" ]; then
	echo "== report"
	"$BIN/shiplog-report" "$out/analysis.msgpack" --html "$out/report.html" --csv-dir "$out/csv" \
		--mail-to team@example.com --mail-out "$out/report.eml"
	echo "report: $out/report.html, $out/csv/, $out/report.eml (for sendmail -t)"
fi
