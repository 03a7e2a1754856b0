/* pipeline.c - the pipeline tables from the store: pipeline_runs and
 * stage_runs of the window grouped per pipeline, each pipeline analysed by
 * pipeline_analyze_one() (pipegraph.c), a duration model over all of them,
 * and the quality gates. */
#include "pipeline.h"
#include "common.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_stats.h"
#include "sl_dict.h"
#include "sl_scan.h"
#include "sl_u64map.h"
#include "pipeline_int.h"
#include "query.h"
#include <strings.h>

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL

static uint64_t exec_key(uint32_t pipe, int64_t exec)
{
	return ((uint64_t)pipe << 32 | (uint32_t)pipe) * 0x9E3779B97F4A7C15ULL ^
	       (uint64_t)exec * 0xC2B2AE3D27D4EB4FULL;
}

static const struct pl_exec *find_exec(const struct pl_all *A, uint32_t pipe, int64_t exec)
{
	uint32_t *v = sl_u64map_get(&A->execmap, exec_key(pipe, exec));

	if (!v || A->execs[*v].pipe != pipe || A->execs[*v].exec != exec)
		return NULL;
	return &A->execs[*v];
}

static int intern(struct pl_all *A, const struct sl_batch *b, int c, size_t r, uint32_t *code,
		  uint8_t *has)
{
	size_t n;
	const char *s = sl_batch_get_str(b, c, r, &n);

	*has = s != NULL;
	if (!s) {
		*code = UINT32_MAX;
		return SL_OK;
	}
	return sl_dict_intern(A->names, s, n, code);
}

static int scan_execs(const struct analyze_params *p, const struct sl_store *st,
		      struct pl_all *A, struct sl_errctx *err)
{
	static const char *const cn[] = {"pipeline_id", "execution_number", "trigger_type",
					 "start_time",	"end_time",	    "duration_ms", "status"};
	uint8_t want[64] = {0};
	int col[7], rc;
	struct sl_scan *sc;
	struct sl_batch *b;

	for (int i = 0; i < 7; i++)
		want[col[i] = sl_kind_col(SL_KIND_PIPELINE_RUNS, cn[i])] = 1;
	if ((rc = sl_scan_open(&sc, st, SL_KIND_PIPELINE_RUNS, p->from, p->to, want, err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			struct pl_exec *x;
			uint8_t has;
			size_t n;
			const char *s;

			if (!sl_scan_in_window(sc, b, r) || sl_batch_is_null(b, col[0], r))
				continue;
			if (sl_grow(&A->execs, &A->execcap, A->nexec + 1, sizeof(*A->execs)))
				goto nomem;
			x = &A->execs[A->nexec];
			memset(x, 0, sizeof(*x));
			if (intern(A, b, col[0], r, &x->pipe, &has) ||
			    intern(A, b, col[2], r, &x->trigger, &x->has_trigger))
				goto nomem;
			x->exec = b->cols[col[1]].v.i64[r];
			x->start = b->cols[col[3]].v.i64[r];
			x->has_end = !sl_batch_is_null(b, col[4], r);
			x->end = b->cols[col[4]].v.i64[r];
			x->has_dur = !sl_batch_is_null(b, col[5], r);
			x->dur = x->has_dur ? b->cols[col[5]].v.i64[r] : x->end - x->start;
			/* a negative duration is broken data, not a duration */
			x->has_dur = (x->has_dur || x->has_end) && x->dur >= 0;
			s = sl_batch_get_str(b, col[6], r, &n);
			x->status = (uint8_t)pipeline_status(s, n);
			A->nexec++;
		}
	sl_scan_close(sc);
	return rc < 0 ? rc : SL_OK;
nomem:
	sl_scan_close(sc);
	return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
}

static int scan_stages(const struct analyze_params *p, const struct sl_store *st,
		       struct pl_all *A, struct sl_errctx *err)
{
	enum { C_PIPE, C_EXEC, C_STAGE, C_DEPS, C_TIMEOUT, C_ATTEMPT, C_STATUS, C_START, C_END,
	       C_DUR, NCOL };
	static const char *const cn[NCOL] = {"pipeline_id", "execution_number", "stage_id",
					     "depends_on",  "timeout_s",	"attempt",
					     "status",	    "start_time",	"end_time",
					     "duration_ms"};
	uint8_t want[64] = {0};
	int col[NCOL], rc;
	struct sl_scan *sc;
	struct sl_batch *b;

	for (int i = 0; i < NCOL; i++)
		want[col[i] = sl_kind_col(SL_KIND_STAGE_RUNS, cn[i])] = 1;
	if ((rc = sl_scan_open(&sc, st, SL_KIND_STAGE_RUNS, p->from, p->to, want, err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			struct pl_srow *w;
			uint8_t has;
			size_t n;
			const char *s;

			if (!sl_scan_in_window(sc, b, r) || sl_batch_is_null(b, col[C_PIPE], r) ||
			    sl_batch_is_null(b, col[C_STAGE], r))
				continue;
			if (sl_grow(&A->rows, &A->rowcap, A->nrows + 1, sizeof(*A->rows)))
				goto nomem;
			w = &A->rows[A->nrows];
			memset(w, 0, sizeof(*w));
			if (intern(A, b, col[C_PIPE], r, &w->pipe, &has) ||
			    intern(A, b, col[C_STAGE], r, &w->stage, &has) ||
			    intern(A, b, col[C_DEPS], r, &w->deps, &has))
				goto nomem;
			w->exec = b->cols[col[C_EXEC]].v.i64[r];
			w->start = b->cols[col[C_START]].v.i64[r];
			w->has_end = !sl_batch_is_null(b, col[C_END], r);
			w->end = b->cols[col[C_END]].v.i64[r];
			w->has_dur = !sl_batch_is_null(b, col[C_DUR], r);
			w->dur = w->has_dur ? b->cols[col[C_DUR]].v.i64[r] : w->end - w->start;
			w->has_dur = (w->has_dur || w->has_end) && w->dur >= 0;
			if (!sl_batch_is_null(b, col[C_TIMEOUT], r)) {
				int64_t t = b->cols[col[C_TIMEOUT]].v.i64[r];

				/* a timeout beyond ~290 years is no timeout */
				if (t > 0 && t < INT64_MAX / 1000) {
					w->has_timeout = 1;
					w->timeout_ms = t * 1000;
				}
			}
			w->attempt = 1;
			if (!sl_batch_is_null(b, col[C_ATTEMPT], r)) {
				int64_t at = b->cols[col[C_ATTEMPT]].v.i64[r];

				w->attempt = at < 1 ? 1 : at > INT32_MAX ? INT32_MAX : (int32_t)at;
			}
			s = sl_batch_get_str(b, col[C_STATUS], r, &n);
			w->status = (uint8_t)pipeline_status(s, n);
			A->nrows++;
		}
	sl_scan_close(sc);
	return rc < 0 ? rc : SL_OK;
nomem:
	sl_scan_close(sc);
	return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
}

static _Thread_local const struct sl_dict *sort_names;
/* sort_rank[code]: the place of the code's string in byte order among all
 * of sort_names, so that the sorts of millions of rows compare two
 * integers where they would compare two strings */
static _Thread_local uint32_t *sort_rank;

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* Names, a null (UINT32_MAX) last. */
static int cmp_opt_name(uint32_t a, uint32_t b)
{
	if (a == UINT32_MAX || b == UINT32_MAX)
		return CMP(a == UINT32_MAX, b == UINT32_MAX);
	return CMP(sort_rank[a], sort_rank[b]);
}

/* By pipeline and execution, then by every other field: the rows of an
 * execution come in one order whatever order they were stored in. */
static int cmp_srow(const void *x, const void *y)
{
	const struct pl_srow *a = x, *b = y;
	int c;

	if (a->pipe != b->pipe)
		return CMP(sort_rank[a->pipe], sort_rank[b->pipe]);
	if ((c = CMP(a->exec, b->exec)) || (c = cmp_opt_name(a->stage, b->stage)) ||
	    (c = CMP(a->attempt, b->attempt)) || (c = CMP(a->start, b->start)) ||
	    (c = CMP(a->has_end, b->has_end)) || (c = CMP(a->end, b->end)) ||
	    (c = CMP(a->has_dur, b->has_dur)) || (c = CMP(a->dur, b->dur)) ||
	    (c = CMP(a->status, b->status)) || (c = cmp_opt_name(a->deps, b->deps)) ||
	    (c = CMP(a->has_timeout, b->has_timeout)))
		return c;
	return CMP(a->timeout_ms, b->timeout_ms);
}

/* The same for the pipeline runs: the duration model sees its samples in
 * one order, and of the rows of a repeated execution the first in this
 * order is kept. */
static int cmp_exec(const void *x, const void *y)
{
	const struct pl_exec *a = x, *b = y;
	int c;

	if (a->pipe != b->pipe)
		return CMP(sort_rank[a->pipe], sort_rank[b->pipe]);
	if ((c = CMP(a->exec, b->exec)) || (c = CMP(a->start, b->start)) ||
	    (c = CMP(a->has_end, b->has_end)) || (c = CMP(a->end, b->end)) ||
	    (c = CMP(a->has_dur, b->has_dur)) || (c = CMP(a->dur, b->dur)) ||
	    (c = CMP(a->status, b->status)) || (c = CMP(a->has_trigger, b->has_trigger)))
		return c;
	return a->has_trigger ? CMP(sort_rank[a->trigger], sort_rank[b->trigger]) : 0;
}

static int cmp_code(const void *x, const void *y)
{
	return names_cmp(sort_names, *(const uint32_t *)x, *(const uint32_t *)y);
}

static int warn(struct pl_pipe *pp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int warn(struct pl_pipe *pp, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	/* names from the logs may hold line breaks: not in a one-line warning */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = '?';
	if (pp->warning.len && sl_buf_add(&pp->warning, "; ", 2))
		return SL_ENOMEM;
	return sl_buf_add(&pp->warning, msg, n);
}

/* The stage graph of one pipeline from the depends_on lists of its rows:
 * every distinct (stage, list) once. */
static int pipe_graph(struct pl_all *A, struct pl_pipe *pp, const struct pl_srow *rows, size_t n,
		      struct sl_u64map *local, struct pl_edge **edges, size_t *ne)
{
	struct sl_u64map seen = SL_U64MAP_INIT;
	size_t cap = 0, unknown = 0;
	int rc = SL_ENOMEM;

	*edges = NULL;
	*ne = 0;
	for (size_t i = 0; i < n; i++) {
		const struct pl_srow *w = &rows[i];
		uint32_t *v, to;
		int added;
		size_t len;
		const char *s;

		if (w->deps == UINT32_MAX)
			continue;
		if (sl_u64map_put(&seen, (uint64_t)w->stage << 32 | w->deps, &v, &added))
			goto out;
		if (!added)
			continue;
		to = *sl_u64map_get(local, w->stage);
		s = sl_dict_get(A->names, w->deps, &len);
		for (size_t a = 0, z; a < len; a = z + 1) {
			uint32_t code, *from;

			for (z = a; z < len && s[z] != ';'; z++)
				;
			/* blanks around an id do not count */
			size_t x = a, y = z;

			while (x < y && (s[x] == ' ' || s[x] == '\t'))
				x++;
			while (y > x && (s[y - 1] == ' ' || s[y - 1] == '\t'))
				y--;
			if (x == y)
				continue;
			if (sl_dict_intern(A->names, s + x, y - x, &code))
				goto out;
			s = sl_dict_get(A->names, w->deps, &len); /* the dictionary may move */
			if (!(from = sl_u64map_get(local, code))) {
				size_t sn;
				const char *sname = sl_dict_get(A->names, w->stage, &sn);

				if (unknown++ < 3 &&
				    warn(pp, "stage '%.*s' depends on unknown stage '%.*s'",
					 (int)(sn > 80 ? 80 : sn), sname,
					 (int)(y - x > 80 ? 80 : y - x), s + x))
					goto out;
				continue;
			}
			if (sl_grow(edges, &cap, *ne + 1, sizeof(**edges)))
				goto out;
			(*edges)[(*ne)++] = (struct pl_edge){*from, to};
		}
	}
	if (unknown > 3 && warn(pp, "%zu more unknown dependencies", unknown - 3))
		goto out;
	rc = SL_OK;
out:
	sl_u64map_release(&seen);
	return rc;
}

static int analyse_pipe(struct pl_all *A, const struct pl_config *cfg, struct pl_pipe *pp,
			struct pl_srow *rows, size_t n)
{
	struct sl_u64map local = SL_U64MAP_INIT;
	struct pl_edge *edges = NULL;
	struct pl_run *runs = NULL;
	size_t ne = 0, ns = 0;
	int rc = SL_ENOMEM;

	/* the pipeline's stages, by name */
	for (size_t i = 0; i < n; i++) {
		uint32_t *v;
		int added;

		if (sl_u64map_put(&local, rows[i].stage, &v, &added))
			goto out;
		if (added) {
			if (sl_grow(&pp->stages, &pp->stagecap, ns + 1, sizeof(*pp->stages)))
				goto out;
			pp->stages[ns++] = rows[i].stage;
		}
	}
	pp->nstages = ns;
	if (ns > PL_MAX_STAGES) {
		rc = warn(pp, "%zu stages, more than %d: not analysed", ns, PL_MAX_STAGES);
		goto out;
	}
	sl_sort(pp->stages, ns, sizeof(*pp->stages), cmp_code);
	for (size_t s = 0; s < ns; s++)
		*sl_u64map_get(&local, pp->stages[s]) = (uint32_t)s;
	if (pipe_graph(A, pp, rows, n, &local, &edges, &ne))
		goto out;
	if (!(runs = malloc(n * sizeof(*runs))))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct pl_srow *w = &rows[i];
		const struct pl_exec *x = find_exec(A, w->pipe, w->exec);
		struct pl_run *r = &runs[i];

		memset(r, 0, sizeof(*r));
		r->exec = w->exec;
		r->stage = *sl_u64map_get(&local, w->stage);
		r->attempt = w->attempt;
		r->status = w->status;
		r->has_end = w->has_end;
		r->has_dur = w->has_dur;
		r->has_timeout = w->has_timeout;
		r->start = w->start;
		r->end = w->end;
		r->dur = w->dur;
		r->timeout_ms = w->timeout_ms;
		if (x) {
			r->has_exec_start = 1;
			r->exec_start = x->start;
		}
	}
	if ((rc = pipeline_analyze_one(ns, edges, ne, runs, n, cfg, &pp->res)))
		goto out;
	pp->analysed = 1;
	if (pp->res.cycle) {
		size_t sn;
		const char *sname = sl_dict_get(A->names, pp->stages[pp->res.cycle_stage], &sn);

		if ((rc = warn(pp, "depends_on has a cycle through stage '%.*s': no critical path",
			       (int)(sn > 80 ? 80 : sn), sname)))
			goto out;
	}
	if (pp->res.missing_end &&
	    (rc = warn(pp, "%llu finished stage runs have no end time or duration",
		       (unsigned long long)pp->res.missing_end)))
		goto out;
	rc = SL_OK;
out:
	sl_u64map_release(&local);
	free(edges);
	free(runs);
	return rc;
}

/* Per-execution samples of the duration model: log(duration / critical
 * path) against the time of day, weekend and trigger. */
static const char *const trigger_names[] = {"pull_request", "manual", "schedule"};

void pipeline_features(int64_t start, const char *trigger, size_t tn, double *x)
{
	int64_t day = start >= 0 ? start / DAY_MS : -((-start + DAY_MS - 1) / DAY_MS);
	int hour = (int)((start - day * DAY_MS) / HOUR_MS);
	int wd = (int)(((day + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday; 0 = Monday */

	x[PF_INTERCEPT] = 1;
	x[PF_NIGHT] = hour < 6;
	x[PF_AFTERNOON] = hour >= 12 && hour < 18;
	x[PF_EVENING] = hour >= 18;
	x[PF_WEEKEND] = wd >= 5;
	for (int k = 0; k < 3; k++)
		x[PF_PULL_REQUEST + k] = is_str(trigger, tn, trigger_names[k]);
}

const char *const pipeline_factor_names[PF_N] = {
	"intercept", "night (00-06 UTC)", "afternoon (12-18 UTC)", "evening (18-24 UTC)",
	"weekend", "trigger pull_request", "trigger manual", "trigger schedule"};

static int fit_model(struct pl_all *A)
{
	size_t n = 0, cap = 0;
	double *X = NULL, *y = NULL;
	int used[PF_N], p = 0, rc = SL_ENOMEM;
	size_t ones[PF_N] = {0};
	gsl_matrix *gx = NULL, *cov = NULL;
	gsl_vector *gy = NULL, *c = NULL;
	gsl_multifit_linear_workspace *ws = NULL;
	double chisq;
	struct pl_model *m = &A->model;

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < A->nexec; i++) {
		const struct pl_exec *x = &A->execs[i];
		const struct pl_pipe *pp = x->pipe < A->npipe_by_code ? A->pipe_by_code[x->pipe]
								       : NULL;
		size_t tn = 0;
		const char *tr = x->has_trigger ? sl_dict_get(A->names, x->trigger, &tn) : NULL;

		if (!pp || !pp->analysed || !pp->res.has_cp || pp->res.cp_ms <= 0 ||
		    x->status != PL_SUCCESS || !x->has_dur || x->dur <= 0)
			continue;
		if (sl_grow(&X, &cap, (n + 1) * PF_N, sizeof(*X)) ||
		    !(y = realloc(y, (n + 1) * sizeof(*y))))
			goto out;
		pipeline_features(x->start, tr, tn, X + n * PF_N);
		y[n] = log((double)x->dur / (double)pp->res.cp_ms);
		for (int k = 0; k < PF_N; k++)
			ones[k] += X[n * PF_N + k] != 0;
		n++;
	}
	/* a factor seen fewer than twice cannot be estimated: left out (1x) */
	for (int k = 0; k < PF_N; k++) {
		used[k] = k == PF_INTERCEPT || (ones[k] >= 2 && ones[k] + 2 <= n);
		p += used[k];
	}
	m->samples = n;
	if (n < (size_t)p + 2) {
		rc = SL_OK;
		goto out;
	}
	gx = gsl_matrix_alloc(n, (size_t)p);
	gy = gsl_vector_alloc(n);
	c = gsl_vector_alloc((size_t)p);
	cov = gsl_matrix_alloc((size_t)p, (size_t)p);
	ws = gsl_multifit_linear_alloc(n, (size_t)p);
	if (!gx || !gy || !c || !cov || !ws)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int j = 0;

		for (int k = 0; k < PF_N; k++)
			if (used[k])
				gsl_matrix_set(gx, i, (size_t)j++, X[i * PF_N + k]);
		gsl_vector_set(gy, i, y[i]);
	}
	if (gsl_multifit_linear(gx, gy, c, cov, &chisq, ws)) {
		rc = SL_OK; /* no model: the predictions stay null */
		goto out;
	}
	m->dof = (double)(n - (size_t)p);
	m->sigma2 = chisq / m->dof;
	for (int k = 0, j = 0; k < PF_N; k++) {
		m->used[k] = (uint8_t)used[k];
		m->ones[k] = ones[k];
		if (!used[k])
			continue;
		m->coef[k] = gsl_vector_get(c, (size_t)j);
		for (int k2 = 0, j2 = 0; k2 < PF_N; k2++)
			if (used[k2])
				m->cov[k][k2] = gsl_matrix_get(cov, (size_t)j, (size_t)j2++);
		j++;
	}
	m->fitted = 1;
	rc = SL_OK;
out:
	gsl_matrix_free(gx);
	gsl_matrix_free(cov);
	gsl_vector_free(gy);
	gsl_vector_free(c);
	if (ws)
		gsl_multifit_linear_free(ws);
	free(X);
	free(y);
	return rc;
}

int pipeline_predict(const struct pl_model *m, int64_t cp_ms, const double *x, double *mid,
		     double *lo, double *hi)
{
	double yh = 0, var, t;

	if (!m->fitted || cp_ms <= 0)
		return -1;
	var = m->sigma2;
	for (int k = 0; k < PF_N; k++) {
		if (!m->used[k])
			continue;
		yh += m->coef[k] * x[k];
		for (int k2 = 0; k2 < PF_N; k2++)
			if (m->used[k2])
				var += x[k] * m->cov[k][k2] * x[k2];
	}
	t = gsl_cdf_tdist_Pinv(0.95, m->dof);
	*mid = (double)cp_ms * exp(yh);
	*lo = (double)cp_ms * exp(yh - t * sqrt(var));
	*hi = (double)cp_ms * exp(yh + t * sqrt(var));
	return 0;
}

static void pl_config_from(const struct analyze_config *c, struct pl_config *pc)
{
	pc->bottleneck_share = c->pipe_bottleneck_share;
	pc->timeout_factor = c->pipe_timeout_factor;
	pc->timeout_loose = c->pipe_timeout_loose;
	pc->retry_low = c->pipe_retry_low;
	pc->retry_high = c->pipe_retry_high;
	pc->parallel_share = c->pipe_parallel_share;
	pc->redundant_min_runs = c->pipe_redundant_min_runs;
	pc->retry_min = c->pipe_retry_min;
}

int pipeline_build(const struct analyze_params *p, const struct sl_store *st, struct pl_all *A,
		   int quiet, struct sl_errctx *err)
{
	struct pl_config cfg;
	uint32_t *codes = NULL;
	size_t ncodes = 0, cap = 0;
	int rc;

	memset(A, 0, sizeof(*A));
	pl_config_from(&p->cfg, &cfg);
	if (!(A->names = sl_dict_new()))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = scan_execs(p, st, A, err)) || (rc = scan_stages(p, st, A, err)))
		return rc;
	sort_names = A->names;
	{
		uint32_t nc = sl_dict_count(A->names), *by = malloc((nc + 1) * sizeof(*by));

		free(sort_rank);
		if (!by || !(sort_rank = malloc((nc + 1) * sizeof(*sort_rank)))) {
			free(by);
			goto nomem;
		}
		for (uint32_t c = 0; c < nc; c++)
			by[c] = c;
		sl_sort(by, nc, sizeof(*by), cmp_code);
		for (uint32_t k = 0; k < nc; k++)
			sort_rank[by[k]] = k;
		free(by);
	}
	sl_sort(A->rows, A->nrows, sizeof(*A->rows), cmp_srow);
	sl_sort(A->execs, A->nexec, sizeof(*A->execs), cmp_exec);
	free(sort_rank);
	sort_rank = NULL;
	for (size_t i = 0; i < A->nexec; i++) {
		uint32_t *v;
		int added;

		if (sl_u64map_put(&A->execmap, exec_key(A->execs[i].pipe, A->execs[i].exec), &v,
				  &added))
			goto nomem;
		/* a repeated execution keeps its first row */
		if (added)
			*v = (uint32_t)i;
	}
	/* every pipeline named by a run or a stage run, by name */
	A->npipe_by_code = sl_dict_count(A->names);
	{
		uint8_t *seen = calloc(A->npipe_by_code + 1, 1);

		if (!seen)
			goto nomem;
		for (size_t i = 0; i < A->nexec + A->nrows; i++) {
			uint32_t c = i < A->nexec ? A->execs[i].pipe : A->rows[i - A->nexec].pipe;

			if (seen[c])
				continue;
			seen[c] = 1;
			if (sl_grow(&codes, &cap, ncodes + 1, sizeof(*codes))) {
				free(seen);
				goto nomem;
			}
			codes[ncodes++] = c;
		}
		free(seen);
	}
	sl_sort(codes, ncodes, sizeof(*codes), cmp_code);
	if (!(A->pipe_by_code = calloc(A->npipe_by_code + 1, sizeof(*A->pipe_by_code))) ||
	    !(A->pipes = calloc(ncodes + 1, sizeof(*A->pipes))))
		goto nomem;
	for (size_t i = 0; i < ncodes; i++)
		if (!A->npipes || A->pipes[A->npipes - 1].code != codes[i]) {
			A->pipes[A->npipes].code = codes[i];
			A->npipes++;
		}
	for (size_t i = 0; i < A->npipes; i++)
		A->pipe_by_code[A->pipes[i].code] = &A->pipes[i];
	for (size_t i = 0; i < A->nexec; i++) {
		struct pl_pipe *pp = A->pipe_by_code[A->execs[i].pipe];

		if (find_exec(A, A->execs[i].pipe, A->execs[i].exec) != &A->execs[i])
			continue; /* a repeated row of an execution */
		if (sl_grow(&pp->exec_idx, &pp->execcap, pp->nexec + 1, sizeof(*pp->exec_idx)))
			goto nomem;
		pp->exec_idx[pp->nexec++] = (uint32_t)i;
	}
	for (size_t i0 = 0, i1; i0 < A->nrows; i0 = i1) {
		struct pl_pipe *pp = A->pipe_by_code[A->rows[i0].pipe];

		for (i1 = i0; i1 < A->nrows && A->rows[i1].pipe == A->rows[i0].pipe; i1++)
			;
		pp->nruns = i1 - i0;
		if ((rc = analyse_pipe(A, &cfg, pp, A->rows + i0, i1 - i0)))
			goto fail;
		for (size_t i = i0; i < i1; i++) {
			const struct pl_exec *x;

			/* queue: the execution's start to its first stage */
			if ((i == i0 || A->rows[i].exec != A->rows[i - 1].exec) &&
			    (x = find_exec(A, A->rows[i].pipe, A->rows[i].exec))) {
				int64_t first = A->rows[i].start;

				for (size_t k = i; k < i1 && A->rows[k].exec == A->rows[i].exec; k++)
					first = A->rows[k].start < first ? A->rows[k].start : first;
				if (first >= x->start) {
					if (sl_grow(&pp->queue, &pp->queuecap, pp->nqueue + 1,
						    sizeof(*pp->queue)))
						goto nomem;
					pp->queue[pp->nqueue++] = first - x->start;
				}
			}
		}
	}
	if (fit_model(A))
		goto nomem;
	for (size_t i = 0; !quiet && i < A->npipes; i++)
		if (A->pipes[i].warning.len) {
			size_t n;
			const char *s = sl_dict_get(A->names, A->pipes[i].code, &n);

			fprintf(stderr, "shiplog-analyze: warning: pipeline '%.*s': %s\n", (int)n, s,
				sl_buf_cstr(&A->pipes[i].warning));
		}
	free(codes);
	return SL_OK;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
fail:
	if (rc == SL_ENOMEM)
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	free(codes);
	return rc;
}

void pipeline_all_release(struct pl_all *A)
{
	for (size_t i = 0; A->pipes && i < A->npipes; i++) {
		struct pl_pipe *pp = &A->pipes[i];

		pipeline_result_release(&pp->res);
		free(pp->stages);
		free(pp->exec_idx);
		free(pp->queue);
		sl_buf_release(&pp->warning);
	}
	free(A->pipes);
	free(A->pipe_by_code);
	free(A->execs);
	free(A->rows);
	sl_u64map_release(&A->execmap);
	sl_dict_free(A->names);
	memset(A, 0, sizeof(*A));
}

static int64_t nearest_rank(const int64_t *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);

	return v[k ? k - 1 : 0];
}

const char *const pipeline_kind_names[PL_S_NKINDS] = {
	"bottleneck", "parallel", "redundant", "timeout_too_tight", "timeout_too_loose",
	"retry_rarely_succeeds", "flaky_passes_on_retry"};

int pipeline_suggestion_text(const struct pl_all *A, const struct pl_pipe *pp,
			     const struct pl_suggestion *s, char *buf, size_t cap)
{
	size_t an, bn = 0;
	const char *a = sl_dict_get(A->names, pp->stages[s->stage], &an), *b = "";
	const struct pl_stage_stats *x = &pp->res.st[s->stage];
	int ia, ib;

	if (s->other != UINT32_MAX)
		b = sl_dict_get(A->names, pp->stages[s->other], &bn);
	ia = (int)(an > 80 ? 80 : an);
	ib = (int)(bn > 80 ? 80 : bn);
	switch (s->kind) {
	case PL_S_BOTTLENECK:
		return snprintf(buf, cap, "'%.*s' takes %.0f%% of the critical path (median %.1f s)",
				ia, a, 100 * s->value, (double)x->p50 / 1000);
	case PL_S_PARALLEL:
		return snprintf(buf, cap,
				"'%.*s' and '%.*s' ran one after another in %.0f%% of their runs "
				"with no dependency between them: side by side saves %.1f s",
				ia, a, ib, b, 100 * s->value, (double)s->saving_ms / 1000);
	case PL_S_REDUNDANT:
		return snprintf(buf, cap, "'%.*s' never failed in %.0f finished runs: candidate "
				"to drop or run less often", ia, a, s->value);
	case PL_S_TIMEOUT_TIGHT:
		return snprintf(buf, cap, "timeout of '%.*s' (%.0f s) is below its p99 (%.1f s): "
				"raise it to %.0f s", ia, a, (double)x->timeout_ms / 1000,
				(double)x->p99 / 1000, ceil(s->value / 1000));
	case PL_S_TIMEOUT_LOOSE:
		return snprintf(buf, cap, "timeout of '%.*s' (%.0f s) is over 10x its p99 (%.1f s): "
				"lower it to %.0f s", ia, a, (double)x->timeout_ms / 1000,
				(double)x->p99 / 1000, ceil(s->value / 1000));
	case PL_S_RETRY_USELESS:
		return snprintf(buf, cap, "retries of '%.*s' succeed %.0f%% of the time: stop "
				"retrying, fail fast", ia, a, 100 * s->value);
	default:
		return snprintf(buf, cap, "'%.*s' passes on retry %.0f%% of the time: flaky, "
				"keep one retry and fix the flakiness", ia, a, 100 * s->value);
	}
}

/* The critical path as "a > b > c" into buf. */
static int path_text(const struct pl_all *A, const struct pl_pipe *pp, struct sl_buf *buf)
{
	sl_buf_reset(buf);
	for (size_t i = 0; i < pp->res.npath; i++) {
		size_t n;
		const char *s = sl_dict_get(A->names, pp->stages[pp->res.path[i]], &n);

		if ((i && sl_buf_add(buf, " > ", 3)) || sl_buf_add(buf, s, n))
			return SL_ENOMEM;
	}
	return SL_OK;
}

static void set_opt_i64(struct sl_table *t, int c, int has, int64_t v)
{
	if (has)
		sl_table_set_i64(t, c, v);
}

static int write_pipelines(const struct pl_all *A, struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(SL_T_PIPELINES);
	struct sl_buf path = SL_BUF_INIT;
	int64_t *d = NULL;
	size_t dcap = 0;
	int rc = SL_ENOMEM;

	if (!t)
		return SL_ENOMEM;
	for (size_t i = 0; i < A->npipes; i++) {
		const struct pl_pipe *pp = &A->pipes[i];
		const struct pl_result *r = &pp->res;
		uint64_t fin = 0, ok = 0, bad = 0;
		size_t nd = 0;
		double x[PF_N], mid, lo, hi;

		for (size_t k = 0; k < pp->nexec; k++) {
			const struct pl_exec *e = &A->execs[pp->exec_idx[k]];
			int f = sl_ci_finished((enum sl_ci_status)e->status);

			fin += f;
			ok += e->status == PL_SUCCESS;
			bad += e->status == PL_FAILED || e->status == PL_CANCELLED;
			if (f && e->has_dur) {
				if (sl_grow(&d, &dcap, nd + 1, sizeof(*d)))
					goto out;
				d[nd++] = e->dur;
			}
		}
		sl_sort_i64(d, nd);
		if (sl_table_add_row(t) ||
		    table_set_name(t, SL_PIPELINES_PIPELINE_ID, A->names, pp->code))
			goto out;
		sl_table_set_i64(t, SL_PIPELINES_EXECUTIONS, (int64_t)pp->nexec);
		sl_table_set_i64(t, SL_PIPELINES_FINISHED, (int64_t)fin);
		sl_table_set_i64(t, SL_PIPELINES_SUCCESSFUL, (int64_t)ok);
		sl_table_set_i64(t, SL_PIPELINES_FAILED, (int64_t)bad);
		if (fin)
			sl_table_set_f64(t, SL_PIPELINES_SUCCESS_RATE, (double)ok / (double)fin);
		set_opt_i64(t, SL_PIPELINES_P50_DURATION_MS, nd > 0,
			    nd ? nearest_rank(d, nd, 0.5) : 0);
		set_opt_i64(t, SL_PIPELINES_P95_DURATION_MS, nd > 0,
			    nd ? nearest_rank(d, nd, 0.95) : 0);
		if (pp->nqueue) {
			sl_sort_i64(pp->queue, pp->nqueue);
			sl_table_set_i64(t, SL_PIPELINES_QUEUE_P50_MS,
					 nearest_rank(pp->queue, pp->nqueue, 0.5));
		}
		sl_table_set_i64(t, SL_PIPELINES_STAGES, (int64_t)pp->nstages);
		sl_table_set_i64(t, SL_PIPELINES_STAGE_RUNS, (int64_t)pp->nruns);
		if (pp->analysed && r->has_cp) {
			if (path_text(A, pp, &path) ||
			    sl_table_set_str(t, SL_PIPELINES_CRITICAL_PATH, path.data, path.len))
				goto out;
			sl_table_set_i64(t, SL_PIPELINES_CRITICAL_PATH_MS, r->cp_ms);
		}
		set_opt_i64(t, SL_PIPELINES_CURRENT_MS, pp->analysed && r->has_current,
			    r->current_ms);
		if (pp->analysed) {
			sl_table_set_f64(t, SL_PIPELINES_CURRENT_EFFICIENCY, r->current_eff);
			sl_table_set_f64(t, SL_PIPELINES_POTENTIAL_EFFICIENCY, r->potential_eff);
			set_opt_i64(t, SL_PIPELINES_ESTIMATED_TIME_SAVED_MS, !isnan(r->current_eff),
				    r->saved_ms);
		}
		/* the model's reference conditions: a push on a weekday morning */
		pipeline_features(6 * HOUR_MS, "push", 4, x);
		if (pp->analysed && r->has_cp &&
		    !pipeline_predict(&A->model, r->cp_ms, x, &mid, &lo, &hi)) {
			sl_table_set_f64(t, SL_PIPELINES_PREDICTED_MS, mid);
			sl_table_set_f64(t, SL_PIPELINES_PREDICTED_LOWER_MS, lo);
			sl_table_set_f64(t, SL_PIPELINES_PREDICTED_UPPER_MS, hi);
		}
		if (pp->warning.len &&
		    sl_table_set_str(t, SL_PIPELINES_WARNING, pp->warning.data, pp->warning.len))
			goto out;
	}
	rc = sl_analysis_add(a, t);
	t = NULL;
out:
	sl_table_free(t);
	sl_buf_release(&path);
	free(d);
	return rc;
}

static int write_stages(const struct pl_all *A, const struct analyze_config *c,
			struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(SL_T_STAGES);

	if (!t)
		return SL_ENOMEM;
	for (size_t i = 0; i < A->npipes; i++) {
		const struct pl_pipe *pp = &A->pipes[i];

		for (size_t s = 0; pp->analysed && s < pp->nstages; s++) {
			const struct pl_stage_stats *x = &pp->res.st[s];

			if (sl_table_add_row(t) ||
			    table_set_name(t, SL_STAGES_PIPELINE_ID, A->names, pp->code) ||
			    table_set_name(t, SL_STAGES_STAGE_ID, A->names, pp->stages[s])) {
				sl_table_free(t);
				return SL_ENOMEM;
			}
			sl_table_set_i64(t, SL_STAGES_RUNS, (int64_t)x->runs);
			sl_table_set_i64(t, SL_STAGES_FINISHED, (int64_t)x->finished);
			sl_table_set_i64(t, SL_STAGES_FAILED, (int64_t)x->failed);
			if (x->finished)
				sl_table_set_f64(t, SL_STAGES_FAILURE_RATE,
						 (double)x->failed / (double)x->finished);
			set_opt_i64(t, SL_STAGES_P50_MS, x->has_dur, x->p50);
			set_opt_i64(t, SL_STAGES_P95_MS, x->has_dur, x->p95);
			set_opt_i64(t, SL_STAGES_P99_MS, x->has_dur, x->p99);
			sl_table_set_i64(t, SL_STAGES_RETRIES, (int64_t)x->retries);
			if (x->runs)
				sl_table_set_f64(t, SL_STAGES_RETRY_RATE,
						 (double)x->retries / (double)x->runs);
			if (x->retries_finished)
				sl_table_set_f64(t, SL_STAGES_RETRY_SUCCESS_RATE,
						 (double)x->retries_succeeded /
							 (double)x->retries_finished);
			set_opt_i64(t, SL_STAGES_WAIT_P50_MS, x->waits > 0, x->wait_p50);
			set_opt_i64(t, SL_STAGES_TIMEOUT_MS, x->has_timeout, x->timeout_ms);
			set_opt_i64(t, SL_STAGES_RECOMMENDED_TIMEOUT_MS, x->has_dur,
				    (int64_t)ceil((double)x->p99 * c->pipe_timeout_factor));
			if (pp->res.has_cp) {
				sl_table_set_bool(t, SL_STAGES_ON_CRITICAL_PATH,
						  x->on_critical_path);
				if (x->on_critical_path)
					sl_table_set_f64(t, SL_STAGES_CRITICAL_PATH_SHARE,
							 x->cp_share);
			}
		}
	}
	return sl_analysis_add(a, t);
}

static int append_suggestions(const struct pl_all *A, const struct pl_pipe *pp,
			      struct sl_table *t)
{
	char msg[512];

	for (int kind = 0; pp->analysed && kind < PL_S_NKINDS; kind++)
		for (size_t k = 0; k < pp->res.nsug; k++) {
			const struct pl_suggestion *s = &pp->res.sug[k];
			int n;

			if (s->kind != kind)
				continue;
			n = pipeline_suggestion_text(A, pp, s, msg, sizeof(msg));
			if (n < 0)
				n = 0;
			if ((size_t)n >= sizeof(msg))
				n = sizeof(msg) - 1;
			if (sl_table_add_row(t) ||
			    table_set_name(t, SL_PIPELINE_SUGGESTIONS_PIPELINE_ID, A->names,
					   pp->code) ||
			    sl_table_set_str(t, SL_PIPELINE_SUGGESTIONS_KIND,
					     pipeline_kind_names[kind],
					     strlen(pipeline_kind_names[kind])) ||
			    table_set_name(t, SL_PIPELINE_SUGGESTIONS_STAGE_ID, A->names,
					   pp->stages[s->stage]) ||
			    (s->other != UINT32_MAX &&
			     table_set_name(t, SL_PIPELINE_SUGGESTIONS_OTHER_STAGE_ID, A->names,
					    pp->stages[s->other])) ||
			    sl_table_set_str(t, SL_PIPELINE_SUGGESTIONS_MESSAGE, msg, (size_t)n))
				return SL_ENOMEM;
			sl_table_set_f64(t, SL_PIPELINE_SUGGESTIONS_VALUE, s->value);
			if (kind == PL_S_PARALLEL)
				sl_table_set_i64(t, SL_PIPELINE_SUGGESTIONS_SAVING_MS,
						 s->saving_ms);
		}
	return SL_OK;
}

static int write_suggestions(const struct pl_all *A, struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(SL_T_PIPELINE_SUGGESTIONS);

	if (!t)
		return SL_ENOMEM;
	for (size_t i = 0; i < A->npipes; i++)
		if (append_suggestions(A, &A->pipes[i], t)) {
			sl_table_free(t);
			return SL_ENOMEM;
		}
	return sl_analysis_add(a, t);
}

static int write_factors(const struct pl_all *A, struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(SL_T_PIPELINE_FACTORS);
	const struct pl_model *m = &A->model;

	if (!t)
		return SL_ENOMEM;
	for (int k = 0; k < PF_N; k++) {
		if (sl_table_add_row(t) ||
		    sl_table_set_str(t, SL_PIPELINE_FACTORS_FACTOR, pipeline_factor_names[k],
				     strlen(pipeline_factor_names[k]))) {
			sl_table_free(t);
			return SL_ENOMEM;
		}
		sl_table_set_i64(t, SL_PIPELINE_FACTORS_SAMPLES,
				 (int64_t)(k == PF_INTERCEPT ? m->samples : m->ones[k]));
		if (!m->fitted || !m->used[k])
			continue;
		sl_table_set_f64(t, SL_PIPELINE_FACTORS_COEFFICIENT, m->coef[k]);
		sl_table_set_f64(t, SL_PIPELINE_FACTORS_MULTIPLIER, exp(m->coef[k]));
		sl_table_set_f64(t, SL_PIPELINE_FACTORS_STD_ERROR, sqrt(m->cov[k][k]));
	}
	if (sl_table_add_row(t) || sl_table_set_str(t, SL_PIPELINE_FACTORS_FACTOR, "residual", 8)) {
		sl_table_free(t);
		return SL_ENOMEM;
	}
	sl_table_set_i64(t, SL_PIPELINE_FACTORS_SAMPLES, (int64_t)m->samples);
	if (m->fitted)
		sl_table_set_f64(t, SL_PIPELINE_FACTORS_STD_ERROR, sqrt(m->sigma2));
	return sl_analysis_add(a, t);
}

int pipeline_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err)
{
	struct pl_all A;
	int rc = pipeline_build(p, st, &A, 0, err);

	(void)f; /* not read from the frame yet */

	if (rc)
		goto out;
	if (write_pipelines(&A, a) || write_stages(&A, &p->cfg, a) ||
	    write_suggestions(&A, a) ||
	    write_factors(&A, a)) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	rc = gates_run(p, st, a, err);
out:
	pipeline_all_release(&A);
	return rc;
}

static int summary_row(struct sl_table *t, const struct pl_all *A, const struct pl_pipe *pp,
		       const char *kind, double value, const char *msg)
{
	if (sl_table_add_row(t) ||
	    table_set_name(t, SL_PIPELINE_SUGGESTIONS_PIPELINE_ID, A->names, pp->code) ||
	    sl_table_set_str(t, SL_PIPELINE_SUGGESTIONS_KIND, kind, strlen(kind)) ||
	    sl_table_set_str(t, SL_PIPELINE_SUGGESTIONS_MESSAGE, msg, strlen(msg)))
		return SL_ENOMEM;
	sl_table_set_f64(t, SL_PIPELINE_SUGGESTIONS_VALUE, value);
	return SL_OK;
}

/* The conditions of a prediction from --arg trigger=, hour=, weekday=. */
static int conditions(const struct analyze_params *p, int64_t *start, const char **trigger)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	const char *h = query_arg(p, "hour"), *w = query_arg(p, "weekday");
	long hour = 10;
	int wd = 0;
	char *end;

	*trigger = query_arg_or(p, "trigger", "push");
	if (h) {
		hour = strtol(h, &end, 10);
		if (!*h || *end || hour < 0 || hour > 23) {
			fprintf(stderr, "shiplog-analyze: hour wants 0 to 23, not '%s'\n", h);
			return -1;
		}
	}
	if (w) {
		for (wd = 0; wd < 7 && strncasecmp(w, days[wd], 3); wd++)
			;
		if (wd == 7 || strlen(w) < 3) {
			fprintf(stderr, "shiplog-analyze: weekday wants mon to sun, not '%s'\n", w);
			return -1;
		}
	}
	/* 1970-01-05 was a Monday */
	*start = (4 + wd) * DAY_MS + hour * HOUR_MS;
	return 0;
}

int pipeline_query_optimization(const struct analyze_params *p, const struct sl_store *st,
				struct sl_errctx *err)
{
	struct pl_all A;
	struct sl_table *t = NULL;
	const struct pl_pipe *pp = NULL;
	struct sl_buf path = SL_BUF_INIT;
	char msg[512];
	const char *trigger;
	int64_t start;
	double x[PF_N], mid, lo, hi;
	int rc;

	if (conditions(p, &start, &trigger))
		return 1;
	if ((rc = pipeline_build(p, st, &A, 1, err)))
		goto out;
	for (size_t i = 0; i < A.npipes && !pp; i++) {
		size_t n;
		const char *s = sl_dict_get(A.names, A.pipes[i].code, &n);

		if (n == strlen(p->query_id) && !memcmp(s, p->query_id, n))
			pp = &A.pipes[i];
	}
	if (!pp) {
		fprintf(stderr, "shiplog-analyze: no pipeline '%s'\n", p->query_id);
		rc = 1;
		goto out;
	}
	if (!(t = sl_table_new_def(SL_T_PIPELINE_OPTIMIZATION)))
		goto nomem;
	if (pp->warning.len && summary_row(t, &A, pp, "warning", NAN, sl_buf_cstr(&pp->warning)))
		goto nomem;
	if (pp->analysed && pp->res.has_cp) {
		const struct pl_result *r = &pp->res;

		if (path_text(&A, pp, &path) ||
		    summary_row(t, &A, pp, "critical_path", (double)r->cp_ms, sl_buf_cstr(&path)))
			goto nomem;
		if (!isnan(r->current_eff)) {
			snprintf(msg, sizeof(msg),
				 "runs take %.1f s (median), the graph allows %.1f s: efficiency %.0f%% "
				 "now, %.0f%% with the parallel runs below, %.1f s saved",
				 (double)r->current_ms / 1000, (double)r->cp_ms / 1000,
				 100 * r->current_eff, 100 * r->potential_eff,
				 (double)r->saved_ms / 1000);
			if (summary_row(t, &A, pp, "efficiency", r->current_eff, msg) ||
			    summary_row(t, &A, pp, "potential_efficiency", r->potential_eff, msg) ||
			    summary_row(t, &A, pp, "estimated_time_saved_ms", (double)r->saved_ms,
					msg))
				goto nomem;
		}
		pipeline_features(start, trigger, strlen(trigger), x);
		if (!pipeline_predict(&A.model, r->cp_ms, x, &mid, &lo, &hi)) {
			snprintf(msg, sizeof(msg),
				 "%.1f s, 90%% interval %.1f to %.1f s (trigger %.40s, %s, %s)",
				 mid / 1000, lo / 1000, hi / 1000, trigger,
				 x[PF_WEEKEND] ? "weekend" : "weekday",
				 x[PF_NIGHT]	 ? "night"
				 : x[PF_AFTERNOON] ? "afternoon"
				 : x[PF_EVENING]   ? "evening"
						   : "morning");
			if (summary_row(t, &A, pp, "predicted_duration_ms", mid, msg))
				goto nomem;
		}
	}
	if (append_suggestions(&A, pp, t))
		goto nomem;
	rc = query_print_table(p, t);
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(t);
	sl_buf_release(&path);
	pipeline_all_release(&A);
	return rc;
}
