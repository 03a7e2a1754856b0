/* report/attention.c over hand-built analyses: the four groups and their
 * order (missed targets, production critical alerts by agent, the lowest
 * success rates, DORA tiers), no tier from fewer than 5 samples, the
 * window in words, empty and nearly empty windows, and the same lists
 * whatever the order of the rows; a team's analysis against the
 * organisation's, the unowned agents of the organisation's, the quiet rule
 * and the subject of a teams run. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "attention.h"
#include "helpers.h"
#include "mail.h"
#include "sl_anread.h"
#include "sl_result.h"
#include "sl_tables.h"
#include "sl_value.h"

static void str(struct sl_table *t, int c, const char *s)
{
	ck_assert_int_eq(sl_table_set_str(t, c, s, strlen(s)), 0);
}

static int64_t at(const char *iso)
{
	int64_t ms;

	ck_assert_int_eq(sl_parse_time(iso, strlen(iso), &ms), 0);
	return ms;
}

/* rows[] in the order given by ord (a permutation of 0..n-1) */
static struct sl_analysis *sample(const int *ord)
{
	static const struct {
		const char *agent, *env, *sev, *start;
	} al[7] = {
		{"api", "production", "critical", "2026-10-02T10:00:00Z"},
		{"api", "production", "critical", "2026-10-03T11:30:00Z"},
		{"api", "production", "critical", "2026-10-01T09:00:00Z"},
		{"web", "production", "critical", "2026-10-04T08:00:00Z"},
		{"db", "staging", "critical", "2026-10-05T08:00:00Z"},
		{"db", "staging", "critical", "2026-10-05T09:00:00Z"},
		{"api", "production", "warning", "2026-10-06T08:00:00Z"},
	};
	static const struct {
		const char *agent;
		int total, ok, failed;
	} sr[5] = {
		{"api", 6, 3, 2}, {"web", 20, 19, 1}, {"api", 4, 2, 1}, {"tiny", 2, 0, 2},
		{"web", 2, 2, 0},
	};
	static const struct {
		const char *metric, *unit, *tier;
		double value;
		int samples;
	} dora[6] = {
		{"deployment_frequency", "deployments_per_week", "elite", 30, 10},
		{"deployment_days", "days_per_week", "", 5, 7},
		{"lead_time_for_changes", "ms", "high", 3600000, 3},
		{"change_failure_rate", "fraction", "low", NAN, 0},
		{"failed_deployment_recovery_time", "ms", "low", 7200000, 20},
		{"unrecovered_failures", "count", "", 2, 6},
	};
	struct sl_analysis *a = sl_analysis_new();
	struct sl_table *t;

	ck_assert_int_eq(sl_analysis_meta_str(a, "window_from", "2026-10-01T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "window_to", "2026-10-08T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "input_deployments", 34), 0);
	t = sl_table_new_def(SL_T_SCORECARD);
	sl_table_add_row(t);
	str(t, SL_SCORECARD_METRIC, "rollback_rate");
	sl_table_set_f64(t, SL_SCORECARD_VALUE, 0.1);
	str(t, SL_SCORECARD_UNIT, "fraction");
	str(t, SL_SCORECARD_TARGET, "< 0.05");
	sl_table_set_bool(t, SL_SCORECARD_MET, 0);
	sl_table_add_row(t);
	str(t, SL_SCORECARD_METRIC, "mean_time_to_deploy");
	sl_table_set_f64(t, SL_SCORECARD_VALUE, 60000);
	str(t, SL_SCORECARD_UNIT, "ms");
	str(t, SL_SCORECARD_TARGET, "< 1800000");
	sl_table_set_bool(t, SL_SCORECARD_MET, 1);
	sl_table_add_row(t); /* not measured: no met */
	str(t, SL_SCORECARD_METRIC, "recovery_time");
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	t = sl_table_new_def(SL_T_ALERTS);
	for (int k = 0; k < 7; k++) {
		int i = ord ? ord[k] % 7 : k;

		sl_table_add_row(t);
		str(t, SL_ALERTS_AGENT_ID, al[i].agent);
		str(t, SL_ALERTS_ENVIRONMENT, al[i].env);
		str(t, SL_ALERTS_SEVERITY, al[i].sev);
		sl_table_set_i64(t, SL_ALERTS_START_TIME, at(al[i].start));
	}
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	t = sl_table_new_def(SL_T_SUCCESS_RATES);
	for (int k = 0; k < 5; k++) {
		int i = ord ? ord[k] % 5 : k;

		sl_table_add_row(t);
		str(t, SL_SUCCESS_RATES_AGENT_ID, sr[i].agent);
		sl_table_set_i64(t, SL_SUCCESS_RATES_TOTAL_DEPLOYMENTS, sr[i].total);
		sl_table_set_i64(t, SL_SUCCESS_RATES_SUCCESSFUL_DEPLOYMENTS, sr[i].ok);
		sl_table_set_i64(t, SL_SUCCESS_RATES_FAILED_DEPLOYMENTS, sr[i].failed);
		sl_table_set_i64(t, SL_SUCCESS_RATES_ROLLBACK_COUNT, 0);
	}
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	t = sl_table_new_def(SL_T_DORA);
	for (int i = 0; i < 6; i++) {
		sl_table_add_row(t);
		str(t, SL_DORA_METRIC, dora[i].metric);
		sl_table_set_f64(t, SL_DORA_VALUE, dora[i].value);
		str(t, SL_DORA_UNIT, dora[i].unit);
		if (dora[i].tier[0])
			str(t, SL_DORA_TIER, dora[i].tier);
		sl_table_set_i64(t, SL_DORA_SAMPLES, dora[i].samples);
	}
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	return a;
}

static void build(struct sl_analysis *a, struct attention *att)
{
	struct sl_anfile *f = as_file(a);
	struct sl_errctx err;

	sl_err_clear(&err);
	ck_assert_int_eq(attention_build(att, f, &err), 0);
	sl_anfile_close(f);
}

START_TEST(test_groups)
{
	struct sl_analysis *a = sample(NULL);
	struct attention att;
	const struct att_group *g;

	build(a, &att);
	ck_assert_str_eq(att.window, "2026-10-01 00:00 UTC \xe2\x80\x93 2026-10-08 00:00 UTC");
	ck_assert(!att.empty);
	ck_assert_str_eq(att.notice, "");
	g = &att.g[ATT_MISSED];
	ck_assert_str_eq(g->section, "scorecard");
	ck_assert_uint_eq(g->n, 1);
	ck_assert_str_eq(g->items[0].text, "Rollback rate: 10%, target < 5%");
	ck_assert_str_eq(g->none, "1 of 2 measured targets met.");
	/* critical alerts by agent, the most first, in every environment
	 * the analysis held critical (here staging too, as a configuration
	 * can say); warnings only counted */
	g = &att.g[ATT_ALERTS];
	ck_assert_uint_eq(g->n, 3);
	ck_assert_str_eq(g->items[0].text,
			 "api: 3 critical alerts, the latest 2026-10-03 11:30 UTC");
	ck_assert_str_eq(g->items[1].text, "db: 2 critical alerts, the latest 2026-10-05 09:00 UTC");
	ck_assert_str_eq(g->items[2].text, "web: 1 critical alert, the latest 2026-10-04 08:00 UTC");
	ck_assert_str_eq(g->none, "6 critical alerts in production and staging from 3 agents; "
				  "7 alerts in all, warnings included.");
	/* api 5 of 10, web 21 of 22; tiny (2 deployments) not ranked, last */
	g = &att.g[ATT_AGENTS];
	ck_assert_uint_eq(g->n, 2);
	ck_assert_str_eq(g->items[0].text, "api: 50% completed of 10 (3 failed, 0 rollbacks)");
	ck_assert_int_eq(g->items[0].bad, 1);
	ck_assert_int_eq(g->items[1].bad, 0);
	ck_assert_uint_eq(att.nagents, 3);
	ck_assert_str_eq(att.agents[2].agent, "tiny");
	/* the four keys: a tier only from 5 samples, none from nothing */
	g = &att.g[ATT_DORA];
	ck_assert_uint_eq(g->n, 5);
	ck_assert_str_eq(g->items[0].text, "Deployment frequency: 30 / week, elite");
	ck_assert_str_eq(g->items[1].text, "Lead time for changes: 60.0 min from 3 samples: too few "
					   "to rate");
	ck_assert_str_eq(g->items[2].text, "Change failure rate: nothing to measure, not rated");
	ck_assert_str_eq(g->items[3].text, "Failed deployment recovery time: 2.0 h, low");
	ck_assert_int_eq(g->items[3].bad, 1);
	ck_assert_str_eq(g->items[4].text, "Unrecovered failures: 2");
	attention_free(&att);
	sl_analysis_free(a);
}
END_TEST

/* The same rows in another order: the same lists, byte for byte. */
START_TEST(test_row_order)
{
	static const int rev[7] = {6, 5, 4, 3, 2, 1, 0};
	struct sl_analysis *a = sample(NULL), *b = sample(rev);
	struct attention x, y;

	build(a, &x);
	build(b, &y);
	for (int k = 0; k < ATT_NGROUPS; k++) {
		ck_assert(!x.g[k].title == !y.g[k].title);
		if (!x.g[k].title)
			continue; /* absent from both */
		ck_assert_uint_eq(x.g[k].n, y.g[k].n);
		ck_assert_str_eq(x.g[k].none, y.g[k].none);
		for (size_t i = 0; i < x.g[k].n; i++)
			ck_assert_str_eq(x.g[k].items[i].text, y.g[k].items[i].text);
	}
	attention_free(&x);
	attention_free(&y);
	sl_analysis_free(a);
	sl_analysis_free(b);
}
END_TEST

START_TEST(test_windows)
{
	struct sl_analysis *a = sl_analysis_new();
	struct attention att;
	struct sl_table *t;

	/* no deployments, no window: said, all data */
	ck_assert_int_eq(sl_analysis_meta_i64(a, "input_deployments", 0), 0);
	build(a, &att);
	ck_assert(att.empty);
	ck_assert_str_eq(att.window, "all data");
	ck_assert_ptr_nonnull(strstr(att.notice, "No deployments in this window (all data)"));
	ck_assert_str_eq(att.g[ATT_MISSED].none, "The analysis has no scorecard.");
	attention_free(&att);
	sl_analysis_free(a);
	/* a few deployments over all data: the first and last day with any */
	a = sl_analysis_new();
	ck_assert_int_eq(sl_analysis_meta_i64(a, "input_deployments", 3), 0);
	t = sl_table_new_def(SL_T_TIMELINE);
	for (int d = 0; d < 3; d++) {
		sl_table_add_row(t);
		sl_table_set_i64(t, SL_TIMELINE_DAY, 20500 + d);
		sl_table_set_i64(t, SL_TIMELINE_DEPLOYMENTS, d == 0 ? 0 : 1 + d);
	}
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	build(a, &att);
	ck_assert(!att.empty);
	ck_assert_str_eq(att.window, "all data, 2026-02-17 \xe2\x80\x93 2026-02-18");
	ck_assert_ptr_nonnull(strstr(att.notice, "Only 3 deployments in this window"));
	attention_free(&att);
	sl_analysis_free(a);
	/* a file that does not say its count is not said to be empty */
	a = sl_analysis_new();
	build(a, &att);
	ck_assert(!att.empty);
	ck_assert_str_eq(att.notice, "");
	attention_free(&att);
	attention_free(NULL);
	sl_analysis_free(a);
}
END_TEST

/* A summary-shaped table (summary or org_summary): the overall row. */
static void overall(struct sl_analysis *a, enum sl_tid id, double rate, double change)
{
	struct sl_table *t = sl_table_new_def(id);

	/* summary and org_summary share their columns (sl_tables.h) */
	ck_assert_int_eq(SL_SUMMARY_SUCCESS_RATE, SL_ORG_SUMMARY_SUCCESS_RATE);
	sl_table_add_row(t);
	str(t, SL_SUMMARY_SCOPE, "environment");
	str(t, SL_SUMMARY_ENVIRONMENT, "production");
	sl_table_set_f64(t, SL_SUMMARY_SUCCESS_RATE, 0.5);
	sl_table_add_row(t);
	str(t, SL_SUMMARY_SCOPE, "overall");
	sl_table_set_f64(t, SL_SUMMARY_SUCCESS_RATE, rate);
	if (isfinite(change))
		sl_table_set_f64(t, SL_SUMMARY_SUCCESS_RATE_CHANGE, change);
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
}

static void tiers(struct sl_analysis *a, enum sl_tid id, const char *const *tier, const int *n)
{
	static const char *const keys[4] = {"deployment_frequency", "lead_time_for_changes",
					    "change_failure_rate",
					    "failed_deployment_recovery_time"};
	struct sl_table *t = sl_table_new_def(id);

	for (int k = 0; k < 4; k++) {
		sl_table_add_row(t);
		str(t, SL_DORA_METRIC, keys[k]);
		sl_table_set_f64(t, SL_DORA_VALUE, 1);
		str(t, SL_DORA_UNIT, "fraction");
		str(t, SL_DORA_TIER, tier[k]);
		sl_table_set_i64(t, SL_DORA_SAMPLES, n[k]);
	}
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
}

static struct report_params rparams(void)
{
	struct report_params p;

	memset(&p, 0, sizeof(p));
	p.title = "Deployment report";
	p.mail_from = "a@b";
	p.mail_to = "c@d";
	p.rows = 20;
	return p;
}

static void subject(const struct report_params *p, const struct attention *att, const char *want)
{
	struct out o = {SL_BUF_INIT, 0};

	mail_subject(&o, p, att);
	ck_assert_int_eq(o.err, 0);
	ck_assert_str_eq(o.b.data, want);
	out_release(&o);
}

/* A team's analysis: who it is, each figure against the organisation's
 * (tiers only from ATT_MIN_TIER samples), and the headline of its mail. */
START_TEST(test_team)
{
	static const char *const team_t[4] = {"high", "elite", "low", "medium"};
	static const char *const org_t[4] = {"medium", "elite", "high", "elite"};
	static const int team_n[4] = {10, 10, 10, 3}, org_n[4] = {50, 50, 50, 50};
	struct sl_analysis *a = sl_analysis_new();
	struct report_params p = rparams();
	struct attention att;
	const struct att_group *g;

	ck_assert_int_eq(sl_analysis_meta_str(a, "window_from", "2026-11-30T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "window_to", "2026-12-07T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "input_deployments", 40), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "team", "pay\nments"), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "agents", "payments-*,billing-api"), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "agents_matched", 4), 0);
	overall(a, SL_T_SUMMARY, 0.912, -0.031);
	overall(a, SL_T_ORG_SUMMARY, 0.934, 0.01);
	tiers(a, SL_T_DORA, team_t, team_n);
	tiers(a, SL_T_ORG_DORA, org_t, org_n);
	{
		struct sl_table *t = sl_table_new_def(SL_T_ALERTS);

		for (int k = 0; k < 3; k++) {
			sl_table_add_row(t);
			str(t, SL_ALERTS_AGENT_ID, "payments-api");
			str(t, SL_ALERTS_ENVIRONMENT, k < 2 ? "production" : "staging");
			str(t, SL_ALERTS_SEVERITY, "critical");
		}
		ck_assert_int_eq(sl_analysis_add(a, t), 0);
	}
	build(a, &att);
	/* a control in the name is a space: it reaches headers */
	ck_assert_str_eq(att.team, "pay ments");
	ck_assert_str_eq(att.team_agents, "payments-*, billing-api");
	ck_assert(att.agents_matched == 4);
	ck_assert(att.teams);
	ck_assert(!att.quiet);
	ck_assert_str_eq(att.span, "2026-11-30 \xe2\x80\x93 2026-12-06");
	ck_assert_str_eq(att.last_day, "2026-12-06");
	ck_assert(att.vs.have);
	ck_assert(att.vs.key[0].cmp > 0 && att.vs.key[1].cmp == 0 && att.vs.key[2].cmp < 0);
	/* 3 samples: not rated, so not compared */
	ck_assert_str_eq(att.vs.key[3].tier, "");
	ck_assert_int_eq(att.vs.key[3].cmp, 0);
	g = &att.g[ATT_TEAM];
	ck_assert_ptr_nonnull(g->title);
	ck_assert_uint_eq(g->n, 5);
	ck_assert_str_eq(g->items[0].text,
			 "Success rate: 91.2% here, 93.4% in the organisation (2.2 points lower)");
	ck_assert_int_eq(g->items[0].bad, 1);
	ck_assert_str_eq(g->items[1].text,
			 "Deployment frequency: high here, medium in the organisation (better)");
	ck_assert_int_eq(g->items[1].bad, 0);
	ck_assert_str_eq(g->items[2].text, "Lead time for changes: elite here, elite in the "
					   "organisation");
	ck_assert_str_eq(g->items[3].text, "Change failure rate: low here, high in the "
					   "organisation (worse)");
	ck_assert_int_eq(g->items[3].bad, 1);
	ck_assert_str_eq(g->items[4].text, "Failed deployment recovery time: not rated here, "
					   "elite in the organisation");
	/* no unowned_agents in a team's analysis */
	ck_assert_ptr_null(att.g[ATT_UNOWNED].title);
	/* the headline: the critical alerts, as the alerts group counts
	 * them (the nightly's log sums alert_precision's to the same) */
	subject(&p, &att, "pay ments: 3 critical alerts, success 91.2% (\xe2\x96\xbc" "3.1), "
			  "2026-12-06");
	p.subject = "given";
	subject(&p, &att, "given");
	attention_free(&att);
	sl_analysis_free(a);
}
END_TEST

/* The organisation's analysis of a teams file: the agents no team owns,
 * the most deployments first, a bounded number named; its subject has the
 * title and no alerts part without alerts. */
START_TEST(test_unowned)
{
	struct sl_analysis *a = sl_analysis_new();
	struct report_params p = rparams();
	struct attention att;
	struct sl_table *t = sl_table_new_def(SL_T_UNOWNED_AGENTS);
	const struct att_group *g;
	char name[32];

	for (int k = 0; k < 13; k++) {
		snprintf(name, sizeof(name), k == 12 ? "b\x01<x>" : "agent-%02d", k);
		sl_table_add_row(t);
		str(t, SL_UNOWNED_AGENTS_AGENT_ID, name);
		sl_table_set_i64(t, SL_UNOWNED_AGENTS_DEPLOYMENTS, k == 12 ? 100 : 1 + k % 2);
	}
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "window_from", "2026-11-30T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "window_to", "2026-12-07T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "input_deployments", 400), 0);
	overall(a, SL_T_SUMMARY, 0.95, NAN);
	build(a, &att);
	ck_assert(att.teams);
	ck_assert_str_eq(att.team, "");
	ck_assert_ptr_null(att.g[ATT_TEAM].title);
	g = &att.g[ATT_UNOWNED];
	ck_assert_str_eq(g->section, "agents");
	ck_assert_uint_eq(g->n, 1);
	ck_assert_int_eq(g->items[0].bad, 1);
	ck_assert_str_eq(g->items[0].text,
			 "13 agents belong to no team: b <x>, agent-01, agent-03, agent-05, "
			 "agent-07, agent-09, agent-11, agent-00, agent-02, agent-04 and 3 more");
	subject(&p, &att, "Deployment report: success 95%, 2026-12-06");
	attention_free(&att);
	sl_analysis_free(a);
	/* none unowned: said, nothing listed */
	a = sl_analysis_new();
	sl_analysis_add(a, sl_table_new_def(SL_T_UNOWNED_AGENTS));
	build(a, &att);
	ck_assert_uint_eq(att.g[ATT_UNOWNED].n, 0);
	ck_assert_str_eq(att.g[ATT_UNOWNED].none,
			 "Every agent that deployed in this window belongs to a team.");
	attention_free(&att);
	sl_analysis_free(a);
}
END_TEST

/* Critical alerts in more environments than are named: counted; the
 * subject says the same number the group leads with. */
START_TEST(test_alert_envs)
{
	struct sl_analysis *a = sl_analysis_new();
	struct report_params p = rparams();
	struct sl_table *t = sl_table_new_def(SL_T_ALERTS);
	struct attention att;
	char env[16];

	for (int k = 0; k < 5; k++) {
		snprintf(env, sizeof(env), "prod-%d", k);
		sl_table_add_row(t);
		str(t, SL_ALERTS_AGENT_ID, "api");
		str(t, SL_ALERTS_ENVIRONMENT, env);
		str(t, SL_ALERTS_SEVERITY, "critical");
		sl_table_set_i64(t, SL_ALERTS_START_TIME, at("2026-12-01T10:00:00Z") + k);
	}
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "window_from", "2026-11-30T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "window_to", "2026-12-07T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "input_deployments", 5), 0);
	overall(a, SL_T_SUMMARY, 0.95, NAN);
	/* an organisation's file of a teams run: the subject has figures */
	ck_assert_int_eq(sl_analysis_add(a, sl_table_new_def(SL_T_UNOWNED_AGENTS)), 0);
	build(a, &att);
	ck_assert_str_eq(att.g[ATT_ALERTS].none,
			 "5 critical alerts in 5 environments from 1 agent; 5 alerts in all, "
			 "warnings included.");
	subject(&p, &att, "Deployment report: 5 critical alerts, success 95%, 2026-12-06");
	attention_free(&att);
	sl_analysis_free(a);
}
END_TEST

/* Nothing new: no deployment and no pipeline run; a pipeline run, or a
 * file that does not say its deployments, is news.  A team's pipelines
 * are the organisation's: its deployments alone count. */
START_TEST(test_quiet)
{
	struct report_params p = rparams();

	for (int k = 0; k < 5; k++) {
		int runs = k == 1 || k >= 3, team = k >= 3, counted = k != 2 && k != 4;
		struct sl_analysis *a = sl_analysis_new();
		struct attention att;
		struct sl_table *t = sl_table_new_def(SL_T_PIPELINES);

		/* shiplog-analyze says "" outside a team */
		ck_assert_int_eq(sl_analysis_meta_str(a, "team", team ? "search" : ""), 0);
		ck_assert_int_eq(sl_analysis_meta_str(a, "window_from", "2026-11-30T00:00:00.000Z"), 0);
		ck_assert_int_eq(sl_analysis_meta_str(a, "window_to", "2026-12-07T00:00:00.000Z"), 0);
		if (counted)
			ck_assert_int_eq(sl_analysis_meta_i64(a, "input_deployments", 0), 0);
		sl_table_add_row(t);
		str(t, SL_PIPELINES_PIPELINE_ID, "build");
		sl_table_set_i64(t, SL_PIPELINES_EXECUTIONS, runs);
		ck_assert_int_eq(sl_analysis_add(a, t), 0);
		build(a, &att);
		ck_assert_msg(att.quiet == (k == 0 || k == 3), "case %d", k);
		if (k == 0) /* not a teams run: the subject as before */
			subject(&p, &att, "Deployment report: 2026-11-30 00:00 UTC \xe2\x80\x93 "
					  "2026-12-07 00:00 UTC (no deployments)");
		if (k == 3) {
			p.if_quiet = REPORT_QUIET_ONELINE;
			subject(&p, &att, "search: nothing new, 2026-12-06");
			p.if_quiet = REPORT_QUIET_FULL;
			subject(&p, &att, "search: no deployments, 2026-12-06");
		}
		attention_free(&att);
		sl_analysis_free(a);
	}
}
END_TEST

Suite *suite_attention(void);

Suite *suite_attention(void)
{
	Suite *s = suite_create("attention");
	TCase *tc = tcase_create("attention");

	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_row_order);
	tcase_add_test(tc, test_windows);
	tcase_add_test(tc, test_team);
	tcase_add_test(tc, test_unowned);
	tcase_add_test(tc, test_quiet);
	tcase_add_test(tc, test_alert_envs);
	suite_add_tcase(s, tc);
	return s;
}
