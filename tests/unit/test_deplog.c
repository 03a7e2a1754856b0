/* ingest/deplog: sorted runs of status-update records, merged back in
 * (key, run) order; checked against a plain stable sort of the same
 * records. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deplog.h"
#include "sl_store.h"
#include "xorshift.h"

struct tagged {
	struct deprec r;
	size_t run, idx;
};

static int cmp_tagged(const void *a, const void *b)
{
	const struct tagged *x = a, *y = b;

	if (x->r.h != y->r.h)
		return deplog_order(x->r.h) < deplog_order(y->r.h) ? -1 : 1;
	if (x->run != y->run)
		return x->run < y->run ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static uint64_t rng = XORSHIFT_SEED;

static uint64_t next_rand(void)
{
	return xorshift64(&rng);
}

static struct sl_store *open_store(char *dir)
{
	struct sl_store *st;
	struct sl_errctx err;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(sl_store_open(&st, dir, 1, SL_LOCK_EXCLUSIVE, 0, &err), SL_OK);
	return st;
}

/* nruns runs of random sizes (some empty), keys from a small pool so that
 * they repeat within and across runs; every record carries its place. */
static void check_merge(size_t nruns, size_t maxn, uint64_t pool)
{
	char dir[] = "/tmp/shiplog-deplog.XXXXXX", cmd[64];
	struct sl_store *st = open_store(dir);
	struct deplog l;
	struct deplog_merge *m;
	struct sl_errctx err;
	struct tagged *all = NULL;
	size_t nall = 0, got = 0;
	struct deprec r;
	int rc;

	deplog_init(&l, st);
	for (size_t k = 0; k < nruns; k++) {
		size_t n = maxn ? (size_t)(next_rand() % (maxn + 1)) : 0;
		struct deprec *v = calloc(n ? n : 1, sizeof(*v));

		all = realloc(all, (nall + n + 1) * sizeof(*all));
		for (size_t i = 0; i < n; i++) {
			/* hashes spread over the whole range: high bits too */
			v[i].h = (next_rand() % pool) * 0x9E3779B97F4A7C15ull;
			v[i].upd = (int64_t)k;
			v[i].row = (uint32_t)i;
			v[i].where = (uint32_t)k;
			all[nall].r = v[i];
			all[nall].run = k;
			all[nall].idx = i;
			nall++;
		}
		ck_assert_int_eq(deplog_write_run(&l, v, n, &err), SL_OK);
		free(v);
	}
	ck_assert_uint_eq(l.nruns, nruns);
	if (nall)
		qsort(all, nall, sizeof(*all), cmp_tagged);
	ck_assert_int_eq(deplog_merge_open(&l, 0, l.nruns, &m, &err), SL_OK);
	while ((rc = deplog_next(m, &r, &err)) == 1) {
		ck_assert_uint_lt(got, nall);
		ck_assert_uint_eq(r.h, all[got].r.h);
		ck_assert_uint_eq(r.where, all[got].r.where);
		ck_assert_uint_eq(r.row, all[got].r.row);
		got++;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(got, nall);
	deplog_merge_close(m);
	deplog_release(&l);
	free(all);
	sl_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_merge_small)
{
	check_merge(5, 50, 20);
}
END_TEST

START_TEST(test_merge_many_runs)
{
	/* more runs than a heap level, buffers refilled many times */
	check_merge(40, 9000, 5000);
	check_merge(300, 30, 1u << 30);
}
END_TEST

START_TEST(test_merge_empty)
{
	check_merge(3, 0, 1);
	check_merge(0, 0, 1);
}
END_TEST

/* A run appended record by record reads back as written; the files are
 * gone from the store's directory from the start. */
START_TEST(test_appended_run)
{
	char dir[] = "/tmp/shiplog-deplog.XXXXXX", cmd[64];
	struct sl_store *st = open_store(dir);
	struct deplog l;
	struct deplog_writer *w;
	struct deplog_merge *m;
	struct sl_errctx err;
	struct deprec r;
	uint64_t i = 0;

	deplog_init(&l, st);
	ck_assert_int_eq(deplog_open_run(&l, &w, &err), SL_OK);
	for (uint64_t k = 0; k < 10000; k++) {
		memset(&r, 0, sizeof(r));
		r.h = k * 7 * 0xF1DE83E19937733Dull; /* deplog_order(r.h) = 7k */
		r.upd = -(int64_t)k;
		ck_assert_int_eq(deplog_append(w, &r, &err), SL_OK);
	}
	ck_assert_int_eq(deplog_close_run(&l, w, &err), SL_OK);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A %s/deployments)\"", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(deplog_merge_open(&l, 0, 1, &m, &err), SL_OK);
	while (deplog_next(m, &r, &err) == 1) {
		ck_assert_uint_eq(deplog_order(r.h), i * 7);
		ck_assert_int_eq(r.upd, -(int64_t)i);
		i++;
	}
	ck_assert_uint_eq(i, 10000);
	deplog_merge_close(m);
	deplog_release(&l);
	sl_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *suite_deplog(void);

Suite *suite_deplog(void)
{
	Suite *s = suite_create("deplog");
	TCase *tc = tcase_create("deplog");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_merge_small);
	tcase_add_test(tc, test_merge_many_runs);
	tcase_add_test(tc, test_merge_empty);
	tcase_add_test(tc, test_appended_run);
	suite_add_tcase(s, tc);
	return s;
}
