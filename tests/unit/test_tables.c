/* sl_tables: the result tables declared once.  The declarations are
 * self-consistent, every declared table round-trips through the file,
 * and the reader refuses a declared table of another shape. */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "sl_anread.h"
#include "sl_result.h"
#include "sl_tables.h"

/* Every column as the macros give it: table and column constant, its
 * value and the spelling of its enumerator, name, type. */
struct colseen {
	enum sl_tid tid;
	int index;
	const char *tname, *cname, *name;
	enum sl_rtype type;
};

#define SEEN_COL_(T, C, name, type, unit, desc) \
	{SL_T_##T, SL_##T##_##C, #T, #C, name, SL_R_##type},
#define SEEN_TABLE_(T, name) SL_##T##_COLS(SEEN_COL_)
static const struct colseen seen[] = {SL_TABLES(SEEN_TABLE_)};

#define SEEN_TNAME_(T, name) {SL_T_##T, 0, #T, "", name, SL_R_STR},
static const struct colseen tseen[] = {SL_TABLES(SEEN_TNAME_)};

/* "adoption" -> "ADOPTION": the constant is the name. */
static void upper_eq(const char *lower, const char *upper)
{
	size_t n = strlen(lower);

	ck_assert_uint_eq(n, strlen(upper));
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(toupper((unsigned char)lower[i]) == upper[i], "%s is not %s", lower,
			      upper);
}

START_TEST(test_declarations)
{
	size_t ncols = 0;

	ck_assert_int_gt(SL_T_COUNT, 30);
	ck_assert_uint_eq(sizeof(tseen) / sizeof(tseen[0]), SL_T_COUNT);
	for (int i = 0; i < SL_T_COUNT; i++) {
		const struct sl_tdef *d = sl_tdef((enum sl_tid)i);

		ck_assert_ptr_nonnull(d);
		ck_assert_int_eq(d->id, i);
		ck_assert_int_eq(tseen[i].tid, i);
		ck_assert_str_eq(d->name, tseen[i].name);
		upper_eq(d->name, tseen[i].tname);
		ck_assert_ptr_eq(sl_tdef_find(d->name), d);
		ck_assert_int_gt(d->ncols, 0);
		ck_assert_int_le(d->ncols, SL_ANREAD_MAX_COLS);
		ncols += (size_t)d->ncols;
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(sl_tdef((enum sl_tid)j)->name, d->name);
		for (int c = 0; c < d->ncols; c++) {
			const char *u = d->units[c];

			ck_assert_msg(d->descs[c][0] != '\0', "%s.%s has no description", d->name,
				      d->cols[c].name);
			ck_assert_msg(!strcmp(u, "") || !strcmp(u, "ms") || !strcmp(u, "h") ||
					      !strcmp(u, "count") || !strcmp(u, "fraction") ||
					      !strcmp(u, "0-100") || !strcmp(u, "probability") ||
					      !strcmp(u, "/week"),
				      "%s.%s: unit '%s'", d->name, d->cols[c].name, u);
			for (int k = 0; k < c; k++)
				ck_assert_msg(strcmp(d->cols[k].name, d->cols[c].name),
					      "%s: column %s twice", d->name, d->cols[c].name);
		}
	}
	ck_assert_ptr_null(sl_tdef(SL_T_COUNT));
	ck_assert_ptr_null(sl_tdef((enum sl_tid)-1));
	ck_assert_ptr_null(sl_tdef_find("no_such_table"));
	ck_assert_ptr_null(sl_tdef_find(NULL));
	/* each column constant is its position, and spells its name */
	ck_assert_uint_eq(sizeof(seen) / sizeof(seen[0]), ncols);
	for (size_t i = 0, pos = 0; i < ncols; i++) {
		const struct sl_tdef *d = sl_tdef(seen[i].tid);

		pos = i && seen[i].tid == seen[i - 1].tid ? pos + 1 : 0;
		ck_assert_int_eq(seen[i].index, (int)pos);
		ck_assert_str_eq(d->cols[pos].name, seen[i].name);
		ck_assert_int_eq(d->cols[pos].type, seen[i].type);
		upper_eq(seen[i].name, seen[i].cname);
		upper_eq(d->name, seen[i].tname);
	}
	ck_assert_int_eq(SL_DORA_NCOLS, 5);
	ck_assert_int_eq(SL_DORA_VALUE, 1);
	ck_assert_str_eq(sl_tdef(SL_T_DORA)->cols[SL_DORA_TIER].name, "tier");
}
END_TEST

START_TEST(test_every_table_reads_back)
{
	struct sl_analysis *a = sl_analysis_new(), *b = NULL;
	struct sl_errctx err;
	size_t n;
	char *buf;

	ck_assert_ptr_nonnull(a);
	for (int i = 0; i < SL_T_COUNT; i++) {
		struct sl_table *t = sl_table_new_def((enum sl_tid)i);

		ck_assert_ptr_nonnull(t);
		ck_assert_str_eq(sl_table_name(t), sl_tdef((enum sl_tid)i)->name);
		ck_assert_int_eq(sl_table_add_row(t), 0);
		ck_assert_int_eq(sl_analysis_add(a, t), 0);
	}
	buf = analysis_bytes(a, &n);
	ck_assert_int_eq(sl_anread_buf(buf, n, "x", &b, &err), 0);
	ck_assert_uint_eq(sl_analysis_ntables(b), SL_T_COUNT);
	ck_assert_ptr_null(sl_table_new_def(SL_T_COUNT));
	ck_assert_ptr_null(sl_table_new_stream_def(a, SL_T_COUNT));
	free(buf);
	sl_analysis_free(a);
	sl_analysis_free(b);
}
END_TEST

/* A file with a table called dora of the given columns: read back, the
 * reader's verdict and its message. */
static int read_dora(const struct sl_rcol *cols, int ncols, char *msg, size_t cap)
{
	struct sl_analysis *a = sl_analysis_new(), *b = NULL;
	struct sl_table *t = sl_table_new("dora", cols, ncols);
	struct sl_errctx err = {0};
	size_t n;
	char *buf;
	int rc;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(sl_table_add_row(t), 0);
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	buf = analysis_bytes(a, &n);
	rc = sl_anread_buf(buf, n, "old.msgpack", &b, &err);
	snprintf(msg, cap, "%s", rc ? err.msg : "");
	free(buf);
	sl_analysis_free(a);
	sl_analysis_free(b);
	return rc;
}

START_TEST(test_reader_refuses_other_shape)
{
	const struct sl_tdef *d = sl_tdef(SL_T_DORA);
	struct sl_rcol c[SL_DORA_NCOLS + 1];
	char msg[512];

	memcpy(c, d->cols, sizeof(c[0]) * SL_DORA_NCOLS);
	ck_assert_int_eq(read_dora(c, SL_DORA_NCOLS, msg, sizeof(msg)), 0);

	/* a column missing at the end */
	ck_assert_int_eq(read_dora(c, SL_DORA_NCOLS - 1, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "'dora'"));
	ck_assert_ptr_nonnull(strstr(msg, "'samples' is missing"));

	/* a column too many */
	c[SL_DORA_NCOLS] = (struct sl_rcol){"extra", SL_R_I64};
	ck_assert_int_eq(read_dora(c, SL_DORA_NCOLS + 1, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "'extra' is not expected"));

	/* renamed */
	c[SL_DORA_TIER].name = "level";
	ck_assert_int_eq(read_dora(c, SL_DORA_NCOLS, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "'dora'"));
	ck_assert_ptr_nonnull(strstr(msg, "'level', expected 'tier'"));
	c[SL_DORA_TIER].name = "tier";

	/* retyped */
	c[SL_DORA_VALUE].type = SL_R_I64;
	ck_assert_int_eq(read_dora(c, SL_DORA_NCOLS, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "'value' is i64, expected f64"));
	c[SL_DORA_VALUE].type = SL_R_F64;

	/* reordered */
	c[SL_DORA_METRIC] = d->cols[SL_DORA_VALUE];
	c[SL_DORA_VALUE] = d->cols[SL_DORA_METRIC];
	ck_assert_int_eq(read_dora(c, SL_DORA_NCOLS, msg, sizeof(msg)), SL_EFORMAT);
	ck_assert_ptr_nonnull(strstr(msg, "column 1 is 'value', expected 'metric'"));
}
END_TEST

START_TEST(test_unknown_table_allowed)
{
	static const struct sl_rcol cols[] = {{"anything", SL_R_STR}};
	struct sl_errctx err = {0};

	/* a newer shiplog's table reads as it is */
	ck_assert_int_eq(sl_tables_check("f", "from_the_future", cols, 1, &err), 0);
	ck_assert_int_eq(sl_tables_check("f", "dora", cols, 1, &err), SL_EFORMAT);
	ck_assert_str_eq(err.path, "f");
}
END_TEST

Suite *suite_tables(void);

Suite *suite_tables(void)
{
	Suite *s = suite_create("tables");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, test_declarations);
	tcase_add_test(tc, test_every_table_reads_back);
	tcase_add_test(tc, test_reader_refuses_other_shape);
	tcase_add_test(tc, test_unknown_table_allowed);
	suite_add_tcase(s, tc);
	return s;
}
