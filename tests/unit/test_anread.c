/* sl_anread: the analysis file read back, strictly; write -> read -> write
 * gives the same bytes. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_anread.h"
#include "sl_result.h"

static const struct sl_rcol cols[] = {
	{"name", SL_R_STR}, {"count", SL_R_I64}, {"rate", SL_R_F64},
	{"ok", SL_R_BOOL},  {"at", SL_R_TIME},   {"day", SL_R_DAY},
};

static struct sl_analysis *sample(void)
{
	struct sl_analysis *a = sl_analysis_new();
	struct sl_table *t = sl_table_new("t", cols, 6), *e = sl_table_new("empty", cols, 2);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(sl_analysis_meta_str(a, "now", "2026-11-01T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "seed", -7), 0);
	ck_assert_int_eq(sl_analysis_meta_f64(a, "x", 0.25), 0);
	ck_assert_int_eq(sl_table_add_row(t), 0);
	sl_table_set_str(t, 0, "<b>&\"é\"", 8);
	sl_table_set_i64(t, 1, INT64_MIN);
	sl_table_set_f64(t, 2, 0.1);
	sl_table_set_bool(t, 3, 0);
	sl_table_set_i64(t, 4, 1732097700123LL);
	sl_table_set_i64(t, 5, -1);
	ck_assert_int_eq(sl_table_add_row(t), 0); /* all null */
	ck_assert_int_eq(sl_table_add_row(t), 0);
	sl_table_set_str(t, 0, "<b>&\"é\"", 8); /* a repeated string */
	sl_table_set_i64(t, 1, INT64_MAX);
	sl_table_set_f64(t, 2, -1e300);
	sl_table_set_bool(t, 3, 1);
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	ck_assert_int_eq(sl_analysis_add(a, e), 0);
	return a;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

static char *write_bytes(const struct sl_analysis *a, size_t *n)
{
	char path[] = "/tmp/shiplog-anread-XXXXXX";
	int fd = mkstemp(path);
	struct sl_errctx err;
	char *buf;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sl_analysis_write(a, path, &err), 0);
	buf = slurp(path, n);
	unlink(path);
	return buf;
}

START_TEST(test_round_trip)
{
	struct sl_analysis *a = sample(), *b = NULL;
	struct sl_errctx err;
	size_t n1, n2;
	char *b1 = write_bytes(a, &n1), *b2;
	const struct sl_table *t;
	double v;

	ck_assert_int_eq(sl_anread_buf(b1, n1, "x", &b, &err), 0);
	b2 = write_bytes(b, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_int_eq(memcmp(b1, b2, n1), 0);
	/* and the values are there */
	ck_assert_str_eq(sl_analysis_get_meta_str(b, "now"), "2026-11-01T00:00:00.000Z");
	ck_assert_int_eq(sl_analysis_get_meta_f64(b, "seed", &v), 0);
	ck_assert(v == -7);
	ck_assert_ptr_null(sl_analysis_get_meta_str(b, "seed"));
	ck_assert_uint_eq(sl_analysis_ntables(b), 2);
	t = sl_analysis_table(b, "t");
	ck_assert_uint_eq(sl_table_rows(t), 3);
	ck_assert_str_eq(sl_table_get_str(t, 0, 2), "<b>&\"é\"");
	ck_assert_ptr_null(sl_table_get_str(t, 0, 1));
	ck_assert_int_eq(sl_table_get_f64(t, 2, 0, &v), 0);
	ck_assert(v == 0.1);
	ck_assert_int_eq(sl_table_get_f64(t, 2, 1, &v), -1);
	ck_assert_uint_eq(sl_table_rows(sl_analysis_table(b, "empty")), 0);
	free(b1);
	free(b2);
	sl_analysis_free(a);
	sl_analysis_free(b);
}
END_TEST

/* Replaces the first occurrence of what (same length) in a copy. */
static char *patch(const char *buf, size_t n, const char *what, const char *with, size_t wn)
{
	char *c = malloc(n);
	char *p;

	memcpy(c, buf, n);
	p = memmem(c, n, what, wn);
	ck_assert_ptr_nonnull(p);
	memcpy(p, with, wn);
	return c;
}

static int read_err(const char *buf, size_t n, char *msg, size_t cap)
{
	struct sl_analysis *b = (struct sl_analysis *)1;
	struct sl_errctx err;
	int rc;

	sl_err_clear(&err);
	rc = sl_anread_buf(buf, n, "f", &b, &err);
	ck_assert(rc != 0 || b != NULL);
	if (!rc)
		sl_analysis_free(b);
	else
		ck_assert_ptr_null(b);
	snprintf(msg, cap, "%s", err.msg);
	return rc;
}

START_TEST(test_rejects)
{
	struct sl_analysis *a = sample();
	size_t n;
	char *buf = write_bytes(a, &n), *c, msg[512];
	/* array 32 claiming four billion elements, in five bytes */
	static const char huge[] = "\xdd\xff\xff\xff\xff";

	/* every truncation is refused, none crashes */
	for (size_t k = 0; k < n; k++)
		ck_assert_int_ne(read_err(buf, k, msg, sizeof(msg)), 0);
	/* a byte after the analysis */
	c = malloc(n + 1);
	memcpy(c, buf, n);
	c[n] = 0;
	ck_assert_int_eq(read_err(c, n + 1, msg, sizeof(msg)), SL_EFORMAT);
	free(c);
	ck_assert_int_ne(read_err(huge, 5, msg, sizeof(msg)), 0);
	/* magic, format */
	c = patch(buf, n, "shiplog-analysis", "shiplog-analysiz", 16);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	free(c);
	c = patch(buf, n, "format\x01", "format\x02", 7);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EVERSION);
	free(c);
	/* a row count the data does not hold */
	c = patch(buf, n, "rows\x03", "rows\x04", 5);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "does not hold 4 rows"));
	free(c);
	/* an unknown column type */
	c = patch(buf, n, "\xa4" "bool", "\xa4" "booL", 5);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	free(c);
	/* a table name that is no file name */
	c = patch(buf, n, "\xa5" "empty", "\xa5" "../xx", 6);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	free(c);
	/* a day that is not a day, a bool where an int belongs (false = 0xc2) */
	c = patch(buf, n, "1969-12-31", "1969-13-31", 10);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "'day' row 0"));
	free(c);
	c = patch(buf, n, "\xc2", "\x01", 1);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	free(c);
	/* invalid UTF-8 in a string cell */
	c = patch(buf, n, "\xc3\xa9", "\xc3\x28", 2);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	free(c);
	free(buf);
	sl_analysis_free(a);
}
END_TEST

START_TEST(test_file)
{
	struct sl_analysis *b;
	struct sl_errctx err;

	sl_err_clear(&err);
	ck_assert_int_eq(sl_anread_file("/nonexistent/a.msgpack", &b, &err), SL_EIO);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(sl_anread_file("/tmp", &b, &err), SL_EIO);
}
END_TEST

Suite *suite_anread(void);

Suite *suite_anread(void)
{
	Suite *s = suite_create("anread");
	TCase *tc = tcase_create("anread");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_rejects);
	tcase_add_test(tc, test_file);
	suite_add_tcase(s, tc);
	return s;
}
