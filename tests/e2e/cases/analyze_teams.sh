# Teams (docs/OPERATIONS.md, "Teams"; docs/ANALYZE.md): 3000 generated
# deployments of 12 agents, a teams file of three teams: edge by globs,
# money by two names, shop by names and globs; payments-sync belongs to
# money and shop, pricing-proxy to none.  One --team-dir run writes the
# organisation's file and each team's, each the same byte for byte as its
# own --team run; a team's file holds only its agents, its org_summary is
# the organisation's summary; the organisation's file lists pricing-proxy
# as unowned.  money has DORA tiers of its own (conf/money.conf): its
# org_dora holds the organisation's figures rated with them.  Then the
# refusals, each with its line.
"$BIN/shiplog-gen" --seed 7 --deployments 3000 --agents 12 --days 30 --start 2026-03-01 \
	-o g >/dev/null 2>&1
"$BIN/shiplog-ingest" -q --store s g/*.csv
mkdir conf
cat >conf/teams <<'T'
# who owns what
[edge]
agents = edge-*, *-apac     # globs
mail_to = edge@example.com
[money]
agents = payments-sync, ledger-worker
mail_to = money@example.com, cfo@example.com
quiet = full
config = money.conf
[shop]
agents = cart-*, checkout-consumer, payments-sync
agents = inventory-*, media-*, recommend-*, fraud-*
quiet = none
T
printf 'dora.change_failure_rate = 0.01 0.02 0.03\n' >conf/money.conf
W="--store s --now 2026-03-31 --since 14d"
PY=/usr/bin/python3
READ="$E2E_ROOT/scripts/analysis-read.py"

echo "== --list-teams, without and with the store"
st "$BIN/shiplog-analyze" --teams conf/teams --list-teams | sed "s#$PWD/##"
st "$BIN/shiplog-analyze" --store s --teams conf/teams --list-teams | cut -f1,3

echo "== --team-dir"
st "$BIN/shiplog-analyze" $W --teams conf/teams --team-dir td -o org.msgpack 2>&1 |
	grep -v 'depends on unknown stage'
(cd td && ls -R)
$PY "$READ" --meta org.msgpack | grep -E '"(agent|team|agents|agents_matched)"'
echo "unowned:"
$PY "$READ" org.msgpack --table unowned_agents
for t in edge money shop; do
	"$BIN/shiplog-analyze" $W --teams conf/teams --team $t -o $t.msgpack 2>/dev/null
	echo "exit=$?"
	must "$t: the --team-dir file is the --team file" cmp $t.msgpack td/$t/analysis.msgpack
done

echo "== each team's file"
# every agent_id of every table of a file, and its meta; the team's
# agents are matched here by Python's fnmatch, apart from the C code
$PY - org.msgpack edge money shop <<'P'
import fnmatch, importlib.util, os, sys
spec = importlib.util.spec_from_file_location("ar", os.environ["E2E_ROOT"] +
                                              "/scripts/analysis-read.py")
ar = importlib.util.module_from_spec(spec); spec.loader.exec_module(ar)
teams = {"edge": ["edge-*", "*-apac"], "money": ["payments-sync", "ledger-worker"],
         "shop": ["cart-*", "checkout-consumer", "payments-sync", "inventory-*", "media-*",
                  "recommend-*", "fraud-*"]}
def agents(path):
    _, counts, _, index = ar.read_stream(path)
    seen = set()
    for t in index["tables"]:
        cols = [c["name"] for c in t["columns"]]
        if "agent_id" in cols and t["rows"]:
            _, rows = ar.read_table(path, t["name"])
            seen |= {r[cols.index("agent_id")] for r in rows} - {None}
    return seen
def table(path, name):
    t, rows = ar.read_table(path, name)
    return rows
org = sys.argv[1]
every = agents(org)
bad = 0
for name in sys.argv[2:]:
    path = name + ".msgpack"
    mine = {a for a in every if any(fnmatch.fnmatchcase(a, p) for p in teams[name])}
    got = agents(path)
    meta = ar.read_stream(path)[0]["meta"]
    print(f"{name}: agents {sorted(got)}; meta team {meta['team']!r} agents_matched "
          f"{meta['agents_matched']}")
    if got != mine:
        print(f"  MISMATCH: {sorted(got)} != {sorted(mine)}", file=sys.stderr); bad = 1
    if table(path, "org_summary") != table(org, "summary"):
        print(f"  MISMATCH: {name}'s org_summary is not the organisation's summary",
              file=sys.stderr); bad = 1
    # the same figures; rated with the team's tiers (money has its own)
    strip = lambda rows: [r[:3] + r[4:] for r in rows]
    if (strip(table(path, "org_dora")) != strip(table(org, "dora")) or
            (name != "money" and table(path, "org_dora") != table(org, "dora"))):
        print(f"  MISMATCH: {name}'s org_dora is not the organisation's dora",
              file=sys.stderr); bad = 1
    print("  summary overall:", table(path, "summary")[-1][2:5])
    print("  dora tiers:", [r[3] for r in table(path, "dora")], "org:",
          [r[3] for r in table(path, "org_dora")])
owned = {a for a in every if any(fnmatch.fnmatchcase(a, p) for ps in teams.values() for p in ps)}
unowned = sorted(every - owned)
got = [r[0] for r in table(org, "unowned_agents")]
print("unowned:", got)
if got != unowned:
    print(f"MISMATCH: unowned {got} != {unowned}", file=sys.stderr); bad = 1
sys.exit(bad)
P
must "each team file holds its agents, and the organisation's figures" test $? = 0

echo "== --agent: names and globs, repeatable"
st "$BIN/shiplog-analyze" $W --agent 'edge-*' --agent risk-api-apac --agent 'orders-*' \
	-o a.msgpack --print summary 2>/dev/null
$PY "$READ" --meta a.msgpack | grep -E '"(agent|team|agents|agents_matched)"'
"$BIN/shiplog-analyze" $W --agent 'edge-*' --agent '*-apac' --print success_rates \
	>agent.csv 2>/dev/null
"$BIN/shiplog-analyze" $W --teams conf/teams --team edge --print success_rates >team.csv \
	2>/dev/null
must "--agent edge-* --agent *-apac is --team edge" cmp agent.csv team.csv

echo "== refusals"
printf '[a]\nagents = edge-*\nowner = bob\n' >bad1
st "$BIN/shiplog-analyze" --store s --teams bad1 --list-teams
printf '[a]\nagents = edge-*\n\n[b]\nagents = cart-sync, nothing-*\n' >bad2
st "$BIN/shiplog-analyze" $W --teams bad2 --team a -o x.msgpack
st "$BIN/shiplog-analyze" --store s --teams bad2 --list-teams
st "$BIN/shiplog-analyze" --teams bad2 --list-teams
st "$BIN/shiplog-analyze" $W --teams conf/teams --team nobody -o x.msgpack
printf '[a]\nagents = edge-*\nconfig = missing.conf\n' >bad3
st "$BIN/shiplog-analyze" --teams bad3 --list-teams
st "$BIN/shiplog-analyze" $W --teams conf/teams --team edge --agent x -o x.msgpack
st "$BIN/shiplog-analyze" $W --team edge -o x.msgpack
st "$BIN/shiplog-analyze" $W --teams conf/teams --team-dir td
st "$BIN/shiplog-analyze" $W --agent a --agent b --query agent-history
ls x.msgpack 2>/dev/null || echo "no x.msgpack written"
