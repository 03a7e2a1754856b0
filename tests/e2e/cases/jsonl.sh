# JSON Lines: numbers, booleans, nulls, epoch seconds, nested objects into
# metadata, arrays of scalars as ;-lists, invalid lines and duplicate keys
# rejected.
ingest --store s "$E2E_DATA/deploy.jsonl"
dump s deployments
rejects s
