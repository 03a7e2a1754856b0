# gzip is detected by its magic bytes (not the name), concatenated members
# are read, and a truncated stream fails naming the file, store unchanged.
head -n 3 "$E2E_DATA/deploy_basic.csv" | gzip -c >part1
{ head -n 1 "$E2E_DATA/deploy_basic.csv"; tail -n 3 "$E2E_DATA/deploy_basic.csv"; } |
	tail -n 3 | gzip -c >part2
cat part1 part2 >multi.data
ingest --store s multi.data
dump s deployments
before=$(fingerprint s)
gzip -c "$E2E_DATA/malformed.csv" >full.gz
head -c 150 full.gz >cut.csv.gz
ingest --store s cut.csv.gz
must "store unchanged" is "$(fingerprint s)" "$before" && echo "store unchanged"
printf 'not gzip at all' | gzip -c >junk.gz
printf 'trailing' >>junk.gz
ingest --store s junk.gz
# standard input, gzip-compressed JSON Lines, kind detected from the keys
gzip -c "$E2E_DATA/deploy.jsonl" | ingest --store s2 -
"$BIN/shiplog-ingest" --store s2 --dump deployments | cut -d, -f1-5
