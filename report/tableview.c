#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

/* ---- the tables ---- */

size_t pg_table_index(const struct ctx *cx, const struct sl_table *t)
{
	long i = sl_anfile_find(cx->f, sl_table_name(t));

	return i < 0 ? 0 : (size_t)i;
}

/* A read error: the page stops growing and html_render fails with it. */
void pg_failed(struct ctx *cx, int rc)
{
	if (rc && !cx->o->err)
		cx->o->err = rc;
}

const struct sl_table *pg_hold(struct ctx *cx, struct sl_table *t)
{
	if (sl_grow(&cx->held, &cx->held_cap, cx->nheld + 1, sizeof(*cx->held))) {
		sl_table_free(t);
		pg_failed(cx, SL_ENOMEM);
		return NULL;
	}
	return cx->held[cx->nheld++] = t;
}

void pg_release(struct ctx *cx)
{
	while (cx->nheld > 0)
		sl_table_free(cx->held[--cx->nheld]);
}

/* The whole table called name (NULL when absent or unreadable), held
 * until the section ends: for the tables that do not grow with the
 * deployments. */
const struct sl_table *pg_load_named(struct ctx *cx, const char *name)
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

		pg_failed(cx, rc);
		if (!(t = sl_table_new(name, cols, nc))) {
			pg_failed(cx, SL_ENOMEM);
			return NULL;
		}
	}
	return pg_hold(cx, t);
}

/* The same for a declared table: the reader checked its shape, so its
 * columns are read by the constants of sl_tables.h. */
const struct sl_table *pg_load(struct ctx *cx, enum sl_tid id)
{
	return pg_load_named(cx, sl_tdef(id)->name);
}

/* The first row group of table i (all its rows when it has few): what a
 * generic view shows. */
const struct sl_table *pg_head(struct ctx *cx, size_t i)
{
	struct sl_table *t;
	int rc;

	if (cx->o->err)
		return NULL;
	if ((rc = sl_anfile_group(cx->f, i, 0, &t, cx->err))) {
		pg_failed(cx, rc);
		return NULL;
	}
	return pg_hold(cx, t);
}

/* Marks the declared table id as shown. */
void pg_mark(struct ctx *cx, enum sl_tid id)
{
	long i = sl_anfile_find_id(cx->f, id);

	if (i >= 0)
		cx->shown[i] = 1;
}

/* The declared table id, marked as shown (its view is the caller's). */
const struct sl_table *pg_take(struct ctx *cx, enum sl_tid id)
{
	pg_mark(cx, id);
	return pg_load(cx, id);
}

/* Every row of the table called name, as the file has it. */
uint64_t pg_all_rows_named(const struct ctx *cx, const char *name)
{
	long i = sl_anfile_find(cx->f, name);

	return i < 0 ? 0 : sl_anfile_rows(cx->f, (size_t)i);
}

uint64_t pg_all_rows(const struct ctx *cx, enum sl_tid id)
{
	return pg_all_rows_named(cx, sl_tdef(id)->name);
}

/* The first row whose column c holds s, or (size_t)-1. */
size_t pg_find_row(const struct sl_table *t, int col, const char *s)
{
	int c = t ? col : -1;

	for (size_t r = 0; c >= 0 && r < sl_table_rows(t); r++) {
		const char *v = sl_table_get_str(t, c, r);

		if (v && !strcmp(v, s))
			return r;
	}
	return (size_t)-1;
}

int pg_matches(const char *pat, const char *name)
{
	size_t n = strlen(pat);

	if (n && pat[n - 1] == '*')
		return !strncmp(pat, name, n - 1);
	return !strcmp(pat, name);
}

int pg_section_has(const struct ctx *cx, const struct section *s)
{
	for (size_t i = 0; i < sl_anfile_ntables(cx->f); i++)
		for (int k = 0; s->tables[k]; k++)
			if (pg_matches(s->tables[k], sl_anfile_name(cx->f, i)))
				return 1;
	return 0;
}

static int is_ms_col(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && !strcmp(name + n - 3, "_ms");
}

/* One cell of any table, by its type. */
void pg_cell(struct out *o, const struct sl_table *t, int c, size_t r)
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
		pg_time(o, buf);
		break;
	case SL_R_DAY:
		sl_format_day((int64_t)v, buf);
		out_puts(o, buf);
		break;
	default: {
		/* a declared table's shares as percentages */
		const struct sl_tdef *d = sl_tdef_find(sl_table_name(t));

		if (d && c < d->ncols && d->units[c] && !strcmp(d->units[c], "fraction"))
			pct(o, v);
		else if (is_ms_col(sl_table_col_name(t, c)))
			out_duration(o, v);
		else
			out_num(o, v, 4);
	}
	}
}

int pg_numeric(const struct sl_table *t, int c)
{
	enum sl_rtype ty = sl_table_col_type(t, c);

	return ty == SL_R_I64 || ty == SL_R_F64;
}

/* The generic view: the first rows (or the rows listed in idx), the
 * first columns, and where the rest is. */
void pg_table_view(struct ctx *cx, const struct sl_table *t, const size_t *idx, size_t nidx,
		       const char *what)
{
	struct out *o = cx->o;
	int nc = sl_table_ncols(t), shown_c = nc < MAXCOLS ? nc : MAXCOLS;
	const char *units[MAXCOLS];
	int named = cx->nwho && nc > 0 && sl_table_col_type(t, 0) == SL_R_STR &&
		    !strcmp(sl_table_col_name(t, 0), "deployment_id");
	/* t may be the first group, or rows picked from a stream: the counts
	 * are the file's */
	size_t total = idx ? nidx : (size_t)pg_all_rows_named(cx, sl_table_name(t));
	size_t n = total < (size_t)cx->p->rows ? total : (size_t)cx->p->rows;

	cx->shown[pg_table_index(cx, t)] = 1;
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
	if (!pg_all_rows_named(cx, sl_table_name(t))) {
		out_puts(o, "<p class=\"nodata\">No rows in this window.</p>\n");
		return;
	}
	out_puts(o, "<div class=\"scroll\"><table>\n<tr>");
	/* a deployment the page looked up is named by agent and environment */
	if (named)
		out_puts(o, "<th>agent</th><th>environment</th>");
	/* headers in words; a duration column in one unit, chosen by its
	 * largest value shown */
	for (int c = 0; c < shown_c; c++) {
		char lb[TEXT_MAX];

		units[c] = NULL;
		if (is_ms_col(sl_table_col_name(t, c)) && pg_numeric(t, c)) {
			double longest = 0, v;

			for (size_t i = 0; i < n; i++)
				if (!sl_table_get_f64(t, c, idx ? idx[i] : i, &v) && isfinite(v))
					longest = fmax(longest, fabs(v));
			units[c] = text_dur_unit(longest);
		}
		out_puts(o, pg_numeric(t, c) ? "<th class=\"n\">" : "<th>");
		out_esc(o, text_label(lb, sl_table_col_name(t, c), 0), 60);
		if (units[c])
			out_printf(o, " (%s)", units[c]);
		out_puts(o, "</th>");
	}
	out_puts(o, "</tr>\n");
	for (size_t i = 0; i < n; i++) {
		size_t r = idx ? idx[i] : i;

		out_puts(o, "<tr>");
		if (named) {
			const struct pg_who *w = pg_who_find(cx, sl_table_get_str(t, 0, r));

			pg_td_str(o, w ? w->agent : NULL, MAXCELL);
			pg_td_str(o, w ? w->env : NULL, MAXCELL);
		}
		for (int c = 0; c < shown_c; c++) {
			const char *sv = sl_table_get_str(t, c, r);

			out_puts(o, pg_numeric(t, c) ? "<td class=\"n\">"
				    : sv && strlen(sv) > 40 ? "<td class=\"w\">" : "<td>");
			if (units[c]) {
				char b[TEXT_MAX];
				double v;

				if (!sl_table_get_f64(t, c, r, &v))
					out_puts(o, text_dur_in(b, v, units[c]));
			} else {
				pg_cell(o, t, c, r);
			}
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
void pg_rest(struct ctx *cx, const struct section *s)
{
	for (size_t i = 0; i < sl_anfile_ntables(cx->f); i++) {
		const struct sl_table *t;

		if (cx->shown[i])
			continue;
		for (int k = 0; s->tables[k]; k++)
			if (pg_matches(s->tables[k], sl_anfile_name(cx->f, i))) {
				if ((t = pg_head(cx, i)))
					pg_table_view(cx, t, NULL, 0, NULL);
				break;
			}
	}
}

void pg_note(struct out *o, const char *text)
{
	out_puts(o, "<p class=\"note\">");
	out_puts(o, text);
	out_puts(o, "</p>\n");
}

/* A card: its title, then the caller writes the value, closes the
 * "v" div and adds its own "sub" div. */
void pg_card_open(struct out *o, const char *title)
{
	out_puts(o, "<div class=\"card\"><div class=\"k\">");
	out_puts(o, title);
	out_puts(o, "</div><div class=\"v\">");
}

/* The order of sorted_rows and sort_desc (sl_sort takes no context). */
static const struct sl_table *sort_t;
static int sort_c;

static int sort_asc;

static int cmp_desc(const void *x, const void *y)
{
	double a = NAN, b = NAN;

	sl_table_get_f64(sort_t, sort_c, *(const size_t *)x, &a);
	sl_table_get_f64(sort_t, sort_c, *(const size_t *)y, &b);
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	if (a != b)
		return (a < b) != sort_asc ? 1 : -1;
	return (*(const size_t *)x > *(const size_t *)y) - (*(const size_t *)x < *(const size_t *)y);
}

void pg_sort_desc(const struct sl_table *t, int by, size_t *idx, size_t n)
{
	sort_t = t;
	sort_c = by;
	sort_asc = 0;
	sl_sort(idx, n, sizeof(*idx), cmp_desc);
}

void pg_sort_asc(const struct sl_table *t, int by, size_t *idx, size_t n)
{
	sort_t = t;
	sort_c = by;
	sort_asc = 1;
	sl_sort(idx, n, sizeof(*idx), cmp_desc);
}

const char *pg_col_unit(const struct sl_table *t, int col, const size_t *idx, size_t n,
			double scale)
{
	double longest = 0;

	for (size_t i = 0; i < n; i++) {
		double v = num(t, col, idx ? idx[i] : i) * scale;

		if (isfinite(v))
			longest = fmax(longest, fabs(v));
	}
	return text_dur_unit(longest);
}

size_t *pg_sorted_rows(const struct sl_table *t, int by, int keep, size_t *n)
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
	pg_sort_desc(t, by, idx, *n);
	return idx;
}

int pg_pick_rows(struct ctx *cx, enum sl_tid id, const struct pickq *q, struct pick *pk,
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
		pg_failed(cx, rc);
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
	pg_failed(cx, rc);
	return rc;
}

/* ---- cells of the specific tables ---- */

void pg_td_open(struct out *o, int numeric_)
{
	out_puts(o, numeric_ ? "<td class=\"n\">" : "<td>");
}

void pg_td_str(struct out *o, const char *s, size_t max)
{
	out_puts(o, max > MAXCELL ? "<td class=\"w\">" : "<td>");
	out_esc(o, s ? s : "", max);
	out_puts(o, "</td>");
}

/* A ';'-joined list, one item a line (each escaped and cut), so long
 * lists wrap where they should. */
void pg_td_list(struct out *o, const char *s, size_t max)
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
void pg_td_pairs(struct out *o, const char *a, const char *b, size_t max)
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
		pg_td_list(o, a && a[0] && b && b[0] ? a : a && a[0] ? a : b, max);
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

void pg_td_num(struct out *o, double v, int digits)
{
	pg_td_open(o, 1);
	out_num(o, v, digits);
	out_puts(o, "</td>");
}

void pg_td_pct(struct out *o, double v)
{
	pg_td_open(o, 1);
	pct(o, v);
	out_puts(o, "</td>");
}

void pg_td_dur(struct out *o, double ms)
{
	pg_td_open(o, 1);
	out_duration(o, ms);
	out_puts(o, "</td>");
}

void pg_th_row_u(struct out *o, const char *const *heads, const char *const *units)
{
	out_puts(o, "<div class=\"scroll\"><table>\n<tr>");
	for (size_t k = 0; heads[k]; k++) {
		out_printf(o, "%s%s", heads[k][0] == '#' ? "<th class=\"n\">" : "<th>",
			   heads[k][0] == '#' ? heads[k] + 1 : heads[k]);
		if (units && units[k])
			out_printf(o, " (%s)", units[k]);
		out_puts(o, "</th>");
	}
	out_puts(o, "</tr>\n");
}

void pg_th_row(struct out *o, const char *const *heads)
{
	pg_th_row_u(o, heads, NULL);
}

void pg_td_dur_in(struct out *o, double ms, const char *unit)
{
	char b[TEXT_MAX];

	pg_td_open(o, 1);
	out_puts(o, text_dur_in(b, ms, unit));
	out_puts(o, "</td>");
}

void pg_more_rows(struct out *o, size_t total, size_t shown, const char *table)
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

/* The value of metric name of a backtest table (the three share one
 * shape, so the duration backtest's constants name the columns of all). */
double pg_metric(const struct sl_table *t, const char *name)
{
	size_t r = pg_find_row(t, SL_DURATION_BACKTEST_METRIC, name);

	return r == (size_t)-1 ? NAN : num(t, SL_DURATION_BACKTEST_VALUE, r);
}

/* A Brier score against the base rate's, as a card. */
void pg_brier_card(struct out *o, const char *title, const struct sl_table *t)
{
	double b = pg_metric(t, "brier"), base = pg_metric(t, "brier_base_rate");
	/* the analysis's verdict: better only by more than the noise (no
	 * verdict, none said) */
	double verdict = pg_metric(t, "better_than_base_rate");
	int better = verdict == 1;

	pg_card_open(o, title);
	out_num(o, b, 3);
	out_puts(o, "</div><div class=\"sub\">Brier score (lower is better); always the base "
		    "rate: ");
	out_num(o, base, 3);
	if (isfinite(b) && isfinite(base) && !isnan(verdict))
		out_printf(o, ", <span class=\"%s\">%s</span>", better ? "up" : "down",
			   better ? "better" : "no better");
	out_puts(o, " over ");
	out_num(o, pg_metric(t, "holdout_deployments"), 10);
	out_puts(o, " held-out deployments</div></div>\n");
}


/* ---- deployments named by agent, environment and time ---- */

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int pg_who_of(struct ctx *cx, const char *const *ids, size_t n, struct pg_who *who)
{
	static const int want[] = {SL_HEALTH_SCORES_DEPLOYMENT_ID, SL_HEALTH_SCORES_AGENT_ID,
				   SL_HEALTH_SCORES_ENVIRONMENT, SL_HEALTH_SCORES_START_TIME, -1};
	long hi = sl_anfile_find_id(cx->f, SL_T_HEALTH_SCORES);
	const char **sorted = malloc((n + 1) * sizeof(*sorted));
	const struct sl_table *g;
	struct giter it;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		who[i] = (struct pg_who){NULL, NULL, NULL, NAN};
	if (!sorted)
		return SL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		sorted[i] = ids[i] ? ids[i] : "";
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	if (hi < 0 || !n)
		goto out;
	/* one pass over health_scores (a row per deployment), four columns */
	giter_init(&it, cx->f, hi, cx->err);
	giter_only(&it, want);
	while (!rc && (g = giter_next(&it)))
		for (size_t r = 0; !rc && r < sl_table_rows(g); r++) {
			const char *id = str(g, SL_HEALTH_SCORES_DEPLOYMENT_ID, r);

			if (!id || !bsearch(&id, sorted, n, sizeof(*sorted), cmp_str))
				continue;
			for (size_t i = 0; i < n; i++) {
				const char *a = str(g, SL_HEALTH_SCORES_AGENT_ID, r),
					   *e = str(g, SL_HEALTH_SCORES_ENVIRONMENT, r);

				if (!ids[i] || strcmp(ids[i], id) || who[i].agent)
					continue;
				if (!(who[i].agent = strdup(a ? a : "")) ||
				    !(who[i].env = strdup(e ? e : ""))) {
					rc = SL_ENOMEM;
					break;
				}
				who[i].start = num(g, SL_HEALTH_SCORES_START_TIME, r);
			}
		}
	giter_done(&it);
	if (!rc)
		rc = it.rc;
out:
	free(sorted);
	pg_failed(cx, rc);
	return rc;
}

void pg_who_free(struct pg_who *who, size_t n)
{
	for (size_t i = 0; who && i < n; i++) {
		free(who[i].id);
		free(who[i].agent);
		free(who[i].env);
	}
}

void pg_td_who(struct out *o, const struct pg_who *w)
{
	char buf[32];

	pg_td_str(o, w ? w->agent : NULL, MAXCELL);
	pg_td_str(o, w ? w->env : NULL, MAXCELL);
	out_puts(o, "<td>");
	if (w && isfinite(w->start)) {
		sl_format_time((int64_t)w->start, buf);
		pg_time(o, buf);
	}
	out_puts(o, "</td>");
}
