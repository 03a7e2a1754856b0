# A damaged store file (a flipped byte, a cut tail) is found by its
# checksums and named: --verify lists it and exits 1; shiplog-analyze
# refuses to analyse over it (exit 1) rather than read garbage, while
# windows that do not touch it still work; an ingest that would merge
# into it stops with the file named and changes nothing; re-ingesting
# the day's logs with --reprocess rebuilds it.
ingest --store s "$E2E_DATA/deploy_basic.csv" "$E2E_DATA/health_validations.csv"
layout s
# flip one byte in the middle of a partition, cut the tail of another
f=s/deployments/2026-03-02.msgpack
size=$(wc -c <"$f")
printf '\125' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
g=s/validations/2026-06-01.msgpack
head -c $(($(wc -c <"$g") - 7)) "$g" >cut && mv cut "$g"
"$BIN/shiplog-ingest" --store s --verify 2>&1
echo "verify exit=$?"
"$BIN/shiplog-analyze" --store s --now 2026-07-01 --print summary 2>&1 >/dev/null
echo "analyze exit=$?"
"$BIN/shiplog-analyze" --store s --now 2026-07-01 --from 2026-03-01 --to 2026-03-02 \
	--print summary >/dev/null
echo "analyze of the day before exit=$?"
head -1 "$E2E_DATA/deploy_basic.csv" >more.csv
echo "payments-api,dep-900,production,completed,2026-03-02T09:00:00Z,2026-03-02T09:01:00Z,1.3.0,canary,2,2,2,0,false,,2026-03-02T09:01:00Z," >>more.csv
before=$(fingerprint s)
ingest --store s more.csv
must "store unchanged" is "$(fingerprint s)" "$before" && echo "store unchanged"
ingest --store s --reprocess "$E2E_DATA/deploy_basic.csv"
"$BIN/shiplog-ingest" --store s --verify 2>&1 | grep -v '^shiplog-ingest: [a-z_]* *[0-9]* files'
