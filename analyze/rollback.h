/* rollback.h - rollback analysis (docs/ANALYZE.md): common causes (reason texts
 * normalised to templates), time to rollback, impact, recovery time and
 * prevention per cause; rollback risk of every deployment, scored from
 * the deployments that ended before it started, with a backtest. */
#ifndef ANALYZE_ROLLBACK_H
#define ANALYZE_ROLLBACK_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "history.h"
#include "sl_buf.h"
#include "sl_err.h"
#include "sl_result.h"
#include "sl_store.h"

/* Adds the tables rollback_causes, rollback_risk and rollback_risk_backtest
 * for the deployments of h. */
int rollback_tables(const struct history *h, struct sl_analysis *a, struct sl_errctx *err);

/* The template of a reason text (appended to out): numbers <num>, sizes
 * <size>, durations <duration>, versions <version>, hex hashes <hash>,
 * uuids <uuid>, IPv4 addresses <ip>, quoted values "<value>", and words
 * that look generated (pod names, hex or letter-digit mixes) <id>.  Runs
 * of white space become one space.  0 or SL_ENOMEM. */
int rollback_template(const char *s, size_t n, struct sl_buf *out);
/* The cause category of a template: error_rate, latency, resources,
 * crash, health_check, canary_analysis, database_migration, artifact,
 * timeout, configuration, dependency, manual or other. */
const char *rollback_category(const char *tmpl);

/* The risk levels' pooling: n[l] and r[l] are level l's training
 * deployments and rollbacks (levels low..critical).  Adjacent levels
 * whose rates fall as the level rises are pooled (pool-adjacent-
 * violators; an empty level joins its neighbour), so the pooled rates
 * never fall.  Returns the number of pooled levels; pooled level b holds
 * the levels first[b]..last[b]. */
int rollback_pool_levels(const double n[4], const double r[4], int first[4], int last[4]);
/* The backtest's verdict on probabilities p[] against the base rates b[]
 * for outcomes y[] (0 or 1): 1 (better) only when the mean of d_i =
 * (p_i - y_i)^2 - (b_i - y_i)^2 plus 1.96 standard errors (sample sd /
 * sqrt(n)) is below 0; *mean and *upper are that mean and bound (NaN
 * when n < 2 leaves no standard error: then 0). */
int rollback_verdict(const double *p, const double *b, const double *y, size_t n,
		     double *mean, double *upper);

/* The rollback risk of a planned deployment from the whole history. */
struct rollback_plan_risk {
	double score;      /* 0-100; NaN with no history */
	const char *level; /* low, medium, high, critical, unknown (static) */
};

int rollback_plan(const struct history *h, uint32_t agent, uint32_t env, uint32_t strategy,
		  double target, double validations, int64_t start, struct rollback_plan_risk *out);

#endif
