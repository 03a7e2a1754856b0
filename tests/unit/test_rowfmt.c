/* sl_rowfmt: a stored row as CSV under either text rule: exact (a data
 * export reads back as stored) and spreadsheet (the rule of sl_result's
 * CSV, for the same value the same bytes). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_batch.h"
#include "sl_result.h"
#include "sl_rowfmt.h"

static const char *const texts[] = {"=1+2", "-cmd", "-1.5", "@x,\"y\"", "esc\033[1m", "a\0b", ""};
static const size_t lens[] = {4, 4, 4, 6, 7, 3, 0};
#define NTEXTS (sizeof(lens) / sizeof(lens[0]))

/* The agent_id field of each row, one line each. */
static char *agents_csv(unsigned flags)
{
	struct sl_batch *b = sl_batch_new(SL_KIND_DEPLOYMENTS, 8);
	int c = sl_kind_col(SL_KIND_DEPLOYMENTS, "agent_id");
	FILE *f = tmpfile();
	char *buf;
	long len;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(c, 0);
	for (size_t i = 0; i < NTEXTS; i++) {
		size_t r;

		ck_assert_int_eq(sl_batch_add_row(b, &r), 0);
		ck_assert_int_eq(sl_batch_set_str(b, c, r, texts[i], lens[i]), 0);
	}
	/* every other column is null (an empty field): each row is commas
	 * around the one text */
	for (size_t r = 0; r < b->n; r++)
		sl_rowfmt_csv_row_flags(f, b, r, flags);
	len = ftell(f);
	buf = calloc(1, (size_t)len + 1);
	rewind(f);
	ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	sl_batch_free(b);
	return buf;
}


START_TEST(test_exact_and_spreadsheet)
{
	int c = sl_kind_col(SL_KIND_DEPLOYMENTS, "agent_id");
	int ncols = sl_kind_def(SL_KIND_DEPLOYMENTS)->ncols;
	static const char *const exact[] = {"=1+2", "-cmd", "-1.5", "\"@x,\"\"y\"\"\"",
					    "esc\033[1m", NULL, ""};
	static const char *const sheet[] = {"'=1+2", "'-cmd", "-1.5", "\"'@x,\"\"y\"\"\"",
					    "esc\xEF\xBF\xBD[1m", "a\xEF\xBF\xBD" "b", ""};
	char *e = agents_csv(0), *s = agents_csv(SL_CSV_NEUTRALISE);
	char *pe = e, *ps = s;

	for (size_t i = 0; i < NTEXTS; i++) {
		char want[64];
		size_t n = 0;

		/* exact: the stored bytes (a NUL included) between c and ncols-1-c commas */
		for (int k = 0; k < c; k++)
			want[n++] = ',';
		if (exact[i]) {
			memcpy(want + n, exact[i], strlen(exact[i]));
			n += strlen(exact[i]);
		} else {
			memcpy(want + n, texts[i], lens[i]);
			n += lens[i];
		}
		for (int k = c + 1; k < ncols; k++)
			want[n++] = ',';
		want[n++] = '\n';
		ck_assert_mem_eq(pe, want, n);
		pe += n;
	}
	for (size_t i = 0; i < NTEXTS; i++) {
		char want[64];
		int n = snprintf(want, sizeof(want), "%.*s%s%.*s\n", c, ",,,,,,,,,,,,,,,,", sheet[i],
				 ncols - 1 - c, ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,");

		ck_assert_int_lt(n, (int)sizeof(want));
		ck_assert_mem_eq(ps, want, (size_t)n);
		ps += n;
	}
	ck_assert_int_eq(*ps, '\0');
	free(e);
	free(s);
}
END_TEST

Suite *suite_rowfmt(void);

Suite *suite_rowfmt(void)
{
	Suite *s = suite_create("rowfmt");
	TCase *tc = tcase_create("rowfmt");

	tcase_add_test(tc, test_exact_and_spreadsheet);
	suite_add_tcase(s, tc);
	return s;
}
