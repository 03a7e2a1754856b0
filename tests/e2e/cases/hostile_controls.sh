# Control characters and NUL bytes from logs: kept byte for byte in the
# store; in result tables a NUL becomes U+FFFD (cells are text, and "a\0b"
# must not merge with "a"); the report's HTML and CSV show no raw control
# character (an escape sequence must not reach a terminal or a cell).
printf 'deployment_id,agent_id,environment,phase,start_time,end_time\n' >h.csv
printf 'd1,ag\000ent,production,completed,2026-03-01T10:00:00Z,2026-03-01T10:05:00Z\n' >>h.csv
printf 'd2,ag,production,completed,2026-03-01T10:10:00Z,2026-03-01T10:15:00Z\n' >>h.csv
printf 'd3,ctl\001\033[31mred\177,production,failed,2026-03-01T11:00:00Z,2026-03-01T11:05:00Z\n' >>h.csv
ingest --store s h.csv
echo "--- the store keeps the bytes"
"$BIN/shiplog-ingest" --store s --dump deployments | cut -d, -f1-2 | od -An -c | sed 's/  */ /g'
"$BIN/shiplog-analyze" --store s --now 2026-03-02 -o a.msgpack --print success_rates 2>&1 |
	cut -d, -f1-4 | od -An -c | sed 's/  */ /g'
"$BIN/shiplog-report" -q a.msgpack --html r.html --csv-dir csv
echo "report exit=$?"
echo "--- control bytes in the outputs (none expected)"
for f in r.html csv/*.csv; do
	n=$(tr -d '\t\r\n' <"$f" | tr -d '\040-\176\200-\377' | wc -c)
	[ "$n" -ne 0 ] && echo "$f: $n"
done
echo "done"
grep -c 'ag.ent\|ag�ent' csv/success_rates.csv
