/* scorecard.h - the seed's success metrics measured over the window
 * (docs/ANALYZE.md "scorecard"), met or missed.  Reads the tables the other analyses added. */
#ifndef ANALYZE_SCORECARD_H
#define ANALYZE_SCORECARD_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

/* Adds the table "scorecard" (needs summary and alert_precision in a). */
int scorecard_run(const struct analyze_params *p, const struct sl_store *st,
		  const struct frame *f,
		  struct sl_analysis *a, struct sl_errctx *err);

#endif
