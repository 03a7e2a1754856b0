/* Unit tests for ingest/jcanon.c: whatever it takes, it writes exactly what
 * jansson writes (json_loadb, then json_dumps with JSON_COMPACT |
 * JSON_SORT_KEYS, as the store keeps metadata), and it leaves the rest. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jcanon.h"
#include "xorshift.h"

#define REQUIRE(cond)                                                  \
	do {                                                           \
		if (!(cond))                                           \
			ck_abort_msg("Assertion '%s' failed", #cond); \
	} while (0)

/* jansson's stored form of s[0, n), or NULL (not a non-empty object). */
static char *jansson_form(const char *s, size_t n)
{
	json_t *v = json_loadb(s, n, JSON_ALLOW_NUL, NULL);
	char *t = json_is_object(v) && json_object_size(v)
			  ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS)
			  : NULL;

	json_decref(v);
	return t;
}

/* 1 when jcanon took s[0, n); then its text is jansson's. */
static int agrees(const char *s, size_t n)
{
	char *out = malloc(n + 1), *want;
	size_t on = 0;
	int took = jcanon_object(s, n, out, &on);

	if (took) {
		want = jansson_form(s, n);
		if (!want || strlen(want) != on || memcmp(want, out, on))
			ck_abort_msg("jcanon '%.*s' -> '%.*s', jansson '%s'", (int)n, s, (int)on,
				     out, want ? want : "(refused)");
		free(want);
	}
	free(out);
	return took;
}

START_TEST(taken_as_jansson_writes)
{
	static const char *const cases[][2] = {
		{"{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}"},
		{" { \"trigger\" : \"pipeline\" ,\n\t\"run\":2974,\"dry_run\":false }\r\n",
		 "{\"dry_run\":false,\"run\":2974,\"trigger\":\"pipeline\"}"},
		{"{\"note\":\"hotfix for \\\"cart\\\" totals\"}", "{\"note\":\"hotfix for \\\"cart\\\" totals\"}"},
		{"{\"p\":\"a\\/b\\\\/c\"}", "{\"p\":\"a/b\\\\/c\"}"},
		{"{\"who\":\"Jos\xc3\xa9 M\xc3\xbcller\"}", "{\"who\":\"Jos\xc3\xa9 M\xc3\xbcller\"}"},
		{"{\"ab\":null,\"a\":true,\"\":-17,\"b\":0}", "{\"\":-17,\"a\":true,\"ab\":null,\"b\":0}"},
		{"{\"n\":-999999999999999999}", "{\"n\":-999999999999999999}"},
		{"{\"t\":\"\\b\\f\\n\\r\\t\"}", "{\"t\":\"\\b\\f\\n\\r\\t\"}"},
		{"{\"\xc3\xa9\":1,\"z\":2}", "{\"z\":2,\"\xc3\xa9\":1}"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[256];
		size_t on = 0;

		ck_assert_msg(jcanon_object(cases[i][0], strlen(cases[i][0]), out, &on), "%s",
			      cases[i][0]);
		ck_assert_int_eq((int)on, (int)strlen(cases[i][1]));
		ck_assert_mem_eq(out, cases[i][1], on);
		ck_assert(agrees(cases[i][0], strlen(cases[i][0])));
	}
}
END_TEST

START_TEST(left_to_jansson)
{
	static const char *const cases[] = {
		"{}", " { } ", "[1]", "\"x\"", "", "{", "{\"a\":1", "{\"a\":1}x", "{\"a\":1}}",
		"{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":-0}",
		"{\"a\":01}", "{\"a\":1234567890123456789}", "{\"a\":truex}", "{\"a\":nul}",
		"{\"a\":{\"b\":1}}", "{\"a\":[1]}", "{\"a\":1,\"a\":2}", "{\"a\\\"b\":1}",
		"{\"a\":\"\\u00e9\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}",
		"{\"a\":\"\xed\xa0\x80\"}", "{\"a\":1}\f", "{\"a\":+1}", "{\"a\":-}",
		"{\"a\":\"open}",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[256];
		size_t on;

		ck_assert_msg(!jcanon_object(cases[i], strlen(cases[i]), out, &on), "took '%s'",
			      cases[i]);
	}
}
END_TEST

/* Objects built from pieces that jcanon takes and pieces that it must
 * not, whitespace JSON allows and some it does not: every one it takes
 * must come out as jansson's text, and it must take every object made of
 * its pieces alone, with no key twice. */
START_TEST(random_against_jansson)
{
	static const char *const keys[] = {
		"\"a\"", "\"b\"", "\"ab\"", "\"\"", "\"run\"", "\"\xc3\xa9t\xc3\xa9\"",
		"\"a\\\"b\"", "\"k\\u0041\"", "\"B\"", "\"a b\"",
	};
	static const char *const values[] = {
		"1", "-12", "0", "123456789012345678", "true", "false", "null", "\"x\"", "\"\"",
		"\"say \\\"hi\\\"\"", "\"a\\/b\"", "\"tab\\there\"", "\"Jos\xc3\xa9\"",
		/* not taken */
		"-0", "01", "1.5", "2e2", "1234567890123456789", "99999999999999999999",
		"\"\\u00e9\"", "\"\xff\"", "\"\x01\"", "{}", "[]", "{\"c\":1}", "tru", "nulll",
	};
	/* the last one is not JSON whitespace */
	static const char *const ws[] = {"", "", "", " ", "\n", "\t", "\r\n ", "\f"};
	uint64_t rng = XORSHIFT_SEED;
	char buf[4096];
	long taken = 0, plain = 0;

	for (int t = 0; t < 200000; t++) {
		size_t n = 0, members = xorshift64(&rng) % 6;
		unsigned used = 0;
		const char *lead = ws[xorshift64(&rng) % 8];
		int is_plain = strcmp(lead, "\f") != 0, took;

		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s{", lead);
		if (xorshift64(&rng) % 100 == 0)
			members = 70; /* more than jcanon takes */
		for (size_t k = 0; k < members; k++) {
			/* mostly the pieces jcanon takes (the first 6 keys, 13 values) */
			size_t ki = xorshift64(&rng) % (xorshift64(&rng) % 8 ? 6 : 10);
			size_t vi = xorshift64(&rng) % (xorshift64(&rng) % 8 ? 13 : 27);
			const char *w1 = ws[xorshift64(&rng) % 8], *w2 = ws[xorshift64(&rng) % 7];

			is_plain &= ki < 6 && vi < 13 && strcmp(w1, "\f") && !(used >> ki & 1);
			used |= 1u << ki;
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s%s:%s%s%s",
					      k ? "," : "", w1, keys[ki], w2, values[vi], w1);
		}
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "}%s", ws[xorshift64(&rng) % 7]);
		if (xorshift64(&rng) % 50 == 0) {
			buf[--n] = '\0'; /* cut */
			is_plain = 0;
		}
		took = agrees(buf, n);
		taken += took;
		if (is_plain && members > 0) {
			plain++;
			if (!took)
				ck_abort_msg("jcanon left '%.*s' to jansson", (int)n, buf);
		}
	}
	ck_assert_int_gt(plain, 40000);
	ck_assert_int_gt(taken, plain - 1);
}
END_TEST

Suite *suite_jcanon(void);

Suite *suite_jcanon(void)
{
	Suite *s = suite_create("jcanon");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, taken_as_jansson_writes);
	tcase_add_test(tc, left_to_jansson);
	tcase_add_test(tc, random_against_jansson);
	suite_add_tcase(s, tc);
	return s;
}
