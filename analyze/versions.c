#include "versions.h"
#include "common.h"
#include "frame.h"
#include "query.h"

#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_hash.h"
#include "sl_scan.h"
#include "sl_u64map.h"
#include "sl_stats.h"

#define HOUR_MS 3600000LL
#define WEEK_MS (7 * 24 * HOUR_MS)
#define NONE UINT32_MAX

/* The deployments are the frame's rows, read in place: the analysis
 * sorts their row numbers (4 bytes a deployment, not a copy of each). */

/* One agent × environment × version: its adoption. */
struct adopt {
	uint32_t agent, env, version;
	int64_t first;
	uint32_t groups, reached, deployments;
	double share[5], final_share;
	int64_t t80;
	uint8_t has_t80;
	int8_t within; /* 1, 0, or -1 when too young to tell */
};

/* One agent × version over every environment: its failures and latency. */
struct ver {
	uint32_t agent, version;
	int64_t first;
	uint64_t finished, failed;
	size_t d0, d1; /* its deployments: d[d0..d1) */
	size_t nlat;   /* of them finished with a finite latency change */
	int regression;
};

struct vctx {
	const struct frame *f;
	const struct sl_dict *names; /* the frame's */
	uint32_t *d; /* frame rows */
	size_t n;
	struct adopt *ad;
	size_t nad, adcap;
	struct ver *v;
	size_t nv, vcap;
};

static const int adoption_hours[5] = {1, 6, 24, 48, 168};

/* The window's deployments of the --agent/--env that name their version,
 * in frame order. */
static int take_deps(const struct frame *f, struct vctx *cx, struct sl_errctx *err)
{
	if (!(cx->d = malloc((f->n ? f->n : 1) * sizeof(*cx->d))))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (size_t i = 0; i < f->n; i++)
		if (f->wanted[i] && f->version[i] != FRAME_NONE)
			cx->d[cx->n++] = (uint32_t)i;
	return SL_OK;
}

/* Row i's end time, 0 when it has none (those sort first). */
static int64_t end_of(const struct frame *f, uint32_t i)
{
	return f->end[i] != FRAME_NULL ? f->end[i] : 0;
}

/* Row i's latency change: 1 and *v set when it is known and finite. */
static int lat_of(const struct frame *f, uint32_t i, double *v)
{
	return frame_real(f->latency, i, v) && isfinite(*v);
}

static _Thread_local const struct sl_dict *sort_names;
static _Thread_local const struct frame *sort_f;

static int cmp_code(uint32_t a, uint32_t b)
{
	return a == b ? 0 : names_cmp(sort_names, a, b);
}

static int cmp_u32(const void *x, const void *y);

/* agent, environment, version, group (none last), end */
static int cmp_dep_env(const void *x, const void *y)
{
	const struct frame *f = sort_f;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	int64_t ea, eb;
	int c;

	if ((c = cmp_code(f->agent[a], f->agent[b])) || (c = cmp_code(f->env[a], f->env[b])) ||
	    (c = cmp_u32(&f->version[a], &f->version[b])) ||
	    (c = cmp_u32(&f->target_group[a], &f->target_group[b])))
		return c;
	ea = end_of(f, a);
	eb = end_of(f, b);
	return (ea > eb) - (ea < eb);
}

/* agent, version */
static int cmp_dep_ver(const void *x, const void *y)
{
	const struct frame *f = sort_f;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	int c;

	if ((c = cmp_code(f->agent[a], f->agent[b])))
		return c;
	return cmp_u32(&f->version[a], &f->version[b]);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

static int cmp_adopt(const void *x, const void *y)
{
	const struct adopt *a = x, *b = y;
	int c;

	if ((c = cmp_code(a->agent, b->agent)) || (c = cmp_code(a->env, b->env)))
		return c;
	if (a->first != b->first)
		return (a->first > b->first) - (a->first < b->first);
	return cmp_code(a->version, b->version);
}

static int cmp_ver(const void *x, const void *y)
{
	const struct ver *a = x, *b = y;
	int c;

	if ((c = cmp_code(a->agent, b->agent)))
		return c;
	if (a->first != b->first)
		return (a->first > b->first) - (a->first < b->first);
	return cmp_code(a->version, b->version);
}

/* The end of what can be seen: the window's end, or now. */
static int64_t horizon(const struct analyze_params *p)
{
	return p->to != SL_TIME_MAX && p->to < p->now ? p->to : p->now;
}

static int adoption(const struct analyze_params *p, struct vctx *cx)
{
	const struct frame *f = cx->f;
	uint32_t *groups = malloc((cx->n ? cx->n : 1) * sizeof(*groups));
	int64_t *reach = malloc((cx->n ? cx->n : 1) * sizeof(*reach));
	double mark = p->cfg.version_adoption_share;
	int64_t within_ms = (int64_t)(p->cfg.version_adoption_hours * (double)HOUR_MS);
	int64_t end = horizon(p);

	if (!groups || !reach) {
		free(groups);
		free(reach);
		return SL_ENOMEM;
	}
	sort_names = cx->names;
	sort_f = f;
	sl_sort(cx->d, cx->n, sizeof(*cx->d), cmp_dep_env);
	for (size_t e0 = 0, e1; e0 < cx->n; e0 = e1) {
		size_t ng = 0;

		for (e1 = e0; e1 < cx->n && f->agent[cx->d[e1]] == f->agent[cx->d[e0]] &&
			      f->env[cx->d[e1]] == f->env[cx->d[e0]];
		     e1++)
			if (f->target_group[cx->d[e1]] != NONE)
				groups[ng++] = f->target_group[cx->d[e1]];
		sl_sort(groups, ng, sizeof(*groups), cmp_u32);
		{
			size_t u = 0;

			for (size_t i = 0; i < ng; i++)
				if (!u || groups[i] != groups[u - 1])
					groups[u++] = groups[i];
			ng = u;
		}
		if (!ng)
			continue; /* no target groups: nothing to adopt */
		for (size_t v0 = e0, v1; v0 < e1; v0 = v1) {
			struct adopt *a;
			size_t nr = 0;

			if (sl_grow(&cx->ad, &cx->adcap, cx->nad + 1, sizeof(*cx->ad))) {
				free(groups);
				free(reach);
				return SL_ENOMEM;
			}
			a = &cx->ad[cx->nad++];
			memset(a, 0, sizeof(*a));
			a->agent = f->agent[cx->d[v0]];
			a->env = f->env[cx->d[v0]];
			a->version = f->version[cx->d[v0]];
			a->first = f->start[cx->d[v0]];
			a->groups = (uint32_t)ng;
			for (v1 = v0; v1 < e1 && f->version[cx->d[v1]] == a->version; v1++) {
				int64_t start = f->start[cx->d[v1]];

				a->deployments++;
				a->first = start < a->first ? start : a->first;
			}
			/* a group is reached by its earliest completed deployment
			 * (rows sort by group, then end) */
			for (size_t i = v0, done = 0; i < v1; i++) {
				uint32_t d = cx->d[i], group = f->target_group[d];

				if (i == v0 || group != f->target_group[cx->d[i - 1]])
					done = 0;
				if (group == NONE || !frame_completed(f, d) || f->end[d] == FRAME_NULL ||
				    done)
					continue;
				reach[nr++] = f->end[d];
				done = 1;
			}
			sl_sort_i64(reach, nr);
			a->reached = (uint32_t)nr;
			a->final_share = (double)nr / (double)ng;
			for (int h = 0; h < 5; h++) {
				size_t k = 0;

				while (k < nr && reach[k] - a->first <= adoption_hours[h] * HOUR_MS)
					k++;
				a->share[h] = (double)k / (double)ng;
			}
			for (size_t k = 0; k < nr && !a->has_t80; k++)
				if ((double)(k + 1) >= mark * (double)ng - 1e-9) {
					a->t80 = reach[k] - a->first;
					a->has_t80 = 1;
				}
			a->within = a->has_t80 && a->t80 <= within_ms ? 1
				    : a->first + within_ms <= end   ? 0
								    : -1;
		}
	}
	free(groups);
	free(reach);
	sl_sort(cx->ad, cx->nad, sizeof(*cx->ad), cmp_adopt);
	return SL_OK;
}

/* A version's latency changes, in the order of its deployments, into x
 * (room for v->nlat). */
static void gather_lat(const struct vctx *cx, const struct ver *v, double *x)
{
	size_t k = 0;
	double lat;

	for (size_t i = v->d0; i < v->d1; i++)
		if (frame_finished(cx->f, cx->d[i]) && lat_of(cx->f, cx->d[i], &lat))
			x[k++] = lat;
}

static int per_version(struct vctx *cx)
{
	const struct frame *f = cx->f;

	sort_names = cx->names;
	sort_f = f;
	sl_sort(cx->d, cx->n, sizeof(*cx->d), cmp_dep_ver);
	for (size_t v0 = 0, v1; v0 < cx->n; v0 = v1) {
		struct ver *v;

		if (sl_grow(&cx->v, &cx->vcap, cx->nv + 1, sizeof(*cx->v)))
			return SL_ENOMEM;
		v = &cx->v[cx->nv++];
		memset(v, 0, sizeof(*v));
		v->agent = f->agent[cx->d[v0]];
		v->version = f->version[cx->d[v0]];
		v->first = f->start[cx->d[v0]];
		v->d0 = v0;
		for (v1 = v0; v1 < cx->n && f->agent[cx->d[v1]] == v->agent &&
			      f->version[cx->d[v1]] == v->version;
		     v1++) {
			uint32_t d = cx->d[v1];
			double lat;

			v->first = f->start[d] < v->first ? f->start[d] : v->first;
			if (!frame_finished(f, d))
				continue;
			v->finished++;
			v->failed += !frame_completed(f, d);
			v->nlat += (size_t)lat_of(f, d, &lat);
		}
		v->d1 = v1;
	}
	sl_sort(cx->v, cx->nv, sizeof(*cx->v), cmp_ver);
	return SL_OK;
}

static int set_name(struct sl_table *t, int c, const struct vctx *cx, uint32_t code)
{
	return sl_table_set_name(t, c, cx->names, code);
}

static int write_regressions(const struct analyze_params *p, struct vctx *cx, struct sl_table *t)
{
	double *x = NULL, *y = NULL;
	size_t cap = 0;

	for (size_t i = 1; i < cx->nv; i++) {
		struct ver *v = &cx->v[i], *u = &cx->v[i - 1];
		double odds, pf = NAN, u_stat, pl = NAN, rv, ru, mx = NAN, my = NAN;
		int frag = 0, lreg = 0;

		if (v->agent != u->agent || !v->finished || !u->finished)
			continue;
		rv = (double)v->failed / (double)v->finished;
		ru = (double)u->failed / (double)u->finished;
		if (!sl_stats_fisher_exact(v->failed, v->finished - v->failed, u->failed,
					   u->finished - u->failed, &odds, &pf))
			frag = pf < p->cfg.version_alpha && rv > ru;
		if (v->nlat && u->nlat) {
			size_t need = v->nlat > u->nlat ? v->nlat : u->nlat;

			if (need > cap) {
				double *nx = realloc(x, need * sizeof(*x)), *ny;

				if (!nx)
					goto nomem;
				x = nx;
				if (!(ny = realloc(y, need * sizeof(*y))))
					goto nomem;
				y = ny;
				cap = need;
			}
			gather_lat(cx, v, x);
			gather_lat(cx, u, y);
			if (!sl_stats_mann_whitney(x, v->nlat, y, u->nlat, &u_stat, &pl)) {
				mx = median_sorted(x, v->nlat);
				my = median_sorted(y, u->nlat);
				/* worse: higher latency change, by the medians, by U on a tie */
				lreg = pl < p->cfg.version_alpha &&
				       (mx > my || (mx == my && u_stat > (double)v->nlat *
										(double)u->nlat / 2));
			}
		}
		v->regression = frag || lreg;
		if (sl_table_add_row(t) || set_name(t, SL_REGRESSIONS_AGENT_ID, cx, v->agent) ||
		    set_name(t, SL_REGRESSIONS_VERSION, cx, v->version) ||
		    set_name(t, SL_REGRESSIONS_PREVIOUS_VERSION, cx, u->version))
			goto nomem;
		sl_table_set_i64(t, SL_REGRESSIONS_FINISHED, (int64_t)v->finished);
		sl_table_set_i64(t, SL_REGRESSIONS_FAILED, (int64_t)v->failed);
		sl_table_set_f64(t, SL_REGRESSIONS_FAILURE_RATE, rv);
		sl_table_set_i64(t, SL_REGRESSIONS_PREVIOUS_FINISHED, (int64_t)u->finished);
		sl_table_set_i64(t, SL_REGRESSIONS_PREVIOUS_FAILED, (int64_t)u->failed);
		sl_table_set_f64(t, SL_REGRESSIONS_PREVIOUS_FAILURE_RATE, ru);
		sl_table_set_f64(t, SL_REGRESSIONS_FAILURE_P_VALUE, pf);
		sl_table_set_i64(t, SL_REGRESSIONS_LATENCY_SAMPLES, (int64_t)v->nlat);
		sl_table_set_i64(t, SL_REGRESSIONS_PREVIOUS_LATENCY_SAMPLES, (int64_t)u->nlat);
		sl_table_set_f64(t, SL_REGRESSIONS_MEDIAN_LATENCY_CHANGE, mx);
		sl_table_set_f64(t, SL_REGRESSIONS_PREVIOUS_MEDIAN_LATENCY_CHANGE, my);
		sl_table_set_f64(t, SL_REGRESSIONS_LATENCY_P_VALUE, pl);
		sl_table_set_bool(t, SL_REGRESSIONS_FAILURE_REGRESSION, frag);
		sl_table_set_bool(t, SL_REGRESSIONS_LATENCY_REGRESSION, lreg);
		sl_table_set_bool(t, SL_REGRESSIONS_REGRESSION, v->regression);
	}
	free(x);
	free(y);
	return SL_OK;
nomem:
	free(x);
	free(y);
	return SL_ENOMEM;
}

static int write_versions(const struct analyze_params *p, struct vctx *cx, struct sl_table *t)
{
	size_t cap = cx->nv ? cx->nv : 1;
	int64_t *gap = malloc(cap * sizeof(*gap)), *roll = malloc((cx->nad ? cx->nad : 1) *
								   sizeof(*roll));
	double *fx = malloc(cap * sizeof(*fx)), *fy = malloc(cap * sizeof(*fy));
	int rc = SL_ENOMEM;

	(void)p;
	if (!gap || !roll || !fx || !fy)
		goto out;
	for (size_t a0 = 0, a1; a0 < cx->nv; a0 = a1) {
		size_t ng = 0, nf = 0, nroll = 0, nreg = 0;
		double c0, c1, c00, c01, c11, ss;

		for (a1 = a0; a1 < cx->nv && cx->v[a1].agent == cx->v[a0].agent; a1++) {
			const struct ver *v = &cx->v[a1];

			if (a1 > a0)
				gap[ng++] = v->first - cx->v[a1 - 1].first;
			if (v->finished) {
				fx[nf] = (double)(a1 - a0);
				fy[nf++] = (double)v->failed / (double)v->finished;
			}
			nreg += (size_t)v->regression;
		}
		/* the optimal rollout: how long the versions that did not
		 * regress took to reach the adoption mark in production */
		for (size_t i = 0; i < cx->nad; i++) {
			const struct adopt *a = &cx->ad[i];
			size_t n;
			const char *env = sl_dict_get(cx->names, a->env, &n);

			if (a->agent != cx->v[a0].agent || !a->has_t80 ||
			    !is_str(env, n, "production"))
				continue;
			for (size_t k = a0; k < a1; k++)
				if (cx->v[k].version == a->version && !cx->v[k].regression) {
					roll[nroll++] = a->t80;
					break;
				}
		}
		if (sl_table_add_row(t) || set_name(t, SL_VERSIONS_AGENT_ID, cx, cx->v[a0].agent))
			goto out;
		sl_table_set_i64(t, SL_VERSIONS_RELEASES, (int64_t)(a1 - a0));
		sl_table_set_i64(t, SL_VERSIONS_FIRST_RELEASE, cx->v[a0].first);
		sl_table_set_i64(t, SL_VERSIONS_LAST_RELEASE, cx->v[a1 - 1].first);
		if (cx->v[a1 - 1].first > cx->v[a0].first)
			sl_table_set_f64(t, SL_VERSIONS_RELEASES_PER_WEEK,
					 (double)(a1 - a0 - 1) /
						 ((double)(cx->v[a1 - 1].first - cx->v[a0].first) /
						  (double)WEEK_MS));
		if (ng) {
			sl_sort_i64(gap, ng);
			sl_table_set_f64(t, SL_VERSIONS_MEDIAN_RELEASE_INTERVAL_H,
					 (double)gap[(ng - 1) / 2] / (double)HOUR_MS);
		}
		if (nf >= 3 && !gsl_fit_linear(fx, 1, fy, 1, nf, &c0, &c1, &c00, &c01, &c11, &ss)) {
			double change = c1 * (double)(nf - 1);
			const char *trend = change <= -0.05 ? "improving"
					    : change >= 0.05 ? "degrading"
							     : "stable";

			sl_table_set_f64(t, SL_VERSIONS_FAILURE_RATE_SLOPE, c1);
			if (sl_table_set_str(t, SL_VERSIONS_STABILITY_TREND, trend, strlen(trend)))
				goto out;
		}
		sl_table_set_i64(t, SL_VERSIONS_REGRESSIONS, (int64_t)nreg);
		if (nroll) {
			sl_sort_i64(roll, nroll);
			sl_table_set_f64(t, SL_VERSIONS_OPTIMAL_ROLLOUT_H,
					 (double)roll[(nroll - 1) / 2] / (double)HOUR_MS);
		}
		sl_table_set_i64(t, SL_VERSIONS_ROLLOUTS_MEASURED, (int64_t)nroll);
	}
	rc = SL_OK;
out:
	free(gap);
	free(roll);
	free(fx);
	free(fy);
	return rc;
}

static int write_adoption(const struct vctx *cx, struct sl_table *t)
{
	for (size_t i = 0; i < cx->nad; i++) {
		const struct adopt *a = &cx->ad[i];

		if (sl_table_add_row(t) || set_name(t, SL_ADOPTION_AGENT_ID, cx, a->agent) ||
		    set_name(t, SL_ADOPTION_ENVIRONMENT, cx, a->env) ||
		    set_name(t, SL_ADOPTION_VERSION, cx, a->version))
			return SL_ENOMEM;
		sl_table_set_i64(t, SL_ADOPTION_FIRST_DEPLOYMENT, a->first);
		sl_table_set_i64(t, SL_ADOPTION_DEPLOYMENTS, a->deployments);
		sl_table_set_i64(t, SL_ADOPTION_TARGET_GROUPS, a->groups);
		sl_table_set_i64(t, SL_ADOPTION_GROUPS_REACHED, a->reached);
		for (int h = 0; h < 5; h++)
			sl_table_set_f64(t, SL_ADOPTION_SHARE_1H + h, a->share[h]);
		sl_table_set_f64(t, SL_ADOPTION_FINAL_SHARE, a->final_share);
		if (a->has_t80)
			sl_table_set_f64(t, SL_ADOPTION_TIME_TO_80_H,
					 (double)a->t80 / (double)HOUR_MS);
		if (a->within >= 0)
			sl_table_set_bool(t, SL_ADOPTION_WITHIN_48H, a->within);
	}
	return SL_OK;
}

static void vctx_release(struct vctx *cx)
{
	free(cx->d);
	free(cx->ad);
	free(cx->v);
}

/* The three tables into a (query: adoption only when regressions is 0). */
static int build(const struct analyze_params *p, const struct frame *f, struct sl_analysis *a,
		 struct sl_errctx *err)
{
	struct vctx cx;
	struct sl_table *ta = NULL, *tr = NULL, *tv = NULL;
	int rc;

	memset(&cx, 0, sizeof(cx));
	cx.f = f;
	cx.names = f->names;
	if ((rc = take_deps(f, &cx, err)))
		goto out;
	if (!(ta = sl_table_new_def(SL_T_ADOPTION)) || !(tr = sl_table_new_def(SL_T_REGRESSIONS)) ||
	    !(tv = sl_table_new_def(SL_T_VERSIONS)) || adoption(p, &cx) || per_version(&cx) ||
	    write_regressions(p, &cx, tr) || write_versions(p, &cx, tv) || write_adoption(&cx, ta))
		goto nomem;
	{
		struct sl_table *all[] = {tv, ta, tr};

		tv = ta = tr = NULL;
		rc = analysis_add_tables(a, all, 3, err);
	}
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(ta);
	sl_table_free(tr);
	sl_table_free(tv);
	vctx_release(&cx);
	return rc;
}

int versions_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err)
{
	(void)st;
	return build(p, f, a, err);
}

/* build() for the queries, which read the window's frame here. */
static int build_store(const struct analyze_params *p, const struct sl_store *st,
		       struct sl_analysis *a, struct sl_errctx *err)
{
	struct frame f;
	int rc;

	if ((rc = frame_load(p, st, &f, VERSIONS_FRAME_COLS, err)))
		return rc;
	rc = build(p, &f, a, err);
	frame_release(&f);
	return rc;
}

double versions_adoption_score(const struct sl_analysis *a, double *samples)
{
	const struct sl_table *t = sl_analysis_table(a, sl_tdef(SL_T_ADOPTION)->name);
	size_t n = 0, met = 0;

	*samples = 0;
	if (!t)
		return NAN;
	for (size_t r = 0; r < sl_table_rows(t); r++) {
		const char *env = sl_table_get_str(t, SL_ADOPTION_ENVIRONMENT, r);
		double w;

		if (!env || strcmp(env, "production") ||
		    sl_table_get_f64(t, SL_ADOPTION_WITHIN_48H, r, &w))
			continue;
		n++;
		met += w != 0;
	}
	*samples = (double)n;
	return n ? (double)met / (double)n : NAN;
}

/* Queries. */

/* 1 (said on stderr, with the nearest names) when the agent has no
 * versions rows at all: a typo rather than an agent without versions. */
static int agent_unknown(const struct analyze_params *p, const struct sl_store *st,
			 struct sl_errctx *err)
{
	static const enum sl_kind kind = SL_KIND_VERSIONS;

	return name_unknown(st, &kind, 1, "agent_id", "agent", p->agent, 0, err);
}

/* The rows of src (the adoption table) of that version (all when NULL). */
static int print_rows(const struct analyze_params *p, const struct sl_store *st,
		      const struct sl_table *src, const char *version, const char *what,
		      struct sl_errctx *err)
{
	const struct sl_tdef *d = sl_tdef(SL_T_ADOPTION);
	struct sl_table *t;
	int nc = SL_ADOPTION_NCOLS, vc = SL_ADOPTION_VERSION, rc;

	if (!(t = sl_table_new_def(SL_T_ADOPTION)))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (size_t r = 0; r < sl_table_rows(src); r++) {
		const char *v = sl_table_get_str(src, vc, r);

		if (version && (!v || strcmp(v, version)))
			continue;
		if (sl_table_add_row(t))
			goto nomem;
		for (int c = 0; c < nc; c++) {
			const char *s = sl_table_get_str(src, c, r);
			double x;

			if (s && sl_table_set_str(t, c, s, strlen(s)))
				goto nomem;
			if (!s && !sl_table_get_f64(src, c, r, &x)) {
				if (d->cols[c].type == SL_R_F64)
					sl_table_set_f64(t, c, x);
				else
					sl_table_set_i64(t, c, (int64_t)x);
			}
		}
	}
	if (!sl_table_rows(t)) {
		rc = agent_unknown(p, st, err);
		if (!rc)
			fprintf(stderr, "shiplog-analyze: no %s for agent '%s'%s%s\n", what,
				p->agent, version ? " version " : "", version ? version : "");
		rc = rc ? rc : 1;
	} else {
		rc = query_print_table(p, t);
	}
	sl_table_free(t);
	return rc;
nomem:
	sl_table_free(t);
	return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
}

int versions_query_adoption(const struct analyze_params *p, const struct sl_store *st,
			    struct sl_errctx *err)
{
	struct sl_analysis *a = sl_analysis_new();
	int rc;

	if (!a)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (!(rc = build_store(p, st, a, err)))
		rc = print_rows(p, st, sl_analysis_table(a, sl_tdef(SL_T_ADOPTION)->name),
				query_arg(p, "version"), "adoption", err);
	sl_analysis_free(a);
	return rc;
}

/* A versions row of the agent. */
struct vrow {
	int64_t at;
	char *version, *env, *status, *api;
	int backward, has_backward, migration, has_migration;
	char *breaking;
};

static char *dup_str(const struct sl_batch *b, int c, size_t r)
{
	size_t n;
	const char *s = sl_batch_get_str(b, c, r, &n);
	char *d;

	if (!s)
		return NULL;
	if ((d = malloc(n + 1))) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void vrows_free(struct vrow *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].version);
		free(v[i].env);
		free(v[i].status);
		free(v[i].api);
		free(v[i].breaking);
	}
	free(v);
}

/* Strings, a null first. */
static int cmp_opt_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) : (a != NULL) - (b != NULL);
}

/* By time and version, then by every other field: "the latest row" of a
 * version is the same whatever order the rows were stored in. */
static int cmp_vrow(const void *x, const void *y)
{
	const struct vrow *a = x, *b = y;
	int c;

	if (a->at != b->at)
		return (a->at > b->at) - (a->at < b->at);
	if ((c = cmp_opt_str(a->version, b->version)) || (c = cmp_opt_str(a->env, b->env)) ||
	    (c = cmp_opt_str(a->status, b->status)) || (c = cmp_opt_str(a->api, b->api)) ||
	    (c = cmp_opt_str(a->breaking, b->breaking)))
		return c;
	if (a->has_backward != b->has_backward || a->backward != b->backward)
		return a->has_backward != b->has_backward ? a->has_backward - b->has_backward
							    : a->backward - b->backward;
	if (a->has_migration != b->has_migration)
		return a->has_migration - b->has_migration;
	return a->migration - b->migration;
}

/* Every versions row of p->agent (all time), oldest first. */
static int agent_vrows(const struct analyze_params *p, const struct sl_store *st,
		       struct vrow **out, size_t *nout, struct sl_errctx *err)
{
	static const char *const cn[] = {"agent_id",	"version",	   "deployed_at",
					 "environment", "status",	   "api_versions",
					 "breaking_changes", "migration_required",
					 "backward_compatible"};
	uint8_t want[64] = {0};
	int col[9], rc;
	struct sl_scan *sc;
	struct sl_batch *b;
	struct vrow *v = NULL;
	size_t n = 0, cap = 0;

	for (int i = 0; i < 9; i++)
		want[col[i] = sl_kind_col(SL_KIND_VERSIONS, cn[i])] = 1;
	if ((rc = sl_scan_open(&sc, st, SL_KIND_VERSIONS, SL_TIME_MIN, SL_TIME_MAX, want, err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			size_t an;
			const char *agent = sl_batch_get_str(b, col[0], r, &an);
			struct vrow *w;

			if (!is_str(agent, an, p->agent) || sl_batch_is_null(b, col[1], r))
				continue;
			if (sl_grow(&v, &cap, n + 1, sizeof(*v)))
				goto nomem;
			w = &v[n++];
			memset(w, 0, sizeof(*w));
			w->at = b->cols[col[2]].v.i64[r];
			w->version = dup_str(b, col[1], r);
			w->env = dup_str(b, col[3], r);
			w->status = dup_str(b, col[4], r);
			w->api = dup_str(b, col[5], r);
			w->breaking = dup_str(b, col[6], r);
			if (!w->version)
				goto nomem;
			if ((w->has_migration = !sl_batch_is_null(b, col[7], r)))
				w->migration = b->cols[col[7]].v.u8[r];
			if ((w->has_backward = !sl_batch_is_null(b, col[8], r)))
				w->backward = b->cols[col[8]].v.u8[r];
		}
	sl_scan_close(sc);
	if (rc < 0) {
		vrows_free(v, n);
		return rc;
	}
	if (!n && (rc = agent_unknown(p, st, err)))
		return rc;
	sl_sort(v, n, sizeof(*v), cmp_vrow);
	*out = v;
	*nout = n;
	return SL_OK;
nomem:
	sl_scan_close(sc);
	vrows_free(v, n);
	return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
}

/* Whether the ;-separated lists a and b share an item. */
static int lists_meet(const char *a, const char *b)
{
	for (const char *x = a; *x;) {
		size_t n = strcspn(x, ";");

		for (const char *y = b; *y;) {
			size_t m = strcspn(y, ";");

			if (n && n == m && !memcmp(x, y, n))
				return 1;
			y += m + (y[m] == ';');
		}
		x += n + (x[n] == ';');
	}
	return 0;
}

static const char *need_arg(const struct analyze_params *p, const char *key)
{
	const char *v = query_arg(p, key);

	if (!v)
		fprintf(stderr, "shiplog-analyze: query '%s' needs --arg %s=VALUE\n", p->query, key);
	return v;
}

int versions_query_compatibility(const struct analyze_params *p, const struct sl_store *st,
				 struct sl_errctx *err)
{
	const char *version = need_arg(p, "version");
	const char *target = query_arg_or(p, "target_environment", p->env);
	struct vrow *v = NULL;
	size_t n = 0;
	const struct vrow *me = NULL, *cur = NULL;
	struct sl_table *t = NULL;
	struct sl_buf why = SL_BUF_INIT;
	int rc, ok = 1, shares = -1;

	if (!version)
		return 1;
	if (!target) {
		fprintf(stderr, "shiplog-analyze: query '%s' needs --arg target_environment=ENV\n",
			p->query);
		return 1;
	}
	if ((rc = agent_vrows(p, st, &v, &n, err)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].version, version))
			me = &v[i]; /* the latest row of the version */
		if (v[i].env && !strcmp(v[i].env, target) && strcmp(v[i].version, version) &&
		    v[i].at <= p->now)
			cur = &v[i]; /* what the target runs now: its latest other version */
	}
	if (!me) {
		fprintf(stderr, "shiplog-analyze: no version '%s' of agent '%s'\n", version, p->agent);
		rc = 1;
		goto out;
	}
	if (me->has_backward && !me->backward) {
		ok = 0;
		if (sl_buf_adds(&why, "not backward compatible"))
			goto nomem;
	}
	if (me->has_migration && me->migration &&
	    sl_buf_adds(&why, why.len ? "; migration required" : "migration required"))
		goto nomem;
	if (cur && cur->api && me->api) {
		shares = lists_meet(me->api, cur->api);
		if (!shares) {
			ok = 0;
			if (sl_buf_adds(&why, why.len ? "; no API version in common with the current"
						      : "no API version in common with the current"))
				goto nomem;
		}
	}
	if (!(t = sl_table_new_def(SL_T_VERSION_COMPATIBILITY)) || sl_table_add_row(t) ||
	    sl_table_set_str(t, SL_VERSION_COMPATIBILITY_AGENT_ID, p->agent, strlen(p->agent)) ||
	    sl_table_set_str(t, SL_VERSION_COMPATIBILITY_VERSION, version, strlen(version)) ||
	    sl_table_set_str(t, SL_VERSION_COMPATIBILITY_TARGET_ENVIRONMENT, target,
			     strlen(target)) ||
	    (me->api && sl_table_set_str(t, SL_VERSION_COMPATIBILITY_API_VERSIONS, me->api,
					 strlen(me->api))) ||
	    (me->breaking && sl_table_set_str(t, SL_VERSION_COMPATIBILITY_BREAKING_CHANGES,
					      me->breaking, strlen(me->breaking))) ||
	    (cur && sl_table_set_str(t, SL_VERSION_COMPATIBILITY_CURRENT_VERSION, cur->version,
				     strlen(cur->version))) ||
	    (cur && cur->api &&
	     sl_table_set_str(t, SL_VERSION_COMPATIBILITY_CURRENT_API_VERSIONS, cur->api,
			      strlen(cur->api))) ||
	    (why.len && sl_table_set_str(t, SL_VERSION_COMPATIBILITY_REASONS, why.data, why.len)))
		goto nomem;
	if (me->has_migration)
		sl_table_set_bool(t, SL_VERSION_COMPATIBILITY_MIGRATION_REQUIRED, me->migration);
	if (me->has_backward)
		sl_table_set_bool(t, SL_VERSION_COMPATIBILITY_BACKWARD_COMPATIBLE, me->backward);
	if (shares >= 0)
		sl_table_set_bool(t, SL_VERSION_COMPATIBILITY_SHARES_API_VERSION, shares);
	sl_table_set_bool(t, SL_VERSION_COMPATIBILITY_COMPATIBLE, ok);
	rc = query_print_table(p, t);
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(t);
	sl_buf_release(&why);
	vrows_free(v, n);
	return rc;
}

/* The key of a pipeline execution, or of a stage of one. */
static uint64_t run_key(const char *pipe, size_t pn, int64_t exec, const char *stage, size_t sn)
{
	uint64_t h = sl_hash(pipe, pn) ^ ((uint64_t)exec * 0x9E3779B97F4A7C15ULL);

	return stage ? h ^ (sl_hash(stage, sn) * 0xC2B2AE3D27D4EB4FULL + 1) : h;
}

static int list_has(const char *s, size_t n, const char *want)
{
	size_t w = strlen(want);

	for (size_t a = 0, z; a < n; a = z + 1) {
		for (z = a; z < n && s[z] != ';'; z++)
			;
		if (z - a == w && !memcmp(s + a, want, w))
			return 1;
	}
	return 0;
}

struct gate_tally {
	uint64_t executions, stages, evaluated, failed;
};

/* The gates evaluated in the stages of environment env of the pipeline
 * runs that name the agent and started in [t0, t1). */
static int tally_gates(const struct analyze_params *p, const struct sl_store *st, int64_t t0,
		       int64_t t1, const char *env, struct gate_tally *g, struct sl_errctx *err)
{
	static const char *const run_cols[] = {"pipeline_id", "execution_number", "agent_ids"};
	static const char *const stage_cols[] = {"pipeline_id", "execution_number", "stage_id",
						 "environment"};
	static const char *const gate_cols[] = {"pipeline_id", "execution_number", "stage_id",
						"status"};
	struct sl_u64map runs = SL_U64MAP_INIT, stages = SL_U64MAP_INIT;
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	/* stages start after their run: a day of slack for long runs */
	int64_t t1s = t1 == SL_TIME_MAX ? t1 : t1 + 24 * HOUR_MS;
	int rc, c[4];

	memset(g, 0, sizeof(*g));
	if ((rc = scan_kind_cols(st, SL_KIND_PIPELINE_RUNS, t0, t1, run_cols, 3, c, &sc, err)))
		goto out;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			size_t pn, an;
			const char *pipe = sl_batch_get_str(b, c[0], r, &pn);
			const char *agents = sl_batch_get_str(b, c[2], r, &an);
			uint32_t *v;
			int added;

			if (!sl_scan_in_window(sc, b, r) || !pipe || !agents ||
			    !list_has(agents, an, p->agent))
				continue;
			if (sl_u64map_put(&runs, run_key(pipe, pn, b->cols[c[1]].v.i64[r], NULL, 0),
					  &v, &added))
				goto nomem;
			g->executions += (uint64_t)added;
		}
	sl_scan_close(sc);
	sc = NULL;
	if (rc < 0)
		goto out;
	if ((rc = scan_kind_cols(st, SL_KIND_STAGE_RUNS, t0, t1s, stage_cols, 4, c, &sc, err)))
		goto out;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			size_t pn, sn, en;
			const char *pipe = sl_batch_get_str(b, c[0], r, &pn);
			const char *stage = sl_batch_get_str(b, c[2], r, &sn);
			const char *e = sl_batch_get_str(b, c[3], r, &en);
			int64_t x = b->cols[c[1]].v.i64[r];
			uint32_t *v;
			int added;

			if (!pipe || !stage || !is_str(e, en, env) ||
			    !sl_u64map_get(&runs, run_key(pipe, pn, x, NULL, 0)))
				continue;
			if (sl_u64map_put(&stages, run_key(pipe, pn, x, stage, sn), &v, &added))
				goto nomem;
			g->stages += (uint64_t)added;
		}
	sl_scan_close(sc);
	sc = NULL;
	if (rc < 0)
		goto out;
	if ((rc = scan_kind_cols(st, SL_KIND_GATE_RESULTS, t0, t1s, gate_cols, 4, c, &sc, err)))
		goto out;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			size_t pn, sn, zn;
			const char *pipe = sl_batch_get_str(b, c[0], r, &pn);
			const char *stage = sl_batch_get_str(b, c[2], r, &sn);
			const char *z = sl_batch_get_str(b, c[3], r, &zn);

			if (!pipe || !stage ||
			    !sl_u64map_get(&stages,
					   run_key(pipe, pn, b->cols[c[1]].v.i64[r], stage, sn)))
				continue;
			g->evaluated++;
			g->failed += !(is_str(z, zn, "passed") || is_str(z, zn, "success"));
		}
	rc = rc < 0 ? rc : SL_OK;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_scan_close(sc);
	sl_u64map_release(&runs);
	sl_u64map_release(&stages);
	return rc;
}

/* Whether the regressions table marks agent's version as a regression. */
static int open_regression(const struct analyze_params *p, const struct sl_store *st,
			   const char *version, int *yes, struct sl_errctx *err)
{
	struct sl_analysis *a = sl_analysis_new();
	const struct sl_table *t;
	int rc;

	*yes = 0;
	if (!a)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (!(rc = build_store(p, st, a, err)) &&
	    (t = sl_analysis_table(a, sl_tdef(SL_T_REGRESSIONS)->name)))
		for (size_t r = 0; r < sl_table_rows(t); r++) {
			const char *v = sl_table_get_str(t, SL_REGRESSIONS_VERSION, r);
			double x;

			if (v && !strcmp(v, version) &&
			    !sl_table_get_f64(t, SL_REGRESSIONS_REGRESSION, r, &x) && x != 0)
				*yes = 1;
		}
	sl_analysis_free(a);
	return rc;
}

int versions_query_promotion(const struct analyze_params *p, const struct sl_store *st,
			     struct sl_errctx *err)
{
	const char *version = need_arg(p, "version"), *from = version ? need_arg(p, "from") : NULL;
	const char *to = query_arg(p, "to");
	struct vrow *v = NULL;
	size_t n = 0;
	int64_t t0 = 0, t1 = SL_TIME_MAX;
	int found = 0, reg = 0, rc;
	struct gate_tally g;
	struct sl_table *t = NULL;
	struct sl_buf why = SL_BUF_INIT;

	if (!version || !from)
		return 1;
	if ((rc = agent_vrows(p, st, &v, &n, err)))
		return rc;
	/* the version's time in the source environment: from its promotion
	 * there to the next version's */
	for (size_t i = 0; i < n; i++) {
		if (!v[i].env || strcmp(v[i].env, from))
			continue;
		if (!found && !strcmp(v[i].version, version)) {
			found = 1;
			t0 = v[i].at;
		} else if (found && strcmp(v[i].version, version) && v[i].at > t0) {
			t1 = v[i].at;
			break;
		}
	}
	if (!found) {
		fprintf(stderr, "shiplog-analyze: version '%s' of agent '%s' was never in '%s'\n",
			version, p->agent, from);
		rc = 1;
		goto out;
	}
	if ((rc = tally_gates(p, st, t0, t1, from, &g, err)) ||
	    (rc = open_regression(p, st, version, &reg, err)))
		goto out;
	if (!g.evaluated && sl_buf_adds(&why, "no gate was evaluated in the source environment"))
		goto nomem;
	if (g.failed && sl_buf_printf(&why, "%s%llu of %llu gates failed", why.len ? "; " : "",
				      (unsigned long long)g.failed,
				      (unsigned long long)g.evaluated))
		goto nomem;
	if (reg && sl_buf_printf(&why, "%sa regression against the previous version",
				 why.len ? "; " : ""))
		goto nomem;
	if (!(t = sl_table_new_def(SL_T_PROMOTION_READINESS)) || sl_table_add_row(t) ||
	    sl_table_set_str(t, SL_PROMOTION_READINESS_AGENT_ID, p->agent, strlen(p->agent)) ||
	    sl_table_set_str(t, SL_PROMOTION_READINESS_VERSION, version, strlen(version)) ||
	    sl_table_set_str(t, SL_PROMOTION_READINESS_FROM_ENVIRONMENT, from, strlen(from)) ||
	    (to && sl_table_set_str(t, SL_PROMOTION_READINESS_TO_ENVIRONMENT, to, strlen(to))) ||
	    (why.len && sl_table_set_str(t, SL_PROMOTION_READINESS_REASONS, why.data, why.len)))
		goto nomem;
	sl_table_set_i64(t, SL_PROMOTION_READINESS_LIVE_FROM, t0);
	if (t1 != SL_TIME_MAX)
		sl_table_set_i64(t, SL_PROMOTION_READINESS_LIVE_TO, t1);
	sl_table_set_i64(t, SL_PROMOTION_READINESS_PIPELINE_RUNS, (int64_t)g.executions);
	sl_table_set_i64(t, SL_PROMOTION_READINESS_GATES_EVALUATED, (int64_t)g.evaluated);
	sl_table_set_i64(t, SL_PROMOTION_READINESS_GATES_FAILED, (int64_t)g.failed);
	sl_table_set_bool(t, SL_PROMOTION_READINESS_OPEN_REGRESSION, reg);
	sl_table_set_bool(t, SL_PROMOTION_READINESS_READY, g.evaluated && !g.failed && !reg);
	rc = query_print_table(p, t);
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(t);
	sl_buf_release(&why);
	vrows_free(v, n);
	return rc;
}
