#!/bin/sh
# make bench, the merge of shards: the stores of scripts/bench-analyze.sh
# (N generated deployments of every kind) cut into 4 shards by day (day i
# to shard i mod 4, partition files hard-linked where the file system
# allows, as an array of ingest tasks over day ranges writes them), then
# `shiplog-ingest --merge` of the 4 into one store, with its wall and CPU
# time and peak RSS.  BENCH_MERGE_SIZES="1000000" runs fewer sizes.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
D=build/bench
SHARDS=4

echo
echo "shiplog-ingest --merge of $SHARDS shard stores (cut by day) into one:"
printf '%-12s %10s | %7s %7s %7s %8s\n' deployments rows wall_s cpu_s RSS_MB rows/s
for n in ${BENCH_MERGE_SIZES:-1000000 10000000}; do
	src=$D/analyze-$n/store
	[ -d "$src/deployments" ] || { echo "bench-merge: no $src (run scripts/bench-analyze.sh)" >&2; continue; }
	w=$D/merge-$n
	rm -rf "$w"
	for kdir in "$src"/*/; do
		k=$(basename "$kdir")
		i=0
		for f in "$kdir"*.msgpack; do
			[ -f "$f" ] || continue
			s=$w/shard-$((i % SHARDS))/$k
			mkdir -p "$s"
			ln "$f" "$s/" 2>/dev/null || cp "$f" "$s/"
			i=$((i + 1))
		done
	done
	/usr/bin/time -f "%e %U %S %M" -o "$D/time.txt" "$BIN/shiplog-ingest" --store "$w/all" \
		--merge "$w"/shard-* >/dev/null 2>"$D/stderr.txt" || { cat "$D/stderr.txt" >&2; exit 1; }
	rows=$(sed -n 's/.* \([0-9]*\) rows read.*/\1/p' "$D/stderr.txt")
	read -r ws us ss kb <"$D/time.txt"
	awk -v n="$n" -v r="$rows" -v ws="$ws" -v cs="$(echo "$us + $ss" | bc)" -v kb="$kb" 'BEGIN {
		printf "%-12d %10d | %7.2f %7.2f %7.0f %8.0f\n", n, r, ws, cs, kb / 1024, r / ws }'
	rm -rf "$w"
done
echo "rows: stored rows of every kind; the merge reads each shard's row groups typed"
echo "(no text) and writes every partition again, as one ingest would."
