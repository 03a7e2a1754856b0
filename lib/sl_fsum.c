/* sl_fsum.c - exact sums of doubles in a fixed-point superaccumulator. */
#include "sl_fsum.h"

#include <math.h>
#include <string.h>

void sl_fsum_init(struct sl_fsum *s)
{
	memset(s, 0, sizeof(*s));
}

/* Adds (sub = 0) or subtracts (sub = 1) the 64-bit word v at word i, and
 * carries (or borrows) upwards. */
static void add_word(struct sl_fsum *s, size_t i, uint64_t v, int sub)
{
	for (; i < SL_FSUM_WORDS && v; i++) {
		uint64_t old = s->w[i];

		if (sub) {
			s->w[i] = old - v;
			v = old < v;
		} else {
			s->w[i] = old + v;
			v = s->w[i] < old;
		}
	}
}

void sl_fsum_add(struct sl_fsum *s, double x)
{
	uint64_t bits, m;
	unsigned ex;
	size_t pos;
	int sub;

	memcpy(&bits, &x, sizeof(bits));
	ex = (unsigned)(bits >> 52) & 0x7ff;
	m = bits & ((1ULL << 52) - 1);
	sub = (int)(bits >> 63);
	if (ex == 0x7ff) {
		s->special |= m ? 1 : sub ? 4 : 2;
		return;
	}
	/* x = ±m * 2^(pos - 1074): a subnormal (ex 0) has no hidden bit and
	 * the exponent of ex 1 */
	if (ex) {
		m |= 1ULL << 52;
		pos = ex - 1;
	} else {
		pos = 0;
	}
	if (!m)
		return;
	add_word(s, pos / 64, m << (pos % 64), sub);
	if (pos % 64)
		add_word(s, pos / 64 + 1, m >> (64 - pos % 64), sub);
}

void sl_fsum_merge(struct sl_fsum *dst, const struct sl_fsum *src)
{
	unsigned carry = 0;

	for (size_t i = 0; i < SL_FSUM_WORDS; i++) {
		uint64_t a = dst->w[i], t = a + src->w[i];
		unsigned c = t < a;

		dst->w[i] = t + carry;
		carry = c | (dst->w[i] < t);
	}
	dst->special |= src->special;
}

/* The 64 bits of w[] from bit pos up (pos may be negative: zeros below). */
static uint64_t bits_at(const uint64_t *w, long pos)
{
	uint64_t v;
	size_t i;
	unsigned sh;

	if (pos < 0)
		return w[0] << -pos; /* only called with pos > -64 */
	i = (size_t)pos / 64;
	sh = (unsigned)pos % 64;
	v = w[i] >> sh;
	if (sh && i + 1 < SL_FSUM_WORDS)
		v |= w[i + 1] << (64 - sh);
	return v;
}

/* Whether any bit of w[] below bit pos is set. */
static int bits_below(const uint64_t *w, long pos)
{
	size_t i;

	if (pos <= 0)
		return 0;
	for (i = 0; i < (size_t)pos / 64; i++)
		if (w[i])
			return 1;
	return pos % 64 && (w[i] << (64 - pos % 64));
}

double sl_fsum_value(const struct sl_fsum *s)
{
	uint64_t w[SL_FSUM_WORDS], mant, rest;
	int neg = (int)(s->w[SL_FSUM_WORDS - 1] >> 63);
	long top, lo;
	size_t t;
	double v;

	if (s->special)
		return (s->special & 1) || (s->special & 6) == 6 ? NAN
		       : s->special & 2				  ? INFINITY
									  : -INFINITY;
	memcpy(w, s->w, sizeof(w));
	if (neg) { /* the magnitude: ~w + 1 */
		unsigned carry = 1;

		for (size_t i = 0; i < SL_FSUM_WORDS; i++) {
			w[i] = ~w[i] + carry;
			carry = carry && !w[i];
		}
	}
	for (t = SL_FSUM_WORDS; t > 0 && !w[t - 1]; t--)
		;
	if (!t)
		return 0;
	top = (long)(t - 1) * 64 + 63 - __builtin_clzll(w[t - 1]);
	if (top < 53) {
		/* below 2^53 units of 2^-1074: exact (subnormal or not) */
		v = ldexp((double)w[0], -1074);
	} else {
		/* at least 2^-1021: a normal double of 53 significant bits,
		 * from the top 64 bits and whether any bit below them is set */
		lo = top - 63;
		rest = bits_at(w, lo);
		mant = rest >> 11;
		rest &= 0x7ff;
		if (rest > 0x400 || (rest == 0x400 && ((mant & 1) || bits_below(w, lo))))
			mant++; /* 2^53 is still exact */
		v = ldexp((double)mant, (int)(top - 52 - 1074));
	}
	return neg ? -v : v;
}

double sl_fsum_array(const double *v, size_t n)
{
	struct sl_fsum s = SL_FSUM_INIT;

	for (size_t i = 0; i < n; i++)
		sl_fsum_add(&s, v[i]);
	return sl_fsum_value(&s);
}
