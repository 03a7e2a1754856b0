# One CSV rule per purpose (issue 22, point 4): shiplog-ingest --dump is a
# data export (text exactly as stored by default), shiplog-analyze --print
# is for a spreadsheet (a formula-looking text gets an apostrophe by
# default); --csv exact|spreadsheet turns each to the other rule.  A number
# such as -1.5 is never touched; a text like -cmd is.
cat >d.csv <<'EOD'
deployment_id,agent_id,environment,phase,start_time,duration_ms,deployed_instances,target_instances,rollback_triggered
c1,=1+2,production,completed,2026-10-20T10:00:00Z,1000,4,4,false
c2,-cmd,production,failed,2026-10-20T11:00:00Z,2000,1,4,true
c3,-1.5,production,completed,2026-10-20T12:00:00Z,3000,4,4,false
c4,"@x,y",production,completed,2026-10-20T13:00:00Z,4000,4,4,false
EOD
ingest -q --store s d.csv
for rule in default exact spreadsheet; do
	echo "--- ingest --dump, $rule"
	[ $rule = default ] && set -- || set -- --csv $rule
	"$BIN/shiplog-ingest" --store s --dump deployments "$@" >out.csv
	echo "exit=$?"
	cut -d, -f1-3 out.csv
done
for rule in default exact spreadsheet; do
	echo "--- analyze --print, $rule"
	[ $rule = default ] && set -- || set -- --csv $rule
	"$BIN/shiplog-analyze" --store s --now 2026-11-01 --only dora --print success_rates \
		"$@" >out.csv
	echo "exit=$?"
	# agent_id and environment (a quoted field may hold a comma)
	sed -n 1p out.csv | cut -d, -f1,2
	sed 1d out.csv | sed -e 's/^\("[^"]*"\|[^,]*\),\([^,]*\),.*/\1,\2/' | LC_ALL=C sort
done
echo "--- misuse"
"$BIN/shiplog-ingest" --store s --dump deployments --csv excel
echo "exit=$?"
"$BIN/shiplog-analyze" --store s --print success_rates --csv excel
echo "exit=$?"
