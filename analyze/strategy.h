/* strategy.h - rollout strategy effectiveness (docs/ANALYZE.md), overall and per
 * environment. */
#ifndef ANALYZE_STRATEGY_H
#define ANALYZE_STRATEGY_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

/* Adds the table "strategies" to a. */
int strategy_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err);

#endif
