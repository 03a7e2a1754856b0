/* fuzz_anread.c - the analysis file reader (lib/sl_anread.c) that
 * shiplog-report trusts with its input: arbitrary bytes must be refused or
 * read into tables whose every cell can then be written out, both ways the
 * report reads them: whole, and one row group at a time.  The two ways
 * agree (else abort()): when the whole file reads, each of its tables
 * written as CSV is byte for byte the CSV of its row groups read one at a
 * time, and a table's groups add up to the rows its index gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sl_anread.h"

static void disagree(const char *table, const char *what)
{
	fprintf(stderr, "fuzz_anread: table '%s': %s\n", table, what);
	abort();
}

/* The CSV of table i of f read group by group into *buf (NULL when a
 * group does not read), with the group rows counted in *rows. */
static void groups_csv(struct sl_anfile *f, size_t i, char **buf, size_t *len, uint64_t *rows,
		       struct sl_errctx *err)
{
	FILE *m = open_memstream(buf, len);
	size_t ng = sl_anfile_ngroups(f, i);
	int ok = m != NULL;

	*rows = 0;
	for (size_t k = 0; ok && k < (ng ? ng : 1); k++) {
		struct sl_table *t;

		if (sl_anfile_group(f, i, k, &t, err)) {
			ok = 0;
			break;
		}
		if (!k)
			(void)sl_table_write_csv_head(t, m);
		(void)sl_table_write_csv_rows(t, m, SL_CSV_NEUTRALISE);
		*rows += sl_table_rows(t);
		sl_table_free(t);
	}
	if (m)
		fclose(m);
	if (!ok) {
		free(*buf);
		*buf = NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_analysis *a = NULL;
	struct sl_anfile *f = NULL;
	struct sl_errctx err;
	int whole;

	sl_err_clear(&err);
	whole = sl_anread_buf((const char *)data, size, "fuzz", &a, &err) == 0;
	fuzz_touch(err.msg, strlen(err.msg));
	sl_err_clear(&err);
	if (sl_anfile_open_buf((const char *)data, size, "fuzz", &f, &err) == 0) {
		if (whole && sl_anfile_ntables(f) != sl_analysis_ntables(a))
			disagree("", "the two readers count different tables");
		for (size_t i = 0; i < sl_anfile_ntables(f); i++) {
			char *g = NULL, *w = NULL;
			size_t gn = 0, wn = 0;
			uint64_t rows;

			groups_csv(f, i, &g, &gn, &rows, &err);
			if (g && rows != sl_anfile_rows(f, i))
				disagree(sl_anfile_name(f, i), "its groups do not add up to its rows");
			if (whole) {
				const struct sl_table *t = sl_analysis_table_at(a, i);
				FILE *m = open_memstream(&w, &wn);

				if (strcmp(sl_table_name(t), sl_anfile_name(f, i)))
					disagree(sl_anfile_name(f, i), "the readers name it apart");
				if (!g)
					disagree(sl_anfile_name(f, i),
						 "a group does not read, the whole file did");
				if (m) {
					(void)sl_table_write_csv_flags(t, m, SL_CSV_NEUTRALISE);
					fclose(m);
					if (wn != gn || memcmp(w, g, wn))
						disagree(sl_anfile_name(f, i),
							 "whole and by groups, the CSV differs");
				}
			}
			free(g);
			free(w);
		}
		sl_anfile_close(f);
	} else if (whole) {
		disagree("", "the whole file reads, the file of groups does not open");
	}
	fuzz_touch(err.msg, strlen(err.msg));
	sl_analysis_free(a);
	return 0;
}
