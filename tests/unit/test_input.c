/* sl_input: plain and gzip input through the reader thread, with both
 * inflaters: multi-member streams, truncation, corruption, digests. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "sl_input.h"

static char dir[64];
static const char *inflaters[] = {"zlib", "isa-l"};

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/shiplog-input-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	unsetenv("SHIPLOG_INFLATE");
}

/* Deterministic text that compresses but not trivially. */
static char *make_text(size_t n)
{
	char *s = malloc(n);
	uint32_t x = 12345;

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		s[i] = (i % 64 == 63) ? '\n' : (char)('a' + (x >> 16) % 26);
	}
	return s;
}

static void gz_member(FILE *f, const char *data, size_t n)
{
	z_stream zs;
	unsigned char *out;
	size_t cap = compressBound((uLong)n) + 64;

	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	out = malloc(cap);
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	fwrite(out, 1, cap - zs.avail_out, f);
	deflateEnd(&zs);
	free(out);
}

static void path_of(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

/* Reads everything; returns the status and the bytes in *out. */
static int slurp(const char *path, char **out, size_t *len, struct sl_errctx *err)
{
	struct sl_input *in;
	const char *data;
	ssize_t n;
	size_t cap = 1 << 20;
	int rc;

	*out = malloc(cap);
	*len = 0;
	if ((rc = sl_input_open(&in, path, err)))
		return rc;
	while ((n = sl_input_read(in, &data, err)) > 0) {
		if (*len + (size_t)n > cap) {
			while (*len + (size_t)n > cap)
				cap *= 2;
			*out = realloc(*out, cap);
		}
		memcpy(*out + *len, data, (size_t)n);
		*len += (size_t)n;
	}
	sl_input_close(in);
	return (int)n;
}

START_TEST(test_plain_and_gzip_equal)
{
	size_t n = 5 * 1024 * 1024 + 17, got;
	char *text = make_text(n), *out, p1[128], p2[128];
	struct sl_errctx err;
	FILE *f;

	setenv("SHIPLOG_INFLATE", inflaters[_i], 1);
	path_of(p1, sizeof(p1), "plain.csv");
	f = fopen(p1, "wb");
	fwrite(text, 1, n, f);
	fclose(f);
	path_of(p2, sizeof(p2), "data.csv.gz");
	f = fopen(p2, "wb");
	gz_member(f, text, n);
	fclose(f);

	ck_assert_int_eq(slurp(p1, &out, &got, &err), 0);
	ck_assert_uint_eq(got, n);
	ck_assert(!memcmp(out, text, n));
	free(out);
	ck_assert_int_eq(slurp(p2, &out, &got, &err), 0);
	ck_assert_uint_eq(got, n);
	ck_assert(!memcmp(out, text, n));
	free(out);
	free(text);
}
END_TEST

START_TEST(test_multi_member_and_padding)
{
	size_t n = 300000, got;
	char *text = make_text(3 * n), *out, p[128];
	struct sl_errctx err;
	FILE *f;

	setenv("SHIPLOG_INFLATE", inflaters[_i], 1);
	path_of(p, sizeof(p), "multi.gz");
	f = fopen(p, "wb");
	gz_member(f, text, n);
	gz_member(f, text + n, 0); /* an empty member, as some tools write */
	gz_member(f, text + n, 2 * n);
	fwrite("\0\0\0\0", 1, 4, f); /* zero padding after the last member */
	fclose(f);
	ck_assert_int_eq(slurp(p, &out, &got, &err), 0);
	ck_assert_uint_eq(got, 3 * n);
	ck_assert(!memcmp(out, text, 3 * n));
	free(out);
	free(text);
}
END_TEST

START_TEST(test_truncated)
{
	size_t n = 200000, got;
	char *text = make_text(n), *out, p[128], q[128];
	struct sl_errctx err;
	FILE *f;
	long size;

	setenv("SHIPLOG_INFLATE", inflaters[_i], 1);
	path_of(p, sizeof(p), "whole.gz");
	f = fopen(p, "wb");
	gz_member(f, text, n);
	size = ftell(f);
	fclose(f);
	/* cut in the header, the data and the 8-byte trailer */
	for (long cut = 5; cut < size; cut += size / 7 + 1) {
		long lens[] = {cut, size - 1, size - 5};

		for (int k = 0; k < 3; k++) {
			char cmd[300];

			path_of(q, sizeof(q), "cut.gz");
			snprintf(cmd, sizeof(cmd), "head -c %ld '%s' > '%s'", lens[k], p, q);
			ck_assert_int_eq(system(cmd), 0);
			sl_err_clear(&err);
			ck_assert_int_lt(slurp(q, &out, &got, &err), 0);
			ck_assert_str_eq(err.path, q);
			free(out);
		}
	}
	free(text);
}
END_TEST

START_TEST(test_corrupt_and_garbage)
{
	size_t n = 100000, got;
	char *text = make_text(n), *out, p[128];
	struct sl_errctx err;
	FILE *f;

	setenv("SHIPLOG_INFLATE", inflaters[_i], 1);
	path_of(p, sizeof(p), "bad.gz");
	f = fopen(p, "wb");
	gz_member(f, text, n);
	fwrite("garbage", 1, 7, f);
	fclose(f);
	ck_assert_int_eq(slurp(p, &out, &got, &err), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "trailing garbage"));
	free(out);

	/* a flipped byte in the deflate data or the CRC: an error, never
	 * silently different output */
	f = fopen(p, "wb");
	gz_member(f, text, n);
	fclose(f);
	for (long pos = 20; pos < 2000; pos += 97) {
		int rc;

		f = fopen(p, "r+b");
		fseek(f, pos, SEEK_SET);
		{
			int c = fgetc(f);

			fseek(f, pos, SEEK_SET);
			fputc(c ^ 0x55, f);
		}
		fclose(f);
		rc = slurp(p, &out, &got, &err);
		ck_assert_int_lt(rc, 0);
		free(out);
		f = fopen(p, "wb");
		gz_member(f, text, n);
		fclose(f);
	}
	free(text);
}
END_TEST

START_TEST(test_empty_and_digest)
{
	char p[128], hex[SL_DIGEST_HEX], hex2[SL_DIGEST_HEX], *out;
	struct sl_errctx err;
	struct sl_input *in;
	const char *data;
	uint64_t size;
	size_t got;
	FILE *f;

	path_of(p, sizeof(p), "empty");
	f = fopen(p, "wb");
	fclose(f);
	ck_assert_int_eq(slurp(p, &out, &got, &err), 0);
	ck_assert_uint_eq(got, 0);
	free(out);

	path_of(p, sizeof(p), "small.csv");
	f = fopen(p, "wb");
	fputs("a,b\n1,2\n", f);
	fclose(f);
	ck_assert_int_eq(sl_input_digest_file(p, hex, &size, &err), 0);
	ck_assert_uint_eq(size, 8);
	ck_assert_int_eq(strlen(hex), 32);
	ck_assert_int_eq(sl_input_open(&in, p, &err), 0);
	while (sl_input_read(in, &data, &err) > 0)
		;
	sl_input_digest(in, hex2);
	ck_assert_uint_eq(sl_input_raw_bytes(in), 8);
	ck_assert_int_eq(sl_input_is_gzip(in), 0);
	sl_input_close(in);
	ck_assert_str_eq(hex, hex2);
	/* a different file, a different digest */
	f = fopen(p, "ab");
	fputs("3,4\n", f);
	fclose(f);
	ck_assert_int_eq(sl_input_digest_file(p, hex2, &size, &err), 0);
	ck_assert_str_ne(hex, hex2);
	ck_assert_int_eq(sl_input_digest_file(dir, hex2, &size, &err), SL_EINVAL);
}
END_TEST

START_TEST(test_missing_file)
{
	struct sl_input *in;
	struct sl_errctx err;

	ck_assert_int_eq(sl_input_open(&in, "/nonexistent/x.gz", &err), SL_EIO);
	ck_assert_str_eq(err.path, "/nonexistent/x.gz");
	ck_assert_ptr_nonnull(strstr(err.msg, "No such file"));
}
END_TEST

/* Closing in the middle must stop the reader thread cleanly. */
START_TEST(test_close_early)
{
	size_t n = 8 * 1024 * 1024;
	char *text = make_text(n), p[128];
	struct sl_errctx err;
	struct sl_input *in;
	const char *data;
	FILE *f;

	setenv("SHIPLOG_INFLATE", inflaters[_i], 1);
	path_of(p, sizeof(p), "big.gz");
	f = fopen(p, "wb");
	gz_member(f, text, n);
	fclose(f);
	ck_assert_int_eq(sl_input_open(&in, p, &err), 0);
	ck_assert_int_gt(sl_input_read(in, &data, &err), 0);
	ck_assert_int_eq(sl_input_is_gzip(in), 1);
	sl_input_close(in);
	free(text);
}
END_TEST

Suite *suite_input(void);

Suite *suite_input(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("input");
	int ninfl = strcmp(sl_input_inflater(), "isa-l") == 0 ? 2 : 1;

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_plain_and_gzip_equal, 0, ninfl);
	tcase_add_loop_test(tc, test_multi_member_and_padding, 0, ninfl);
	tcase_add_loop_test(tc, test_truncated, 0, ninfl);
	tcase_add_loop_test(tc, test_corrupt_and_garbage, 0, ninfl);
	tcase_add_test(tc, test_empty_and_digest);
	tcase_add_test(tc, test_missing_file);
	tcase_add_loop_test(tc, test_close_early, 0, ninfl);
	suite_add_tcase(s, tc);
	return s;
}
