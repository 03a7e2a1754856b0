# --verify checks every file's checksums; a flipped byte or a cut tail is
# found and named.
ingest --store s "$E2E_DATA/deploy_basic.csv"
"$BIN/shiplog-ingest" --store s --verify; echo "verify exit=$?"
f=s/deployments/2026-03-01.msgpack
printf 'X' | dd of=$f bs=1 seek=200 conv=notrunc 2>/dev/null
"$BIN/shiplog-ingest" --store s --verify 2>err.txt; echo "verify exit=$?"
sed 's/, [0-9]* rows,/, N rows,/' err.txt
head -c 300 s/deployments/2026-03-02.msgpack >cut && mv cut s/deployments/2026-03-02.msgpack
"$BIN/shiplog-ingest" --store s --dump deployments:2026-03-02; echo "dump exit=$?"
