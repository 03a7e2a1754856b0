/* fuzz_anread.c - the analysis file reader (lib/sl_anread.c) that
 * shiplog-report trusts with its input: arbitrary bytes must be refused or
 * read into tables whose every cell can then be written out. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "sl_anread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_analysis *a = NULL;
	struct sl_errctx err;

	sl_err_clear(&err);
	if (sl_anread_buf((const char *)data, size, "fuzz", &a, &err) == 0) {
		FILE *null = fopen("/dev/null", "w");

		for (size_t i = 0; null && i < sl_analysis_ntables(a); i++)
			(void)sl_table_write_csv(sl_analysis_table_at(a, i), null);
		if (null)
			fclose(null);
		sl_analysis_free(a);
	}
	fuzz_touch(err.msg, strlen(err.msg));
	return 0;
}
