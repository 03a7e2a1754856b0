/* canary.h - the auto-rollback decision from runtime metric samples, and a
 * Kayenta-style canary judgement (Mann-Whitney U, canary vs baseline) where
 * both cohorts were sampled: per metric with at least 3 samples of each, a
 * two-sided Mann-Whitney U test of canary against baseline; a metric fails
 * when p < 0.05 and it moved the bad way, and the deployment's score is
 * 100 x passed / judged (pass >= 95, marginal >= 75, else fail).
 *
 * Only comparable quantities are compared: error rate and latency are
 * per request already; throughput is the cohort's whole rate, so each
 * cohort's is divided by its traffic share (the deployment's
 * canary_percentage for the canary, the rest for the baseline), and it is
 * not judged when the deployment has no canary_percentage. */
#ifndef ANALYZE_CANARY_H
#define ANALYZE_CANARY_H

#include <stddef.h>

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

struct analyze_config;

/* What the canary analysis reads from the store (metric samples and
 * canary shares), kept from the organisation's run of --team-dir for each
 * team's: canary_run() fills it when p->canary_cache is set and the frame
 * is a loaded one, canary_cache_finish() orders it, and a team's run on a
 * frame selected from that frame (frame_select) reads it instead of the
 * store.  About 48 bytes a sample. */
struct canary_cache;
struct canary_cache *canary_cache_new(void);
void canary_cache_free(struct canary_cache *c);
/* Orders the samples by the row of the frame of rows rows they belong
 * to.  0 or SL_ENOMEM. */
int canary_cache_finish(struct canary_cache *c, size_t rows);

enum {
	CANARY_ERROR_RATE,
	CANARY_LATENCY_P50,
	CANARY_LATENCY_P95,
	CANARY_THROUGHPUT,
	CANARY_HEALTH_CHECKS,
	CANARY_NMETRICS
};

/* One cohort's samples of one metric (the caller's array). */
struct canary_vec {
	double *v;
	size_t n, cap;
};

struct canary_metric_result {
	int judged, passed;
	const char *cls; /* "High", "Low" or "Pass" (static) */
	double canary_median, baseline_median, u, p;
};

struct canary_judgement {
	int judged, passed;
	double score;       /* 100 x passed / judged */
	const char *result; /* "pass", "marginal" or "fail" (static) */
	struct canary_metric_result m[CANARY_NMETRICS];
};

/* Judges canary[] against baseline[] (by CANARY_* metric); share is the
 * canary's traffic share in (0, 1), NaN when unknown.  The samples are
 * sorted, and throughput divided by the shares, in place.  1 when a
 * metric was judged, 0 when none had enough samples. */
int canary_judge(struct canary_vec *canary, struct canary_vec *baseline, double share,
		 const struct analyze_config *cf, struct canary_judgement *out);

struct canary_decision {
	double error_rate;            /* mean of the rollout cohort */
	double latency_increase;      /* mean p95 / the baseline's mean p95, minus 1 */
	double health_check_failures; /* the most in a sample */
	double confidence;            /* share of the votes that agree */
	int rollback;
	char reasons[96]; /* ;-separated */
};

/* The auto-rollback rule over the rollout cohort roll[] (baseline[] for
 * the latency; latency_change, the deployment's own, when the baseline
 * has no p95): a rule fires above its bound, not at it. */
void canary_decide(const struct canary_vec *roll, const struct canary_vec *baseline,
		   double latency_change, const struct analyze_config *cf,
		   struct canary_decision *out);

/* Adds the tables "rollback_decisions", "canary_metrics" and
 * "canary_judgements" to a. */
int canary_run(const struct analyze_params *p, const struct sl_store *st,
	       const struct frame *f,
	       struct sl_analysis *a, struct sl_errctx *err);

#endif
