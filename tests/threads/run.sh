#!/bin/sh
# tests/threads/run.sh - shiplog-ingest's threads under ThreadSanitizer
# (`make check-threads` builds it with SANITIZE=thread).  The CSV reader
# runs libcsv and the shortcuts in one thread, inflate runs in another,
# the mapper in the main thread and spilled row groups are written by a
# fourth; these runs make all of them work at once -- small buffers so
# that the writer is busy, and a file big enough that the reader puts
# metadata objects in their stored form while the mapper is behind -- and
# any race report fails the test.
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
exit $fail
