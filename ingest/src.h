/* src.h - the format readers: CSV (RFC 4180, through libcsv) and JSON Lines
 * (through jansson).  A reader pulls decompressed blocks from an sl_input,
 * splits them into records that remember their first line and raw text,
 * and calls back.  Format-level damage (a runaway quoted field, invalid
 * JSON, too many fields) is reported through reject(); I/O errors and
 * callback failures stop the run. */
#ifndef INGEST_SRC_H
#define INGEST_SRC_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "sl_err.h"
#include "sl_input.h"
#include "sl_schema.h"

#define SRC_MAX_FIELDS 4096
#define SRC_MAX_RECORD (16u * 1024 * 1024) /* bytes of one record / line */

struct src_ops {
	/* The CSV header, or the keys of the first JSON object. */
	int (*header)(void *ctx, const char *const *names, size_t n, struct sl_errctx *err);
	int (*record)(void *ctx, const struct record *rec, struct sl_errctx *err);
	int (*reject)(void *ctx, long line, const char *reason, const char *raw,
		      size_t rawlen, struct sl_errctx *err);
	/* --explain: how an adapter classified the record at line (or NULL). */
	int (*explain)(void *ctx, long line, const char *text, struct sl_errctx *err);
	void *ctx;
	int raw_fields;         /* in: CSV fields as text, not typed by the header (--map) */
	enum sl_kind kind;      /* in: forced kind, or SL_KIND_NONE */
	uint64_t utf8_replaced; /* out: invalid UTF-8 replaced by the reader */
	long lines;             /* out: lines read */
	uint64_t bytes;         /* out: decompressed bytes read */
};

/* Both start with the block already read (first, n) and continue with
 * sl_input_read() until the end.  err->line is set on failure. */
/* CSV lines with no quote and no inner carriage return are split at their
 * commas without libcsv (what libcsv would do with them); 0 sends every
 * line through libcsv (tests compare the two). */
extern int csvsrc_fast_lines;
/* When the reader puts metadata objects in their stored form itself:
 * 1 when the caller's thread is behind (the default), 2 always, 0 never. */
extern int csvsrc_canon;
/* A string field with the same bytes as the record's before is marked
 * PRE_SAME (record.h); 0 never (tests compare).  SHIPLOG_CSV_SHORTCUTS=0
 * in the environment sets all three to 0. */
extern int csvsrc_same;

int csvsrc_run(struct sl_input *in, const char *path, const char *first, size_t n,
	       struct src_ops *ops, struct sl_errctx *err);
int jsonsrc_run(struct sl_input *in, const char *path, const char *first, size_t n,
		struct src_ops *ops, struct sl_errctx *err);

/* The JSON readers' loop: passes the input, from the block already read
 * (first, n) and past a UTF-8 byte order mark (counted in ops->bytes), to
 * feed(st, block, len) until the end.  0, feed's error, or the input's
 * (with err->line set to *lineno). */
int src_feed_json(struct sl_input *in, const char *first, size_t n, struct src_ops *ops,
		  int (*feed)(void *st, const char *p, size_t n), void *st, const long *lineno,
		  struct sl_errctx *err);

#endif
