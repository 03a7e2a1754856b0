# Helpers for the e2e cases (sourced; the case runs in its own temp dir).

# Runs shiplog-ingest, shows its exit status, and its stderr with the
# parts that change from run to run (timings, reject file names, dates
# of the run) replaced by fixed words.
ingest() {
	"$BIN/shiplog-ingest" "$@" 2>stderr.txt
	echo "exit=$?"
	norm <stderr.txt
}

norm() {
	sed -e '/^shiplog-ingest: time: /d' \
	    -e 's#rejects/[0-9TZ]*-[0-9]*\.csv#rejects/RUN.csv#g' \
	    -e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:.]*Z (as/DATE (as/g' \
	    -e 's/pid [0-9]*/pid PID/g'
}

# The stored rows of a kind, as CSV.
dump() {
	"$BIN/shiplog-ingest" --store "$1" --dump "$2"
	echo "dump exit=$?"
}

# Partition files with their row counts: the store's shape.
layout() {
	(cd "$1" && find . -name '*.msgpack' ! -name '.tmp-*' | sort)
}

# The rejects of a store (all runs), without the run-specific names.
rejects() {
	for f in "$1"/rejects/*.csv; do
		[ -e "$f" ] || { echo "(no rejects)"; return; }
		echo "--- rejects"
		cat "$f"
	done
}

# The manifest without the ingest times.
manifest() {
	cut -f1,2,4-9 "$1/manifest.tsv"
}

# A checksum of every partition file: equal before and after = unchanged.
fingerprint() {
	(cd "$1" && find . -name '*.msgpack' | sort | xargs -r cksum) | cksum
}

# Runs a command and reports its exit status on standard error as
# exit=N, so the status is seen where its output goes into a pipe.
st() {
	"$@"
	echo "exit=$?" >&2
}

# A check that holds whatever the golden file says (a hand-worked value, an
# independent reference): when COMMAND fails, "MISMATCH: LABEL" goes to
# standard error, the case fails, and `make golden` refuses to write it, so
# a regression cannot be blessed as the expected output.
#   must LABEL COMMAND [ARG...]
must() {
	_label=$1
	shift
	"$@" && return 0
	echo "MISMATCH: $_label" >&2
	echo "$_label" >>"${E2E_MUST:-/dev/null}"
	return 1
}

# Whether the first argument equals the second (for must).
is() {
	[ "$1" = "$2" ] || { echo "got '$1', want '$2'" >&2; return 1; }
}

# The analysis as a map of N tasks over the store s and its reduces
# (docs/SCALING.md), into OUT: both passes, partials p1-K and p2-K and
# ranks.msgpack in this folder.  mapreduce N OUT window flags...
mapreduce() {
	n=$1 out=$2
	shift 2
	rm -f p1-* p2-* ranks.msgpack
	k=0
	while [ $k -lt $n ]; do
		"$BIN/shiplog-analyze" --store s "$@" --map $k/$n -o p1-$k.msgpack || return 1
		k=$((k + 1))
	done
	"$BIN/shiplog-analyze" --reduce "$@" --ranks ranks.msgpack p1-*.msgpack || return 1
	k=0
	while [ $k -lt $n ]; do
		"$BIN/shiplog-analyze" --store s "$@" --map $k/$n --ranks ranks.msgpack \
			-o p2-$k.msgpack || return 1
		k=$((k + 1))
	done
	"$BIN/shiplog-analyze" --reduce "$@" -o "$out" p2-*.msgpack
}
