# The binaries users run hold no test hook: the kill test's
# SHIPLOG_CRASH_AT (which makes the test build's ingest kill itself at a
# commit step) is ignored, and the store is whole.  The hooks live in the
# test build only (build/hooks/, tests/crash/kill.sh).
SHIPLOG_CRASH_AT=1 ingest --store s "$E2E_DATA/deploy_basic.csv"
"$BIN/shiplog-ingest" --store s --verify >/dev/null
echo "verify exit=$?"
grep -c SHIPLOG_CRASH_AT "$BIN/shiplog-ingest"
