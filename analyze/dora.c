#include "dora.h"
#include "common.h"
#include "frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_scan.h"
#include "sl_u64map.h"
#include "window.h"

#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)
#define WEEK_MS (7 * DAY_MS)

/* Tiers (config.c: the DORA 2023 bounds by default).  For "higher is
 * better" metrics a value at or above a bound earns the tier; for the
 * others, at or below. */
static const char *tier_of(const struct analyze_config *cf, int metric, double v)
{
	const double *t = cf->dora[metric];

	if (isnan(v))
		return NULL;
	if (metric == DORA_FREQUENCY)
		return v >= t[0] ? "elite" : v >= t[1] ? "high" : v >= t[2] ? "medium" : "low";
	return v <= t[0] ? "elite" : v <= t[1] ? "high" : v <= t[2] ? "medium" : "low";
}

/* Whether row i is a finished production deployment (prod: the code of
 * "production") of the --agent. */
static int counted(const struct frame *f, size_t i, uint32_t prod)
{
	return f->wanted[i] && f->env[i] == prod && frame_finished(f, i);
}

static int add_metric(struct sl_table *t, const char *metric, double value, const char *unit,
		      uint64_t samples, const char *tier)
{
	if (sl_table_add_row(t) || sl_table_set_str(t, SL_DORA_METRIC, metric, strlen(metric)))
		return SL_ENOMEM;
	sl_table_set_f64(t, SL_DORA_VALUE, value);
	if (sl_table_set_str(t, SL_DORA_UNIT, unit, strlen(unit)) ||
	    (tier && sl_table_set_str(t, SL_DORA_TIER, tier, strlen(tier))))
		return SL_ENOMEM;
	sl_table_set_i64(t, SL_DORA_SAMPLES, (int64_t)samples);
	return SL_OK;
}

int dora_run(const struct analyze_params *p, const struct sl_store *st, const struct frame *f, struct sl_analysis *a,
	     struct sl_errctx *err)
{
	struct sl_table *t = NULL;
	struct sl_u64map dayset = SL_U64MAP_INIT; /* days with a completed deployment */
	int64_t *rec = NULL, *lead = NULL, first = INT64_MAX, last = INT64_MIN;
	size_t nrec = 0, nfail = 0, nlead = 0, nprod = 0;
	uint64_t days = 0, success = 0, finished = 0, cfr_fail = 0;
	double weeks, v;
	uint32_t prod = frame_code(f, "production");
	int rc;

	(void)st;
	if (p->env && strcmp(p->env, "production"))
		goto table; /* DORA is about production: nothing else counts */
	rec = malloc((f->n ? f->n : 1) * sizeof(*rec));
	lead = malloc((f->n ? f->n : 1) * sizeof(*lead));
	if (!rec || !lead)
		goto nomem;
	for (size_t i = 0; i < f->n; i++) {
		int64_t r;

		if (!counted(f, i, prod))
			continue;
		nprod++;
		finished++;
		/* change failure: failed, rolled back, or named by an incident */
		if (frame_failure(f, i) || f->incident[i])
			cfr_fail++;
		if (frame_completed(f, i)) {
			uint32_t *dv;
			int added;

			success++;
			if (sl_u64map_put(&dayset, (uint64_t)window_day(f->start[i]), &dv, &added))
				goto nomem;
			days += (uint64_t)added;
			/* lead time: commit to the end of a completed deployment */
			if (f->end[i] != FRAME_NULL && f->commit[i] != FRAME_NULL &&
			    f->end[i] - f->commit[i] >= 0)
				lead[nlead++] = f->end[i] - f->commit[i];
		}
		if (f->start[i] < first)
			first = f->start[i];
		if (f->start[i] > last)
			last = f->start[i];
		/* recovery (the frame's): the next completed deployment of the
		 * same agent and environment after a failure ends */
		switch (frame_recovery(f, i, &r)) {
		case 1:
			rec[nrec++] = r;
			/* fall through */
		case 0:
			nfail++;
			break;
		default:
			break;
		}
	}
table:
	if (!(t = sl_table_new_def(SL_T_DORA)))
		goto nomem;
	/* weeks of the window; an open window spans the data, whole days */
	if (p->from != SL_TIME_MIN && p->to != SL_TIME_MAX)
		weeks = (double)(p->to - p->from) / WEEK_MS;
	else if (nprod)
		weeks = (double)((window_day(last) - window_day(first) + 1) * DAY_MS) / WEEK_MS;
	else
		weeks = NAN;
	v = (double)success / weeks;
	rc = add_metric(t, "deployment_frequency", v, "deployments_per_week", success,
			tier_of(&p->cfg, DORA_FREQUENCY, v));
	rc = rc ? rc : add_metric(t, "deployment_days", (double)days / weeks, "days_per_week",
				  days, NULL);
	v = nlead ? (double)lower_median(lead, nlead) : NAN;
	rc = rc ? rc : add_metric(t, "lead_time_for_changes", v, "ms", nlead,
				  tier_of(&p->cfg, DORA_LEAD_TIME, v));
	v = finished ? (double)cfr_fail / (double)finished : NAN;
	rc = rc ? rc : add_metric(t, "change_failure_rate", v, "fraction", finished,
				  tier_of(&p->cfg, DORA_CHANGE_FAILURE, v));
	v = nrec ? (double)lower_median(rec, nrec) : NAN;
	rc = rc ? rc : add_metric(t, "failed_deployment_recovery_time", v, "ms", nrec,
				  tier_of(&p->cfg, DORA_RECOVERY, v));
	rc = rc ? rc : add_metric(t, "unrecovered_failures", (double)(nfail - nrec), "count",
				  nfail, NULL);
	if (rc) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	rc = sl_analysis_add(a, t) ? sl_err_set(err, SL_ENOMEM, NULL, 0, NULL) : SL_OK;
	t = NULL;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(t);
	sl_u64map_release(&dayset);
	free(lead);
	free(rec);
	return rc;
}
