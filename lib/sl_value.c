/* sl_value.c - field value parsers (docs/INGEST.md).  These run once per field
 * on the ingest hot path: no allocation, no locale, no libc time code.
 *
 * Decisions the header leaves open:
 *  - "ASCII blanks" are space, \t, \n, \v, \f and \r (C isspace in the
 *    C locale), so a CRLF line end never makes a value unparsable.
 *  - Sub-millisecond digits are dropped so that the result is the
 *    millisecond that contains the instant (floor).  For ISO times and
 *    non-negative epochs that is plain truncation (.1239 -> 123 ms); for a
 *    negative epoch "-1.0005" it is -1001 ms, not -1000.
 *  - Fractions have 1 to 9 digits, after the seconds only, with '.'.
 *  - An all-digit string is an epoch number, never a basic-format date:
 *    "20241120" is 20241120 s; the basic format needs its time part
 *    (20241120T1015, 20241120T101500.5Z, separator T or t only).
 *  - Zones: Z z +hh:mm +hhmm +hh and the same with '-'; hh <= 23,
 *    mm <= 59.  The date and time of an ISO time are local to the zone
 *    and must be valid; the UTC result may fall outside 0001-9999.
 *  - Epoch numbers may carry a sign and up to 9 fraction digits (also in
 *    milliseconds); the result must lie in 0001-01-01..9999-12-31 UTC,
 *    so that sl_format_time() of it is always 24 bytes.
 *  - f64: decimal only (no hex floats, no "nan(...)"); "infinity" is
 *    accepted like "inf"; a finite spelling too large for a double
 *    ("1e999") is SL_EPARSE rather than inf; underflow gives 0 or a
 *    subnormal as strtod does. */
#include "sl_value.h"
#include "sl_err.h"

#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS_PER_DAY INT64_C(86400000)
/* 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z */
#define EPOCH_MIN_MS INT64_C(-62135596800000)
#define EPOCH_MAX_MS INT64_C(253402300799999)
/* Epoch numbers of this magnitude or more are milliseconds. */
#define EPOCH_MS_FROM INT64_C(100000000000)
#define F64_MAX_LEN 64
/* Clinger's fast path needs double arithmetic without excess precision. */
#if FLT_EVAL_METHOD == 0
#define F64_FAST_PATH 1
#else
#define F64_FAST_PATH 0
#endif

static inline bool is_blank(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline bool is_digit(unsigned char c)
{
	return (unsigned)c - '0' < 10;
}

static inline char to_lower(unsigned char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

/* Narrows s[0..n) to its non-blank middle. */
static inline void trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;

	while (len && is_blank((unsigned char)p[len - 1]))
		len--;
	while (len && is_blank((unsigned char)*p)) {
		p++;
		len--;
	}
	*s = p;
	*n = len;
}

/* The k digits at p as a number, or -1 if one is not a digit.  The
 * caller has checked that p[0..k) is inside the span. */
static inline int num(const unsigned char *p, int k)
{
	int v = 0;

	for (int i = 0; i < k; i++) {
		unsigned d = (unsigned)p[i] - '0';

		if (d > 9)
			return -1;
		v = v * 10 + (int)d;
	}
	return v;
}

/* Case-insensitive compare of s[0..n) with the lowercase word w. */
static bool eq_word(const unsigned char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n && w[i]; i++)
		if (to_lower(s[i]) != w[i])
			return false;
	return i == n && !w[i];
}

bool sl_value_is_null(const char *s, size_t n)
{
	trim(&s, &n);
	switch (n) {
	case 0:
		return true;
	case 2:
		return s[0] == '\\' && s[1] == 'N';
	case 4:
		return !memcmp(s, "null", 4) || !memcmp(s, "NULL", 4) ||
		       !memcmp(s, "Null", 4) || !memcmp(s, "None", 4);
	}
	return false;
}

/* Calendar: Howard Hinnant's algorithms ("chrono-Compatible Low-Level
 * Date Algorithms"), with years counted from 0000-03-01 so that the leap
 * day is the last day of the shifted year, in eras of 400 years. */
int64_t sl_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? (int64_t)m - 3 : (int64_t)m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void sl_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	/* floor((z + 719468) / 146097) without forming z + 719468, which
	 * overflows near INT64_MAX */
	era = z / 146097;
	doe = z % 146097;
	if (doe < 0) {
		doe += 146097;
		era--;
	}
	doe += 719468;
	era += doe / 146097;
	doe %= 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int64_t sl_day_of_ms(int64_t ms)
{
	int64_t q = ms / MS_PER_DAY;

	return ms % MS_PER_DAY < 0 ? q - 1 : q;
}

static inline bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static const unsigned char month_days[13] = {
	0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};

/* YYYY-MM-DD, or YYYYMMDD when basic, at p: the day number in *day and
 * the end of the date, or NULL. */
static const unsigned char *parse_date(const unsigned char *p,
				       const unsigned char *end, bool basic,
				       int64_t *day)
{
	size_t need = basic ? 8 : 10;
	int y, m, d;

	if ((size_t)(end - p) < need)
		return NULL;
	y = num(p, 4);
	if (basic) {
		m = num(p + 4, 2);
		d = num(p + 6, 2);
	} else {
		if (p[4] != '-' || p[7] != '-')
			return NULL;
		m = num(p + 5, 2);
		d = num(p + 8, 2);
	}
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return NULL;
	if (d > month_days[m] && !(m == 2 && d == 29 && is_leap(y)))
		return NULL;
	*day = sl_days_from_civil(y, (unsigned)m, (unsigned)d);
	return p + need;
}

/* A '.' and 1-9 digits at *pp (the '.' already checked): milliseconds in
 * *ms, and in *sub whether any digit beyond them is non-zero.  Advances
 * *pp; false if the fraction is malformed. */
static bool parse_frac(const unsigned char **pp, const unsigned char *end,
		       int *ms, bool *sub)
{
	const unsigned char *p = *pp + 1;
	int k, v = 0;
	bool rest = false;

	for (k = 0; p < end && is_digit(*p); k++, p++) {
		if (k < 3)
			v = v * 10 + (*p - '0');
		else
			rest |= *p != '0';
	}
	if (k < 1 || k > 9)
		return false;
	for (; k < 3; k++)
		v *= 10;
	*ms = v;
	*sub = rest;
	*pp = p;
	return true;
}

static int parse_iso(const unsigned char *p, const unsigned char *end,
		     bool basic, int64_t *out_ms)
{
	int64_t day;
	int hh, mi, ss = 0, frac = 0, off = 0;
	bool sub = false;

	p = parse_date(p, end, basic, &day);
	if (!p)
		return SL_EPARSE;
	if (p == end) {
		*out_ms = day * MS_PER_DAY;
		return SL_OK;
	}
	if (*p != 'T' && *p != 't' && *p != ' ')
		return SL_EPARSE;
	p++;

	if (end - p < (basic ? 4 : 5))
		return SL_EPARSE;
	hh = num(p, 2);
	if (basic) {
		mi = num(p + 2, 2);
		p += 4;
	} else {
		if (p[2] != ':')
			return SL_EPARSE;
		mi = num(p + 3, 2);
		p += 5;
	}
	if (hh < 0 || hh > 24 || mi < 0 || mi > 59)
		return SL_EPARSE;

	if (p < end && (basic ? is_digit(*p) : *p == ':')) {
		if (!basic)
			p++;
		if (end - p < 2)
			return SL_EPARSE;
		ss = num(p, 2);
		p += 2;
		if (ss < 0 || ss > 60)
			return SL_EPARSE;
		if (p < end && *p == '.' && !parse_frac(&p, end, &frac, &sub))
			return SL_EPARSE;
	}

	if (p < end) {
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;

			if (end - p < 2)
				return SL_EPARSE;
			oh = num(p, 2);
			p += 2;
			if (p < end) {
				if (*p == ':')
					p++;
				if (end - p < 2)
					return SL_EPARSE;
				om = num(p, 2);
				p += 2;
			}
			if (oh < 0 || oh > 23 || om < 0 || om > 59)
				return SL_EPARSE;
			off = sign * (oh * 60 + om);
		}
		if (p != end)
			return SL_EPARSE;
	}

	if (hh == 24 && (mi || ss || frac || sub))
		return SL_EPARSE;
	if (ss == 60) {
		ss = 59;
		frac = 999;
	}
	*out_ms = day * MS_PER_DAY +
		  (((int64_t)hh * 60 + mi) * 60 + ss) * 1000 + frac -
		  (int64_t)off * 60000;
	return SL_OK;
}

static int parse_epoch(const unsigned char *p, const unsigned char *end,
		       int64_t *out_ms)
{
	/* any integer part beyond this is out of range in either unit */
	const uint64_t big = UINT64_C(10000000000000000);
	uint64_t v = 0;
	int64_t ms;
	int frac = 0;
	bool neg = false, sub = false;
	const unsigned char *q;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (q = p; p < end && is_digit(*p); p++)
		if (v < big)
			v = v * 10 + (*p - '0');
	if (p == q)
		return SL_EPARSE;
	if (p < end && *p == '.' && !parse_frac(&p, end, &frac, &sub))
		return SL_EPARSE;
	if (p != end || v >= big)
		return SL_EPARSE;

	if (v < (uint64_t)EPOCH_MS_FROM) {
		ms = (int64_t)v * 1000 + frac;
	} else {
		ms = (int64_t)v;
		sub |= frac != 0;
	}
	if (neg)
		ms = -ms - sub;
	if (ms < EPOCH_MIN_MS || ms > EPOCH_MAX_MS)
		return SL_EPARSE;
	*out_ms = ms;
	return SL_OK;
}

/* The date of this thread's last parse_iso_ms_z() (y << 9 | m << 5 | d,
 * 0 for none) and its day number. */
static _Thread_local unsigned last_date;
static _Thread_local int64_t last_days;

/* "YYYY-MM-DDTHH:MM:SS.mmmZ", the form most logs write, read in one go
 * (parse_iso() gives the same for it); false for anything else. */
static bool parse_iso_ms_z(const unsigned char *p, int64_t *out_ms)
{
#define D(i) ((unsigned)p[i] - '0')
	unsigned bad, y, m, d, hh, mi, ss, key;

	if (p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':' ||
	    p[19] != '.' || p[23] != 'Z')
		return false;
	bad = (D(0) > 9) | (D(1) > 9) | (D(2) > 9) | (D(3) > 9) | (D(5) > 9) | (D(6) > 9) |
	      (D(8) > 9) | (D(9) > 9) | (D(11) > 9) | (D(12) > 9) | (D(14) > 9) | (D(15) > 9) |
	      (D(17) > 9) | (D(18) > 9) | (D(20) > 9) | (D(21) > 9) | (D(22) > 9);
	if (bad)
		return false;
	y = D(0) * 1000 + D(1) * 100 + D(2) * 10 + D(3);
	m = D(5) * 10 + D(6);
	d = D(8) * 10 + D(9);
	hh = D(11) * 10 + D(12);
	mi = D(14) * 10 + D(15);
	ss = D(17) * 10 + D(18);
	if (y < 1 || m < 1 || m > 12 || d < 1 || hh > 23 || mi > 59 || ss > 59)
		return false;
	if (d > month_days[m] && !(m == 2 && d == 29 && is_leap((int)y)))
		return false;
	if ((key = y << 9 | m << 5 | d) != last_date) { /* times come day after day */
		last_date = key;
		last_days = sl_days_from_civil(y, m, d);
	}
	*out_ms = last_days * MS_PER_DAY +
		  (((int64_t)hh * 60 + mi) * 60 + ss) * 1000 + D(20) * 100 + D(21) * 10 + D(22);
	return true;
#undef D
}

int sl_parse_time(const char *s, size_t n, int64_t *out_ms)
{
	const unsigned char *p, *q, *end;

	if (n == 24 && parse_iso_ms_z((const unsigned char *)s, out_ms))
		return SL_OK;
	trim(&s, &n);
	if (!n)
		return SL_EPARSE;
	p = (const unsigned char *)s;
	end = p + n;
	for (q = p; q < end && is_digit(*q); q++)
		;
	if (q - p == 4 && q < end && *q == '-')
		return parse_iso(p, end, false, out_ms);
	if (q - p == 8 && q < end && (*q == 'T' || *q == 't'))
		return parse_iso(p, end, true, out_ms);
	return parse_epoch(p, end, out_ms);
}

int sl_parse_day(const char *s, size_t n, int64_t *day)
{
	const unsigned char *p;

	trim(&s, &n);
	if (n != 10)
		return SL_EPARSE;
	p = (const unsigned char *)s;
	return parse_date(p, p + n, false, day) ? SL_OK : SL_EPARSE;
}

static inline char *put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* YYYY-MM-DD (no NUL); years outside 0000-9999 as ISO 8601 expanded
 * years (-0001, +10000) through snprintf, which needs the header's 32
 * bytes at most. */
static char *put_date(char *buf, int64_t day)
{
	int64_t y;
	unsigned m, d;

	sl_civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		return buf + snprintf(buf, 32, "%c%04" PRId64 "-%02u-%02u",
				      y < 0 ? '-' : '+', y < 0 ? -y : y, m, d);
	buf = put2(buf, (unsigned)y / 100);
	buf = put2(buf, (unsigned)y % 100);
	*buf++ = '-';
	buf = put2(buf, m);
	*buf++ = '-';
	return put2(buf, d);
}

void sl_format_time(int64_t ms, char *buf)
{
	int64_t rem = ms % MS_PER_DAY;
	unsigned t;
	char *p;

	if (rem < 0)
		rem += MS_PER_DAY;
	t = (unsigned)rem;
	p = put_date(buf, sl_day_of_ms(ms));
	*p++ = 'T';
	p = put2(p, t / 3600000);
	*p++ = ':';
	p = put2(p, t / 60000 % 60);
	*p++ = ':';
	p = put2(p, t / 1000 % 60);
	*p++ = '.';
	*p++ = (char)('0' + t % 1000 / 100);
	p = put2(p, t % 100);
	*p++ = 'Z';
	*p = '\0';
}

void sl_format_day(int64_t day, char *buf)
{
	*put_date(buf, day) = '\0';
}

int sl_parse_bool(const char *s, size_t n, bool *out)
{
	char w[5];

	trim(&s, &n);
	if (!n || n > sizeof(w))
		return SL_EPARSE;
	for (size_t i = 0; i < n; i++)
		w[i] = to_lower((unsigned char)s[i]);
	switch (n) {
	case 1:
		if (w[0] == '1' || w[0] == 't' || w[0] == 'y')
			goto yes;
		if (w[0] == '0' || w[0] == 'f' || w[0] == 'n')
			goto no;
		break;
	case 2:
		if (!memcmp(w, "on", 2))
			goto yes;
		if (!memcmp(w, "no", 2))
			goto no;
		break;
	case 3:
		if (!memcmp(w, "yes", 3))
			goto yes;
		if (!memcmp(w, "off", 3))
			goto no;
		break;
	case 4:
		if (!memcmp(w, "true", 4))
			goto yes;
		break;
	case 5:
		if (!memcmp(w, "false", 5))
			goto no;
		break;
	}
	return SL_EPARSE;
yes:
	*out = true;
	return SL_OK;
no:
	*out = false;
	return SL_OK;
}

/* Magnitude limit of an int64 with the given sign. */
static inline uint64_t i64_limit(bool neg)
{
	return neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
}

static inline int64_t i64_signed(uint64_t v, bool neg)
{
	/* v <= i64_limit(neg); avoids converting 2^63 to int64_t */
	return neg && v ? -(int64_t)(v - 1) - 1 : (int64_t)v;
}

/* The general form: digits [. digits] [e [sign] digits], exact.  The value
 * is the digit string D with the decimal point after pos digits; it is an
 * integer when every digit from pos on is 0. */
static int i64_general(const unsigned char *p, const unsigned char *end,
		       bool neg, int64_t *out)
{
	const unsigned char *ip = p, *fp;
	size_t ilen, flen, ndig;
	int64_t exp = 0, pos;
	uint64_t v = 0, lim = i64_limit(neg);

	while (p < end && is_digit(*p))
		p++;
	ilen = (size_t)(p - ip);
	fp = p;
	if (p < end && *p == '.') {
		fp = ++p;
		while (p < end && is_digit(*p))
			p++;
	}
	flen = (size_t)(p - fp);
	ndig = ilen + flen;
	if (!ndig)
		return SL_EPARSE;
	if (p < end && (*p == 'e' || *p == 'E')) {
		bool eneg = false;
		const unsigned char *ep;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (ep = p; p < end && is_digit(*p); p++)
			if (exp < 1000000)	/* any value beyond is all zeros or overflow */
				exp = exp * 10 + (*p - '0');
		if (p == ep)
			return SL_EPARSE;
		if (eneg)
			exp = -exp;
	}
	if (p != end)
		return SL_EPARSE;

	pos = (int64_t)ilen + exp;
	for (size_t i = 0; i < ndig; i++) {
		unsigned d = (i < ilen ? ip[i] : fp[i - ilen]) - '0';

		if ((int64_t)i >= pos) {
			if (d)
				return SL_EPARSE;
		} else {
			if (v > (lim - d) / 10)
				return SL_EPARSE;
			v = v * 10 + d;
		}
	}
	for (int64_t i = (int64_t)ndig; v && i < pos; i++) {
		if (v > lim / 10)
			return SL_EPARSE;
		v *= 10;
	}
	*out = i64_signed(v, neg);
	return SL_OK;
}

int sl_parse_i64(const char *s, size_t n, int64_t *out)
{
	const unsigned char *p, *q, *end;
	uint64_t v = 0;
	bool neg = false;

	trim(&s, &n);
	p = (const unsigned char *)s;
	end = p + n;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (p == end)
		return SL_EPARSE;
	if (end - p > 18) /* near the limits: the general reader checks them */
		return i64_general(p, end, neg, out);
	for (q = p; q < end; q++) { /* below 10^18: nothing can overflow */
		unsigned d = (unsigned)*q - '0';

		if (d > 9)
			return i64_general(p, end, neg, out);
		v = v * 10 + d;
	}
	*out = i64_signed(v, neg);
	return SL_OK;
}

/* strtod in the C locale whatever the process locale is: a thread's
 * uselocale() changes only that thread, so this is thread-safe. */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static double strtod_c(const char *s, char **endp)
{
	locale_t old = (locale_t)0;
	double v;

	pthread_once(&c_locale_once, c_locale_init);
	if (c_locale)
		old = uselocale(c_locale);
	v = strtod(s, endp);
	if (c_locale)
		uselocale(old);
	return v;
}

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

int sl_parse_f64(const char *s, size_t n, double *out)
{
	const unsigned char *p, *end;
	uint64_t w = 0;
	int64_t scale = 0, exp = 0;
	int sig = 0, ndig = 0;
	bool neg = false;
	char buf[F64_MAX_LEN + 1], *ep;
	double v;

	trim(&s, &n);
	if (!n || n > F64_MAX_LEN)
		return SL_EPARSE;
	p = (const unsigned char *)s;
	end = p + n;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p < end && !is_digit(*p) && *p != '.') {
		size_t len = (size_t)(end - p);

		if (eq_word(p, len, "inf") || eq_word(p, len, "infinity"))
			v = INFINITY;
		else if (eq_word(p, len, "nan"))
			v = NAN;
		else
			return SL_EPARSE;
		*out = neg ? -v : v;
		return SL_OK;
	}

	/* Validate the grammar ourselves (so strtod's locale and its hex
	 * and nan(...) forms never matter) and collect up to 15 significant
	 * digits for the exact fast path. */
	for (; p < end && is_digit(*p); p++, ndig++) {
		unsigned d = *p - '0';

		if ((w || d) && ++sig <= 15)
			w = w * 10 + d;
	}
	if (p < end && *p == '.') {
		for (p++; p < end && is_digit(*p); p++, ndig++) {
			unsigned d = *p - '0';

			scale--;
			if ((w || d) && ++sig <= 15)
				w = w * 10 + d;
		}
	}
	if (!ndig)
		return SL_EPARSE;
	if (p < end && (*p == 'e' || *p == 'E')) {
		const unsigned char *q;
		bool eneg = false;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (q = p; p < end && is_digit(*p); p++)
			if (exp < 100000)
				exp = exp * 10 + (*p - '0');
		if (p == q)
			return SL_EPARSE;
		if (eneg)
			exp = -exp;
	}
	if (p != end)
		return SL_EPARSE;

	/* Clinger's fast path: w < 10^15 < 2^53 and 10^k for k <= 22 are
	 * exact doubles, so one IEEE multiply or divide rounds correctly,
	 * giving the same double as strtod. */
	if (F64_FAST_PATH && sig <= 15) {
		int64_t k = scale + exp;

		if (!w) {
			*out = neg ? -0.0 : 0.0;
			return SL_OK;
		}
		if (k >= -22 && k <= 22) {
			v = (double)w;
			v = k < 0 ? v / pow10_exact[-k] : v * pow10_exact[k];
			*out = neg ? -v : v;
			return SL_OK;
		}
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	v = strtod_c(buf, &ep);
	if (ep != buf + n || isinf(v))
		return SL_EPARSE;
	*out = v;
	return SL_OK;
}

/* UTF-8 (Unicode §3.9, table 3-7).  The length of the well-formed
 * sequence at p, or minus the length of its maximal subpart: the lead
 * byte and the continuation bytes that were still acceptable, each
 * subpart becoming one U+FFFD.  *p >= 0x80, left >= 1. */
static inline int utf8_step(const unsigned char *p, size_t left)
{
	unsigned c = p[0], lo = 0x80, hi = 0xBF;
	int len;

	if (c < 0xC2)		/* continuation byte, or overlong C0/C1 */
		return -1;
	if (c < 0xE0) {
		len = 2;
	} else if (c < 0xF0) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;	/* overlong */
		else if (c == 0xED)
			hi = 0x9F;	/* surrogates */
	} else if (c < 0xF5) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;	/* overlong */
		else if (c == 0xF4)
			hi = 0x8F;	/* > U+10FFFF */
	} else {
		return -1;
	}
	if (left < 2 || p[1] < lo || p[1] > hi)
		return -1;
	for (int i = 2; i < len; i++)
		if ((size_t)i >= left || (p[i] & 0xC0) != 0x80)
			return -i;
	return len;
}

/* The first non-ASCII byte at or after p, or end. */
static inline const unsigned char *skip_ascii(const unsigned char *p,
					      const unsigned char *end)
{
	uint64_t w;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
		p += 8;
	}
	while (p < end && *p < 0x80)
		p++;
	return p;
}

long sl_utf8_sanitize(const char *s, size_t n, struct sl_buf *out)
{
	const unsigned char *p, *end, *run;
	size_t len0 = out->len;
	long bad = 0;

	if (!n)
		return 0;
	/* one allocation for the usual, valid, case */
	if (sl_buf_grow(out, n))
		return SL_ENOMEM;
	p = run = (const unsigned char *)s;
	end = p + n;
	for (;;) {
		int step;

		p = skip_ascii(p, end);
		if (p == end)
			break;
		step = utf8_step(p, (size_t)(end - p));
		if (step > 0) {
			p += step;
			continue;
		}
		if (sl_buf_add(out, run, (size_t)(p - run)) ||
		    sl_buf_add(out, "\xEF\xBF\xBD", 3))
			goto nomem;
		bad++;
		p += -step;
		run = p;
	}
	if (sl_buf_add(out, run, (size_t)(p - run)))
		goto nomem;
	return bad;
nomem:
	/* leave out as it was */
	out->len = len0;
	if (out->data)
		out->data[len0] = '\0';
	return SL_ENOMEM;
}

bool sl_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p, *end;

	if (!n)
		return true;
	p = (const unsigned char *)s;
	end = p + n;
	for (;;) {
		int step;

		p = skip_ascii(p, end);
		if (p == end)
			return true;
		step = utf8_step(p, (size_t)(end - p));
		if (step < 0)
			return false;
		p += step;
	}
}
