#include "cli.h"
#include "mapred.h"

#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mapred.h"
#include "query.h"
#include "sl_err.h"
#include "sl_scan.h"
#include "sl_version.h"
#include "window.h"

static const char usage[] =
	"usage: shiplog-analyze --store DIR [options] -o analysis.msgpack\n"
	"       shiplog-analyze --store DIR --map K/N [--ranks R] [window] -o PART\n"
	"       shiplog-analyze --reduce [--ranks R] [window] [-o analysis.msgpack] PART...\n"
	"\n"
	"Computes success rates, DORA keys, health scores, anomalies, patterns,\n"
	"predictions, pipelines, versions, rollbacks, alerts and the scorecard over\n"
	"the store DIR and writes them to one analysis file (docs/ANALYZE.md).\n"
	"\n"
	"  -s, --store DIR        the store written by shiplog-ingest\n"
	"  -o, --output FILE      the analysis file to write (whole, then renamed over\n"
	"                         FILE; a FIFO or device such as /dev/null written through)\n"
	"      --from DATE        window start (YYYY-MM-DD = local midnight, or a time)\n"
	"      --to DATE          window end, exclusive\n"
	"      --since SPAN       the window ending at --now: 7d, 12h, 2w, 30m\n"
	"      --now TIME         the time the analysis is run at (default: the clock);\n"
	"                         with the same input and --now the file is the same\n"
	"      --tz ZONE          day buckets in this IANA zone (default UTC)\n"
	"      --env ENV          only deployments of this environment\n"
	"      --agent AGENT      only deployments of this agent: a name or an fnmatch\n"
	"                         glob ('payments-*'); repeatable, any of them\n"
	"      --teams FILE       the teams file (docs/OPERATIONS.md, \"Teams\")\n"
	"      --team NAME        only the agents of that team of --teams, with its\n"
	"                         config unless --config is given\n"
	"      --team-dir DIR     with --teams and -o ORG: one run writes ORG (every\n"
	"                         agent, and the agents no team owns) and\n"
	"                         DIR/NAME/analysis.msgpack for every team\n"
	"      --list-teams       check --teams (its patterns against --store, if\n"
	"                         given) and print a line a team: name, mail_to,\n"
	"                         quiet, config (tab-separated)\n"
	"      --seed N           seed of the randomised analyses (default 1)\n"
	"      --config FILE      thresholds, weights and tiers (docs/ANALYZE.md)\n"
	"      --print TABLE      also print one result table as CSV on standard output\n"
	"                         (an unknown name lists the tables and exits 2)\n"
	"      --csv RULE         text in --print's CSV: spreadsheet (default: a text\n"
	"                         that starts with = + - @ gets a leading apostrophe,\n"
	"                         control characters become U+FFFD) or exact (every\n"
	"                         value as computed, for other programs)\n"
	"      --only A[,A...]    run only these analyses (after the success rates and\n"
	"                         summary, which always run): dora, health, strategies,\n"
	"                         alerts, canary, activity, scorecard, ... (docs/ANALYZE.md)\n"
	"      --query NAME       answer one query instead (docs/ANALYZE.md): deployment,\n"
	"                         checkpoints, artifacts, validations (with --id ID),\n"
	"                         agent-history (--agent, --env, --limit N: 50, <= 200),\n"
	"                         success-rates (the window, --env), pipeline-executions,\n"
	"                         pipeline-optimization, evaluate-gate (--id), agent-versions,\n"
	"                         version-compatibility, version-adoption,\n"
	"                         promotion-readiness (--agent), predict (--agent, --env,\n"
	"                         --arg strategy=S --arg instances=N ...); CSV, or --json\n"
	"      --arg KEY=VALUE    a further input of a query (repeatable)\n"
	"      --wait-lock SECS   wait for a running ingest (default 0: refuse)\n"
	"      --jobs N           analyses run at a time (default: 2, or 1 on one core);\n"
	"                         --jobs 1 holds the least memory (docs/ANALYZE.md)\n"
	"      --memory-budget SIZE  start an analysis only while the frame and the\n"
	"                         analyses running stay within SIZE (bytes, or with\n"
	"                         K, M or G: KiB, MiB, GiB); one always runs (default:\n"
	"                         the frame and a third, at least 1G; docs/ANALYZE.md)\n"
	"      --map K/N          task K (0..N-1) of N: the success rates, summary,\n"
	"                         dora, features (anomalies, patterns) and pipelines\n"
	"                         (--only picks) of its share of the days, as a partial\n"
	"                         (needs a bounded window and --now); with --ranks FILE\n"
	"                         the second pass (docs/SCALING.md)\n"
	"      --reduce           the partials given as arguments into the analysis\n"
	"                         file (-o), or with --ranks FILE the ranks the second\n"
	"                         pass of the maps needs; the same window flags\n"
	"      --ranks FILE       see --map and --reduce\n"
"  -v, --verbose          say on standard error how long each step took\n"
	"  -h, --help             this help\n"
	"  -V, --version          the version\n"
	"\n"
	"The window is half-open, [from, to), by start_time; default: all data.\n"
	"Exit status: 0 success, 1 error or no such thing (a query's unknown id, or an\n"
	"--agent/--env the store never saw: said with the nearest names), 2 misuse.\n"
	"A full run with such an --agent/--env, or --query predict, warns instead (0).\n"
	"With --agent or --team the file also holds org_summary and org_dora: the same\n"
	"figures over every agent.  A bad teams file is an error naming its line (1);\n"
	"a --team the file does not name is misuse (2).\n";

static const struct option opts[] = {
	{"store", required_argument, NULL, 's'},
	{"output", required_argument, NULL, 'o'},
	{"from", required_argument, NULL, 'F'},
	{"to", required_argument, NULL, 'T'},
	{"since", required_argument, NULL, 'S'},
	{"now", required_argument, NULL, 'N'},
	{"tz", required_argument, NULL, 'Z'},
	{"env", required_argument, NULL, 'E'},
	{"agent", required_argument, NULL, 'A'},
	{"teams", required_argument, NULL, 't'},
	{"team", required_argument, NULL, 'M'},
	{"team-dir", required_argument, NULL, 'G'},
	{"list-teams", no_argument, NULL, 'l'},
	{"seed", required_argument, NULL, 'D'},
	{"config", required_argument, NULL, 'C'},
	{"query", required_argument, NULL, 'Q'},
	{"id", required_argument, NULL, 'I'},
	{"limit", required_argument, NULL, 'L'},
	{"arg", required_argument, NULL, 'R'},
	{"json", no_argument, NULL, 'J'},
	{"print", required_argument, NULL, 'P'},
	{"csv", required_argument, NULL, 'Y'},
	{"only", required_argument, NULL, 'O'},
	{"wait-lock", required_argument, NULL, 'W'},
	{"jobs", required_argument, NULL, 'K'},
	{"memory-budget", required_argument, NULL, 'B'},
	{"map", required_argument, NULL, 'm'},
	{"reduce", no_argument, NULL, 'U'},
	{"ranks", required_argument, NULL, 'X'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static int misuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int misuse(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "shiplog-analyze: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'shiplog-analyze --help' for more information.\n");
	return 2;
}

const char *query_arg(const struct analyze_params *p, const char *key)
{
	size_t n = strlen(key);

	for (int i = p->nqargs - 1; i >= 0; i--)
		if (!strncmp(p->qargs[i], key, n) && p->qargs[i][n] == '=')
			return p->qargs[i] + n + 1;
	return NULL;
}

const char *query_arg_or(const struct analyze_params *p, const char *key, const char *def)
{
	const char *v = query_arg(p, key);

	return v ? v : def;
}

/* A config or teams file that cannot be used: said, exit 1. */
static int file_error(const struct sl_errctx *err)
{
	char text[SL_ERR_TEXT];

	sl_err_format(err, NULL, text, sizeof(text));
	fprintf(stderr, "shiplog-analyze: error: %s\n", text);
	return 1;
}

/* The team options go together: -1 when they do, else 2 (said). */
static int check_teams(const struct analyze_params *p)
{
	if ((p->team_name || p->team_dir || p->list_teams) && !p->teams_path)
		return misuse("%s", "--team, --team-dir and --list-teams need --teams FILE");
	if (p->teams_path && !p->team_name && !p->team_dir && !p->list_teams)
		return misuse("%s", "--teams FILE wants --team NAME, --team-dir DIR or --list-teams");
	if (!!p->team_name + !!p->team_dir + p->list_teams > 1)
		return misuse("%s", "--team, --team-dir and --list-teams exclude each other");
	if ((p->team_name || p->team_dir) && p->nagent_pat)
		return misuse("%s", "--agent excludes --team and --team-dir (the team names its agents)");
	if (p->team_dir && (!p->out || p->print || p->query))
		return misuse("%s", "--team-dir wants -o ORG.msgpack, and no --print or --query");
	if (p->list_teams && (p->out || p->print || p->query))
		return misuse("%s", "--list-teams writes no analysis (no -o, --print or --query)");
	return -1;
}

int cli_team(struct analyze_params *p, const struct sl_team *t, struct sl_errctx *err)
{
	const char **pat = malloc((t->nagents ? t->nagents : 1) * sizeof(*pat));

	if (!pat)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (size_t k = 0; k < t->nagents; k++)
		pat[k] = t->agents[k].text;
	p->team = t;
	p->team_pat = pat;
	p->agents = (struct agent_set){pat, t->nagents};
	if (!p->config_path) {
		config_defaults(&p->cfg);
		if (t->config)
			return config_load(t->config, &p->cfg, err);
	}
	return SL_OK;
}

void cli_release(struct analyze_params *p)
{
	if (!p)
		return;
	sl_teams_free(p->teams);
	free(p->team_pat);
	p->teams = NULL;
	p->team_pat = NULL;
}

/* --map and --reduce: what goes with them (-1: fine). */
static int cli_check_mapred(const struct analyze_params *p)
{
	if (!p->map_n && !p->reduce) {
		if (p->ranks)
			return misuse("%s", "--ranks goes with --map or --reduce");
		return -1;
	}
	if (p->map_n && p->reduce)
		return misuse("%s", "--map excludes --reduce");
	/* a set of agents' file holds the organisation's figures beside
	 * (org_summary, org_dora), which the partials do not carry */
	if (p->teams_path || p->nagent_pat)
		return misuse("%s", "--map and --reduce analyse every agent: no --agent or --teams");
	if (p->query || p->print)
		return misuse("--%s does not go with --map or --reduce", p->query ? "query" : "print");
	/* --only names analyses the map and reduce compute, nothing else */
	for (const char *s = p->only; s; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL) {
		size_t n = strcspn(s, ",");
		int k;

		for (k = 0; mapred_analyses[k]; k++)
			if (strlen(mapred_analyses[k]) == n && !strncmp(s, mapred_analyses[k], n))
				break;
		if (!mapred_analyses[k])
			return misuse("--map and --reduce compute the success rates and summary "
				      "with %s only, not '%.*s' (--only a list of those, or "
				      "nothing for all)", mapred_list(), (int)n, s);
	}
	if (!p->now_s)
		return misuse("%s", "--map and --reduce need --now: every task must agree on it");
	if (p->map_n && !p->store)
		return misuse("%s", "no store given (--store DIR)");
	if (p->map_n && !p->out)
		return misuse("%s", "--map needs -o PART (the partial to write)");
	if (p->reduce && !p->nparts)
		return misuse("%s", "--reduce needs the partials as arguments");
	if (p->reduce && p->ranks && p->out)
		return misuse("%s", "--reduce --ranks FILE writes the ranks only: no -o");
	if (p->reduce && !p->ranks && !p->out)
		return misuse("%s", "--reduce needs -o FILE (or --ranks FILE)");
	return -1;
}

int cli_parse(int argc, char **argv, struct analyze_params *p)
{
	int c, rc;
	char *end;

	memset(p, 0, sizeof(*p));
	p->from = SL_TIME_MIN;
	p->to = SL_TIME_MAX;
	p->seed = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:o:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 's': p->store = optarg; break;
		case 'o': p->out = optarg; break;
		case 'F': p->from_s = optarg; break;
		case 'T': p->to_s = optarg; break;
		case 'S': p->since_s = optarg; break;
		case 'N': p->now_s = optarg; break;
		case 'Z': p->tz = optarg; break;
		case 'E': p->env = optarg; break;
		case 'A':
			if (p->nagent_pat == AGENTS_MAX || !*optarg)
				return misuse("--agent wants a name or a glob (at most %d), not '%s'",
					      AGENTS_MAX, optarg);
			p->agent_pat[p->nagent_pat++] = optarg;
			break;
		case 't': p->teams_path = optarg; break;
		case 'M': p->team_name = optarg; break;
		case 'G': p->team_dir = optarg; break;
		case 'l': p->list_teams = 1; break;
		case 'D':
			p->seed = strtoull(optarg, &end, 10);
			if (!*optarg || *end)
				return misuse("--seed wants a number, not '%s'", optarg);
			break;
		case 'P': p->print = optarg; break;
		case 'Y':
			if (strcmp(optarg, "exact") && strcmp(optarg, "spreadsheet"))
				return misuse("--csv wants exact or spreadsheet, not '%s'", optarg);
			p->print_exact = !strcmp(optarg, "exact");
			break;
		case 'O': p->only = optarg; break;
		case 'C': p->config_path = optarg; break;
		case 'Q': p->query = optarg; break;
		case 'I': p->query_id = optarg; break;
		case 'J': p->json = 1; break;
		case 'R':
			if (p->nqargs == QUERY_MAX_ARGS || !strchr(optarg, '=') || *optarg == '=')
				return misuse("--arg wants KEY=VALUE (at most %d), not '%s'",
					      QUERY_MAX_ARGS, optarg);
			p->qargs[p->nqargs++] = optarg;
			break;
		case 'L':
			p->limit = (int)strtol(optarg, &end, 10);
			if (!*optarg || *end || p->limit < 1 || p->limit > 200)
				return misuse("--limit wants a number from 1 to 200, not '%s'", optarg);
			break;
		case 'W':
			p->wait_lock = (int)strtol(optarg, &end, 10);
			if (!*optarg || *end || p->wait_lock < 0)
				return misuse("--wait-lock wants seconds, not '%s'", optarg);
			break;
		case 'K':
			p->jobs = (int)strtol(optarg, &end, 10);
			if (!*optarg || *end || p->jobs < 1 || p->jobs > 16)
				return misuse("--jobs wants a number from 1 to 16, not '%s'", optarg);
			break;
		case 'B': {
			/* a whole number of bytes, K, M or G */
			unsigned long long v = strtoull(optarg, &end, 10);
			int shift = !*end ? 0 : !strcmp(end, "K") ? 10 : !strcmp(end, "M") ? 20
				    : !strcmp(end, "G") ? 30 : -1;

			if (!isdigit((unsigned char)*optarg) || shift < 0 || !v ||
			    v > (UINT64_MAX >> 30))
				return misuse("--memory-budget wants a size such as 1500M or 2G, "
					      "not '%s'", optarg);
			p->memory_budget = (uint64_t)v << shift;
			break;
		}
		case 'm':
			if (sscanf(optarg, "%d/%d%c", &p->map_k, &p->map_n, &(char){0}) != 2 ||
			    p->map_n < 1 || p->map_n > 100000 || p->map_k < 0 || p->map_k >= p->map_n)
				return misuse("--map wants K/N with 0 <= K < N, not '%s'", optarg);
			break;
		case 'U': p->reduce = 1; break;
		case 'X': p->ranks = optarg; break;
		case 'v':
			p->verbose = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("shiplog-analyze %s\n", SHIPLOG_VERSION);
			return 0;
		default:
			if (optopt)
				return misuse("option '-%c' is unknown or needs a value", optopt);
			return misuse("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (p->reduce) {
		p->parts = argv + optind;
		p->nparts = argc - optind;
		optind = argc;
	}
	if (optind < argc)
		return misuse("unexpected argument '%s'", argv[optind]);
	if ((c = cli_check_mapred(p)) >= 0)
		return c;
	if (!p->store && !p->list_teams && !p->reduce)
		return misuse("%s", "no store given (--store DIR)");
	if ((rc = check_teams(p)) >= 0)
		return rc;
	p->agents = (struct agent_set){p->agent_pat, p->nagent_pat};
	if (p->nagent_pat == 1)
		p->agent = p->agent_pat[0];
	if (p->query && (p->nagent_pat > 1 || p->team_name))
		return misuse("%s", "a query takes one --agent name, not several or a --team");
	if (p->list_teams) {
		/* nothing else to check */
	} else if (p->query) {
		const struct query_def *q = query_find(p->query);

		if (!q)
			return misuse("unknown query '%s'", p->query);
		if (((q->needs & QUERY_NEEDS_ID) && !p->query_id) ||
		    ((q->needs & QUERY_NEEDS_AGENT) && !p->agent) ||
		    ((q->needs & QUERY_NEEDS_ENV) && !p->env))
			return misuse("query '%s' needs %s", p->query,
				      (q->needs & QUERY_NEEDS_ID)      ? "--id"
				      : (q->needs & QUERY_NEEDS_AGENT) ? "--agent and --env"
								       : "--env");
		if (!p->limit)
			p->limit = 50;
	} else if (!p->out && !p->print && !(p->reduce && p->ranks)) {
		return misuse("%s", "no output given (-o FILE, --print TABLE or --query NAME)");
	}
	config_defaults(&p->cfg);
	if (p->config_path) {
		struct sl_errctx err;

		sl_err_clear(&err);
		if (config_load(p->config_path, &p->cfg, &err))
			return file_error(&err);
	}
	if (p->teams_path) {
		struct sl_errctx err;

		sl_err_clear(&err);
		if (sl_teams_load(p->teams_path, &p->teams, &err))
			return file_error(&err);
		if (p->team_name) {
			const struct sl_team *t = sl_teams_find(p->teams, p->team_name);

			if (!t) {
				fprintf(stderr, "shiplog-analyze: no team '%s' in '%s' (teams:",
					p->team_name, p->teams_path);
				for (size_t i = 0; i < p->teams->n; i++)
					fprintf(stderr, "%s %s", i ? "," : "", p->teams->teams[i].name);
				fputs(")\nTry 'shiplog-analyze --help' for more information.\n", stderr);
				return 2;
			}
			if (cli_team(p, t, &err))
				return file_error(&err);
		}
	}
	/* the zone first: dates are local midnights in it */
	if (window_set_tz(p->tz))
		return misuse("unknown time zone '%s'", p->tz);
	if (p->now_s) {
		if (window_parse_bound(p->now_s, &p->now))
			return misuse("--now wants a date or time, not '%s'", p->now_s);
		p->now_given = 1;
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		p->now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	if (p->since_s && (p->from_s || p->to_s))
		return misuse("%s", "--since excludes --from and --to");
	if (p->since_s) {
		int64_t span;

		if (window_parse_span(p->since_s, &span))
			return misuse("--since wants a span like 7d, 12h or 2w, not '%s'", p->since_s);
		p->to = p->now;
		p->from = p->now - span;
	}
	if (p->from_s && window_parse_bound(p->from_s, &p->from))
		return misuse("--from wants a date or time, not '%s'", p->from_s);
	if (p->to_s && window_parse_bound(p->to_s, &p->to))
		return misuse("--to wants a date or time, not '%s'", p->to_s);
	if (p->from != SL_TIME_MIN && p->to != SL_TIME_MAX && p->from >= p->to)
		return misuse("%s", "the window is empty (--from must be before --to)");
	if ((p->map_n || p->reduce) && (p->from == SL_TIME_MIN || p->to == SL_TIME_MAX))
		return misuse("%s", "--map and --reduce need a bounded window (--since, or "
			      "--from and --to): the tasks split its days");
	return -1;
}
