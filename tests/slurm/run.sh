#!/bin/sh
# make check-slurm: shiplog's flow on a real (one-node) Slurm cluster.
# Generated logs, cut into 20 files, are ingested by an array of 4 tasks
# into 4 shard stores, merged by an array of 2 tasks over ranges of days
# and a commit job, and analysed, through scripts/slurm (the
# jobs chained by --dependency=afterok); the merged store's rows (--dump of
# every kind) and the analysis file must equal, byte for byte, a run on
# this machine alone; then the same flow with the analysis as a map array
# and its reduces (MAP_TASKS=3), whose file must equal one machine's run
# of the analyses the map and reduce cover.  The cluster (tests/slurm/cluster.sh) lives in a
# temporary directory and is stopped by its pid files, whatever happens.
# Without slurmctld it is skipped, except under CI (CI=true), where that
# is a failure: INSTALL_SLURM=1 scripts/install-deps.sh installs it.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${BIN:?set BIN to the directory of the shiplog binaries}"
if ! command -v slurmctld >/dev/null 2>&1 && [ ! -x /usr/sbin/slurmctld ]; then
	if [ "${CI:-}" = true ]; then
		echo "check-slurm: FAILED: no slurmctld (INSTALL_SLURM=1 scripts/install-deps.sh)" >&2
		exit 1
	fi
	echo "check-slurm: skipped: no slurmctld (INSTALL_SLURM=1 scripts/install-deps.sh)"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "check-slurm: skipped: needs root (SlurmUser=root)"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shiplog-slurm.XXXXXX")
chmod 755 "$tmp" # munged runs as the munge user, below it
cleanup() {
	sh "$root/tests/slurm/cluster.sh" stop "$tmp/cluster" || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
kinds="deployments checkpoints artifacts validations pipeline_runs stage_runs gate_results versions incidents metric_samples"

# 20 files: each kind's rows in two halves (a deployment's updates and a
# run's stages land in different shards)
"$BIN/shiplog-gen" --seed 11 --deployments 20000 --agents 40 --days 14 -o "$tmp/gen" >/dev/null
mkdir -p "$tmp/inbox"
for k in $kinds; do
	awk -v a="$tmp/inbox/$k-a.csv" -v b="$tmp/inbox/$k-b.csv" \
		'NR == 1 { print > a; print > b; next } { print > (NR % 2 ? a : b) }' "$tmp/gen/$k.csv"
done

# the same on this machine alone
"$BIN/shiplog-ingest" -q --store "$tmp/one" "$tmp"/inbox/*.csv
"$BIN/shiplog-analyze" --store "$tmp/one" --now 2026-04-01 -o "$tmp/one.msgpack" 2>/dev/null

sh "$root/tests/slurm/cluster.sh" start "$tmp/cluster"
export SLURM_CONF="$tmp/cluster/slurm.conf"
t0=$(date +%s)
SHIPLOG_BIN=$BIN ANALYZE_ARGS="--now 2026-04-01" SUBMIT_WAIT=1 \
	sh "$root/scripts/slurm/submit.sh" "$tmp/inbox" "$tmp/work" "$tmp/store" "$tmp/out" 4 \
	>"$tmp/submit.log" 2>&1 || {
	cat "$tmp/submit.log" "$tmp"/work/*.log "$tmp/out/analyze.log" >&2 2>/dev/null || true
	echo "check-slurm: FAILED: the jobs failed" >&2
	exit 1
}
t1=$(date +%s)
# the analysis as a map array of 3 tasks and its reduces, over a store of
# its own from the same flow: the reduce's file (the map and reduce
# without --only: every analysis they cover) must be one machine's run of
# those analyses over the same window, byte for byte
MW="--since 9d --now 2026-01-15T06:00:00Z"
MR_ONLY=dora,features,pipelines
# shellcheck disable=SC2086
"$BIN/shiplog-analyze" --store "$tmp/one" $MW --only $MR_ONLY -o "$tmp/one-dora.msgpack" \
	2>/dev/null
SHIPLOG_BIN=$BIN ANALYZE_ARGS="$MW" MAP_TASKS=3 SUBMIT_WAIT=1 \
	sh "$root/scripts/slurm/submit.sh" "$tmp/inbox" "$tmp/mwork" "$tmp/mstore" "$tmp/mout" 4 \
	>"$tmp/msubmit.log" 2>&1 || {
	cat "$tmp/msubmit.log" "$tmp"/mwork/*.log >&2 2>/dev/null || true
	echo "check-slurm: FAILED: the map/reduce jobs failed" >&2
	exit 1
}
t2=$(date +%s)
fail=0
shards=$(ls -d "$tmp"/work/shard-* | wc -l)
[ "$shards" -eq 4 ] || { echo "check-slurm: FAILED: $shards shards, not 4" >&2; fail=1; }
for k in 0 1; do
	grep -q "part $k of 2" "$tmp/work/merge-$k.log" 2>/dev/null ||
		{ echo "check-slurm: FAILED: no part $k of 2 of the merge" >&2; fail=1; }
done
[ ! -e "$tmp/store/.merge" ] || { echo "check-slurm: FAILED: the merge's staging is left" >&2; fail=1; }
for k in $kinds; do
	"$BIN/shiplog-ingest" --store "$tmp/one" --dump $k | sort >"$tmp/a.csv"
	"$BIN/shiplog-ingest" --store "$tmp/store" --dump $k | sort >"$tmp/b.csv"
	if ! cmp -s "$tmp/a.csv" "$tmp/b.csv"; then
		echo "check-slurm: FAILED: $k: the merged store's rows differ" >&2
		fail=1
	fi
done
if ! cmp "$tmp/one.msgpack" "$tmp/out/analysis.msgpack"; then
	echo "check-slurm: FAILED: the analysis files differ" >&2
	fail=1
fi
parts=$(ls "$tmp"/mwork/part2-*.msgpack | wc -l)
[ "$parts" -eq 3 ] || { echo "check-slurm: FAILED: $parts partials, not 3" >&2; fail=1; }
if ! cmp "$tmp/one-dora.msgpack" "$tmp/mout/analysis.msgpack"; then
	echo "check-slurm: FAILED: the reduce's analysis file differs from one machine's" >&2
	fail=1
fi
sh "$root/tests/slurm/cluster.sh" stop "$tmp/cluster"
for f in slurmctld slurmd munged; do
	[ ! -e "$tmp/cluster/$f.pid" ] || { echo "check-slurm: FAILED: $f still running" >&2; fail=1; }
done
[ $fail -eq 0 ] || exit 1
echo "check-slurm: ok: 4 shards on Slurm (jobs $(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $2 }' "$tmp/submit.log"): $((t1 - t0)) s), merged and analysed: store and analysis file equal to one machine's"
echo "check-slurm: ok: map array of 3 and reduces on Slurm (jobs $(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $2 }' "$tmp/msubmit.log"): $((t2 - t1)) s): analysis file equal to one machine's --only $MR_ONLY"
