/* dora.h - the DORA four keys for production deployments (deployment
 * frequency: completed a week; lead time for changes: commit to end, lower
 * median; change failure rate: failed or rolled back or named by an
 * incident, over finished; failed deployment recovery time: frame.h's
 * recovery, lower median), rated against the DORA report's performance
 * tiers. */
#ifndef ANALYZE_DORA_H
#define ANALYZE_DORA_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "config.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

struct analyze_config;

/* The DORA keys of a set of finished production deployments. */
struct dora_row {
	double value[DORA_NMETRICS];     /* by DORA_FREQUENCY ...; NaN when unknown */
	const char *tier[DORA_NMETRICS]; /* static; NULL when no tier */
	double deployment_days;          /* days with a completed deployment, a week */
	uint64_t finished, completed, days, lead_n, cfr_failures, failures, recovered;
};

/* The one definition of the keys: rows[0..n) are frame rows in frame
 * order, all finished production deployments; weeks is the time they
 * are counted over (the frequency's denominator); scratch holds 2n
 * values.  A set without deployments has no tier at all (not "low").
 * 0 (nothing fails). */
int dora_keys(const struct frame *f, const uint32_t *rows, size_t n, double weeks,
	      const struct analyze_config *cf, int64_t *scratch, struct dora_row *out);

/* Adds the tables "dora" (the window), "dora_agents" (per agent, over the
 * window's weeks) and "dora_weekly" (per ISO week, Monday 00:00 UTC; a
 * week the window covers in part counts its part) to a. */
int dora_run(const struct analyze_params *p, const struct sl_store *st, const struct frame *f, struct sl_analysis *a,
	     struct sl_errctx *err);
/* Adds "org_dora": dora's figures over the wanted rows of f (the whole
 * organisation's frame beside a team's), rated with p's tiers so that
 * the two compare. */
int dora_org_run(const struct analyze_params *p, const struct frame *f, struct sl_analysis *a,
		 struct sl_errctx *err);

#endif
