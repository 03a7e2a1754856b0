#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

void sec_anomalies(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct pg_picked *pp = cx->picked ? &cx->picked[PK_ANOMALIES] : NULL;
	static const char *const heads[] = {"agent", "environment", "started", "deployment",
		"#score", "why it stands out", NULL};

	if (pp && pp->ok) {
		const struct sl_table *t = pp->pk.t;

		const struct sl_table *sum = pg_take(cx, SL_T_ANOMALY_SUMMARY);

		pg_mark(cx, SL_T_ANOMALIES);
		out_puts(o, "<p>");
		const char *headline = sum && sl_table_rows(sum)
					       ? str(sum, SL_ANOMALY_SUMMARY_HEADLINE, 0) : NULL;

		if (headline && headline[0]) {
			/* the summary says the share flagged is the contamination
			 * setting, and how often the flagged failed against all */
			out_puts(o, "Flagged: ");
			out_esc(o, headline, 400);
			out_puts(o, ". The highest scores first, with the features that stood out.");
		} else {
			out_num(o, (double)pp->n, 10);
			out_puts(o, " of ");
			out_num(o, (double)pg_all_rows(cx, SL_T_ANOMALIES), 10);
			out_puts(o, " deployments flagged as anomalies (isolation forest); the "
				    "highest scores first, with the features that stood out.");
		}
		out_puts(o, "</p>\n");
		out_puts(o, "<h3>Flagged deployments <span class=\"src\">(anomalies.csv)</span></h3>\n");
		pg_th_row(o, heads);
		for (size_t i = 0; i < pp->shown; i++) {
			const char *id = str(t, SL_ANOMALIES_DEPLOYMENT_ID, pp->idx[i]);

			out_puts(o, "<tr>");
			pg_td_who(o, pg_who_find(cx, id));
			pg_td_str(o, id, MAXCELL);
			pg_td_num(o, num(t, SL_ANOMALIES_ANOMALY_SCORE, pp->idx[i]), 4);
			pg_td_str(o, str(t, SL_ANOMALIES_REASONS, pp->idx[i]), 600);
			out_puts(o, "</tr>\n");
		}
		pg_more_rows(o, pp->n, pp->shown, sl_tdef(SL_T_ANOMALIES)->name);
		pg_note(o, "Scores from 0 to 1 (Liu et al. 2008): above 0.5 a deployment is easier to "
			"isolate than most; every deployment's score is in anomalies.csv.");
	}
	pg_rest(cx, s);
}

/* The clusters DBSCAN found: their sizes as bars (noise apart), then each
 * with its rates, dominant strategy and environment and its sentence. */
static void clusters_view(struct ctx *cx, const struct sl_table *t)
{
	struct out *o = cx->o;
	static const char *const heads[] = {"#cluster", "#deployments", "#success", "#rolled back",
		"#mean duration", "strategy", "environment", "pattern", NULL};
	static const char *const names[3] = {"deployments", NULL, NULL};
	const char *units[9] = {NULL};
	size_t nr = sl_table_rows(t), n = 0, noise = 0;
	size_t shown = nr < (size_t)cx->p->rows ? nr : (size_t)cx->p->rows;
	double *v = malloc((nr + 1) * sizeof(double));
	const char **lab = malloc((nr + 1) * sizeof(*lab));
	char *names_buf = malloc((nr + 1) * 24);

	out_puts(o, "<h3>Clusters <span class=\"src\">(clusters.csv)</span></h3>\n");
	if (!v || !lab || !names_buf) {
		o->err = SL_ENOMEM;
		goto out;
	}
	for (size_t r = 0; r < nr; r++) {
		double c = num(t, SL_CLUSTERS_CLUSTER, r);

		if (c < 0) {
			noise = (size_t)num(t, SL_CLUSTERS_SIZE, r);
			continue;
		}
		if (n == 20)
			continue;
		snprintf(names_buf + 24 * n, 24, "cluster %.0f", c);
		lab[n] = names_buf + 24 * n;
		v[n++] = num(t, SL_CLUSTERS_SIZE, r);
	}
	out_puts(o, "<p>");
	out_num(o, (double)(nr - (noise ? 1 : 0)), 10);
	out_puts(o, " clusters of deployments alike in their standardized features (DBSCAN); ");
	out_num(o, (double)noise, 10);
	out_puts(o, " deployments belong to none (noise).</p>\n");
	if (n) {
		struct svg_chart c = {"Deployments per cluster (the first 20)", "deployments", NULL,
				      0, 0, 0, 0};

		svg_hbars(o, &c, lab, n, v, NULL, NULL, names);
	}
	units[4] = pg_col_unit(t, SL_CLUSTERS_MEAN_DURATION_MS, NULL, shown, 1);
	pg_th_row_u(o, heads, units);
	for (size_t r = 0; r < shown; r++) {
		double c = num(t, SL_CLUSTERS_CLUSTER, r);

		out_puts(o, "<tr>");
		if (c < 0)
			pg_td_str(o, "noise", MAXCELL);
		else
			pg_td_num(o, c, 10);
		pg_td_num(o, num(t, SL_CLUSTERS_SIZE, r), 10);
		pg_td_pct(o, num(t, SL_CLUSTERS_SUCCESS_RATE, r));
		pg_td_pct(o, num(t, SL_CLUSTERS_ROLLBACK_RATE, r));
		pg_td_dur_in(o, num(t, SL_CLUSTERS_MEAN_DURATION_MS, r), units[4]);
		pg_td_str(o, str(t, SL_CLUSTERS_DOMINANT_STRATEGY, r), MAXCELL);
		pg_td_str(o, str(t, SL_CLUSTERS_DOMINANT_ENVIRONMENT, r), MAXCELL);
		pg_td_str(o, str(t, SL_CLUSTERS_DESCRIPTION, r), 240);
		out_puts(o, "</tr>\n");
	}
	pg_more_rows(o, nr, shown, sl_tdef(SL_T_CLUSTERS)->name);
	pg_note(o, "Each deployment's cluster is in patterns.csv, and the standardized feature matrix "
		"the isolation forest and DBSCAN saw in features.csv (same rows, same order), so "
		"every result can be reproduced.");
out:
	free(v);
	free(lab);
	free(names_buf);
}

void sec_clusters(struct ctx *cx, const struct section *s)
{
	const struct sl_table *t = pg_load(cx, SL_T_CLUSTERS);

	if (t) {
		pg_take(cx, SL_T_CLUSTERS);
		clusters_view(cx, t);
		/* one row per deployment: in their CSV files, not on the page */
		pg_mark(cx, SL_T_PATTERNS);
		pg_mark(cx, SL_T_FEATURES);
	}
	pg_rest(cx, s);
}

