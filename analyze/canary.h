/* canary.h - the auto-rollback decision from runtime metric samples, and a
 * Kayenta-style canary judgement (Mann-Whitney U, canary vs baseline) where
 * both cohorts were sampled: per metric with at least 3 samples of each, a
 * two-sided Mann-Whitney U test of canary against baseline; a metric fails
 * when p < 0.05 and it moved the bad way, and the deployment's score is
 * 100 x passed / judged (pass >= 95, marginal >= 75, else fail). */
#ifndef ANALYZE_CANARY_H
#define ANALYZE_CANARY_H

#include <stddef.h>

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

/* Adds the tables "rollback_decisions", "canary_metrics" and
 * "canary_judgements" to a. */
int canary_run(const struct analyze_params *p, const struct sl_store *st,
	       const struct frame *f,
	       struct sl_analysis *a, struct sl_errctx *err);

#endif
