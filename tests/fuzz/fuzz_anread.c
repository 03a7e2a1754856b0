/* fuzz_anread.c - the analysis file reader (lib/sl_anread.c) that
 * shiplog-report trusts with its input: arbitrary bytes must be refused or
 * read into tables whose every cell can then be written out, both ways the
 * report reads them: whole, and one row group at a time. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "sl_anread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_analysis *a = NULL;
	struct sl_anfile *f = NULL;
	struct sl_errctx err;
	FILE *null = fopen("/dev/null", "w");

	sl_err_clear(&err);
	if (sl_anread_buf((const char *)data, size, "fuzz", &a, &err) == 0) {
		for (size_t i = 0; null && i < sl_analysis_ntables(a); i++)
			(void)sl_table_write_csv(sl_analysis_table_at(a, i), null);
		sl_analysis_free(a);
	}
	fuzz_touch(err.msg, strlen(err.msg));
	sl_err_clear(&err);
	if (sl_anfile_open_buf((const char *)data, size, "fuzz", &f, &err) == 0) {
		for (size_t i = 0; i < sl_anfile_ntables(f); i++) {
			size_t ng = sl_anfile_ngroups(f, i);

			for (size_t k = 0; k < (ng ? ng : 1); k++) {
				struct sl_table *t;

				if (sl_anfile_group(f, i, k, &t, &err))
					break;
				if (null)
					(void)sl_table_write_csv_rows(t, null, SL_CSV_NEUTRALISE);
				sl_table_free(t);
			}
		}
		sl_anfile_close(f);
	}
	fuzz_touch(err.msg, strlen(err.msg));
	if (null)
		fclose(null);
	return 0;
}
