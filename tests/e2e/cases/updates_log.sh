# Status updates beyond the memory budget: with --buffer-rows 1024 a run
# keeps at most ~4,100 deployment_ids in memory, and the rest go to the
# status-update log (sorted runs on disk, merged at the end).  Thousands
# of ids, rows of one id on different days, missing and tied updated_at,
# a second run against the stored rows, and artifacts routed to their
# deployment's day: the store must equal that of a run with everything in
# memory, and the winners must equal an independent model in Python.
/usr/bin/python3 - <<'PY'
import random
random.seed(42)
ids = ["dep-%05d" % i for i in range(7000)]
ups = ["2026-03-%02dT%02d:00:00Z" % (d, h) for d in (1, 2, 3) for h in range(0, 24, 2)]
n = 0
for f in ("a", "b", "c"):
    with open(f + ".csv", "w") as out:
        out.write("deployment_id,agent_id,environment,phase,start_time,updated_at\n")
        for _ in range(12000):
            n += 1
            day = random.choice((1, 2, 3, 4))
            upd = "" if random.random() < 0.2 else random.choice(ups)
            out.write("%s,row-%d,production,completed,2026-03-%02dT12:00:00Z,%s\n"
                      % (random.choice(ids), n, day, upd))
with open("art.csv", "w") as out:
    out.write("artifact_id,deployment_id,name,type\n")
    for i in range(3000):
        out.write("art-%d,%s,x,docker\n" % (i, random.choice(ids + ["dep-none"])))
PY
ingest -q --store mem a.csv
ingest -q --store log --buffer-rows 1024 a.csv
ingest --store mem b.csv c.csv art.csv 2>&1 | grep superseded
ingest --store log --buffer-rows 1024 b.csv c.csv art.csv 2>&1 | grep superseded
for k in deployments artifacts; do
	dump mem $k >mem.txt
	dump log $k >log.txt
	must "$k: the same with the log as in memory" cmp -s mem.txt log.txt &&
		echo "$k: the same with the log as in memory"
done
layout log
# the model: in a run, a later row wins unless both have updated_at and
# the earlier's is later; a stored row wins over a run's winner only when
# both have updated_at and the stored one's is later
/usr/bin/python3 - <<'PY' >want.txt
import csv
def run(store, files):
    best = {}
    for f in files:
        for r in csv.DictReader(open(f, newline="")):
            k, u = r["deployment_id"], r["updated_at"]
            o = best.get(k)
            if o is None or not (o["updated_at"] and u and o["updated_at"] > u):
                best[k] = r
    for k, r in best.items():
        s = store.get(k)
        if s is None or not (s["updated_at"] and r["updated_at"] and s["updated_at"] > r["updated_at"]):
            store[k] = r
store = {}
run(store, ["a.csv"])
run(store, ["b.csv", "c.csv"])
for k in sorted(store):
    print(k + "," + store[k]["agent_id"])
PY
dump log deployments | awk -F, '/^dep-/ { print $1 "," $2 }' | sort >got.txt
echo "ids kept: $(wc -l <got.txt)"
must "every id keeps the row the model picks" cmp -s want.txt got.txt &&
	echo "every id keeps the row the model picks"
