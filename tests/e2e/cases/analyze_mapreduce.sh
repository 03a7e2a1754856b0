# The analysis as a map over day ranges and a reduce (docs/SCALING.md):
# the reduce's file must equal, byte for byte, one run with --only dora
# (success rates, summary and success_change always run; the features are
# analyze_mapreduce_ft's).  N = 1, 3, 4
# and 7 tasks over 60 days (30 and the 30 before them, which the summary
# compares with) split the days unevenly; with 7, failures at the end of a
# task's days are recovered in the next task's (the map looks ahead), and
# a zone with --now at 13:17 puts the tasks' edges inside UTC days (the
# partition files read by two tasks are counted once).
st "$BIN/shiplog-ingest" -q --store s "$E2E_ROOT"/data/sample/*.csv.gz
W="--since 30d --now 2026-10-30 --only dora"
st "$BIN/shiplog-analyze" --store s $W -o one.msgpack
for n in 1 3 4 7; do
	st mapreduce $n red-$n.msgpack $W
	must "N=$n: the reduce's file is the single run's" cmp one.msgpack red-$n.msgpack
done
# a misspelt environment is said once, by the first task, as one run says it
"$BIN/shiplog-analyze" --store s $W --env prodution --map 0/3 -o typo0.msgpack 2>typo0.err
"$BIN/shiplog-analyze" --store s $W --env prodution --map 1/3 -o typo1.msgpack 2>typo1.err
must "task 0 names the typo" grep -q "no environment 'prodution' in the store (nearest: production" typo0.err
must "task 1 does not" test ! -s typo1.err
echo "a misspelt --env: said by task 0"
Z="--since 45d --now 2026-10-30T13:17:00Z --tz America/New_York --only dora"
st "$BIN/shiplog-analyze" --store s $Z -o one-z.msgpack
st mapreduce 4 red-z.msgpack $Z
must "a zone's days, N=4" cmp one-z.msgpack red-z.msgpack
st "$BIN/shiplog-analyze" --store s --since 30d --now 2026-10-30 --env production --only dora \
	-o one-e.msgpack
st mapreduce 3 red-e.msgpack --since 30d --now 2026-10-30 --env production --only dora
must "--env production, N=3" cmp one-e.msgpack red-e.msgpack
# the tables themselves, for the golden file
"$BIN/shiplog-report" red-4.msgpack --csv-dir csv >/dev/null 2>&1
for t in summary dora dora_weekly; do
	echo "--- $t"
	cat csv/$t.csv
done
wc -l <csv/success_rates.csv
# the partials of the last run (N=3): the groups' counts and histograms,
# not the rows
for f in p1-0 p1-1 p1-2 p2-0 p2-1 p2-2; do
	echo "$f $(/usr/bin/python3 "$E2E_ROOT/scripts/analysis-read.py" $f.msgpack)"
done

# what the reduce refuses, naming the partial
mapreduce 3 x.msgpack $W
st "$BIN/shiplog-analyze" --reduce $W -o x.msgpack p2-0.msgpack p2-1.msgpack
st "$BIN/shiplog-analyze" --reduce $W -o x.msgpack p2-0.msgpack p2-1.msgpack p2-1.msgpack p2-2.msgpack
st "$BIN/shiplog-analyze" --reduce --since 31d --now 2026-10-30 --only dora -o x.msgpack p2-*.msgpack
st "$BIN/shiplog-analyze" --reduce $W --tz Europe/Paris -o x.msgpack p2-*.msgpack
st "$BIN/shiplog-analyze" --reduce $W -o x.msgpack p1-0.msgpack p1-1.msgpack p1-2.msgpack
st "$BIN/shiplog-analyze" --reduce $W -o x.msgpack p2-0.msgpack p2-1.msgpack p1-2.msgpack
st "$BIN/shiplog-analyze" --reduce $W --ranks r2.msgpack p2-0.msgpack p2-1.msgpack p2-2.msgpack
"$BIN/shiplog-analyze" --store s $W --map 0/4 -o q-0.msgpack
st "$BIN/shiplog-analyze" --reduce $W --ranks x.msgpack p1-0.msgpack p1-1.msgpack q-0.msgpack
st "$BIN/shiplog-analyze" --store s $W --map 0/4 --ranks ranks.msgpack -o x.msgpack
st "$BIN/shiplog-analyze" --reduce $W -o x.msgpack one.msgpack
# ranks of another run
st "$BIN/shiplog-analyze" --store s $W --map 0/3 --ranks ranks.msgpack -o x.msgpack --env staging
# the settings: a file that restates defaults is no change (the digest is
# of the values); a DORA tier's bound is
printf 'dora.change_failure_rate = 0.05 0.10 0.15\nalerts.critical_environments = production\n' >same.conf
printf 'dora.lead_time_for_changes = 3600000 604800000 2592000000\n' >tier.conf
st "$BIN/shiplog-analyze" --reduce $W --config same.conf -o same.msgpack p2-*.msgpack
must "a config of defaults: the same file" cmp x.msgpack same.msgpack
st "$BIN/shiplog-analyze" --reduce $W --config tier.conf -o x.msgpack p2-*.msgpack
# misuse
st "$BIN/shiplog-analyze" --store s --since 30d --map 0/3 -o x.msgpack
st "$BIN/shiplog-analyze" --store s --now 2026-10-30 --map 0/3 -o x.msgpack
st "$BIN/shiplog-analyze" --store s $W --map 3/3 -o x.msgpack
st "$BIN/shiplog-analyze" --store s $W --map 1/3 --only pipelines,health -o x.msgpack
st "$BIN/shiplog-analyze" --reduce $W
st "$BIN/shiplog-analyze" --store s $W --ranks ranks.msgpack -o x.msgpack
st "$BIN/shiplog-analyze" --store s $W --map 0/3 --agent 'a*' -o x.msgpack
