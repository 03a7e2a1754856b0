# Canonical deployments CSV: columns in any order, every time spelling,
# booleans, an unknown column kept in metadata, strategies normalised.
ingest --store s "$E2E_DATA/deploy_basic.csv"
layout s
dump s deployments
manifest s
rejects s
