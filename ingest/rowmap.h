/* rowmap.h - turns input records into typed rows of a record kind
 * (times as ISO 8601 or epoch seconds/milliseconds, numbers, booleans,
 * nulls as lib/sl_value.h parses them), validates them (the kind's required
 * columns present, end_time not before start_time, no negative duration)
 * and hands them to the partition set.  One rowmap per input file. */
#ifndef INGEST_ROWMAP_H
#define INGEST_ROWMAP_H

#include <stddef.h>
#include <stdint.h>

#include "partset.h"
#include "record.h"
#include "sl_err.h"
#include "sl_schema.h"

#define ROWMAP_MAX_FIELD (64u * 1024)     /* longest accepted text value */
#define ROWMAP_MAX_METADATA (256u * 1024) /* longest metadata object */

struct rowmap;

struct rowmap_stats {
	uint64_t accepted, rejected, utf8_replaced;
};

struct rowmap *rowmap_new(enum sl_kind kind, struct partset *ps);
void rowmap_free(struct rowmap *rm);

/* CSV: the header names, once.  Fails (file-level error) on a duplicate
 * column or a missing required column. */
int rowmap_set_header(struct rowmap *rm, const char *const *names, size_t n,
		      struct sl_errctx *err);
/* Maps one record.  Returns 0 when accepted, 1 when rejected (*reason is
 * a message valid until the next call), < 0 on a fatal error (err set). */
int rowmap_add(struct rowmap *rm, const struct record *rec, const char **reason,
	       struct sl_errctx *err);
const struct rowmap_stats *rowmap_stats(const struct rowmap *rm);
/* Counts bytes replaced by the readers before records reach the mapper. */
void rowmap_count_utf8(struct rowmap *rm, long n);

#endif
