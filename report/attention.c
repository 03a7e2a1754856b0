#include "attention.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_tables.h"
#include "sl_value.h"
#include "stream.h"

static double num(const struct sl_table *t, int c, size_t r)
{
	double v;

	return t && !sl_table_get_f64(t, c, r, &v) ? v : NAN;
}

static const char *str(const struct sl_table *t, int c, size_t r)
{
	const char *s = t ? sl_table_get_str(t, c, r) : NULL;

	return s ? s : "";
}

/* A whole small table (NULL when absent). */
static int whole(struct sl_anfile *f, enum sl_tid id, struct sl_table **t,
		 struct sl_errctx *err)
{
	long i = sl_anfile_find_id(f, id);

	*t = NULL;
	return i < 0 ? 0 : sl_anfile_table(f, (size_t)i, t, err);
}

static int add(struct att_group *g, int bad, struct out *o)
{
	char *s;

	if (o->err)
		return o->err;
	if (sl_grow(&g->items, &g->cap, g->n + 1, sizeof(*g->items)) ||
	    !(s = strdup(o->b.data ? o->b.data : "")))
		return SL_ENOMEM;
	g->items[g->n].text = s;
	g->items[g->n++].bad = bad;
	out_release(o);
	return 0;
}

static int lead(struct att_group *g, struct out *o)
{
	if (o->err)
		return o->err;
	free(g->none);
	if (!(g->none = strdup(o->b.data ? o->b.data : "")))
		return SL_ENOMEM;
	out_release(o);
	return 0;
}

/* ---- names counted by agent: a small open-addressing table ---- */

struct agents {
	struct att_agent *a;
	size_t n, cap;
	size_t *slot; /* index + 1, 0 when free */
	size_t nslot;
};

static struct att_agent *agent_of(struct agents *ag, const char *name)
{
	uint64_t h = sl_hash(name, strlen(name));
	size_t i;

	if (2 * (ag->n + 1) > ag->nslot) {
		size_t ns = ag->nslot ? 2 * ag->nslot : 64, *s = calloc(ns, sizeof(*s));

		if (!s)
			return NULL;
		for (size_t k = 0; k < ag->n; k++) {
			const char *nm = ag->a[k].agent;

			for (i = sl_hash(nm, strlen(nm)) & (ns - 1); s[i]; i = (i + 1) & (ns - 1))
				;
			s[i] = k + 1;
		}
		free(ag->slot);
		ag->slot = s;
		ag->nslot = ns;
	}
	for (i = h & (ag->nslot - 1); ag->slot[i]; i = (i + 1) & (ag->nslot - 1))
		if (!strcmp(ag->a[ag->slot[i] - 1].agent, name))
			return &ag->a[ag->slot[i] - 1];
	if (sl_grow(&ag->a, &ag->cap, ag->n + 1, sizeof(*ag->a)))
		return NULL;
	memset(&ag->a[ag->n], 0, sizeof(ag->a[0]));
	if (!(ag->a[ag->n].agent = strdup(name)))
		return NULL;
	ag->slot[i] = ++ag->n;
	return &ag->a[ag->n - 1];
}

static void agents_free(struct agents *ag)
{
	for (size_t k = 0; k < ag->n; k++)
		free(ag->a[k].agent);
	free(ag->a);
	free(ag->slot);
}

double attention_rate(const struct att_agent *ag)
{
	return ag->deployments > 0 ? ag->completed / ag->deployments : NAN;
}

/* The lowest rate first; agents with few deployments after the others;
 * then by name (the order of the rows does not matter). */
static int cmp_rate(const void *x, const void *y)
{
	const struct att_agent *a = x, *b = y;
	int fa = a->deployments < ATT_MIN_AGENT, fb = b->deployments < ATT_MIN_AGENT;
	double ra = attention_rate(a), rb = attention_rate(b);

	if (fa != fb)
		return fa - fb;
	if (ra != rb && !isnan(ra) && !isnan(rb))
		return ra < rb ? -1 : 1;
	if (isnan(ra) != isnan(rb))
		return isnan(ra) - isnan(rb);
	return strcmp(a->agent, b->agent);
}

/* Alerts of one agent: counted, with the latest one's time and type. */
static int cmp_alerts(const void *x, const void *y)
{
	const struct att_agent *a = x, *b = y;

	if (a->deployments != b->deployments)
		return a->deployments > b->deployments ? -1 : 1;
	return strcmp(a->agent, b->agent);
}

/* ---- the parts ---- */

/* The window's first and last day (UTC) in at->span and at->last_day:
 * window_to is the end, not in the window, so its last day is the one of
 * the instant before; without the window's bounds, the first and last day
 * with deployments (d0, d1). */
static void days_of(struct attention *at, const char *from, const char *to, double d0,
		    double d1)
{
	int64_t f, t;
	char b1[TEXT_MAX], b2[TEXT_MAX];

	if (from && to && !sl_parse_time(from, strlen(from), &f) &&
	    !sl_parse_time(to, strlen(to), &t) && t > f) {
		d0 = floor((double)f / 86400000);
		d1 = floor((double)(t - 1) / 86400000);
	}
	if (!isfinite(d0) || !isfinite(d1))
		return;
	snprintf(at->last_day, sizeof(at->last_day), "%s", text_day(b2, d1));
	if (d0 == d1)
		snprintf(at->span, sizeof(at->span), "%s", text_day(b1, d0));
	else
		snprintf(at->span, sizeof(at->span), "%s \xe2\x80\x93 %s", text_day(b1, d0),
			 text_day(b2, d1));
}

static int window(struct attention *at, struct sl_anfile *f, struct sl_errctx *err)
{
	const struct sl_analysis *a = sl_anfile_meta(f);
	const char *from = sl_analysis_get_meta_str(a, "window_from");
	const char *to = sl_analysis_get_meta_str(a, "window_to");
	struct sl_table *tl = NULL;
	char b1[TEXT_MAX], b2[TEXT_MAX];
	double d0 = NAN, d1 = NAN;
	int rc;

	if ((rc = whole(f, SL_T_TIMELINE, &tl, err)))
		return rc;
	for (size_t r = 0; tl && r < sl_table_rows(tl); r++)
		if (num(tl, SL_TIMELINE_DEPLOYMENTS, r) > 0) {
			double d = num(tl, SL_TIMELINE_DAY, r);

			d0 = isnan(d0) || d < d0 ? d : d0;
			d1 = isnan(d1) || d > d1 ? d : d1;
		}
	sl_table_free(tl);
	if (isfinite(d0))
		snprintf(at->days, sizeof(at->days), "%s \xe2\x80\x93 %s", text_day(b1, d0),
			 text_day(b2, d1));
	days_of(at, from, to, d0, d1);
	if (from && from[0] && to && to[0])
		snprintf(at->window, sizeof(at->window), "%s \xe2\x80\x93 %s", text_time(b1, from),
			 text_time(b2, to));
	else if (from && from[0])
		snprintf(at->window, sizeof(at->window), "from %s", text_time(b1, from));
	else if (to && to[0])
		snprintf(at->window, sizeof(at->window), "until %s", text_time(b1, to));
	else if (at->days[0])
		snprintf(at->window, sizeof(at->window), "all data, %s \xe2\x80\x93 %s",
			 text_day(b1, d0), text_day(b2, d1));
	else
		snprintf(at->window, sizeof(at->window), "all data");
	/* a file without the count (written by hand) is not said to be empty */
	at->deployments = NAN;
	sl_analysis_get_meta_f64(a, "input_deployments", &at->deployments);
	at->empty = at->deployments == 0;
	if (at->empty)
		snprintf(at->notice, sizeof(at->notice),
			 "No deployments in this window (%s): nothing is rated.  A window such as "
			 "--since 7d ends at --now, today unless given: check it against the days "
			 "the store holds.", at->window);
	else if (at->deployments < ATT_FEW)
		snprintf(at->notice, sizeof(at->notice),
			 "Only %.0f deployments in this window (%s): the rates and tiers rest on "
			 "few of them.", at->deployments, at->window);
	return 0;
}

static int missed(struct attention *at, struct sl_anfile *f, struct sl_errctx *err)
{
	struct att_group *g = &at->g[ATT_MISSED];
	struct sl_table *sc = NULL;
	struct out o = {SL_BUF_INIT, 0};
	size_t met = 0, measured = 0;
	char b1[TEXT_MAX], b2[TEXT_MAX], b3[TEXT_MAX];
	int rc;

	g->title = "Missed targets";
	g->section = "scorecard";
	if ((rc = whole(f, SL_T_SCORECARD, &sc, err)))
		return rc;
	for (size_t r = 0; !rc && sc && r < sl_table_rows(sc); r++) {
		double m = num(sc, SL_SCORECARD_MET, r);
		const char *unit = str(sc, SL_SCORECARD_UNIT, r);

		measured += m == 0 || m == 1;
		met += m == 1;
		if (m != 0)
			continue;
		out_printf(&o, "%s: %s, target %s", text_label(b1, str(sc, SL_SCORECARD_METRIC, r), 1),
			   text_value(b2, num(sc, SL_SCORECARD_VALUE, r), unit),
			   text_target(b3, str(sc, SL_SCORECARD_TARGET, r), unit));
		rc = add(g, 1, &o);
	}
	if (!rc) {
		if (!sc)
			out_puts(&o, "The analysis has no scorecard.");
		else if (!measured)
			out_puts(&o, "No target could be measured in this window.");
		else
			out_printf(&o, "%zu of %zu measured targets met.", met, measured);
		rc = lead(g, &o);
	}
	out_release(&o);
	sl_table_free(sc);
	return rc;
}

static int cmp_name(const void *x, const void *y)
{
	return strcmp(((const struct att_agent *)x)->agent, ((const struct att_agent *)y)->agent);
}

/* " in production", " in prod and staging", " in 5 environments": where
 * the critical alerts were, by name while there are few. */
static void env_names(struct out *o, struct agents *envs)
{
	enum { NAMED = 3 };

	if (envs->n > NAMED) {
		out_printf(o, " in %zu environments", envs->n);
		return;
	}
	/* the slots index the array: sorting it is the last use */
	qsort(envs->a, envs->n, sizeof(*envs->a), cmp_name);
	out_puts(o, " in ");
	for (size_t k = 0; k < envs->n; k++) {
		if (k)
			out_puts(o, k + 1 == envs->n ? " and " : ", ");
		out_puts(o, envs->a[k].agent[0] ? envs->a[k].agent : "(no environment)");
	}
}

static int alerts(struct attention *at, struct sl_anfile *f, struct sl_errctx *err)
{
	static const int want[] = {SL_ALERTS_AGENT_ID, SL_ALERTS_ENVIRONMENT, SL_ALERTS_SEVERITY,
				   SL_ALERTS_START_TIME, -1};
	struct att_group *g = &at->g[ATT_ALERTS];
	long ai = sl_anfile_find_id(f, SL_T_ALERTS);
	struct agents ag = {NULL, 0, 0, NULL, 0}, envs = {NULL, 0, 0, NULL, 0};
	struct out o = {SL_BUF_INIT, 0};
	const struct sl_table *t;
	double all = 0, crit = 0;
	struct giter it;
	int rc = 0;

	g->title = "Critical alerts";
	g->section = "alerts";
	if (ai < 0) {
		out_puts(&o, "The analysis has no alerts table.");
		return lead(g, &o);
	}
	giter_init(&it, f, ai, err);
	giter_only(&it, want);
	while (!rc && (t = giter_next(&it)))
		for (size_t r = 0; !rc && r < sl_table_rows(t); r++) {
			struct att_agent *a;
			double st;

			all++;
			if (strcmp(str(t, SL_ALERTS_SEVERITY, r), "critical"))
				continue;
			/* critical: a failure in an environment the analysis
			 * was configured to hold critical (production unless
			 * told otherwise), so every critical alert counts */
			crit++;
			if (!agent_of(&envs, str(t, SL_ALERTS_ENVIRONMENT, r)) ||
			    !(a = agent_of(&ag, str(t, SL_ALERTS_AGENT_ID, r)))) {
				rc = SL_ENOMEM;
				break;
			}
			/* deployments: the alerts; dur_sum: the latest start */
			st = num(t, SL_ALERTS_START_TIME, r);
			a->deployments++;
			if (isfinite(st) && (a->dur_n == 0 || st > a->dur_sum)) {
				a->dur_sum = st;
				a->dur_n = 1;
			}
		}
	giter_done(&it);
	if (!rc)
		rc = it.rc;
	if (!rc) {
		if (ag.n) /* qsort takes no NULL, even for nothing */
			qsort(ag.a, ag.n, sizeof(*ag.a), cmp_alerts);
		for (size_t k = 0; !rc && k < ag.n && k < ATT_ITEMS; k++) {
			char tb[32], b[TEXT_MAX];

			out_printf(&o, "%s: ", ag.a[k].agent[0] ? ag.a[k].agent : "(no agent)");
			out_num(&o, ag.a[k].deployments, 10);
			out_puts(&o, ag.a[k].deployments == 1 ? " critical alert" : " critical alerts");
			if (ag.a[k].dur_n) {
				sl_format_time((int64_t)ag.a[k].dur_sum, tb);
				out_printf(&o, ", the latest %s", text_time(b, tb));
			}
			rc = add(g, 1, &o);
		}
	}
	if (!rc) {
		at->critical = crit;
		out_num(&o, crit, 10);
		out_puts(&o, crit == 1 ? " critical alert" : " critical alerts");
		if (envs.n)
			env_names(&o, &envs);
		if (ag.n) {
			out_puts(&o, " from ");
			out_num(&o, (double)ag.n, 10);
			out_puts(&o, ag.n == 1 ? " agent" : " agents");
			if (ag.n > ATT_ITEMS)
				out_printf(&o, " (the %d with the most below)", ATT_ITEMS);
		}
		out_puts(&o, "; ");
		out_num(&o, all, 10);
		out_puts(&o, all == 1 ? " alert in all, warnings included." :
					" alerts in all, warnings included.");
		rc = lead(g, &o);
	}
	/* the agents' names were copied into the items */
	agents_free(&ag);
	agents_free(&envs);
	out_release(&o);
	return rc;
}

/* The agents whose success rate fell most against the previous window of
 * the same length (success_change, largest fall first).  1 when the
 * analysis has no previous window to compare with (nothing done), else 0
 * or an error. */
static int fell(struct att_group *g, struct sl_anfile *f, struct sl_errctx *err)
{
	struct sl_table *t = NULL;
	struct out o = {SL_BUF_INIT, 0};
	size_t n, listed = 0;
	int rc;

	if ((rc = whole(f, SL_T_SUCCESS_CHANGE, &t, err)))
		return rc;
	if (!t || !(n = sl_table_rows(t))) {
		sl_table_free(t);
		return 1;
	}
	g->title = "Agents whose success rate fell most";
	for (size_t r = 0; !rc && r < n && listed < ATT_ITEMS; r++) {
		double pp = num(t, SL_SUCCESS_CHANGE_CHANGE_PP, r);
		char b1[TEXT_MAX], b2[TEXT_MAX];
		const char *a = str(t, SL_SUCCESS_CHANGE_AGENT_ID, r);

		if (!(pp < 0))
			continue;
		out_printf(&o, "%s: %s completed, was %s (", a[0] ? a : "(no agent)",
			   text_pct(b1, num(t, SL_SUCCESS_CHANGE_SUCCESS_RATE, r)),
			   text_pct(b2, num(t, SL_SUCCESS_CHANGE_PREV_SUCCESS_RATE, r)));
		out_num(&o, -pp, 2);
		out_puts(&o, " points less), of ");
		out_num(&o, num(t, SL_SUCCESS_CHANGE_DEPLOYMENTS, r), 10);
		out_puts(&o, " finished");
		rc = add(g, 1, &o);
		listed++;
	}
	if (!rc) {
		out_num(&o, (double)n, 10);
		out_puts(&o, n == 1 ? " agent" : " agents");
		out_puts(&o, " deployed in this window and the one of the same length before it");
		out_puts(&o, listed ? "; the largest falls:" : "; none did worse than before.");
		rc = lead(g, &o);
	}
	out_release(&o);
	sl_table_free(t);
	return rc;
}

static int agents(struct attention *at, struct sl_anfile *f, struct sl_errctx *err)
{
	static const int want[] = {SL_SUCCESS_RATES_AGENT_ID, SL_SUCCESS_RATES_TOTAL_DEPLOYMENTS,
				   SL_SUCCESS_RATES_SUCCESSFUL_DEPLOYMENTS,
				   SL_SUCCESS_RATES_FAILED_DEPLOYMENTS,
				   SL_SUCCESS_RATES_ROLLBACK_COUNT, SL_SUCCESS_RATES_AVG_DURATION_MS, -1};
	struct att_group *g = &at->g[ATT_AGENTS];
	long si = sl_anfile_find_id(f, SL_T_SUCCESS_RATES);
	struct agents ag = {NULL, 0, 0, NULL, 0};
	struct out o = {SL_BUF_INIT, 0};
	const struct sl_table *t;
	double all = 0, ok = 0;
	size_t ranked = 0;
	struct giter it;
	int rc = 0;

	g->title = "Agents with the lowest success rate";
	g->section = "agents";
	if (si < 0) {
		out_puts(&o, "The analysis has no success_rates table.");
		return lead(g, &o);
	}
	giter_init(&it, f, si, err);
	giter_only(&it, want);
	while (!rc && (t = giter_next(&it)))
		for (size_t r = 0; !rc && r < sl_table_rows(t); r++) {
			struct att_agent *a = agent_of(&ag, str(t, SL_SUCCESS_RATES_AGENT_ID, r));
			double n = num(t, SL_SUCCESS_RATES_TOTAL_DEPLOYMENTS, r),
			       d = num(t, SL_SUCCESS_RATES_AVG_DURATION_MS, r);

			if (!a) {
				rc = SL_ENOMEM;
				break;
			}
			n = isfinite(n) ? n : 0;
			a->deployments += n;
			a->completed += fmax(0, num(t, SL_SUCCESS_RATES_SUCCESSFUL_DEPLOYMENTS, r));
			a->failed += fmax(0, num(t, SL_SUCCESS_RATES_FAILED_DEPLOYMENTS, r));
			a->rollbacks += fmax(0, num(t, SL_SUCCESS_RATES_ROLLBACK_COUNT, r));
			if (isfinite(d) && n > 0) {
				/* a day's mean weighs as its deployments */
				a->dur_sum += d * n;
				a->dur_n += n;
			}
		}
	giter_done(&it);
	if (!rc)
		rc = it.rc;
	if (rc)
		goto out;
	if (ag.n)
		qsort(ag.a, ag.n, sizeof(*ag.a), cmp_rate);
	for (size_t k = 0; k < ag.n; k++) {
		all += ag.a[k].deployments;
		ok += ag.a[k].completed;
		ranked += ag.a[k].deployments >= ATT_MIN_AGENT;
	}
	/* against the previous window where the analysis has one: the
	 * largest falls, not the lowest rates (a low rate that has always
	 * been low is no news) */
	if ((rc = fell(g, f, err)) != 1)
		goto out;
	rc = 0;
	for (size_t k = 0; !rc && k < ranked && k < ATT_ITEMS; k++) {
		const struct att_agent *a = &ag.a[k];
		char b[TEXT_MAX];

		out_printf(&o, "%s: %s completed of ", a->agent[0] ? a->agent : "(no agent)",
			   text_pct(b, attention_rate(a)));
		out_num(&o, a->deployments, 10);
		out_puts(&o, " (");
		out_num(&o, a->failed, 10);
		out_puts(&o, " failed, ");
		out_num(&o, a->rollbacks, 10);
		out_puts(&o, " rollbacks)");
		/* below the rate of all agents together: worth a look */
		rc = add(g, attention_rate(a) < ok / all, &o);
	}
	if (!rc) {
		char b[TEXT_MAX];

		if (!ranked)
			out_printf(&o, "No agent has %d deployments in this window.", ATT_MIN_AGENT);
		else
			out_printf(&o, "All agents together: %s completed.", text_pct(b, ok / all));
		rc = lead(g, &o);
	}
out:
	if (!rc) {
		at->agents = ag.a;
		at->nagents = ag.n;
		ag.a = NULL;
		ag.n = 0;
	}
	agents_free(&ag);
	out_release(&o);
	return rc;
}

/* A key's trend: its last full week (dora_weekly) against the full week
 * before it, better or worse for the key (more deployments, shorter
 * times, fewer failures); "" when there are no two such weeks. */
static const char *trend(const struct sl_table *w, const char *metric)
{
	static const struct {
		const char *metric;
		int col, more_is_better;
	} keys[] = {
		{"deployment_frequency", SL_DORA_WEEKLY_DEPLOYMENT_FREQUENCY, 1},
		{"lead_time_for_changes", SL_DORA_WEEKLY_LEAD_TIME_MS, 0},
		{"change_failure_rate", SL_DORA_WEEKLY_CHANGE_FAILURE_RATE, 0},
		{"failed_deployment_recovery_time", SL_DORA_WEEKLY_RECOVERY_TIME_MS, 0},
	};
	double v[2];
	int k, got = 0;

	for (k = 0; k < 4 && strcmp(keys[k].metric, metric); k++)
		;
	if (k == 4 || !w)
		return "";
	for (size_t r = sl_table_rows(w); r-- > 0 && got < 2;) {
		double x = num(w, keys[k].col, r), partial = num(w, SL_DORA_WEEKLY_PARTIAL, r);

		if (partial == 1 || !isfinite(x))
			continue;
		v[got++] = x;
	}
	if (got < 2 || v[0] == v[1])
		return got < 2 ? "" : "; last full week as the one before";
	return (v[0] > v[1]) == keys[k].more_is_better ? "; last full week better than the one before"
						       : "; last full week worse than the one before";
}

static int dora(struct attention *at, struct sl_anfile *f, struct sl_errctx *err)
{
	struct att_group *g = &at->g[ATT_DORA];
	struct sl_table *t = NULL, *w = NULL;
	struct out o = {SL_BUF_INIT, 0};
	int rc;

	g->title = "DORA four keys (production)";
	g->section = "dora";
	if ((rc = whole(f, SL_T_DORA, &t, err)) || (rc = whole(f, SL_T_DORA_WEEKLY, &w, err))) {
		sl_table_free(t);
		return rc;
	}
	for (size_t r = 0; !rc && t && r < sl_table_rows(t); r++) {
		const char *tier = str(t, SL_DORA_TIER, r), *m = str(t, SL_DORA_METRIC, r);
		double n = num(t, SL_DORA_SAMPLES, r), v = num(t, SL_DORA_VALUE, r);
		char b1[TEXT_MAX], b2[TEXT_MAX];
		int bad = 0;

		if (!strcmp(m, "unrecovered_failures")) {
			if (!(v > 0))
				continue;
			bad = 1;
		} else if (strcmp(m, "deployment_frequency") && strcmp(m, "lead_time_for_changes") &&
			   strcmp(m, "change_failure_rate") &&
			   strcmp(m, "failed_deployment_recovery_time")) {
			continue; /* not one of the four keys (deployment days) */
		}
		out_printf(&o, "%s: ", text_label(b1, m, 1));
		if (!(n > 0) || !isfinite(v)) {
			out_puts(&o, "nothing to measure, not rated");
		} else if (!tier[0]) {
			out_puts(&o, text_value(b2, v, str(t, SL_DORA_UNIT, r)));
		} else if (n < ATT_MIN_TIER) {
			out_printf(&o, "%s from ", text_value(b2, v, str(t, SL_DORA_UNIT, r)));
			out_num(&o, n, 10);
			out_puts(&o, n == 1 ? " sample: too few to rate" : " samples: too few to rate");
		} else {
			out_printf(&o, "%s, ", text_value(b2, v, str(t, SL_DORA_UNIT, r)));
			text_clean(&o, tier, 20);
			out_puts(&o, trend(w, m));
			bad = !strcmp(tier, "low");
		}
		rc = add(g, bad, &o);
	}
	if (!rc) {
		out_puts(&o, t ? "Tiers from the DORA 2023 report (elite, high, medium, low)."
			       : "The analysis has no dora table.");
		rc = lead(g, &o);
	}
	out_release(&o);
	sl_table_free(t);
	sl_table_free(w);
	return rc;
}

/* The overall row of a summary table (org_summary has summary's shape). */
static size_t overall_row(const struct sl_table *t, int scope_col)
{
	for (size_t r = 0; t && r < sl_table_rows(t); r++)
		if (!strcmp(str(t, scope_col, r), "overall"))
			return r;
	return (size_t)-1;
}

static int headline(struct attention *at, struct sl_anfile *f, struct sl_errctx *err)
{
	struct sl_table *t = NULL;
	size_t r;
	int rc;

	at->success = at->success_change = NAN;
	if ((rc = whole(f, SL_T_SUMMARY, &t, err)))
		return rc;
	if ((r = overall_row(t, SL_SUMMARY_SCOPE)) != (size_t)-1) {
		at->success = num(t, SL_SUMMARY_SUCCESS_RATE, r);
		at->success_change = num(t, SL_SUMMARY_SUCCESS_RATE_CHANGE, r);
	}
	sl_table_free(t);
	return 0;
}

/* The DORA tiers from best to worst; -1 for none. */
static int tier_rank(const char *tier)
{
	static const char *const tiers[] = {"elite", "high", "medium", "low"};

	for (int k = 0; k < 4; k++)
		if (!strcmp(tier, tiers[k]))
			return k;
	return -1;
}

static const char *const four_keys[ATT_NKEYS] = {
	"deployment_frequency", "lead_time_for_changes", "change_failure_rate",
	"failed_deployment_recovery_time",
};

/* The tier of metric in a dora-shaped table: "" when absent or rated on
 * fewer than ATT_MIN_TIER samples (the attention list's rule). */
static void tier_of(const struct sl_table *t, int metric_col, int tier_col, int samples_col,
		    const char *metric, char *buf, size_t cap)
{
	buf[0] = '\0';
	for (size_t r = 0; t && r < sl_table_rows(t); r++)
		if (!strcmp(str(t, metric_col, r), metric)) {
			const char *tier = str(t, tier_col, r);

			if (num(t, samples_col, r) >= ATT_MIN_TIER && tier_rank(tier) >= 0)
				snprintf(buf, cap, "%s", tier);
			return;
		}
}

int attention_vs_org(struct att_vs_org *v, struct sl_anfile *f, struct sl_errctx *err)
{
	struct sl_table *sum = NULL, *osum = NULL, *d = NULL, *od = NULL;
	size_t r;
	int rc;

	memset(v, 0, sizeof(*v));
	v->rate = v->org_rate = NAN;
	if ((rc = whole(f, SL_T_ORG_SUMMARY, &osum, err)) || (rc = whole(f, SL_T_ORG_DORA, &od, err)))
		goto out;
	if (!osum && !od)
		goto out;
	if ((rc = whole(f, SL_T_SUMMARY, &sum, err)) || (rc = whole(f, SL_T_DORA, &d, err)))
		goto out;
	v->have = 1;
	if ((r = overall_row(sum, SL_SUMMARY_SCOPE)) != (size_t)-1)
		v->rate = num(sum, SL_SUMMARY_SUCCESS_RATE, r);
	if ((r = overall_row(osum, SL_ORG_SUMMARY_SCOPE)) != (size_t)-1)
		v->org_rate = num(osum, SL_ORG_SUMMARY_SUCCESS_RATE, r);
	for (int k = 0; k < ATT_NKEYS; k++) {
		int a, b;

		v->key[k].metric = four_keys[k];
		tier_of(d, SL_DORA_METRIC, SL_DORA_TIER, SL_DORA_SAMPLES, four_keys[k],
			v->key[k].tier, sizeof(v->key[k].tier));
		tier_of(od, SL_ORG_DORA_METRIC, SL_ORG_DORA_TIER, SL_ORG_DORA_SAMPLES, four_keys[k],
			v->key[k].org_tier, sizeof(v->key[k].org_tier));
		a = tier_rank(v->key[k].tier);
		b = tier_rank(v->key[k].org_tier);
		v->key[k].cmp = a < 0 || b < 0 ? 0 : b - a;
	}
out:
	sl_table_free(sum);
	sl_table_free(osum);
	sl_table_free(d);
	sl_table_free(od);
	return rc;
}

/* Who the analysis is for (a teams run's metadata), and the team against
 * the organisation. */
static int team(struct attention *at, struct sl_anfile *f, struct sl_errctx *err)
{
	const struct sl_analysis *a = sl_anfile_meta(f);
	const char *name = sl_analysis_get_meta_str(a, "team");
	const char *pats = sl_analysis_get_meta_str(a, "agents");
	struct att_group *g = &at->g[ATT_TEAM];
	struct out o = {SL_BUF_INIT, 0};
	char b1[TEXT_MAX], b2[TEXT_MAX], b3[TEXT_MAX];
	int rc;

	at->agents_matched = NAN;
	sl_analysis_get_meta_f64(a, "agents_matched", &at->agents_matched);
	/* every analysis says its team, "" outside a team: the organisation's
	 * of a teams run is the one with unowned_agents */
	at->teams = (name && name[0]) || sl_anfile_find_id(f, SL_T_UNOWNED_AGENTS) >= 0;
	if (name && name[0]) {
		text_clean(&o, name, ATT_NAME);
		snprintf(at->team, sizeof(at->team), "%s", o.b.data ? o.b.data : "");
		out_release(&o);
	}
	if (pats && pats[0]) {
		/* the patterns comma-joined: said "a, b" */
		struct out j = {SL_BUF_INIT, 0};

		for (const char *c = pats; *c; c++)
			if (*c == ',')
				out_puts(&j, ", ");
			else
				out_putn(&j, c, 1);
		if (j.b.data)
			text_clean(&o, j.b.data, TEXT_MAX - 8);
		out_release(&j);
		snprintf(at->team_agents, sizeof(at->team_agents), "%s", o.b.data ? o.b.data : "");
		out_release(&o);
	}
	if ((rc = attention_vs_org(&at->vs, f, err)) || !at->vs.have)
		return rc;
	g->title = "Against the organisation";
	g->section = "overview";
	out_puts(&o, "Success rate: ");
	out_puts(&o, text_pct(b1, at->vs.rate));
	out_puts(&o, " here, ");
	out_puts(&o, text_pct(b2, at->vs.org_rate));
	out_puts(&o, " in the organisation");
	if (isfinite(at->vs.rate) && isfinite(at->vs.org_rate) && at->vs.rate != at->vs.org_rate) {
		/* one decimal, as the subject says a change */
		out_printf(&o, " (%.1f points %s)", fabs(100 * (at->vs.rate - at->vs.org_rate)),
			   at->vs.rate < at->vs.org_rate ? "lower" : "higher");
	}
	if ((rc = add(g, at->vs.rate < at->vs.org_rate, &o)))
		goto out;
	for (int k = 0; k < ATT_NKEYS; k++) {
		const char *t = at->vs.key[k].tier, *ot = at->vs.key[k].org_tier;

		out_printf(&o, "%s: %s here, %s in the organisation",
			   text_label(b3, four_keys[k], 1), t[0] ? t : "not rated",
			   ot[0] ? ot : "not rated");
		if (at->vs.key[k].cmp)
			out_puts(&o, at->vs.key[k].cmp > 0 ? " (better)" : " (worse)");
		if ((rc = add(g, at->vs.key[k].cmp < 0, &o)))
			goto out;
	}
	out_puts(&o, "This team's deployments against every agent's in the same window "
		     "(overall success rate; DORA tiers in production).");
	rc = lead(g, &o);
out:
	out_release(&o);
	return rc;
}

/* unowned_agents rows: the most deployments first, then by name */
struct unowned {
	const char *agent;
	double deployments;
};

static int cmp_unowned(const void *x, const void *y)
{
	const struct unowned *a = x, *b = y;

	if (a->deployments != b->deployments && !isnan(a->deployments) && !isnan(b->deployments))
		return a->deployments > b->deployments ? -1 : 1;
	if (isnan(a->deployments) != isnan(b->deployments))
		return isnan(a->deployments) - isnan(b->deployments);
	return strcmp(a->agent, b->agent);
}

/* The organisation's analysis of a teams file: the agents that deployed
 * and that no team owns, named (a bounded number) in one item. */
static int unowned(struct attention *at, struct sl_anfile *f, struct sl_errctx *err)
{
	struct att_group *g = &at->g[ATT_UNOWNED];
	struct sl_table *t = NULL;
	struct unowned *u = NULL;
	struct out o = {SL_BUF_INIT, 0};
	size_t n;
	int rc;

	if ((rc = whole(f, SL_T_UNOWNED_AGENTS, &t, err)) || !t)
		return rc;
	g->title = "Agents no team owns";
	g->section = "agents";
	n = sl_table_rows(t);
	if (n && !(u = calloc(n, sizeof(*u)))) {
		rc = SL_ENOMEM;
		goto out;
	}
	for (size_t r = 0; r < n; r++) {
		u[r].agent = str(t, SL_UNOWNED_AGENTS_AGENT_ID, r);
		u[r].deployments = num(t, SL_UNOWNED_AGENTS_DEPLOYMENTS, r);
	}
	if (n) {
		qsort(u, n, sizeof(*u), cmp_unowned);
		out_num(&o, (double)n, 10);
		out_puts(&o, n == 1 ? " agent belongs to no team: " : " agents belong to no team: ");
		for (size_t k = 0; k < n && k < ATT_UNOWNED_NAMED; k++) {
			if (k)
				out_puts(&o, ", ");
			text_clean(&o, u[k].agent[0] ? u[k].agent : "(no agent)", ATT_NAME);
		}
		if (n > ATT_UNOWNED_NAMED) {
			out_puts(&o, " and ");
			out_num(&o, (double)(n - ATT_UNOWNED_NAMED), 10);
			out_puts(&o, " more");
		}
		if ((rc = add(g, 1, &o)))
			goto out;
		out_puts(&o, "Agents that deployed in this window and that no team of the teams "
			     "file names: their reports go to no team.");
	} else {
		out_puts(&o, "Every agent that deployed in this window belongs to a team.");
	}
	rc = lead(g, &o);
out:
	out_release(&o);
	free(u);
	sl_table_free(t);
	return rc;
}

static int quiet(struct attention *at, struct sl_anfile *f, struct sl_errctx *err)
{
	struct sl_table *t = NULL;
	double runs = 0;
	int rc;

	at->quiet = 0;
	if (at->deployments != 0) /* NaN: the file does not say */
		return 0;
	if (at->team[0]) {
		/* a team's pipelines are the organisation's (shiplog-analyze
		 * copies them into every team's file): no news of the team */
		at->quiet = 1;
		return 0;
	}
	if ((rc = whole(f, SL_T_PIPELINES, &t, err)))
		return rc;
	for (size_t r = 0; t && r < sl_table_rows(t); r++) {
		double x = num(t, SL_PIPELINES_EXECUTIONS, r);

		runs += isfinite(x) ? x : 0;
	}
	sl_table_free(t);
	at->quiet = runs == 0;
	return 0;
}

int attention_build(struct attention *at, struct sl_anfile *f, struct sl_errctx *err)
{
	int rc;

	memset(at, 0, sizeof(*at));
	at->critical = NAN;
	if ((rc = window(at, f, err)) || (rc = missed(at, f, err)) || (rc = alerts(at, f, err)) ||
	    (rc = agents(at, f, err)) || (rc = dora(at, f, err)) || (rc = team(at, f, err)) ||
	    (rc = unowned(at, f, err)) || (rc = headline(at, f, err)) || (rc = quiet(at, f, err)))
		return rc;
	return 0;
}

void attention_free(struct attention *at)
{
	if (!at)
		return;
	for (int k = 0; k < ATT_NGROUPS; k++) {
		for (size_t i = 0; i < at->g[k].n; i++)
			free(at->g[k].items[i].text);
		free(at->g[k].items);
		free(at->g[k].none);
	}
	for (size_t k = 0; k < at->nagents; k++)
		free(at->agents[k].agent);
	free(at->agents);
	memset(at, 0, sizeof(*at));
}
