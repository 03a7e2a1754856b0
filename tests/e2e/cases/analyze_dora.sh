# DORA four keys.  Hand-worked (production only; s1 is staging, y2 is not
# finished):
#   finished x1 x2 x3 x4 y1 y3 = 6; completed x1 x3 y1 y3 = 4
#   window: first to last start day = 3 days = 3/7 week
#   deployment_frequency = 4 / (3/7) = 9.33 -> elite (>= 7 a week)
#   deployment_days = 3 days (05-01, 05-02, 05-03) / (3/7) = 7
#   lead times 24h (x1), 1h (x3), 1h (y1), 2h (y3): lower median 1h = 3600000 -> elite
#     (the usual median would be 1.5h)
#   change failures: x2 failed, x4 rolled back, y1 named by incident i1 = 3/6 = 0.5 -> low
#   recovery: x2 ended 00:30, x3 (next completed of x) ended 02:30: 2h = 7200000 -> high;
#     x4 has no later completed deployment: 1 unrecovered of 2 failures
st "$BIN/shiplog-ingest" -q --store s "$E2E_DATA/dora_hand.csv" "$E2E_DATA/dora_incidents.csv"
st "$BIN/shiplog-analyze" --store s --only dora --print dora
# a bounded window counts its own weeks: 2 weeks, 4 completed = 2 a week -> high
st "$BIN/shiplog-analyze" --store s --from 2026-04-26 --to 2026-05-10 --print dora | head -3
# per agent, over the same 3/7 week (the keys defined once, as above):
#   x: 4 finished, 2 completed: 4.67 a week -> high; lead 24h, 1h: lower
#      median 1h -> elite; x2 failed, x4 rolled back: 0.5 -> low; recovery
#      2h -> high, x4 unrecovered
#   y: 2 finished (y2 pending), 2 completed: 4.67 -> high; lead 1h, 2h ->
#      1h, elite; y1 named by i1: 0.5 -> low; no failure to recover from
st "$BIN/shiplog-analyze" --store s --only dora --print dora_agents
# per ISO week (Monday, UTC): the data's days (May 1-3) are 3/7 of the
# week of April 27, flagged partial, with the whole window's numbers
st "$BIN/shiplog-analyze" --store s --only dora --print dora_weekly
# a bounded window: April 26 is 1/7 of its week, nothing then (no tier,
# frequency 0); the window ends on Sunday May 10: 6/7 of the week of May
# 4, empty
st "$BIN/shiplog-analyze" --store s --from 2026-04-26 --to 2026-05-10 --print dora_weekly |
	cut -d, -f1-6
# an environment other than production has no DORA numbers
st "$BIN/shiplog-analyze" --store s --env staging --print dora
# the sample, against pandas (scripts/ref-dora.py, committed under data/ref/)
st "$BIN/shiplog-ingest" -q --store sample "$E2E_ROOT"/data/sample/*.csv.gz
st "$BIN/shiplog-analyze" --store sample --only dora --print dora | cut -d, -f1,2,5 >dora.csv
must "dora.csv against ref/dora_all.csv" /usr/bin/python3 "$E2E_ROOT/tests/e2e/cmp-csv.py" dora.csv "$E2E_DATA/ref/dora_all.csv"
