/* Unit tests for sl_dict: string interning with dense first-insertion codes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "sl_dict.h"
#include "sl_hash.h"
#include "sl_err.h"

/* ck_assert reports every passing check to the runner (a write each time);
 * checks inside loops over many values use this instead. */
#define REQUIRE(cond)                                                  \
	do {                                                           \
		if (!(cond))                                           \
			ck_abort_msg("Assertion '%s' failed", #cond); \
	} while (0)

static uint32_t intern_ok(struct sl_dict *d, const char *s, size_t n)
{
	uint32_t code = UINT32_MAX;

	REQUIRE(sl_dict_intern(d, s, n, &code) == SL_OK);
	return code;
}

/* The string stored for code must be exactly s[0..n). */
static void assert_get(const struct sl_dict *d, uint32_t code, const char *s, size_t n)
{
	size_t got_n = (size_t)-1;
	const char *got = sl_dict_get(d, code, &got_n);

	REQUIRE(got != NULL);
	REQUIRE(got_n == n);
	REQUIRE(!n || !memcmp(got, s, n));
}

START_TEST(codes_dense_in_insertion_order)
{
	static const char *const words[] = {"zeta", "alpha", "mid", "b", "aa", "a"};
	struct sl_dict *d = sl_dict_new();

	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(sl_dict_count(d), 0);
	for (uint32_t i = 0; i < 6; i++) {
		ck_assert_uint_eq(intern_ok(d, words[i], strlen(words[i])), i);
		ck_assert_uint_eq(sl_dict_count(d), i + 1);
	}
	/* again, in another order: same codes, nothing added */
	for (int i = 5; i >= 0; i--)
		ck_assert_uint_eq(intern_ok(d, words[i], strlen(words[i])), (uint32_t)i);
	ck_assert_uint_eq(sl_dict_count(d), 6);
	for (uint32_t i = 0; i < 6; i++)
		assert_get(d, i, words[i], strlen(words[i]));
	sl_dict_free(d);
}
END_TEST

START_TEST(equal_strings_equal_codes)
{
	struct sl_dict *d = sl_dict_new();
	char a[32], b[32];
	uint32_t ca, cb;

	/* distinct buffers holding equal bytes */
	snprintf(a, sizeof(a), "deploy-%d", 42);
	snprintf(b, sizeof(b), "deploy-%d", 42);
	ca = intern_ok(d, a, strlen(a));
	cb = intern_ok(d, b, strlen(b));
	ck_assert_uint_eq(ca, cb);
	/* a prefix and an extension are different strings */
	ck_assert_uint_ne(intern_ok(d, a, strlen(a) - 1), ca);
	memcpy(b + strlen(a), "x", 2);
	ck_assert_uint_ne(intern_ok(d, b, strlen(b)), ca);
	ck_assert_uint_eq(sl_dict_count(d), 3);
	/* the dictionary owns copies: changing the caller's buffer changes nothing */
	memset(a, 'Q', sizeof(a) - 1);
	assert_get(d, ca, "deploy-42", 9);
	sl_dict_free(d);
}
END_TEST

/* The empty string is a value like any other, distinct from "no value". */
START_TEST(empty_string_first)
{
	struct sl_dict *d = sl_dict_new();
	uint32_t c0 = intern_ok(d, "", 0);

	ck_assert_uint_eq(c0, 0);
	assert_get(d, c0, "", 0);
	ck_assert_uint_eq(intern_ok(d, "", 0), c0);
	ck_assert_uint_eq(intern_ok(d, "x", 1), 1);
	ck_assert_uint_eq(intern_ok(d, "", 0), c0);
	ck_assert_uint_eq(sl_dict_count(d), 2);
	assert_get(d, c0, "", 0);
	sl_dict_free(d);
}
END_TEST

START_TEST(empty_string_later)
{
	struct sl_dict *d = sl_dict_new();

	ck_assert_uint_eq(intern_ok(d, "abc", 3), 0);
	ck_assert_uint_eq(intern_ok(d, "", 0), 1);
	ck_assert_uint_eq(intern_ok(d, "", 0), 1);
	assert_get(d, 1, "", 0);
	assert_get(d, 0, "abc", 3);
	sl_dict_free(d);
}
END_TEST

START_TEST(binary_strings_with_nul)
{
	static const char s1[] = {'a', '\0', 'b'};
	static const char s2[] = {'a', '\0', 'c'};
	static const char s3[] = {'\0'};
	static const char s4[] = {'\0', '\0'};
	static const char s5[] = {'\xff', '\xfe', '\0', '\x80'};
	struct sl_dict *d = sl_dict_new();
	uint32_t c1 = intern_ok(d, s1, 3), c2 = intern_ok(d, s2, 3);
	uint32_t c3 = intern_ok(d, s3, 1), c4 = intern_ok(d, s4, 2);
	uint32_t c5 = intern_ok(d, s5, 4), ca = intern_ok(d, "a", 1);

	/* all distinct even though they agree up to the first NUL */
	ck_assert_uint_eq(sl_dict_count(d), 6);
	ck_assert_uint_ne(c1, c2);
	ck_assert_uint_ne(c3, c4);
	ck_assert_uint_ne(ca, c1);
	assert_get(d, c1, s1, 3);
	assert_get(d, c2, s2, 3);
	assert_get(d, c3, s3, 1);
	assert_get(d, c4, s4, 2);
	assert_get(d, c5, s5, 4);
	ck_assert_uint_eq(intern_ok(d, s4, 2), c4);
	sl_dict_free(d);
}
END_TEST

/* Every string gets the same hash here, so the bytes alone tell strings
 * apart: for each length up to 40 (the short ones are compared word-wise,
 * with overlapping loads), a string and its copies with one byte changed
 * at each position get codes of their own, and each finds its own again. */
START_TEST(colliding_hashes_one_byte_apart)
{
	char base[41], s[41];

	for (size_t n = 0; n <= 40; n++) {
		struct sl_dict *d = sl_dict_new();
		uint32_t code;

		for (size_t k = 0; k < n; k++)
			base[k] = (char)('a' + (k * 7) % 26);
		REQUIRE(sl_dict_intern_hashed(d, base, n, 42, &code) == SL_OK);
		REQUIRE(code == 0);
		for (size_t pos = 0; pos < n; pos++) {
			memcpy(s, base, n);
			s[pos] ^= 0x20;
			REQUIRE(sl_dict_intern_hashed(d, s, n, 42, &code) == SL_OK);
			REQUIRE(code == pos + 1);
		}
		REQUIRE(sl_dict_count(d) == n + 1);
		REQUIRE(sl_dict_intern_hashed(d, base, n, 42, &code) == SL_OK && code == 0);
		for (size_t pos = 0; pos < n; pos++) {
			memcpy(s, base, n);
			s[pos] ^= 0x20;
			REQUIRE(sl_dict_intern_hashed(d, s, n, 42, &code) == SL_OK);
			REQUIRE(code == pos + 1);
			assert_get(d, code, s, n);
		}
		sl_dict_free(d);
	}
}
END_TEST

START_TEST(get_out_of_range)
{
	struct sl_dict *d = sl_dict_new();
	size_t n = 99;

	intern_ok(d, "one", 3);
	sl_dict_get(d, 1, &n);
	ck_assert_uint_eq(n, 0);
	sl_dict_get(d, UINT32_MAX, &n);
	ck_assert_uint_eq(n, 0);
	sl_dict_free(d);
}
END_TEST

/* 1M distinct strings: codes stay dense and every string comes back. */
START_TEST(million_distinct)
{
	enum { N = 1000000 };
	struct sl_dict *d = sl_dict_new();
	char buf[32];
	size_t before = sl_dict_bytes(d);

	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof(buf), "agent-%07u", i);

		REQUIRE(intern_ok(d, buf, (size_t)n) == i);
	}
	ck_assert_uint_eq(sl_dict_count(d), N);
	ck_assert_uint_gt(sl_dict_bytes(d), before);
	/* a second pass (stride through all codes) finds, never adds */
	for (uint32_t i = 0; i < N; i += 7) {
		int n = snprintf(buf, sizeof(buf), "agent-%07u", i);

		REQUIRE(intern_ok(d, buf, (size_t)n) == i);
		assert_get(d, i, buf, (size_t)n);
	}
	ck_assert_uint_eq(sl_dict_count(d), N);
	sl_dict_free(d);
}
END_TEST

START_TEST(clear_and_reuse)
{
	struct sl_dict *d = sl_dict_new();
	char buf[32];

	for (uint32_t i = 0; i < 5000; i++) {
		int n = snprintf(buf, sizeof(buf), "s%u", i);

		intern_ok(d, buf, (size_t)n);
	}
	sl_dict_clear(d);
	ck_assert_uint_eq(sl_dict_count(d), 0);
	/* codes restart at 0, in the new insertion order; old strings are gone */
	ck_assert_uint_eq(intern_ok(d, "s4999", 5), 0);
	ck_assert_uint_eq(intern_ok(d, "s0", 2), 1);
	ck_assert_uint_eq(intern_ok(d, "s4999", 5), 0);
	ck_assert_uint_eq(sl_dict_count(d), 2);
	assert_get(d, 0, "s4999", 5);
	assert_get(d, 1, "s0", 2);
	/* and it grows again past the old size */
	for (uint32_t i = 0; i < 9000; i++) {
		int n = snprintf(buf, sizeof(buf), "t%u", i);

		REQUIRE(intern_ok(d, buf, (size_t)n) == i + 2);
	}
	assert_get(d, 9001, "t8999", 5);
	/* clear of a dictionary that never held anything */
	sl_dict_free(d);
	d = sl_dict_new();
	sl_dict_clear(d);
	ck_assert_uint_eq(intern_ok(d, "a", 1), 0);
	sl_dict_free(d);
	sl_dict_free(NULL);
}
END_TEST

/* sl_hash compiles XXH3 in (lib/sl_hash.c): it must give what the
 * library gives, for every length class of XXH3 (0, 1-3, 4-8, 9-16,
 * 17-128, 129-240, longer) and any alignment. */
START_TEST(hash_is_the_library_xxh3)
{
	static unsigned char buf[1100];
	uint64_t x = 88172645463325252ull;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
	for (size_t n = 0; n <= 1024; n += n < 260 ? 1 : 37)
		for (size_t at = 0; at < 4; at++)
			REQUIRE(sl_hash(buf + at, n) == XXH3_64bits(buf + at, n));
}
END_TEST

START_TEST(hash_is_stable)
{
	/* sl_hash is used for partitioning decisions; it must not depend on
	 * the address of the bytes */
	char a[8] = "abcdefg", b[16];

	memcpy(b + 3, a, 7);
	ck_assert_uint_eq(sl_hash(a, 7), sl_hash(b + 3, 7));
	ck_assert_uint_ne(sl_hash(a, 7), sl_hash(a, 6));
}
END_TEST

Suite *suite_dict(void);

Suite *suite_dict(void)
{
	Suite *s = suite_create("dict");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, codes_dense_in_insertion_order);
	tcase_add_test(tc, equal_strings_equal_codes);
	tcase_add_test(tc, empty_string_first);
	tcase_add_test(tc, empty_string_later);
	tcase_add_test(tc, binary_strings_with_nul);
	tcase_add_test(tc, colliding_hashes_one_byte_apart);
	tcase_add_test(tc, get_out_of_range);
	tcase_add_test(tc, million_distinct);
	tcase_add_test(tc, clear_and_reuse);
	tcase_add_test(tc, hash_is_stable);
	tcase_add_test(tc, hash_is_the_library_xxh3);
	suite_add_tcase(s, tc);
	return s;
}
