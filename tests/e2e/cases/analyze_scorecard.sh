# The success-metric scorecard, hand-worked.  z1 (rolled back) started 10:00,
# its validation failed at 10:01:30 (detected after 90 s), a checkpoint
# failed at 10:03, it ended 10:05; z3, the next completed deployment of its
# agent and environment, ended 12:01: recovered 6960 s after z1 ended.  z2
# (failed) started 11:00, a checkpoint failed at 11:04: detected after 240 s.
# z3 completed in 60 s.  Success 1/3 and rollbacks 1/3: missed; mean time to
# deploy (z1 took 300 s, z3 60 s) 180 s: met; detection (lower median of 90 and 240 s) 90 s: met;
# recovery (the DORA key; z2 has no end, so no recovery to measure) 6960 s:
# missed; z1's VALIDATION_FAILED alert was confirmed by the
# rollback: false positives 0: met; adoption is not measured yet: null.
cat >d.csv <<'CSV'
deployment_id,agent_id,environment,phase,start_time,end_time,rollback_triggered
z1,a,production,rolled_back,2026-06-01T10:00:00Z,2026-06-01T10:05:00Z,true
z2,a,production,failed,2026-06-01T11:00:00Z,,false
z3,a,production,completed,2026-06-01T12:00:00Z,2026-06-01T12:01:00Z,false
CSV
cat >v.csv <<'CSV'
deployment_id,type,name,status,timestamp
z1,smoke_test,smoke,failed,2026-06-01T10:01:30Z
CSV
cat >c.csv <<'CSV'
deployment_id,checkpoint_name,checkpoint_type,status,timestamp
z1,health,health_check,failed,2026-06-01T10:03:00Z
z2,deploy,deploy,failed,2026-06-01T11:04:00Z
z3,deploy,deploy,passed,2026-06-01T12:00:30Z
CSV
st "$BIN/shiplog-ingest" -q --store s d.csv v.csv c.csv
st "$BIN/shiplog-analyze" --store s --print scorecard
