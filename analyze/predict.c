#include "predict.h"
#include "common.h"
#include "frame.h"
#include "history.h"
#include "query.h"
#include "rollback.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_ols.h"
#include "sl_stats.h"
#include "sl_u64map.h"
#include "sl_value.h"

#define DAY_MS 86400000LL
#define CODE_UNKNOWN (UINT32_MAX - 1) /* a name the history never saw */
/* The prior of the success probability: Jeffreys' Beta(1/2, 1/2). */
#define PRIOR_A 0.5
#define PRIOR_B 0.5

/* GSL's beta quantile gives up (NaN) for large, lopsided parameters
 * (99990.5, 10.5); its distribution function still works there, so the
 * quantile is then found by bisection on it, to the last bit. */
static double beta_quantile(double q, double a, double b)
{
	double x = gsl_cdf_beta_Pinv(q, a, b), lo = 0, hi = 1;

	if (isfinite(x))
		return x;
	for (int i = 0; i < 2000 && hi - lo > 0; i++) {
		double mid = lo + (hi - lo) / 2;

		if (mid <= lo || mid >= hi)
			break;
		if (gsl_cdf_beta_P(mid, a, b) < q)
			lo = mid;
		else
			hi = mid;
	}
	return lo + (hi - lo) / 2;
}

static double beta_mean(uint64_t k, uint64_t n, double prior_a, double prior_b)
{
	double a = prior_a + (double)k, b = prior_b + (double)(n - k);

	return a / (a + b);
}

void predict_beta(uint64_t k, uint64_t n, double prior_a, double prior_b, double *mean,
		  double *lo, double *hi)
{
	double a = prior_a + (double)k, b = prior_b + (double)(n - k);

	*mean = beta_mean(k, n, prior_a, prior_b);
	*lo = beta_quantile(0.05, a, b);
	*hi = beta_quantile(0.95, a, b);
}

/* ---- the duration model ---- */

/* The levels of a factor seen in the training rows, in name order; ref is
 * the level without a column (-1: none of them, as for the agents when
 * some are pooled). */
struct levels {
	uint32_t *code;
	uint64_t *count;
	size_t n, cap;
	int ref;
	size_t pooled;        /* levels without a column that are not the reference */
	struct sl_u64map map; /* code -> index while adding; then code -> LV_* or column */
};

#define LV_REF UINT32_MAX
#define LV_POOLED (UINT32_MAX - 1)
/* At most this many environments and strategies get a column (the most
 * frequent); agents get what is left of SL_OLS_MAX_P. */
#define MAX_FACTOR_LEVELS 64

/* The design: one column per non-reference level of environment and
 * strategy, six numeric terms, one per non-reference agent level. */
enum { T_LOG_TARGET, T_LOG_BYTES, T_VALIDATIONS, T_HOUR_SIN, T_HOUR_COS, T_WEEKEND, T_NUM };
static const char *const num_terms[T_NUM] = {"log_target_instances", "log_artifact_bytes",
					     "validations", "hour_sin", "hour_cos", "weekend"};

struct dcols {
	int env, strat, agent, unseen;
};

struct dmodel {
	struct levels env, strat, agent;
	int p; /* regressors */
	struct sl_ols_fit *fit;
	double smear;
	struct dcols *dc; /* of each combination of the rows (struct combos), or NULL */
};

/* The combinations of agent, environment and strategy of a history's
 * rows, numbered: what a model or the similar deployments make of a row
 * depends on its combination only, worked out once for each of them
 * instead of looked up again for each row. */
struct combos {
	struct sl_u64map map; /* combo_key() -> number */
	struct combo_key_ {
		uint32_t agent, env, strategy;
	} *key;               /* of each number */
	size_t n, cap;
	uint32_t *of;         /* the number of each row of the history */
};

static uint64_t combo_key(uint32_t agent, uint32_t env, uint32_t strategy)
{
	uint32_t k[3] = {agent, env, strategy};

	return sl_hash(k, sizeof(k));
}

static void combos_release(struct combos *cb)
{
	sl_u64map_release(&cb->map);
	free(cb->key);
	free(cb->of);
	memset(cb, 0, sizeof(*cb));
}

static int combos_build(const struct history *h, struct combos *cb)
{
	memset(cb, 0, sizeof(*cb));
	if (!(cb->of = malloc((h->n ? h->n : 1) * sizeof(*cb->of))))
		return SL_ENOMEM;
	for (size_t i = 0; i < h->n; i++) {
		size_t fi = h->fr ? h->fr[i] : i;
		uint32_t a = h->f->agent[fi], e = h->f->env[fi], st = h->f->strategy[fi], *v;
		int added;

		if (sl_u64map_put(&cb->map, combo_key(a, e, st), &v, &added))
			goto nomem;
		if (added) {
			if (sl_grow(&cb->key, &cb->cap, cb->n + 1, sizeof(*cb->key)))
				goto nomem;
			cb->key[cb->n] = (struct combo_key_){a, e, st};
			*v = (uint32_t)cb->n++;
		}
		cb->of[i] = *v;
	}
	return SL_OK;
nomem:
	combos_release(cb);
	return SL_ENOMEM;
}

/* What a deployment (past or planned) looks like to the model. */
struct plan {
	uint32_t agent, env, strategy; /* codes, HIST_NONE (no strategy) or CODE_UNKNOWN */
	double target, bytes, validations;
	int64_t start;
};

static void levels_release(struct levels *l)
{
	free(l->code);
	free(l->count);
	sl_u64map_release(&l->map);
	memset(l, 0, sizeof(*l));
}

static int level_add(struct levels *l, uint32_t code, uint64_t k)
{
	size_t cap = l->cap;
	uint32_t *v;
	int added;

	if (sl_u64map_put(&l->map, code, &v, &added))
		return SL_ENOMEM;
	if (!added) {
		l->count[*v] += k;
		return SL_OK;
	}
	if (sl_grow(&l->code, &l->cap, l->n + 1, sizeof(*l->code)) ||
	    sl_grow(&l->count, &cap, l->n + 1, sizeof(*l->count)))
		return SL_ENOMEM;
	*v = (uint32_t)l->n;
	l->code[l->n] = code;
	l->count[l->n++] = k;
	return SL_OK;
}

static _Thread_local const struct history *sort_hist;

static int name_cmp(uint32_t a, uint32_t b)
{
	size_t na, nb;
	const char *sa = history_name(sort_hist, a, &na), *sb = history_name(sort_hist, b, &nb);
	int c;

	if (!sa || !sb) /* no strategy sorts first */
		return (sa != NULL) - (sb != NULL);
	c = memcmp(sa, sb, na < nb ? na : nb);
	return c ? c : (na > nb) - (na < nb);
}

struct level_pair {
	uint32_t code;
	uint64_t count;
};

static int cmp_by_name(const void *x, const void *y)
{
	return name_cmp(((const struct level_pair *)x)->code, ((const struct level_pair *)y)->code);
}

static int cmp_by_count(const void *x, const void *y)
{
	const struct level_pair *a = x, *b = y;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return name_cmp(a->code, b->code);
}

/* Keeps the levels with at least min rows, at most max of them (the most
 * frequent, then by name), in name order; the rest are pooled.  The most
 * frequent kept level is the reference (the first by name on a tie)
 * unless some are pooled and pooled_is_ref: then the pooled levels are
 * the reference.  Then the map tells each code's column. */
static int levels_finish(struct levels *l, const struct history *h, uint64_t min, size_t max,
			 int pooled_is_ref)
{
	struct level_pair *v = malloc((l->n ? l->n : 1) * sizeof(*v));
	size_t k = 0, all = l->n;
	int col = 0;

	if (!v)
		return SL_ENOMEM;
	sort_hist = h;
	for (size_t i = 0; i < l->n; i++)
		if (l->count[i] >= min) {
			v[k].code = l->code[i];
			v[k++].count = l->count[i];
		}
	sl_sort(v, k, sizeof(*v), cmp_by_count);
	if (k > max)
		k = max;
	l->pooled = all - k;
	sl_sort(v, k, sizeof(*v), cmp_by_name);
	sl_u64map_release(&l->map);
	for (size_t i = 0; i < all; i++) {
		uint32_t *m;
		int added;

		if (sl_u64map_put(&l->map, l->code[i], &m, &added)) {
			free(v);
			return SL_ENOMEM;
		}
		*m = LV_POOLED;
	}
	l->n = k;
	l->ref = k ? 0 : -1;
	for (size_t i = 0; i < k; i++) {
		l->code[i] = v[i].code;
		l->count[i] = v[i].count;
		if (v[i].count > l->count[l->ref])
			l->ref = (int)i;
	}
	if (l->pooled && pooled_is_ref)
		l->ref = -1;
	for (size_t i = 0; i < k; i++)
		*sl_u64map_get(&l->map, l->code[i]) = (int)i == l->ref ? LV_REF : (uint32_t)col++;
	free(v);
	return SL_OK;
}

/* Column of code within a factor's block, -1 for the reference, an
 * unseen or a pooled level; *seen says whether the level was known. */
static int level_col(const struct levels *l, uint32_t code, int *seen)
{
	uint32_t *v = sl_u64map_get(&l->map, code);

	*seen = v != NULL;
	return !v || *v == LV_REF || *v == LV_POOLED ? -1 : (int)*v;
}

static size_t level_cols(const struct levels *l)
{
	return l->n - (l->ref >= 0);
}

static void plan_of(const struct hist_row *w, struct plan *pl)
{
	pl->agent = w->agent;
	pl->env = w->env;
	pl->strategy = w->strategy;
	pl->target = w->target > 0 ? (double)w->target : 0;
	pl->bytes = w->artifact_bytes;
	pl->validations = w->validations;
	pl->start = w->start;
}

static int64_t weekday(int64_t t, int64_t *ms);

/* The most regressors a plan has that can be non-zero: a level of each
 * factor and the numeric terms. */
#define DESIGN_NZ (3 + T_NUM)

/* ln(1 + the target instances) of the small counts most deployments
 * have, filled as they are met (NaN: not yet): a table look-up instead of
 * a logarithm for most of a million rows, the same value. */
#define LOG_TARGET_MEMO 1024
struct terms_memo {
	double log_target[LOG_TARGET_MEMO];
};

static void terms_memo_init(struct terms_memo *tm)
{
	for (int i = 0; i < LOG_TARGET_MEMO; i++)
		tm->log_target[i] = NAN;
}

/* The numeric terms of a plan that cost little (a look-up, a division):
 * the target's logarithm (memoised in tm, which may be NULL), the
 * validations, the weekend; the time of day's ms in *ms. */
static void cheap_terms(const struct plan *pl, struct terms_memo *tm, double *num, int64_t *ms)
{
	int64_t wd = weekday(pl->start, ms);
	double t = pl->target;

	if (tm && t >= 0 && t < LOG_TARGET_MEMO && t == (int)t) {
		if (isnan(tm->log_target[(int)t]))
			tm->log_target[(int)t] = log1p(t);
		num[T_LOG_TARGET] = tm->log_target[(int)t];
	} else {
		num[T_LOG_TARGET] = log1p(t);
	}
	num[T_VALIDATIONS] = pl->validations;
	num[T_WEEKEND] = wd >= 5;
}

/* The numeric terms of a plan, the same in every model; tm may be NULL. */
static void plan_terms(const struct plan *pl, struct terms_memo *tm, double *num)
{
	int64_t ms;
	double ang;

	cheap_terms(pl, tm, num, &ms);
	ang = 2 * M_PI * (double)ms / (double)DAY_MS;
	num[T_LOG_BYTES] = log1p(pl->bytes);
	num[T_HOUR_SIN] = sin(ang);
	num[T_HOUR_COS] = cos(ang);
}

/* The columns of a deployment's factor levels within their blocks (-1:
 * none, see level_col()) and how many of the levels the model had not
 * seen (they count as the reference level). */
static struct dcols dcols_of(const struct dmodel *m, uint32_t agent, uint32_t env,
			     uint32_t strategy)
{
	struct dcols d;
	int seen;

	d.env = level_col(&m->env, env, &seen);
	d.unseen = !seen;
	d.strat = level_col(&m->strat, strategy, &seen);
	d.unseen += !seen;
	/* an agent below the minimum is pooled, not unseen */
	d.agent = level_col(&m->agent, agent, &seen);
	return d;
}

/* The regressors of a deployment with factor columns d and numeric terms
 * num as a sparse row (idx increasing, the numeric terms always listed),
 * their number in *k; returns d's unseen levels. */
static int design_cols(const struct dmodel *m, const struct dcols *d, const double *num,
		       int *idx, double *val, int *k)
{
	int off = 0, n = 0;

	if (d->env >= 0) {
		idx[n] = off + d->env;
		val[n++] = 1;
	}
	off += (int)level_cols(&m->env);
	if (d->strat >= 0) {
		idx[n] = off + d->strat;
		val[n++] = 1;
	}
	off += (int)level_cols(&m->strat);
	for (int t = 0; t < T_NUM; t++) {
		idx[n] = off + t;
		val[n++] = num[t];
	}
	off += T_NUM;
	if (d->agent >= 0) {
		idx[n] = off + d->agent;
		val[n++] = 1;
	}
	*k = n;
	return d->unseen;
}

/* design_cols() of a plan. */
static int design(const struct dmodel *m, const struct plan *pl, const double *num, int *idx,
		  double *val, int *k)
{
	struct dcols d = dcols_of(m, pl->agent, pl->env, pl->strategy);

	return design_cols(m, &d, num, idx, val, k);
}

/* The columns of each combination of cb in m->dc.  0 or SL_ENOMEM. */
static int dmodel_combos(struct dmodel *m, const struct combos *cb)
{
	if (!(m->dc = malloc((cb->n ? cb->n : 1) * sizeof(*m->dc))))
		return SL_ENOMEM;
	for (size_t c = 0; c < cb->n; c++)
		m->dc[c] = dcols_of(m, cb->key[c].agent, cb->key[c].env, cb->key[c].strategy);
	return SL_OK;
}

/* Day of the week of a UTC time (0 = Monday) and its ms since midnight. */
static int64_t weekday(int64_t t, int64_t *ms)
{
	int64_t day = sl_day_of_ms(t);

	*ms = t - day * DAY_MS;
	return ((day % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday */
}

static int usable(const struct hist_row *w)
{
	return w->finished && w->has_dur && w->dur > 0;
}

static void dmodel_release(struct dmodel *m)
{
	levels_release(&m->env);
	levels_release(&m->strat);
	levels_release(&m->agent);
	sl_ols_fit_free(m->fit);
	free(m->dc);
	memset(m, 0, sizeof(*m));
}

/* What a training row gives every model, computed once: its log duration
 * and the numeric terms that cost a logarithm, a sine or a cosine (more
 * than the rest of a row's work); the others are worked out again from
 * the row (rterms_num()), so that a row costs 32 bytes, not 56. */
struct rterms {
	double y, log_bytes, hour_sin, hour_cos;
};

static void rterms_set(struct rterms *r, const double *num, double y)
{
	r->y = y;
	r->log_bytes = num[T_LOG_BYTES];
	r->hour_sin = num[T_HOUR_SIN];
	r->hour_cos = num[T_HOUR_COS];
}

/* The numeric terms of the row whose plan is pl, from its rterms r. */
static void rterms_num(const struct rterms *r, const struct plan *pl, struct terms_memo *tm,
		       double *num)
{
	int64_t ms;

	cheap_terms(pl, tm, num, &ms);
	num[T_LOG_BYTES] = r->log_bytes;
	num[T_HOUR_SIN] = r->hour_sin;
	num[T_HOUR_COS] = r->hour_cos;
}

/* Fits nm models at once, model j on the usable rows among idx[0..n[j]):
 * one pass over the rows feeds them all.  rt (the largest n[j] entries)
 * gets the rows' terms.  An empty training set leaves m[j].fit NULL.
 * With cb (the combinations of h's rows; may be NULL) each model gets the
 * columns of each combination, m[j].dc. */
#define DMODEL_MAX 2
static int dmodel_fit(struct dmodel *m, int nm, const struct history *h, const size_t *idx,
		      const size_t *n, struct rterms *rt, int agent_min, const struct combos *cb,
		      struct sl_errctx *err)
{
	struct sl_ols *o[DMODEL_MAX] = {NULL};
	struct terms_memo tm;
	size_t nmax = 0;
	int rc = SL_ENOMEM;

	for (int j = 0; j < nm; j++) {
		memset(&m[j], 0, sizeof(m[j]));
		nmax = n[j] > nmax ? n[j] : nmax;
	}
	for (size_t i = 0; i < nmax; i++) {
		const struct hist_row wv = hist_get(h, idx[i]), *w = &wv;

		for (int j = 0; j < nm; j++)
			if (i < n[j] && (level_add(&m[j].env, w->env, 1) ||
					 level_add(&m[j].strat, w->strategy, 1) ||
					 level_add(&m[j].agent, w->agent, 1)))
				goto out;
	}
	/* Per-agent effects only where the data supports them: an agent with
	 * at least agent_min training deployments gets its own column (the
	 * most frequent ones while columns are left); the others are pooled
	 * into the reference.  When no agent is pooled, the most frequent one
	 * is the reference. */
	for (int j = 0; j < nm; j++) {
		struct dmodel *d = &m[j];

		if (levels_finish(&d->env, h, 1, MAX_FACTOR_LEVELS, 0) ||
		    levels_finish(&d->strat, h, 1, MAX_FACTOR_LEVELS, 0) ||
		    levels_finish(&d->agent, h, (uint64_t)agent_min,
				  SL_OLS_MAX_P - T_NUM - level_cols(&d->env) - level_cols(&d->strat),
				  1))
			goto out;
		d->p = (int)(level_cols(&d->env) + level_cols(&d->strat) + T_NUM +
			     level_cols(&d->agent));
		if ((n[j] && !(o[j] = sl_ols_new(d->p))) || (cb && dmodel_combos(d, cb)))
			goto out;
	}
	terms_memo_init(&tm);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nmax; i++) {
			const struct hist_row wv = hist_get(h, idx[i]), *w = &wv;
			struct plan pl;
			int xi[DESIGN_NZ], k;
			double xv[DESIGN_NZ];

			double num[T_NUM];

			plan_of(w, &pl);
			if (pass == 0) {
				plan_terms(&pl, &tm, num);
				rterms_set(&rt[i], num, log((double)w->dur));
			} else {
				rterms_num(&rt[i], &pl, &tm, num);
			}
			for (int j = 0; j < nm; j++) {
				if (i >= n[j])
					continue;
				if (cb)
					design_cols(&m[j], &m[j].dc[cb->of[idx[i]]], num, xi, xv, &k);
				else
					design(&m[j], &pl, num, xi, xv, &k);
				if (pass == 0)
					sl_ols_add_sparse(o[j], xi, xv, k, rt[i].y);
				else
					sl_ols_smear_add_sparse(m[j].fit, xi, xv, k, rt[i].y);
			}
		}
		for (int j = 0; j < nm && pass == 0; j++)
			if (o[j] && (rc = sl_ols_solve(o[j], 0.90, &m[j].fit)))
				goto out;
	}
	for (int j = 0; j < nm; j++) {
		/* the factor levels are indicators: the intervals cost
		 * O(non-zeros) a row (sl_ols.h) */
		unsigned char ind[SL_OLS_MAX_P];
		int nf = (int)(level_cols(&m[j].env) + level_cols(&m[j].strat));

		if (!m[j].fit)
			continue;
		for (int c = 0; c < m[j].p; c++)
			ind[c] = c < nf || c >= nf + T_NUM;
		sl_ols_indicators(m[j].fit, ind);
		m[j].smear = sl_ols_smear(m[j].fit);
	}
	rc = SL_OK;
out:
	if (rc == SL_ENOMEM)
		sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	else if (rc == SL_EINVAL)
		rc = sl_err_set(err, SL_EINVAL, NULL, 0, "the duration model cannot be solved");
	for (int j = 0; j < nm; j++)
		sl_ols_free(o[j]);
	return rc;
}

/* Predicted duration (ms, Duan-corrected mean) and the 90% interval
 * (the log-scale interval back-transformed: quantiles need no
 * correction) of a plan with numeric terms num (plan_terms()), its
 * factor columns dc (NULL: worked out from the plan).  Returns the number
 * of unseen levels. */
static int dmodel_predict(const struct dmodel *m, const struct plan *pl, const struct dcols *dc,
			  const double *num, double *pred, double *lo, double *hi)
{
	int xi[DESIGN_NZ], k, unseen;
	double xv[DESIGN_NZ], half, yhat;

	unseen = dc ? design_cols(m, dc, num, xi, xv, &k) : design(m, pl, num, xi, xv, &k);
	yhat = sl_ols_predict_sparse(m->fit, xi, xv, k, &half);
	*pred = exp(yhat) * m->smear;
	*lo = exp(yhat - half);
	*hi = exp(yhat + half);
	return unseen;
}

static int add_model_row(struct sl_table *t, const char *term, double coef, double se,
			 int dropped, const char *why)
{
	if (sl_table_add_row(t) || sl_table_set_str(t, SL_DURATION_MODEL_TERM, term, strlen(term)))
		return SL_ENOMEM;
	sl_table_set_f64(t, SL_DURATION_MODEL_COEFFICIENT, coef);
	sl_table_set_f64(t, SL_DURATION_MODEL_STD_ERROR, se);
	sl_table_set_bool(t, SL_DURATION_MODEL_DROPPED, dropped);
	return sl_table_set_str(t, SL_DURATION_MODEL_WHY, why, strlen(why));
}

static const char *drop_why(enum sl_ols_drop d)
{
	return d == SL_OLS_CONSTANT    ? "constant in the training data"
	       : d == SL_OLS_COLLINEAR ? "collinear with earlier terms"
				       : "";
}

/* The rows of one factor's block; *col advances over its columns. */
static int model_factor(struct sl_table *t, const struct dmodel *m, const struct levels *l,
			const struct history *h, const char *factor, int *col, struct sl_buf *b)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t n;
		const char *s = history_name(h, l->code[i], &n);

		sl_buf_reset(b);
		if (sl_buf_printf(b, "%s=%.*s", factor, s ? (int)n : 6, s ? s : "(none)"))
			return SL_ENOMEM;
		if ((int)i == l->ref) {
			if (add_model_row(t, sl_buf_cstr(b), 0, NAN, 1,
					  l->n == 1 ? "reference level (the only level)"
						    : "reference level"))
				return SL_ENOMEM;
			continue;
		}
		if (add_model_row(t, sl_buf_cstr(b), m->fit->coef[*col], m->fit->se[*col],
				  m->fit->drop[*col] != SL_OLS_KEPT, drop_why(m->fit->drop[*col])))
			return SL_ENOMEM;
		(*col)++;
	}
	if (l->pooled && strcmp(factor, "agent")) {
		sl_buf_reset(b);
		if (sl_buf_printf(b, "%s=(others)", factor) ||
		    add_model_row(t, sl_buf_cstr(b), 0, NAN, 1,
				  "taken as the reference level: past the limit of 64 levels"))
			return SL_ENOMEM;
	}
	return SL_OK;
}

static int model_table(struct sl_analysis *a, const struct dmodel *m, const struct history *h,
		       int agent_min)
{
	struct sl_table *t = sl_table_new_def(SL_T_DURATION_MODEL);
	struct sl_buf b = SL_BUF_INIT;
	int col = 0, rc = SL_ENOMEM;

	if (!t)
		return SL_ENOMEM;
	if (m->fit) {
		if (add_model_row(t, "(intercept)", m->fit->intercept, m->fit->intercept_se, 0, "") ||
		    model_factor(t, m, &m->env, h, "environment", &col, &b) ||
		    model_factor(t, m, &m->strat, h, "strategy", &col, &b))
			goto out;
		for (int k = 0; k < T_NUM; k++, col++)
			if (add_model_row(t, num_terms[k], m->fit->coef[col], m->fit->se[col],
					  m->fit->drop[col] != SL_OLS_KEPT, drop_why(m->fit->drop[col])))
				goto out;
		if (model_factor(t, m, &m->agent, h, "agent", &col, &b))
			goto out;
		if (m->agent.pooled) {
			sl_buf_reset(&b);
			if (sl_buf_printf(&b, "pooled into the reference: %zu agent%s with fewer than "
					      "%d finished deployments or past the column limit",
					  m->agent.pooled, m->agent.pooled == 1 ? "" : "s", agent_min) ||
			    add_model_row(t, "agent=(others)", 0, NAN, 1, sl_buf_cstr(&b)))
				goto out;
		}
	}
	rc = SL_OK;
out:
	sl_buf_release(&b);
	if (rc || sl_analysis_add(a, t)) {
		if (rc)
			sl_table_free(t);
		return SL_ENOMEM;
	}
	return SL_OK;
}

/* The median of v[0..n) (reordered), as median_sorted() of the sorted
 * values. */
static double median(double *v, size_t n)
{
	double b, a;

	if (n < 2)
		return median_sorted(v, n);
	b = sl_select_kth(v, n, n / 2);
	if (n % 2)
		return b;
	/* the largest of the lower half, which lies below n / 2 */
	a = v[0];
	for (size_t i = 1; i < n / 2; i++)
		if (v[i] > a)
			a = v[i];
	return (a + b) / 2;
}

/* The duration backtest: fit on the first 80% of the usable deployments
 * (start time, then id), predict the last 20%. */
static int duration_run(const struct analyze_params *p, const struct history *h,
			const struct combos *cb, struct sl_analysis *a, struct sl_errctx *err)
{
	struct dmodel model[2], *train = &model[0], *full = &model[1];
	struct sl_table *pt = NULL, *mt = NULL;
	size_t *idx = NULL, n = 0, ntrain, nhold;
	struct rterms *rt = NULL;
	struct terms_memo tm;
	double *ape = NULL, *base = NULL, abs_sum = 0, base_sum = 0, base_med = NAN, num[T_NUM];
	size_t covered = 0, unseen = 0;
	int rc = SL_ENOMEM;

	memset(model, 0, sizeof(model));
	terms_memo_init(&tm);
	if (!(idx = malloc((h->n ? h->n : 1) * sizeof(*idx))))
		goto nomem;
	for (size_t i = 0; i < h->n; i++) {
		const struct hist_row w = hist_get(h, i);

		if (usable(&w))
			idx[n++] = i;
	}
	nhold = n / 5;
	ntrain = n - nhold;
	if (!(rt = malloc((n ? n : 1) * sizeof(*rt))))
		goto nomem;
	if ((rc = dmodel_fit(model, 2, h, idx, (const size_t[2]){ntrain, n}, rt,
			     p->cfg.predict_agent_min, cb, err)))
		goto out;
	rc = SL_ENOMEM;
	if (!(pt = sl_table_new_stream_def(a, SL_T_PREDICTIONS)) ||
	    !(ape = malloc((nhold + 1) * sizeof(*ape))) ||
	    !(base = malloc((ntrain + 1) * sizeof(*base))))
		goto nomem;
	for (size_t i = 0; i < ntrain; i++)
		base[i] = (double)hist_get(h, idx[i]).dur;
	base_med = median(base, ntrain);
	for (size_t i = ntrain; i < n && train->fit; i++) {
		const struct hist_row wv = hist_get(h, idx[i]), *w = &wv;
		struct plan pl;
		double pred, lo, hi, act = (double)w->dur;

		plan_of(w, &pl);
		rterms_num(&rt[i], &pl, &tm, num);
		unseen += dmodel_predict(train, &pl, &train->dc[cb->of[idx[i]]], num, &pred, &lo,
					 &hi) > 0;
		abs_sum += fabs(pred - act);
		base_sum += fabs(base_med - act);
		ape[i - ntrain] = fabs(pred - act) / act;
		covered += lo <= act && act <= hi;
		if (sl_table_add_row(pt) ||
		    frame_table_set_id(pt, SL_PREDICTIONS_DEPLOYMENT_ID, h->f, w->id))
			goto nomem;
		sl_table_set_i64(pt, SL_PREDICTIONS_ACTUAL_DURATION_MS, w->dur);
		sl_table_set_f64(pt, SL_PREDICTIONS_PREDICTED_DURATION_MS, pred);
		sl_table_set_f64(pt, SL_PREDICTIONS_LOWER_90_MS, lo);
		sl_table_set_f64(pt, SL_PREDICTIONS_UPPER_90_MS, hi);
	}
	if (sl_analysis_add(a, pt))
		goto nomem;
	pt = NULL;
	if (model_table(a, full, h, p->cfg.predict_agent_min))
		goto nomem;
	if (!(mt = metric_table_new(SL_T_DURATION_BACKTEST)))
		goto nomem;
	{
		double hn = (double)nhold;
		int ok = nhold && train->fit;

		if (metric_add(mt, "train_deployments", (double)ntrain) ||
		    metric_add(mt, "holdout_deployments", hn) ||
		    metric_add(mt, "mae_ms", ok ? abs_sum / hn : NAN) ||
		    metric_add(mt, "mae_ms_train_median", ok ? base_sum / hn : NAN) ||
		    metric_add(mt, "median_ape", ok ? median(ape, nhold) : NAN) ||
		    metric_add(mt, "coverage_90", ok ? (double)covered / hn : NAN) ||
		    metric_add(mt, "holdout_unseen_levels", (double)unseen) ||
		    metric_add(mt, "train_rank", train->fit ? train->fit->rank : NAN) ||
		    metric_add(mt, "train_terms", train->fit ? train->p : NAN) ||
		    metric_add(mt, "train_r2", train->fit ? train->fit->r2 : NAN) ||
		    metric_add(mt, "train_s_log", train->fit ? train->fit->s : NAN) ||
		    metric_add(mt, "train_smearing", train->fit ? train->smear : NAN) ||
		    metric_add(mt, "train_svd", train->fit ? train->fit->svd : NAN) ||
		    metric_add(mt, "model_deployments", (double)n) ||
		    metric_add(mt, "model_rank", full->fit ? full->fit->rank : NAN) ||
		    metric_add(mt, "model_r2", full->fit ? full->fit->r2 : NAN) ||
		    metric_add(mt, "model_s_log", full->fit ? full->fit->s : NAN) ||
		    metric_add(mt, "model_smearing", full->fit ? full->smear : NAN) ||
		    metric_add(mt, "model_svd", full->fit ? full->fit->svd : NAN))
			goto nomem;
	}
	if (sl_analysis_add(a, mt))
		goto nomem;
	mt = NULL;
	rc = SL_OK;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	dmodel_release(train);
	dmodel_release(full);
	sl_table_free(pt);
	sl_table_free(mt);
	free(idx);
	free(rt);
	free(ape);
	free(base);
	return rc;
}

/* ---- success prediction ---- */

/* Similar past deployments, widened step by step while fewer than the
 * minimum finished ones are found. */
enum { SIM_AGENT_ENV_STRATEGY, SIM_AGENT_ENV, SIM_ENV_STRATEGY, SIM_ENV, SIM_ALL, SIM_N };
static const char *const sim_names[SIM_N] = {"agent+environment+strategy", "agent+environment",
					     "environment+strategy", "environment", "all"};

struct sim_counts {
	uint64_t finished, completed, rolled_back;
};

struct sim_index {
	struct sl_u64map map;
	struct sim_counts *c;
	size_t n, cap;
};

static uint64_t sim_key(int level, uint32_t agent, uint32_t env, uint32_t strat)
{
	uint32_t k[4] = {(uint32_t)level, 0, 0, 0};

	if (level == SIM_AGENT_ENV_STRATEGY || level == SIM_AGENT_ENV)
		k[1] = agent;
	if (level != SIM_ALL)
		k[2] = env;
	if (level == SIM_AGENT_ENV_STRATEGY || level == SIM_ENV_STRATEGY)
		k[3] = strat;
	return sl_hash(k, sizeof(k));
}

/* The counts of w's key at each level, made when new; their indices in
 * at[] (optional). */
static int sim_add_at(struct sim_index *s, const struct hist_row *w, uint32_t *at)
{
	for (int l = 0; l < SIM_N; l++) {
		uint32_t *v;
		int added;

		if (sl_u64map_put(&s->map, sim_key(l, w->agent, w->env, w->strategy), &v, &added))
			return SL_ENOMEM;
		if (added) {
			if (sl_grow(&s->c, &s->cap, s->n + 1, sizeof(*s->c)))
				return SL_ENOMEM;
			memset(&s->c[s->n], 0, sizeof(*s->c));
			*v = (uint32_t)s->n++;
		}
		s->c[*v].finished++;
		s->c[*v].completed += w->completed;
		s->c[*v].rolled_back += w->rolled_back;
		if (at)
			at[l] = *v;
	}
	return SL_OK;
}

static int sim_add(struct sim_index *s, const struct hist_row *w)
{
	return sim_add_at(s, w, NULL);
}

/* The narrowest level with at least min finished deployments (all, the
 * last, whatever its count). */
static int sim_find(const struct sim_index *s, uint32_t agent, uint32_t env, uint32_t strat,
		    int min, struct sim_counts *out)
{
	for (int l = 0; l < SIM_N; l++) {
		uint32_t *v = sl_u64map_get(&s->map, sim_key(l, agent, env, strat));

		if (v && (s->c[*v].finished >= (uint64_t)min || l == SIM_ALL)) {
			*out = s->c[*v];
			return l;
		}
	}
	memset(out, 0, sizeof(*out));
	return SIM_ALL;
}

/* sim_find() of a combination whose counts are at at[] (each level's key
 * has them: a row of that combination was added). */
static int sim_find_at(const struct sim_index *s, const uint32_t *at, int min,
		       struct sim_counts *out)
{
	int l = 0;

	while (l < SIM_ALL && s->c[at[l]].finished < (uint64_t)min)
		l++;
	*out = s->c[at[l]];
	return l;
}

static void sim_release(struct sim_index *s)
{
	sl_u64map_release(&s->map);
	free(s->c);
	memset(s, 0, sizeof(*s));
}

/* Time-ordered backtest of the success probability: counts from the first
 * 80% of the finished deployments, Brier score on the last 20% next to the
 * training base rate's. */
static int success_backtest(const struct analyze_params *p, const struct history *h,
			    const struct combos *cb, struct sl_analysis *a, struct sl_errctx *err)
{
	struct sim_index s = {SL_U64MAP_INIT, NULL, 0, 0};
	/* each combination's counts, once a row of it was added (UINT32_MAX
	 * before): a row costs no look-up */
	uint32_t (*at)[SIM_N] = malloc((cb->n ? cb->n : 1) * sizeof(*at));
	struct sl_table *t = NULL;
	size_t nf = 0, ntrain, seen = 0, levels[SIM_N] = {0}, nh = 0;
	uint64_t done = 0;
	double brier = 0, brier_base = 0, base, *pm = NULL, *pb = NULL, *py = NULL, dmean, dupper;
	int rc = SL_ENOMEM, better;

	for (size_t i = 0; i < h->n; i++)
		nf += hist_get(h, i).finished;
	ntrain = nf - nf / 5;
	/* the held-out probabilities, base rates and outcomes, for the
	 * verdict the rollback risk's backtest gives too */
	if (!at || !(pm = malloc((nf / 5 + 1) * sizeof(*pm))) ||
	    !(pb = malloc((nf / 5 + 1) * sizeof(*pb))) || !(py = malloc((nf / 5 + 1) * sizeof(*py))))
		goto out;
	for (size_t c = 0; c < cb->n; c++)
		at[c][0] = UINT32_MAX;
	for (size_t i = 0; i < h->n && seen < ntrain; i++) {
		const struct hist_row w = hist_get(h, i);
		uint32_t *ca = at[cb->of[i]];

		if (!w.finished)
			continue;
		if (ca[0] == UINT32_MAX) {
			if (sim_add_at(&s, &w, ca))
				goto out;
		} else {
			for (int l = 0; l < SIM_N; l++) {
				s.c[ca[l]].finished++;
				s.c[ca[l]].completed += w.completed;
				s.c[ca[l]].rolled_back += w.rolled_back;
			}
		}
		done += w.completed;
		seen++;
	}
	base = ntrain ? (double)done / (double)ntrain : NAN;
	seen = 0;
	for (size_t i = 0; i < h->n; i++) {
		const struct hist_row wv = hist_get(h, i), *w = &wv;
		struct sim_counts c;
		double mean, y = w->completed;
		int l;

		if (!w->finished || seen++ < ntrain)
			continue;
		if (at[cb->of[i]][0] != UINT32_MAX)
			l = sim_find_at(&s, at[cb->of[i]], p->cfg.predict_min_similar, &c);
		else
			l = sim_find(&s, w->agent, w->env, w->strategy, p->cfg.predict_min_similar,
				     &c);
		levels[l]++;
		/* the Brier score needs the posterior mean only (predict_beta()'s,
		 * without its quantiles, which cost a root search each) */
		mean = beta_mean(c.completed, c.finished, PRIOR_A, PRIOR_B);
		brier += (mean - y) * (mean - y);
		brier_base += (base - y) * (base - y);
		pm[nh] = mean;
		pb[nh] = base;
		py[nh++] = y;
	}
	better = rollback_verdict(pm, pb, py, nh, &dmean, &dupper);
	if (!(t = metric_table_new(SL_T_SUCCESS_BACKTEST)))
		goto out;
	{
		double hn = (double)(nf / 5);
		int ok = nf / 5 && ntrain;

		if (metric_add(t, "train_deployments", (double)ntrain) ||
		    metric_add(t, "holdout_deployments", hn) ||
		    metric_add(t, "base_rate", base) ||
		    metric_add(t, "brier", ok ? brier / hn : NAN) ||
		    metric_add(t, "brier_base_rate", ok ? brier_base / hn : NAN) ||
		    metric_add(t, "brier_skill", ok && brier_base > 0 ? 1 - brier / brier_base : NAN) ||
		    metric_add(t, "brier_difference", dmean) ||
		    metric_add(t, "brier_difference_upper_95", dupper) ||
		    metric_add(t, "better_than_base_rate", better))
			goto out;
		for (int l = 0; l < SIM_N; l++) {
			char name[64];

			snprintf(name, sizeof(name), "similar_by_%s", sim_names[l]);
			if (metric_add(t, name, (double)levels[l]))
				goto out;
		}
	}
	if (sl_analysis_add(a, t))
		goto out;
	t = NULL;
	rc = SL_OK;
out:
	sl_table_free(t);
	sim_release(&s);
	free(at);
	free(pm);
	free(pb);
	free(py);
	return rc ? sl_err_set(err, SL_ENOMEM, NULL, 0, NULL) : SL_OK;
}

int predict_run(const struct analyze_params *p, const struct sl_store *st,
		const struct frame *f,
		struct sl_analysis *a, struct sl_errctx *err)
{
	struct history h;
	struct combos cb;
	int rc;

	(void)st;
	if ((rc = history_from_frame(f, 1, &h, err)))
		return rc;
	if ((rc = combos_build(&h, &cb))) {
		history_release(&h);
		return sl_err_set(err, rc, NULL, 0, NULL);
	}
	if (!(rc = duration_run(p, &h, &cb, a, err)))
		rc = success_backtest(p, &h, &cb, a, err);
	combos_release(&cb);
	history_release(&h);
	return rc;
}

int predict_rollback_run(const struct analyze_params *p, const struct sl_store *st,
			 const struct frame *f, struct sl_analysis *a, struct sl_errctx *err)
{
	struct history h;
	int rc;

	(void)p;
	(void)st;
	if ((rc = history_from_frame(f, 1, &h, err)))
		return rc;
	rc = rollback_tables(&h, a, err);
	history_release(&h);
	return rc;
}

/* ---- the predict query ---- */

static uint32_t code_of(const struct history *h, const char *s)
{
	uint32_t c = sl_dict_count(h->names);

	/* the dictionary has no lookup without interning: look at the codes
	 * the rows use (few distinct agents, environments, strategies) */
	for (uint32_t i = 0; i < c; i++) {
		size_t n;
		const char *v = sl_dict_get(h->names, i, &n);

		if (n == strlen(s) && !memcmp(v, s, n))
			return i;
	}
	return CODE_UNKNOWN;
}

static int arg_num(const struct analyze_params *p, const char *key, double def, double max,
		   double *out)
{
	const char *s = query_arg(p, key);

	*out = def;
	if (!s)
		return 0;
	if (sl_parse_f64(s, strlen(s), out) || !isfinite(*out) || *out < 0 || *out > max) {
		fprintf(stderr, "shiplog-analyze: error: --arg %s: '%s' is not a number from 0 to %g\n",
			key, s, max);
		return -1;
	}
	return 0;
}

static int add_factor(struct sl_buf *f, struct sl_buf *r, const char *factor, const char *rec)
{
	return (f->len && sl_buf_addc(f, ';')) || sl_buf_adds(f, factor) ||
	       (r->len && sl_buf_addc(r, ';')) || sl_buf_adds(r, rec);
}

int predict_query(const struct analyze_params *p, const struct sl_store *st,
		  struct sl_errctx *err)
{
	struct history h;
	struct dmodel m = {0};
	struct sim_index s = {SL_U64MAP_INIT, NULL, 0, 0};
	struct sl_table *t = NULL;
	struct sl_buf note = SL_BUF_INIT, fac = SL_BUF_INIT, rec = SL_BUF_INIT;
	struct plan pl;
	struct sim_counts c;
	struct rollback_plan_risk rr;
	size_t *idx = NULL, n = 0, recent = 0, recent_fail = 0, agent_rows = 0, env_rows = 0;
	struct rterms *rt = NULL;
	double num[T_NUM], pred = NAN, lo = NAN, hi = NAN, mean, slo, shi;
	const char *strat = query_arg(p, "strategy"), *at = query_arg(p, "at"), *conf;
	int rc, level, said = 0;

	memset(&pl, 0, sizeof(pl));
	if (arg_num(p, "instances", 1, 1e9, &pl.target) ||
	    arg_num(p, "artifact_bytes", 0, 1e18, &pl.bytes) ||
	    arg_num(p, "validations", 0, 1e6, &pl.validations))
		return 2;
	pl.start = p->now;
	if (at && sl_parse_time(at, strlen(at), &pl.start)) {
		fprintf(stderr, "shiplog-analyze: error: --arg at: '%s' is not a time\n", at);
		return 2;
	}
	if ((rc = history_load(p, st, 0, &h, err)))
		return rc;
	pl.agent = code_of(&h, p->agent);
	pl.env = code_of(&h, p->env);
	pl.strategy = strat ? code_of(&h, strat) : HIST_NONE;
	for (size_t i = 0; i < h.n; i++) {
		const struct hist_row w = hist_get(&h, i);

		agent_rows += w.agent == pl.agent;
		env_rows += w.env == pl.env;
	}
	/* a name the window never saw: when the store never saw it either,
	 * a warning with the nearest names (a typo, or a plan for a new agent
	 * or environment: still predicted, from the others, confidence low) */
	if (!agent_rows || !env_rows) {
		static const enum sl_kind kind = SL_KIND_DEPLOYMENTS;
		struct analyze_params q = *p;

		q.agent = agent_rows ? NULL : p->agent;
		q.env = env_rows ? NULL : p->env;
		if ((rc = agent_env_unknown(&q, st, &kind, 1, 1, err)) < 0)
			goto out;
		said = rc;
	}
	rc = SL_ENOMEM;
	if (!(idx = malloc((h.n ? h.n : 1) * sizeof(*idx))) ||
	    !(rt = malloc((h.n ? h.n : 1) * sizeof(*rt))))
		goto out;
	for (size_t i = 0; i < h.n; i++) {
		const struct hist_row w = hist_get(&h, i);

		if (usable(&w))
			idx[n++] = i;
		if (w.finished && sim_add(&s, &w))
			goto out;
	}
	if ((rc = dmodel_fit(&m, 1, &h, idx, &n, rt, p->cfg.predict_agent_min, NULL, err)))
		goto out;
	rc = SL_ENOMEM;
	plan_terms(&pl, NULL, num);
	if (!m.fit) {
		if (sl_buf_adds(&note, "no finished deployments with a duration to fit"))
			goto out;
	} else if (dmodel_predict(&m, &pl, NULL, num, &pred, &lo, &hi)) {
		int seen;

		level_col(&m.env, pl.env, &seen);
		if (!seen && sl_buf_adds(&note, "environment not seen: taken as the reference level"))
			goto out;
		level_col(&m.strat, pl.strategy, &seen);
		if (!seen && ((note.len && sl_buf_adds(&note, "; ")) ||
			      sl_buf_adds(&note, "strategy not seen: taken as the reference level")))
			goto out;
	}
	/* success: the similar deployments, their posterior, the risks */
	level = sim_find(&s, pl.agent, pl.env, pl.strategy, p->cfg.predict_min_similar, &c);
	predict_beta(c.completed, c.finished, PRIOR_A, PRIOR_B, &mean, &slo, &shi);
	for (size_t i = h.n; i-- > 0 && recent < 10;) {
		const struct hist_row wv = hist_get(&h, i), *w = &wv;

		if (!w->finished || w->agent != pl.agent || w->env != pl.env)
			continue;
		recent++;
		recent_fail += !w->completed;
	}
	if (level >= SIM_ENV_STRATEGY &&
	    add_factor(&fac, &rec, "insufficient_historical_data",
		       "deploy to a lower environment first to build a history"))
		goto out;
	if (c.finished && mean < 0.9 &&
	    add_factor(&fac, &rec, "low_success_rate",
		       "review the failures of similar deployments before deploying"))
		goto out;
	if (recent_fail >= 2 &&
	    add_factor(&fac, &rec, "recent_failures",
		       "confirm the causes of the agent's recent failures are fixed"))
		goto out;
	if (c.finished && (double)c.rolled_back > 0.1 * (double)c.finished &&
	    add_factor(&fac, &rec, "high_rollback_rate",
		       "use a canary rollout with automated analysis and rollback"))
		goto out;
	if (pl.target >= 50 && add_factor(&fac, &rec, "large_fleet",
					  "roll out in batches of at most 10% of the instances"))
		goto out;
	if (strat && !strcmp(strat, "recreate") && p->env && !strcmp(p->env, "production") &&
	    add_factor(&fac, &rec, "downtime_strategy_in_production",
		       "prefer rolling or blue_green in production (recreate has downtime)"))
		goto out;
	{
		int64_t ms, wd = weekday(pl.start, &ms);

		if ((wd >= 5 || ms < 8 * 3600000LL || ms >= 18 * 3600000LL) &&
		    add_factor(&fac, &rec, "off_hours", "deploy during staffed hours (08-18 UTC, weekdays)"))
			goto out;
	}
	/* many similar deployments of other agents say little about this
	 * one: without its own history the confidence is low */
	conf = level >= SIM_ENV_STRATEGY ? "low"
	       : c.finished >= 100	 ? "high"
	       : c.finished >= 30	 ? "medium"
					 : "low";
	if (level >= SIM_ENV_STRATEGY && !said)
		fprintf(stderr,
			"shiplog-analyze: warning: fewer than %d finished deployments of agent '%s'"
			" in '%s' in the window: the prediction leans on other agents' (confidence"
			" low)\n",
			p->cfg.predict_min_similar, p->agent, p->env);
	if ((rc = rollback_plan(&h, pl.agent, pl.env, pl.strategy, pl.target, pl.validations,
				pl.start, &rr)))
		goto out;
	rc = SL_ENOMEM;
	if (!(t = sl_table_new_def(SL_T_PREDICTION)) || sl_table_add_row(t) ||
	    sl_table_set_str(t, SL_PREDICTION_AGENT_ID, p->agent, strlen(p->agent)) ||
	    sl_table_set_str(t, SL_PREDICTION_ENVIRONMENT, p->env, strlen(p->env)) ||
	    (strat && sl_table_set_str(t, SL_PREDICTION_STRATEGY, strat, strlen(strat))) ||
	    sl_table_set_str(t, SL_PREDICTION_DURATION_NOTE, sl_buf_cstr(&note), note.len) ||
	    sl_table_set_str(t, SL_PREDICTION_SIMILAR_BY, sim_names[level],
			     strlen(sim_names[level])) ||
	    sl_table_set_str(t, SL_PREDICTION_CONFIDENCE, conf, strlen(conf)) ||
	    sl_table_set_str(t, SL_PREDICTION_RISK_FACTORS, sl_buf_cstr(&fac), fac.len) ||
	    sl_table_set_str(t, SL_PREDICTION_RECOMMENDATIONS, sl_buf_cstr(&rec), rec.len) ||
	    sl_table_set_str(t, SL_PREDICTION_ROLLBACK_RISK_LEVEL, rr.level, strlen(rr.level)))
		goto out;
	sl_table_set_f64(t, SL_PREDICTION_TARGET_INSTANCES, pl.target);
	sl_table_set_f64(t, SL_PREDICTION_PREDICTED_DURATION_MS, pred);
	sl_table_set_f64(t, SL_PREDICTION_LOWER_90_MS, lo);
	sl_table_set_f64(t, SL_PREDICTION_UPPER_90_MS, hi);
	sl_table_set_i64(t, SL_PREDICTION_SIMILAR_DEPLOYMENTS, (int64_t)c.finished);
	sl_table_set_f64(t, SL_PREDICTION_SUCCESS_PROBABILITY, mean);
	sl_table_set_f64(t, SL_PREDICTION_SUCCESS_LOWER_90, slo);
	sl_table_set_f64(t, SL_PREDICTION_SUCCESS_UPPER_90, shi);
	sl_table_set_f64(t, SL_PREDICTION_ROLLBACK_RISK_SCORE, rr.score);
	rc = query_print_table(p, t);
out:
	if (rc == SL_ENOMEM)
		sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	sl_table_free(t);
	sl_buf_release(&note);
	sl_buf_release(&fac);
	sl_buf_release(&rec);
	sim_release(&s);
	dmodel_release(&m);
	free(idx);
	free(rt);
	history_release(&h);
	return rc;
}
