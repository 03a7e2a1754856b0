# Versions, hand-worked.  Agent svc rolls out to five target groups in
# production (now = 2026-06-20).  1.0.0 reaches g1..g5 within 45 min: 80%
# (4 groups) after 35 min.  1.1.0 reaches g1 after 1 h, g2 3 h, g3 10 h, g4
# 30 h, and fails on g5: shares 0.2 (1 h), 0.4 (6 h), 0.6 (24 h), 0.8 (48
# h); 80% after 30 h, within 48 h.  1.2.0 reaches its 4th group after 60 h:
# not within 48 h.  1.3.0 started 24 h before now: too young to tell
# (null).  The scorecard's version_adoption_48h is 2 of 3 = 0.667 (missed).
# Agent reg (no target groups): 1.0 has 4 completed deployments with
# latency changes 0.01-0.04, 2.0 has 4 failed ones with 0.10-0.13: Fisher's
# exact p = 2/70 = 0.0286 (the table [[4, 0], [0, 4]]); Mann-Whitney U = 16
# of 16, z = (16 - 8 - 0.5) / sqrt(12) = 2.165, p = 0.0304: a regression on
# both counts.  3.0 is better than 2.0 on both: no regression.
cat >d.csv <<'CSV'
deployment_id,agent_id,environment,version,phase,start_time,end_time,target_group,latency_change
a1,svc,production,1.0.0,completed,2026-06-01T00:00:00Z,2026-06-01T00:05:00Z,g1,
a2,svc,production,1.0.0,completed,2026-06-01T00:10:00Z,2026-06-01T00:15:00Z,g2,
a3,svc,production,1.0.0,completed,2026-06-01T00:20:00Z,2026-06-01T00:25:00Z,g3,
a4,svc,production,1.0.0,completed,2026-06-01T00:30:00Z,2026-06-01T00:35:00Z,g4,
a5,svc,production,1.0.0,completed,2026-06-01T00:40:00Z,2026-06-01T00:45:00Z,g5,
b1,svc,production,1.1.0,completed,2026-06-05T00:00:00Z,2026-06-05T01:00:00Z,g1,
b2,svc,production,1.1.0,completed,2026-06-05T02:00:00Z,2026-06-05T03:00:00Z,g2,
b3,svc,production,1.1.0,completed,2026-06-05T09:00:00Z,2026-06-05T10:00:00Z,g3,
b5,svc,production,1.1.0,failed,2026-06-05T12:00:00Z,2026-06-05T12:30:00Z,g5,
b4,svc,production,1.1.0,completed,2026-06-06T05:00:00Z,2026-06-06T06:00:00Z,g4,
c1,svc,production,1.2.0,completed,2026-06-10T00:00:00Z,2026-06-10T00:30:00Z,g1,
c2,svc,production,1.2.0,completed,2026-06-10T10:00:00Z,2026-06-10T10:30:00Z,g2,
c3,svc,production,1.2.0,completed,2026-06-11T12:00:00Z,2026-06-11T12:30:00Z,g3,
c4,svc,production,1.2.0,completed,2026-06-12T11:00:00Z,2026-06-12T12:00:00Z,g4,
c5,svc,production,1.2.0,in_progress,2026-06-12T13:00:00Z,,g5,
d1,svc,production,1.3.0,completed,2026-06-19T00:00:00Z,2026-06-19T00:30:00Z,g1,
r1,reg,production,1.0,completed,2026-06-01T10:00:00Z,2026-06-01T10:10:00Z,,0.01
r2,reg,production,1.0,completed,2026-06-01T11:00:00Z,2026-06-01T11:10:00Z,,0.02
r3,reg,production,1.0,completed,2026-06-01T12:00:00Z,2026-06-01T12:10:00Z,,0.03
r4,reg,production,1.0,completed,2026-06-01T13:00:00Z,2026-06-01T13:10:00Z,,0.04
r5,reg,production,2.0,failed,2026-06-02T10:00:00Z,2026-06-02T10:10:00Z,,0.10
r6,reg,production,2.0,failed,2026-06-02T11:00:00Z,2026-06-02T11:10:00Z,,0.11
r7,reg,production,2.0,failed,2026-06-02T12:00:00Z,2026-06-02T12:10:00Z,,0.12
r8,reg,production,2.0,failed,2026-06-02T13:00:00Z,2026-06-02T13:10:00Z,,0.13
r9,reg,production,3.0,completed,2026-06-03T10:00:00Z,2026-06-03T10:10:00Z,,0.01
CSV
cat >v.csv <<'CSV'
agent_id,version,deployed_at,deployed_by,environment,status,api_versions,breaking_changes,migration_required,backward_compatible
svc,1.2.0,2026-06-09T00:00:00Z,bot,staging,deprecated,v1;v2,,false,true
svc,1.3.0,2026-06-18T00:00:00Z,bot,staging,active,v2,,false,true
svc,2.0.0,2026-06-19T00:00:00Z,bot,staging,active,v3,removed the v1 endpoints,true,false
svc,1.1.0,2026-06-05T00:00:00Z,bot,production,retired,v1,,false,true
svc,1.2.0,2026-06-10T00:00:00Z,bot,production,deprecated,v1;v2,,false,true
svc,1.3.0,2026-06-19T00:00:00Z,bot,production,active,v2,,false,true
CSV
# 1.2.0 was in staging 06-09 to 06-18: one gate there, passed; 1.3.0 from
# 06-18: one of two gates failed.  Gates of other environments, or of
# pipelines that do not name svc, do not count.
cat >p.csv <<'CSV'
pipeline_id,execution_number,trigger_type,start_time,end_time,status,agent_ids
rel,5,push,2026-06-09T03:00:00Z,2026-06-09T04:00:00Z,success,other;svc
rel,10,push,2026-06-18T01:00:00Z,2026-06-18T02:00:00Z,success,svc
rel,11,push,2026-06-18T05:00:00Z,2026-06-18T06:00:00Z,failed,svc
oth,1,push,2026-06-18T05:00:00Z,2026-06-18T06:00:00Z,failed,other
CSV
cat >s.csv <<'CSV'
pipeline_id,execution_number,stage_id,environment,attempt,status,start_time,end_time
rel,5,deploy-staging,staging,1,success,2026-06-09T03:10:00Z,2026-06-09T03:20:00Z
rel,5,unit-tests,,1,failed,2026-06-09T03:00:00Z,2026-06-09T03:10:00Z
rel,10,deploy-staging,staging,1,success,2026-06-18T01:10:00Z,2026-06-18T01:20:00Z
rel,11,deploy-staging,staging,1,failed,2026-06-18T05:10:00Z,2026-06-18T05:20:00Z
oth,1,deploy-staging,staging,1,failed,2026-06-18T05:10:00Z,2026-06-18T05:20:00Z
CSV
cat >g.csv <<'CSV'
pipeline_id,execution_number,stage_id,gate_name,gate_type,metric,operator,threshold,observed,status
rel,5,deploy-staging,staging-error-rate,automated,error_rate,lt,0.01,0.002,passed
rel,5,unit-tests,coverage-threshold,automated,coverage,gte,0.8,0.5,failed
rel,10,deploy-staging,staging-error-rate,automated,error_rate,lt,0.01,0.004,passed
rel,11,deploy-staging,staging-error-rate,automated,error_rate,lt,0.01,0.03,failed
oth,1,deploy-staging,staging-error-rate,automated,error_rate,lt,0.01,0.03,failed
CSV
"$BIN/shiplog-ingest" -q --store s d.csv v.csv p.csv s.csv g.csv
A="$BIN/shiplog-analyze --store s --now 2026-06-20"
$A --print adoption; echo "exit=$?"
$A --print regressions
$A --print versions
$A --print scorecard | grep adoption
echo "--- queries"
$A --query version-adoption --agent svc --arg version=1.1.0; echo "exit=$?"
$A --query version-adoption --agent svc --arg version=9.9; echo "exit=$?"
$A --query agent-versions --agent svc; echo "exit=$?"
$A --query agent-versions --agent svc --arg include_deprecated=true --limit 4; echo "exit=$?"
$A --query agent-versions --agent svc --arg include_deprecated=maybe; echo "exit=$?"
$A --query version-compatibility --agent svc --arg version=2.0.0 --arg target_environment=production
echo "exit=$?"
$A --query version-compatibility --agent svc --arg version=1.3.0 --arg target_environment=production
echo "exit=$?"
$A --query version-compatibility --agent svc --arg version=7.0 --env production; echo "exit=$?"
$A --query promotion-readiness --agent svc --arg version=1.2.0 --arg from=staging --arg to=production
echo "exit=$?"
$A --query promotion-readiness --agent svc --arg version=1.3.0 --arg from=staging --json; echo "exit=$?"
$A --query promotion-readiness --agent svc --arg version=1.1.0 --arg from=staging; echo "exit=$?"
$A --query promotion-readiness --agent svc --arg version=1.1.0; echo "exit=$?"
echo "--- the sample's regressions against scipy (scripts/ref-regressions.py, in data/ref/)"
"$BIN/shiplog-ingest" -q --store sample "$E2E_ROOT"/data/sample/*.csv.gz
"$BIN/shiplog-analyze" --store sample --now 2026-11-01 --print regressions 2>/dev/null >r.csv
must "r.csv against ref/regressions_all.csv" /usr/bin/python3 "$E2E_ROOT/tests/e2e/cmp-csv.py" r.csv "$E2E_DATA/ref/regressions_all.csv"
