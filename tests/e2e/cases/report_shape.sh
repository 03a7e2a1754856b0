# A table whose name shiplog declares (lib/sl_tables.h) must have the
# declared columns: a file of another shiplog version is refused with the
# table and the column named (exit 1, nothing written).  A table of a name
# it does not know is read as it is, into "Other tables".
"$BIN/shiplog-ingest" -q --store s "$E2E_DATA/report_hostile.csv"
"$BIN/shiplog-analyze" --store s --now 2026-10-24T00:00:00Z -o a.msgpack
# dora's column 'tier' renamed 'tyer' (same length: every offset holds)
/usr/bin/python3 -c '
b = open("a.msgpack", "rb").read()
assert b.count(b"\xa4tier") == 1
open("renamed.msgpack", "wb").write(b.replace(b"\xa4tier", b"\xa4tyer"))'
"$BIN/shiplog-report" renamed.msgpack --html r.html --csv-dir csv; echo "exit=$?"
ls r.html csv 2>&1
# dora's 'samples' (i64) said to be f64
/usr/bin/python3 -c '
b = open("a.msgpack", "rb").read()
i = b.index(b"\xa4tier")
j = b.index(b"\xa7samples", i) + 8
assert b[j:j + 9] == b"\xa4type\xa3i64", b[j:j + 9]
open("retyped.msgpack", "wb").write(b[:j] + b"\xa4type\xa3f64" + b[j + 9:])'
"$BIN/shiplog-report" retyped.msgpack --html r.html; echo "exit=$?"
# the heatmap called heatmop: an unknown table, shown as it is
/usr/bin/python3 -c '
b = open("a.msgpack", "rb").read()
open("unknown.msgpack", "wb").write(b.replace(b"\xa7heatmap", b"\xa7heatmop"))'
"$BIN/shiplog-report" unknown.msgpack --html r.html; echo "exit=$?"
grep -c '<h3>Heatmop <span class="src">(heatmop.csv)' r.html
