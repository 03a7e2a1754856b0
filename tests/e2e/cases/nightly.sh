# scripts/shiplog-nightly end to end (docs/OPERATIONS.md): two nights with
# new files, a rerun with nothing new, a second run while one holds the
# lock, a mail command that fails, the exit status of critical alerts, and
# one reprocessing run over the history that must give byte-identical
# analysis files to the nights run one by one.
N="$E2E_ROOT/scripts/shiplog-nightly --bin $BIN"
kinds=deployments,artifacts,validations,incidents,metric_samples,versions
"$BIN/shiplog-gen" --seed 5 --deployments 300 --start 2026-03-01 --days 2 --updates 0 \
	--kinds $kinds -o logs/night1 >/dev/null
"$BIN/shiplog-gen" --seed 6 --deployments 150 --start 2026-03-03 --days 1 --updates 0 \
	--kinds $kinds -o logs/night2 >/dev/null
mkdir inbox
cat >nightly.conf <<EOC
# the nightly job of the e2e test
inbox = inbox
store = store
out = reports
window = 7d
keep_days = 30
critical_exit = 0
EOC
run() { # the wrapper, its exit status and its stderr
	$N "$@" 2>err.txt
	echo "exit=$?"
	sed -e 's#/tmp/[^ ]*#TMP#g' err.txt
}
echo "--- night 1"
cp -r logs/night1 inbox/
run -c nightly.conf --now 2026-03-03T00:00:00Z
ls reports reports/2026-03-02 | sed 's/^/  /'
readlink reports/latest
echo "--- night 2"
cp -r logs/night2 inbox/
run -c nightly.conf --now 2026-03-04T00:00:00Z
readlink reports/latest
"$BIN/shiplog-analyze" --store store --print summary | tail -1
echo "--- a rerun with nothing new changes nothing"
before=$(fingerprint store)
cp reports/2026-03-03/analysis.msgpack night2.msgpack
run -c nightly.conf --now 2026-03-04T00:00:00Z
must "store unchanged" is "$(fingerprint store)" "$before" && echo "store unchanged"
must "analysis unchanged" cmp night2.msgpack reports/2026-03-03/analysis.msgpack &&
	echo "analysis unchanged"
grep -c 'ingest: nothing new' reports/nightly.log
echo "--- a second run while the first holds the lock"
flock reports/.nightly.lock $N -c nightly.conf --now 2026-03-04T00:00:00Z 2>&1
echo "exit=$?"
echo "--- the mail command fails: the report is kept, exit 1"
run -c nightly.conf --now 2026-03-04T00:00:00Z --mail-to 'ops@example.com' --sendmail false
ls reports/2026-03-03 | sed 's/^/  /'
grep -c '^Content-Type: multipart/mixed' reports/2026-03-03/mail.eml
echo "--- the mail command works"
run -c nightly.conf --now 2026-03-04T00:00:00Z --mail-to 'ops@example.com' --sendmail "cat > sent.eml"
grep -c '^To: ops@example.com' sent.eml
echo "--- critical alerts: their own exit status"
run -c nightly.conf --now 2026-03-04T00:00:00Z --critical-exit 3
echo "--- the per-minute alert check: the last hours' alerts (one critical: production)"
run -c nightly.conf --alerts-only --window 6h --now 2026-03-03T16:00:00Z --critical-exit 3 \
	>alerts.txt
cut -d, -f1,5,6 alerts.txt | head -3
tail -1 alerts.txt
echo "--- one reprocessing run over the history"
mkdir r
cat >r/nightly.conf <<EOC
inbox = inbox
store = r/store
out = r/reports
critical_exit = 0
EOC
run -c r/nightly.conf --reprocess --from 2026-03-02 --to 2026-03-04 --now 2026-03-04T00:00:00Z
ls r/reports | sed 's/^/  /'
for d in 2026-03-02 2026-03-03; do
	cmp reports/$d/analysis.msgpack r/reports/$d/analysis.msgpack &&
		echo "$d: analysis byte-identical to the night's"
done
echo "--- pruning keeps the last N days"
run -c nightly.conf --now 2026-04-10T00:00:00Z --keep-days 5
ls reports | sed 's/^/  /'
echo "--- reprocessing old days without --now keeps the reports it writes"
# Retention counts from the newest night written (2024-06-05), not from the
# clock: of the older reports there, the one within keep_days stays.
"$BIN/shiplog-gen" --seed 7 --deployments 80 --start 2024-05-31 --days 5 --updates 0 \
	--kinds deployments -o old/inbox/a >/dev/null
mkdir -p old/reports/2024-03-01 old/reports/2024-04-10
run --inbox old/inbox --store old/store --out old/reports --critical-exit 0 --keep-days 60 \
	--reprocess --from 2024-06-01 --to 2024-06-05
ls old/reports | sed 's/^/  /'
echo "--- with keep_days 1, still none of the days this run wrote"
run --inbox old/inbox --store old/store --out old/reports --critical-exit 0 --keep-days 1 \
	--reprocess --from 2024-06-01 --to 2024-06-05
ls old/reports | sed 's/^/  /'
echo "--- misuse"
run --store store
run -c missing.conf
