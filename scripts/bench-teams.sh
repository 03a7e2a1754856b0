#!/bin/sh
# make bench, the teams (docs/OPERATIONS.md, "Teams"): a teams file of
# TEAMS (60) teams made from the store's agent names (sorted, cut into
# runs of about equal length, each team listing its names, every third a
# glob of its first name's prefix as well; a few names stay unowned), then
# one `shiplog-analyze --team-dir` run against one whole-store run, and
# BENCH_TEAMS_SAMPLE (3) separate `--team` runs extrapolated to every team;
# then the reports: shiplog-report of the one run (HTML, CSV files, mail)
# against every team's report as shiplog-nightly writes it, one after
# another (the per-team work must cost little beside the one analysis).
# The store: BENCH_TEAMS_STORE, else scripts/bench-analyze.sh's of 1M
# deployments; BENCH_TEAMS_NOW the time of the analysis.  A line a run:
#   run  wall_s  cpu_s  RSS_MB  (x one run)
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
D=build/bench/teams
STORE=${BENCH_TEAMS_STORE:-build/bench/analyze-1000000/store}
NOW=${BENCH_TEAMS_NOW:-2026-04-01}
TEAMS=${TEAMS:-60}
SAMPLE=${BENCH_TEAMS_SAMPLE:-3}
[ -d "$STORE/deployments" ] || { echo "bench-teams: no $STORE (run scripts/bench-analyze.sh)" >&2; exit 0; }
rm -rf "$D"
mkdir -p "$D"

# the agents of the store (of the window: all time), one a line; names
# that need quoting in CSV stay unowned
"$BIN/shiplog-analyze" --store "$STORE" --now "$NOW" --only activity --print success_rates \
	--csv exact | sed 1d | cut -d, -f1 | grep -v '"' | sort -u >"$D/agents.txt"
awk -v teams="$TEAMS" '
	{ a[NR] = $0 }
	END {
		n = NR - 2 # the last two no team owns
		for (t = 0; t < teams; t++) {
			lo = int(t * n / teams) + 1; hi = int((t + 1) * n / teams)
			if (lo > hi) continue
			printf "[team-%02d]\n", t
			for (i = lo; i <= hi; i++)
				printf "agents = %s\n", a[i]
			if (t % 3 == 0) { p = a[lo]; sub(/-.*/, "", p); printf "agents = %s-*\n", p }
			printf "mail_to = team-%02d@example.com\n\n", t
		}
	}' "$D/agents.txt" >"$D/teams"

measure() {
	/usr/bin/time -f "%e %U %S %M" -o "$D/time.txt" "$@" >/dev/null 2>"$D/stderr.txt" ||
		{ cat "$D/stderr.txt" >&2; exit 1; }
	read -r ws us ss kb <"$D/time.txt"
	echo "$ws $(echo "$us + $ss" | bc) $kb"
}

echo
echo "shiplog-analyze over $(wc -l <"$D/agents.txt") agents in $TEAMS teams ($STORE):"
printf '%-34s %7s %7s %7s %9s\n' run wall_s cpu_s RSS_MB "x one run"
set -- $(measure "$BIN/shiplog-analyze" --store "$STORE" --now "$NOW" -o "$D/one.msgpack")
one=$1
printf '%-34s %7.2f %7.2f %7.0f %9.2f\n' "one run, every agent" "$1" "$2" "$(($3 / 1024))" 1
set -- $(measure "$BIN/shiplog-analyze" --store "$STORE" --now "$NOW" --teams "$D/teams" \
	--team-dir "$D/teams.d" -o "$D/org.msgpack")
printf '%-34s %7.2f %7.2f %7.0f %9.2f\n' "--team-dir: org + $TEAMS teams" "$1" "$2" \
	"$(($3 / 1024))" "$(echo "$1 / $one" | bc -l)"
w=0 c=0 kb=0
for k in $(seq 1 "$SAMPLE"); do
	t=$(printf 'team-%02d' $(((k - 1) * TEAMS / SAMPLE)))
	set -- $(measure "$BIN/shiplog-analyze" --store "$STORE" --now "$NOW" --teams "$D/teams" \
		--team "$t" -o "$D/$t.msgpack")
	cmp -s "$D/$t.msgpack" "$D/teams.d/$t/analysis.msgpack" ||
		{ echo "bench-teams: $t differs from --team-dir's" >&2; exit 1; }
	w=$(echo "$w + $1" | bc) c=$(echo "$c + $2" | bc)
	[ "$3" -gt "$kb" ] && kb=$3
done
printf '%-34s %7.2f %7.2f %7.0f %9.2f\n' "$TEAMS x --team (from $SAMPLE)" \
	"$(echo "$w * $TEAMS / $SAMPLE" | bc -l)" "$(echo "$c * $TEAMS / $SAMPLE" | bc -l)" \
	"$((kb / 1024))" "$(echo "$w * $TEAMS / $SAMPLE / $one" | bc -l)"

# the reports: the whole store's against every team's (HTML, CSV files,
# mail, --if-quiet oneline: what the nightly job runs a team)
printf '%-34s %7s %7s %7s %9s\n' report wall_s cpu_s RSS_MB "x one"
set -- $(measure "$BIN/shiplog-report" -q "$D/one.msgpack" --html "$D/one.html" \
	--csv-dir "$D/one-csv" --mail-to ops@example.com --mail-out "$D/one.eml")
one=$1
printf '%-34s %7.2f %7.2f %7.0f %9.2f\n' "the one run's report" "$1" "$2" "$(($3 / 1024))" 1
cat >"$D/reports.sh" <<'EOS'
for t in $(ls "$2/teams.d"); do
	mkdir -p "$2/reports/$t"
	"$1" -q "$2/teams.d/$t/analysis.msgpack" --html "$2/reports/$t/report.html" \
		--csv-dir "$2/reports/$t/csv" --mail-to "$t@example.com" --if-quiet oneline \
		--mail-out "$2/reports/$t/mail.eml" || exit 1
done
EOS
set -- $(measure sh "$D/reports.sh" "$BIN/shiplog-report" "$D")
printf '%-34s %7.2f %7.2f %7.0f %9.2f\n' "$TEAMS teams' reports, one by one" "$1" "$2" \
	"$(($3 / 1024))" "$(echo "$1 / $one" | bc -l)"
echo "HTML: $(du -ch "$D"/reports/*/report.html | tail -1 | cut -f1) for the teams," \
	"$(du -h "$D/one.html" | cut -f1) for the one run; RSS: the largest single report"
rm -rf "$D"/*.msgpack "$D/teams.d" "$D/reports" "$D"/one*
