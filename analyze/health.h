/* health.h - the health score of every deployment (docs/ANALYZE.md), 0-100, with
 * the seed's weights over five components. */
#ifndef ANALYZE_HEALTH_H
#define ANALYZE_HEALTH_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

/* Adds the table "health_scores" to a. */
int health_run(const struct analyze_params *p, const struct sl_store *st,
	       const struct frame *f,
	       struct sl_analysis *a, struct sl_errctx *err);

#endif
