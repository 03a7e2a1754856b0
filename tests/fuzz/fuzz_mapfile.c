/* fuzz_mapfile.c - the --map column-mapping file (lib/sl_mapfile.c): the
 * parser on arbitrary text, then each mapped column's value map, time
 * format and ordinal applied to a few strings, and its sources read.  A
 * file that parses agrees with itself (else abort()): each mapped column
 * is a column of its kind, each value map entry belongs to a mapped
 * column, and looking its text up, in any case, gives the replacement of
 * the first entry of that column and text; a file that does not parse
 * says why. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sl_mapfile.h"

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_mapfile: %s\n", what);
	abort();
}

static void check(const struct sl_mapfile *m)
{
	const struct sl_kind_def *kd = sl_kind_def(m->kind);

	for (size_t c = 0; c < m->ncols; c++)
		if (!kd || m->cols[c].col < 0 || m->cols[c].col >= kd->ncols ||
		    strcmp(kd->cols[m->cols[c].col].name, m->cols[c].canon))
			broken("a mapped column that is not its kind's");
	for (size_t i = 0; i < m->nvalues; i++) {
		const struct sl_map_value *v = &m->values[i];
		size_t n = strlen(v->from), outn, first = i;
		char *up;
		const char *got;

		if (v->col >= m->ncols)
			broken("a value map entry of no mapped column");
		for (size_t j = 0; j < i; j++)
			if (m->values[j].col == v->col && strlen(m->values[j].from) == n &&
			    !strncasecmp(m->values[j].from, v->from, n)) {
				first = j;
				break;
			}
		if (!(up = strdup(v->from)))
			return;
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		got = sl_mapfile_value(m, v->col, up, n, &outn);
		if (got != m->values[first].to || outn != strlen(got))
			broken("a value map entry's text does not give its replacement");
		free(up);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {"", "passed", "2026-03-01T10:00:00Z", "1700000000",
					     "1700000000123", "12.5", "01/03/2026 10:00", "null"};
	struct sl_mapfile *m = NULL;
	struct sl_errctx err;

	sl_err_clear(&err);
	if (sl_mapfile_parse((const char *)data, size, "fuzz", &m, &err) == 0) {
		check(m);
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
	} else if (!err.msg[0]) {
		broken("a refusal without a message");
	}
	fuzz_touch(err.msg, strlen(err.msg));
	return 0;
}
