/* fuzz_mapfile.c - the --map column-mapping file (lib/sl_mapfile.c): the
 * parser on arbitrary text, then each mapped column's value map, time
 * format and ordinal applied to a few strings, and its sources read. */
#include <string.h>

#include "fuzz.h"
#include "sl_mapfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {"", "passed", "2026-03-01T10:00:00Z", "1700000000",
					     "1700000000123", "12.5", "01/03/2026 10:00", "null"};
	struct sl_mapfile *m = NULL;
	struct sl_errctx err;

	sl_err_clear(&err);
	if (sl_mapfile_parse((const char *)data, size, "fuzz", &m, &err) == 0) {
		for (size_t c = 0; c < m->ncols; c++)
			for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
				size_t n = strlen(probes[i]), outn = 0;
				int64_t ms;
				const char *v = sl_mapfile_value(m, c, probes[i], n, &outn);

				if (v)
					fuzz_touch(v, outn);
				(void)sl_mapfile_time(&m->cols[c], probes[i], n, &ms);
				if (m->cols[c].ordinal) {
					const char *other = NULL;

					(void)sl_mapfile_ordinal(m, probes[i], n, &ms, &other);
					if (other)
						fuzz_touch(other, strlen(other));
				}
			}
		for (size_t c = 0; c < m->ncols; c++)
			for (size_t j = 0; j < sl_mapfile_nsources(&m->cols[c]); j++) {
				const char *s = sl_mapfile_source(&m->cols[c], j);

				fuzz_touch(s, strlen(s));
			}
		for (size_t k = 0; k < m->nkeep; k++)
			fuzz_touch(m->keep[k], strlen(m->keep[k]));
		sl_mapfile_free(m);
	}
	fuzz_touch(err.msg, strlen(err.msg));
	return 0;
}
