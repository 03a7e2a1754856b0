/* pipeline.c - the pipeline tables from the store: the runs model
 * (runs.c) streams each pipeline's stage runs into its analysis
 * (pipegraph.c), then a duration model over all of them, and the quality
 * gates. */
#include "pipeline.h"
#include "common.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_stats.h"
#include "sl_dict.h"
#include "pipeline_int.h"
#include "query.h"
#include "window.h"
#include <strings.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL

static int warn(struct pl_pipe *pp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int pipe_figures(struct pl_all *A);

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


/* Calls f(A, pp, d, name, len, code) for each stage id of the depends_on
 * list of d (";"-separated; blanks around an id do not count), code its
 * stage index in the pipeline or UINT32_MAX for an unknown stage. */
static int each_dep(struct pl_all *A, struct pl_pipe *pp, const struct runs_deps *d,
		    int (*f)(struct pl_all *, struct pl_pipe *, const struct runs_deps *,
			     const char *, size_t, uint32_t, void *),
		    void *ctx)
{
	size_t len;
	const char *s = sl_dict_get(A->names, d->deps, &len);

	for (size_t a = 0, z; a < len; a = z + 1) {
		uint32_t code, *from;
		size_t x, y;
		int rc;

		for (z = a; z < len && s[z] != ';'; z++)
			;
		x = a;
		y = z;
		while (x < y && (s[x] == ' ' || s[x] == '\t'))
			x++;
		while (y > x && (s[y - 1] == ' ' || s[y - 1] == '\t'))
			y--;
		if (x == y)
			continue;
		if (sl_dict_intern(A->names, s + x, y - x, &code))
			return SL_ENOMEM;
		s = sl_dict_get(A->names, d->deps, &len); /* the dictionary may move */
		from = sl_u64map_get(&A->R.stage_of, (uint64_t)pp->code << 32 | code);
		if ((rc = f(A, pp, d, s + x, y - x, from ? *from : UINT32_MAX, ctx)))
			return rc;
	}
	return SL_OK;
}

struct edges {
	struct pl_edge *e;
	size_t n, cap;
};

static int add_edge(struct pl_all *A, struct pl_pipe *pp, const struct runs_deps *d,
		    const char *name, size_t len, uint32_t from, void *ctx)
{
	struct edges *E = ctx;

	(void)A;
	(void)pp;
	(void)name;
	(void)len;
	if (from == UINT32_MAX)
		return SL_OK;
	if (sl_grow(&E->e, &E->cap, E->n + 1, sizeof(*E->e)))
		return SL_ENOMEM;
	E->e[E->n++] = (struct pl_edge){from, *sl_u64map_get(&A->R.stage_of,
							    (uint64_t)pp->code << 32 | d->stage)};
	return SL_OK;
}

static int warn_unknown(struct pl_all *A, struct pl_pipe *pp, const struct runs_deps *d,
			const char *name, size_t len, uint32_t from, void *ctx)
{
	size_t *unknown = ctx, sn;
	const char *sname;

	if (from != UINT32_MAX || (*unknown)++ >= 3)
		return SL_OK;
	sname = sl_dict_get(A->names, d->stage, &sn);
	return warn(pp, "stage '%.*s' depends on unknown stage '%.*s'", (int)(sn > 80 ? 80 : sn),
		    sname, (int)(len > 80 ? 80 : len), name);
}

/* A pipeline's analysis before its stage runs are read: its stages and
 * the graph of their depends_on lists. */
int pipeline_begin(struct pl_all *A, struct pl_pipe *pp, const struct runs_pipe *rp)
{
	struct edges E = {0};
	int rc = SL_ENOMEM;

	pp->code = rp->code;
	pp->stages = rp->stages;
	pp->nstages = rp->nstages;
	pp->x0 = rp->x0;
	pp->x1 = rp->x1;
	for (size_t k = rp->x0; k < rp->x1; k++)
		pp->nexec += A->R.x_first[k];
	if (!rp->nstages)
		return SL_OK;
	if (rp->nstages > PL_MAX_STAGES)
		return warn(pp, "%zu stages, more than %d: not analysed", rp->nstages,
			    PL_MAX_STAGES);
	for (size_t i = 0; i < rp->ndeps; i++)
		if ((rc = each_dep(A, pp, &rp->deps[i], add_edge, &E)))
			goto out;
	rc = (pp->acc = pl_acc_new(pp->nstages, E.e, E.n)) ? SL_OK : SL_ENOMEM;
out:
	free(E.e);
	return rc;
}

static int cmp_deps(const void *x, const void *y)
{
	const struct runs_deps *a = x, *b = y;

	if (a->seen != b->seen)
		return b->seen - a->seen;
	return runs_cmp(&a->first, &b->first);
}

/* After its stage runs: the results, and the warnings in the order of the
 * stage runs (a depends_on list at its first run). */
int pipeline_end(struct pl_all *A, struct pl_pipe *pp, struct runs_pipe *rp)
{
	size_t unknown = 0;
	int rc;

	if (!pp->acc)
		return SL_OK;
	sl_sort(rp->deps, rp->ndeps, sizeof(*rp->deps), cmp_deps);
	for (size_t i = 0; i < rp->ndeps; i++)
		if ((rc = each_dep(A, pp, &rp->deps[i], warn_unknown, &unknown)))
			return rc;
	if (unknown > 3 && warn(pp, "%zu more unknown dependencies", unknown - 3))
		return SL_ENOMEM;
	rc = pl_acc_finish(pp->acc, &A->cfg, &pp->res);
	pl_acc_free(pp->acc);
	pp->acc = NULL;
	if (rc)
		return rc;
	pp->analysed = 1;
	if (pp->res.cycle) {
		size_t sn;
		const char *sname = sl_dict_get(A->names, pp->stages[pp->res.cycle_stage], &sn);

		if ((rc = warn(pp, "depends_on has a cycle through stage '%.*s': no critical path",
			       (int)(sn > 80 ? 80 : sn), sname)))
			return rc;
	}
	if (pp->res.missing_end &&
	    (rc = warn(pp, "%llu finished stage runs have no end time or duration",
		       (unsigned long long)pp->res.missing_end)))
		return rc;
	return SL_OK;
}

static void pl_run_of(struct pl_run *r, const struct runs_stage *w)
{
	memset(r, 0, sizeof(*r));
	r->exec = w->exec;
	r->stage = w->stage_idx;
	r->attempt = w->attempt;
	r->status = w->status;
	r->has_end = w->has_end;
	r->has_dur = w->has_dur;
	r->has_timeout = w->has_timeout;
	r->start = w->start;
	r->end = w->end;
	r->dur = w->dur;
	r->timeout_ms = w->timeout_ms;
}

int pipeline_on_row(void *ctx, const struct runs_stage *w)
{
	struct pl_all *A = ctx;
	struct pl_pipe *pp = &A->pipes[w->pipe_idx];
	struct pl_run r;

	pp->nruns++;
	if (!pp->acc)
		return SL_OK;
	pl_run_of(&r, w);
	return pl_acc_row(pp->acc, &r);
}

int pipeline_on_exec(void *ctx, const struct runs_stage *rows, size_t n)
{
	struct pl_all *A = ctx;
	struct pl_pipe *pp = &A->pipes[rows[0].pipe_idx];
	ptrdiff_t x = runs_find_exec(&A->R, rows[0].pipe, rows[0].exec);
	int64_t first = rows[0].start;

	/* queue: the execution's start to its first stage */
	for (size_t i = 1; i < n; i++)
		first = rows[i].start < first ? rows[i].start : first;
	if (x >= 0 && first >= A->R.x_start[x]) {
		if (sl_grow(&pp->queue, &pp->queuecap, pp->nqueue + 1, sizeof(*pp->queue)))
			return SL_ENOMEM;
		pp->queue[pp->nqueue++] = first - A->R.x_start[x];
	}
	if (!pp->acc)
		return SL_OK;
	if (sl_grow(&A->xruns, &A->xcap, n, sizeof(*A->xruns)))
		return SL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		pl_run_of(&A->xruns[i], &rows[i]);
		if (x >= 0) {
			A->xruns[i].has_exec_start = 1;
			A->xruns[i].exec_start = A->R.x_start[x];
		}
	}
	return pl_acc_exec(pp->acc, A->xruns, n);
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

int pipeline_combo(int64_t start, const char *trigger, size_t tn)
{
	double x[PF_N];
	int c;

	pipeline_features(start, trigger, tn, x);
	c = x[PF_NIGHT] ? 1 : x[PF_AFTERNOON] ? 2 : x[PF_EVENING] ? 3 : 0;
	c = c * 2 + (x[PF_WEEKEND] != 0);
	for (int k = 0; k < 3; k++)
		if (x[PF_PULL_REQUEST + k])
			return c * 4 + k + 1;
	return c * 4;
}

void pipeline_combo_x(int combo, double *x)
{
	int t = combo % 4, w = combo / 4 % 2, h = combo / 8;

	memset(x, 0, PF_N * sizeof(*x));
	x[PF_INTERCEPT] = 1;
	if (h)
		x[PF_NIGHT + h - 1] = 1;
	x[PF_WEEKEND] = w;
	if (t)
		x[PF_PULL_REQUEST + t - 1] = 1;
}

/* Adds a successful run of duration d > 0 to the model's sums of pp. */
static int msum_add(struct pl_pipe *pp, int combo, int64_t d)
{
	double y = log((double)d);

	if (!pp->msum && !(pp->msum = calloc(PL_COMBOS, sizeof(*pp->msum))))
		return SL_ENOMEM;
	pp->msum[combo].n++;
	sl_fsum_add(&pp->msum[combo].s, y);
	sl_fsum_add(&pp->msum[combo].q, y * y);
	return SL_OK;
}

/* The model by its normal equations from the per-combination sums: with
 * L = log(critical path), a sample's y is log d - L, so X'X holds counts,
 * X'y and y'y come from the sums of log d and its square, each added up
 * exactly (sl_fsum) over the pipelines and combinations: the fit is the
 * same whatever the order of the runs, and whichever tasks summed them. */
int pipeline_fit(struct pl_all *A)
{
	struct sl_fsum xy[PF_N], yy;
	double xtx[PF_N][PF_N] = {{0}}, x[PF_N], chisq, bxy = 0;
	size_t n = 0, ones[PF_N] = {0};
	int used[PF_N], col[PF_N], p = 0, rc = SL_ENOMEM;
	gsl_matrix *m = NULL, *inv = NULL;
	gsl_vector *b = NULL, *v = NULL;
	struct pl_model *md = &A->model;

	memset(md, 0, sizeof(*md));
	memset(xy, 0, sizeof(xy));
	memset(&yy, 0, sizeof(yy));
	for (size_t i = 0; i < A->npipes; i++) {
		const struct pl_pipe *pp = &A->pipes[i];

		if (!pp->msum || !pp->analysed || !pp->res.has_cp || pp->res.cp_ms <= 0)
			continue;
		for (int c = 0; c < PL_COMBOS; c++) {
			const struct pl_msum *q = &pp->msum[c];
			double L = log((double)pp->res.cp_ms), s, t;

			if (!q->n)
				continue;
			pipeline_combo_x(c, x);
			n += q->n;
			for (int f = 0; f < PF_N; f++)
				ones[f] += x[f] != 0 ? q->n : 0;
			for (int f = 0; f < PF_N; f++)
				for (int g = 0; g < PF_N; g++)
					xtx[f][g] += x[f] * x[g] * (double)q->n;
			/* the sum of y = log d - L over the samples, and of y^2 */
			s = sl_fsum_value(&q->s);
			t = s - (double)q->n * L;
			for (int f = 0; f < PF_N; f++)
				if (x[f])
					sl_fsum_add(&xy[f], t);
			sl_fsum_add(&yy, sl_fsum_value(&q->q));
			sl_fsum_add(&yy, -2 * L * s);
			sl_fsum_add(&yy, (double)q->n * L * L);
		}
	}
	/* a factor seen fewer than twice cannot be estimated: left out (1x) */
	for (int k = 0; k < PF_N; k++) {
		used[k] = k == PF_INTERCEPT || (ones[k] >= 2 && ones[k] + 2 <= n);
		col[k] = p;
		p += used[k];
	}
	md->samples = n;
	for (int k = 0; k < PF_N; k++)
		md->ones[k] = ones[k];
	if (n < (size_t)p + 2)
		return SL_OK;
	m = gsl_matrix_alloc((size_t)p, (size_t)p);
	inv = gsl_matrix_alloc((size_t)p, (size_t)p);
	b = gsl_vector_alloc((size_t)p);
	v = gsl_vector_alloc((size_t)p);
	if (!m || !inv || !b || !v)
		goto out;
	for (int f = 0; f < PF_N; f++) {
		if (!used[f])
			continue;
		gsl_vector_set(v, (size_t)col[f], sl_fsum_value(&xy[f]));
		for (int g = 0; g < PF_N; g++)
			if (used[g])
				gsl_matrix_set(m, (size_t)col[f], (size_t)col[g], xtx[f][g]);
	}
	/* factors always seen together make X'X singular: no model */
	rc = SL_OK;
	if (gsl_linalg_cholesky_decomp1(m) || gsl_linalg_cholesky_solve(m, v, b) ||
	    gsl_matrix_memcpy(inv, m) || gsl_linalg_cholesky_invert(inv))
		goto out;
	for (int f = 0; f < PF_N; f++)
		if (used[f])
			bxy += gsl_vector_get(b, (size_t)col[f]) * sl_fsum_value(&xy[f]);
	/* the residual sum of squares y'y - b'X'y, never below 0 */
	chisq = fmax(0, sl_fsum_value(&yy) - bxy);
	md->dof = (double)(n - (size_t)p);
	md->sigma2 = chisq / md->dof;
	for (int k = 0; k < PF_N; k++) {
		md->used[k] = (uint8_t)used[k];
		if (!used[k])
			continue;
		md->coef[k] = gsl_vector_get(b, (size_t)col[k]);
		for (int k2 = 0; k2 < PF_N; k2++)
			if (used[k2])
				md->cov[k][k2] = md->sigma2 * gsl_matrix_get(inv, (size_t)col[k],
									     (size_t)col[k2]);
	}
	md->fitted = 1;
out:
	gsl_matrix_free(m);
	gsl_matrix_free(inv);
	gsl_vector_free(b);
	gsl_vector_free(v);
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

void pipeline_config(const struct analyze_config *c, struct pl_config *pc)
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
	struct runs_sink sink = {A, pipeline_on_row, pipeline_on_exec};
	int rc;

	memset(A, 0, sizeof(*A));
	pipeline_config(&p->cfg, &A->cfg);
	if ((rc = runs_load(p, st, &A->R, err)))
		return rc;
	A->names = A->R.names;
	if (!(A->pipes = calloc(A->R.npipes + 1, sizeof(*A->pipes))))
		goto nomem;
	A->npipes = A->R.npipes;
	for (size_t i = 0; i < A->npipes; i++)
		if (pipeline_begin(A, &A->pipes[i], &A->R.pipes[i]))
			goto nomem;
	if ((rc = runs_stream(p, st, &A->R, &sink, err)))
		goto fail;
	for (size_t i = 0; i < A->npipes; i++)
		if ((rc = pipeline_end(A, &A->pipes[i], &A->R.pipes[i])))
			goto fail;
	/* what only the stream needed */
	sl_u64map_release(&A->R.last);
	free(A->xruns);
	A->xruns = NULL;
	A->xcap = 0;
#ifdef __GLIBC__
	/* glibc keeps the stream's freed blocks (below its mmap threshold) in
	 * the heap: returned now, the model's matrices do not come on top */
	malloc_trim(0);
#endif
	if (pipe_figures(A) || pipeline_fit(A))
		goto nomem;
	for (size_t i = 0; !quiet && i < A->npipes; i++)
		if (A->pipes[i].warning.len) {
			size_t n;
			const char *s = sl_dict_get(A->names, A->pipes[i].code, &n);

			fprintf(stderr, "shiplog-analyze: warning: pipeline '%.*s': %s\n", (int)n, s,
				sl_buf_cstr(&A->pipes[i].warning));
		}
	return SL_OK;
nomem:
	rc = SL_ENOMEM;
fail:
	if (rc == SL_ENOMEM)
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return rc;
}

void pipeline_all_release(struct pl_all *A)
{
	for (size_t i = 0; A->pipes && i < A->npipes; i++) {
		struct pl_pipe *pp = &A->pipes[i];

		pipeline_result_release(&pp->res);
		pl_acc_free(pp->acc);
		free(pp->queue);
		free(pp->grp[0]);
		free(pp->grp[1]);
		free(pp->msum);
		sl_buf_release(&pp->warning);
	}
	free(A->pipes);
	free(A->xruns);
	runs_release(&A->R);
	memset(A, 0, sizeof(*A));
}

static int64_t nearest_rank(const int64_t *v, size_t n, double q)
{
	return v[pipeline_rank(n, q)];
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

/* The columns of the figures in a table, in the order of
 * SL_RUN_FIGURES_COLS_: executions, finished, successful, failed,
 * success_rate, p50_duration_ms, p95_duration_ms.  The pipelines,
 * pipeline_branches and pipeline_days tables all take them from struct
 * pl_fig, so a pipeline of one branch and one day has the same numbers in
 * the three. */
enum { FIG_EXEC, FIG_FIN, FIG_OK, FIG_BAD, FIG_RATE, FIG_P50, FIG_P95, FIG_N };

size_t pipeline_rank(size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);

	return k ? k - 1 : 0;
}

/* The figures of the runs rows[0..n) (indices of A->R, first rows of
 * their executions); *d is scratch for the durations. */
static int run_figures(const struct runs *R, const uint32_t *rows, size_t n, int64_t **d,
		       size_t *dcap, struct pl_fig *f)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		size_t k = rows[i];
		uint8_t status = R->x_status[k];
		int fin = runs_finished(status);

		f->exec++;
		f->fin += (uint64_t)fin;
		f->ok += status == PL_SUCCESS;
		f->bad += status == PL_FAILED || status == PL_CANCELLED;
		if (fin && (R->x_flags[k] & RUNS_HAS_DUR)) {
			if (sl_grow(d, dcap, f->nd + 1, sizeof(**d)))
				return SL_ENOMEM;
			(*d)[f->nd++] = R->x_dur[k];
		}
	}
	sl_sort_i64(*d, f->nd);
	if (f->nd) {
		f->p50 = nearest_rank(*d, f->nd, 0.5);
		f->p95 = nearest_rank(*d, f->nd, 0.95);
	}
	return SL_OK;
}

static void set_figures(struct sl_table *t, const int *col, const struct pl_fig *f)
{
	sl_table_set_i64(t, col[FIG_EXEC], (int64_t)f->exec);
	sl_table_set_i64(t, col[FIG_FIN], (int64_t)f->fin);
	sl_table_set_i64(t, col[FIG_OK], (int64_t)f->ok);
	sl_table_set_i64(t, col[FIG_BAD], (int64_t)f->bad);
	if (f->fin)
		sl_table_set_f64(t, col[FIG_RATE], (double)f->ok / (double)f->fin);
	set_opt_i64(t, col[FIG_P50], f->nd > 0, f->p50);
	set_opt_i64(t, col[FIG_P95], f->nd > 0, f->p95);
}

/* The first rows of the executions of pipeline pp into *rows (grown as
 * needed), in the one order; their number. */
static int pipe_rows(const struct pl_all *A, const struct pl_pipe *pp, uint32_t **rows,
		     size_t *cap, size_t *n)
{
	*n = 0;
	for (size_t k = pp->x0; k < pp->x1; k++) {
		if (!A->R.x_first[k])
			continue; /* a repeated row of an execution */
		if (sl_grow(rows, cap, *n + 1, sizeof(**rows)))
			return SL_ENOMEM;
		(*rows)[(*n)++] = (uint32_t)k;
	}
	return SL_OK;
}

/* A pipeline's runs grouped: key (a branch code, RUNS_NONE last, or a
 * local day), then the one order. */
struct keyed_row {
	int64_t key;
	uint32_t row;
};

static int cmp_keyed(const void *x, const void *y)
{
	const struct keyed_row *a = x, *b = y;

	if (a->key != b->key)
		return (a->key > b->key) - (a->key < b->key);
	return (a->row > b->row) - (a->row < b->row);
}

/* The figures of pp's runs per branch (by_day 0: byte order, null last)
 * or local day of the start (1: in the --tz zone, as window_day()). */
static int group_figures(const struct pl_all *A, struct pl_pipe *pp, int by_day,
			 const uint32_t *rows0, size_t n, int64_t **d, size_t *dcap)
{
	const struct runs *R = &A->R;
	struct keyed_row *kr = malloc((n ? n : 1) * sizeof(*kr));
	uint32_t *rows = malloc((n ? n : 1) * sizeof(*rows));
	int sorted = 1, rc = SL_ENOMEM;
	size_t cap = 0;

	if (!kr || !rows)
		goto out;
	for (size_t k = 0; k < n; k++) {
		kr[k].row = rows0[k];
		kr[k].key = by_day ? window_day(R->x_start[rows0[k]]) : (int64_t)R->x_branch[rows0[k]];
		sorted &= !k || kr[k - 1].key <= kr[k].key;
	}
	/* rows are in the one order: runs of one branch, or numbered in the
	 * order they started, are often grouped already */
	if (!sorted)
		sl_sort(kr, n, sizeof(*kr), cmp_keyed);
	for (size_t g0 = 0, g1; g0 < n; g0 = g1) {
		struct pl_keyfig *g;

		for (g1 = g0; g1 < n && kr[g1].key == kr[g0].key; g1++)
			rows[g1 - g0] = kr[g1].row;
		if (sl_grow(&pp->grp[by_day], &cap, pp->ngrp[by_day] + 1, sizeof(*pp->grp[by_day])))
			goto out;
		g = &pp->grp[by_day][pp->ngrp[by_day]++];
		g->key = kr[g0].key;
		if (run_figures(R, rows, g1 - g0, d, dcap, &g->fig))
			goto out;
	}
	rc = SL_OK;
out:
	free(kr);
	free(rows);
	return rc;
}

/* What the tables show of the pipeline runs, and the model's sums. */
static int pipe_figures(struct pl_all *A)
{
	const struct runs *R = &A->R;
	int64_t *d = NULL;
	uint32_t *rows = NULL;
	size_t dcap = 0, rcap = 0, n;
	int rc = SL_ENOMEM;

	for (size_t i = 0; i < A->npipes; i++) {
		struct pl_pipe *pp = &A->pipes[i];

		if (pipe_rows(A, pp, &rows, &rcap, &n) ||
		    run_figures(R, rows, n, &d, &dcap, &pp->fig) ||
		    group_figures(A, pp, 0, rows, n, &d, &dcap) ||
		    group_figures(A, pp, 1, rows, n, &d, &dcap))
			goto out;
		if (pp->nqueue) {
			sl_sort_i64(pp->queue, pp->nqueue);
			pp->queue_p50 = nearest_rank(pp->queue, pp->nqueue, 0.5);
			pp->has_queue = 1;
		}
		for (size_t k = pp->x0; k < pp->x1; k++) {
			size_t tn = 0;
			const char *tr = R->x_trigger[k] != RUNS_NONE
						 ? sl_dict_get(A->names, R->x_trigger[k], &tn)
						 : NULL;

			if (R->x_status[k] != PL_SUCCESS || !(R->x_flags[k] & RUNS_HAS_DUR) ||
			    R->x_dur[k] <= 0)
				continue;
			if (msum_add(pp, pipeline_combo(R->x_start[k], tr, tn), R->x_dur[k]))
				goto out;
		}
	}
	rc = SL_OK;
out:
	free(d);
	free(rows);
	return rc;
}

static int write_pipelines(const struct pl_all *A, struct sl_analysis *a)
{
	static const int fcol[FIG_N] = {
		SL_PIPELINES_EXECUTIONS,      SL_PIPELINES_FINISHED,
		SL_PIPELINES_SUCCESSFUL,      SL_PIPELINES_FAILED,
		SL_PIPELINES_SUCCESS_RATE,    SL_PIPELINES_P50_DURATION_MS,
		SL_PIPELINES_P95_DURATION_MS};
	struct sl_table *t = sl_table_new_def(SL_T_PIPELINES);
	struct sl_buf path = SL_BUF_INIT;
	int rc = SL_ENOMEM;

	if (!t)
		return SL_ENOMEM;
	for (size_t i = 0; i < A->npipes; i++) {
		const struct pl_pipe *pp = &A->pipes[i];
		const struct pl_result *r = &pp->res;
		double x[PF_N], mid, lo, hi;

		if (sl_table_add_row(t) ||
		    sl_table_set_name(t, SL_PIPELINES_PIPELINE_ID, A->names, pp->code))
			goto out;
		set_figures(t, fcol, &pp->fig);
		set_opt_i64(t, SL_PIPELINES_QUEUE_P50_MS, pp->has_queue, pp->queue_p50);
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
	return rc;
}

/* pipeline_branches (by_day 0) or pipeline_days (1): a row per pipeline
 * and branch or local day, with the figures of those runs. */
static int write_groups(const struct pl_all *A, int by_day, struct sl_analysis *a)
{
	static const int bcol[FIG_N] = {
		SL_PIPELINE_BRANCHES_EXECUTIONS,   SL_PIPELINE_BRANCHES_FINISHED,
		SL_PIPELINE_BRANCHES_SUCCESSFUL,   SL_PIPELINE_BRANCHES_FAILED,
		SL_PIPELINE_BRANCHES_SUCCESS_RATE, SL_PIPELINE_BRANCHES_P50_DURATION_MS,
		SL_PIPELINE_BRANCHES_P95_DURATION_MS};
	static const int dcol[FIG_N] = {
		SL_PIPELINE_DAYS_EXECUTIONS,   SL_PIPELINE_DAYS_FINISHED,
		SL_PIPELINE_DAYS_SUCCESSFUL,   SL_PIPELINE_DAYS_FAILED,
		SL_PIPELINE_DAYS_SUCCESS_RATE, SL_PIPELINE_DAYS_P50_DURATION_MS,
		SL_PIPELINE_DAYS_P95_DURATION_MS};
	struct sl_table *t = sl_table_new_def(by_day ? SL_T_PIPELINE_DAYS : SL_T_PIPELINE_BRANCHES);

	if (!t)
		return SL_ENOMEM;
	for (size_t i = 0; i < A->npipes; i++) {
		const struct pl_pipe *pp = &A->pipes[i];

		for (size_t k = 0; k < pp->ngrp[by_day]; k++) {
			const struct pl_keyfig *g = &pp->grp[by_day][k];

			if (sl_table_add_row(t) ||
			    sl_table_set_name(t, by_day ? SL_PIPELINE_DAYS_PIPELINE_ID
						     : SL_PIPELINE_BRANCHES_PIPELINE_ID,
					   A->names, pp->code))
				goto nomem;
			if (by_day) {
				sl_table_set_i64(t, SL_PIPELINE_DAYS_DAY, g->key);
				set_figures(t, dcol, &g->fig);
				continue;
			}
			if (g->key != RUNS_NONE &&
			    sl_table_set_name(t, SL_PIPELINE_BRANCHES_BRANCH, A->names,
					   (uint32_t)g->key))
				goto nomem;
			set_figures(t, bcol, &g->fig);
		}
	}
	return sl_analysis_add(a, t);
nomem:
	sl_table_free(t);
	return SL_ENOMEM;
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
			    sl_table_set_name(t, SL_STAGES_PIPELINE_ID, A->names, pp->code) ||
			    sl_table_set_name(t, SL_STAGES_STAGE_ID, A->names, pp->stages[s])) {
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
			    sl_table_set_name(t, SL_PIPELINE_SUGGESTIONS_PIPELINE_ID, A->names,
					   pp->code) ||
			    sl_table_set_str(t, SL_PIPELINE_SUGGESTIONS_KIND,
					     pipeline_kind_names[kind],
					     strlen(pipeline_kind_names[kind])) ||
			    sl_table_set_name(t, SL_PIPELINE_SUGGESTIONS_STAGE_ID, A->names,
					   pp->stages[s->stage]) ||
			    (s->other != UINT32_MAX &&
			     sl_table_set_name(t, SL_PIPELINE_SUGGESTIONS_OTHER_STAGE_ID, A->names,
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

int pipeline_write(const struct pl_all *A, const struct analyze_config *c,
		   struct sl_analysis *a)
{
	return write_pipelines(A, a) || write_stages(A, c, a) || write_suggestions(A, a) ||
	       write_factors(A, a) || write_groups(A, 0, a) || write_groups(A, 1, a)
		       ? SL_ENOMEM
		       : SL_OK;
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
	if (pipeline_write(&A, &p->cfg, a)) {
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
	    sl_table_set_name(t, SL_PIPELINE_SUGGESTIONS_PIPELINE_ID, A->names, pp->code) ||
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
