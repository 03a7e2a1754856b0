/* deplog.h - the status-update log: what an ingest run knows of its
 * deployment_ids once that outgrows the memory budget.
 *
 * Records of a fixed size are written as runs sorted by key, each to
 * an anonymous file in the store (created and unlinked at once: a crash
 * leaves nothing behind), and read back merged in (key, run) order, so
 * memory stays bounded by the budget and a read buffer per run however
 * many distinct deployments an input holds.  partset.c decides what the
 * records mean (docs/INGEST.md, "Status updates"). */
#ifndef INGEST_DEPLOG_H
#define INGEST_DEPLOG_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"
#include "sl_store.h"

#define DR_UPD 1u    /* upd holds the row's updated_at */
#define DR_NULL 2u   /* a null updated_at was among the key's rows of its run */
#define DR_STORED 4u /* a row of the store: where is its day */
#define DR_RANK 8u   /* a run's row: upd is its rank, DR_TIE() its tie-break */
/* The tie-break of ranked rows of equal upd: a hash of the whole row in
 * the flags' upper 24 bits (the record stays 32 bytes). */
#define DR_TIE(flags) ((flags) >> 8)
#define DR_TIE_SHIFT 8

struct deprec {
	uint64_t h;     /* hash of the deployment_id */
	int64_t upd;
	uint32_t where; /* the row's partition (index), or its day */
	uint32_t group; /* row group, or IN_BUFFER */
	uint32_t row;
	uint32_t flags;
};

/* Runs are sorted by this bijection of the key hash: the order of a
 * sl_u64map's slots (Fibonacci hashing), so that records taken from a map
 * slot by slot are nearly in order already.  Equal keys, equal orders. */
static inline uint64_t deplog_order(uint64_t h)
{
	return h * 0x9E3779B97F4A7C15ull;
}

struct deplog_run {
	int fd;
	uint64_t n; /* records */
	char *path; /* as it was created, for messages */
};

struct deplog {
	struct sl_store *st;
	struct deplog_run *runs;
	size_t nruns, runs_cap;
	uint32_t *count; /* the sort's bucket bounds */
};

void deplog_init(struct deplog *l, struct sl_store *st);
void deplog_release(struct deplog *l);

/* Sorts v[0..n) in place by deplog_order() of the key hash (records of
 * one key by where, group and row) and writes them as a new run. */
int deplog_write_run(struct deplog *l, struct deprec *v, size_t n, struct sl_errctx *err);

/* A run written record by record, in key order already (a merge's
 * output): deplog_append() then deplog_close_run(). */
struct deplog_writer;
int deplog_open_run(struct deplog *l, struct deplog_writer **w, struct sl_errctx *err);
int deplog_append(struct deplog_writer *w, const struct deprec *r, struct sl_errctx *err);
/* Flushes and adds the run to l; frees w (also on error). */
int deplog_close_run(struct deplog *l, struct deplog_writer *w, struct sl_errctx *err);

/* The records of runs [first, end) in (deplog_order(key), run) order:
 * deplog_next()
 * returns 1 with a record, 0 at the end, or an error. */
struct deplog_merge;
int deplog_merge_open(struct deplog *l, size_t first, size_t end, struct deplog_merge **m,
		      struct sl_errctx *err);
int deplog_next(struct deplog_merge *m, struct deprec *r, struct sl_errctx *err);
void deplog_merge_close(struct deplog_merge *m);

#endif
