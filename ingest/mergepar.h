/* mergepar.h - the merge of shard stores as M tasks at once, each over a
 * range of days, then one commit (docs/SCALING.md, "The parallel merge").
 *
 * Task K of M (--merge --part K/M) writes the partitions of its days into
 * a staging store of its own, STORE/.merge/part-K-of-M, which reads the
 * store's partitions through symbolic links, so that its run is an
 * ordinary merge (the partset, its status updates and routing) that
 * touches only files of its own.  It takes every shard row of its days,
 * and of the other days the rows its days' rows join: the rows of the
 * same deployment, pipeline run or stage run attempt (a status update may
 * move a row's day), and the children (artifacts, gate results) of the
 * parents it holds.  Task 0 also takes the children of no parent (the
 * undated partitions are its).  part.tsv, written last, says which shards
 * and which state of the store the part was made from.
 *
 * The commit (--merge --commit) checks that the M parts are all there,
 * from the same shards, unchanged since, and the store unchanged, then
 * renames each part's partitions of its days into the store, removes the
 * partitions that became empty and unites the manifests: one journal, so
 * the store shows either none of it or all. */
#ifndef INGEST_MERGEPAR_H
#define INGEST_MERGEPAR_H

#include "cli.h"

/* Each returns the exit status (0, or 1 after saying why on stderr). */
int mergepar_part(const struct ingest_params *p);
int mergepar_commit(const struct ingest_params *p);

#endif
