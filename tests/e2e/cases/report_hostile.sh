# Hostile strings from the logs, end to end: agent names with markup,
# quotes, ampersands, non-ASCII, and spreadsheet formulas (= + - @ and a
# leading tab) go through ingest and analyze into the report.  The HTML
# shows them as text (no raw <script or <b>), the CSV files neutralise the
# formulas with an apostrophe but leave numbers ("-5") alone.  A pipeline,
# its stages (one depending on an unknown stage) and a gate with markup in
# their names go through the pipeline views.
"$BIN/shiplog-ingest" -q --store s "$E2E_DATA/report_hostile.csv" \
	"$E2E_DATA/report_hostile_pipelines.csv" "$E2E_DATA/report_hostile_stages.csv" \
	"$E2E_DATA/report_hostile_gates.csv"
"$BIN/shiplog-analyze" --store s --now 2026-10-24T00:00:00Z --since 7d -o a.msgpack
"$BIN/shiplog-report" -q a.msgpack --html r.html --csv-dir csv --title 'Q&A <i>'
echo "exit=$?"
echo "raw <script: $(grep -ci '<script' r.html)"
echo "raw <b>: $(grep -c '<b>bold' r.html)"
echo "raw <Co>: $(grep -c '<Co>' r.html)"
grep -o '&lt;script&gt;alert(1)&lt;/script&gt;' r.html | sort | uniq -c
grep -o 'Zürich &quot;δ&quot; &amp; &lt;Co&gt;' r.html | sort | uniq -c
grep -o '&lt;b&gt;bold&lt;/b&gt;' r.html | sort | uniq -c
echo "raw pipeline, stage, gate markup: $(grep -c '<b>pipe\|<i>ghost\|<u>gate\|<em>cov\|<script>s' r.html)"
grep -o '&lt;b&gt;pipe&lt;/b&gt; &amp; &quot;q&quot;' r.html | sort | uniq -c
grep -o '&lt;script&gt;s&lt;/script&gt; &gt; =build&amp;&lt;Co&gt;' r.html | sort | uniq -c
grep -o 'unknown stage [^<]*' r.html
grep -o 'Stage durations of [^<]*' r.html
grep -o '&lt;u&gt;gate&lt;/u&gt; ([^<]*' r.html
grep -o '<h1>[^<]*</h1>' r.html
echo "--- CSV"
# every cell of every CSV file against the analysis file read with Python's
# msgpack and the formula rule written out again (tests/e2e/csv-check.py)
must "CSV against the analysis file" /usr/bin/python3 "$E2E_ROOT/tests/e2e/csv-check.py" a.msgpack csv
cat csv/success_rates.csv csv/active_deployments.csv
cut -d, -f2,3 csv/strategies.csv
