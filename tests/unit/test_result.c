/* sl_result: tables, CSV output, and the analysis file read back with a
 * plain msgpack unpacker, object by object; streamed tables. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_dict.h"
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

/* The objects of the file in order, as a plain msgpack reader sees them. */
static size_t objects(const char *buf, size_t n, msgpack_unpacked *u, size_t max)
{
	size_t off = 0, k = 0;

	while (off < n && k < max) {
		msgpack_unpacked_init(&u[k]);
		ck_assert_int_eq(msgpack_unpack_next(&u[k], buf, n, &off), MSGPACK_UNPACK_SUCCESS);
		k++;
	}
	ck_assert_uint_eq(off, n); /* nothing but whole objects */
	return k;
}

/* Two tables write the same CSV, byte for byte. */
static void same_csv(const struct sl_table *t, const struct sl_table *u)
{
	FILE *x = tmpfile(), *y = tmpfile();
	char *sx, *sy;
	size_t nx, ny;

	ck_assert_int_eq(sl_table_write_csv(t, x), 0);
	ck_assert_int_eq(sl_table_write_csv(u, y), 0);
	sx = slurp(x, &nx);
	sy = slurp(y, &ny);
	ck_assert_uint_eq(nx, ny);
	ck_assert_int_eq(memcmp(sx, sy, nx), 0);
	free(sx);
	free(sy);
	fclose(x);
	fclose(y);
}

static char *write_file(struct sl_analysis *a, const char *path, size_t *n)
{
	struct sl_errctx err;
	FILE *f;
	char *buf;

	ck_assert_int_eq(sl_analysis_write(a, path, &err), 0);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	buf = slurp(f, n);
	fclose(f);
	return buf;
}

START_TEST(test_analysis_file)
{
	struct sl_analysis *a = sl_analysis_new();
	struct sl_errctx err;
	char path[] = "/tmp/shiplog-analysis-XXXXXX";
	int fd = mkstemp(path);
	size_t n, k;
	char *buf;
	msgpack_unpacked u[8];
	const msgpack_object *data, *c0, *meta, *ix, *tr, *g;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sl_analysis_meta_str(a, "shiplog_version", "x"), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "seed", 7), 0);
	ck_assert_int_eq(sl_analysis_add(a, sample()), 0);
	ck_assert_ptr_nonnull(sl_analysis_table(a, "t"));
	ck_assert_ptr_null(sl_analysis_table(a, "nope"));
	buf = write_file(a, path, &n);
	/* header, one row group, index, trailer */
	k = objects(buf, n, u, 8);
	ck_assert_uint_eq(k, 4);
	ck_assert_int_eq(get(&u[0].data, "format")->via.u64, 2);
	ck_assert_int_eq(get(&u[0].data, "group_rows")->via.u64, SL_RESULT_GROUP_ROWS);
	meta = get(&u[0].data, "meta");
	ck_assert_int_eq(get(meta, "seed")->via.u64, 7);
	g = &u[1].data;
	ck_assert_int_eq(get(g, "rows")->via.u64, 2);
	data = get(g, "data");
	ck_assert_int_eq(data->via.array.size, 6);
	c0 = &data->via.array.ptr[0];
	ck_assert_int_eq(c0->via.array.ptr[1].via.str.size, 7);
	ck_assert_int_eq(data->via.array.ptr[1].via.array.ptr[0].via.i64, -42);
	ck_assert_int_eq(data->via.array.ptr[1].via.array.ptr[1].type, MSGPACK_OBJECT_NIL);
	ck_assert(data->via.array.ptr[3].via.array.ptr[0].via.boolean);
	ck_assert_int_eq(data->via.array.ptr[5].via.array.ptr[0].type, MSGPACK_OBJECT_STR);
	ck_assert(!memcmp(data->via.array.ptr[5].via.array.ptr[0].via.str.ptr, "2026-03-01", 10));
	ck_assert_int_eq(data->via.array.ptr[2].via.array.ptr[1].type, MSGPACK_OBJECT_NIL);
	/* the index points at the group, the trailer at the index */
	ix = &get(&u[2].data, "tables")->via.array.ptr[0];
	ck_assert_int_eq(get(ix, "rows")->via.u64, 2);
	g = &get(ix, "groups")->via.array.ptr[0];
	ck_assert_uint_eq(g->via.array.ptr[2].via.u64, 2);
	ck_assert_int_eq((unsigned char)buf[g->via.array.ptr[0].via.u64], 0x83);
	tr = &u[3].data;
	ck_assert_int_eq(tr->via.array.size, 3);
	ck_assert_uint_eq(n - 36 - tr->via.array.ptr[0].via.u64, tr->via.array.ptr[1].via.u64);
	ck_assert_int_eq((unsigned char)buf[tr->via.array.ptr[0].via.u64], 0x81);
	for (size_t i = 0; i < k; i++)
		msgpack_unpacked_destroy(&u[i]);
	free(buf);
	unlink(path);
	/* a directory that does not exist: a clear error, no file */
	ck_assert_int_eq(sl_analysis_write(a, "/nonexistent/dir/a.msgpack", &err), SL_EIO);
	ck_assert_str_eq(err.path, "/nonexistent/dir/a.msgpack");
	sl_analysis_free(a);
}
END_TEST

/* A table of n rows with a distinct string per row. */
static void fill(struct sl_table *t, size_t n)
{
	char s[32];

	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(sl_table_add_row(t), 0);
		snprintf(s, sizeof(s), "dep-%zu", i);
		sl_table_set_str(t, 0, s, strlen(s));
		if (i % 3)
			sl_table_set_i64(t, 1, (int64_t)i * 7 - 3);
		sl_table_set_f64(t, 2, i * 0.5);
		sl_table_set_bool(t, 3, i & 1);
		sl_table_set_i64(t, 4, 1732097700123LL + (int64_t)i);
		sl_table_set_i64(t, 5, (int64_t)(i % 5000));
	}
}

/* Streamed tables write their groups as they fill, interleaved; the file
 * holds the same groups as when every table stays in memory, and the rows
 * still in memory are only those of the current group. */
START_TEST(test_streamed)
{
	static const size_t sizes[] = {0, 1, SL_RESULT_GROUP_ROWS, SL_RESULT_GROUP_ROWS + 1,
				       2 * SL_RESULT_GROUP_ROWS + 5};
	char p1[] = "/tmp/shiplog-stream-XXXXXX", p2[] = "/tmp/shiplog-stream-XXXXXX";
	struct sl_analysis *a = sl_analysis_new(), *b = sl_analysis_new();
	struct sl_table *ta[5], *tb[5];
	struct sl_errctx err;
	char name[16], *b1, *b2, *tmpname;
	size_t n1, n2;
	int fd1 = mkstemp(p1), fd2 = mkstemp(p2);

	ck_assert_int_ge(fd1, 0);
	ck_assert_int_ge(fd2, 0);
	close(fd1);
	close(fd2);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "seed", 1), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(b, "seed", 1), 0);
	ck_assert_int_eq(sl_analysis_open(a, p1, &err), 0);
	/* the temporary file exists beside the target until the end */
	tmpname = malloc(strlen(p1) + 32);
	sprintf(tmpname, "%s.tmp-%ld", p1, (long)getpid());
	ck_assert_int_eq(access(tmpname, F_OK), 0);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		ta[i] = sl_table_new_stream(a, name, cols, 6);
		tb[i] = sl_table_new(name, cols, 6);
		fill(ta[i], sizes[i]);
		fill(tb[i], sizes[i]);
		ck_assert_uint_eq(sl_table_rows(ta[i]), sizes[i]);
		ck_assert_int_eq(sl_table_streamed(ta[i]), sizes[i] > SL_RESULT_GROUP_ROWS);
	}
	/* a streamed table written as CSV reads its groups back */
	same_csv(ta[4], tb[4]);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(sl_analysis_add(a, ta[i]), 0);
		ck_assert_int_eq(sl_analysis_add(b, tb[i]), 0);
	}
	b1 = write_file(a, p1, &n1);
	ck_assert_int_eq(access(tmpname, F_OK), -1);
	b2 = write_file(b, p2, &n2);
	/* the same objects in other places: a's groups went out as they
	 * filled, b's at the end table by table (test_anread reads both back) */
	for (int pass = 0; pass < 2; pass++) {
		msgpack_unpacked u[16];
		size_t k = objects(pass ? b2 : b1, pass ? n2 : n1, u, 16);

		/* header, 1 + 1 + 2 + 3 groups, index, trailer */
		ck_assert_uint_eq(k, 10);
		/* the first group: t3's first full one in a, t1's in b */
		ck_assert_int_eq(get(&u[1].data, "table")->via.str.size, 2);
		ck_assert_int_eq(get(&u[1].data, "table")->via.str.ptr[1], pass ? '1' : '3');
		for (size_t i = 0; i < k; i++)
			msgpack_unpacked_destroy(&u[i]);
	}
	free(b1);
	free(b2);
	free(tmpname);
	unlink(p1);
	unlink(p2);
	sl_analysis_free(a);
	sl_analysis_free(b);
}
END_TEST

/* Strings set by their address (sl_table_set_stable) or by dictionary and
 * code (sl_table_set_name) come out as sl_table_set_str() writes them:
 * across row groups (whose dictionaries start again), for more names than
 * the column remembers, while the names' dictionary grows (its strings
 * move; its codes stay), and for a text with a NUL. */
START_TEST(test_remembered)
{
	static const struct sl_rcol sc[2] = {{"name", SL_R_STR}, {"text", SL_R_STR}};
	static const char nul[] = "a\0b";
	const char *lit[3] = {"low", "a rather long mitigation; another one", nul};
	const size_t litn[3] = {3, 38, 3};
	char path[] = "/tmp/shiplog-remember-XXXXXX", name[32];
	struct sl_analysis *a = sl_analysis_new();
	struct sl_dict *d = sl_dict_new();
	struct sl_table *t, *u;
	struct sl_errctx err;
	size_t rows = 2 * SL_RESULT_GROUP_ROWS + 7;
	uint32_t code;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sl_analysis_open(a, path, &err), 0);
	t = sl_table_new_stream(a, "t", sc, 2);
	u = sl_table_new("t", sc, 2);
	for (int k = 0; k < 40; k++) {
		snprintf(name, sizeof(name), "agent-%d", k);
		ck_assert_int_eq(sl_dict_intern(d, name, strlen(name), &code), 0);
	}
	for (size_t r = 0; r < rows; r++) {
		uint32_t c = (uint32_t)(r * 7919 % sl_dict_count(d));
		size_t n;
		const char *s;

		if (r % 1000 == 999) { /* the dictionary grows: its strings move */
			snprintf(name, sizeof(name), "later-agent-%zu", r);
			ck_assert_int_eq(sl_dict_intern(d, name, strlen(name), &code), 0);
		}
		ck_assert_int_eq(sl_table_add_row(t), 0);
		ck_assert_int_eq(sl_table_add_row(u), 0);
		ck_assert_int_eq(sl_table_set_name(t, 0, d, c), 0);
		s = sl_dict_get(d, c, &n);
		ck_assert_int_eq(sl_table_set_str(u, 0, s, n), 0);
		ck_assert_int_eq(sl_table_set_stable(t, 1, lit[r % 3], litn[r % 3]), 0);
		ck_assert_int_eq(sl_table_set_str(u, 1, lit[r % 3], litn[r % 3]), 0);
	}
	ck_assert_int_eq(sl_table_streamed(t), 1);
	same_csv(t, u);
	sl_table_free(t);
	sl_table_free(u);
	sl_dict_free(d);
	sl_analysis_free(a);
	unlink(path);
}
END_TEST

/* A streamed analysis freed before it is written leaves no file. */
START_TEST(test_stream_abandoned)
{
	char p[] = "/tmp/shiplog-gone-XXXXXX", tmpname[64];
	struct sl_analysis *a = sl_analysis_new();
	struct sl_errctx err;
	struct sl_table *t;
	int fd = mkstemp(p);

	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(p);
	ck_assert_int_eq(sl_analysis_open(a, p, &err), 0);
	t = sl_table_new_stream(a, "t", cols, 6);
	fill(t, SL_RESULT_GROUP_ROWS + 3);
	sl_table_free(t);
	snprintf(tmpname, sizeof(tmpname), "%s.tmp-%ld", p, (long)getpid());
	ck_assert_int_eq(access(tmpname, F_OK), 0);
	sl_analysis_free(a);
	ck_assert_int_eq(access(tmpname, F_OK), -1);
	ck_assert_int_eq(access(p, F_OK), -1);
}
END_TEST

/* Tables made in parts, interleaved as two threads would make them, and
 * merged in order give the file that making them one after another on the
 * analysis itself gives, byte for byte (one with a flat column, over three
 * row groups); a part freed unmerged leaves no file behind. */
START_TEST(test_parts)
{
	static const size_t sizes[] = {SL_RESULT_GROUP_ROWS + 7, 3, 2 * SL_RESULT_GROUP_ROWS + 1, 0};
	char p1[] = "/tmp/shiplog-part-XXXXXX", p2[] = "/tmp/shiplog-part-XXXXXX";
	struct sl_analysis *a = sl_analysis_new(), *b = sl_analysis_new(), *part[3];
	struct sl_table *t[4];
	struct sl_errctx err;
	char *b1, *b2;
	size_t n1, n2, tables = 0;
	int fd1 = mkstemp(p1), fd2 = mkstemp(p2);
	DIR *d;
	struct dirent *e;

	ck_assert_int_ge(fd1, 0);
	ck_assert_int_ge(fd2, 0);
	close(fd1);
	close(fd2);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "seed", 1), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(b, "seed", 1), 0);
	ck_assert_int_eq(sl_analysis_open(a, p1, &err), 0);
	ck_assert_int_eq(sl_analysis_open(b, p2, &err), 0);
	/* a: an in-memory table, then the four tables one after another */
	t[0] = sl_table_new("first", cols, 6);
	fill(t[0], 5);
	ck_assert_int_eq(sl_analysis_add(a, t[0]), 0);
	for (int i = 0; i < 4; i++) {
		char name[8];

		snprintf(name, sizeof(name), "t%d", i);
		t[i] = i == 1 ? sl_table_new(name, cols, 6) : sl_table_new_stream(a, name, cols, 6);
		fill(t[i], sizes[i]);
		ck_assert_int_eq(sl_analysis_add(a, t[i]), 0);
	}
	/* b: the same, t0 and t1 in part 0, t2 in part 1 and t3 in part 2,
	 * filled in another order than they are merged */
	t[0] = sl_table_new("first", cols, 6);
	fill(t[0], 5);
	ck_assert_int_eq(sl_analysis_add(b, t[0]), 0);
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(sl_analysis_part(b, &part[k], &err), 0);
	t[2] = sl_table_new_stream(part[1], "t2", cols, 6);
	/* its ids kept flat, not interned: the same file */
	ck_assert_int_eq(sl_table_set_flat(t[2], 1), SL_EINVAL); /* not text */
	ck_assert_int_eq(sl_table_set_flat(t[2], 0), 0);
	t[0] = sl_table_new_stream(part[0], "t0", cols, 6);
	t[3] = sl_table_new_stream(part[2], "t3", cols, 6);
	fill(t[2], sizes[2]);
	fill(t[0], sizes[0]);
	fill(t[3], sizes[3]);
	ck_assert_int_eq(sl_table_set_flat(t[0], 0), SL_EINVAL); /* rows were added */
	ck_assert_int_eq(sl_analysis_add(part[1], t[2]), 0);
	ck_assert_int_eq(sl_analysis_add(part[2], t[3]), 0);
	ck_assert_int_eq(sl_analysis_add(part[0], t[0]), 0);
	t[1] = sl_table_new("t1", cols, 6);
	fill(t[1], sizes[1]);
	ck_assert_int_eq(sl_analysis_add(part[0], t[1]), 0);
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(sl_analysis_merge(b, part[k], &err), 0);
	ck_assert_uint_eq(sl_analysis_ntables(b), 5);
	ck_assert_str_eq(sl_table_name(sl_analysis_table_at(b, 3)), "t2");
	/* a merged streamed table still reads back through b's file */
	same_csv(sl_analysis_table(a, "t2"), sl_analysis_table(b, "t2"));
	b1 = write_file(a, p1, &n1);
	b2 = write_file(b, p2, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_int_eq(memcmp(b1, b2, n1), 0);
	free(b1);
	free(b2);
	sl_analysis_free(a);
	sl_analysis_free(b);
	/* an abandoned part: its file has no name, nothing is left */
	a = sl_analysis_new();
	ck_assert_int_eq(sl_analysis_open(a, p1, &err), 0);
	ck_assert_int_eq(sl_analysis_part(a, &part[0], &err), 0);
	t[0] = sl_table_new_stream(part[0], "t", cols, 6);
	fill(t[0], SL_RESULT_GROUP_ROWS + 1);
	ck_assert_int_eq(sl_analysis_add(part[0], t[0]), 0);
	sl_analysis_free(part[0]);
	sl_analysis_free(a);
	ck_assert_ptr_nonnull(d = opendir("/tmp"));
	while ((e = readdir(d)))
		tables += !strncmp(e->d_name, p1 + 5, strlen(p1 + 5)) && strlen(e->d_name) > strlen(p1 + 5);
	closedir(d);
	ck_assert_uint_eq(tables, 0); /* no p1.tmp-*, no p1.tmp-*.part-* */
	unlink(p1);
	unlink(p2);
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
	tcase_add_test(tc, test_streamed);
	tcase_add_test(tc, test_remembered);
	tcase_add_test(tc, test_stream_abandoned);
	tcase_add_test(tc, test_parts);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
