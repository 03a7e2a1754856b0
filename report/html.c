#include "html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "svg.h"

#define MAXCELL 80   /* bytes of a text cell shown; the CSV has all of it */
#define MAXCOLS 14   /* columns of a generic table shown */
#define MAXDAYS 731  /* days of the timeline drawn (the last ones) */
#define pct html_pct

struct ctx {
	struct out *o;
	const struct sl_analysis *a;
	const struct report_params *p;
	unsigned char *shown; /* per table (analysis order): a section showed it */
};

struct section;
typedef void (*render_fn)(struct ctx *, const struct section *);

/* A section of the page: the tables it shows (a name ending in '*' is a
 * prefix: tables still to come land in the right section), and how.
 * After the specific views, every matching table not shown yet gets the
 * generic table view, so a new table needs no code to appear. */
struct section {
	const char *id, *title;
	const char *tables[10];
	render_fn render;
};

/* ---- the tables ---- */

static size_t table_index(const struct ctx *cx, const struct sl_table *t)
{
	for (size_t i = 0; i < sl_analysis_ntables(cx->a); i++)
		if (sl_analysis_table_at(cx->a, i) == t)
			return i;
	return 0;
}

/* The table called name, marked as shown (its view is the caller's). */
static const struct sl_table *take(struct ctx *cx, const char *name)
{
	const struct sl_table *t = sl_analysis_table(cx->a, name);

	if (t)
		cx->shown[table_index(cx, t)] = 1;
	return t;
}

static double num(const struct sl_table *t, const char *col, size_t r)
{
	double v;

	return t && !sl_table_get_f64(t, sl_table_col(t, col), r, &v) ? v : NAN;
}

static const char *str(const struct sl_table *t, const char *col, size_t r)
{
	return t ? sl_table_get_str(t, sl_table_col(t, col), r) : NULL;
}

static int has_cols(const struct sl_table *t, const char *const *cols)
{
	for (; *cols; cols++)
		if (sl_table_col(t, *cols) < 0)
			return 0;
	return 1;
}

/* The first row whose column col holds s, or (size_t)-1. */
static size_t find_row(const struct sl_table *t, const char *col, const char *s)
{
	int c = t ? sl_table_col(t, col) : -1;

	for (size_t r = 0; c >= 0 && r < sl_table_rows(t); r++) {
		const char *v = sl_table_get_str(t, c, r);

		if (v && !strcmp(v, s))
			return r;
	}
	return (size_t)-1;
}

static int matches(const char *pat, const char *name)
{
	size_t n = strlen(pat);

	if (n && pat[n - 1] == '*')
		return !strncmp(pat, name, n - 1);
	return !strcmp(pat, name);
}

static int section_has(const struct ctx *cx, const struct section *s)
{
	for (size_t i = 0; i < sl_analysis_ntables(cx->a); i++)
		for (int k = 0; s->tables[k]; k++)
			if (matches(s->tables[k], sl_table_name(sl_analysis_table_at(cx->a, i))))
				return 1;
	return 0;
}

/* ---- formatting ---- */

void html_pct(struct out *o, double v)
{
	if (!isfinite(v)) {
		out_puts(o, "\xe2\x80\x93");
		return;
	}
	out_num(o, 100 * v, 3);
	out_puts(o, "%");
}

static int digits_at(const char *s, const char *shape)
{
	for (; *shape; s++, shape++)
		if (*shape == '9' ? !(*s >= '0' && *s <= '9') : *s != *shape)
			return 0;
	return 1;
}

void html_time(struct out *o, const char *iso)
{
	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" -> "YYYY-MM-DD HH:MM UTC" */
	if (iso && digits_at(iso, "9999-99-99T99:99")) {
		out_putn(o, iso, 10);
		out_puts(o, " ");
		out_putn(o, iso + 11, 5);
		out_puts(o, " UTC");
	} else if (iso && iso[0]) {
		out_esc(o, iso, 40);
	} else {
		out_puts(o, "unknown");
	}
}

void html_window(struct out *o, const struct sl_analysis *a)
{
	const char *from = sl_analysis_get_meta_str(a, "window_from");
	const char *to = sl_analysis_get_meta_str(a, "window_to");

	if ((!from || !from[0]) && (!to || !to[0])) {
		out_puts(o, "all data");
		return;
	}
	if (from && from[0])
		html_time(o, from);
	else
		out_puts(o, "the beginning");
	out_puts(o, " \xe2\x80\x93 ");
	if (to && to[0])
		html_time(o, to);
	else
		out_puts(o, "the end");
}

static int is_ms_col(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && !strcmp(name + n - 3, "_ms");
}

/* One cell of any table, by its type. */
static void cell(struct out *o, const struct sl_table *t, int c, size_t r)
{
	enum sl_rtype ty = sl_table_col_type(t, c);
	const char *s;
	double v;
	char buf[32];

	if (ty == SL_R_STR) {
		if ((s = sl_table_get_str(t, c, r)))
			out_esc(o, s, MAXCELL);
		return;
	}
	if (sl_table_get_f64(t, c, r, &v))
		return;
	switch (ty) {
	case SL_R_BOOL:
		out_puts(o, v ? "yes" : "no");
		break;
	case SL_R_TIME:
		sl_format_time((int64_t)v, buf);
		html_time(o, buf);
		break;
	case SL_R_DAY:
		sl_format_day((int64_t)v, buf);
		out_puts(o, buf);
		break;
	default:
		if (is_ms_col(sl_table_col_name(t, c)))
			out_duration(o, v);
		else
			out_num(o, v, 4);
	}
}

static int numeric(const struct sl_table *t, int c)
{
	enum sl_rtype ty = sl_table_col_type(t, c);

	return ty == SL_R_I64 || ty == SL_R_F64;
}

/* The generic view: the first rows (or the rows listed in idx), the
 * first columns, and where the rest is. */
static void table_view(struct ctx *cx, const struct sl_table *t, const size_t *idx, size_t nidx,
		       const char *what)
{
	struct out *o = cx->o;
	int nc = sl_table_ncols(t), shown_c = nc < MAXCOLS ? nc : MAXCOLS;
	size_t total = idx ? nidx : sl_table_rows(t);
	size_t n = total < (size_t)cx->p->rows ? total : (size_t)cx->p->rows;

	cx->shown[table_index(cx, t)] = 1;
	out_puts(o, "<h3>");
	if (what) {
		out_esc(o, what, 100);
	} else {
		/* "rollback_decisions" -> "Rollback decisions" */
		const char *nm = sl_table_name(t);

		for (size_t i = 0; nm[i] && i < 100; i++) {
			char ch = nm[i] == '_' ? ' ' : i == 0 && nm[i] >= 'a' && nm[i] <= 'z'
							  ? (char)(nm[i] - 'a' + 'A') : nm[i];

			out_putn(o, &ch, 1);
		}
	}
	out_puts(o, " <span class=\"src\">(");
	out_esc(o, sl_table_name(t), 100);
	out_puts(o, ".csv)</span></h3>\n");
	if (!sl_table_rows(t)) {
		out_puts(o, "<p class=\"nodata\">No rows in this window.</p>\n");
		return;
	}
	out_puts(o, "<div class=\"scroll\"><table>\n<tr>");
	for (int c = 0; c < shown_c; c++) {
		out_puts(o, numeric(t, c) ? "<th class=\"n\">" : "<th>");
		out_esc(o, sl_table_col_name(t, c), 60);
		out_puts(o, "</th>");
	}
	out_puts(o, "</tr>\n");
	for (size_t i = 0; i < n; i++) {
		size_t r = idx ? idx[i] : i;

		out_puts(o, "<tr>");
		for (int c = 0; c < shown_c; c++) {
			const char *sv = sl_table_get_str(t, c, r);

			out_puts(o, numeric(t, c) ? "<td class=\"n\">"
				    : sv && strlen(sv) > 40 ? "<td class=\"w\">" : "<td>");
			cell(o, t, c, r);
			out_puts(o, "</td>");
		}
		out_puts(o, "</tr>\n");
	}
	out_puts(o, "</table></div>\n");
	if (n < total || shown_c < nc) {
		out_puts(o, "<p class=\"more\">");
		if (n < total) {
			out_num(o, (double)(total - n), 10);
			out_printf(o, " more row%s", total - n == 1 ? "" : "s");
		}
		if (shown_c < nc)
			out_printf(o, "%s%d more column%s", n < total ? " and " : "", nc - shown_c,
				   nc - shown_c == 1 ? "" : "s");
		out_puts(o, " in <code>");
		out_esc(o, sl_table_name(t), 100);
		out_puts(o, ".csv</code>.</p>\n");
	}
}

/* Every table of the section not shown yet, in the generic view. */
static void rest(struct ctx *cx, const struct section *s)
{
	for (size_t i = 0; i < sl_analysis_ntables(cx->a); i++) {
		const struct sl_table *t = sl_analysis_table_at(cx->a, i);

		if (cx->shown[i])
			continue;
		for (int k = 0; s->tables[k]; k++)
			if (matches(s->tables[k], sl_table_name(t))) {
				table_view(cx, t, NULL, 0, NULL);
				break;
			}
	}
}

static void note(struct out *o, const char *text)
{
	out_puts(o, "<p class=\"note\">");
	out_puts(o, text);
	out_puts(o, "</p>\n");
}

/* ---- the sections ---- */

static void card_open(struct out *o, const char *title)
{
	out_puts(o, "<div class=\"card\"><div class=\"k\">");
	out_puts(o, title);
	out_puts(o, "</div><div class=\"v\">");
}

static void sec_overview(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *sum = take(cx, "summary");
	size_t r = find_row(sum, "scope", "overall");
	double sr = num(sum, "success_rate", r), ch = num(sum, "success_rate_change", r);
	double rr = num(sum, "rollback_rate", r), act = num(sum, "active_deployments", r);

	if (r == (size_t)-1) {
		out_puts(o, "<p class=\"nodata\">No overall row in the summary table.</p>\n");
		rest(cx, s);
		return;
	}
	out_puts(o, "<div class=\"cards\">\n");
	card_open(o, "Deployment success rate");
	pct(o, sr);
	out_puts(o, "</div><div class=\"sub\">");
	if (isfinite(ch)) {
		out_printf(o, "<span class=\"%s\">%s ", ch > 0 ? "up" : ch < 0 ? "down" : "flat",
			   ch > 0 ? "\xe2\x96\xb2" : ch < 0 ? "\xe2\x96\xbc" : "\xe2\x96\xb6");
		out_num(o, fabs(100 * ch), 2);
		out_puts(o, " points</span> vs the previous window (");
		pct(o, num(sum, "prev_success_rate", r));
		out_puts(o, ")");
	} else {
		out_puts(o, "no previous window to compare with");
	}
	out_puts(o, "</div></div>\n");
	card_open(o, "Mean deployment time");
	out_duration(o, num(sum, "avg_duration_ms", r));
	out_puts(o, "</div><div class=\"sub\">over ");
	out_num(o, num(sum, "total_deployments", r), 10);
	out_puts(o, " deployments</div></div>\n");
	card_open(o, "Rollback rate");
	pct(o, rr);
	out_printf(o, "</div><div class=\"sub %s\">%s</div></div>\n",
		   !isfinite(rr) ? "" : rr < 0.05 ? "up" : "down",
		   !isfinite(rr) ? "nothing finished" : rr < 0.05 ? "within the 5% target"
								  : "above the 5% target");
	card_open(o, "Active deployments");
	out_num(o, act, 10);
	out_puts(o, "</div><div class=\"sub\">pending, in progress, rolling out or "
		    "validating</div></div>\n</div>\n");
	/* per environment */
	out_puts(o, "<div class=\"scroll\"><table>\n<tr><th>scope</th><th>environment</th>"
		    "<th class=\"n\">deployments</th><th class=\"n\">finished</th>"
		    "<th class=\"n\">success rate</th><th class=\"n\">rollback rate</th>"
		    "<th class=\"n\">mean duration</th><th class=\"n\">previous success rate</th>"
		    "</tr>\n");
	for (size_t i = 0; i < sl_table_rows(sum) && i < (size_t)cx->p->rows; i++) {
		const char *sc = str(sum, "scope", i), *env = str(sum, "environment", i);

		out_puts(o, "<tr><td>");
		out_esc(o, sc ? sc : "", MAXCELL);
		out_puts(o, "</td><td>");
		out_esc(o, env ? env : "", MAXCELL);
		out_puts(o, "</td><td class=\"n\">");
		out_num(o, num(sum, "total_deployments", i), 10);
		out_puts(o, "</td><td class=\"n\">");
		out_num(o, num(sum, "finished_deployments", i), 10);
		out_puts(o, "</td><td class=\"n\">");
		pct(o, num(sum, "success_rate", i));
		out_puts(o, "</td><td class=\"n\">");
		pct(o, num(sum, "rollback_rate", i));
		out_puts(o, "</td><td class=\"n\">");
		out_duration(o, num(sum, "avg_duration_ms", i));
		out_puts(o, "</td><td class=\"n\">");
		pct(o, num(sum, "prev_success_rate", i));
		out_puts(o, "</td></tr>\n");
	}
	out_puts(o, "</table></div>\n");
	rest(cx, s);
}

static const char *dora_label(const char *m)
{
	static const char *const map[][2] = {
		{"deployment_frequency", "Deployment frequency"},
		{"deployment_days", "Deployment days"},
		{"lead_time_for_changes", "Lead time for changes"},
		{"change_failure_rate", "Change failure rate"},
		{"failed_deployment_recovery_time", "Failed deployment recovery time"},
		{"unrecovered_failures", "Unrecovered failures"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(m, map[i][0]))
			return map[i][1];
	return NULL;
}

/* A value with its unit as people read it. */
void html_value(struct out *o, double v, const char *unit)
{
	if (!isfinite(v)) {
		out_puts(o, "\xe2\x80\x93");
		return;
	}
	if (!unit)
		unit = "";
	if (!strcmp(unit, "ms")) {
		out_duration(o, v);
	} else if (!strcmp(unit, "count")) {
		out_num(o, v, 4);
	} else if (!strcmp(unit, "fraction")) {
		pct(o, v);
	} else if (!strcmp(unit, "deployments_per_week")) {
		out_num(o, v, 3);
		out_puts(o, " / week");
	} else if (!strcmp(unit, "days_per_week")) {
		out_num(o, v, 3);
		out_puts(o, " days / week");
	} else {
		out_num(o, v, 4);
		if (unit[0]) {
			out_puts(o, " ");
			out_esc(o, unit, 40);
		}
	}
}

static void sec_dora(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = take(cx, "dora");

	out_puts(o, "<div class=\"cards\">\n");
	for (size_t r = 0; r < sl_table_rows(t) && r < (size_t)cx->p->rows; r++) {
		const char *m = str(t, "metric", r), *tier = str(t, "tier", r);
		const char *label = m ? dora_label(m) : NULL;

		out_puts(o, "<div class=\"card\"><div class=\"k\">");
		if (label)
			out_puts(o, label);
		else
			out_esc(o, m ? m : "", MAXCELL);
		out_puts(o, "</div><div class=\"v\">");
		html_value(o, num(t, "value", r), str(t, "unit", r));
		out_puts(o, "</div><div class=\"sub\">");
		if (tier) {
			static const char *const tiers[] = {"elite", "high", "medium", "low"};
			const char *cls = "other";

			for (int i = 0; i < 4; i++)
				if (!strcmp(tier, tiers[i]))
					cls = tiers[i];
			out_printf(o, "<span class=\"tier %s\">", cls);
			out_esc(o, tier, 20);
			out_puts(o, "</span> ");
		}
		out_num(o, num(t, "samples", r), 10);
		out_puts(o, " samples</div></div>\n");
	}
	out_puts(o, "</div>\n");
	note(o, "Production deployments only; tiers from the DORA 2023 report "
		"(elite, high, medium, low).");
	rest(cx, s);
}

static void sec_timeline(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = take(cx, "timeline");
	size_t n = sl_table_rows(t), first = n > MAXDAYS ? n - MAXDAYS : 0, m = n - first;
	double *v = calloc(m * 6 + 1, sizeof(double));
	char (*lab)[12] = calloc(m + 1, sizeof(*lab));
	const char **labels = calloc(m + 1, sizeof(*labels));

	if (!v || !lab || !labels) {
		o->err = SL_ENOMEM;
		goto out;
	}
	if (!n) {
		out_puts(o, "<p class=\"nodata\">No deployments in this window.</p>\n");
		goto out;
	}
	for (size_t i = 0; i < m; i++) {
		size_t r = first + i;
		double dep = num(t, "deployments", r), ok = num(t, "completed", r),
		       bad = num(t, "failed", r);

		v[i] = num(t, "day", r);                           /* x */
		v[m + i] = ok;                                     /* completed */
		v[2 * m + i] = bad;                                /* failed */
		v[3 * m + i] = fmax(0, dep - ok - bad);            /* other */
		v[4 * m + i] = num(t, "avg_duration_ms", r) / 60000.0; /* minutes */
		v[5 * m + i] = num(t, "rolled_back", r);
		sl_format_day((int64_t)v[i], lab[i]);
		labels[i] = lab[i] + 5; /* MM-DD */
	}
	{
		struct svg_series st[3] = {
			{"completed", v + m, "#4477aa"}, {"failed", v + 2 * m, "#cc3311"},
			{"rolled back, partial or running", v + 3 * m, "#bbbbbb"},
		};
		struct svg_chart c = {"Deployments per day by outcome", "day",
				      "deployments per day", 0, 0, 0, 0};
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
		note(o, "Only the last 731 days are drawn; every day is in timeline.csv.");
out:
	free(v);
	free(lab);
	free(labels);
	rest(cx, s);
}

static void sec_strategies(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = take(cx, "strategies");
	size_t n = 0, nr = sl_table_rows(t), *idx = calloc(nr + 1, sizeof(*idx));
	double *v = calloc(3 * nr + 1, sizeof(double));
	const char **labels = calloc(nr + 1, sizeof(*labels));

	if (!idx || !v || !labels) {
		o->err = SL_ENOMEM;
		goto out;
	}
	for (size_t r = 0; r < nr && n < 24; r++) {
		const char *sc = str(t, "scope", r);

		if (sc && !strcmp(sc, "overall")) {
			idx[n] = r;
			labels[n] = str(t, "strategy", r);
			if (!labels[n])
				labels[n] = "(none)";
			v[n] = num(t, "success_rate", r);
			v[nr + n] = num(t, "rollback_rate", r);
			v[2 * nr + n] = num(t, "recommendation_score", r);
			n++;
		}
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
	table_view(cx, t, idx, n, "Strategies over all environments");
	note(o, "The rows per environment are in strategies.csv.");
out:
	free(idx);
	free(v);
	free(labels);
	rest(cx, s);
}

static void sec_heatmap(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = take(cx, "heatmap");
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
		double wd = num(t, "weekday", r), h = num(t, "hour", r);

		if (wd >= 0 && wd < 7 && h >= 0 && h < 24) {
			v[(int)wd * 24 + (int)h] += fmax(0, num(t, "deployments", r));
			f[(int)wd * 24 + (int)h] += fmax(0, num(t, "failures", r));
		}
	}
	for (int i = 0; i < 7 * 24; i++) {
		tot += v[i];
		fails += f[i];
	}
	if (tot == 0) {
		out_puts(o, "<p class=\"nodata\">No deployments in this window.</p>\n");
		rest(cx, s);
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
	rest(cx, s);
}

static void sec_active(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = take(cx, "active_deployments");
	static const char *const cols[] = {"deployment_id", "agent_id", "environment", "version",
					   "phase", "strategy"};
	size_t n = sl_table_rows(t), shown = n < (size_t)cx->p->rows ? n : (size_t)cx->p->rows;

	if (!n) {
		out_puts(o, "<p class=\"nodata\">No deployment is in an active phase.</p>\n");
		rest(cx, s);
		return;
	}
	out_puts(o, "<div class=\"scroll\"><table>\n<tr><th>deployment</th><th>agent</th>"
		    "<th>environment</th><th>version</th><th>phase</th><th>strategy</th>"
		    "<th>started</th><th>progress</th></tr>\n");
	for (size_t r = 0; r < shown; r++) {
		double p = num(t, "progress", r);
		char buf[32];
		double st = num(t, "start_time", r);

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
			html_time(o, buf);
		}
		out_puts(o, "</td><td>");
		if (isfinite(p)) {
			double w = p < 0 ? 0 : p > 1 ? 1 : p;

			out_printf(o, "<span class=\"bar\"><span style=\"width:%.0f%%\"></span></span> ",
				   100 * w);
			pct(o, p);
			out_puts(o, " (");
			out_num(o, num(t, "deployed_instances", r), 10);
			out_puts(o, "/");
			out_num(o, num(t, "target_instances", r), 10);
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
	rest(cx, s);
}

static void sec_health(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = take(cx, "health_scores");
	double bins[10] = {0}, sum = 0, cnt = 0;
	static const char *const labels[10] = {"0\xe2\x80\x93" "10", "10\xe2\x80\x93" "20",
		"20\xe2\x80\x93" "30", "30\xe2\x80\x93" "40", "40\xe2\x80\x93" "50",
		"50\xe2\x80\x93" "60", "60\xe2\x80\x93" "70", "70\xe2\x80\x93" "80",
		"80\xe2\x80\x93" "90", "90\xe2\x80\x93" "100"};

	for (size_t r = 0; r < sl_table_rows(t); r++) {
		double h = num(t, "health_score", r);
		int b;

		if (!isfinite(h))
			continue;
		b = (int)floor(h / 10);
		bins[b < 0 ? 0 : b > 9 ? 9 : b]++;
		sum += h;
		cnt++;
	}
	if (!cnt) {
		out_puts(o, "<p class=\"nodata\">No health scores in this window.</p>\n");
		rest(cx, s);
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
	note(o, "Every deployment's score and its components are in health_scores.csv.");
	rest(cx, s);
}

/* Indices of the rows of t sorted by a number column, largest first, NaN
 * last; only rows where keep (a bool column, or -1 for all) is true. */
static const struct sl_table *sort_t;
static int sort_c;

static int cmp_desc(const void *x, const void *y)
{
	double a = NAN, b = NAN;

	sl_table_get_f64(sort_t, sort_c, *(const size_t *)x, &a);
	sl_table_get_f64(sort_t, sort_c, *(const size_t *)y, &b);
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	if (a != b)
		return a < b ? 1 : -1;
	return (*(const size_t *)x > *(const size_t *)y) - (*(const size_t *)x < *(const size_t *)y);
}

static size_t *sorted_rows(const struct sl_table *t, const char *by, const char *keep, size_t *n)
{
	size_t nr = sl_table_rows(t), *idx = malloc((nr + 1) * sizeof(*idx));
	int kc = keep ? sl_table_col(t, keep) : -1;

	*n = 0;
	if (!idx)
		return NULL;
	for (size_t r = 0; r < nr; r++) {
		double k;

		if (kc >= 0 && (sl_table_get_f64(t, kc, r, &k) || !k))
			continue;
		idx[(*n)++] = r;
	}
	sort_t = t;
	sort_c = sl_table_col(t, by);
	sl_sort(idx, *n, sizeof(*idx), cmp_desc);
	return idx;
}

static void sec_anomalies(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = sl_analysis_table(cx->a, "anomalies");
	static const char *const need[] = {"deployment_id", "anomaly_score", "is_anomaly", NULL};
	size_t n, *idx;

	if (t && has_cols(t, need) && (idx = sorted_rows(t, "anomaly_score", "is_anomaly", &n))) {
		out_puts(o, "<p>");
		out_num(o, (double)n, 10);
		out_puts(o, " of ");
		out_num(o, (double)sl_table_rows(t), 10);
		out_puts(o, " deployments flagged as anomalies (isolation forest); the highest "
			    "scores first, with the features that stood out.</p>\n");
		table_view(cx, t, idx, n, "Flagged deployments");
		free(idx);
	} else if (t && has_cols(t, need)) {
		o->err = SL_ENOMEM;
	}
	rest(cx, s);
}

static void sec_alerts(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = take(cx, "alerts");
	static const char *const sev[3] = {"critical", "warning", "info"};
	const char *types[16];
	double cnt[3][16];
	size_t nt = 0, crit = 0, *idx = NULL;
	size_t nr = sl_table_rows(t);

	memset(cnt, 0, sizeof(cnt));
	for (size_t r = 0; r < nr; r++) {
		const char *ty = str(t, "type", r), *sv = str(t, "severity", r);
		size_t k;
		int si = 2;

		if (!ty)
			ty = "(none)";
		for (k = 0; k < nt && strcmp(types[k], ty); k++)
			;
		if (k == nt && nt < 16)
			types[nt++] = ty;
		if (k == 16)
			continue;
		for (int i = 0; i < 2; i++)
			if (sv && !strcmp(sv, sev[i]))
				si = i;
		cnt[si][k]++;
		crit += si == 0;
	}
	if (!nr) {
		out_puts(o, "<p class=\"nodata\">No alerts in this window.</p>\n");
	} else {
		struct svg_series all[3] = {{"critical", cnt[0], "#cc3311"},
					    {"warning", cnt[1], "#ddaa33"},
					    {"other", cnt[2], "#bbbbbb"}};
		struct svg_series sr[3];
		int nsr = 0;

		for (int i = 0; i < 3; i++) {
			double tot = 0;

			for (size_t k = 0; k < nt; k++)
				tot += cnt[i][k];
			if (tot > 0)
				sr[nsr++] = all[i];
		}
		struct svg_chart c = {"Alerts by type and severity", "alert type", "alerts", 0, 260,
				      0, 0};

		out_puts(o, "<p>");
		out_num(o, (double)nr, 10);
		out_puts(o, " alerts, ");
		out_num(o, (double)crit, 10);
		out_puts(o, " of them critical.</p>\n");
		svg_bars(o, &c, types, nt, sr, nsr, 1);
		/* the latest critical alerts first */
		if ((idx = malloc((nr + 1) * sizeof(*idx)))) {
			size_t n = 0;

			for (size_t r = nr; r-- > 0;) {
				const char *sv = str(t, "severity", r);

				if (sv && !strcmp(sv, "critical"))
					idx[n++] = r;
			}
			table_view(cx, t, idx, n, "Latest critical alerts");
			free(idx);
		} else {
			o->err = SL_ENOMEM;
		}
	}
	rest(cx, s);
}

/* The rows of t whose column col is true (want NULL) or equals want,
 * latest (last) first, in the generic view. */
static void latest_where(struct ctx *cx, const struct sl_table *t, const char *col,
			 const char *want, const char *what)
{
	size_t nr = sl_table_rows(t), n = 0, *idx = malloc((nr + 1) * sizeof(*idx));

	if (!idx) {
		cx->o->err = SL_ENOMEM;
		return;
	}
	for (size_t r = nr; r-- > 0;) {
		const char *v = str(t, col, r);

		if (want ? v && !strcmp(v, want) : num(t, col, r) == 1)
			idx[n++] = r;
	}
	table_view(cx, t, idx, n, what);
	free(idx);
}

static void sec_rollbacks(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *d = sl_analysis_table(cx->a, "rollback_decisions");
	const struct sl_table *j = sl_analysis_table(cx->a, "canary_judgements");

	if (d) {
		double should = 0, did = 0, both = 0;

		for (size_t r = 0; r < sl_table_rows(d); r++) {
			double a = num(d, "should_rollback", r), b = num(d, "rolled_back", r);

			should += a == 1;
			did += b == 1;
			both += a == 1 && b == 1;
		}
		out_puts(o, "<p>Auto-rollback rule over ");
		out_num(o, (double)sl_table_rows(d), 10);
		out_puts(o, " deployments with metric samples: it would roll back ");
		out_num(o, should, 10);
		out_puts(o, "; ");
		out_num(o, did, 10);
		out_puts(o, " were rolled back, ");
		out_num(o, both, 10);
		out_puts(o, " of them also by the rule.</p>\n");
	}
	if (j && sl_table_col(j, "result") >= 0) {
		static const char *const res[3] = {"pass", "marginal", "fail"};
		double cnt[3] = {0, 0, 0};
		struct svg_series sr[1] = {{"", cnt, NULL}};
		struct svg_chart c = {"Canary judgements by result", "judgement", "deployments", 0,
				      220, 0, 0};

		for (size_t r = 0; r < sl_table_rows(j); r++) {
			const char *v = str(j, "result", r);

			for (int i = 0; i < 3; i++)
				if (v && !strcmp(v, res[i]))
					cnt[i]++;
		}
		svg_bars(o, &c, res, 3, sr, 1, 0);
	}
	if (d && sl_table_col(d, "should_rollback") >= 0)
		latest_where(cx, d, "should_rollback", NULL, "Latest deployments the rule would roll back");
	if (j && sl_table_col(j, "result") >= 0)
		latest_where(cx, j, "result", "fail", "Latest failed canary judgements");
	rest(cx, s);
}

static void sec_predictions(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = sl_analysis_table(cx->a, "predictions");
	static const char *const need[] = {"actual_duration_ms", "predicted_duration_ms", NULL};

	if (t && has_cols(t, need) && sl_table_rows(t)) {
		size_t n = sl_table_rows(t), in = 0, known = 0;
		double *x = malloc((n + 1) * sizeof(double)), *y = malloc((n + 1) * sizeof(double));

		if (!x || !y) {
			o->err = SL_ENOMEM;
		} else {
			struct svg_chart c = {"Predicted against actual deployment duration",
					      "actual duration (minutes)",
					      "predicted duration (minutes)", 0, 380, 0, 0};

			for (size_t r = 0; r < n; r++) {
				double a = num(t, "actual_duration_ms", r);
				double lo = num(t, "lower_90_ms", r), hi = num(t, "upper_90_ms", r);

				x[r] = a / 60000.0;
				y[r] = num(t, "predicted_duration_ms", r) / 60000.0;
				if (isfinite(a) && isfinite(lo) && isfinite(hi)) {
					known++;
					in += a >= lo && a <= hi;
				}
			}
			svg_scatter(o, &c, x, y, n, 1);
			if (known) {
				out_puts(o, "<p>");
				pct(o, (double)in / (double)known);
				out_puts(o, " of the held-out deployments fell inside their 90% "
					    "prediction interval.</p>\n");
			}
		}
		free(x);
		free(y);
	}
	rest(cx, s);
}

void html_target(struct out *o, const char *target, const char *unit)
{
	size_t k = strspn(target, "<>=! ");
	char *end;
	double v;

	if (!target[k] || k > 3) {
		out_esc(o, target, MAXCELL);
		return;
	}
	v = strtod(target + k, &end);
	if (end == target + k || *end) {
		out_esc(o, target, MAXCELL);
		return;
	}
	/* "< 1800000" in ms reads as "< 30.0 min", "> 0.95" as "> 95%" */
	{
		char op[4];

		memcpy(op, target, k);
		op[k] = '\0';
		out_esc(o, op, sizeof(op));
	}
	html_value(o, v, unit);
}

static void sec_scorecard(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *t = take(cx, "scorecard");
	size_t nmet = 0, nmiss = 0;

	out_puts(o, "<div class=\"scroll\"><table>\n<tr><th>metric</th><th class=\"n\">value</th>"
		    "<th>target</th><th class=\"n\">samples</th><th>status</th></tr>\n");
	for (size_t r = 0; r < sl_table_rows(t) && r < (size_t)cx->p->rows; r++) {
		const char *m = str(t, "metric", r), *unit = str(t, "unit", r),
			   *target = str(t, "target", r);
		double met = num(t, "met", r);

		out_puts(o, "<tr><td>");
		out_esc(o, m ? m : "", MAXCELL);
		out_puts(o, "</td><td class=\"n\">");
		html_value(o, num(t, "value", r), unit);
		out_puts(o, "</td><td>");
		html_target(o, target ? target : "", unit);
		out_puts(o, "</td><td class=\"n\">");
		out_num(o, num(t, "samples", r), 10);
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
	rest(cx, s);
}

static void sec_generic(struct ctx *cx, const struct section *s)
{
	rest(cx, s);
}

static void sec_other(struct ctx *cx, const struct section *s)
{
	(void)s;
	for (size_t i = 0; i < sl_analysis_ntables(cx->a); i++)
		if (!cx->shown[i])
			table_view(cx, sl_analysis_table_at(cx->a, i), NULL, 0, NULL);
}

static const struct section sections[] = {
	{"overview", "Overview", {"summary", NULL}, sec_overview},
	{"dora", "DORA four keys", {"dora", NULL}, sec_dora},
	{"timeline", "Deployment timeline", {"timeline", NULL}, sec_timeline},
	{"strategies", "Rollout strategies", {"strategies", NULL}, sec_strategies},
	{"heatmap", "When deployments happen", {"heatmap", NULL}, sec_heatmap},
	{"active", "Active deployments", {"active_deployments", NULL}, sec_active},
	{"agents", "Success rates per agent and day", {"success_rates", NULL}, sec_generic},
	{"health", "Health scores", {"health_scores", NULL}, sec_health},
	{"pipelines", "Pipelines",
	 {"pipelines", "stages", "critical_path*", "pipeline*", "stage*", "gate*", NULL},
	 sec_generic},
	{"versions", "Versions", {"versions", "adoption*", "regressions", "version*", NULL},
	 sec_generic},
	{"anomalies", "Anomalies", {"anomalies", "anomal*", NULL}, sec_anomalies},
	{"clusters", "Clusters and patterns", {"clusters", "cluster*", "patterns", NULL},
	 sec_generic},
	{"rollbacks", "Rollbacks and canaries",
	 {"rollback_causes", "rollback_risk", "rollback*", "canary_judgements", "canary*", NULL},
	 sec_rollbacks},
	{"alerts", "Alerts", {"alerts", "alert*", NULL}, sec_alerts},
	{"predictions", "Predictions",
	 {"predictions", "prediction*", "model*", "backtest*", NULL}, sec_predictions},
	{"scorecard", "Success-metric scorecard", {"scorecard", NULL}, sec_scorecard},
};

static const char css[] =
	"body{font:14px/1.45 Helvetica,Arial,sans-serif;color:#222;background:#fff;"
	"max-width:1200px;margin:0 auto;padding:16px 24px}\n"
	"h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #4477aa;"
	"padding-bottom:3px;margin:34px 0 10px}h3{font-size:15px;margin:18px 0 6px}\n"
	".meta{color:#444;margin:2px 0}.src,.note,.more{color:#666;font-size:12px}\n"
	"nav ol{columns:3;margin:8px 0;padding-left:22px}nav a{color:#2a5d8f}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:12px;"
	"margin:8px 0}\n"
	".card{border:1px solid #ccd3dc;border-radius:6px;padding:10px 14px}\n"
	".card .k{color:#444;font-size:13px}.card .v{font-size:24px;font-weight:bold;margin:2px 0;"
	"white-space:nowrap}"
	".card .sub{font-size:12px;color:#555}\n"
	".up,.ok{color:#1b7a2b}.down,.bad{color:#c0392b}.flat,.unk{color:#666}"
	".ok,.bad{font-weight:bold}\n"
	".tier{display:inline-block;padding:0 7px;border-radius:9px;color:#fff;font-weight:bold;"
	"background:#777}.tier.elite{background:#1b7a2b}.tier.high{background:#2f6aa3}"
	".tier.medium{background:#b7791f}.tier.low{background:#c0392b}\n"
	"table{border-collapse:collapse;font-size:13px;margin:6px 0}"
	"th,td{border:1px solid #d5dae0;padding:3px 8px;text-align:left;vertical-align:top}"
	"td{white-space:nowrap}td.w{white-space:normal;min-width:240px}th{background:#eef2f6}.n{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	".scroll{overflow-x:auto}.nodata{color:#666;font-style:italic}\n"
	".bar{display:inline-block;width:90px;height:10px;background:#e3e6ea;"
	"vertical-align:middle}.bar span{display:block;height:10px;background:#4477aa}\n"
	"figure{margin:14px 0}figcaption{font-weight:bold;font-size:14px;color:#333}\n"
	"svg{display:block;width:100%;max-width:1100px;height:auto;margin:4px 0}\n"
	"footer{margin-top:40px;color:#666;font-size:12px}\n"
	"@media print{body{max-width:none;padding:0}h2{break-after:avoid}"
	"svg,table,.card{break-inside:avoid}nav{columns:2}}\n";

static void header(struct ctx *cx)
{
	struct out *o = cx->o;
	const char *env = sl_analysis_get_meta_str(cx->a, "env");
	const char *agent = sl_analysis_get_meta_str(cx->a, "agent");
	const char *tz = sl_analysis_get_meta_str(cx->a, "tz");
	const char *ver = sl_analysis_get_meta_str(cx->a, "shiplog_version");
	double deps = NAN, files = NAN;

	sl_analysis_get_meta_f64(cx->a, "input_deployments", &deps);
	sl_analysis_get_meta_f64(cx->a, "input_files", &files);
	out_puts(o, "<header>\n<h1>");
	out_esc(o, cx->p->title, REPORT_MAX_TEXT);
	out_puts(o, "</h1>\n<p class=\"meta\"><b>Window:</b> ");
	html_window(o, cx->a);
	out_puts(o, " &middot; <b>days in:</b> ");
	out_esc(o, tz && tz[0] ? tz : "UTC", 60);
	if (env && env[0]) {
		out_puts(o, " &middot; <b>environment:</b> ");
		out_esc(o, env, MAXCELL);
	}
	if (agent && agent[0]) {
		out_puts(o, " &middot; <b>agent:</b> ");
		out_esc(o, agent, MAXCELL);
	}
	out_puts(o, "</p>\n<p class=\"meta\"><b>Generated:</b> ");
	html_time(o, sl_analysis_get_meta_str(cx->a, "now"));
	out_puts(o, " &middot; <b>Data:</b> ");
	out_num(o, deps, 10);
	out_puts(o, " deployments in the window (");
	out_num(o, files, 10);
	out_puts(o, " store row groups read) &middot; ");
	out_num(o, (double)sl_analysis_ntables(cx->a), 10);
	out_puts(o, " result tables");
	if (ver) {
		out_puts(o, " &middot; shiplog ");
		out_esc(o, ver, 40);
	}
	out_puts(o, "</p>\n</header>\n");
}

int html_render(struct out *o, const struct sl_analysis *a, const struct report_params *p)
{
	struct ctx cx = {o, a, p, calloc(sl_analysis_ntables(a) + 1, 1)};
	size_t ns = sizeof(sections) / sizeof(sections[0]);
	int other = 0;

	if (!cx.shown)
		return SL_ENOMEM;
	out_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>");
	out_esc(o, p->title, REPORT_MAX_TEXT);
	out_printf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	header(&cx);
	/* the sections are rendered first so the contents know whether an
	 * "other tables" section exists; it goes to a second buffer */
	{
		struct out body = {SL_BUF_INIT, 0};
		struct ctx bx = cx;

		bx.o = &body;
		for (size_t i = 0; i < ns; i++) {
			const struct section *s = &sections[i];

			out_printf(&body, "<section id=\"%s\">\n<h2>%s</h2>\n", s->id, s->title);
			if (section_has(&bx, s)) {
				s->render(&bx, s);
			} else {
				out_puts(&body, "<p class=\"nodata\">No data: the analysis has no ");
				for (int k = 0; s->tables[k]; k++)
					if (!strchr(s->tables[k], '*'))
						out_printf(&body, "%s<code>%s</code>", k ? " or " : "",
							   s->tables[k]);
				out_puts(&body, " table.</p>\n");
			}
			out_puts(&body, "</section>\n");
		}
		for (size_t i = 0; i < sl_analysis_ntables(a); i++)
			other |= !cx.shown[i];
		if (other) {
			static const struct section s = {"tables", "Other tables", {NULL}, sec_other};

			out_puts(&body, "<section id=\"tables\">\n<h2>Other tables</h2>\n");
			sec_other(&bx, &s);
			out_puts(&body, "</section>\n");
		}
		out_puts(o, "<nav>\n<b>Contents</b>\n<ol>\n");
		for (size_t i = 0; i < ns; i++)
			out_printf(o, "<li><a href=\"#%s\">%s</a></li>\n", sections[i].id,
				   sections[i].title);
		if (other)
			out_puts(o, "<li><a href=\"#tables\">Other tables</a></li>\n");
		out_puts(o, "</ol>\n</nav>\n");
		if (body.err)
			o->err = body.err;
		else
			out_putn(o, body.b.data, body.b.len);
		out_release(&body);
	}
	out_puts(o, "<footer>Made by shiplog-report from an analysis file of shiplog-analyze. "
		    "Every table is also a CSV file (TABLE.csv) with all its rows.</footer>\n"
		    "</body>\n</html>\n");
	free(cx.shown);
	return o->err;
}
