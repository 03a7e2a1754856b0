# RFC 4180: CRLF line ends, quoted newlines and quotes, blank lines,
# spaces kept; reported line numbers count physical lines.
ingest --store s "$E2E_DATA/crlf_quoted.csv"
dump s deployments
