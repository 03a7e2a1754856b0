/* partset.h - the partitions one ingest run writes.
 *
 * Rows are appended to a per-(kind, day) buffer; full buffers (a row group)
 * and, when the run's memory budget is reached, the largest buffers are
 * spilled as row groups to the partition's temporary file, so memory stays
 * bounded however large the input.  partset_finish() then
 *   1. resolves status updates: the same deployment_id again supersedes
 *      the earlier row (latest updated_at, else the later row), and so
 *      does the same pipeline run (the latest attempt, then the furthest
 *      progress) or stage run attempt, within the run and against the
 *      rows already in the store; superseded runs stay, flagged;
 *   2. gives artifacts and gate results (which have no time of their own)
 *      the day of their deployment / pipeline run, or the undated partition;
 *   3. writes each partition (new rows, then the old file's rows unless
 *      reprocessing) and stages the renames in the store's commit. */
#ifndef INGEST_PARTSET_H
#define INGEST_PARTSET_H

#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_err.h"
#include "sl_store.h"

/* Partitions one run may touch: each holds a small buffer (~15 KB) and,
 * once spilled, an open temporary file, so memory and descriptors stay
 * bounded however many days an input spans.  20,000 is 5 years of every
 * kind, or 55 years of one. */
#define PARTSET_MAX_PARTS 20000

/* Day of rows whose day comes from their parent record (resolved later). */
#define PART_DAY_PENDING (INT64_MIN + 1)

struct partset;
struct part;

struct partset_stats {
	uint64_t superseded;   /* rows that lost to a later status update or attempt */
	uint64_t collisions;   /* runs that met another ended run of their key and
				* attempt named apart (ps_update.c) */
	uint64_t undated;      /* child rows whose parent is unknown */
	uint64_t partitions;   /* partition files written or removed */
	uint64_t rows_written; /* rows in the written partition files */
};

struct partset *partset_new(struct sl_store *st, int reprocess, size_t max_buffered_rows);
void partset_free(struct partset *ps);

/* The buffer that takes the next row of kind for day. */
int partset_target(struct partset *ps, enum sl_kind kind, int64_t day, struct part **p,
		   struct sl_batch **b, struct sl_errctx *err);
/* Registers row r just completed in p's buffer (status updates, parent
 * keys) and spills if needed. */
int partset_add_row(struct partset *ps, struct part *p, size_t r, struct sl_errctx *err);
/* A deployment whose deployment_id hashes (sl_hash) to h is coming: its
 * entry in the status-update map starts loading. */
void partset_prefetch_deployment(struct partset *ps, uint64_t h);
int partset_finish(struct partset *ps, struct partset_stats *stats, struct sl_errctx *err);

/* The keys the partitions join rows by, as hashes (mergepar.c picks a
 * task's rows by them, so that its choice and the joins agree even where
 * two keys' hashes meet): the status-update key of a deployment, pipeline
 * run or stage run; the key a parent kind is found by; the key a child
 * kind (artifacts, gate results) finds its parent by. */
enum partset_key { PK_UPDATE, PK_PARENT, PK_CHILD };
/* 1 with *h set, 0 when the row has no such key (a null in it, or a kind
 * without one). */
int partset_row_key(struct partset *ps, enum partset_key which, const struct sl_batch *b,
		    size_t r, uint64_t *h);
/* Sets want[c] for the columns of kind that partset_row_key() reads. */
void partset_key_cols(const struct partset *ps, enum partset_key which, enum sl_kind kind,
		      uint8_t *want);

#endif
