# An unterminated quote rejects its record at the line the quote opened
# on, and the lines it swallowed are read again, one record a line: at the
# end of the input (with and without a final newline, and a second quote
# that does not close either), and in the middle of a file once the record
# passes 16 MiB (a quote opened early in a huge file: rows after it are
# read, not lost).
h=deployment_id,agent_id,environment,phase,start_time,metadata
{
	echo "$h"
	echo "d1,a,production,completed,2026-01-01T00:00:00Z,"
	echo 'd2,a,production,completed,2026-01-01T00:00:00Z,"{'
	echo "d3,a,production,completed,2026-01-01T00:00:00Z,"
	echo 'd4,a,production,"completed,2026-01-01T00:00:00Z,'
	printf 'd5,a,production,completed,2026-01-01T00:00:00Z,'
} >end.csv
ingest --store s end.csv
rejects s
dump s deployments | cut -d, -f1-5
# the same with a newline at the end, through --map (the map's own check)
printf 'x,"y\nx,y\n' | sed 's/^/p,1,/' >m.csv
sed -i '1i pipeline_id,execution_number,stage_id,status' m.csv
echo 'kind = stage_runs' >m.map
printf 'status = success\nstart_time = 2026-01-01T00:00:00Z\n' >>m.map
ingest --store m --map m.map m.csv
rejects m
dump m stage_runs | cut -d, -f1-3
# a quote opened on line 2 of a 20 MB file: 16 MiB later the record is
# given up, its first line rejected and the 16 MiB of lines read again
awk 'BEGIN { print "deployment_id,agent_id,environment,phase,start_time,metadata";
	print "q0,a,production,completed,2026-01-01T00:00:00Z,\"{";
	for (i = 1; i <= 400000; i++)
		printf "q%d,agent-with-a-longer-name,production,completed,2026-01-01T00:00:00Z,\n", i }' >big.csv
ingest --store b big.csv
rejects b | cut -c1-120
dump b deployments | wc -l
