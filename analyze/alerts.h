/* alerts.h - deployment alerts of the seed's DeploymentAlertManager:
 * SLOW_DEPLOYMENT, HIGH_FAILURE_RATE, VALIDATION_FAILED, and their
 * precision against what happened later (an incident or a rollback). */
#ifndef ANALYZE_ALERTS_H
#define ANALYZE_ALERTS_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

/* Adds the tables "alerts" and "alert_precision" to a. */
int alerts_run(const struct analyze_params *p, const struct sl_store *st,
	       const struct frame *f,
	       struct sl_analysis *a, struct sl_errctx *err);

#endif
