/* sl_rowfmt: a stored row as CSV under either text rule: exact (a data
 * export reads back as stored) and spreadsheet (the rule of sl_result's
 * CSV, for the same value the same bytes). */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_batch.h"
#include "sl_result.h"
#include "sl_rowfmt.h"
#include "xorshift.h"

static const char *const texts[] = {"=1+2", "-cmd", "-1.5", "@x,\"y\"", "esc\033[1m", "a\0b", ""};
static const size_t lens[] = {4, 4, 4, 6, 7, 3, 0};
#define NTEXTS (sizeof(lens) / sizeof(lens[0]))

/* The agent_id field of each row, one line each. */
static char *agents_csv(unsigned flags)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_DEPLOYMENTS, 8);
	int c = sl_kind_col(SL_KIND_DEPLOYMENTS, "agent_id");
	FILE *f = tmpfile();
	char *buf;
	long len;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(c, 0);
	for (size_t i = 0; i < NTEXTS; i++) {
		size_t r;

		ck_assert_int_eq(sl_batch_add_row(b, &r), 0);
		ck_assert_int_eq(sl_batch_set_str(b, c, r, texts[i], lens[i]), 0);
	}
	/* every other column is null (an empty field): each row is commas
	 * around the one text */
	for (size_t r = 0; r < b->n; r++)
		sl_rowfmt_csv_row_flags(f, b, r, flags);
	len = ftell(f);
	buf = calloc(1, (size_t)len + 1);
	rewind(f);
	ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	sl_batch_free(b);
	return buf;
}


START_TEST(test_exact_and_spreadsheet)
{
	int c = sl_kind_col(SL_KIND_DEPLOYMENTS, "agent_id");
	int ncols = sl_kind_def(SL_KIND_DEPLOYMENTS)->ncols;
	static const char *const exact[] = {"=1+2", "-cmd", "-1.5", "\"@x,\"\"y\"\"\"",
					    "esc\033[1m", NULL, ""};
	static const char *const sheet[] = {"'=1+2", "'-cmd", "-1.5", "\"'@x,\"\"y\"\"\"",
					    "esc\xEF\xBF\xBD[1m", "a\xEF\xBF\xBD" "b", ""};
	char *e = agents_csv(0), *s = agents_csv(SL_CSV_NEUTRALISE);
	char *pe = e, *ps = s;

	for (size_t i = 0; i < NTEXTS; i++) {
		char want[64];
		size_t n = 0;

		/* exact: the stored bytes (a NUL included) between c and ncols-1-c commas */
		for (int k = 0; k < c; k++)
			want[n++] = ',';
		if (exact[i]) {
			memcpy(want + n, exact[i], strlen(exact[i]));
			n += strlen(exact[i]);
		} else {
			memcpy(want + n, texts[i], lens[i]);
			n += lens[i];
		}
		for (int k = c + 1; k < ncols; k++)
			want[n++] = ',';
		want[n++] = '\n';
		ck_assert_mem_eq(pe, want, n);
		pe += n;
	}
	for (size_t i = 0; i < NTEXTS; i++) {
		char want[64];
		int n = snprintf(want, sizeof(want), "%.*s%s%.*s\n", c, ",,,,,,,,,,,,,,,,", sheet[i],
				 ncols - 1 - c, ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,");

		ck_assert_int_lt(n, (int)sizeof(want));
		ck_assert_mem_eq(ps, want, (size_t)n);
		ps += n;
	}
	ck_assert_int_eq(*ps, '\0');
	free(e);
	free(s);
}
END_TEST
/* sl_fmt_double's rule as the C library says it: the shortest of %.15g,
 * %.16g and %.17g that strtod reads back as v.  sl_fmt_double computes
 * most values its own way: it must write the same bytes. */
static void fmt_reference(double v, char *buf, size_t n)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

static int fmt_same(double v)
{
	char got[64], want[64];

	sl_fmt_double(v, got, sizeof(got));
	fmt_reference(v, want, sizeof(want));
	if (strcmp(got, want))
		fprintf(stderr, "sl_fmt_double(%a): '%s', want '%s'\n", v, got, want);
	return !strcmp(got, want);
}

/* How many of v and the doubles either side of it are written wrong. */
static int fmt_bad_around(double v)
{
	return !fmt_same(v) + !fmt_same(nextafter(v, -INFINITY)) + !fmt_same(nextafter(v, INFINITY));
}

START_TEST(test_fmt_double)
{
	static const double edges[] = {
		0.0, -0.0, 1e-4, 1e15, 999999999999999.9, 9.999999999999999e14,
		0.1, 0.3, 1.0 / 3, 2.0 / 3, 30.000000000000004, 0.125, 2.5,
		1e-5, 1e16, 1e300, DBL_MIN, DBL_TRUE_MIN, DBL_MAX, INFINITY, NAN,
	};
	uint64_t seed = XORSHIFT_SEED;
	long bad = 0;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		bad += fmt_bad_around(edges[i]) + fmt_bad_around(-edges[i]);
	}
	for (int i = 0; i < 20000; i++) {
		uint64_t r = xorshift64(&seed);
		/* any 53 bits, 2^-20 .. 2^49 */
		double v = ldexp((double)(r >> 11) / 9007199254740992.0 + 0.5,
				 (int)(xorshift64(&seed) % 70) - 20);
		/* a short decimal (what a rate or a latency often is), and the
		 * doubles either side of it */
		double d = (double)((int64_t)(xorshift64(&seed) % 2000000001) - 1000000000) /
			   pow(10, (double)(xorshift64(&seed) % 22));
		/* a power of two (its lower neighbour is half as far) and of ten */
		double p2 = ldexp(1, (int)(xorshift64(&seed) % 100) - 50);
		double p10 = pow(10, (double)(xorshift64(&seed) % 24) - 6);
		/* a tie at the last digits: n + 0.5 over a power of two */
		double t = ((double)(xorshift64(&seed) % 1000000000000000ull) + 0.5) /
			   ldexp(1, (int)(xorshift64(&seed) % 10));

		bad += !fmt_same(v) + !fmt_same(-v) + !fmt_same(t);
		bad += fmt_bad_around(d) + fmt_bad_around(p2) + fmt_bad_around(p10);
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

Suite *suite_rowfmt(void);

Suite *suite_rowfmt(void)
{
	Suite *s = suite_create("rowfmt");
	TCase *tc = tcase_create("rowfmt");

	tcase_add_test(tc, test_exact_and_spreadsheet);
	tcase_add_test(tc, test_fmt_double);
	suite_add_tcase(s, tc);
	return s;
}
