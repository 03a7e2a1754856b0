#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

void sec_timeline(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = pg_take(cx, SL_T_TIMELINE);
	size_t n = sl_table_rows(t), first = n > MAXDAYS ? n - MAXDAYS : 0, m = n - first;
	double *v = calloc(m * 6 + 1, sizeof(double));
	char (*lab)[32] = calloc(m + 1, sizeof(*lab)); /* sl_format_day's room */
	const char **labels = calloc(m + 1, sizeof(*labels));
	struct out xl = {SL_BUF_INIT, 0};

	if (pg_chart_start(o, v && lab && labels, n, "No deployments in this window."))
		goto out;
	for (size_t i = 0; i < m; i++) {
		size_t r = first + i;
		double dep = num(t, SL_TIMELINE_DEPLOYMENTS, r),
		       ok = num(t, SL_TIMELINE_COMPLETED, r), bad = num(t, SL_TIMELINE_FAILED, r);

		v[i] = num(t, SL_TIMELINE_DAY, r);		   /* x */
		v[m + i] = ok;                                     /* completed */
		v[2 * m + i] = bad;                                /* failed */
		v[3 * m + i] = fmax(0, dep - ok - bad);            /* other */
		v[4 * m + i] = num(t, SL_TIMELINE_AVG_DURATION_MS, r) / 60000.0; /* minutes */
		v[5 * m + i] = num(t, SL_TIMELINE_ROLLED_BACK, r);
		/* a day is never null as shiplog-analyze writes it; a file
		 * may still say so */
		if (isfinite(v[i]))
			sl_format_day((int64_t)v[i], lab[i]);
		labels[i] = isfinite(v[i]) ? lab[i] + 5 : "?"; /* MM-DD */
	}
	/* the labels say month and day: the axis title says the year */
	out_printf(&xl, "day (%s \xe2\x80\x93 %s)", lab[0][0] ? lab[0] : "?",
		   lab[m - 1][0] ? lab[m - 1] : "?");
	{
		struct svg_series st[3] = {
			{"completed", v + m, "#4477aa"}, {"failed", v + 2 * m, "#cc3311"},
			{"rolled back, partial or running", v + 3 * m, "#bbbbbb"},
		};
		struct svg_chart c = {"Deployments per day by outcome",
				      xl.err ? "day" : xl.b.data, "deployments per day", 0, 0, 0, 0};
		struct svg_series ln[2] = {{"mean duration", v + 4 * m, NULL}, {"", NULL, NULL}};
		struct svg_chart c2 = {"Mean deployment duration per day", "day",
				       "mean duration (minutes)", 0, 260, 0, 1};
		struct svg_series rb[1] = {{"rolled back", v + 5 * m, "#cc3311"}};
		struct svg_chart c3 = {"Rollbacks per day", "day", "rollbacks per day", 0, 220, 0, 1};

		svg_bars(o, &c, labels, m, st, 3, 1);
		svg_line(o, &c2, v, m, ln, 1);
		svg_line(o, &c3, v, m, rb, 1);
	}
	if (first)
		pg_note(o, "Only the last 731 days are drawn; every day is in timeline.csv.");
out:
	out_release(&xl);
	free(v);
	free(lab);
	free(labels);
	pg_rest(cx, s);
}

void sec_strategies(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = pg_take(cx, SL_T_STRATEGIES);
	size_t n = 0, nr = sl_table_rows(t), *idx = calloc(nr + 1, sizeof(*idx));
	double *v = calloc(3 * nr + 1, sizeof(double));
	const char **labels = calloc(nr + 1, sizeof(*labels));

	if (!idx || !v || !labels) {
		o->err = SL_ENOMEM;
		goto out;
	}
	for (size_t r = 0; r < nr && n < 24; r++) {
		const char *sc = str(t, SL_STRATEGIES_SCOPE, r);

		if (sc && !strcmp(sc, "overall"))
			idx[n++] = r;
	}
	/* the lowest success rate first, in the charts and the table */
	pg_sort_asc(t, SL_STRATEGIES_SUCCESS_RATE, idx, n);
	for (size_t i = 0; i < n; i++) {
		size_t r = idx[i];

		labels[i] = str(t, SL_STRATEGIES_STRATEGY, r);
		if (!labels[i])
			labels[i] = "(none)";
		v[i] = num(t, SL_STRATEGIES_SUCCESS_RATE, r);
		v[nr + i] = num(t, SL_STRATEGIES_ROLLBACK_RATE, r);
		v[2 * nr + i] = num(t, SL_STRATEGIES_RECOMMENDATION_SCORE, r);
	}
	if (!n) {
		out_puts(o, "<p class=\"nodata\">No deployment with a rollout strategy in this "
			    "window.</p>\n");
		goto out;
	}
	{
		struct svg_series sr[2] = {{"success rate", v, "#4477aa"}, {"rollback rate", v + nr, "#cc3311"}};
		struct svg_chart c = {"Success and rollback rate by rollout strategy",
				      "rollout strategy", "share of finished deployments", 0, 0, 1, 0};
		struct svg_series sc[1] = {{"recommendation score", v + 2 * nr, NULL}};
		struct svg_chart c2 = {"Recommendation score by rollout strategy",
				       "rollout strategy", "score (0\xe2\x80\x93" "100)", 0, 240, 0, 0};

		svg_bars(o, &c, labels, n, sr, 2, 0);
		svg_bars(o, &c2, labels, n, sc, 1, 0);
	}
	{
		static const char *const heads[] = {"strategy", "#deployments", "#success rate",
			"#rollback rate", "#mean duration", "#p95 duration", "#performance",
			"#recommendation score", NULL};
		const char *units[9] = {NULL};
		size_t shown = n < (size_t)cx->p->rows ? n : (size_t)cx->p->rows;

		units[4] = pg_col_unit(t, SL_STRATEGIES_AVG_DURATION_MS, idx, shown, 1);
		units[5] = pg_col_unit(t, SL_STRATEGIES_P95_DURATION_MS, idx, shown, 1);
		out_puts(o, "<h3>Strategies over all environments, the lowest success rate first "
			    "<span class=\"src\">(strategies.csv)</span></h3>\n");
		pg_th_row_u(o, heads, units);
		for (size_t i = 0; i < shown; i++) {
			size_t r = idx[i];

			out_puts(o, "<tr>");
			pg_td_str(o, labels[i], MAXCELL);
			pg_td_num(o, num(t, SL_STRATEGIES_DEPLOYMENTS, r), 10);
			pg_td_pct(o, num(t, SL_STRATEGIES_SUCCESS_RATE, r));
			pg_td_pct(o, num(t, SL_STRATEGIES_ROLLBACK_RATE, r));
			pg_td_dur_in(o, num(t, SL_STRATEGIES_AVG_DURATION_MS, r), units[4]);
			pg_td_dur_in(o, num(t, SL_STRATEGIES_P95_DURATION_MS, r), units[5]);
			pg_td_pct(o, num(t, SL_STRATEGIES_PERFORMANCE, r));
			pg_td_num(o, num(t, SL_STRATEGIES_RECOMMENDATION_SCORE, r), 3);
			out_puts(o, "</tr>\n");
		}
		pg_more_rows(o, n, shown, sl_tdef(SL_T_STRATEGIES)->name);
	}
	pg_note(o, "Success and rollback rates of the finished deployments; the latency, error "
		"rate, CPU and memory changes and the rows per environment are in strategies.csv.");
out:
	free(idx);
	free(v);
	free(labels);
	pg_rest(cx, s);
}

void sec_heatmap(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = pg_take(cx, SL_T_HEATMAP);
	static const char *const rows[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
					    "Friday", "Saturday", "Sunday"};
	static const char *const cols[24] = {"0", "1", "2", "3", "4", "5", "6", "7",
					     "8", "9", "10", "11", "12", "13", "14", "15",
					     "16", "17", "18", "19", "20", "21", "22", "23"};
	double v[7 * 24], f[7 * 24], tot = 0, fails = 0;
	const char *tz = sl_analysis_get_meta_str(cx->a, "tz");
	struct out xl = {SL_BUF_INIT, 0};

	for (int i = 0; i < 7 * 24; i++)
		v[i] = f[i] = 0;
	for (size_t r = 0; r < sl_table_rows(t); r++) {
		double wd = num(t, SL_HEATMAP_WEEKDAY, r), h = num(t, SL_HEATMAP_HOUR, r);

		if (wd >= 0 && wd < 7 && h >= 0 && h < 24) {
			v[(int)wd * 24 + (int)h] += fmax(0, num(t, SL_HEATMAP_DEPLOYMENTS, r));
			f[(int)wd * 24 + (int)h] += fmax(0, num(t, SL_HEATMAP_FAILURES, r));
		}
	}
	for (int i = 0; i < 7 * 24; i++) {
		tot += v[i];
		fails += f[i];
	}
	if (tot == 0) {
		out_puts(o, "<p class=\"nodata\">No deployments in this window.</p>\n");
		pg_rest(cx, s);
		return;
	}
	out_puts(&xl, "hour of the day (");
	out_puts(&xl, tz && tz[0] ? tz : "UTC");
	out_puts(&xl, ")");
	{
		struct svg_chart c = {"Deployments by weekday and hour", xl.err ? "hour" : xl.b.data,
				      "deployments", 0, 330, 0, 0};
		struct svg_chart c2 = {"Failed deployments by weekday and hour",
				       xl.err ? "hour" : xl.b.data, "failures", 0, 330, 0, 0};

		svg_heatmap(o, &c, rows, 7, cols, 24, v);
		if (fails > 0)
			svg_heatmap(o, &c2, rows, 7, cols, 24, f);
	}
	out_release(&xl);
	pg_rest(cx, s);
}

void sec_active(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = pg_take(cx, SL_T_ACTIVE_DEPLOYMENTS);
	static const int cols[] = {
		SL_ACTIVE_DEPLOYMENTS_DEPLOYMENT_ID, SL_ACTIVE_DEPLOYMENTS_AGENT_ID,
		SL_ACTIVE_DEPLOYMENTS_ENVIRONMENT,   SL_ACTIVE_DEPLOYMENTS_VERSION,
		SL_ACTIVE_DEPLOYMENTS_PHASE,	     SL_ACTIVE_DEPLOYMENTS_STRATEGY};
	size_t n = sl_table_rows(t), shown = n < (size_t)cx->p->rows ? n : (size_t)cx->p->rows;

	if (!n) {
		out_puts(o, "<p class=\"nodata\">No deployment is in an active phase.</p>\n");
		pg_rest(cx, s);
		return;
	}
	out_puts(o, "<div class=\"scroll\"><table>\n<tr><th>deployment</th><th>agent</th>"
		    "<th>environment</th><th>version</th><th>phase</th><th>strategy</th>"
		    "<th>started</th><th>progress</th></tr>\n");
	for (size_t r = 0; r < shown; r++) {
		double p = num(t, SL_ACTIVE_DEPLOYMENTS_PROGRESS, r);
		char buf[32];
		double st = num(t, SL_ACTIVE_DEPLOYMENTS_START_TIME, r);

		out_puts(o, "<tr>");
		for (int k = 0; k < 6; k++) {
			const char *v = str(t, cols[k], r);

			out_puts(o, "<td>");
			out_esc(o, v ? v : "", MAXCELL);
			out_puts(o, "</td>");
		}
		out_puts(o, "<td>");
		if (isfinite(st)) {
			sl_format_time((int64_t)st, buf);
			pg_time(o, buf);
		}
		out_puts(o, "</td><td>");
		if (isfinite(p)) {
			double w = p < 0 ? 0 : p > 1 ? 1 : p;

			out_printf(o, "<span class=\"bar\"><span style=\"width:%.0f%%\"></span></span> ",
				   100 * w);
			pct(o, p);
			out_puts(o, " (");
			out_num(o, num(t, SL_ACTIVE_DEPLOYMENTS_DEPLOYED_INSTANCES, r), 10);
			out_puts(o, "/");
			out_num(o, num(t, SL_ACTIVE_DEPLOYMENTS_TARGET_INSTANCES, r), 10);
			out_puts(o, ")");
		} else {
			out_puts(o, "unknown");
		}
		out_puts(o, "</td></tr>\n");
	}
	out_puts(o, "</table></div>\n");
	if (shown < n) {
		out_puts(o, "<p class=\"more\">");
		out_num(o, (double)(n - shown), 10);
		out_puts(o, " more in <code>active_deployments.csv</code>.</p>\n");
	}
	pg_rest(cx, s);
}

void sec_health(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t;
	struct giter it;
	double bins[10] = {0}, sum = 0, cnt = 0;
	static const char *const labels[10] = {"0\xe2\x80\x93" "10", "10\xe2\x80\x93" "20",
		"20\xe2\x80\x93" "30", "30\xe2\x80\x93" "40", "40\xe2\x80\x93" "50",
		"50\xe2\x80\x93" "60", "60\xe2\x80\x93" "70", "70\xe2\x80\x93" "80",
		"80\xe2\x80\x93" "90", "90\xe2\x80\x93" "100"};

	static const int want[] = {SL_HEALTH_SCORES_HEALTH_SCORE, -1};

	pg_mark(cx, SL_T_HEALTH_SCORES);
	giter_init(&it, cx->f, sl_anfile_find_id(cx->f, SL_T_HEALTH_SCORES), cx->err);
	giter_only(&it, want);
	while ((t = giter_next(&it))) {
		int hc = SL_HEALTH_SCORES_HEALTH_SCORE;

		for (size_t r = 0; r < sl_table_rows(t); r++) {
			double h;
			int b;

			if (sl_table_get_f64(t, hc, r, &h) || !isfinite(h))
				continue;
			b = (int)floor(h / 10);
			bins[b < 0 ? 0 : b > 9 ? 9 : b]++;
			sum += h;
			cnt++;
		}
	}
	giter_done(&it);
	pg_failed(cx, it.rc);
	if (!cnt) {
		out_puts(o, "<p class=\"nodata\">No health scores in this window.</p>\n");
		pg_rest(cx, s);
		return;
	}
	out_puts(o, "<p>Mean health score <b>");
	out_num(o, sum / cnt, 3);
	out_puts(o, "</b> over ");
	out_num(o, cnt, 10);
	out_puts(o, " deployments (0\xe2\x80\x93" "100: 30% instances healthy, 25% no rollback, "
		    "20% validations passed, 15% performance, 10% speed).</p>\n");
	{
		struct svg_series sr[1] = {{"", bins, NULL}};
		struct svg_chart c = {"Deployments by health score", "health score",
				      "deployments", 0, 260, 0, 0};

		svg_bars(o, &c, labels, 10, sr, 1, 0);
	}
	pg_note(o, "Every deployment's score and its components are in health_scores.csv.");
	pg_rest(cx, s);
}

