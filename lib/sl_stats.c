#include "sl_stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>

#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* One typed sort for each element type: quicksort (median of three,
 * insertion sort below 24 values, so a deployment's few dozen samples are
 * sorted by insertion alone) on the smaller side recursively; past 2 log2 n
 * levels (an adversarial order) the rest goes to qsort, so the worst case
 * stays n log n.  Comparisons are inline, not calls through a pointer. */
#define DEFINE_SORT(name, T, cmp)                                                            \
	static void name##_rec(T *v, size_t n, int depth)                                     \
	{                                                                                     \
		while (n > 24) {                                                              \
			T a = v[0], b = v[n / 2], c = v[n - 1], pv, t;                        \
			size_t i = 0, j = n - 1;                                              \
                                                                                              \
			if (depth-- <= 0) {                                                   \
				qsort(v, n, sizeof(*v), cmp);                                 \
				return;                                                       \
			}                                                                     \
			pv = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b); \
			for (;;) {                                                            \
				while (v[i] < pv)                                             \
					i++;                                                  \
				while (v[j] > pv)                                             \
					j--;                                                  \
				if (i >= j)                                                   \
					break;                                                \
				t = v[i];                                                     \
				v[i++] = v[j];                                                \
				v[j--] = t;                                                   \
			}                                                                     \
			/* v[0..j] <= pv <= v[j+1..n) */                                      \
			if (j + 1 < n - j - 1) {                                              \
				name##_rec(v, j + 1, depth);                                  \
				v += j + 1;                                                   \
				n -= j + 1;                                                   \
			} else {                                                              \
				name##_rec(v + j + 1, n - j - 1, depth);                      \
				n = j + 1;                                                    \
			}                                                                     \
		}                                                                             \
		for (size_t i = 1; i < n; i++) {                                              \
			T t = v[i];                                                           \
			size_t j = i;                                                         \
                                                                                              \
			for (; j > 0 && v[j - 1] > t; j--)                                    \
				v[j] = v[j - 1];                                              \
			v[j] = t;                                                             \
		}                                                                             \
	}                                                                                     \
                                                                                              \
	void name(T *v, size_t n)                                                             \
	{                                                                                     \
		int depth = 0;                                                                \
                                                                                              \
		for (size_t m = n; m > 1; m >>= 1)                                            \
			depth += 2;                                                           \
		name##_rec(v, n, depth);                                                      \
	}

DEFINE_SORT(sl_sort_doubles, double, cmp_double)
DEFINE_SORT(sl_sort_i64, int64_t, cmp_i64)

/* The radix passes of both sorts: KEY(e) is entry e's key. */
#define RADIX_SORT(T, v, tmp, n, KEY)                                                       \
	do {                                                                                  \
		enum { BITS = 11, RADIX = 1 << BITS };                                         \
		int64_t mn_ = (n) ? KEY((v)[0]) : 0, mx_ = mn_;                                \
		uint64_t lo_, span_;                                                           \
		size_t count_[RADIX];                                                          \
                                                                                              \
		for (size_t i_ = 1; i_ < (n); i_++) {                                          \
			int64_t k_ = KEY((v)[i_]);                                             \
                                                                                              \
			mn_ = k_ < mn_ ? k_ : mn_;                                             \
			mx_ = k_ > mx_ ? k_ : mx_;                                             \
		}                                                                              \
		/* offsets from the smallest, in unsigned arithmetic: no overflow */          \
		lo_ = (uint64_t)mn_;                                                           \
		span_ = (uint64_t)mx_ - lo_;                                                   \
		for (int shift_ = 0; shift_ < 64 && span_ >> shift_; shift_ += BITS) {         \
			T *x_;                                                                 \
			size_t sum_ = 0;                                                       \
                                                                                              \
			memset(count_, 0, sizeof(count_));                                     \
			for (size_t i_ = 0; i_ < (n); i_++)                                    \
				count_[((uint64_t)KEY((v)[i_]) - lo_) >> shift_ & (RADIX - 1)]++; \
			for (size_t d_ = 0; d_ < RADIX; d_++) {                                \
				size_t c_ = count_[d_];                                        \
                                                                                              \
				count_[d_] = sum_;                                             \
				sum_ += c_;                                                    \
			}                                                                      \
			for (size_t i_ = 0; i_ < (n); i_++)                                    \
				(tmp)[count_[((uint64_t)KEY((v)[i_]) - lo_) >> shift_ &        \
					     (RADIX - 1)]++] = (v)[i_];                        \
			x_ = (v);                                                              \
			(v) = (tmp);                                                           \
			(tmp) = x_;                                                            \
		}                                                                              \
	} while (0)

#define KEY_OF_ENTRY(e) ((e).key)
#define KEY_OF_ROW(r) (key[r])

uint32_t *sl_sort_rows_by_key(uint32_t *rows, uint32_t *tmp, size_t n, const int64_t *key)
{
	RADIX_SORT(uint32_t, rows, tmp, n, KEY_OF_ROW);
	return rows;
}

struct sl_key_row *sl_sort_key_rows(struct sl_key_row *v, struct sl_key_row *tmp, size_t n)
{
	RADIX_SORT(struct sl_key_row, v, tmp, n, KEY_OF_ENTRY);
	return v;
}

int sl_stats_mann_whitney(double *x, size_t nx, double *y, size_t ny, double *u, double *p)
{
	size_t n = nx + ny, i = 0, j = 0;
	double rx = 0, ties = 0, mu, sigma, big, z;

	if (!nx || !ny)
		return -1;
	sl_sort_doubles(x, nx);
	sl_sort_doubles(y, ny);
	/* walk the merged order; a run of equal values shares its mean rank */
	while (i < nx || j < ny) {
		double v = i < nx && (j >= ny || x[i] <= y[j]) ? x[i] : y[j];
		size_t cx = 0, cy = 0, rank0 = i + j + 1;
		double t, mean_rank;

		while (i < nx && x[i] == v)
			i++, cx++;
		while (j < ny && y[j] == v)
			j++, cy++;
		t = (double)(cx + cy);
		mean_rank = (double)rank0 + (t - 1) / 2;
		rx += mean_rank * (double)cx;
		ties += t * t * t - t;
	}
	*u = rx - (double)nx * ((double)nx + 1) / 2;
	mu = (double)nx * (double)ny / 2;
	sigma = sqrt((double)nx * (double)ny / 12 *
		     (((double)n + 1) - ties / ((double)n * ((double)n - 1))));
	if (!(sigma > 0)) {
		*p = 1; /* every value tied: no evidence of a difference */
		return 0;
	}
	big = *u > (double)nx * (double)ny - *u ? *u : (double)nx * (double)ny - *u;
	z = (big - mu - 0.5) / sigma;
	*p = 2 * gsl_cdf_ugaussian_Q(z);
	if (*p > 1)
		*p = 1;
	return 0;
}

int sl_stats_fisher_exact(uint64_t a, uint64_t b, uint64_t c, uint64_t d, double *odds,
			  double *p)
{
	/* the table's first column (a + c of the r1 = a + b and r2 = c + d
	 * rows) fixes the support of a: [max(0, k - r2), min(k, r1)] */
	uint64_t r1 = a + b, r2 = c + d, k = a + c, lo, hi;
	double pobs, sum = 0;

	if (r1 > INT32_MAX || r2 > INT32_MAX || !r1 || !r2)
		return -1;
	*odds = (double)a * (double)d / ((double)b * (double)c);
	lo = k > r2 ? k - r2 : 0;
	hi = k < r1 ? k : r1;
	pobs = gsl_ran_hypergeometric_pdf((unsigned)a, (unsigned)r1, (unsigned)r2, (unsigned)k);
	for (uint64_t x = lo; x <= hi; x++) {
		double px = gsl_ran_hypergeometric_pdf((unsigned)x, (unsigned)r1, (unsigned)r2,
							(unsigned)k);

		if (px <= pobs * (1 + 1e-7))
			sum += px;
	}
	*p = sum > 1 ? 1 : sum;
	return 0;
}

/* Hoare's partition around the median of three; linear on average. */
double sl_select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t i = lo, j = hi, mid = lo + (hi - lo) / 2;
		double a = v[lo], b = v[mid], c = v[hi], piv, t;

		piv = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		while (i <= j) {
			while (v[i] < piv)
				i++;
			while (piv < v[j])
				j--;
			if (i <= j) {
				t = v[i];
				v[i++] = v[j];
				v[j] = t;
				if (j-- == 0)
					break;
			}
		}
		/* v[lo..j] <= piv <= v[i..hi], and what lies between equals piv */
		if (k <= j && j != (size_t)-1)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}
