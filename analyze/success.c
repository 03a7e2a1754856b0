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
		    table_set_name(t, SL_SUCCESS_RATES_AGENT_ID, cx->names, g->agent) ||
		    table_set_name(t, SL_SUCCESS_RATES_ENVIRONMENT, cx->names, g->env)) {
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
	    (env && table_set_name(t, SL_SUMMARY_ENVIRONMENT, d, *env)))
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
		    table_set_name(t, SL_SUCCESS_CHANGE_AGENT_ID, cx->names, ch[k].agent))
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

/* ---- accumulate, save, load, finish (docs/SCALING.md: map and reduce) ---- */

struct success_acc {
	struct ctx cx;
};

struct success_acc *success_acc_new(void)
{
	struct success_acc *acc = calloc(1, sizeof(*acc));

	if (acc && !(acc->cx.names = sl_dict_new())) {
		free(acc);
		return NULL;
	}
	return acc;
}

void success_acc_free(struct success_acc *acc)
{
	if (!acc)
		return;
	sl_dict_free(acc->cx.names);
	sl_u64map_release(&acc->cx.gmap);
	free(acc->cx.groups);
	free(acc->cx.envs);
	free(acc->cx.agents);
	free(acc);
}

/* The scan starts at the previous window of equal length when the window
 * is bounded: success_change and the summary compare with it. */
int64_t success_scan_from(const struct analyze_params *p)
{
	int has_prev = p->from != SL_TIME_MIN && p->to != SL_TIME_MAX;

	return has_prev ? p->from - (p->to - p->from) : p->from;
}

int success_acc_scan(const struct analyze_params *p, const struct sl_store *st, int64_t from,
		     int64_t to, struct success_acc *acc, struct success_counts *counts,
		     struct sl_errctx *err)
{
	struct ctx *cx = &acc->cx;
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	int col[NC], rc;

	if ((rc = scan_deployments_cols(st, from, to, colnames, NC, col, &sc, err)))
		goto out;
	while ((rc = sl_scan_next(sc, &b, err)) > 0) {
		for (size_t r = 0; r < b->n; r++) {
			int64_t t;

			if (!sl_scan_in_window(sc, b, r) || !want_row(p, b, r, col))
				continue;
			t = b->cols[col[C_START]].v.i64[r];
			if (t >= p->from || p->from == SL_TIME_MIN)
				counts->deployments++;
			if (add_row(cx, b, r, col, p->from == SL_TIME_MIN || t >= p->from)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
		}
	}
	if (rc < 0)
		goto out;
	counts->files += sl_scan_files(sc);
	rc = SL_OK;
out:
	sl_scan_close(sc);
	return rc;
}

int success_acc_finish(struct success_acc *acc, const struct analyze_params *p,
		       struct sl_analysis *a, struct sl_errctx *err)
{
	int has_prev = p->from != SL_TIME_MIN && p->to != SL_TIME_MAX;

	if (rates_table(&acc->cx, a) || summary_table(&acc->cx, a, has_prev) ||
	    change_table(&acc->cx, a))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return SL_OK;
}

/* A partial's tables: the groups, the environments' totals (the overall's
 * with a null environment) and the agents' sums, by name. */
static const struct sl_rcol pg_cols[] = {
	{"agent", SL_R_STR}, {"environment", SL_R_STR}, {"day", SL_R_I64},
	{"total", SL_R_I64}, {"completed", SL_R_I64}, {"failed", SL_R_I64},
	{"rollbacks", SL_R_I64}, {"dur_sum", SL_R_I64}, {"dur_n", SL_R_I64},
	{"cov_sum", SL_R_STR}, {"cov_n", SL_R_I64}};
#define TOTALS_COLS(p) \
	{p "total", SL_R_I64}, {p "active", SL_R_I64}, {p "finished", SL_R_I64}, \
	{p "completed", SL_R_I64}, {p "failed", SL_R_I64}, {p "rolled_back", SL_R_I64}, \
	{p "dur_n", SL_R_I64}, {p "dur_sum", SL_R_I64}
static const struct sl_rcol pe_cols[] = {{"environment", SL_R_STR}, TOTALS_COLS(""),
					 TOTALS_COLS("prev_")};
static const struct sl_rcol pa_cols[] = {{"agent", SL_R_STR}, {"fin", SL_R_I64},
					 {"ok", SL_R_I64}, {"prev_fin", SL_R_I64},
					 {"prev_ok", SL_R_I64}};
#define NCOLS(c) ((int)(sizeof(c) / sizeof(c[0])))
#define TOTALS_N 8

static void totals_put(struct sl_table *t, int c, const struct totals *x)
{
	const int64_t v[TOTALS_N] = {(int64_t)x->total,     (int64_t)x->active,
				     (int64_t)x->finished,  (int64_t)x->completed,
				     (int64_t)x->failed,    (int64_t)x->rolled_back,
				     (int64_t)x->dur_n,     x->dur_sum};

	for (int k = 0; k < TOTALS_N; k++)
		sl_table_set_i64(t, c + k, v[k]);
}

/* The fixed-point words of an exact sum as hex (34 x 16 digits and the
 * flags): exact, and as long whatever the sum. */
static int fsum_put(struct sl_table *t, int c, const struct sl_fsum *s)
{
	char buf[SL_FSUM_WORDS * 16 + 4];
	int n = 0;

	for (int k = 0; k < SL_FSUM_WORDS; k++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%016llx",
			      (unsigned long long)s->w[k]);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%x", s->special & 7);
	return sl_table_set_str(t, c, buf, (size_t)n);
}

static int fsum_get(const char *hex, struct sl_fsum *s)
{
	char w[17];

	if (!hex || strlen(hex) != SL_FSUM_WORDS * 16 + 1)
		return -1;
	for (int k = 0; k < SL_FSUM_WORDS; k++) {
		char *end;

		memcpy(w, hex + 16 * k, 16);
		w[16] = 0;
		s->w[k] = strtoull(w, &end, 16);
		if (*end)
			return -1;
	}
	s->special = (unsigned)(hex[SL_FSUM_WORDS * 16] - '0');
	return s->special > 7 ? -1 : 0;
}

static int put_name(struct sl_table *t, int c, const struct sl_dict *d, uint32_t code)
{
	return table_set_name(t, c, d, code);
}

int success_acc_save(const struct success_acc *acc, struct sl_analysis *part)
{
	const struct ctx *cx = &acc->cx;
	struct sl_table *g = sl_table_new(SUCCESS_PART_GROUPS, pg_cols, NCOLS(pg_cols));
	struct sl_table *e = sl_table_new(SUCCESS_PART_ENVS, pe_cols, NCOLS(pe_cols));
	struct sl_table *ag = sl_table_new(SUCCESS_PART_AGENTS, pa_cols, NCOLS(pa_cols));
	int rc = SL_ENOMEM;

	if (!g || !e || !ag)
		goto out;
	for (size_t i = 0; i < cx->ngroups; i++) {
		const struct group *x = &cx->groups[i];
		const int64_t v[] = {x->day, (int64_t)x->total, (int64_t)x->completed,
				     (int64_t)x->failed, (int64_t)x->rollbacks, x->dur_sum,
				     (int64_t)x->dur_n};

		if (sl_table_add_row(g) || put_name(g, 0, cx->names, x->agent) ||
		    put_name(g, 1, cx->names, x->env) || fsum_put(g, 9, &x->cov_sum))
			goto out;
		for (int k = 0; k < 7; k++)
			sl_table_set_i64(g, 2 + k, v[k]);
		sl_table_set_i64(g, 10, (int64_t)x->cov_n);
	}
	for (size_t i = 0; i <= cx->nenvs; i++) {
		int overall = i == cx->nenvs;

		if (sl_table_add_row(e) ||
		    (!overall && put_name(e, 0, cx->names, cx->envs[i].env)))
			goto out;
		totals_put(e, 1, overall ? &cx->all : &cx->envs[i].cur);
		totals_put(e, 1 + TOTALS_N, overall ? &cx->all_prev : &cx->envs[i].prev);
	}
	for (size_t i = 0; i < cx->nagents; i++) {
		const struct agentsum *s = &cx->agents[i];

		if (!s->fin && !s->prev_fin)
			continue;
		if (sl_table_add_row(ag) || put_name(ag, 0, cx->names, (uint32_t)i))
			goto out;
		sl_table_set_i64(ag, 1, (int64_t)s->fin);
		sl_table_set_i64(ag, 2, (int64_t)s->ok);
		sl_table_set_i64(ag, 3, (int64_t)s->prev_fin);
		sl_table_set_i64(ag, 4, (int64_t)s->prev_ok);
	}
	if (sl_analysis_add(part, g)) {
		g = NULL;
		goto out;
	}
	g = NULL;
	if (sl_analysis_add(part, e)) {
		e = NULL;
		goto out;
	}
	e = NULL;
	rc = sl_analysis_add(part, ag);
	ag = NULL;
out:
	sl_table_free(g);
	sl_table_free(e);
	sl_table_free(ag);
	return rc;
}

/* A whole number cell of a partial: 0 when it is one and >= 0. */
static int cell_u64(const struct sl_table *t, int c, size_t r, uint64_t *v)
{
	double d;

	/* the file's integers are read back as doubles: exact below 2^53 */
	if (sl_table_get_f64(t, c, r, &d) || d < 0 || d >= 9007199254740992.0)
		return -1;
	*v = (uint64_t)d;
	return 0;
}

static int cell_i64(const struct sl_table *t, int c, size_t r, int64_t *v)
{
	double d;

	if (sl_table_get_f64(t, c, r, &d) || fabs(d) >= 9007199254740992.0)
		return -1;
	*v = (int64_t)d;
	return 0;
}

static int totals_get(const struct sl_table *t, int c, size_t r, struct totals *x)
{
	uint64_t v[TOTALS_N - 1];
	int64_t dur_sum;

	for (int k = 0; k < TOTALS_N - 1; k++)
		if (cell_u64(t, c + k, r, &v[k]))
			return -1;
	if (cell_i64(t, c + TOTALS_N - 1, r, &dur_sum))
		return -1;
	x->total += v[0];
	x->active += v[1];
	x->finished += v[2];
	x->completed += v[3];
	x->failed += v[4];
	x->rolled_back += v[5];
	x->dur_n += v[6];
	x->dur_sum += dur_sum;
	return 0;
}

/* The table name of a partial, or NULL with err set. */
static const struct sl_table *part_table(const struct sl_analysis *part, const char *name,
					 const struct sl_rcol *cols, int ncols, const char *path,
					 struct sl_errctx *err)
{
	const struct sl_table *t = sl_analysis_table(part, name);

	if (!t || sl_table_ncols(t) != ncols) {
		sl_err_set(err, SL_EFORMAT, path, 0, "not a partial of this version: no table '%s'",
			   name);
		return NULL;
	}
	for (int c = 0; c < ncols; c++)
		if (strcmp(sl_table_col_name(t, c), cols[c].name)) {
			sl_err_set(err, SL_EFORMAT, path, 0, "table '%s': no column '%s'", name,
				   cols[c].name);
			return NULL;
		}
	return t;
}

int success_acc_load(struct success_acc *acc, const struct sl_analysis *part, const char *path,
		     struct sl_errctx *err)
{
	struct ctx *cx = &acc->cx;
	const struct sl_table *g, *e, *ag;

	if (!(g = part_table(part, SUCCESS_PART_GROUPS, pg_cols, NCOLS(pg_cols), path, err)) ||
	    !(e = part_table(part, SUCCESS_PART_ENVS, pe_cols, NCOLS(pe_cols), path, err)) ||
	    !(ag = part_table(part, SUCCESS_PART_AGENTS, pa_cols, NCOLS(pa_cols), path, err)))
		return err->code;
	for (size_t r = 0; r < sl_table_rows(g); r++) {
		const char *an = sl_table_get_str(g, 0, r), *en = sl_table_get_str(g, 1, r);
		uint32_t ac, ec;
		int64_t day, dur_sum;
		uint64_t v[6];
		struct sl_fsum cov;
		struct group *x;

		if (!an || !en || cell_i64(g, 2, r, &day) || cell_u64(g, 3, r, &v[0]) ||
		    cell_u64(g, 4, r, &v[1]) || cell_u64(g, 5, r, &v[2]) ||
		    cell_u64(g, 6, r, &v[3]) || cell_i64(g, 7, r, &dur_sum) ||
		    cell_u64(g, 8, r, &v[4]) || cell_u64(g, 10, r, &v[5]) ||
		    fsum_get(sl_table_get_str(g, 9, r), &cov))
			goto bad;
		if (sl_dict_intern(cx->names, an, strlen(an), &ac) ||
		    sl_dict_intern(cx->names, en, strlen(en), &ec) || !(x = group_of(cx, ac, ec, day)))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		x->total += v[0];
		x->completed += v[1];
		x->failed += v[2];
		x->rollbacks += v[3];
		x->dur_sum += dur_sum;
		x->dur_n += v[4];
		x->cov_n += v[5];
		sl_fsum_merge(&x->cov_sum, &cov);
	}
	for (size_t r = 0; r < sl_table_rows(e); r++) {
		const char *en = sl_table_get_str(e, 0, r);
		struct totals *cur = &cx->all, *prev = &cx->all_prev;

		if (en) {
			uint32_t ec;
			struct envsum *es;

			if (sl_dict_intern(cx->names, en, strlen(en), &ec) || !(es = env_of(cx, ec)))
				return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			cur = &es->cur;
			prev = &es->prev;
		}
		if (totals_get(e, 1, r, cur) || totals_get(e, 1 + TOTALS_N, r, prev))
			goto bad;
	}
	for (size_t r = 0; r < sl_table_rows(ag); r++) {
		const char *an = sl_table_get_str(ag, 0, r);
		uint64_t v[4];
		uint32_t ac;

		if (!an || cell_u64(ag, 1, r, &v[0]) || cell_u64(ag, 2, r, &v[1]) ||
		    cell_u64(ag, 3, r, &v[2]) || cell_u64(ag, 4, r, &v[3]))
			goto bad;
		if (sl_dict_intern(cx->names, an, strlen(an), &ac))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		if (ac >= cx->nagents) {
			size_t n = cx->nagents;

			if (sl_grow(&cx->agents, &cx->nagents, (size_t)ac + 1, sizeof(*cx->agents)))
				return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			memset(cx->agents + n, 0, (cx->nagents - n) * sizeof(*cx->agents));
		}
		cx->agents[ac].fin += v[0];
		cx->agents[ac].ok += v[1];
		cx->agents[ac].prev_fin += v[2];
		cx->agents[ac].prev_ok += v[3];
	}
	return SL_OK;
bad:
	return sl_err_set(err, SL_EFORMAT, path, 0, "a partial's success counts are damaged");
}

int success_run(const struct analyze_params *p, const struct sl_store *st,
		struct sl_analysis *a, struct success_counts *counts, struct sl_errctx *err)
{
	struct success_acc *acc = success_acc_new();
	int rc;

	if (!acc)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	rc = success_acc_scan(p, st, success_scan_from(p), p->to, acc, counts, err);
	if (!rc)
		rc = success_acc_finish(acc, p, a, err);
	success_acc_free(acc);
	return rc;
}
