/* Unit tests for sl_batch: the in-memory columnar row group. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_batch.h"
#include "sl_err.h"
#include "sl_schema.h"

/* ck_assert reports every passing check to the runner (a write each time);
 * checks inside loops over many rows use these instead. */
#define REQUIRE(cond)                                                  \
	do {                                                           \
		if (!(cond))                                           \
			ck_abort_msg("Assertion '%s' failed", #cond); \
	} while (0)
#define REQUIRE_MSG(cond, ...)                    \
	do {                                      \
		if (!(cond))                      \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* incidents: incident_id str, agent_id str, environment str, created_at
 * time, resolved_at time, severity str, deployment_id str, metadata str.
 * stage_runs has every type: i64, bool, str, time. versions has f64. */
static int col(enum sl_kind k, const char *name)
{
	int c = sl_kind_col(k, name);

	REQUIRE_MSG(c >= 0, "no column %s", name);
	return c;
}

static size_t add_row(struct sl_batch *b)
{
	size_t r = (size_t)-1;

	REQUIRE(sl_batch_add_row(b, &r) == SL_OK);
	return r;
}

/* Null, and holding 0 (what a file stores for a null). */
static void assert_row_null(const struct sl_batch *b, size_t r)
{
	for (int c = 0; c < b->ncols; c++) {
		const struct sl_col *col = &b->cols[c];

		REQUIRE_MSG(sl_batch_is_null(b, c, r), "row %zu column %d not null", r, c);
		REQUIRE_MSG(col->type == SL_BOOL ? col->v.u8[r] == 0
			    : col->type == SL_STR ? col->v.code[r] == 0
						  : col->v.i64[r] == 0,
			    "row %zu column %d: null slot does not hold 0", r, c);
	}
}

static void assert_str(const struct sl_batch *b, int c, size_t r, const char *want)
{
	size_t n = (size_t)-1;
	const char *s = sl_batch_get_str(b, c, r, &n);

	REQUIRE_MSG(s != NULL, "row %zu column %d: string reads as null", r, c);
	REQUIRE_MSG(n == strlen(want) && (!n || !memcmp(s, want, n)),
		    "row %zu column %d: string differs", r, c);
}

static void set_str(struct sl_batch *b, int c, size_t r, const char *s)
{
	REQUIRE(sl_batch_set_str(b, c, r, s, strlen(s)) == SL_OK);
}

START_TEST(new_batch_shape)
{
	for (int k = 0; k < SL_KIND_COUNT; k++) {
		const struct sl_kind_def *kd = sl_kind_def((enum sl_kind)k);
		struct sl_batch *b = sl_batch_new((enum sl_kind)k, 0);

		ck_assert_ptr_nonnull(b);
		ck_assert_int_eq(b->kind, k);
		ck_assert_int_eq(b->ncols, kd->ncols);
		ck_assert_uint_eq(b->n, 0);
		ck_assert_uint_ge(b->cap, 1);
		for (int c = 0; c < kd->ncols; c++) {
			ck_assert_int_eq(b->cols[c].type, kd->cols[c].type);
			ck_assert_int_eq(b->cols[c].dict != NULL, kd->cols[c].type == SL_STR);
		}
		sl_batch_free(b);
	}
	ck_assert_ptr_null(sl_batch_new(SL_KIND_NONE, 0));
	ck_assert_ptr_null(sl_batch_new(SL_KIND_COUNT, 0));
	sl_batch_free(NULL);
}
END_TEST

START_TEST(add_rows_all_null)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_DEPLOYMENTS, 4);
	size_t n;

	for (size_t i = 0; i < 20; i++) {
		ck_assert_uint_eq(add_row(b), i);
		ck_assert_uint_eq(b->n, i + 1);
	}
	for (size_t r = 0; r < 20; r++) {
		assert_row_null(b, r);
		ck_assert_ptr_null(sl_batch_get_str(b, 0, r, &n));
		ck_assert_uint_eq(n, 0);
	}
	sl_batch_free(b);
}
END_TEST

START_TEST(set_get_each_type)
{
	enum sl_kind k = SL_KIND_STAGE_RUNS;
	struct sl_batch *b = sl_batch_new(k, 0);
	int ci = col(k, "attempt"), cb = col(k, "parallel"), cs = col(k, "stage_id");
	int ct = col(k, "start_time");
	struct sl_batch *v = sl_batch_new(SL_KIND_VERSIONS, 0);
	int cf = col(SL_KIND_VERSIONS, "adoption_rate");
	size_t r0 = add_row(b), r1 = add_row(b), vr = add_row(v);

	sl_batch_set_i64(b, ci, r0, INT64_MIN);
	sl_batch_set_i64(b, ci, r1, INT64_MAX);
	sl_batch_set_bool(b, cb, r0, true);
	sl_batch_set_bool(b, cb, r1, false);
	sl_batch_set_i64(b, ct, r1, -1); /* before the epoch */
	set_str(b, cs, r0, "build");
	set_str(b, cs, r1, "test");
	sl_batch_set_f64(v, cf, vr, -0.0);

	ck_assert(!sl_batch_is_null(b, ci, r0));
	ck_assert(!sl_batch_is_null(b, ci, r1));
	ck_assert_int_eq(b->cols[ci].v.i64[r0], INT64_MIN);
	ck_assert_int_eq(b->cols[ci].v.i64[r1], INT64_MAX);
	ck_assert(!sl_batch_is_null(b, cb, r0));
	ck_assert(!sl_batch_is_null(b, cb, r1)); /* false is a value, not null */
	ck_assert_uint_eq(b->cols[cb].v.u8[r0], 1);
	ck_assert_uint_eq(b->cols[cb].v.u8[r1], 0);
	ck_assert(sl_batch_is_null(b, ct, r0));
	ck_assert(!sl_batch_is_null(b, ct, r1));
	ck_assert_int_eq(b->cols[ct].v.i64[r1], -1);
	assert_str(b, cs, r0, "build");
	assert_str(b, cs, r1, "test");
	ck_assert(!sl_batch_is_null(v, cf, vr));
	ck_assert(signbit(v->cols[cf].v.f64[vr]));

	/* the same string twice shares a code */
	set_str(b, cs, r1, "build");
	ck_assert_uint_eq(b->cols[cs].v.code[r0], b->cols[cs].v.code[r1]);

	/* NaN is a value */
	sl_batch_set_f64(v, cf, vr, NAN);
	ck_assert(!sl_batch_is_null(v, cf, vr));
	ck_assert(isnan(v->cols[cf].v.f64[vr]));

	/* set_null makes it null again and zeroes the slot */
	sl_batch_set_null(b, ci, r0);
	sl_batch_set_null(b, cs, r1);
	sl_batch_set_null(b, cb, r0);
	sl_batch_set_null(v, cf, vr);
	ck_assert(sl_batch_is_null(b, ci, r0));
	ck_assert_int_eq(b->cols[ci].v.i64[r0], 0);
	ck_assert(sl_batch_is_null(b, cs, r1));
	ck_assert_uint_eq(b->cols[cs].v.code[r1], 0);
	ck_assert(sl_batch_is_null(b, cb, r0));
	ck_assert(sl_batch_is_null(v, cf, vr));
	ck_assert(v->cols[cf].v.f64[vr] == 0.0);
	/* neighbours untouched */
	ck_assert_int_eq(b->cols[ci].v.i64[r1], INT64_MAX);
	assert_str(b, cs, r0, "build");
	sl_batch_free(b);
	sl_batch_free(v);
}
END_TEST

/* An empty string is a value: it must not read back as null. */
START_TEST(str_empty_is_not_null)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_INCIDENTS, 0);
	size_t r0 = add_row(b), r1 = add_row(b);

	/* "" first into a fresh column dictionary, then after another string */
	set_str(b, 0, r0, "");
	set_str(b, 1, r0, "agent");
	set_str(b, 1, r1, "");
	ck_assert(!sl_batch_is_null(b, 0, r0));
	ck_assert(!sl_batch_is_null(b, 1, r1));
	assert_str(b, 1, r1, "");
	assert_str(b, 0, r0, "");
	sl_batch_free(b);
}
END_TEST

START_TEST(str_binary)
{
	static const char s[] = {'x', '\0', 'y'};
	struct sl_batch *b = sl_batch_new(SL_KIND_INCIDENTS, 0);
	size_t r = add_row(b), n;
	const char *got;

	ck_assert_int_eq(sl_batch_set_str(b, 5, r, s, 3), SL_OK);
	got = sl_batch_get_str(b, 5, r, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(got, s, 3);
	sl_batch_free(b);
}
END_TEST

START_TEST(drop_last)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_INCIDENTS, 0);
	int ct = col(SL_KIND_INCIDENTS, "created_at");
	size_t r0 = add_row(b), r1;

	sl_batch_set_i64(b, ct, r0, 1000);
	set_str(b, 0, r0, "keep");
	r1 = add_row(b);
	sl_batch_set_i64(b, ct, r1, 2000);
	set_str(b, 0, r1, "rejected");
	sl_batch_drop_last(b);
	ck_assert_uint_eq(b->n, 1);
	ck_assert_int_eq(b->cols[ct].v.i64[r0], 1000);
	assert_str(b, 0, r0, "keep");
	/* the slot comes back all null, with zeroed values */
	ck_assert_uint_eq(add_row(b), 1);
	assert_row_null(b, 1);
	ck_assert_int_eq(b->cols[ct].v.i64[1], 0);
	ck_assert_uint_eq(b->cols[0].v.code[1], 0);
	sl_batch_drop_last(b);
	sl_batch_drop_last(b);
	ck_assert_uint_eq(b->n, 0);
	sl_batch_drop_last(b); /* on an empty batch: nothing */
	ck_assert_uint_eq(b->n, 0);
	ck_assert_uint_eq(add_row(b), 0);
	assert_row_null(b, 0);
	sl_batch_free(b);
}
END_TEST

/* Row r of the pattern: value r, null every third row, and the string
 * "v<r>" null every fifth. */
static void fill_pattern(struct sl_batch *b, size_t nrows)
{
	int ci = col(SL_KIND_STAGE_RUNS, "attempt"), cs = col(SL_KIND_STAGE_RUNS, "stage_id");
	int cb = col(SL_KIND_STAGE_RUNS, "parallel");
	char buf[32];

	for (size_t i = 0; i < nrows; i++) {
		size_t r = add_row(b);

		if (r % 3)
			sl_batch_set_i64(b, ci, r, (int64_t)r);
		if (r % 5) {
			snprintf(buf, sizeof(buf), "v%zu", r);
			set_str(b, cs, r, buf);
		}
		if (r % 2)
			sl_batch_set_bool(b, cb, r, r % 4 == 1);
	}
}

static void assert_pattern_row(const struct sl_batch *b, size_t r, size_t orig)
{
	int ci = col(SL_KIND_STAGE_RUNS, "attempt"), cs = col(SL_KIND_STAGE_RUNS, "stage_id");
	int cb = col(SL_KIND_STAGE_RUNS, "parallel");
	char buf[32];

	REQUIRE(sl_batch_is_null(b, ci, r) == (orig % 3 == 0));
	if (orig % 3)
		REQUIRE(b->cols[ci].v.i64[r] == (int64_t)orig);
	REQUIRE(sl_batch_is_null(b, cs, r) == (orig % 5 == 0));
	if (orig % 5) {
		snprintf(buf, sizeof(buf), "v%zu", orig);
		assert_str(b, cs, r, buf);
	}
	REQUIRE(sl_batch_is_null(b, cb, r) == (orig % 2 == 0));
	if (orig % 2)
		REQUIRE(b->cols[cb].v.u8[r] == (orig % 4 == 1));
	for (int c = 0; c < b->ncols; c++)
		if (c != ci && c != cs && c != cb)
			REQUIRE(sl_batch_is_null(b, c, r));
}

START_TEST(filter_keeps_order_and_nulls)
{
	/* more rows than the filter gathers at a time, a kept run at the
	 * start, long kept and dropped runs, and a kept tail */
	enum { N = 5000 };
	struct sl_batch *b = sl_batch_new(SL_KIND_STAGE_RUNS, 0);
	uint8_t *keep = malloc(N);
	size_t w = 0;

	fill_pattern(b, N);
	for (size_t r = 0; r < N; r++)
		keep[r] = (r < 13 || r % 7 == 2 || r % 11 == 0 || (r >= 2000 && r < 3100) ||
			   r > 4990) &&
			  !(r >= 3500 && r < 4200);
	for (size_t r = 0; r < N; r++)
		w += keep[r];
	ck_assert_uint_eq(sl_batch_filter(b, keep), w);
	ck_assert_uint_eq(b->n, w);
	for (size_t r = 0, out = 0; r < N; r++)
		if (keep[r])
			assert_pattern_row(b, out++, r);
	/* rows appended after a filter start null */
	for (size_t i = 0; i < 20; i++)
		assert_row_null(b, add_row(b));
	/* keep nothing */
	memset(keep, 0, N);
	ck_assert_uint_eq(sl_batch_filter(b, keep), 0);
	ck_assert_uint_eq(b->n, 0);
	assert_row_null(b, add_row(b));
	free(keep);
	sl_batch_free(b);
}
END_TEST

START_TEST(filter_keep_all_is_identity)
{
	enum { N = 77 };
	struct sl_batch *b = sl_batch_new(SL_KIND_STAGE_RUNS, 0);
	uint8_t keep[N];

	fill_pattern(b, N);
	memset(keep, 1, sizeof(keep));
	ck_assert_uint_eq(sl_batch_filter(b, keep), N);
	for (size_t r = 0; r < N; r++)
		assert_pattern_row(b, r, r);
	sl_batch_free(b);
}
END_TEST

START_TEST(copy_row)
{
	enum { N = 300 };
	struct sl_batch *src = sl_batch_new(SL_KIND_STAGE_RUNS, 0);
	struct sl_batch *dst = sl_batch_new(SL_KIND_STAGE_RUNS, 0);
	int cs = col(SL_KIND_STAGE_RUNS, "stage_id");

	fill_pattern(src, N);
	/* dst already holds other strings, so its codes differ from src's */
	set_str(dst, cs, add_row(dst), "other");
	for (size_t r = N; r-- > 0;)
		REQUIRE(sl_batch_copy_row(dst, src, r) == SL_OK);
	ck_assert_uint_eq(dst->n, N + 1);
	assert_str(dst, cs, 0, "other");
	for (size_t i = 0; i < N; i++)
		assert_pattern_row(dst, i + 1, N - 1 - i);
	/* the source is unchanged */
	for (size_t r = 0; r < N; r++)
		assert_pattern_row(src, r, r);
	/* copying a row within the same batch */
	ck_assert_int_eq(sl_batch_copy_row(src, src, 7), SL_OK);
	assert_pattern_row(src, N, 7);
	sl_batch_free(src);
	sl_batch_free(dst);
}
END_TEST

START_TEST(growth_past_capacity)
{
	enum { N = 100000 };
	struct sl_batch *b = sl_batch_new(SL_KIND_STAGE_RUNS, 3);
	size_t bytes0 = sl_batch_bytes(b);

	fill_pattern(b, N);
	ck_assert_uint_eq(b->n, N);
	ck_assert_uint_ge(b->cap, N);
	ck_assert_uint_gt(sl_batch_bytes(b), bytes0);
	for (size_t r = 0; r < N; r++)
		assert_pattern_row(b, r, r);
	sl_batch_free(b);
}
END_TEST

START_TEST(clear_and_reuse)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_STAGE_RUNS, 0);
	int cs = col(SL_KIND_STAGE_RUNS, "stage_id");

	fill_pattern(b, 200);
	sl_batch_clear(b);
	ck_assert_uint_eq(b->n, 0);
	for (size_t i = 0; i < 200; i++)
		assert_row_null(b, add_row(b));
	ck_assert_uint_eq(sl_dict_count(b->cols[cs].dict), 0);
	sl_batch_clear(b);
	fill_pattern(b, 50);
	for (size_t r = 0; r < 50; r++)
		assert_pattern_row(b, r, r);
	/* the dictionary holds only what the new rows used */
	ck_assert_uint_eq(sl_dict_count(b->cols[cs].dict), 40);
	sl_batch_free(b);
}
END_TEST

/* A code taken from a batch holds while (batch, gen) stays: a new batch
 * and every clear get a gen no batch had, even at a reused address. */
START_TEST(generations)
{
	struct sl_batch *a = sl_batch_new(SL_KIND_STAGE_RUNS, 0);
	struct sl_batch *b = sl_batch_new(SL_KIND_STAGE_RUNS, 0);
	int cs = col(SL_KIND_STAGE_RUNS, "stage_id");
	uint64_t ga = a->gen, gb = b->gen, g;
	size_t r, n;
	const char *s;

	ck_assert_uint_ne(ga, 0);
	ck_assert_uint_ne(ga, gb);
	r = add_row(a);
	ck_assert_int_eq(sl_batch_set_str(a, cs, r, "build", 5), 0);
	/* set by code: the same value as set by text */
	r = add_row(a);
	sl_batch_set_code(a, cs, r, a->cols[cs].v.code[0]);
	s = sl_batch_get_str(a, cs, r, &n);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(memcmp(s, "build", 5), 0);
	ck_assert_uint_eq(a->gen, ga); /* rows and values leave it */
	sl_batch_clear(a);
	ck_assert_uint_ne(a->gen, ga);
	ck_assert_uint_ne(a->gen, gb);
	g = a->gen;
	sl_batch_free(a);
	a = sl_batch_new(SL_KIND_STAGE_RUNS, 0);
	ck_assert_uint_ne(a->gen, g);
	ck_assert_uint_ne(a->gen, ga);
	ck_assert_uint_ne(a->gen, gb);
	sl_batch_free(a);
	sl_batch_free(b);
}
END_TEST

Suite *suite_batch(void);

Suite *suite_batch(void)
{
	Suite *s = suite_create("batch");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, new_batch_shape);
	tcase_add_test(tc, add_rows_all_null);
	tcase_add_test(tc, set_get_each_type);
	tcase_add_test(tc, str_empty_is_not_null);
	tcase_add_test(tc, str_binary);
	tcase_add_test(tc, drop_last);
	tcase_add_test(tc, filter_keeps_order_and_nulls);
	tcase_add_test(tc, filter_keep_all_is_identity);
	tcase_add_test(tc, copy_row);
	tcase_add_test(tc, growth_past_capacity);
	tcase_add_test(tc, clear_and_reuse);
	tcase_add_test(tc, generations);
	suite_add_tcase(s, tc);
	return s;
}
