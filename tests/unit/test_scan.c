/* sl_scan: windows over day partitions, row-group skipping, columns. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_colfile.h"
#include "sl_scan.h"
#include "sl_store.h"

#define DAY 86400000LL

static char dir[64];
static struct sl_store *st;

/* Three days (20000..20002) of deployments, one every hour, in row groups
 * of 6 rows (4 groups a day). */
static void setup(void)
{
	struct sl_errctx err;
	int c_id = sl_kind_col(SL_KIND_DEPLOYMENTS, "deployment_id");
	int c_start = sl_kind_col(SL_KIND_DEPLOYMENTS, "start_time");
	int c_agent = sl_kind_col(SL_KIND_DEPLOYMENTS, "agent_id");

	snprintf(dir, sizeof(dir), "/tmp/shiplog-scan-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_EXCLUSIVE, 0, &err), 0);
	for (int64_t day = 20000; day < 20003; day++) {
		char tmp[PATH_MAX], final[PATH_MAX];
		struct sl_cfw *w;
		struct sl_batch *b = sl_batch_new(SL_KIND_DEPLOYMENTS, 8);

		ck_assert_int_eq(sl_store_temp_path(st, SL_KIND_DEPLOYMENTS, tmp, sizeof(tmp), &err), 0);
		ck_assert_int_eq(sl_cfw_open(&w, tmp, SL_KIND_DEPLOYMENTS, day, &err), 0);
		for (int h = 0; h < 24; h++) {
			size_t r;
			char id[32];

			sl_batch_add_row(b, &r);
			snprintf(id, sizeof(id), "d%lld-%d", (long long)day, h);
			sl_batch_set_str(b, c_id, r, id, strlen(id));
			sl_batch_set_str(b, c_agent, r, "a", 1);
			sl_batch_set_i64(b, c_start, r, day * DAY + h * 3600000LL);
			if (b->n == 6) {
				ck_assert_int_eq(sl_cfw_write_batch(w, b, &err), 0);
				sl_batch_clear(b);
			}
		}
		ck_assert_int_eq(sl_cfw_finish(w, &err), 0);
		sl_store_partition_path(st, SL_KIND_DEPLOYMENTS, day, final, sizeof(final));
		ck_assert_int_eq(sl_store_stage_rename(st, tmp, final), 0);
		sl_batch_free(b);
	}
	ck_assert_int_eq(sl_store_commit(st, &err), 0);
}

static void teardown(void)
{
	char cmd[128];

	sl_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Rows in the window, and how many row groups were read to find them. */
static int count(int64_t from, int64_t to, const uint8_t *want, int *groups, int *agent_null)
{
	struct sl_scan *sc;
	struct sl_batch *b;
	struct sl_errctx err;
	int n = 0, rc;
	int c_agent = sl_kind_col(SL_KIND_DEPLOYMENTS, "agent_id");

	*groups = 0;
	*agent_null = 0;
	ck_assert_int_eq(sl_scan_open(&sc, st, SL_KIND_DEPLOYMENTS, from, to, want, &err), 0);
	while ((rc = sl_scan_next(sc, &b, &err)) > 0) {
		(*groups)++;
		for (size_t r = 0; r < b->n; r++) {
			if (!sl_scan_in_window(sc, b, r))
				continue;
			n++;
			*agent_null += sl_batch_is_null(b, c_agent, r);
		}
	}
	ck_assert_int_eq(rc, 0);
	sl_scan_close(sc);
	return n;
}

START_TEST(test_windows)
{
	int g, an;

	ck_assert_int_eq(count(SL_TIME_MIN, SL_TIME_MAX, NULL, &g, &an), 72);
	ck_assert_int_eq(g, 12);
	ck_assert_int_eq(an, 0);
	/* one whole day: only its four groups are read */
	ck_assert_int_eq(count(20001 * DAY, 20002 * DAY, NULL, &g, &an), 24);
	ck_assert_int_eq(g, 4);
	/* half-open: 06:00 is in, 12:00 is out; groups 06-11 only */
	ck_assert_int_eq(count(20001 * DAY + 6 * 3600000LL, 20001 * DAY + 12 * 3600000LL, NULL,
			       &g, &an), 6);
	ck_assert_int_eq(g, 1);
	/* across midnight */
	ck_assert_int_eq(count(20000 * DAY + 23 * 3600000LL, 20001 * DAY + 3600000LL, NULL, &g,
			       &an), 2);
	ck_assert_int_eq(g, 2);
	/* nothing there */
	ck_assert_int_eq(count(30000 * DAY, 30001 * DAY, NULL, &g, &an), 0);
	ck_assert_int_eq(g, 0);
}
END_TEST

START_TEST(test_columns)
{
	uint8_t want[64] = {0};
	int g, an;

	want[sl_kind_col(SL_KIND_DEPLOYMENTS, "deployment_id")] = 1;
	/* agent_id is not asked for: null; start_time is read for the window */
	ck_assert_int_eq(count(20000 * DAY, 20001 * DAY, want, &g, &an), 24);
	ck_assert_int_eq(an, 24);
}
END_TEST

Suite *suite_scan(void);

Suite *suite_scan(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("scan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_windows);
	tcase_add_test(tc, test_columns);
	suite_add_tcase(s, tc);
	return s;
}
