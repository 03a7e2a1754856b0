/* dump.h - reading the store back: --dump prints a kind's rows as CSV,
 * --verify checks every partition file's checksums. */
#ifndef INGEST_DUMP_H
#define INGEST_DUMP_H

#include <stdio.h>

#include "sl_err.h"
#include "sl_schema.h"
#include "sl_store.h"

/* Rows of kind (all days, or only day when day_s is not NULL: "YYYY-MM-DD"
 * or "undated") to out as CSV with a header row, day by day; csv_flags is
 * the text rule (0: exactly as stored, SL_CSV_NEUTRALISE: for a
 * spreadsheet; sl_result.h). */
int dump_kind(struct sl_store *st, enum sl_kind kind, const char *day_s, unsigned csv_flags,
	      FILE *out, struct sl_errctx *err);
/* Checks every partition; prints one line per bad file to stderr and
 * returns the number of bad files (or < 0 on a failure to list). */
int verify_store(struct sl_store *st, int quiet, struct sl_errctx *err);

#endif
