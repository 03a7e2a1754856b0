/* report/html.c and report/mail.c over hand-built analyses: tables still
 * to come (anomalies, predictions, pipelines, an unknown one) render in
 * their sections, long tables are bounded, absent sections say so, and
 * hostile strings stay text. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "mail.h"
#include "sl_result.h"

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
	static const struct sl_rcol an[] = {{"deployment_id", SL_R_STR},
					    {"anomaly_score", SL_R_F64},
					    {"is_anomaly", SL_R_BOOL},
					    {"reasons", SL_R_STR}};
	static const struct sl_rcol pr[] = {{"deployment_id", SL_R_STR},
					    {"actual_duration_ms", SL_R_I64},
					    {"predicted_duration_ms", SL_R_F64},
					    {"lower_90_ms", SL_R_F64},
					    {"upper_90_ms", SL_R_F64}};
	static const struct sl_rcol pl[] = {{"pipeline_id", SL_R_STR}, {"executions", SL_R_I64}};
	static const struct sl_rcol z[] = {{"x", SL_R_I64}};
	struct sl_analysis *a = sl_analysis_new();
	struct sl_table *t;
	char id[32];

	ck_assert_int_eq(sl_analysis_meta_str(a, "now", "2026-11-01T00:00:00.000Z"), 0);
	t = sl_table_new("anomalies", an, 4);
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "d%03d", i);
		sl_table_add_row(t);
		sl_table_set_str(t, 0, id, strlen(id));
		sl_table_set_f64(t, 1, i / 100.0);
		sl_table_set_bool(t, 2, i >= 90);
		if (i == 95)
			sl_table_set_str(t, 3, "<script>x</script>", 18);
	}
	sl_analysis_add(a, t);
	t = sl_table_new("predictions", pr, 5);
	for (int i = 0; i < 10; i++) {
		sl_table_add_row(t);
		sl_table_set_str(t, 0, "p", 1);
		sl_table_set_i64(t, 1, 60000 * (i + 1));
		sl_table_set_f64(t, 2, 60000.0 * (i + 1.5));
		sl_table_set_f64(t, 3, 60000.0 * i);
		sl_table_set_f64(t, 4, i < 8 ? 60000.0 * (i + 3) : 60000.0 * i); /* 8 of 10 in */
	}
	sl_analysis_add(a, t);
	t = sl_table_new("pipelines", pl, 2);
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

	ck_assert_int_eq(html_render(&o, a, &p), 0);
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
	/* pipelines: generic, bounded */
	ck_assert_ptr_nonnull(strstr(h, "<h3>Pipelines <span class=\"src\">(pipelines.csv)"));
	ck_assert_ptr_nonnull(strstr(h, "4,980 more rows in <code>pipelines.csv</code>"));
	/* an unknown table lands in "Other tables", and in the contents */
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"#tables\">Other tables</a>"));
	ck_assert_ptr_nonnull(strstr(h, "<h3>Zeta unknown"));
	ck_assert_ptr_nonnull(strstr(h, "No rows in this window."));
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
	ck_assert_int_eq(mail_render(&o, a, &p, "<html>", 6), 0);
	ck_assert_ptr_nonnull(strstr(o.b.data, "\nDate: Sun, 01 Nov 2026 00:00:00 +0000\n"));
	ck_assert_ptr_nonnull(strstr(o.b.data, "No summary in this analysis."));
	ck_assert_ptr_nonnull(strstr(o.b.data, "PGh0bWw+")); /* "<html>" in base64 */
	out_release(&o);
	sl_analysis_free(a);
}
END_TEST

Suite *suite_html(void);

Suite *suite_html(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("html");

	tcase_add_test(tc, test_future_tables);
	tcase_add_test(tc, test_mail);
	suite_add_tcase(s, tc);
	return s;
}
