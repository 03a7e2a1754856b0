/* sl_batch.h - an in-memory columnar batch of rows of one record kind;
 * one batch is one row group of a store file.
 *
 * Columns follow the kind's schema order (sl_schema.h).  Every value
 * starts as null; the sl_batch_set_*() functions fill it.  String columns
 * are dictionary-encoded through a per-column sl_dict owned by the batch.
 * Not thread-safe; one owner. */
#ifndef SL_BATCH_H
#define SL_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_dict.h"
#include "sl_schema.h"

struct sl_col {
	enum sl_type type;
	uint8_t *nulls; /* bit r set = row r is null */
	union {
		int64_t *i64; /* SL_I64, SL_TIME */
		double *f64;  /* SL_F64 */
		uint8_t *u8;  /* SL_BOOL */
		uint32_t *code; /* SL_STR: index into dict */
		void *p;
	} v;
	struct sl_dict *dict; /* SL_STR only */
};

struct sl_batch {
	enum sl_kind kind;
	int ncols;
	uint64_t gen; /* new at every sl_batch_new() and sl_batch_clear(), in
		       * the whole process: a dictionary code taken from the
		       * batch holds while the batch and gen are the same */
	size_t n, cap;
	size_t zeroed; /* values of rows below are 0 unless set (see sl_batch.c) */
	struct sl_col *cols;
};

/* A batch for kind with room for cap rows (it grows when needed). */
struct sl_batch *sl_batch_new(enum sl_kind kind, size_t cap);
void sl_batch_free(struct sl_batch *b);
/* Empties the batch (keeps its memory). */
void sl_batch_clear(struct sl_batch *b);

/* Appends an all-null row; returns its index in *row.  0 or SL_ENOMEM. */
int sl_batch_add_row(struct sl_batch *b, size_t *row);
/* Appends n all-null rows at once (rows n0 .. n0+n-1, n0 = the old count). */
int sl_batch_add_rows(struct sl_batch *b, size_t n);
/* Removes the last row (a row rejected after it was partly filled). */
void sl_batch_drop_last(struct sl_batch *b);

static inline bool sl_batch_is_null(const struct sl_batch *b, int c, size_t r)
{
	return (b->cols[c].nulls[r >> 3] >> (r & 7)) & 1;
}
static inline void sl_batch_set_valid_(struct sl_batch *b, int c, size_t r)
{
	b->cols[c].nulls[r >> 3] &= (uint8_t)~(1u << (r & 7));
}
static inline void sl_batch_set_i64(struct sl_batch *b, int c, size_t r, int64_t x)
{
	b->cols[c].v.i64[r] = x;
	sl_batch_set_valid_(b, c, r);
}
static inline void sl_batch_set_f64(struct sl_batch *b, int c, size_t r, double x)
{
	b->cols[c].v.f64[r] = x;
	sl_batch_set_valid_(b, c, r);
}
static inline void sl_batch_set_bool(struct sl_batch *b, int c, size_t r, bool x)
{
	b->cols[c].v.u8[r] = x;
	sl_batch_set_valid_(b, c, r);
}
/* Interns s[0..n) into the column's dictionary. 0 or SL_ENOMEM. */
int sl_batch_set_str(struct sl_batch *b, int c, size_t r, const char *s, size_t n);
/* The same, with h = sl_hash(s, n) already known. */
int sl_batch_set_str_hashed(struct sl_batch *b, int c, size_t r, const char *s, size_t n,
			    uint64_t h);
/* Sets a string value by its code in the column's dictionary (a code the
 * batch gave out, with the same gen). */
static inline void sl_batch_set_code(struct sl_batch *b, int c, size_t r, uint32_t code)
{
	b->cols[c].v.code[r] = code;
	sl_batch_set_valid_(b, c, r);
}
/* Makes a value null again. */
void sl_batch_set_null(struct sl_batch *b, int c, size_t r);

/* The string of row r (NULL when null); length in *n. */
const char *sl_batch_get_str(const struct sl_batch *b, int c, size_t r, size_t *n);

/* Keeps only rows with keep[r] != 0, in order.  Returns the new count. */
size_t sl_batch_filter(struct sl_batch *b, const uint8_t *keep);

/* Appends row r of src (same kind) to dst. 0 or SL_ENOMEM. */
int sl_batch_copy_row(struct sl_batch *dst, const struct sl_batch *src, size_t r);

/* Approximate heap bytes held, for memory budgets. */
size_t sl_batch_bytes(const struct sl_batch *b);

#endif
