#!/bin/sh
# tests/fuzz/run.sh SECONDS NAME... - `make fuzz`: builds each harness
# with clang and libFuzzer (+ ASan, UBSan) into build-fuzz/ and runs it
# for SECONDS, starting from its committed corpus tests/fuzz/corpus/NAME/
# (the working corpus grows in build-fuzz/corpus/NAME/).  A crash leaves
# its input in build-fuzz/crashes/NAME/: copy it into the committed
# corpus once fixed, and `make check` replays it from then on.
# Prints, per harness, the executions per second and what was found.
set -u
secs=$1
shift
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "fuzz: $CC not found (apt-get install clang)" >&2; exit 2; }
status=0
printf '%-10s %10s %10s %8s %s\n' harness execs exec/s corpus result
for name in "$@"; do
	make -s FUZZ=1 CC="$CC" "build-fuzz/fuzz/fuzz-$name" >/dev/null || exit 1
	mkdir -p "build-fuzz/corpus/$name" "build-fuzz/crashes/$name" "tests/fuzz/corpus/$name"
	dict=
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	log="build-fuzz/$name.log"
	"build-fuzz/fuzz/fuzz-$name" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 $dict \
		-artifact_prefix="build-fuzz/crashes/$name/" \
		"build-fuzz/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	units=$(ls "build-fuzz/corpus/$name" | wc -l)
	if [ $rc -eq 0 ]; then
		result=clean
	else
		result="FOUND: $(ls "build-fuzz/crashes/$name" | head -1) (see $log)"
		status=1
	fi
	printf '%-10s %10s %10s %8s %s\n' "$name" "${execs:-?}" "${rate:-?}" "$units" "$result"
done
exit $status
