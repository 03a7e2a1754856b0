#!/bin/sh
# tests/tally.sh - the verdict of `make check`: each part of the run
# records how many of its tests passed and failed, and the last line of
# the run adds them up.
#
#   sh tests/tally.sh PART -- COMMAND [ARG...]
#	runs COMMAND (its output passes through unchanged, its exit status
#	is returned) and, when CHECK_RESULTS names a file, appends
#	"PART PASSED FAILED" to it: the counts of a Check runner
#	("Checks: N, Failures: F, Errors: E") or of a line
#	"...: P passed, F failed" when COMMAND prints one, else one test
#	that passed when COMMAND exited 0 and failed when not.  A command
#	that fails after printing counts of no failure (it crashed, or a
#	step around its tests failed) counts one failure more.
#   sh tests/tally.sh --summary FILE
#	prints "check: N passed, N failed" over every line of FILE and
#	exits 1 when anything failed or nothing ran.
set -u

if [ "${1:-}" = --summary ]; then
	awk '{ p += $2; f += $3 }
	     END { printf "check: %d passed, %d failed\n", p, f; exit (f > 0 || p == 0) }' "$2"
	exit
fi

part=$1
shift
[ "${1:-}" = -- ] && shift
if [ -z "${CHECK_RESULTS:-}" ]; then
	"$@"
	exit
fi
out=$(mktemp "${TMPDIR:-/tmp}/shiplog-tally.XXXXXX")
trap 'rm -f "$out"' EXIT INT TERM
# the command's standard output is shown as it comes and kept for its
# counts (its standard error goes by); its
# exit status comes back through a file (a pipeline's is the last one's)
{ "$@"; echo $? >"$out.rc"; } | tee "$out"
rc=$(cat "$out.rc" 2>/dev/null || echo 1)
rm -f "$out.rc"
counts=$(awk '
	/Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+/ {
		for (i = 1; i <= NF; i++) {
			if ($i == "Checks:") n = $(i + 1) + 0
			if ($i == "Failures:") f = $(i + 1) + 0
			if ($i == "Errors:") e = $(i + 1) + 0
		}
		c = (n - f - e) " " (f + e)
	}
	/: [0-9]+ passed, [0-9]+ failed$/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^passed,?$/) p = $(i - 1) + 0
			if ($i ~ /^failed$/) f = $(i - 1) + 0
		}
		c = p " " f
	}
	END { print c }' "$out")
if [ -z "$counts" ]; then
	[ "$rc" -eq 0 ] && counts="1 0" || counts="0 1"
elif [ "$rc" -ne 0 ] && [ "${counts#* }" = 0 ]; then
	counts="${counts% *} 1"
fi
echo "$part $counts" >>"$CHECK_RESULTS"
exit "$rc"
