/* Unit tests of lib/sl_value.c.  Expected numbers were checked by hand
 * against Python's datetime and bytes.decode('utf-8', 'replace').
 *
 * Every parser is called on an exact-size heap copy of its input (no
 * terminator), so a read past the span shows up under SANITIZE=1. */
#include <check.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_err.h"
#include "sl_value.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DAY_MS INT64_C(86400000)
/* 2024-11-20T10:15:00Z */
#define BASE INT64_C(1732097700000)
#define SENTINEL INT64_C(0x5A5A5A5A5A5A)

/* Every passing ck_assert reports its location to the runner, which is
 * far too slow in loops of 10^5; CHECK calls into Check only on failure. */
#define CHECK(cond, ...)                                                \
	do {                                                            \
		if (!(cond))                                            \
			ck_abort_msg(__VA_ARGS__);                      \
	} while (0)

/* An exact-size, unterminated heap copy of s[0..n). */
static char *dup_span(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	if (n)
		memcpy(p, s, n);
	return p;
}

static int time_n(const char *s, size_t n, int64_t *ms)
{
	char *p = dup_span(s, n);
	int r = sl_parse_time(p, n, ms);

	free(p);
	return r;
}

static int i64_n(const char *s, int64_t *v)
{
	size_t n = strlen(s);
	char *p = dup_span(s, n);
	int r = sl_parse_i64(p, n, v);

	free(p);
	return r;
}

static int f64_n(const char *s, double *v)
{
	size_t n = strlen(s);
	char *p = dup_span(s, n);
	int r = sl_parse_f64(p, n, v);

	free(p);
	return r;
}

static int bool_n(const char *s, size_t n, bool *v)
{
	char *p = dup_span(s, n);
	int r = sl_parse_bool(p, n, v);

	free(p);
	return r;
}

static bool null_n(const char *s, size_t n)
{
	char *p = dup_span(s, n);
	bool r = sl_value_is_null(p, n);

	free(p);
	return r;
}

static bool same_double(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* ---- times ---- */

struct time_case {
	const char *in;
	int64_t ms;
};

static const struct time_case time_ok[] = {
	/* zones */
	{"2024-11-20T10:15:00Z", BASE},
	{"2024-11-20T10:15:00z", BASE},
	{"2024-11-20T10:15:00", BASE},
	{"2024-11-20T10:15:00+00:00", BASE},
	{"2024-11-20T10:15:00-00:00", BASE},
	{"2024-11-20T10:15:00+0000", BASE},
	{"2024-11-20T10:15:00+00", BASE},
	{"2024-11-20T15:45:00+05:30", BASE},
	{"2024-11-20T15:45:00+0530", BASE},
	{"2024-11-20T15:15:00+05", BASE},
	{"2024-11-20T05:15:00-05:00", BASE},
	{"2024-11-20T05:15:00-0500", BASE},
	{"2024-11-20T05:15:00-05", BASE},
	{"2024-11-20T00:45:00-09:30", BASE},
	{"2024-11-21T09:15:00+23:00", BASE},
	{"2024-11-20T10:15:00.123+05:30", BASE + 123 - 19800000},
	/* separators and optional seconds */
	{"2024-11-20t10:15:00Z", BASE},
	{"2024-11-20 10:15:00Z", BASE},
	{"2024-11-20 10:15:00", BASE},
	{"2024-11-20T10:15", BASE},
	{"2024-11-20T10:15Z", BASE},
	{"2024-11-20 10:15+01:00", BASE - 3600000},
	/* fractions of 1-9 digits, truncated to ms */
	{"2024-11-20T10:15:00.1Z", BASE + 100},
	{"2024-11-20T10:15:00.12Z", BASE + 120},
	{"2024-11-20T10:15:00.123Z", BASE + 123},
	{"2024-11-20T10:15:00.1239Z", BASE + 123},
	{"2024-11-20T10:15:00.12399Z", BASE + 123},
	{"2024-11-20T10:15:00.123999Z", BASE + 123},
	{"2024-11-20T10:15:00.1239999", BASE + 123},
	{"2024-11-20T10:15:00.12399999Z", BASE + 123},
	{"2024-11-20T10:15:00.123999999Z", BASE + 123},
	{"2024-11-20T10:15:00.999999999Z", BASE + 999},
	{"2024-11-20T10:15:00.000000001Z", BASE},
	{"2024-11-20T10:15:00.0Z", BASE},
	{"2024-11-20 10:15:00.5", BASE + 500},
	/* date only */
	{"2024-11-20", INT64_C(1732060800000)},
	{"1970-01-01", 0},
	{"1969-12-31", -DAY_MS},
	/* basic format */
	{"20241120T101500Z", BASE},
	{"20241120t101500z", BASE},
	{"20241120T101500", BASE},
	{"20241120T1015", BASE},
	{"20241120T1015Z", BASE},
	{"20241120T101500.5Z", BASE + 500},
	{"20241120T101500.123456789", BASE + 123},
	{"20241120T154500+0530", BASE},
	{"20241120T154500+05:30", BASE},
	{"20241120T051500-05", BASE},
	/* calendar */
	{"2024-02-29", INT64_C(1709164800000)},
	{"2000-02-29", INT64_C(951782400000)},
	{"1900-01-01", INT64_C(-2208988800000)},
	{"1900-03-01", INT64_C(-25508) * DAY_MS},
	{"0001-01-01T00:00:00Z", INT64_C(-62135596800000)},
	{"9999-12-31T23:59:59.999Z", INT64_C(253402300799999)},
	{"1970-01-01T00:00:00Z", 0},
	{"1969-12-31T23:59:59.999Z", -1},
	{"1970-01-01T00:00:00+14:00", -50400000},
	{"2024-12-31T23:30:00-01:00", INT64_C(1735691400000)},
	{"2024-03-01T00:30:00+01:00", INT64_C(1709249400000)},
	/* end of day and leap second */
	{"2024-11-20T24:00:00Z", INT64_C(1732147200000)},
	{"2024-11-20T24:00", INT64_C(1732147200000)},
	{"2024-11-20T24:00:00.000000000", INT64_C(1732147200000)},
	{"2024-12-31T24:00:00Z", INT64_C(1735689600000)},
	{"2016-12-31T23:59:60Z", INT64_C(1483228799999)},
	{"2016-12-31T23:59:60.5Z", INT64_C(1483228799999)},
	{"2017-01-01T00:59:60+01:00", INT64_C(1483228799999)},
	/* blanks */
	{"  2024-11-20T10:15:00Z", BASE},
	{"2024-11-20T10:15:00Z \t\r\n", BASE},
	{"\t2024-11-20 10:15:00 ", BASE},
	/* epoch seconds (magnitude < 1e11) */
	{"0", 0},
	{"-0", 0},
	{"1", 1000},
	{"1700000000", INT64_C(1700000000000)},
	{"+1700000000", INT64_C(1700000000000)},
	{" 1700000000 ", INT64_C(1700000000000)},
	{"1700000000.123", INT64_C(1700000000123)},
	{"1700000000.5", INT64_C(1700000000500)},
	{"1700000000.1239", INT64_C(1700000000123)},
	{"1700000000.999999999", INT64_C(1700000000999)},
	{"1732097700", BASE},
	{"20241120", INT64_C(20241120000)},
	{"99999999999", INT64_C(99999999999000)},
	{"99999999999.999", INT64_C(99999999999999)},
	{"000000000001", 1000},
	{"-1", -1000},
	{"-1.5", -1500},
	{"-1.0005", -1001},
	{"-1.0000", -1000},
	{"-0.0001", -1},
	{"-86400", -DAY_MS},
	{"-62135596800", INT64_C(-62135596800000)},
	{"-2208988800", INT64_C(-2208988800000)},
	/* epoch milliseconds (magnitude >= 1e11) */
	{"100000000000", INT64_C(100000000000)},
	{"1732097700000", BASE},
	{"1732097700123", BASE + 123},
	{"1732097700123.9", BASE + 123},
	{"-100000000000", INT64_C(-100000000000)},
	{"-1732097700000.5", -BASE - 1},
	{"-1732097700000.0", -BASE},
	{"253402300799", INT64_C(253402300799)},
	{"253402300799999", INT64_C(253402300799999)},
	{"-62135596800000", INT64_C(-62135596800000)},
};

static const char *const time_bad[] = {
	"", " ", "\t\r\n",
	/* ranges */
	"2024-13-01", "2024-00-10", "2024-11-32", "2024-11-00", "2024-04-31",
	"2023-02-29", "1900-02-29", "2100-02-29", "0000-01-01", "2024-02-30", "2000-02-31",
	"2024-11-20T25:00:00", "2024-11-20T24:00:01", "2024-11-20T24:01",
	"2024-11-20T24:00:00.001", "2024-11-20T24:00:00.0000001",
	"2024-11-20T10:60:00", "2024-11-20T10:15:61", "2024-11-20T10:15:99",
	"20241320T101500Z", "20241120T251500Z", "20241120T106000",
	/* shape */
	"2024-11-20T10:15:00Zjunk", "2024-11-20T10:15:00ZZ", "2024-11-20x",
	"2024-11-20T10:15:00 Z", "2024-11-20T10:15:00 +01:00",
	"2024-11-20T10:15:00.", "2024-11-20T10:15:00.Z",
	"2024-11-20T10:15:00.1234567890Z", "2024-11-20T10:15:00,123Z",
	"2024-11-20T10:15.5", "2024-11-20T10", "2024-11-20T10:", "2024-11-20T10:1",
	"2024-11-20T10:15:", "2024-11-20T10:15:0", "2024-11-20T", "2024-11-20 Z",
	"2024-11-20  10:15:00", "2024-11-20X10:15:00", "2024-11-20_10:15:00",
	"2024-1-20", "2024-11-2", "24-11-20", "02024-11-20", "2024/11/20",
	"2024-11-20Z", "2024-11-20+01:00", "2024-11-20T1015", "2024-11-20T10:1500",
	"20241120T10:15:00", "20241120 101500", "20241120T10", "20241120T101",
	"20241120T10150", "2024112T101500", "+2024-11-20", "-2024-11-20",
	"２０２４-11-20",
	/* zones */
	"2024-11-20T10:15:00+5:30", "2024-11-20T10:15:00+05:3",
	"2024-11-20T10:15:00+053", "2024-11-20T10:15:00+5",
	"2024-11-20T10:15:00+24:00", "2024-11-20T10:15:00+05:60",
	"2024-11-20T10:15:00+05:30:00", "2024-11-20T10:15:00-",
	"2024-11-20T10:15:00+", "2024-11-20T10:15:00+05:", "2024-11-20T10:15:00UTC",
	"2024-11-20T10:15:00 UTC", "2024-11-20T10:15:00GMT", "2024-11-20T10:15:00A",
	/* epochs */
	"-", "+", "--1", "+-1", "1.", ".5", "-.5", "1e9", "1E9", "0x10", "1 000",
	"1,5", "1700000000,5", "1700000000.1234567891", "1700000000.",
	"1700000000.5.5", "99999999999999999999", "9223372036854775807",
	"-9223372036854775808", "18446744073709551617",
	"253402300800000", "253402300800000.0", "-62135596801", "-62135596800001",
	"-99999999999", "1700000000Z", "1700000000 s", "NaN", "null", "abc",
	"T10:15:00", "10:15:00",
};

START_TEST(test_time_ok)
{
	const struct time_case *c = &time_ok[_i];
	int64_t ms = SENTINEL;
	int r = time_n(c->in, strlen(c->in), &ms);

	ck_assert_msg(r == SL_OK, "'%s' rejected (%d)", c->in, r);
	ck_assert_msg(ms == c->ms, "'%s' -> %" PRId64 ", want %" PRId64,
		      c->in, ms, c->ms);
}
END_TEST

START_TEST(test_time_bad)
{
	const char *in = time_bad[_i];
	int64_t ms = SENTINEL;
	int r = time_n(in, strlen(in), &ms);

	ck_assert_msg(r == SL_EPARSE, "'%s' accepted (%d) as %" PRId64,
		      in, r, ms);
	ck_assert_msg(ms == SENTINEL, "'%s': output written on error", in);
}
END_TEST

/* The one-go reading of "YYYY-MM-DDTHH:MM:SS.mmmZ" against the general
 * path (which a trailing blank sends the same text through): hand-picked
 * edges, then 50,000 mutations of the form. */
static void same_as_general(const char *t)
{
	char padded[32];
	int64_t a = -1, b = -1;
	int ra, rb;

	snprintf(padded, sizeof(padded), "%s ", t);
	ra = sl_parse_time(t, 24, &a);
	rb = sl_parse_time(padded, 25, &b);
	ck_assert_msg(ra == rb && (ra || a == b), "'%s': %d %lld vs %d %lld", t, ra,
		      (long long)a, rb, (long long)b);
}

START_TEST(test_time_fast_form)
{
	static const char *const edges[] = {
		"2026-01-01T00:01:17.288Z", "2024-02-29T23:59:59.999Z", "2023-02-29T00:00:00.000Z",
		"2026-13-01T00:00:00.000Z", "2026-00-10T00:00:00.000Z", "2026-04-31T00:00:00.000Z",
		"2026-04-30T24:00:00.000Z", "2026-04-30T23:60:00.000Z", "2026-04-30T23:59:60.000Z",
		"0000-01-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z",
		"2026-01-01 00:01:17.288Z", "2026-01-01T00:01:17,288Z", "2026-01-01T00:01:17.288z",
		"2026-01-01T00:01:17.28aZ", "2026/01/01T00:01:17.288Z", "2026-01-01T00:01:17.288+",
	};
	const char digits_and_more[] = "0123456789:-.TZ /+a";
	unsigned seed = 7;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		same_as_general(edges[i]);
	for (int i = 0; i < 50000; i++) {
		char t[25];

		memcpy(t, "2026-06-15T12:34:56.789Z", 25);
		for (int k = 0; k < 1 + i % 3; k++) {
			seed = seed * 1103515245u + 12345u;
			t[(seed >> 8) % 24] = digits_and_more[(seed >> 16) % (sizeof(digits_and_more) - 1)];
		}
		same_as_general(t);
	}
}
END_TEST

START_TEST(test_time_span)
{
	/* only s[0..n) counts: what follows is never read as part of it */
	const char *s = "2024-11-20T10:15:00Zjunk";
	int64_t ms = SENTINEL;

	ck_assert_int_eq(time_n(s, 20, &ms), SL_OK);
	ck_assert(ms == BASE);
	ck_assert_int_eq(time_n("2024-11-20T10:15:00.1239", 21, &ms), SL_OK);
	ck_assert(ms == BASE + 100);
	ck_assert_int_eq(time_n("1700000000123", 10, &ms), SL_OK);
	ck_assert(ms == INT64_C(1700000000000));
	ck_assert_int_eq(time_n("2024-11-20T10:15:00", 16, &ms), SL_OK);
	ck_assert(ms == BASE);
	ck_assert_int_eq(time_n("2024-11-20T10:15:00", 13, &ms), SL_EPARSE);
	ck_assert_int_eq(time_n("2024-11-20\0", 11, &ms), SL_EPARSE);
	ck_assert_int_eq(time_n("17\0", 3, &ms), SL_EPARSE);
	ck_assert_int_eq(time_n("", 0, &ms), SL_EPARSE);
	ck_assert_int_eq(sl_parse_time(NULL, 0, &ms), SL_EPARSE);
	ck_assert(ms == BASE);
}
END_TEST

START_TEST(test_time_epoch_boundary)
{
	int64_t ms;

	/* 1e11 - 1 is still seconds; 1e11 is milliseconds */
	ck_assert_int_eq(time_n("99999999999", 11, &ms), SL_OK);
	ck_assert(ms == INT64_C(99999999999000));
	ck_assert_int_eq(time_n("100000000000", 12, &ms), SL_OK);
	ck_assert(ms == INT64_C(100000000000));
	ck_assert_int_eq(time_n("-99999999", 9, &ms), SL_OK);
	ck_assert(ms == INT64_C(-99999999000));
	ck_assert_int_eq(time_n("-100000000000", 13, &ms), SL_OK);
	ck_assert(ms == INT64_C(-100000000000));
	/* the same instant both ways */
	ck_assert_int_eq(time_n("1732097700", 10, &ms), SL_OK);
	ck_assert(ms == BASE);
	ck_assert_int_eq(time_n("1732097700000", 13, &ms), SL_OK);
	ck_assert(ms == BASE);
}
END_TEST

/* xorshift64: fixed seed, so a failure reproduces */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

START_TEST(test_time_roundtrip)
{
	/* 1900-01-01T00:00:00Z .. 2201-01-01T00:00:00Z */
	const int64_t lo = INT64_C(-2208988800000), hi = INT64_C(7289654400000);
	char buf[32];

	rng_state = UINT64_C(0x9E3779B97F4A7C15);
	for (int i = 0; i < 100000; i++) {
		int64_t ms = lo + (int64_t)(rng() % (uint64_t)(hi - lo)), back = 0;

		sl_format_time(ms, buf);
		CHECK(strlen(buf) == 24, "%" PRId64 " -> '%s'", ms, buf);
		CHECK(sl_parse_time(buf, 24, &back) == SL_OK, "'%s' rejected", buf);
		CHECK(back == ms, "%" PRId64 " -> '%s' -> %" PRId64, ms, buf, back);
		/* and through the space separator, zone dropped */
		buf[10] = ' ';
		back = 0;
		CHECK(sl_parse_time(buf, 23, &back) == SL_OK && back == ms,
		      "'%.23s' -> %" PRId64, buf, back);
	}
}
END_TEST

/* ---- calendar and formatting ---- */

START_TEST(test_civil_anchors)
{
	ck_assert(sl_days_from_civil(1970, 1, 1) == 0);
	ck_assert(sl_days_from_civil(1969, 12, 31) == -1);
	ck_assert(sl_days_from_civil(2000, 3, 1) == 11017);
	ck_assert(sl_days_from_civil(2024, 11, 20) == 20047);
	ck_assert(sl_days_from_civil(1900, 3, 1) == -25508);
	ck_assert(sl_days_from_civil(1600, 1, 1) == -135140);
	ck_assert(sl_days_from_civil(2400, 12, 31) == 157419);
	ck_assert(sl_days_from_civil(1, 1, 1) == -719162);
	ck_assert(sl_days_from_civil(9999, 12, 31) == 2932896);
	/* the algorithm's own epoch, and proleptic years before 1 */
	ck_assert(sl_days_from_civil(0, 3, 1) == -719468);
	ck_assert(sl_days_from_civil(0, 2, 29) == -719469);
	ck_assert(sl_days_from_civil(-1, 12, 31) == -719529);
}
END_TEST

static bool test_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

START_TEST(test_civil_every_day)
{
	static const unsigned mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int64_t z = -135140;	/* 1600-01-01 */

	for (int64_t y = 1600; y <= 2400; y++) {
		for (unsigned m = 1; m <= 12; m++) {
			unsigned last = mdays[m - 1] + (m == 2 && test_leap(y));

			for (unsigned d = 1; d <= last; d++, z++) {
				int64_t yy;
				unsigned mm, dd;

				CHECK(sl_days_from_civil(y, m, d) == z,
				      "%" PRId64 "-%02u-%02u", y, m, d);
				sl_civil_from_days(z, &yy, &mm, &dd);
				CHECK(yy == y && mm == m && dd == d,
				      "%" PRId64 " -> %" PRId64 "-%02u-%02u",
				      z, yy, mm, dd);
			}
		}
	}
	ck_assert(z == 157419 + 1);
}
END_TEST

/* Far from the epoch: no overflow (UBSan watches), and the right date.
 * Expected values from the 400-year period: z = 146097 q + r is the date
 * of day r, 400 q years later. */
START_TEST(test_civil_extremes)
{
	static const struct {
		int64_t z, y;
		unsigned m, d;
	} c[] = {
		{INT64_MAX, INT64_C(25252734927768524), 7, 27},
		{INT64_MIN, INT64_C(-25252734927764585), 6, 7},
		{INT64_MAX - 719468, INT64_C(25252734927766554), 9, 25},
		{INT64_C(1000000000000), INT64_C(2737908976), 12, 27},
		{INT64_C(-1000000000000), INT64_C(-2737905037), 1, 5},
		{-719468, 0, 3, 1},
		{-719469, 0, 2, 29},
		{-719529, -1, 12, 31},
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		int64_t y;
		unsigned m, d;

		sl_civil_from_days(c[i].z, &y, &m, &d);
		ck_assert_msg(y == c[i].y && m == c[i].m && d == c[i].d,
			      "%" PRId64 " -> %" PRId64 "-%02u-%02u",
			      c[i].z, y, m, d);
		if (c[i].z > -INT64_C(1000000000000000) &&
		    c[i].z < INT64_C(1000000000000000))
			ck_assert(sl_days_from_civil(y, m, d) == c[i].z);
	}
}
END_TEST

START_TEST(test_day_of_ms)
{
	ck_assert(sl_day_of_ms(0) == 0);
	ck_assert(sl_day_of_ms(1) == 0);
	ck_assert(sl_day_of_ms(DAY_MS - 1) == 0);
	ck_assert(sl_day_of_ms(DAY_MS) == 1);
	ck_assert(sl_day_of_ms(-1) == -1);
	ck_assert(sl_day_of_ms(-DAY_MS) == -1);
	ck_assert(sl_day_of_ms(-DAY_MS - 1) == -2);
	ck_assert(sl_day_of_ms(BASE) == 20047);
	ck_assert(sl_day_of_ms(INT64_C(-2208988800000)) == -25567);
	ck_assert(sl_day_of_ms(INT64_MAX) == INT64_C(106751991167));
	ck_assert(sl_day_of_ms(INT64_MIN) == INT64_C(-106751991168));
}
END_TEST

struct fmt_case {
	int64_t v;
	const char *want;
};

static const struct fmt_case fmt_time_cases[] = {
	{0, "1970-01-01T00:00:00.000Z"},
	{1, "1970-01-01T00:00:00.001Z"},
	{-1, "1969-12-31T23:59:59.999Z"},
	{-DAY_MS, "1969-12-31T00:00:00.000Z"},
	{-DAY_MS - 1, "1969-12-30T23:59:59.999Z"},
	{BASE + 123, "2024-11-20T10:15:00.123Z"},
	{BASE + 7, "2024-11-20T10:15:00.007Z"},
	{BASE + 50, "2024-11-20T10:15:00.050Z"},
	{INT64_C(1709164800000), "2024-02-29T00:00:00.000Z"},
	{INT64_C(1483228799999), "2016-12-31T23:59:59.999Z"},
	{INT64_C(-2208988800000), "1900-01-01T00:00:00.000Z"},
	{INT64_C(-2208988800001), "1899-12-31T23:59:59.999Z"},
	{INT64_C(-62135596800000), "0001-01-01T00:00:00.000Z"},
	{INT64_C(253402300799999), "9999-12-31T23:59:59.999Z"},
	/* outside 0001-9999: ISO 8601 expanded years, still < 32 bytes */
	{INT64_C(-62135596800001), "0000-12-31T23:59:59.999Z"},
	{INT64_C(-62167219200001), "-0001-12-31T23:59:59.999Z"},
	{INT64_C(253402300800000), "+10000-01-01T00:00:00.000Z"},
	{INT64_MAX, "+292278994-08-17T07:12:55.807Z"},
	{INT64_MIN, "-292275055-05-16T16:47:04.192Z"},
};

START_TEST(test_format_time)
{
	const struct fmt_case *c = &fmt_time_cases[_i];
	char buf[32];

	memset(buf, 'x', sizeof(buf));
	sl_format_time(c->v, buf);
	ck_assert_str_eq(buf, c->want);
}
END_TEST

static const struct fmt_case fmt_day_cases[] = {
	{0, "1970-01-01"},
	{-1, "1969-12-31"},
	{20047, "2024-11-20"},
	{-25508, "1900-03-01"},
	{-135140, "1600-01-01"},
	{157419, "2400-12-31"},
	{-719162, "0001-01-01"},
	{2932896, "9999-12-31"},
	{-719529, "-0001-12-31"},
	{2932897, "+10000-01-01"},
};

START_TEST(test_format_day)
{
	const struct fmt_case *c = &fmt_day_cases[_i];
	char buf[32];

	memset(buf, 'x', sizeof(buf));
	sl_format_day(c->v, buf);
	ck_assert_str_eq(buf, c->want);
}
END_TEST

START_TEST(test_parse_day)
{
	static const char *const bad[] = {
		"", " ", "2024-11-20T00:00", "2024-11-20Z", "20241120",
		"2024-02-30", "2023-02-29", "2024-13-01", "2024-11-2",
		"2024-11-200", "0000-01-01", "2024/11/20", "1732060800",
	};
	int64_t day = SENTINEL;

	ck_assert_int_eq(sl_parse_day("2024-11-20", 10, &day), SL_OK);
	ck_assert(day == 20047);
	ck_assert_int_eq(sl_parse_day(" 1970-01-01\t", 12, &day), SL_OK);
	ck_assert(day == 0);
	ck_assert_int_eq(sl_parse_day("1969-12-31", 10, &day), SL_OK);
	ck_assert(day == -1);
	ck_assert_int_eq(sl_parse_day("2024-02-29", 10, &day), SL_OK);
	ck_assert(day == 19782);
	ck_assert_int_eq(sl_parse_day("0001-01-01", 10, &day), SL_OK);
	ck_assert(day == -719162);
	ck_assert_int_eq(sl_parse_day("2024-11-20junk", 10, &day), SL_OK);
	ck_assert(day == 20047);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *p = dup_span(bad[i], strlen(bad[i]));

		day = SENTINEL;
		ck_assert_msg(sl_parse_day(p, strlen(bad[i]), &day) == SL_EPARSE,
			      "'%s' accepted", bad[i]);
		ck_assert(day == SENTINEL);
		free(p);
	}
	/* a formatted day parses back, over the whole range */
	for (int64_t z = -719162; z <= 2932896; z += 7) {
		char buf[32];

		sl_format_day(z, buf);
		CHECK(sl_parse_day(buf, strlen(buf), &day) == SL_OK && day == z,
		      "'%s' -> %" PRId64 ", want %" PRId64, buf, day, z);
	}
}
END_TEST

/* ---- null and bool ---- */

START_TEST(test_null)
{
	static const char *const yes[] = {
		"", " ", "\t \r\n", "null", "NULL", "Null", "None", "\\N",
		" null ", "\tNone\r\n", " \\N ",
	};
	static const char *const no[] = {
		"nan", "NaN", "NAN", "nUll", "nULL", "NONE", "nil", "0", "\\n",
		"N", "\\", "null1", "nul", "\"\"", "''", "-", "n/a", "NA",
		"null null", "\\N\\N", "false",
	};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		ck_assert_msg(null_n(yes[i], strlen(yes[i])), "'%s'", yes[i]);
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		ck_assert_msg(!null_n(no[i], strlen(no[i])), "'%s'", no[i]);
	ck_assert(sl_value_is_null(NULL, 0));
	ck_assert(null_n("nullx", 4));
	ck_assert(!null_n("null\0", 5));
}
END_TEST

START_TEST(test_bool)
{
	static const char *const t[] = {
		"true", "TRUE", "True", "tRuE", "1", "yes", "YES", "Yes", "yEs",
		"t", "T", "y", "Y", "on", "ON", "On", "oN", " true ", "\ttrue\r\n",
	};
	static const char *const f[] = {
		"false", "FALSE", "False", "fAlSe", "0", "no", "NO", "No", "nO",
		"f", "F", "n", "N", "off", "OFF", "Off", "oFf", " 0 ", "no\r\n",
	};
	static const char *const bad[] = {
		"", " ", "2", "-1", "+1", "01", "10", "00", "1.0", "tru", "truee",
		"true1", "yess", "ye", "of", "offf", "nope", "enabled", "t rue",
		"on1", "o", "x", "\xc3\xa9", "null", "none", "nan", "ja",
	};
	bool v;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		v = false;
		ck_assert_msg(bool_n(t[i], strlen(t[i]), &v) == SL_OK, "'%s'", t[i]);
		ck_assert_msg(v, "'%s' read as false", t[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		v = true;
		ck_assert_msg(bool_n(f[i], strlen(f[i]), &v) == SL_OK, "'%s'", f[i]);
		ck_assert_msg(!v, "'%s' read as true", f[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		v = true;
		ck_assert_msg(bool_n(bad[i], strlen(bad[i]), &v) == SL_EPARSE,
			      "'%s' accepted", bad[i]);
		ck_assert(v);
		v = false;
		ck_assert_int_eq(bool_n(bad[i], strlen(bad[i]), &v), SL_EPARSE);
		ck_assert(!v);
	}
	ck_assert_int_eq(bool_n("truex", 4, &v), SL_OK);
	ck_assert(v);
	ck_assert_int_eq(bool_n("tr\0e", 4, &v), SL_EPARSE);
}
END_TEST

/* ---- integers ---- */

struct i64_case {
	const char *in;
	int64_t v;
};

static const struct i64_case i64_ok[] = {
	{"0", 0}, {"-0", 0}, {"+0", 0}, {"42", 42}, {"-42", -42}, {"+42", 42},
	{" 7 ", 7}, {"\t-7\r\n", -7}, {"007", 7}, {"-007", -7},
	{"9223372036854775807", INT64_MAX},
	{"+9223372036854775807", INT64_MAX},
	{"-9223372036854775808", INT64_MIN},
	{"-9223372036854775807", -INT64_MAX},
	{"000000000000000000000009223372036854775807", INT64_MAX},
	{"1732097700000", BASE},
	/* integral numbers written with a fraction or exponent */
	{"12.0", 12}, {"12.000", 12}, {"-12.0", -12}, {"12.", 12}, {"+12.0", 12},
	{".0", 0}, {"-0.0", 0}, {"0.000", 0},
	{"1e3", 1000}, {"1E3", 1000}, {"1e+3", 1000}, {"1e0", 1},
	{"1e-0", 1}, {"1.5e1", 15}, {"-2.5e2", -250}, {"100e-2", 1},
	{"1200e-2", 12}, {"0e999999999999", 0}, {"0.0e5", 0}, {"0e-5", 0},
	{"1.000e3", 1000}, {"12.50e1", 125}, {".5e1", 5},
	{"9.223372036854775807e18", INT64_MAX},
	{"-9.223372036854775808e18", INT64_MIN},
	{"9223372036854775807.000", INT64_MAX},
	{"-9223372036854775808.0", INT64_MIN},
	{"92233720368547758070e-1", INT64_MAX},
	{"100000000000000000000e-2", INT64_C(1000000000000000000)},
	{"1e18", INT64_C(1000000000000000000)},
	/* 18 digits (no overflow check) and 19 (checked) */
	{"999999999999999999", INT64_C(999999999999999999)},
	{"-999999999999999999", -INT64_C(999999999999999999)},
	{"1000000000000000000", INT64_C(1000000000000000000)},
	{"-1000000000000000001", -INT64_C(1000000000000000001)},
};

static const char *const i64_bad[] = {
	"", " ", "+", "-", "--1", "+-1", "-+1",
	"9223372036854775808", "-9223372036854775809", "+9223372036854775808",
	"99999999999999999999", "18446744073709551616", "1e19", "-1e19",
	"9.3e18", "9.223372036854775808e18", "-9.223372036854775809e18",
	"9223372036854775807.1", "1e999999999999999999999",
	"1e99999999999999999999999999999999",
	"12.5", "1e-3", "1.5", "-0.5", "0.1", "12.0001", "15e-1",
	"abc", "12a", "a12", "1 2", "0x10", "0b1", "1e", "1e+", "1e-", ".", "e3",
	"-.", ".e1", "nan", "inf", "-inf", "1,000", "1_000", "12.0.0", "1e3.0",
	"1e3e3", "1.5%", "12%", "\xd9\xa1", "null",
};

START_TEST(test_i64_ok)
{
	const struct i64_case *c = &i64_ok[_i];
	int64_t v = SENTINEL;
	int r = i64_n(c->in, &v);

	ck_assert_msg(r == SL_OK, "'%s' rejected (%d)", c->in, r);
	ck_assert_msg(v == c->v, "'%s' -> %" PRId64 ", want %" PRId64,
		      c->in, v, c->v);
}
END_TEST

START_TEST(test_i64_bad)
{
	const char *in = i64_bad[_i];
	int64_t v = SENTINEL;
	int r = i64_n(in, &v);

	ck_assert_msg(r == SL_EPARSE, "'%s' accepted (%d) as %" PRId64,
		      in, r, v);
	ck_assert(v == SENTINEL);
}
END_TEST

START_TEST(test_i64_span)
{
	int64_t v;
	char buf[32];

	ck_assert_int_eq(sl_parse_i64("12345", 3, &v), SL_OK);
	ck_assert(v == 123);
	ck_assert_int_eq(sl_parse_i64("12.05", 4, &v), SL_OK);
	ck_assert(v == 12);
	ck_assert_int_eq(sl_parse_i64("1\0", 2, &v), SL_EPARSE);
	ck_assert_int_eq(sl_parse_i64(NULL, 0, &v), SL_EPARSE);
	/* every value near the limits, both ways */
	for (int64_t d = 0; d < 1000; d++) {
		int64_t a = INT64_MAX - d, b = INT64_MIN + d;

		snprintf(buf, sizeof(buf), "%" PRId64, a);
		CHECK(i64_n(buf, &v) == SL_OK && v == a, "'%s'", buf);
		snprintf(buf, sizeof(buf), "%" PRId64, b);
		CHECK(i64_n(buf, &v) == SL_OK && v == b, "'%s'", buf);
	}
	/* pseudo-random values through printf */
	rng_state = 12345;
	for (int i = 0; i < 20000; i++) {
		int64_t a = (int64_t)(rng() >> (1 + rng() % 63));

		if (i & 1)
			a = -a;
		snprintf(buf, sizeof(buf), "%" PRId64, a);
		CHECK(i64_n(buf, &v) == SL_OK && v == a, "'%s'", buf);
	}
}
END_TEST

/* ---- floating point ---- */

struct f64_case {
	const char *in;
	double v;
};

static const struct f64_case f64_ok[] = {
	{"0", 0.0}, {"1", 1.0}, {"-1", -1.0}, {"+1", 1.0}, {"1e-3", 0.001},
	{"1E-3", 0.001}, {"-0.5", -0.5}, {".5", 0.5}, {"-.5", -0.5},
	{"5.", 5.0}, {"2.5", 2.5}, {" 2.5 ", 2.5}, {"\t2.5\r\n", 2.5},
	{"1e3", 1000.0}, {"1E+3", 1000.0}, {"+1.5", 1.5}, {"123.45", 123.45},
	{"0.1", 0.1}, {"0.3", 0.3}, {"100", 100.0}, {"0.000001", 1e-6},
	{"1e22", 1e22}, {"1e23", 1e23}, {"1e-22", 1e-22}, {"1e-23", 1e-23},
	{"3.141592653589793", 3.141592653589793},
	{"2.718281828459045235360287", 2.718281828459045},
	{"123456789012345", 123456789012345.0},
	{"1234567890123456", 1234567890123456.0},
	{"9007199254740993", 9007199254740992.0},
	{"123456789012345678901234567890", 1.2345678901234568e+29},
	{"1.7976931348623157e308", 1.7976931348623157e308},
	{"2.2250738585072014e-308", 2.2250738585072014e-308},
	{"4.9e-324", 4.9e-324}, {"1e-400", 0.0}, {"0e999", 0.0},
	{"0.00000000000000000000000000000000000000000001", 1e-44},
	{"00000000000000000000000000000000000000000000012.5", 12.5},
	{"12.500000000000000000000000000000000000000000000", 12.5},
	{"1732097700.123", 1732097700.123},
	{"-2.5e-3", -0.0025}, {"6.02214076e23", 6.02214076e23},
	{"inf", INFINITY}, {"INF", INFINITY}, {"Inf", INFINITY},
	{"+inf", INFINITY}, {"-inf", -INFINITY}, {"-INF", -INFINITY},
	{"infinity", INFINITY}, {"Infinity", INFINITY},
	{"-INFINITY", -INFINITY},
};

static const char *const f64_bad[] = {
	"", " ", "+", "-", ".", "-.", "e5", ".e5", "1e", "1e+", "1e-", "1,5",
	"1.5%", "50%", "abc", "1.5.5", "1 5", "1e5.5", "1e5e5", "--1", "+-1",
	"0x1p3", "0x10", "0X1A", "nan(123)", "nan()", "infinit", "infinityy",
	"in", "na", "nana", "-nanx", "1e999", "-1e999", "1.8e308",
	"1.5f", "1.5d", "1_000.5", "١.٥", "null", "true", "1.5 x", "x1.5",
};

START_TEST(test_f64_ok)
{
	const struct f64_case *c = &f64_ok[_i];
	double v = 12345.0;
	int r = f64_n(c->in, &v);

	ck_assert_msg(r == SL_OK, "'%s' rejected (%d)", c->in, r);
	ck_assert_msg(same_double(v, c->v), "'%s' -> %.17g, want %.17g",
		      c->in, v, c->v);
}
END_TEST

START_TEST(test_f64_bad)
{
	const char *in = f64_bad[_i];
	double v = 12345.0;
	int r = f64_n(in, &v);

	ck_assert_msg(r == SL_EPARSE, "'%s' accepted (%d) as %.17g", in, r, v);
	ck_assert(v == 12345.0);
}
END_TEST

START_TEST(test_f64_special)
{
	static const char *const nans[] = {
		"nan", "NaN", "NAN", "nAn", "+nan", " nan ",
	};
	/* the longest accepted spelling, and one character more */
	static const char *const longest =
		"0.00000000000000000000000000000000000000000000000000000000000001";
	static const char *const too_long =
		"0.000000000000000000000000000000000000000000000000000000000000001";
	double v;

	for (size_t i = 0; i < ARRAY_SIZE(nans); i++) {
		v = 0;
		ck_assert_int_eq(f64_n(nans[i], &v), SL_OK);
		ck_assert_msg(isnan(v) && !signbit(v), "'%s'", nans[i]);
	}
	ck_assert_int_eq(f64_n("-nan", &v), SL_OK);
	ck_assert(isnan(v) && signbit(v));
	ck_assert_int_eq(f64_n("-0", &v), SL_OK);
	ck_assert(v == 0 && signbit(v));
	ck_assert_int_eq(f64_n("-0.0e10", &v), SL_OK);
	ck_assert(v == 0 && signbit(v));
	ck_assert_int_eq(f64_n("0.0", &v), SL_OK);
	ck_assert(v == 0 && !signbit(v));
	ck_assert_int_eq(f64_n("-1e-400", &v), SL_OK);
	ck_assert(v == 0 && signbit(v));
	ck_assert_uint_eq(strlen(longest), 64);
	ck_assert_int_eq(f64_n(longest, &v), SL_OK);
	ck_assert(same_double(v, 1e-62));
	ck_assert_uint_eq(strlen(too_long), 65);
	v = 12345.0;
	ck_assert_int_eq(f64_n(too_long, &v), SL_EPARSE);
	ck_assert(v == 12345.0);
	/* the 64-character limit applies after trimming */
	{
		char buf[80];

		snprintf(buf, sizeof(buf), "   %s   ", longest);
		ck_assert_int_eq(f64_n(buf, &v), SL_OK);
	}
	ck_assert_int_eq(sl_parse_f64("2.5e3", 3, &v), SL_OK);
	ck_assert(v == 2.5);
	ck_assert_int_eq(sl_parse_f64("2.5\0", 4, &v), SL_EPARSE);
	ck_assert_int_eq(sl_parse_f64(NULL, 0, &v), SL_EPARSE);
}
END_TEST

/* The fast path must give strtod's exactly rounded double: compare bit
 * patterns over random decimal spellings (this process is in the C
 * locale, so the reference strtod reads '.'). */
START_TEST(test_f64_vs_strtod)
{
	char buf[80];

	rng_state = UINT64_C(0xD1B54A32D192ED03);
	for (int i = 0; i < 200000; i++) {
		int ndig = 1 + (int)(rng() % 19), point = (int)(rng() % (ndig + 1));
		int exp = (int)(rng() % 81) - 40, k = 0;
		double got = 0, want;
		char *end;

		if (rng() & 1)
			buf[k++] = '-';
		for (int j = 0; j < ndig; j++) {
			if (j == point && (rng() & 1))
				buf[k++] = '.';
			buf[k++] = (char)('0' + rng() % 10);
		}
		if (rng() % 3)
			k += snprintf(buf + k, sizeof(buf) - (size_t)k, "e%d", exp);
		buf[k] = '\0';
		want = strtod(buf, &end);
		CHECK(*end == '\0', "strtod stopped in '%s'", buf);
		CHECK(f64_n(buf, &got) == SL_OK, "'%s' rejected", buf);
		CHECK(same_double(got, want), "'%s' -> %.17g, strtod %.17g",
		      buf, got, want);
	}
}
END_TEST

/* Numbers read the same whatever the process locale: with a locale whose
 * decimal point is ',' (when one is installed), "2.5" is still 2.5, on
 * the fast path and through strtod alike. */
START_TEST(test_f64_locale)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
		"ru_RU.UTF-8", "nl_NL.UTF-8",
	};
	double v;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (setlocale(LC_ALL, names[i]))
			break;
	ck_assert_int_eq(f64_n("2.5", &v), SL_OK);
	ck_assert(v == 2.5);
	ck_assert_int_eq(f64_n("3.14159265358979323846", &v), SL_OK);
	ck_assert(same_double(v, 3.141592653589793));
	ck_assert_int_eq(f64_n("1.5e300", &v), SL_OK);
	ck_assert(same_double(v, 1.5e300));
	ck_assert_int_eq(f64_n("2,5", &v), SL_EPARSE);
	ck_assert_int_eq(f64_n("3,14159265358979323846", &v), SL_EPARSE);
	setlocale(LC_ALL, "C");
}
END_TEST

/* ---- UTF-8 ---- */

#define R "\xEF\xBF\xBD"

struct utf8_case {
	const char *in;
	size_t n;
	const char *out;
	size_t out_n;
	long bad;
};

/* sizeof, not strlen: some cases hold NUL bytes */
#define U(in, out, bad) {in, sizeof(in) - 1, out, sizeof(out) - 1, bad}

static const struct utf8_case utf8_cases[] = {
	U("", "", 0),
	U("hello", "hello", 0),
	U("h\xC3\xA9llo", "h\xC3\xA9llo", 0),
	U("\xE2\x82\xAC", "\xE2\x82\xAC", 0),
	U("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", 0),
	U("\xC2\x80", "\xC2\x80", 0),
	U("\xDF\xBF", "\xDF\xBF", 0),
	U("\xE0\xA0\x80", "\xE0\xA0\x80", 0),
	U("\xED\x9F\xBF", "\xED\x9F\xBF", 0),
	U("\xEE\x80\x80", "\xEE\x80\x80", 0),
	U("\xEF\xBF\xBF", "\xEF\xBF\xBF", 0),
	U("\xF0\x90\x80\x80", "\xF0\x90\x80\x80", 0),
	U("\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF", 0),
	U(R, R, 0),
	U("a\0b", "a\0b", 0),
	/* lone continuation and invalid lead bytes */
	U("\x80", R, 1),
	U("\xBF", R, 1),
	U("\x80\x80\x80", R R R, 3),
	U("\xFE", R, 1),
	U("\xFF", R, 1),
	U("a\xFFz", "a" R "z", 1),
	/* overlong forms */
	U("\xC0\xAF", R R, 2),
	U("\xC1\xBF", R R, 2),
	U("\xC0\x80", R R, 2),
	U("\xE0\x80\x80", R R R, 3),
	U("\xE0\x9F\xBF", R R R, 3),
	U("\xF0\x80\x80", R R R, 3),
	U("\xF0\x80\x80\x80", R R R R, 4),
	U("\xF0\x8F\xBF\xBF", R R R R, 4),
	/* surrogates */
	U("\xED\xA0\x80", R R R, 3),
	U("\xED\xBF\xBF", R R R, 3),
	U("\xED\xA0\x80\xED\xB0\x80", R R R R R R, 6),
	/* beyond U+10FFFF and 5/6-byte forms */
	U("\xF4\x90\x80\x80", R R R R, 4),
	U("\xF5\x80\x80\x80", R R R R, 4),
	U("\xF7\xBF\xBF\xBF", R R R R, 4),
	U("\xF8\x88\x80\x80\x80", R R R R R, 5),
	U("\xFC\x84\x80\x80\x80\x80", R R R R R R, 6),
	/* truncated sequences: one replacement for the maximal subpart */
	U("\xC2", R, 1),
	U("\xC2\x41", R "A", 1),
	U("\xE0\xA0", R, 1),
	U("\xE2\x82", R, 1),
	U("\xE2\x82" "A", R "A", 1),
	U("\xE2\x82\xE2\x82\xAC", R "\xE2\x82\xAC", 1),
	U("\xED\x9F", R, 1),
	U("\xF0\x9F", R, 1),
	U("\xF0\x9F\x98", R, 1),
	U("\xF0\x9F\x98" "A", R "A", 1),
	U("\xF4\x8F\xBF", R, 1),
	U("\xF1\x80\x80\xE1\x80\xC2", R R R, 3),
	U("\xF0\x9F\x98\xF0\x9F\x98\x80", R "\xF0\x9F\x98\x80", 1),
	/* Unicode 15 §3.9, table 3-8 */
	U("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
	  "a" R R R "b" R "c" R R "d", 6),
	/* the 8-byte ASCII path next to bad bytes */
	U("abcdefgh\x80", "abcdefgh" R, 1),
	U("abcdefghijklmnop\xFFqrstuvwxyz0123456789\xC3\xA9",
	  "abcdefghijklmnop" R "qrstuvwxyz0123456789\xC3\xA9", 1),
	U("0123456\xC3\xA9" "0123456789abcdef\xE2\x82",
	  "0123456\xC3\xA9" "0123456789abcdef" R, 1),
	U("\xF0\x9F\x98\x80" "abcdefghijklmnopqrstuvwxyz\xC0",
	  "\xF0\x9F\x98\x80" "abcdefghijklmnopqrstuvwxyz" R, 1),
	U("\0\0\0\0\0\0\0\0\0\x80", "\0\0\0\0\0\0\0\0\0" R, 1),
};

START_TEST(test_utf8_sanitize)
{
	const struct utf8_case *c = &utf8_cases[_i];
	struct sl_buf out = SL_BUF_INIT;
	size_t want_len = c->out_n;
	char *p = dup_span(c->in, c->n);
	long bad;

	bad = sl_utf8_sanitize(p, c->n, &out);
	ck_assert_msg(bad == c->bad, "case %d: %ld replacements, want %ld",
		      _i, bad, c->bad);
	ck_assert_msg(out.len == want_len, "case %d: %zu bytes, want %zu",
		      _i, out.len, want_len);
	ck_assert_msg(!want_len || !memcmp(out.data, c->out, want_len),
		      "case %d: wrong bytes", _i);
	ck_assert(!want_len || out.data[out.len] == '\0');
	ck_assert(sl_utf8_valid(p, c->n) == (c->bad == 0));
	ck_assert(sl_utf8_valid(out.data, out.len));
	free(p);
	sl_buf_release(&out);
}
END_TEST

START_TEST(test_utf8_append)
{
	struct sl_buf out = SL_BUF_INIT;

	ck_assert_int_eq(sl_buf_adds(&out, "x="), SL_OK);
	ck_assert_int_eq(sl_utf8_sanitize("a\xFF" "b", 3, &out), 1);
	ck_assert_int_eq(sl_utf8_sanitize("\xC3\xA9", 2, &out), 0);
	ck_assert_int_eq(sl_utf8_sanitize("", 0, &out), 0);
	ck_assert_int_eq(sl_utf8_sanitize(NULL, 0, &out), 0);
	ck_assert_str_eq(sl_buf_cstr(&out), "x=a" R "b\xC3\xA9");
	ck_assert_uint_eq(out.len, 9);
	/* only the span is read */
	ck_assert_int_eq(sl_utf8_sanitize("\xE2\x82\xAC", 2, &out), 1);
	ck_assert_str_eq(sl_buf_cstr(&out), "x=a" R "b\xC3\xA9" R);
	ck_assert(!sl_utf8_valid("\xE2\x82\xAC", 2));
	ck_assert(sl_utf8_valid("\xE2\x82\xAC", 3));
	ck_assert(sl_utf8_valid(NULL, 0));
	sl_buf_release(&out);
}
END_TEST

/* Random byte strings: the output is valid, sanitizing it again changes
 * nothing, valid input is copied unchanged, and each replacement stands
 * for 1 to 3 input bytes. */
START_TEST(test_utf8_random)
{
	struct sl_buf out = SL_BUF_INIT, again = SL_BUF_INIT;
	unsigned char in[96];

	rng_state = UINT64_C(0x2545F4914F6CDD1D);
	for (int i = 0; i < 50000; i++) {
		size_t n = (size_t)(rng() % sizeof(in));
		long bad;

		for (size_t j = 0; j < n; j++) {
			uint64_t r = rng();

			/* mostly ASCII, then leads and continuations */
			in[j] = (unsigned char)(r % 4 == 0 ? 0x80 | (r >> 8) % 64 :
						r % 4 == 1 ? 0xC0 | (r >> 8) % 64 :
						(r >> 8) % 128);
		}
		sl_buf_reset(&out);
		sl_buf_reset(&again);
		bad = sl_utf8_sanitize((const char *)in, n, &out);
		CHECK(bad >= 0, "case %d: %ld", i, bad);
		CHECK(sl_utf8_valid(out.data, out.len), "case %d: bad output", i);
		CHECK((bad == 0) == sl_utf8_valid((const char *)in, n),
		      "case %d: sl_utf8_valid disagrees", i);
		CHECK(bad || (out.len == n && (!n || !memcmp(out.data, in, n))),
		      "case %d: valid input changed", i);
		CHECK(out.len >= n && out.len <= n + 2 * (size_t)bad,
		      "case %d: %zu bytes from %zu, %ld replaced", i, out.len,
		      n, bad);
		CHECK(sl_utf8_sanitize(out.data, out.len, &again) == 0 &&
		      again.len == out.len &&
		      (!out.len || !memcmp(again.data, out.data, out.len)),
		      "case %d: not idempotent", i);
	}
	sl_buf_release(&out);
	sl_buf_release(&again);
}
END_TEST

Suite *suite_value(void);

Suite *suite_value(void)
{
	Suite *s = suite_create("value");
	TCase *tc;

	tc = tcase_create("time");
	tcase_set_timeout(tc, 60);	/* property loops, under sanitizers */
	tcase_add_loop_test(tc, test_time_ok, 0, (int)ARRAY_SIZE(time_ok));
	tcase_add_loop_test(tc, test_time_bad, 0, (int)ARRAY_SIZE(time_bad));
	tcase_add_test(tc, test_time_span);
	tcase_add_test(tc, test_time_epoch_boundary);
	tcase_add_test(tc, test_time_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("calendar");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_civil_anchors);
	tcase_add_test(tc, test_civil_every_day);
	tcase_add_test(tc, test_civil_extremes);
	tcase_add_test(tc, test_day_of_ms);
	tcase_add_loop_test(tc, test_format_time, 0,
			    (int)ARRAY_SIZE(fmt_time_cases));
	tcase_add_loop_test(tc, test_format_day, 0,
			    (int)ARRAY_SIZE(fmt_day_cases));
	tcase_add_test(tc, test_parse_day);
	suite_add_tcase(s, tc);

	tc = tcase_create("scalar");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_null);
	tcase_add_test(tc, test_bool);
	tcase_add_loop_test(tc, test_i64_ok, 0, (int)ARRAY_SIZE(i64_ok));
	tcase_add_loop_test(tc, test_i64_bad, 0, (int)ARRAY_SIZE(i64_bad));
	tcase_add_test(tc, test_i64_span);
	tcase_add_loop_test(tc, test_f64_ok, 0, (int)ARRAY_SIZE(f64_ok));
	tcase_add_loop_test(tc, test_f64_bad, 0, (int)ARRAY_SIZE(f64_bad));
	tcase_add_test(tc, test_f64_special);
	tcase_add_test(tc, test_f64_vs_strtod);
	tcase_add_test(tc, test_f64_locale);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_utf8_sanitize, 0,
			    (int)ARRAY_SIZE(utf8_cases));
	tcase_add_test(tc, test_utf8_append);
	tcase_add_test(tc, test_utf8_random);
	tcase_add_test(tc, test_time_fast_form);
	suite_add_tcase(s, tc);

	return s;
}
