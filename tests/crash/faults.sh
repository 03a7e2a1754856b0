#!/bin/sh
# tests/crash/faults.sh - write faults during shiplog-ingest (docs/RELIABILITY.md,
# docs/RELIABILITY.md).  With the shim faultfs.so preloaded, one call of
# write, fsync, syncfs, rename, fflush, fclose or ftruncate fails with
# ENOSPC or EIO.
# Each faulty run must exit 1 with a message naming a file and the
# system's reason; the store must then hold exactly the state before the
# run, or (when the fault came after the commit was decided: its journal
# durable) exactly the state after it, never a mixture; --verify passes;
# and a plain rerun completes the ingest.  Short writes must change
# nothing at all.
#
#   BIN=bin FAULTFS=build/tests/faultfs.so sh tests/crash/faults.sh
set -u
BIN=${BIN:-bin}
FAULTFS=$(cd "$(dirname "${FAULTFS:?}")" && pwd)/$(basename "$FAULTFS")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shiplog-faults.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
# ASan objects to a library loaded before its runtime; this one is harmless
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"

gen() {
	"$BIN/shiplog-gen" --seed "$1" --deployments 1500 --start "$2" --days 6 --dirty 0.003 \
		--kinds deployments,artifacts,stage_runs -o "$3" >/dev/null
}
gen 1 2026-01-01 "$tmp/in1"
gen 2 2026-01-04 "$tmp/in2"

state() {
	for k in deployments artifacts stage_runs; do
		echo "== $k"
		"$BIN/shiplog-ingest" --store "$1" --dump "$k" || echo "dump failed"
	done
	echo "== rejects"
	cat "$1"/rejects/*.csv 2>/dev/null | sort
	echo "== manifest"
	cut -f1,2,4- "$1/manifest.tsv" 2>/dev/null | sort
}

"$BIN/shiplog-ingest" -q --store "$tmp/base" "$tmp"/in1/*.csv || exit 1
state "$tmp/base" >"$tmp/before.txt"
cp -a "$tmp/base" "$tmp/ref"
"$BIN/shiplog-ingest" -q --store "$tmp/ref" "$tmp"/in2/*.csv || exit 1
state "$tmp/ref" >"$tmp/after.txt"

run() { # fault-spec [options]: the ingest of in2 into a copy of base, with the fault
	rm -rf "$tmp/s"; cp -a "$tmp/base" "$tmp/s"
	fault=$1
	shift
	SHIPLOG_FAULT=$fault LD_PRELOAD=$FAULTFS "$BIN/shiplog-ingest" -q "$@" --store "$tmp/s" \
		"$tmp"/in2/*.csv 2>"$tmp/err.txt"
}

# check SPEC INPUT AFTER: the verdict on the last run, whose state must be
# that before it or AFTER; a plain rerun of INPUT must then reach AFTER
check() {
	spec=$1 rc=$2 input=$3 after=$4
	msg=$(grep -m1 'error' "$tmp/err.txt")
	if [ "$rc" -eq 0 ]; then
		echo "$spec: not reached (the run made fewer calls)"
		return
	fi
	if [ "$rc" -ne 1 ] || ! printf '%s' "$msg" | grep -q "'.*'.*\(No space left\|Input/output\|quota\)"; then
		echo "$spec: exit $rc, message: $msg"; fail=1; return
	fi
	if ! "$BIN/shiplog-ingest" --store "$tmp/s" --verify >/dev/null 2>&1; then
		echo "$spec: verify FAILED"; fail=1; return
	fi
	state "$tmp/s" >"$tmp/got.txt"
	if cmp -s "$tmp/got.txt" "$tmp/before.txt"; then
		was="store as before"
	elif cmp -s "$tmp/got.txt" "$after"; then
		was="commit decided, completed on reopen"
	else
		echo "$spec: store is NEITHER the state before nor after"; fail=1; return
	fi
	"$BIN/shiplog-ingest" -q --store "$tmp/s" "$input"/*.csv 2>/dev/null
	state "$tmp/s" >"$tmp/got.txt"
	if cmp -s "$tmp/got.txt" "$after"; then
		echo "$spec: exit 1, $was; rerun complete"
	else
		echo "$spec: rerun DIFFERS from a clean run"; fail=1
	fi
}

# spill:SPEC: the same with small buffers, so that row groups are spilled
# (by the writer thread) while the input is read, and the fault hits there
for spec in write:1:ENOSPC write:5:EIO write:12:ENOSPC write:25:EDQUOT \
	    fsync:1:EIO fsync:3:EIO syncfs:1:EIO fflush:1:ENOSPC fflush:2:ENOSPC \
	    fclose:2:EIO fclose:4:EIO rename:1:EIO rename:2:EIO rename:12:EIO \
	    spill:write:3:EIO spill:write:9:ENOSPC; do
	case $spec in
	spill:*) run "${spec#spill:}" --buffer-rows 1024 ;;
	*) run "$spec" ;;
	esac
	check "$spec" $? "$tmp/in2" "$tmp/after.txt"
done

# log:SPEC: more deployment_ids than --buffer-rows 1024 keeps in memory, so
# that they go to the status-update log, and the fault hits a write there
"$BIN/shiplog-gen" --seed 3 --deployments 6000 --start 2026-01-04 --days 6 --updates 0.2 \
	--kinds deployments -o "$tmp/in3" >/dev/null
cp -a "$tmp/base" "$tmp/ref3"
"$BIN/shiplog-ingest" -q --store "$tmp/ref3" "$tmp"/in3/*.csv || exit 1
state "$tmp/ref3" >"$tmp/after3.txt"
for spec in write:1:ENOSPC write:3:EIO; do
	rm -rf "$tmp/s"; cp -a "$tmp/base" "$tmp/s"
	SHIPLOG_FAULT=$spec SHIPLOG_FAULT_DELETED=1 LD_PRELOAD=$FAULTFS "$BIN/shiplog-ingest" -q \
		--buffer-rows 1024 --store "$tmp/s" "$tmp"/in3/*.csv 2>"$tmp/err.txt"
	check "log:$spec" $? "$tmp/in3" "$tmp/after3.txt"
done

# late:SPEC: two inputs of overlapping days in one run with small buffers:
# the days the first one ends with are sealed while it is read (quiet
# partitions, docs/INGEST.md), and the second one's rows for them take the
# footers back (ftruncate; the first one is of the lock file), where the
# fault hits
mkdir -p "$tmp/in4"
"$BIN/shiplog-gen" --seed 4 --deployments 1500 --start 2026-01-10 --days 6 \
	--kinds deployments -o "$tmp/in4/a" >/dev/null
"$BIN/shiplog-gen" --seed 5 --deployments 1500 --start 2026-01-12 --days 6 \
	--kinds deployments -o "$tmp/in4/b" >/dev/null
mv "$tmp/in4/a/deployments.csv" "$tmp/in4/1.csv"
mv "$tmp/in4/b/deployments.csv" "$tmp/in4/2.csv"
cp -a "$tmp/base" "$tmp/ref4"
"$BIN/shiplog-ingest" -q --store "$tmp/ref4" "$tmp"/in4/*.csv || exit 1
state "$tmp/ref4" >"$tmp/after4.txt"
for spec in ftruncate:2:EIO ftruncate:5:EIO write:20:ENOSPC; do
	rm -rf "$tmp/s"; cp -a "$tmp/base" "$tmp/s"
	SHIPLOG_FAULT=$spec LD_PRELOAD=$FAULTFS "$BIN/shiplog-ingest" -q \
		--buffer-rows 1024 --store "$tmp/s" "$tmp"/in4/*.csv 2>"$tmp/err.txt"
	check "late:$spec" $? "$tmp/in4" "$tmp/after4.txt"
done

run short
rc=$?
state "$tmp/s" >"$tmp/got.txt"
if [ $rc -eq 0 ] && cmp -s "$tmp/got.txt" "$tmp/after.txt"; then
	echo "short writes: absorbed, store as a clean run"
else
	echo "short writes: exit $rc, store differs"; fail=1
fi
[ $fail -eq 0 ] && echo "fault test: passed" || echo "fault test: FAILED"
exit $fail
