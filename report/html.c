#include "html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

#define MAXCELL 80   /* bytes of a text cell shown; the CSV has all of it */
#define MAXCOLS 14   /* columns of a generic table shown */
#define MAXDAYS 731  /* days of the timeline drawn (the last ones) */
#define MAXMARKS 2000 /* points of the predictions scatter drawn (a sample) */
#define pct html_pct

/* The page is built one section at a time: a section loads the small
 * tables it shows whole (freed when it ends) and reads the per-deployment
 * ones group by group, so the report never holds every table at once. */
struct ctx {
	struct out *o;
	struct sl_anfile *f;
	const struct sl_analysis *a; /* the metadata */
	const struct report_params *p;
	unsigned char *shown; /* per table (file order): a section showed it */
	struct sl_table **held; /* loaded for the section being rendered */
	size_t nheld, held_cap;
	struct sl_errctx *err;
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
	long i = sl_anfile_find(cx->f, sl_table_name(t));

	return i < 0 ? 0 : (size_t)i;
}

/* A read error: the page stops growing and html_render fails with it. */
static void failed(struct ctx *cx, int rc)
{
	if (rc && !cx->o->err)
		cx->o->err = rc;
}

static const struct sl_table *hold(struct ctx *cx, struct sl_table *t)
{
	if (sl_grow(&cx->held, &cx->held_cap, cx->nheld + 1, sizeof(*cx->held))) {
		sl_table_free(t);
		failed(cx, SL_ENOMEM);
		return NULL;
	}
	return cx->held[cx->nheld++] = t;
}

static void release(struct ctx *cx)
{
	while (cx->nheld > 0)
		sl_table_free(cx->held[--cx->nheld]);
}

/* The whole table called name (NULL when absent or unreadable), held
 * until the section ends: for the tables that do not grow with the
 * deployments. */
static const struct sl_table *load_named(struct ctx *cx, const char *name)
{
	long i = sl_anfile_find(cx->f, name);
	struct sl_table *t;
	int rc = SL_OK;

	if (i < 0)
		return NULL;
	for (size_t k = 0; k < cx->nheld; k++)
		if (!strcmp(sl_table_name(cx->held[k]), name) &&
		    sl_table_rows(cx->held[k]) == sl_anfile_rows(cx->f, (size_t)i))
			return cx->held[k];
	if (cx->o->err || (rc = sl_anfile_table(cx->f, (size_t)i, &t, cx->err))) {
		/* the page is lost: an empty table lets the section end */
		int nc;
		const struct sl_rcol *cols = sl_anfile_cols(cx->f, (size_t)i, &nc);

		failed(cx, rc);
		if (!(t = sl_table_new(name, cols, nc))) {
			failed(cx, SL_ENOMEM);
			return NULL;
		}
	}
	return hold(cx, t);
}

/* The same for a declared table: the reader checked its shape, so its
 * columns are read by the constants of sl_tables.h. */
static const struct sl_table *load(struct ctx *cx, enum sl_tid id)
{
	return load_named(cx, sl_tdef(id)->name);
}

/* The first row group of table i (all its rows when it has few): what a
 * generic view shows. */
static const struct sl_table *head(struct ctx *cx, size_t i)
{
	struct sl_table *t;
	int rc;

	if (cx->o->err)
		return NULL;
	if ((rc = sl_anfile_group(cx->f, i, 0, &t, cx->err))) {
		failed(cx, rc);
		return NULL;
	}
	return hold(cx, t);
}

/* Marks the declared table id as shown. */
static void mark(struct ctx *cx, enum sl_tid id)
{
	long i = sl_anfile_find_id(cx->f, id);

	if (i >= 0)
		cx->shown[i] = 1;
}

/* The declared table id, marked as shown (its view is the caller's). */
static const struct sl_table *take(struct ctx *cx, enum sl_tid id)
{
	mark(cx, id);
	return load(cx, id);
}

/* Every row of the table called name, as the file has it. */
static uint64_t all_rows_named(const struct ctx *cx, const char *name)
{
	long i = sl_anfile_find(cx->f, name);

	return i < 0 ? 0 : sl_anfile_rows(cx->f, (size_t)i);
}

static uint64_t all_rows(const struct ctx *cx, enum sl_tid id)
{
	return all_rows_named(cx, sl_tdef(id)->name);
}

/* Cells of column c of a declared table (c a constant of sl_tables.h);
 * NaN or NULL when t is NULL or the cell null. */
static double num(const struct sl_table *t, int c, size_t r)
{
	double v;

	return t && !sl_table_get_f64(t, c, r, &v) ? v : NAN;
}

static const char *str(const struct sl_table *t, int c, size_t r)
{
	return t ? sl_table_get_str(t, c, r) : NULL;
}

/* num() of a table known to be there */
static double numc(const struct sl_table *t, int c, size_t r)
{
	double v;

	return !sl_table_get_f64(t, c, r, &v) ? v : NAN;
}

/* The first row whose column c holds s, or (size_t)-1. */
static size_t find_row(const struct sl_table *t, int col, const char *s)
{
	int c = t ? col : -1;

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
	for (size_t i = 0; i < sl_anfile_ntables(cx->f); i++)
		for (int k = 0; s->tables[k]; k++)
			if (matches(s->tables[k], sl_anfile_name(cx->f, i)))
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
	/* t may be the first group, or rows picked from a stream: the counts
	 * are the file's */
	size_t total = idx ? nidx : (size_t)all_rows_named(cx, sl_table_name(t));
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
	if (!all_rows_named(cx, sl_table_name(t))) {
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
	for (size_t i = 0; i < sl_anfile_ntables(cx->f); i++) {
		const struct sl_table *t;

		if (cx->shown[i])
			continue;
		for (int k = 0; s->tables[k]; k++)
			if (matches(s->tables[k], sl_anfile_name(cx->f, i))) {
				if ((t = head(cx, i)))
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
	const struct sl_table *sum = take(cx, SL_T_SUMMARY);
	size_t r = find_row(sum, SL_SUMMARY_SCOPE, "overall");
	double sr = num(sum, SL_SUMMARY_SUCCESS_RATE, r),
	       ch = num(sum, SL_SUMMARY_SUCCESS_RATE_CHANGE, r);
	double rr = num(sum, SL_SUMMARY_ROLLBACK_RATE, r),
	       act = num(sum, SL_SUMMARY_ACTIVE_DEPLOYMENTS, r);

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
		pct(o, num(sum, SL_SUMMARY_PREV_SUCCESS_RATE, r));
		out_puts(o, ")");
	} else {
		out_puts(o, "no previous window to compare with");
	}
	out_puts(o, "</div></div>\n");
	card_open(o, "Mean deployment time");
	out_duration(o, num(sum, SL_SUMMARY_AVG_DURATION_MS, r));
	out_puts(o, "</div><div class=\"sub\">over ");
	out_num(o, num(sum, SL_SUMMARY_TOTAL_DEPLOYMENTS, r), 10);
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
		out_duration(o, num(sum, SL_SUMMARY_AVG_DURATION_MS, i));
		out_puts(o, "</td><td class=\"n\">");
		pct(o, num(sum, SL_SUMMARY_PREV_SUCCESS_RATE, i));
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
	const struct sl_table *t = take(cx, SL_T_DORA);

	out_puts(o, "<div class=\"cards\">\n");
	for (size_t r = 0; r < sl_table_rows(t) && r < (size_t)cx->p->rows; r++) {
		const char *m = str(t, SL_DORA_METRIC, r), *tier = str(t, SL_DORA_TIER, r);
		const char *label = m ? dora_label(m) : NULL;

		out_puts(o, "<div class=\"card\"><div class=\"k\">");
		if (label)
			out_puts(o, label);
		else
			out_esc(o, m ? m : "", MAXCELL);
		out_puts(o, "</div><div class=\"v\">");
		html_value(o, num(t, SL_DORA_VALUE, r), str(t, SL_DORA_UNIT, r));
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
		out_num(o, num(t, SL_DORA_SAMPLES, r), 10);
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
	const struct sl_table *t = take(cx, SL_T_TIMELINE);
	size_t n = sl_table_rows(t), first = n > MAXDAYS ? n - MAXDAYS : 0, m = n - first;
	double *v = calloc(m * 6 + 1, sizeof(double));
	char (*lab)[32] = calloc(m + 1, sizeof(*lab)); /* sl_format_day's room */
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
	const struct sl_table *t = take(cx, SL_T_STRATEGIES);
	size_t n = 0, nr = sl_table_rows(t), *idx = calloc(nr + 1, sizeof(*idx));
	double *v = calloc(3 * nr + 1, sizeof(double));
	const char **labels = calloc(nr + 1, sizeof(*labels));

	if (!idx || !v || !labels) {
		o->err = SL_ENOMEM;
		goto out;
	}
	for (size_t r = 0; r < nr && n < 24; r++) {
		const char *sc = str(t, SL_STRATEGIES_SCOPE, r);

		if (sc && !strcmp(sc, "overall")) {
			idx[n] = r;
			labels[n] = str(t, SL_STRATEGIES_STRATEGY, r);
			if (!labels[n])
				labels[n] = "(none)";
			v[n] = num(t, SL_STRATEGIES_SUCCESS_RATE, r);
			v[nr + n] = num(t, SL_STRATEGIES_ROLLBACK_RATE, r);
			v[2 * nr + n] = num(t, SL_STRATEGIES_RECOMMENDATION_SCORE, r);
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
	const struct sl_table *t = take(cx, SL_T_HEATMAP);
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
	const struct sl_table *t = take(cx, SL_T_ACTIVE_DEPLOYMENTS);
	static const int cols[] = {
		SL_ACTIVE_DEPLOYMENTS_DEPLOYMENT_ID, SL_ACTIVE_DEPLOYMENTS_AGENT_ID,
		SL_ACTIVE_DEPLOYMENTS_ENVIRONMENT,   SL_ACTIVE_DEPLOYMENTS_VERSION,
		SL_ACTIVE_DEPLOYMENTS_PHASE,	     SL_ACTIVE_DEPLOYMENTS_STRATEGY};
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
			html_time(o, buf);
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
	rest(cx, s);
}

static void sec_health(struct ctx *cx, const struct section *s)
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

	mark(cx, SL_T_HEALTH_SCORES);
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
	failed(cx, it.rc);
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

static size_t *sorted_rows(const struct sl_table *t, int by, int keep, size_t *n)
{
	size_t nr = sl_table_rows(t), *idx = malloc((nr + 1) * sizeof(*idx));
	int kc = keep;

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
	sort_c = by;
	sl_sort(idx, *n, sizeof(*idx), cmp_desc);
	return idx;
}

/* The picked rows of the declared table id: those where keep (a bool
 * column; -1: every row) is true, the top by the number column by, or
 * with by -1 the latest; or where column col equals want (latest).  The
 * kept rows' order goes to *idx; *n is how many rows matched in all.
 * Columns are the constants of sl_tables.h. */
struct pickq {
	int keep; /* bool column that must be true (or -1) */
	int by;	  /* number column to rank by (-1: the latest rows) */
	int col;  /* string column that must equal want (or -1) */
	const char *want;
};

static int pick_rows(struct ctx *cx, enum sl_tid id, const struct pickq *q, struct pick *pk,
		     size_t **idx, size_t *n)
{
	int deciding[4] = {-1, -1, -1, -1};
	long ti = sl_anfile_find_id(cx->f, id);
	const struct sl_table *g;
	struct giter it;
	int rc, nd = 0;

	*idx = NULL;
	*n = 0;
	if ((rc = pick_init(pk, (size_t)cx->p->rows, q->by < 0))) {
		failed(cx, rc);
		return rc;
	}
	/* the first pass reads only the columns that decide */
	if (q->keep >= 0)
		deciding[nd++] = q->keep;
	if (q->by >= 0)
		deciding[nd++] = q->by;
	if (q->col >= 0)
		deciding[nd++] = q->col;
	giter_init(&it, cx->f, ti, cx->err);
	giter_only(&it, deciding);
	while (!rc && (g = giter_next(&it))) {
		int kc = q->keep, bc = q->by, sc = q->col;

		for (size_t r = 0; !rc && r < sl_table_rows(g); r++) {
			double k = NAN, v = NAN;

			if (kc >= 0 && (sl_table_get_f64(g, kc, r, &k) || k != 1))
				continue;
			if (sc >= 0) {
				const char *sv = sl_table_get_str(g, sc, r);

				if (!sv || strcmp(sv, q->want))
					continue;
			}
			if (bc >= 0)
				sl_table_get_f64(g, bc, r, &v);
			rc = pick_offer(pk, it.base + r, v);
		}
	}
	giter_done(&it);
	if (!rc)
		rc = it.rc;
	if (!rc)
		rc = pick_fill(pk, cx->f, ti, cx->err);
	if (!rc && pk->t && !(rc = pick_order(pk, idx, n)))
		*n = (size_t)pk->offered;
	failed(cx, rc);
	return rc;
}

/* ---- cells of the specific tables ---- */

static void td_open(struct out *o, int numeric_)
{
	out_puts(o, numeric_ ? "<td class=\"n\">" : "<td>");
}

static void td_str(struct out *o, const char *s, size_t max)
{
	out_puts(o, max > MAXCELL ? "<td class=\"w\">" : "<td>");
	out_esc(o, s ? s : "", max);
	out_puts(o, "</td>");
}

/* A ';'-joined list, one item a line (each escaped and cut), so long
 * lists wrap where they should. */
static void td_list(struct out *o, const char *s, size_t max)
{
	char *copy = s ? strdup(s) : NULL, *item, *next;
	int k = 0;

	out_puts(o, "<td class=\"w\">");
	if (s && !copy)
		o->err = SL_ENOMEM;
	for (item = copy; item && k < 16; item = next, k++) {
		next = strchr(item, ';');
		if (next)
			*next++ = '\0';
		out_puts(o, k ? "<br>" : "");
		out_esc(o, item, max);
	}
	if (item)
		out_puts(o, "<br>\xe2\x80\xa6");
	out_puts(o, "</td>");
	free(copy);
}

/* Two ';'-joined lists of the same length side by side, one pair a line
 * ("off_hours: deploy during staffed hours"); else one after the other. */
static void td_pairs(struct out *o, const char *a, const char *b, size_t max)
{
	char *ca = a ? strdup(a) : NULL, *cb = b ? strdup(b) : NULL;
	size_t na = 0, nb = 0;

	if ((a && !ca) || (b && !cb)) {
		o->err = SL_ENOMEM;
		goto out;
	}
	for (const char *q = a; q && *q; q++)
		na += *q == ';';
	for (const char *q = b; q && *q; q++)
		nb += *q == ';';
	if (!a || !b || !a[0] || na != nb) {
		td_list(o, a && a[0] && b && b[0] ? a : a && a[0] ? a : b, max);
		goto out;
	}
	out_puts(o, "<td class=\"w\">");
	for (char *x = ca, *y = cb, *nx, *ny; x && y; x = nx, y = ny) {
		nx = strchr(x, ';');
		ny = strchr(y, ';');
		if (nx)
			*nx++ = '\0';
		if (ny)
			*ny++ = '\0';
		out_puts(o, x == ca ? "<b>" : "<br><b>");
		out_esc(o, x, MAXCELL);
		out_puts(o, "</b>: ");
		out_esc(o, y, max);
	}
	out_puts(o, "</td>");
out:
	free(ca);
	free(cb);
}

static void td_num(struct out *o, double v, int digits)
{
	td_open(o, 1);
	out_num(o, v, digits);
	out_puts(o, "</td>");
}

static void td_pct(struct out *o, double v)
{
	td_open(o, 1);
	pct(o, v);
	out_puts(o, "</td>");
}

static void td_dur(struct out *o, double ms)
{
	td_open(o, 1);
	out_duration(o, ms);
	out_puts(o, "</td>");
}

static void th_row(struct out *o, const char *const *heads)
{
	out_puts(o, "<div class=\"scroll\"><table>\n<tr>");
	for (; *heads; heads++)
		out_printf(o, "%s%s</th>", (*heads)[0] == '#' ? "<th class=\"n\">" : "<th>",
			   (*heads)[0] == '#' ? *heads + 1 : *heads);
	out_puts(o, "</tr>\n");
}

static void more_rows(struct out *o, size_t total, size_t shown, const char *table)
{
	out_puts(o, "</table></div>\n");
	if (shown < total) {
		out_puts(o, "<p class=\"more\">");
		out_num(o, (double)(total - shown), 10);
		out_printf(o, " more row%s in <code>", total - shown == 1 ? "" : "s");
		out_esc(o, table, 100);
		out_puts(o, ".csv</code>.</p>\n");
	}
}

static int is_true(const struct sl_table *t, int col, size_t r)
{
	return num(t, col, r) == 1;
}

/* ---- pipelines ---- */

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

	out_puts(o, "<h3>Pipelines by executions <span class=\"src\">(pipelines.csv)</span></h3>\n");
	th_row(o, heads);
	for (size_t i = 0; i < shown; i++) {
		size_t r = idx[i];

		out_puts(o, "<tr>");
		td_str(o, str(t, SL_PIPELINES_PIPELINE_ID, r), MAXCELL);
		td_num(o, num(t, SL_PIPELINES_EXECUTIONS, r), 10);
		td_pct(o, num(t, SL_PIPELINES_SUCCESS_RATE, r));
		td_dur(o, num(t, SL_PIPELINES_P50_DURATION_MS, r));
		td_dur(o, num(t, SL_PIPELINES_P95_DURATION_MS, r));
		td_str(o,
		       str(t, SL_PIPELINES_CRITICAL_PATH, r) ? str(t, SL_PIPELINES_CRITICAL_PATH, r)
							     : "(none: a cycle)",
		       240);
		td_dur(o, num(t, SL_PIPELINES_CRITICAL_PATH_MS, r));
		td_pct(o, num(t, SL_PIPELINES_CURRENT_EFFICIENCY, r));
		td_pct(o, num(t, SL_PIPELINES_POTENTIAL_EFFICIENCY, r));
		td_dur(o, num(t, SL_PIPELINES_ESTIMATED_TIME_SAVED_MS, r));
		out_puts(o, "</tr>\n");
	}
	more_rows(o, n, shown, sl_tdef(SL_T_PIPELINES)->name);
	note(o, "Success rate over finished runs (cancelled counts as failed); the critical "
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
	sort_t = st;
	sort_c = SL_STAGES_P50_MS;
	sl_sort(idx, n, sizeof(*idx), cmp_desc);
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
		/* only the parallel opportunities have a saving */
		th_row(o, saving > 0 ? heads : heads3);
		for (size_t r = 0; r < nr && shown < (size_t)cx->p->rows; r++) {
			if (!kind_in(str(t, SL_PIPELINE_SUGGESTIONS_KIND, r),
				     suggestion_groups[g].kinds))
				continue;
			out_puts(o, "<tr>");
			td_str(o, str(t, SL_PIPELINE_SUGGESTIONS_PIPELINE_ID, r), MAXCELL);
			td_str(o, str(t, SL_PIPELINE_SUGGESTIONS_STAGE_ID, r), MAXCELL);
			td_str(o, str(t, SL_PIPELINE_SUGGESTIONS_MESSAGE, r), 240);
			if (saving > 0)
				td_dur(o, num(t, SL_PIPELINE_SUGGESTIONS_SAVING_MS, r));
			out_puts(o, "</tr>\n");
			shown++;
		}
		more_rows(o, n, shown, sl_tdef(SL_T_PIPELINE_SUGGESTIONS)->name);
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
	if (!v || !lab || !off) {
		o->err = SL_ENOMEM;
		goto out;
	}
	if (!nr) {
		out_puts(o, "<p class=\"nodata\">No gate results in this window.</p>\n");
		goto out;
	}
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
		note(o, "Only the first 20 gates are drawn; every gate is in gates.csv.");
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

static void sec_pipelines(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct sl_table *p = load(cx, SL_T_PIPELINES);
	const struct sl_table *st = load(cx, SL_T_STAGES);
	const struct sl_table *sg = load(cx, SL_T_PIPELINE_SUGGESTIONS);
	const struct sl_table *g = load(cx, SL_T_GATES);
	size_t n = 0, *idx = NULL;

	if (p && (idx = sorted_rows(p, SL_PIPELINES_EXECUTIONS, -1, &n))) {
		take(cx, SL_T_PIPELINES);
		if (!n) {
			out_puts(o, "<p class=\"nodata\">No pipeline runs in this window.</p>\n");
		} else {
			pipeline_summary(cx, p, idx, n);
			if (st) {
				take(cx, SL_T_STAGES);
				out_puts(o, "<h3>Stage durations <span class=\"src\">(stages.csv)"
					    "</span></h3>\n");
				for (size_t i = 0; i < n && i < NPIPECHARTS; i++)
					if (str(p, SL_PIPELINES_PIPELINE_ID, idx[i]))
						stage_chart(
							cx, st,
							str(p, SL_PIPELINES_PIPELINE_ID, idx[i]));
				note(o, "The pipelines with the most executions; bars are the "
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
		take(cx, SL_T_PIPELINE_SUGGESTIONS);
		pipeline_suggestions(cx, sg);
	}
	if (g) {
		take(cx, SL_T_GATES);
		pipeline_gates(cx, g);
	}
	rest(cx, s);
}

/* ---- versions ---- */

#define NADOPT 6 /* versions drawn on the adoption chart (the latest) */

static void versions_cadence(struct ctx *cx, const struct sl_table *t)
{
	struct out *o = cx->o;
	static const char *const heads[] = {"agent", "#releases", "#per week",
		"#median interval", "stability trend", "#regressions", "#optimal rollout",
		"last release", NULL};
	size_t nr = sl_table_rows(t), n = 0,
	       *idx = sorted_rows(t, SL_VERSIONS_RELEASES_PER_WEEK, -1, &n);
	size_t shown = n < (size_t)cx->p->rows ? n : (size_t)cx->p->rows;

	out_puts(o, "<h3>Release cadence per agent <span class=\"src\">(versions.csv)</span></h3>\n");
	if (!idx) {
		o->err = SL_ENOMEM;
		return;
	}
	if (!nr) {
		out_puts(o, "<p class=\"nodata\">No versioned deployments in this window.</p>\n");
		free(idx);
		return;
	}
	th_row(o, heads);
	for (size_t i = 0; i < shown; i++) {
		size_t r = idx[i];
		const char *tr = str(t, SL_VERSIONS_STABILITY_TREND, r);
		double lr = num(t, SL_VERSIONS_LAST_RELEASE, r);
		char buf[32];

		out_puts(o, "<tr>");
		td_str(o, str(t, SL_VERSIONS_AGENT_ID, r), MAXCELL);
		td_num(o, num(t, SL_VERSIONS_RELEASES, r), 10);
		td_num(o, num(t, SL_VERSIONS_RELEASES_PER_WEEK, r), 3);
		td_dur(o, num(t, SL_VERSIONS_MEDIAN_RELEASE_INTERVAL_H, r) * 3600e3);
		out_printf(o, "<td class=\"%s\">", tr && !strcmp(tr, "degrading") ? "bad"
					       : tr && !strcmp(tr, "improving") ? "ok" : "flat");
		out_esc(o, tr ? tr : "", 20);
		out_puts(o, "</td>");
		td_num(o, num(t, SL_VERSIONS_REGRESSIONS, r), 10);
		td_dur(o, num(t, SL_VERSIONS_OPTIMAL_ROLLOUT_H, r) * 3600e3);
		out_puts(o, "<td>");
		if (isfinite(lr)) {
			sl_format_time((int64_t)lr, buf);
			html_time(o, buf);
		}
		out_puts(o, "</td></tr>\n");
	}
	more_rows(o, n, shown, sl_tdef(SL_T_VERSIONS)->name);
	note(o, "Most releases per week first; the stability trend is the slope of the "
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
	       *idx = sorted_rows(t, SL_ADOPTION_FIRST_DEPLOYMENT, -1, &n);
	size_t sel[NADOPT], ns = 0;
	double v[NADOPT][5];
	struct svg_series sr[NADOPT];
	struct out names = {SL_BUF_INIT, 0};
	size_t off[NADOPT];
	int prod = 0;
	double share, known;

	out_puts(o, "<h3>Adoption of the latest rollouts <span class=\"src\">(adoption.csv)"
		    "</span></h3>\n");
	if (!idx) {
		o->err = SL_ENOMEM;
		return;
	}
	if (!nr) {
		out_puts(o, "<p class=\"nodata\">No agent with target groups in this window.</p>\n");
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
	th_row(o, heads);
	for (size_t k = 0; k < ns; k++) {
		size_t r = sel[k];
		double w = num(t, SL_ADOPTION_WITHIN_48H, r),
		       fd = num(t, SL_ADOPTION_FIRST_DEPLOYMENT, r);
		char buf[32];

		out_puts(o, "<tr>");
		td_str(o, str(t, SL_ADOPTION_AGENT_ID, r), MAXCELL);
		td_str(o, str(t, SL_ADOPTION_ENVIRONMENT, r), MAXCELL);
		td_str(o, str(t, SL_ADOPTION_VERSION, r), MAXCELL);
		out_puts(o, "<td>");
		if (isfinite(fd)) {
			sl_format_time((int64_t)fd, buf);
			html_time(o, buf);
		}
		out_puts(o, "</td>");
		td_num(o, num(t, SL_ADOPTION_TARGET_GROUPS, r), 10);
		td_pct(o, num(t, SL_ADOPTION_SHARE_24H, r));
		td_pct(o, num(t, SL_ADOPTION_SHARE_48H, r));
		td_pct(o, num(t, SL_ADOPTION_FINAL_SHARE, r));
		td_dur(o, num(t, SL_ADOPTION_TIME_TO_80_H, r) * 3600e3);
		out_printf(o, "<td>%s</td></tr>\n", w == 1 ? "<span class=\"ok\">yes</span>"
						    : w == 0 ? "<span class=\"bad\">no</span>"
							     : "not yet known");
	}
	more_rows(o, n, ns, sl_tdef(SL_T_ADOPTION)->name);
	free(idx);
}

/* Regressions first, then the smallest p-value. */
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
	th_row(o, heads);
	for (size_t i = 0; i < shown; i++) {
		size_t r = idx[i];
		int fr = is_true(t, SL_REGRESSIONS_FAILURE_REGRESSION, r),
		    lr = is_true(t, SL_REGRESSIONS_LATENCY_REGRESSION, r);

		out_puts(o, "<tr>");
		td_str(o, str(t, SL_REGRESSIONS_AGENT_ID, r), MAXCELL);
		td_str(o, str(t, SL_REGRESSIONS_VERSION, r), MAXCELL);
		td_str(o, str(t, SL_REGRESSIONS_PREVIOUS_VERSION, r), MAXCELL);
		td_pct(o, num(t, SL_REGRESSIONS_FAILURE_RATE, r));
		td_pct(o, num(t, SL_REGRESSIONS_PREVIOUS_FAILURE_RATE, r));
		td_num(o, num(t, SL_REGRESSIONS_FAILURE_P_VALUE, r), 2);
		td_pct(o, num(t, SL_REGRESSIONS_MEDIAN_LATENCY_CHANGE, r));
		td_pct(o, num(t, SL_REGRESSIONS_PREVIOUS_MEDIAN_LATENCY_CHANGE, r));
		td_num(o, num(t, SL_REGRESSIONS_LATENCY_P_VALUE, r), 2);
		out_printf(o, "<td>%s</td></tr>\n",
			   fr && lr ? "<span class=\"bad\">failures and latency</span>"
			   : fr ? "<span class=\"bad\">failures</span>"
			   : lr ? "<span class=\"bad\">latency</span>" : "no");
	}
	more_rows(o, nr, shown, sl_tdef(SL_T_REGRESSIONS)->name);
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

static void sec_versions(struct ctx *cx, const struct section *s)
{
	const struct sl_table *v = load(cx, SL_T_VERSIONS);
	const struct sl_table *ad = load(cx, SL_T_ADOPTION);
	const struct sl_table *rg = load(cx, SL_T_REGRESSIONS);
	const struct sl_table *sc = load(cx, SL_T_SCORECARD);

	if (v) {
		take(cx, SL_T_VERSIONS);
		versions_cadence(cx, v);
	}
	if (ad) {
		take(cx, SL_T_ADOPTION);
		versions_timeline(cx, ad);
		versions_adoption(cx, ad, sc);
	}
	if (rg) {
		take(cx, SL_T_REGRESSIONS);
		versions_regressions(cx, rg);
	}
	rest(cx, s);
}

/* ---- rollbacks: causes and risk ---- */

static void rollback_causes(struct ctx *cx, const struct sl_table *t)
{
	struct out *o = cx->o;
	static const char *const heads[] = {"cause", "category", "#rollbacks", "#share",
		"#time to rollback", "#recovery", "prevention", NULL};
	static const char *const names[3] = {"rollbacks", NULL, NULL};
	size_t nr = sl_table_rows(t), n = nr < 15 ? nr : 15;
	size_t shown = nr < (size_t)cx->p->rows ? nr : (size_t)cx->p->rows;
	double *v = malloc((n + 1) * sizeof(double));
	const char **lab = malloc((n + 1) * sizeof(*lab));

	out_puts(o, "<h3>Rollback causes <span class=\"src\">(rollback_causes.csv)</span></h3>\n");
	if (!v || !lab) {
		o->err = SL_ENOMEM;
		goto out;
	}
	if (!nr) {
		out_puts(o, "<p class=\"nodata\">No rollbacks in this window.</p>\n");
		goto out;
	}
	for (size_t r = 0; r < n; r++) {
		lab[r] = str(t, SL_ROLLBACK_CAUSES_CAUSE, r);
		v[r] = num(t, SL_ROLLBACK_CAUSES_ROLLBACKS, r);
	}
	{
		struct svg_chart c = {"Rollbacks by cause (the most frequent)", "rollbacks", NULL,
				      0, 0, 0, 0};

		svg_hbars(o, &c, lab, n, v, NULL, NULL, names);
	}
	th_row(o, heads);
	for (size_t r = 0; r < shown; r++) {
		out_puts(o, "<tr>");
		td_str(o, str(t, SL_ROLLBACK_CAUSES_CAUSE, r), 160);
		td_str(o, str(t, SL_ROLLBACK_CAUSES_CATEGORY, r), MAXCELL);
		td_num(o, num(t, SL_ROLLBACK_CAUSES_ROLLBACKS, r), 10);
		td_pct(o, num(t, SL_ROLLBACK_CAUSES_SHARE, r));
		td_dur(o, num(t, SL_ROLLBACK_CAUSES_MEDIAN_TIME_TO_ROLLBACK_MS, r));
		td_dur(o, num(t, SL_ROLLBACK_CAUSES_MEDIAN_RECOVERY_MS, r));
		td_str(o, str(t, SL_ROLLBACK_CAUSES_PREVENTION, r), 160);
		out_puts(o, "</tr>\n");
	}
	more_rows(o, nr, shown, sl_tdef(SL_T_ROLLBACK_CAUSES)->name);
	note(o, "Reasons normalised to templates (numbers, ids, hashes masked); time to rollback "
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
						failed(cx, SL_ENOMEM);
				}
		}
	giter_done(&it);
	failed(cx, it.rc);
	if (pick_rows(cx, SL_T_ROLLBACK_RISK, &q, &pk, &idx, &n))
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
		th_row(o, heads);
		for (size_t i = 0; i < shown; i++) {
			size_t r = idx[i];
			double rb = num(t, SL_ROLLBACK_RISK_ROLLED_BACK, r);

			out_puts(o, "<tr>");
			td_str(o, str(t, SL_ROLLBACK_RISK_DEPLOYMENT_ID, r), MAXCELL);
			td_str(o, str(t, SL_ROLLBACK_RISK_AGENT_ID, r), MAXCELL);
			td_str(o, str(t, SL_ROLLBACK_RISK_ENVIRONMENT, r), MAXCELL);
			td_str(o, str(t, SL_ROLLBACK_RISK_ROLLOUT_STRATEGY, r), MAXCELL);
			td_num(o, num(t, SL_ROLLBACK_RISK_RISK_SCORE, r), 3);
			td_str(o, str(t, SL_ROLLBACK_RISK_RISK_LEVEL, r), 20);
			td_pairs(o, str(t, SL_ROLLBACK_RISK_RISK_FACTORS, r),
				 str(t, SL_ROLLBACK_RISK_MITIGATIONS, r), 160);
			out_printf(o, "<td>%s</td></tr>\n", rb == 1 ? "yes" : rb == 0 ? "no" : "active");
		}
		more_rows(o, n, shown, sl_tdef(SL_T_ROLLBACK_RISK)->name);
	}
out:
	free(idx);
	pick_free(&pk);
	for (int k = 0; k < 4; k++)
		free(recommended[k]);
}

/* The value of a metric,value table's row, NaN when absent. */
/* The value of metric name of a backtest table (the three share one
 * shape, so the duration backtest's constants name the columns of all). */
static double metric(const struct sl_table *t, const char *name)
{
	size_t r = find_row(t, SL_DURATION_BACKTEST_METRIC, name);

	return r == (size_t)-1 ? NAN : num(t, SL_DURATION_BACKTEST_VALUE, r);
}

/* A Brier score against the base rate's, as a card. */
static void brier_card(struct out *o, const char *title, const struct sl_table *t)
{
	double b = metric(t, "brier"), base = metric(t, "brier_base_rate");
	/* the analysis's verdict where it gives one (rollback risk: better
	 * only by more than the noise), else the bare comparison */
	double verdict = metric(t, "better_than_base_rate");
	int better = isnan(verdict) ? b < base : verdict == 1;

	card_open(o, title);
	out_num(o, b, 3);
	out_puts(o, "</div><div class=\"sub\">Brier score (lower is better); always the base "
		    "rate: ");
	out_num(o, base, 3);
	if (isfinite(b) && isfinite(base))
		out_printf(o, ", <span class=\"%s\">%s</span>", better ? "up" : "down",
			   better ? "better" : "no better");
	out_puts(o, " over ");
	out_num(o, metric(t, "holdout_deployments"), 10);
	out_puts(o, " held-out deployments</div></div>\n");
}

static void sec_anomalies(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	long ti = sl_anfile_find_id(cx->f, SL_T_ANOMALIES);
	const struct sl_table *t;
	static const char *const heads[] = {"deployment", "#score", "why it stands out", NULL};
	static const struct pickq q = {SL_ANOMALIES_IS_ANOMALY, SL_ANOMALIES_ANOMALY_SCORE, -1,
				       NULL};
	struct pick pk;
	size_t n, *idx;

	if (ti >= 0 && !pick_rows(cx, SL_T_ANOMALIES, &q, &pk, &idx, &n)) {
		size_t shown = n < (size_t)cx->p->rows ? n : (size_t)cx->p->rows;

		t = pk.t;
		mark(cx, SL_T_ANOMALIES);
		out_puts(o, "<p>");
		out_num(o, (double)n, 10);
		out_puts(o, " of ");
		out_num(o, (double)all_rows(cx, SL_T_ANOMALIES), 10);
		out_puts(o, " deployments flagged as anomalies (isolation forest); the highest "
			    "scores first, with the features that stood out.</p>\n");
		out_puts(o, "<h3>Flagged deployments <span class=\"src\">(anomalies.csv)</span></h3>\n");
		th_row(o, heads);
		for (size_t i = 0; i < shown; i++) {
			out_puts(o, "<tr>");
			td_str(o, str(t, SL_ANOMALIES_DEPLOYMENT_ID, idx[i]), MAXCELL);
			td_num(o, num(t, SL_ANOMALIES_ANOMALY_SCORE, idx[i]), 4);
			td_str(o, str(t, SL_ANOMALIES_REASONS, idx[i]), 600);
			out_puts(o, "</tr>\n");
		}
		more_rows(o, n, shown, sl_tdef(SL_T_ANOMALIES)->name);
		note(o, "Scores from 0 to 1 (Liu et al. 2008): above 0.5 a deployment is easier to "
			"isolate than most; every deployment's score is in anomalies.csv.");
		free(idx);
		pick_free(&pk);
	}
	rest(cx, s);
}

/* The clusters DBSCAN found: their sizes as bars (noise apart), then each
 * with its rates, dominant strategy and environment and its sentence. */
static void clusters_view(struct ctx *cx, const struct sl_table *t)
{
	struct out *o = cx->o;
	static const char *const heads[] = {"#cluster", "#deployments", "#success", "#rolled back",
		"#mean duration", "strategy", "environment", "pattern", NULL};
	static const char *const names[3] = {"deployments", NULL, NULL};
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
	th_row(o, heads);
	for (size_t r = 0; r < shown; r++) {
		double c = num(t, SL_CLUSTERS_CLUSTER, r);

		out_puts(o, "<tr>");
		if (c < 0)
			td_str(o, "noise", MAXCELL);
		else
			td_num(o, c, 10);
		td_num(o, num(t, SL_CLUSTERS_SIZE, r), 10);
		td_pct(o, num(t, SL_CLUSTERS_SUCCESS_RATE, r));
		td_pct(o, num(t, SL_CLUSTERS_ROLLBACK_RATE, r));
		td_dur(o, num(t, SL_CLUSTERS_MEAN_DURATION_MS, r));
		td_str(o, str(t, SL_CLUSTERS_DOMINANT_STRATEGY, r), MAXCELL);
		td_str(o, str(t, SL_CLUSTERS_DOMINANT_ENVIRONMENT, r), MAXCELL);
		td_str(o, str(t, SL_CLUSTERS_DESCRIPTION, r), 240);
		out_puts(o, "</tr>\n");
	}
	more_rows(o, nr, shown, sl_tdef(SL_T_CLUSTERS)->name);
	note(o, "Each deployment's cluster is in patterns.csv, and the standardized feature matrix "
		"the isolation forest and DBSCAN saw in features.csv (same rows, same order), so "
		"every result can be reproduced.");
out:
	free(v);
	free(lab);
	free(names_buf);
}

static void sec_clusters(struct ctx *cx, const struct section *s)
{
	const struct sl_table *t = load(cx, SL_T_CLUSTERS);

	if (t) {
		take(cx, SL_T_CLUSTERS);
		clusters_view(cx, t);
		/* one row per deployment: in their CSV files, not on the page */
		mark(cx, SL_T_PATTERNS);
		mark(cx, SL_T_FEATURES);
	}
	rest(cx, s);
}

static void sec_alerts(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	static const char *const sev[3] = {"critical", "warning", "info"};
	static const struct pickq q = {-1, -1, SL_ALERTS_SEVERITY, "critical"};
	char *types[16];
	double cnt[3][16];
	size_t nt = 0, crit = 0, *idx = NULL, n = 0;
	size_t nr = (size_t)all_rows(cx, SL_T_ALERTS);
	const struct sl_table *t;
	struct giter it;
	struct pick pk;

	static const int want[] = {SL_ALERTS_TYPE, SL_ALERTS_SEVERITY, -1};

	mark(cx, SL_T_ALERTS);
	memset(cnt, 0, sizeof(cnt));
	giter_init(&it, cx->f, sl_anfile_find_id(cx->f, SL_T_ALERTS), cx->err);
	giter_only(&it, want);
	while ((t = giter_next(&it))) {
		int tc = SL_ALERTS_TYPE, vc = SL_ALERTS_SEVERITY;

		for (size_t r = 0; r < sl_table_rows(t); r++) {
			const char *ty = sl_table_get_str(t, tc, r), *sv = sl_table_get_str(t, vc, r);
			size_t k;
			int si = 2;

			if (!ty)
				ty = "(none)";
			for (k = 0; k < nt && strcmp(types[k], ty); k++)
				;
			if (k == nt && nt < 16) {
				/* the group goes: the name is kept */
				if (!(types[nt] = strdup(ty))) {
					failed(cx, SL_ENOMEM);
					break;
				}
				nt++;
			}
			if (k == 16)
				continue;
			for (int i = 0; i < 2; i++)
				if (sv && !strcmp(sv, sev[i]))
					si = i;
			cnt[si][k]++;
			crit += si == 0;
		}
	}
	giter_done(&it);
	failed(cx, it.rc);
	if (!nr) {
		out_puts(o, "<p class=\"nodata\">No alerts in this window.</p>\n");
	} else if (!o->err) {
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
		svg_bars(o, &c, (const char *const *)types, nt, sr, nsr, 1);
		/* the latest critical alerts first */
		if (!pick_rows(cx, SL_T_ALERTS, &q, &pk, &idx, &n) && pk.t)
			table_view(cx, pk.t, idx, n, "Latest critical alerts");
		free(idx);
		pick_free(&pk);
	}
	for (size_t k = 0; k < nt; k++)
		free(types[k]);
	rest(cx, s);
}

/* The rows of the declared table id whose column col is true (want NULL)
 * or equals want, latest (last) first, in the generic view. */
static void latest_where(struct ctx *cx, enum sl_tid id, int col, const char *want,
			 const char *what)
{
	struct pickq q = {want ? -1 : col, -1, want ? col : -1, want};
	struct pick pk;
	size_t n, *idx;

	if (!pick_rows(cx, id, &q, &pk, &idx, &n) && pk.t)
		table_view(cx, pk.t, idx, n, what);
	free(idx);
	pick_free(&pk);
}

static void sec_rollbacks(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	long di = sl_anfile_find_id(cx->f, SL_T_ROLLBACK_DECISIONS);
	long ji = sl_anfile_find_id(cx->f, SL_T_CANARY_JUDGEMENTS);
	long ki = sl_anfile_find_id(cx->f, SL_T_ROLLBACK_RISK);
	/* the per-deployment tables are read group by group */
	const struct sl_table *rc = load(cx, SL_T_ROLLBACK_CAUSES);
	const struct sl_table *bt = load(cx, SL_T_ROLLBACK_RISK_BACKTEST);
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
		failed(cx, it.rc);
		out_puts(o, "<p>Auto-rollback rule over ");
		out_num(o, (double)all_rows(cx, SL_T_ROLLBACK_DECISIONS), 10);
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
		failed(cx, it.rc);
		svg_bars(o, &c, res, 3, sr, 1, 0);
	}
	if (di >= 0)
		latest_where(cx, SL_T_ROLLBACK_DECISIONS, SL_ROLLBACK_DECISIONS_SHOULD_ROLLBACK,
			     NULL, "Latest deployments the rule would roll back");
	if (ji >= 0)
		latest_where(cx, SL_T_CANARY_JUDGEMENTS, SL_CANARY_JUDGEMENTS_RESULT, "fail",
			     "Latest failed canary judgements");
	if (rc) {
		take(cx, SL_T_ROLLBACK_CAUSES);
		rollback_causes(cx, rc);
	}
	if (ki >= 0) {
		mark(cx, SL_T_ROLLBACK_RISK);
		rollback_risk(cx);
	}
	if (bt) {
		take(cx, SL_T_ROLLBACK_RISK_BACKTEST);
		out_puts(o, "<div class=\"cards\">\n");
		brier_card(o, "Rollback risk backtest", bt);
		out_puts(o, "</div>\n");
	}
	rest(cx, s);
}

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
	failed(cx, it.rc);
	nwant = pts < MAXMARKS ? pts : MAXMARKS;
	/* distinct ends, in order */
	sl_sort(ends, 4, sizeof(*ends), cmp_size);
	for (int k = 0; k < 4; k++)
		if (!k || ends[k] != ends[nends - 1])
			ends[nends++] = ends[k];
	if (o->err || !(x = malloc((nwant + 1) * sizeof(*x))) ||
	    !(y = malloc((nwant + 1) * sizeof(*y)))) {
		failed(cx, SL_ENOMEM);
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
	failed(cx, it.rc);
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

static void sec_predictions(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	long pi = sl_anfile_find_id(cx->f, SL_T_PREDICTIONS);
	const struct sl_table *db = load(cx, SL_T_DURATION_BACKTEST);
	const struct sl_table *sb = load(cx, SL_T_SUCCESS_BACKTEST);

	if (db || sb)
		out_puts(o, "<div class=\"cards\">\n");
	if (db) {
		double mae = metric(db, "mae_ms"), base = metric(db, "mae_ms_train_median");

		take(cx, SL_T_DURATION_BACKTEST);
		card_open(o, "Duration: mean absolute error");
		out_duration(o, mae);
		out_puts(o, "</div><div class=\"sub\">always the training median: ");
		out_duration(o, base);
		out_puts(o, "</div></div>\n");
		card_open(o, "Duration: median relative error");
		pct(o, metric(db, "median_ape"));
		out_puts(o, "</div><div class=\"sub\">MdAPE over ");
		out_num(o, metric(db, "holdout_deployments"), 10);
		out_puts(o, " held-out deployments</div></div>\n");
		card_open(o, "Duration: 90% interval coverage");
		pct(o, metric(db, "coverage_90"));
		out_puts(o, "</div><div class=\"sub\">share of the held-out deployments inside "
			    "their interval (90% expected)</div></div>\n");
	}
	if (sb) {
		take(cx, SL_T_SUCCESS_BACKTEST);
		brier_card(o, "Success probability backtest", sb);
	}
	if (db || sb) {
		out_puts(o, "</div>\n");
		note(o, "Backtests: trained on the first 80% of the finished deployments in time "
			"order, judged on the last 20%.");
	}
	if (pi >= 0 && all_rows(cx, SL_T_PREDICTIONS)) {
		scatter(cx); /* and the first rows below, in the generic view */
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
	const struct sl_table *t = take(cx, SL_T_SCORECARD);
	size_t nmet = 0, nmiss = 0;

	out_puts(o, "<div class=\"scroll\"><table>\n<tr><th>metric</th><th class=\"n\">value</th>"
		    "<th>target</th><th class=\"n\">samples</th><th>status</th></tr>\n");
	for (size_t r = 0; r < sl_table_rows(t) && r < (size_t)cx->p->rows; r++) {
		const char *m = str(t, SL_SCORECARD_METRIC, r),
			   *unit = str(t, SL_SCORECARD_UNIT, r),
			   *target = str(t, SL_SCORECARD_TARGET, r);
		double met = num(t, SL_SCORECARD_MET, r);

		out_puts(o, "<tr><td>");
		out_esc(o, m ? m : "", MAXCELL);
		out_puts(o, "</td><td class=\"n\">");
		html_value(o, num(t, SL_SCORECARD_VALUE, r), unit);
		out_puts(o, "</td><td>");
		html_target(o, target ? target : "", unit);
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
	rest(cx, s);
}

static void sec_generic(struct ctx *cx, const struct section *s)
{
	rest(cx, s);
}

static void sec_other(struct ctx *cx, const struct section *s)
{
	const struct sl_table *t;

	(void)s;
	for (size_t i = 0; i < sl_anfile_ntables(cx->f); i++)
		if (!cx->shown[i] && (t = head(cx, i))) {
			table_view(cx, t, NULL, 0, NULL);
			release(cx);
		}
}

static const struct section sections[] = {
	{"overview", "Overview", {"summary", "success_change*", NULL}, sec_overview},
	{"dora", "DORA four keys", {"dora", "dora_*", NULL}, sec_dora},
	{"timeline", "Deployment timeline", {"timeline", NULL}, sec_timeline},
	{"strategies", "Rollout strategies", {"strategies", NULL}, sec_strategies},
	{"heatmap", "When deployments happen", {"heatmap", NULL}, sec_heatmap},
	{"active", "Active deployments", {"active_deployments", NULL}, sec_active},
	{"agents", "Success rates per agent and day", {"success_rates", NULL}, sec_generic},
	{"health", "Health scores", {"health_scores", NULL}, sec_health},
	{"pipelines", "Pipelines",
	 {"pipelines", "stages", "critical_path*", "pipeline*", "stage*", "gate*", NULL},
	 sec_pipelines},
	{"versions", "Versions", {"versions", "adoption*", "regressions", "version*", NULL},
	 sec_versions},
	{"anomalies", "Anomalies", {"anomalies", "anomal*", NULL}, sec_anomalies},
	{"clusters", "Clusters and patterns",
	 {"clusters", "cluster*", "patterns", "features", NULL}, sec_clusters},
	{"rollbacks", "Rollbacks and canaries",
	 {"rollback_causes", "rollback_risk", "rollback*", "canary_judgements", "canary*", NULL},
	 sec_rollbacks},
	{"alerts", "Alerts", {"alerts", "alert*", NULL}, sec_alerts},
	{"predictions", "Predictions",
	 {"predictions", "duration_backtest", "success_backtest", "duration_model", "prediction*",
	  "model*", "backtest*", NULL}, sec_predictions},
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
	"h4{font-size:14px;margin:14px 0 4px;color:#333}\n"
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
	out_num(o, (double)sl_anfile_ntables(cx->f), 10);
	out_puts(o, " result tables");
	if (ver) {
		out_puts(o, " &middot; shiplog ");
		out_esc(o, ver, 40);
	}
	out_puts(o, "</p>\n</header>\n");
}

int html_render(struct out *o, struct sl_anfile *f, const struct report_params *p,
		struct sl_errctx *err)
{
	const struct sl_analysis *a = sl_anfile_meta(f);
	struct ctx cx = {o, f, a, p, calloc(sl_anfile_ntables(f) + 1, 1), NULL, 0, 0, err};
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
			if (body.err)
				break; /* the page is lost: the error is what is left to say */
			if (section_has(&bx, s)) {
				s->render(&bx, s);
				release(&bx);
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
		for (size_t i = 0; i < sl_anfile_ntables(f); i++)
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
		release(&bx);
		free(bx.held);
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
