/* mapred_pl.c - the pipeline tables in the map and the reduce
 * (mapred_int.h, docs/SCALING.md).  A task runs the pipeline analysis'
 * own steps (pipeline.c, pipegraph.c) over its days and writes what they
 * gathered: counts, exact sums, distinct timeouts and gate rows with their
 * counts, and per order statistic a histogram (the second pass: the values
 * of the ranks' buckets).  The reduce adds them up by name, gives them to
 * a pl_acc per pipeline and finishes it as one run does. */
#include "mapred_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "pipeline_int.h"
#include "sl_anread.h"
#include "sl_hash.h"
#include "sl_stats.h"
#include "sl_u64map.h"
#include "window.h"

#define DAY_MS 86400000LL

/* What a partial holds, one kind of record per kind of key (pipe, a, b,
 * i); v[] are counts added up, except K_DEPS (the first stage run with
 * that depends_on, the smallest in the one order) and K_EDGES (the fewest
 * edges a task's graph had). */
enum {
	K_PIPE,   /* pipe: executions, finished, ok, bad, stage runs, missing ends */
	K_EDGES,  /* pipe: v[0] edges of the graph of a task with executions */
	K_GROUP,  /* pipe, a branch (i 0; i 1 null) or i = 2 + local day: figures */
	K_STAGE,  /* pipe, a stage: pl_stage_stats counts */
	K_TMO,    /* pipe, a stage, i a timeout: v[0] its count */
	K_DEPS,   /* pipe, a stage, b depends_on: its first run */
	K_PAIR,   /* pipe, a < b stages: together, one after the other */
	K_MODEL,  /* pipe, i a combination: the model's sums */
	K_STAT,   /* pipe, a, i, metric: an order statistic */
	NKINDS
};
/* the order statistics (K_STAT's metric; a, i as K_GROUP's for M_GDUR) */
enum { M_PDUR, M_GDUR, M_QUEUE, M_MK, M_SDUR, M_WAIT, NMETRICS };
#define NV 10

struct rec {
	int kind, metric;
	char *pipe, *a, *b;
	int64_t i;
	int64_t v[NV];
	uint8_t has;
	struct mr_stat st;
	struct pl_msum m;
};

/* The window's graph of a pipeline some task's days did not show whole
 * (a stage, or a depends_on list, seen in other tasks' days only): its
 * stages by name and its edges between them. */
struct wgraph {
	char *pipe;
	char **stage;
	size_t ns, scap;
	uint32_t (*edge)[2];
	size_t ne, ecap;
};

struct mrpl {
	struct sl_u64map map;
	struct rec *r;
	size_t n, cap;
	struct gates *gates;
	/* the second pass: (statistic, bucket) wanted, the window's graphs */
	struct sl_u64map want;
	struct wgraph *wg;
	size_t nwg, wgcap;
};

static uint64_t rec_key(int kind, int metric, const char *pipe, const char *a, const char *b,
			int64_t i)
{
	uint64_t k[6] = {(uint64_t)kind, (uint64_t)metric, (uint64_t)i,
			 sl_hash(pipe, strlen(pipe)), a ? sl_hash(a, strlen(a)) + 1 : 0,
			 b ? sl_hash(b, strlen(b)) + 1 : 0};

	return sl_hash(k, sizeof(k));
}

static int same_str(const char *x, const char *y)
{
	return x ? y && !strcmp(x, y) : !y;
}

/* The record of that key, new (zero) when not there; NULL when out of
 * memory (or on a 64-bit collision). */
static struct rec *rec_get(struct mrpl *m, int kind, int metric, const char *pipe, const char *a,
			   const char *b, int64_t i)
{
	uint32_t *v;
	int added;
	struct rec *r;

	if (sl_u64map_put(&m->map, rec_key(kind, metric, pipe, a, b, i), &v, &added))
		return NULL;
	if (!added) {
		r = &m->r[*v];
		return r->kind == kind && r->metric == metric && r->i == i &&
				       !strcmp(r->pipe, pipe) && same_str(r->a, a) && same_str(r->b, b)
			       ? r
			       : NULL;
	}
	if (sl_grow(&m->r, &m->cap, m->n + 1, sizeof(*m->r)))
		return NULL;
	r = &m->r[m->n];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->metric = metric;
	r->i = i;
	if (!(r->pipe = strdup(pipe)) || (a && !(r->a = strdup(a))) || (b && !(r->b = strdup(b)))) {
		free(r->pipe);
		free(r->a);
		return NULL;
	}
	*v = (uint32_t)m->n++;
	return r;
}

struct mrpl *mrpl_new(void)
{
	struct mrpl *m = calloc(1, sizeof(*m));

	if (m && !(m->gates = gates_new())) {
		free(m);
		return NULL;
	}
	return m;
}

void mrpl_free(struct mrpl *m)
{
	if (!m)
		return;
	for (size_t k = 0; k < m->n; k++) {
		free(m->r[k].pipe);
		free(m->r[k].a);
		free(m->r[k].b);
		mr_stat_release(&m->r[k].st);
	}
	free(m->r);
	for (size_t k = 0; k < m->nwg; k++) {
		for (size_t s = 0; s < m->wg[k].ns; s++)
			free(m->wg[k].stage[s]);
		free(m->wg[k].stage);
		free(m->wg[k].edge);
		free(m->wg[k].pipe);
	}
	free(m->wg);
	sl_u64map_release(&m->map);
	sl_u64map_release(&m->want);
	gates_free(m->gates);
	free(m);
}

/* ---- the partial's tables ---- */

static const struct sl_rcol rcols[] = {
	{"kind", SL_R_I64}, {"metric", SL_R_I64}, {"pipeline", SL_R_STR}, {"a", SL_R_STR},
	{"b", SL_R_STR}, {"i", SL_R_I64}, {"v0", SL_R_I64}, {"v1", SL_R_I64}, {"v2", SL_R_I64},
	{"v3", SL_R_I64}, {"v4", SL_R_I64}, {"v5", SL_R_I64}, {"v6", SL_R_I64}, {"v7", SL_R_I64},
	{"v8", SL_R_I64}, {"v9", SL_R_I64}, {"sum", SL_R_STR}, {"sum_sq", SL_R_STR}};
static const struct sl_rcol gcols[] = {
	{"gate", SL_R_STR},	{"type", SL_R_STR},   {"metric", SL_R_STR}, {"operator", SL_R_STR},
	{"has_threshold", SL_R_I64}, {"threshold", SL_R_F64}, {"passed", SL_R_I64},
	{"failed", SL_R_I64}, {"count", SL_R_I64}};
static const struct sl_rcol wcols[] = {
	{"metric", SL_R_I64}, {"pipeline", SL_R_STR}, {"a", SL_R_STR}, {"i", SL_R_I64},
	{"bucket", SL_R_I64}};
/* a stage (to null) or an edge of a window's graph */
static const struct sl_rcol ecols[] = {
	{"pipeline", SL_R_STR}, {"from", SL_R_STR}, {"to", SL_R_STR}};
#define NCOLS(c) ((int)(sizeof(c) / sizeof(c[0])))
/* rows of the statistics: v0 0 a bucket with v1 its count, 1 a value v1 */
enum { ST_BUCKET, ST_VALUE };

static int key_row(struct sl_table *t, int kind, int metric, const char *pipe, const char *a,
		   const char *b, int64_t i)
{
	if (sl_table_add_row(t) || sl_table_set_str(t, 2, pipe, strlen(pipe)) ||
	    (a && sl_table_set_str(t, 3, a, strlen(a))) || (b && sl_table_set_str(t, 4, b, strlen(b))))
		return SL_ENOMEM;
	sl_table_set_i64(t, 0, kind);
	sl_table_set_i64(t, 1, metric);
	sl_table_set_i64(t, 5, i);
	return SL_OK;
}

static int put_row(struct sl_table *t, int kind, const char *pipe, const char *a, const char *b,
		   int64_t i, const int64_t *v, int nv)
{
	if (key_row(t, kind, 0, pipe, a, b, i))
		return SL_ENOMEM;
	for (int k = 0; k < nv; k++)
		sl_table_set_i64(t, 6 + k, v[k]);
	return SL_OK;
}

static uint64_t want_key(int metric, const char *pipe, const char *a, int64_t i, int64_t bucket)
{
	return rec_key(K_STAT, metric, pipe, a, NULL, i) ^ (uint64_t)bucket * 0x9E3779B97F4A7C15ULL;
}

/* A statistic's values (any order; sorted here): its histogram, and in the
 * second pass the values of the buckets the ranks want. */
static int put_stat_all(struct mrpl *m, struct sl_table *t, int pass, int metric,
			const char *pipe, const char *a, int64_t i, int64_t *v, size_t n, int all)
{
	sl_sort_i64(v, n);
	for (size_t k = 0, e; k < n; k = e) {
		int64_t b = mr_bucket_of(v[k]), x[2] = {ST_BUCKET, 0};

		for (e = k + 1; e < n && mr_bucket_of(v[e]) == b; e++)
			;
		x[1] = (int64_t)(e - k);
		if (key_row(t, K_STAT, metric, pipe, a, NULL, i))
			return SL_ENOMEM;
		sl_table_set_i64(t, 6, ST_BUCKET);
		sl_table_set_i64(t, 7, b);
		sl_table_set_i64(t, 8, x[1]);
		if (pass != 2 || (!all && !sl_u64map_get(&m->want, want_key(metric, pipe, a, i, b))))
			continue;
		for (size_t j = k; j < e; j++) {
			if (key_row(t, K_STAT, metric, pipe, a, NULL, i))
				return SL_ENOMEM;
			sl_table_set_i64(t, 6, ST_VALUE);
			sl_table_set_i64(t, 7, v[j]);
		}
	}
	return SL_OK;
}

static int put_stat(struct mrpl *m, struct sl_table *t, int pass, int metric, const char *pipe,
		    const char *a, int64_t i, int64_t *v, size_t n)
{
	return put_stat_all(m, t, pass, metric, pipe, a, i, v, n, 0);
}

/* ---- the map ---- */

struct task {
	struct pl_all *A;
	int64_t lo, hi;
	struct sl_errctx *err;
	uint8_t *owned_any; /* per pipeline: an execution is the task's */
	/* per pipeline of the second pass analysed by the window's graph:
	 * its stages' indices in that graph (else NULL), and the codes of
	 * those stages */
	uint32_t **remap, **gstages;
	struct runs_stage *rows; /* remapped rows */
	size_t rcap;
};

/* rows[0..n) with the stage indices of the window's graph, when the
 * pipeline goes by it. */
static const struct runs_stage *remapped(struct task *T, const struct runs_stage *rows, size_t n)
{
	const uint32_t *to = T->remap[rows[0].pipe_idx];

	if (!to)
		return rows;
	if (sl_grow(&T->rows, &T->rcap, n, sizeof(*T->rows)))
		return NULL;
	for (size_t k = 0; k < n; k++) {
		T->rows[k] = rows[k];
		T->rows[k].stage_idx = to[rows[k].stage_idx];
	}
	return T->rows;
}

static int task_row(void *ctx, const struct runs_stage *w)
{
	struct task *T = ctx;

	if (w->start < T->lo || w->start >= T->hi)
		return SL_OK; /* another task's */
	if (!(w = remapped(T, w, 1)))
		return SL_ENOMEM;
	return pipeline_on_row(T->A, w);
}

/* An execution belongs to the task of its first stage run's start; the
 * task reads a day either side of its days, so it has every stage run of
 * its executions as long as they span less than a day. */
static int task_exec(void *ctx, const struct runs_stage *rows, size_t n)
{
	struct task *T = ctx;
	int64_t lo = rows[0].start, hi = rows[0].start;
	size_t sn;
	const char *s;

	for (size_t k = 1; k < n; k++) {
		lo = rows[k].start < lo ? rows[k].start : lo;
		hi = rows[k].start > hi ? rows[k].start : hi;
	}
	if (hi - lo >= DAY_MS && hi >= T->lo && lo < T->hi) {
		s = sl_dict_get(T->A->names, rows[0].pipe, &sn);
		return sl_err_set(T->err, SL_EINVAL, NULL, 0,
				  "execution %lld of pipeline '%.*s' has stage runs more than a "
				  "day apart: the map cannot cut its days (analyse the window in "
				  "one run)",
				  (long long)rows[0].exec, (int)(sn > 80 ? 80 : sn), s);
	}
	if (lo < T->lo || lo >= T->hi)
		return SL_OK;
	T->owned_any[rows[0].pipe_idx] = 1;
	if (!(rows = remapped(T, rows, n)))
		return SL_ENOMEM;
	return pipeline_on_exec(T->A, rows, n);
}

/* The name of code c of A as a C string in buf (NULL for RUNS_NONE). */
static const char *name_of(const struct pl_all *A, uint32_t c, struct sl_buf *buf)
{
	size_t n;
	const char *s;

	if (c == RUNS_NONE)
		return NULL;
	s = sl_dict_get(A->names, c, &n);
	sl_buf_reset(buf);
	if (sl_buf_add(buf, s, n))
		return NULL;
	return sl_buf_cstr(buf);
}

static int load_wanted(struct mrpl *m, const char *path, struct sl_errctx *err)
{
	struct sl_analysis *ra = NULL;
	const struct sl_table *t;
	int rc;

	if ((rc = sl_anread_file(path, &ra, err)))
		return rc;
	if (!(t = partial_table(ra, "ranks_pipelines", wcols, NCOLS(wcols), path, err))) {
		rc = err->code;
		goto out;
	}
	for (size_t r = 0; r < sl_table_rows(t); r++) {
		int64_t metric, i, b;
		const char *pipe = sl_table_get_str(t, 1, r);
		uint32_t *v;
		int added;

		if (!pipe || partial_cell(t, 0, r, &metric) || partial_cell(t, 3, r, &i) ||
		    partial_cell(t, 4, r, &b)) {
			rc = sl_err_set(err, SL_EFORMAT, path, 0, "row %zu is damaged", r + 1);
			goto out;
		}
		if (sl_u64map_put(&m->want, want_key((int)metric, pipe, sl_table_get_str(t, 2, r), i, b),
				  &v, &added)) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
		*v = 1;
	}
	if (!(t = partial_table(ra, "ranks_pipelines_graph", ecols, NCOLS(ecols), path, err))) {
		rc = err->code;
		goto out;
	}
	for (size_t r = 0; r < sl_table_rows(t); r++) {
		const char *pipe = sl_table_get_str(t, 0, r), *from = sl_table_get_str(t, 1, r);
		const char *to = sl_table_get_str(t, 2, r);
		struct wgraph *g = m->nwg ? &m->wg[m->nwg - 1] : NULL;
		uint32_t e[2];

		if (!pipe || !from) {
			rc = sl_err_set(err, SL_EFORMAT, path, 0, "row %zu is damaged", r + 1);
			goto out;
		}
		if (!g || strcmp(g->pipe, pipe)) {
			if (sl_grow(&m->wg, &m->wgcap, m->nwg + 1, sizeof(*m->wg)))
				goto nomem;
			g = &m->wg[m->nwg++];
			memset(g, 0, sizeof(*g));
			if (!(g->pipe = strdup(pipe)))
				goto nomem;
		}
		if (!to) {
			if (sl_grow(&g->stage, &g->scap, g->ns + 1, sizeof(*g->stage)) ||
			    !(g->stage[g->ns] = strdup(from)))
				goto nomem;
			g->ns++;
			continue;
		}
		/* an edge between stages listed before it */
		e[0] = e[1] = UINT32_MAX;
		for (size_t k = 0; k < g->ns; k++) {
			if (!strcmp(g->stage[k], from))
				e[0] = (uint32_t)k;
			if (!strcmp(g->stage[k], to))
				e[1] = (uint32_t)k;
		}
		if (e[0] == UINT32_MAX || e[1] == UINT32_MAX) {
			rc = sl_err_set(err, SL_EFORMAT, path, 0, "row %zu is damaged", r + 1);
			goto out;
		}
		if (sl_grow(&g->edge, &g->ecap, g->ne + 1, sizeof(*g->edge)))
			goto nomem;
		g->edge[g->ne][0] = e[0];
		g->edge[g->ne++][1] = e[1];
	}
	rc = SL_OK;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_analysis_free(ra);
	return rc;
}

/* Pipeline i of the second pass analysed by the window's graph g: its
 * pl_acc anew, its stages the window's (T->gstages[i], codes of A->names)
 * and T->remap[i] from the task's stage indices to them. */
static int by_window_graph(struct task *T, size_t i, const struct wgraph *g)
{
	struct pl_all *A = T->A;
	struct pl_pipe *pp = &A->pipes[i];
	struct pl_edge *e = malloc((g->ne ? g->ne : 1) * sizeof(*e));
	uint32_t *gs = malloc((g->ns ? g->ns : 1) * sizeof(*gs));
	uint32_t *to = malloc((pp->nstages ? pp->nstages : 1) * sizeof(*to));

	T->gstages[i] = gs;
	T->remap[i] = to;
	if (!e || !gs || !to) {
		free(e);
		return SL_ENOMEM;
	}
	for (size_t k = 0; k < g->ns; k++)
		if (sl_dict_intern(A->names, g->stage[k], strlen(g->stage[k]), &gs[k])) {
			free(e);
			return SL_ENOMEM;
		}
	for (size_t s = 0; s < pp->nstages; s++) {
		size_t n;
		const char *name = sl_dict_get(A->names, pp->stages[s], &n);

		to[s] = UINT32_MAX;
		for (size_t k = 0; k < g->ns; k++)
			if (strlen(g->stage[k]) == n && !memcmp(g->stage[k], name, n))
				to[s] = (uint32_t)k;
		if (to[s] == UINT32_MAX) {
			free(e);
			return SL_EFORMAT; /* the ranks lack a stage the task has */
		}
	}
	for (size_t k = 0; k < g->ne; k++)
		e[k] = (struct pl_edge){g->edge[k][0], g->edge[k][1]};
	pl_acc_free(pp->acc);
	pp->acc = pl_acc_new(g->ns, e, g->ne);
	free(e);
	if (!pp->acc)
		return SL_ENOMEM;
	pp->stages = gs;
	pp->nstages = g->ns;
	return SL_OK;
}

static int put_gate(void *ctx, const char *const s[4], const size_t n[4], int has_threshold,
		    double threshold, int passed, int failed, uint64_t count)
{
	struct sl_table *t = ctx;

	if (sl_table_add_row(t))
		return SL_ENOMEM;
	for (int k = 0; k < 4; k++)
		if (s[k] && sl_table_set_str(t, k, s[k], n[k]))
			return SL_ENOMEM;
	sl_table_set_i64(t, 4, has_threshold);
	sl_table_set_f64(t, 5, threshold);
	sl_table_set_i64(t, 6, passed);
	sl_table_set_i64(t, 7, failed);
	sl_table_set_i64(t, 8, (int64_t)count);
	return SL_OK;
}

/* The pipeline runs of pp the task counts: of its days, and (for the
 * figures) the first row of their execution. */
static int put_runs(struct mrpl *m, struct sl_table *t, int pass, const struct pl_all *A,
		    const struct pl_pipe *pp, const char *pipe, int64_t lo, int64_t hi,
		    int64_t *cnt, struct sl_buf *nb)
{
	const struct runs *R = &A->R;
	size_t nx = pp->x1 - pp->x0, nd = 0, ng = 0;
	int64_t *d = malloc((nx ? nx : 1) * sizeof(*d)), *gd = malloc((nx ? nx : 1) * sizeof(*gd));
	struct pl_msum ms[PL_COMBOS];
	int rc = SL_ENOMEM;

	memset(ms, 0, sizeof(ms));
	if (!d || !gd)
		goto out;
	for (size_t k = pp->x0; k < pp->x1; k++) {
		int fin = runs_finished(R->x_status[k]);

		if (R->x_start[k] < lo || R->x_start[k] >= hi)
			continue;
		if (R->x_status[k] == PL_SUCCESS && (R->x_flags[k] & RUNS_HAS_DUR) && R->x_dur[k] > 0) {
			size_t tn = 0;
			const char *tr = R->x_trigger[k] != RUNS_NONE
						 ? sl_dict_get(A->names, R->x_trigger[k], &tn)
						 : NULL;
			int c = pipeline_combo(R->x_start[k], tr, tn);
			double y = log((double)R->x_dur[k]);

			ms[c].n++;
			sl_fsum_add(&ms[c].s, y);
			sl_fsum_add(&ms[c].q, y * y);
		}
		if (!R->x_first[k])
			continue;
		cnt[0]++;
		cnt[1] += fin;
		cnt[2] += R->x_status[k] == PL_SUCCESS;
		cnt[3] += R->x_status[k] == PL_FAILED || R->x_status[k] == PL_CANCELLED;
		if (fin && (R->x_flags[k] & RUNS_HAS_DUR))
			d[nd++] = R->x_dur[k];
	}
	if (put_stat(m, t, pass, M_PDUR, pipe, NULL, 0, d, nd))
		goto out;
	/* per branch, then per local day */
	for (int by_day = 0; by_day < 2; by_day++) {
		struct sl_u64map seen = SL_U64MAP_INIT;

		for (size_t k0 = pp->x0; k0 < pp->x1; k0++) {
			int64_t key0, g[4] = {0, 0, 0, 0}, gi;
			uint32_t *v;
			int added;
			const char *br = NULL;

			if (R->x_start[k0] < lo || R->x_start[k0] >= hi || !R->x_first[k0])
				continue;
			key0 = by_day ? window_day(R->x_start[k0]) : (int64_t)R->x_branch[k0];
			if (sl_u64map_put(&seen, (uint64_t)key0, &v, &added)) {
				sl_u64map_release(&seen);
				goto out;
			}
			if (!added)
				continue;
			ng = 0;
			for (size_t k = k0; k < pp->x1; k++) {
				int fin = runs_finished(R->x_status[k]);

				if (R->x_start[k] < lo || R->x_start[k] >= hi || !R->x_first[k] ||
				    (by_day ? window_day(R->x_start[k]) : (int64_t)R->x_branch[k]) != key0)
					continue;
				g[0]++;
				g[1] += fin;
				g[2] += R->x_status[k] == PL_SUCCESS;
				g[3] += R->x_status[k] == PL_FAILED || R->x_status[k] == PL_CANCELLED;
				if (fin && (R->x_flags[k] & RUNS_HAS_DUR))
					gd[ng++] = R->x_dur[k];
			}
			gi = by_day ? 2 + key0 : key0 == RUNS_NONE;
			if (!by_day && key0 != RUNS_NONE && !(br = name_of(A, (uint32_t)key0, nb)))
				goto fail;
			if (put_row(t, K_GROUP, pipe, br, NULL, gi, g, 4) ||
			    put_stat(m, t, pass, M_GDUR, pipe, br, gi, gd, ng))
				goto fail;
			continue;
fail:
			sl_u64map_release(&seen);
			goto out;
		}
		sl_u64map_release(&seen);
	}
	for (int c = 0; c < PL_COMBOS; c++) {
		if (!ms[c].n)
			continue;
		if (key_row(t, K_MODEL, 0, pipe, NULL, NULL, c) ||
		    partial_fsum_put(t, 16, &ms[c].s) || partial_fsum_put(t, 17, &ms[c].q))
			goto out;
		sl_table_set_i64(t, 6, (int64_t)ms[c].n);
	}
	rc = SL_OK;
out:
	free(d);
	free(gd);
	return rc;
}

/* What the analysis of pp gathered of the task's stage runs. */
static int put_acc(struct mrpl *m, struct sl_table *t, int pass, const struct pl_all *A,
		   const struct pl_pipe *pp, const char *pipe, uint64_t *missing, int all_waits)
{
	struct sl_buf sa = SL_BUF_INIT, sb = SL_BUF_INIT;
	const struct pl_stage_stats *st = pl_acc_counts(pp->acc, missing);
	int64_t *v = NULL;
	size_t n;
	int rc = SL_ENOMEM;

	if (pl_acc_values(pp->acc, PL_L_MK, 0, &v, &n) ||
	    put_stat(m, t, pass, M_MK, pipe, NULL, 0, v, n))
		goto out;
	for (size_t s = 0; s < pp->nstages; s++) {
		const char *a = name_of(A, pp->stages[s], &sa);
		const int64_t c[7] = {(int64_t)st[s].runs,	       (int64_t)st[s].finished,
				      (int64_t)st[s].failed,	       (int64_t)st[s].succeeded,
				      (int64_t)st[s].retries,	       (int64_t)st[s].retries_finished,
				      (int64_t)st[s].retries_succeeded};
		const int64_t *tv;
		const uint64_t *tc;
		size_t nt = pl_acc_timeouts(pp->acc, s, &tv, &tc);

		if (!a || put_row(t, K_STAGE, pipe, a, NULL, 0, c, 7))
			goto out;
		for (size_t k = 0; k < nt; k++)
			if (put_row(t, K_TMO, pipe, a, NULL, tv[k], (const int64_t[]){(int64_t)tc[k]}, 1))
				goto out;
		for (int l = PL_L_DUR; l <= PL_L_WAIT; l++) {
			free(v);
			v = NULL;
			/* waits by the window's graph: all of them, their
			 * histogram of the first pass went by the task's */
			if (pl_acc_values(pp->acc, l, s, &v, &n) ||
			    put_stat_all(m, t, pass, l == PL_L_DUR ? M_SDUR : M_WAIT, pipe, a, 0, v,
					 n, l == PL_L_WAIT && all_waits))
				goto out;
		}
		for (size_t y = s + 1; y < pp->nstages; y++) {
			uint32_t tog, seq;
			const char *b;

			if (pl_acc_pair(pp->acc, s, y, &tog, &seq) || !tog)
				continue;
			if (!(b = name_of(A, pp->stages[y], &sb)) ||
			    !(a = name_of(A, pp->stages[s], &sa)) ||
			    put_row(t, K_PAIR, pipe, a, b, 0, (const int64_t[]){tog, seq}, 2))
				goto out;
		}
	}
	rc = SL_OK;
out:
	free(v);
	sl_buf_release(&sa);
	sl_buf_release(&sb);
	return rc;
}

/* The stage runs of the task's pipelines: its depends_on lists (with the
 * first run of each) and its stages, whatever day of the read they came. */
static int put_shapes(struct sl_table *t, const struct pl_all *A, const struct runs_pipe *rp,
		      const char *pipe)
{
	struct sl_buf sa = SL_BUF_INIT, sb = SL_BUF_INIT;
	int rc = SL_ENOMEM;

	for (size_t s = 0; s < rp->nstages; s++) {
		const char *a = name_of(A, rp->stages[s], &sa);

		if (!a || put_row(t, K_STAGE, pipe, a, NULL, 0, (const int64_t[]){0}, 1))
			goto out;
	}
	for (size_t k = 0; k < rp->ndeps; k++) {
		const struct runs_deps *d = &rp->deps[k];
		const struct runs_stage *f = &d->first;
		const char *a = name_of(A, d->stage, &sa), *b = name_of(A, d->deps, &sb);
		const int64_t v[NV] = {f->exec,    f->attempt, f->start,       f->has_end,
				       f->end,	   f->has_dur, f->dur,	       f->status,
				       f->has_timeout, f->timeout_ms};

		if (!d->seen)
			continue;
		if (!a || !b || put_row(t, K_DEPS, pipe, a, b, 0, v, NV))
			goto out;
	}
	rc = SL_OK;
out:
	sl_buf_release(&sa);
	sl_buf_release(&sb);
	return rc;
}

int mrpl_map(const struct analyze_params *p0, const struct sl_store *st, int64_t lo, int64_t hi,
	     struct sl_analysis *part, struct sl_errctx *err)
{
	struct analyze_params p = *p0;
	struct pl_all A;
	struct mrpl *m = mrpl_new();
	struct task T = {.A = &A, .lo = lo, .hi = hi, .err = err};
	struct runs_sink sink = {&T, task_row, task_exec};
	struct sl_table *t = sl_table_new("partial_pipelines", rcols, NCOLS(rcols));
	struct sl_table *g = sl_table_new("partial_gates", gcols, NCOLS(gcols));
	struct sl_buf nb = SL_BUF_INIT, pb = SL_BUF_INIT;
	int pass = p.ranks ? 2 : 1, rc = SL_ENOMEM;
	int64_t glo, ghi;

	memset(&A, 0, sizeof(A));
	if (!m || !t || !g)
		goto nomem;
	if (p.ranks && (rc = load_wanted(m, p.ranks, err)))
		goto out;
	if (hi > lo) {
		/* a day either side: the stage runs of executions that cross
		 * the task's edges, and their pipeline runs */
		p.from = lo - DAY_MS > p0->from ? lo - DAY_MS : p0->from;
		p.to = hi + DAY_MS < p0->to ? hi + DAY_MS : p0->to;
		pipeline_config(&p.cfg, &A.cfg);
		if ((rc = runs_load(&p, st, &A.R, err)))
			goto out;
		A.names = A.R.names;
		A.npipes = A.R.npipes;
		if (!(A.pipes = calloc(A.npipes + 1, sizeof(*A.pipes))) ||
		    !(T.owned_any = calloc(A.npipes + 1, 1)))
			goto nomem;
		for (size_t i = 0; i < A.npipes; i++)
			if (pipeline_begin(&A, &A.pipes[i], &A.R.pipes[i]))
				goto nomem;
		if (!(T.remap = calloc(A.npipes + 1, sizeof(*T.remap))) ||
		    !(T.gstages = calloc(A.npipes + 1, sizeof(*T.gstages))))
			goto nomem;
		for (size_t k = 0; k < m->nwg; k++) {
			uint32_t c, *ix;

			if (sl_dict_intern(A.names, m->wg[k].pipe, strlen(m->wg[k].pipe), &c))
				goto nomem;
			if (c >= A.R.npipe_of || (ix = &A.R.pipe_of[c], *ix == RUNS_NONE) ||
			    !A.pipes[*ix].acc)
				continue; /* not the task's, or not analysed */
			if ((rc = by_window_graph(&T, *ix, &m->wg[k])) == SL_EFORMAT) {
				rc = sl_err_set(err, SL_EFORMAT, p.ranks, 0,
						"not the ranks of these partials' stages");
				goto out;
			}
			if (rc)
				goto nomem;
		}
		if ((rc = runs_stream(&p, st, &A.R, &sink, err)))
			goto out;
		for (size_t i = 0; i < A.npipes; i++) {
			struct pl_pipe *pp = &A.pipes[i];
			const char *pipe = name_of(&A, pp->code, &pb);
			int64_t c[6] = {0, 0, 0, 0, (int64_t)pp->nruns, 0};
			uint64_t missing = 0;

			if (!pipe || put_shapes(t, &A, &A.R.pipes[i], pipe) ||
			    put_runs(m, t, pass, &A, pp, pipe, lo, hi, c, &nb) ||
			    put_stat(m, t, pass, M_QUEUE, pipe, NULL, 0, pp->queue, pp->nqueue))
				goto nomem;
			if (pp->acc) {
				if (put_acc(m, t, pass, &A, pp, pipe, &missing, T.remap[i] != NULL))
					goto nomem;
				c[5] = (int64_t)missing;
				if (T.owned_any[i] &&
				    put_row(t, K_EDGES, pipe, NULL, NULL, 0,
					    (const int64_t[]){(int64_t)pl_acc_edges(pp->acc)}, 1))
					goto nomem;
			}
			if (put_row(t, K_PIPE, pipe, NULL, NULL, 0, c, 6))
				goto nomem;
		}
	}
	/* gate results lie in the UTC day of their pipeline run: the task
	 * reads the UTC days that start in its days (the first task also the
	 * window's first day), so each partition is read by one task */
	glo = lo <= p0->from ? p0->from : (lo + DAY_MS - 1) / DAY_MS * DAY_MS;
	ghi = hi >= p0->to ? p0->to : (hi + DAY_MS - 1) / DAY_MS * DAY_MS;
	if ((hi > lo && ghi > glo) || p0->map_k == 0) {
		/* rows of no day: the first task's */
		if (!(hi > lo && ghi > glo))
			glo = ghi = 0; /* no day */
		if ((rc = gates_scan(st, glo, ghi, p0->map_k == 0, m->gates, err)))
			goto out;
		if (gates_each(m->gates, put_gate, g))
			goto nomem;
	}
	rc = sl_analysis_add(part, t);
	t = NULL;
	if (rc || (rc = sl_analysis_add(part, g), g = NULL, rc))
		goto nomem;
	rc = SL_OK;
	goto out;
nomem:
	rc = rc && rc != SL_ENOMEM && err->code ? rc : sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(t);
	sl_table_free(g);
	sl_buf_release(&nb);
	sl_buf_release(&pb);
	free(T.owned_any);
	for (size_t i = 0; T.remap && i < A.npipes; i++) {
		free(T.remap[i]);
		free(T.gstages[i]);
	}
	free(T.remap);
	free(T.gstages);
	free(T.rows);
	pipeline_all_release(&A);
	mrpl_free(m);
	return rc;
}

/* ---- the reduce ---- */

static int load_gate(struct mrpl *m, const struct sl_table *g, size_t r)
{
	const char *s[4];
	size_t n[4];
	int64_t has, passed, failed, count;
	double thr = 0;

	for (int k = 0; k < 4; k++) {
		s[k] = sl_table_get_str(g, k, r);
		n[k] = s[k] ? strlen(s[k]) : 0;
	}
	if (partial_cell(g, 4, r, &has) || partial_cell(g, 6, r, &passed) ||
	    partial_cell(g, 7, r, &failed) || partial_cell(g, 8, r, &count) || count < 0 ||
	    (has && sl_table_get_f64(g, 5, r, &thr)))
		return SL_EFORMAT;
	return gates_add(m->gates, s, n, (int)has, thr, (int)passed, (int)failed, (uint64_t)count);
}

static int deps_less(const int64_t *a, const int64_t *b)
{
	for (int k = 0; k < NV; k++)
		if (a[k] != b[k])
			return a[k] < b[k];
	return 0;
}

int mrpl_load(struct mrpl *m, const struct sl_analysis *a, const char *path, int pass,
	      struct sl_errctx *err)
{
	const struct sl_table *t, *g;

	if (!(t = partial_table(a, "partial_pipelines", rcols, NCOLS(rcols), path, err)) ||
	    !(g = partial_table(a, "partial_gates", gcols, NCOLS(gcols), path, err)))
		return err->code;
	for (size_t r = 0; r < sl_table_rows(t); r++) {
		int64_t kind, metric, i, v[NV] = {0};
		const char *pipe = sl_table_get_str(t, 2, r);
		struct rec *x;
		int rc = SL_OK;

		if (!pipe || partial_cell(t, 0, r, &kind) || kind < 0 || kind >= NKINDS ||
		    partial_cell(t, 1, r, &metric) || metric < 0 || metric >= NMETRICS ||
		    partial_cell(t, 5, r, &i))
			goto bad;
		for (int k = 0; k < NV; k++)
			if (sl_table_get_f64(t, 6 + k, r, &(double){0}) == 0 &&
			    partial_cell(t, 6 + k, r, &v[k]))
				goto bad;
		if (!(x = rec_get(m, (int)kind, (int)metric, pipe, sl_table_get_str(t, 3, r),
				  sl_table_get_str(t, 4, r), i)))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		switch (kind) {
		case K_DEPS:
			if (!x->has || deps_less(v, x->v))
				memcpy(x->v, v, sizeof(v));
			break;
		case K_EDGES:
			if (!x->has || v[0] < x->v[0])
				x->v[0] = v[0];
			if (!x->has || v[0] > x->v[1])
				x->v[1] = v[0];
			break;
		case K_MODEL: {
			struct pl_msum q;

			memset(&q, 0, sizeof(q));
			if (partial_fsum_get(sl_table_get_str(t, 16, r), &q.s) ||
			    partial_fsum_get(sl_table_get_str(t, 17, r), &q.q))
				goto bad;
			x->m.n += (uint64_t)v[0];
			sl_fsum_merge(&x->m.s, &q.s);
			sl_fsum_merge(&x->m.q, &q.q);
			break;
		}
		case K_STAT:
			if (v[0] == ST_BUCKET)
				rc = mr_stat_hist(&x->st, v[1], (uint64_t)v[2]);
			else if (pass == 2)
				rc = mr_stat_val(&x->st, v[1]);
			break;
		default:
			for (int k = 0; k < NV; k++)
				x->v[k] += v[k];
		}
		x->has = 1;
		if (rc == SL_ENOMEM)
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		if (rc)
			goto bad;
	}
	for (size_t r = 0; r < sl_table_rows(g); r++) {
		int rc = load_gate(m, g, r);

		if (rc == SL_ENOMEM)
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		if (rc)
			goto bad;
	}
	return SL_OK;
bad:
	return sl_err_set(err, SL_EFORMAT, path, 0, "its pipeline counts are damaged");
}

/* The ranks each statistic reports (pipeline.c's and pipegraph.c's). */
static int stat_ranks(const struct rec *x, size_t *rank)
{
	size_t n = (size_t)x->st.n;

	if (!n)
		return 0;
	rank[0] = pipeline_rank(n, 0.5);
	switch (x->metric) {
	case M_PDUR:
	case M_GDUR:
		rank[1] = pipeline_rank(n, 0.95);
		return 2;
	case M_SDUR:
		rank[1] = pipeline_rank(n, 0.95);
		rank[2] = pipeline_rank(n, 0.99);
		return 3;
	default:
		return 1;
	}
}

/* ---- the pipelines rebuilt by name ---- */

struct names {
	struct sl_dict *d;
	uint32_t *to;
};

static uint32_t code(const struct names *N, const char *s)
{
	uint32_t c;

	/* interned before: found, not added */
	if (sl_dict_intern(N->d, s, strlen(s), &c))
		return RUNS_NONE;
	return N->to[c];
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The window's pipelines (A->R.pipes, by name; their stages and depends_on
 * lists as one run's runs model has them) and their pl_acc (A->pipes). */
static int rebuild(struct mrpl *m, const struct analyze_params *p, struct pl_all *A,
		   struct names *N)
{
	struct sl_dict *tmp = sl_dict_new();
	uint32_t *codes = NULL, cnt;
	char **pipes = NULL;
	size_t np = 0, pcap = 0;
	int rc = SL_ENOMEM;

	memset(A, 0, sizeof(*A));
	pipeline_config(&p->cfg, &A->cfg);
	if (!tmp)
		return SL_ENOMEM;
	for (size_t k = 0; k < m->n; k++) {
		const struct rec *x = &m->r[k];
		uint32_t c;

		if (sl_dict_intern(tmp, x->pipe, strlen(x->pipe), &c) ||
		    (x->a && sl_dict_intern(tmp, x->a, strlen(x->a), &c)) ||
		    (x->b && sl_dict_intern(tmp, x->b, strlen(x->b), &c)))
			goto out;
		if (x->kind == K_PIPE) {
			if (sl_grow(&pipes, &pcap, np + 1, sizeof(*pipes)))
				goto out;
			pipes[np++] = x->pipe;
		}
	}
	cnt = sl_dict_count(tmp);
	if (!(codes = malloc((cnt + 1) * sizeof(*codes))) ||
	    !(N->to = malloc((cnt + 1) * sizeof(*N->to))))
		goto out;
	for (uint32_t c = 0; c < cnt; c++)
		codes[c] = c;
	if (names_in_order(tmp, codes, cnt, N->to, &A->R.names))
		goto out;
	N->d = tmp;
	tmp = NULL;
	A->names = A->R.names;
	sl_sort(pipes, np, sizeof(*pipes), cmp_str);
	if (!(A->R.pipes = calloc(np + 1, sizeof(*A->R.pipes))) ||
	    !(A->pipes = calloc(np + 1, sizeof(*A->pipes))))
		goto out;
	A->R.npipes = A->npipes = np;
	for (size_t i = 0; i < np; i++)
		A->R.pipes[i].code = code(N, pipes[i]);
	/* stages and depends_on lists, by name within a pipeline */
	for (size_t k = 0; k < m->n; k++) {
		const struct rec *x = &m->r[k];
		struct runs_pipe *rp;
		char **hit = np ? bsearch(&x->pipe, pipes, np, sizeof(*pipes), cmp_str) : NULL;

		if (!hit || (x->kind != K_STAGE && x->kind != K_DEPS))
			continue;
		rp = &A->R.pipes[hit - pipes];
		if (x->kind == K_STAGE) {
			uint32_t *w = realloc(rp->stages, (rp->nstages + 1) * sizeof(*w));

			if (!w)
				goto out;
			rp->stages = w;
			rp->stages[rp->nstages++] = code(N, x->a);
			continue;
		}
		if (sl_grow(&rp->deps, &rp->depcap, rp->ndeps + 1, sizeof(*rp->deps)))
			goto out;
		{
			struct runs_deps *d = &rp->deps[rp->ndeps++];
			struct runs_stage *f = &d->first;

			memset(d, 0, sizeof(*d));
			d->stage = code(N, x->a);
			d->deps = code(N, x->b);
			d->seen = 1;
			f->pipe = rp->code;
			f->stage = d->stage;
			f->deps = d->deps;
			f->exec = x->v[0];
			f->attempt = (int32_t)x->v[1];
			f->start = x->v[2];
			f->has_end = (uint8_t)x->v[3];
			f->end = x->v[4];
			f->has_dur = (uint8_t)x->v[5];
			f->dur = x->v[6];
			f->status = (uint8_t)x->v[7];
			f->has_timeout = (uint8_t)x->v[8];
			f->timeout_ms = x->v[9];
		}
	}
	for (size_t i = 0; i < np; i++) {
		struct runs_pipe *rp = &A->R.pipes[i];

		sl_sort(rp->stages, rp->nstages, sizeof(*rp->stages), cmp_u32);
		for (size_t s = 0; s < rp->nstages; s++) {
			uint32_t *v;
			int added;

			if (sl_u64map_put(&A->R.stage_of, (uint64_t)rp->code << 32 | rp->stages[s], &v,
					  &added))
				goto out;
			*v = (uint32_t)s;
		}
	}
	for (size_t i = 0; i < np; i++)
		if (pipeline_begin(A, &A->pipes[i], &A->R.pipes[i]))
			goto out;
	rc = SL_OK;
out:
	sl_dict_free(tmp);
	free(codes);
	free(pipes);
	return rc;
}

int mrpl_ranks(struct mrpl *m, const struct analyze_params *p, struct sl_analysis *ranks,
	       struct sl_errctx *err)
{
	struct sl_table *t = sl_table_new("ranks_pipelines", wcols, NCOLS(wcols)), *e = NULL;
	struct pl_all A;
	struct names N = {0};
	int rc = SL_ENOMEM;

	memset(&A, 0, sizeof(A));
	if (!t || rebuild(m, p, &A, &N))
		goto nomem;
	/* a task whose graph of a pipeline lacked an edge (a stage or a
	 * depends_on list it did not see) measured waits and pairs by it:
	 * the second pass goes by the window's */
	if (!(e = sl_table_new("ranks_pipelines_graph", ecols, NCOLS(ecols))))
		goto nomem;
	for (size_t i = 0; i < A.npipes; i++) {
		const struct pl_pipe *pp = &A.pipes[i];
		size_t sn;
		const char *s = sl_dict_get(A.names, pp->code, &sn);
		char *name = strndup(s, sn);
		struct rec *x = name ? rec_get(m, K_EDGES, 0, name, NULL, NULL, 0) : NULL;

		free(name);
		if (!x)
			goto nomem;
		if (!pp->acc || !x->has || x->v[0] == (int64_t)pl_acc_edges(pp->acc))
			continue;
		for (size_t k = 0; k < pp->nstages; k++)
			if (sl_table_add_row(e) || sl_table_set_str(e, 0, s, sn) ||
			    sl_table_set_name(e, 1, A.names, pp->stages[k]))
				goto nomem;
		for (size_t k = 0; k < pl_acc_edges(pp->acc); k++) {
			uint32_t from, to;

			pl_acc_edge(pp->acc, k, &from, &to);
			if (sl_table_add_row(e) || sl_table_set_str(e, 0, s, sn) ||
			    sl_table_set_name(e, 1, A.names, pp->stages[from]) ||
			    sl_table_set_name(e, 2, A.names, pp->stages[to]))
				goto nomem;
		}
	}
	for (size_t k = 0; k < m->n; k++) {
		struct rec *x = &m->r[k];
		size_t rank[MR_RANKS];
		int nr;

		if (x->kind != K_STAT)
			continue;
		nr = stat_ranks(x, rank);
		mr_stat_find(&x->st, rank, nr);
		for (int j = 0; j < nr; j++) {
			if (x->st.bucket[j] < 0)
				continue;
			if (sl_table_add_row(t) || sl_table_set_str(t, 1, x->pipe, strlen(x->pipe)) ||
			    (x->a && sl_table_set_str(t, 2, x->a, strlen(x->a))))
				goto nomem;
			sl_table_set_i64(t, 0, x->metric);
			sl_table_set_i64(t, 3, x->i);
			sl_table_set_i64(t, 4, x->st.bucket[j]);
		}
	}
	rc = sl_analysis_add(ranks, t);
	t = NULL;
	if (rc || (rc = sl_analysis_add(ranks, e), e = NULL, rc))
		goto nomem;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(t);
	sl_table_free(e);
	pipeline_all_release(&A);
	sl_dict_free(N.d);
	free(N.to);
	return rc;
}

/* A statistic's values at its ranks and their number: 1 with v[] and *n
 * set, 0 when it has none, -1 when the second pass lacks values of a
 * rank's bucket. */
static int stat_values(struct mrpl *m, int metric, const char *pipe, const char *a, int64_t i,
		       int64_t *v, uint64_t *n)
{
	uint32_t *slot = sl_u64map_get(&m->map, rec_key(K_STAT, metric, pipe, a, NULL, i));
	struct rec *x;
	size_t rank[MR_RANKS];
	int nr;

	if (!slot)
		return 0;
	x = &m->r[*slot];
	if (!(nr = stat_ranks(x, rank)))
		return 0;
	*n = x->st.n;
	mr_stat_find(&x->st, rank, nr);
	for (int j = 0; j < nr; j++)
		if (mr_stat_value(&x->st, j, rank[j], &v[j]))
			return -1;
	return 1;
}

/* The records by pipeline, kind, first name and i: a pipeline's are
 * together, and a stage's timeouts in the order of their values. */
static _Thread_local const struct mrpl *sort_m;

static int cmp_rec(const void *x, const void *y)
{
	const struct rec *a = &sort_m->r[*(const uint32_t *)x], *b = &sort_m->r[*(const uint32_t *)y];
	int c;

	if ((c = strcmp(a->pipe, b->pipe)))
		return c;
	if (a->kind != b->kind)
		return a->kind - b->kind;
	if ((c = strcmp(a->a ? a->a : "", b->a ? b->a : "")))
		return c;
	return (a->i > b->i) - (a->i < b->i);
}

/* The lower median of the timeouts tmo[0..n) (a stage's K_TMO records,
 * by value) from their counts. */
static void timeout_median(const struct mrpl *m, const uint32_t *tmo, size_t n,
			   struct pl_stage_stats *s)
{
	uint64_t tot = 0, seen = 0, r;

	for (size_t k = 0; k < n; k++)
		tot += (uint64_t)m->r[tmo[k]].v[0];
	if (!tot)
		return;
	r = pipeline_rank(tot, 0.5) + 1;
	for (size_t k = 0; k < n; k++) {
		seen += (uint64_t)m->r[tmo[k]].v[0];
		if (seen >= r) {
			s->has_timeout = 1;
			s->timeout_ms = m->r[tmo[k]].i;
			return;
		}
	}
}

/* A pipeline's statistics from its records idx[0..nidx), into pp and its
 * pl_acc. */
static int fill(struct mrpl *m, struct pl_all *A, struct pl_pipe *pp, const char *pipe,
		const uint32_t *idx, size_t nidx, const struct names *N, struct sl_errctx *err)
{
	struct pl_stage_stats *st = pp->acc ? pl_acc_given(pp->acc) : NULL;
	int64_t v[MR_RANKS];
	uint64_t n;
	int h;

	for (size_t k = 0; k < nidx; k++) {
		struct rec *x = &m->r[idx[k]];

		switch (x->kind) {
		case K_PIPE:
			pp->fig.exec = (uint64_t)x->v[0];
			pp->fig.fin = (uint64_t)x->v[1];
			pp->fig.ok = (uint64_t)x->v[2];
			pp->fig.bad = (uint64_t)x->v[3];
			pp->nruns = (size_t)x->v[4];
			if (pp->acc)
				pl_acc_given_missing(pp->acc, (uint64_t)x->v[5]);
			break;
		case K_GROUP: {
			int by_day = x->i >= 2;
			size_t cap = pp->ngrp[by_day];
			struct pl_keyfig *g;

			if (sl_grow(&pp->grp[by_day], &cap, pp->ngrp[by_day] + 1, sizeof(*g)))
				return SL_ENOMEM;
			g = &pp->grp[by_day][pp->ngrp[by_day]++];
			memset(g, 0, sizeof(*g));
			g->key = by_day ? x->i - 2 : x->i == 1 ? (int64_t)RUNS_NONE : code(N, x->a);
			g->fig.exec = (uint64_t)x->v[0];
			g->fig.fin = (uint64_t)x->v[1];
			g->fig.ok = (uint64_t)x->v[2];
			g->fig.bad = (uint64_t)x->v[3];
			if ((h = stat_values(m, M_GDUR, pipe, x->a, x->i, v, &n)) < 0)
				goto lacking;
			if (h) {
				g->fig.nd = (size_t)n;
				g->fig.p50 = v[0];
				g->fig.p95 = v[1];
			}
			break;
		}
		case K_MODEL:
			if (!pp->msum && !(pp->msum = calloc(PL_COMBOS, sizeof(*pp->msum))))
				return SL_ENOMEM;
			if (x->i >= 0 && x->i < PL_COMBOS)
				pp->msum[x->i] = x->m;
			break;
		case K_PAIR:
		case K_STAGE:
		case K_TMO: {
			uint32_t *sa, *sb = NULL;

			if (!st)
				break;
			sa = sl_u64map_get(&A->R.stage_of, (uint64_t)pp->code << 32 | code(N, x->a));
			if (x->b)
				sb = sl_u64map_get(&A->R.stage_of,
						   (uint64_t)pp->code << 32 | code(N, x->b));
			if (!sa || (x->kind == K_PAIR && !sb))
				return sl_err_set(err, SL_EFORMAT, NULL, 0,
						  "the partials name a stage they do not list");
			if (x->kind == K_PAIR) {
				pl_acc_given_pair(pp->acc, *sa, *sb, (uint32_t)x->v[0], (uint32_t)x->v[1]);
			} else if (x->kind == K_TMO) {
				size_t e = k + 1;

				while (e < nidx && m->r[idx[e]].kind == K_TMO &&
				       !strcmp(m->r[idx[e]].a, x->a))
					e++;
				timeout_median(m, idx + k, e - k, &st[*sa]);
				k = e - 1;
			} else if (x->kind == K_STAGE) {
				struct pl_stage_stats *s = &st[*sa];

				s->runs = (uint64_t)x->v[0];
				s->finished = (uint64_t)x->v[1];
				s->failed = (uint64_t)x->v[2];
				s->succeeded = (uint64_t)x->v[3];
				s->retries = (uint64_t)x->v[4];
				s->retries_finished = (uint64_t)x->v[5];
				s->retries_succeeded = (uint64_t)x->v[6];
				if ((h = stat_values(m, M_SDUR, pipe, x->a, 0, v, &n)) < 0)
					goto lacking;
				if (h) {
					s->has_dur = 1;
					s->p50 = v[0];
					s->p95 = v[1];
					s->p99 = v[2];
				}
				if ((h = stat_values(m, M_WAIT, pipe, x->a, 0, v, &n)) < 0)
					goto lacking;
				if (h) {
					s->waits = n;
					s->wait_p50 = v[0];
				}
			}
			break;
		}
		default:
			break;
		}
	}
	if ((h = stat_values(m, M_PDUR, pipe, NULL, 0, v, &n)) < 0)
		goto lacking;
	if (h) {
		pp->fig.nd = (size_t)n;
		pp->fig.p50 = v[0];
		pp->fig.p95 = v[1];
	}
	if ((h = stat_values(m, M_QUEUE, pipe, NULL, 0, v, &n)) < 0)
		goto lacking;
	pp->has_queue = (uint8_t)h;
	pp->queue_p50 = v[0];
	if ((h = stat_values(m, M_MK, pipe, NULL, 0, v, &n)) < 0)
		goto lacking;
	if (h && pp->acc)
		pl_acc_given_makespan(pp->acc, v[0], n);
	return SL_OK;
lacking:
	return sl_err_set(err, SL_EFORMAT, NULL, 0,
			  "the partials of the second pass lack values of a pipeline median's "
			  "bucket (were they cut by these ranks?)");
}

static int cmp_keyfig(const void *x, const void *y)
{
	const struct pl_keyfig *a = x, *b = y;

	return (a->key > b->key) - (a->key < b->key);
}

int mrpl_tables(struct mrpl *m, const struct analyze_params *p, struct sl_analysis *a,
		struct sl_errctx *err)
{
	struct pl_all A;
	struct names N = {0};
	uint32_t *idx = NULL;
	int rc;

	if (rebuild(m, p, &A, &N)) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	if (!(idx = malloc((m->n ? m->n : 1) * sizeof(*idx)))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (size_t k = 0; k < m->n; k++)
		idx[k] = (uint32_t)k;
	sort_m = m;
	sl_sort(idx, m->n, sizeof(*idx), cmp_rec);
	for (size_t i = 0, k0 = 0, k1; i < A.npipes; i++, k0 = k1) {
		struct pl_pipe *pp = &A.pipes[i];
		size_t sn;
		const char *s = sl_dict_get(A.names, pp->code, &sn);
		char *pipe = strndup(s, sn);

		if (!pipe) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
		/* pipelines by name, as the records */
		for (k1 = k0; k1 < m->n && !strcmp(m->r[idx[k1]].pipe, pipe); k1++)
			;
		rc = fill(m, &A, pp, pipe, idx + k0, k1 - k0, &N, err);
		free(pipe);
		if (rc == SL_ENOMEM)
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		if (rc)
			goto out;
		/* branches by name (codes are in byte order), null last; days */
		for (int d = 0; d < 2; d++)
			sl_sort(pp->grp[d], pp->ngrp[d], sizeof(*pp->grp[d]), cmp_keyfig);
		if ((rc = pipeline_end(&A, pp, &A.R.pipes[i]))) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
	}
	for (size_t i = 0; i < A.npipes; i++)
		if (A.pipes[i].warning.len) {
			size_t n;
			const char *s = sl_dict_get(A.names, A.pipes[i].code, &n);

			fprintf(stderr, "shiplog-analyze: warning: pipeline '%.*s': %s\n", (int)n, s,
				sl_buf_cstr(&A.pipes[i].warning));
		}
	if (pipeline_fit(&A) || pipeline_write(&A, &p->cfg, a) ||
	    gates_table(m->gates, &p->cfg, a)) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	rc = SL_OK;
out:
	pipeline_all_release(&A);
	sl_dict_free(N.d);
	free(N.to);
	free(idx);
	return rc;
}
