/* fuzz_teams.c - the teams file (lib/sl_teams.c): the parser on arbitrary
 * text, then each team matched against a few agent names.  A file that
 * parses agrees with itself (else abort()): at least one team, every team
 * has a valid unique name and at least one pattern, each pattern matches
 * itself when it holds no glob character; a file that does not parse
 * says why, with a line when the text is not empty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sl_teams.h"

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_teams: %s\n", what);
	abort();
}

static void check(const struct sl_teams *t)
{
	if (!t->n)
		broken("a file of no team");
	for (size_t i = 0; i < t->n; i++) {
		const struct sl_team *team = &t->teams[i];
		size_t n = strlen(team->name);

		if (!n || n > SL_TEAMS_MAX_NAME || team->name[0] == '.' ||
		    strspn(team->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789._-") != n)
			broken("a bad team name taken");
		if (sl_teams_find(t, team->name) != team)
			broken("two teams of one name");
		if (!team->nagents)
			broken("a team without agents");
		for (size_t k = 0; k < team->nagents; k++) {
			const char *p = team->agents[k].text;

			if (!*p || strlen(p) > SL_TEAMS_MAX_PATTERN)
				broken("an empty or long pattern taken");
			if (!strpbrk(p, "*?[\\") && !sl_team_matches(team, p))
				broken("a plain name that does not match itself");
		}
		fuzz_touch(team->mail_to, strlen(team->mail_to));
		if (team->config)
			fuzz_touch(team->config, strlen(team->config));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {"", "payments-service", "billing-api", "a", "*"};
	struct sl_teams *t = NULL;
	struct sl_errctx err;

	sl_err_clear(&err);
	if (sl_teams_parse((const char *)data, size, "dir/teams", &t, &err) == 0) {
		check(t);
		for (size_t i = 0; i < t->n; i++)
			for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++)
				(void)sl_team_matches(&t->teams[i], probes[k]);
		(void)sl_teams_check_agents(t, probes, sizeof(probes) / sizeof(probes[0]), &err);
		sl_teams_free(t);
	} else if (!err.msg[0]) {
		broken("a refusal without a message");
	}
	fuzz_touch(err.msg, strlen(err.msg));
	return 0;
}
