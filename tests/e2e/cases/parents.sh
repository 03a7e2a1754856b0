# Artifacts take their deployment's day whichever file comes first; an
# artifact of an unknown deployment waits in undated.msgpack until its
# deployment arrives in a later run.
cat >art.csv <<'CSV'
deployment_id,artifact_type,artifact_name,version,size_bytes
dep-001,container,api,1.2.0,1000
dep-004,container,search,2.0.1,2000
dep-999,container,later,0.1,3000
CSV
ingest --store s art.csv "$E2E_DATA/deploy_basic.csv"
layout s
dump s artifacts
cat >late.csv <<'CSV'
deployment_id,agent_id,environment,phase,start_time
dep-999,late,production,completed,2026-04-01T00:00:00Z
CSV
ingest --store s late.csv
layout s
dump s artifacts
