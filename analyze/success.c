#include "success.h"
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_fsum.h"
#include "sl_scan.h"
#include "sl_u64map.h"
#include "window.h"

/* One row of the view: agent × environment × day. */
struct group {
	uint32_t agent, env; /* codes in the run's dictionary */
	int64_t day;
	uint64_t total, completed, failed, rollbacks;
	int64_t dur_sum;     /* exact: durations are integers */
	uint64_t dur_n;
	struct sl_fsum cov_sum; /* exact: the mean does not follow the rows' order */
	uint64_t cov_n;
};

/* Window totals for one environment (or overall), now and before. */
struct totals {
	uint64_t total, active, finished, completed, failed, rolled_back, dur_n;
	int64_t dur_sum;
};

struct envsum {
	uint32_t env;
	struct totals cur, prev;
};

/* One agent's finished and completed deployments, now and before. */
struct agentsum {
	uint64_t fin, ok, prev_fin, prev_ok;
};

struct ctx {
	struct sl_dict *names;
	struct agentsum *agents; /* by agent code (a code of names) */
	size_t nagents;
	struct sl_u64map gmap;
	struct group *groups;
	size_t ngroups, gcap;
	struct envsum *envs;
	size_t nenvs, ecap;
	struct totals all, all_prev;
};

enum { C_AGENT, C_ENV, C_PHASE, C_START, C_DUR, C_DEPLOYED, C_TARGET, C_ROLLBACK, NC };
static const char *const colnames[NC] = {"agent_id", "environment", "phase", "start_time",
					 "duration_ms", "deployed_instances",
					 "target_instances", "rollback_triggered"};

static struct group *group_of(struct ctx *cx, uint32_t agent, uint32_t env, int64_t day)
{
	uint64_t key[2] = {(uint64_t)agent << 32 | env, (uint64_t)day};
	uint32_t *v;
	int added;
	struct group *g;

	if (sl_u64map_put(&cx->gmap, sl_hash(key, sizeof(key)), &v, &added))
		return NULL;
	if (!added) {
		g = &cx->groups[*v];
		if (g->agent == agent && g->env == env && g->day == day)
			return g;
		return NULL; /* a 64-bit hash collision: reported as out of memory */
	}
	if (sl_grow(&cx->groups, &cx->gcap, cx->ngroups + 1, sizeof(*cx->groups)))
		return NULL;
	*v = (uint32_t)cx->ngroups;
	g = &cx->groups[cx->ngroups++];
	memset(g, 0, sizeof(*g));
	g->agent = agent;
	g->env = env;
	g->day = day;
	return g;
}

static struct envsum *env_of(struct ctx *cx, uint32_t env)
{
	for (size_t i = 0; i < cx->nenvs; i++)
		if (cx->envs[i].env == env)
			return &cx->envs[i];
	if (sl_grow(&cx->envs, &cx->ecap, cx->nenvs + 1, sizeof(*cx->envs)))
		return NULL;
	memset(&cx->envs[cx->nenvs], 0, sizeof(cx->envs[0]));
	cx->envs[cx->nenvs].env = env;
	return &cx->envs[cx->nenvs++];
}

/* The rules are lib/sl_schema.h's, as the frame's (frame.h). */
static void count(struct totals *t, enum sl_phase ph, int rollback, int has_dur, int64_t dur)
{
	int terminal = sl_phase_finished(ph);

	t->total++;
	t->active += sl_phase_active(ph);
	t->finished += terminal;
	t->completed += ph == SL_PHASE_COMPLETED;
	t->failed += ph == SL_PHASE_FAILED;
	t->rolled_back += sl_rolled_back(ph, rollback);
	if (has_dur) {
		t->dur_sum += dur;
		t->dur_n++;
	}
}

static int want_row(const struct analyze_params *p, const struct sl_batch *b, size_t r,
		    const int *col)
{
	size_t n;
	const char *s;

	if (p->env) {
		s = sl_batch_get_str(b, col[C_ENV], r, &n);
		if (!s || n != strlen(p->env) || memcmp(s, p->env, n))
			return 0;
	}
	if (p->agent) {
		s = sl_batch_get_str(b, col[C_AGENT], r, &n);
		if (!s || n != strlen(p->agent) || memcmp(s, p->agent, n))
			return 0;
	}
	return 1;
}

static int add_row(struct ctx *cx, const struct sl_batch *b, size_t r, const int *col,
		   int current)
{
	size_t an, en, phn;
	const char *agent = sl_batch_get_str(b, col[C_AGENT], r, &an);
	const char *env = sl_batch_get_str(b, col[C_ENV], r, &en);
	const char *phs = sl_batch_get_str(b, col[C_PHASE], r, &phn);
	enum sl_phase ph = sl_phase_of(phs, phn);
	uint32_t ac, ec;
	int rollback = !sl_batch_is_null(b, col[C_ROLLBACK], r) &&
		       b->cols[col[C_ROLLBACK]].v.u8[r];
	int has_dur = !sl_batch_is_null(b, col[C_DUR], r);
	int64_t dur = b->cols[col[C_DUR]].v.i64[r];
	struct envsum *es;
	struct group *g;

	if (!agent || !env) /* required at ingest; a foreign file may lack them */
		return SL_OK;
	if (sl_dict_intern(cx->names, agent, an, &ac) || sl_dict_intern(cx->names, env, en, &ec) ||
	    !(es = env_of(cx, ec)))
		return SL_ENOMEM;
	count(current ? &es->cur : &es->prev, ph, rollback, has_dur, dur);
	count(current ? &cx->all : &cx->all_prev, ph, rollback, has_dur, dur);
	if (ac >= cx->nagents) {
		size_t n = cx->nagents;

		if (sl_grow(&cx->agents, &cx->nagents, (size_t)ac + 1, sizeof(*cx->agents)))
			return SL_ENOMEM;
		memset(cx->agents + n, 0, (cx->nagents - n) * sizeof(*cx->agents));
	}
	if (sl_phase_finished(ph)) {
		struct agentsum *as = &cx->agents[ac];

		*(current ? &as->fin : &as->prev_fin) += 1;
		*(current ? &as->ok : &as->prev_ok) += ph == SL_PHASE_COMPLETED;
	}
	if (!current)
		return SL_OK;
	g = group_of(cx, ac, ec, window_day(b->cols[col[C_START]].v.i64[r]));
	if (!g)
		return SL_ENOMEM;
	/* the view: COUNT(*), FILTER on phase and rollback_triggered, AVG
	 * ignoring nulls; coverage is NULL when target is 0 (NULLIF) */
	g->total++;
	g->completed += ph == SL_PHASE_COMPLETED;
	g->failed += ph == SL_PHASE_FAILED;
	g->rollbacks += rollback; /* the view counts the flag alone */
	if (has_dur) {
		g->dur_sum += dur;
		g->dur_n++;
	}
	if (!sl_batch_is_null(b, col[C_DEPLOYED], r) && !sl_batch_is_null(b, col[C_TARGET], r) &&
	    b->cols[col[C_TARGET]].v.i64[r] != 0) {
		sl_fsum_add(&g->cov_sum, (double)b->cols[col[C_DEPLOYED]].v.i64[r] /
						 (double)b->cols[col[C_TARGET]].v.i64[r]);
		g->cov_n++;
	}
	return SL_OK;
}

static _Thread_local const struct sl_dict *sort_names;

static int cmp_code(uint32_t a, uint32_t b)
{
	return names_cmp(sort_names, a, b);
}

static int cmp_group(const void *x, const void *y)
{
	const struct group *a = x, *b = y;
	int c = cmp_code(a->agent, b->agent);

	if (!c)
		c = cmp_code(a->env, b->env);
	return c ? c : (a->day > b->day) - (a->day < b->day);
}

static int cmp_env(const void *x, const void *y)
{
	return cmp_code(((const struct envsum *)x)->env, ((const struct envsum *)y)->env);
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : NAN; /* NaN is written as null */
}

static int rates_table(struct ctx *cx, struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(SL_T_SUCCESS_RATES);

	if (!t)
		return SL_ENOMEM;
	sort_names = cx->names;
	sl_sort(cx->groups, cx->ngroups, sizeof(*cx->groups), cmp_group);
	for (size_t i = 0; i < cx->ngroups; i++) {
		const struct group *g = &cx->groups[i];

		if (sl_table_add_row(t) ||
		    sl_table_set_name(t, SL_SUCCESS_RATES_AGENT_ID, cx->names, g->agent) ||
		    sl_table_set_name(t, SL_SUCCESS_RATES_ENVIRONMENT, cx->names, g->env)) {
			sl_table_free(t);
			return SL_ENOMEM;
		}
		sl_table_set_i64(t, SL_SUCCESS_RATES_DEPLOYMENT_DATE, g->day);
		sl_table_set_i64(t, SL_SUCCESS_RATES_TOTAL_DEPLOYMENTS, (int64_t)g->total);
		sl_table_set_i64(t, SL_SUCCESS_RATES_SUCCESSFUL_DEPLOYMENTS, (int64_t)g->completed);
		sl_table_set_i64(t, SL_SUCCESS_RATES_FAILED_DEPLOYMENTS, (int64_t)g->failed);
		sl_table_set_i64(t, SL_SUCCESS_RATES_ROLLBACK_COUNT, (int64_t)g->rollbacks);
		if (g->dur_n)
			sl_table_set_f64(t, SL_SUCCESS_RATES_AVG_DURATION_MS,
					 (double)g->dur_sum / (double)g->dur_n);
		if (g->cov_n)
			sl_table_set_f64(t, SL_SUCCESS_RATES_AVG_DEPLOYMENT_COVERAGE,
					 sl_fsum_value(&g->cov_sum) / (double)g->cov_n);
	}
	return sl_analysis_add(a, t);
}

static int summary_row(struct sl_table *t, const char *scope, const struct sl_dict *d,
		       const uint32_t *env, const struct totals *c, const struct totals *p,
		       int has_prev)
{
	double sr = ratio(c->completed, c->finished), psr = ratio(p->completed, p->finished);

	if (sl_table_add_row(t) || sl_table_set_str(t, SL_SUMMARY_SCOPE, scope, strlen(scope)) ||
	    (env && sl_table_set_name(t, SL_SUMMARY_ENVIRONMENT, d, *env)))
		return SL_ENOMEM;
	sl_table_set_i64(t, SL_SUMMARY_TOTAL_DEPLOYMENTS, (int64_t)c->total);
	sl_table_set_i64(t, SL_SUMMARY_ACTIVE_DEPLOYMENTS, (int64_t)c->active);
	sl_table_set_i64(t, SL_SUMMARY_FINISHED_DEPLOYMENTS, (int64_t)c->finished);
	sl_table_set_i64(t, SL_SUMMARY_SUCCESSFUL_DEPLOYMENTS, (int64_t)c->completed);
	sl_table_set_i64(t, SL_SUMMARY_FAILED_DEPLOYMENTS, (int64_t)c->failed);
	sl_table_set_i64(t, SL_SUMMARY_ROLLED_BACK_DEPLOYMENTS, (int64_t)c->rolled_back);
	sl_table_set_f64(t, SL_SUMMARY_SUCCESS_RATE, sr);
	sl_table_set_f64(t, SL_SUMMARY_ROLLBACK_RATE, ratio(c->rolled_back, c->finished));
	if (c->dur_n)
		sl_table_set_f64(t, SL_SUMMARY_AVG_DURATION_MS,
				 (double)c->dur_sum / (double)c->dur_n);
	if (has_prev) {
		sl_table_set_i64(t, SL_SUMMARY_PREV_TOTAL_DEPLOYMENTS, (int64_t)p->total);
		sl_table_set_f64(t, SL_SUMMARY_PREV_SUCCESS_RATE, psr);
		sl_table_set_f64(t, SL_SUMMARY_SUCCESS_RATE_CHANGE, sr - psr);
	}
	return SL_OK;
}

static int summary_table(struct ctx *cx, struct sl_analysis *a, int has_prev)
{
	struct sl_table *t = sl_table_new_def(SL_T_SUMMARY);

	if (!t)
		return SL_ENOMEM;
	sort_names = cx->names;
	sl_sort(cx->envs, cx->nenvs, sizeof(*cx->envs), cmp_env);
	for (size_t i = 0; i < cx->nenvs; i++)
		if (summary_row(t, "environment", cx->names, &cx->envs[i].env, &cx->envs[i].cur,
				&cx->envs[i].prev, has_prev)) {
			sl_table_free(t);
			return SL_ENOMEM;
		}
	if (summary_row(t, "overall", cx->names, NULL, &cx->all, &cx->all_prev, has_prev)) {
		sl_table_free(t);
		return SL_ENOMEM;
	}
	return sl_analysis_add(a, t);
}

struct change {
	uint32_t agent;
	double change;
};

static int cmp_change(const void *x, const void *y)
{
	const struct change *a = x, *b = y;

	if (a->change != b->change)
		return (a->change > b->change) - (a->change < b->change);
	return cmp_code(a->agent, b->agent);
}

/* success_change: the agents finished in both windows, the largest fall
 * first.  The success rate is the summary's (completed / finished). */
static int change_table(struct ctx *cx, struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(SL_T_SUCCESS_CHANGE);
	struct change *ch = malloc((cx->nagents ? cx->nagents : 1) * sizeof(*ch));
	size_t n = 0;
	int rc = SL_ENOMEM;

	if (!t || !ch)
		goto out;
	for (size_t i = 0; i < cx->nagents; i++) {
		const struct agentsum *s = &cx->agents[i];

		if (s->fin && s->prev_fin)
			ch[n++] = (struct change){(uint32_t)i,
						  (double)s->ok / (double)s->fin -
							  (double)s->prev_ok / (double)s->prev_fin};
	}
	sort_names = cx->names;
	sl_sort(ch, n, sizeof(*ch), cmp_change);
	for (size_t k = 0; k < n; k++) {
		const struct agentsum *s = &cx->agents[ch[k].agent];

		if (sl_table_add_row(t) ||
		    sl_table_set_name(t, SL_SUCCESS_CHANGE_AGENT_ID, cx->names, ch[k].agent))
			goto out;
		sl_table_set_i64(t, SL_SUCCESS_CHANGE_DEPLOYMENTS, (int64_t)s->fin);
		sl_table_set_f64(t, SL_SUCCESS_CHANGE_SUCCESS_RATE, ratio(s->ok, s->fin));
		sl_table_set_i64(t, SL_SUCCESS_CHANGE_PREV_DEPLOYMENTS, (int64_t)s->prev_fin);
		sl_table_set_f64(t, SL_SUCCESS_CHANGE_PREV_SUCCESS_RATE, ratio(s->prev_ok, s->prev_fin));
		sl_table_set_f64(t, SL_SUCCESS_CHANGE_CHANGE_PP, 100 * ch[k].change);
	}
	rc = sl_analysis_add(a, t);
	t = NULL;
out:
	sl_table_free(t);
	free(ch);
	return rc;
}

int success_run(const struct analyze_params *p, const struct sl_store *st,
		struct sl_analysis *a, struct success_counts *counts, struct sl_errctx *err)
{
	struct ctx cx;
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	int col[NC], rc;
	/* the previous window of equal length, when the window is bounded */
	int has_prev = p->from != SL_TIME_MIN && p->to != SL_TIME_MAX;
	int64_t scan_from = has_prev ? p->from - (p->to - p->from) : p->from;

	memset(&cx, 0, sizeof(cx));
	if (!(cx.names = sl_dict_new()))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = scan_deployments_cols(st, scan_from, p->to, colnames, NC, col, &sc,
					  err)))
		goto out;
	while ((rc = sl_scan_next(sc, &b, err)) > 0) {
		for (size_t r = 0; r < b->n; r++) {
			int64_t t;

			if (!sl_scan_in_window(sc, b, r) || !want_row(p, b, r, col))
				continue;
			t = b->cols[col[C_START]].v.i64[r];
			if (t >= p->from || p->from == SL_TIME_MIN)
				counts->deployments++;
			if (add_row(&cx, b, r, col, p->from == SL_TIME_MIN || t >= p->from)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
		}
	}
	if (rc < 0)
		goto out;
	counts->files += sl_scan_files(sc);
	if ((rc = rates_table(&cx, a)) || (rc = summary_table(&cx, a, has_prev)) ||
	    (rc = change_table(&cx, a)))
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_scan_close(sc);
	sl_dict_free(cx.names);
	sl_u64map_release(&cx.gmap);
	free(cx.groups);
	free(cx.envs);
	free(cx.agents);
	return rc;
}
