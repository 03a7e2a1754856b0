# --memory-budget (docs/ANALYZE.md, "Memory"): the budget decides when each
# analysis starts, never what it writes.  Every analysis with the default
# budget, one at a time, with a budget nothing fits in (each then runs
# alone, the smallest first), and with a few KiB: the same file byte for
# byte; the same for a set of agents and for each team of --team-dir,
# whose runs count the organisation's frame, kept beside theirs.  -v says
# the budget.  Then the sizes it refuses.
"$BIN/shiplog-gen" --seed 11 --deployments 3000 --agents 12 --days 30 --start 2026-03-01 \
	-o g >/dev/null 2>&1
st "$BIN/shiplog-ingest" -q --store s g/*.csv
now="--now 2026-04-01"
st "$BIN/shiplog-analyze" --store s $now -o def.msgpack
for b in "--jobs 1" "--memory-budget 1" "--memory-budget 1 --jobs 1" "--memory-budget 64K" \
	"--memory-budget 2G --jobs 2"; do
	"$BIN/shiplog-analyze" --store s $now $b -o b.msgpack
	cmp -s def.msgpack b.msgpack && echo "$b: same file" || echo "$b: DIFFERS"
done
a=$("$BIN/shiplog-ingest" --store s --dump deployments | sed -n '2p' | cut -d, -f2)
"$BIN/shiplog-analyze" --store s $now --agent "$a" -o a1.msgpack
"$BIN/shiplog-analyze" --store s $now --agent "$a" --memory-budget 1 -o a2.msgpack
cmp -s a1.msgpack a2.msgpack && echo "--agent: same file" || echo "--agent: DIFFERS"
printf '[one]\nagents = *-*\nmail_to = a@example.com\n' >teams
st "$BIN/shiplog-analyze" --store s $now --teams teams --team-dir t1 -o o1.msgpack
st "$BIN/shiplog-analyze" --store s $now --teams teams --team-dir t2 -o o2.msgpack \
	--memory-budget 1 --jobs 2
cmp -s o1.msgpack o2.msgpack && echo "organisation: same file" || echo "organisation: DIFFERS"
cmp -s t1/one/analysis.msgpack t2/one/analysis.msgpack && echo "team: same file" ||
	echo "team: DIFFERS"
# the budget as -v says it (MB are MiB)
"$BIN/shiplog-analyze" --store s $now --memory-budget 3M --only dora -v -o v.msgpack 2>&1 |
	grep 'memory budget' | sed 's/the frame [0-9]* MB/the frame N MB/'
"$BIN/shiplog-analyze" --store s $now --only dora -v -o v.msgpack 2>&1 |
	grep 'memory budget' | sed 's/the frame [0-9]* MB/the frame N MB/'
for b in 0 12X -5 1.5G "" 99999999999G; do
	"$BIN/shiplog-analyze" --store s $now --memory-budget "$b" -o x.msgpack
	echo "exit=$?"
done
