#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

#define NPIPECHARTS 4  /* pipelines whose stages are drawn (most executions) */
#define MAXBARS 20     /* bars of one horizontal bar chart */

static void pipeline_summary(struct ctx *cx, const struct sl_table *t, const size_t *idx,
			     size_t n)
{
	struct out *o = cx->o;
	static const char *const heads[] = {"pipeline", "#executions", "#success rate",
		"#p50 duration", "#p95 duration", "critical path", "#path length",
		"#efficiency now", "#potential", "#time saved", NULL};
	size_t shown = n < (size_t)cx->p->rows ? n : (size_t)cx->p->rows;
	const char *units[11] = {NULL};

	units[3] = pg_col_unit(t, SL_PIPELINES_P50_DURATION_MS, idx, shown, 1);
	units[4] = pg_col_unit(t, SL_PIPELINES_P95_DURATION_MS, idx, shown, 1);
	units[6] = pg_col_unit(t, SL_PIPELINES_CRITICAL_PATH_MS, idx, shown, 1);
	units[9] = pg_col_unit(t, SL_PIPELINES_ESTIMATED_TIME_SAVED_MS, idx, shown, 1);
	out_puts(o, "<h3>Pipelines, the lowest success rate first <span class=\"src\">"
		    "(pipelines.csv)</span></h3>\n");
	pg_th_row_u(o, heads, units);
	for (size_t i = 0; i < shown; i++) {
		size_t r = idx[i];

		out_puts(o, "<tr>");
		pg_td_str(o, str(t, SL_PIPELINES_PIPELINE_ID, r), MAXCELL);
		pg_td_num(o, num(t, SL_PIPELINES_EXECUTIONS, r), 10);
		pg_td_pct(o, num(t, SL_PIPELINES_SUCCESS_RATE, r));
		pg_td_dur_in(o, num(t, SL_PIPELINES_P50_DURATION_MS, r), units[3]);
		pg_td_dur_in(o, num(t, SL_PIPELINES_P95_DURATION_MS, r), units[4]);
		pg_td_str(o,
		       str(t, SL_PIPELINES_CRITICAL_PATH, r) ? str(t, SL_PIPELINES_CRITICAL_PATH, r)
							     : "(none: a cycle)",
		       240);
		pg_td_dur_in(o, num(t, SL_PIPELINES_CRITICAL_PATH_MS, r), units[6]);
		pg_td_pct(o, num(t, SL_PIPELINES_CURRENT_EFFICIENCY, r));
		pg_td_pct(o, num(t, SL_PIPELINES_POTENTIAL_EFFICIENCY, r));
		pg_td_dur_in(o, num(t, SL_PIPELINES_ESTIMATED_TIME_SAVED_MS, r), units[9]);
		out_puts(o, "</tr>\n");
	}
	pg_more_rows(o, n, shown, sl_tdef(SL_T_PIPELINES)->name);
	pg_note(o, "Success rate over finished runs (cancelled counts as failed); the critical "
		"path is the longest chain of the stage graph by median stage duration; "
		"efficiency = critical path / median run time, potential = with the parallel "
		"opportunities below taken.");
}

/* One chart per busy pipeline: its stages' p50 bars (critical path in
 * blue), p95 as a red tick, slowest first. */
static void stage_chart(struct ctx *cx, const struct sl_table *st, const char *pid)
{
	struct out *o = cx->o;
	size_t nr = sl_table_rows(st), n = 0;
	size_t *idx = malloc((nr + 1) * sizeof(*idx));
	double *v = malloc((MAXBARS + 1) * sizeof(double)), *m = malloc((MAXBARS + 1) * sizeof(double));
	const char **lab = malloc((MAXBARS + 1) * sizeof(*lab));
	unsigned char hi[MAXBARS];
	struct out title = {SL_BUF_INIT, 0};
	static const char *const names[3] = {"median (p50), off the critical path",
					     "median (p50), on the critical path", "p95"};

	if (!idx || !v || !m || !lab) {
		o->err = SL_ENOMEM;
		goto out;
	}
	for (size_t r = 0; r < nr; r++) {
		const char *p = str(st, SL_STAGES_PIPELINE_ID, r);

		if (p && !strcmp(p, pid))
			idx[n++] = r;
	}
	pg_sort_desc(st, SL_STAGES_P50_MS, idx, n);
	if (n > MAXBARS)
		n = MAXBARS;
	for (size_t i = 0; i < n; i++) {
		lab[i] = str(st, SL_STAGES_STAGE_ID, idx[i]);
		v[i] = num(st, SL_STAGES_P50_MS, idx[i]) / 60000.0;
		m[i] = num(st, SL_STAGES_P95_MS, idx[i]) / 60000.0;
		hi[i] = is_true(st, SL_STAGES_ON_CRITICAL_PATH, idx[i]);
	}
	out_puts(&title, "Stage durations of ");
	out_puts(&title, pid);
	{
		struct svg_chart c = {title.err ? "Stage durations" : title.b.data,
				      "duration (minutes)", NULL, 0, 0, 0, 0};

		svg_hbars(o, &c, lab, n, v, m, hi, names);
	}
out:
	out_release(&title);
	free(idx);
	free(v);
	free(m);
	free(lab);
}

static const struct {
	const char *title, *kinds[2];
} suggestion_groups[] = {
	{"Bottlenecks", {"bottleneck", NULL}},
	{"Stages that could run in parallel", {"parallel", NULL}},
	{"Redundant candidates (never failed)", {"redundant", NULL}},
	{"Timeouts", {"timeout_too_tight", "timeout_too_loose"}},
	{"Retries", {"retry_rarely_succeeds", "flaky_passes_on_retry"}},
};

static int kind_in(const char *k, const char *const *kinds)
{
	for (int i = 0; i < 2; i++)
		if (k && kinds[i] && !strcmp(k, kinds[i]))
			return 1;
	return 0;
}

static void pipeline_suggestions(struct ctx *cx, const struct sl_table *t)
{
	struct out *o = cx->o;
	size_t nr = sl_table_rows(t);
	static const char *const heads[] = {"pipeline", "stage", "suggestion", "#saving", NULL};
	static const char *const heads3[] = {"pipeline", "stage", "suggestion", NULL};
	const char *units[5] = {NULL};

	out_puts(o, "<h3>Optimisation suggestions <span class=\"src\">(pipeline_suggestions.csv)"
		    "</span></h3>\n");
	if (!nr) {
		out_puts(o, "<p class=\"nodata\">No suggestions in this window.</p>\n");
		return;
	}
	for (size_t g = 0; g < sizeof(suggestion_groups) / sizeof(suggestion_groups[0]); g++) {
		size_t n = 0, shown = 0;
		double saving = 0;

		for (size_t r = 0; r < nr; r++)
			if (kind_in(str(t, SL_PIPELINE_SUGGESTIONS_KIND, r),
				    suggestion_groups[g].kinds)) {
				double s = num(t, SL_PIPELINE_SUGGESTIONS_SAVING_MS, r);

				n++;
				saving += isfinite(s) ? s : 0;
			}
		out_printf(o, "<h4>%s: ", suggestion_groups[g].title);
		out_num(o, (double)n, 10);
		if (saving > 0) {
			out_puts(o, " (savings per run add up to ");
			out_duration(o, saving);
			out_puts(o, " over the pipelines)");
		}
		out_puts(o, "</h4>\n");
		if (!n)
			continue;
		/* only the parallel opportunities have a saving; in one unit */
		{
			double longest = 0;

			for (size_t r = 0; r < nr; r++)
				if (kind_in(str(t, SL_PIPELINE_SUGGESTIONS_KIND, r),
					    suggestion_groups[g].kinds))
					longest = fmax(longest,
						       num(t, SL_PIPELINE_SUGGESTIONS_SAVING_MS, r));
			units[3] = text_dur_unit(isfinite(longest) ? longest : 0);
		}
		pg_th_row_u(o, saving > 0 ? heads : heads3, units);
		for (size_t r = 0; r < nr && shown < (size_t)cx->p->rows; r++) {
			if (!kind_in(str(t, SL_PIPELINE_SUGGESTIONS_KIND, r),
				     suggestion_groups[g].kinds))
				continue;
			out_puts(o, "<tr>");
			pg_td_str(o, str(t, SL_PIPELINE_SUGGESTIONS_PIPELINE_ID, r), MAXCELL);
			pg_td_str(o, str(t, SL_PIPELINE_SUGGESTIONS_STAGE_ID, r), MAXCELL);
			pg_td_str(o, str(t, SL_PIPELINE_SUGGESTIONS_MESSAGE, r), 240);
			if (saving > 0)
				pg_td_dur_in(o, num(t, SL_PIPELINE_SUGGESTIONS_SAVING_MS, r),
					     units[3]);
			out_puts(o, "</tr>\n");
			shown++;
		}
		pg_more_rows(o, n, shown, sl_tdef(SL_T_PIPELINE_SUGGESTIONS)->name);
	}
}

static void pipeline_gates(struct ctx *cx, const struct sl_table *t)
{
	struct out *o = cx->o;
	size_t nr = sl_table_rows(t), n = nr < MAXBARS ? nr : MAXBARS, never = 0;
	double *v = malloc((n + 1) * sizeof(double));
	const char **lab = malloc((n + 1) * sizeof(*lab));
	struct out labs = {SL_BUF_INIT, 0};
	size_t *off = malloc((n + 1) * sizeof(*off));
	static const char *const names[3] = {"pass rate", NULL, NULL};

	out_puts(o, "<h3>Quality gates <span class=\"src\">(gates.csv)</span></h3>\n");
	if (pg_chart_start(o, v && lab && off, nr, "No gate results in this window."))
		goto out;
	/* "gate (metric op threshold)": a gate name may come with several
	 * metrics or operators */
	for (size_t r = 0; r < n; r++) {
		const char *g = str(t, SL_GATES_GATE_NAME, r), *m = str(t, SL_GATES_METRIC, r),
			   *op = str(t, SL_GATES_OPERATOR, r);

		off[r] = labs.b.len;
		out_printf(&labs, "%s (%s %s %.4g", g ? g : "", m ? m : "", op ? op : "",
			   num(t, SL_GATES_THRESHOLD, r));
		out_putn(&labs, ")", 2); /* with its NUL */
		v[r] = num(t, SL_GATES_PASS_RATE, r);
	}
	for (size_t r = 0; r < n && !labs.err; r++)
		lab[r] = labs.b.data + off[r];
	if (!labs.err) {
		struct svg_chart c = {"Pass rate per quality gate", "share of evaluations passed",
				      NULL, 0, 0, 1, 0};

		svg_hbars(o, &c, lab, n, v, NULL, NULL, names);
	}
	if (nr > n)
		pg_note(o, "Only the first 20 gates are drawn; every gate is in gates.csv.");
	out_puts(o, "<p><b>Gates that never fail</b> (at least 50 evaluations, none failed): ");
	for (size_t r = 0; r < nr; r++)
		if (is_true(t, SL_GATES_NEVER_FAILS, r) && never++ < 20) {
			out_puts(o, never > 1 ? ", " : "");
			out_puts(o, "<code>");
			out_esc(o,
				str(t, SL_GATES_GATE_NAME, r) ? str(t, SL_GATES_GATE_NAME, r) : "",
				MAXCELL);
			out_puts(o, "</code>");
		}
	if (!never)
		out_puts(o, "none");
	else if (never > 20)
		out_printf(o, " and %zu more", never - 20);
	out_puts(o, ".</p>\n");
out:
	out_release(&labs);
	free(v);
	free(lab);
	free(off);
}

void sec_pipelines(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *p = pg_load(cx, SL_T_PIPELINES);
	const struct sl_table *st = pg_load(cx, SL_T_STAGES);
	const struct sl_table *sg = pg_load(cx, SL_T_PIPELINE_SUGGESTIONS);
	const struct sl_table *g = pg_load(cx, SL_T_GATES);
	size_t n = 0, *idx = NULL;

	if (p && (idx = pg_sorted_rows(p, SL_PIPELINES_EXECUTIONS, -1, &n))) {
		pg_take(cx, SL_T_PIPELINES);
		if (!n) {
			out_puts(o, "<p class=\"nodata\">No pipeline runs in this window.</p>\n");
		} else {
			size_t *worst = malloc(n * sizeof(*worst));

			/* the table worst first; the charts for the busiest */
			if (worst) {
				memcpy(worst, idx, n * sizeof(*worst));
				pg_sort_asc(p, SL_PIPELINES_SUCCESS_RATE, worst, n);
				pipeline_summary(cx, p, worst, n);
				free(worst);
			} else {
				o->err = SL_ENOMEM;
			}
			if (st) {
				pg_take(cx, SL_T_STAGES);
				out_puts(o, "<h3>Stage durations <span class=\"src\">(stages.csv)"
					    "</span></h3>\n");
				for (size_t i = 0; i < n && i < NPIPECHARTS; i++)
					if (str(p, SL_PIPELINES_PIPELINE_ID, idx[i]))
						stage_chart(
							cx, st,
							str(p, SL_PIPELINES_PIPELINE_ID, idx[i]));
				pg_note(o, "The pipelines with the most executions; bars are the "
					"median stage duration, bold labels and blue bars the "
					"critical path, the red tick the 95th percentile. Every "
					"stage is in stages.csv.");
			}
		}
		/* warnings: cycles, unknown stages, runs without an end */
		{
			size_t nw = 0;

			for (size_t r = 0; r < sl_table_rows(p); r++) {
				const char *w = str(p, SL_PIPELINES_WARNING, r);

				if (!w || !w[0])
					continue;
				if (!nw++)
					out_puts(o, "<h3>Warnings</h3>\n<ul>\n");
				if (nw > (size_t)cx->p->rows)
					continue;
				out_puts(o, "<li><code>");
				out_esc(o, str(p, SL_PIPELINES_PIPELINE_ID, r), MAXCELL);
				out_puts(o, "</code>: ");
				out_esc(o, w, 240);
				out_puts(o, "</li>\n");
			}
			if (nw)
				out_puts(o, "</ul>\n");
		}
	} else if (p) {
		o->err = SL_ENOMEM;
	}
	free(idx);
	if (sg) {
		pg_take(cx, SL_T_PIPELINE_SUGGESTIONS);
		pipeline_suggestions(cx, sg);
	}
	if (g) {
		pg_take(cx, SL_T_GATES);
		pipeline_gates(cx, g);
	}
	pg_rest(cx, s);
}

