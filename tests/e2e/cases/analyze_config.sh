# The config file: the bundled example (every default) changes nothing;
# settings change the results; bad lines are errors naming file and line.
"$BIN/shiplog-ingest" -q --store s "$E2E_DATA/dora_hand.csv" "$E2E_DATA/dora_incidents.csv"
"$BIN/shiplog-analyze" --store s --now 2026-06-01 -o plain.msgpack
"$BIN/shiplog-analyze" --store s --now 2026-06-01 --config "$E2E_ROOT/data/analyze.conf" \
	-o conf.msgpack
must "the example config equals the defaults" cmp -s plain.msgpack conf.msgpack &&
	echo "the example config equals the defaults"
# stricter tiers and scorecard, other weights
cat >c.conf <<'CONF'
dora.lead_time_for_changes = 60000 3600000 86400000  # a minute, an hour, a day
scorecard.deployment_success_rate = 0.5
health.weight.success = 0.5
health.weight.no_rollback = 0.5
health.weight.validation = 0
health.weight.performance = 0
health.weight.speed = 0
CONF
"$BIN/shiplog-analyze" --store s --config c.conf --print dora | grep lead_time
"$BIN/shiplog-analyze" --store s --config c.conf --print scorecard | grep success_rate
"$BIN/shiplog-analyze" --store s --config c.conf --print health_scores | cut -d, -f1,5,11
for bad in "nonsense = 1" "canary.alpha" "canary.alpha = 2" "canary.min_samples = 2.5" \
	"dora.change_failure_rate = 0.1 0.05" "dora.change_failure_rate = 0.2 0.1 0.3" \
	"health.weight.speed = 0.5"; do
	printf '# a comment\n\n%s\n' "$bad" >bad.conf
	"$BIN/shiplog-analyze" --store s --config bad.conf --print dora >/dev/null
	echo "exit=$?"
done
printf 'canary.alpha = 0.01\ncanary.alpha = 0.02\n' >twice.conf
"$BIN/shiplog-analyze" --store s --config twice.conf --print dora >/dev/null; echo "exit=$?"
"$BIN/shiplog-analyze" --store s --config missing.conf --print dora; echo "exit=$?"
# -v: each step's time and the peak memory so far on stderr (the names
# here; the numbers vary), the file the same as without it
"$BIN/shiplog-analyze" --store s --now 2026-06-01 --only dora,health --jobs 1 -v \
	-o v.msgpack 2>&1 >/dev/null | sed 's/ *[0-9.]* s, peak so far [0-9]* MB$//' | sort
"$BIN/shiplog-analyze" --store s --now 2026-06-01 --only dora,health -o q.msgpack
cmp v.msgpack q.msgpack && echo "-v writes the same file"
# the default tiers of deployment_frequency: four completed deployments in
# eight weeks (one every two weeks, 0.5 a week) lie between monthly (7/30
# a week) and weekly: medium; one in eight weeks is low
for n in 4 1; do
	{
		echo "deployment_id,agent_id,environment,phase,start_time,end_time"
		for k in $(seq "$n"); do
			echo "f$k,a,production,completed,2026-01-$((k * 10))T10:00:00Z,2026-01-$((k * 10))T10:30:00Z"
		done
	} | sed 's/2026-01-40/2026-02-09/g' >freq$n.csv
	"$BIN/shiplog-ingest" -q --store freq$n freq$n.csv
	"$BIN/shiplog-analyze" --store freq$n --from 2026-01-05 --to 2026-03-02 --print dora |
		grep '^deployment_frequency'
done
