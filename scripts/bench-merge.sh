#!/bin/sh
# make bench, the merge of shards: the stores of scripts/bench-analyze.sh
# (N generated deployments of every kind) cut into 4 shards by day (day i
# to shard i mod 4, partition files hard-linked where the file system
# allows, as an array of ingest tasks over day ranges writes them), then
# merged into one store twice: `shiplog-ingest --merge` in one task, and
# as M tasks at once (`--merge --part K/M`, M=2 by default, BENCH_MERGE_M)
# followed by `--merge --commit`.  For each: the wall time, the CPU time,
# and the peak RSS (of each task), and the merged stores' partition files
# compared (the same files; their bytes may differ where the row groups are
# cut apart, as the two runs spill their buffers at other moments:
# tests/e2e/cases/merge_parallel.sh compares the rows and the analyses).
# BENCH_MERGE_SIZES="1000000" runs fewer sizes; BENCH_MERGE_STORES="N=DIR
# ..." takes the source store of size N from DIR instead.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
D=build/bench
SHARDS=4
M=${BENCH_MERGE_M:-2}
mkdir -p "$D"

# runs a command in the background, its "wall user sys maxKB" into $1
timed() {
	_out=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$_out" "$@" >/dev/null 2>"$_out.err"
}

# the partition files of a store
shape() {
	(cd "$1" && find . -name '*.msgpack' ! -path './.merge/*' | sort)
}

echo
echo "shiplog-ingest --merge of $SHARDS shard stores (cut by day) into one, in one task and in $M:"
printf '%-12s %10s | %-8s %7s %7s %8s %8s | %s\n' deployments rows merge wall_s cpu_s RSS_MB rows/s \
	"each task: wall_s cpu_s RSS_MB"
for n in ${BENCH_MERGE_SIZES:-1000000 10000000}; do
	src=$D/analyze-$n/store
	for m in ${BENCH_MERGE_STORES:-}; do
		[ "${m%%=*}" = "$n" ] && src=${m#*=}
	done
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
	# one task
	sync
	timed "$D/one.txt" "$BIN/shiplog-ingest" --store "$w/all" --merge "$w"/shard-* ||
		{ cat "$D/one.txt.err" >&2; exit 1; }
	rows=$(sed -n 's/.* \([0-9]*\) rows read.*/\1/p' "$D/one.txt.err")
	shape "$w/all" >"$D/shape-one.txt"
	du -sb "$w/all" | cut -f1 >"$D/bytes-one.txt"
	rm -rf "$w/all"
	# M tasks at once, then the commit
	sync
	t0=$(date +%s.%N)
	k=0
	while [ $k -lt "$M" ]; do
		timed "$D/part-$k.txt" "$BIN/shiplog-ingest" --store "$w/all" --merge --part $k/$M \
			"$w"/shard-* &
		k=$((k + 1))
	done
	wait
	timed "$D/commit.txt" "$BIN/shiplog-ingest" --store "$w/all" --merge --commit "$w"/shard-* ||
		{ cat "$D"/part-*.txt.err "$D/commit.txt.err" >&2; exit 1; }
	t1=$(date +%s.%N)
	shape "$w/all" >"$D/shape-par.txt"
	du -sb "$w/all" | cut -f1 >"$D/bytes-par.txt"
	rm -rf "$w"
	read -r ws us ss kb <"$D/one.txt"
	awk -v n="$n" -v r="$rows" -v ws="$ws" -v cs="$(echo "$us + $ss" | bc)" -v kb="$kb" 'BEGIN {
		printf "%-12d %10d | %-8s %7.2f %7.2f %8.0f %8.0f |\n", n, r, "1 task", ws, cs, kb / 1024, r / ws }'
	cat "$D"/part-*.txt "$D/commit.txt" | awk -v n="$n" -v r="$rows" -v m="$M" -v wall="$(echo "$t1 - $t0" | bc)" '
		{ cpu += $2 + $3; if ($4 > kb) kb = $4
		  each = each sprintf("%s%.1f %.1f %.0f", NR > 1 ? ", " : "", $1, $2 + $3, $4 / 1024) }
		END { printf "%-12s %10s | %-8s %7.2f %7.2f %8.0f %8.0f | %s (the last: the commit)\n",
			"", "", m " tasks", wall, cpu, kb / 1024, r / wall, each }'
	if cmp -s "$D/shape-one.txt" "$D/shape-par.txt"; then
		echo "             the two stores: the same $(wc -l <"$D/shape-one.txt") partition files, $(cat "$D/bytes-one.txt") and $(cat "$D/bytes-par.txt") bytes"
	else
		echo "             the two stores DIFFER in their partition files:"
		diff "$D/shape-one.txt" "$D/shape-par.txt" || true
	fi
done
echo "rows: stored rows of every kind; each merge reads the shards' row groups typed"
echo "(no text) and writes every partition again, as one ingest would; the tasks"
echo "of the parallel merge each read the key columns of the other days' deployments,"
echo "pipeline runs and stage runs (and task 0 every parent's key) to find the rows"
echo "their days' rows join.  RSS_MB: the largest task's."
