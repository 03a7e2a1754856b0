# Health scores, hand-worked.  Median duration of a/production: lower median
# of 100000, 200000, 300000 = 200000.
#   k1: success 8/10, no rollback, validation 1/2 (skipped not counted),
#       performance 1 - 0.1 - 10*0.002 = 0.88, speed 200000/100000 -> 1
#       = 100 (0.24 + 0.25 + 0.10 + 0.132 + 0.10) = 82.2
#   k2: target 0 and failed -> success 0, rolled back, validations all
#       skipped -> 1, latency better (-0.2) -> performance 1, speed 2/3
#       = 100 (0.20 + 0.15 + 0.0667) = 41.67
#   k3: no healthy count, not completed -> 0; no duration -> speed 1 = 70
#   k4: 6 healthy of 4 -> 1; latency +200% -> performance 0 = 85
st "$BIN/shiplog-ingest" -q --store s "$E2E_DATA/health_hand.csv" "$E2E_DATA/health_validations.csv"
st "$BIN/shiplog-analyze" --store s --print health_scores
# the sample, against pandas (scripts/ref-health.py, committed under data/ref/)
st "$BIN/shiplog-ingest" -q --store sample "$E2E_ROOT"/data/sample/*.csv.gz
st "$BIN/shiplog-analyze" --store sample --print health_scores | cut -d, -f1,4,6-11 >h.csv
must "h.csv against ref/health_all.csv" /usr/bin/python3 "$E2E_ROOT/tests/e2e/cmp-csv.py" h.csv "$E2E_DATA/ref/health_all.csv"
