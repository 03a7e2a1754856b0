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
#include "sl_hash.h"
#include "sl_scan.h"
#include "sl_stats.h"
#include "sl_u64map.h"


enum metric {
	M_ERR = CANARY_ERROR_RATE,
	M_P50 = CANARY_LATENCY_P50,
	M_P95 = CANARY_LATENCY_P95,
	M_TPUT = CANARY_THROUGHPUT,
	M_HCF = CANARY_HEALTH_CHECKS,
	NM = CANARY_NMETRICS
};
static const char *const metric_names[NM] = {"error_rate", "latency_p50_ms", "latency_p95_ms",
					     "throughput_rps", "health_check_failures"};
/* +1: higher is worse; -1: lower is worse */
static const int bad_direction[NM] = {+1, +1, +1, -1, +1};

enum cohort { K_CANARY, K_BASELINE, K_ALL, NK };

/* The samples of one deployment, by cohort and metric: allocated only for
 * the deployments that have samples (most have none). */
struct samples {
	struct canary_vec m[NK][NM];
	size_t nsamples[NK];
};

/* A deployment being judged: its frame row (start, outcome and latency
 * change are read from the frame in place) and its samples. */
struct dep {
	uint32_t id;
	struct samples *s;
};

/* One sample as the scan accepted it, for the teams after the
 * organisation's run (--team-dir): the frame row of its deployment, its
 * cohort, and its metrics (bit m of has: metric m is not null). */
struct cached_sample {
	uint32_t row;
	uint8_t cohort, has;
	double v[NM];
};

struct canary_cache {
	struct cached_sample *s; /* by row when ready, else in scan order */
	size_t n, cap;
	size_t *first;          /* ready: row r's samples are s[first[r] .. first[r + 1]) */
	struct sl_u64map share; /* read_shares()'s map of the whole window */
	int ready;
};

struct ctx {
	const struct frame *f;
	/* the window's deployments of the --agent/--env in frame order: the
	 * k-th is frame row rows[k], or row k when every row is wanted (no
	 * array then: the frame is read in place) */
	uint32_t *rows;
	size_t n;
	/* the samples of deployment k, for k in [done, done + ring_cap): at
	 * ring[k & (ring_cap - 1)], NULL when none came; only the
	 * deployments whose samples may still come have a slot, so this
	 * holds weeks of deployments, not the window */
	struct samples **ring;
	size_t ring_cap;
	/* the ids of d[m_lo..m_hi): the deployments whose samples the row
	 * groups being read can hold (about two weeks of them, not the
	 * window) */
	struct sl_u64map byid;
	size_t m_lo, m_hi;
	size_t done; /* d[0..done) are judged and their samples freed */
	struct sl_u64map share; /* id hash -> canary_percentage x 2^20, + 1 */
	const struct sl_u64map *shares; /* &share, or the cache's */
	struct canary_cache *cache;     /* to fill (the organisation's run), or NULL */
	struct sl_table *rt, *mt, *jt;
	const struct analyze_config *cf;
};

static void samples_free(struct samples *s)
{
	for (int k = 0; s && k < NK; k++)
		for (int m = 0; m < NM; m++)
			free(s->m[k][m].v);
	free(s);
}

/* The frame row of the k-th deployment. */
static uint32_t row_of(const struct ctx *cx, size_t k)
{
	return cx->rows ? cx->rows[k] : (uint32_t)k;
}

/* The slot of deployment k's samples (k >= done), the ring grown to hold
 * it: NULL when out of memory. */
static struct samples **slot(struct ctx *cx, size_t k)
{
	if (k - cx->done >= cx->ring_cap) {
		size_t cap = cx->ring_cap ? cx->ring_cap : 1024;
		struct samples **r;

		while (k - cx->done >= cap)
			cap *= 2;
		if (!(r = calloc(cap, sizeof(*r))))
			return NULL;
		for (size_t j = cx->done; j < cx->done + cx->ring_cap; j++)
			r[j & (cap - 1)] = cx->ring[j & (cx->ring_cap - 1)];
		free(cx->ring);
		cx->ring = r;
		cx->ring_cap = cap;
	}
	return &cx->ring[k & (cx->ring_cap - 1)];
}

static int decide(struct sl_table *t, const struct dep *d, const struct frame *f,
		  const struct analyze_config *cf);
static int judge(struct sl_table *mt, struct sl_table *jt, struct dep *d,
		 const struct frame *f, const struct analyze_config *cf, double share);
static double share_of(const struct ctx *cx, uint32_t row);

/* Judges, in frame order, the deployments whose samples can no longer
 * come: those that started a week or more before watermark (a time no
 * sample still to be read is earlier than).  0 or SL_ENOMEM. */
static int judge_upto(struct ctx *cx, int64_t watermark)
{
	for (; cx->done < cx->n; cx->done++) {
		struct dep dd = {row_of(cx, cx->done), NULL}, *d = &dd;
		int rc = SL_OK;

		if (watermark != INT64_MAX && cx->f->start[d->id] > watermark - FOLLOW_AFTER_MS)
			break;
		if (cx->ring_cap) {
			struct samples **sp = &cx->ring[cx->done & (cx->ring_cap - 1)];

			d->s = *sp;
			*sp = NULL;
		}
		if (d->s && (d->s->nsamples[K_CANARY] || d->s->nsamples[K_ALL]) &&
		    (decide(cx->rt, d, cx->f, cx->cf) ||
		     judge(cx->mt, cx->jt, d, cx->f, cx->cf, share_of(cx, d->id))))
			rc = SL_ENOMEM;
		samples_free(d->s);
		if (rc)
			return rc;
	}
	return SL_OK;
}

static int push(struct canary_vec *v, double x)
{
	if (sl_grow(&v->v, &v->cap, v->n + 1, sizeof(*v->v)))
		return SL_ENOMEM;
	v->v[v->n++] = x;
	return SL_OK;
}

/* An exact sum: the samples come in the order they were stored. */
static double mean(const struct canary_vec *v)
{
	return v->n ? sl_fsum_array(v->v, v->n) / (double)v->n : NAN;
}

static double max_of(const struct canary_vec *v)
{
	double m = -INFINITY;

	for (size_t i = 0; i < v->n; i++)
		if (v->v[i] > m)
			m = v->v[i];
	return v->n ? m : NAN;
}

/* The window's deployments of the --agent/--env, in frame order: the
 * frame's rows themselves when every row is wanted. */
static int take_deployments(const struct frame *f, struct ctx *cx, struct sl_errctx *err)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->wanted[i] != 0;
	cx->n = n;
	if (n == f->n)
		return SL_OK;
	if (!(cx->rows = malloc((n ? n : 1) * sizeof(*cx->rows))))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	n = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->wanted[i])
			cx->rows[n++] = (uint32_t)i;
	return SL_OK;
}

/* The first of the deployments (in frame order, so by start) that started
 * after t. */
static size_t started_after(const struct ctx *cx, int64_t t)
{
	size_t lo = 0, hi = cx->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cx->f->start[row_of(cx, mid)] > t)
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
		const char *id = frame_id(cx->f, row_of(cx, cx->m_hi), buf, &n);
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
			struct dep dd, *d = &dd;
			struct samples **sp;
			struct cached_sample *cs = NULL;

			if (scan_row_of(&ids, sc, b, r, col[0], &cx->byid, &row))
				goto nomem;
			/* a deployment's samples: from a day before its start to a
			 * week after it */
			if (row == UINT32_MAX || row < cx->done ||
			    ts < cx->f->start[row_of(cx, row)] - FOLLOW_BEFORE_MS ||
			    ts >= cx->f->start[row_of(cx, row)] + FOLLOW_AFTER_MS)
				continue;
			k = is_str(co, cn, "canary") ? K_CANARY
			    : is_str(co, cn, "baseline") ? K_BASELINE : K_ALL;
			if (!(sp = slot(cx, row)) || (!*sp && !(*sp = calloc(1, sizeof(**sp)))))
				goto nomem;
			dd = (struct dep){row_of(cx, row), *sp};
			d->s->nsamples[k]++;
			if (cx->cache) {
				if (sl_grow(&cx->cache->s, &cx->cache->cap, cx->cache->n + 1,
					    sizeof(*cx->cache->s)))
					goto nomem;
				cs = &cx->cache->s[cx->cache->n++];
				memset(cs, 0, sizeof(*cs));
				cs->row = d->id;
				cs->cohort = (uint8_t)k;
			}
			for (int m = 0; m < NM; m++) {
				double x;

				if (sl_batch_is_null(b, c_m[m], r))
					continue;
				x = m == M_HCF ? (double)b->cols[c_m[m]].v.i64[r]
					       : b->cols[c_m[m]].v.f64[r];
				if (!isnan(x) && push(&d->s->m[k][m], x))
					goto nomem;
				if (cs && !isnan(x)) {
					cs->has |= (uint8_t)(1u << m);
					cs->v[m] = x;
				}
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

void canary_decide(const struct canary_vec *roll, const struct canary_vec *baseline,
		   double latency_change, const struct analyze_config *cf,
		   struct canary_decision *out)
{
	const struct canary_vec *err = &roll[M_ERR], *p95 = &roll[M_P95], *hcf = &roll[M_HCF];
	double base = mean(&baseline[M_P95]);
	size_t breach = 0, votes;

	memset(out, 0, sizeof(*out));
	out->error_rate = mean(err);
	out->health_check_failures = max_of(hcf);
	/* latency increase against the baseline cohort when there is one,
	 * else the deployment's own latency_change */
	out->latency_increase = p95->n && base > 0 ? mean(p95) / base - 1 : latency_change;
	/* each rule breached strictly: a value at its bound passes */
	if (out->error_rate > cf->rollback_max_error_rate)
		strcat(out->reasons, "high_error_rate;");
	if (out->latency_increase > cf->rollback_max_latency_increase)
		strcat(out->reasons, "performance_degradation;");
	if (out->health_check_failures > cf->rollback_max_health_failures)
		strcat(out->reasons, "health_check_failures;");
	out->rollback = out->reasons[0] != '\0';
	if (out->rollback)
		out->reasons[strlen(out->reasons) - 1] = '\0';
	/* confidence: the share of samples that agree with the decision (a
	 * sample agrees with a rollback when it breaches a threshold itself) */
	for (size_t i = 0; i < err->n; i++)
		breach += err->v[i] > cf->rollback_max_error_rate;
	for (size_t i = 0; i < hcf->n; i++)
		breach += hcf->v[i] > cf->rollback_max_health_failures;
	for (size_t i = 0; base > 0 && i < p95->n; i++)
		breach += p95->v[i] / base - 1 > cf->rollback_max_latency_increase;
	/* every check of every sample is a vote */
	votes = err->n + hcf->n + (base > 0 ? p95->n : 0);
	out->confidence = votes ? (double)(out->rollback ? breach : votes - breach) / (double)votes
				: NAN;
}

/* The seed's auto_rollback_decision over the rollout cohort (canary
 * samples, else the samples of all instances). */
static int decide(struct sl_table *t, const struct dep *d, const struct frame *f,
		  const struct analyze_config *cf)
{
	const struct samples *sm = d->s;
	int k = sm->nsamples[K_CANARY] ? K_CANARY : K_ALL;
	struct canary_decision cd;
	double lat;
	const char *act;

	if (!frame_real(f->latency, d->id, &lat))
		lat = NAN;
	canary_decide(sm->m[k], sm->m[K_BASELINE], lat, cf, &cd);
	act = cd.rollback ? "auto_rollback" : "continue_monitoring";
	if (sl_table_add_row(t) ||
	    frame_table_set_id(t, SL_ROLLBACK_DECISIONS_DEPLOYMENT_ID, f, d->id))
		return SL_ENOMEM;
	sl_table_set_i64(t, SL_ROLLBACK_DECISIONS_START_TIME, f->start[d->id]);
	sl_table_set_i64(t, SL_ROLLBACK_DECISIONS_SAMPLES, (int64_t)sm->nsamples[k]);
	sl_table_set_f64(t, SL_ROLLBACK_DECISIONS_ERROR_RATE, cd.error_rate);
	sl_table_set_f64(t, SL_ROLLBACK_DECISIONS_LATENCY_INCREASE, cd.latency_increase);
	sl_table_set_f64(t, SL_ROLLBACK_DECISIONS_HEALTH_CHECK_FAILURES, cd.health_check_failures);
	sl_table_set_bool(t, SL_ROLLBACK_DECISIONS_SHOULD_ROLLBACK, cd.rollback);
	if (sl_table_set_str(t, SL_ROLLBACK_DECISIONS_REASONS, cd.reasons, strlen(cd.reasons)))
		return SL_ENOMEM;
	sl_table_set_f64(t, SL_ROLLBACK_DECISIONS_CONFIDENCE, cd.confidence);
	if (sl_table_set_str(t, SL_ROLLBACK_DECISIONS_RECOMMENDED_ACTION, act, strlen(act)))
		return SL_ENOMEM;
	sl_table_set_bool(t, SL_ROLLBACK_DECISIONS_ROLLED_BACK, frame_rolled_back(f, d->id));
	return SL_OK;
}

/* The canary's traffic share of row: canary_percentage / 100 when the
 * deployment has one in (0, 100), else NaN. */
static double share_of(const struct ctx *cx, uint32_t row)
{
	char buf[FRAME_ID_BUF];
	size_t n;
	const char *id = frame_id(cx->f, row, buf, &n);
	const uint32_t *v = sl_u64map_get(cx->shares, sl_hash(id, n));

	return v ? (double)(*v - 1) / (double)(1u << 20) / 100 : NAN;
}

int canary_judge(struct canary_vec *canary, struct canary_vec *baseline, double share,
		 const struct analyze_config *cf, struct canary_judgement *out)
{
	memset(out, 0, sizeof(*out));
	for (int m = 0; m < NM; m++) {
		struct canary_vec *c = &canary[m], *b = &baseline[m];
		struct canary_metric_result *r = &out->m[m];
		double side;

		if (c->n < (size_t)cf->canary_min_samples || b->n < (size_t)cf->canary_min_samples)
			continue;
		if (m == M_TPUT) {
			/* throughput is a rate of the whole cohort: compared per
			 * unit of traffic share, so a 5% canary serving 5% of the
			 * traffic is as good as its baseline */
			if (!(share > 0 && share < 1))
				continue;
			for (size_t i = 0; i < c->n; i++)
				c->v[i] /= share;
			for (size_t i = 0; i < b->n; i++)
				b->v[i] /= 1 - share;
		}
		if (sl_stats_mann_whitney(c->v, c->n, b->v, b->n, &r->u, &r->p))
			continue;
		r->canary_median = median_sorted(c->v, c->n);
		r->baseline_median = median_sorted(b->v, b->n);
		r->cls = "Pass";
		if (r->p < cf->canary_alpha) {
			/* direction by the medians, by U when they are equal */
			side = r->canary_median != r->baseline_median
				       ? r->canary_median - r->baseline_median
				       : r->u - (double)c->n * (double)b->n / 2;
			r->cls = side > 0 ? "High" : "Low";
		}
		r->judged = 1;
		r->passed = !strcmp(r->cls, "Pass") ||
			    (bad_direction[m] > 0 ? !strcmp(r->cls, "Low") : !strcmp(r->cls, "High"));
		out->judged++;
		out->passed += r->passed;
	}
	if (!out->judged)
		return 0;
	out->score = 100.0 * out->passed / out->judged;
	out->result = out->score >= cf->canary_pass_score	? "pass"
		      : out->score >= cf->canary_marginal_score ? "marginal"
								: "fail";
	return 1;
}

/* Kayenta-style: each metric High / Low / Pass by a two-sided Mann-Whitney
 * test at 5%; a metric fails when it moved the bad way; the score is the
 * share of metrics that pass: pass at 95 or more, marginal at 75. */
static int judge(struct sl_table *mt, struct sl_table *jt, struct dep *d,
		 const struct frame *f, const struct analyze_config *cf, double share)
{
	struct canary_judgement cj;

	if (!canary_judge(d->s->m[K_CANARY], d->s->m[K_BASELINE], share, cf, &cj))
		return SL_OK;
	for (int m = 0; m < NM; m++) {
		const struct canary_metric_result *r = &cj.m[m];

		if (!r->judged)
			continue;
		if (sl_table_add_row(mt) ||
		    frame_table_set_id(mt, SL_CANARY_METRICS_DEPLOYMENT_ID, f, d->id) ||
		    sl_table_set_str(mt, SL_CANARY_METRICS_METRIC, metric_names[m],
				     strlen(metric_names[m])))
			return SL_ENOMEM;
		sl_table_set_i64(mt, SL_CANARY_METRICS_CANARY_N, (int64_t)d->s->m[K_CANARY][m].n);
		sl_table_set_i64(mt, SL_CANARY_METRICS_BASELINE_N, (int64_t)d->s->m[K_BASELINE][m].n);
		sl_table_set_f64(mt, SL_CANARY_METRICS_CANARY_MEDIAN, r->canary_median);
		sl_table_set_f64(mt, SL_CANARY_METRICS_BASELINE_MEDIAN, r->baseline_median);
		sl_table_set_f64(mt, SL_CANARY_METRICS_U, r->u);
		sl_table_set_f64(mt, SL_CANARY_METRICS_P_VALUE, r->p);
		if (sl_table_set_str(mt, SL_CANARY_METRICS_CLASSIFICATION, r->cls, strlen(r->cls)))
			return SL_ENOMEM;
		sl_table_set_bool(mt, SL_CANARY_METRICS_PASSED, r->passed);
	}
	if (sl_table_add_row(jt) ||
	    frame_table_set_id(jt, SL_CANARY_JUDGEMENTS_DEPLOYMENT_ID, f, d->id))
		return SL_ENOMEM;
	sl_table_set_i64(jt, SL_CANARY_JUDGEMENTS_START_TIME, f->start[d->id]);
	sl_table_set_i64(jt, SL_CANARY_JUDGEMENTS_METRICS, cj.judged);
	sl_table_set_i64(jt, SL_CANARY_JUDGEMENTS_PASSED, cj.passed);
	sl_table_set_f64(jt, SL_CANARY_JUDGEMENTS_SCORE, cj.score);
	if (sl_table_set_str(jt, SL_CANARY_JUDGEMENTS_RESULT, cj.result, strlen(cj.result)))
		return SL_ENOMEM;
	sl_table_set_bool(jt, SL_CANARY_JUDGEMENTS_ROLLED_BACK, frame_rolled_back(f, d->id));
	return SL_OK;
}

/* The canary percentage of every deployment of the window that has one,
 * by the hash of its id (the frame does not keep the column: only the
 * canary judgement reads it).  Of two rows of one id the larger wins, so
 * the storage order does not matter. */
static int read_shares(const struct analyze_params *p, const struct sl_store *st,
		       struct ctx *cx, struct sl_errctx *err)
{
	static const char *const names[2] = {"deployment_id", "canary_percentage"};
	struct sl_scan *sc;
	struct sl_batch *b;
	int col[2], rc;

	if ((rc = scan_deployments_cols(st, p->from, p->to, names, 2, col, &sc, err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			double pc;
			size_t n;
			const char *id;
			uint32_t *v, x;
			int added;

			if (sl_batch_is_null(b, col[1], r) || !sl_scan_in_window(sc, b, r))
				continue;
			pc = b->cols[col[1]].v.f64[r];
			if (!(pc > 0 && pc < 100) || !(id = sl_batch_get_str(b, col[0], r, &n)))
				continue;
			/* 2^-20 of a percent is finer than any share written */
			x = (uint32_t)llround(pc * (double)(1u << 20)) + 1;
			if (sl_u64map_put(&cx->share, sl_hash(id, n), &v, &added)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
			if (added || x > *v)
				*v = x;
		}
out:
	sl_scan_close(sc);
	return rc < 0 ? rc : SL_OK;
}

/* The samples of the deployments of cx from the cache instead of the
 * store: f's rows are rows of the frame the cache was filled from
 * (f->origin), each one's samples in the order the scan met them. */
static int cached_samples(struct ctx *cx, const struct canary_cache *c, struct sl_errctx *err)
{
	for (size_t k = 0; k < cx->n; k++) {
		uint32_t from = cx->f->origin[row_of(cx, k)];

		for (size_t j = c->first[from]; j < c->first[from + 1]; j++) {
			const struct cached_sample *cs = &c->s[j];
			struct samples **sp = slot(cx, k);

			if (!sp || (!*sp && !(*sp = calloc(1, sizeof(**sp)))))
				goto nomem;
			(*sp)->nsamples[cs->cohort]++;
			for (int m = 0; m < NM; m++)
				if ((cs->has >> m & 1) && push(&(*sp)->m[cs->cohort][m], cs->v[m]))
					goto nomem;
		}
		/* judged as the scan would, once no later deployment starts at
		 * the same time: only a few deployments' samples are held */
		if (k + 1 < cx->n &&
		    judge_upto(cx, cx->f->start[row_of(cx, k + 1)] + FOLLOW_AFTER_MS - 1))
			goto nomem;
	}
	if (judge_upto(cx, INT64_MAX))
		goto nomem;
	return SL_OK;
nomem:
	return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
}

struct canary_cache *canary_cache_new(void)
{
	return calloc(1, sizeof(struct canary_cache));
}

void canary_cache_free(struct canary_cache *c)
{
	if (!c)
		return;
	free(c->s);
	free(c->first);
	sl_u64map_release(&c->share);
	free(c);
}

int canary_cache_finish(struct canary_cache *c, size_t rows)
{
	struct cached_sample *tmp;
	size_t *count;

	if (c->ready)
		return SL_OK;
	/* by row, each row's in scan order: a counting sort (stable) */
	if (!(c->first = calloc(rows + 2, sizeof(*c->first))))
		return SL_ENOMEM;
	if (!(tmp = malloc((c->n ? c->n : 1) * sizeof(*tmp))))
		return SL_ENOMEM;
	count = c->first + 1;
	for (size_t j = 0; j < c->n; j++)
		count[c->s[j].row]++;
	for (size_t r = 0; r < rows; r++)
		c->first[r + 1] += c->first[r];
	/* first[r] is now where row r's samples start; place them */
	{
		size_t *at = malloc((rows ? rows : 1) * sizeof(*at));

		if (!at) {
			free(tmp);
			return SL_ENOMEM;
		}
		memcpy(at, c->first, rows * sizeof(*at));
		for (size_t j = 0; j < c->n; j++)
			tmp[at[c->s[j].row]++] = c->s[j];
		free(at);
	}
	free(c->s);
	c->s = tmp;
	c->cap = c->n;
	c->ready = 1;
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
	cx.shares = &cx.share;
	if ((rc = take_deployments(f, &cx, err)))
		goto out;
	if (p->canary_cache && p->canary_cache->ready) {
		/* a team of --team-dir: what the organisation's run read */
		cx.shares = &p->canary_cache->share;
		rc = cached_samples(&cx, p->canary_cache, err);
	} else {
		cx.cache = p->canary_cache;
		if (!(rc = read_shares(p, st, &cx, err)) && !(rc = scan_samples(p, st, &cx, err)) &&
		    cx.cache) {
			/* the shares go to the cache */
			cx.cache->share = cx.share;
			memset(&cx.share, 0, sizeof(cx.share));
		}
	}
	if (rc)
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
	for (size_t i = 0; i < cx.ring_cap; i++)
		samples_free(cx.ring[i]);
	free(cx.ring);
	free(cx.rows);
	sl_u64map_release(&cx.byid);
	sl_u64map_release(&cx.share);
	return rc;
}
