/* cli.h - shiplog-analyze's options, parsed and checked before any work. */
#ifndef ANALYZE_CLI_H
#define ANALYZE_CLI_H

#include <stdint.h>

#include "config.h"

#define QUERY_MAX_ARGS 16

struct analyze_params {
	const char *store;
	const char *out;     /* -o analysis.msgpack */
	const char *print;   /* --print TABLE: CSV to stdout */
	int print_exact;     /* --csv exact: --print's text as stored, not neutralised */
	const char *only;    /* --only A,B: these analyses only (NULL: all) */
	int64_t from, to;    /* window by start_time, ms; SL_TIME_MIN/MAX = open */
	int64_t now;         /* --now, or the clock */
	int now_given;
	const char *from_s, *to_s, *since_s, *now_s, *tz, *env, *agent;
	uint64_t seed;
	int wait_lock;
	int verbose;         /* -v: each step's wall time on stderr */
	int jobs;            /* --jobs: analyses at a time (0: one a core, at most 2) */
	const char *config_path;   /* --config FILE */
	const char *query;         /* --query NAME (query.h) */
	const char *query_id;      /* --id */
	int limit;                 /* --limit, agent-history */
	int json;                  /* --json */
	const char *qargs[QUERY_MAX_ARGS]; /* --arg KEY=VALUE, as given */
	int nqargs;
	struct analyze_config cfg; /* defaults, then the config file */
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

/* -1 to go on, else the exit status (0 after --help/--version, 2 misuse). */
int cli_parse(int argc, char **argv, struct analyze_params *p);

#endif
