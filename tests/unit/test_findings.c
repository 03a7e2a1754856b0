/* Findings that can be otherwise, on data where the answer is known: the
 * canary judged on comparable quantities (a healthy 5% canary passes, a
 * bad one fails and is rolled back, each bound on its side), alert
 * severity by environment and alerts grouped, anomalies against the base
 * rate, the rollback-risk levels pooled into order and the backtest's
 * verdict, and DORA per agent and per week from one definition. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "canary.h"
#include "config.h"
#include "dora.h"
#include "featureset.h"
#include "frame.h"
#include "helpers.h"
#include "rollback.h"
#include "window.h"

#define MIN_MS 60000LL
#define DAY_MS 86400000LL

/* ---- hand-made frames ---- */

struct row {
	const char *id, *agent, *env, *phase, *strategy;
	int64_t start;    /* ms */
	int64_t dur;      /* ms; -1: null (and no end) */
	int64_t failed, target; /* -1: null */
	int rb;           /* rollback_triggered */
};

static uint32_t code(struct frame *f, const char *s)
{
	uint32_t c;

	ck_assert_int_eq(sl_dict_intern(f->names, s, strlen(s), &c), 0);
	return c;
}

static void add(struct frame *f, size_t *cap, const struct row *r)
{
	size_t i;

	ck_assert_int_eq(frame_append(f, cap, &i), 0);
	ck_assert_int_eq(frame_set_id(f, i, r->id, strlen(r->id)), 0);
	f->agent[i] = code(f, r->agent);
	f->env[i] = code(f, r->env);
	f->strategy[i] = code(f, r->strategy ? r->strategy : "rolling");
	f->phase[i] = (uint8_t)sl_phase_of(r->phase, strlen(r->phase));
	f->rb_flag[i] = (int8_t)r->rb;
	f->start[i] = r->start;
	if (r->dur >= 0) {
		f->dur[i] = r->dur;
		f->end[i] = r->start + r->dur;
	}
	if (r->failed >= 0)
		f->failed[i] = r->failed;
	if (r->target >= 0) {
		f->target[i] = r->target;
		f->deployed[i] = r->target;
		f->healthy[i] = r->target - (r->failed > 0 ? r->failed : 0);
	}
}

static void make(struct frame *f, const struct row *rows, size_t n)
{
	size_t cap = 0;

	ck_assert_int_eq(frame_begin(f), 0);
	for (size_t k = 0; k < n; k++)
		add(f, &cap, &rows[k]);
	ck_assert_int_eq(frame_finish(f), 0);
}

static const struct sl_table *table(const struct sl_analysis *a, const char *name)
{
	const struct sl_table *t = sl_analysis_table(a, name);

	ck_assert_msg(t != NULL, "no table %s", name);
	return t;
}

static const char *str(const struct sl_table *t, int c, size_t r)
{
	const char *s = sl_table_get_str(t, c, r);

	return s ? s : "(null)";
}

static double num(const struct sl_table *t, int c, size_t r)
{
	double v;

	return sl_table_get_f64(t, c, r, &v) ? NAN : v;
}

/* ---- canary ---- */

#define NS 10

/* Ten samples per metric of a cohort: per request the same for both
 * cohorts (error err0 + i/10000, latency 100 + i and 200 + 2i, a health
 * check failure in samples 2 and 5), throughput (1000 + 10i) x share. */
struct cohort {
	double v[CANARY_NMETRICS][NS];
	struct canary_vec vec[CANARY_NMETRICS];
};

static void cohort(struct cohort *c, double err0, double err_factor, double share)
{
	for (int i = 0; i < NS; i++) {
		c->v[CANARY_ERROR_RATE][i] = (err0 + i / 10000.0) * err_factor;
		c->v[CANARY_LATENCY_P50][i] = 100 + i;
		c->v[CANARY_LATENCY_P95][i] = 200 + 2 * i;
		c->v[CANARY_THROUGHPUT][i] = (1000 + 10 * i) * share;
		c->v[CANARY_HEALTH_CHECKS][i] = i == 2 || i == 5;
	}
	for (int m = 0; m < CANARY_NMETRICS; m++)
		c->vec[m] = (struct canary_vec){c->v[m], NS, NS};
}

/* A 5% canary whose errors are err_factor times those of its 95%
 * baseline (from err0). */
static void cohorts(struct cohort *can, struct cohort *base, double err0, double err_factor)
{
	cohort(can, err0, err_factor, 0.05);
	cohort(base, err0, 1, 0.95);
}

/* The bundled data/analyze.conf holds every default, value for value (a
 * digest of each setting, doubles to the bit): a default changed in one
 * place and not the other fails here, whether or not a test's data lies
 * where the two values disagree. */
START_TEST(test_bundled_config_is_the_defaults)
{
	struct analyze_config a, b;
	struct sl_errctx err;

	config_defaults(&a);
	config_defaults(&b);
	ck_assert_int_eq(config_load("../../data/analyze.conf", &b, &err), 0);
	ck_assert_uint_eq(config_digest(&a), config_digest(&b));
	/* and the digest sees a setting's change */
	b.dora[0][2] *= 1 + 1e-15;
	ck_assert_uint_ne(config_digest(&a), config_digest(&b));
}
END_TEST

START_TEST(test_canary_healthy_passes)
{
	struct analyze_config cf;
	struct cohort can, base;
	struct canary_judgement j;
	struct canary_decision d;

	config_defaults(&cf);
	/* a 5% canary that behaves per request and per unit of traffic as
	 * its baseline: its whole throughput is 5/95 of the baseline's */
	cohorts(&can, &base, 0.010, 1);
	canary_decide(can.vec, base.vec, NAN, &cf, &d);
	ck_assert_int_eq(d.rollback, 0);
	ck_assert_str_eq(d.reasons, "");
	ck_assert_double_eq_tol(d.latency_increase, 0, 1e-15);
	ck_assert_int_eq(canary_judge(can.vec, base.vec, 0.05, &cf, &j), 1);
	ck_assert_int_eq(j.judged, CANARY_NMETRICS);
	ck_assert_int_eq(j.passed, CANARY_NMETRICS);
	for (int m = 0; m < CANARY_NMETRICS; m++)
		ck_assert_str_eq(j.m[m].cls, "Pass");
	/* per unit of share both medians are 1045 */
	ck_assert_double_eq_tol(j.m[CANARY_THROUGHPUT].canary_median, 1045, 1e-9);
	ck_assert_double_eq_tol(j.m[CANARY_THROUGHPUT].baseline_median, 1045, 1e-9);
	ck_assert_str_eq(j.result, "pass");
	/* without a share the whole rates are not comparable: not judged
	 * (they would be Low: 52 against 993 requests a second) */
	cohorts(&can, &base, 0.010, 1);
	ck_assert_int_eq(canary_judge(can.vec, base.vec, NAN, &cf, &j), 1);
	ck_assert_int_eq(j.judged, CANARY_NMETRICS - 1);
	ck_assert_int_eq(j.m[CANARY_THROUGHPUT].judged, 0);
	ck_assert_str_eq(j.result, "pass");
}
END_TEST

START_TEST(test_canary_bad_fails)
{
	struct analyze_config cf;
	struct cohort can, base;
	struct canary_judgement j;
	struct canary_decision d;

	config_defaults(&cf);
	/* error rate 3x the baseline's 2%: 6%, above the 5% rollback bound */
	cohorts(&can, &base, 0.020, 3);
	canary_decide(can.vec, base.vec, NAN, &cf, &d);
	ck_assert_int_eq(d.rollback, 1);
	ck_assert_str_eq(d.reasons, "high_error_rate");
	ck_assert_double_eq_tol(d.error_rate, 3 * 0.02045, 1e-12);
	/* every error sample breaches: 10 of the 30 votes (error, health,
	 * latency) agree with the rollback */
	ck_assert_double_eq_tol(d.confidence, 10.0 / 30, 1e-15);
	ck_assert_int_eq(canary_judge(can.vec, base.vec, 0.05, &cf, &j), 1);
	ck_assert_str_eq(j.m[CANARY_ERROR_RATE].cls, "High");
	ck_assert_int_eq(j.m[CANARY_ERROR_RATE].passed, 0);
	ck_assert_int_eq(j.passed, CANARY_NMETRICS - 1);
	ck_assert_double_eq(j.score, 80);
	ck_assert_str_eq(j.result, "marginal"); /* 80: below 95, at least 75 */
}
END_TEST

START_TEST(test_canary_bounds)
{
	/* the bad canary (error rate 3x) scores exactly 80 */
	static const struct {
		double pass, marginal;
		const char *result;
	} bounds[] = {{80, 75, "pass"}, {95, 80, "marginal"}, {95, 80.5, "fail"}};
	struct analyze_config cf;
	struct cohort can, base;
	struct canary_judgement j;
	struct canary_decision d;

	config_defaults(&cf);
	/* each rollback rule at its bound does not fire; just above it does */
	cohorts(&can, &base, 0.010, 1);
	for (int i = 0; i < NS; i++) {
		can.v[CANARY_ERROR_RATE][i] = 0.05;
		can.v[CANARY_LATENCY_P95][i] = 150; /* baseline's mean p95 is 209 */
		base.v[CANARY_LATENCY_P95][i] = 100;
		can.v[CANARY_HEALTH_CHECKS][i] = i == 0 ? 3 : 0;
	}
	canary_decide(can.vec, base.vec, NAN, &cf, &d);
	ck_assert_double_eq(d.error_rate, 0.05);
	ck_assert_double_eq(d.latency_increase, 0.5);
	ck_assert_double_eq(d.health_check_failures, 3);
	ck_assert_int_eq(d.rollback, 0);
	can.v[CANARY_ERROR_RATE][0] = 0.0501;
	canary_decide(can.vec, base.vec, NAN, &cf, &d);
	ck_assert_str_eq(d.reasons, "high_error_rate");
	can.v[CANARY_ERROR_RATE][0] = 0.05;
	can.v[CANARY_LATENCY_P95][0] = 151;
	canary_decide(can.vec, base.vec, NAN, &cf, &d);
	ck_assert_str_eq(d.reasons, "performance_degradation");
	can.v[CANARY_LATENCY_P95][0] = 150;
	can.v[CANARY_HEALTH_CHECKS][0] = 4;
	canary_decide(can.vec, base.vec, NAN, &cf, &d);
	ck_assert_str_eq(d.reasons, "health_check_failures");
	/* the judgement's bounds */
	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		cf.canary_pass_score = bounds[i].pass;
		cf.canary_marginal_score = bounds[i].marginal;
		cohorts(&can, &base, 0.020, 3);
		canary_judge(can.vec, base.vec, 0.05, &cf, &j);
		ck_assert_str_eq(j.result, bounds[i].result);
	}
	/* too few samples: nothing judged */
	cohorts(&can, &base, 0.010, 1);
	for (int m = 0; m < CANARY_NMETRICS; m++)
		can.vec[m].n = 2;
	ck_assert_int_eq(canary_judge(can.vec, base.vec, 0.05, &cf, &j), 0);
	ck_assert_ptr_null(j.result);
}
END_TEST

/* ---- alerts ---- */

static const int64_t t0 = 1780272000000LL; /* 2026-06-01T00:00Z, a Monday */

/* a in production: durations 100 100 100 300 301 s (lower median 100 s:
 * 301 is slower than 3x, 300 is not); p1 lost 5 of 10 instances.  b in
 * development: d1 and d2 lost 5 and 3 of 10. */
static const struct row alert_rows[] = {
	{"s1", "a", "production", "completed", NULL, t0 + 1 * MIN_MS, 100000, 0, 10, 0},
	{"s2", "a", "production", "completed", NULL, t0 + 2 * MIN_MS, 100000, 0, 10, 0},
	{"s3", "a", "production", "completed", NULL, t0 + 3 * MIN_MS, 100000, 0, 10, 0},
	{"s4", "a", "production", "completed", NULL, t0 + 4 * MIN_MS, 300000, 0, 10, 0},
	{"s5", "a", "production", "completed", NULL, t0 + 5 * MIN_MS, 301000, 0, 10, 0},
	{"p1", "a", "production", "failed", "canary", t0 + 6 * MIN_MS, 60000, 5, 10, 1},
	{"d1", "b", "development", "failed", NULL, t0 + 7 * MIN_MS, 60000, 5, 10, 0},
	{"d2", "b", "development", "completed", NULL, t0 + 9 * MIN_MS, 60000, 3, 10, 0},
};
#define NALERT_ROWS (sizeof(alert_rows) / sizeof(alert_rows[0]))

START_TEST(test_alert_severity_groups)
{
	struct analyze_params p;
	struct frame f;
	struct sl_analysis *a = sl_analysis_new();
	struct sl_errctx err;
	const struct sl_table *t, *g, *pr;

	default_params(&p);
	make(&f, alert_rows, NALERT_ROWS);
	ck_assert_int_eq(alerts_run(&p, NULL, &f, a, &err), 0);
	t = table(a, "alerts");
	ck_assert_uint_eq(sl_table_rows(t), 4);
	/* frame order: s5 (slow), p1, d1, d2 */
	ck_assert_str_eq(str(t, SL_ALERTS_DEPLOYMENT_ID, 0), "s5");
	ck_assert_str_eq(str(t, SL_ALERTS_TYPE, 0), "SLOW_DEPLOYMENT");
	ck_assert_str_eq(str(t, SL_ALERTS_SEVERITY, 0), "warning");
	ck_assert_str_eq(str(t, SL_ALERTS_SEVERITY, 1), "critical"); /* p1, production */
	ck_assert_str_eq(str(t, SL_ALERTS_SEVERITY, 2), "warning");  /* d1, development */
	ck_assert_str_eq(str(t, SL_ALERTS_SEVERITY, 3), "warning");
	/* grouped worst first: critical, then the most alerts */
	g = table(a, "alert_groups");
	ck_assert_uint_eq(sl_table_rows(g), 3);
	ck_assert_str_eq(str(g, SL_ALERT_GROUPS_AGENT_ID, 0), "a");
	ck_assert_str_eq(str(g, SL_ALERT_GROUPS_TYPE, 0), "HIGH_FAILURE_RATE");
	ck_assert_str_eq(str(g, SL_ALERT_GROUPS_SEVERITY, 0), "critical");
	ck_assert_str_eq(str(g, SL_ALERT_GROUPS_AGENT_ID, 1), "b");
	ck_assert_str_eq(str(g, SL_ALERT_GROUPS_ENVIRONMENT, 1), "development");
	ck_assert_double_eq(num(g, SL_ALERT_GROUPS_ALERTS, 1), 2);
	ck_assert_double_eq(num(g, SL_ALERT_GROUPS_FIRST, 1), (double)(t0 + 7 * MIN_MS));
	ck_assert_double_eq(num(g, SL_ALERT_GROUPS_LAST, 1), (double)(t0 + 9 * MIN_MS));
	ck_assert_str_eq(str(g, SL_ALERT_GROUPS_TYPE, 2), "SLOW_DEPLOYMENT");
	/* precision beside the base rate: of the 8 finished only p1 was
	 * rolled back (confirmed): 1 of 8 */
	pr = table(a, "alert_precision");
	ck_assert_str_eq(str(pr, SL_ALERT_PRECISION_TYPE, 1), "HIGH_FAILURE_RATE");
	ck_assert_str_eq(str(pr, SL_ALERT_PRECISION_SEVERITY, 1), "critical");
	ck_assert_double_eq(num(pr, SL_ALERT_PRECISION_ALERTS, 1), 1);
	ck_assert_double_eq(num(pr, SL_ALERT_PRECISION_PRECISION, 1), 1);
	ck_assert_double_eq(num(pr, SL_ALERT_PRECISION_BASE_RATE, 1), 1.0 / 8);
	ck_assert_double_eq(num(pr, SL_ALERT_PRECISION_LIFT, 1), 8);
	ck_assert_str_eq(str(pr, SL_ALERT_PRECISION_SEVERITY, 2), "warning");
	ck_assert_double_eq(num(pr, SL_ALERT_PRECISION_ALERTS, 2), 2);
	ck_assert_double_eq(num(pr, SL_ALERT_PRECISION_LIFT, 2), 0);
	sl_analysis_free(a);
	frame_release(&f);
}
END_TEST

START_TEST(test_alert_config)
{
	struct analyze_params p;
	struct frame f;
	struct sl_analysis *a = sl_analysis_new();
	struct sl_errctx err;
	const struct sl_table *t;
	char path[] = "/tmp/shiplog-findings-XXXXXX";
	int fd = mkstemp(path);
	FILE *out;

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(out = fdopen(fd, "w"));
	fputs("alerts.critical_environments = development,  production # both\n"
	      "alerts.slow_factor = 4\n", out);
	fclose(out);
	default_params(&p);
	ck_assert_int_eq(config_load(path, &p.cfg, &err), 0);
	unlink(path);
	ck_assert_str_eq(p.cfg.alert_critical_envs, "development production");
	ck_assert(config_critical_env(&p.cfg, "development", 11));
	ck_assert(!config_critical_env(&p.cfg, "develop", 7));
	ck_assert(!config_critical_env(&p.cfg, "staging", 7));
	make(&f, alert_rows, NALERT_ROWS);
	ck_assert_int_eq(alerts_run(&p, NULL, &f, a, &err), 0);
	t = table(a, "alerts");
	/* 301 s is not above 4 x 100 s: no slow deployment; d1 is critical */
	ck_assert_uint_eq(sl_table_rows(t), 3);
	ck_assert_str_eq(str(t, SL_ALERTS_DEPLOYMENT_ID, 1), "d1");
	ck_assert_str_eq(str(t, SL_ALERTS_SEVERITY, 1), "critical");
	sl_analysis_free(a);
	frame_release(&f);
	/* an empty list: nothing is critical */
	default_params(&p);
	strcpy(p.cfg.alert_critical_envs, "");
	ck_assert(!config_critical_env(&p.cfg, "production", 10));
}
END_TEST

/* ---- DORA ---- */

/* A window from Wednesday 2026-06-03 to Monday 2026-06-22 (19 days): its
 * ISO weeks start on June 1 (5 days in it), 8 and 15.  a completes on
 * June 3 and 4 and 16; b fails on June 16. */
static const struct row dora_rows[] = {
	{"a1", "a", "production", "completed", NULL, t0 + 2 * DAY_MS, 60000, 0, 10, 0},
	{"a2", "a", "production", "completed", NULL, t0 + 3 * DAY_MS, 60000, 0, 10, 0},
	{"a3", "a", "production", "completed", NULL, t0 + 15 * DAY_MS, 60000, 0, 10, 0},
	{"b1", "b", "production", "failed", NULL, t0 + 15 * DAY_MS + 1000, 60000, 5, 10, 0},
	{"x1", "a", "staging", "completed", NULL, t0 + 9 * DAY_MS, 60000, 0, 10, 0},
};

START_TEST(test_dora_agents_weekly)
{
	struct analyze_params p;
	struct frame f;
	struct sl_analysis *a = sl_analysis_new();
	struct sl_errctx err;
	const struct sl_table *d, *ag, *wk;
	double weeks = 19.0 / 7;

	default_params(&p);
	p.from = t0 + 2 * DAY_MS;
	p.to = t0 + 21 * DAY_MS;
	make(&f, dora_rows, sizeof(dora_rows) / sizeof(dora_rows[0]));
	ck_assert_int_eq(dora_run(&p, NULL, &f, a, &err), 0);
	d = table(a, "dora");
	ck_assert_str_eq(str(d, SL_DORA_METRIC, 0), "deployment_frequency");
	ck_assert_double_eq_tol(num(d, SL_DORA_VALUE, 0), 3 / weeks, 1e-12);
	/* per agent over the window's weeks */
	ag = table(a, "dora_agents");
	ck_assert_uint_eq(sl_table_rows(ag), 2);
	ck_assert_str_eq(str(ag, SL_DORA_AGENTS_AGENT_ID, 0), "a");
	ck_assert_double_eq(num(ag, SL_DORA_AGENTS_DEPLOYMENTS, 0), 3);
	ck_assert_double_eq_tol(num(ag, SL_DORA_AGENTS_DEPLOYMENT_FREQUENCY, 0), 3 / weeks, 1e-12);
	ck_assert_str_eq(str(ag, SL_DORA_AGENTS_FREQUENCY_TIER, 0), "high");
	ck_assert_double_eq(num(ag, SL_DORA_AGENTS_CHANGE_FAILURE_RATE, 0), 0);
	ck_assert_str_eq(str(ag, SL_DORA_AGENTS_CHANGE_FAILURE_TIER, 0), "elite");
	ck_assert_str_eq(str(ag, SL_DORA_AGENTS_AGENT_ID, 1), "b");
	ck_assert_double_eq(num(ag, SL_DORA_AGENTS_DEPLOYMENT_FREQUENCY, 1), 0);
	ck_assert_str_eq(str(ag, SL_DORA_AGENTS_FREQUENCY_TIER, 1), "low");
	ck_assert_double_eq(num(ag, SL_DORA_AGENTS_CHANGE_FAILURE_RATE, 1), 1);
	ck_assert_double_eq(num(ag, SL_DORA_AGENTS_UNRECOVERED_FAILURES, 1), 1);
	/* per week: the first partial, an empty week with no tier */
	wk = table(a, "dora_weekly");
	ck_assert_uint_eq(sl_table_rows(wk), 3);
	ck_assert_double_eq(num(wk, SL_DORA_WEEKLY_WEEK_START, 0), (double)(t0 / DAY_MS));
	ck_assert_double_eq(num(wk, SL_DORA_WEEKLY_PARTIAL, 0), 1);
	ck_assert_double_eq_tol(num(wk, SL_DORA_WEEKLY_WEEKS, 0), 5.0 / 7, 1e-15);
	ck_assert_double_eq_tol(num(wk, SL_DORA_WEEKLY_DEPLOYMENT_FREQUENCY, 0), 2 / (5.0 / 7),
				1e-12);
	ck_assert_str_eq(str(wk, SL_DORA_WEEKLY_FREQUENCY_TIER, 0), "high");
	ck_assert_double_eq(num(wk, SL_DORA_WEEKLY_PARTIAL, 1), 0);
	ck_assert_double_eq(num(wk, SL_DORA_WEEKLY_DEPLOYMENTS, 1), 0);
	ck_assert_double_eq(num(wk, SL_DORA_WEEKLY_DEPLOYMENT_FREQUENCY, 1), 0);
	ck_assert_str_eq(str(wk, SL_DORA_WEEKLY_FREQUENCY_TIER, 1), "(null)");
	ck_assert(isnan(num(wk, SL_DORA_WEEKLY_CHANGE_FAILURE_RATE, 1)));
	ck_assert_double_eq(num(wk, SL_DORA_WEEKLY_DEPLOYMENTS, 2), 2);
	ck_assert_double_eq(num(wk, SL_DORA_WEEKLY_CHANGE_FAILURE_RATE, 2), 0.5);
	ck_assert_str_eq(str(wk, SL_DORA_WEEKLY_CHANGE_FAILURE_TIER, 2), "low");
	sl_analysis_free(a);
	/* a window without production deployments: no tier, not "low" */
	a = sl_analysis_new();
	p.env = "staging";
	ck_assert_int_eq(dora_run(&p, NULL, &f, a, &err), 0);
	d = table(a, "dora");
	ck_assert_double_eq(num(d, SL_DORA_VALUE, 0), 0);
	ck_assert_str_eq(str(d, SL_DORA_TIER, 0), "(null)");
	sl_analysis_free(a);
	frame_release(&f);
}
END_TEST

/* ---- anomalies ---- */

/* 100 ordinary deployments and 10 that stand out; bad: whether the ten
 * failed with most of their instances (else they only took 40x longer),
 * and one ordinary deployment failed either way. */
static void anomaly_frame(struct frame *f, int bad)
{
	size_t cap = 0;
	char id[16];

	ck_assert_int_eq(frame_begin(f), 0);
	for (int k = 0; k < 110; k++) {
		int odd = k >= 100;
		struct row r = {id, k % 2 ? "a" : "b", "production", "completed", NULL,
				t0 + k * MIN_MS, 100000 + 1000 * (k % 17), 0, 10, 0};

		snprintf(id, sizeof(id), "n%03d", k);
		if (k == 7)
			r.phase = "failed";
		if (odd && bad) {
			r.phase = "rolled_back";
			r.failed = 8;
			r.rb = 1;
		} else if (odd) {
			r.dur = 4000000 + 1000 * k;
		}
		add(f, &cap, &r);
	}
	ck_assert_int_eq(frame_finish(f), 0);
}

START_TEST(test_anomalies_lift)
{
	struct analyze_params p;
	struct frame f;
	struct sl_errctx err;

	default_params(&p);
	for (int bad = 1; bad >= 0; bad--) {
		struct sl_analysis *a = sl_analysis_new();
		const struct sl_table *t, *s;
		size_t top;

		anomaly_frame(&f, bad);
		ck_assert_int_eq(features_run(&p, NULL, &f, a, &err), 0);
		s = table(a, "anomaly_summary");
		ck_assert_double_eq(num(s, SL_ANOMALY_SUMMARY_DEPLOYMENTS, 0), 110);
		ck_assert_double_eq(num(s, SL_ANOMALY_SUMMARY_CONTAMINATION, 0), 0.1);
		ck_assert_ptr_nonnull(strstr(str(s, SL_ANOMALY_SUMMARY_HEADLINE, 0),
					     "the 10% most unusual deployments (contamination "
					     "setting)"));
		ck_assert_double_eq_tol(num(s, SL_ANOMALY_SUMMARY_BASE_FAILURE_RATE, 0),
					(bad ? 11 : 1) / 110.0, 1e-15);
		t = table(a, "anomalies");
		ck_assert_uint_eq(sl_table_rows(t), 110);
		/* rank orders the flagged by score, 1 the highest; every
		 * other scores below them */
		{
			size_t at[111] = {0}, nf = 0;

			for (size_t r = 0; r < 110; r++)
				if (num(t, SL_ANOMALIES_IS_ANOMALY, r) == 1) {
					double k = num(t, SL_ANOMALIES_RANK, r);

					ck_assert(k >= 1 && k <= 110 && !at[(size_t)k]);
					at[(size_t)k] = r + 1;
					nf++;
				} else {
					ck_assert(isnan(num(t, SL_ANOMALIES_RANK, r)));
				}
			ck_assert_double_eq(nf, num(s, SL_ANOMALY_SUMMARY_FLAGGED, 0));
			for (size_t k = 2; k <= nf; k++)
				ck_assert(num(t, SL_ANOMALIES_ANOMALY_SCORE, at[k - 1] - 1) >=
					  num(t, SL_ANOMALIES_ANOMALY_SCORE, at[k] - 1));
			top = at[1] - 1;
		}
		ck_assert_str_eq(str(t, SL_ANOMALIES_ENVIRONMENT, top), "production");
		if (bad) {
			/* the ten failures are the most unusual: lift 11 / 1 x ... */
			ck_assert_double_eq(num(s, SL_ANOMALY_SUMMARY_FLAGGED_FAILURES, 0), 10);
			ck_assert_double_eq_tol(num(s, SL_ANOMALY_SUMMARY_LIFT, 0),
						(10 / num(s, SL_ANOMALY_SUMMARY_FLAGGED_FINISHED, 0)) /
							(11 / 110.0),
						1e-12);
			ck_assert(num(s, SL_ANOMALY_SUMMARY_LIFT, 0) > 5);
		} else {
			/* unusual, but none failed: the lift says no better than
			 * chance, and the top reason is the duration */
			ck_assert_double_eq(num(s, SL_ANOMALY_SUMMARY_FLAGGED_FAILURES, 0), 0);
			ck_assert_double_eq(num(s, SL_ANOMALY_SUMMARY_LIFT, 0), 0);
			ck_assert_ptr_nonnull(strstr(str(t, SL_ANOMALIES_REASON, top), "duration"));
			ck_assert(num(t, SL_ANOMALIES_ROBUST_Z, top) > 3);
		}
		sl_analysis_free(a);
		frame_release(&f);
	}
}
END_TEST

/* ---- rollback risk ---- */

START_TEST(test_risk_levels_pooled)
{
	int first[4], last[4];
	/* the case: critical 0 of 25 against 12.5% for high */
	double n1[4] = {400, 200, 80, 25}, r1[4] = {12, 12, 10, 0};
	double n2[4] = {400, 200, 80, 25}, r2[4] = {12, 12, 10, 5};
	double n3[4] = {400, 0, 80, 25}, r3[4] = {12, 0, 10, 5};
	double n4[4] = {0, 0, 0, 0}, r4[4] = {0, 0, 0, 0};
	double n5[4] = {100, 100, 100, 100}, r5[4] = {40, 30, 20, 10};

	ck_assert_int_eq(rollback_pool_levels(n1, r1, first, last), 3);
	ck_assert_int_eq(first[2], 2);
	ck_assert_int_eq(last[2], 3);
	ck_assert_int_eq(rollback_pool_levels(n2, r2, first, last), 4);
	for (int b = 0; b < 4; b++)
		ck_assert(first[b] == b && last[b] == b);
	/* an empty level joins the one below */
	ck_assert_int_eq(rollback_pool_levels(n3, r3, first, last), 3);
	ck_assert(first[0] == 0 && last[0] == 1 && first[1] == 2 && last[2] == 3);
	ck_assert_int_eq(rollback_pool_levels(n4, r4, first, last), 1);
	ck_assert(first[0] == 0 && last[0] == 3);
	/* falling all the way: one level */
	ck_assert_int_eq(rollback_pool_levels(n5, r5, first, last), 1);
	{
		/* two levels at the same rate are in order: neither pooled
		 * (only a fall is a violation) */
		double n6[4] = {10, 10, 10, 10}, r6[4] = {1, 2, 2, 3};

		ck_assert_int_eq(rollback_pool_levels(n6, r6, first, last), 4);
		for (int b = 0; b < 4; b++)
			ck_assert(first[b] == b && last[b] == b);
	}
}
END_TEST

START_TEST(test_backtest_verdict)
{
	double y[8] = {1, 0, 0, 0, 1, 0, 0, 0}, b[8], p[8], mean, upper;

	for (int i = 0; i < 8; i++)
		b[i] = 0.25;
	/* the base rate itself: no better */
	ck_assert_int_eq(rollback_verdict(b, b, y, 8, &mean, &upper), 0);
	ck_assert_double_eq(mean, 0);
	ck_assert_double_eq(upper, 0);
	/* sure and right every time: better */
	ck_assert_int_eq(rollback_verdict(y, b, y, 8, &mean, &upper), 1);
	ck_assert(upper < 0);
	/* a lower mean Brier score by luck: right on some, wrong on others */
	for (int i = 0; i < 4; i++)
		p[i] = y[i] ? 0.9 : 0.1;
	for (int i = 4; i < 8; i++)
		p[i] = y[i] ? 0.2 : 0.3;
	ck_assert_int_eq(rollback_verdict(p, b, y, 8, &mean, &upper), 0);
	ck_assert(mean < 0);
	ck_assert(upper > 0);
	/* one row has no standard error: no verdict of better */
	ck_assert_int_eq(rollback_verdict(y, b, y, 1, &mean, &upper), 0);
}
END_TEST

/* ---- the feature set from columns (the reduce's) ---- */

/* The reduce's case: the wanted rows' columns copied out of the frame
 * (mapred_ft.c gathers them from the partials), the ids through the
 * frame rows they came from. */
struct copied {
	const struct frame *f;
	uint32_t *row;
};

static int copied_id(struct sl_table *t, int c, const void *ctx, size_t i)
{
	const struct copied *cp = ctx;

	return frame_table_set_id(t, c, cp->f, cp->row[i]);
}

#define COPY(dst, src, n, rows)                                                             \
	do {                                                                                \
		(dst) = malloc(((n) ? (n) : 1) * sizeof(*(src)));                           \
		ck_assert_ptr_nonnull(dst);                                                 \
		for (size_t i_ = 0; i_ < (n); i_++)                                         \
			(dst)[i_] = (src)[(rows)[i_]];                                      \
	} while (0)

START_TEST(test_features_from_cols)
{
	struct analyze_params p;
	struct frame f;
	struct sl_errctx err;
	struct sl_analysis *a = sl_analysis_new(), *b = sl_analysis_new();
	struct feature_cols c;
	struct feature_set fs;
	struct copied cp;
	uint32_t *agent, *env, *strategy;
	uint8_t *phase;
	int8_t *rb;
	int64_t *start, *dur;
	int32_t *target, *deployed, *healthy, *failed;
	double *lat, *er, *cpu, *mem;
	size_t n = 0;
	static const char *const names[] = {"features", "anomalies", "anomaly_summary",
					    "patterns", "clusters"};

	default_params(&p);
	anomaly_frame(&f, 1);
	/* a hole in the wanted rows: the set's rows are the frame's wanted */
	for (size_t i = 20; i < 30; i++)
		f.wanted[i] = 0;
	ck_assert_int_eq(features_run(&p, NULL, &f, a, &err), 0);
	cp.f = &f;
	ck_assert_ptr_nonnull(cp.row = malloc(f.n * sizeof(*cp.row)));
	for (size_t i = 0; i < f.n; i++)
		if (f.wanted[i])
			cp.row[n++] = (uint32_t)i;
	COPY(agent, f.agent, n, cp.row);
	COPY(env, f.env, n, cp.row);
	COPY(strategy, f.strategy, n, cp.row);
	COPY(phase, f.phase, n, cp.row);
	COPY(rb, f.rb_flag, n, cp.row);
	COPY(start, f.start, n, cp.row);
	COPY(dur, f.dur, n, cp.row);
	COPY(target, f.target, n, cp.row);
	COPY(deployed, f.deployed, n, cp.row);
	COPY(healthy, f.healthy, n, cp.row);
	COPY(failed, f.failed, n, cp.row);
	COPY(lat, f.latency, n, cp.row);
	COPY(er, f.error_rate, n, cp.row);
	COPY(cpu, f.cpu, n, cp.row);
	COPY(mem, f.memory, n, cp.row);
	c = (struct feature_cols){f.names, agent, env, strategy, phase, rb, start, dur, target,
				  deployed, healthy, failed, lat, er, cpu, mem, copied_id, &cp};
	ck_assert_int_eq(features_from_cols(&c, n, &fs, &err), 0);
	ck_assert_int_eq(features_tables(&p, &fs, b, &err), 0);
	features_release(&fs);
	/* every cell of the five tables, bit for bit */
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const struct sl_table *x = table(a, names[k]), *y = table(b, names[k]);

		ck_assert_uint_eq(sl_table_rows(x), sl_table_rows(y));
		ck_assert_int_eq(sl_table_ncols(x), sl_table_ncols(y));
		for (int col = 0; col < sl_table_ncols(x); col++)
			for (size_t r = 0; r < sl_table_rows(x); r++) {
				double u = 0, v = 0;

				if (sl_table_col_type(x, col) == SL_R_STR) {
					ck_assert_str_eq(str(x, col, r), str(y, col, r));
					continue;
				}
				ck_assert_int_eq(sl_table_get_f64(x, col, r, &u),
						 sl_table_get_f64(y, col, r, &v));
				ck_assert(memcmp(&u, &v, sizeof(u)) == 0);
			}
	}
	ck_assert_uint_eq(sl_table_rows(table(b, "features")), 100);
	free(agent), free(env), free(strategy), free(phase), free(rb), free(start), free(dur);
	free(target), free(deployed), free(healthy), free(failed);
	free(lat), free(er), free(cpu), free(mem), free(cp.row);
	sl_analysis_free(a);
	sl_analysis_free(b);
	frame_release(&f);
}
END_TEST

Suite *suite_findings(void);

Suite *suite_findings(void)
{
	Suite *s = suite_create("findings");
	TCase *tc = tcase_create("findings");

	tcase_add_test(tc, test_bundled_config_is_the_defaults);
	tcase_add_test(tc, test_canary_healthy_passes);
	tcase_add_test(tc, test_canary_bad_fails);
	tcase_add_test(tc, test_canary_bounds);
	tcase_add_test(tc, test_alert_severity_groups);
	tcase_add_test(tc, test_alert_config);
	tcase_add_test(tc, test_dora_agents_weekly);
	tcase_add_test(tc, test_anomalies_lift);
	tcase_add_test(tc, test_features_from_cols);
	tcase_add_test(tc, test_risk_levels_pooled);
	tcase_add_test(tc, test_backtest_verdict);
	suite_add_tcase(s, tc);
	return s;
}
