/* sl_fsum: exact sums against Python's math.fsum (data/ref-fsum.txt,
 * written once by scripts/ref-fsum.py), the same sum in every order and
 * split, and hand-worked cases where a left-to-right sum depends on the
 * order of its terms. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_fsum.h"
#include "xorshift.h"

/* Sums v[0..n) in the order of a seeded shuffle, in up to three
 * accumulators merged at the end. */
static double shuffled_sum(double *v, size_t n, uint64_t seed)
{
	struct sl_fsum s[3] = {SL_FSUM_INIT, SL_FSUM_INIT, SL_FSUM_INIT};
	uint64_t x = seed;

	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(xorshift64(&x) % i);
		double t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		sl_fsum_add(&s[xorshift64(&x) % 3], v[i]);
	sl_fsum_merge(&s[1], &s[2]);
	sl_fsum_merge(&s[0], &s[1]);
	return sl_fsum_value(&s[0]);
}

START_TEST(test_against_python)
{
	FILE *f = fopen("data/ref-fsum.txt", "r");
	char *line = NULL;
	size_t cap = 0;
	int ncases = 0, nnaive = 0;
	static double v[4096];

	ck_assert_ptr_nonnull(f);
	while (getline(&line, &cap, f) > 0) {
		size_t n = 0;
		double want, naive = 0;

		for (char *tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n")) {
			ck_assert_uint_lt(n, 4096);
			v[n++] = strtod(tok, NULL);
		}
		ck_assert_uint_ge(n, 2);
		want = v[--n];
		for (size_t i = 0; i < n; i++)
			naive += v[i];
		nnaive += naive != want;
		ck_assert_msg(sl_fsum_array(v, n) == want, "case %d: %a, python %a", ncases,
			      sl_fsum_array(v, n), want);
		for (uint64_t seed = 1; seed <= 5; seed++)
			ck_assert_msg(shuffled_sum(v, n, seed) == want, "case %d, order %d", ncases,
				      (int)seed);
		ncases++;
	}
	free(line);
	fclose(f);
	ck_assert_int_eq(ncases, 25);
	/* the fixture is worth having: most cases defeat a naive sum */
	ck_assert_int_ge(nnaive, 15);
}
END_TEST

static double sum3(double a, double b, double c)
{
	double v[3] = {a, b, c};

	return sl_fsum_array(v, 3);
}

START_TEST(test_hand)
{
	double tenth[10];

	/* a left-to-right sum gives 0 in this order and 1 in another */
	ck_assert(sum3(1e100, 1.0, -1e100) == 1.0);
	ck_assert(sum3(-1e100, -1.0, 1e100) == -1.0);
	ck_assert(sum3(1.0, 1e-16, 1e-16) == 1.0000000000000002);
	ck_assert(sum3(1e-16, 1e-16, 1.0) == 1.0000000000000002);
	/* ties to even: 1 + 2^-53 is halfway, a bit more is not */
	ck_assert(sum3(1.0, 0x1p-53, 0) == 1.0);
	ck_assert(sum3(1.0, 0x1p-53, 0x1p-106) == 1.0 + 0x1p-52);
	ck_assert(sum3(1.0 + 0x1p-52, 0x1p-53, 0) == 1.0 + 0x1p-51);
	ck_assert(sum3(1.0, 0x1p-53, -0x1p-106) == 1.0);
	/* rounding up to the next power of two */
	ck_assert(sum3(0x1.fffffffffffffp0, 0x1p-52, 0x1p-200) == 2.0);
	for (int i = 0; i < 10; i++)
		tenth[i] = 0.1;
	ck_assert(sl_fsum_array(tenth, 10) == 1.0);
	/* the extremes: no intermediate overflow, exact subnormals */
	ck_assert(sum3(DBL_MAX, DBL_MAX, -DBL_MAX) == DBL_MAX);
	ck_assert(isinf(sum3(DBL_MAX, DBL_MAX, 0)) && sum3(DBL_MAX, DBL_MAX, 0) > 0);
	ck_assert(isinf(sum3(-DBL_MAX, -DBL_MAX, 0)) && sum3(-DBL_MAX, -DBL_MAX, 0) < 0);
	ck_assert(sum3(DBL_MAX, 0x1p969, 0) == DBL_MAX);
	ck_assert(sum3(DBL_MAX, 0x1p970, 0) == INFINITY); /* half an ulp: to even */
	ck_assert(sum3(4.9406564584124654e-324, 4.9406564584124654e-324, 0) ==
		  9.8813129168249309e-324);
	ck_assert(sum3(DBL_MIN, -4.9406564584124654e-324, 0) == DBL_MIN - 4.9406564584124654e-324);
	ck_assert(sum3(DBL_MIN, 0x1p-1074, -DBL_MIN) == 0x1p-1074);
	/* zeros, empty, specials */
	ck_assert(sl_fsum_array(NULL, 0) == 0 && !signbit(sl_fsum_array(NULL, 0)));
	ck_assert(sum3(3.5, -3.5, 0) == 0);
	ck_assert(isnan(sum3(1, NAN, 2)));
	ck_assert(isnan(sum3(INFINITY, -INFINITY, 2)));
	ck_assert(sum3(INFINITY, 1, 2) == INFINITY);
	ck_assert(sum3(-INFINITY, 1, 2) == -INFINITY);
}
END_TEST

/* Many terms whose exact sum is known: big values and their negatives
 * (which cancel exactly) and small integers scaled by 2^-30 (whose sum is
 * exact).  A left-to-right sum loses the small ones. */
START_TEST(test_cancellation)
{
	enum { N = 3000 };
	static double v[2 * N];
	double want = 0, naive = 0;
	uint64_t x = 42;
	size_t n = 0;

	for (int i = 0; i < N; i++) {
		double big = ldexp(1.0 + (double)(xorshift64(&x) % 1000000) / 1e6,
				   (int)(xorshift64(&x) % 200));
		double small = ldexp((double)(int64_t)(xorshift64(&x) % 2000000) - 1e6, -30);

		v[n++] = i % 2 ? big : small;
		v[n++] = i % 2 ? -big : 0;
		if (!(i % 2))
			want += small; /* exact: all multiples of 2^-30 below 2^22 */
	}
	for (size_t i = 0; i < n; i++)
		naive += v[i];
	ck_assert(naive != want);
	ck_assert(sl_fsum_array(v, n) == want);
	for (uint64_t seed = 1; seed <= 20; seed++)
		ck_assert(shuffled_sum(v, n, seed) == want);
}
END_TEST

Suite *suite_fsum(void);

Suite *suite_fsum(void)
{
	Suite *s = suite_create("fsum");
	TCase *tc = tcase_create("fsum");

	tcase_add_test(tc, test_against_python);
	tcase_add_test(tc, test_hand);
	tcase_add_test(tc, test_cancellation);
	suite_add_tcase(s, tc);
	return s;
}
