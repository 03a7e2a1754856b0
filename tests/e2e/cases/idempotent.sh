# Ingesting the same file again changes nothing (the manifest knows it);
# --reprocess rebuilds the partitions it touches without doubling rows.
# A file is hashed before it is read only when the manifest holds an
# input of its size; else its digest is taken as it is read (the second
# run, which hashes first, finds the digest the first one took reading).
ingest --store s "$E2E_DATA/deploy_basic.csv"
before=$(fingerprint s)
ingest --store s "$E2E_DATA/deploy_basic.csv"
must "store unchanged" is "$(fingerprint s)" "$before" && echo "store unchanged"
cat "$E2E_DATA/deploy_basic.csv" | ingest --store s
must "store unchanged after stdin" is "$(fingerprint s)" "$before" && echo "store unchanged after stdin"
mkfifo pipe.csv # a named pipe: hashed as it is read, like standard input
cat "$E2E_DATA/deploy_basic.csv" >pipe.csv &
ingest --store s pipe.csv
wait
must "store unchanged after a named pipe" is "$(fingerprint s)" "$before" && echo "store unchanged after a named pipe"
ingest --store s --reprocess "$E2E_DATA/deploy_basic.csv"
dump s deployments | wc -l
manifest s
# The same size, one byte apart (OPS-1 becomes OPS-2): another input, read
# and ingested, not taken for the one of that size in the manifest.
sed 's/,OPS-1$/,OPS-2/' "$E2E_DATA/deploy_basic.csv" >same_size.csv
cmp -s same_size.csv "$E2E_DATA/deploy_basic.csv" || echo "sizes: $(wc -c <"$E2E_DATA/deploy_basic.csv") and $(wc -c <same_size.csv)"
ingest --store s same_size.csv
manifest s | cut -f2-
