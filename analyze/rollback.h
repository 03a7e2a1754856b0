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

/* The rollback risk of a planned deployment from the whole history. */
struct rollback_plan_risk {
	double score;      /* 0-100; NaN with no history */
	const char *level; /* low, medium, high, critical, unknown (static) */
};

int rollback_plan(const struct history *h, uint32_t agent, uint32_t env, uint32_t strategy,
		  double target, double validations, int64_t start, struct rollback_plan_risk *out);

#endif
