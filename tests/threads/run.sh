#!/bin/sh
# tests/threads/run.sh - shiplog-ingest's threads under ThreadSanitizer
# (`make check-threads` builds it with SANITIZE=thread).  The CSV reader
# runs libcsv and the shortcuts in one thread, inflate runs in another,
# the mapper in the main thread and spilled row groups are written by a
# fourth; these runs make all of them work at once -- small buffers so
# that the writer is busy, and a file big enough that the reader puts
# metadata objects in their stored form while the mapper is behind -- and
# any race report fails the test.  shiplog-analyze runs its analyses two
# at a time over one frame, with the success rates beside the frame's
# load: a run over every record kind, in UTC and in a zone with its own
# day cache per thread, must show no race either.
#
#   BIN=build-tsan/bin sh tests/threads/run.sh
set -u
BIN=${BIN:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shiplog-threads.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
fail=0
"$BIN/shiplog-gen" --seed 11 --deployments 60000 --days 20 --kinds deployments,stage_runs \
	-o "$tmp/in" >/dev/null || exit 1
run() {
	rm -rf "$tmp/s"
	if "$BIN/shiplog-ingest" -q "$@" --store "$tmp/s" "$tmp"/in/*.csv 2>"$tmp/err.txt"; then
		echo "threads: $*: no race"
	else
		echo "threads: $*: FAILED"
		head -40 "$tmp/err.txt"
		fail=1
	fi
}
run --buffer-rows 1024
run --buffer-rows 262144
"$BIN/shiplog-gen" --seed 12 --deployments 20000 --agents 40 --days 30 -o "$tmp/all" >/dev/null ||
	exit 1
rm -rf "$tmp/s"
"$BIN/shiplog-ingest" -q --store "$tmp/s" "$tmp"/all/*.csv || exit 1
for tz in UTC Europe/Berlin; do
	if "$BIN/shiplog-analyze" --store "$tmp/s" --now 2026-04-01 --tz $tz \
		-o "$tmp/a.msgpack" 2>"$tmp/err.txt"; then
		echo "threads: analyze --tz $tz: no race"
	else
		echo "threads: analyze --tz $tz: FAILED"
		head -40 "$tmp/err.txt"
		fail=1
	fi
done
exit $fail
