#include "dora.h"
#include "common.h"
#include "frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_scan.h"
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

void dora_count_rows(const struct frame *f, const uint32_t *rows, size_t n,
		     struct dora_count *c, int64_t *lead, int64_t *rec)
{
	int64_t last_day = INT64_MIN;

	memset(c, 0, sizeof(*c));
	c->finished = n;
	for (size_t k = 0; k < n; k++) {
		size_t i = rows[k];
		int64_t r;

		/* change failure: failed, rolled back, or named by an incident */
		if (frame_failure(f, i) || f->incident[i])
			c->cfr_failures++;
		if (frame_completed(f, i)) {
			/* rows come in frame order, so by start: a new day is a
			 * day after the last one counted */
			int64_t day = window_day(f->start[i]);

			c->completed++;
			c->days += day != last_day;
			last_day = day;
			/* lead time: commit to the end of a completed deployment */
			if (f->end[i] != FRAME_NULL && f->commit[i] != FRAME_NULL &&
			    f->end[i] - f->commit[i] >= 0)
				lead[c->lead_n++] = f->end[i] - f->commit[i];
		}
		/* recovery (the frame's): the next completed deployment of the
		 * same agent and environment after a failure ends */
		switch (frame_recovery(f, i, &r)) {
		case 1:
			rec[c->recovered++] = r;
			/* fall through */
		case 0:
			c->failures++;
			break;
		default:
			break;
		}
	}
}

void dora_finish(const struct dora_count *c, double weeks, int64_t lead_median,
		 int64_t rec_median, const struct analyze_config *cf, struct dora_row *out)
{
	double v;

	memset(out, 0, sizeof(*out));
	out->finished = c->finished;
	out->completed = c->completed;
	out->days = c->days;
	out->lead_n = c->lead_n;
	out->recovered = c->recovered;
	out->cfr_failures = c->cfr_failures;
	out->failures = c->failures;
	v = out->value[DORA_FREQUENCY] = (double)c->completed / weeks;
	/* no deployment at all: no tier, not "low" */
	out->tier[DORA_FREQUENCY] = c->finished ? tier_of(cf, DORA_FREQUENCY, v) : NULL;
	out->deployment_days = (double)c->days / weeks;
	v = out->value[DORA_LEAD_TIME] = c->lead_n ? (double)lead_median : NAN;
	out->tier[DORA_LEAD_TIME] = tier_of(cf, DORA_LEAD_TIME, v);
	v = out->value[DORA_CHANGE_FAILURE] =
		c->finished ? (double)c->cfr_failures / (double)c->finished : NAN;
	out->tier[DORA_CHANGE_FAILURE] = tier_of(cf, DORA_CHANGE_FAILURE, v);
	v = out->value[DORA_RECOVERY] = c->recovered ? (double)rec_median : NAN;
	out->tier[DORA_RECOVERY] = tier_of(cf, DORA_RECOVERY, v);
}

size_t dora_counted_rows(const struct analyze_params *p, const struct frame *f,
			 uint32_t *rows)
{
	uint32_t prod = frame_code(f, "production");
	size_t n = 0;

	/* DORA is about production: nothing else counts */
	if (!p->env || !strcmp(p->env, "production"))
		for (size_t i = 0; i < f->n; i++)
			if (counted(f, i, prod))
				rows[n++] = (uint32_t)i;
	return n;
}

int dora_keys(const struct frame *f, const uint32_t *rows, size_t n, double weeks,
	      const struct analyze_config *cf, int64_t *scratch, struct dora_row *out)
{
	struct dora_count c;
	int64_t *lead = scratch, *rec = scratch + n;

	dora_count_rows(f, rows, n, &c, lead, rec);
	dora_finish(&c, weeks, c.lead_n ? lower_median(lead, c.lead_n) : 0,
		    c.recovered ? lower_median(rec, c.recovered) : 0, cf, out);
	return SL_OK;
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

int dora_add_window(struct sl_table *t, const struct dora_row *d)
{
	int rc = add_metric(t, "deployment_frequency", d->value[DORA_FREQUENCY],
			    "deployments_per_week", d->completed, d->tier[DORA_FREQUENCY]);

	rc = rc ? rc : add_metric(t, "deployment_days", d->deployment_days, "days_per_week",
				  d->days, NULL);
	rc = rc ? rc : add_metric(t, "lead_time_for_changes", d->value[DORA_LEAD_TIME], "ms",
				  d->lead_n, d->tier[DORA_LEAD_TIME]);
	rc = rc ? rc : add_metric(t, "change_failure_rate", d->value[DORA_CHANGE_FAILURE],
				  "fraction", d->finished, d->tier[DORA_CHANGE_FAILURE]);
	rc = rc ? rc : add_metric(t, "failed_deployment_recovery_time", d->value[DORA_RECOVERY],
				  "ms", d->recovered, d->tier[DORA_RECOVERY]);
	rc = rc ? rc : add_metric(t, "unrecovered_failures", (double)(d->failures - d->recovered),
				  "count", d->failures, NULL);
	return rc;
}

/* The keys of one row of dora_agents or dora_weekly, from column c0 (the
 * deployments column) on: both tables declare them in the same order
 * (SL_DORA_KEYS_COLS_). */
static int keys_row(struct sl_table *t, int c0, const struct dora_row *d)
{
	static const int off[DORA_NMETRICS] = {
		SL_DORA_AGENTS_DEPLOYMENT_FREQUENCY, SL_DORA_AGENTS_LEAD_TIME_MS,
		SL_DORA_AGENTS_CHANGE_FAILURE_RATE, SL_DORA_AGENTS_RECOVERY_TIME_MS};

	sl_table_set_i64(t, c0, (int64_t)d->finished);
	for (int m = 0; m < DORA_NMETRICS; m++) {
		int c = c0 + off[m] - SL_DORA_AGENTS_DEPLOYMENTS;

		sl_table_set_f64(t, c, d->value[m]);
		if (d->tier[m] && sl_table_set_str(t, c + 1, d->tier[m], strlen(d->tier[m])))
			return SL_ENOMEM;
	}
	sl_table_set_i64(t, c0 + SL_DORA_AGENTS_UNRECOVERED_FAILURES - SL_DORA_AGENTS_DEPLOYMENTS,
			 (int64_t)(d->failures - d->recovered));
	return SL_OK;
}

int dora_add_agent(struct sl_table *t, const char *agent, size_t n, const struct dora_row *d)
{
	if (sl_table_add_row(t) || sl_table_set_str(t, SL_DORA_AGENTS_AGENT_ID, agent, n))
		return SL_ENOMEM;
	return keys_row(t, SL_DORA_AGENTS_DEPLOYMENTS, d);
}

/* The part of the week starting on day w that [lo, hi) covers, in weeks. */
double dora_week_weeks(int64_t w, int64_t lo, int64_t hi)
{
	int64_t ws = w * DAY_MS, we = ws + WEEK_MS;
	int64_t in_lo = ws > lo ? ws : lo, in_hi = we < hi ? we : hi;

	return (double)(in_hi - in_lo) / WEEK_MS;
}

int dora_add_week(struct sl_table *t, int64_t w, int64_t lo, int64_t hi,
		  const struct dora_row *d)
{
	int64_t ws = w * DAY_MS, we = ws + WEEK_MS;
	int64_t in_lo = ws > lo ? ws : lo, in_hi = we < hi ? we : hi;

	if (sl_table_add_row(t))
		return SL_ENOMEM;
	sl_table_set_i64(t, SL_DORA_WEEKLY_WEEK_START, w);
	sl_table_set_bool(t, SL_DORA_WEEKLY_PARTIAL, in_lo != ws || in_hi != we);
	sl_table_set_f64(t, SL_DORA_WEEKLY_WEEKS, dora_week_weeks(w, lo, hi));
	return keys_row(t, SL_DORA_WEEKLY_DEPLOYMENTS, d);
}

int dora_tables_new(struct sl_table *t[3])
{
	t[0] = sl_table_new_def(SL_T_DORA);
	t[1] = sl_table_new_def(SL_T_DORA_AGENTS);
	t[2] = sl_table_new_def(SL_T_DORA_WEEKLY);
	if (t[0] && t[1] && t[2])
		return SL_OK;
	for (int k = 0; k < 3; k++) {
		sl_table_free(t[k]);
		t[k] = NULL;
	}
	return SL_ENOMEM;
}

static _Thread_local const struct frame *sort_frame;

/* Rows by agent name, then frame order. */
static int cmp_agent_row(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	int c = names_cmp(sort_frame->names, sort_frame->agent[a], sort_frame->agent[b]);

	return c ? c : (a > b) - (a < b);
}

/* The Monday (UTC day number) of the ISO week holding day d: day 0,
 * 1970-01-01, was a Thursday. */
int64_t dora_monday_of(int64_t d)
{
	return d - (((d + 3) % 7) + 7) % 7;
}

int64_t dora_floor_day(int64_t ms)
{
	return ms >= 0 ? ms / DAY_MS : -((-ms + DAY_MS - 1) / DAY_MS);
}

/* dora, dora_agents and dora_weekly; or with org only dora's figures,
 * as org_dora (the same columns). */
static int dora_tables(const struct analyze_params *p, const struct frame *f, int org,
		       struct sl_analysis *a, struct sl_errctx *err)
{
	struct sl_table *t[3] = {NULL, NULL, NULL};
	uint32_t *rows = NULL, *byagent = NULL;
	size_t n = 0;
	int64_t *scratch = NULL, first = INT64_MAX, last = INT64_MIN, lo, hi;
	double weeks;
	struct dora_row d;
	int rc = SL_ENOMEM;

	if (org ? !(t[0] = sl_table_new_def(SL_T_ORG_DORA)) : dora_tables_new(t) != SL_OK)
		goto out;
	if (!(rows = malloc((f->n ? f->n : 1) * sizeof(*rows))))
		goto out;
	n = dora_counted_rows(p, f, rows);
	for (size_t k = 0; k < n; k++) {
		if (f->start[rows[k]] < first)
			first = f->start[rows[k]];
		if (f->start[rows[k]] > last)
			last = f->start[rows[k]];
	}
	if (!(byagent = malloc((n ? n : 1) * sizeof(*byagent))) ||
	    !(scratch = malloc(2 * (n ? n : 1) * sizeof(*scratch))))
		goto out;
	/* weeks of the window; an open window spans the data, whole days */
	if (p->from != SL_TIME_MIN && p->to != SL_TIME_MAX) {
		weeks = (double)(p->to - p->from) / WEEK_MS;
		lo = p->from;
		hi = p->to;
	} else if (n) {
		weeks = (double)((window_day(last) - window_day(first) + 1) * DAY_MS) / WEEK_MS;
		/* the weeks are UTC's: the data's UTC days */
		lo = dora_floor_day(first) * DAY_MS;
		hi = (dora_floor_day(last) + 1) * DAY_MS;
	} else {
		weeks = NAN;
		lo = hi = 0;
	}
	if (dora_keys(f, rows, n, weeks, &p->cfg, scratch, &d) || dora_add_window(t[0], &d))
		goto out;
	if (org) {
		rc = analysis_add_tables(a, t, 1, err);
		goto done;
	}
	/* per agent: the window's weeks, the agent's deployments */
	memcpy(byagent, rows, n * sizeof(*rows));
	sort_frame = f;
	sl_sort(byagent, n, sizeof(*byagent), cmp_agent_row);
	for (size_t k = 0, e; k < n; k = e) {
		for (e = k + 1; e < n && f->agent[byagent[e]] == f->agent[byagent[k]]; e++)
			;
		size_t an;
		const char *agent = frame_name(f, f->agent[byagent[k]], &an);

		if (dora_keys(f, byagent + k, e - k, weeks, &p->cfg, scratch, &d) ||
		    dora_add_agent(t[1], agent, an, &d))
			goto out;
	}
	/* per ISO week (Monday, UTC) of the window, empty weeks too; rows
	 * are in start order, so a week's are consecutive */
	if (hi > lo) {
		size_t k = 0;

		for (int64_t w = dora_monday_of(dora_floor_day(lo)); w * DAY_MS < hi; w += 7) {
			int64_t we = w * DAY_MS + WEEK_MS;
			size_t e = k;

			while (e < n && f->start[rows[e]] < we)
				e++;
			if (dora_keys(f, rows + k, e - k, dora_week_weeks(w, lo, hi), &p->cfg,
				      scratch, &d) ||
			    dora_add_week(t[2], w, lo, hi, &d))
				goto out;
			k = e;
		}
	}
	rc = analysis_add_tables(a, t, 3, err);
	goto done;
out:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (int k = 0; k < 3; k++)
		sl_table_free(t[k]);
done:
	free(rows);
	free(byagent);
	free(scratch);
	return rc;
}

int dora_run(const struct analyze_params *p, const struct sl_store *st, const struct frame *f,
	     struct sl_analysis *a, struct sl_errctx *err)
{
	(void)st;
	return dora_tables(p, f, 0, a, err);
}

int dora_org_run(const struct analyze_params *p, const struct frame *f, struct sl_analysis *a,
		 struct sl_errctx *err)
{
	return dora_tables(p, f, 1, a, err);
}
