#!/bin/sh
# Submits shiplog's flow to Slurm as three jobs chained by
# --dependency=afterok: an ingest array of TASKS shards over the files of
# INBOX, the merge of the shards into STORE, and the analysis into OUT.
# The merge runs as an array of MERGE_TASKS tasks (default 2), each over a
# range of days, then a commit job; MERGE_TASKS=1 merges in one task.
#
#   scripts/slurm/submit.sh INBOX WORK STORE OUT TASKS [sbatch options...]
#
# WORK, STORE and OUT must be on a file system every node sees (the locks
# and the atomic renames need POSIX semantics: NFS with locking, Lustre,
# GPFS, CephFS; see docs/SCALING.md).  SHIPLOG_BIN and ANALYZE_ARGS are
# passed on.  With MAP_TASKS=M the analysis is a map array of M tasks, a
# reduce into the ranks, the map again and the reduce into
# OUT/analysis.msgpack (success rates, summary, DORA, features and
# pipelines, or those of an --only; ANALYZE_ARGS must hold a bounded window
# and --now), instead of one analyze job.  Prints
# the job ids; with SUBMIT_WAIT=1, waits for the last and exits 0 only
# when it completed.
set -eu
[ $# -ge 5 ] || { echo "usage: submit.sh INBOX WORK STORE OUT TASKS [sbatch options...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
INBOX=$1 WORK=$2 STORE=$3 OUT=$4 TASKS=$5
shift 5
export INBOX WORK STORE OUT
mkdir -p "$WORK" "$OUT"
ingest=$(sbatch --parsable --export=ALL --array=0-$((TASKS - 1)) -o "$WORK/ingest-%a.log" "$@" \
	"$here/ingest.sbatch")
M=${MERGE_TASKS:-2}
echo "ingest $ingest"
if [ "$M" -gt 1 ]; then
	parts=$(sbatch --parsable --export=ALL,MERGE_STEP= --array=0-$((M - 1)) --dependency=afterok:$ingest \
		--kill-on-invalid-dep=yes -o "$WORK/merge-%a.log" "$@" "$here/merge.sbatch")
	echo "merge-parts $parts"
	merge=$(sbatch --parsable --export=ALL,MERGE_STEP=commit --dependency=afterok:$parts \
		--kill-on-invalid-dep=yes -o "$WORK/merge.log" "$@" "$here/merge.sbatch")
else
	merge=$(sbatch --parsable --export=ALL --dependency=afterok:$ingest \
		--kill-on-invalid-dep=yes -o "$WORK/merge.log" "$@" "$here/merge.sbatch")
fi
echo "merge $merge"
if [ "${MAP_TASKS:-0}" -gt 0 ]; then
	# the analysis as a map array and reduces, each pass a job after the
	# one before (docs/SCALING.md); a partial of an earlier run must not
	# be taken for one of this run's
	rm -f "$WORK"/part1-*.msgpack "$WORK"/part2-*.msgpack "$WORK/ranks.msgpack"
	dep=$merge
	for pass in 1 2; do
		map=$(PASS=$pass sbatch --parsable --export=ALL --dependency=afterok:$dep \
			--kill-on-invalid-dep=yes --array=0-$((MAP_TASKS - 1)) \
			-o "$WORK/map$pass-%a.log" "$@" "$here/map.sbatch")
		echo "map$pass $map"
		dep=$(PASS=$pass sbatch --parsable --export=ALL --dependency=afterok:$map \
			--kill-on-invalid-dep=yes -o "$WORK/reduce$pass.log" "$@" "$here/reduce.sbatch")
		echo "reduce$pass $dep"
	done
	analyze=$dep
else
	analyze=$(sbatch --parsable --export=ALL --dependency=afterok:$merge --kill-on-invalid-dep=yes \
		-o "$OUT/analyze.log" "$@" "$here/analyze.sbatch")
	echo "analyze $analyze"
fi
[ "${SUBMIT_WAIT:-0}" = 1 ] || exit 0
# sbatch --wait polls ever more slowly (tens of seconds); scontrol keeps a
# finished job's state for MinJobAge (300 s by default), no accounting needed
state() {
	scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n 's/^JobState=//p' | head -1
}
unknown=0
while :; do
	s=$(state "$analyze")
	case $s in
	PENDING | RUNNING | CONFIGURING | COMPLETING | SUSPENDED) sleep 0.5 ;;
	"")
		# the controller does not answer (or forgot the job)
		unknown=$((unknown + 1))
		[ $unknown -lt 120 ] || { s=UNKNOWN; break; }
		sleep 0.5
		;;
	*) break ;;
	esac
done
[ "$s" = COMPLETED ] && exit 0
echo "submit.sh: the last job $analyze: $s (logs: $WORK/*.log, $OUT/analyze.log)" >&2
exit 1
