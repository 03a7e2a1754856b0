/* sl_ols.h - ordinary least squares in one streaming pass.
 *
 * The accumulator keeps, for p regressors and an implicit intercept, the
 * running means and the co-moment matrix (X - mean)'(X - mean) with
 * X'y likewise (Welford's update): memory is O(p^2) whatever the number
 * of rows, and centring keeps the normal equations well conditioned.
 *
 *   struct sl_ols *o = sl_ols_new(p);
 *   for each row: sl_ols_add(o, x, y);
 *   sl_ols_solve(o, 0.90, &fit);           Cholesky, else SVD
 *   for each row again: sl_ols_smear_add(fit, x, y);  (Duan's smearing)
 *   yhat = sl_ols_predict(fit, x, &half);  interval yhat -+ half
 *
 * Rank deficiency is not an error: a constant regressor and one that is an
 * exact (to 1e-12 of its variance) linear combination of the regressors
 * before it are dropped, in column order, and drop[] says which and why;
 * the kept columns are fitted as if the dropped ones were absent.  When
 * the kept columns are still ill conditioned (reciprocal condition number
 * of their correlation matrix below 1e-10) the solve uses the SVD
 * pseudo-inverse instead of Cholesky (fit->svd = 1). */
#ifndef SL_OLS_H
#define SL_OLS_H

#include <stdint.h>

#define SL_OLS_MAX_P 256

enum sl_ols_drop {
	SL_OLS_KEPT = 0,
	SL_OLS_CONSTANT,  /* no variance over the rows */
	SL_OLS_COLLINEAR, /* a linear combination of earlier kept columns */
};

struct sl_ols;

/* p regressors (1 <= p <= SL_OLS_MAX_P); NULL on bad p or no memory. */
struct sl_ols *sl_ols_new(int p);
void sl_ols_free(struct sl_ols *o);
/* Adds one row: x has p values (finite), y finite. */
void sl_ols_add(struct sl_ols *o, const double *x, double y);
uint64_t sl_ols_rows(const struct sl_ols *o);

/* A fit.  Read-only for the caller; free with sl_ols_fit_free(). */
struct sl_ols_fit {
	int p, rank;        /* regressors, kept regressors */
	uint64_t n;         /* rows */
	int64_t df;         /* n - rank - 1; intervals need df >= 1 */
	double intercept, intercept_se;
	double *coef, *se;  /* p each; coef 0 and se NaN when dropped */
	enum sl_ols_drop *drop; /* p */
	double s;           /* residual standard error (NaN when df < 1) */
	double t;           /* t quantile of the interval level (NaN when df < 1) */
	double r2;
	int svd;            /* 1: the SVD pseudo-inverse was used */
	double smear_sum;   /* sum of exp(residual) over smear_n rows */
	uint64_t smear_n;
	/* private */
	double *mean, *cinv; /* means of x; inverse co-moments (p x p, 0 off kept) */
};

/* Solves the accumulated system.  level: of the prediction intervals
 * (0.9).  SL_OK, SL_EINVAL when there are no rows, SL_ENOMEM.  Columns
 * are kept only while a residual degree of freedom remains (rank <= n -
 * 2); the ones past that are dropped as collinear. */
int sl_ols_solve(const struct sl_ols *o, double level, struct sl_ols_fit **fit);
void sl_ols_fit_free(struct sl_ols_fit *f);
/* x'b with the intercept; *half (when not NULL) gets the half-width
 * t s sqrt(1 + x0 (X'X)^-1 x0') of the prediction interval (NaN when df <
 * 1).  Dropped columns of x are ignored. */
double sl_ols_predict(const struct sl_ols_fit *f, const double *x, double *half);
/* Duan's smearing estimate for a log-scale model: accumulates exp(y -
 * x'b) over a second pass; sl_ols_smear() is their mean (1 with no rows),
 * the factor that turns exp(x'b) into an estimate of the mean. */
void sl_ols_smear_add(struct sl_ols_fit *f, const double *x, double y);
double sl_ols_smear(const struct sl_ols_fit *f);

#endif
