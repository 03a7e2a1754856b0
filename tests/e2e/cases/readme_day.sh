# The README's commands of a day's work, as written (the block after its
# day-of-work marker), on the bundled sample: bin/ is the binaries under
# test, data/sample the repository's; `make` is left out (they are built).
# Each must exit 0, the 7-day window must hold deployments (no empty-window
# warning), and the mail's subject says the window with its year.
awk '/<!-- day-of-work/ { f = 1; next } f && /^```/ { if (n++) exit; next } f' \
	"$E2E_ROOT/README.md" >day.txt
grep -c . day.txt
while IFS= read -r cmd; do
	case "$cmd" in make*) continue ;; esac
	run=$(printf '%s\n' "$cmd" | sed -e "s#^bin/#$BIN/#" -e "s#data/sample/#$E2E_ROOT/data/sample/#g")
	sh -c "$run" >out.txt 2>err.txt
	echo "exit=$? $(printf '%s\n' "$cmd" | sed 's/  *#.*//')"
	grep -h 'shiplog-report: warning' err.txt
done <day.txt
ls
grep -c '^overall,' week-csv/summary.csv
/usr/bin/python3 -c '
import email, email.header, sys
m = email.message_from_file(open("week.eml"))
print("Subject:", str(email.header.make_header(email.header.decode_header(m["Subject"]))))'
grep -o '<b>Window:</b> [^&]*' week.html
