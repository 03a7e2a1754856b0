/* sl_result: tables, CSV output, and the analysis file read back with a
 * plain msgpack unpacker. */
#include <check.h>
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_result.h"

static const struct sl_rcol cols[] = {
	{"name", SL_R_STR}, {"count", SL_R_I64}, {"rate", SL_R_F64},
	{"ok", SL_R_BOOL},  {"at", SL_R_TIME},   {"day", SL_R_DAY},
};

static struct sl_table *sample(void)
{
	struct sl_table *t = sl_table_new("t", cols, 6);

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(sl_table_add_row(t), 0);
	sl_table_set_str(t, 0, "plain", 5);
	sl_table_set_i64(t, 1, -42);
	sl_table_set_f64(t, 2, 0.1);
	sl_table_set_bool(t, 3, 1);
	sl_table_set_i64(t, 4, 1732097700123LL);
	sl_table_set_i64(t, 5, 20513);
	ck_assert_int_eq(sl_table_add_row(t), 0); /* all null but these */
	sl_table_set_str(t, 0, "a,\"b\"\nc", 7);
	sl_table_set_f64(t, 2, NAN); /* no value: stays null */
	return t;
}

static char *slurp(FILE *f, size_t *n)
{
	char *buf;
	long len;

	fflush(f);
	len = ftell(f);
	buf = malloc((size_t)len + 1);
	rewind(f);
	*n = fread(buf, 1, (size_t)len, f);
	buf[*n] = '\0';
	return buf;
}

START_TEST(test_csv)
{
	struct sl_table *t = sample();
	FILE *f = tmpfile();
	size_t n;
	char *s;

	ck_assert_int_eq(sl_table_write_csv(t, f), 0);
	s = slurp(f, &n);
	ck_assert_str_eq(s, "name,count,rate,ok,at,day\n"
			    "plain,-42,0.1,true,2024-11-20T10:15:00.123Z,2026-03-01\n"
			    "\"a,\"\"b\"\"\nc\",,,,,\n");
	free(s);
	fclose(f);
	sl_table_free(t);
}
END_TEST

/* A NUL from a log becomes U+FFFD (cells are C strings); neutralised CSV
 * prefixes formulas and writes control characters as U+FFFD, leaving
 * numbers, tab and line breaks alone. */
START_TEST(test_hostile_text)
{
	static const struct sl_rcol c1[] = {{"s", SL_R_STR}};
	static const char *const in[] = {"a\0b", "=SUM(A1)", "-5", "-x", "esc\033[31m\177", "t\tab",
					 "@me,\"q\""};
	static const size_t len[] = {3, 8, 2, 2, 9, 4, 7};
	struct sl_table *t = sl_table_new("t", c1, 1);
	FILE *f = tmpfile();
	size_t n;
	char *s;

	for (int i = 0; i < 7; i++) {
		ck_assert_int_eq(sl_table_add_row(t), 0);
		ck_assert_int_eq(sl_table_set_str(t, 0, in[i], len[i]), 0);
	}
	ck_assert_str_eq(sl_table_get_str(t, 0, 0), "a\xEF\xBF\xBD" "b");
	ck_assert_int_eq(sl_table_write_csv_flags(t, f, SL_CSV_NEUTRALISE), 0);
	s = slurp(f, &n);
	ck_assert_str_eq(s, "s\n"
			    "a\xEF\xBF\xBD" "b\n"
			    "'=SUM(A1)\n"
			    "-5\n"
			    "'-x\n"
			    "esc\xEF\xBF\xBD[31m\xEF\xBF\xBD\n"
			    "t\tab\n"
			    "\"'@me,\"\"q\"\"\"\n");
	free(s);
	fclose(f);
	sl_table_free(t);
}
END_TEST

START_TEST(test_many_rows)
{
	struct sl_table *t = sl_table_new("big", cols, 6);

	for (int i = 0; i < 100000; i++) {
		ck_assert_int_eq(sl_table_add_row(t), 0);
		sl_table_set_i64(t, 1, i);
	}
	ck_assert_uint_eq(sl_table_rows(t), 100000);
	sl_table_free(t);
}
END_TEST

static const msgpack_object *get(const msgpack_object *m, const char *key)
{
	for (uint32_t i = 0; i < m->via.map.size; i++)
		if (m->via.map.ptr[i].key.via.str.size == strlen(key) &&
		    !memcmp(m->via.map.ptr[i].key.via.str.ptr, key, strlen(key)))
			return &m->via.map.ptr[i].val;
	return NULL;
}

START_TEST(test_analysis_file)
{
	struct sl_analysis *a = sl_analysis_new();
	struct sl_errctx err;
	char path[] = "/tmp/shiplog-analysis-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	size_t n, off = 0;
	char *buf;
	msgpack_unpacked u;
	const msgpack_object *tab, *data, *c0, *meta;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sl_analysis_meta_str(a, "shiplog_version", "x"), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "seed", 7), 0);
	ck_assert_int_eq(sl_analysis_add(a, sample()), 0);
	ck_assert_ptr_nonnull(sl_analysis_table(a, "t"));
	ck_assert_ptr_null(sl_analysis_table(a, "nope"));
	ck_assert_int_eq(sl_analysis_write(a, path, &err), 0);
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	buf = slurp(f, &n);
	fclose(f);
	msgpack_unpacked_init(&u);
	ck_assert_int_eq(msgpack_unpack_next(&u, buf, n, &off), MSGPACK_UNPACK_SUCCESS);
	ck_assert_uint_eq(off, n); /* one object, nothing after it */
	ck_assert_int_eq(get(&u.data, "format")->via.u64, 1);
	meta = get(&u.data, "meta");
	ck_assert_int_eq(get(meta, "seed")->via.u64, 7);
	tab = get(get(&u.data, "tables"), "t");
	ck_assert_int_eq(get(tab, "rows")->via.u64, 2);
	data = get(tab, "data");
	ck_assert_int_eq(data->via.array.size, 6);
	c0 = &data->via.array.ptr[0];
	ck_assert_int_eq(c0->via.array.ptr[1].via.str.size, 7);
	ck_assert_int_eq(data->via.array.ptr[1].via.array.ptr[0].via.i64, -42);
	ck_assert_int_eq(data->via.array.ptr[1].via.array.ptr[1].type, MSGPACK_OBJECT_NIL);
	ck_assert(data->via.array.ptr[3].via.array.ptr[0].via.boolean);
	ck_assert_int_eq(data->via.array.ptr[5].via.array.ptr[0].type, MSGPACK_OBJECT_STR);
	ck_assert(!memcmp(data->via.array.ptr[5].via.array.ptr[0].via.str.ptr, "2026-03-01", 10));
	ck_assert_int_eq(data->via.array.ptr[2].via.array.ptr[1].type, MSGPACK_OBJECT_NIL);
	msgpack_unpacked_destroy(&u);
	free(buf);
	unlink(path);
	/* a directory that does not exist: a clear error, no file */
	ck_assert_int_eq(sl_analysis_write(a, "/nonexistent/dir/a.msgpack", &err), SL_EIO);
	ck_assert_str_eq(err.path, "/nonexistent/dir/a.msgpack");
	sl_analysis_free(a);
}
END_TEST

Suite *suite_result(void);

Suite *suite_result(void)
{
	Suite *s = suite_create("result");
	TCase *tc = tcase_create("result");

	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_hostile_text);
	tcase_add_test(tc, test_many_rows);
	tcase_add_test(tc, test_analysis_file);
	suite_add_tcase(s, tc);
	return s;
}
