/* sl_u64map and sl_buf: the small containers. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_err.h"
#include "sl_u64map.h"

START_TEST(test_map_many)
{
	struct sl_u64map m = SL_U64MAP_INIT;
	uint32_t *v;
	int added;

	ck_assert_ptr_null(sl_u64map_get(&m, 1));
	/* keys that collide in the low bits, and key 0 */
	for (uint64_t i = 0; i < 200000; i++) {
		ck_assert_int_eq(sl_u64map_put(&m, i << 20, &v, &added), 0);
		ck_assert_int_eq(added, 1);
		*v = (uint32_t)i * 3;
	}
	ck_assert_uint_eq(m.n, 200000);
	for (uint64_t i = 0; i < 200000; i++) {
		v = sl_u64map_get(&m, i << 20);
		ck_assert_ptr_nonnull(v);
		ck_assert_uint_eq(*v, (uint32_t)i * 3);
	}
	ck_assert_ptr_null(sl_u64map_get(&m, 12345));
	ck_assert_int_eq(sl_u64map_put(&m, 5ull << 20, &v, &added), 0);
	ck_assert_int_eq(added, 0);
	ck_assert_uint_eq(*v, 15);
	ck_assert_uint_gt(sl_u64map_bytes(&m), 200000 * 12);
	sl_u64map_release(&m);
	ck_assert_ptr_null(sl_u64map_get(&m, 0));
}
END_TEST

START_TEST(test_buf)
{
	struct sl_buf b = SL_BUF_INIT;

	ck_assert_str_eq(sl_buf_cstr(&b), "");
	ck_assert_int_eq(sl_buf_adds(&b, "abc"), 0);
	ck_assert_int_eq(sl_buf_addc(&b, 'd'), 0);
	ck_assert_int_eq(sl_buf_add(&b, "e\0f", 3), 0);
	ck_assert_uint_eq(b.len, 7);
	ck_assert(!memcmp(b.data, "abcde\0f", 8));
	ck_assert_int_eq(sl_buf_printf(&b, "%d-%s", 42, "x"), 0);
	ck_assert_uint_eq(b.len, 11);
	ck_assert(!memcmp(b.data + 7, "42-x", 5));
	sl_buf_reset(&b);
	ck_assert_str_eq(sl_buf_cstr(&b), "");
	for (int i = 0; i < 100000; i++)
		sl_buf_addc(&b, (char)('a' + i % 26));
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_int_eq(b.data[99999], 'a' + 99999 % 26);
	sl_buf_release(&b);
	ck_assert_ptr_null(b.data);
	sl_buf_release(NULL);
}
END_TEST

START_TEST(test_grow)
{
	int *a = NULL;
	size_t cap = 0;

	ck_assert_int_eq(sl_grow(&a, &cap, 1, sizeof(*a)), 0);
	ck_assert_uint_eq(cap, 16);
	ck_assert_int_eq(sl_grow(&a, &cap, 16, sizeof(*a)), 0);
	ck_assert_uint_eq(cap, 16); /* enough already: unchanged */
	ck_assert_int_eq(sl_grow(&a, &cap, 1000, sizeof(*a)), 0);
	ck_assert_uint_eq(cap, 1024);
	for (int i = 0; i < 1000; i++)
		a[i] = i;
	ck_assert_int_eq(sl_grow(&a, &cap, 5000, sizeof(*a)), 0);
	ck_assert_int_eq(a[999], 999); /* contents kept */
	/* an impossible size fails and leaves the array as it was */
	ck_assert_int_eq(sl_grow(&a, &cap, SIZE_MAX / 2, sizeof(*a)), SL_ENOMEM);
	ck_assert_uint_eq(cap, 8192);
	ck_assert_int_eq(a[999], 999);
	free(a);
}
END_TEST

START_TEST(test_err)
{
	struct sl_errctx e;

	ck_assert_int_eq(sl_err_set(&e, SL_EPARSE, "f.csv", 12, "bad %s", "value"), SL_EPARSE);
	ck_assert_str_eq(e.path, "f.csv");
	ck_assert_int_eq(e.line, 12);
	ck_assert_str_eq(e.msg, "bad value");
	ck_assert_int_eq(sl_err_set(&e, SL_ENOMEM, NULL, 0, NULL), SL_ENOMEM);
	ck_assert_str_eq(e.msg, "out of memory");
	ck_assert_str_eq(e.path, "");
	ck_assert_int_eq(sl_err_set(NULL, SL_EIO, "x", 1, "ignored"), SL_EIO);
	for (int c = SL_OK; c >= SL_ETRUNC; c--)
		ck_assert_str_ne(sl_strerror(c), "unknown error");
	ck_assert_str_eq(sl_strerror(-999), "unknown error");
	sl_err_clear(&e);
	ck_assert_int_eq(e.code, 0);
}
END_TEST

/* Keys copied in the order of another map's slots into a reserved map:
 * no growth on the way, every key found with its value. */
START_TEST(test_map_reserve)
{
	struct sl_u64map a = SL_U64MAP_INIT, b = SL_U64MAP_INIT;
	uint32_t *v;
	int added;
	size_t cap;

	for (uint64_t i = 0; i < 100000; i++) {
		ck_assert_int_eq(sl_u64map_put(&a, i * 0x9E3779B97F4A7C15ull + 1, &v, &added), 0);
		*v = (uint32_t)i;
	}
	ck_assert_int_eq(sl_u64map_reserve(&b, a.n), 0);
	cap = b.cap;
	ck_assert_uint_ge(cap * 3, a.n * 4);
	for (size_t i = 0; i < a.cap; i++) {
		if (!a.slots[i].used)
			continue;
		ck_assert_int_eq(sl_u64map_put(&b, a.slots[i].key, &v, &added), 0);
		ck_assert_int_eq(added, 1);
		*v = a.slots[i].val;
	}
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_uint_eq(b.n, a.n);
	for (uint64_t i = 0; i < 100000; i++) {
		v = sl_u64map_get(&b, i * 0x9E3779B97F4A7C15ull + 1);
		ck_assert_ptr_nonnull(v);
		ck_assert_uint_eq(*v, (uint32_t)i);
	}
	/* a smaller reservation keeps what is there */
	ck_assert_int_eq(sl_u64map_reserve(&b, 10), 0);
	ck_assert_uint_eq(b.cap, cap);
	sl_u64map_release(&a);
	sl_u64map_release(&b);
}
END_TEST

Suite *suite_u64map(void);

Suite *suite_u64map(void)
{
	Suite *s = suite_create("containers");
	TCase *tc = tcase_create("containers");

	tcase_add_test(tc, test_map_many);
	tcase_add_test(tc, test_map_reserve);
	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_err);
	suite_add_tcase(s, tc);
	return s;
}
