# The report over the sample: a 30-day window with a previous window, so
# every section of today's analysis has data.  The HTML is checked for its
# structure (sections, contents, charts, no scripts, no fetches); the CSV
# files cell by cell against the analysis file read with Python's msgpack
# (tests/e2e/csv-check.py), and a few in full.
"$BIN/shiplog-ingest" -q --store s "$E2E_ROOT"/data/sample/*.csv.gz
"$BIN/shiplog-analyze" --store s --now 2026-10-30T00:00:00Z --since 30d -o a.msgpack
"$BIN/shiplog-report" a.msgpack --html r.html --csv-dir csv --title 'Sample <report>'
echo "exit=$?"
echo "--- sections and contents"
grep -o '<section id="[a-z]*">' r.html
grep -c '<li><a href="#' r.html
grep -o '<h1>[^<]*</h1>' r.html
grep -o '<b>Window:</b> [^&]*' r.html
grep -o '<b>Generated:</b> [^&]*' r.html
grep -o '<b>Data:</b> [^&]*' r.html
echo "--- charts: svg elements, with axis titles"
grep -c '<svg ' r.html
grep -o '<title>[^<]*</title>' r.html | sort | uniq -c
echo "--- the views' headings (pipelines, versions, rollbacks, predictions ...)"
grep -o '<h[34]>[^<]*' r.html
echo "--- the adoption chart's 80% line, the critical path highlighted, backtest cards"
grep -c 'stroke-dasharray="6 4"' r.html
grep -o '>80% target<' r.html
grep -c 'font-weight="bold">' r.html
grep -o '<div class="k">[^<]*backtest</div>' r.html
echo "--- sections without data say so in one line"
grep -o '<p class="nodata">[^<]*<code>[a-z_]*</code>' r.html
echo "--- self-contained: no scripts, no links out, no external resources"
grep -ci '<script' r.html
grep -o 'src=\|href="http\|url(\|@import' r.html | sort | uniq -c
echo "--- the cards"
grep -o '<div class="k">[^<]*</div><div class="v">[^<]*' r.html
echo "--- CSV: one per table"
ls csv
must "CSV against the analysis file" /usr/bin/python3 "$E2E_ROOT/tests/e2e/csv-check.py" a.msgpack csv
cat csv/summary.csv csv/dora.csv csv/scorecard.csv
head -3 csv/success_rates.csv
echo "--- same analysis, same bytes"
"$BIN/shiplog-report" -q a.msgpack --html r2.html --csv-dir csv2 --title 'Sample <report>'
must "html identical" cmp r.html r2.html &&
	echo "html identical"
must "csv identical" diff -r csv csv2 && echo "csv identical"
echo "--- --rows bounds the tables shown"
"$BIN/shiplog-report" -q a.msgpack --html r3.html --rows 3
grep -o '<p class="more">[0-9,]* more rows' r3.html | head -3
