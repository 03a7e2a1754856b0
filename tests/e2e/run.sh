#!/bin/sh
# End-to-end golden tests.  Each tests/e2e/cases/NAME.sh runs in a fresh
# temporary directory (with lib.sh sourced) and what it writes must equal
# tests/e2e/cases/NAME.out exactly: its standard output, then a line
# "--- stderr" and its standard error, then "--- exit N", the status the
# case ended with (the cases print each command's status as exit=N).  The
# two streams are kept apart, so a message that moves from one to the
# other, or a wrong status, fails the case.  UPDATE=1 rewrites the .out
# files (review the diff before committing), except those of cases whose
# own checks failed (lib.sh's must: a hand-worked value or an independent
# reference): a case fails on those whatever its golden file holds, and
# UPDATE=1 refuses to write it.  ONLY=NAME runs one case; E2E_SKIP="NAME
# ..." leaves cases out (said on stdout).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${BIN:?set BIN to the directory of the shiplog binaries}"
export BIN E2E_DATA="$here/data" E2E_ROOT="$(cd "$here/../.." && pwd)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shiplog-e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0 refused=0
cases=${E2E_CASES:-$here/cases} # another folder of cases: tests/build checks this runner
for t in "$cases"/*.sh; do
	name=$(basename "$t" .sh)
	[ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ] && continue
	case " ${E2E_SKIP:-} " in *" $name "*) echo "skipped: $name (E2E_SKIP)"; continue ;; esac
	dir="$tmp/$name"
	mkdir -p "$dir"
	: >"$tmp/$name.must"
	(cd "$dir" && E2E_MUST="$tmp/$name.must" && . "$here/lib.sh" && . "$t") \
		>"$tmp/$name.stdout" 2>"$tmp/$name.stderr"
	rc=$?
	{
		cat "$tmp/$name.stdout"
		echo "--- stderr"
		cat "$tmp/$name.stderr"
		echo "--- exit $rc"
	} | sed -e "s#$here/data#DATA#g" -e "s#$E2E_ROOT/#ROOT/#g" -e "s#$BIN/##g" >"$tmp/$name.got"
	if [ -s "$tmp/$name.must" ]; then
		# its own checks failed: no golden file can make it pass
		fail=$((fail + 1))
		echo "FAIL: $name: checks failed, whatever the golden file says:"
		sed 's/^/  MISMATCH: /' "$tmp/$name.must"
		grep -v '^MISMATCH: ' "$tmp/$name.stderr" | head -20 | sed 's/^/  /'
		[ "${UPDATE:-0}" = 1 ] && { refused=$((refused + 1)); echo "not updated: $name"; }
	elif [ "${UPDATE:-0}" = 1 ]; then
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
if [ "${UPDATE:-0}" = 1 ]; then
	[ $refused -eq 0 ] && exit 0
	echo "golden: $refused cases not updated: their own checks fail (fix the code, not the golden file)"
	exit 1
fi
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
