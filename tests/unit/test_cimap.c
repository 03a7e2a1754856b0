/* Unit tests of lib/sl_cimap.c: the providers' states as GitHub, GitLab,
 * Jenkins and Bitbucket document them (docs/ADAPTERS.md), and the (?i)
 * regular expressions of docs/ADAPTERS.md. */
#include <check.h>
#include <string.h>

#include "sl_cimap.h"
#include "sl_err.h"

static const char *gh(const char *st, const char *co)
{
	const char *r = sl_cimap_github(st, co);

	return r ? r : "NULL";
}

START_TEST(test_github)
{
	ck_assert_str_eq(gh("completed", "success"), "success");
	ck_assert_str_eq(gh("completed", "failure"), "failed");
	ck_assert_str_eq(gh("completed", "timed_out"), "failed");
	ck_assert_str_eq(gh("completed", "startup_failure"), "failed");
	ck_assert_str_eq(gh("completed", "cancelled"), "cancelled");
	ck_assert_str_eq(gh("completed", "skipped"), "skipped");
	ck_assert_str_eq(gh("completed", "neutral"), "skipped");
	ck_assert_str_eq(gh("completed", "action_required"), "pending");
	ck_assert_str_eq(gh("COMPLETED", "SUCCESS"), "success");
	ck_assert_str_eq(gh("in_progress", NULL), "running");
	ck_assert_str_eq(gh("queued", NULL), "pending");
	ck_assert_str_eq(gh("waiting", ""), "pending");
	/* DevLake's exports put the conclusion in status */
	ck_assert_str_eq(gh("TIMED_OUT", "timed_out"), "failed");
	ck_assert_str_eq(gh(NULL, "success"), "success");
	/* completed without a conclusion, unknown states */
	ck_assert_str_eq(gh("completed", NULL), "NULL");
	ck_assert_str_eq(gh("completed", ""), "NULL");
	ck_assert_str_eq(gh("exploded", NULL), "NULL");
	ck_assert_str_eq(gh(NULL, NULL), "NULL");
}
END_TEST

START_TEST(test_tables)
{
	ck_assert_str_eq(sl_cimap_lookup(SL_MAP_GITLAB, "canceled"), "cancelled");
	ck_assert_str_eq(sl_cimap_lookup(SL_MAP_GITLAB, "manual"), "skipped");
	ck_assert_str_eq(sl_cimap_lookup(SL_MAP_GITLAB, "waiting_for_resource"), "pending");
	ck_assert_ptr_null(sl_cimap_lookup(SL_MAP_GITLAB, "exploded"));
	ck_assert_str_eq(sl_cimap_lookup(SL_MAP_JENKINS, "ABORTED"), "cancelled");
	ck_assert_str_eq(sl_cimap_lookup(SL_MAP_JENKINS, "unstable"), "failed");
	ck_assert_str_eq(sl_cimap_lookup(SL_MAP_JENKINS, "NOT_BUILT"), "skipped");
	ck_assert_str_eq(sl_cimap_lookup(SL_MAP_BITBUCKET_DEPLOY, "ROLLED_BACK"), "rolled_back");
	ck_assert_ptr_eq(sl_cimap_lookup(SL_MAP_BITBUCKET_DEPLOY, "UNDEPLOYED"),
			 sl_cimap_not_outcome);
	ck_assert_ptr_null(sl_cimap_lookup(SL_MAP_BITBUCKET_DEPLOY, "UNKNOWN"));
	ck_assert_str_eq(sl_cimap_lookup(SL_MAP_GITHUB_DEPLOY, "INACTIVE"), "completed");
	ck_assert_str_eq(sl_cimap_lookup(SL_MAP_GITLAB_DEPLOY, "canceled"), "failed");
	ck_assert_ptr_null(sl_cimap_lookup(SL_MAP_NTABLES, "success"));
	ck_assert_ptr_null(sl_cimap_lookup(SL_MAP_GITLAB, NULL));
}
END_TEST

/* Every table entry maps to a canonical CI status or deployment phase. */
START_TEST(test_entries_canonical)
{
	static const char *const ci[] = {"success", "failed", "cancelled", "skipped",
					 "running", "pending", NULL};
	static const char *const ph[] = {"pending", "in_progress", "completed", "failed",
					 "rolled_back", "-", NULL};

	for (int t = 0; t < SL_MAP_NTABLES; t++) {
		const char *const *ok = t <= SL_MAP_JENKINS ? ci : ph;
		const char *state, *canon;
		size_t i;

		for (i = 0; !sl_cimap_entry((enum sl_cimap_table)t, i, &state, &canon); i++) {
			int found = 0;

			for (int k = 0; ok[k]; k++)
				found |= !strcmp(ok[k], canon);
			ck_assert_msg(found, "table %d: %s -> %s", t, state, canon);
		}
		ck_assert_uint_gt(i, 5);
	}
	ck_assert_int_eq(sl_cimap_entry(SL_MAP_NTABLES, 0, &(const char *){0}, &(const char *){0}),
			 -1);
}
END_TEST

START_TEST(test_regex)
{
	regex_t re;
	char msg[128];

	ck_assert_int_eq(sl_regex_compile(&re, "(?i)deploy|release|push-image", msg, sizeof(msg)),
			 0);
	ck_assert(sl_regex_match(&re, "Deploy to prod"));
	ck_assert(sl_regex_match(&re, "RELEASE"));
	ck_assert(sl_regex_match(&re, "ci push-image"));
	ck_assert(!sl_regex_match(&re, "unit tests"));
	ck_assert(!sl_regex_match(&re, NULL));
	regfree(&re);
	/* without (?i): case matters */
	ck_assert_int_eq(sl_regex_compile(&re, "prod", msg, sizeof(msg)), 0);
	ck_assert(!sl_regex_match(&re, "Production"));
	ck_assert(sl_regex_match(&re, "preprod"));
	regfree(&re);
	ck_assert_int_eq(sl_regex_compile(&re, "(?i)(", msg, sizeof(msg)), SL_EINVAL);
	ck_assert_int_gt((int)strlen(msg), 0);
	ck_assert_int_eq(sl_regex_compile(&re, "(?i)", msg, sizeof(msg)), SL_EINVAL);
	{
		char big[SL_REGEX_MAX + 2];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = 0;
		ck_assert_int_eq(sl_regex_compile(&re, big, msg, sizeof(msg)), SL_EINVAL);
	}
}
END_TEST

Suite *suite_cimap(void);

Suite *suite_cimap(void)
{
	Suite *s = suite_create("cimap");
	TCase *tc = tcase_create("cimap");

	tcase_add_test(tc, test_github);
	tcase_add_test(tc, test_tables);
	tcase_add_test(tc, test_entries_canonical);
	tcase_add_test(tc, test_regex);
	suite_add_tcase(s, tc);
	return s;
}
