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
 * Rows that are mostly zeros (one-hot indicator blocks next to a few
 * numeric terms) have sparse forms of add, predict and smear_add, in
 * O(non-zeros) per row instead of O(p) and O(p^2): see below.
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
	unsigned char *ind;  /* p: 1 for an indicator column (sl_ols_indicators) */
	int *cent, ncent;    /* the kept columns that are not indicators */
	double *cmu2;        /* p: (C + C') mu, mu the means of the indicators */
	double smu;          /* mu' C mu */
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

/* The leverage x0 (X'X)^-1 x0' of a row, with its intercept: 1/n + (x -
 * mean)' C (x - mean), C the inverse co-moments, over the kept columns.
 * The half-width of sl_ols_predict() is t s sqrt(1 + leverage). */
double sl_ols_leverage(const struct sl_ols_fit *f, const double *x);

/* Sparse rows: idx[0..k) are strictly increasing column indices (0 <= idx
 * < p), val[] their values; the columns not listed are 0.  Listing a zero
 * is allowed.  Each gives what its dense form gives on the same row:
 *
 * - sl_ols_add_sparse() and sl_ols_smear_add_sparse(): the same sums in
 *   the same order, so bit for bit the same fit and smearing factor (the
 *   shift of the first row is kept as a list of its non-zero columns and
 *   merged with idx).
 * - sl_ols_predict_sparse(): the same x'b (the same terms in the same
 *   order, zeros left out); the half-width through
 *   sl_ols_leverage_sparse().
 *
 * The leverage: (x - m)' C (x - m) is a dense quadratic form even for a
 * sparse x (x - m has no zeros), O(p^2).  Split the columns into
 * indicators (declared with sl_ols_indicators(): 0 or 1, mostly 0) and the
 * rest; let mu be m on the indicators and 0 elsewhere, and z = x - m on
 * the other columns and x on the indicators, so that x - m = z - mu and z
 * is zero off the listed and non-indicator columns.  Then
 *
 *   (x - m)' C (x - m) = z' C z - z' (C + C') mu + mu' C mu
 *
 * where (C + C') mu and mu' C mu are computed once per fit (C + C', not
 * 2 C, because the SVD pseudo-inverse is symmetric only to rounding):
 * O(k'^2) a row for the k' non-zeros of z.  The numeric columns stay
 * centred, so their offsets from the means never cancel; the expansion
 * only touches the indicators, whose values and means lie in [0, 1].  Its
 * cost in precision: for an indicator level on a share s of the rows the
 * expanded terms can reach (1 / (1 - s))^2 times the leverage, each
 * rounded to 2.2e-16 relative (1e-13 at s = 0.95; the tests see below
 * 1e-13 against a long double evaluation, the dense form below 2e-15).
 * An SVD fit's inverse has entries so large that both forms lose far more
 * than that (~1e-6 of the leverage at a condition number of 1e11), the
 * sparse one no more than the dense one; the interval, through sqrt(1 +
 * leverage), moves less.  Without sl_ols_indicators() every column
 * counts as numeric: the dense loop term for term, to the bit, and
 * O(p^2) again. */
void sl_ols_add_sparse(struct sl_ols *o, const int *idx, const double *val, int k, double y);
/* ind[j] != 0 declares column j an indicator (p flags); NULL: none is
 * (the state sl_ols_solve() leaves).  O(p^2) once, before the sparse
 * leverages; SL_OK. */
int sl_ols_indicators(struct sl_ols_fit *f, const unsigned char *ind);
double sl_ols_leverage_sparse(const struct sl_ols_fit *f, const int *idx, const double *val, int k);
double sl_ols_predict_sparse(const struct sl_ols_fit *f, const int *idx, const double *val, int k,
			     double *half);
void sl_ols_smear_add_sparse(struct sl_ols_fit *f, const int *idx, const double *val, int k,
			     double y);

#endif
