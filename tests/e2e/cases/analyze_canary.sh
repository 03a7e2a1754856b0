# Auto-rollback decisions and canary judgements, hand-worked.
# r1 (canary vs baseline): canary error rates 0.10 0.08 0.02 (mean 0.0667 >
#   0.05), canary p95 120 200 160 over a baseline of 100 (+60% > 50%), health
#   check failures up to 5 (> 3): all three reasons.  Votes: 2 of 3 error
#   samples, 1 of 3 health samples and 2 of 3 latency samples breach: 5/9.
#   Judgement: error_rate U = 9 of 9, ties among the baseline's 0.01s:
#   sigma = sqrt(9/12 (7 - 24/30)) = 2.156, z = (9 - 4.5 - 0.5)/2.156 = 1.855,
#   p = 0.0636: Pass (three samples cannot show a difference at 5%); the same
#   for p95; health checks: p = 0.197, Pass.  3 of 3: score 100, pass.
# r2 (all instances, no baseline): error 0.01 0.02, no failures, latency
#   from latency_change (+10%): continue; 4 of 4 votes agree.  Its samples
#   two days before it started and eight days after (error 0.9) are not its
#   own (a deployment's samples: a day before its start to a week after)
#   and change nothing.
# r3 (a 5% canary): its throughput is 5% of the traffic's, the baseline's
#   95%: per unit of share both are 1000 1020 980 (U = 4.5 of 9, p = 1):
#   Pass, where the whole rates (50 against 950) would be Low and fail.
#   r4 has the same samples and no canary_percentage: throughput is not
#   judged (nothing makes the two rates comparable).
cat >d.csv <<'CSV'
deployment_id,agent_id,environment,phase,start_time,latency_change,canary_percentage
r1,a,production,rolled_back,2026-06-01T10:00:00Z,,
r2,a,production,completed,2026-06-01T11:00:00Z,0.1,
r3,a,production,completed,2026-06-01T12:00:00Z,,5
r4,a,production,completed,2026-06-01T13:00:00Z,,
CSV
cat >m.csv <<'CSV'
deployment_id,timestamp,cohort,error_rate,latency_p95_ms,health_check_failures,throughput_rps
r1,2026-06-01T10:01:00Z,canary,0.10,120,0,
r1,2026-06-01T10:02:00Z,canary,0.08,200,5,
r1,2026-06-01T10:03:00Z,canary,0.02,160,1,
r1,2026-06-01T10:01:00Z,baseline,0.01,100,0,
r1,2026-06-01T10:02:00Z,baseline,0.01,100,0,
r1,2026-06-01T10:03:00Z,baseline,0.01,100,0,
r2,2026-06-01T11:01:00Z,all,0.01,,0,
r2,2026-06-01T11:02:00Z,all,0.02,,0,
r2,2026-05-30T11:00:00Z,all,0.9,,0,
r2,2026-06-09T11:00:00Z,all,0.9,,9,
r3,2026-06-01T12:01:00Z,canary,,,,50
r3,2026-06-01T12:02:00Z,canary,,,,51
r3,2026-06-01T12:03:00Z,canary,,,,49
r3,2026-06-01T12:01:00Z,baseline,,,,950
r3,2026-06-01T12:02:00Z,baseline,,,,969
r3,2026-06-01T12:03:00Z,baseline,,,,931
r4,2026-06-01T13:01:00Z,canary,,,,50
r4,2026-06-01T13:02:00Z,canary,,,,51
r4,2026-06-01T13:03:00Z,canary,,,,49
r4,2026-06-01T13:01:00Z,baseline,,,,950
r4,2026-06-01T13:02:00Z,baseline,,,,969
r4,2026-06-01T13:03:00Z,baseline,,,,931
CSV
st "$BIN/shiplog-ingest" -q --store s d.csv m.csv
st "$BIN/shiplog-analyze" --store s --print rollback_decisions
st "$BIN/shiplog-analyze" --store s --print canary_metrics
st "$BIN/shiplog-analyze" --store s --print canary_judgements
# the sample, against scipy (scripts/ref-canary.py, committed under data/ref/)
st "$BIN/shiplog-ingest" -q --store sample "$E2E_ROOT"/data/sample/*.csv.gz
st "$BIN/shiplog-analyze" --store sample --print canary_metrics >cm.csv
must "cm.csv against ref/canary_metrics_all.csv" /usr/bin/python3 "$E2E_ROOT/tests/e2e/cmp-csv.py" cm.csv "$E2E_DATA/ref/canary_metrics_all.csv"
