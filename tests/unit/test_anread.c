/* sl_anread: the analysis file read back, strictly, whole or group by
 * group; write -> read -> write gives the same bytes. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
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

START_TEST(test_round_trip)
{
	struct sl_analysis *a = sample(), *b = NULL;
	struct sl_errctx err;
	size_t n1, n2;
	char *b1 = analysis_bytes(a, &n1), *b2;
	const struct sl_table *t;
	double v;

	ck_assert_int_eq(sl_anread_buf(b1, n1, "x", &b, &err), 0);
	b2 = analysis_bytes(b, &n2);
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
	char *buf = analysis_bytes(a, &n), *c, msg[512];
	/* array 32 claiming four billion elements, in five bytes */
	static const char huge[] = "\xdd\xff\xff\xff\xff";

	/* every truncation is refused, none crashes */
	for (size_t k = 0; k < n; k++)
		ck_assert_int_ne(read_err(buf, k, msg, sizeof(msg)), 0);
	/* a byte after the trailer: the trailer is not at the end */
	c = malloc(n + 1);
	memcpy(c, buf, n);
	c[n] = 0;
	ck_assert_int_eq(read_err(c, n + 1, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "trailer"));
	free(c);
	ck_assert_int_ne(read_err(huge, 5, msg, sizeof(msg)), 0);
	/* magic, format (another number; format 1, one map, has no trailer) */
	c = patch(buf, n, "shiplog-analysis", "shiplog-analysiz", 16);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	free(c);
	c = patch(buf, n, "format\x02", "format\x03", 7);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EVERSION);
	free(c);
	{
		static const char f1[] = "\x84\xa5magic\xb0shiplog-analysis\xa6" "format\x01"
					 "\xa4meta\x80\xa6tables\x80";

		ck_assert_int_eq(read_err(f1, sizeof(f1) - 1, msg, sizeof(msg)), SL_EVERSION);
		ck_assert_ptr_nonnull(strstr(msg, "re-run shiplog-analyze"));
	}
	/* a row count the data does not hold */
	c = patch(buf, n, "rows\x03", "rows\x04", 5); /* the group's */
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "table 't': a row group holds 4 rows, the index says 3"));
	free(c);
	/* the index's: its one group holds 3 rows, not 4 */
	c = malloc(n);
	memcpy(c, buf, n);
	{
		char *p = memmem(c, n, "rows\x03", 5);

		p = memmem(p + 1, n - (size_t)(p + 1 - c), "rows\x03", 5);
		ck_assert_ptr_nonnull(p);
		p[4] = 4;
	}
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "table 't': row group 0 holds 3 rows, not 4"));
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

/* The trailer's and the index's numbers, each changed: refused, with the
 * table named when the number is a table's. */
static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

START_TEST(test_bad_offsets)
{
	struct sl_analysis *a = sample();
	size_t n;
	char *buf = analysis_bytes(a, &n), *c, msg[512];
	unsigned char *tr;
	uint64_t ioff, ilen;
	char *g;

	tr = (unsigned char *)buf + n - 36;
	ioff = be64(tr + 2);
	ilen = be64(tr + 11);
	ck_assert_uint_eq(ioff + ilen + 36, n);
	/* the trailer's index offset and length, off by one either way */
	for (int d = -1; d <= 1; d += 2) {
		c = malloc(n);
		memcpy(c, buf, n);
		put64((unsigned char *)c + n - 34, ioff + (uint64_t)d);
		ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
		put64((unsigned char *)c + n - 34, ioff);
		put64((unsigned char *)c + n - 25, ilen + (uint64_t)d);
		ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
		free(c);
	}
	/* an offset far past the end */
	c = malloc(n);
	memcpy(c, buf, n);
	put64((unsigned char *)c + n - 34, (uint64_t)1 << 62);
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	free(c);
	/* the group's offset in the index: [offset, bytes, rows] is a fixarray
	 * of 3 after "groups" and a fixarray of 1 */
	c = malloc(n);
	memcpy(c, buf, n);
	g = memmem(c + ioff, ilen, "groups\x91\x93", 8);
	ck_assert_ptr_nonnull(g);
	g += 8; /* a positive fixint offset (the header is short) */
	ck_assert_int_lt((unsigned char)*g, 0x80);
	(*g)++;
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "table 't': row group"));
	(*g) -= 2;
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "table 't'"));
	(*g)++;
	/* its byte count */
	g[1]++;
	ck_assert_int_eq(read_err(c, n, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "table 't'"));
	free(c);
	free(buf);
	sl_analysis_free(a);
}
END_TEST

/* Group boundaries: 0 rows, one full group, a group and one row; read
 * whole and group by group, and a streamed analysis read back equals the
 * same analysis kept in memory. */
static const size_t bsizes[] = {0, 1, SL_RESULT_GROUP_ROWS, SL_RESULT_GROUP_ROWS + 1};

static void fill(struct sl_table *t, size_t n)
{
	char s[32];

	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(sl_table_add_row(t), 0);
		snprintf(s, sizeof(s), "d%zu", i % 1000);
		sl_table_set_str(t, 0, s, strlen(s));
		sl_table_set_i64(t, 1, (int64_t)i);
		if (i % 7)
			sl_table_set_f64(t, 2, 1.0 / (double)(i + 1));
		sl_table_set_bool(t, 3, i % 2);
		sl_table_set_i64(t, 4, (int64_t)i * 1000);
		sl_table_set_i64(t, 5, (int64_t)(i % 3000));
	}
}

static void csv_of(const struct sl_table *t, char **s, size_t *n)
{
	FILE *f = tmpfile();
	long len;

	ck_assert_int_eq(sl_table_write_csv(t, f), 0);
	len = ftell(f);
	rewind(f);
	*s = malloc((size_t)len + 1);
	*n = fread(*s, 1, (size_t)len, f);
	fclose(f);
}

START_TEST(test_groups)
{
	char p1[] = "/tmp/shiplog-groups-XXXXXX", p2[] = "/tmp/shiplog-groups-XXXXXX";
	struct sl_analysis *a = sl_analysis_new(), *m = sl_analysis_new(), *ra, *rm;
	struct sl_anfile *f;
	struct sl_errctx err;
	char name[16];
	int fd1 = mkstemp(p1), fd2 = mkstemp(p2);

	ck_assert_int_ge(fd1, 0);
	ck_assert_int_ge(fd2, 0);
	close(fd1);
	close(fd2);
	ck_assert_int_eq(sl_analysis_open(a, p1, &err), 0);
	for (int i = 0; i < 4; i++) {
		struct sl_table *t, *u;

		snprintf(name, sizeof(name), "g%d", i);
		t = sl_table_new_stream(a, name, cols, 6);
		u = sl_table_new(name, cols, 6);
		fill(t, bsizes[i]);
		fill(u, bsizes[i]);
		ck_assert_int_eq(sl_analysis_add(a, t), 0);
		ck_assert_int_eq(sl_analysis_add(m, u), 0);
	}
	ck_assert_int_eq(sl_analysis_write(a, p1, &err), 0);
	ck_assert_int_eq(sl_analysis_write(m, p2, &err), 0);
	ck_assert_int_eq(sl_anread_file(p1, &ra, &err), 0);
	ck_assert_int_eq(sl_anread_file(p2, &rm, &err), 0);
	ck_assert_int_eq(sl_anfile_open(p1, &f, &err), 0);
	ck_assert_uint_eq(sl_anfile_ntables(f), 4);
	for (int i = 0; i < 4; i++) {
		const struct sl_table *x = sl_analysis_table(ra, sl_anfile_name(f, (size_t)i));
		const struct sl_table *y = sl_analysis_table(rm, sl_anfile_name(f, (size_t)i));
		size_t ng = sl_anfile_ngroups(f, (size_t)i), rows = 0;
		char *sx, *sy;
		size_t nx, ny;

		ck_assert_uint_eq(sl_anfile_rows(f, (size_t)i), bsizes[i]);
		ck_assert_uint_eq(ng, (bsizes[i] + SL_RESULT_GROUP_ROWS - 1) / SL_RESULT_GROUP_ROWS);
		ck_assert_uint_eq(sl_table_rows(x), bsizes[i]);
		csv_of(x, &sx, &nx);
		csv_of(y, &sy, &ny);
		ck_assert_uint_eq(nx, ny);
		ck_assert_int_eq(memcmp(sx, sy, nx), 0);
		free(sx);
		free(sy);
		/* group by group: the same rows, the last group the remainder */
		for (size_t k = 0; k < (ng ? ng : 1); k++) {
			struct sl_table *g;
			double v;

			ck_assert_int_eq(sl_anfile_group(f, (size_t)i, k, &g, &err), 0);
			ck_assert_uint_eq(sl_table_rows(g),
					  ng ? (k + 1 < ng ? SL_RESULT_GROUP_ROWS
							   : bsizes[i] - k * SL_RESULT_GROUP_ROWS)
					     : 0);
			if (sl_table_rows(g)) {
				ck_assert_int_eq(sl_table_get_f64(g, 1, 0, &v), 0);
				ck_assert(v == (double)rows);
			}
			rows += sl_table_rows(g);
			sl_table_free(g);
		}
		ck_assert_uint_eq(rows, bsizes[i]);
	}
	{
		struct sl_table *g;
		/* only column 1: the others read back as null, still checked */
		static const unsigned char want[6] = {0, 1, 0, 0, 0, 0};
		double v;

		ck_assert_int_eq(sl_anfile_group(f, 0, 1, &g, &err), SL_EINVAL);
		ck_assert_int_eq(sl_anfile_group_cols(f, 3, 1, want, &g, &err), 0);
		ck_assert_uint_eq(sl_table_rows(g), 1);
		ck_assert_int_eq(sl_table_get_f64(g, 1, 0, &v), 0);
		ck_assert(v == (double)SL_RESULT_GROUP_ROWS);
		ck_assert_ptr_null(sl_table_get_str(g, 0, 0));
		ck_assert_int_eq(sl_table_get_f64(g, 4, 0, &v), -1);
		sl_table_free(g);
	}
	sl_anfile_close(f);
	sl_analysis_free(ra);
	sl_analysis_free(rm);
	sl_analysis_free(a);
	sl_analysis_free(m);
	unlink(p1);
	unlink(p2);
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

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_rejects);
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_bad_offsets);
	tcase_add_test(tc, test_groups);
	suite_add_tcase(s, tc);
	return s;
}
