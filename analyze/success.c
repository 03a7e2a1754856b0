#include "success.h"
#include "common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_fsum.h"
#include "sl_scan.h"
#include "sl_u64map.h"
#include "window.h"

/* One row of the view: agent × environment × day of the window, with
 * what the summary adds up (so that any set of agents' summary is a sum
 * of groups: the scan is made once for every team). */
struct group {
	uint32_t agent, env; /* codes in the run's dictionary */
	int64_t day;
	uint64_t total, completed, failed, rollbacks;
	uint64_t active, finished, rolled_back; /* the summary's (rollbacks: the view's flag) */
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

/* The previous window of one agent × environment. */
struct prevsum {
	uint32_t agent, env;
	struct totals t;
};

struct envsum {
	uint32_t env;
	struct totals cur, prev;
};

/* One agent's finished and completed deployments, now and before. */
struct agentsum {
	uint64_t fin, ok, prev_fin, prev_ok;
};

struct success_agg {
	struct sl_dict *names;
	struct sl_u64map gmap, pmap;
	struct group *groups;  /* sorted by agent, environment, day when done */
	size_t ngroups, gcap;
	struct prevsum *prev;
	size_t nprev, pcap;
	int has_prev;
	uint64_t files;
};

enum { C_AGENT, C_ENV, C_PHASE, C_START, C_DUR, C_DEPLOYED, C_TARGET, C_ROLLBACK, NC };
static const char *const colnames[NC] = {"agent_id", "environment", "phase", "start_time",
					 "duration_ms", "deployed_instances",
					 "target_instances", "rollback_triggered"};

static struct group *group_of(struct success_agg *cx, uint32_t agent, uint32_t env, int64_t day)
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

static struct totals *prev_of(struct success_agg *cx, uint32_t agent, uint32_t env)
{
	uint32_t *v;
	int added;
	struct prevsum *ps;

	if (sl_u64map_put(&cx->pmap, (uint64_t)agent << 32 | env, &v, &added))
		return NULL;
	if (!added)
		return &cx->prev[*v].t;
	if (sl_grow(&cx->prev, &cx->pcap, cx->nprev + 1, sizeof(*cx->prev)))
		return NULL;
	*v = (uint32_t)cx->nprev;
	ps = &cx->prev[cx->nprev++];
	memset(ps, 0, sizeof(*ps));
	ps->agent = agent;
	ps->env = env;
	return &ps->t;
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

static void add_totals(struct totals *t, const struct totals *u)
{
	t->total += u->total;
	t->active += u->active;
	t->finished += u->finished;
	t->completed += u->completed;
	t->failed += u->failed;
	t->rolled_back += u->rolled_back;
	t->dur_n += u->dur_n;
	t->dur_sum += u->dur_sum;
}

static struct totals group_totals(const struct group *g)
{
	return (struct totals){g->total, g->active, g->finished, g->completed, g->failed,
			       g->rolled_back, g->dur_n, g->dur_sum};
}

static int add_row(struct success_agg *cx, const struct sl_batch *b, size_t r, const int *col,
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
	struct totals *pt, t = {0};
	struct group *g;

	if (!agent || !env) /* required at ingest; a foreign file may lack them */
		return SL_OK;
	if (sl_dict_intern(cx->names, agent, an, &ac) || sl_dict_intern(cx->names, env, en, &ec))
		return SL_ENOMEM;
	if (!current) {
		if (!(pt = prev_of(cx, ac, ec)))
			return SL_ENOMEM;
		count(pt, ph, rollback, has_dur, dur);
		return SL_OK;
	}
	g = group_of(cx, ac, ec, window_day(b->cols[col[C_START]].v.i64[r]));
	if (!g)
		return SL_ENOMEM;
	count(&t, ph, rollback, has_dur, dur);
	g->active += t.active;
	g->finished += t.finished;
	g->rolled_back += t.rolled_back;
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

static int in_set(const uint8_t *mask, uint32_t agent)
{
	return !mask || mask[agent];
}

static int rates_table(const struct success_agg *cx, const uint8_t *mask, struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(SL_T_SUCCESS_RATES);

	if (!t)
		return SL_ENOMEM;
	for (size_t i = 0; i < cx->ngroups; i++) {
		const struct group *g = &cx->groups[i];

		if (!in_set(mask, g->agent))
			continue;
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

/* summary and org_summary have the same columns (sl_tables.h), so the
 * SL_SUMMARY_* constants serve both. */
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

static struct envsum *env_of(struct envsum **envs, size_t *n, size_t *cap, uint32_t env)
{
	for (size_t i = 0; i < *n; i++)
		if ((*envs)[i].env == env)
			return &(*envs)[i];
	if (sl_grow(envs, cap, *n + 1, sizeof(**envs)))
		return NULL;
	memset(&(*envs)[*n], 0, sizeof(**envs));
	(*envs)[*n].env = env;
	return &(*envs)[(*n)++];
}

/* The summary of the agents in mask (NULL: all) as table id: per
 * environment (the environments any of them deployed to, in either
 * window) and overall. */
static int summary_table(const struct success_agg *cx, const uint8_t *mask, enum sl_tid id,
			 struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(id);
	struct envsum *envs = NULL, *es;
	struct totals all = {0}, all_prev = {0};
	size_t nenvs = 0, ecap = 0;
	int rc = SL_ENOMEM;

	if (!t)
		return SL_ENOMEM;
	for (size_t i = 0; i < cx->ngroups; i++) {
		const struct group *g = &cx->groups[i];
		struct totals gt = group_totals(g);

		if (!in_set(mask, g->agent))
			continue;
		if (!(es = env_of(&envs, &nenvs, &ecap, g->env)))
			goto out;
		add_totals(&es->cur, &gt);
		add_totals(&all, &gt);
	}
	for (size_t i = 0; i < cx->nprev; i++) {
		const struct prevsum *ps = &cx->prev[i];

		if (!in_set(mask, ps->agent))
			continue;
		if (!(es = env_of(&envs, &nenvs, &ecap, ps->env)))
			goto out;
		add_totals(&es->prev, &ps->t);
		add_totals(&all_prev, &ps->t);
	}
	sort_names = cx->names;
	sl_sort(envs, nenvs, sizeof(*envs), cmp_env);
	for (size_t i = 0; i < nenvs; i++)
		if (summary_row(t, "environment", cx->names, &envs[i].env, &envs[i].cur,
				&envs[i].prev, cx->has_prev))
			goto out;
	if (summary_row(t, "overall", cx->names, NULL, &all, &all_prev, cx->has_prev))
		goto out;
	rc = sl_analysis_add(a, t);
	t = NULL;
out:
	sl_table_free(t);
	free(envs);
	return rc;
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
static int change_table(const struct success_agg *cx, const uint8_t *mask, struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(SL_T_SUCCESS_CHANGE);
	size_t nagents = sl_dict_count(cx->names), n = 0;
	struct agentsum *as = calloc(nagents ? nagents : 1, sizeof(*as));
	struct change *ch = malloc((nagents ? nagents : 1) * sizeof(*ch));
	int rc = SL_ENOMEM;

	if (!t || !ch || !as)
		goto out;
	for (size_t i = 0; i < cx->ngroups; i++) {
		const struct group *g = &cx->groups[i];

		as[g->agent].fin += g->finished;
		as[g->agent].ok += g->completed;
	}
	for (size_t i = 0; i < cx->nprev; i++) {
		const struct prevsum *ps = &cx->prev[i];

		as[ps->agent].prev_fin += ps->t.finished;
		as[ps->agent].prev_ok += ps->t.completed;
	}
	for (size_t i = 0; i < nagents; i++) {
		const struct agentsum *s = &as[i];

		if (in_set(mask, (uint32_t)i) && s->fin && s->prev_fin)
			ch[n++] = (struct change){(uint32_t)i,
						  (double)s->ok / (double)s->fin -
							  (double)s->prev_ok / (double)s->prev_fin};
	}
	sort_names = cx->names;
	sl_sort(ch, n, sizeof(*ch), cmp_change);
	for (size_t k = 0; k < n; k++) {
		const struct agentsum *s = &as[ch[k].agent];

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
	free(as);
	return rc;
}

void success_free(struct success_agg *cx)
{
	if (!cx)
		return;
	sl_dict_free(cx->names);
	sl_u64map_release(&cx->gmap);
	sl_u64map_release(&cx->pmap);
	free(cx->groups);
	free(cx->prev);
	free(cx);
}

int64_t success_scan_from(const struct analyze_params *p)
{
	/* the previous window of equal length, when the window is bounded */
	int has_prev = p->from != SL_TIME_MIN && p->to != SL_TIME_MAX;

	return has_prev ? p->from - (p->to - p->from) : p->from;
}

int success_new(const struct analyze_params *p, struct success_agg **out, struct sl_errctx *err)
{
	struct success_agg *cx = calloc(1, sizeof(*cx));

	*out = NULL;
	if (!cx || !(cx->names = sl_dict_new())) {
		free(cx);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	cx->has_prev = p->from != SL_TIME_MIN && p->to != SL_TIME_MAX;
	*out = cx;
	return SL_OK;
}

int success_scan_range(const struct analyze_params *p, const struct sl_store *st, int64_t from,
		       int64_t to, struct success_agg *cx, struct sl_errctx *err)
{
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	int col[NC], rc;

	if ((rc = scan_deployments_cols(st, from, to, colnames, NC, col, &sc, err)))
		goto out;
	while ((rc = sl_scan_next(sc, &b, err)) > 0) {
		for (size_t r = 0; r < b->n; r++) {
			int64_t t;
			size_t en;
			const char *env;

			if (!sl_scan_in_window(sc, b, r))
				continue;
			env = sl_batch_get_str(b, col[C_ENV], r, &en);
			if (!env_wanted(p, env, en))
				continue;
			t = b->cols[col[C_START]].v.i64[r];
			if (add_row(cx, b, r, col, p->from == SL_TIME_MIN || t >= p->from)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
		}
	}
	if (rc < 0)
		goto out;
	cx->files += sl_scan_files(sc);
	rc = SL_OK;
out:
	sl_scan_close(sc);
	return rc;
}

void success_done(struct success_agg *cx)
{
	sort_names = cx->names;
	sl_sort(cx->groups, cx->ngroups, sizeof(*cx->groups), cmp_group);
	/* the lookups are done: the maps' memory goes before the analyses */
	sl_u64map_release(&cx->gmap);
	sl_u64map_release(&cx->pmap);
}

uint64_t success_files(const struct success_agg *cx)
{
	return cx->files;
}

int success_scan(const struct analyze_params *p, const struct sl_store *st,
		 struct success_agg **out, struct sl_errctx *err)
{
	struct success_agg *cx;
	int rc;

	*out = NULL;
	if ((rc = success_new(p, &cx, err)))
		return rc;
	if ((rc = success_scan_range(p, st, success_scan_from(p), p->to, cx, err))) {
		success_free(cx);
		return rc;
	}
	success_done(cx);
	*out = cx;
	return SL_OK;
}

int success_tables(const struct success_agg *cx, const struct agent_set *set, int org,
		   struct sl_analysis *a, struct success_counts *counts, struct sl_errctx *err)
{
	uint8_t *mask = NULL;
	int rc = SL_OK;

	if (set && set->n && agent_set_codes(set, cx->names, &mask))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	counts->deployments = 0;
	counts->matched = 0;
	for (size_t i = 0; i < cx->ngroups; i++)
		if (in_set(mask, cx->groups[i].agent)) {
			counts->deployments += cx->groups[i].total;
			if (!i || cx->groups[i].agent != cx->groups[i - 1].agent)
				counts->matched++;
		}
	counts->files = cx->files;
	if (rates_table(cx, mask, a) || summary_table(cx, mask, SL_T_SUMMARY, a) ||
	    change_table(cx, mask, a) || (org && summary_table(cx, NULL, SL_T_ORG_SUMMARY, a)))
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	free(mask);
	return rc;
}

int success_run(const struct analyze_params *p, const struct sl_store *st,
		struct sl_analysis *a, struct success_counts *counts, struct sl_errctx *err)
{
	struct success_agg *cx;
	int rc;

	if ((rc = success_scan(p, st, &cx, err)))
		return rc;
	rc = success_tables(cx, &p->agents, 0, a, counts, err);
	success_free(cx);
	return rc;
}

int success_unowned(const struct success_agg *cx, const struct sl_teams *teams,
		    struct sl_analysis *a, struct sl_errctx *err)
{
	struct sl_table *t = sl_table_new_def(SL_T_UNOWNED_AGENTS);
	char *name = NULL;
	size_t cap = 0;

	if (!t)
		goto nomem;
	/* the groups are by agent name: an agent's are consecutive */
	for (size_t i = 0, e; i < cx->ngroups; i = e) {
		uint64_t total = 0;
		size_t n;
		const char *s = sl_dict_get(cx->names, cx->groups[i].agent, &n);
		int owned = 0;

		for (e = i; e < cx->ngroups && cx->groups[e].agent == cx->groups[i].agent; e++)
			total += cx->groups[e].total;
		if (sl_grow(&name, &cap, n + 1, 1))
			goto nomem;
		memcpy(name, s, n);
		name[n] = '\0';
		for (size_t k = 0; k < teams->n && !owned; k++)
			owned = sl_team_matches(&teams->teams[k], name);
		if (owned)
			continue;
		if (sl_table_add_row(t) || sl_table_set_str(t, SL_UNOWNED_AGENTS_AGENT_ID, s, n))
			goto nomem;
		sl_table_set_i64(t, SL_UNOWNED_AGENTS_DEPLOYMENTS, (int64_t)total);
	}
	free(name);
	if (sl_analysis_add(a, t))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return SL_OK;
nomem:
	free(name);
	sl_table_free(t);
	return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
}

/* ---- a partial of the map and reduce (docs/SCALING.md) ----
 * The groups and the previous window's totals as they are, by name: the
 * reduce adds them into one agg (group_of, prev_of) and finishes with
 * success_tables(), as one run does. */

static const struct sl_rcol pg_cols[] = {
	{"agent", SL_R_STR},	 {"environment", SL_R_STR}, {"day", SL_R_I64},
	{"total", SL_R_I64},	 {"completed", SL_R_I64},	  {"failed", SL_R_I64},
	{"rollbacks", SL_R_I64}, {"active", SL_R_I64},	  {"finished", SL_R_I64},
	{"rolled_back", SL_R_I64}, {"dur_sum", SL_R_I64},	  {"dur_n", SL_R_I64},
	{"cov_sum", SL_R_STR},	 {"cov_n", SL_R_I64}};
enum { PG_AGENT, PG_ENV, PG_DAY, PG_TOTAL, PG_COMPLETED, PG_FAILED, PG_ROLLBACKS, PG_ACTIVE,
       PG_FINISHED, PG_ROLLED_BACK, PG_DUR_SUM, PG_DUR_N, PG_COV_SUM, PG_COV_N };
static const struct sl_rcol pp_cols[] = {
	{"agent", SL_R_STR},	{"environment", SL_R_STR}, {"total", SL_R_I64},
	{"active", SL_R_I64},	{"finished", SL_R_I64},	 {"completed", SL_R_I64},
	{"failed", SL_R_I64},	{"rolled_back", SL_R_I64}, {"dur_n", SL_R_I64},
	{"dur_sum", SL_R_I64}};
#define NCOLS(c) ((int)(sizeof(c) / sizeof(c[0])))
#define TOTALS_N 8

int success_save(const struct success_agg *cx, struct sl_analysis *part)
{
	struct sl_table *g = sl_table_new(SUCCESS_PART_GROUPS, pg_cols, NCOLS(pg_cols));
	struct sl_table *pv = sl_table_new(SUCCESS_PART_PREV, pp_cols, NCOLS(pp_cols));
	int rc = SL_ENOMEM;

	if (!g || !pv)
		goto out;
	for (size_t i = 0; i < cx->ngroups; i++) {
		const struct group *x = &cx->groups[i];
		const int64_t v[] = {x->day,	   (int64_t)x->total,	    (int64_t)x->completed,
				     (int64_t)x->failed, (int64_t)x->rollbacks,   (int64_t)x->active,
				     (int64_t)x->finished, (int64_t)x->rolled_back, x->dur_sum,
				     (int64_t)x->dur_n};

		if (sl_table_add_row(g) || sl_table_set_name(g, PG_AGENT, cx->names, x->agent) ||
		    sl_table_set_name(g, PG_ENV, cx->names, x->env) ||
		    partial_fsum_put(g, PG_COV_SUM, &x->cov_sum))
			goto out;
		for (int k = 0; k < PG_COV_SUM - PG_DAY; k++)
			sl_table_set_i64(g, PG_DAY + k, v[k]);
		sl_table_set_i64(g, PG_COV_N, (int64_t)x->cov_n);
	}
	for (size_t i = 0; i < cx->nprev; i++) {
		const struct prevsum *ps = &cx->prev[i];
		const int64_t v[TOTALS_N] = {(int64_t)ps->t.total,	(int64_t)ps->t.active,
					     (int64_t)ps->t.finished,	(int64_t)ps->t.completed,
					     (int64_t)ps->t.failed,	(int64_t)ps->t.rolled_back,
					     (int64_t)ps->t.dur_n,	ps->t.dur_sum};

		if (sl_table_add_row(pv) || sl_table_set_name(pv, 0, cx->names, ps->agent) ||
		    sl_table_set_name(pv, 1, cx->names, ps->env))
			goto out;
		for (int k = 0; k < TOTALS_N; k++)
			sl_table_set_i64(pv, 2 + k, v[k]);
	}
	rc = sl_analysis_add(part, g);
	g = NULL;
	if (!rc)
		rc = sl_analysis_add(part, pv);
	pv = NULL;
out:
	sl_table_free(g);
	sl_table_free(pv);
	return rc;
}

/* A whole number cell of a partial that is not negative. */
static int cell_u64(const struct sl_table *t, int c, size_t r, uint64_t *v)
{
	int64_t x;

	if (partial_cell(t, c, r, &x) || x < 0)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

int success_load(struct success_agg *cx, const struct sl_analysis *part, const char *path,
		 struct sl_errctx *err)
{
	const struct sl_table *g, *pv;

	if (!(g = partial_table(part, SUCCESS_PART_GROUPS, pg_cols, NCOLS(pg_cols), path, err)) ||
	    !(pv = partial_table(part, SUCCESS_PART_PREV, pp_cols, NCOLS(pp_cols), path, err)))
		return err->code;
	for (size_t r = 0; r < sl_table_rows(g); r++) {
		const char *an = sl_table_get_str(g, PG_AGENT, r);
		const char *en = sl_table_get_str(g, PG_ENV, r);
		uint64_t v[PG_COV_N + 1];
		int64_t day, dur_sum;
		struct sl_fsum cov;
		uint32_t ac, ec;
		struct group *x;

		if (!an || !en || partial_cell(g, PG_DAY, r, &day) || partial_cell(g, PG_DUR_SUM, r, &dur_sum) ||
		    partial_fsum_get(sl_table_get_str(g, PG_COV_SUM, r), &cov))
			goto bad;
		for (int c = PG_TOTAL; c <= PG_COV_N; c++)
			if (c != PG_DUR_SUM && c != PG_COV_SUM && cell_u64(g, c, r, &v[c]))
				goto bad;
		if (sl_dict_intern(cx->names, an, strlen(an), &ac) ||
		    sl_dict_intern(cx->names, en, strlen(en), &ec) || !(x = group_of(cx, ac, ec, day)))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		x->total += v[PG_TOTAL];
		x->completed += v[PG_COMPLETED];
		x->failed += v[PG_FAILED];
		x->rollbacks += v[PG_ROLLBACKS];
		x->active += v[PG_ACTIVE];
		x->finished += v[PG_FINISHED];
		x->rolled_back += v[PG_ROLLED_BACK];
		x->dur_sum += dur_sum;
		x->dur_n += v[PG_DUR_N];
		x->cov_n += v[PG_COV_N];
		sl_fsum_merge(&x->cov_sum, &cov);
	}
	for (size_t r = 0; r < sl_table_rows(pv); r++) {
		const char *an = sl_table_get_str(pv, 0, r), *en = sl_table_get_str(pv, 1, r);
		uint64_t v[TOTALS_N - 1];
		int64_t dur_sum;
		uint32_t ac, ec;
		struct totals *t;

		if (!an || !en || partial_cell(pv, 2 + TOTALS_N - 1, r, &dur_sum))
			goto bad;
		for (int k = 0; k < TOTALS_N - 1; k++)
			if (cell_u64(pv, 2 + k, r, &v[k]))
				goto bad;
		if (sl_dict_intern(cx->names, an, strlen(an), &ac) ||
		    sl_dict_intern(cx->names, en, strlen(en), &ec) || !(t = prev_of(cx, ac, ec)))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		add_totals(t, &(struct totals){v[0], v[1], v[2], v[3], v[4], v[5], v[6], dur_sum});
	}
	return SL_OK;
bad:
	return sl_err_set(err, SL_EFORMAT, path, 0, "a partial's success counts are damaged");
}
