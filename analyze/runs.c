/* runs.c - the window's pipeline runs as columns, and its stage runs
 * streamed an execution at a time (see runs.h). */
#include "runs.h"
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_scan.h"

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* The key of an execution in R->last: exact while the execution number
 * fits 32 bits, else a hash (two executions that share one are only held
 * until the later of the two is complete). */
static uint64_t exec_key(uint32_t pipe_id, int64_t exec)
{
	if (exec >= 0 && exec <= (int64_t)UINT32_MAX)
		return (uint64_t)pipe_id << 32 | (uint64_t)exec;
	return ((uint64_t)pipe_id << 32 | pipe_id) * 0x9E3779B97F4A7C15ULL ^
	       (uint64_t)exec * 0xC2B2AE3D27D4EB4FULL;
}

/* The code of row r's string in column c through the batch's dictionary
 * (m), RUNS_NONE when null. */
static int code_of(struct runs *R, struct code_map *m, const struct sl_batch *b, int c, size_t r,
		   uint32_t *code)
{
	return code_map_intern(m, R->names, b, c, r, RUNS_NONE, code);
}

/* The status of row r (column c) through the batch's dictionary. */
static int status_of(struct code_map *m, const struct sl_batch *b, int c, size_t r, uint8_t *st)
{
	uint32_t bc;
	size_t n;
	const char *s;

	if (sl_batch_is_null(b, c, r)) {
		*st = (uint8_t)sl_ci_status_of(NULL, 0);
		return SL_OK;
	}
	if (code_map_ready(m, b, c))
		return SL_ENOMEM;
	bc = b->cols[c].v.code[r];
	if (m->map[bc] == CODE_MAP_UNSET) {
		s = sl_dict_get(b->cols[c].dict, bc, &n);
		m->map[bc] = (uint32_t)sl_ci_status_of(s, n);
	}
	*st = (uint8_t)m->map[bc];
	return SL_OK;
}

/* The pipeline of code pipe, added when new.  *idx: its index. */
static int pipe_idx(struct runs *R, uint32_t pipe, uint32_t *idx)
{
	struct runs_pipe *pp;

	if (pipe >= R->npipe_of) {
		size_t n = (size_t)pipe + 1 > 2 * R->npipe_of ? (size_t)pipe + 1 : 2 * R->npipe_of;
		uint32_t *w = realloc(R->pipe_of, n * sizeof(*w));

		if (!w)
			return SL_ENOMEM;
		for (size_t k = R->npipe_of; k < n; k++)
			w[k] = RUNS_NONE;
		R->pipe_of = w;
		R->npipe_of = n;
	}
	if (R->pipe_of[pipe] != RUNS_NONE) {
		*idx = R->pipe_of[pipe];
		return SL_OK;
	}
	/* pipes[] grows by one: there are few pipelines */
	pp = realloc(R->pipes, (R->npipes + 1) * sizeof(*pp));
	if (!pp)
		return SL_ENOMEM;
	R->pipes = pp;
	pp = &R->pipes[R->npipes];
	memset(pp, 0, sizeof(*pp));
	pp->code = pipe;
	pp->id = (uint32_t)R->npipes;
	*idx = R->pipe_of[pipe] = (uint32_t)R->npipes++;
	return SL_OK;
}

/* A run another row of its key replaced (the ingest flags it: a later
 * attempt, or the same run further on); kept in the store, never counted. */
static int superseded(const struct sl_batch *b, int c, size_t r)
{
	return c >= 0 && !sl_batch_is_null(b, c, r) && b->cols[c].v.u8[r];
}

/* Room for one more pipeline run in every column (and x_end). */
static int grow_x(struct runs *R, int64_t **x_end)
{
	size_t cap = R->xcap < 8 ? 16 : 2 * R->xcap;
	void *p;

#define GROW(col)                                                     \
	do {                                                          \
		if (!(p = realloc((col), cap * sizeof(*(col)))))        \
			return SL_ENOMEM;                             \
		(col) = p;                                            \
	} while (0)
	GROW(R->x_pipe);
	GROW(R->x_trigger);
	GROW(R->x_branch);
	GROW(R->x_exec);
	GROW(R->x_start);
	GROW(R->x_dur);
	GROW(R->x_status);
	GROW(R->x_flags);
	GROW(*x_end);
#undef GROW
	R->xcap = cap;
	return SL_OK;
}

static int scan_execs(const struct analyze_params *p, const struct sl_store *st, struct runs *R,
		      int64_t **x_end, struct sl_errctx *err)
{
	enum {
		C_PIPE, C_EXEC, C_TRIGGER, C_START, C_END, C_DUR, C_STATUS, C_SUPERSEDED, C_BRANCH,
		NCOL
	};
	static const char *const cn[NCOL] = {"pipeline_id", "execution_number", "trigger_type",
					     "start_time",  "end_time",		"duration_ms",
					     "status",	    "superseded",	"branch"};
	struct code_map mp = {0}, mt = {0}, ms = {0}, mb = {0};
	int col[NCOL], rc;
	struct sl_scan *sc;
	struct sl_batch *b;

	if ((rc = scan_kind_cols(st, SL_KIND_PIPELINE_RUNS, p->from, p->to, cn, NCOL, col, &sc,
				 err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			size_t i = R->nx;
			uint32_t idx;
			int64_t end, dur;
			int has_end, has_dur;

			if (!sl_scan_in_window(sc, b, r) || sl_batch_is_null(b, col[C_PIPE], r) ||
			    superseded(b, col[C_SUPERSEDED], r))
				continue;
			if (i == R->xcap && grow_x(R, x_end))
				goto nomem;
			if (code_of(R, &mp, b, col[C_PIPE], r, &R->x_pipe[i]) ||
			    code_of(R, &mt, b, col[C_TRIGGER], r, &R->x_trigger[i]) ||
			    code_of(R, &mb, b, col[C_BRANCH], r, &R->x_branch[i]) ||
			    status_of(&ms, b, col[C_STATUS], r, &R->x_status[i]) ||
			    pipe_idx(R, R->x_pipe[i], &idx))
				goto nomem;
			R->x_exec[i] = b->cols[col[C_EXEC]].v.i64[r];
			R->x_start[i] = b->cols[col[C_START]].v.i64[r];
			has_end = !sl_batch_is_null(b, col[C_END], r);
			end = b->cols[col[C_END]].v.i64[r];
			has_dur = runs_duration(!sl_batch_is_null(b, col[C_DUR], r),
						b->cols[col[C_DUR]].v.i64[r], has_end, end,
						R->x_start[i], &dur);
			(*x_end)[i] = end;
			R->x_dur[i] = dur;
			R->x_flags[i] = (uint8_t)((has_end ? RUNS_HAS_END : 0) |
						  (has_dur ? RUNS_HAS_DUR : 0) |
						  (R->x_trigger[i] != RUNS_NONE ? RUNS_HAS_TRIGGER : 0));
			R->nx++;
		}
	rc = rc < 0 ? rc : SL_OK;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_scan_close(sc);
	code_map_release(&mp);
	code_map_release(&mt);
	code_map_release(&ms);
	code_map_release(&mb);
	return rc;
}

/* What must be known of the stage runs before they are streamed: each
 * pipeline's stages and (stage, depends_on) pairs, and each execution's
 * last row group. */
static int scan_stage_shapes(const struct analyze_params *p, const struct sl_store *st,
			     struct runs *R, struct sl_errctx *err)
{
	enum { C_PIPE, C_EXEC, C_STAGE, C_DEPS, C_SUPERSEDED, NCOL };
	static const char *const cn[NCOL] = {"pipeline_id", "execution_number", "stage_id",
					     "depends_on", "superseded"};
	struct code_map mp = {0}, ms = {0}, md = {0};
	int col[NCOL], rc;
	struct sl_scan *sc;
	struct sl_batch *b;

	if ((rc = scan_kind_cols(st, SL_KIND_STAGE_RUNS, p->from, p->to, cn, NCOL, col, &sc,
				 err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0) {
		uint32_t group = (uint32_t)R->groups++, prev_pipe = RUNS_NONE;
		int64_t prev_exec = 0;

		for (size_t r = 0; r < b->n; r++) {
			uint32_t pipe, stage, deps, idx, *v;
			struct runs_pipe *pp;
			int added;

			if (!sl_scan_in_window(sc, b, r) || sl_batch_is_null(b, col[C_PIPE], r) ||
			    sl_batch_is_null(b, col[C_STAGE], r) || superseded(b, col[C_SUPERSEDED], r))
				continue;
			if (code_of(R, &mp, b, col[C_PIPE], r, &pipe) ||
			    code_of(R, &ms, b, col[C_STAGE], r, &stage) ||
			    code_of(R, &md, b, col[C_DEPS], r, &deps) || pipe_idx(R, pipe, &idx))
				goto nomem;
			pp = &R->pipes[idx];
			pp->nstage_runs++;
			if (sl_u64map_put(&R->stage_of, (uint64_t)pipe << 32 | stage, &v, &added))
				goto nomem;
			if (added) {
				uint32_t *w = realloc(pp->stages, (pp->nstages + 1) * sizeof(*w));

				if (!w)
					goto nomem;
				pp->stages = w;
				pp->stages[pp->nstages++] = stage;
			}
			if (deps != RUNS_NONE) {
				if (sl_u64map_put(&pp->depmap, (uint64_t)stage << 32 | deps, &v, &added))
					goto nomem;
				if (added) {
					if (sl_grow(&pp->deps, &pp->depcap, pp->ndeps + 1,
						    sizeof(*pp->deps)))
						goto nomem;
					*v = (uint32_t)pp->ndeps;
					memset(&pp->deps[pp->ndeps], 0, sizeof(*pp->deps));
					pp->deps[pp->ndeps].stage = stage;
					pp->deps[pp->ndeps++].deps = deps;
				}
			}
			/* an execution's runs are often stored together: one put */
			if (pipe == prev_pipe && b->cols[col[C_EXEC]].v.i64[r] == prev_exec)
				continue;
			prev_pipe = pipe;
			prev_exec = b->cols[col[C_EXEC]].v.i64[r];
			if (sl_u64map_put(&R->last, exec_key(pp->id, prev_exec), &v, &added))
				goto nomem;
			*v = group;
		}
	}
	rc = rc < 0 ? rc : SL_OK;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_scan_close(sc);
	code_map_release(&mp);
	code_map_release(&ms);
	code_map_release(&md);
	return rc;
}

/* The sorts below compare through these (qsort has no context). */
static _Thread_local const struct runs *sort_R;
static _Thread_local const int64_t *sort_end;

static int cmp_code(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return CMP(a, b);
}

static int cmp_pipe(const void *x, const void *y)
{
	const struct runs_pipe *a = x, *b = y;

	return CMP(a->code, b->code);
}

/* Renumbers the names in byte order (code k: the k-th name) and every
 * code held; then sorts the pipelines and their stages by name. */
static int renumber(struct runs *R)
{
	uint32_t n = sl_dict_count(R->names), *by = malloc((n + 1) * sizeof(*by));
	uint32_t *to = malloc((n + 1) * sizeof(*to));
	struct sl_dict *d = NULL;
	int rc = SL_ENOMEM;

	if (!by || !to)
		goto out;
	for (uint32_t c = 0; c < n; c++)
		by[c] = c;
	if (names_in_order(R->names, by, n, to, &d))
		goto out;
	sl_dict_free(R->names);
	R->names = d;
	d = NULL;
	R->ncodes = n;
	for (size_t i = 0; i < R->nx; i++) {
		R->x_pipe[i] = to[R->x_pipe[i]];
		if (R->x_trigger[i] != RUNS_NONE)
			R->x_trigger[i] = to[R->x_trigger[i]];
		if (R->x_branch[i] != RUNS_NONE)
			R->x_branch[i] = to[R->x_branch[i]];
	}
	/* pipelines by name, each with its stages by name */
	sl_u64map_release(&R->stage_of);
	for (size_t i = 0; i < R->npipes; i++) {
		struct runs_pipe *pp = &R->pipes[i];

		pp->code = to[pp->code];
		for (size_t k = 0; k < pp->nstages; k++)
			pp->stages[k] = to[pp->stages[k]];
		sl_sort(pp->stages, pp->nstages, sizeof(*pp->stages), cmp_code);
		sl_u64map_release(&pp->depmap);
		for (size_t k = 0; k < pp->ndeps; k++) {
			struct runs_deps *e = &pp->deps[k];
			uint32_t *v;
			int added;

			e->stage = to[e->stage];
			e->deps = to[e->deps];
			if (sl_u64map_put(&pp->depmap, (uint64_t)e->stage << 32 | e->deps, &v, &added))
				goto out;
			*v = (uint32_t)k;
		}
	}
	sl_sort(R->pipes, R->npipes, sizeof(*R->pipes), cmp_pipe);
	if (n > R->npipe_of) {
		uint32_t *w = realloc(R->pipe_of, n * sizeof(*w));

		if (!w)
			goto out;
		R->pipe_of = w;
		R->npipe_of = n;
	}
	for (size_t k = 0; k < R->npipe_of; k++)
		R->pipe_of[k] = RUNS_NONE;
	for (size_t i = 0; i < R->npipes; i++) {
		struct runs_pipe *pp = &R->pipes[i];

		R->pipe_of[pp->code] = (uint32_t)i;
		for (size_t k = 0; k < pp->nstages; k++) {
			uint32_t *v;
			int added;

			if (sl_u64map_put(&R->stage_of, (uint64_t)pp->code << 32 | pp->stages[k], &v,
					  &added))
				goto out;
			*v = (uint32_t)k;
		}
	}
	rc = SL_OK;
out:
	free(by);
	free(to);
	sl_dict_free(d);
	return rc;
}

/* The pipeline runs' one order: pipeline, execution, then every other
 * field, so the first row of a repeated execution is one row whatever
 * order they were stored in. */
static int cmp_x(const void *x, const void *y)
{
	const struct runs *R = sort_R;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	int c;
	uint8_t fi = R->x_flags[i], fj = R->x_flags[j];

	if (R->x_pipe[i] != R->x_pipe[j])
		return CMP(R->x_pipe[i], R->x_pipe[j]);
	if ((c = CMP(R->x_exec[i], R->x_exec[j])) || (c = CMP(R->x_start[i], R->x_start[j])) ||
	    (c = CMP(fi & RUNS_HAS_END, fj & RUNS_HAS_END)) ||
	    (c = CMP(sort_end[i], sort_end[j])) || (c = CMP(fi & RUNS_HAS_DUR, fj & RUNS_HAS_DUR)) ||
	    (c = CMP(R->x_dur[i], R->x_dur[j])) || (c = CMP(R->x_status[i], R->x_status[j])) ||
	    (c = CMP(fi & RUNS_HAS_TRIGGER, fj & RUNS_HAS_TRIGGER)) ||
	    ((fi & RUNS_HAS_TRIGGER) && (c = CMP(R->x_trigger[i], R->x_trigger[j]))))
		return c;
	/* RUNS_NONE (null) is the largest code: a null branch last */
	return CMP(R->x_branch[i], R->x_branch[j]);
}

#define PERMUTE(col, type)                                                                  \
	do {                                                                                \
		type *w_ = malloc((n ? n : 1) * sizeof(type));                              \
		if (!w_)                                                                    \
			goto nomem;                                                         \
		for (size_t k_ = 0; k_ < n; k_++)                                           \
			w_[k_] = (col)[perm[k_]];                                           \
		free(col);                                                                  \
		(col) = w_;                                                                 \
	} while (0)

static int order_execs(struct runs *R, int64_t *x_end)
{
	size_t n = R->nx;
	uint32_t *perm = malloc((n ? n : 1) * sizeof(*perm));
	int rc = SL_ENOMEM;

	if (!perm)
		return SL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	sort_R = R;
	sort_end = x_end;
	sl_sort(perm, n, sizeof(*perm), cmp_x);
	PERMUTE(R->x_pipe, uint32_t);
	PERMUTE(R->x_trigger, uint32_t);
	PERMUTE(R->x_branch, uint32_t);
	PERMUTE(R->x_exec, int64_t);
	PERMUTE(R->x_start, int64_t);
	PERMUTE(R->x_dur, int64_t);
	PERMUTE(R->x_status, uint8_t);
	PERMUTE(R->x_flags, uint8_t);
	R->xcap = n;
	if (!(R->x_first = malloc(n ? n : 1)))
		goto nomem;
	/* a repeated execution keeps its first row */
	for (size_t i = 0; i < n; i++)
		R->x_first[i] = !i || R->x_pipe[i] != R->x_pipe[i - 1] ||
				R->x_exec[i] != R->x_exec[i - 1];
	rc = SL_OK;
nomem:
	free(perm);
	return rc;
}

int runs_load(const struct analyze_params *p, const struct sl_store *st, struct runs *R,
	      struct sl_errctx *err)
{
	int64_t *x_end = NULL;
	int rc;

	memset(R, 0, sizeof(*R));
	if (!(R->names = sl_dict_new()))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = scan_execs(p, st, R, &x_end, err)) || (rc = scan_stage_shapes(p, st, R, err)))
		goto out;
	if ((rc = renumber(R)) || (rc = order_execs(R, x_end)))
		goto nomem;
	for (size_t i0 = 0, i1; i0 < R->nx; i0 = i1) {
		struct runs_pipe *pp = &R->pipes[R->pipe_of[R->x_pipe[i0]]];

		for (i1 = i0; i1 < R->nx && R->x_pipe[i1] == R->x_pipe[i0]; i1++)
			;
		pp->x0 = i0;
		pp->x1 = i1;
	}
	rc = SL_OK;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	free(x_end);
	return rc;
}

void runs_release(struct runs *R)
{
	if (!R)
		return;
	for (size_t i = 0; R->pipes && i < R->npipes; i++) {
		free(R->pipes[i].stages);
		free(R->pipes[i].deps);
		sl_u64map_release(&R->pipes[i].depmap);
	}
	free(R->pipes);
	free(R->pipe_of);
	sl_u64map_release(&R->stage_of);
	sl_u64map_release(&R->last);
	free(R->x_pipe);
	free(R->x_trigger);
	free(R->x_branch);
	free(R->x_exec);
	free(R->x_start);
	free(R->x_dur);
	free(R->x_status);
	free(R->x_flags);
	free(R->x_first);
	sl_dict_free(R->names);
	memset(R, 0, sizeof(*R));
}

ptrdiff_t runs_find_exec(const struct runs *R, uint32_t pipe, int64_t exec)
{
	const struct runs_pipe *pp;
	size_t lo, hi;

	if (pipe >= R->npipe_of || R->pipe_of[pipe] == RUNS_NONE)
		return -1;
	/* the pipeline's runs are sorted by execution: the first of exec */
	pp = &R->pipes[R->pipe_of[pipe]];
	lo = pp->x0;
	hi = pp->x1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (R->x_exec[mid] < exec)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pp->x1 && R->x_exec[lo] == exec ? (ptrdiff_t)lo : -1;
}

/* Names by code (byte order), a null last. */
static int cmp_opt(uint32_t a, uint32_t b)
{
	if (a == RUNS_NONE || b == RUNS_NONE)
		return CMP(a == RUNS_NONE, b == RUNS_NONE);
	return CMP(a, b);
}

int runs_cmp(const struct runs_stage *a, const struct runs_stage *b)
{
	int c;

	if (a->pipe != b->pipe)
		return CMP(a->pipe, b->pipe);
	if ((c = CMP(a->exec, b->exec)) || (c = cmp_opt(a->stage, b->stage)) ||
	    (c = CMP(a->attempt, b->attempt)) || (c = CMP(a->start, b->start)) ||
	    (c = CMP(a->has_end, b->has_end)) || (c = CMP(a->end, b->end)) ||
	    (c = CMP(a->has_dur, b->has_dur)) || (c = CMP(a->dur, b->dur)) ||
	    (c = CMP(a->status, b->status)) || (c = cmp_opt(a->deps, b->deps)) ||
	    (c = CMP(a->has_timeout, b->has_timeout)))
		return c;
	return CMP(a->timeout_ms, b->timeout_ms);
}

static int cmp_stage(const void *x, const void *y)
{
	return runs_cmp(x, y);
}

/* The rows held: those of executions whose last row group is yet to come. */
struct pool {
	struct runs_stage *rows, *done;
	uint32_t *last;
	size_t n, cap, lastcap, ndone, donecap;
};

/* Hands over the executions complete after row group g, in the one order. */
static int flush(struct pool *P, uint64_t g, const struct runs_sink *sink)
{
	size_t keep = 0;
	int rc;

	P->ndone = 0;
	for (size_t i = 0; i < P->n; i++) {
		if (P->last[i] > g) {
			P->rows[keep] = P->rows[i];
			P->last[keep++] = P->last[i];
			continue;
		}
		if (sl_grow(&P->done, &P->donecap, P->ndone + 1, sizeof(*P->done)))
			return SL_ENOMEM;
		P->done[P->ndone++] = P->rows[i];
	}
	P->n = keep;
	sl_sort(P->done, P->ndone, sizeof(*P->done), cmp_stage);
	for (size_t i0 = 0, i1; i0 < P->ndone; i0 = i1) {
		for (i1 = i0 + 1; i1 < P->ndone && P->done[i1].pipe == P->done[i0].pipe &&
				  P->done[i1].exec == P->done[i0].exec;
		     i1++)
			;
		if ((rc = sink->exec(sink->ctx, P->done + i0, i1 - i0)))
			return rc;
	}
	return SL_OK;
}

int runs_stream(const struct analyze_params *p, const struct sl_store *st, struct runs *R,
		const struct runs_sink *sink, struct sl_errctx *err)
{
	enum { C_PIPE, C_EXEC, C_STAGE, C_DEPS, C_TIMEOUT, C_ATTEMPT, C_STATUS, C_START, C_END,
	       C_DUR, C_SUPERSEDED, NCOL };
	static const char *const cn[NCOL] = {"pipeline_id", "execution_number", "stage_id",
					     "depends_on",  "timeout_s",	"attempt",
					     "status",	    "start_time",	"end_time",
					     "duration_ms", "superseded"};
	struct code_map mp = {0}, ms = {0}, md = {0}, mst = {0};
	struct pool P = {0};
	int col[NCOL], rc;
	uint64_t g = 0;
	struct sl_scan *sc;
	struct sl_batch *b;

	if ((rc = scan_kind_cols(st, SL_KIND_STAGE_RUNS, p->from, p->to, cn, NCOL, col, &sc,
				 err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0) {
		uint32_t prev_pipe = RUNS_NONE, prev_last = 0;
		int64_t prev_exec = 0;

		for (size_t r = 0; r < b->n; r++) {
			struct runs_stage w;
			uint32_t *v;
			struct runs_pipe *pp;

			if (!sl_scan_in_window(sc, b, r) || sl_batch_is_null(b, col[C_PIPE], r) ||
			    sl_batch_is_null(b, col[C_STAGE], r) || superseded(b, col[C_SUPERSEDED], r))
				continue;
			memset(&w, 0, sizeof(w));
			if (code_of(R, &mp, b, col[C_PIPE], r, &w.pipe) ||
			    code_of(R, &ms, b, col[C_STAGE], r, &w.stage) ||
			    code_of(R, &md, b, col[C_DEPS], r, &w.deps) ||
			    status_of(&mst, b, col[C_STATUS], r, &w.status))
				goto nomem;
			/* the same rows as runs_load() read: their names are known */
			if (w.pipe >= R->ncodes || w.stage >= R->ncodes ||
			    (w.deps != RUNS_NONE && w.deps >= R->ncodes) ||
			    !(v = sl_u64map_get(&R->stage_of, (uint64_t)w.pipe << 32 | w.stage))) {
				rc = sl_err_set(err, SL_EINVAL, NULL, 0,
						"the stage runs changed while they were read");
				goto out;
			}
			w.stage_idx = *v;
			w.pipe_idx = R->pipe_of[w.pipe];
			pp = &R->pipes[w.pipe_idx];
			w.exec = b->cols[col[C_EXEC]].v.i64[r];
			w.start = b->cols[col[C_START]].v.i64[r];
			w.has_end = !sl_batch_is_null(b, col[C_END], r);
			w.end = b->cols[col[C_END]].v.i64[r];
			w.has_dur = (uint8_t)runs_duration(!sl_batch_is_null(b, col[C_DUR], r),
							   b->cols[col[C_DUR]].v.i64[r], w.has_end,
							   w.end, w.start, &w.dur);
			w.has_timeout = (uint8_t)runs_timeout(!sl_batch_is_null(b, col[C_TIMEOUT], r),
							      b->cols[col[C_TIMEOUT]].v.i64[r],
							      &w.timeout_ms);
			w.attempt = runs_attempt(!sl_batch_is_null(b, col[C_ATTEMPT], r),
						 b->cols[col[C_ATTEMPT]].v.i64[r]);
			if ((rc = sink->row(sink->ctx, &w)))
				goto out;
			if (w.deps != RUNS_NONE) {
				struct runs_deps *d;

				if (!(v = sl_u64map_get(&pp->depmap,
							(uint64_t)w.stage << 32 | w.deps))) {
					rc = sl_err_set(err, SL_EINVAL, NULL, 0,
							"the stage runs changed while they were read");
					goto out;
				}
				d = &pp->deps[*v];
				if (!d->seen || runs_cmp(&w, &d->first) < 0) {
					d->first = w;
					d->seen = 1;
				}
			}
			if (sl_grow(&P.rows, &P.cap, P.n + 1, sizeof(*P.rows)) ||
			    sl_grow(&P.last, &P.lastcap, P.n + 1, sizeof(*P.last)))
				goto nomem;
			if (w.pipe != prev_pipe || w.exec != prev_exec) {
				v = sl_u64map_get(&R->last, exec_key(pp->id, w.exec));
				/* one runs_load() did not see is held to the end */
				prev_last = v && *v >= g ? *v : UINT32_MAX;
				prev_pipe = w.pipe;
				prev_exec = w.exec;
			}
			P.rows[P.n] = w;
			P.last[P.n++] = prev_last;
		}
		if (P.n > R->held_max)
			R->held_max = P.n;
		if ((rc = flush(&P, g++, sink)))
			goto out;
	}
	if (rc < 0)
		goto out;
	rc = flush(&P, UINT64_MAX, sink);
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	if (rc == SL_ENOMEM)
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	sl_scan_close(sc);
	code_map_release(&mp);
	code_map_release(&ms);
	code_map_release(&md);
	code_map_release(&mst);
	free(P.rows);
	free(P.done);
	free(P.last);
	return rc;
}
