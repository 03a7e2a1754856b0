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

/* The frame's optional columns dora reads (enum frame_col, frame.h). */
#define DORA_FRAME_COLS (FC_END | FC_COMMIT | FC_INCIDENT | FC_RECOVERY)
/* dora_keys() in its two steps, for the map and the reduce (docs/SCALING.md):
 * the counts of rows[0..n) with their lead times and recovery times into
 * lead[] and rec[] (n each; c->lead_n and c->recovered of them), and the
 * keys from counts and the two lower medians (read only when there are
 * values).  Counts add up across sets of rows, so a reduce that adds the
 * counts of every map task and finds the medians exactly gets the same
 * row as dora_keys() over all the rows. */
/* The rows DORA counts (finished production deployments the filters
 * want) into rows[] (room for f->n), in frame order; their number. */
size_t dora_counted_rows(const struct analyze_params *p, const struct frame *f,
			 uint32_t *rows);
struct dora_count {
	uint64_t finished, completed, days, lead_n, cfr_failures, failures, recovered;
};
void dora_count_rows(const struct frame *f, const uint32_t *rows, size_t n,
		     struct dora_count *c, int64_t *lead, int64_t *rec);
void dora_finish(const struct dora_count *c, double weeks, int64_t lead_median,
		 int64_t rec_median, const struct analyze_config *cf, struct dora_row *out);

/* The tables and their rows, as dora_run() writes them: new makes the
 * three (t[0] dora, t[1] dora_agents, t[2] dora_weekly; 0 or SL_ENOMEM,
 * none made on failure); a week is its Monday as a UTC day number, within
 * the window [lo, hi) (ms). */
int dora_tables_new(struct sl_table *t[3]);
int dora_add_window(struct sl_table *t, const struct dora_row *d);
int dora_add_agent(struct sl_table *t, const char *agent, size_t n, const struct dora_row *d);
int dora_add_week(struct sl_table *t, int64_t w, int64_t lo, int64_t hi,
		  const struct dora_row *d);
/* The share of week w inside [lo, hi), in weeks; the Monday of UTC day d;
 * the UTC day of ms. */
double dora_week_weeks(int64_t w, int64_t lo, int64_t hi);
int64_t dora_monday_of(int64_t d);
int64_t dora_floor_day(int64_t ms);

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
