# Invalid UTF-8 is replaced by U+FFFD and counted; valid text is untouched.
ingest --store s "$E2E_DATA/utf8.csv"
dump s deployments
