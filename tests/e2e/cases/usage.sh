# Unix manners: --help/--version exit 0, misuse exits 2 with a hint,
# unreadable input exits 1 before any work, a held lock is refused.
"$BIN/shiplog-ingest" --version >/dev/null; echo "version exit=$?"
{ "$BIN/shiplog-ingest" --help; echo "help exit=$?" >&2; } | head -n 1
ingest "$E2E_DATA/deploy_basic.csv"
ingest --store s --kind nonsense x.csv
ingest --store s --bogus
ingest --store s missing.csv
[ -d s ] || echo "no store created"
ingest --store s --kind incidents "$E2E_DATA/deploy_basic.csv"
mkdir -p held
flock held/.lock sleep 5 &
sleep 0.5
ingest --store held "$E2E_DATA/deploy_basic.csv"
kill %1 2>/dev/null
wait
