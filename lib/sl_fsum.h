/* sl_fsum.h - exact, order-independent sums of doubles.
 *
 * An analysis must come out the same whatever order its rows were stored
 * in, and a sum of doubles taken left to right does not: its rounding
 * errors follow the order of the terms.  sl_fsum keeps the exact sum of
 * every term added, as a fixed-point integer in units of the smallest
 * subnormal (2^-1074) wide enough for any finite double and 2^70 terms,
 * and rounds it to the nearest double (ties to even) only when read.
 * Integer addition is associative, so the value read is the correctly
 * rounded sum of the set of terms, whatever order they came in and however
 * they were split among accumulators merged later.  Adding costs a few
 * integer operations (a carry rarely travels further than a word).
 *
 * The struct is plain data (280 bytes): no allocation, nothing to free;
 * zero it (SL_FSUM_INIT, sl_fsum_init or memset) before use. */
#ifndef SL_FSUM_H
#define SL_FSUM_H

#include <stddef.h>
#include <stdint.h>

/* 2098 bits hold any finite double in units of 2^-1074; the words above
 * are room for carries and the two's complement sign. */
#define SL_FSUM_WORDS 34

struct sl_fsum {
	uint64_t w[SL_FSUM_WORDS]; /* two's complement, least significant first */
	/* 1 NaN seen (or +inf and -inf), 2 +inf, 4 -inf */
	unsigned special;
};

#define SL_FSUM_INIT {{0}, 0}

void sl_fsum_init(struct sl_fsum *s);
/* Adds x.  A NaN, or +inf and -inf, make the sum NaN; an infinity of one
 * sign makes it that infinity. */
void sl_fsum_add(struct sl_fsum *s, double x);
/* Adds everything added to src to dst. */
void sl_fsum_merge(struct sl_fsum *dst, const struct sl_fsum *src);
/* The exact sum rounded to the nearest double, ties to even; ±inf when
 * that is beyond the largest double.  An empty sum is +0. */
double sl_fsum_value(const struct sl_fsum *s);
/* The correctly rounded sum of v[0..n) (NULL when n is 0). */
double sl_fsum_array(const double *v, size_t n);

#endif
