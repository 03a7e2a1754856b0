# Ingesting the same file again changes nothing (the manifest knows it);
# --reprocess rebuilds the partitions it touches without doubling rows.
ingest --store s "$E2E_DATA/deploy_basic.csv"
before=$(fingerprint s)
ingest --store s "$E2E_DATA/deploy_basic.csv"
[ "$before" = "$(fingerprint s)" ] && echo "store unchanged"
cat "$E2E_DATA/deploy_basic.csv" | ingest --store s
[ "$before" = "$(fingerprint s)" ] && echo "store unchanged after stdin"
ingest --store s --reprocess "$E2E_DATA/deploy_basic.csv"
dump s deployments | wc -l
manifest s
