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
};

void giter_init(struct giter *it, struct sl_anfile *f, long ti, struct sl_errctx *err);
const struct sl_table *giter_next(struct giter *it);
void giter_done(struct giter *it);

/* Rows kept from a stream: with latest, the last max rows offered; else
 * the max rows of largest key (NaN last; on a tie the earlier row), as a
 * sort of every row would rank them.  Copies are kept, in a table with the
 * source's columns; memory stays within 2 * max rows. */
struct pick {
	struct sl_table *t;
	double *key;
	uint64_t *row;
	size_t max;
	int latest;
	uint64_t offered;
};

int pick_init(struct pick *pk, const struct sl_table *like, size_t max, int latest);
/* Offers row r of g (row number `row` of the whole table) with its key. */
int pick_offer(struct pick *pk, const struct sl_table *g, size_t r, uint64_t row, double key);
/* The kept rows in order (the latest first, or the largest key first):
 * *idx (malloc'ed) indexes pk->t; *n of them.  0 or SL_ENOMEM. */
int pick_order(struct pick *pk, size_t **idx, size_t *n);
void pick_free(struct pick *pk);

#endif
