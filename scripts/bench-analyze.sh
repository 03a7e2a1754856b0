#!/bin/sh
# make bench, the analyses at scale: a store of N generated deployments
# (500 agents, 90 days, every record kind), then each analysis alone
# (`--only NAME`: the window's frame, the success rates and summary, and
# that analysis), every analysis into an analysis file, and shiplog-report
# of that file, each with its wall time and peak RSS next to its target.
# BENCH_ANALYZE_SIZES="1000000" runs fewer sizes (default 1M and 10M).
# Inputs and stores are built once into build/bench/ (seeded).
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
D=build/bench
mkdir -p "$D"
NOW=2026-04-01

# runs a command, prints "seconds peakMB"
measure() {
	/usr/bin/time -f "%e %M" -o "$D/time.txt" "$@" >/dev/null 2>"$D/stderr.txt" || {
		cat "$D/stderr.txt" >&2
		exit 1
	}
	awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }' "$D/time.txt"
}

# name seconds MB target_s target_MB [own_s frame_s]
row() {
	awk -v n="$1" -v s="$2" -v m="$3" -v ts="$4" -v tm="$5" -v own="${6:-}" -v fr="${7:-}" 'BEGIN {
		ok = (ts == "-" || s <= ts) && (tm == "-" || m <= tm) ? "met" : "MISSED"
		printf "%-28s %9.2f %8.0f | %9s %9s  %-6s %s\n", n, s, m, ts, tm, ok,
			own == "" ? "" : sprintf("(frame %s s, the analysis %s s)", fr, own) }'
}

# from -v's lines in stderr.txt: the frame's seconds and the analysis's
# own (the longest of its parts: --only predict is two run at once)
own_times() {
	awk '/shiplog-analyze: frame / { f = $3 }
	     /shiplog-analyze: [a-z]+ \(/ { if ($4 + 0 > a) a = $4 + 0 }
	     END { printf "%.2f %.2f\n", a, f }' "$D/stderr.txt"
}

for n in ${BENCH_ANALYZE_SIZES:-1000000 10000000}; do
	dir=$D/analyze-$n
	if [ ! -f "$dir/store/manifest.msgpack" ] && [ ! -d "$dir/store/deployments" ]; then
		rm -rf "$dir"
		"$BIN/shiplog-gen" --seed 7 --deployments "$n" --agents 500 --days 90 --gzip=1 \
			-o "$dir/logs" >/dev/null
		"$BIN/shiplog-ingest" -q --store "$dir/store" "$dir"/logs/*.csv.gz
		rm -rf "$dir/logs"
	fi
	rows=$("$BIN/shiplog-analyze" --store "$dir/store" --now $NOW --query success-rates |
		awk -F, '$1 == "overall" { print $3 }')
	if [ "$n" -ge 5000000 ]; then big=1; else big=0; fi
	echo
	echo "shiplog-analyze over $rows deployments (500 agents, 90 days, every kind):"
	printf '%-28s %9s %8s | %9s %9s\n' step seconds RSS_MB target_s target_MB
	for a in dora health strategies alerts canary predict pipelines versions features \
		activity scorecard; do
		set -- $(measure "$BIN/shiplog-analyze" --store "$dir/store" --now $NOW \
			--only $a -v -o "$D/only.msgpack")
		ts=- tm=-
		[ $big = 0 ] && [ $a = predict ] && ts=1
		[ $big = 0 ] && [ $a = features ] && ts=5
		row "--only $a" "$1" "$2" "$ts" "$tm" $(own_times)
	done
	rm -f "$D/only.msgpack"
	set -- $(measure "$BIN/shiplog-analyze" --store "$dir/store" --now $NOW \
		-o "$D/all.msgpack")
	if [ $big = 0 ]; then row "every analysis" "$1" "$2" 8 400; else row "every analysis" "$1" "$2" 90 2048; fi
	printf '%-28s %9.0f\n' "analysis file, MB" "$(stat -c %s "$D/all.msgpack" |
		awk '{ print $1 / 1048576 }')"
	rm -rf "$D/report.html" "$D/report-csv"
	set -- $(measure "$BIN/shiplog-report" -q "$D/all.msgpack" --html "$D/report.html")
	if [ $big = 0 ]; then row "report (HTML)" "$1" "$2" 2 250; else row "report (HTML)" "$1" "$2" - -; fi
	html=$(stat -c %s "$D/report.html" | awk '{ printf "%.2f", $1 / 1048576 }')
	awk -v h="$html" -v big=$big 'BEGIN { printf "%-28s %9s %8s | %9s %9s  %s\n",
		"HTML size, MB", h, "", big ? "-" : "1.5 MB", "", big || h <= 1.5 ? "" : "MISSED" }'
	set -- $(measure "$BIN/shiplog-report" -q "$D/all.msgpack" --html "$D/report.html" \
		--csv-dir "$D/report-csv")
	row "report (HTML and CSV)" "$1" "$2" - -
	rm -rf "$D/all.msgpack" "$D/report.html" "$D/report-csv"
done
echo "--only NAME: the window's frame, the success rates and summary, and that analysis"
echo "(in brackets, from -v: the frame's load and the analysis's own wall time);"
echo "targets: every analysis <= 8 s and 400 MB at 1M, <= 90 s and 2 GB at 10M; the report"
echo "<= 2 s and 250 MB with <= 1.5 MB of HTML at 1M; predict < 1 s, features <= 5 s at 1M."
