# Usage errors (exit 2) and analysis files that are not (exit 1), with
# messages naming the file; nothing is written then.
"$BIN/shiplog-report"; echo "exit=$?"
"$BIN/shiplog-report" a.msgpack; echo "exit=$?"
"$BIN/shiplog-report" a.msgpack b.msgpack --html r.html; echo "exit=$?"
"$BIN/shiplog-report" a.msgpack --html r.html --rows 0; echo "exit=$?"
"$BIN/shiplog-report" a.msgpack --html r.html --bogus; echo "exit=$?"
"$BIN/shiplog-report" --version | sed 's/[0-9][0-9.]*.*/VERSION/'
"$BIN/shiplog-report" missing.msgpack --html r.html; echo "exit=$?"
printf 'not msgpack at all' >junk.msgpack
"$BIN/shiplog-report" junk.msgpack --html r.html; echo "exit=$?"
"$BIN/shiplog-ingest" -q --store s "$E2E_DATA/report_hostile.csv"
"$BIN/shiplog-analyze" --store s --now 2026-10-24T00:00:00Z -o a.msgpack
head -c 1000 a.msgpack >cut.msgpack
"$BIN/shiplog-report" cut.msgpack --html r.html --csv-dir csv; echo "exit=$?"
# a row count that the columns do not hold (rows: 8 -> 9 in the first row
# group, of health_scores: the index says 8)
/usr/bin/python3 -c '
import sys
b = open("a.msgpack", "rb").read()
i = b.index(b"\xa4rows")
open("bad.msgpack", "wb").write(b[:i + 5] + bytes([b[i + 5] + 1]) + b[i + 6:])'
"$BIN/shiplog-report" bad.msgpack --html r.html; echo "exit=$?"
# an analysis file of format 1 (one map, before row groups)
/usr/bin/python3 -c 'import msgpack; open("old.msgpack", "wb").write(msgpack.packb({"magic": "shiplog-analysis", "format": 1, "meta": {}, "tables": {}}))'
"$BIN/shiplog-report" old.msgpack --html r.html; echo "exit=$?"
ls r.html csv 2>&1
# the CSV directory cannot be a file
"$BIN/shiplog-report" a.msgpack --csv-dir a.msgpack; echo "exit=$?"
