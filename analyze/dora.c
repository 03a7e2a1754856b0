#include "dora.h"
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_dict.h"
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

/* One finished or completed production deployment, in time order. */
struct dep {
	uint32_t agent;
	int64_t start, end; /* end: INT64_MIN when unknown */
	uint8_t completed, failure, has_end;
	uint64_t id_hash;
};

struct ctx {
	struct sl_dict *names;
	struct dep *d;
	size_t n, cap;
	struct sl_u64map incident_ids; /* deployment ids named by incidents */
	int64_t *lead;
	size_t nlead, leadcap;
	struct sl_u64map days;   /* distinct days with a successful deployment */
};

static int scan_incidents(const struct analyze_params *p, const struct sl_store *st,
			  struct ctx *cx, struct sl_errctx *err)
{
	struct sl_scan *sc;
	struct sl_batch *b;
	uint8_t want[64] = {0};
	int c_dep = sl_kind_col(SL_KIND_INCIDENTS, "deployment_id"), rc;

	want[c_dep] = 1;
	/* an incident comes after its deployment: from the window start on */
	if ((rc = sl_scan_open(&sc, st, SL_KIND_INCIDENTS, p->from, SL_TIME_MAX, want, err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			size_t n;
			const char *id = sl_batch_get_str(b, c_dep, r, &n);
			uint32_t *v;
			int added;

			if (!id || !sl_scan_in_window(sc, b, r))
				continue;
			if (sl_u64map_put(&cx->incident_ids, sl_hash(id, n), &v, &added)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				break;
			}
		}
	sl_scan_close(sc);
	return rc < 0 ? rc : SL_OK;
}

enum { C_ID, C_AGENT, C_ENV, C_PHASE, C_START, C_END, C_ROLLBACK, C_COMMIT, NC };
static const char *const colnames[NC] = {"deployment_id", "agent_id", "environment", "phase",
					 "start_time", "end_time", "rollback_triggered",
					 "commit_time"};

static int scan_deployments(const struct analyze_params *p, const struct sl_store *st,
			    struct ctx *cx, struct sl_errctx *err)
{
	struct sl_scan *sc;
	struct sl_batch *b;
	int col[NC], rc;

	if ((rc = scan_deployments_cols(st, p->from, p->to, colnames, NC, col, &sc,
					  err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0) {
		for (size_t r = 0; r < b->n; r++) {
			size_t en, an, pn, idn;
			const char *env = sl_batch_get_str(b, col[C_ENV], r, &en);
			const char *agent = sl_batch_get_str(b, col[C_AGENT], r, &an);
			const char *ph = sl_batch_get_str(b, col[C_PHASE], r, &pn);
			const char *id = sl_batch_get_str(b, col[C_ID], r, &idn);
			int completed = is_str(ph, pn, "completed");
			int rolled = is_str(ph, pn, "rolled_back") ||
				     (!sl_batch_is_null(b, col[C_ROLLBACK], r) &&
				      b->cols[col[C_ROLLBACK]].v.u8[r]);
			int failed = is_str(ph, pn, "failed");
			int terminal = completed || failed || is_str(ph, pn, "rolled_back") ||
				       is_str(ph, pn, "partial");
			struct dep *d;
			uint32_t ac;

			if (!sl_scan_in_window(sc, b, r) || !env || !agent ||
			    !is_str(env, en, "production") || !terminal)
				continue;
			if (p->agent && (an != strlen(p->agent) || memcmp(agent, p->agent, an)))
				continue;
			if (sl_dict_intern(cx->names, agent, an, &ac) ||
			    sl_grow(&cx->d, &cx->cap, cx->n + 1, sizeof(*cx->d))) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				break;
			}
			d = &cx->d[cx->n++];
			memset(d, 0, sizeof(*d));
			d->agent = ac;
			d->start = b->cols[col[C_START]].v.i64[r];
			d->has_end = !sl_batch_is_null(b, col[C_END], r);
			d->end = d->has_end ? b->cols[col[C_END]].v.i64[r] : INT64_MIN;
			d->completed = (uint8_t)completed;
			d->failure = (uint8_t)(failed || rolled);
			d->id_hash = sl_hash(id, idn);
			/* lead time: commit to the end of a completed deployment */
			if (completed && d->has_end && !sl_batch_is_null(b, col[C_COMMIT], r)) {
				int64_t lt = d->end - b->cols[col[C_COMMIT]].v.i64[r];

				if (lt >= 0) {
					if (sl_grow(&cx->lead, &cx->leadcap, cx->nlead + 1,
						    sizeof(*cx->lead))) {
						rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
						break;
					}
					cx->lead[cx->nlead++] = lt;
				}
			}
		}
	}
	sl_scan_close(sc);
	return rc < 0 ? rc : SL_OK;
}

static int cmp_dep(const void *x, const void *y)
{
	const struct dep *a = x, *b = y;

	if (a->agent != b->agent)
		return a->agent < b->agent ? -1 : 1;
	if (a->start != b->start)
		return (a->start > b->start) - (a->start < b->start);
	return (a->end > b->end) - (a->end < b->end);
}

static int add_metric(struct sl_table *t, const char *metric, double value, const char *unit,
		      uint64_t samples, const char *tier)
{
	if (sl_table_add_row(t) || sl_table_set_str(t, 0, metric, strlen(metric)))
		return SL_ENOMEM;
	sl_table_set_f64(t, 1, value);
	if (sl_table_set_str(t, 2, unit, strlen(unit)) ||
	    (tier && sl_table_set_str(t, 3, tier, strlen(tier))))
		return SL_ENOMEM;
	sl_table_set_i64(t, 4, (int64_t)samples);
	return SL_OK;
}

int dora_run(const struct analyze_params *p, const struct sl_store *st, const struct frame *f, struct sl_analysis *a,
	     struct sl_errctx *err)
{
	static const struct sl_rcol cols[] = {
		{"metric", SL_R_STR}, {"value", SL_R_F64}, {"unit", SL_R_STR},
		{"tier", SL_R_STR},   {"samples", SL_R_I64},
	};
	struct ctx cx;
	struct sl_table *t = NULL;
	int64_t *rec = NULL, first = INT64_MAX, last = INT64_MIN;
	size_t nrec = 0, reccap = 0, nfail = 0;
	uint64_t days = 0, success = 0, finished = 0, cfr_fail = 0;
	double weeks, v;
	int rc;

	(void)f; /* not read from the frame yet */

	memset(&cx, 0, sizeof(cx));
	if (!(cx.names = sl_dict_new()))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (p->env && strcmp(p->env, "production"))
		goto table; /* DORA is about production: nothing else counts */
	if ((rc = scan_incidents(p, st, &cx, err)) || (rc = scan_deployments(p, st, &cx, err)))
		goto out;
	/* per agent in time order: recovery is the next completed deployment
	 * of the same agent (and environment: production) after a failure */
	sl_sort(cx.d, cx.n, sizeof(*cx.d), cmp_dep);
	for (size_t i = 0; i < cx.n; i++) {
		const struct dep *d = &cx.d[i];
		uint32_t *dv;
		int added;

		finished++;
		if (d->failure || sl_u64map_get(&cx.incident_ids, d->id_hash))
			cfr_fail++;
		if (d->completed) {
			int64_t day = window_day(d->start);

			success++;
			if (sl_u64map_put(&cx.days, (uint64_t)day, &dv, &added)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
			days += (uint64_t)added;
		}
		if (d->start < first)
			first = d->start;
		if (d->start > last)
			last = d->start;
		if (!d->failure || !d->has_end)
			continue;
		nfail++;
		for (size_t j = i + 1; j < cx.n && cx.d[j].agent == d->agent; j++) {
			if (!cx.d[j].completed || !cx.d[j].has_end || cx.d[j].end <= d->end)
				continue;
			if (sl_grow(&rec, &reccap, nrec + 1, sizeof(*rec))) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
			rec[nrec++] = cx.d[j].end - d->end;
			break;
		}
	}
table:
	if (!(t = sl_table_new("dora", cols, 5))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	/* weeks of the window; an open window spans the data, whole days */
	if (p->from != SL_TIME_MIN && p->to != SL_TIME_MAX)
		weeks = (double)(p->to - p->from) / WEEK_MS;
	else if (cx.n)
		weeks = (double)((window_day(last) - window_day(first) + 1) * DAY_MS) / WEEK_MS;
	else
		weeks = NAN;
	v = (double)success / weeks;
	rc = add_metric(t, "deployment_frequency", v, "deployments_per_week", success,
			tier_of(&p->cfg, DORA_FREQUENCY, v));
	rc = rc ? rc : add_metric(t, "deployment_days", (double)days / weeks, "days_per_week",
				  days, NULL);
	v = cx.nlead ? (double)lower_median(cx.lead, cx.nlead) : NAN;
	rc = rc ? rc : add_metric(t, "lead_time_for_changes", v, "ms", cx.nlead,
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
out:
	sl_table_free(t);
	sl_dict_free(cx.names);
	sl_u64map_release(&cx.incident_ids);
	sl_u64map_release(&cx.days);
	free(cx.d);
	free(cx.lead);
	free(rec);
	return rc;
}
