/* page.h - what the parts of the HTML page share (report/ only): the
 * context a section is rendered in, the sections, the table access that
 * loads small tables whole and reads big ones group by group
 * (tableview.c), the generic table view and the cells of the specific
 * views.  Each section's view is in a sec_*.c file; page.c puts the page
 * together.
 *
 * Tables returned by pg_load, pg_take and pg_head are held by the
 * context until the section ends (pg_release): callers never free them. */
#ifndef REPORT_PAGE_H
#define REPORT_PAGE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "attention.h"
#include "html.h"
#include "out.h"
#include "sl_anread.h"
#include "sl_result.h"
#include "sl_tables.h"
#include "stream.h"
#include "text.h"

#define MAXCELL 80   /* bytes of a text cell shown; the CSV has all of it */
#define MAXCOLS 14   /* columns of a generic table shown */
#define MAXDAYS 731  /* days of the timeline drawn (the last ones) */
#define MAXMARKS 2000 /* points of the predictions scatter drawn (a sample) */

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
	const struct attention *att; /* what needs attention, the window */
	struct pg_picked *picked;    /* PK_N, by pg_prepare; NULL before */
	struct pg_who *who;          /* the deployments the page names, sorted by id */
	size_t nwho;
};

/* The rows a section lists from a per-deployment table, picked before the
 * sections are drawn so that one pass over health_scores names them all
 * (pg_prepare): idx[0..shown) index pk.t in the order shown, n rows
 * matched in all; ok is 0 when the table is absent or unreadable. */
struct pg_picked {
	struct pick pk;
	size_t *idx, n, shown;
	int ok;
};

enum { PK_ANOMALIES, PK_PREDICTIONS, PK_DECISIONS, PK_CANARY, PK_N };

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

/* ---- the tables (tableview.c) ---- */

size_t pg_table_index(const struct ctx *cx, const struct sl_table *t);
/* A read error: the page stops growing and html_render fails with it. */
void pg_failed(struct ctx *cx, int rc);
const struct sl_table *pg_hold(struct ctx *cx, struct sl_table *t);
void pg_release(struct ctx *cx);
/* The whole table called name (NULL when absent or unreadable), held
 * until the section ends: for the tables that do not grow with the
 * deployments. */
const struct sl_table *pg_load_named(struct ctx *cx, const char *name);
/* The same for a declared table: the reader checked its shape, so its
 * columns are read by the constants of sl_tables.h. */
const struct sl_table *pg_load(struct ctx *cx, enum sl_tid id);
/* The first row group of table i (all its rows when it has few). */
const struct sl_table *pg_head(struct ctx *cx, size_t i);
/* Marks the declared table id as shown. */
void pg_mark(struct ctx *cx, enum sl_tid id);
/* The declared table id, marked as shown (its view is the caller's). */
const struct sl_table *pg_take(struct ctx *cx, enum sl_tid id);
/* Every row of the table, as the file has it. */
uint64_t pg_all_rows_named(const struct ctx *cx, const char *name);
uint64_t pg_all_rows(const struct ctx *cx, enum sl_tid id);
/* The first row whose column c holds s, or (size_t)-1. */
size_t pg_find_row(const struct sl_table *t, int col, const char *s);
int pg_matches(const char *pat, const char *name);
int pg_section_has(const struct ctx *cx, const struct section *s);

/* Cells of column c of a declared table (c a constant of sl_tables.h);
 * NaN or NULL when t is NULL or the cell null. */
static inline double num(const struct sl_table *t, int c, size_t r)
{
	double v;

	return t && !sl_table_get_f64(t, c, r, &v) ? v : NAN;
}

static inline const char *str(const struct sl_table *t, int c, size_t r)
{
	return t ? sl_table_get_str(t, c, r) : NULL;
}

/* num() of a table known to be there */
static inline double numc(const struct sl_table *t, int c, size_t r)
{
	double v;

	return !sl_table_get_f64(t, c, r, &v) ? v : NAN;
}

static inline int is_true(const struct sl_table *t, int col, size_t r)
{
	return num(t, col, r) == 1;
}

/* The text formats (text.h) on the page, escaped. */
static inline void pct(struct out *o, double v)
{
	char b[TEXT_MAX];

	out_puts(o, text_pct(b, v));
}

static inline void pg_value(struct out *o, double v, const char *unit)
{
	char b[TEXT_MAX];

	out_esc(o, text_value(b, v, unit), TEXT_MAX);
}

static inline void pg_target(struct out *o, const char *target, const char *unit)
{
	char b[TEXT_MAX];

	out_esc(o, text_target(b, target, unit), TEXT_MAX);
}

static inline void pg_time(struct out *o, const char *iso)
{
	char b[TEXT_MAX];

	out_esc(o, text_time(b, iso), TEXT_MAX);
}

/* Indices of the rows of t sorted by a number column, largest first, NaN
 * last; only rows where keep (a bool column, or -1 for all) is true.
 * malloc'ed; NULL when out of memory. */
size_t *pg_sorted_rows(const struct sl_table *t, int by, int keep, size_t *n);
/* idx[0..n) sorted the same way; or the smallest first (NaN last). */
void pg_sort_desc(const struct sl_table *t, int by, size_t *idx, size_t n);
void pg_sort_asc(const struct sl_table *t, int by, size_t *idx, size_t n);
/* The unit of a duration column: the one that suits the largest of its
 * values (in ms after * scale) over rows idx[0..n) (idx NULL: 0..n), so
 * the column says it once in its head. */
const char *pg_col_unit(const struct sl_table *t, int col, const size_t *idx, size_t n,
			double scale);

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

int pg_pick_rows(struct ctx *cx, enum sl_tid id, const struct pickq *q, struct pick *pk,
		 size_t **idx, size_t *n);

/* ---- the generic view and the cells (tableview.c) ---- */

/* One cell of any table, by its type. */
void pg_cell(struct out *o, const struct sl_table *t, int c, size_t r);
int pg_numeric(const struct sl_table *t, int c);
/* The generic view: the first rows (or the rows listed in idx), the
 * first columns, and where the rest is. */
void pg_table_view(struct ctx *cx, const struct sl_table *t, const size_t *idx, size_t nidx,
		   const char *what);
/* Every table of the section not shown yet, in the generic view. */
void pg_rest(struct ctx *cx, const struct section *s);
void pg_note(struct out *o, const char *text);
/* The start of a chart over a table of rows rows: 0 to draw it, 1 when
 * the caller stops here, with o->err set to SL_ENOMEM when its buffers
 * were not allocated, or with the sentence nodata ("No rollbacks in this
 * window.") written when there are no rows. */
int pg_chart_start(struct out *o, int allocated, size_t rows, const char *nodata);
void pg_card_open(struct out *o, const char *title);
void pg_td_open(struct out *o, int numeric_);
void pg_td_str(struct out *o, const char *s, size_t max);
/* A ';'-joined list, one item a line. */
void pg_td_list(struct out *o, const char *s, size_t max);
/* Two ';'-joined lists of the same length side by side, one pair a line. */
void pg_td_pairs(struct out *o, const char *a, const char *b, size_t max);
void pg_td_num(struct out *o, double v, int digits);
void pg_td_pct(struct out *o, double v);
void pg_td_dur(struct out *o, double ms);
/* A table's opening and header row: a head starting with '#' is a number
 * column (right-aligned). */
void pg_th_row(struct out *o, const char *const *heads);
/* The same with units[k] (NULL: none) after head k, in parentheses. */
void pg_th_row_u(struct out *o, const char *const *heads, const char *const *units);
/* A duration cell in the column's unit (pg_col_unit), the number alone. */
void pg_td_dur_in(struct out *o, double ms, const char *unit);
void pg_more_rows(struct out *o, size_t total, size_t shown, const char *table);
/* The value of metric name of a backtest table, NaN when absent. */
double pg_metric(const struct sl_table *t, const char *name);
/* A Brier score against the base rate's, as a card. */
void pg_brier_card(struct out *o, const char *title, const struct sl_table *t);

/* Who a deployment is: its agent, environment and start, from
 * health_scores (a row per deployment of the window), for the tables that
 * name deployments by id alone (anomalies). */
struct pg_who {
	char *id;
	char *agent, *env; /* NULL when not found */
	double start;	   /* ms since the epoch, NaN when not found */
};

/* who[i] for ids[i], in one pass over health_scores.  0 or an error (then
 * also the page's).  pg_who_free frees the strings. */
int pg_who_of(struct ctx *cx, const char *const *ids, size_t n, struct pg_who *who);
void pg_who_free(struct pg_who *who, size_t n);
/* Three cells: agent, environment, start (empty for NULL). */
void pg_td_who(struct out *o, const struct pg_who *w);
/* The picks of every per-deployment list on the page and who their
 * deployments are (picks.c); pg_unprepare frees them.  An error is the
 * page's. */
void pg_prepare(struct ctx *cx);
void pg_unprepare(struct ctx *cx);
/* Who deployment id is (NULL when the page did not look it up). */
const struct pg_who *pg_who_find(const struct ctx *cx, const char *id);

/* ---- the sections (sec_*.c) ---- */

void sec_overview(struct ctx *cx, const struct section *s);
void sec_dora(struct ctx *cx, const struct section *s);
void sec_scorecard(struct ctx *cx, const struct section *s);
void sec_timeline(struct ctx *cx, const struct section *s);
void sec_strategies(struct ctx *cx, const struct section *s);
void sec_heatmap(struct ctx *cx, const struct section *s);
void sec_active(struct ctx *cx, const struct section *s);
void sec_health(struct ctx *cx, const struct section *s);
void sec_pipelines(struct ctx *cx, const struct section *s);
void sec_versions(struct ctx *cx, const struct section *s);
void sec_anomalies(struct ctx *cx, const struct section *s);
void sec_clusters(struct ctx *cx, const struct section *s);
void sec_rollbacks(struct ctx *cx, const struct section *s);
void sec_alerts(struct ctx *cx, const struct section *s);
void sec_predictions(struct ctx *cx, const struct section *s);
void sec_agents(struct ctx *cx, const struct section *s);

#endif
