/* sl_stats.h - two-sample tests shared by the analyses: Mann-Whitney U
 * (the canary judgement, latency regressions) and Fisher's exact test
 * (failure-rate regressions).  p-values come from GSL's distributions; the
 * results match scipy.stats (scripts/ref-stats.py).  And the sorts and the
 * selection the analyses use on a row per deployment: the caller owns
 * every array. */
#ifndef SL_STATS_H
#define SL_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Two-sided Mann-Whitney U test of x against y, normal approximation with
 * tie and continuity corrections (as scipy's method="asymptotic").  *u is
 * x's U statistic; *p is 1 when every value is tied.  x and y are sorted
 * in place.  0, or -1 when a sample is empty. */
int sl_stats_mann_whitney(double *x, size_t nx, double *y, size_t ny, double *u, double *p);

/* Two-sided Fisher exact test of the 2x2 table [[a, b], [c, d]]: the sum
 * of the hypergeometric probabilities (with the margins fixed) of every
 * table no more likely than the observed one, within a relative 1e-7 (R's
 * fisher.test; scipy agrees).  *odds is a·d / (b·c) (infinite or NaN as
 * the counts make it).  0, or -1 when a margin is empty or a count is
 * beyond 2^31 (GSL's hypergeometric takes unsigned ints). */
int sl_stats_fisher_exact(uint64_t a, uint64_t b, uint64_t c, uint64_t d, double *odds,
			  double *p);

/* Sorts v[0..n) ascending (no NaN). */
void sl_sort_doubles(double *v, size_t n);
/* Sorts v[0..n) ascending, in O(n log n) whatever the order. */
void sl_sort_i64(int64_t *v, size_t n);

/* A row and its sort key. */
struct sl_key_row {
	int64_t key;
	uint64_t row;
};

/* Sorts v[0..n) by key, stably (entries with equal keys keep their
 * order), by radix: 11 bits a pass over the bits in which the keys differ
 * from the smallest, so that keys within months of milliseconds (33 bits)
 * take three passes over the entries where a comparison sort takes twenty.
 * tmp has room for n entries; the sorted entries are in the array
 * returned, v or tmp. */
struct sl_key_row *sl_sort_key_rows(struct sl_key_row *v, struct sl_key_row *tmp, size_t n);
/* The same for row numbers rows[0..n) by key[row] (key indexed by row
 * number), in the memory of the rows only: tmp has room for n of them;
 * the sorted rows are in the array returned, rows or tmp. */
uint32_t *sl_sort_rows_by_key(uint32_t *rows, uint32_t *tmp, size_t n, const int64_t *key);

/* The k-th smallest of v[0..n) (k < n; no NaN), the value a sort would put
 * at index k; v is reordered (v[0..k) <= v[k] <= v[k+1..n)). */
double sl_select_kth(double *v, size_t n, size_t k);

#endif
