/* scorecard.h - the seed's success metrics measured over the window
 * (docs/ANALYZE.md "scorecard"), met or missed.  Reads the tables the other analyses added. */
#ifndef ANALYZE_SCORECARD_H
#define ANALYZE_SCORECARD_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

/* The first signs of trouble (failed validations and checkpoints) the
 * scorecard reads from the store, kept from the organisation's run of
 * --team-dir for each team's: scorecard_run() fills it when
 * p->scorecard_cache is set and not yet filled, and a team's run on a
 * frame selected from that frame (frame_select) reads it instead of the
 * store.  9 bytes a row of the frame. */
struct scorecard_cache;
struct scorecard_cache *scorecard_cache_new(void);
void scorecard_cache_free(struct scorecard_cache *c);

/* Adds the table "scorecard" (needs summary and alert_precision in a). */
int scorecard_run(const struct analyze_params *p, const struct sl_store *st,
		  const struct frame *f,
		  struct sl_analysis *a, struct sl_errctx *err);

#endif
