#!/bin/sh
# End-to-end golden tests.  Each tests/e2e/cases/NAME.sh runs in a fresh
# temporary directory (with lib.sh sourced) and what it writes must equal
# tests/e2e/cases/NAME.out exactly: its standard output, then a line
# "--- stderr" and its standard error, then "--- exit N", the status the
# case ended with (the cases print each command's status as exit=N).  The
# two streams are kept apart, so a message that moves from one to the
# other, or a wrong status, fails the case.  UPDATE=1 rewrites the .out
# files (review the diff before committing).  ONLY=NAME runs one case.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${BIN:?set BIN to the directory of the shiplog binaries}"
export BIN E2E_DATA="$here/data" E2E_ROOT="$(cd "$here/../.." && pwd)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shiplog-e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
cases=${E2E_CASES:-$here/cases} # another folder of cases: tests/build checks this runner
for t in "$cases"/*.sh; do
	name=$(basename "$t" .sh)
	[ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ] && continue
	dir="$tmp/$name"
	mkdir -p "$dir"
	(cd "$dir" && . "$here/lib.sh" && . "$t") >"$tmp/$name.stdout" 2>"$tmp/$name.stderr"
	rc=$?
	{
		cat "$tmp/$name.stdout"
		echo "--- stderr"
		cat "$tmp/$name.stderr"
		echo "--- exit $rc"
	} | sed -e "s#$here/data#DATA#g" -e "s#$E2E_ROOT/#ROOT/#g" -e "s#$BIN/##g" >"$tmp/$name.got"
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$tmp/$name.got" "$cases/$name.out"
		echo "updated $name"
	elif cmp -s "$tmp/$name.got" "$cases/$name.out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name"
		diff -u "$cases/$name.out" "$tmp/$name.got" | head -40
	fi
done
[ "${UPDATE:-0}" = 1 ] && exit 0
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
