# The report's activity tables on the hand-worked fixture of analyze_hand.
# In Europe/Berlin: h1 (21:30Z on the 24th, CEST) is Saturday 23h; h2
# (22:30Z, failed) is Sunday 0h; h5 (12:00Z on the 25th, after the switch to
# CET) is Sunday 13h; h3 (22:30Z) Sunday 23h; h4 (23:30Z) Monday 0h.
# Timeline on the 25th: h2 failed and rolled back, h3 completed, h5 rolled
# back: 3 deployments, mean duration (3000 + 500) / 2 = 1750.  h4 is the one
# active deployment (no instances: no progress).
st "$BIN/shiplog-ingest" -q --store s "$E2E_DATA/analyze_hand.csv"
st "$BIN/shiplog-analyze" --store s --tz Europe/Berlin --print heatmap | awk -F, 'NR == 1 || $4 > 0'
st "$BIN/shiplog-analyze" --store s --tz Europe/Berlin --print timeline
st "$BIN/shiplog-analyze" --store s --tz Europe/Berlin --print active_deployments
# in UTC every hour moves back (h1: Saturday 21h, h2: Saturday 22h), and
# the 24th holds h1 and h2
st "$BIN/shiplog-analyze" --store s --print heatmap | awk -F, 'NR == 1 || $4 > 0'
st "$BIN/shiplog-analyze" --store s --print timeline
# 168 cells whatever the data; an empty window has no days and no actives
st "$BIN/shiplog-analyze" --store s --from 2030-01-01 --to 2030-02-01 --print heatmap | wc -l
st "$BIN/shiplog-analyze" --store s --from 2030-01-01 --to 2030-02-01 --print timeline
st "$BIN/shiplog-analyze" --store s --agent b --print active_deployments
# progress = deployed / target (3/4 = 0.75; target 0: none); a completed
# deployment is not active; equal start times are ordered by id
st "$BIN/shiplog-ingest" -q --store s2 "$E2E_DATA/activity_active.csv"
st "$BIN/shiplog-analyze" --store s2 --print active_deployments
