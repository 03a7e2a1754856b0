/* sl_iforest: c(n) against scikit-learn's values, path lengths on
 * hand-built trees, ROC AUC on a labelled fixture no worse than
 * scikit-learn's (scripts/ref-iforest.py) and on deployment-like rows
 * with planted anomalies (scripts/ref-iforest-gen.py), determinism, the
 * flag rule. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_err.h"
#include "sl_iforest.h"

START_TEST(test_c)
{
	FILE *fp = fopen("data/iforest_c.txt", "r");
	double n, c;
	int rows = 0;

	ck_assert_ptr_nonnull(fp);
	while (fscanf(fp, "%lf %lf", &n, &c) == 2) {
		ck_assert_msg(fabs(sl_iforest_c(n) - c) <= 1e-12 * (1 + c), "c(%g) = %.17g, want %.17g",
			      n, sl_iforest_c(n), c);
		rows++;
	}
	fclose(fp);
	ck_assert_int_eq(rows, 10);
	/* by hand: c(5) = 2 (ln 4 + 0.5772156649) - 8/5 */
	ck_assert_double_eq_tol(sl_iforest_c(5), 2 * (log(4) + 0.5772156649015329) - 1.6, 1e-15);
}
END_TEST

START_TEST(test_path_length)
{
	/* root splits x0 at 1: left is external with 5 rows (depth 1);
	 * right splits x1 at 0: left external of 1 row, right of 2 rows */
	static const struct sl_inode t[] = {
		{0, 2, 8, 1.0}, {-1, 0, 5, 0}, {1, 4, 3, 0.0}, {-1, 0, 1, 0}, {-1, 0, 2, 0},
	};
	double a[2] = {0.5, 9}, b[2] = {1.0, -1}, c[2] = {3, 0.0};

	/* 1 + c(5) = 1 + 2.327020052042847 */
	ck_assert_double_eq_tol(sl_itree_path_length(t, a), 3.327020052042847, 1e-12);
	/* x0 = 1 is not below the split: right, then x1 < 0: depth 2, c(1) = 0 */
	ck_assert_double_eq(sl_itree_path_length(t, b), 2.0);
	/* x1 = 0 goes right: depth 2 + c(2) = 3 */
	ck_assert_double_eq(sl_itree_path_length(t, c), 3.0);
}
END_TEST

/* ROC AUC with average ranks for ties (as sklearn's roc_auc_score). */
struct sv {
	double s;
	int y;
};

static int cmp_sv(const void *a, const void *b)
{
	double x = ((const struct sv *)a)->s, y = ((const struct sv *)b)->s;

	return (x > y) - (x < y);
}

static double auc(const double *s, const int *y, size_t n)
{
	struct sv *v = malloc(n * sizeof(*v));
	double rsum = 0, npos = 0;

	for (size_t i = 0; i < n; i++) {
		v[i].s = s[i];
		v[i].y = y[i];
	}
	qsort(v, n, sizeof(*v), cmp_sv);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && v[j].s == v[i].s)
			j++;
		for (size_t k = i; k < j; k++)
			if (v[k].y) {
				rsum += (double)(i + 1 + j) / 2;
				npos++;
			}
		i = j;
	}
	free(v);
	return (rsum - npos * (npos + 1) / 2) / (npos * ((double)n - npos));
}

/* The AUC of one seed varies by about 0.002 on this fixture, on either
 * side, so means over 100 seeds are compared: their difference has a
 * standard error of 0.0003, and "no worse" allows 0.001 (3.3 of them).
 * Measured: ours 0.96705 (seeds 1..100), scikit-learn 0.96769 (0..99);
 * over seeds 1000..1199 ours is 0.96735 against scikit-learn's 0.96715
 * for random_state 100..199. */
#define NSEEDS 100

START_TEST(test_auc)
{
	FILE *fp = fopen("data/iforest_labelled.txt", "r");
	size_t n, d;
	double sk, sk_mean = 0, our_mean = 0, *x, *s;
	int *y;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fscanf(fp, "%zu %zu", &n, &d), 2);
	for (int k = 0; k < NSEEDS; k++) {
		ck_assert_int_eq(fscanf(fp, "%lf", &sk), 1);
		sk_mean += sk / NSEEDS;
	}
	ck_assert(n < 100000 && d <= 64);
	x = malloc(n * d * sizeof(*x));
	s = malloc(n * sizeof(*s));
	y = malloc(n * sizeof(*y));
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < d; j++)
			ck_assert_int_eq(fscanf(fp, "%lf", &x[i * d + j]), 1);
		ck_assert_int_eq(fscanf(fp, "%d", &y[i]), 1);
	}
	fclose(fp);
	for (int k = 0; k < NSEEDS; k++) {
		struct sl_iforest_params p = {100, 256, (uint64_t)k + 1, 1};
		struct sl_iforest *f;
		double a;

		ck_assert_int_eq(sl_iforest_fit(&f, x, n, d, &p), 0);
		ck_assert_int_eq(sl_iforest_score(f, x, n, s), 0);
		sl_iforest_free(f);
		a = auc(s, y, n);
		ck_assert_double_gt(a, 0.95);
		our_mean += a / NSEEDS;
	}
	ck_assert_msg(our_mean >= sk_mean - 0.001, "AUC %.4f, scikit-learn %.4f", our_mean, sk_mean);
	free(x);
	free(s);
	free(y);
}
END_TEST

/* The deployment-like rows of scripts/ref-iforest-gen.py, built the same
 * way: the same 64-bit LCG, the same operations in the same order. */
static double gen_u(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(*s >> 11) / 9007199254740992.0;
}

static int gen_below(uint64_t *s, int m)
{
	return (int)(gen_u(s) * m);
}

static double gen_normal(uint64_t *s)
{
	for (;;) {
		double v1 = 2 * gen_u(s) - 1;
		double v2 = 2 * gen_u(s) - 1;
		double q = v1 * v1 + v2 * v2;

		if (q > 0 && q < 1)
			return v1 * sqrt(-2 * log(q) / q);
	}
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void gen_deployments(double *x, int *y, size_t n)
{
	static const double medians[] = {40.0, 150.0, 240.0, 360.0, 720.0};
	static const int fleets[] = {4, 8, 20};
	uint64_t s = 20261207;
	uint8_t *null = calloc(n, 1);
	double *col = malloc(n * sizeof(*col));

	for (size_t i = 0; i < n; i++) {
		double *row = x + i * 9, u, kind, sec, lat, err, cpu, mem;
		int strat, env, target, failed = 0, deployed, healthy, rollback = 0;

		u = gen_u(&s);
		strat = u < 0.25 ? 0 : u < 0.6 ? 1 : u < 0.75 ? 2 : u < 0.8 ? 3 : 4;
		u = gen_u(&s);
		env = u < 0.45 ? 0 : u < 0.75 ? 1 : 2;
		target = fleets[env];
		deployed = healthy = target;
		kind = gen_u(&s);
		y[i] = 0;
		sec = medians[strat] * (1 + 0.35 * log(1 + target)) * exp(0.45 * gen_normal(&s));
		if (kind < 0.015) {
			sec = sec * exp(log(4.0) + gen_u(&s) * (log(25.0) - log(4.0)));
			y[i] = 1;
		}
		row[0] = log(1 + sec * 1000);
		lat = 0.04 * gen_normal(&s);
		err = 0.002 * gen_normal(&s);
		cpu = 0.05 * gen_normal(&s);
		mem = 0.05 * gen_normal(&s);
		if (kind >= 0.015 && kind < 0.035) {
			y[i] = 1;
			lat = 0.25 + 0.15 * gen_normal(&s);
			err = 0.03 + 0.02 * gen_normal(&s);
			cpu = 0.3 + 0.1 * gen_normal(&s);
			mem = 0.2 + 0.1 * gen_normal(&s);
			failed = 1 + gen_below(&s, target);
			healthy = target - failed;
			rollback = gen_u(&s) < 0.8;
		} else if (kind >= 0.035 && kind < 0.095) {
			failed = 1 + gen_below(&s, 2);
			deployed = target - gen_below(&s, target / 2);
			if (failed > deployed)
				failed = deployed;
			healthy = deployed - failed;
			rollback = gen_u(&s) < 0.4;
		}
		row[1] = (double)failed / target;
		row[2] = (double)(target - healthy) / target;
		row[3] = (double)deployed / target;
		row[4] = lat;
		row[5] = err;
		row[6] = cpu;
		row[7] = mem;
		row[8] = rollback;
		null[i] = gen_u(&s) < 0.25;
	}
	/* the metric changes a quarter of the rows lack: the column medians */
	for (size_t j = 4; j < 8; j++) {
		size_t m = 0;
		double med;

		for (size_t i = 0; i < n; i++)
			if (!null[i])
				col[m++] = x[i * 9 + j];
		qsort(col, m, sizeof(*col), cmp_dbl);
		med = m % 2 ? col[m / 2] : (col[m / 2 - 1] + col[m / 2]) / 2;
		for (size_t i = 0; i < n; i++)
			if (null[i])
				x[i * 9 + j] = med;
	}
	free(null);
	free(col);
}

/* On deployment-like rows with ties (shares of a few values, imputed
 * medians) and planted anomalies, the mean AUC over seeds 0..4 is at
 * least scikit-learn's over random_state 0..4 (same trees, subsample and
 * data).  The two grow trees from the same distribution: over many seeds
 * the means were 0.84183 (ours, 0..399) and 0.84166 (scikit-learn,
 * 0..199), with a seed-to-seed sd of 0.0095 either side. */
START_TEST(test_auc_deployments)
{
	FILE *fp = fopen("data/iforest_gen.txt", "r");
	size_t n, d, nout, got_out = 0;
	double sum[9], sk, sk_mean = 0, our_mean = 0, *x, *s;
	int *y;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fscanf(fp, "%zu %zu %zu", &n, &d, &nout), 3);
	ck_assert(n == 20000 && d == 9);
	for (size_t j = 0; j < d; j++)
		ck_assert_int_eq(fscanf(fp, "%lf", &sum[j]), 1);
	for (int k = 0; k < 5; k++) {
		ck_assert_int_eq(fscanf(fp, "%lf", &sk), 1);
		sk_mean += sk / 5;
	}
	fclose(fp);
	x = malloc(n * d * sizeof(*x));
	s = malloc(n * sizeof(*s));
	y = malloc(n * sizeof(*y));
	gen_deployments(x, y, n);
	/* the rows are the script's */
	for (size_t j = 0; j < d; j++) {
		double t = 0, a = 0;

		for (size_t i = 0; i < n; i++) {
			t += x[i * d + j];
			a += fabs(x[i * d + j]);
		}
		ck_assert_msg(fabs(t - sum[j]) <= 1e-9 * (1 + a), "column %zu sums to %.17g, not %.17g",
			      j, t, sum[j]);
	}
	for (size_t i = 0; i < n; i++)
		got_out += (size_t)y[i];
	ck_assert_uint_eq(got_out, nout);
	for (int k = 0; k < 5; k++) {
		struct sl_iforest_params p = {100, 256, (uint64_t)k, 1};
		struct sl_iforest *f;
		double a;

		ck_assert_int_eq(sl_iforest_fit(&f, x, n, d, &p), 0);
		ck_assert_int_eq(sl_iforest_score(f, x, n, s), 0);
		sl_iforest_free(f);
		a = auc(s, y, n);
		ck_assert_double_gt(a, 0.8);
		our_mean += a / 5;
	}
	ck_assert_msg(our_mean >= sk_mean, "AUC %.5f, scikit-learn %.5f", our_mean, sk_mean);
	free(x);
	free(s);
	free(y);
}
END_TEST

START_TEST(test_determinism)
{
	size_t n = 20000, d = 5;
	double *x = malloc(n * d * sizeof(*x)), *a = malloc(n * sizeof(*a)),
	       *b = malloc(n * sizeof(*b));
	uint64_t st = 5;
	struct sl_iforest_params p1 = {100, 256, 42, 1}, p2 = {100, 256, 42, 2},
				 p3 = {100, 256, 43, 2};
	struct sl_iforest *f;

	for (size_t i = 0; i < n * d; i++) {
		st = st * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = (double)(st >> 11) / 9007199254740992.0;
	}
	ck_assert_int_eq(sl_iforest_fit(&f, x, n, d, &p1), 0);
	ck_assert_int_eq(sl_iforest_score(f, x, n, a), 0);
	sl_iforest_free(f);
	ck_assert_int_eq(sl_iforest_fit(&f, x, n, d, &p2), 0);
	ck_assert_int_eq(sl_iforest_score(f, x, n, b), 0);
	sl_iforest_free(f);
	ck_assert_mem_eq(a, b, n * sizeof(*a));
	for (size_t i = 0; i < n; i++)
		ck_assert(a[i] > 0 && a[i] <= 1);
	ck_assert_int_eq(sl_iforest_fit(&f, x, n, d, &p3), 0);
	ck_assert_int_eq(sl_iforest_score(f, x, n, b), 0);
	sl_iforest_free(f);
	ck_assert(memcmp(a, b, n * sizeof(*a)) != 0);
	/* fewer rows than the subsample, one row, bad arguments */
	ck_assert_int_eq(sl_iforest_fit(&f, x, 3, d, &p1), 0);
	ck_assert_int_eq(sl_iforest_score(f, x, 3, a), 0);
	sl_iforest_free(f);
	ck_assert_int_eq(sl_iforest_fit(&f, x, 1, d, &p1), 0);
	ck_assert_int_eq(sl_iforest_score(f, x, 1, a), 0);
	ck_assert_double_eq(a[0], 1.0);
	sl_iforest_free(f);
	ck_assert_int_eq(sl_iforest_fit(&f, x, 0, d, &p1), SL_EINVAL);
	p1.subsample = 1;
	ck_assert_int_eq(sl_iforest_fit(&f, x, n, d, &p1), SL_EINVAL);
	free(x);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_flag)
{
	double s[10] = {0.5, 0.9, 0.7, 0.9, 0.4, 0.3, 0.3, 0.8, 0.2, 0.1}, t;
	uint8_t f[10];

	/* 0.1 x 10 = 1: the top score, tied twice: both flagged */
	ck_assert_uint_eq(sl_iforest_flag(s, 10, 0.1, f, &t), 2);
	ck_assert_double_eq(t, 0.9);
	ck_assert(f[1] && f[3] && !f[7]);
	/* 0.25 x 10 = 2.5 rounds to 3: 0.9, 0.9, 0.8 */
	ck_assert_uint_eq(sl_iforest_flag(s, 10, 0.25, f, &t), 3);
	ck_assert_double_eq(t, 0.8);
	/* 0.1 x 3 rounds to 0, yet one is flagged */
	ck_assert_uint_eq(sl_iforest_flag(s, 3, 0.1, f, &t), 1);
	ck_assert(f[1] && !f[0] && !f[2]);
	ck_assert_uint_eq(sl_iforest_flag(s, 10, 0, f, &t), 0);
	ck_assert(isinf(t));
}
END_TEST

Suite *suite_iforest(void);

Suite *suite_iforest(void)
{
	Suite *s = suite_create("iforest");
	TCase *tc = tcase_create("iforest");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_c);
	tcase_add_test(tc, test_path_length);
	tcase_add_test(tc, test_auc);
	tcase_add_test(tc, test_auc_deployments);
	tcase_add_test(tc, test_determinism);
	tcase_add_test(tc, test_flag);
	suite_add_tcase(s, tc);
	return s;
}
