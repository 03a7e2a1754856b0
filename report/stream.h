/* stream.h - a table of the analysis file read one row group at a time,
 * and the few rows a section keeps from it (the top rows by a number, or
 * the latest rows), so the report holds one group of one big table and a
 * page's worth of rows, whatever the number of deployments. */
#ifndef REPORT_STREAM_H
#define REPORT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "sl_anread.h"
#include "sl_result.h"

/* The groups of table ti in order; next() returns each as a table (owned
 * by the iterator, valid until the next call) and NULL at the end or on
 * an error (rc then set, and err). */
struct giter {
	struct sl_anfile *f;
	struct sl_errctx *err;
	long ti;
	size_t k, ng;
	uint64_t base; /* the table's row number of the group's first row */
	struct sl_table *g;
	int rc;
	int some; /* only the columns in want are read */
	unsigned char want[SL_ANREAD_MAX_COLS];
};

void giter_init(struct giter *it, struct sl_anfile *f, long ti, struct sl_errctx *err);
/* Reads only the columns listed (indices, the constants of sl_tables.h
 * for a declared table; the list ends in -1); the others read back as
 * null.  Before the first giter_next. */
void giter_only(struct giter *it, const int *cols);
const struct sl_table *giter_next(struct giter *it);
void giter_done(struct giter *it);

/* Rows kept from a stream, in two passes: offer every matching row's
 * number and key (reading only the columns that decide), then pick_fill
 * reads the groups of the rows kept and copies them.  With latest, the
 * last max rows offered; else the max rows of largest key (NaN last; on a
 * tie the earlier row), as a sort of every row would rank them.  Memory
 * stays within 2 * max entries. */
struct pick {
	struct sl_table *t; /* after pick_fill: the kept rows, in file order */
	double *key;
	uint64_t *row;
	size_t n, max;
	int latest;
	uint64_t offered;
};

int pick_init(struct pick *pk, size_t max, int latest);
/* Offers row number row of the table with its key.  0 or SL_ENOMEM. */
int pick_offer(struct pick *pk, uint64_t row, double key);
/* Reads the kept rows of table ti of f into pk->t. */
int pick_fill(struct pick *pk, struct sl_anfile *f, long ti, struct sl_errctx *err);
/* The kept rows in order (the latest first, or the largest key first):
 * *idx (malloc'ed) indexes pk->t; *n of them.  0 or SL_ENOMEM. */
int pick_order(struct pick *pk, size_t **idx, size_t *n);
void pick_free(struct pick *pk);

#endif
