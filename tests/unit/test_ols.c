/* sl_ols: the streaming least-squares fit against numpy (scripts/ref-ols.py,
 * output in data/), against gsl_multifit_linear, rank-deficient designs,
 * and the coverage of the 90% intervals on data drawn from a known
 * log-linear model. */
#include <check.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_ols.h"

#define MAXN 256

/* Reads a CSV of numbers with a header: rows into v (ncols each). */
static int read_csv(const char *path, double *v, int ncols)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	while (n < MAXN && fgets(line, sizeof(line), f)) {
		char *s = line, *e;

		for (int c = 0; c < ncols; c++) {
			v[n * ncols + c] = strtod(s, &e);
			ck_assert(e != s);
			s = e + 1;
		}
		n++;
	}
	fclose(f);
	return n;
}

/* The value of kind,name in ols_ref.csv. */
static double ref(const char *kind, int idx)
{
	FILE *f = fopen("data/ols_ref.csv", "r");
	char line[256], want[64];
	double v = NAN;

	ck_assert_ptr_nonnull(f);
	snprintf(want, sizeof(want), "%s,%d,", kind, idx);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want))) {
			v = strtod(line + strlen(want), NULL);
			break;
		}
	fclose(f);
	ck_assert_msg(!isnan(v), "no %s %d in the reference", kind, idx);
	return v;
}

static void near(double got, double want, double rel)
{
	ck_assert_msg(fabs(got - want) <= rel * fabs(want), "got %.17g, want %.17g", got, want);
}

START_TEST(test_numpy_reference)
{
	static double v[MAXN * 6];
	int n = read_csv("data/ols_fixture.csv", v, 6);
	struct sl_ols *o = sl_ols_new(5);
	struct sl_ols_fit *f;

	ck_assert_int_eq(n, 200);
	for (int i = 0; i < n; i++)
		sl_ols_add(o, v + i * 6, v[i * 6 + 5]);
	ck_assert_int_eq(sl_ols_solve(o, 0.90, &f), 0);
	ck_assert_int_eq(f->rank, 5);
	ck_assert_int_eq(f->df, 194);
	ck_assert_int_eq(f->svd, 0);
	near(f->intercept, ref("coef", 0), 1e-9);
	near(f->intercept_se, ref("se", 0), 1e-9);
	for (int j = 0; j < 5; j++) {
		near(f->coef[j], ref("coef", j + 1), 1e-9);
		near(f->se[j], ref("se", j + 1), 1e-9);
	}
	near(f->s, ref("s", 0), 1e-9);
	for (int i = 0; i < 5; i++) {
		double x[5], half;

		for (int j = 0; j < 5; j++)
			x[j] = v[i * 6 + j] + 0.25;
		sl_ols_predict(f, x, &half);
		near(half, ref("half", i), 1e-9);
	}
	sl_ols_fit_free(f);
	sl_ols_free(o);
}
END_TEST

/* The same fixture through gsl_multifit_linear (an SVD of the whole
 * design): the small-design cross-check. */
START_TEST(test_gsl_multifit)
{
	static double v[MAXN * 6];
	int n = read_csv("data/ols_fixture.csv", v, 6);
	gsl_matrix *X = gsl_matrix_alloc((size_t)n, 6), *cov = gsl_matrix_alloc(6, 6);
	gsl_vector *y = gsl_vector_alloc((size_t)n), *c = gsl_vector_alloc(6);
	gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc((size_t)n, 6);
	struct sl_ols *o = sl_ols_new(5);
	struct sl_ols_fit *f;
	double chisq;

	for (int i = 0; i < n; i++) {
		gsl_matrix_set(X, (size_t)i, 0, 1);
		for (int j = 0; j < 5; j++)
			gsl_matrix_set(X, (size_t)i, (size_t)j + 1, v[i * 6 + j]);
		gsl_vector_set(y, (size_t)i, v[i * 6 + 5]);
		sl_ols_add(o, v + i * 6, v[i * 6 + 5]);
	}
	ck_assert_int_eq(gsl_multifit_linear(X, y, c, cov, &chisq, w), GSL_SUCCESS);
	ck_assert_int_eq(sl_ols_solve(o, 0.90, &f), 0);
	near(f->intercept, gsl_vector_get(c, 0), 1e-9);
	for (int j = 0; j < 5; j++) {
		near(f->coef[j], gsl_vector_get(c, (size_t)j + 1), 1e-9);
		/* gsl's cov is s^2 (X'X)^-1 */
		near(f->se[j], sqrt(gsl_matrix_get(cov, (size_t)j + 1, (size_t)j + 1)), 1e-9);
	}
	near(f->s * f->s * (double)f->df, chisq, 1e-9);
	sl_ols_fit_free(f);
	sl_ols_free(o);
	gsl_multifit_linear_free(w);
	gsl_matrix_free(X);
	gsl_matrix_free(cov);
	gsl_vector_free(y);
	gsl_vector_free(c);
}
END_TEST

/* x1, x2, a constant 3, x1 + 2 x2, x3: the constant and the combination
 * are dropped and the rest equals numpy's fit of x1, x2, x3. */
START_TEST(test_rank_deficient)
{
	static double v[MAXN * 6];
	static const int keep[3] = {0, 1, 4};
	int n = read_csv("data/ols_rankdef.csv", v, 6);
	struct sl_ols *o = sl_ols_new(5);
	struct sl_ols_fit *f;

	for (int i = 0; i < n; i++)
		sl_ols_add(o, v + i * 6, v[i * 6 + 5]);
	ck_assert_int_eq(sl_ols_solve(o, 0.90, &f), 0);
	ck_assert_int_eq(f->rank, 3);
	ck_assert_int_eq(f->drop[0], SL_OLS_KEPT);
	ck_assert_int_eq(f->drop[1], SL_OLS_KEPT);
	ck_assert_int_eq(f->drop[2], SL_OLS_CONSTANT);
	ck_assert_int_eq(f->drop[3], SL_OLS_COLLINEAR);
	ck_assert_int_eq(f->drop[4], SL_OLS_KEPT);
	ck_assert(isnan(f->se[2]) && isnan(f->se[3]));
	ck_assert(f->coef[2] == 0 && f->coef[3] == 0);
	near(f->intercept, ref("rd_coef", 0), 1e-9);
	near(f->intercept_se, ref("rd_se", 0), 1e-9);
	for (int a = 0; a < 3; a++) {
		near(f->coef[keep[a]], ref("rd_coef", a + 1), 1e-9);
		near(f->se[keep[a]], ref("rd_se", a + 1), 1e-9);
	}
	near(f->s, ref("rd_s", 0), 1e-9);
	for (int i = 0; i < 5; i++) {
		double half;

		sl_ols_predict(f, v + i * 6, &half);
		near(half, ref("rd_half", i), 1e-9);
	}
	sl_ols_fit_free(f);
	sl_ols_free(o);
}
END_TEST

/* Degenerate designs give numbers or NaN, never a crash: one row, every
 * column constant, more columns than rows, and an ill-conditioned pair
 * that goes to the SVD. */
START_TEST(test_degenerate)
{
	struct sl_ols *o = sl_ols_new(3);
	struct sl_ols_fit *f;
	double x[3] = {1, 2, 3}, half;

	ck_assert_ptr_null(sl_ols_new(0));
	ck_assert_int_eq(sl_ols_solve(o, 0.9, &f), -9); /* no rows: SL_EINVAL */
	sl_ols_add(o, x, 5);
	ck_assert_int_eq(sl_ols_solve(o, 0.9, &f), 0);
	ck_assert_int_eq(f->rank, 0);
	ck_assert(f->intercept == 5);
	ck_assert(isnan(f->s));
	ck_assert(sl_ols_predict(f, x, &half) == 5 && isnan(half));
	sl_ols_fit_free(f);
	for (int i = 0; i < 10; i++)
		sl_ols_add(o, x, 5 + i);
	ck_assert_int_eq(sl_ols_solve(o, 0.9, &f), 0);
	ck_assert_int_eq(f->rank, 0);
	for (int j = 0; j < 3; j++)
		ck_assert_int_eq(f->drop[j], SL_OLS_CONSTANT);
	near(f->intercept, (5.0 + 50 + 45) / 11, 1e-12); /* the mean of y */
	sl_ols_fit_free(f);
	sl_ols_free(o);

	/* three columns, three rows: at most one regressor can be fitted with
	 * a residual degree of freedom */
	o = sl_ols_new(3);
	for (int i = 0; i < 3; i++) {
		double r[3] = {i, i * i, i * i * i};

		sl_ols_add(o, r, i * 0.5);
	}
	ck_assert_int_eq(sl_ols_solve(o, 0.9, &f), 0);
	ck_assert_int_eq(f->rank, 1);
	ck_assert_int_eq(f->df, 1);
	sl_ols_fit_free(f);
	sl_ols_free(o);

	/* nearly collinear (1 - r^2 ~ 1e-11): kept, solved by the SVD */
	o = sl_ols_new(2);
	for (int i = 0; i < 100; i++) {
		double r[2] = {i, i + ((i % 2) ? 1e-4 : -1e-4)};

		sl_ols_add(o, r, 2.0 * i + (i % 3));
	}
	ck_assert_int_eq(sl_ols_solve(o, 0.9, &f), 0);
	ck_assert_int_eq(f->rank, 2);
	ck_assert_int_eq(f->svd, 1);
	ck_assert(isfinite(f->coef[0]) && isfinite(f->coef[1]));
	/* the pseudo-inverse fit still predicts the data well */
	{
		double r[2] = {50, 50 + 1e-4};
		ck_assert(fabs(sl_ols_predict(f, r, NULL) - 101) < 2);
	}
	sl_ols_fit_free(f);
	sl_ols_free(o);
}
END_TEST

/* Data from log y = 3 + 0.5 a - 0.2 b + 0.8 [c] + N(0, 0.4): the 90%
 * intervals of a fit on 4000 rows cover 90% of 20000 new rows (binomial
 * sd 0.2%; the bound 1.5% is seven of them), the coefficients are
 * within 5 standard errors, and Duan's factor is near exp(0.4^2 / 2). */
START_TEST(test_coverage)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct sl_ols *o = sl_ols_new(3);
	struct sl_ols_fit *f;
	static const double beta[4] = {3, 0.5, -0.2, 0.8};
	int covered = 0, m = 20000;

	gsl_rng_set(r, 42);
	for (int pass = 0; pass < 2; pass++) {
		gsl_rng_set(r, 42);
		for (int i = 0; i < 4000; i++) {
			double x[3] = {gsl_ran_gaussian(r, 1), gsl_rng_uniform(r) * 10,
				       (double)(gsl_rng_uniform(r) < 0.3)};
			double y = beta[0] + beta[1] * x[0] + beta[2] * x[1] + beta[3] * x[2] +
				   gsl_ran_gaussian(r, 0.4);

			if (pass == 0)
				sl_ols_add(o, x, y);
			else
				sl_ols_smear_add(f, x, y);
		}
		if (pass == 0)
			ck_assert_int_eq(sl_ols_solve(o, 0.90, &f), 0);
	}
	ck_assert(fabs(f->intercept - beta[0]) < 5 * f->intercept_se);
	for (int j = 0; j < 3; j++)
		ck_assert(fabs(f->coef[j] - beta[j + 1]) < 5 * f->se[j]);
	ck_assert(fabs(sl_ols_smear(f) - exp(0.08)) < 0.02);
	for (int i = 0; i < m; i++) {
		double x[3] = {gsl_ran_gaussian(r, 1), gsl_rng_uniform(r) * 10,
			       (double)(gsl_rng_uniform(r) < 0.3)};
		double y = beta[0] + beta[1] * x[0] + beta[2] * x[1] + beta[3] * x[2] +
			   gsl_ran_gaussian(r, 0.4);
		double half, yhat = sl_ols_predict(f, x, &half);

		covered += fabs(y - yhat) <= half;
	}
	ck_assert_msg(fabs((double)covered / m - 0.90) < 0.015, "coverage %g",
		      (double)covered / m);
	sl_ols_fit_free(f);
	sl_ols_free(o);
	gsl_rng_free(r);
}
END_TEST

/* ---- sparse rows ---- */

/* A design like the duration model's: one-hot blocks (environment: 4
 * levels, the first the reference; strategy: 3; agents: na, the first
 * with share `lead` of the rows, none of them the reference) around
 * numeric terms, one far from 0 (mean 20, sd 1), one constant (dropped),
 * and a copy of an environment column (collinear, dropped).  With twin
 * set, a numeric column nearly equal to another sends the solve to the
 * SVD.  Columns: env 0-2, copy 3, strategy 4-5, numeric 6-10 (6: ~20, 7:
 * uniform, 8: constant, 9: small integers, 10: the twin of 7 or a sine),
 * agents 11.. */
#define SP_NUM0 6
#define SP_AGENT0 11

static int sparse_row(gsl_rng *r, int na, double lead, int twin, int *idx, double *val)
{
	int k = 0, env = (int)gsl_rng_uniform_int(r, 4), strat = (int)gsl_rng_uniform_int(r, 3);
	int agent = gsl_rng_uniform(r) < lead ? 0 : (int)gsl_rng_uniform_int(r, (unsigned long)na);
	double u = gsl_rng_uniform(r) * 10;

	if (env > 0) {
		idx[k] = env - 1;
		val[k++] = 1;
	}
	if (env == 2) {
		idx[k] = 3;
		val[k++] = 1;
	}
	if (strat > 0) {
		idx[k] = 3 + strat;
		val[k++] = 1;
	}
	idx[k] = SP_NUM0;
	val[k++] = 20 + gsl_ran_gaussian(r, 1);
	idx[k] = SP_NUM0 + 1;
	val[k++] = u;
	idx[k] = SP_NUM0 + 2;
	val[k++] = 3;
	idx[k] = SP_NUM0 + 3;
	val[k++] = (double)gsl_rng_uniform_int(r, 6); /* often 0, listed all the same */
	idx[k] = SP_NUM0 + 4;
	val[k++] = twin ? u + gsl_ran_gaussian(r, 1e-5) : sin(u);
	idx[k] = SP_AGENT0 + agent;
	val[k++] = 1;
	return k;
}

static void dense_of(const int *idx, const double *val, int k, int p, double *x)
{
	memset(x, 0, (size_t)p * sizeof(*x));
	for (int i = 0; i < k; i++)
		x[idx[i]] = val[i];
}

/* The leverage from the fit's means and inverse in long double: the
 * value both double forms approximate. */
static long double leverage_ref(const struct sl_ols_fit *f, const double *x)
{
	long double h = 1.0L / (long double)f->n;

	for (int i = 0; i < f->p; i++)
		for (int j = 0; j < f->p; j++)
			if (!f->drop[i] && !f->drop[j])
				h += ((long double)x[i] - f->mean[i]) *
				     (long double)f->cinv[(size_t)i * f->p + j] *
				     ((long double)x[j] - f->mean[j]);
	return h;
}

/* sl_ols_add_sparse and sl_ols_smear_add_sparse against the dense forms
 * on the same rows: the same sums in the same order, so == (the first
 * row has non-zero one-hot columns, which the shift must remember). */
START_TEST(test_sparse_add_same_bits)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int na = 30, p = SP_AGENT0 + na, idx[16], k;
	struct sl_ols *od = sl_ols_new(p), *os = sl_ols_new(p);
	struct sl_ols_fit *fd, *fs;
	double x[64], val[16];

	for (int pass = 0; pass < 2; pass++) {
		gsl_rng_set(r, 7);
		for (int i = 0; i < 3000; i++) {
			double y;

			k = sparse_row(r, na, 0.3, 0, idx, val);
			dense_of(idx, val, k, p, x);
			y = 1 + 0.1 * x[SP_NUM0] + 0.3 * x[0] - 0.2 * x[SP_AGENT0 + 2] +
			    gsl_ran_gaussian(r, 0.3);
			if (pass == 0) {
				sl_ols_add(od, x, y);
				sl_ols_add_sparse(os, idx, val, k, y);
			} else {
				sl_ols_smear_add(fd, x, y);
				sl_ols_smear_add_sparse(fs, idx, val, k, y);
			}
		}
		if (pass == 0) {
			ck_assert_int_eq(sl_ols_solve(od, 0.9, &fd), 0);
			ck_assert_int_eq(sl_ols_solve(os, 0.9, &fs), 0);
		}
	}
	ck_assert_int_eq(fd->rank, fs->rank);
	ck_assert_int_eq(fs->drop[3], SL_OLS_COLLINEAR);
	ck_assert_int_eq(fs->drop[SP_NUM0 + 2], SL_OLS_CONSTANT);
	ck_assert(fd->intercept == fs->intercept && fd->s == fs->s && fd->r2 == fs->r2);
	for (int j = 0; j < p; j++) {
		ck_assert_int_eq(fd->drop[j], fs->drop[j]);
		ck_assert(fd->coef[j] == fs->coef[j]);
		ck_assert(fd->drop[j] || fd->se[j] == fs->se[j]);
	}
	ck_assert(sl_ols_smear(fd) == sl_ols_smear(fs));
	sl_ols_fit_free(fd);
	sl_ols_fit_free(fs);
	sl_ols_free(od);
	sl_ols_free(os);
	gsl_rng_free(r);
}
END_TEST

/* The sparse leverage against the dense one and a long double reference
 * (of the same quadratic form, from the same double means and inverse),
 * on random fits: a lead agent on 0% to 95% of the rows, dropped
 * columns, rows with agents absent from the training, Cholesky and SVD.
 *
 * Cholesky fits: both forms within 1e-9 relative of the reference.  The
 * rounding seen is below 1e-13: the sparse form's error grows with the
 * indicator terms it expands, up to (1 / (1 - share))^2 times the
 * leverage for a level on a share of the rows (400 at 95%), 2.2e-16
 * each; a wrong or missing term would move the leverage by its own order.
 *
 * SVD fits (a column and its near twin, condition ~1e11): the quadratic
 * form cancels so much that neither double form is within 1e-9 of the
 * reference (both are off by ~1e-6, from the inverse's large entries);
 * there the sparse form must be no worse than four times the dense one.
 *
 * Always: x'b is the dense one to the bit, and without indicators the
 * sparse leverage is the dense loop, to the bit. */
START_TEST(test_sparse_leverage)
{
	static const double lead[] = {0, 0.3, 0.6, 0.95};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int na = 40, p = SP_AGENT0 + na;
	unsigned char ind[64];

	for (int j = 0; j < p; j++)
		ind[j] = j < SP_NUM0 || j >= SP_AGENT0;
	gsl_rng_set(r, 11);
	for (int c = 0; c < 8; c++) {
		int twin = c >= 4, idx[16], k, nrows = 400 + 600 * (c % 4);
		double x[64], val[16], ed = 0, es = 0;
		struct sl_ols *o = sl_ols_new(p);
		struct sl_ols_fit *f;

		for (int i = 0; i < nrows; i++) {
			k = sparse_row(r, na, lead[c % 4], twin, idx, val);
			dense_of(idx, val, k, p, x);
			sl_ols_add_sparse(o, idx, val, k,
					  2 + 0.05 * x[SP_NUM0] + 0.4 * x[1] + gsl_ran_gaussian(r, 0.5));
		}
		ck_assert_int_eq(sl_ols_solve(o, 0.9, &f), 0);
		ck_assert_int_eq(f->svd, twin);
		ck_assert_int_eq(f->drop[3], SL_OLS_COLLINEAR);
		ck_assert_int_eq(f->drop[SP_NUM0 + 2], SL_OLS_CONSTANT);
		for (int i = 0; i < 300; i++) {
			double hd, hs, yd, ys, halfd, halfs;
			long double href;

			k = sparse_row(r, na + 5 * (i % 2), lead[c % 4], twin, idx, val);
			if (idx[k - 1] >= p) /* an agent the fit never saw: pooled */
				k--;
			dense_of(idx, val, k, p, x);
			sl_ols_indicators(f, NULL);
			ck_assert(sl_ols_leverage_sparse(f, idx, val, k) == sl_ols_leverage(f, x));
			sl_ols_indicators(f, ind);
			hd = sl_ols_leverage(f, x);
			hs = sl_ols_leverage_sparse(f, idx, val, k);
			href = leverage_ref(f, x);
			ed = fmax(ed, (double)(fabsl(hd - href) / href));
			es = fmax(es, (double)(fabsl(hs - href) / href));
			yd = sl_ols_predict(f, x, &halfd);
			ys = sl_ols_predict_sparse(f, idx, val, k, &halfs);
			ck_assert(yd == ys);
			if (!twin) {
				ck_assert_msg(fabs(hs - hd) <= 1e-9 * hd, "fit %d row %d: %.17g vs %.17g",
					      c, i, hs, hd);
				ck_assert(fabs(halfs - halfd) <= 1e-12 * halfd);
			}
		}
		if (twin)
			ck_assert_msg(es <= 4 * ed, "fit %d: sparse %g, dense %g off", c, es, ed);
		else
			ck_assert_msg(es <= 1e-9 && ed <= 1e-9, "fit %d: sparse %g, dense %g off", c, es,
				      ed);
		sl_ols_fit_free(f);
		sl_ols_free(o);
	}
	gsl_rng_free(r);
}
END_TEST

Suite *suite_ols(void);

Suite *suite_ols(void)
{
	Suite *s = suite_create("ols");
	TCase *tc = tcase_create("ols");

	gsl_set_error_handler_off();
	tcase_add_test(tc, test_numpy_reference);
	tcase_add_test(tc, test_gsl_multifit);
	tcase_add_test(tc, test_rank_deficient);
	tcase_add_test(tc, test_degenerate);
	tcase_add_test(tc, test_coverage);
	tcase_add_test(tc, test_sparse_add_same_bits);
	tcase_add_test(tc, test_sparse_leverage);
	suite_add_tcase(s, tc);
	return s;
}
