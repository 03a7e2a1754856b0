# A write that fails (here: the file size limit, as a full disk would) is a
# clear error naming the file, exit 1, and the store exactly as before.
ingest --store s "$E2E_DATA/deploy_basic.csv"
before=$(fingerprint s)
manifest_before=$(cat s/manifest.tsv)
"$BIN/shiplog-gen" --seed 3 --deployments 3000 --days 1 --kinds deployments -o gen >/dev/null
(
	trap '' XFSZ
	ulimit -f 64
	"$BIN/shiplog-ingest" --store s gen/deployments.csv 2>err.txt
	echo "exit=$?"
)
sed -e 's#/\.tmp-[0-9]*-[0-9]*\.msgpack#/.tmp-N.msgpack#' -e 's/: File too large$/: File too large/' err.txt
must "partitions unchanged" is "$(fingerprint s)" "$before" && echo "partitions unchanged"
must "manifest unchanged" is "$(cat s/manifest.tsv)" "$manifest_before" && echo "manifest unchanged"
ls -a s/deployments | grep -c '^\.tmp-' || true
