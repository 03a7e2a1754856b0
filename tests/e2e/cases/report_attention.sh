# What needs attention, on the sample: the page's first section and the
# mail's summary list the same items in the same order (one computation);
# the window is said with its dates and year (all data: the first and last
# day with deployments); an empty window is said on standard error and in
# the report, and nothing is rated or drawn; a nearly empty one is said too,
# and a DORA key from fewer than 5 samples gets no tier.
"$BIN/shiplog-ingest" -q --store s "$E2E_ROOT"/data/sample/*.csv.gz
attention() { # the page's list as text, then the mail's, compared
	/usr/bin/python3 - "$1" "$2" <<'EOP'
import email, html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
sec = page[page.index('<section id="attention"'):page.index("</section>")]
items = []
for g in re.findall(r'<div class="group[^"]*"><h3><a href="#([a-z]+)">([^<]*)</a></h3>\n(.*?)</div>\n', sec, re.S):
    items.append(html.unescape(g[1]))
    items += [html.unescape(x) for x in re.findall(r"<p>(.*?)</p>", g[2])]
    items += [("! " if c else "- ") + html.unescape(x) for c, x in re.findall(r'<li( class="hot")?>(.*?)</li>', g[2])]
m = email.message_from_file(open(sys.argv[2], encoding="utf-8"))
text = m.get_payload()[0].get_payload(decode=True).decode()
part = text[text.index("What needs attention\n\n") + 22:]
mail = [l.strip() for l in part.split("\n\n\n")[0].split("\n") if l.strip()]
mail = mail[:len(items)]
print("\n".join(items))
print("page and mail say the same:", items == mail)
print("sections linked:", " ".join(re.findall(r'<h3><a href="#([a-z]+)">', sec)))
print("attention before the contents:", page.index('id="attention"') < page.index("<nav>"))
EOP
}
echo "--- 30 days"
"$BIN/shiplog-analyze" --store s --now 2026-10-30T00:00:00Z --since 30d -o a.msgpack 2>/dev/null
"$BIN/shiplog-report" -q a.msgpack --html r.html --mail-to ops@example.com --mail-out m.eml
echo "exit=$?"
attention r.html m.eml
echo "--- the rollback-rate card above its target is marked"
grep -o '<div class="card alarm"><div class="k">[^<]*' r.html
echo "--- all data: the window's dates"
"$BIN/shiplog-analyze" --store s --now 2026-10-30T00:00:00Z -o all.msgpack 2>/dev/null
"$BIN/shiplog-report" -q all.msgpack --html all.html --mail-to ops@example.com --mail-out all.eml
grep -o '<b>Window:</b> [^&]*' all.html
grep -o '"day ([0-9-]* . [0-9-]*)"\|>day ([0-9-]* . [0-9-]*)<' all.html | sort -u
echo "--- an empty window: said, not rated, not drawn"
"$BIN/shiplog-analyze" --store s --now 2026-12-07T00:00:00Z --since 7d -o empty.msgpack 2>/dev/null
"$BIN/shiplog-report" -q empty.msgpack --html empty.html --mail-to ops@example.com --mail-out empty.eml
echo "exit=$?"
grep -o '<p class="notice">[^<]*' empty.html
grep -c '<p class="nodata">No deployments in this window.</p>' empty.html
echo "tiers drawn: $(grep -c '<span class="tier' empty.html)"
echo "deployment charts: $(grep -o '<figcaption>[^<]*' empty.html | grep -vc 'quality gate')"
/usr/bin/python3 -c '
import email, email.header
m = email.message_from_file(open("empty.eml"))
print("Subject:", str(email.header.make_header(email.header.decode_header(m["Subject"]))))'
echo "--- a nearly empty window: said; no tier from a handful of samples"
"$BIN/shiplog-analyze" --store s --now 2026-10-30T00:00:00Z --since 4h -o few.msgpack 2>/dev/null
"$BIN/shiplog-report" -q few.msgpack --html few.html --mail-to ops@example.com --mail-out few.eml
grep -o '<p class="notice">[^<]*' few.html
attention few.html few.eml | sed -n '/DORA/,$p'
