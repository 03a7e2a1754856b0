# The same deployment_id again supersedes the earlier row: the latest
# updated_at wins, else the later row; within a file, across files of a
# run, across runs, and across days (dep-402 moves to 2026-03-09).
ingest --store s "$E2E_DATA/updates_a.csv" "$E2E_DATA/updates_b.csv"
dump s deployments
ingest --store s "$E2E_DATA/updates_c.csv"
layout s
dump s deployments
# the same files in separate runs give the same rows as in one run
ingest --store s2 "$E2E_DATA/updates_a.csv"
ingest --store s2 "$E2E_DATA/updates_b.csv"
ingest --store s2 "$E2E_DATA/updates_c.csv"
dump s deployments | sort >one.txt
dump s2 deployments | sort >three.txt
must "one run = three runs" cmp -s one.txt three.txt &&
	echo "one run = three runs"
