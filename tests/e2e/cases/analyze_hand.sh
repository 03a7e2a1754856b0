# Hand-worked success rates.  Berlin's 25 October 2026 lasts 25 hours
# (22:00Z on the 24th to 23:00Z on the 25th): h2 (22:30Z on the 24th) and h3
# (22:30Z on the 25th) fall on it, h1 on the 24th, h4 on the 26th.  h2's
# later row by updated_at is the failed one (the completed row is older).
# h3 has target 0: no coverage (NULLIF).  h5 has a null rollback flag: not
# counted by the view, but rolled_back counts as rolled back in the summary.
"$BIN/shiplog-ingest" -q --store s "$E2E_DATA/analyze_hand.csv"
"$BIN/shiplog-analyze" --store s --tz Europe/Berlin --print success_rates
# expected (worked by hand):
# a,production,2026-10-24: 1 row (h1): 1 ok, avg 1000, coverage 1
# a,production,2026-10-25: h2 failed+rollback, h3 ok: avg duration 3000 (h3 has none), coverage 0.25
# a,production,2026-10-26: h4 in progress: no duration, no coverage
# b,staging,2026-10-25: h5: rolled_back phase, avg 500, coverage 0.5
"$BIN/shiplog-analyze" --store s --tz Europe/Berlin --print summary
# a window with no data, and one with a previous window
"$BIN/shiplog-analyze" --store s --from 2030-01-01 --to 2030-02-01 --print summary
"$BIN/shiplog-analyze" --store s --from 2026-10-25 --to 2026-10-26 --print summary
"$BIN/shiplog-analyze" --store s --tz Mars/Olympus --print summary; echo "exit=$?"
"$BIN/shiplog-analyze" --store s --since 7x --print summary; echo "exit=$?"
