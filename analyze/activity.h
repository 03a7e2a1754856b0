/* activity.h - what the report's dashboards show that no other analysis
 * computes: when deployments happen (weekday × hour in the zone), how the
 * days went, and which deployments are still running. */
#ifndef ANALYZE_ACTIVITY_H
#define ANALYZE_ACTIVITY_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

/* Adds the tables "heatmap", "timeline" and "active_deployments" to a. */
int activity_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err);

#endif
