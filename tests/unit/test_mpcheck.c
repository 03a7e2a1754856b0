/* Unit tests for sl_mpcheck: the length of well-formed msgpack, as
 * msgpack-c packs and unpacks it, and refusal of lying headers. */
#include <check.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "sl_mpcheck.h"
#include "xorshift.h"

#define REQUIRE(cond)                                                  \
	do {                                                           \
		if (!(cond))                                           \
			ck_abort_msg("Assertion '%s' failed", #cond); \
	} while (0)

static uint64_t rng = XORSHIFT_SEED;

static uint64_t next(void)
{
	return xorshift64(&rng);
}

/* A random object of every msgpack type, nested up to depth. */
static void pack_random(msgpack_packer *pk, int depth)
{
	static const char bytes[70000];
	int kind = (int)(next() % (depth > 0 ? 14 : 12));
	uint64_t sizes[] = {0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536};
	size_t len = (size_t)sizes[next() % 10];

	switch (kind) {
	case 0: msgpack_pack_nil(pk); break;
	case 1: msgpack_pack_true(pk); break;
	case 2: msgpack_pack_int64(pk, (int64_t)next() >> (next() % 64)); break;
	case 3: msgpack_pack_uint64(pk, next() >> (next() % 64)); break;
	case 4: msgpack_pack_double(pk, 1.5); break;
	case 5: msgpack_pack_float(pk, 2.5f); break;
	case 6: msgpack_pack_str_with_body(pk, bytes, len); break;
	case 7: msgpack_pack_bin_with_body(pk, bytes, len); break;
	case 8: msgpack_pack_ext_with_body(pk, bytes, len, 7); break;
	case 9: msgpack_pack_ext_with_body(pk, bytes, (size_t)1 << (next() % 5), 3); break;
	case 10: msgpack_pack_int8(pk, -5); break;
	case 11: msgpack_pack_uint16(pk, 300); break;
	case 12: {
		size_t n = next() % 20;

		msgpack_pack_array(pk, n);
		for (size_t i = 0; i < n; i++)
			pack_random(pk, depth - 1);
		break;
	}
	default: {
		size_t n = next() % 20;

		msgpack_pack_map(pk, n);
		for (size_t i = 0; i < 2 * n; i++)
			pack_random(pk, depth - 1);
		break;
	}
	}
}

START_TEST(test_lengths_match_msgpack)
{
	for (int round = 0; round < 300; round++) {
		msgpack_sbuffer sb;
		msgpack_packer pk;
		msgpack_unpacked u;
		size_t off = 0, n;

		msgpack_sbuffer_init(&sb);
		msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
		pack_random(&pk, 3);
		n = sb.size;
		/* a second object after the first must not be counted */
		msgpack_pack_nil(&pk);
		REQUIRE(sl_mp_check(sb.data, sb.size) == n);
		msgpack_unpacked_init(&u);
		REQUIRE(msgpack_unpack_next(&u, sb.data, sb.size, &off) == MSGPACK_UNPACK_SUCCESS);
		REQUIRE(off == n);
		msgpack_unpacked_destroy(&u);
		/* every cut short of the end is refused */
		for (size_t cut = n > 64 ? n - 64 : 0; cut < n; cut++)
			REQUIRE(sl_mp_check(sb.data, cut) == 0);
		REQUIRE(sl_mp_check(sb.data, 0) == 0);
		msgpack_sbuffer_destroy(&sb);
	}
}
END_TEST

START_TEST(test_lying_counts)
{
	/* array32 of 2^32 - 1 nils declared in 5 bytes, then 3 nils */
	static const unsigned char arr[] = {0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0, 0xc0, 0xc0};
	/* map16 of 3 entries (6 objects) with only 5 present */
	static const unsigned char map[] = {0xde, 0x00, 0x03, 1, 2, 3, 4, 5};
	/* the same map with its six objects */
	static const unsigned char map_ok[] = {0xde, 0x00, 0x03, 1, 2, 3, 4, 5, 6};
	/* str32 of 4 GB, bin16 longer than the data, the reserved byte */
	static const unsigned char str[] = {0xdb, 0xff, 0xff, 0xff, 0xff, 'a'};
	static const unsigned char bin[] = {0xc5, 0x01, 0x00, 'a', 'b'};
	static const unsigned char reserved[] = {0x91, 0xc1};
	/* fixarray of fixarrays: 15 x 15 declared in a few bytes */
	static const unsigned char nested[] = {0x9f, 0x9f, 0x9f, 0x9f};

	ck_assert_uint_eq(sl_mp_check(arr, sizeof(arr)), 0);
	ck_assert_uint_eq(sl_mp_check(map, sizeof(map)), 0);
	ck_assert_uint_eq(sl_mp_check(map_ok, sizeof(map_ok)), sizeof(map_ok));
	ck_assert_uint_eq(sl_mp_check(str, sizeof(str)), 0);
	ck_assert_uint_eq(sl_mp_check(bin, sizeof(bin)), 0);
	ck_assert_uint_eq(sl_mp_check(reserved, sizeof(reserved)), 0);
	ck_assert_uint_eq(sl_mp_check(nested, sizeof(nested)), 0);
}
END_TEST

Suite *suite_mpcheck(void);

Suite *suite_mpcheck(void)
{
	Suite *s = suite_create("mpcheck");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_lengths_match_msgpack);
	tcase_add_test(tc, test_lying_counts);
	suite_add_tcase(s, tc);
	return s;
}
