#!/bin/sh
# tests/build/run.sh - the build itself (`make check` runs it last, as its
# part "build-test"): make check's verdict, kept objects and the hygiene of
# the Makefile (clean, a missing package, the inflate found, make sample,
# test hooks only in the test build's library).  Each check prints
# "ok: ..." or "FAIL: ..."; the last line counts them.  Also the e2e
# runner's own rule: streams and exit status apart.  Run from the top of
# the tree; MAKE, B and BIN as the calling make has them (B: build,
# build-san; BIN: the binaries, bin or build-san/bin).
#
#   MAKE=make B=build BIN=bin sh tests/build/run.sh
set -u
MAKE=${MAKE:-make}
B=${B:-build}
BIN=${BIN:-bin}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shiplog-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0

ok() { echo "ok: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }
# expect WHAT: the last command's status was 0
expect() { if [ "$rc" -eq 0 ]; then ok "$1"; else bad "$1"; sed 's/^/  /' "$tmp/out" | tail -5; fi; }

# The tally of make check: a Check runner's failures and errors, an
# "N passed, N failed" line, a bare exit status, and a crash after counts
# of no failure.
tally() { CHECK_RESULTS=$tmp/results sh tests/tally.sh "$@" >/dev/null 2>&1; }
: >"$tmp/results"
tally unit -- sh -c 'echo "60%: Checks: 5, Failures: 1, Errors: 1"; exit 1'
tally e2e -- sh -c 'echo "e2e: 7 passed, 0 failed"'
tally replay -- false
tally crash -- true
tally crash -- sh -c 'echo "x: 3 passed, 0 failed"; exit 1'
printf 'unit 3 2\ne2e 7 0\nreplay 0 1\ncrash 1 0\ncrash 3 1\n' >"$tmp/want"
cmp -s "$tmp/results" "$tmp/want" && ok "tally: the counts of each part" ||
	{ bad "tally: the counts of each part"; diff "$tmp/want" "$tmp/results"; }
sh tests/tally.sh --summary "$tmp/results" >"$tmp/out"
rc=$?
[ "$rc" -ne 0 ] && [ "$(cat "$tmp/out")" = "check: 14 passed, 4 failed" ] &&
	ok "tally: the verdict adds up, failures fail" || bad "tally: verdict '$(cat "$tmp/out")' exit $rc"
printf 'unit 3 0\n' >"$tmp/results"
sh tests/tally.sh --summary "$tmp/results" >"$tmp/out"
rc=$?
expect "tally: no failure passes"

# make check itself: every part runs although one fails, the last line is
# the verdict and the status says it (a part with no rule stops before
# counting: one failure).  Make's own "*** Error" line goes to stderr.
$MAKE --no-print-directory check CHECK_PARTS="nosuchpart replay" CHECK_FILE="$tmp/inner" \
	>"$tmp/out" 2>/dev/null
rc=$?
last=$(tail -1 "$tmp/out")
case $rc:$last in
0:*) bad "make check with a failed part exits 0" ;;
*:"check: "[1-9]*" passed, 1 failed") ok "make check: the parts after a failed one run, '$last'" ;;
*) bad "make check's last line: '$last'" ;;
esac
# and the objects of the replays are kept: nothing left to build
$MAKE --no-print-directory -n replay >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && ! grep -q -e ' -c ' -e '^rm ' "$tmp/out"; then
	ok "replay after make check builds nothing, deletes nothing"
else
	bad "replay after make check rebuilds:"; grep -e ' -c ' -e '^rm ' "$tmp/out" | head -3
fi

# Build hygiene.  make clean leaves no build directory of any flavour (in a
# copy of the Makefile: this tree's builds stay).
mkdir -p "$tmp/clean"
cp Makefile "$tmp/clean/"
(cd "$tmp/clean" && mkdir -p build build-san build-tsan build-fuzz bin out &&
	env -u MAKEFLAGS -u MAKELEVEL $MAKE -s clean >/dev/null 2>&1)
left=$(cd "$tmp/clean" && ls -d build* bin out 2>/dev/null | tr '\n' ' ')
[ -z "$left" ] && ok "make clean removes every build directory" || bad "make clean leaves $left"
# a package pkg-config cannot find is named when the build starts
env -u MAKEFLAGS -u MAKELEVEL $MAKE -n all PKGS="zlib shiplog-no-such-package" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -ne 0 ] && grep -q "finds no package shiplog-no-such-package" "$tmp/out" &&
	ok "a missing package is named" || { bad "a missing package is not named (exit $rc)"; head -3 "$tmp/out"; }
# which inflate was found is said once, also by a make that runs makes
env -u MAKEFLAGS -u MAKELEVEL $MAKE -n all >"$tmp/out" 2>&1
n1=$(grep -c '^inflate: \(ISA-L\|zlib (libisal not found)\)$' "$tmp/out")
env -u MAKEFLAGS -u MAKELEVEL $MAKE -n check CHECK_PARTS=unit >"$tmp/out" 2>&1
n2=$(grep -c '^inflate: ' "$tmp/out")
[ "$n1" = 1 ] && [ "$n2" = 1 ] && ok "the inflate found is said once a build" ||
	bad "the inflate found is said $n1 times by make, $n2 by make check"
# make sample regenerates the bundled sample byte for byte
$MAKE --no-print-directory sample SAMPLE_DIR="$tmp/sample" >"$tmp/out" 2>&1
rc=$?
for f in data/sample/*.csv.gz; do
	cmp -s "$f" "$tmp/sample/${f##*/}" || rc=1
done
expect "make sample regenerates data/sample as committed"
# the library users run has no test hook; the test build's has them
if [ -e "$B/hooks/libshiplog.a" ]; then
	if ! grep -q -e SHIPLOG_CRASH_AT -e sl_cfr_fuzz_skip_crc "$B/libshiplog.a" &&
		grep -q SHIPLOG_CRASH_AT "$B/hooks/libshiplog.a" &&
		grep -q sl_cfr_fuzz_skip_crc "$B/hooks/libshiplog.a"; then
		ok "test hooks in $B/hooks/libshiplog.a only"
	else
		bad "test hooks: in $B/libshiplog.a, or not in $B/hooks/libshiplog.a"
	fi
else
	bad "no $B/hooks/libshiplog.a (make crash builds it)"
fi

# Quiet build lines by default, the whole command with V=1 (one object
# built into a build directory of its own).
env -u MAKEFLAGS -u MAKELEVEL $MAKE --no-print-directory B="$tmp/qb" "$tmp/qb/lib/sl_err.o" \
	>"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && [ "$(grep -v '^inflate: ' "$tmp/out")" = "  CC  $tmp/qb/lib/sl_err.o" ] &&
	ok "a build line is '  CC  FILE.o'" || { bad "build lines:"; head -3 "$tmp/out"; }
rm -rf "$tmp/qb"
env -u MAKEFLAGS -u MAKELEVEL $MAKE --no-print-directory B="$tmp/qb" V=1 "$tmp/qb/lib/sl_err.o" \
	>"$tmp/out" 2>&1
grep -q -- " -c -o $tmp/qb/lib/sl_err.o lib/sl_err.c" "$tmp/out" &&
	ok "V=1 shows the commands" || { bad "V=1 shows no command:"; head -3 "$tmp/out"; }

# The demo prints what a person reads: with make's two lines (the inflate
# found, the build) at most 30 lines, the sample's damaged rows said once
# with where they are, no warning about them, no number of many digits.
OUT="$tmp/demo" BIN="$BIN" sh scripts/demo.sh >"$tmp/out" 2>&1
rc=$?
n=$(wc -l <"$tmp/out")
if [ "$rc" -ne 0 ]; then
	bad "make demo's script exits $rc"; tail -5 "$tmp/out"
elif [ "$n" -gt 28 ]; then
	bad "make demo prints $n lines and two of make's"
elif grep -q ': warning: ' "$tmp/out"; then
	bad "make demo shows warnings: $(grep -c ': warning: ' "$tmp/out")"
elif ! grep -q '^note: the sample has rows damaged on purpose .*analyze.log$' "$tmp/out"; then
	bad "make demo does not say the sample's rows are damaged on purpose"
elif grep -E '[0-9]\.[0-9]{4,}' "$tmp/out"; then
	bad "make demo prints numbers of many digits"
else
	ok "make demo prints $n lines (and make's two) a person reads"
fi

# The e2e runner keeps a case's streams and status apart: a message moved
# from standard output to standard error, or a status that changed, fails
# the case (cases in a folder of their own; the golden says "a" on
# standard output and the case ended with 0).
mkdir -p "$tmp/cases"
printf -- 'a\n--- stderr\n--- exit 0\n' >"$tmp/want.out"
for c in "echo a" "echo a >&2" "echo a; false"; do
	rm -f "$tmp/cases/"*
	echo "$c" >"$tmp/cases/one.sh"
	cp "$tmp/want.out" "$tmp/cases/one.out"
	E2E_CASES=$tmp/cases BIN=$BIN sh tests/e2e/run.sh >"$tmp/out" 2>&1
	rc=$?
	case "$c" in
	"echo a") [ "$rc" -eq 0 ] && ok "e2e: '$c' matches its golden" ||
		bad "e2e: '$c' does not match its golden" ;;
	*) [ "$rc" -ne 0 ] && ok "e2e: '$c' fails against a golden of 'echo a'" ||
		bad "e2e: '$c' passes against a golden of 'echo a'" ;;
	esac
done

# A case's own check (lib.sh's must) fails it whatever its golden says,
# and UPDATE=1 (make golden) refuses to write its golden: the golden below
# is exactly what the case prints, and the case still fails.
rm -f "$tmp/cases/"*
printf 'echo a\nmust "one is two" is 1 2\n' >"$tmp/cases/one.sh"
printf -- 'a\n--- stderr\ngot '"'"'1'"'"', want '"'"'2'"'"'\nMISMATCH: one is two\n--- exit 1\n' \
	>"$tmp/cases/one.out"
cp "$tmp/cases/one.out" "$tmp/one.before"
if E2E_CASES=$tmp/cases BIN=$BIN sh tests/e2e/run.sh >"$tmp/out" 2>&1; then
	bad "e2e: a failed must passes against a golden that records it"
else
	ok "e2e: a failed must fails the case whatever its golden says"
fi
if E2E_CASES=$tmp/cases BIN=$BIN UPDATE=1 sh tests/e2e/run.sh >"$tmp/out" 2>&1; then
	bad "e2e: UPDATE=1 succeeds over a case whose must fails"
elif ! cmp -s "$tmp/cases/one.out" "$tmp/one.before" || ! grep -q 'not updated: one' "$tmp/out"; then
	bad "e2e: UPDATE=1 rewrote a case whose must fails"
else
	ok "e2e: UPDATE=1 refuses to write a case whose must fails"
fi

echo "build: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
