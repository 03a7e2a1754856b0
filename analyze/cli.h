/* cli.h - shiplog-analyze's options, parsed and checked before any work. */
#ifndef ANALYZE_CLI_H
#define ANALYZE_CLI_H

#include <stdint.h>

#include "common.h"
#include "config.h"
#include "sl_teams.h"

struct canary_cache;
struct scorecard_cache;

#define QUERY_MAX_ARGS 16
#define AGENTS_MAX 256 /* --agent values */

struct analyze_params {
	const char *store;
	const char *out;     /* -o analysis.msgpack */
	const char *print;   /* --print TABLE: CSV to stdout */
	int print_exact;     /* --csv exact: --print's text as stored, not neutralised */
	const char *only;    /* --only A,B: these analyses only (NULL: all) */
	int64_t from, to;    /* window by start_time, ms; SL_TIME_MIN/MAX = open */
	int64_t now;         /* --now, or the clock */
	int now_given;
	const char *from_s, *to_s, *since_s, *now_s, *tz, *env;
	/* --agent, repeatable: names and globs as given (agent_pat), the set
	 * every analysis filters by (agents: these, or --team's), and the one
	 * name a query of one agent needs (agent: NULL unless exactly one
	 * --agent was given) */
	const char *agent_pat[AGENTS_MAX];
	size_t nagent_pat;
	struct agent_set agents;
	const char *agent;
	/* teams (docs/OPERATIONS.md): --teams FILE, --team NAME, --team-dir DIR,
	 * --list-teams; teams is the parsed file, team the one of --team */
	const char *teams_path, *team_name, *team_dir;
	int list_teams;
	struct sl_teams *teams;
	const struct sl_team *team;
	const char **team_pat;     /* team's patterns, for agents (malloc'ed) */
	uint64_t seed;
	int wait_lock;
	int verbose;         /* -v: each step's wall time on stderr */
	int jobs;            /* --jobs: analyses at a time (0: one a core, at most 2) */
	uint64_t memory_budget; /* --memory-budget in bytes (0: from the frame's size) */
	const char *config_path;   /* --config FILE */
	const char *query;         /* --query NAME (query.h) */
	const char *query_id;      /* --id */
	int limit;                 /* --limit, agent-history */
	int json;                  /* --json */
	const char *qargs[QUERY_MAX_ARGS]; /* --arg KEY=VALUE, as given */
	int nqargs;
	struct analyze_config cfg; /* defaults, then the config file */
	struct canary_cache *canary_cache; /* --team-dir: canary.h */
	struct scorecard_cache *scorecard_cache; /* --team-dir: scorecard.h */
	/* map and reduce (mapred.h, docs/SCALING.md) */
	int map_k, map_n;          /* --map K/N: task K of N (map_n 0: no map) */
	const char *ranks;         /* --ranks FILE: the map's input, the reduce's output */
	int reduce;                /* --reduce: parts[] are the partials */
	char **parts;
	int nparts;
	int64_t part_from, part_to; /* a map task's deployments (frame_load), set by mapred */
};

/* The value of --arg KEY=VALUE for key (the last one given), or NULL. */
const char *query_arg(const struct analyze_params *p, const char *key);
/* The same, or def when the key was not given. */
const char *query_arg_or(const struct analyze_params *p, const char *key, const char *def);

/* -1 to go on, else the exit status (0 after --help/--version, 2 misuse,
 * 1 a config or teams file that cannot be read).  cli_release() frees
 * what it loaded. */
int cli_parse(int argc, char **argv, struct analyze_params *p);
void cli_release(struct analyze_params *p);

/* Makes p the params of team t: its agents, and its config unless
 * --config was given (loaded into p->cfg).  0, or a negative code with
 * err naming the config file; p->team_pat is then the caller's to free
 * (cli_release frees the one cli_parse set). */
int cli_team(struct analyze_params *p, const struct sl_team *t, struct sl_errctx *err);

#endif
