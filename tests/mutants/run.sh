#!/bin/sh
# tests/mutants/run.sh - mutation testing (make mutants; not part of make
# check).  Each mutation of tests/mutants/list changes one line of one
# source file; it is applied to a copy of the tree, built there, and the
# tests it names are run: a mutation is killed when one of them fails,
# and survives when they all pass.  The run prints each mutation's fate
# as it goes, then the score and every survivor; it exits 1 when the
# score is below MUT_MIN percent (95) and 2 when the list is broken (a
# fragment not found exactly once, a mutation that does not build, a
# named test that fails before any mutation).
#
#   sh tests/mutants/run.sh [LIST]      MUT_DIR: the copy (default
#   ${TMPDIR:-/tmp}/shiplog-mutants), MUT_ONLY: run the mutations whose
#   numbers are listed ("3 7 12"), MUT_JOBS: make -j (2).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
list=${1:-$root/tests/mutants/list}
dir=${MUT_DIR:-${TMPDIR:-/tmp}/shiplog-mutants}
jobs=${MUT_JOBS:-2}
min=${MUT_MIN:-95}
case $list in /*) ;; *) list=$(pwd)/$list ;; esac

# The list, one mutation a line of $dir/muts: number, file, from, to,
# tests, separated by the unit separator (none of them holds one).
us=$(printf '\037')
parse() {
	awk -v us="$us" '
	function flush() {
		if (file == "") return
		if (from == "" || to == "" || tests == "") {
			printf "%s: mutation %d (%s) lacks a -, + or T line\n", FILENAME, n, file > "/dev/stderr"
			bad = 1
		}
		print n us file us from us to us tests
		file = from = to = tests = ""
	}
	/^#/ || /^[ \t]*$/ { flush(); next }
	/^M / { flush(); n++; file = substr($0, 3); next }
	/^- / { from = substr($0, 3); next }
	/^\+ / { to = substr($0, 3); next }
	/^T / { tests = substr($0, 3); next }
	{ printf "%s:%d: not a mutation line: %s\n", FILENAME, FNR, $0 > "/dev/stderr"; bad = 1 }
	END { flush(); exit bad }' "$list"
}

# How many times the text FROM occurs in file $1 (literally, on one line).
count() {
	FROM=$2 awk 'BEGIN { f = ENVIRON["FROM"] }
	{ s = $0; while ((i = index(s, f)) > 0) { c++; s = substr(s, i + length(f)) } }
	END { print c + 0 }' "$1"
}

# Replaces the one occurrence of FROM in $1 by TO, into $2.
apply() {
	FROM=$3 TO=$4 awk 'BEGIN { f = ENVIRON["FROM"]; t = ENVIRON["TO"] }
	{ i = index($0, f); if (i) $0 = substr($0, 1, i - 1) t substr($0, i + length(f)); print }' \
		"$1" >"$2"
}

mkdir -p "$dir" # its tree/ is replaced, nothing else of it is removed
rm -rf "$dir/tree"
parse >"$dir/all" || exit 2
if [ -n "${MUT_ONLY:-}" ]; then
	for k in $MUT_ONLY; do grep "^$k$us" "$dir/all"; done >"$dir/muts"
else
	cp "$dir/all" "$dir/muts"
fi
total=$(wc -l <"$dir/muts")
[ "$total" -gt 0 ] || { echo "mutants: the list is empty" >&2; exit 2; }

# Every fragment must be found exactly once (the list rots otherwise).
broken=0
while IFS="$us" read -r n file from to tests; do
	if [ ! -f "$root/$file" ]; then
		echo "mutation $n: no file $file" >&2; broken=1; continue
	fi
	c=$(count "$root/$file" "$from")
	if [ "$c" -ne 1 ]; then
		echo "mutation $n: '$from' occurs $c times in $file, not once" >&2; broken=1
	fi
	[ "$from" = "$to" ] && { echo "mutation $n: changes nothing" >&2; broken=1; }
done <"$dir/all"
[ $broken -eq 0 ] || exit 2

# The copy: the sources without the builds; built once, then each
# mutation rebuilds only what depends on its file.
echo "mutants: $total mutations; copying the tree to $dir/tree and building it"
(cd "$root" && tar -cf - --exclude=./.git --exclude='./build*' --exclude=./bin \
	--exclude=./out .) | (mkdir -p "$dir/tree" && cd "$dir/tree" && tar -xf -)
t="$dir/tree"
build() {
	make -C "$t" -s -j"$jobs" all build/tests/unit-runner </dev/null >"$dir/build.log" 2>&1
}
build || { echo "mutants: the unmutated tree does not build:" >&2; tail -20 "$dir/build.log" >&2; exit 2; }

# One test: unit:SUITE (one Check suite) or e2e:CASE (one golden case).
run_test() {
	case $1 in
	unit:*)
		(cd "$t/tests/unit" && CK_RUN_SUITE=${1#unit:} CK_FORK=yes \
			timeout 600 ../../build/tests/unit-runner) </dev/null >"$dir/test.log" 2>&1 ;;
	e2e:*)
		ONLY=${1#e2e:} BIN="$t/bin" timeout 600 sh "$t/tests/e2e/run.sh" \
			</dev/null >"$dir/test.log" 2>&1 &&
			grep -q '^e2e: 1 passed, 0 failed$' "$dir/test.log" ;;
	*)
		echo "unknown test '$1' (unit:SUITE or e2e:CASE)" >"$dir/test.log"; return 2 ;;
	esac
}

# Each named test must pass before any mutation, or it could kill nothing
# honestly.
for x in $(cut -d"$us" -f5 "$dir/muts" | tr ' ' '\n' | sort -u); do
	if ! run_test "$x"; then
		echo "mutants: $x fails on the unmutated tree:" >&2
		tail -20 "$dir/test.log" >&2
		exit 2
	fi
done

killed=0 survived=0
: >"$dir/survivors"
total=$(wc -l <"$dir/muts")
while IFS="$us" read -r n file from to tests <&3; do
	t0=$(date +%s)
	cp -p "$t/$file" "$dir/orig"
	apply "$dir/orig" "$t/$file" "$from" "$to"
	if ! build; then
		cp "$dir/orig" "$t/$file"
		echo "mutation $n ($file): does not build:" >&2
		grep -m5 error "$dir/build.log" >&2
		build
		exit 2
	fi
	by=
	for x in $tests; do
		if ! run_test "$x"; then
			by=$x
			break
		fi
	done
	cp "$dir/orig" "$t/$file"
	touch "$t/$file" # newer than its objects: the next build restores them
	if [ -n "$by" ]; then
		killed=$((killed + 1))
		fate="killed by $by"
	else
		survived=$((survived + 1))
		fate="SURVIVED ($tests)"
		printf '%s: %s  ->  %s\n' "$file" "$from" "$to" >>"$dir/survivors"
	fi
	printf '[%d] %s: %s  ->  %s: %s (%ds)\n' "$n" "$file" "$from" "$to" \
		"$fate" $(($(date +%s) - t0))
done 3<"$dir/muts"
build
score=$(awk -v k=$killed -v n=$total 'BEGIN { printf "%.1f", 100 * k / n }')
echo "mutants: $killed of $total killed ($score%), $survived survived"
if [ $survived -gt 0 ]; then
	echo "survivors:"
	sed 's/^/  /' "$dir/survivors"
fi
awk -v k=$killed -v n=$total -v m="$min" 'BEGIN { exit 100 * k < m * n }'
