/* report/html.c and report/mail.c over hand-built analyses (written to a
 * file and read back as the report reads it): tables still to come
 * (anomalies, predictions, pipelines, an unknown one) render in their
 * sections, long tables are bounded, absent sections say so, hostile
 * strings stay text, and per-deployment tables of several row groups give
 * a page of bounded size (top rows across groups, a sampled scatter). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "helpers.h"
#include "html.h"
#include "mail.h"
#include "sl_anread.h"
#include "sl_result.h"
#include "sl_tables.h"

static int render(struct out *o, struct sl_analysis *a, const struct report_params *p)
{
	struct sl_anfile *f = as_file(a);
	struct sl_errctx err;
	int rc;

	sl_err_clear(&err);
	rc = html_render(o, f, p, &err);
	sl_anfile_close(f);
	return rc;
}

static struct report_params params(void)
{
	struct report_params p;

	memset(&p, 0, sizeof(p));
	p.title = "T";
	p.mail_from = "a@b";
	p.mail_to = "c@d";
	p.rows = 20;
	return p;
}

static int count(const char *h, const char *what)
{
	int n = 0;

	for (const char *q = h; (q = strstr(q, what)); q++)
		n++;
	return n;
}

static struct sl_analysis *future(void)
{
	static const struct sl_rcol many[] = {{"pipeline_id", SL_R_STR}, {"executions", SL_R_I64}};
	static const struct sl_rcol z[] = {{"x", SL_R_I64}};
	struct sl_analysis *a = sl_analysis_new();
	struct sl_table *t;
	char id[32];

	ck_assert_int_eq(sl_analysis_meta_str(a, "now", "2026-11-01T00:00:00.000Z"), 0);
	t = sl_table_new_def(SL_T_ANOMALIES);
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "d%03d", i);
		sl_table_add_row(t);
		sl_table_set_str(t, SL_ANOMALIES_DEPLOYMENT_ID, id, strlen(id));
		sl_table_set_f64(t, SL_ANOMALIES_ANOMALY_SCORE, i / 100.0);
		sl_table_set_bool(t, SL_ANOMALIES_IS_ANOMALY, i >= 90);
		if (i == 95)
			sl_table_set_str(t, SL_ANOMALIES_REASONS, "<script>x</script>", 18);
	}
	sl_analysis_add(a, t);
	t = sl_table_new_def(SL_T_PREDICTIONS);
	for (int i = 0; i < 10; i++) {
		sl_table_add_row(t);
		sl_table_set_str(t, SL_PREDICTIONS_DEPLOYMENT_ID, "p", 1);
		sl_table_set_i64(t, SL_PREDICTIONS_ACTUAL_DURATION_MS, 60000 * (i + 1));
		sl_table_set_f64(t, SL_PREDICTIONS_PREDICTED_DURATION_MS, 60000.0 * (i + 1.5));
		sl_table_set_f64(t, SL_PREDICTIONS_LOWER_90_MS, 60000.0 * i);
		/* 8 of 10 in */
		sl_table_set_f64(t, SL_PREDICTIONS_UPPER_90_MS,
				 i < 8 ? 60000.0 * (i + 3) : 60000.0 * i);
	}
	sl_analysis_add(a, t);
	t = sl_table_new("yonder_rows", many, 2);
	for (int i = 0; i < 5000; i++) {
		sl_table_add_row(t);
		sl_table_set_str(t, 0, "=cmd", 4);
		sl_table_set_i64(t, 1, i);
	}
	sl_analysis_add(a, t);
	t = sl_table_new("zeta_unknown", z, 1);
	sl_analysis_add(a, t);
	return a;
}

START_TEST(test_future_tables)
{
	struct sl_analysis *a = future();
	struct report_params p = params();
	struct out o = {SL_BUF_INIT, 0};
	const char *h;

	ck_assert_int_eq(render(&o, a, &p), 0);
	h = o.b.data;
	/* the sections of absent tables say so, in one line each */
	ck_assert_ptr_nonnull(strstr(h, "No data: the analysis has no <code>summary</code> table."));
	ck_assert_ptr_nonnull(strstr(h, "<code>dora</code>"));
	ck_assert_ptr_nonnull(strstr(h, "<code>scorecard</code>"));
	/* anomalies: the 10 flagged, highest score first, reasons escaped */
	ck_assert_ptr_nonnull(strstr(h, "10 of 100 deployments flagged"));
	ck_assert_ptr_nonnull(strstr(h, "&lt;script&gt;x&lt;/script&gt;"));
	ck_assert_int_eq(count(h, "<script"), 0);
	ck_assert(strstr(h, "<td>d099</td>") < strstr(h, "<td>d090</td>"));
	ck_assert_ptr_null(strstr(h, "<td>d089</td>"));
	/* predictions: a scatter and the interval coverage */
	ck_assert_ptr_nonnull(strstr(h, "Predicted against actual deployment duration"));
	ck_assert_ptr_nonnull(strstr(h, "80% of the held-out deployments"));
	/* a table of no specific view: generic, bounded */
	ck_assert_ptr_nonnull(strstr(h, "<h3>Yonder rows <span class=\"src\">(yonder_rows.csv)"));
	ck_assert_ptr_nonnull(strstr(h, "4,980 more rows in <code>yonder_rows.csv</code>"));
	/* an unknown table lands in "Other tables", and in the contents */
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"#tables\">Other tables</a>"));
	ck_assert_ptr_nonnull(strstr(h, "<h3>Zeta unknown"));
	ck_assert_ptr_nonnull(strstr(h, "No rows in this window."));
	out_release(&o);
	sl_analysis_free(a);
}
END_TEST

/* Every table the analysis file holds has a section of its own: none of
 * them lands in "Other tables", with no rows or with one row of nulls.
 * (The query tables never reach the file.) */
START_TEST(test_every_table_has_a_section)
{
	struct report_params p = params();

	for (int rows = 0; rows < 2; rows++) {
		struct sl_analysis *a = sl_analysis_new();
		struct out o = {SL_BUF_INIT, 0};

		ck_assert_int_eq(sl_analysis_meta_str(a, "now", "2026-11-01T00:00:00.000Z"), 0);
		for (int i = 0; i < SL_T_COUNT; i++) {
			struct sl_table *t;

			if (i == SL_T_GATE_EVALUATION || i == SL_T_PIPELINE_OPTIMIZATION ||
			    i == SL_T_PREDICTION || i == SL_T_VERSION_COMPATIBILITY ||
			    i == SL_T_PROMOTION_READINESS)
				continue;
			t = sl_table_new_def((enum sl_tid)i);
			ck_assert_ptr_nonnull(t);
			if (rows)
				ck_assert_int_eq(sl_table_add_row(t), 0);
			ck_assert_int_eq(sl_analysis_add(a, t), 0);
		}
		ck_assert_int_eq(render(&o, a, &p), 0);
		ck_assert_ptr_null(strstr(o.b.data, "Other tables"));
		ck_assert_ptr_null(strstr(o.b.data, "No data: the analysis has no"));
		out_release(&o);
		sl_analysis_free(a);
	}
}
END_TEST

/* A table from a spec: columns "name:t" (s text, i integer, f float, b
 * bool, t time), rows of '|'-separated cells, an empty cell is null.  A
 * declared table has its declared columns (those the spec leaves out are
 * null) and types: the reader refuses any other shape. */
static void add_table(struct sl_analysis *a, const char *name, const char *const *cols,
		      int nc, const char *const *rows, int nr)
{
	struct sl_rcol rc[32];
	struct sl_table *t;
	const struct sl_tdef *d = sl_tdef_find(name);
	int at[32];

	ck_assert_int_le(nc, 32);
	for (int c = 0; c < nc; c++) {
		const char *colon = strchr(cols[c], ':');
		static char names[32][64];

		snprintf(names[c], sizeof(names[c]), "%.*s", (int)(colon - cols[c]), cols[c]);
		rc[c].name = names[c];
		rc[c].type = colon[1] == 's' ? SL_R_STR : colon[1] == 'i' ? SL_R_I64
			     : colon[1] == 'b' ? SL_R_BOOL : colon[1] == 't' ? SL_R_TIME : SL_R_F64;
		at[c] = c;
	}
	t = d ? sl_table_new_def(d->id) : sl_table_new(name, rc, nc);
	for (int c = 0; d && c < nc; c++) {
		at[c] = sl_table_col(t, rc[c].name);
		ck_assert_msg(at[c] >= 0, "%s has no column %s", name, rc[c].name);
		rc[c].type = d->cols[at[c]].type;
	}
	for (int r = 0; r < nr; r++) {
		const char *p = rows[r];

		ck_assert_int_eq(sl_table_add_row(t), 0);
		for (int c = 0; c < nc; c++) {
			const char *e = strchr(p, '|');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char buf[256];

			snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
			if (n && rc[c].type == SL_R_STR)
				sl_table_set_str(t, at[c], buf, n);
			else if (n && rc[c].type == SL_R_BOOL)
				sl_table_set_bool(t, at[c], buf[0] == '1');
			else if (n && rc[c].type == SL_R_F64)
				sl_table_set_f64(t, at[c], strtod(buf, NULL));
			else if (n)
				sl_table_set_i64(t, at[c], (int64_t)strtod(buf, NULL));
			p = e ? e + 1 : p + n;
		}
	}
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
}

/* The pipeline, version and rollback views over hostile names; a table
 * with other columns than expected falls back to the generic view. */
START_TEST(test_specific_views)
{
	static const char *const pc[] = {"pipeline_id:s", "executions:i", "success_rate:f",
		"p50_duration_ms:f", "p95_duration_ms:f", "critical_path:s",
		"critical_path_ms:f", "current_efficiency:f", "potential_efficiency:f",
		"estimated_time_saved_ms:f", "warning:s"};
	static const char *const pr[] = {
		"<b>p</b>|10|0.5|60000|120000|<i>a</i> > b|50000|0.8|1|10000|stage 'b' depends on unknown stage '<u>x</u>'",
		"q|20|1|1000|2000||||||"};
	static const char *const sc[] = {"pipeline_id:s", "stage_id:s", "p50_ms:f", "p95_ms:f",
					 "on_critical_path:b"};
	static const char *const sr[] = {"<b>p</b>|<i>a</i>|1000|2000|1",
					 "<b>p</b>|b|3000|4000|0", "q|z|10|20|0"};
	static const char *const gc[] = {"pipeline_id:s", "kind:s", "stage_id:s",
					 "saving_ms:f", "message:s"};
	static const char *const gr[] = {
		"<b>p</b>|parallel|<i>a</i>|5000|'<i>a</i>' and 'b' <script>",
		"<b>p</b>|timeout_too_tight|b||raise 'b'",
		"<b>p</b>|flaky_passes_on_retry|b||flaky"};
	static const char *const qc[] = {"gate_name:s", "metric:s", "operator:s", "threshold:f",
					 "pass_rate:f", "never_fails:b"};
	static const char *const qr[] = {"<u>g</u>|m|gte|0.8|0.5|0", "ok-gate|m|lt|1|1|1"};
	static const char *const ac[] = {"agent_id:s", "environment:s", "version:s",
		"first_deployment:t", "target_groups:i", "share_1h:f", "share_6h:f",
		"share_24h:f", "share_48h:f", "share_168h:f", "final_share:f",
		"time_to_80_h:f", "within_48h:b"};
	static const char *const ar[] = {
		"<em>ag</em>|production|<s>1</s>|1000|4|0.25|0.5|0.75|1|1|1|20|1",
		"<em>ag</em>|staging|2|2000|4|0.25|0.25|0.25|0.25|0.25|0.25||"};
	static const char *const rgc[] = {"agent_id:s", "version:s", "previous_version:s",
		"failure_rate:f", "previous_failure_rate:f", "failure_p_value:f",
		"median_latency_change:f", "previous_median_latency_change:f",
		"latency_p_value:f", "failure_regression:b", "latency_regression:b",
		"regression:b"};
	static const char *const rgr[] = {"a|2|1|0.1|0.1|1|0|0|0.9|0|0|0",
					  "a|3|2|0.5|0.1|0.001|0|0|0.9|1|0|1"};
	static const char *const kc[] = {"deployment_id:s", "agent_id:s", "environment:s",
		"rollout_strategy:s", "risk_score:f", "risk_level:s", "risk_factors:s",
		"mitigations:s", "recommended_validation:s", "rolled_back:b"};
	static const char *const kr[] = {
		"d1|a|prod|canary|50|critical|off_hours;<b>f</b>|staff it;<i>m</i>|approve|",
		"d2|a|prod|canary|1|low|||checks|0"};
	static const char *const vc[] = {"agent_id:s", "releases:i"};
	static const char *const vr[] = {"<em>v</em>|1"};
	static const char *const bc[] = {"metric:s", "value:f"};
	static const char *const br[] = {"mae_ms:f"}; /* unused */
	/* the adoption text states the scorecard's share (here not the
	 * adoption rows' own 1 of 1: one computation on the page) */
	static const char *const scc[] = {"metric:s", "value:f", "samples:i"};
	static const char *const scr[] = {"rollback_rate|0.1|10", "version_adoption_48h|0.75|4"};
	static const char *const dbr[] = {"mae_ms|60000", "mae_ms_train_median|120000",
					  "median_ape|0.25", "coverage_90|0.9",
					  "holdout_deployments|10"};
	struct sl_analysis *a = sl_analysis_new();
	struct report_params p = params();
	struct out o = {SL_BUF_INIT, 0};
	const char *h;

	(void)br;
	add_table(a, "pipelines", pc, 11, pr, 2);
	add_table(a, "stages", sc, 5, sr, 3);
	add_table(a, "pipeline_suggestions", gc, 5, gr, 3);
	add_table(a, "gates", qc, 6, qr, 2);
	add_table(a, "adoption", ac, 13, ar, 2);
	add_table(a, "regressions", rgc, 12, rgr, 2);
	add_table(a, "rollback_risk", kc, 10, kr, 2);
	add_table(a, "versions", vc, 2, vr, 1);
	add_table(a, "duration_backtest", bc, 2, dbr, 5);
	add_table(a, "scorecard", scc, 3, scr, 2);
	ck_assert_int_eq(render(&o, a, &p), 0);
	h = o.b.data;
	/* nothing from the tables is markup */
	ck_assert_int_eq(count(h, "<script"), 0);
	ck_assert_int_eq(count(h, "<i>"), 0);
	ck_assert_int_eq(count(h, "<u>"), 0);
	ck_assert_int_eq(count(h, "<em>"), 0);
	ck_assert_int_eq(count(h, "<s>"), 0);
	ck_assert_int_eq(count(h, "<b>p</b>") + count(h, "<b>f</b>"), 0);
	/* pipelines: the lowest success rate first (p: 50%, q: 100%), the path
	 * as text, one stage chart per pipeline, the warning, suggestions by
	 * kind, gates */
	ck_assert(strstr(h, "<td>&lt;b&gt;p&lt;/b&gt;</td>") < strstr(h, "<td>q</td>"));
	ck_assert_ptr_nonnull(strstr(h, "&lt;i&gt;a&lt;/i&gt; &gt; b"));
	ck_assert_ptr_nonnull(strstr(h, "(none: a cycle)"));
	ck_assert_ptr_nonnull(strstr(h, "<title>Stage durations of &lt;b&gt;p&lt;/b&gt;</title>"));
	ck_assert_ptr_nonnull(strstr(h, "unknown stage &#39;&lt;u&gt;x&lt;/u&gt;&#39;"));
	ck_assert_ptr_nonnull(strstr(h, "<h4>Stages that could run in parallel: 1 (savings per "
					"run add up to 5.0 s"));
	ck_assert_ptr_nonnull(strstr(h, "<h4>Timeouts: 1</h4>"));
	ck_assert_ptr_nonnull(strstr(h, "<h4>Retries: 1</h4>"));
	ck_assert_ptr_nonnull(strstr(h, "<h4>Bottlenecks: 0</h4>"));
	ck_assert_ptr_nonnull(strstr(h, "Pass rate per quality gate"));
	ck_assert_ptr_nonnull(strstr(h, "&lt;u&gt;g&lt;/u&gt; (m gte 0.8)"));
	ck_assert_ptr_nonnull(strstr(h, "(at least 50 evaluations, none failed): <code>ok-gate"));
	/* versions: the production rollout drawn with the 80% line; the
	 * regression first; the versions table in its own view, escaped */
	ck_assert_ptr_nonnull(strstr(h, "Adoption curves of the latest production versions"));
	ck_assert_ptr_nonnull(strstr(h, "&lt;s&gt;1&lt;/s&gt; &lt;em&gt;ag&lt;/em&gt;"));
	ck_assert_ptr_nonnull(strstr(h, ">80% target<"));
	ck_assert_ptr_nonnull(strstr(h, "75% of the 4 production rollouts"));
	ck_assert_ptr_nonnull(strstr(h, "1 of 2 version changes were significant regressions"));
	ck_assert(strstr(h, "<td>3</td><td>2</td>") < strstr(h, "<td>2</td><td>1</td>"));
	ck_assert_ptr_nonnull(strstr(h, "<td>&lt;em&gt;v&lt;/em&gt;</td>"));
	/* rollback risk: highest first, factor: mitigation pairs escaped */
	ck_assert(strstr(h, "<td>d1</td>") < strstr(h, "<td>d2</td>"));
	ck_assert_ptr_nonnull(strstr(h, "<b>off_hours</b>: staff it<br><b>&lt;b&gt;f&lt;/b&gt;"
					"</b>: &lt;i&gt;m&lt;/i&gt;"));
	ck_assert_ptr_nonnull(strstr(h, "Recommended validation at <b>critical</b> risk: approve"));
	ck_assert_ptr_null(strstr(h, "<h3>Rollback causes"));
	/* backtest cards */
	ck_assert_ptr_nonnull(strstr(h, "Duration: mean absolute error</div><div class=\"v\">"
					"60.0 s"));
	ck_assert_ptr_nonnull(strstr(h, "<div class=\"v\">25%"));
	out_release(&o);
	sl_analysis_free(a);
}
END_TEST

START_TEST(test_mail)
{
	struct sl_analysis *a = future();
	struct report_params p = params();
	struct out o = {SL_BUF_INIT, 0};
	char buf[64];

	ck_assert_int_eq(mail_date("2026-11-01T00:00:00.000Z", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "Sun, 01 Nov 2026 00:00:00 +0000");
	ck_assert_int_eq(mail_date("1969-12-31T23:59:59.000Z", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "Wed, 31 Dec 1969 23:59:59 +0000");
	ck_assert_int_eq(mail_date("", buf, sizeof(buf)), -1);
	{
		struct sl_anfile *f = as_file(a);
		struct sl_errctx err;

		ck_assert_int_eq(mail_render(&o, f, &p, "<html>", 6, &err), 0);
		sl_anfile_close(f);
	}
	ck_assert_ptr_nonnull(strstr(o.b.data, "\nDate: Sun, 01 Nov 2026 00:00:00 +0000\n"));
	ck_assert_ptr_nonnull(strstr(o.b.data, "No summary in this analysis."));
	ck_assert_ptr_nonnull(strstr(o.b.data, "PGh0bWw+")); /* "<html>" in base64 */
	out_release(&o);
	sl_analysis_free(a);
}
END_TEST

/* A team's page says whose it is and sets it beside the organisation; the
 * organisation's lists the unowned agents first screen; a quiet team's
 * one-line mail has nothing attached. */
START_TEST(test_teams)
{
	struct sl_analysis *a = sl_analysis_new();
	struct report_params p = params();
	struct out o = {SL_BUF_INIT, 0};
	struct sl_table *t;
	const char *h;

	ck_assert_int_eq(sl_analysis_meta_str(a, "team", "payments"), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "agents", "pay-<*>"), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "agents_matched", 3), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "input_deployments", 50), 0);
	for (int k = 0; k < 2; k++) {
		t = sl_table_new_def(k ? SL_T_ORG_SUMMARY : SL_T_SUMMARY);
		sl_table_add_row(t);
		sl_table_set_str(t, SL_SUMMARY_SCOPE, "overall", 7);
		sl_table_set_f64(t, SL_SUMMARY_SUCCESS_RATE, k ? 0.9 : 0.8);
		ck_assert_int_eq(sl_analysis_add(a, t), 0);
	}
	/* the organisation's pipelines, copied into the team's file */
	t = sl_table_new_def(SL_T_PIPELINES);
	sl_table_add_row(t);
	sl_table_set_str(t, SL_PIPELINES_PIPELINE_ID, "others-ci", 9);
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	ck_assert_int_eq(render(&o, a, &p), 0);
	h = o.b.data;
	ck_assert_ptr_null(strstr(h, "others-ci"));
	ck_assert_ptr_nonnull(strstr(h, "The pipelines are the organisation&rsquo;s"));
	ck_assert_ptr_nonnull(strstr(h, "<b>Team:</b> payments &middot; <b>agents:</b> "
					"pay-&lt;*&gt; (3 agents matched)"));
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"#overview\">Against the organisation</a>"));
	ck_assert_ptr_nonnull(strstr(h, "<li class=\"hot\">Success rate: 80% here, 90% in the "
					"organisation (10.0 points lower)</li>"));
	ck_assert_ptr_nonnull(strstr(h, "The organisation&rsquo;s success rate"));
	ck_assert_ptr_nonnull(strstr(h, "this team 10.0 points lower"));
	ck_assert_ptr_null(strstr(h, "Agents no team owns"));
	out_release(&o);
	sl_analysis_free(a);

	a = sl_analysis_new();
	ck_assert_int_eq(sl_analysis_meta_str(a, "team", ""), 0);
	t = sl_table_new_def(SL_T_UNOWNED_AGENTS);
	sl_table_add_row(t);
	sl_table_set_str(t, SL_UNOWNED_AGENTS_AGENT_ID, "lost-api", 8);
	sl_table_set_i64(t, SL_UNOWNED_AGENTS_DEPLOYMENTS, 4);
	ck_assert_int_eq(sl_analysis_add(a, t), 0);
	ck_assert_int_eq(render(&o, a, &p), 0);
	h = o.b.data;
	ck_assert_ptr_null(strstr(h, "<b>Team:</b>"));
	ck_assert_ptr_null(strstr(h, "The pipelines are the organisation"));
	ck_assert_ptr_nonnull(strstr(h, "<li class=\"hot\">1 agent belongs to no team: lost-api</li>"));
	ck_assert(strstr(h, "Agents no team owns") < strstr(h, "<nav>"));
	out_release(&o);
	sl_analysis_free(a);

	a = sl_analysis_new();
	ck_assert_int_eq(sl_analysis_meta_str(a, "team", "search"), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "window_from", "2026-11-30T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_str(a, "window_to", "2026-12-07T00:00:00.000Z"), 0);
	ck_assert_int_eq(sl_analysis_meta_i64(a, "input_deployments", 0), 0);
	p.if_quiet = REPORT_QUIET_ONELINE;
	{
		struct sl_anfile *f = as_file(a);
		struct sl_errctx err;

		ck_assert_int_eq(mail_render(&o, f, &p, "<html>", 6, &err), 0);
		sl_anfile_close(f);
	}
	h = o.b.data;
	ck_assert_ptr_nonnull(strstr(h, "\nX-Shiplog-Quiet: nothing new\n"));
	ck_assert_ptr_nonnull(strstr(h, "\n\nsearch: nothing new in 2026-11-30 =E2=80=93 "
					"2026-12-06\n"));
	ck_assert_ptr_null(strstr(h, "multipart"));
	ck_assert_ptr_null(strstr(h, "PGh0bWw+"));
	/* the subject: encoded only when not ASCII */
	ck_assert_ptr_nonnull(strstr(h, "\nSubject: search: nothing new, 2026-12-06\n"));
	out_release(&o);
	sl_analysis_free(a);
}
END_TEST

/* Tables of several row groups: the top rows across groups, the counts
 * over every row, and the scatter a fixed sample with its caption. */
START_TEST(test_big_tables)
{
	const size_t n = SL_RESULT_GROUP_ROWS + 4465; /* 70,001 rows: two groups */
	struct sl_analysis *a = sl_analysis_new();
	struct report_params p = params();
	struct out o = {SL_BUF_INIT, 0}, o2 = {SL_BUF_INIT, 0};
	struct sl_table *t;
	char id[32];
	const char *h;

	t = sl_table_new_def(SL_T_ANOMALIES);
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "d%zu", i);
		sl_table_add_row(t);
		sl_table_set_str(t, SL_ANOMALIES_DEPLOYMENT_ID, id, strlen(id));
		/* the highest scores in both groups; ties keep the earlier row */
		sl_table_set_f64(t, SL_ANOMALIES_ANOMALY_SCORE, i == 10 || i == 69000 ? 2.0 : (double)(i % 1000) / 1000);
		sl_table_set_bool(t, SL_ANOMALIES_IS_ANOMALY, i % 2 == 0);
	}
	sl_analysis_add(a, t);
	t = sl_table_new_def(SL_T_PREDICTIONS);
	for (size_t i = 0; i < 10000; i++) {
		sl_table_add_row(t);
		sl_table_set_str(t, SL_PREDICTIONS_DEPLOYMENT_ID, "p", 1);
		sl_table_set_i64(t, SL_PREDICTIONS_ACTUAL_DURATION_MS, (int64_t)(60000 * (i % 50 + 1)));
		sl_table_set_f64(t, SL_PREDICTIONS_PREDICTED_DURATION_MS, 60000.0 * (double)(i % 37 + 1));
		sl_table_set_f64(t, SL_PREDICTIONS_LOWER_90_MS, 0);
		sl_table_set_f64(t, SL_PREDICTIONS_UPPER_90_MS, 1e9);
	}
	sl_analysis_add(a, t);
	t = sl_table_new_def(SL_T_HEALTH_SCORES);
	for (size_t i = 0; i < n; i++) {
		sl_table_add_row(t);
		sl_table_set_str(t, SL_HEALTH_SCORES_DEPLOYMENT_ID, "x", 1);
		sl_table_set_f64(t, SL_HEALTH_SCORES_HEALTH_SCORE, i < 70000 ? 95 : 5);
	}
	sl_analysis_add(a, t);
	ck_assert_int_eq(render(&o, a, &p), 0);
	h = o.b.data;
	/* every row counted, the top rows from both groups */
	ck_assert_ptr_nonnull(strstr(h, "35,001 of 70,001 deployments flagged"));
	ck_assert_ptr_nonnull(strstr(h, "<td>d10</td>"));
	ck_assert_ptr_nonnull(strstr(h, "<td>d69000</td>"));
	ck_assert(strstr(h, "<td>d10</td>") < strstr(h, "<td>d69000</td>"));
	ck_assert_ptr_nonnull(strstr(h, "over 70,001 deployments"));
	/* the scatter: 2,000 of the 10,000 points, said under the chart */
	ck_assert_int_eq(count(h, "<circle"), 2000);
	ck_assert_ptr_nonnull(strstr(h, "2,000 of 10,000 held-out deployments drawn: the 3 at the "
					"ends of the axes and 1,997 chosen at random"));
	ck_assert_ptr_nonnull(strstr(h, "100% of the held-out deployments fell inside"));
	/* the page does not grow with the rows, and is the same every time */
	ck_assert_uint_lt(o.b.len, 300000);
	ck_assert_int_eq(render(&o2, a, &p), 0);
	ck_assert_uint_eq(o.b.len, o2.b.len);
	ck_assert_int_eq(memcmp(o.b.data, o2.b.data, o.b.len), 0);
	out_release(&o);
	out_release(&o2);
	sl_analysis_free(a);
}
END_TEST

Suite *suite_html(void);

Suite *suite_html(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("html");

	tcase_add_test(tc, test_future_tables);
	tcase_add_test(tc, test_every_table_has_a_section);
	tcase_add_test(tc, test_specific_views);
	tcase_add_test(tc, test_mail);
	tcase_add_test(tc, test_teams);
	tcase_add_test(tc, test_big_tables);
	suite_add_tcase(s, tc);
	return s;
}
