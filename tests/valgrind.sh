#!/bin/sh
# tests/valgrind.sh - `make check-valgrind`: the end-to-end tests with every
# shiplog binary run under valgrind's memcheck.  A wrapper per binary puts
# each process's report in build/valgrind/logs/; any invalid access, use of
# uninitialised memory or leak makes valgrind exit 99, which the golden
# files catch as a changed exit status, and the logs are scanned again at
# the end.  Slow (each process runs ~30x slower): not part of make check.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
real=${BIN:?set BIN to the directory of the shiplog binaries}
wrap=$root/build/valgrind/bin
logs=$root/build/valgrind/logs
command -v valgrind >/dev/null || { echo "check-valgrind: valgrind not installed" >&2; exit 2; }
rm -rf "$wrap" "$logs"
mkdir -p "$wrap" "$logs"
for p in "$real"/shiplog-*; do
	n=$(basename "$p")
	cat >"$wrap/$n" <<EOS
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \\
	--errors-for-leak-kinds=definite,indirect --track-origins=yes \\
	--log-file="$logs/$n.%p.log" "$p" "\$@"
EOS
	chmod +x "$wrap/$n"
done
BIN=$wrap sh "$root/tests/e2e/run.sh"
status=$?
bad=$(find "$logs" -name '*.log' -size +0 | wc -l)
runs=$(find "$logs" -name '*.log' | wc -l)
echo "valgrind: $runs processes, $bad with a report"
find "$logs" -name '*.log' -size +0 | head -5 | while read -r f; do
	echo "--- $f"; head -30 "$f"
done
[ "$status" -eq 0 ] && [ "$bad" -eq 0 ]
