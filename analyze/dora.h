/* dora.h - the DORA four keys for production deployments (deployment
 * frequency: completed a week; lead time for changes: commit to end, lower
 * median; change failure rate: failed or rolled back or named by an
 * incident, over finished; failed deployment recovery time: frame.h's
 * recovery, lower median), rated against the DORA report's performance
 * tiers. */
#ifndef ANALYZE_DORA_H
#define ANALYZE_DORA_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

/* Adds the table "dora" to a. */
int dora_run(const struct analyze_params *p, const struct sl_store *st, const struct frame *f, struct sl_analysis *a,
	     struct sl_errctx *err);

#endif
