#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

/* A summary per environment and overall (summary, or org_summary of the
 * same columns); durations in one unit. */
static void summary_table(struct ctx *cx, const struct sl_table *sum)
{
	struct out *o = cx->o;
	double longest = 0;
	const char *unit;
	char b[TEXT_MAX];

	for (size_t i = 0; i < sl_table_rows(sum); i++)
		longest = fmax(longest, num(sum, SL_SUMMARY_AVG_DURATION_MS, i));
	unit = text_dur_unit(longest);
	out_printf(o, "<div class=\"scroll\"><table>\n<tr><th>scope</th><th>environment</th>"
		      "<th class=\"n\">deployments</th><th class=\"n\">finished</th>"
		      "<th class=\"n\">success rate</th><th class=\"n\">rollback rate</th>"
		      "<th class=\"n\">mean duration (%s)</th><th class=\"n\">previous success "
		      "rate</th></tr>\n", unit);
	for (size_t i = 0; i < sl_table_rows(sum) && i < (size_t)cx->p->rows; i++) {
		const char *sc = str(sum, SL_SUMMARY_SCOPE, i),
			   *env = str(sum, SL_SUMMARY_ENVIRONMENT, i);

		out_puts(o, "<tr><td>");
		out_esc(o, sc ? sc : "", MAXCELL);
		out_puts(o, "</td><td>");
		out_esc(o, env ? env : "", MAXCELL);
		out_puts(o, "</td><td class=\"n\">");
		out_num(o, num(sum, SL_SUMMARY_TOTAL_DEPLOYMENTS, i), 10);
		out_puts(o, "</td><td class=\"n\">");
		out_num(o, num(sum, SL_SUMMARY_FINISHED_DEPLOYMENTS, i), 10);
		out_puts(o, "</td><td class=\"n\">");
		pct(o, num(sum, SL_SUMMARY_SUCCESS_RATE, i));
		out_puts(o, "</td><td class=\"n\">");
		pct(o, num(sum, SL_SUMMARY_ROLLBACK_RATE, i));
		out_puts(o, "</td><td class=\"n\">");
		out_puts(o, text_dur_in(b, num(sum, SL_SUMMARY_AVG_DURATION_MS, i), unit));
		out_puts(o, "</td><td class=\"n\">");
		pct(o, num(sum, SL_SUMMARY_PREV_SUCCESS_RATE, i));
		out_puts(o, "</td></tr>\n");
	}
	out_puts(o, "</table></div>\n");
}

void sec_overview(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *sum = pg_take(cx, SL_T_SUMMARY);
	size_t r = pg_find_row(sum, SL_SUMMARY_SCOPE, "overall");
	double sr = num(sum, SL_SUMMARY_SUCCESS_RATE, r),
	       ch = num(sum, SL_SUMMARY_SUCCESS_RATE_CHANGE, r);
	double rr = num(sum, SL_SUMMARY_ROLLBACK_RATE, r),
	       act = num(sum, SL_SUMMARY_ACTIVE_DEPLOYMENTS, r);
	const struct sl_table *org;

	if (r == (size_t)-1) {
		out_puts(o, "<p class=\"nodata\">No overall row in the summary table.</p>\n");
		pg_rest(cx, s);
		return;
	}
	out_puts(o, "<div class=\"cards\">\n");
	pg_card_open(o, "Deployment success rate");
	pct(o, sr);
	out_puts(o, "</div><div class=\"sub\">");
	if (isfinite(ch)) {
		out_printf(o, "<span class=\"%s\">%s ", ch > 0 ? "up" : ch < 0 ? "down" : "flat",
			   ch > 0 ? "\xe2\x96\xb2" : ch < 0 ? "\xe2\x96\xbc" : "\xe2\x96\xb6");
		out_num(o, fabs(100 * ch), 2);
		out_puts(o, " points</span> vs the previous window (");
		pct(o, num(sum, SL_SUMMARY_PREV_SUCCESS_RATE, r));
		out_puts(o, ")");
	} else {
		out_puts(o, "no previous window to compare with");
	}
	out_puts(o, "</div></div>\n");
	if (cx->att->vs.have) {
		/* a team's report: the organisation beside it (attention.c's
		 * comparison, as the attention list says it) */
		const struct att_vs_org *v = &cx->att->vs;
		double d = v->rate - v->org_rate;

		pg_card_open(o, "The organisation&rsquo;s success rate");
		pct(o, v->org_rate);
		out_puts(o, "</div><div class=\"sub\">");
		if (isfinite(d) && d != 0) {
			out_printf(o, "<span class=\"%s\">this team %.1f points %s</span>",
				   d > 0 ? "up" : "down", fabs(100 * d), d > 0 ? "higher" : "lower");
		} else {
			out_puts(o, isfinite(d) ? "this team the same" : "not comparable");
		}
		out_puts(o, ", every agent in the same window</div></div>\n");
	}
	pg_card_open(o, "Mean deployment time");
	out_duration(o, num(sum, SL_SUMMARY_AVG_DURATION_MS, r));
	out_puts(o, "</div><div class=\"sub\">over ");
	out_num(o, num(sum, SL_SUMMARY_TOTAL_DEPLOYMENTS, r), 10);
	out_puts(o, " deployments</div></div>\n");
	/* above its target: marked like a missed target */
	out_printf(o, "<div class=\"card%s\"><div class=\"k\">Rollback rate</div>"
		      "<div class=\"v\">", isfinite(rr) && rr >= 0.05 ? " alarm" : "");
	pct(o, rr);
	out_printf(o, "</div><div class=\"sub %s\">%s</div></div>\n",
		   !isfinite(rr) ? "" : rr < 0.05 ? "up" : "down",
		   !isfinite(rr) ? "nothing finished" : rr < 0.05 ? "within the 5% target"
								  : "above the 5% target");
	pg_card_open(o, "Active deployments");
	out_num(o, act, 10);
	out_puts(o, "</div><div class=\"sub\">pending, in progress, rolling out or "
		    "validating</div></div>\n</div>\n");
	summary_table(cx, sum);
	if (cx->att->vs.have && (org = pg_take(cx, SL_T_ORG_SUMMARY))) {
		out_puts(o, "<h3>The organisation <span class=\"src\">(org_summary.csv)</span></h3>\n");
		summary_table(cx, org);
	}
	pg_rest(cx, s);
}

/* Each key week by week (dora_weekly), a small chart each; the weeks'
 * tiers follow in the table view of dora_weekly. */
static void dora_trends(struct ctx *cx)
{
	static const struct {
		int col;
		const char *title, *ylabel;
		double scale; /* value to the axis' unit */
		int percent;
	} keys[4] = {
		{SL_DORA_WEEKLY_DEPLOYMENT_FREQUENCY, "Deployment frequency, week by week",
		 "a week", 1, 0},
		{SL_DORA_WEEKLY_LEAD_TIME_MS, "Lead time for changes, week by week",
		 "median (h)", 1.0 / 3600000, 0},
		{SL_DORA_WEEKLY_CHANGE_FAILURE_RATE, "Change failure rate, week by week",
		 "share failed", 1, 1},
		{SL_DORA_WEEKLY_RECOVERY_TIME_MS, "Failed deployment recovery time, week by week",
		 "median (h)", 1.0 / 3600000, 0},
	};
	struct out *o = cx->o;
	const struct sl_table *w = pg_load(cx, SL_T_DORA_WEEKLY);
	size_t n = w ? sl_table_rows(w) : 0;
	double *x, *v;

	if (n < 2 || cx->att->empty)
		return; /* one week is no trend */
	x = malloc(n * sizeof(*x));
	v = malloc(n * sizeof(*v));
	if (!x || !v) {
		free(x);
		free(v);
		return;
	}
	out_puts(o, "<h3>Week by week <span class=\"src\">(dora_weekly.csv)</span></h3>\n");
	for (size_t r = 0; r < n; r++)
		x[r] = num(w, SL_DORA_WEEKLY_WEEK_START, r);
	for (int k = 0; k < 4; k++) {
		struct svg_chart c = {keys[k].title, "week (starting Monday, UTC)", keys[k].ylabel,
				      600, 200, keys[k].percent, 1};
		struct svg_series sr = {keys[k].ylabel, v, NULL};

		for (size_t r = 0; r < n; r++)
			v[r] = num(w, keys[k].col, r) * keys[k].scale;
		svg_line(o, &c, x, n, &sr, 1);
	}
	pg_note(o, "The first and last weeks may lie partly outside the window (partial in "
		"dora_weekly.csv, with the share of the week inside it); each week's tiers are in "
		"the table below.");
	free(x);
	free(v);
}

void sec_dora(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = pg_take(cx, SL_T_DORA);

	out_puts(o, "<div class=\"cards\">\n");
	for (size_t r = 0; r < sl_table_rows(t) && r < (size_t)cx->p->rows; r++) {
		const char *m = str(t, SL_DORA_METRIC, r), *tier = str(t, SL_DORA_TIER, r);
		char lb[TEXT_MAX];

		out_puts(o, "<div class=\"card\"><div class=\"k\">");
		out_esc(o, text_label(lb, m ? m : "", 1), MAXCELL);
		out_puts(o, "</div><div class=\"v\">");
		if (cx->att->empty)
			out_puts(o, "\xe2\x80\x93");
		else
			pg_value(o, num(t, SL_DORA_VALUE, r), str(t, SL_DORA_UNIT, r));
		out_puts(o, "</div><div class=\"sub\">");
		double ns = num(t, SL_DORA_SAMPLES, r);

		/* a tier from nothing or from a handful says nothing: not drawn
		 * (the attention list says why) */
		if (tier && tier[0] && !(ns >= ATT_MIN_TIER)) {
			out_puts(o, ns > 0 ? "too few to rate, " : "not rated, ");
		} else if (tier) {
			static const char *const tiers[] = {"elite", "high", "medium", "low"};
			const char *cls = "other";

			for (int i = 0; i < 4; i++)
				if (!strcmp(tier, tiers[i]))
					cls = tiers[i];
			out_printf(o, "<span class=\"tier %s\">", cls);
			out_esc(o, tier, 20);
			out_puts(o, "</span> ");
		}
		out_num(o, ns, 10);
		out_puts(o, ns == 1 ? " sample" : " samples");
		for (int k = 0; cx->att->vs.have && m && k < ATT_NKEYS; k++)
			if (!strcmp(m, cx->att->vs.key[k].metric)) {
				const char *ot = cx->att->vs.key[k].org_tier;

				out_puts(o, "; the organisation: ");
				out_puts(o, ot[0] ? ot : "not rated");
			}
		out_puts(o, "</div></div>\n");
	}
	out_puts(o, "</div>\n");
	pg_note(o, "Production deployments only; tiers from the DORA 2023 report "
		"(elite, high, medium, low).");
	dora_trends(cx);
	if ((t = pg_take(cx, SL_T_ORG_DORA)))
		pg_table_view(cx, t, NULL, 0, "The organisation\xe2\x80\x99s keys, every agent");
	pg_rest(cx, s);
}

void sec_scorecard(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = pg_take(cx, SL_T_SCORECARD);
	size_t nmet = 0, nmiss = 0;

	out_puts(o, "<div class=\"scroll\"><table>\n<tr><th>metric</th><th class=\"n\">value</th>"
		    "<th>target</th><th class=\"n\">samples</th><th>status</th></tr>\n");
	for (size_t r = 0; r < sl_table_rows(t) && r < (size_t)cx->p->rows; r++) {
		const char *m = str(t, SL_SCORECARD_METRIC, r),
			   *unit = str(t, SL_SCORECARD_UNIT, r),
			   *target = str(t, SL_SCORECARD_TARGET, r);
		double met = num(t, SL_SCORECARD_MET, r);
		char lb[TEXT_MAX];

		/* missed rows marked as in the attention list */
		out_puts(o, met == 0 ? "<tr class=\"missed\"><td>" : "<tr><td>");
		out_esc(o, text_label(lb, m ? m : "", 1), MAXCELL);
		out_puts(o, "</td><td class=\"n\">");
		pg_value(o, num(t, SL_SCORECARD_VALUE, r), unit);
		out_puts(o, "</td><td>");
		pg_target(o, target ? target : "", unit);
		out_puts(o, "</td><td class=\"n\">");
		out_num(o, num(t, SL_SCORECARD_SAMPLES, r), 10);
		out_puts(o, "</td><td>");
		if (met == 1) {
			out_puts(o, "<span class=\"ok\">\xe2\x9c\x93 met</span>");
			nmet++;
		} else if (met == 0) {
			out_puts(o, "<span class=\"bad\">\xe2\x9c\x97 missed</span>");
			nmiss++;
		} else {
			out_puts(o, "<span class=\"unk\">not measured</span>");
		}
		out_puts(o, "</td></tr>\n");
	}
	out_puts(o, "</table></div>\n<p>");
	out_num(o, (double)nmet, 10);
	out_puts(o, " targets met, ");
	out_num(o, (double)nmiss, 10);
	out_puts(o, " missed.</p>\n");
	pg_rest(cx, s);
}

