/* sl_colfile.h - one columnar store file (a partition: one record kind, one
 * UTC day).  The byte format is specified in docs/FORMAT.md; in short, the
 * file is a plain sequence of msgpack objects:
 *
 *   header map, column chunk maps (row group by row group, schema order),
 *   footer map (index of every chunk with its CRC-32), trailer array.
 *
 * The writer streams row groups to a file descriptor with bounded memory.
 * The reader maps the file and decodes only the row groups and columns it
 * is asked for, checking each chunk's CRC-32 before it is used. */
#ifndef SL_COLFILE_H
#define SL_COLFILE_H

#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_err.h"
#include "sl_schema.h"

#define SL_FORMAT_VERSION 1
/* Day value of a partition that holds rows whose day is not known. */
#define SL_DAY_NONE INT64_MIN

/* ---- writer ---- */
struct sl_cfw;

/* Creates (truncates) path and writes the header.  The caller chooses a
 * temporary name and renames on success (see sl_store.h). */
int sl_cfw_open(struct sl_cfw **w, const char *path, enum sl_kind kind, int64_t day,
		struct sl_errctx *err);
/* Writes b as one row group (nothing when b is empty).  After any error
 * from a writer function the only valid call is sl_cfw_abort(). */
int sl_cfw_write_batch(struct sl_cfw *w, const struct sl_batch *b,
		       struct sl_errctx *err);
struct sl_cfr;
/* Appends row group g of r verbatim (r must have this writer's kind and
 * the same column list, which sl_cfr_same_schema() tells). */
int sl_cfw_copy_group(struct sl_cfw *w, const struct sl_cfr *r, size_t g,
		      struct sl_errctx *err);
uint64_t sl_cfw_rows(const struct sl_cfw *w);
/* Writes out what is buffered and frees the writer's buffers until its
 * next write: for callers that keep many writers open (one per partition). */
int sl_cfw_idle(struct sl_cfw *w, struct sl_errctx *err);
/* Skips the fsync in sl_cfw_finish(): for writers of many files that make
 * them durable at once (sl_store_commit() syncs the file system). */
void sl_cfw_set_nosync(struct sl_cfw *w);
/* Writes footer and trailer (buffered until sl_cfw_idle() or the finish),
 * so that the file is complete as it stands, while the writer stays open:
 * a later row group takes them back (the file is cut where they began). */
int sl_cfw_seal(struct sl_cfw *w, struct sl_errctx *err);
/* Writes footer and trailer unless sealed, fsyncs and closes; frees w in
 * every case. */
int sl_cfw_finish(struct sl_cfw *w, struct sl_errctx *err);
/* Closes, unlinks the file and frees w.  Accepts NULL. */
void sl_cfw_abort(struct sl_cfw *w);

/* ---- reader ---- */

/* Maps path and reads its trailer, footer and header (checking their
 * CRC-32s and the format version).  Does not read column data. */
int sl_cfr_open(struct sl_cfr **r, const char *path, struct sl_errctx *err);
#ifdef SL_TEST_HOOKS
/* For tests/fuzz only, in the test build's library: reads on even when a
 * checksum does not match. */
void sl_cfr_fuzz_skip_crc(int on);
#endif
void sl_cfr_close(struct sl_cfr *r);
/* Checks the whole-file CRC-32 (reads every byte). */
int sl_cfr_verify(const struct sl_cfr *r, struct sl_errctx *err);

const char *sl_cfr_path(const struct sl_cfr *r);
enum sl_kind sl_cfr_kind(const struct sl_cfr *r);
int64_t sl_cfr_day(const struct sl_cfr *r);
uint64_t sl_cfr_rows(const struct sl_cfr *r);
size_t sl_cfr_ngroups(const struct sl_cfr *r);
size_t sl_cfr_group_rows(const struct sl_cfr *r, size_t g);
int sl_cfr_ncols(const struct sl_cfr *r);
const char *sl_cfr_col_name(const struct sl_cfr *r, int c);
enum sl_type sl_cfr_col_type(const struct sl_cfr *r, int c);
/* True when the file's columns are exactly the current schema of its kind. */
int sl_cfr_same_schema(const struct sl_cfr *r);
/* Smallest and largest value of the kind's day-key column (0 when none). */
int sl_cfr_time_range(const struct sl_cfr *r, int64_t *min_ms, int64_t *max_ms);
/* The same for row group g, so readers can skip groups outside a window. */
int sl_cfr_group_time_range(const struct sl_cfr *r, size_t g, int64_t *min_ms,
			    int64_t *max_ms);

/* Appends the rows of group g to out (a batch of the file's kind).
 * want[c] != 0 selects schema column c of the kind (NULL: all columns);
 * columns not selected, or absent from the file, are left null.  Only the
 * selected chunks are touched, and each one's CRC-32 is checked first. */
int sl_cfr_read_group(const struct sl_cfr *r, size_t g, const uint8_t *want,
		      struct sl_batch *out, struct sl_errctx *err);

#endif
