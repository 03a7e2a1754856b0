/* sl_store.h - the store directory: partition paths, the lock, the manifest
 * of ingested inputs, and multi-file atomic commits.
 *
 *   STORE/<kind>/YYYY-MM-DD.msgpack   one partition per kind and UTC day
 *   STORE/<kind>/undated.msgpack      rows whose day could not be known
 *   STORE/manifest.tsv                one line per ingested input
 *   STORE/rejects/<time>-<pid>.csv      rejected rows, one file per run
 *   STORE/.lock                       flock(2): exclusive for writers
 *   STORE/.journal                    present only while a commit runs
 *
 * A commit first writes every new file under a temporary name, then the
 * journal listing the renames (fsynced), then performs them, then removes
 * the journal.  Opening the store for writing completes an interrupted
 * commit (roll forward) and deletes temporaries of runs that died before
 * their journal was written, so a crash at any moment leaves either the
 * old or the new state. */
#ifndef SL_STORE_H
#define SL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"
#include "sl_schema.h"

struct sl_store;

enum sl_lock { SL_LOCK_SHARED, SL_LOCK_EXCLUSIVE };

/* Opens (with create: makes) the store at dir and takes the lock; waits
 * up to wait_s seconds for another holder (0: refuse at once, SL_ELOCKED). */
int sl_store_open(struct sl_store **st, const char *dir, int create, enum sl_lock lock,
		  int wait_s, struct sl_errctx *err);
void sl_store_close(struct sl_store *st);
const char *sl_store_dir(const struct sl_store *st);

/* Path of the partition of kind for day (SL_DAY_NONE: undated). */
void sl_store_partition_path(const struct sl_store *st, enum sl_kind kind, int64_t day,
			     char *buf, size_t n);
/* A fresh temporary path next to the partitions of kind (whose directory
 * is created on first use). */
int sl_store_temp_path(struct sl_store *st, enum sl_kind kind, char *buf, size_t n,
		       struct sl_errctx *err);
/* Sorted days that have a partition of kind; *undated set when the undated
 * partition exists.  *days is malloc'ed; the caller frees it. */
int sl_store_list_days(const struct sl_store *st, enum sl_kind kind, int64_t **days,
		       size_t *n, int *undated, struct sl_errctx *err);

/* ---- manifest ---- */
struct sl_manifest_entry {
	char digest[33];
	uint64_t size;
	char ingested_at[32]; /* ISO 8601 UTC */
	char kind[24];        /* kind name, or "-" when empty */
	uint64_t rows, accepted, superseded, rejected;
	char source[512];     /* path as given; tabs/newlines replaced */
};

/* The entry for digest, or NULL. */
const struct sl_manifest_entry *sl_store_manifest_find(const struct sl_store *st,
							const char *digest);
/* 1 when an input of size bytes was ingested (no other can have its digest). */
int sl_store_manifest_has_size(const struct sl_store *st, uint64_t size);
size_t sl_store_manifest_count(const struct sl_store *st);
const struct sl_manifest_entry *sl_store_manifest_get(const struct sl_store *st, size_t i);
/* Adds or replaces (same digest) an entry in memory; written by the commit. */
int sl_store_manifest_put(struct sl_store *st, const struct sl_manifest_entry *e);

/* ---- commit ---- */
/* Stages "rename tmp to final" (final replaced atomically). */
int sl_store_stage_rename(struct sl_store *st, const char *tmp, const char *final);
/* Stages the removal of a file (e.g. a partition that became empty). */
int sl_store_stage_unlink(struct sl_store *st, const char *path);
/* For a run that writes much: until the commit, a thread syncs the file
 * system every quarter second, so that what is written reaches stable
 * storage while the run goes on and the commit's sync has little left to
 * wait for.  Only a hint (nothing if it cannot start). */
void sl_store_flusher_start(struct sl_store *st);
/* Writes the manifest (if changed) and performs every staged operation
 * atomically as described above. */
int sl_store_commit(struct sl_store *st, struct sl_errctx *err);
/* Forgets staged operations and deletes their temporary files. */
void sl_store_rollback(struct sl_store *st);

/* mkdir -p; 0 or SL_EIO. */
int sl_mkdirs(const char *path, struct sl_errctx *err);
/* fsync a directory; 0 or SL_EIO. */
int sl_fsync_dir(const char *dir, struct sl_errctx *err);

#endif
