# Outputs to a name that is not a regular file (a FIFO, a link to
# /dev/null, /proc/self/fd/1 as /dev/stdout leads to it) are written
# through it, never renamed over it: the name stays what it was, the bytes
# are those of a regular file's, and no temporary is left beside it.  (Not
# /dev/null or /dev/stdout themselves: a regression run as root would
# replace the machine's; a rename over /proc/self/fd/1 fails harmlessly.)
"$BIN/shiplog-ingest" -q --store s "$E2E_DATA/report_hostile.csv"
A="--store s --now 2026-10-24T00:00:00Z --since 7d"
"$BIN/shiplog-analyze" $A -o a.msgpack
"$BIN/shiplog-report" -q a.msgpack --html r.html
mkfifo f1 f2
echo "--- analysis into a FIFO"
timeout 60 cat f1 >got.msgpack &
"$BIN/shiplog-analyze" $A -o f1; echo "exit=$?"
wait
must "still a FIFO" test -p f1 && echo "f1 is a FIFO"
must "the FIFO carried the file" cmp got.msgpack a.msgpack && echo "same bytes as a.msgpack"
echo "--- report into a FIFO, and into standard output redirected to a file"
timeout 60 cat f2 >got.html &
"$BIN/shiplog-report" -q a.msgpack --html f2; echo "exit=$?"
wait
must "still a FIFO" test -p f2 && echo "f2 is a FIFO"
must "the FIFO carried the report" cmp got.html r.html && echo "same bytes as r.html"
"$BIN/shiplog-report" -q a.msgpack --html /proc/self/fd/1 >out.html; echo "exit=$?"
must "through standard output" cmp out.html r.html && echo "same bytes as r.html"
echo "--- a link to /dev/null stays a link to a character device"
ln -s /dev/null devnull
"$BIN/shiplog-analyze" $A -o devnull; echo "exit=$?"
must "still a link" test -L devnull && echo "devnull is a link"
must "to a character device" test -c devnull && echo "to a character device"
echo "--- nothing left beside them"
ls -a | grep -c 'tmp-' || true
