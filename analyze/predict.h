/* predict.h - duration prediction (least squares on log duration) and
 * success prediction (a Beta posterior over similar past deployments),
 * each with a time-ordered backtest, and the
 * `predict` query for a planned deployment. */
#ifndef ANALYZE_PREDICT_H
#define ANALYZE_PREDICT_H

#include <stdint.h>

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

/* Adds the tables predictions, duration_model, duration_backtest and
 * success_backtest to a. */
int predict_run(const struct analyze_params *p, const struct sl_store *st,
		const struct frame *f,
		struct sl_analysis *a, struct sl_errctx *err);
/* Adds (rollback.h) rollback_causes, rollback_risk and
 * rollback_risk_backtest: the other half of `--only predict`, which may run
 * beside the first. */
int predict_rollback_run(const struct analyze_params *p, const struct sl_store *st,
			 const struct frame *f, struct sl_analysis *a, struct sl_errctx *err);

/* `--query predict --agent A --env E [--arg strategy=S] [--arg
 * instances=N] [--arg artifact_bytes=B] [--arg validations=K] [--arg
 * at=TIME]`: 0, 2 for a bad --arg (message printed), < 0 with err. */
int predict_query(const struct analyze_params *p, const struct sl_store *st,
		  struct sl_errctx *err);

/* The Beta(prior_a + k, prior_b + n - k) posterior of a success
 * probability after k successes in n trials: its mean and the 5% and 95%
 * quantiles (the 90% equal-tailed credible interval). */
void predict_beta(uint64_t k, uint64_t n, double prior_a, double prior_b, double *mean,
		  double *lo, double *hi);

#endif
