/* sl_teams.h - the teams file (docs/OPERATIONS.md, "Teams"): who owns
 * which agents, who gets their report, with which thresholds.
 *
 *   # comment; blank lines are ignored; '#' starts a comment anywhere
 *   [payments]                          a team: 1-64 of [A-Za-z0-9._-], not
 *                                       starting with '.', unique
 *   agents = payments-*, billing-api    names and fnmatch(3) globs; repeatable
 *   mail_to = pay@example.com, b@example.com   repeatable
 *   config = payments.conf              --config thresholds, relative to the file
 *   quiet = oneline                     oneline (default), none or full
 *
 * Every refusal names the file and line in the sl_errctx.  Parsing reads
 * no other file: sl_teams_check_configs() looks for the config files and
 * sl_teams_check_agents() matches the patterns against the agents a store
 * has seen.  The parsed file owns all its strings; sl_teams_free() frees
 * them. */
#ifndef SL_TEAMS_H
#define SL_TEAMS_H

#include <stddef.h>

#include "sl_err.h"

#define SL_TEAMS_MAX_FILE (1u << 20) /* bytes of the file */
#define SL_TEAMS_MAX_LINE 4096       /* bytes of one line */
#define SL_TEAMS_MAX_TEAMS 4096
#define SL_TEAMS_MAX_NAME 64         /* bytes of a team's name */
#define SL_TEAMS_MAX_PATTERNS 1024   /* agents of one team */
#define SL_TEAMS_MAX_PATTERN 256     /* bytes of one name or glob */
#define SL_TEAMS_MAX_MAIL 64         /* addresses of one team */

enum sl_team_quiet { SL_QUIET_ONELINE = 0, SL_QUIET_NONE, SL_QUIET_FULL };

struct sl_team_pattern {
	char *text; /* a name or an fnmatch(3) glob */
	long line;  /* where it was given */
};

struct sl_team {
	char *name;
	long line;                   /* of its [name] */
	struct sl_team_pattern *agents;
	size_t nagents;              /* at least one */
	char *mail_to;               /* the addresses joined by ',' ("" for none) */
	char *config;                /* resolved against the file's directory, or NULL */
	long config_line;
	enum sl_team_quiet quiet;
};

struct sl_teams {
	char *path;                  /* the name given to the parser */
	struct sl_team *teams;       /* in the order of the file */
	size_t n;
};

/* Parses text (n bytes) of the file name (which messages name, and whose
 * directory a relative config is resolved against).  0, or SL_EPARSE /
 * SL_ELIMIT with err naming the line; SL_ENOMEM.  *out is the caller's to
 * free with sl_teams_free(). */
int sl_teams_parse(const char *text, size_t n, const char *name, struct sl_teams **out,
		   struct sl_errctx *err);
/* Reads (at most SL_TEAMS_MAX_FILE bytes), parses and checks that each
 * config file exists (sl_teams_check_configs). */
int sl_teams_load(const char *path, struct sl_teams **out, struct sl_errctx *err);
void sl_teams_free(struct sl_teams *t);

/* Each team's config file exists and is a regular file: 0, or SL_EPARSE
 * naming its line. */
int sl_teams_check_configs(const struct sl_teams *t, struct sl_errctx *err);
/* Each pattern of every team matches at least one of names[0..n) (the
 * agents a store has ever seen; NUL-terminated): 0, or SL_EPARSE naming
 * the first pattern, in the file's order, that matches none. */
int sl_teams_check_agents(const struct sl_teams *t, const char *const *names, size_t n,
			  struct sl_errctx *err);

/* The team called name, or NULL. */
const struct sl_team *sl_teams_find(const struct sl_teams *t, const char *name);
/* Whether the agent (NUL-terminated) is one of the team's. */
int sl_team_matches(const struct sl_team *team, const char *agent);
/* Whether the text is a pattern that matches agent: fnmatch(3), no flags. */
int sl_pattern_matches(const char *pattern, const char *agent);
/* "oneline", "none" or "full". */
const char *sl_team_quiet_name(enum sl_team_quiet q);

#endif
