# scripts/shiplog-nightly with a teams file (docs/OPERATIONS.md, "The
# nightly job per team"): three teams over generated data, a mail command
# that keeps every message.  Each team's report holds its agents and none
# of the others'; the two agents no team owns are named in the
# organisation's attention list; the team with nothing new in the window
# gets a one-line mail, and none with quiet = none; each message goes to
# its team's recipients, with the subject of docs/REPORT.md; a team whose
# report fails stops no other team's, and the exit status says so.
N="$E2E_ROOT/scripts/shiplog-nightly --bin $BIN"
# six agents deploy in the window and the week before it (the success
# rate's change); three others (loyalty-service, media-consumer,
# orders-proxy) only in January: outside the window
"$BIN/shiplog-gen" --seed 5 --deployments 600 --agents 6 --start 2026-02-18 --days 14 \
	--updates 0 -o inbox/recent >/dev/null
"$BIN/shiplog-gen" --seed 6 --deployments 40 --agents 3 --start 2026-01-01 --days 3 \
	--updates 0 --kinds deployments -o inbox/old >/dev/null
cat >teams.conf <<'EOT'
# the teams of the e2e test
[payments]
agents = payments-*, catalog-consumer
mail_to = pay@example.com, pay-oncall@example.com

[pricing]
agents = pricing-api
agents = tax-consumer
mail_to = pricing@example.com
quiet = full

[legacy]   # deploys no more: nothing new in March
agents = loyalty-service
mail_to = legacy@example.com
EOT
cat >nightly.conf <<'EOC'
inbox = inbox
store = store
out = reports
window = 7d
critical_exit = 0
teams = teams.conf
mail_to = ops@example.com
mail_from = shiplog@example.com
EOC
# the mail command: each message into sent/, numbered in the order sent
mkdir sent
cat >fake-sendmail <<'EOS'
n=$(ls sent | wc -l)
cat >sent/$((n + 1)).eml
EOS
run() { # the wrapper, its exit status and its stderr
	$N "$@" 2>err.txt
	echo "exit=$?"
	sed -e 's#/tmp/[^ ]*#TMP#g' err.txt
}
# the messages as a mail client reads them: To, the decoded subject, the
# parts, the first line of the text
mails() {
	for m in sent/*.eml; do
		/usr/bin/python3 - "$m" <<'EOP'
import email, email.policy, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
parts = list(msg.iter_parts()) if msg.is_multipart() else [msg]
text = parts[0].get_content()
print(f"{sys.argv[1]}: To: {msg['To']}")
print(f"  Subject: {msg['Subject']}")
print(f"  parts: {', '.join(p.get_content_type() for p in parts)}; defects {len(msg.defects)}; "
      f"quiet: {msg['X-Shiplog-Quiet']}")
print(f"  text: {len(text.splitlines())} lines, the first: {text.splitlines()[0]}")
EOP
	done
}
log() { sed -e 's/^[0-9T:-]*Z //' -e "s#$PWD/##g" reports/nightly.log; }

echo "--- the teams as the nightly job reads them"
"$BIN/shiplog-analyze" --teams teams.conf --list-teams
echo "--- one night"
run -c nightly.conf --now 2026-03-04T00:00:00Z --sendmail "sh fake-sendmail"
ls reports/2026-03-03 reports/2026-03-03/teams | sed 's/^/  /'
ls reports/2026-03-03/payments reports/2026-03-03/legacy | sed 's/^/  /'
log
mails >mails.txt
cat mails.txt
# the subject of docs/REPORT.md: team, critical alerts (left
# out without any), success with its change in points, the last day
must "pricing's subject" grep -q '^  Subject: pricing: 1 critical alert, success [0-9.]*% ([▲▼][0-9]*\.[0-9]), 2026-03-03$' mails.txt
must "payments' subject" grep -q '^  Subject: payments: success [0-9.]*% ([▲▼][0-9]*\.[0-9]), 2026-03-03$' mails.txt
must "legacy's subject" grep -q '^  Subject: legacy: nothing new, 2026-03-03$' mails.txt
must "the org's subject" grep -q '^  Subject: Deployment report: [0-9]* critical alerts, success' mails.txt

echo "--- each team's report holds its agents and none of the others'"
d=reports/2026-03-03
for t in payments pricing legacy; do
	printf '%s:' "$t"
	for a in payments-exporter catalog-consumer pricing-api tax-consumer loyalty-service \
		fraud-sync ledger-gateway media-consumer orders-proxy; do
		n=$(grep -o "$a" "$d/$t/report.html" | wc -l)
		[ "$n" -gt 0 ] && printf ' %s' "$a"
	done
	echo
done
for a in payments-exporter catalog-consumer; do
	must "payments shows $a" grep -q "<td>$a</td>" $d/payments/report.html
done
for a in pricing-api tax-consumer fraud-sync ledger-gateway; do
	must "payments does not show $a" test "$(grep -c "$a" $d/payments/report.html)" = 0
	# the pipelines are the organisation's (not split by agent), in the
	# CSV files of every team
	must "payments' CSV files do not hold $a" test "$(ls $d/payments/csv/*.csv |
		grep -v '/pipeline[a-z_]*\.csv$\|/stages\.csv$' | xargs cat | grep -c "$a")" = 0
done
for a in pricing-api tax-consumer; do
	must "pricing shows $a" grep -q "<td>$a</td>" $d/pricing/report.html
done
for a in payments-exporter catalog-consumer fraud-sync ledger-gateway; do
	must "pricing does not show $a" test "$(grep -c "$a" $d/pricing/report.html)" = 0
done
echo "--- whose report it is, against the organisation"
grep -o '<h1>[^<]*</h1>' $d/payments/report.html
grep -o '<p class="meta team">.*' $d/payments/report.html | sed 's/<[^>]*>//g'
grep -o 'Success rate: [^<]* in the organisation[^<]*' $d/payments/report.html
grep -o 'Success rate: [^<]* in the organisation[^<]*' $d/pricing/report.html

echo "--- the organisation's attention list names the agents no team owns"
sed -n '/<section id="attention"/,/<\/section>/p' $d/report.html | grep -o '[^>]*belong to no team[^<]*'
must "unowned in the org's attention section" grep -q \
	'<li class="hot">2 agents belong to no team: [a-z-]*, [a-z-]*</li>' $d/report.html
for a in fraud-sync ledger-gateway; do
	must "$a named unowned" sh -c "sed -n '/<section id=\"attention\"/,/<\/section>/p' $d/report.html |
		grep 'belong to no team' | grep -q '$a'"
done
must "no team report names itself unowned" test "$(grep -l 'belong to no team' $d/*/report.html | wc -l)" = 0

echo "--- recipients and subjects"
must "org mail to ops" grep -q '^To: ops@example.com$' sent/1.eml
for m in sent/*.eml; do
	case $(grep -m1 '^To: ' "$m") in
	"To: pay@example.com,pay-oncall@example.com") pay=$m ;;
	"To: pricing@example.com") pricing=$m ;;
	"To: legacy@example.com") legacy=$m ;;
	esac
done
must "one message a team" test -n "${pay:-}" -a -n "${pricing:-}" -a -n "${legacy:-}"
must "legacy is one line" grep -q '^X-Shiplog-Quiet: nothing new$' "$legacy"
must "legacy has nothing attached" test "$(grep -c 'multipart\|^Content-Disposition' "$legacy")" = 0
must "legacy's line" grep -q '^legacy: nothing new in 2026-02-25 =E2=80=93 2026-03-03$' "$legacy"
must "payments' report attached" grep -q '^Content-Disposition: attachment; filename="report.html"' "$pay"

echo "--- shiplog-report --if-quiet by hand on legacy's analysis"
la=reports/2026-03-03/teams/legacy/analysis.msgpack
"$BIN/shiplog-report" "$la" --mail-to legacy@example.com --if-quiet none --mail-out none.eml
echo "exit=$? $(ls none.eml 2>&1 | sed 's/.*: //')"
"$BIN/shiplog-report" "$la" --mail-to legacy@example.com --if-quiet oneline --mail-out one.eml
echo "exit=$? $(wc -l <one.eml) lines"
"$BIN/shiplog-report" "$la" --mail-to legacy@example.com --if-quiet full | grep -c '^Content-Disposition: attachment'
"$BIN/shiplog-report" "$la" --mail-to legacy@example.com --if-quiet sometimes
echo "exit=$?"
"$BIN/shiplog-report" "$la" --html x.html --if-quiet none
echo "exit=$?"
echo "--- quiet = none: no mail for legacy; pricing without recipients: its report alone"
sed -i -e 's/^agents = loyalty-service$/agents = loyalty-service\nquiet = none/' \
	-e '/^mail_to = pricing@example.com$/d' teams.conf
rm -rf sent reports/nightly.log && mkdir sent
run -c nightly.conf --now 2026-03-04T00:00:00Z --sendmail "sh fake-sendmail"
log | grep '^team'
grep -h '^To: ' sent/*.eml
must "no mail for a quiet = none team" test "$(grep -l 'legacy@' sent/*.eml | wc -l)" = 0
must "no mail file for it" test ! -e reports/2026-03-03/legacy/mail.eml
must "its report still written" test -s reports/2026-03-03/legacy/report.html
must "no mail for a team without recipients" test "$(grep -l 'pricing@' sent/*.eml | wc -l)" = 0
must "its report written" test -s reports/2026-03-03/pricing/report.html
sed -i 's/^agents = tax-consumer$/agents = tax-consumer\nmail_to = pricing@example.com/' teams.conf

echo "--- a team's report fails: the others are mailed, exit 1"
rm -rf sent reports/nightly.log && mkdir sent
cat >bin-wrap <<EOS
#!/bin/sh
case "\$*" in *teams/pricing/*) echo "shiplog-report: error: broken on purpose" >&2; exit 1 ;; esac
exec "$BIN/shiplog-report" "\$@"
EOS
mkdir wrapped
for b in shiplog-ingest shiplog-analyze; do ln -s "$BIN/$b" wrapped/$b; done
cp bin-wrap wrapped/shiplog-report && chmod +x wrapped/shiplog-report
$E2E_ROOT/scripts/shiplog-nightly --bin wrapped -c nightly.conf --now 2026-03-04T00:00:00Z \
	--sendmail "sh fake-sendmail" 2>err.txt
echo "exit=$?"
sed -e "s#$PWD/##g" err.txt
log | grep '^team\|^error'
grep -h '^To: ' sent/*.eml
ls reports/2026-03-03 | sed 's/^/  /'

echo "--- a bad teams file stops the night before any work"
printf '[payments]\nmail_to = a@b\n' >bad.conf
run -c nightly.conf --teams bad.conf --now 2026-03-05T00:00:00Z --sendmail "sh fake-sendmail"
must "no day written" test ! -e reports/2026-03-04
