# Success rates equal an independent pandas computation of the seed's SQL
# view (scripts/ref-success-rates.py, committed under data/ref/) over the
# sample: all data in UTC, and October in Europe/Berlin (whose 25 October
# is 25 hours long).
"$BIN/shiplog-ingest" -q --store s "$E2E_ROOT"/data/sample/*.csv.gz
"$BIN/shiplog-analyze" --store s --print success_rates -o a.msgpack >utc.csv
echo "exit=$?"
must "utc.csv against ref/success_rates_utc.csv" /usr/bin/python3 "$E2E_ROOT/tests/e2e/cmp-csv.py" utc.csv "$E2E_DATA/ref/success_rates_utc.csv"
"$BIN/shiplog-analyze" --store s --tz Europe/Berlin --from 2026-10-01 --to 2026-10-30 \
	--print success_rates >berlin.csv
echo "exit=$?"
must "berlin.csv against ref/success_rates_berlin_oct.csv" /usr/bin/python3 "$E2E_ROOT/tests/e2e/cmp-csv.py" berlin.csv "$E2E_DATA/ref/success_rates_berlin_oct.csv"
# same input, same --now: the same bytes
"$BIN/shiplog-analyze" --store s --now 2026-11-01 -o b1.msgpack
"$BIN/shiplog-analyze" --store s --now 2026-11-01 -o b2.msgpack
must "analysis files identical" cmp -s b1.msgpack b2.msgpack &&
	echo "analysis files identical"
