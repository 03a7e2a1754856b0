/* bench-ols: the streaming least-squares fit (lib/sl_ols) on N rows of K
 * regressors drawn from a known linear model, next to gsl_multifit_linear
 * (an SVD of the whole design) on the same rows.  Prints one line:
 * "rows k stream_s multifit_s max_coef_diff".  Built by `make bench`. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sl_ols.h"

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static double unif(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return ((double)(state >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
	return sqrt(-2 * log(unif())) * cos(2 * M_PI * unif());
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	int k = argc > 2 ? atoi(argv[2]) : 10, skip_multifit = argc > 3;
	double *x = malloc(n * (size_t)k * sizeof(*x)), *y = malloc(n * sizeof(*y));
	struct sl_ols *o = sl_ols_new(k);
	struct sl_ols_fit *f;
	double t0, t_stream, t_multi = NAN, diff = NAN;

	if (!x || !y || !o || k < 1 || k > 64 || !n)
		return 2;
	gsl_set_error_handler_off();
	for (size_t i = 0; i < n; i++) {
		y[i] = 1;
		for (int j = 0; j < k; j++) {
			x[i * k + j] = gauss();
			y[i] += (j + 1) * 0.1 * x[i * k + j];
		}
		y[i] += gauss() * 0.5;
	}
	t0 = now();
	for (size_t i = 0; i < n; i++)
		sl_ols_add(o, x + i * k, y[i]);
	if (sl_ols_solve(o, 0.9, &f))
		return 1;
	t_stream = now() - t0;
	if (!skip_multifit) {
		gsl_matrix *X = gsl_matrix_alloc(n, (size_t)k + 1), *cov = gsl_matrix_alloc(k + 1, k + 1);
		gsl_vector *yy = gsl_vector_alloc(n), *c = gsl_vector_alloc((size_t)k + 1);
		gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, (size_t)k + 1);
		double chisq;

		for (size_t i = 0; i < n; i++) {
			gsl_matrix_set(X, i, 0, 1);
			for (int j = 0; j < k; j++)
				gsl_matrix_set(X, i, (size_t)j + 1, x[i * k + j]);
			gsl_vector_set(yy, i, y[i]);
		}
		t0 = now();
		if (gsl_multifit_linear(X, yy, c, cov, &chisq, w))
			return 1;
		t_multi = now() - t0;
		diff = fabs(gsl_vector_get(c, 0) - f->intercept);
		for (int j = 0; j < k; j++)
			diff = fmax(diff, fabs(gsl_vector_get(c, (size_t)j + 1) - f->coef[j]));
		gsl_multifit_linear_free(w);
		gsl_matrix_free(X);
		gsl_matrix_free(cov);
		gsl_vector_free(yy);
		gsl_vector_free(c);
	}
	printf("%zu %d %.3f %.3f %.3g\n", n, k, t_stream, t_multi, diff);
	sl_ols_fit_free(f);
	sl_ols_free(o);
	free(x);
	free(y);
	return 0;
}
