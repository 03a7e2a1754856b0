/* merge.h - shiplog-ingest --merge: shard stores into one (docs/SCALING.md).
 *
 * A shard's rows of a kind are read back as the exact CSV --dump writes,
 * by a thread of their own into a pipe, and the ingest reads the pipe as
 * one more input of its run.  So every rule of an ingest applies to a
 * merge unchanged (status updates resolved by the latest update, children
 * given their parent's day, rejects kept, one atomic commit), and the
 * merged store is the store one ingest of every shard's inputs writes. */
#ifndef INGEST_MERGE_H
#define INGEST_MERGE_H

#include "sl_err.h"
#include "sl_schema.h"
#include "sl_store.h"

struct merge_feed;

/* Starts writing shard's rows of kind into a pipe; *path names its read
 * end for sl_input_open().  0 or a negative code with err set. */
int merge_feed_start(struct merge_feed **mf, struct sl_store *shard, enum sl_kind kind,
		     const char **path, struct sl_errctx *err);
/* Closes the read end (a writer still writing then fails rather than
 * waits), waits for the writer and frees mf.  0, or the writer's error in
 * err when the ingest had read everything (ok set) and the writer still
 * failed. */
int merge_feed_end(struct merge_feed *mf, int ok, struct sl_errctx *err);

/* Adds the shard's manifest entries that dst lacks (inputs ingested into
 * the shard are then known to dst: a re-run skips them).  0 or SL_ENOMEM. */
int merge_manifest(struct sl_store *dst, const struct sl_store *shard, struct sl_errctx *err);

#endif
