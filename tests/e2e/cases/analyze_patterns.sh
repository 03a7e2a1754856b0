# Features, anomalies and patterns, hand-worked (docs/ANALYZE.md).
# 13 deployments: a1-a6 alike, b1-b5 alike but latency +10%, x1 rolled back
# with 4 of 10 failed, 6 healthy, latency +50%, error rate +0.05; n1 in
# progress with every measurement null.
#   log_duration: all ln(60000), n1 imputed with it: constant, so all 0;
#   coverage, cpu and memory likewise.
#   failed_share, unhealthy_share, error_rate_change, rollback: x1 alone
#   is not 0 (n1 imputed with the median 0), so with 13 rows and one
#   value v: mean v/13, population sd v sqrt(12)/13, x1's z = sqrt(12) =
#   3.4641, everyone else's -1/sqrt(12) = -0.288675.
#   latency_change: known 0 x6, 0.1 x5, 0.5; median of 12 = (0 + 0.1) / 2
#   = 0.05 for n1; mean 1.05/13 = 0.0807692, sd 0.129405, so a: -0.624157,
#   b: 0.148610, x1: 3.239689, n1: -0.237775.
# DBSCAN (eps 0.3, 5): a1-a6 are 6 equal rows (cores, cluster 0), b1-b5 5
#   equal rows (cores, cluster 1); a to b is 0.1/0.129405 = 0.77; n1 is
#   0.386 from both: noise, like x1.
# Isolation forest: 13 x 0.1 = 1.3 rounds to 1 flagged: x1, with every
#   known feature beyond 2 sigma, largest first.
"$BIN/shiplog-ingest" -q --store s "$E2E_DATA/patterns_hand.csv"
"$BIN/shiplog-analyze" --store s --now 2026-06-02 -o a.msgpack --print features
"$BIN/shiplog-analyze" --store s --print anomalies
"$BIN/shiplog-analyze" --store s --print patterns
"$BIN/shiplog-analyze" --store s --print clusters
# same seed, same bytes (and the same --now: the file records it); another
# seed, other scores but the same flag
"$BIN/shiplog-analyze" --store s --now 2026-06-02 -o b.msgpack
must "same seed: byte-identical" cmp -s a.msgpack b.msgpack &&
	echo "same seed: byte-identical"
"$BIN/shiplog-analyze" --store s --seed 7 --print anomalies | cut -d, -f1,3
# settings: 0.3 x 13 = 3.9 rounds to 4, and the 4th score is tied by b1-b5:
# 7 flagged; a radius that joins a and b (and n1)
printf 'anomalies.contamination = 0.3\npatterns.eps = 0.8\n' >c.conf
"$BIN/shiplog-analyze" --store s --config c.conf --print anomalies | cut -d, -f1,3
"$BIN/shiplog-analyze" --store s --config c.conf --print patterns | tr '\n' ' '; echo
printf 'patterns.min_samples = 0\n' >bad.conf
"$BIN/shiplog-analyze" --store s --config bad.conf --print patterns; echo "exit=$?"
printf 'anomalies.contamination = 0.9\n' >bad.conf
"$BIN/shiplog-analyze" --store s --config bad.conf --print patterns; echo "exit=$?"
# the sample: features against pandas to 1e-12 (they are z-scores, so
# absolute), and DBSCAN labels equal to scikit-learn's on the same matrix
# (scripts/ref-features.py; outputs committed under data/ref/)
"$BIN/shiplog-ingest" -q --store sample "$E2E_ROOT"/data/sample/*.csv.gz
"$BIN/shiplog-analyze" --store sample --print features >f.csv
must "features against pandas" awk -F, 'NR == FNR { for (i = 1; i <= NF; i++) ref[FNR, i] = $i; nf[FNR] = NF; n = FNR; next }
	{ if (NF != nf[FNR]) { bad++; next }
	  for (i = 1; i <= NF; i++) {
		if (FNR == 1 || i == 1) { if ($i != ref[FNR, i]) bad++; continue }
		d = $i - ref[FNR, i]; if (d < 0) d = -d; if (d > 1e-12) bad++ } }
	END { print (FNR == n && !bad) ? "features: same as pandas" : "features: " bad " differences"
	      exit !(FNR == n && !bad) }' \
	"$E2E_DATA/ref/features_all.csv" f.csv
"$BIN/shiplog-analyze" --store sample --print patterns >p.csv
must "patterns against scikit-learn" cmp p.csv "$E2E_DATA/ref/patterns_all.csv" &&
	echo "patterns: same as scikit-learn"
"$BIN/shiplog-analyze" --store sample --print anomalies | awk -F, 'NR > 1 { n++; f += $3 == "true" }
	END { print n " deployments, " f " flagged" }'
# absurd values: sums that overflow make the column constant (0), never NaN;
# cpu: 0.1, 0.3 and a null imputed with their median 0.2: z = -/+sqrt(1.5), 0
printf '%s\n' 'deployment_id,agent_id,environment,phase,start_time,latency_change,cpu_change' \
	'h1,a,production,completed,2026-06-01T10:00:00Z,1e308,0.1' \
	'h2,a,production,completed,2026-06-01T11:00:00Z,1e308,0.3' \
	'h3,a,production,failed,2026-06-01T12:00:00Z,-1e308,' >huge.csv
"$BIN/shiplog-ingest" -q --store huge huge.csv
# (the status is shiplog's, not cut's: st writes it to standard error)
st "$BIN/shiplog-analyze" --store huge --print features | cut -d, -f1,6,8
st "$BIN/shiplog-analyze" --store huge --print clusters | cut -d, -f1,2
