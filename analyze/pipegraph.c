/* pipegraph.c - the analysis of one pipeline: stage statistics, the stage
 * graph, its critical path and the suggestions.  Everything here is a
 * function of its arguments; pipeline.c feeds it from the store one stage
 * run and one execution at a time (struct pl_acc), pipeline_analyze_one()
 * all at once. */
#include "pipeline.h"
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runs.h"
#include "sl_buf.h"
#include "sl_stats.h"
#include "sl_u64map.h"

int pipeline_status(const char *s, size_t n)
{
	return (int)sl_ci_status_of(s, n);
}

static int finished(int st)
{
	return runs_finished(st);
}

static int cmp_run(const void *x, const void *y)
{
	const struct pl_run *a = x, *b = y;

	if (a->exec != b->exec)
		return (a->exec > b->exec) - (a->exec < b->exec);
	if (a->stage != b->stage)
		return (a->stage > b->stage) - (a->stage < b->stage);
	if (a->attempt != b->attempt)
		return (a->attempt > b->attempt) - (a->attempt < b->attempt);
	return (a->start > b->start) - (a->start < b->start);
}

struct graph {
	size_t n;
	uint32_t *pred, *poff; /* predecessors of s: pred[poff[s] .. poff[s+1]), sorted */
	uint32_t *order;       /* topological, smallest index first among ready */
	size_t norder;
	uint8_t *anc;	       /* anc[s * n + x]: x is an ancestor of s */
};

static int cmp_edge(const void *x, const void *y)
{
	const struct pl_edge *a = x, *b = y;

	if (a->to != b->to)
		return (a->to > b->to) - (a->to < b->to);
	return (a->from > b->from) - (a->from < b->from);
}

static int graph_build(struct graph *g, size_t n, const struct pl_edge *edges, size_t ne)
{
	struct pl_edge *e = malloc((ne ? ne : 1) * sizeof(*e));
	uint32_t *indeg = calloc(n, sizeof(*indeg));
	size_t m = 0;
	int rc = SL_ENOMEM;

	memset(g, 0, sizeof(*g));
	g->n = n;
	g->poff = calloc(n + 1, sizeof(*g->poff));
	g->order = malloc(n * sizeof(*g->order));
	if (!e || !indeg || !g->poff || !g->order)
		goto out;
	/* sorted, without duplicates and self-loops kept (a self-loop is a
	 * cycle of one) */
	for (size_t i = 0; i < ne; i++)
		if (edges[i].from < n && edges[i].to < n) /* others name no stage */
			e[m++] = edges[i];
	sl_sort(e, m, sizeof(*e), cmp_edge);
	ne = m;
	m = 0;
	for (size_t i = 0; i < ne; i++)
		if (!m || e[i].from != e[m - 1].from || e[i].to != e[m - 1].to)
			e[m++] = e[i];
	g->pred = malloc((m ? m : 1) * sizeof(*g->pred));
	if (!g->pred)
		goto out;
	for (size_t i = 0; i < m; i++) {
		g->pred[i] = e[i].from;
		g->poff[e[i].to + 1]++;
		indeg[e[i].to]++;
	}
	for (size_t s = 0; s < n; s++)
		g->poff[s + 1] += g->poff[s];
	/* Kahn's algorithm, taking the smallest ready stage first so the
	 * order is the same every run; n is small (PL_MAX_STAGES) */
	for (;;) {
		size_t pick = n;

		for (size_t s = 0; s < n && pick == n; s++)
			if (indeg[s] == 0)
				pick = s;
		if (pick == n)
			break;
		indeg[pick] = UINT32_MAX; /* taken */
		g->order[g->norder++] = (uint32_t)pick;
		for (size_t i = 0; i < m; i++)
			if (e[i].from == pick && indeg[e[i].to] != UINT32_MAX)
				indeg[e[i].to]--;
	}
	rc = SL_OK;
out:
	free(e);
	free(indeg);
	return rc;
}

static void graph_free(struct graph *g)
{
	free(g->pred);
	free(g->poff);
	free(g->order);
	free(g->anc);
}

/* Ancestors along the topological order (the graph is acyclic here). */
static int graph_ancestors(struct graph *g)
{
	size_t n = g->n;

	if (!(g->anc = calloc(n * n, 1)))
		return SL_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		uint32_t s = g->order[k];

		for (uint32_t i = g->poff[s]; i < g->poff[s + 1]; i++) {
			uint32_t p = g->pred[i];

			g->anc[(size_t)s * n + p] = 1;
			for (size_t x = 0; x < n; x++)
				g->anc[(size_t)s * n + x] |= g->anc[(size_t)p * n + x];
		}
	}
	return SL_OK;
}

static int critical_path(const struct graph *g, struct pl_result *res)
{
	size_t n = g->n;
	int64_t *dist = malloc(n * sizeof(*dist));
	uint32_t *best = malloc(n * sizeof(*best));
	uint32_t end = 0;
	size_t len = 0;

	if (!dist || !best || !(res->path = malloc(n * sizeof(*res->path)))) {
		free(dist);
		free(best);
		return SL_ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		uint32_t s = g->order[k];
		int64_t w = res->st[s].has_dur ? res->st[s].p50 : 0, before = 0;

		best[s] = UINT32_MAX;
		/* predecessors in index order; a later one wins only when longer */
		for (uint32_t i = g->poff[s]; i < g->poff[s + 1]; i++)
			if (best[s] == UINT32_MAX || dist[g->pred[i]] > before) {
				before = dist[g->pred[i]];
				best[s] = g->pred[i];
			}
		dist[s] = before + w;
	}
	for (uint32_t s = 1; s < n; s++)
		if (dist[s] > dist[end])
			end = s;
	for (uint32_t s = end; s != UINT32_MAX; s = best[s])
		res->path[len++] = s;
	for (size_t i = 0; i < len / 2; i++) {
		uint32_t t = res->path[i];

		res->path[i] = res->path[len - 1 - i];
		res->path[len - 1 - i] = t;
	}
	res->npath = len;
	res->cp_ms = dist[end];
	res->has_cp = 1;
	for (size_t i = 0; i < len; i++) {
		struct pl_stage_stats *s = &res->st[res->path[i]];

		s->on_critical_path = 1;
		s->cp_share = res->cp_ms > 0 && s->has_dur ? (double)s->p50 / (double)res->cp_ms : 0;
	}
	free(dist);
	free(best);
	return SL_OK;
}

static int add_sug(struct pl_result *res, size_t *cap, int kind, uint32_t stage, uint32_t other,
		   double value, int64_t saving)
{
	struct pl_suggestion *s;

	if (sl_grow(&res->sug, cap, res->nsug + 1, sizeof(*res->sug)))
		return SL_ENOMEM;
	s = &res->sug[res->nsug++];
	s->kind = (uint8_t)kind;
	s->stage = stage;
	s->other = other;
	s->value = value;
	s->saving_ms = saving;
	return SL_OK;
}

/* A list of values, 4 bytes each while they all fit in a uint32 (a
 * duration or a wait under 49 days), 8 once one does not. */
struct vals {
	uint32_t *v32;
	int64_t *v64;
	size_t n, cap;
};

static int vals_add(struct vals *v, int64_t x)
{
	if (!v->v64 && x >= 0 && x <= (int64_t)UINT32_MAX) {
		if (sl_grow(&v->v32, &v->cap, v->n + 1, sizeof(*v->v32)))
			return SL_ENOMEM;
		v->v32[v->n++] = (uint32_t)x;
		return SL_OK;
	}
	if (!v->v64) {
		size_t cap = v->n < 16 ? 16 : v->n * 2;
		int64_t *w = malloc(cap * sizeof(*w));

		if (!w)
			return SL_ENOMEM;
		for (size_t i = 0; i < v->n; i++)
			w[i] = v->v32[i];
		free(v->v32);
		v->v32 = NULL;
		v->v64 = w;
		v->cap = cap;
	}
	if (sl_grow(&v->v64, &v->cap, v->n + 1, sizeof(*v->v64)))
		return SL_ENOMEM;
	v->v64[v->n++] = x;
	return SL_OK;
}

/* The values as int64, in no order (malloc'ed; NULL when out of memory). */
static int64_t *vals_copy(const struct vals *v)
{
	int64_t *w = malloc((v->n ? v->n : 1) * sizeof(*w));

	if (!w)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		w[i] = v->v64 ? v->v64[i] : (int64_t)v->v32[i];
	return w;
}

/* The value a sort of v[0..n) would put at k (0 <= k < n), v reordered:
 * a selection, linear where a sort is n log n (the three ranks of a stage
 * of millions of runs need not order them all). */
static int64_t select_k(int64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n;
	int depth = 64;

	while (hi - lo > 16) {
		int64_t a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1], pv, t;
		size_t i = lo, j = hi - 1;

		if (!depth--)
			break; /* a bad run of pivots: the sort below */
		pv = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		for (;;) {
			while (v[i] < pv)
				i++;
			while (v[j] > pv)
				j--;
			if (i >= j)
				break;
			t = v[i];
			v[i++] = v[j];
			v[j--] = t;
		}
		/* v[lo..j] <= pv <= v[j+1..hi) */
		if (k <= j)
			hi = j + 1;
		else
			lo = j + 1;
	}
	sl_sort_i64(v + lo, hi - lo);
	return v[k];
}

/* Nearest rank: the smallest value with at least q of the n values of v
 * at or below it (q = 0.5 gives the lower median); v is reordered. */
static int64_t rank_sel(int64_t *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);

	return select_k(v, n, k ? k - 1 : 0);
}

static void vals_release(struct vals *v)
{
	free(v->v32);
	free(v->v64);
	memset(v, 0, sizeof(*v));
}

/* Values that repeat (timeouts: a stage has a few): each distinct value
 * once with its count. */
struct counted {
	struct sl_u64map idx; /* value -> val[], cnt[] */
	int64_t *val;
	uint64_t *cnt, n;
	size_t nval, cap, cntcap;
};

static int counted_add(struct counted *c, int64_t x)
{
	uint32_t *v;
	int added;

	if (sl_u64map_put(&c->idx, (uint64_t)x, &v, &added))
		return SL_ENOMEM;
	if (added) {
		if (sl_grow(&c->val, &c->cap, c->nval + 1, sizeof(*c->val)) ||
		    sl_grow(&c->cnt, &c->cntcap, c->nval + 1, sizeof(*c->cnt)))
			return SL_ENOMEM;
		*v = (uint32_t)c->nval;
		c->val[c->nval] = x;
		c->cnt[c->nval++] = 0;
	}
	c->cnt[*v]++;
	c->n++;
	return SL_OK;
}

struct vc {
	int64_t v;
	uint64_t c;
};

static int cmp_vc(const void *x, const void *y)
{
	const struct vc *a = x, *b = y;

	return (a->v > b->v) - (a->v < b->v);
}

/* The nearest rank q of the counted values (n > 0). */
static int counted_rank(const struct counted *c, double q, int64_t *out)
{
	struct vc *p = malloc((c->nval ? c->nval : 1) * sizeof(*p));
	size_t k = (size_t)ceil(q * (double)c->n);
	uint64_t seen = 0;

	if (!p)
		return SL_ENOMEM;
	for (size_t i = 0; i < c->nval; i++)
		p[i] = (struct vc){c->val[i], c->cnt[i]};
	sl_sort(p, c->nval, sizeof(*p), cmp_vc);
	k = k ? k : 1;
	for (size_t i = 0; i < c->nval; i++) {
		seen += p[i].c;
		if (seen >= k) {
			*out = p[i].v;
			break;
		}
	}
	free(p);
	return SL_OK;
}

static void counted_release(struct counted *c)
{
	sl_u64map_release(&c->idx);
	free(c->val);
	free(c->cnt);
	memset(c, 0, sizeof(*c));
}

/* What the analysis of one pipeline keeps between its stage runs: counts
 * and the values whose order statistics it reports, per stage; the
 * makespans; how often two unrelated stages ran one after another.  An
 * execution's own rows are not kept. */
struct pl_acc {
	size_t ns;
	struct graph g;
	struct pl_stage_stats *st;
	uint64_t missing_end;
	struct vals *dur, *wait, mk;
	struct counted *tmo;
	uint32_t *together, *seq; /* ns x ns, when the graph has no cycle */
	/* the reduce's: statistics given, not gathered (pl_acc_given) */
	uint8_t given, has_mk;
	int64_t mk_med;
	uint64_t mk_n;
	/* one execution's scratch */
	int64_t *end_of, *s0, *e0;
	uint8_t *has_end, *in;
	uint32_t *present;
};

struct pl_acc *pl_acc_new(size_t nstages, const struct pl_edge *edges, size_t nedges)
{
	struct pl_acc *a;
	size_t ns = nstages;

	if (!ns || ns > PL_MAX_STAGES || !(a = calloc(1, sizeof(*a))))
		return NULL;
	a->ns = ns;
	if (graph_build(&a->g, ns, edges, nedges))
		goto fail;
	a->st = calloc(ns, sizeof(*a->st));
	a->dur = calloc(ns, sizeof(*a->dur));
	a->wait = calloc(ns, sizeof(*a->wait));
	a->tmo = calloc(ns, sizeof(*a->tmo));
	a->end_of = malloc(ns * sizeof(*a->end_of));
	a->s0 = malloc(ns * sizeof(*a->s0));
	a->e0 = malloc(ns * sizeof(*a->e0));
	a->has_end = malloc(ns);
	a->in = malloc(ns);
	a->present = malloc(ns * sizeof(*a->present));
	if (!a->st || !a->dur || !a->wait || !a->tmo || !a->end_of || !a->s0 || !a->e0 ||
	    !a->has_end || !a->in || !a->present)
		goto fail;
	if (a->g.norder == ns) {
		if (graph_ancestors(&a->g) || !(a->together = calloc(ns * ns, sizeof(*a->together))) ||
		    !(a->seq = calloc(ns * ns, sizeof(*a->seq))))
			goto fail;
	}
	return a;
fail:
	pl_acc_free(a);
	return NULL;
}

void pl_acc_free(struct pl_acc *a)
{
	if (!a)
		return;
	graph_free(&a->g);
	for (size_t s = 0; s < a->ns; s++) {
		if (a->dur)
			vals_release(&a->dur[s]);
		if (a->wait)
			vals_release(&a->wait[s]);
		if (a->tmo)
			counted_release(&a->tmo[s]);
	}
	vals_release(&a->mk);
	free(a->st);
	free(a->dur);
	free(a->wait);
	free(a->tmo);
	free(a->together);
	free(a->seq);
	free(a->end_of);
	free(a->s0);
	free(a->e0);
	free(a->has_end);
	free(a->in);
	free(a->present);
	free(a);
}

/* One stage run, in any order: counts, durations, timeouts. */
int pl_acc_row(struct pl_acc *a, const struct pl_run *r)
{
	struct pl_stage_stats *s = &a->st[r->stage];

	s->runs++;
	if (r->attempt > 1)
		s->retries++;
	if (r->has_timeout && counted_add(&a->tmo[r->stage], r->timeout_ms))
		return SL_ENOMEM;
	if (!finished(r->status))
		return SL_OK;
	s->finished++;
	s->failed += r->status != PL_SUCCESS;
	s->succeeded += r->status == PL_SUCCESS;
	if (r->attempt > 1) {
		s->retries_finished++;
		s->retries_succeeded += r->status == PL_SUCCESS;
	}
	if (r->has_dur)
		return vals_add(&a->dur[r->stage], r->dur);
	a->missing_end++;
	return SL_OK;
}

/* One execution's runs, sorted by stage, attempt and start: the waits of
 * its first attempts, its makespan, and which unrelated stages of it ran
 * one after another. */
int pl_acc_exec(struct pl_acc *a, const struct pl_run *runs, size_t n)
{
	const struct graph *g = &a->g;
	size_t ns = a->ns, np = 0;
	int ok = 1, any = 0;
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	/* waits: a first attempt waits from the latest end of its
	 * dependencies (all of them must have ended), or from the execution's
	 * start when it has none */
	memset(a->has_end, 0, ns);
	for (size_t i = 0; i < n; i++)
		if (runs[i].has_end && (!a->has_end[runs[i].stage] ||
					runs[i].end > a->end_of[runs[i].stage])) {
			a->end_of[runs[i].stage] = runs[i].end;
			a->has_end[runs[i].stage] = 1;
		}
	for (size_t i = 0; i < n; i++) {
		const struct pl_run *r = &runs[i];
		int64_t from = INT64_MIN, w;
		int known = 1;

		if (r->attempt > 1 || r->status == PL_SKIPPED || r->status == PL_PENDING ||
		    (i > 0 && runs[i - 1].stage == r->stage))
			continue;
		for (uint32_t k = g->poff[r->stage]; k < g->poff[r->stage + 1]; k++) {
			uint32_t d = g->pred[k];

			if (!a->has_end[d]) {
				known = 0;
				break;
			}
			if (a->end_of[d] > from)
				from = a->end_of[d];
		}
		if (g->poff[r->stage] == g->poff[r->stage + 1]) {
			known = r->has_exec_start;
			from = r->exec_start;
		}
		if (known && runs_wait(r->start, from, &w) && vals_add(&a->wait[r->stage], w))
			return SL_ENOMEM;
	}
	/* the makespan of an execution whose every stage ended in success
	 * (or was skipped): first stage start to last stage end */
	memset(a->in, 0, ns);
	for (size_t i = 0; i < n; i++) {
		const struct pl_run *r = &runs[i];
		int last = i + 1 == n || runs[i + 1].stage != r->stage;

		if (last && r->status != PL_SUCCESS && r->status != PL_SKIPPED)
			ok = 0;
		if (r->status == PL_SKIPPED || r->status == PL_PENDING)
			continue;
		if (!r->has_end) {
			ok = ok && r->status != PL_SUCCESS;
			continue;
		}
		any = 1;
		lo = r->start < lo ? r->start : lo;
		hi = r->end > hi ? r->end : hi;
		/* a stage's span: its first attempt's start to its last end */
		if (!a->in[r->stage] || r->start < a->s0[r->stage])
			a->s0[r->stage] = r->start;
		if (!a->in[r->stage] || r->end > a->e0[r->stage])
			a->e0[r->stage] = r->end;
		a->in[r->stage] = 1;
	}
	if (ok && any && vals_add(&a->mk, (int64_t)((uint64_t)hi - (uint64_t)lo)))
		return SL_ENOMEM;
	if (!g->anc)
		return SL_OK;
	/* only the stages this execution ran: k^2 for k of them */
	for (size_t s = 0; s < ns; s++)
		if (a->in[s])
			a->present[np++] = (uint32_t)s;
	for (size_t ia = 0; ia < np; ia++)
		for (size_t ib = ia + 1; ib < np; ib++) {
			size_t x = a->present[ia], y = a->present[ib];

			if (g->anc[x * ns + y] || g->anc[y * ns + x])
				continue;
			a->together[x * ns + y]++;
			a->seq[x * ns + y] += a->s0[y] >= a->e0[x] || a->s0[x] >= a->e0[y];
		}
	return SL_OK;
}

/* The order statistics of the stages. */
static int stage_ranks(struct pl_acc *a, struct pl_result *res)
{
	if (a->given)
		return SL_OK; /* in st already */
	for (size_t s = 0; s < a->ns; s++) {
		struct pl_stage_stats *x = &res->st[s];
		int64_t *v;
		size_t k;

		if ((k = a->dur[s].n)) {
			if (!(v = vals_copy(&a->dur[s])))
				return SL_ENOMEM;
			x->has_dur = 1;
			x->p99 = rank_sel(v, k, 0.99);
			x->p95 = rank_sel(v, k, 0.95);
			x->p50 = rank_sel(v, k, 0.5);
			free(v);
		}
		vals_release(&a->dur[s]);
		if (a->tmo[s].n) {
			x->has_timeout = 1;
			if (counted_rank(&a->tmo[s], 0.5, &x->timeout_ms))
				return SL_ENOMEM;
		}
		counted_release(&a->tmo[s]);
		if ((x->waits = a->wait[s].n)) {
			if (!(v = vals_copy(&a->wait[s])))
				return SL_ENOMEM;
			x->wait_p50 = rank_sel(v, x->waits, 0.5);
			free(v);
		}
		vals_release(&a->wait[s]);
	}
	return SL_OK;
}

/* The makespans' median, the parallel opportunities and the efficiency. */
static int schedules(struct pl_acc *a, const struct pl_config *cfg, struct pl_result *res,
		     size_t *sugcap)
{
	size_t ns = a->ns;
	int64_t saved = 0;

	if (a->given) {
		res->current_ms = a->mk_med;
		res->makespans = a->mk_n;
		res->has_current = a->has_mk;
	} else if (a->mk.n) {
		int64_t *mk = vals_copy(&a->mk);

		if (!mk)
			return SL_ENOMEM;
		res->current_ms = rank_sel(mk, a->mk.n, 0.5);
		res->makespans = a->mk.n;
		res->has_current = 1;
		free(mk);
	}
	for (size_t x = 0; a->g.anc && x < ns; x++)
		for (size_t y = x + 1; y < ns; y++) {
			uint32_t t = a->together[x * ns + y], q = a->seq[x * ns + y];
			const struct pl_stage_stats *sx = &res->st[x], *sy = &res->st[y];
			int64_t save;

			if (!q || (double)q < cfg->parallel_share * (double)t)
				continue;
			save = !sx->has_dur || !sy->has_dur ? 0 : sx->p50 < sy->p50 ? sx->p50 : sy->p50;
			saved += save;
			if (add_sug(res, sugcap, PL_S_PARALLEL, (uint32_t)x, (uint32_t)y,
				    (double)q / t, save))
				return SL_ENOMEM;
		}
	res->current_eff = res->potential_eff = NAN;
	if (res->has_cp && res->has_current && res->current_ms > 0) {
		int64_t pot = res->current_ms - saved;

		if (pot < res->cp_ms)
			pot = res->cp_ms;
		if (pot > res->current_ms)
			pot = res->current_ms;
		res->potential_ms = pot;
		res->saved_ms = res->current_ms - pot;
		res->current_eff = fmin(1, (double)res->cp_ms / (double)res->current_ms);
		res->potential_eff = pot > 0 ? fmin(1, (double)res->cp_ms / (double)pot) : NAN;
	}
	return SL_OK;
}

static int stage_advice(size_t ns, const struct pl_config *cfg, struct pl_result *res,
			size_t *cap)
{
	for (uint32_t s = 0; s < ns; s++) {
		const struct pl_stage_stats *x = &res->st[s];

		if (x->on_critical_path && res->cp_ms > 0 && x->cp_share > cfg->bottleneck_share &&
		    add_sug(res, cap, PL_S_BOTTLENECK, s, UINT32_MAX, x->cp_share, 0))
			return SL_ENOMEM;
	}
	for (uint32_t s = 0; s < ns; s++) {
		const struct pl_stage_stats *x = &res->st[s];

		if (x->finished >= (uint64_t)cfg->redundant_min_runs && !x->failed &&
		    add_sug(res, cap, PL_S_REDUNDANT, s, UINT32_MAX, (double)x->finished, 0))
			return SL_ENOMEM;
	}
	for (uint32_t s = 0; s < ns; s++) {
		const struct pl_stage_stats *x = &res->st[s];
		double rec = (double)x->p99 * cfg->timeout_factor;

		if (!x->has_timeout || !x->has_dur)
			continue;
		if (x->timeout_ms < x->p99 &&
		    add_sug(res, cap, PL_S_TIMEOUT_TIGHT, s, UINT32_MAX, rec, 0))
			return SL_ENOMEM;
		if ((double)x->timeout_ms > (double)x->p99 * cfg->timeout_loose &&
		    add_sug(res, cap, PL_S_TIMEOUT_LOOSE, s, UINT32_MAX, rec, 0))
			return SL_ENOMEM;
	}
	for (uint32_t s = 0; s < ns; s++) {
		const struct pl_stage_stats *x = &res->st[s];
		double share;

		if (x->retries_finished < (uint64_t)cfg->retry_min)
			continue;
		share = (double)x->retries_succeeded / (double)x->retries_finished;
		if (share < cfg->retry_low &&
		    add_sug(res, cap, PL_S_RETRY_USELESS, s, UINT32_MAX, share, 0))
			return SL_ENOMEM;
		if (share >= cfg->retry_high &&
		    add_sug(res, cap, PL_S_RETRY_FLAKY, s, UINT32_MAX, share, 0))
			return SL_ENOMEM;
	}
	return SL_OK;
}

int pl_acc_finish(struct pl_acc *a, const struct pl_config *cfg, struct pl_result *res)
{
	size_t ns = a->ns, sugcap = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	res->current_eff = res->potential_eff = NAN;
	res->st = a->st;
	a->st = NULL;
	res->missing_end = a->missing_end;
	if ((rc = stage_ranks(a, res)))
		goto out;
	if (a->g.norder < ns) {
		/* a cycle: the stages left over all wait on one another */
		uint8_t *done = calloc(ns, 1);

		if (!done) {
			rc = SL_ENOMEM;
			goto out;
		}
		for (size_t k = 0; k < a->g.norder; k++)
			done[a->g.order[k]] = 1;
		for (uint32_t s = 0; s < ns; s++)
			if (!done[s]) {
				res->cycle_stage = s;
				break;
			}
		free(done);
		res->cycle = 1;
	} else if ((rc = critical_path(&a->g, res))) {
		goto out;
	}
	if ((rc = stage_advice(ns, cfg, res, &sugcap)) || (rc = schedules(a, cfg, res, &sugcap)))
		goto out;
out:
	if (rc)
		pipeline_result_release(res);
	return rc;
}

int pipeline_analyze_one(size_t nstages, const struct pl_edge *edges, size_t nedges,
			 struct pl_run *runs, size_t nruns, const struct pl_config *cfg,
			 struct pl_result *res)
{
	struct pl_acc *a;
	int rc = SL_ENOMEM;

	memset(res, 0, sizeof(*res));
	res->current_eff = res->potential_eff = NAN;
	if (!nstages || nstages > PL_MAX_STAGES)
		return SL_EINVAL;
	if (!(a = pl_acc_new(nstages, edges, nedges)))
		return SL_ENOMEM;
	sl_sort(runs, nruns, sizeof(*runs), cmp_run);
	for (size_t i = 0; i < nruns; i++)
		if (pl_acc_row(a, &runs[i]))
			goto out;
	for (size_t i0 = 0, i1; i0 < nruns; i0 = i1) {
		for (i1 = i0; i1 < nruns && runs[i1].exec == runs[i0].exec; i1++)
			;
		if (pl_acc_exec(a, runs + i0, i1 - i0))
			goto out;
	}
	rc = pl_acc_finish(a, cfg, res);
out:
	pl_acc_free(a);
	return rc;
}

const struct pl_stage_stats *pl_acc_counts(const struct pl_acc *a, uint64_t *missing_end)
{
	*missing_end = a->missing_end;
	return a->st;
}

int pl_acc_values(const struct pl_acc *a, int list, size_t s, int64_t **v, size_t *n)
{
	const struct vals *x = list == PL_L_MK ? &a->mk : list == PL_L_DUR ? &a->dur[s] : &a->wait[s];

	*n = x->n;
	return (*v = vals_copy(x)) ? SL_OK : SL_ENOMEM;
}

size_t pl_acc_timeouts(const struct pl_acc *a, size_t s, const int64_t **val, const uint64_t **cnt)
{
	*val = a->tmo[s].val;
	*cnt = a->tmo[s].cnt;
	return a->tmo[s].nval;
}

int pl_acc_pair(const struct pl_acc *a, size_t x, size_t y, uint32_t *together, uint32_t *seq)
{
	if (!a->g.anc)
		return -1;
	*together = a->together[x * a->ns + y];
	*seq = a->seq[x * a->ns + y];
	return 0;
}

size_t pl_acc_edges(const struct pl_acc *a)
{
	return a->g.poff[a->ns];
}

void pl_acc_edge(const struct pl_acc *a, size_t k, uint32_t *from, uint32_t *to)
{
	uint32_t s = 0;

	while (s + 1 < a->ns && a->g.poff[s + 1] <= k)
		s++;
	*from = a->g.pred[k];
	*to = s;
}

struct pl_stage_stats *pl_acc_given(struct pl_acc *a)
{
	a->given = 1;
	return a->st;
}

void pl_acc_given_pair(struct pl_acc *a, size_t x, size_t y, uint32_t together, uint32_t seq)
{
	if (!a->g.anc)
		return;
	a->together[x * a->ns + y] += together;
	a->seq[x * a->ns + y] += seq;
}

void pl_acc_given_makespan(struct pl_acc *a, int64_t median, uint64_t n)
{
	a->has_mk = n > 0;
	a->mk_med = median;
	a->mk_n = n;
}

void pl_acc_given_missing(struct pl_acc *a, uint64_t n)
{
	a->missing_end += n;
}

void pipeline_result_release(struct pl_result *res)
{
	if (!res)
		return;
	free(res->st);
	free(res->path);
	free(res->sug);
	res->st = NULL;
	res->path = NULL;
	res->sug = NULL;
}
