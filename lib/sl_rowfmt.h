/* sl_rowfmt.h - stored rows as text: CSV (RFC 4180, quoted only when
 * needed, times ISO 8601 UTC, numbers in the shortest form that reads back
 * exactly, null empty) and JSON objects (jansson). */
#ifndef SL_ROWFMT_H
#define SL_ROWFMT_H

#include <jansson.h>
#include <stdio.h>

#include "sl_batch.h"

/* The shortest of %.15g .. %.17g that reads back as v (buf >= 32 bytes). */
void sl_fmt_double(double v, char *buf, size_t n);
/* v in decimal, NUL-terminated (buf >= 21 bytes, as printf's %lld);
 * returns the length. */
size_t sl_fmt_i64(int64_t v, char *buf);
void sl_rowfmt_csv_header(FILE *out, enum sl_kind kind);
void sl_rowfmt_csv_row(FILE *out, const struct sl_batch *b, size_t r);
/* The same with the CSV rule of sl_result.h: 0 writes text exactly as
 * stored (a data export), SL_CSV_NEUTRALISE for a spreadsheet. */
void sl_rowfmt_csv_row_flags(FILE *out, const struct sl_batch *b, size_t r, unsigned flags);
/* A new JSON object of row r (every column; null as JSON null); NULL on
 * allocation failure.  The caller owns it. */
json_t *sl_rowfmt_json(const struct sl_batch *b, size_t r);

#endif
