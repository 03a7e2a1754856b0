# Each analysis alone (--only) reads only the frame columns it declares
# (analyze/main.c) and writes the same tables as the run of every
# analysis, where the frame's columns are dropped as their last reader
# finishes.  A column read but not declared is NULL in the frame: the run
# crashes (or, under the sanitizers, is stopped), and the line says so.
# The scorecard reads the tables of the others, so it is checked in the
# full run only.
"$BIN/shiplog-gen" --seed 7 --deployments 4000 --agents 30 --days 21 -o g >/dev/null
st "$BIN/shiplog-ingest" -q --store s g/*.csv
now="--now 2026-04-01"
while read -r an tables; do
	for t in $tables; do
		"$BIN/shiplog-analyze" --store s $now --print "$t" --csv exact >all.csv 2>/dev/null
		"$BIN/shiplog-analyze" --store s $now --only "$an" --jobs 1 --print "$t" \
			--csv exact >one.csv 2>err.txt
		rc=$?
		if [ $rc -ne 0 ]; then
			echo "$an $t: exit $rc"; head -3 err.txt
		elif cmp -s all.csv one.csv && [ "$(wc -l <one.csv)" -gt 1 ]; then
			echo "$an $t: same ($(($(wc -l <one.csv) - 1)) rows)"
		else
			echo "$an $t: DIFFERS"
		fi
	done
done <<'LIST'
dora dora dora_agents dora_weekly
health health_scores
strategies strategies
alerts alerts alert_groups alert_precision
canary rollback_decisions canary_metrics canary_judgements
predict predictions duration_model duration_backtest success_backtest rollback_causes rollback_risk rollback_risk_backtest rollback_risk_levels
versions versions adoption regressions
features features anomalies anomaly_summary patterns clusters
activity heatmap timeline active_deployments
LIST
# every analysis, two at a time and one at a time: the same file
st "$BIN/shiplog-analyze" --store s $now -o two.msgpack
st "$BIN/shiplog-analyze" --store s $now --jobs 1 -o one.msgpack
cmp one.msgpack two.msgpack && echo "jobs 1 and 2: same file"
