# The store files are plain msgpack: Python's msgpack reads them and its
# zlib.crc32 confirms every checksum (scripts/store-read.py).
ingest --store s "$E2E_DATA/deploy_basic.csv" "$E2E_DATA/deploy.jsonl"
for f in $(find s -name '*.msgpack' | sort); do
	/usr/bin/python3 "$E2E_ROOT/scripts/store-read.py" --verify "$f" >/dev/null &&
		echo "ok $f"
done
/usr/bin/python3 "$E2E_ROOT/scripts/store-read.py" --json \
	--columns deployment_id,start_time,cpu_change,rollback_triggered,metadata \
	s/deployments/2026-03-10.msgpack
