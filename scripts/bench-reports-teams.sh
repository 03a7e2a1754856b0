#!/bin/sh
# make bench, the reports per team: a teams file of BENCH_TEAMS teams
# (default 60) over the 1M-deployment store of bench-analyze.sh (or
# BENCH_TEAMS_STORE), then
#   - one whole-store night without teams: shiplog-analyze, and
#     shiplog-report of it (HTML, CSV files, mail);
#   - the same night with the teams file: one shiplog-analyze --teams
#     --team-dir run, the organisation's report, and every team's report
#     (HTML, CSV files, mail: what shiplog-nightly runs a team),
# each with its wall time and peak RSS.  The per-team work must cost little
# beside the one analysis: the teams' reports together are set against the
# whole-store report, and the whole teams night against the night without.
# The agents are dealt to the teams in turn (name order), every team
# naming its agents one by one; the last 10 agents are left to no team.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
D=build/bench/teams
NOW=2026-04-01
TEAMS=${BENCH_TEAMS:-60}
STORE=${BENCH_TEAMS_STORE:-build/bench/analyze-1000000/store}
mkdir -p "$D"

if [ ! -d "$STORE" ]; then
	# the 1M store of bench-analyze.sh, built the same way
	mkdir -p build/bench/analyze-1000000
	"$BIN/shiplog-gen" --seed 7 --deployments 1000000 --agents 500 --days 90 --gzip=1 \
		-o build/bench/analyze-1000000/logs >/dev/null
	"$BIN/shiplog-ingest" -q --store "$STORE" build/bench/analyze-1000000/logs/*.csv.gz
	rm -rf build/bench/analyze-1000000/logs
fi

# runs a command, prints "seconds peakMB"
measure() {
	/usr/bin/time -f "%e %M" -o "$D/time.txt" "$@" >/dev/null 2>"$D/stderr.txt" || {
		cat "$D/stderr.txt" >&2
		exit 1
	}
	awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }' "$D/time.txt"
}
row() { # name seconds MB [note]
	printf '%-44s %8.2f %8s  %s\n' "$1" "$2" "$3" "${4:-}"
}

rm -rf "$D/whole" "$D/night"
mkdir -p "$D/whole" "$D/night/teams"
echo
echo "shiplog-report per team: $TEAMS teams over $STORE (--now $NOW, every analysis):"
printf '%-44s %8s %8s\n' step seconds RSS_MB

# ---- one whole-store night, no teams ----
set -- $(measure "$BIN/shiplog-analyze" --store "$STORE" --now $NOW -o "$D/whole/analysis.msgpack")
an_s=$1
row "analyze, the whole store" "$1" "$2"
set -- $(measure "$BIN/shiplog-report" -q "$D/whole/analysis.msgpack" --html "$D/whole/report.html" \
	--csv-dir "$D/whole/csv" --mail-to ops@example.com --mail-out "$D/whole/mail.eml")
rep_s=$1
row "report of it (HTML, CSV, mail)" "$1" "$2"

# ---- the teams file: the agents that deployed, dealt in turn ----
cut -d, -f1 "$D/whole/csv/success_rates.csv" | tail -n +2 |
	grep -v '[^A-Za-z0-9._-]' | LC_ALL=C sort -u >"$D/agents.txt"
awk -v teams="$TEAMS" '
	{ a[NR] = $0 }
	END {
		n = NR - 10 # the last ten to no team
		for (t = 0; t < teams; t++) {
			printf "[team%02d]\nmail_to = team%02d@example.com\n", t, t
			for (i = t + 1; i <= n; i += teams)
				printf "agents = %s\n", a[i]
			printf "\n"
		}
	}' "$D/agents.txt" >"$D/teams.conf"
agents=$(wc -l <"$D/agents.txt")

# ---- the same night with the teams file ----
set -- $(measure "$BIN/shiplog-analyze" --store "$STORE" --now $NOW --teams "$D/teams.conf" \
	--team-dir "$D/night/teams" -o "$D/night/analysis.msgpack")
tan_s=$1
row "analyze --teams --team-dir (org + $TEAMS teams)" "$1" "$2" \
	"x$(awk -v a="$1" -v b="$an_s" 'BEGIN { printf "%.2f", a / b }') the whole analysis"
set -- $(measure "$BIN/shiplog-report" -q "$D/night/analysis.msgpack" --html "$D/night/report.html" \
	--csv-dir "$D/night/csv" --mail-to ops@example.com --mail-out "$D/night/mail.eml")
org_s=$1
row "report of the organisation" "$1" "$2"
# every team's report as the nightly job runs it; the peak is the largest
# single report's
cat >"$D/teams.sh" <<'EOS'
for t in $(ls "$2/teams"); do
	mkdir -p "$2/$t"
	"$1" -q "$2/teams/$t/analysis.msgpack" --html "$2/$t/report.html" --csv-dir "$2/$t/csv" \
		--mail-to "$t@example.com" --if-quiet oneline --mail-out "$2/$t/mail.eml" || exit 1
done
EOS
set -- $(measure sh "$D/teams.sh" "$BIN/shiplog-report" "$D/night")
teams_s=$1
row "reports of the $TEAMS teams, one after another" "$1" "$2" \
	"$(awk -v a="$1" -v n="$TEAMS" -v w="$rep_s" 'BEGIN {
		printf "%.3f s a team; x%.2f the whole-store report", a / n, a / w }')"
awk -v a="$an_s" -v r="$rep_s" -v ta="$tan_s" -v o="$org_s" -v t="$teams_s" -v n="$TEAMS" 'BEGIN {
	printf "%-44s %8.2f\n", "night without teams (analyze + report)", a + r
	printf "%-44s %8.2f  x%.2f the night without teams (x%d would be %d teams run alone)\n",
		"night with " n " teams (analyze + org + teams)", ta + o + t, (ta + o + t) / (a + r),
		n + 1, n
}'
echo "$agents agents with plain names dealt to $TEAMS teams (10 to none); team files:" \
	"$(du -sh "$D/night/teams" | cut -f1), team reports $(du -ch "$D"/night/team[0-9]*/report.html | tail -1 | cut -f1)" \
	"of HTML beside the whole report's $(du -h "$D/whole/report.html" | cut -f1)."
rm -rf "$D/whole" "$D/night"
