#!/bin/sh
# make demo: the whole pipeline on the bundled sample (data/sample/), as far
# as the stages exist.  Output under out/.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
rm -rf out/store
mkdir -p out
echo "== ingest data/sample into out/store"
"$BIN/shiplog-ingest" --store out/store data/sample/*.gz
"$BIN/shiplog-ingest" --store out/store --verify
if [ -x "$BIN/shiplog-analyze" ]; then
	echo "== analyze"
	"$BIN/shiplog-analyze" --store out/store -o out/analysis.msgpack --print summary
fi
if [ -x "$BIN/shiplog-report" ]; then
	echo "== report"
	"$BIN/shiplog-report" out/analysis.msgpack --html out/report.html --csv-dir out/csv \
		--mail-to team@example.com --mail-out out/report.eml
	echo "report: out/report.html, out/csv/, out/report.eml (for sendmail -t)"
fi
