#!/bin/sh
# make bench, the analysis as a map and a reduce (docs/SCALING.md): over
# the stores of scripts/bench-analyze.sh (or BENCH_MR_STORE, e.g.
# /work/data/s10m), the window --since 30d (and the 30 days before it,
# which the summary compares with) as N=4 map tasks run 2 at a time, the
# reduce into the ranks, the 4 tasks again and the final reduce, of the
# analyses BENCH_MR_ONLY (default every analysis the map and reduce
# cover: dora, features and pipelines), next to one run of them (the same
# tables); the two files must be equal byte for byte.  Wall time per step,
# CPU time summed over the tasks, the largest peak RSS and the partials'
# bytes.  BENCH_MR_SIZES="1000000" runs fewer sizes.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
D=build/bench
N=${BENCH_MR_TASKS:-4}
P=${BENCH_MR_PARALLEL:-2}
ONLY=${BENCH_MR_ONLY:-dora,features,pipelines}
W="--since 30d --now 2026-04-01 --only $ONLY"
mkdir -p "$D"

# runs a command under time, appends "wall user sys kb" to $D/mr-times.txt
timed() {
	/usr/bin/time -f "%e %U %S %M" -a -o "$D/mr-times.txt" "$@" >/dev/null 2>>"$D/mr-stderr.txt" || {
		cat "$D/mr-stderr.txt" >&2
		exit 1
	}
}

# wall of the step (its own clock), cpu and peak of the commands it ran
step() {
	name=$1
	shift
	: >"$D/mr-times.txt"
	t0=$(date +%s.%N)
	"$@"
	t1=$(date +%s.%N)
	awk -v n="$name" -v w="$(echo "$t1 - $t0" | bc)" '{ c += $2 + $3; if ($4 > m) m = $4 }
		END { printf "  %-28s %7.2f %7.2f %7.0f\n", n, w, c, m / 1024 }' "$D/mr-times.txt"
	echo "$t0 $t1" >>"$D/mr-walls.txt"
}

maps() { # pass
	k=0
	while [ $k -lt $N ]; do
		echo $k
		k=$((k + 1))
	done | xargs -P "$P" -I K sh -c "/usr/bin/time -f '%e %U %S %M' -a -o '$D/mr-times.txt' \
		'$BIN/shiplog-analyze' --store '$S' $W --map K/$N $1 -o '$w/part$2-K.msgpack' \
		2>>'$D/mr-stderr.txt' >/dev/null"
}

echo
echo "shiplog-analyze as $N map tasks ($P at a time) and reduces, against one run ($W):"
printf '  %-28s %7s %7s %7s\n' step wall_s cpu_s RSS_MB
for n in ${BENCH_MR_SIZES:-1000000 10000000}; do
	S=${BENCH_MR_STORE:-$D/analyze-$n/store}
	[ -d "$S/deployments" ] || { echo "bench-mapreduce: no $S (run scripts/bench-analyze.sh)" >&2; continue; }
	w=$D/mr-$n
	rm -rf "$w"
	mkdir -p "$w"
	: >"$D/mr-stderr.txt"
	: >"$D/mr-walls.txt"
	echo "$S ($n deployments):"
	step "one run --only $ONLY" timed "$BIN/shiplog-analyze" --store "$S" $W -o "$w/one.msgpack"
	: >"$D/mr-walls.txt"
	step "map pass 1 ($N tasks)" maps "" 1
	step "reduce --ranks" timed "$BIN/shiplog-analyze" --reduce $W --ranks "$w/ranks.msgpack" \
		"$w"/part1-*.msgpack
	step "map pass 2 ($N tasks)" maps "--ranks $w/ranks.msgpack" 2
	step "reduce" timed "$BIN/shiplog-analyze" --reduce $W -o "$w/red.msgpack" "$w"/part2-*.msgpack
	awk '{ s += $2 - $1 } END { printf "  %-28s %7.2f\n", "map/reduce in all", s }' "$D/mr-walls.txt"
	printf '  partials: pass 1 %s bytes, pass 2 %s bytes (%s tasks); the analysis file %s bytes\n' \
		"$(cat "$w"/part1-*.msgpack | wc -c)" "$(cat "$w"/part2-*.msgpack | wc -c)" "$N" \
		"$(wc -c <"$w/red.msgpack")"
	if cmp -s "$w/one.msgpack" "$w/red.msgpack"; then
		echo "  the reduce's file equals one run's --only $ONLY, byte for byte"
	else
		echo "bench-mapreduce: FAILED: the reduce's file differs from one run's" >&2
		exit 1
	fi
	rm -rf "$w"
	[ -z "${BENCH_MR_STORE:-}" ] || break
done
echo "cpu_s sums every task of a step; RSS_MB is the largest task's peak."
