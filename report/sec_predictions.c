#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

static int cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return (a > b) - (a < b);
}

/* How many of the sorted ends[0..n) are below i. */
static size_t ends_before(const size_t *ends, size_t n, size_t i)
{
	size_t k = 0;

	while (k < n && ends[k] < i)
		k++;
	return k;
}

/* A fixed-seed generator (splitmix64): the same file draws the same
 * sample. */
static double next_unit(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1.0p-53;
}

/* Predicted against actual duration: every held-out deployment when there
 * are at most MAXMARKS, else MAXMARKS of them drawn at random (selection
 * sampling: each as likely, in file order), the axes spanning them all.
 * Two passes over the groups: the counts and ranges, then the sample. */
static void scatter(struct ctx *cx)
{
	struct out *o = cx->o;
	long ti = sl_anfile_find_id(cx->f, SL_T_PREDICTIONS);
	double lim[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY}, *x = NULL, *y = NULL;
	size_t pts = 0, in = 0, known = 0, m = 0, seen = 0, nwant, taken = 0;
	/* the points at the ends of the axes (first of equals), always drawn,
	 * so what the axes reach to shows; numbered among the finite points */
	size_t ends[4] = {0, 0, 0, 0}, nends = 0;
	static const int want[] = {SL_PREDICTIONS_ACTUAL_DURATION_MS,
				   SL_PREDICTIONS_PREDICTED_DURATION_MS, SL_PREDICTIONS_LOWER_90_MS,
				   SL_PREDICTIONS_UPPER_90_MS, -1};
	const struct sl_table *g;
	struct giter it;
	uint64_t seed = 0x5eed5ca77e2ULL;
	struct svg_chart c = {"Predicted against actual deployment duration",
			      "actual duration (minutes)", "predicted duration (minutes)", 0, 380,
			      0, 0};

	giter_init(&it, cx->f, ti, cx->err);
	giter_only(&it, want);
	while ((g = giter_next(&it)))
		for (size_t r = 0; r < sl_table_rows(g); r++) {
			double a = numc(g, SL_PREDICTIONS_ACTUAL_DURATION_MS, r);
			double lo = numc(g, SL_PREDICTIONS_LOWER_90_MS, r);
			double hi = numc(g, SL_PREDICTIONS_UPPER_90_MS, r);
			double px = a / 60000.0;
			double py = numc(g, SL_PREDICTIONS_PREDICTED_DURATION_MS, r) / 60000.0;

			if (isfinite(px) && isfinite(py)) {
				if (px < lim[0])
					ends[0] = pts;
				if (px > lim[1])
					ends[1] = pts;
				if (py < lim[2])
					ends[2] = pts;
				if (py > lim[3])
					ends[3] = pts;
				pts++;
				lim[0] = fmin(lim[0], px);
				lim[1] = fmax(lim[1], px);
				lim[2] = fmin(lim[2], py);
				lim[3] = fmax(lim[3], py);
			}
			if (isfinite(a) && isfinite(lo) && isfinite(hi)) {
				known++;
				in += a >= lo && a <= hi;
			}
		}
	giter_done(&it);
	pg_failed(cx, it.rc);
	nwant = pts < MAXMARKS ? pts : MAXMARKS;
	/* distinct ends, in order */
	sl_sort(ends, 4, sizeof(*ends), cmp_size);
	for (int k = 0; k < 4; k++)
		if (!k || ends[k] != ends[nends - 1])
			ends[nends++] = ends[k];
	if (o->err || !(x = malloc((nwant + 1) * sizeof(*x))) ||
	    !(y = malloc((nwant + 1) * sizeof(*y)))) {
		pg_failed(cx, SL_ENOMEM);
		goto out;
	}
	giter_init(&it, cx->f, ti, cx->err);
	giter_only(&it, want);
	while (m < nwant && (g = giter_next(&it)))
		for (size_t r = 0; r < sl_table_rows(g) && m < nwant; r++) {
			double px = numc(g, SL_PREDICTIONS_ACTUAL_DURATION_MS, r) / 60000.0;
			double py = numc(g, SL_PREDICTIONS_PREDICTED_DURATION_MS, r) / 60000.0;

			int end = 0;

			if (!isfinite(px) || !isfinite(py))
				continue;
			for (size_t k = 0; k < nends; k++)
				end |= ends[k] == seen;
			seen++;
			/* an end, or the next of the pts - nends - (seen - ends
			 * passed) other points, nwant - nends - taken still to take:
			 * each as likely (selection sampling) */
			if (nwant == pts || end ||
			    (double)(pts - nends - (seen - 1 - ends_before(ends, nends, seen - 1))) *
					    next_unit(&seed) <
				    (double)(nwant - nends - taken)) {
				x[m] = px;
				y[m] = py;
				m++;
				taken += nwant != pts && !end;
			}
		}
	giter_done(&it);
	pg_failed(cx, it.rc);
	if (o->err)
		goto out;
	svg_scatter_in(o, &c, x, y, m, 1, pts ? lim : NULL);
	out_puts(o, "<p class=\"note\">");
	if (m < pts) {
		out_num(o, (double)m, 10);
		out_puts(o, " of ");
		out_num(o, (double)pts, 10);
		out_puts(o, " held-out deployments drawn: the ");
		out_num(o, (double)nends, 10);
		out_puts(o, " at the ends of the axes and ");
		out_num(o, (double)(m - nends), 10);
		out_puts(o, " chosen at random among the others (a fixed seed: the same file draws "
			    "the same points); every one is in predictions.csv.");
	} else {
		out_puts(o, "All ");
		out_num(o, (double)pts, 10);
		out_puts(o, " held-out deployments drawn.");
	}
	out_puts(o, "</p>\n");
	if (known) {
		out_puts(o, "<p>");
		pct(o, (double)in / (double)known);
		out_puts(o, " of the held-out deployments fell inside their 90% "
			    "prediction interval.</p>\n");
	}
out:
	free(x);
	free(y);
}

/* The held-out deployments predicted worst, named; durations in one unit
 * a column. */
static void largest_errors(struct ctx *cx)
{
	struct out *o = cx->o;
	const struct pg_picked *pp = cx->picked ? &cx->picked[PK_PREDICTIONS] : NULL;
	static const char *const heads[] = {"agent", "environment", "started", "deployment",
		"#actual", "#predicted", "#90% interval", NULL};
	const struct sl_table *t;
	const char *units[8] = {NULL};
	char b1[TEXT_MAX], b2[TEXT_MAX];

	if (!pp || !pp->ok)
		return;
	t = pp->pk.t;
	pg_mark(cx, SL_T_PREDICTIONS);
	units[4] = pg_col_unit(t, SL_PREDICTIONS_ACTUAL_DURATION_MS, pp->idx, pp->shown, 1);
	units[5] = pg_col_unit(t, SL_PREDICTIONS_PREDICTED_DURATION_MS, pp->idx, pp->shown, 1);
	units[6] = pg_col_unit(t, SL_PREDICTIONS_UPPER_90_MS, pp->idx, pp->shown, 1);
	out_puts(o, "<h3>The largest errors <span class=\"src\">(predictions.csv)</span></h3>\n");
	pg_th_row_u(o, heads, units);
	for (size_t i = 0; i < pp->shown; i++) {
		size_t r = pp->idx[i];
		const char *id = str(t, SL_PREDICTIONS_DEPLOYMENT_ID, r);

		out_puts(o, "<tr>");
		pg_td_who(o, pg_who_find(cx, id));
		pg_td_str(o, id, MAXCELL);
		pg_td_dur_in(o, num(t, SL_PREDICTIONS_ACTUAL_DURATION_MS, r), units[4]);
		pg_td_dur_in(o, num(t, SL_PREDICTIONS_PREDICTED_DURATION_MS, r), units[5]);
		pg_td_open(o, 1);
		out_printf(o, "%s\xe2\x80\x93%s",
			   text_dur_in(b1, num(t, SL_PREDICTIONS_LOWER_90_MS, r), units[6]),
			   text_dur_in(b2, num(t, SL_PREDICTIONS_UPPER_90_MS, r), units[6]));
		out_puts(o, "</td></tr>\n");
	}
	pg_more_rows(o, pp->n, pp->shown, sl_tdef(SL_T_PREDICTIONS)->name);
	pg_note(o, "The held-out deployments whose actual duration was furthest from the "
		"prediction, the furthest first; every prediction is in predictions.csv.");
}

void sec_predictions(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	long pi = sl_anfile_find_id(cx->f, SL_T_PREDICTIONS);
	const struct sl_table *db = pg_load(cx, SL_T_DURATION_BACKTEST);
	const struct sl_table *sb = pg_load(cx, SL_T_SUCCESS_BACKTEST);

	if (db || sb)
		out_puts(o, "<div class=\"cards\">\n");
	if (db) {
		double mae = pg_metric(db, "mae_ms"), base = pg_metric(db, "mae_ms_train_median");

		pg_take(cx, SL_T_DURATION_BACKTEST);
		pg_card_open(o, "Duration: mean absolute error");
		out_duration(o, mae);
		out_puts(o, "</div><div class=\"sub\">always the training median: ");
		out_duration(o, base);
		out_puts(o, "</div></div>\n");
		pg_card_open(o, "Duration: median relative error");
		pct(o, pg_metric(db, "median_ape"));
		out_puts(o, "</div><div class=\"sub\">MdAPE over ");
		out_num(o, pg_metric(db, "holdout_deployments"), 10);
		out_puts(o, " held-out deployments</div></div>\n");
		pg_card_open(o, "Duration: 90% interval coverage");
		pct(o, pg_metric(db, "coverage_90"));
		out_puts(o, "</div><div class=\"sub\">share of the held-out deployments inside "
			    "their interval (90% expected)</div></div>\n");
	}
	if (sb) {
		pg_take(cx, SL_T_SUCCESS_BACKTEST);
		pg_brier_card(o, "Success probability backtest", sb);
	}
	if (db || sb) {
		out_puts(o, "</div>\n");
		pg_note(o, "Backtests: trained on the first 80% of the finished deployments in time "
			"order, judged on the last 20%.");
	}
	if (pi >= 0 && pg_all_rows(cx, SL_T_PREDICTIONS)) {
		scatter(cx);
		largest_errors(cx);
	}
	pg_rest(cx, s);
}

