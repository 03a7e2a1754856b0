#include "sl_teams.h"

#include <errno.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sl_buf.h"

static const char *const quiet_names[] = {"oneline", "none", "full"};

const char *sl_team_quiet_name(enum sl_team_quiet q)
{
	return (unsigned)q < 3 ? quiet_names[q] : "oneline";
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* s[0..*n) without blanks at either end. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && is_blank(*s)) {
		s++;
		(*n)--;
	}
	while (*n && is_blank(s[*n - 1]))
		(*n)--;
	return s;
}

static int name_ok(const char *s, size_t n)
{
	if (!n || n > SL_TEAMS_MAX_NAME || *s == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* A line of the file: no control characters but tabs, which are blanks
 * (around keys, values and items, never inside one: the list of teams
 * is tab-separated). */
static int text_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return 0;
	return 1;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* The path of a config named in the file: as given when absolute, else
 * beside the teams file. */
static char *resolve(const char *file, const char *s, size_t n)
{
	const char *slash = strrchr(file, '/');
	size_t dn = *s == '/' || !slash ? 0 : (size_t)(slash - file) + 1;
	char *d = malloc(dn + n + 1);

	if (d) {
		memcpy(d, file, dn);
		memcpy(d + dn, s, n);
		d[dn + n] = '\0';
	}
	return d;
}

struct parser {
	struct sl_teams *t;
	const char *name;
	long line;
	size_t cap, pcap, mailn;
	struct sl_errctx *err;
	int quiet_set;
};

static int perr(struct parser *ps, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parser *ps, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = sl_err_vset(ps->err, code, ps->name, ps->line, fmt, ap);
	va_end(ap);
	return rc;
}

static int add_team(struct parser *ps, const char *s, size_t n)
{
	struct sl_team *team;

	if (!name_ok(s, n))
		return perr(ps, SL_EPARSE,
			    "bad team name '%.*s' (1 to %d of A-Z a-z 0-9 . _ -, not starting "
			    "with '.')",
			    (int)(n > 80 ? 80 : n), s, SL_TEAMS_MAX_NAME);
	for (size_t i = 0; i < ps->t->n; i++)
		if (strlen(ps->t->teams[i].name) == n && !memcmp(ps->t->teams[i].name, s, n))
			return perr(ps, SL_EPARSE, "duplicate team '%.*s' (first at line %ld)",
				    (int)n, s, ps->t->teams[i].line);
	if (ps->t->n == SL_TEAMS_MAX_TEAMS)
		return perr(ps, SL_ELIMIT, "more than %d teams", SL_TEAMS_MAX_TEAMS);
	if (sl_grow(&ps->t->teams, &ps->cap, ps->t->n + 1, sizeof(*ps->t->teams)))
		return perr(ps, SL_ENOMEM, "out of memory");
	team = &ps->t->teams[ps->t->n++];
	memset(team, 0, sizeof(*team));
	team->line = ps->line;
	ps->pcap = 0;
	ps->mailn = 0;
	ps->quiet_set = 0;
	if (!(team->name = dup_n(s, n)) || !(team->mail_to = dup_n("", 0)))
		return perr(ps, SL_ENOMEM, "out of memory");
	return SL_OK;
}

/* The items of a comma-separated value, each trimmed and non-empty. */
static int each_item(struct parser *ps, const char *key, const char *v, size_t vn,
		     int (*fn)(struct parser *, const char *, size_t))
{
	for (size_t i = 0; i <= vn;) {
		size_t e = i, n;
		const char *s;
		int rc;

		while (e < vn && v[e] != ',')
			e++;
		n = e - i;
		s = trim(v + i, &n);
		if (!n)
			return perr(ps, SL_EPARSE, "an empty item in '%s'", key);
		if ((rc = fn(ps, s, n)))
			return rc;
		i = e + 1;
	}
	return SL_OK;
}

static int add_pattern(struct parser *ps, const char *s, size_t n)
{
	struct sl_team *team = &ps->t->teams[ps->t->n - 1];

	if (memchr(s, '\t', n))
		return perr(ps, SL_EPARSE, "a tab inside the agent pattern '%.*s'", (int)n, s);
	if (n > SL_TEAMS_MAX_PATTERN)
		return perr(ps, SL_ELIMIT, "an agent pattern longer than %d bytes",
			    SL_TEAMS_MAX_PATTERN);
	if (team->nagents == SL_TEAMS_MAX_PATTERNS)
		return perr(ps, SL_ELIMIT, "more than %d agent patterns in team '%s'",
			    SL_TEAMS_MAX_PATTERNS, team->name);
	if (sl_grow(&team->agents, &ps->pcap, team->nagents + 1, sizeof(*team->agents)) ||
	    !(team->agents[team->nagents].text = dup_n(s, n)))
		return perr(ps, SL_ENOMEM, "out of memory");
	team->agents[team->nagents++].line = ps->line;
	return SL_OK;
}

static int add_mail(struct parser *ps, const char *s, size_t n)
{
	struct sl_team *team = &ps->t->teams[ps->t->n - 1];
	size_t old = strlen(team->mail_to), at = 0;
	char *m;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '<' || s[i] == '>' || s[i] == '"')
			return perr(ps, SL_EPARSE, "'%.*s' is not a mail address", (int)n, s);
		at += s[i] == '@';
	}
	if (at != 1 || *s == '@' || s[n - 1] == '@')
		return perr(ps, SL_EPARSE, "'%.*s' is not a mail address", (int)n, s);
	if (++ps->mailn > SL_TEAMS_MAX_MAIL)
		return perr(ps, SL_ELIMIT, "more than %d addresses in team '%s'",
			    SL_TEAMS_MAX_MAIL, team->name);
	if (!(m = realloc(team->mail_to, old + 1 + n + 1)))
		return perr(ps, SL_ENOMEM, "out of memory");
	if (old)
		m[old++] = ',';
	memcpy(m + old, s, n);
	m[old + n] = '\0';
	team->mail_to = m;
	return SL_OK;
}

static int key_value(struct parser *ps, const char *k, size_t kn, const char *v, size_t vn)
{
	struct sl_team *team;

	if (!ps->t->n)
		return perr(ps, SL_EPARSE, "'%.*s' outside a team (a [NAME] line comes first)",
			    (int)(kn > 80 ? 80 : kn), k);
	team = &ps->t->teams[ps->t->n - 1];
	if (kn == 6 && !memcmp(k, "agents", 6)) {
		if (!vn)
			return perr(ps, SL_EPARSE, "'agents' without a value");
		return each_item(ps, "agents", v, vn, add_pattern);
	}
	if (kn == 7 && !memcmp(k, "mail_to", 7)) {
		if (!vn)
			return perr(ps, SL_EPARSE, "'mail_to' without a value");
		return each_item(ps, "mail_to", v, vn, add_mail);
	}
	if (kn == 6 && !memcmp(k, "config", 6)) {
		if (team->config)
			return perr(ps, SL_EPARSE, "a second 'config' for team '%s' (first at line %ld)",
				    team->name, team->config_line);
		if (!vn)
			return perr(ps, SL_EPARSE, "'config' without a value");
		if (memchr(v, '\t', vn))
			return perr(ps, SL_EPARSE, "a tab inside the config's name");
		if (!(team->config = resolve(ps->name, v, vn)))
			return perr(ps, SL_ENOMEM, "out of memory");
		team->config_line = ps->line;
		return SL_OK;
	}
	if (kn == 5 && !memcmp(k, "quiet", 5)) {
		if (ps->quiet_set)
			return perr(ps, SL_EPARSE, "a second 'quiet' for team '%s'", team->name);
		for (int q = 0; q < 3; q++)
			if (vn == strlen(quiet_names[q]) && !memcmp(v, quiet_names[q], vn)) {
				team->quiet = (enum sl_team_quiet)q;
				ps->quiet_set = 1;
				return SL_OK;
			}
		return perr(ps, SL_EPARSE, "quiet is oneline, none or full, not '%.*s'",
			    (int)(vn > 80 ? 80 : vn), v);
	}
	return perr(ps, SL_EPARSE, "unknown key '%.*s' (keys: agents, mail_to, config, quiet)",
		    (int)(kn > 80 ? 80 : kn), k);
}

/* The team just ended has agents. */
static int team_done(struct parser *ps)
{
	const struct sl_team *team;

	if (!ps->t->n)
		return SL_OK;
	team = &ps->t->teams[ps->t->n - 1];
	if (team->nagents)
		return SL_OK;
	return sl_err_set(ps->err, SL_EPARSE, ps->name, team->line,
			  "team '%s' has no agents (agents = NAME, GLOB, ...)", team->name);
}

static int parse_line(struct parser *ps, const char *s, size_t n)
{
	const char *hash = memchr(s, '#', n), *eq;

	if (hash)
		n = (size_t)(hash - s);
	s = trim(s, &n);
	if (!n)
		return SL_OK;
	if (!text_ok(s, n))
		return perr(ps, SL_EPARSE, "a control character in the line");
	if (*s == '[') {
		size_t nn;
		const char *name;
		int rc;

		if (s[n - 1] != ']')
			return perr(ps, SL_EPARSE, "malformed line: a section is [NAME]");
		nn = n - 2;
		name = trim(s + 1, &nn);
		if ((rc = team_done(ps)))
			return rc;
		return add_team(ps, name, nn);
	}
	if (!(eq = memchr(s, '=', n)))
		return perr(ps, SL_EPARSE, "malformed line: expected [NAME] or KEY = VALUE");
	{
		size_t kn = (size_t)(eq - s), vn = n - kn - 1;
		const char *k = trim(s, &kn), *v = trim(eq + 1, &vn);

		if (!kn)
			return perr(ps, SL_EPARSE, "malformed line: no key before '='");
		return key_value(ps, k, kn, v, vn);
	}
}

int sl_teams_parse(const char *text, size_t n, const char *name, struct sl_teams **out,
		   struct sl_errctx *err)
{
	struct parser ps = {0};
	int rc = SL_OK;

	*out = NULL;
	if (!(ps.t = calloc(1, sizeof(*ps.t))) || !(ps.t->path = dup_n(name, strlen(name)))) {
		sl_teams_free(ps.t);
		return sl_err_set(err, SL_ENOMEM, name, 0, NULL);
	}
	ps.name = name;
	ps.err = err;
	if (n > SL_TEAMS_MAX_FILE) {
		rc = sl_err_set(err, SL_ELIMIT, name, 0, "teams file larger than 1 MiB");
		goto out;
	}
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - text) : n;

		ps.line++;
		if (e - i > SL_TEAMS_MAX_LINE) {
			rc = perr(&ps, SL_ELIMIT, "a line longer than %d bytes", SL_TEAMS_MAX_LINE);
			goto out;
		}
		if (memchr(text + i, '\0', e - i)) {
			rc = perr(&ps, SL_EPARSE, "a NUL byte in the line");
			goto out;
		}
		if ((rc = parse_line(&ps, text + i, e - i)))
			goto out;
		i = e + 1;
	}
	if ((rc = team_done(&ps)))
		goto out;
	if (!ps.t->n) {
		rc = sl_err_set(err, SL_EPARSE, name, 0, "no team (a [NAME] line, then agents = ...)");
		goto out;
	}
	*out = ps.t;
	ps.t = NULL;
out:
	sl_teams_free(ps.t);
	return rc;
}

int sl_teams_load(const char *path, struct sl_teams **out, struct sl_errctx *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc;

	*out = NULL;
	if (!f)
		return sl_err_set(err, SL_EIO, path, 0, "%s", strerror(errno));
	if (!(buf = malloc(SL_TEAMS_MAX_FILE + 1))) {
		fclose(f);
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	}
	n = fread(buf, 1, SL_TEAMS_MAX_FILE + 1, f);
	if (ferror(f))
		rc = sl_err_set(err, SL_EIO, path, 0, "%s", strerror(errno));
	else
		rc = sl_teams_parse(buf, n, path, out, err);
	free(buf);
	fclose(f);
	if (!rc && (rc = sl_teams_check_configs(*out, err))) {
		sl_teams_free(*out);
		*out = NULL;
	}
	return rc;
}

void sl_teams_free(struct sl_teams *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct sl_team *team = &t->teams[i];

		for (size_t k = 0; k < team->nagents; k++)
			free(team->agents[k].text);
		free(team->agents);
		free(team->name);
		free(team->mail_to);
		free(team->config);
	}
	free(t->teams);
	free(t->path);
	free(t);
}

int sl_teams_check_configs(const struct sl_teams *t, struct sl_errctx *err)
{
	for (size_t i = 0; t && i < t->n; i++) {
		const struct sl_team *team = &t->teams[i];
		struct stat sb;

		if (!team->config)
			continue;
		if (stat(team->config, &sb))
			return sl_err_set(err, SL_EPARSE, t->path, team->config_line,
					  "config '%s' of team '%s': %s", team->config, team->name,
					  strerror(errno));
		if (!S_ISREG(sb.st_mode))
			return sl_err_set(err, SL_EPARSE, t->path, team->config_line,
					  "config '%s' of team '%s' is not a file", team->config,
					  team->name);
	}
	return SL_OK;
}

int sl_pattern_matches(const char *pattern, const char *agent)
{
	return !fnmatch(pattern, agent, 0);
}

int sl_teams_check_agents(const struct sl_teams *t, const char *const *names, size_t n,
			  struct sl_errctx *err)
{
	for (size_t i = 0; t && i < t->n; i++) {
		const struct sl_team *team = &t->teams[i];

		for (size_t k = 0; k < team->nagents; k++) {
			size_t j = 0;

			while (j < n && !sl_pattern_matches(team->agents[k].text, names[j]))
				j++;
			if (j == n)
				return sl_err_set(err, SL_EPARSE, t->path, team->agents[k].line,
						  "'%s' of team '%s' matches no agent in the store",
						  team->agents[k].text, team->name);
		}
	}
	return SL_OK;
}

const struct sl_team *sl_teams_find(const struct sl_teams *t, const char *name)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!strcmp(t->teams[i].name, name))
			return &t->teams[i];
	return NULL;
}

int sl_team_matches(const struct sl_team *team, const char *agent)
{
	for (size_t k = 0; team && k < team->nagents; k++)
		if (sl_pattern_matches(team->agents[k].text, agent))
			return 1;
	return 0;
}
