# Strategies.  Hand-worked: three production canaries (100, 200, 300 ms; the
# last failed and rolled back): success 2/3, mean 200, nearest-rank p95 =
# 300 (ceil(0.95*3) = 3rd), rollback rate 1/3, performance 1 (no changes),
# recommendation = 100 (0.6 * 0.2077 + 0.2 * 2/3 + 0.2) = 45.79, where
# 0.2077 is the lower end of the 95% Wilson interval of 2 in 3.  The row
# without a strategy is left out.
cat >d.csv <<'CSV'
deployment_id,agent_id,environment,phase,start_time,duration_ms,rollout_strategy,rollback_triggered
c1,a,production,completed,2026-06-01T10:00:00Z,100,canary,false
c2,a,production,completed,2026-06-01T11:00:00Z,200,canary,false
c3,a,production,failed,2026-06-01T12:00:00Z,300,canary,true
n1,a,production,completed,2026-06-01T13:00:00Z,50,,false
CSV
st "$BIN/shiplog-ingest" -q --store s d.csv
st "$BIN/shiplog-analyze" --store s --print strategies | cut -d, -f1-9,14,15
# the sample, against pandas (scripts/ref-strategies.py, committed under data/ref/)
st "$BIN/shiplog-ingest" -q --store sample "$E2E_ROOT"/data/sample/*.csv.gz
st "$BIN/shiplog-analyze" --store sample --print strategies >st.csv
must "st.csv against ref/strategies_all.csv" /usr/bin/python3 "$E2E_ROOT/tests/e2e/cmp-csv.py" st.csv "$E2E_DATA/ref/strategies_all.csv"
