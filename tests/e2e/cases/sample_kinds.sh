# The bundled sample: all ten kinds detected from their headers, artifacts
# and gate results placed on their parents' days, dirty rows rejected.
ingest --store s "$E2E_ROOT"/data/sample/*.csv.gz
"$BIN/shiplog-ingest" --store s --verify
echo "undated: $(ls s/*/undated.msgpack 2>/dev/null | wc -l) files"
tail -n +2 s/rejects/*.csv | cut -d, -f3 | sed 's/: .*//' | sort | uniq -c
# run again: every file is known, nothing changes
before=$(fingerprint s)
ingest --store s "$E2E_ROOT"/data/sample/*.csv.gz
must "store unchanged" is "$(fingerprint s)" "$before" && echo "store unchanged"
