# The mail, parsed back with Python's email package: headers (Date from
# the analysis' now, a well-formed Message-ID, the RFC 2047 subject decoded
# back), a text summary and the HTML report attached byte for byte.
"$BIN/shiplog-ingest" -q --store s "$E2E_DATA/report_hostile.csv"
"$BIN/shiplog-analyze" --store s --now 2026-10-24T00:00:00Z --since 7d -o a.msgpack
"$BIN/shiplog-report" -q a.msgpack --html report.html --mail-to 'ops@example.com,dev@example.org' \
	--mail-from shiplog@ci.example.com --subject 'Déploiements — semaine 43' >m.eml
echo "exit=$?"
/usr/bin/python3 "$E2E_ROOT/tests/e2e/mime-check.py" m.eml report.html
echo "--- the subject is encoded on the wire"
grep '^Subject:' m.eml
echo "--- --mail-out, a default subject, and the same bytes twice"
"$BIN/shiplog-report" -q a.msgpack --html report.html --mail-to ops@example.com --mail-out m1.eml
"$BIN/shiplog-report" -q a.msgpack --html report.html --mail-to ops@example.com --mail-out m2.eml
must "identical" cmp m1.eml m2.eml &&
	echo "identical"
/usr/bin/python3 "$E2E_ROOT/tests/e2e/mime-check.py" m1.eml report.html | sed -n '2,6p'
echo "--- header injection is refused before any work"
nl='
'
"$BIN/shiplog-report" a.msgpack --mail-to "ops@example.com${nl}Bcc: victim@example.com"; echo "exit=$?"
"$BIN/shiplog-report" a.msgpack --mail-to ops@example.com --subject "hi${nl}Bcc: x@y"; echo "exit=$?"
"$BIN/shiplog-report" a.msgpack --mail-to 'Ops <ops@example.com>'; echo "exit=$?"
"$BIN/shiplog-report" a.msgpack --mail-to ops@example.com --mail-from 'a@b,c@d'; echo "exit=$?"
"$BIN/shiplog-report" a.msgpack --mail-to 'ops@'; echo "exit=$?"
"$BIN/shiplog-report" a.msgpack --html x.html --subject hi; echo "exit=$?"
echo "--- an equals sign in the text is encoded (=3D), so it decodes as itself"
"$BIN/shiplog-report" -q a.msgpack --html report.html --mail-to ops@example.com \
	--title 'rate =41% =3D' --mail-out m3.eml
got=$(/usr/bin/python3 "$E2E_ROOT/tests/e2e/mime-check.py" m3.eml report.html |
	sed -n '/^--- text body$/{n;p;}')
must "an equals sign decodes as itself" is "$got" 'rate =41% =3D' && echo "title: $got"
