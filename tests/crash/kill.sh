#!/bin/sh
# tests/crash/kill.sh - shiplog-ingest killed with SIGKILL must never lose,
# double or corrupt data (docs/RELIABILITY.md).
#
# A store holds a first ingest; a second ingest (new days and days shared
# with the first, status updates of stored deployments, damaged rows) is
# killed (1) at every step of its commit, through the SHIPLOG_CRASH_AT
# hook of lib/sl_store.c (in the test build only: `make crash` builds
# build/hooks/bin with it), and (2) at TIMED moments spread over its run.
# After each kill: --verify passes (the store opens, every checksum holds)
# and a rerun of the second ingest gives exactly the rows, rejects and
# manifest of a run that was never killed.  (3) does the same for the
# parallel merge's part and commit.
#
#   BIN=build/hooks/bin sh tests/crash/kill.sh [DEPLOYMENTS [TIMED [all]]]
#
# Defaults: 3000 deployments, 3 timed kills, and a sample of the commit
# steps (the first five, the quarters and the last two); `all` tries
# every step (make check-crash).
set -u
BIN=${BIN:-build/hooks/bin}
rows=${1:-3000}
timed=${2:-3}
every=${3:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shiplog-kill.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

gen() { # seed start days dir
	"$BIN/shiplog-gen" --seed "$1" --deployments "$rows" --start "$2" --days "$3" \
		--dirty 0.002 --kinds deployments,artifacts,validations,stage_runs,pipeline_runs,gate_results \
		-o "$4" >/dev/null
}
gen 1 2026-01-01 20 "$tmp/in1"
gen 2 2026-01-11 20 "$tmp/in2"

# Everything a store holds, independent of when it was written.
state() {
	for k in deployments checkpoints artifacts validations pipeline_runs stage_runs \
		gate_results versions incidents metric_samples; do
		echo "== $k"
		"$BIN/shiplog-ingest" --store "$1" --dump "$k" || echo "dump failed"
	done
	echo "== rejects"
	cat "$1"/rejects/*.csv 2>/dev/null | sort
	echo "== manifest"
	cut -f1,2,4- "$1/manifest.tsv" | sort
}

"$BIN/shiplog-ingest" -q --store "$tmp/base" "$tmp"/in1/*.csv || exit 1
cp -a "$tmp/base" "$tmp/ref"
t0=$(date +%s.%N)
"$BIN/shiplog-ingest" -q --store "$tmp/ref" "$tmp"/in2/*.csv || exit 1
t1=$(date +%s.%N)
state "$tmp/ref" >"$tmp/ref.txt"

# One trial: $1 names it; the store is in $tmp/s, the killed run is done.
check() {
	if ! "$BIN/shiplog-ingest" --store "$tmp/s" --verify >"$tmp/verify.txt" 2>&1; then
		echo "$1: verify FAILED"; sed 's/^/  /' "$tmp/verify.txt" | head -5; fail=1; return
	fi
	if ! "$BIN/shiplog-ingest" -q --store "$tmp/s" "$tmp"/in2/*.csv 2>"$tmp/rerun.txt"; then
		echo "$1: rerun FAILED"; sed 's/^/  /' "$tmp/rerun.txt" | head -5; fail=1; return
	fi
	state "$tmp/s" >"$tmp/got.txt"
	if cmp -s "$tmp/ref.txt" "$tmp/got.txt"; then
		echo "$1: ok"
	else
		echo "$1: store DIFFERS from the clean run"
		diff "$tmp/ref.txt" "$tmp/got.txt" | head -5
		fail=1
	fi
}

# (1) commit steps
killed_at() { # does a run killed at step $1 die there (not complete)?
	rm -rf "$tmp/p"; cp -a "$tmp/base" "$tmp/p"
	SHIPLOG_CRASH_AT=$1 "$BIN/shiplog-ingest" -q --store "$tmp/p" "$tmp"/in2/*.csv 2>/dev/null
	[ $? -eq 137 ]
}
hi=8
while killed_at $hi; do hi=$((hi * 2)); done
lo=$((hi / 2))
while [ $((hi - lo)) -gt 1 ]; do # the last step that kills is in [lo, hi)
	mid=$(((lo + hi) / 2))
	if killed_at $mid; then lo=$mid; else hi=$mid; fi
done
last=$lo
if [ "$every" = all ]; then
	steps=$(seq 1 "$last")
else
	steps=$(printf '%s\n' 1 2 3 4 5 $((last / 4)) $((last / 2)) $((3 * last / 4)) \
		$((last - 1)) "$last" | awk '$1 >= 1' | sort -nu)
fi
tried=0
for step in $steps; do
	rm -rf "$tmp/s"; cp -a "$tmp/base" "$tmp/s"
	SHIPLOG_CRASH_AT=$step "$BIN/shiplog-ingest" -q --store "$tmp/s" "$tmp"/in2/*.csv \
		2>/dev/null
	rc=$?
	if [ $rc -ne 137 ]; then
		echo "commit step $step: exit $rc, not a kill"; fail=1; continue
	fi
	check "commit step $step of $last"
	tried=$((tried + 1))
done
echo "commit steps tried: $tried of $last"

# (2) kills at moments spread over the run.  Only a kill that landed (the
# run died of SIGKILL) is a trial: a run that finished first proves
# nothing, so the moment is halved and tried again (a few times), and a
# run that failed on its own is a failure.
dur=$(echo "$t1 - $t0" | bc)
i=1 landed=0
while [ $i -le "$timed" ]; do
	at=$(echo "scale=3; $dur * $i / ($timed + 1)" | bc)
	tries=0
	while :; do
		rm -rf "$tmp/s"; cp -a "$tmp/base" "$tmp/s"
		"$BIN/shiplog-ingest" -q --store "$tmp/s" "$tmp"/in2/*.csv 2>/dev/null &
		pid=$!
		sleep "$at"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		rc=$?
		[ $rc -eq 0 ] || break
		tries=$((tries + 1))
		[ $tries -lt 4 ] || break
		at=$(echo "scale=3; $at / 2" | bc)
	done
	case $rc in
	137)
		check "kill at ${at}s of ${dur}s"
		landed=$((landed + 1)) ;;
	0)
		echo "kill at ${at}s of ${dur}s: the run finished first (not a trial)" ;;
	*)
		echo "kill at ${at}s of ${dur}s: the run failed on its own (exit $rc)"; fail=1 ;;
	esac
	i=$((i + 1))
done
echo "timed kills landed: $landed of $timed"
if [ "$timed" -gt 0 ] && [ $landed -eq 0 ]; then
	echo "no timed kill landed: the timed part tested nothing"; fail=1
fi
# (3) the parallel merge (--merge --part K/M, then --commit) killed at each
# step of a part's commit (into its staging area) and of the commit into
# the store: the store is then the old one or the merged one, never between
# (--verify passes), and the rest of the flow run again (the part, the
# commit) gives the store of a merge that was never killed.
"$BIN/shiplog-ingest" -q --store "$tmp/sh0" "$tmp"/in2/deployments.csv "$tmp"/in2/pipeline_runs.csv \
	"$tmp"/in2/gate_results.csv || exit 1
"$BIN/shiplog-ingest" -q --store "$tmp/sh1" "$tmp"/in2/artifacts.csv "$tmp"/in2/validations.csv \
	"$tmp"/in2/stage_runs.csv || exit 1
cp -a "$tmp/base" "$tmp/mref"
"$BIN/shiplog-ingest" -q --store "$tmp/mref" --merge "$tmp/sh0" "$tmp/sh1" || exit 1
state "$tmp/mref" >"$tmp/mref.txt"
state "$tmp/base" >"$tmp/base.txt"
merge_check() { # $1 names the trial; the store is $tmp/s, the flow done again
	if ! "$BIN/shiplog-ingest" --store "$tmp/s" --verify >"$tmp/verify.txt" 2>&1; then
		echo "$1: verify FAILED"; fail=1; return
	fi
	state "$tmp/s" >"$tmp/got.txt"
	if ! cmp -s "$tmp/base.txt" "$tmp/got.txt" && ! cmp -s "$tmp/mref.txt" "$tmp/got.txt"; then
		echo "$1: the store is neither the old one nor the merged one"; fail=1; return
	fi
	for k in 0 1; do
		[ -s "$tmp/s/.merge/part-$k-of-2/part.tsv" ] || cmp -s "$tmp/mref.txt" "$tmp/got.txt" ||
			"$BIN/shiplog-ingest" -q --store "$tmp/s" --merge --part $k/2 "$tmp/sh0" "$tmp/sh1"
	done
	"$BIN/shiplog-ingest" -q --store "$tmp/s" --merge --commit "$tmp/sh0" "$tmp/sh1" 2>"$tmp/rerun.txt" ||
		{ echo "$1: commit again FAILED"; sed 's/^/  /' "$tmp/rerun.txt" | head -3; fail=1; return; }
	state "$tmp/s" >"$tmp/got.txt"
	if cmp -s "$tmp/mref.txt" "$tmp/got.txt" && [ ! -e "$tmp/s/.merge" ]; then
		echo "$1: ok"
	else
		echo "$1: store DIFFERS from the clean merge"; fail=1
	fi
}
# the store with both parts made: the commit's trials start from a copy
cp -a "$tmp/base" "$tmp/mbase"
"$BIN/shiplog-ingest" -q --store "$tmp/mbase" --merge --part 0/2 "$tmp/sh0" "$tmp/sh1" || exit 1
"$BIN/shiplog-ingest" -q --store "$tmp/mbase" --merge --part 1/2 "$tmp/sh0" "$tmp/sh1" || exit 1
mkill() { # $1 part|commit, $2 the step: into $tmp/s; true when killed there
	rm -rf "$tmp/s"
	if [ "$1" = commit ]; then
		cp -a "$tmp/mbase" "$tmp/s"
		SHIPLOG_CRASH_AT=$2 "$BIN/shiplog-ingest" -q --store "$tmp/s" --merge --commit \
			"$tmp/sh0" "$tmp/sh1" 2>/dev/null
	else
		cp -a "$tmp/base" "$tmp/s"
		SHIPLOG_CRASH_AT=$2 "$BIN/shiplog-ingest" -q --store "$tmp/s" --merge --part 0/2 \
			"$tmp/sh0" "$tmp/sh1" 2>/dev/null
	fi
	[ $? -eq 137 ]
}
for what in part commit; do
	hi=8
	while mkill $what $hi; do hi=$((hi * 2)); done
	lo=$((hi / 2))
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if mkill $what $mid; then lo=$mid; else hi=$mid; fi
	done
	last=$lo
	if [ "$every" = all ]; then
		steps=$(seq 1 "$last")
	else
		steps=$(printf '%s\n' 1 2 3 $((last / 4)) $((last / 2)) $((3 * last / 4)) \
			$((last - 1)) "$last" | awk '$1 >= 1' | sort -nu)
	fi
	for step in $steps; do
		if mkill $what "$step"; then
			merge_check "parallel merge: $what killed at step $step of $last"
		else
			echo "parallel merge: $what step $step: not a kill"; fail=1
		fi
	done
done
[ $fail -eq 0 ] && echo "kill test: rows lost 0, rows doubled 0" || echo "kill test: FAILED"
exit $fail
