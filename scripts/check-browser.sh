#!/bin/sh
# make check-browser: renders the sample's report (a 30-day window) and a
# 7-day window's in headless Chromium at 1280 and at 500 px wide, and fails
# when an element is wider than its container (or sticks out on its left,
# as a clipped chart label does), a box scrolls sideways, or a text is
# drawn smaller than 9 px; and when a screenshot is blank.  The checks run
# in a copy of each page with scripts/browser-probe.js appended (the
# shipped HTML has no script), whose findings chromium --dump-dom prints.
# The screenshots stay in out/ (report-sample-1280.png ...) to be looked
# at.  Without Chromium it skips with exit 0, but fails when CI=true
# (INSTALL_CHROMIUM=1 scripts/install-deps.sh).
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
	if [ "${CI:-}" = true ]; then
		echo "check-browser: no chromium, and CI=true: the layout is not checked" >&2
		exit 1
	fi
	echo "check-browser: skipped: no chromium (INSTALL_CHROMIUM=1 scripts/install-deps.sh)"
	exit 0
fi
mkdir -p out
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shiplog-browser.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
"$BIN/shiplog-ingest" -q --store "$tmp/store" data/sample/*.csv.gz
"$BIN/shiplog-analyze" --store "$tmp/store" --now 2026-10-30T00:00:00Z --since 30d -o "$tmp/sample.msgpack" 2>/dev/null
"$BIN/shiplog-analyze" --store "$tmp/store" --now 2026-10-30T00:00:00Z --since 7d -o "$tmp/week.msgpack" 2>/dev/null
# no network, no GPU, a throw-away profile; chromium's chatter goes away
run() {
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--user-data-dir="$tmp/profile" --hide-scrollbars "$@" 2>"$tmp/log" || {
		cat "$tmp/log" >&2
		echo "check-browser: chromium failed" >&2
		exit 1
	}
}
bad=0
for name in sample week; do
	"$BIN/shiplog-report" -q "$tmp/$name.msgpack" --html "out/report-$name.html"
	{ cat "out/report-$name.html"; echo '<script>'; cat scripts/browser-probe.js; echo '</script>'; } \
		>"$tmp/probe-$name.html"
	for w in 1280 500; do
		run --window-size="$w,2000" --dump-dom "file://$tmp/probe-$name.html" >"$tmp/dom"
		sed -n '/<pre id="browser-check">/,/<\/pre>/p' "$tmp/dom" >"$tmp/found"
		grep -q 'elements checked: [1-9]' "$tmp/found" || {
			echo "check-browser: $name at $w px: the probe did not run" >&2
			bad=1
		}
		if grep -q OFFENDER "$tmp/found"; then
			echo "check-browser: $name at $w px:" >&2
			grep -o 'OFFENDER.*' "$tmp/found" | sed 's#</pre>##; s/^OFFENDER /  /' >&2
			bad=1
		fi
		png="out/report-$name-$w.png"
		rm -f "$png"
		run --window-size="$w,${SHOT_HEIGHT:-1400}" --screenshot="$PWD/$png" \
			"file://$PWD/out/report-$name.html" >/dev/null
		[ -s "$png" ] || { echo "check-browser: no screenshot $png" >&2; exit 1; }
		/usr/bin/python3 scripts/png-ink.py "$png" 0.03 >/dev/null || {
			echo "check-browser: $png is blank" >&2
			bad=1
		}
	done
done
[ "$bad" = 0 ] || exit 1
echo "check-browser: ok (sample and 7-day reports at 1280 and 500 px; out/report-*.png)"
