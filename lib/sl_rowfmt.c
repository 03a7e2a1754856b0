#include "sl_rowfmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_result.h"
#include "sl_value.h"

/* What sl_fmt_double writes, the C library's way: printf rounds, strtod
 * checks, up to three times (most of a CSV export's time for tables of
 * measured values: they take 16 or 17 digits). */
static void fmt_double_libc(double v, char *buf, size_t n)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;

/* %.*g of the P digits c (c < 10^P, c >= 10^(P-1)), the first at 10^x,
 * to buf: plain notation only (-4 <= x < P), trailing zeros dropped. */
static void put_g(char *buf, int neg, uint64_t c, int p, int x)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char d17[17], *d = d17 + 17 - p;
	char *o = buf;
	int last;

	/* 17 digits, leading zeros and all, two at a time in two halves of
	 * eight that do not wait for each other (a digit at a time was a
	 * chain of 17 dependent divisions) */
	d17[0] = (char)('0' + c / 10000000000000000ull);
	for (uint32_t hi = (uint32_t)(c / 100000000 % 100000000), lo = (uint32_t)(c % 100000000),
		      i = 8; i > 0; i -= 2, hi /= 100, lo /= 100) {
		memcpy(d17 + i - 1, pairs + 2 * (hi % 100), 2);
		memcpy(d17 + i + 7, pairs + 2 * (lo % 100), 2);
	}
	for (last = p - 1; last > 0 && last > x && d[last] == '0'; last--)
		;
	if (neg)
		*o++ = '-';
	if (x < 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = -1; i > x; i--)
			*o++ = '0';
		for (int i = 0; i <= last; i++)
			*o++ = d[i];
	} else {
		for (int i = 0; i <= x; i++)
			*o++ = d[i];
		if (last > x) {
			*o++ = '.';
			for (int i = x + 1; i <= last; i++)
				*o++ = d[i];
		}
	}
	*o = '\0';
}

/* The same as fmt_double_libc for 1e-4 <= |v| < 1e15, in exact integer
 * arithmetic: |v| = m * 2^-s, so N = m * 10^k (k chosen for 17 digits)
 * is |v| * 10^k * 2^s exactly, and each rounding to P digits and each
 * "reads back as v" is a comparison of 128-bit integers (round half to
 * even, as printf and strtod do).  0 when done, -1 to leave v to the C
 * library. */
static int fmt_double_fast(double v, char *buf)
{
	static const uint64_t p10[] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
		10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
		100000000000ull, 1000000000000ull, 10000000000000ull,
		100000000000000ull, 1000000000000000ull, 10000000000000000ull,
		100000000000000000ull, 1000000000000000000ull,
		10000000000000000000ull,
	};
	double a = fabs(v);
	uint64_t m, q;
	u128 N, ulp;
	int ex, s, k, x;

	if (!(a >= 1e-4 && a < 1e15))
		return -1;
	m = (uint64_t)ldexp(frexp(a, &ex), 53); /* 2^52 <= m < 2^53 */
	s = 53 - ex;                            /* 1e-4 <= a < 1e15: 3 <= s <= 66 */
	/* a guess from log10(2^(ex-1)) (78913 / 2^18 ~ log10(2)), one low
	 * at most: put right below */
	k = 16 - (((ex - 1) * 78913) >> 18);
	for (int tries = 0;; tries++) {
		u128 p;

		if (tries == 3 || k < 0 || k > 22)
			return -1;
		/* 10^k = 10^(k-19) * 10^19 beyond a 64-bit power */
		p = k > 19 ? (u128)p10[k - 19] * p10[19] : p10[k];
		N = (u128)m * p; /* < 2^53 * 10^22 < 2^127 */
		if ((N >> s) >= p10[17])
			k--;
		else if ((N >> s) < p10[16])
			k++;
		else {
			ulp = p; /* the gap from m to m + 1, in N's units */
			break;
		}
	}
	q = (uint64_t)(N >> s);
	x = 16 - k; /* a = q.... * 10^(x-16) */
	for (int prec = 15; prec <= 17; prec++) {
		/* division by constants: a multiplication each */
		uint64_t D = p10[17 - prec], c = prec == 15 ? q / 100 : prec == 16 ? q / 10 : q;
		u128 unit = (u128)D << s, t = (u128)(c * D) << s, r = N - t, diff;
		int xp = x, up;

		/* round half to even: r against half a unit */
		up = 2 * r > unit || (2 * r == unit && (c & 1));
		if (up) {
			c++;
			t += unit;
		}
		if (c == p10[prec]) { /* 9.99.. rounded up to 10.0.. */
			c = p10[prec - 1];
			xp++;
		}
		if (xp >= prec)
			return -1; /* %g would switch to an exponent */
		/* reads back as v: within half the gap to v's neighbour on
		 * that side (the one below is half as far at a power of two),
		 * a tie going to the even m */
		diff = t > N ? t - N : N - t;
		if (t < N && m == 1ull << 52 ? 4 * diff <= ulp
					     : 2 * diff < ulp || (2 * diff == ulp && !(m & 1))) {
			put_g(buf, signbit(v) != 0, c, prec, xp);
			return 0;
		}
	}
	return -1;
}
#endif

/* Most values go the fast way; those it does not cover (the very small
 * or large, infinities, NaN, zero) the C library's. */
void sl_fmt_double(double v, char *buf, size_t n)
{
#ifdef __SIZEOF_INT128__
	if (n >= 32 && !fmt_double_fast(v, buf))
		return;
#endif
	fmt_double_libc(v, buf, n);
}

/* A field needs quotes when it holds one of , " LF CR. */
static int needs_quotes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ',' && (c == ',' || c == '"' || c == '\n' || c == '\r'))
			return 1;
	}
	return 0;
}

/* Called with out locked (the row functions hold it). */
static void put_str(FILE *out, const char *s, size_t n)
{
	/* quote only when needed, so simple values stay readable */
	if (!n)
		return;
	if (!needs_quotes(s, n)) {
		fwrite_unlocked(s, 1, n, out);
		return;
	}
	fputc_unlocked('"', out);
	for (const char *q; (q = memchr(s, '"', n)); n -= (size_t)(q - s) + 1, s = q + 1) {
		fwrite_unlocked(s, 1, (size_t)(q - s) + 1, out);
		fputc_unlocked('"', out); /* a quote is written twice */
	}
	fwrite_unlocked(s, 1, n, out);
	fputc_unlocked('"', out);
}

size_t sl_fmt_i64(int64_t v, char *buf)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n;
}

/* Called with out locked (the row functions hold it). */
static void put_i64(FILE *out, int64_t v)
{
	char buf[24];

	fwrite_unlocked(buf, 1, sl_fmt_i64(v, buf), out);
}

/* The spreadsheet rule lives in sl_result.c and wants a C string: the
 * stored text is copied once, a NUL written as U+FFFD as a result table
 * holds it.  On allocation failure the field is written empty rather than
 * unneutralised. */
static void put_str_neutral(FILE *out, const char *s, size_t n)
{
	struct sl_buf b = SL_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		rc = s[i] ? sl_buf_addc(&b, s[i]) : sl_buf_add(&b, "\xEF\xBF\xBD", 3);
	if (!rc && !sl_buf_addc(&b, '\0'))
		sl_csv_write_text(out, b.data, SL_CSV_NEUTRALISE);
	sl_buf_release(&b);
}

void sl_rowfmt_csv_header(FILE *out, enum sl_kind kind)
{
	const struct sl_kind_def *k = sl_kind_def(kind);

	for (int c = 0; c < k->ncols; c++)
		fprintf(out, "%s%s", c ? "," : "", k->cols[c].name);
	fputc('\n', out);
}

void sl_rowfmt_csv_row(FILE *out, const struct sl_batch *b, size_t r)
{
	sl_rowfmt_csv_row_flags(out, b, r, 0);
}

void sl_rowfmt_csv_row_flags(FILE *out, const struct sl_batch *b, size_t r, unsigned flags)
{
	char buf[64];

	/* one lock a row, not one a character: --dump and --merge write
	 * millions of rows */
	flockfile(out);
	for (int c = 0; c < b->ncols; c++) {
		const struct sl_col *col = &b->cols[c];

		if (c)
			fputc_unlocked(',', out);
		if (sl_batch_is_null(b, c, r))
			continue;
		switch (col->type) {
		case SL_STR: {
			size_t n;
			const char *s = sl_batch_get_str(b, c, r, &n);

			if (flags & SL_CSV_NEUTRALISE)
				put_str_neutral(out, s, n);
			else
				put_str(out, s, n);
			break;
		}
		case SL_I64:
			put_i64(out, col->v.i64[r]);
			break;
		case SL_F64:
			sl_fmt_double(col->v.f64[r], buf, sizeof(buf));
			fputs_unlocked(buf, out);
			break;
		case SL_BOOL:
			fputs_unlocked(col->v.u8[r] ? "true" : "false", out);
			break;
		case SL_TIME:
			sl_format_time(col->v.i64[r], buf);
			fputs_unlocked(buf, out);
			break;
		}
	}
	fputc_unlocked('\n', out);
	funlockfile(out);
}

json_t *sl_rowfmt_json(const struct sl_batch *b, size_t r)
{
	const struct sl_kind_def *k = sl_kind_def(b->kind);
	json_t *o = json_object();
	char buf[64];

	if (!o)
		return NULL;
	for (int c = 0; c < b->ncols; c++) {
		const struct sl_col *col = &b->cols[c];
		json_t *v = NULL;
		size_t n;
		const char *s;

		if (sl_batch_is_null(b, c, r)) {
			v = json_null();
		} else {
			switch (col->type) {
			case SL_STR:
				s = sl_batch_get_str(b, c, r, &n);
				v = json_stringn(s, n);
				break;
			case SL_I64:
				v = json_integer(col->v.i64[r]);
				break;
			case SL_F64:
				v = isfinite(col->v.f64[r]) ? json_real(col->v.f64[r]) : json_null();
				break;
			case SL_BOOL:
				v = json_boolean(col->v.u8[r]);
				break;
			case SL_TIME:
				sl_format_time(col->v.i64[r], buf);
				v = json_string(buf);
				break;
			}
		}
		if (!v || json_object_set_new(o, k->cols[c].name, v)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}
