#include "canary.h"
#include "common.h"
#include "frame.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_fsum.h"
#include "sl_scan.h"
#include "sl_stats.h"
#include "sl_u64map.h"


enum metric { M_ERR, M_P50, M_P95, M_TPUT, M_HCF, NM };
static const char *const metric_names[NM] = {"error_rate", "latency_p50_ms", "latency_p95_ms",
					     "throughput_rps", "health_check_failures"};
/* +1: higher is worse; -1: lower is worse */
static const int bad_direction[NM] = {+1, +1, +1, -1, +1};

struct vec {
	double *v;
	size_t n, cap;
};

enum cohort { K_CANARY, K_BASELINE, K_ALL, NK };

/* The samples of one deployment, by cohort and metric: allocated only for
 * the deployments that have samples (most have none). */
struct samples {
	struct vec m[NK][NM];
	size_t nsamples[NK];
};

/* A deployment of the window: its frame row (start, outcome and latency
 * change are read from the frame) and its samples. */
struct dep {
	uint32_t id;
	struct samples *s;
};

struct ctx {
	const struct frame *f;
	struct dep *d;
	size_t n, cap;
	/* the ids of d[m_lo..m_hi): the deployments whose samples the row
	 * groups being read can hold (about two weeks of them, not the
	 * window) */
	struct sl_u64map byid;
	size_t m_lo, m_hi;
	size_t done; /* d[0..done) are judged and their samples freed */
	struct sl_table *rt, *mt, *jt;
	const struct analyze_config *cf;
};

static void samples_free(struct dep *d)
{
	for (int k = 0; d->s && k < NK; k++)
		for (int m = 0; m < NM; m++)
			free(d->s->m[k][m].v);
	free(d->s);
	d->s = NULL;
}

static int decide(struct sl_table *t, const struct dep *d, const struct frame *f,
		  const struct analyze_config *cf);
static int judge(struct sl_table *mt, struct sl_table *jt, struct dep *d,
		 const struct frame *f, const struct analyze_config *cf);

/* Judges, in frame order, the deployments whose samples can no longer
 * come: those that started a week or more before watermark (a time no
 * sample still to be read is earlier than).  0 or SL_ENOMEM. */
static int judge_upto(struct ctx *cx, int64_t watermark)
{
	for (; cx->done < cx->n; cx->done++) {
		struct dep *d = &cx->d[cx->done];

		if (watermark != INT64_MAX && cx->f->start[d->id] > watermark - FOLLOW_AFTER_MS)
			break;
		if (d->s && (d->s->nsamples[K_CANARY] || d->s->nsamples[K_ALL]) &&
		    (decide(cx->rt, d, cx->f, cx->cf) ||
		     judge(cx->mt, cx->jt, d, cx->f, cx->cf)))
			return SL_ENOMEM;
		samples_free(d);
	}
	return SL_OK;
}

static int push(struct vec *v, double x)
{
	if (sl_grow(&v->v, &v->cap, v->n + 1, sizeof(*v->v)))
		return SL_ENOMEM;
	v->v[v->n++] = x;
	return SL_OK;
}

/* An exact sum: the samples come in the order they were stored. */
static double mean(const struct vec *v)
{
	return v->n ? sl_fsum_array(v->v, v->n) / (double)v->n : NAN;
}

static double max_of(const struct vec *v)
{
	double m = -INFINITY;

	for (size_t i = 0; i < v->n; i++)
		if (v->v[i] > m)
			m = v->v[i];
	return v->n ? m : NAN;
}

/* The window's deployments of the --agent/--env, in frame order. */
static int take_deployments(const struct frame *f, struct ctx *cx, struct sl_errctx *err)
{
	if (!(cx->d = calloc(f->n ? f->n : 1, sizeof(*cx->d))))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (size_t i = 0; i < f->n; i++)
		if (f->wanted[i])
			cx->d[cx->n++].id = (uint32_t)i;
	return SL_OK;
}

/* The first of the deployments (in frame order, so by start) that started
 * after t. */
static size_t started_after(const struct ctx *cx, int64_t t)
{
	size_t lo = 0, hi = cx->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cx->f->start[cx->d[mid].id] > t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Makes byid hold every deployment that a sample of time [lo, hi] may
 * belong to (started in (lo - a week, hi + a day]), and a week more ahead
 * so that the next days' row groups find theirs too; the ids of those
 * whose samples can no longer come are dropped when they are half the
 * map.  0 or SL_ENOMEM. */
static int cover(struct ctx *cx, int64_t lo, int64_t hi)
{
	size_t need_lo = started_after(cx, lo - FOLLOW_AFTER_MS);
	size_t need_hi = started_after(cx, hi + FOLLOW_BEFORE_MS), to;

	if (need_lo < cx->m_lo || need_lo > cx->m_hi ||
	    need_lo - cx->m_lo > (cx->m_hi - cx->m_lo) / 2) {
		sl_u64map_release(&cx->byid);
		cx->m_lo = cx->m_hi = need_lo;
	}
	if (need_hi <= cx->m_hi)
		return SL_OK;
	to = started_after(cx, hi + FOLLOW_BEFORE_MS + FOLLOW_AFTER_MS);
	for (; cx->m_hi < to; cx->m_hi++) {
		char buf[FRAME_ID_BUF];
		size_t n;
		const char *id = frame_id(cx->f, cx->d[cx->m_hi].id, buf, &n);
		uint32_t *v;
		int added;

		if (sl_u64map_put(&cx->byid, sl_hash(id, n), &v, &added))
			return SL_ENOMEM;
		*v = (uint32_t)cx->m_hi;
	}
	return SL_OK;
}

static int scan_samples(const struct analyze_params *p, const struct sl_store *st,
			struct ctx *cx, struct sl_errctx *err)
{
	const char *names[3 + NM] = {"deployment_id", "cohort", "timestamp"};
	struct sl_scan *sc;
	struct sl_batch *b;
	struct code_map ids = {0, NULL, 0};
	int col[3 + NM], rc;
	const int *c_m = col + 3;

	for (int m = 0; m < NM; m++)
		names[3 + m] = metric_names[m];
	if ((rc = scan_follow_cols(st, SL_KIND_METRIC_SAMPLES, p->from, p->to, names, 3 + NM, col,
				   &sc, err)))
		return rc;
	/* Partitions come day after day: before a row group, the deployments
	 * whose week of samples ended before its day are judged and their
	 * samples freed, so memory holds about a week of samples. */
	while ((rc = sl_scan_next(sc, &b, err)) > 0) {
		int64_t lo = INT64_MAX, hi = INT64_MIN;

		for (size_t r = 0; r < b->n; r++) {
			if (b->cols[col[2]].v.i64[r] < lo)
				lo = b->cols[col[2]].v.i64[r];
			if (b->cols[col[2]].v.i64[r] > hi)
				hi = b->cols[col[2]].v.i64[r];
		}
		if (lo == INT64_MAX)
			continue;
		if (judge_upto(cx, lo - (lo % 86400000 + 86400000) % 86400000) || cover(cx, lo, hi))
			goto nomem;
		for (size_t r = 0; r < b->n; r++) {
			size_t cn;
			const char *co = sl_batch_get_str(b, col[1], r, &cn);
			int64_t ts = b->cols[col[2]].v.i64[r];
			uint32_t row;
			int k;
			struct dep *d;

			if (scan_row_of(&ids, sc, b, r, col[0], &cx->byid, &row))
				goto nomem;
			/* a deployment's samples: from a day before its start to a
			 * week after it */
			if (row == UINT32_MAX || row < cx->done ||
			    ts < cx->f->start[cx->d[row].id] - FOLLOW_BEFORE_MS ||
			    ts >= cx->f->start[cx->d[row].id] + FOLLOW_AFTER_MS)
				continue;
			k = is_str(co, cn, "canary") ? K_CANARY
			    : is_str(co, cn, "baseline") ? K_BASELINE : K_ALL;
			d = &cx->d[row];
			if (!d->s && !(d->s = calloc(1, sizeof(*d->s))))
				goto nomem;
			d->s->nsamples[k]++;
			for (int m = 0; m < NM; m++) {
				double x;

				if (sl_batch_is_null(b, c_m[m], r))
					continue;
				x = m == M_HCF ? (double)b->cols[c_m[m]].v.i64[r]
					       : b->cols[c_m[m]].v.f64[r];
				if (!isnan(x) && push(&d->s->m[k][m], x))
					goto nomem;
			}
		}
	}
	if (rc >= 0)
		rc = judge_upto(cx, INT64_MAX) ? sl_err_set(err, SL_ENOMEM, NULL, 0, NULL) : SL_OK;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_scan_close(sc);
	code_map_release(&ids);
	return rc;
}

/* The seed's auto_rollback_decision over the rollout cohort (canary
 * samples, else the samples of all instances). */
static int decide(struct sl_table *t, const struct dep *d, const struct frame *f,
		  const struct analyze_config *cf)
{
	const struct samples *sm = d->s;
	int k = sm->nsamples[K_CANARY] ? K_CANARY : K_ALL;
	const struct vec *err = &sm->m[k][M_ERR], *p95 = &sm->m[k][M_P95], *hcf = &sm->m[k][M_HCF];
	double er = mean(err), base = mean(&sm->m[K_BASELINE][M_P95]), lat = NAN;
	double hc = max_of(hcf);
	struct sl_buf reasons = SL_BUF_INIT;
	size_t breach = 0, ns = sm->nsamples[k];
	int roll, rc = SL_OK;

	/* latency increase against the baseline cohort when there is one,
	 * else the deployment's own latency_change */
	if (p95->n && base > 0)
		lat = mean(p95) / base - 1;
	else if (!frame_real(f->latency, d->id, &lat))
		lat = NAN;
	if (er > cf->rollback_max_error_rate)
		sl_buf_adds(&reasons, "high_error_rate;");
	if (lat > cf->rollback_max_latency_increase)
		sl_buf_adds(&reasons, "performance_degradation;");
	if (hc > cf->rollback_max_health_failures)
		sl_buf_adds(&reasons, "health_check_failures;");
	roll = reasons.len > 0;
	if (roll)
		reasons.data[--reasons.len] = '\0';
	/* confidence: the share of samples that agree with the decision (a
	 * sample agrees with a rollback when it breaches a threshold itself) */
	for (size_t i = 0; i < err->n; i++)
		breach += err->v[i] > cf->rollback_max_error_rate;
	for (size_t i = 0; i < hcf->n; i++)
		breach += hcf->v[i] > cf->rollback_max_health_failures;
	for (size_t i = 0; base > 0 && i < p95->n; i++)
		breach += p95->v[i] / base - 1 > cf->rollback_max_latency_increase;
	if (sl_table_add_row(t) ||
	    frame_table_set_id(t, SL_ROLLBACK_DECISIONS_DEPLOYMENT_ID, f, d->id)) {
		rc = SL_ENOMEM;
		goto out;
	}
	sl_table_set_i64(t, SL_ROLLBACK_DECISIONS_START_TIME, f->start[d->id]);
	sl_table_set_i64(t, SL_ROLLBACK_DECISIONS_SAMPLES, (int64_t)ns);
	sl_table_set_f64(t, SL_ROLLBACK_DECISIONS_ERROR_RATE, er);
	sl_table_set_f64(t, SL_ROLLBACK_DECISIONS_LATENCY_INCREASE, lat);
	sl_table_set_f64(t, SL_ROLLBACK_DECISIONS_HEALTH_CHECK_FAILURES, hc);
	sl_table_set_bool(t, SL_ROLLBACK_DECISIONS_SHOULD_ROLLBACK, roll);
	if (sl_table_set_str(t, SL_ROLLBACK_DECISIONS_REASONS, sl_buf_cstr(&reasons),
			     reasons.len)) {
		rc = SL_ENOMEM;
		goto out;
	}
	{
		/* every check of every sample is a vote */
		size_t votes = err->n + hcf->n + (base > 0 ? p95->n : 0);
		double agree = roll ? (double)breach : (double)(votes - breach);

		sl_table_set_f64(t, SL_ROLLBACK_DECISIONS_CONFIDENCE,
				 votes ? agree / (double)votes : NAN);
	}
	if (sl_table_set_str(t, SL_ROLLBACK_DECISIONS_RECOMMENDED_ACTION,
			     roll ? "auto_rollback" : "continue_monitoring",
			     strlen(roll ? "auto_rollback" : "continue_monitoring")))
		rc = SL_ENOMEM;
	sl_table_set_bool(t, SL_ROLLBACK_DECISIONS_ROLLED_BACK, frame_rolled_back(f, d->id));
out:
	sl_buf_release(&reasons);
	return rc;
}

/* Kayenta-style: each metric High / Low / Pass by a two-sided Mann-Whitney
 * test at 5%; a metric fails when it moved the bad way; the score is the
 * share of metrics that pass: pass at 95 or more, marginal at 75. */
static int judge(struct sl_table *mt, struct sl_table *jt, struct dep *d,
		 const struct frame *f, const struct analyze_config *cf)
{
	int judged = 0, passed = 0;
	double score;
	const char *result;

	for (int m = 0; m < NM; m++) {
		struct vec *c = &d->s->m[K_CANARY][m], *b = &d->s->m[K_BASELINE][m];
		double u, pv, cm, bm;
		const char *cls;
		int ok;

		if (c->n < (size_t)cf->canary_min_samples || b->n < (size_t)cf->canary_min_samples)
			continue;
		if (sl_stats_mann_whitney(c->v, c->n, b->v, b->n, &u, &pv))
			continue;
		cm = median_sorted(c->v, c->n);
		bm = median_sorted(b->v, b->n);
		cls = "Pass";
		if (pv < cf->canary_alpha) {
			/* direction by the medians, by U when they are equal */
			double side = cm != bm ? cm - bm : u - (double)c->n * (double)b->n / 2;

			cls = side > 0 ? "High" : "Low";
		}
		ok = !strcmp(cls, "Pass") || (bad_direction[m] > 0 ? !strcmp(cls, "Low")
								  : !strcmp(cls, "High"));
		judged++;
		passed += ok;
		if (sl_table_add_row(mt) ||
		    frame_table_set_id(mt, SL_CANARY_METRICS_DEPLOYMENT_ID, f, d->id) ||
		    sl_table_set_str(mt, SL_CANARY_METRICS_METRIC, metric_names[m],
				     strlen(metric_names[m])))
			return SL_ENOMEM;
		sl_table_set_i64(mt, SL_CANARY_METRICS_CANARY_N, (int64_t)c->n);
		sl_table_set_i64(mt, SL_CANARY_METRICS_BASELINE_N, (int64_t)b->n);
		sl_table_set_f64(mt, SL_CANARY_METRICS_CANARY_MEDIAN, cm);
		sl_table_set_f64(mt, SL_CANARY_METRICS_BASELINE_MEDIAN, bm);
		sl_table_set_f64(mt, SL_CANARY_METRICS_U, u);
		sl_table_set_f64(mt, SL_CANARY_METRICS_P_VALUE, pv);
		if (sl_table_set_str(mt, SL_CANARY_METRICS_CLASSIFICATION, cls, strlen(cls)))
			return SL_ENOMEM;
		sl_table_set_bool(mt, SL_CANARY_METRICS_PASSED, ok);
	}
	if (!judged)
		return SL_OK;
	score = 100.0 * passed / judged;
	result = score >= cf->canary_pass_score	      ? "pass"
		 : score >= cf->canary_marginal_score ? "marginal"
						      : "fail";
	if (sl_table_add_row(jt) ||
	    frame_table_set_id(jt, SL_CANARY_JUDGEMENTS_DEPLOYMENT_ID, f, d->id))
		return SL_ENOMEM;
	sl_table_set_i64(jt, SL_CANARY_JUDGEMENTS_START_TIME, f->start[d->id]);
	sl_table_set_i64(jt, SL_CANARY_JUDGEMENTS_METRICS, judged);
	sl_table_set_i64(jt, SL_CANARY_JUDGEMENTS_PASSED, passed);
	sl_table_set_f64(jt, SL_CANARY_JUDGEMENTS_SCORE, score);
	if (sl_table_set_str(jt, SL_CANARY_JUDGEMENTS_RESULT, result, strlen(result)))
		return SL_ENOMEM;
	sl_table_set_bool(jt, SL_CANARY_JUDGEMENTS_ROLLED_BACK, frame_rolled_back(f, d->id));
	return SL_OK;
}

int canary_run(const struct analyze_params *p, const struct sl_store *st,
	       const struct frame *f,
	       struct sl_analysis *a, struct sl_errctx *err)
{
	struct ctx cx;
	struct sl_table *rt = NULL, *mt = NULL, *jt = NULL;
	int rc;

	memset(&cx, 0, sizeof(cx));
	cx.f = f;
	cx.cf = &p->cfg;
	if (!(rt = sl_table_new_stream_def(a, SL_T_ROLLBACK_DECISIONS)) ||
	    !(mt = sl_table_new_stream_def(a, SL_T_CANARY_METRICS)) ||
	    !(jt = sl_table_new_stream_def(a, SL_T_CANARY_JUDGEMENTS)))
		goto nomem;
	cx.rt = rt;
	cx.mt = mt;
	cx.jt = jt;
	if ((rc = take_deployments(f, &cx, err)) || (rc = scan_samples(p, st, &cx, err)))
		goto out;
	{
		struct sl_table *all[] = {rt, mt, jt};

		rt = mt = jt = NULL;
		rc = analysis_add_tables(a, all, 3, err);
	}
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(rt);
	sl_table_free(mt);
	sl_table_free(jt);
	for (size_t i = 0; i < cx.n; i++)
		samples_free(&cx.d[i]);
	free(cx.d);
	sl_u64map_release(&cx.byid);
	return rc;
}
