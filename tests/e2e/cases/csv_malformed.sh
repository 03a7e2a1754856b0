# Bad rows go to the reject file with line and reason; good rows stay.
ingest --store s "$E2E_DATA/malformed.csv"
dump s deployments
rejects s
