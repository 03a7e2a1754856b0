# An --agent or --env the store never saw (issue 22, point 2): queries say
# so on stderr with the nearest names the store holds and exit 1, instead
# of an empty answer and exit 0; a prediction for such an agent warns the
# same way and has confidence low; a full run warns and still writes its
# (empty) tables.
# stdout and stderr are kept apart so that an empty answer cannot hide.
# The plans are for a Monday at 03:00 UTC (off hours): by default a plan is
# for the clock's time, and the case would depend on the hour it runs at.
"$BIN/shiplog-ingest" -q --store s "$E2E_ROOT"/data/sample/*.csv.gz 2>/dev/null
run() {
	"$@" >out.txt 2>err.txt
	echo "exit=$? stdout=$(wc -l <out.txt) lines"
	grep -v "depends on unknown stage" err.txt
}
echo "== agent-history, an agent the sample does not hold"
run "$BIN/shiplog-analyze" --store s --query agent-history --agent payments-api
echo "== a typo that is a start of the name"
run "$BIN/shiplog-analyze" --store s --query agent-history --agent paymnts
echo "== --env prod (the sample says production)"
run "$BIN/shiplog-analyze" --store s --query agent-history --agent payments-service --env prod
echo "== both unknown: both said"
run "$BIN/shiplog-analyze" --store s --query agent-history --agent payments-api --env prod
echo "== known names outside the window: an honest empty answer"
run "$BIN/shiplog-analyze" --store s --query agent-history --agent payments-service \
	--env production --from 2020-01-01 --to 2020-02-01
head -1 out.txt | cut -d, -f1-3
echo "== known names: the answer"
run "$BIN/shiplog-analyze" --store s --query agent-history --agent payments-service \
	--env production --limit 3
echo "== success-rates --env prod"
run "$BIN/shiplog-analyze" --store s --query success-rates --env prod
echo "== agent-versions and version-adoption read the versions"
run "$BIN/shiplog-analyze" --store s --query agent-versions --agent payments-api
run "$BIN/shiplog-analyze" --store s --query version-adoption --agent payments-api
run "$BIN/shiplog-analyze" --store s --query version-compatibility --agent payments-api \
	--arg version=1.0.0 --arg target_environment=production
# the predictions plan a deployment at --now: a fixed one (a Monday, 07:00
# UTC: off hours), or the risk factors would follow the wall clock
echo "== predict for an unknown agent: said, and no 'confidence high' (a plan for a new agent is still predicted)"
run "$BIN/shiplog-analyze" --store s --now 2026-12-07T07:00:00Z --query predict --agent nosuchagent --env production --json
/usr/bin/python3 -c 'import json; r = json.load(open("out.txt"))[0]; print(r["similar_by"], r["similar_deployments"], r["confidence"], r["risk_factors"])'
run "$BIN/shiplog-analyze" --store s --now 2026-12-07T07:00:00Z --query predict --agent payments-service --env prod --json
/usr/bin/python3 -c 'import json; r = json.load(open("out.txt"))[0]; print(r["similar_by"], r["similar_deployments"], r["confidence"], r["risk_factors"])'
echo "== predict for a known agent: its own history"
run "$BIN/shiplog-analyze" --store s --now 2026-12-07T07:00:00Z --query predict --agent payments-service --env production \
	--json
/usr/bin/python3 -c 'import json; r = json.load(open("out.txt"))[0]; print(r["similar_by"], r["confidence"])'
echo "== predict where the agent has too little history of its own: low, said"
printf 'predict.min_similar = 1000\n' >c.conf
run "$BIN/shiplog-analyze" --store s --now 2026-12-07T07:00:00Z --config c.conf --query predict --agent payments-service \
	--env production --json
/usr/bin/python3 -c 'import json; r = json.load(open("out.txt"))[0]; print(r["similar_by"], r["similar_deployments"], r["confidence"], r["risk_factors"])'
echo "== a full run: a warning, the file written with empty tables"
run "$BIN/shiplog-analyze" --store s --env prod --only dora -o a.msgpack
test -s a.msgpack && echo "a.msgpack written"
run "$BIN/shiplog-analyze" --store s --agent payments-api --env production --only dora \
	--print dora
echo "== a full run with known names: no warning"
run "$BIN/shiplog-analyze" --store s --agent payments-service --only dora -o b.msgpack
