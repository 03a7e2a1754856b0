/* merge.h - shiplog-ingest --merge: shard stores into one (docs/SCALING.md).
 *
 * A shard's stored rows are handed to this run's partitions as they are
 * (typed values, no text in between), each to the day an ingest gives it:
 * its own time's day, or, for a kind that takes its parent's day
 * (artifacts, gate results), none yet, so that the partitions' parent
 * routing finds the parent in whichever shard it is.  So every rule of an
 * ingest that joins rows applies to a merge unchanged (status updates
 * resolved by the latest update, children given their parent's day, one
 * atomic commit), and the merged store is the store one ingest of every
 * shard's inputs writes. */
#ifndef INGEST_MERGE_H
#define INGEST_MERGE_H

#include <stdint.h>

#include "partset.h"
#include "sl_err.h"
#include "sl_store.h"

/* Every row of every kind of shard into ps; *rows counts them.  0 or a
 * negative code with err set. */
int merge_rows(struct partset *ps, const struct sl_store *shard, uint64_t *rows,
	       struct sl_errctx *err);

/* Adds the shard's manifest entries that dst lacks (inputs ingested into
 * the shard are then known to dst: a re-run skips them).  0 or SL_ENOMEM. */
int merge_manifest(struct sl_store *dst, const struct sl_store *shard, struct sl_errctx *err);

#endif
