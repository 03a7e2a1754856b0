/* sl_stats: Fisher's exact test and the Mann-Whitney U test against scipy
 * (data/ref-stats.csv, written once by scripts/ref-stats.py), plus
 * hand-worked tables. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_stats.h"
#include "xorshift.h"

static int close_to(double got, double want, double rel)
{
	if (isnan(want))
		return isnan(got);
	if (isinf(want))
		return got == want;
	return fabs(got - want) <= rel * fabs(want) + 1e-300;
}

static size_t parse_list(char *s, double *out, size_t cap)
{
	size_t n = 0;

	for (char *tok = strtok(s, ";"); tok && n < cap; tok = strtok(NULL, ";"))
		out[n++] = strtod(tok, NULL);
	return n;
}

START_TEST(test_against_scipy)
{
	FILE *f = fopen("data/ref-stats.csv", "r");
	char *line = NULL;
	size_t cap = 0;
	int nf = 0, nm = 0;
	static double x[1000], y[1000];

	ck_assert_ptr_nonnull(f);
	while (getline(&line, &cap, f) > 0) {
		char *fields[8];
		int k = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *s = line, *c; k < 8; s = c + 1) {
			fields[k++] = s;
			if (!(c = strchr(s, ',')))
				break;
			*c = '\0';
		}
		if (!strcmp(fields[0], "fisher")) {
			double odds, p;

			ck_assert_int_eq(k, 7);
			ck_assert_int_eq(sl_stats_fisher_exact(strtoull(fields[1], NULL, 10),
							       strtoull(fields[2], NULL, 10),
							       strtoull(fields[3], NULL, 10),
							       strtoull(fields[4], NULL, 10), &odds, &p),
					 0);
			ck_assert_msg(close_to(p, strtod(fields[6], NULL), 1e-9),
				      "fisher %s %s %s %s: p %.17g, scipy %s", fields[1], fields[2],
				      fields[3], fields[4], p, fields[6]);
			ck_assert_msg(close_to(odds, strtod(fields[5], NULL), 1e-12),
				      "fisher odds %.17g, scipy %s", odds, fields[5]);
			nf++;
		} else {
			double u, p;
			size_t n1, n2;

			ck_assert_int_eq(k, 5);
			n1 = parse_list(fields[1], x, 1000);
			n2 = parse_list(fields[2], y, 1000);
			ck_assert_int_eq(sl_stats_mann_whitney(x, n1, y, n2, &u, &p), 0);
			ck_assert_msg(close_to(u, strtod(fields[3], NULL), 1e-12), "U %.17g, scipy %s",
				      u, fields[3]);
			ck_assert_msg(close_to(p, strtod(fields[4], NULL), 1e-9), "p %.17g, scipy %s",
				      p, fields[4]);
			nm++;
		}
	}
	free(line);
	fclose(f);
	ck_assert_int_eq(nf, 16);
	ck_assert_int_eq(nm, 9);
}
END_TEST

/* [[3, 1], [1, 3]]: with margins 4, 4, 4 the tables a = 0..4 have
 * probabilities 1, 16, 36, 16, 1 (/70); a = 3 is 16/70, and as likely or
 * less are a = 0, 1, 3, 4: 34/70. */
START_TEST(test_fisher_hand)
{
	double odds, p;

	ck_assert_int_eq(sl_stats_fisher_exact(3, 1, 1, 3, &odds, &p), 0);
	ck_assert(fabs(p - 34.0 / 70) < 1e-14);
	ck_assert(fabs(odds - 9) < 1e-14);
	/* no failures anywhere: nothing to tell apart */
	ck_assert_int_eq(sl_stats_fisher_exact(0, 10, 0, 12, &odds, &p), 0);
	ck_assert(p == 1);
	/* an empty row is no test */
	ck_assert_int_eq(sl_stats_fisher_exact(0, 0, 3, 4, &odds, &p), -1);
	ck_assert_int_eq(sl_stats_fisher_exact(1ULL << 32, 0, 3, 4, &odds, &p), -1);
}
END_TEST

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* sl_sort_doubles() sorts; selection gives, for every rank, the value a
 * sort puts there: arrays of
 * 1 to 200 values, few distinct (ties) or many, and sorted or reversed
 * runs; the array is left partitioned around rank k. */
START_TEST(test_select_kth)
{
	uint64_t seed = 0x5e1ec7;
	double v[200], sorted[200];

	for (int round = 0; round < 400; round++) {
		size_t n = 1 + xorshift64(&seed) % 200;
		unsigned distinct = round % 3 == 0 ? 3 : 1000000;

		for (size_t i = 0; i < n; i++)
			sorted[i] = round % 7 == 0 ? (double)i : round % 7 == 1 ? -(double)i
				  : (double)(xorshift64(&seed) % distinct) - 7.5;
		memcpy(v, sorted, n * sizeof(*v));
		qsort(sorted, n, sizeof(*sorted), cmp_dbl);
		memcpy(v, sorted, n * sizeof(*v));
		/* the same values reversed, then sorted again */
		for (size_t i = 0; i < n / 2; i++) {
			double t = v[i];

			v[i] = v[n - 1 - i];
			v[n - 1 - i] = t;
		}
		sl_sort_doubles(v, n);
		ck_assert(!memcmp(v, sorted, n * sizeof(*v)));
		for (size_t k = 0; k < n; k++) {
			double x;

			x = sl_select_kth(v, n, k);
			ck_assert_msg(x == sorted[k], "n %zu k %zu: %g, sorted %g", n, k, x, sorted[k]);
			for (size_t i = 0; i < n; i++)
				ck_assert(i < k ? v[i] <= x : i > k ? v[i] >= x : v[i] == x);
		}
	}
}
END_TEST

static int cmp_i64t(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* sl_sort_i64 against qsort: random, few distinct values, sorted,
 * reversed, organ-pipe and constant arrays of 0 to 5000 values, extremes
 * included. */
START_TEST(test_sort_i64)
{
	uint64_t seed = 0x1234;
	static int64_t v[5000], w[5000];

	for (int round = 0; round < 300; round++) {
		size_t n = round < 30 ? (size_t)round : xorshift64(&seed) % 5001;
		int kind = round % 6;

		for (size_t i = 0; i < n; i++) {
			uint64_t r = xorshift64(&seed);

			v[i] = kind == 0   ? (int64_t)r
			       : kind == 1 ? (int64_t)(r % 4) - 2
			       : kind == 2 ? (int64_t)i
			       : kind == 3 ? -(int64_t)i
			       : kind == 4 ? (int64_t)(i < n / 2 ? i : n - i)
					   : INT64_MIN;
		}
		if (n > 2 && kind == 0) {
			v[0] = INT64_MAX;
			v[n - 1] = INT64_MIN;
		}
		memcpy(w, v, n * sizeof(*v));
		qsort(w, n, sizeof(*w), cmp_i64t);
		sl_sort_i64(v, n);
		ck_assert_msg(!memcmp(v, w, n * sizeof(*v)), "round %d, n %zu", round, n);
	}
}
END_TEST

static int cmp_key_row(const void *x, const void *y)
{
	const struct sl_key_row *a = x, *b = y;

	if (a->key != b->key)
		return (a->key > b->key) - (a->key < b->key);
	return (a->row > b->row) - (a->row < b->row);
}

/* sl_sort_key_rows against qsort by (key, row) of entries whose rows go
 * in increasing, so that a stable sort gives the same: keys random over
 * all 64 bits (INT64_MIN next to INT64_MAX), few distinct (ties), in
 * milliseconds over months (3 passes), sorted, reversed and constant. */
START_TEST(test_sort_key_rows)
{
	uint64_t seed = 0x51ab1e;
	static struct sl_key_row v[6000], tmp[6000], w[6000];

	for (int round = 0; round < 300; round++) {
		size_t n = round < 30 ? (size_t)round : xorshift64(&seed) % 6001;
		int kind = round % 6;
		struct sl_key_row *got;

		for (size_t i = 0; i < n; i++) {
			uint64_t r = xorshift64(&seed);

			v[i].row = i;
			v[i].key = kind == 0   ? (int64_t)r
				   : kind == 1 ? (int64_t)(r % 5) - 2
				   : kind == 2 ? 1767225600000 + (int64_t)(r % 7776000000)
				   : kind == 3 ? (int64_t)i
				   : kind == 4 ? -(int64_t)i
					       : 42;
		}
		if (n > 2 && kind == 0) {
			v[0].key = INT64_MAX;
			v[n - 1].key = INT64_MIN;
		}
		memcpy(w, v, n * sizeof(*v));
		qsort(w, n, sizeof(*w), cmp_key_row);
		got = sl_sort_key_rows(v, tmp, n);
		ck_assert_msg(got == v || got == tmp, "round %d: not one of the arrays", round);
		ck_assert_msg(!memcmp(got, w, n * sizeof(*w)), "round %d, n %zu, kind %d", round, n,
			      kind);
	}
}
END_TEST

/* sl_sort_rows_by_key against qsort by (key[row], row), rows given in
 * increasing order so that a stable sort gives the same, over the same
 * kinds of keys. */
static const int64_t *rows_key;

static int cmp_row_key(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	if (rows_key[a] != rows_key[b])
		return (rows_key[a] > rows_key[b]) - (rows_key[a] < rows_key[b]);
	return (a > b) - (a < b);
}

START_TEST(test_sort_rows_by_key)
{
	uint64_t seed = 0x50f7;
	static int64_t key[6000];
	static uint32_t rows[6000], tmp[6000], w[6000];

	for (int round = 0; round < 300; round++) {
		size_t n = round < 30 ? (size_t)round : xorshift64(&seed) % 6001;
		int kind = round % 6;
		uint32_t *got;

		for (size_t i = 0; i < n; i++) {
			uint64_t r = xorshift64(&seed);

			rows[i] = (uint32_t)i;
			key[i] = kind == 0   ? (int64_t)r
				 : kind == 1 ? (int64_t)(r % 5) - 2
				 : kind == 2 ? 1767225600000 + (int64_t)(r % 7776000000)
				 : kind == 3 ? (int64_t)i
				 : kind == 4 ? -(int64_t)i
					     : -7;
		}
		if (n > 2 && kind == 0) {
			key[0] = INT64_MAX;
			key[n - 1] = INT64_MIN;
		}
		memcpy(w, rows, n * sizeof(*w));
		rows_key = key;
		qsort(w, n, sizeof(*w), cmp_row_key);
		got = sl_sort_rows_by_key(rows, tmp, n, key);
		ck_assert_msg(got == rows || got == tmp, "round %d: not one of the arrays", round);
		ck_assert_msg(!memcmp(got, w, n * sizeof(*w)), "round %d, n %zu, kind %d", round, n,
			      kind);
	}
}
END_TEST

Suite *suite_stats(void);

Suite *suite_stats(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, test_against_scipy);
	tcase_add_test(tc, test_fisher_hand);
	tcase_add_test(tc, test_select_kth);
	tcase_add_test(tc, test_sort_i64);
	tcase_add_test(tc, test_sort_key_rows);
	tcase_add_test(tc, test_sort_rows_by_key);
	suite_add_tcase(s, tc);
	return s;
}
