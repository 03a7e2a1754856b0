# Predictions on a hand-made store of 16 production deployments (one
# environment only; a strategy, shadow, seen only in the holdout; no
# validations at all, so that term is constant and dropped; two agents,
# both below the 30 deployments an agent needs for its own term).
# 15 finished with a duration: the first 12 train, the last 3 (h12-h14)
# are the holdout.  Rollbacks by hand: h02 and h10 share the template
# "Error rate <num>% ... on pod <id>" (time to rollback 150000 and 155000:
# lower median 150000; recovery to the next completed api deployment,
# h04 at 12:02:10 and h12 at 12:02:15: 21580000 and 21580000 ms); h06
# failed with a rollback, OOMKilled, deployed 3, recovered by h08 after
# 21650000 ms.  Rollback risk of h01 by hand: only h00 had ended (not
# rolled back): overall (0 + 1/2) / (1 + 1) = 0.25; no web or canary
# history, so 0.25 at every smoothing step; h01 starts at 03:00 (off
# hours) with no validations, as did h00: each ratio (0 + 10 x 0.25) / (1 +
# 10) / 0.25 = 0.909; 0.25 x 0.909^2 = 20.661157%.  h00 has no score.
# Risk levels: the 11 scored training deployments cut at their 50/80/95th
# percentile scores hold 3 of 5, 0 of 3, 0 of 2 and 0 of 1 rollbacks: the
# rates fall as the level rises, so all four are pooled into one level
# (low); 3 held-out rows leave the model "no better than the base rate"
# although its Brier score is a hair lower.
"$BIN/shiplog-ingest" -q --store s "$E2E_DATA/predict_hand.csv" "$E2E_DATA/predict_artifacts.csv"
"$BIN/shiplog-analyze" --store s --now 2026-05-03 -o a.msgpack
for t in duration_model duration_backtest predictions success_backtest rollback_causes \
	rollback_risk rollback_risk_backtest rollback_risk_levels; do
	echo "== $t"
	"$BIN/shiplog-analyze" --store s --now 2026-05-03 --print "$t" >"$t.csv"
	/usr/bin/python3 "$E2E_ROOT/tests/e2e/round.py" <"$t.csv"
done
# the analysis file holds the same tables
/usr/bin/python3 "$E2E_ROOT/scripts/analysis-read.py" a.msgpack | /usr/bin/python3 -c 'import json,sys; t = [r[0] for r in json.load(sys.stdin)]; print(sorted(k for k in t if k in ("predictions","rollback_causes","rollback_risk","duration_model","duration_backtest","success_backtest","rollback_risk_backtest")))'
echo "== an empty window"
"$BIN/shiplog-analyze" --store s --now 2026-05-03 --env staging --print predictions
"$BIN/shiplog-analyze" --store s --now 2026-05-03 --env staging --print duration_backtest | head -4
echo "== predict"
"$BIN/shiplog-analyze" --store s --query predict --agent api --env production \
	--arg strategy=canary --arg instances=10 --arg at=2026-05-04T10:00:00Z |
	/usr/bin/python3 "$E2E_ROOT/tests/e2e/round.py"
"$BIN/shiplog-analyze" --store s --query predict --agent new --env qa --arg strategy=blue_green \
	--now 2026-05-03T03:00:00Z --json | /usr/bin/python3 -c 'import json,sys; d = json.load(sys.stdin)[0]; print(d["duration_note"], "|", d["similar_by"], d["similar_deployments"], d["confidence"], "|", d["risk_factors"])'
"$BIN/shiplog-analyze" --store s --query predict --agent api --env production --arg instances=-1
echo "exit=$?"
"$BIN/shiplog-analyze" --store s --query predict --agent api
echo "exit=$?"
echo "== predict over an empty window: no model, the prior, no risk score"
"$BIN/shiplog-analyze" --store s --query predict --agent api --env production --from 2027-01-01 \
	--to 2027-02-01 --now 2027-02-01
echo "== agents with their own term (predict.agent_min_deployments = 5): api, the most frequent, is the reference; similar deployments by hand: h12 and h13 by agent+environment+strategy (4 and 3), h14 (shadow) by agent+environment"
printf 'predict.agent_min_deployments = 5\npredict.min_similar = 3\n' >c.conf
"$BIN/shiplog-analyze" --store s --now 2026-05-03 --config c.conf --print duration_model |
	grep '^agent' | /usr/bin/python3 "$E2E_ROOT/tests/e2e/round.py"
"$BIN/shiplog-analyze" --store s --now 2026-05-03 --config c.conf --print success_backtest |
	grep similar_by
echo "== the sample's duration backtest against numpy (scripts/ref-predict.py, data/ref/)"
"$BIN/shiplog-ingest" -q --store sample "$E2E_ROOT"/data/sample/*.csv.gz
"$BIN/shiplog-analyze" --store sample --print predictions >p.csv
must "p.csv against ref/predictions_all.csv" /usr/bin/python3 "$E2E_ROOT/tests/e2e/cmp-csv.py" p.csv "$E2E_DATA/ref/predictions_all.csv" 1e-9
wc -l <p.csv
echo "== the sample's backtest summary from the reference predictions (tests/e2e/backtest-check.py)"
"$BIN/shiplog-analyze" --store sample --print duration_backtest >db.csv
must "duration_backtest against the reference predictions" /usr/bin/python3 \
	"$E2E_ROOT/tests/e2e/backtest-check.py" "$E2E_DATA/ref/predictions_all.csv" db.csv
echo "== the sample's success backtest against scipy (scripts/ref-success.py, data/ref/)"
"$BIN/shiplog-analyze" --store sample --print success_backtest >sb.csv
must "sb.csv against ref/success_backtest_all.csv" /usr/bin/python3 "$E2E_ROOT/tests/e2e/cmp-csv.py" sb.csv "$E2E_DATA/ref/success_backtest_all.csv"
