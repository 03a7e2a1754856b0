# Bad API objects: each is stored with nulls where a value is unusable, or
# rejected with its line and reason; never a crash, never a silent drop.
. "$E2E_ROOT/tests/e2e/adapters.sh"
/usr/bin/python3 - "$E2E_DATA/realdata/github-actions/runs-ants.jsonl.gz" <<'PY'
import copy, gzip, json, sys
run = json.loads(gzip.open(sys.argv[1], "rt").readline())
def line(**kw):
    r = copy.deepcopy(run)
    for k, v in kw.items():
        if v is KeyError:
            del r[k]
        else:
            r[k] = v
    return json.dumps(r, separators=(",", ":"), ensure_ascii=False)
out = []
out.append(line(name="good"))                                  # 1 stored
out.append(line(status=None, conclusion=None))                 # 2 rejected: no status
out.append(line(name={"nested": [[[["deep"]]]]}, head_branch=[1, [2, [3]]]))  # 3 stored, name null
out.append(line(run_number=KeyError))                          # 4 rejected: no run number
out.append(line(status="completed", conclusion="exploded"))    # 5 rejected: unknown conclusion
out.append(line(status="completed", conclusion=None))          # 6 rejected: no conclusion
bad = line(name="caf\u00e9 deploy to prod").encode().replace(b"\xc3\xa9", b"\xe9")
out.append(bad)                                                # 7 stored, U+FFFD
out.append(line(name="cut")[:60])                              # 8 cut inside a string
out.append("hello, not json")                                  # 9 not an object
cut = line(name="cut2")
out.append(cut[:cut.index(',"path"') + 1])                     # 10 cut between members
out.append('{"a":' + "[" * 3000 + "]" * 3000 + "}")            # 11 too deep for jansson
out.append(line(run_started_at="yesterday", created_at=12))    # 12 rejected: bad time
out.append(line(run_attempt="two"))                            # 13 stored, attempt null
out.append(line(id=None, name="last"))                         # 14 stored, no id
with open("bad.jsonl", "wb") as f:
    for o in out:
        f.write(o if isinstance(o, bytes) else o.encode())
        f.write(b"\n")
    f.write(line(name="cut at the end")[:100].encode())       # 15 the input ends inside it
PY
"$BIN/shiplog-ingest" --store s --format github-runs bad.jsonl 2>err.txt
echo "exit=$?"
norm <err.txt
"$BIN/shiplog-ingest" --store s --dump pipeline_runs | cut -d, -f2,3,9 
rejects s | sed "s#$E2E_DATA#DATA#g" | cut -c1-150
echo "--- every line is either stored or rejected"
"$BIN/shiplog-ingest" --store s --dump pipeline_runs | tail -n +2 | wc -l
tail -n +2 s/rejects/*.csv | grep -c '^"'
