/* sl_scan.h - reading the stored rows of one kind for a time window:
 * only the day partitions that can hold rows of [from, to), only the row
 * groups whose time range meets it, only the columns asked for.
 *
 *   struct sl_scan *sc;
 *   sl_scan_open(&sc, store, SL_KIND_DEPLOYMENTS, from, to, want, &err);
 *   while ((rc = sl_scan_next(sc, &batch, &err)) > 0)
 *           for each row r of batch with sl_scan_in_window(sc, batch, r) ...
 *   sl_scan_close(sc);
 *
 * The batch belongs to the scan and is reused by the next call. */
#ifndef SL_SCAN_H
#define SL_SCAN_H

#include <stdint.h>

#include "sl_batch.h"
#include "sl_err.h"
#include "sl_store.h"

#define SL_TIME_MIN INT64_MIN
#define SL_TIME_MAX INT64_MAX

struct sl_scan;

/* from/to: epoch ms, half-open; SL_TIME_MIN/SL_TIME_MAX for no bound.
 * want: per schema column of kind, 1 = read (NULL: all).  Kinds without a
 * time of their own (artifacts, gate_results) are filtered by their
 * partition day only, and their undated partition is read too. */
int sl_scan_open(struct sl_scan **sc, const struct sl_store *st, enum sl_kind kind,
		 int64_t from, int64_t to, const uint8_t *want, struct sl_errctx *err);
/* Next row group: 1 with *b set, 0 at the end, < 0 on error. */
int sl_scan_next(struct sl_scan *sc, struct sl_batch **b, struct sl_errctx *err);
/* Whether row r of the current batch lies in the window (by the kind's
 * time column; always true for kinds without one). */
int sl_scan_in_window(const struct sl_scan *sc, const struct sl_batch *b, size_t r);
/* Leaves out the rows of no day (a kind without a time, whose rows'
 * record was not known): called before the first sl_scan_next().  A scan
 * cut in ranges of days reads them in one range only. */
void sl_scan_skip_undated(struct sl_scan *sc);
/* Row groups and files read so far (for the run metadata). */
uint64_t sl_scan_files(const struct sl_scan *sc);
void sl_scan_close(struct sl_scan *sc);

#endif
