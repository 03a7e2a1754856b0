#include "sl_ols.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_err.h"

/* Sums of the rows shifted by the first row (K): shifting keeps the
 * cancellation in S_xx - S_x S_x'/n small, and a regressor equal to its
 * shift (most one-hot columns on most rows) costs nothing, so a wide
 * design with indicator columns accumulates at the cost of its non-zero
 * entries. */
struct sl_ols {
	int p;
	uint64_t n;
	double *k;   /* p + 1: the shift (x of the first row, then y) */
	double *sx;  /* p + 1: sums of x - k, then of y - ky */
	double *sxx; /* (p + 1)^2, upper triangle: sums of products */
	int *nz;     /* scratch: indices of the non-zero shifted values */
	double *v;   /* scratch: the shifted row */
	int *knz, nknz; /* the columns j < p where the shift is non-zero */
};

struct sl_ols *sl_ols_new(int p)
{
	struct sl_ols *o;
	size_t q = (size_t)p + 1;

	if (p < 1 || p > SL_OLS_MAX_P || !(o = calloc(1, sizeof(*o))))
		return NULL;
	o->p = p;
	o->k = calloc(q, sizeof(double));
	o->sx = calloc(q, sizeof(double));
	o->sxx = calloc(q * q, sizeof(double));
	o->nz = calloc(q, sizeof(int));
	o->v = calloc(q, sizeof(double));
	o->knz = calloc(q, sizeof(int));
	if (!o->k || !o->sx || !o->sxx || !o->nz || !o->v || !o->knz) {
		sl_ols_free(o);
		return NULL;
	}
	return o;
}

void sl_ols_free(struct sl_ols *o)
{
	if (!o)
		return;
	free(o->k);
	free(o->sx);
	free(o->sxx);
	free(o->nz);
	free(o->v);
	free(o->knz);
	free(o);
}

uint64_t sl_ols_rows(const struct sl_ols *o)
{
	return o->n;
}

/* Adds the m shifted values v[0..m) of columns nz[0..m) (increasing) to
 * the sums. */
static void add_shifted(struct sl_ols *o, int m)
{
	int q = o->p + 1;

	if (m == q) { /* a dense row: direct indices, which the compiler vectorises */
		const double *v = o->v;

		for (int a = 0; a < q; a++) {
			double va = v[a], *row = o->sxx + (size_t)a * (size_t)q;

			o->sx[a] += va;
			for (int b = a; b < q; b++)
				row[b] += va * v[b];
		}
		return;
	}
	for (int a = 0; a < m; a++) {
		double va = o->v[a];
		double *row = o->sxx + (size_t)o->nz[a] * (size_t)q;

		o->sx[o->nz[a]] += va;
		for (int b = a; b < m; b++)
			row[o->nz[b]] += va * o->v[b];
	}
}

static void set_shift(struct sl_ols *o, double y)
{
	o->k[o->p] = y;
	o->nknz = 0;
	for (int j = 0; j < o->p; j++)
		if (o->k[j] != 0)
			o->knz[o->nknz++] = j;
}

void sl_ols_add(struct sl_ols *o, const double *x, double y)
{
	int q = o->p + 1, m = 0;

	if (o->n == 0) {
		memcpy(o->k, x, (size_t)o->p * sizeof(double));
		set_shift(o, y);
	}
	o->n++;
	for (int j = 0; j < q; j++) {
		double d = (j < o->p ? x[j] : y) - o->k[j];

		if (d != 0) {
			o->v[m] = d;
			o->nz[m++] = j;
		}
	}
	add_shifted(o, m);
}

/* The columns that can have a non-zero shifted value are the listed ones
 * and those where the shift is non-zero: a merge of the two increasing
 * lists visits them in the order of the dense loop, and the others add
 * nothing there either. */
void sl_ols_add_sparse(struct sl_ols *o, const int *idx, const double *val, int k, double y)
{
	int m = 0, a = 0, b = 0;

	if (o->n == 0) {
		memset(o->k, 0, (size_t)o->p * sizeof(double));
		for (int i = 0; i < k; i++)
			o->k[idx[i]] = val[i];
		set_shift(o, y);
	}
	o->n++;
	while (a < k || b < o->nknz) {
		int j;
		double x = 0, d;

		if (b == o->nknz || (a < k && idx[a] <= o->knz[b])) {
			j = idx[a];
			x = val[a++];
			if (b < o->nknz && o->knz[b] == j)
				b++;
		} else {
			j = o->knz[b++];
		}
		d = x - o->k[j];
		if (d != 0) {
			o->v[m] = d;
			o->nz[m++] = j;
		}
	}
	if (y - o->k[o->p] != 0) {
		o->v[m] = y - o->k[o->p];
		o->nz[m++] = o->p;
	}
	add_shifted(o, m);
}

void sl_ols_fit_free(struct sl_ols_fit *f)
{
	if (!f)
		return;
	free(f->coef);
	free(f->se);
	free(f->drop);
	free(f->mean);
	free(f->cinv);
	free(f->ind);
	free(f->cent);
	free(f->cmu2);
	free(f);
}

static struct sl_ols_fit *fit_new(int p)
{
	struct sl_ols_fit *f = calloc(1, sizeof(*f));
	size_t n = (size_t)p;

	if (!f)
		return NULL;
	f->p = p;
	f->coef = calloc(n, sizeof(double));
	f->se = calloc(n, sizeof(double));
	f->drop = calloc(n, sizeof(*f->drop));
	f->mean = calloc(n, sizeof(double));
	f->cinv = calloc(n * n, sizeof(double));
	f->ind = calloc(n, 1);
	f->cent = calloc(n, sizeof(int));
	f->cmu2 = calloc(n, sizeof(double));
	if (!f->coef || !f->se || !f->drop || !f->mean || !f->cinv || !f->ind || !f->cent ||
	    !f->cmu2) {
		sl_ols_fit_free(f);
		return NULL;
	}
	return f;
}

/* Inverse of the kept correlation matrix R (k x k, overwritten) and the
 * solution of R b = r: Cholesky, or the SVD pseudo-inverse when R is
 * ill conditioned.  Returns 1 when the SVD was used, < 0 on failure. */
static int solve_kept(gsl_matrix *R, gsl_vector *r, gsl_vector *b, gsl_matrix *inv)
{
	size_t k = R->size1;
	gsl_matrix *V = NULL, *U = NULL;
	gsl_vector *S = NULL, *work = NULL;
	double rcond = 0;
	int rc = -1;

	if (!(work = gsl_vector_alloc(3 * k)))
		return -1;
	gsl_matrix_memcpy(inv, R);
	if (gsl_linalg_cholesky_decomp1(inv) == GSL_SUCCESS &&
	    gsl_linalg_cholesky_rcond(inv, &rcond, work) == GSL_SUCCESS &&
	    rcond >= 1e-10 && gsl_linalg_cholesky_solve(inv, r, b) == GSL_SUCCESS &&
	    gsl_linalg_cholesky_invert(inv) == GSL_SUCCESS) {
		rc = 0;
		goto out;
	}
	/* R = U S V'; pinv = V S^+ U', singular values below 1e-12 of the
	 * largest count as zero */
	gsl_vector_free(work);
	U = gsl_matrix_alloc(k, k);
	V = gsl_matrix_alloc(k, k);
	S = gsl_vector_alloc(k);
	work = gsl_vector_alloc(k);
	if (!U || !V || !S || !work)
		goto out;
	gsl_matrix_memcpy(U, R);
	if (gsl_linalg_SV_decomp(U, V, S, work) != GSL_SUCCESS)
		goto out;
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++) {
			double sum = 0;

			for (size_t m = 0; m < k; m++) {
				double sv = gsl_vector_get(S, m);

				if (sv > 1e-12 * gsl_vector_get(S, 0))
					sum += gsl_matrix_get(V, i, m) * gsl_matrix_get(U, j, m) / sv;
			}
			gsl_matrix_set(inv, i, j, sum);
		}
	for (size_t i = 0; i < k; i++) {
		double sum = 0;

		for (size_t j = 0; j < k; j++)
			sum += gsl_matrix_get(inv, i, j) * gsl_vector_get(r, j);
		gsl_vector_set(b, i, sum);
	}
	rc = 1;
out:
	gsl_matrix_free(U);
	gsl_matrix_free(V);
	gsl_vector_free(S);
	gsl_vector_free(work);
	return rc;
}

int sl_ols_solve(const struct sl_ols *o, double level, struct sl_ols_fit **out)
{
	int p = o->p, q = p + 1, k = 0, rc = SL_ENOMEM;
	double n = (double)o->n, *C = NULL, *L = NULL, *sd = NULL;
	int *kept = NULL;
	struct sl_ols_fit *f = NULL;
	gsl_matrix *R = NULL, *inv = NULL;
	gsl_vector *r = NULL, *b = NULL;
	double syy, sse, ssr = 0;

	*out = NULL;
	if (o->n == 0)
		return SL_EINVAL;
	if (!(f = fit_new(p)) || !(C = calloc((size_t)q * (size_t)q, sizeof(double))) ||
	    !(L = calloc((size_t)p * (size_t)p, sizeof(double))) ||
	    !(sd = calloc((size_t)p, sizeof(double))) || !(kept = calloc((size_t)p, sizeof(int))))
		goto out;
	f->n = o->n;
	/* co-moments about the mean, symmetric */
	for (int i = 0; i < q; i++)
		for (int j = i; j < q; j++) {
			double c = o->sxx[(size_t)i * q + j] - o->sx[i] * o->sx[j] / n;

			C[(size_t)i * q + j] = C[(size_t)j * q + i] = c;
		}
	for (int j = 0; j < p; j++)
		f->mean[j] = o->k[j] + o->sx[j] / n;
	/* Which columns to keep: a Cholesky factorisation of the correlation
	 * matrix that skips a column whose part not explained by the kept
	 * columns before it is below 1e-12 (R's lm drops aliased columns the
	 * same way, in order). */
	for (int j = 0; j < p; j++) {
		double cjj = C[(size_t)j * q + j], scale = fabs(f->mean[j]) > 1 ? fabs(f->mean[j]) : 1;
		double d = 1;

		if (!(cjj > 1e-24 * scale * scale * n)) {
			f->drop[j] = SL_OLS_CONSTANT;
			continue;
		}
		sd[j] = sqrt(cjj);
		for (int a = 0; a < k; a++) {
			int i = kept[a];
			double v = C[(size_t)i * q + j] / (sd[i] * sd[j]);

			for (int m = 0; m < a; m++)
				v -= L[(size_t)a * p + m] * L[(size_t)k * p + m];
			L[(size_t)k * p + a] = v / L[(size_t)a * p + a];
			d -= L[(size_t)k * p + a] * L[(size_t)k * p + a];
		}
		if (d < 1e-12 || (uint64_t)k + 2 >= o->n) {
			f->drop[j] = SL_OLS_COLLINEAR;
			memset(L + (size_t)k * p, 0, (size_t)p * sizeof(double));
			continue;
		}
		L[(size_t)k * p + k] = sqrt(d);
		kept[k++] = j;
	}
	f->rank = k;
	f->df = (int64_t)o->n - k - 1;
	syy = C[(size_t)p * q + p];
	if (k > 0) {
		if (!(R = gsl_matrix_alloc((size_t)k, (size_t)k)) ||
		    !(inv = gsl_matrix_alloc((size_t)k, (size_t)k)) ||
		    !(r = gsl_vector_alloc((size_t)k)) || !(b = gsl_vector_alloc((size_t)k)))
			goto out;
		for (int a = 0; a < k; a++) {
			int i = kept[a];

			for (int c = 0; c < k; c++)
				gsl_matrix_set(R, (size_t)a, (size_t)c,
					       a == c ? 1 : C[(size_t)i * q + kept[c]] / (sd[i] * sd[kept[c]]));
			gsl_vector_set(r, (size_t)a, C[(size_t)i * q + p] / sd[i]);
		}
		int used = solve_kept(R, r, b, inv);

		if (used < 0) {
			rc = SL_EINVAL;
			goto out;
		}
		f->svd = used;
		for (int a = 0; a < k; a++) {
			int i = kept[a];

			f->coef[i] = gsl_vector_get(b, (size_t)a) / sd[i];
			ssr += f->coef[i] * C[(size_t)i * q + p];
			for (int c = 0; c < k; c++)
				f->cinv[(size_t)i * p + kept[c]] =
					gsl_matrix_get(inv, (size_t)a, (size_t)c) / (sd[i] * sd[kept[c]]);
		}
	}
	sse = syy - ssr;
	if (sse < 0)
		sse = 0;
	f->r2 = syy > 0 ? 1 - sse / syy : NAN;
	f->intercept = o->k[p] + o->sx[p] / n;
	for (int j = 0; j < p; j++)
		f->intercept -= f->coef[j] * f->mean[j];
	f->s = f->t = f->intercept_se = NAN;
	if (f->df >= 1) {
		double h0 = 1 / n;

		f->s = sqrt(sse / (double)f->df);
		f->t = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, (double)f->df);
		for (int i = 0; i < p; i++)
			for (int j = 0; j < p; j++)
				h0 += f->mean[i] * f->cinv[(size_t)i * p + j] * f->mean[j];
		f->intercept_se = f->s * sqrt(h0);
	}
	for (int j = 0; j < p; j++)
		f->se[j] = f->drop[j] ? NAN : f->s * sqrt(f->cinv[(size_t)j * p + j]);
	sl_ols_indicators(f, NULL);
	*out = f;
	f = NULL;
	rc = SL_OK;
out:
	sl_ols_fit_free(f);
	free(C);
	free(L);
	free(sd);
	free(kept);
	gsl_matrix_free(R);
	gsl_matrix_free(inv);
	gsl_vector_free(r);
	gsl_vector_free(b);
	return rc;
}

double sl_ols_leverage(const struct sl_ols_fit *f, const double *x)
{
	double h = 1 / (double)f->n;
	int p = f->p;

	for (int i = 0; i < p; i++) {
		double di, acc = 0;

		if (f->drop[i])
			continue;
		di = x[i] - f->mean[i];
		for (int j = 0; j < p; j++)
			if (!f->drop[j])
				acc += f->cinv[(size_t)i * p + j] * (x[j] - f->mean[j]);
		h += di * acc;
	}
	return h;
}

double sl_ols_predict(const struct sl_ols_fit *f, const double *x, double *half)
{
	double yhat = f->intercept;
	int p = f->p;

	for (int j = 0; j < p; j++)
		if (!f->drop[j])
			yhat += f->coef[j] * x[j];
	if (half)
		*half = f->df >= 1 ? f->t * f->s * sqrt(1 + sl_ols_leverage(f, x)) : NAN;
	return yhat;
}

int sl_ols_indicators(struct sl_ols_fit *f, const unsigned char *ind)
{
	int p = f->p;

	f->ncent = 0;
	f->smu = 0;
	for (int j = 0; j < p; j++) {
		f->ind[j] = ind && ind[j] && !f->drop[j];
		if (!f->drop[j] && !f->ind[j])
			f->cent[f->ncent++] = j;
	}
	for (int i = 0; i < p; i++) {
		double r = 0, c = 0;

		for (int j = 0; j < p; j++)
			if (f->ind[j]) {
				r += f->cinv[(size_t)i * p + j] * f->mean[j];
				c += f->cinv[(size_t)j * p + i] * f->mean[j];
			}
		f->cmu2[i] = r + c;
		if (f->ind[i])
			f->smu += f->mean[i] * r;
	}
	return SL_OK;
}

/* z (see the header) over the listed and the centred columns, merged in
 * column order; dropped columns left out.  Without indicators this is
 * the dense loop of sl_ols_leverage() term for term, and the result is
 * the same to the bit. */
double sl_ols_leverage_sparse(const struct sl_ols_fit *f, const int *idx, const double *val, int k)
{
	int zi[SL_OLS_MAX_P], nz = 0, a = 0, b = 0, p = f->p;
	double zv[SL_OLS_MAX_P], h = 1 / (double)f->n, lin = 0;

	while (a < k || b < f->ncent) {
		int j;
		double x = 0;

		if (b == f->ncent || (a < k && idx[a] <= f->cent[b])) {
			j = idx[a];
			x = val[a++];
			if (b < f->ncent && f->cent[b] == j)
				b++;
		} else {
			j = f->cent[b++];
		}
		if (f->drop[j])
			continue;
		zi[nz] = j;
		zv[nz++] = f->ind[j] ? x : x - f->mean[j];
	}
	for (int i = 0; i < nz; i++) {
		const double *row = f->cinv + (size_t)zi[i] * p;
		double acc = 0;

		for (int j = 0; j < nz; j++)
			acc += row[zi[j]] * zv[j];
		h += zv[i] * acc;
		lin += zv[i] * f->cmu2[zi[i]];
	}
	return h - lin + f->smu;
}

double sl_ols_predict_sparse(const struct sl_ols_fit *f, const int *idx, const double *val, int k,
			     double *half)
{
	double yhat = f->intercept;

	for (int a = 0; a < k; a++)
		if (!f->drop[idx[a]])
			yhat += f->coef[idx[a]] * val[a];
	if (half)
		*half = f->df >= 1 ? f->t * f->s * sqrt(1 + sl_ols_leverage_sparse(f, idx, val, k))
				   : NAN;
	return yhat;
}

void sl_ols_smear_add_sparse(struct sl_ols_fit *f, const int *idx, const double *val, int k,
			     double y)
{
	f->smear_sum += exp(y - sl_ols_predict_sparse(f, idx, val, k, NULL));
	f->smear_n++;
}

void sl_ols_smear_add(struct sl_ols_fit *f, const double *x, double y)
{
	f->smear_sum += exp(y - sl_ols_predict(f, x, NULL));
	f->smear_n++;
}

double sl_ols_smear(const struct sl_ols_fit *f)
{
	return f->smear_n ? f->smear_sum / (double)f->smear_n : 1;
}
