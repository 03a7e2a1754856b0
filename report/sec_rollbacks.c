#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

/* ---- rollbacks: causes and risk ---- */

static void rollback_causes(struct ctx *cx, const struct sl_table *t)
{
	struct out *o = cx->o;
	static const char *const heads[] = {"cause", "category", "#rollbacks", "#share",
		"#time to rollback", "#recovery", "prevention", NULL};
	static const char *const names[3] = {"rollbacks", NULL, NULL};
	const char *units[8] = {NULL};
	size_t nr = sl_table_rows(t), n = nr < 15 ? nr : 15;
	size_t shown = nr < (size_t)cx->p->rows ? nr : (size_t)cx->p->rows;
	double *v = malloc((n + 1) * sizeof(double));
	const char **lab = malloc((n + 1) * sizeof(*lab));

	out_puts(o, "<h3>Rollback causes <span class=\"src\">(rollback_causes.csv)</span></h3>\n");
	if (pg_chart_start(o, v && lab, nr, "No rollbacks in this window."))
		goto out;
	for (size_t r = 0; r < n; r++) {
		lab[r] = str(t, SL_ROLLBACK_CAUSES_CAUSE, r);
		v[r] = num(t, SL_ROLLBACK_CAUSES_ROLLBACKS, r);
	}
	{
		struct svg_chart c = {"Rollbacks by cause (the most frequent)", "rollbacks", NULL,
				      0, 0, 0, 0};

		svg_hbars(o, &c, lab, n, v, NULL, NULL, names);
	}
	units[4] = pg_col_unit(t, SL_ROLLBACK_CAUSES_MEDIAN_TIME_TO_ROLLBACK_MS, NULL, shown, 1);
	units[5] = pg_col_unit(t, SL_ROLLBACK_CAUSES_MEDIAN_RECOVERY_MS, NULL, shown, 1);
	pg_th_row_u(o, heads, units);
	for (size_t r = 0; r < shown; r++) {
		out_puts(o, "<tr>");
		pg_td_str(o, str(t, SL_ROLLBACK_CAUSES_CAUSE, r), 160);
		pg_td_str(o, str(t, SL_ROLLBACK_CAUSES_CATEGORY, r), MAXCELL);
		pg_td_num(o, num(t, SL_ROLLBACK_CAUSES_ROLLBACKS, r), 10);
		pg_td_pct(o, num(t, SL_ROLLBACK_CAUSES_SHARE, r));
		pg_td_dur_in(o, num(t, SL_ROLLBACK_CAUSES_MEDIAN_TIME_TO_ROLLBACK_MS, r), units[4]);
		pg_td_dur_in(o, num(t, SL_ROLLBACK_CAUSES_MEDIAN_RECOVERY_MS, r), units[5]);
		pg_td_str(o, str(t, SL_ROLLBACK_CAUSES_PREVENTION, r), 160);
		out_puts(o, "</tr>\n");
	}
	pg_more_rows(o, nr, shown, sl_tdef(SL_T_ROLLBACK_CAUSES)->name);
	pg_note(o, "Reasons normalised to templates (numbers, ids, hashes masked); time to rollback "
		"and recovery are medians.");
out:
	free(v);
	free(lab);
}

static void rollback_risk(struct ctx *cx)
{
	struct out *o = cx->o;
	static const char *const heads[] = {"deployment", "agent", "environment", "strategy",
		"#score", "level", "factors: mitigations", "rolled back", NULL};
	static const struct pickq q = {-1, SL_ROLLBACK_RISK_RISK_SCORE, -1, NULL};
	static const char *const levels[4] = {"low", "medium", "high", "critical"};
	char *recommended[4] = {NULL, NULL, NULL, NULL};
	double lv[4] = {0, 0, 0, 0};
	const struct sl_table *g, *t;
	size_t n = 0, *idx = NULL, shown;
	struct giter it;
	struct pick pk;

	out_puts(o, "<h3>Highest-risk deployments <span class=\"src\">(rollback_risk.csv)"
		    "</span></h3>\n");
	/* the counts by level, and the first row of each level's recommended
	 * validation (said once each) */
	static const int want[] = {SL_ROLLBACK_RISK_RISK_LEVEL,
				   SL_ROLLBACK_RISK_RECOMMENDED_VALIDATION, -1};

	giter_init(&it, cx->f, sl_anfile_find_id(cx->f, SL_T_ROLLBACK_RISK), cx->err);
	giter_only(&it, want);
	while ((g = giter_next(&it)))
		for (size_t r = 0, lc = (size_t)SL_ROLLBACK_RISK_RISK_LEVEL; r < sl_table_rows(g);
		     r++) {
			const char *l = sl_table_get_str(g, (int)lc, r);

			for (int k = 0; k < 4; k++)
				if (l && !strcmp(l, levels[k])) {
					const char *rv =
						lv[k]++ ? NULL
							: str(g,
							      SL_ROLLBACK_RISK_RECOMMENDED_VALIDATION,
							      r);

					if (rv && !(recommended[k] = strdup(rv)))
						pg_failed(cx, SL_ENOMEM);
				}
		}
	giter_done(&it);
	pg_failed(cx, it.rc);
	if (pg_pick_rows(cx, SL_T_ROLLBACK_RISK, &q, &pk, &idx, &n))
		goto out;
	t = pk.t;
	shown = n < (size_t)cx->p->rows ? n : (size_t)cx->p->rows;
	out_puts(o, "<p>Deployments by risk level: ");
	for (int k = 0; k < 4; k++) {
		out_printf(o, "%s%s ", k ? ", " : "", levels[k]);
		out_num(o, lv[k], 10);
	}
	out_puts(o, " (each scored only from what had ended before it started).</p>\n");
	out_puts(o, "<ul>\n");
	for (int k = 3; k >= 0; k--) {
		if (!recommended[k])
			continue;
		out_printf(o, "<li>Recommended validation at <b>%s</b> risk: ", levels[k]);
		out_esc(o, recommended[k], 240);
		out_puts(o, "</li>\n");
	}
	out_puts(o, "</ul>\n");
	if (n) {
		pg_th_row(o, heads);
		for (size_t i = 0; i < shown; i++) {
			size_t r = idx[i];
			double rb = num(t, SL_ROLLBACK_RISK_ROLLED_BACK, r);

			out_puts(o, "<tr>");
			pg_td_str(o, str(t, SL_ROLLBACK_RISK_DEPLOYMENT_ID, r), MAXCELL);
			pg_td_str(o, str(t, SL_ROLLBACK_RISK_AGENT_ID, r), MAXCELL);
			pg_td_str(o, str(t, SL_ROLLBACK_RISK_ENVIRONMENT, r), MAXCELL);
			pg_td_str(o, str(t, SL_ROLLBACK_RISK_ROLLOUT_STRATEGY, r), MAXCELL);
			pg_td_num(o, num(t, SL_ROLLBACK_RISK_RISK_SCORE, r), 3);
			pg_td_str(o, str(t, SL_ROLLBACK_RISK_RISK_LEVEL, r), 20);
			pg_td_pairs(o, str(t, SL_ROLLBACK_RISK_RISK_FACTORS, r),
				 str(t, SL_ROLLBACK_RISK_MITIGATIONS, r), 160);
			out_printf(o, "<td>%s</td></tr>\n", rb == 1 ? "yes" : rb == 0 ? "no" : "active");
		}
		pg_more_rows(o, n, shown, sl_tdef(SL_T_ROLLBACK_RISK)->name);
	}
out:
	free(idx);
	pick_free(&pk);
	for (int k = 0; k < 4; k++)
		free(recommended[k]);
}

/* The picked rows of list k (the latest first), in the generic view with
 * the deployments named. */
static void latest(struct ctx *cx, int k, const char *what)
{
	const struct pg_picked *pp = cx->picked ? &cx->picked[k] : NULL;

	if (pp && pp->ok)
		pg_table_view(cx, pp->pk.t, pp->idx, pp->n, what);
}

void sec_rollbacks(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	long di = sl_anfile_find_id(cx->f, SL_T_ROLLBACK_DECISIONS);
	long ji = sl_anfile_find_id(cx->f, SL_T_CANARY_JUDGEMENTS);
	long ki = sl_anfile_find_id(cx->f, SL_T_ROLLBACK_RISK);
	/* the per-deployment tables are read group by group */
	const struct sl_table *rc = pg_load(cx, SL_T_ROLLBACK_CAUSES);
	const struct sl_table *bt = pg_load(cx, SL_T_ROLLBACK_RISK_BACKTEST);
	const struct sl_table *g;
	struct giter it;

	if (di >= 0) {
		static const int want[] = {SL_ROLLBACK_DECISIONS_SHOULD_ROLLBACK,
					   SL_ROLLBACK_DECISIONS_ROLLED_BACK, -1};
		double should = 0, did = 0, both = 0;

		giter_init(&it, cx->f, di, cx->err);
		giter_only(&it, want);
		while ((g = giter_next(&it)))
			for (size_t r = 0; r < sl_table_rows(g); r++) {
				double a = numc(g, SL_ROLLBACK_DECISIONS_SHOULD_ROLLBACK, r);
				double b = numc(g, SL_ROLLBACK_DECISIONS_ROLLED_BACK, r);

				should += a == 1;
				did += b == 1;
				both += a == 1 && b == 1;
			}
		giter_done(&it);
		pg_failed(cx, it.rc);
		out_puts(o, "<p>Auto-rollback rule over ");
		out_num(o, (double)pg_all_rows(cx, SL_T_ROLLBACK_DECISIONS), 10);
		out_puts(o, " deployments with metric samples: it would roll back ");
		out_num(o, should, 10);
		out_puts(o, "; ");
		out_num(o, did, 10);
		out_puts(o, " were rolled back, ");
		out_num(o, both, 10);
		out_puts(o, " of them also by the rule.</p>\n");
	}
	if (ji >= 0) {
		static const char *const res[3] = {"pass", "marginal", "fail"};
		static const int want[] = {SL_CANARY_JUDGEMENTS_RESULT, -1};
		double cnt[3] = {0, 0, 0};
		struct svg_series sr[1] = {{"", cnt, NULL}};
		struct svg_chart c = {"Canary judgements by result", "judgement", "deployments", 0,
				      220, 0, 0};

		giter_init(&it, cx->f, ji, cx->err);
		giter_only(&it, want);
		while ((g = giter_next(&it)))
			for (size_t r = 0; r < sl_table_rows(g); r++) {
				const char *v = sl_table_get_str(g, SL_CANARY_JUDGEMENTS_RESULT, r);

				for (int i = 0; i < 3; i++)
					if (v && !strcmp(v, res[i]))
						cnt[i]++;
			}
		giter_done(&it);
		pg_failed(cx, it.rc);
		svg_bars(o, &c, res, 3, sr, 1, 0);
	}
	if (di >= 0)
		latest(cx, PK_DECISIONS, "Latest deployments the rule would roll back");
	if (ji >= 0)
		latest(cx, PK_CANARY, "Latest failed canary judgements");
	if (rc) {
		pg_take(cx, SL_T_ROLLBACK_CAUSES);
		rollback_causes(cx, rc);
	}
	if (ki >= 0) {
		pg_mark(cx, SL_T_ROLLBACK_RISK);
		rollback_risk(cx);
	}
	if (bt) {
		pg_take(cx, SL_T_ROLLBACK_RISK_BACKTEST);
		out_puts(o, "<div class=\"cards\">\n");
		pg_brier_card(o, "Rollback risk backtest", bt);
		out_puts(o, "</div>\n");
	}
	pg_rest(cx, s);
}

