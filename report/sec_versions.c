#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

/* ---- versions ---- */

#define NADOPT 6 /* versions drawn on the adoption chart (the latest) */

static void versions_cadence(struct ctx *cx, const struct sl_table *t)
{
	struct out *o = cx->o;
	static const char *const heads[] = {"agent", "#releases", "#per week",
		"#median interval", "stability trend", "#regressions", "#optimal rollout",
		"last release", NULL};
	const char *units[9] = {NULL};
	size_t nr = sl_table_rows(t), n = 0,
	       *idx = pg_sorted_rows(t, SL_VERSIONS_RELEASES_PER_WEEK, -1, &n);
	size_t shown = n < (size_t)cx->p->rows ? n : (size_t)cx->p->rows;

	out_puts(o, "<h3>Release cadence per agent <span class=\"src\">(versions.csv)</span></h3>\n");
	if (pg_chart_start(o, idx != NULL, nr, "No versioned deployments in this window.")) {
		free(idx);
		return;
	}
	units[3] = pg_col_unit(t, SL_VERSIONS_MEDIAN_RELEASE_INTERVAL_H, idx, shown, 3600e3);
	units[6] = pg_col_unit(t, SL_VERSIONS_OPTIMAL_ROLLOUT_H, idx, shown, 3600e3);
	pg_th_row_u(o, heads, units);
	for (size_t i = 0; i < shown; i++) {
		size_t r = idx[i];
		const char *tr = str(t, SL_VERSIONS_STABILITY_TREND, r);
		double lr = num(t, SL_VERSIONS_LAST_RELEASE, r);
		char buf[32];

		out_puts(o, "<tr>");
		pg_td_str(o, str(t, SL_VERSIONS_AGENT_ID, r), MAXCELL);
		pg_td_num(o, num(t, SL_VERSIONS_RELEASES, r), 10);
		pg_td_num(o, num(t, SL_VERSIONS_RELEASES_PER_WEEK, r), 3);
		pg_td_dur_in(o, num(t, SL_VERSIONS_MEDIAN_RELEASE_INTERVAL_H, r) * 3600e3, units[3]);
		out_printf(o, "<td class=\"%s\">", tr && !strcmp(tr, "degrading") ? "bad"
					       : tr && !strcmp(tr, "improving") ? "ok" : "flat");
		out_esc(o, tr ? tr : "", 20);
		out_puts(o, "</td>");
		pg_td_num(o, num(t, SL_VERSIONS_REGRESSIONS, r), 10);
		pg_td_dur_in(o, num(t, SL_VERSIONS_OPTIMAL_ROLLOUT_H, r) * 3600e3, units[6]);
		out_puts(o, "<td>");
		if (isfinite(lr)) {
			sl_format_time((int64_t)lr, buf);
			pg_time(o, buf);
		}
		out_puts(o, "</td></tr>\n");
	}
	pg_more_rows(o, n, shown, sl_tdef(SL_T_VERSIONS)->name);
	pg_note(o, "Most releases per week first; the stability trend is the slope of the "
		"versions' failure rates; the optimal rollout is the median time to 80% of the "
		"target groups in production of the versions that were not regressions.");
	free(idx);
}

/* The latest versions' adoption (production when there is any): one line
 * each over the checkpoints, the 80% target dashed. */
/* The scorecard's row of metric: its value and samples (NaN when absent). */
static void scorecard_value(const struct sl_table *sc, const char *metric, double *v,
			    double *samples)
{
	*v = *samples = NAN;
	for (size_t r = 0; sc && r < sl_table_rows(sc); r++) {
		const char *m = str(sc, SL_SCORECARD_METRIC, r);

		if (m && !strcmp(m, metric)) {
			*v = num(sc, SL_SCORECARD_VALUE, r);
			*samples = num(sc, SL_SCORECARD_SAMPLES, r);
		}
	}
}

/* sc: the scorecard, whose version_adoption_48h the text states (one
 * computation of that share on the page). */
static void versions_adoption(struct ctx *cx, const struct sl_table *t, const struct sl_table *sc)
{
	struct out *o = cx->o;
	static const int shares[] = {SL_ADOPTION_SHARE_1H, SL_ADOPTION_SHARE_6H,
				     SL_ADOPTION_SHARE_24H, SL_ADOPTION_SHARE_48H,
				     SL_ADOPTION_SHARE_168H};
	static const char *const ticks[5] = {"1 h", "6 h", "24 h", "48 h", "168 h"};
	static const double x[5] = {0, 1, 2, 3, 4};
	static const char *const heads[] = {"agent", "environment", "version",
		"first deployment", "#groups", "#24 h", "#48 h", "#final", "#time to 80%",
		"80% within 48 h", NULL};
	size_t nr = sl_table_rows(t), n = 0,
	       *idx = pg_sorted_rows(t, SL_ADOPTION_FIRST_DEPLOYMENT, -1, &n);
	size_t sel[NADOPT], ns = 0;
	const char *unit80;
	double v[NADOPT][5];
	struct svg_series sr[NADOPT];
	struct out names = {SL_BUF_INIT, 0};
	size_t off[NADOPT];
	int prod = 0;
	double share, known;

	out_puts(o, "<h3>Adoption of the latest rollouts <span class=\"src\">(adoption.csv)"
		    "</span></h3>\n");
	if (pg_chart_start(o, idx != NULL, nr, "No agent with target groups in this window.")) {
		free(idx);
		return;
	}
	for (size_t r = 0; r < nr; r++) {
		const char *e = str(t, SL_ADOPTION_ENVIRONMENT, r);
		if (e && !strcmp(e, "production"))
			prod = 1;
	}
	scorecard_value(sc, "version_adoption_48h", &share, &known);
	/* idx is latest first; the latest whose 48 hours are over show a
	 * curve worth reading, the ones just started only their first hours */
	for (int pass = 0; pass < 2 && !ns; pass++)
		for (size_t i = 0; i < n && ns < NADOPT; i++) {
			const char *e = str(t, SL_ADOPTION_ENVIRONMENT, idx[i]);

			if ((!prod || (e && !strcmp(e, "production"))) &&
			    (pass || isfinite(num(t, SL_ADOPTION_WITHIN_48H, idx[i]))))
				sel[ns++] = idx[i];
		}
	for (size_t k = 0; k < ns; k++) {
		const char *a = str(t, SL_ADOPTION_AGENT_ID, sel[k]),
			   *ver = str(t, SL_ADOPTION_VERSION, sel[k]);

		for (int j = 0; j < 5; j++)
			v[k][j] = num(t, shares[j], sel[k]);
		off[k] = names.b.len;
		/* the version first: the legend shows 40 bytes */
		out_printf(&names, "%s %s", ver ? ver : "?", a ? a : "?");
		out_putn(&names, "", 1);
	}
	if (!names.err) {
		struct svg_chart c = {prod ? "Adoption curves of the latest production versions"
					   : "Adoption curves of the latest versions",
				      "hours since the version's first deployment (checkpoints)",
				      "share of target groups reached", 0, 320, 1, 0};

		for (size_t k = 0; k < ns; k++)
			sr[k] = (struct svg_series){names.b.data + off[k], v[k], NULL};
		svg_line_ref(o, &c, x, ticks, 5, sr, (int)ns, 0.8, "80% target");
	} else {
		o->err = SL_ENOMEM;
	}
	out_release(&names);
	if (isfinite(share) && known > 0) {
		out_puts(o, "<p>");
		pct(o, share);
		out_puts(o, " of the ");
		out_num(o, known, 10);
		out_puts(o, " production rollouts (agent \xc3\x97 version) whose 48 hours are over "
			    "reached 80% of their target groups within 48 h (the scorecard's "
			    "version_adoption_48h; target 80%).  Drawn: the latest rollouts whose 48 h "
			    "are over; lines that coincide hide one another, the table below has "
			    "every value.</p>\n");
	}
	{
		const char *units[11] = {NULL};

		units[8] = unit80 = pg_col_unit(t, SL_ADOPTION_TIME_TO_80_H, sel, ns, 3600e3);
		pg_th_row_u(o, heads, units);
	}
	for (size_t k = 0; k < ns; k++) {
		size_t r = sel[k];
		double w = num(t, SL_ADOPTION_WITHIN_48H, r),
		       fd = num(t, SL_ADOPTION_FIRST_DEPLOYMENT, r);
		char buf[32];

		out_puts(o, "<tr>");
		pg_td_str(o, str(t, SL_ADOPTION_AGENT_ID, r), MAXCELL);
		pg_td_str(o, str(t, SL_ADOPTION_ENVIRONMENT, r), MAXCELL);
		pg_td_str(o, str(t, SL_ADOPTION_VERSION, r), MAXCELL);
		out_puts(o, "<td>");
		if (isfinite(fd)) {
			sl_format_time((int64_t)fd, buf);
			pg_time(o, buf);
		}
		out_puts(o, "</td>");
		pg_td_num(o, num(t, SL_ADOPTION_TARGET_GROUPS, r), 10);
		pg_td_pct(o, num(t, SL_ADOPTION_SHARE_24H, r));
		pg_td_pct(o, num(t, SL_ADOPTION_SHARE_48H, r));
		pg_td_pct(o, num(t, SL_ADOPTION_FINAL_SHARE, r));
		pg_td_dur_in(o, num(t, SL_ADOPTION_TIME_TO_80_H, r) * 3600e3, unit80);
		out_printf(o, "<td>%s</td></tr>\n", w == 1 ? "<span class=\"ok\">yes</span>"
						    : w == 0 ? "<span class=\"bad\">no</span>"
							     : "not yet known");
	}
	pg_more_rows(o, n, ns, sl_tdef(SL_T_ADOPTION)->name);
	free(idx);
}

/* Regressions first, then the smallest p-value. */
static const struct sl_table *sort_t;

static int cmp_regr(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	double ra = num(sort_t, SL_REGRESSIONS_REGRESSION, a),
	       rb = num(sort_t, SL_REGRESSIONS_REGRESSION, b);
	double pa = fmin(num(sort_t, SL_REGRESSIONS_FAILURE_P_VALUE, a),
			 num(sort_t, SL_REGRESSIONS_LATENCY_P_VALUE, a));
	double pb = fmin(num(sort_t, SL_REGRESSIONS_FAILURE_P_VALUE, b),
			 num(sort_t, SL_REGRESSIONS_LATENCY_P_VALUE, b));

	ra = ra == 1;
	rb = rb == 1;
	if (ra != rb)
		return ra ? -1 : 1;
	if (isnan(pa) || isnan(pb) || pa != pb)
		return isnan(pa) || isnan(pb) ? isnan(pa) - isnan(pb) : pa < pb ? -1 : 1;
	return (a > b) - (a < b);
}

static void versions_regressions(struct ctx *cx, const struct sl_table *t)
{
	struct out *o = cx->o;
	static const char *const heads[] = {"agent", "version", "previous", "#failure rate",
		"#previous", "#Fisher p", "#latency change (median)", "#previous",
		"#Mann-Whitney p", "regression", NULL};
	size_t nr = sl_table_rows(t), nreg = 0, *idx = malloc((nr + 1) * sizeof(*idx));
	size_t shown = nr < (size_t)cx->p->rows ? nr : (size_t)cx->p->rows;

	out_puts(o, "<h3>Regressions: each version against the one before <span class=\"src\">"
		    "(regressions.csv)</span></h3>\n");
	if (!idx) {
		o->err = SL_ENOMEM;
		return;
	}
	for (size_t r = 0; r < nr; r++) {
		idx[r] = r;
		nreg += is_true(t, SL_REGRESSIONS_REGRESSION, r);
	}
	sort_t = t;
	sl_sort(idx, nr, sizeof(*idx), cmp_regr);
	out_puts(o, "<p>");
	out_num(o, (double)nreg, 10);
	out_puts(o, " of ");
	out_num(o, (double)nr, 10);
	out_puts(o, " version changes were significant regressions (p &lt; 0.05 and worse: "
		    "failure rate by Fisher's exact test, latency change by the Mann-Whitney "
		    "test); they are listed first.</p>\n");
	if (!nr) {
		free(idx);
		return;
	}
	pg_th_row(o, heads);
	for (size_t i = 0; i < shown; i++) {
		size_t r = idx[i];
		int fr = is_true(t, SL_REGRESSIONS_FAILURE_REGRESSION, r),
		    lr = is_true(t, SL_REGRESSIONS_LATENCY_REGRESSION, r);

		out_puts(o, "<tr>");
		pg_td_str(o, str(t, SL_REGRESSIONS_AGENT_ID, r), MAXCELL);
		pg_td_str(o, str(t, SL_REGRESSIONS_VERSION, r), MAXCELL);
		pg_td_str(o, str(t, SL_REGRESSIONS_PREVIOUS_VERSION, r), MAXCELL);
		pg_td_pct(o, num(t, SL_REGRESSIONS_FAILURE_RATE, r));
		pg_td_pct(o, num(t, SL_REGRESSIONS_PREVIOUS_FAILURE_RATE, r));
		pg_td_num(o, num(t, SL_REGRESSIONS_FAILURE_P_VALUE, r), 2);
		pg_td_pct(o, num(t, SL_REGRESSIONS_MEDIAN_LATENCY_CHANGE, r));
		pg_td_pct(o, num(t, SL_REGRESSIONS_PREVIOUS_MEDIAN_LATENCY_CHANGE, r));
		pg_td_num(o, num(t, SL_REGRESSIONS_LATENCY_P_VALUE, r), 2);
		out_printf(o, "<td>%s</td></tr>\n",
			   fr && lr ? "<span class=\"bad\">failures and latency</span>"
			   : fr ? "<span class=\"bad\">failures</span>"
			   : lr ? "<span class=\"bad\">latency</span>" : "no");
	}
	pg_more_rows(o, nr, shown, sl_tdef(SL_T_REGRESSIONS)->name);
	free(idx);
}

/* The version timeline: rollouts of new versions started per week, in
 * production and elsewhere, from the adoption rows (one per agent,
 * environment and version, with its first deployment). */
static void versions_timeline(struct ctx *cx, const struct sl_table *t)
{
	struct out *o = cx->o;
	size_t nr = sl_table_rows(t), m;
	double lo = INFINITY, hi = -INFINITY, *v = NULL;

	for (size_t r = 0; r < nr; r++) {
		double fd = num(t, SL_ADOPTION_FIRST_DEPLOYMENT, r);

		if (isfinite(fd)) {
			lo = fmin(lo, fd);
			hi = fmax(hi, fd);
		}
	}
	if (!(lo <= hi))
		return;
	/* weeks from Monday: day 0 (1970-01-01) was a Thursday */
	lo = floor((floor(lo / 86400000.0) + 3) / 7);
	hi = floor((floor(hi / 86400000.0) + 3) / 7);
	m = (size_t)(hi - lo) + 1;
	if (m > 520)
		m = 520; /* ten years; later weeks are cut */
	if (!(v = calloc(3 * m, sizeof(double)))) {
		o->err = SL_ENOMEM;
		return;
	}
	for (size_t i = 0; i < m; i++)
		v[i] = (lo + (double)i) * 7 - 3; /* x: the Monday, as a day number */
	for (size_t r = 0; r < nr; r++) {
		double fd = num(t, SL_ADOPTION_FIRST_DEPLOYMENT, r);
		const char *env = str(t, SL_ADOPTION_ENVIRONMENT, r);
		size_t w;

		if (!isfinite(fd))
			continue;
		w = (size_t)(floor((floor(fd / 86400000.0) + 3) / 7) - lo);
		if (w < m)
			v[(env && !strcmp(env, "production") ? 1 : 2) * m + w] += 1;
	}
	{
		struct svg_series sr[2] = {{"to production", v + m, "#4477aa"},
					   {"to other environments", v + 2 * m, "#bbbbbb"}};
		struct svg_chart c = {"Rollouts of new versions per week", "week",
				      "rollouts started", 0, 240, 0, 1};

		out_puts(o, "<h3>Version timeline <span class=\"src\">(adoption.csv)</span></h3>\n");
		svg_line(o, &c, v, m, sr, 2);
	}
	free(v);
}

void sec_versions(struct ctx *cx, const struct section *s)
{
	const struct sl_table *v = pg_load(cx, SL_T_VERSIONS);
	const struct sl_table *ad = pg_load(cx, SL_T_ADOPTION);
	const struct sl_table *rg = pg_load(cx, SL_T_REGRESSIONS);
	const struct sl_table *sc = pg_load(cx, SL_T_SCORECARD);

	if (v) {
		pg_take(cx, SL_T_VERSIONS);
		versions_cadence(cx, v);
	}
	if (ad) {
		pg_take(cx, SL_T_ADOPTION);
		versions_timeline(cx, ad);
		versions_adoption(cx, ad, sc);
	}
	if (rg) {
		pg_take(cx, SL_T_REGRESSIONS);
		versions_regressions(cx, rg);
	}
	pg_rest(cx, s);
}
