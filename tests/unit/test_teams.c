/* Unit tests of lib/sl_teams.c: the teams file (docs/OPERATIONS.md,
 * "Teams"), each of its refusals with its line, globs, an agent owned by
 * two teams, the config files and the patterns checked against a store's
 * agents. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_err.h"
#include "sl_teams.h"

static struct sl_teams *parse_as(const char *name, const char *text, int want_rc,
				 long want_line, const char *want_msg)
{
	struct sl_teams *t = NULL;
	struct sl_errctx err;
	int rc;

	sl_err_clear(&err);
	rc = sl_teams_parse(text, strlen(text), name, &t, &err);
	ck_assert_msg(rc == want_rc, "rc %d (%s) for:\n%s", rc, err.msg, text);
	if (rc) {
		ck_assert_ptr_null(t);
		ck_assert_msg(err.line == want_line, "line %ld, not %ld (%s) for:\n%s", err.line,
			      want_line, err.msg, text);
		ck_assert_str_eq(err.path, name);
		ck_assert_msg(strstr(err.msg, want_msg), "'%s' does not say '%s'", err.msg,
			      want_msg);
	}
	return t;
}

static struct sl_teams *parse(const char *text, int want_rc, long want_line,
			      const char *want_msg)
{
	return parse_as("conf/teams", text, want_rc, want_line, want_msg);
}

START_TEST(test_parse)
{
	struct sl_teams *t = parse("# the teams\n"
				   "\n"
				   "[payments]\n"
				   "agents = payments-*, billing-api   # globs and names\n"
				   "agents=ledger\n"
				   "mail_to = pay@example.com, lead@example.com\n"
				   "mail_to = boss@example.com\n"
				   "config = payments.conf\n"
				   "quiet = full\n"
				   "  [ search.v2_x-1 ]  \r\n"
				   "\tagents = search-?, billing-api\n"
				   "config = /etc/shiplog/search.conf\n",
				   0, 0, "");
	const struct sl_team *p, *s;

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->n, 2);
	p = &t->teams[0];
	s = &t->teams[1];
	ck_assert_str_eq(p->name, "payments");
	ck_assert_int_eq(p->line, 3);
	ck_assert_uint_eq(p->nagents, 3);
	ck_assert_str_eq(p->agents[0].text, "payments-*");
	ck_assert_str_eq(p->agents[1].text, "billing-api");
	ck_assert_str_eq(p->agents[2].text, "ledger");
	ck_assert_int_eq(p->agents[2].line, 5);
	ck_assert_str_eq(p->mail_to, "pay@example.com,lead@example.com,boss@example.com");
	ck_assert_str_eq(p->config, "conf/payments.conf");
	ck_assert_int_eq(p->quiet, SL_QUIET_FULL);
	ck_assert_str_eq(s->name, "search.v2_x-1");
	ck_assert_str_eq(s->mail_to, "");
	ck_assert_str_eq(s->config, "/etc/shiplog/search.conf");
	ck_assert_int_eq(s->quiet, SL_QUIET_ONELINE);
	ck_assert_str_eq(sl_team_quiet_name(s->quiet), "oneline");
	ck_assert_ptr_eq(sl_teams_find(t, "search.v2_x-1"), s);
	ck_assert_ptr_null(sl_teams_find(t, "search"));
	sl_teams_free(t);
	/* tabs are blanks around keys, values and items */
	t = parse("[t]\t# tabs\n\tagents\t=\tx ,\ty\t\n", 0, 0, "");
	ck_assert_uint_eq(t->teams[0].nagents, 2);
	ck_assert_str_eq(t->teams[0].agents[1].text, "y");
	sl_teams_free(t);
	/* a file without a directory: the config is beside it, in . */
	t = parse_as("teams", "[a]\nagents = x\nconfig = a.conf\nquiet = none\n", 0, 0, "");
	ck_assert_str_eq(t->teams[0].config, "a.conf");
	ck_assert_int_eq(t->teams[0].quiet, SL_QUIET_NONE);
	sl_teams_free(t);
	sl_teams_free(NULL);
}
END_TEST

START_TEST(test_errors)
{
	char big[SL_TEAMS_MAX_LINE + 20];

	parse("", SL_EPARSE, 0, "no team");
	parse("# only a comment\n\n", SL_EPARSE, 0, "no team");
	parse("agents = x\n", SL_EPARSE, 1, "outside a team");
	parse("[a]\nagents = x\njunk\n", SL_EPARSE, 3, "malformed line");
	parse("[a]\nagents = x\n[b\n", SL_EPARSE, 3, "malformed line");
	parse("[a]\n = x\n", SL_EPARSE, 2, "no key");
	parse("[a]\nagents = x\nowner = bob\n", SL_EPARSE, 3, "unknown key 'owner'");
	parse("[a]\nagents = x\n\n[a]\nagents = y\n", SL_EPARSE, 4, "duplicate team 'a' (first at line 1)");
	parse("[.hidden]\nagents = x\n", SL_EPARSE, 1, "bad team name");
	parse("[a/b]\nagents = x\n", SL_EPARSE, 1, "bad team name");
	parse("[]\nagents = x\n", SL_EPARSE, 1, "bad team name");
	parse("[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\nagents = x\n",
	      SL_EPARSE, 1, "bad team name");
	parse("[a]\nagents = x\nquiet = loud\n", SL_EPARSE, 3, "quiet is oneline, none or full");
	parse("[a]\nagents = x\nquiet = none\nquiet = full\n", SL_EPARSE, 4, "a second 'quiet'");
	parse("[a]\nmail_to = a@b\n\n[b]\nagents = x\n", SL_EPARSE, 1, "team 'a' has no agents");
	parse("[a]\nagents = x\n[b]\n# none\n", SL_EPARSE, 3, "team 'b' has no agents");
	parse("[a]\nagents =\n", SL_EPARSE, 2, "'agents' without a value");
	parse("[a]\nagents = x,, y\n", SL_EPARSE, 2, "an empty item");
	parse("[a]\nagents = x,\n", SL_EPARSE, 2, "an empty item");
	parse("[a]\nagents = x\nmail_to = not-an-address\n", SL_EPARSE, 3, "not a mail address");
	parse("[a]\nagents = x\nmail_to = a@b, c d@e\n", SL_EPARSE, 3, "not a mail address");
	parse("[a]\nagents = x\nconfig = a\nconfig = b\n", SL_EPARSE, 4, "a second 'config'");
	parse("[a]\nagents = x\nconfig =\n", SL_EPARSE, 3, "'config' without a value");
	parse("[a]\nagents = x\x01y\n", SL_EPARSE, 2, "control character");
	parse("[a]\nagents = x\ty\n", SL_EPARSE, 2, "a tab inside the agent pattern");
	parse("[a]\nagents = x\nmail_to = a@b\tc\n", SL_EPARSE, 3, "not a mail address");
	parse("[a]\nagents = x\nconfig = a\tb\n", SL_EPARSE, 3, "a tab inside the config");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "[a]\nagents = ", 13);
	parse(big, SL_ELIMIT, 2, "longer than");
	{
		struct sl_teams *t = NULL;
		struct sl_errctx err;
		const char nul[] = "[a]\nagents = x\0y\n";

		sl_err_clear(&err);
		ck_assert_int_eq(sl_teams_parse(nul, sizeof(nul) - 1, "f", &t, &err), SL_EPARSE);
		ck_assert_int_eq(err.line, 2);
		ck_assert_ptr_null(t);
	}
}
END_TEST

/* An agent two teams match goes to both; a glob matches by fnmatch(3). */
START_TEST(test_match)
{
	struct sl_teams *t = parse("[pay]\nagents = payments-*, billing-api\n"
				   "[bill]\nagents = billing-[a-z]*\n"
				   "[one]\nagents = search-?\n",
				   0, 0, "");
	const struct sl_team *pay = &t->teams[0], *bill = &t->teams[1], *one = &t->teams[2];

	ck_assert(sl_team_matches(pay, "payments-service"));
	ck_assert(sl_team_matches(pay, "payments-"));
	ck_assert(!sl_team_matches(pay, "payment-service"));
	ck_assert(sl_team_matches(pay, "billing-api"));
	ck_assert(sl_team_matches(bill, "billing-api"));
	ck_assert(!sl_team_matches(bill, "billing-9"));
	ck_assert(sl_team_matches(one, "search-a"));
	ck_assert(!sl_team_matches(one, "search-ab"));
	ck_assert(!sl_team_matches(NULL, "x"));
	ck_assert(sl_pattern_matches("a*b", "a/x/b"));
	ck_assert(!sl_pattern_matches("billing-api", "billing-api2"));
	sl_teams_free(t);
}
END_TEST

START_TEST(test_check_agents)
{
	static const char *const names[] = {"payments-service", "billing-api", "search-a"};
	struct sl_teams *t = parse("[pay]\nagents = payments-*\nagents = billing-api\n"
				   "[one]\nagents = search-?, search-zz\n",
				   0, 0, "");
	struct sl_errctx err;

	sl_err_clear(&err);
	ck_assert_int_eq(sl_teams_check_agents(t, names, 3, &err), SL_EPARSE);
	ck_assert_int_eq(err.line, 5);
	ck_assert_msg(strstr(err.msg, "'search-zz' of team 'one' matches no agent"), "%s",
		      err.msg);
	sl_err_clear(&err);
	ck_assert_int_eq(sl_teams_check_agents(t, names, 2, &err), SL_EPARSE);
	ck_assert_int_eq(err.line, 5);
	ck_assert_msg(strstr(err.msg, "'search-?'"), "%s", err.msg);
	sl_teams_free(t);
	t = parse("[pay]\nagents = payments-*, billing-api\n", 0, 0, "");
	ck_assert_int_eq(sl_teams_check_agents(t, names, 3, &err), 0);
	ck_assert_int_eq(sl_teams_check_agents(t, names, 0, &err), SL_EPARSE);
	ck_assert_int_eq(err.line, 2);
	sl_teams_free(t);
}
END_TEST

START_TEST(test_load)
{
	char dir[] = "/tmp/test_teams.XXXXXX", path[256], conf[256], text[512];
	struct sl_teams *t = NULL;
	struct sl_errctx err;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/teams", dir);
	snprintf(conf, sizeof(conf), "%s/pay.conf", dir);
	f = fopen(conf, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(text, sizeof(text), "[pay]\nagents = p-*\nconfig = pay.conf\n\n"
				     "[other]\nagents = q\nconfig = missing.conf\n");
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	sl_err_clear(&err);
	ck_assert_int_eq(sl_teams_load(path, &t, &err), SL_EPARSE);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(err.line, 7);
	ck_assert_str_eq(err.path, path);
	ck_assert_msg(strstr(err.msg, "missing.conf"), "%s", err.msg);
	/* a directory is no config either */
	f = fopen(path, "w");
	fputs("[pay]\nagents = p-*\nconfig = pay.conf\n[d]\nagents = q\nconfig = .\n", f);
	fclose(f);
	ck_assert_int_eq(sl_teams_load(path, &t, &err), SL_EPARSE);
	ck_assert_int_eq(err.line, 6);
	ck_assert_msg(strstr(err.msg, "not a file"), "%s", err.msg);
	f = fopen(path, "w");
	fputs("[pay]\nagents = p-*\nconfig = pay.conf\n", f);
	fclose(f);
	ck_assert_int_eq(sl_teams_load(path, &t, &err), 0);
	ck_assert_str_eq(t->teams[0].config, conf);
	sl_teams_free(t);
	unlink(path);
	unlink(conf);
	ck_assert_int_eq(sl_teams_load(path, &t, &err), SL_EIO);
	ck_assert_ptr_null(t);
	rmdir(dir);
}
END_TEST

Suite *suite_teams(void);

Suite *suite_teams(void)
{
	Suite *s = suite_create("teams");
	TCase *tc = tcase_create("teams");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_match);
	tcase_add_test(tc, test_check_agents);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);
	return s;
}
