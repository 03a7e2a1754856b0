#!/bin/sh
# make check-browser: renders the sample's report with headless Chromium
# and checks that the screenshot is not blank (scripts/png-ink.py).  The
# screenshot stays in out/report.png to be looked at.  Skips, with exit 0,
# when Chromium is not installed (INSTALL_CHROMIUM=1 scripts/install-deps.sh),
# except in CI (CI=true), where a check that cannot run fails.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
	if [ "${CI:-}" = true ]; then
		echo "check-browser: no chromium in CI (INSTALL_CHROMIUM=1 scripts/install-deps.sh)" >&2
		exit 1
	fi
	echo "check-browser: skipped: no chromium (INSTALL_CHROMIUM=1 scripts/install-deps.sh)"
	exit 0
fi
mkdir -p out
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shiplog-browser.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
"$BIN/shiplog-ingest" -q --store "$tmp/store" data/sample/*.csv.gz
"$BIN/shiplog-analyze" --store "$tmp/store" --now 2026-10-30T00:00:00Z --since 30d -o "$tmp/a.msgpack"
"$BIN/shiplog-report" -q "$tmp/a.msgpack" --html out/report-browser.html
rm -f out/report.png
# no network, no GPU, a throw-away profile; chromium's chatter goes away
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
	--user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1280,${SHOT_HEIGHT:-4000} \
	--screenshot="$PWD/out/report.png" "file://$PWD/out/report-browser.html" >"$tmp/log" 2>&1 || {
	cat "$tmp/log" >&2
	echo "check-browser: chromium failed" >&2
	exit 1
}
[ -s out/report.png ] || { echo "check-browser: no screenshot" >&2; exit 1; }
/usr/bin/python3 scripts/png-ink.py out/report.png 0.03
echo "check-browser: ok (out/report.png)"
