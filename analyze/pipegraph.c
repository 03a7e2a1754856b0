/* pipegraph.c - the analysis of one pipeline (pipeline_analyze_one): stage
 * statistics, the stage graph, its critical path and the suggestions.
 * Everything here is a function of its arguments; pipeline.c feeds it from
 * the store. */
#include "pipeline.h"
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_stats.h"

int pipeline_status(const char *s, size_t n)
{
	return (int)sl_ci_status_of(s, n);
}

static int finished(int st)
{
	return sl_ci_finished((enum sl_ci_status)st);
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

/* Nearest rank: the smallest value with at least q of the sorted n at or
 * below it (q = 0.5 gives the lower median). */
static int64_t rank_q(const int64_t *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);

	return v[k ? k - 1 : 0];
}

/* Values grouped by stage: counting sort of (stage, value) pairs. */
struct per_stage {
	int64_t *v;
	size_t *off; /* nstages + 1 */
};

static int per_stage_build(struct per_stage *ps, size_t ns, const uint32_t *stage,
			   const int64_t *val, size_t n)
{
	size_t *fill;

	ps->v = malloc((n ? n : 1) * sizeof(*ps->v));
	ps->off = calloc(ns + 1, sizeof(*ps->off));
	fill = calloc(ns + 1, sizeof(*fill));
	if (!ps->v || !ps->off || !fill) {
		free(fill);
		return SL_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		ps->off[stage[i] + 1]++;
	for (size_t s = 0; s < ns; s++)
		ps->off[s + 1] += ps->off[s];
	for (size_t i = 0; i < n; i++)
		ps->v[ps->off[stage[i]] + fill[stage[i]]++] = val[i];
	for (size_t s = 0; s < ns; s++)
		sl_sort_i64(ps->v + ps->off[s], ps->off[s + 1] - ps->off[s]);
	free(fill);
	return SL_OK;
}

static void per_stage_free(struct per_stage *ps)
{
	free(ps->v);
	free(ps->off);
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

/* Per stage: counts, durations, timeouts, waits.  runs are sorted. */
static int stage_stats(size_t ns, const struct graph *g, const struct pl_run *runs, size_t nruns,
		       struct pl_result *res)
{
	uint32_t *ds = malloc((nruns ? nruns : 1) * sizeof(*ds));
	int64_t *dv = malloc((nruns ? nruns : 1) * sizeof(*dv));
	uint32_t *ts = malloc((nruns ? nruns : 1) * sizeof(*ts));
	int64_t *tv = malloc((nruns ? nruns : 1) * sizeof(*tv));
	uint32_t *ws = malloc((nruns ? nruns : 1) * sizeof(*ws));
	int64_t *wv = malloc((nruns ? nruns : 1) * sizeof(*wv));
	int64_t *end_of = malloc(ns * sizeof(*end_of));
	uint8_t *has_end = malloc(ns);
	size_t nd = 0, nt = 0, nw = 0;
	struct per_stage pd = {0}, pt = {0}, pw = {0};
	int rc = SL_ENOMEM;

	if (!ds || !dv || !ts || !tv || !ws || !wv || !end_of || !has_end)
		goto out;
	for (size_t i = 0; i < nruns; i++) {
		const struct pl_run *r = &runs[i];
		struct pl_stage_stats *s = &res->st[r->stage];

		s->runs++;
		if (r->attempt > 1)
			s->retries++;
		if (r->has_timeout) {
			ts[nt] = r->stage;
			tv[nt++] = r->timeout_ms;
		}
		if (!finished(r->status))
			continue;
		s->finished++;
		s->failed += r->status != PL_SUCCESS;
		s->succeeded += r->status == PL_SUCCESS;
		if (r->attempt > 1) {
			s->retries_finished++;
			s->retries_succeeded += r->status == PL_SUCCESS;
		}
		if (r->has_dur) {
			ds[nd] = r->stage;
			dv[nd++] = r->dur;
		} else {
			res->missing_end++;
		}
	}
	/* waits: a first attempt waits from the latest end of its
	 * dependencies (all of them must have ended), or from the execution's
	 * start when it has none */
	for (size_t i0 = 0, i1; i0 < nruns; i0 = i1) {
		for (i1 = i0; i1 < nruns && runs[i1].exec == runs[i0].exec; i1++)
			;
		memset(has_end, 0, ns);
		for (size_t i = i0; i < i1; i++)
			if (runs[i].has_end && (!has_end[runs[i].stage] ||
						runs[i].end > end_of[runs[i].stage])) {
				end_of[runs[i].stage] = runs[i].end;
				has_end[runs[i].stage] = 1;
			}
		for (size_t i = i0; i < i1; i++) {
			const struct pl_run *r = &runs[i];
			int64_t from = INT64_MIN;
			int ok = 1;

			if (r->attempt > 1 || r->status == PL_SKIPPED || r->status == PL_PENDING ||
			    (i > i0 && runs[i - 1].stage == r->stage))
				continue;
			for (uint32_t k = g->poff[r->stage]; k < g->poff[r->stage + 1]; k++) {
				uint32_t d = g->pred[k];

				if (!has_end[d]) {
					ok = 0;
					break;
				}
				if (end_of[d] > from)
					from = end_of[d];
			}
			if (g->poff[r->stage] == g->poff[r->stage + 1]) {
				ok = r->has_exec_start;
				from = r->exec_start;
			}
			if (ok && r->start >= from) {
				ws[nw] = r->stage;
				wv[nw++] = r->start - from;
			}
		}
	}
	if (per_stage_build(&pd, ns, ds, dv, nd) || per_stage_build(&pt, ns, ts, tv, nt) ||
	    per_stage_build(&pw, ns, ws, wv, nw))
		goto out;
	for (size_t s = 0; s < ns; s++) {
		struct pl_stage_stats *x = &res->st[s];
		size_t k = pd.off[s + 1] - pd.off[s];

		if (k) {
			x->has_dur = 1;
			x->p50 = rank_q(pd.v + pd.off[s], k, 0.5);
			x->p95 = rank_q(pd.v + pd.off[s], k, 0.95);
			x->p99 = rank_q(pd.v + pd.off[s], k, 0.99);
		}
		if ((k = pt.off[s + 1] - pt.off[s])) {
			x->has_timeout = 1;
			x->timeout_ms = rank_q(pt.v + pt.off[s], k, 0.5);
		}
		if ((x->waits = pw.off[s + 1] - pw.off[s]))
			x->wait_p50 = rank_q(pw.v + pw.off[s], x->waits, 0.5);
	}
	rc = SL_OK;
out:
	per_stage_free(&pd);
	per_stage_free(&pt);
	per_stage_free(&pw);
	free(ds);
	free(dv);
	free(ts);
	free(tv);
	free(ws);
	free(wv);
	free(end_of);
	free(has_end);
	return rc;
}

/* Executions whose every stage ended in success (or was skipped): their
 * makespan, first stage start to last stage end; and, over all
 * executions, how often two stages with no path between them ran one
 * after another. */
static int schedules(size_t ns, const struct graph *g, const struct pl_run *runs, size_t nruns,
		     const struct pl_config *cfg, struct pl_result *res, size_t *sugcap)
{
	int64_t *mk = malloc((nruns ? nruns : 1) * sizeof(*mk));
	int64_t *s0 = malloc(ns * sizeof(*s0)), *e0 = malloc(ns * sizeof(*e0));
	uint8_t *in = malloc(ns);
	uint32_t *present = malloc(ns * sizeof(*present));
	size_t np;
	uint32_t *together = g->anc ? calloc(ns * ns, sizeof(*together)) : NULL;
	uint32_t *seq = g->anc ? calloc(ns * ns, sizeof(*seq)) : NULL;
	size_t nmk = 0;
	int64_t saved = 0;
	int rc = SL_ENOMEM;

	if (!mk || !s0 || !e0 || !in || !present || (g->anc && (!together || !seq)))
		goto out;
	for (size_t i0 = 0, i1; i0 < nruns; i0 = i1) {
		int ok = 1, any = 0;
		int64_t lo = INT64_MAX, hi = INT64_MIN;

		for (i1 = i0; i1 < nruns && runs[i1].exec == runs[i0].exec; i1++)
			;
		memset(in, 0, ns);
		for (size_t i = i0; i < i1; i++) {
			const struct pl_run *r = &runs[i];
			int last = i + 1 == i1 || runs[i + 1].stage != r->stage;

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
			if (!in[r->stage] || r->start < s0[r->stage])
				s0[r->stage] = r->start;
			if (!in[r->stage] || r->end > e0[r->stage])
				e0[r->stage] = r->end;
			in[r->stage] = 1;
		}
		if (ok && any)
			mk[nmk++] = hi - lo;
		if (!g->anc)
			continue;
		/* only the stages this execution ran: k^2 for k of them */
		np = 0;
		for (size_t s = 0; s < ns; s++)
			if (in[s])
				present[np++] = (uint32_t)s;
		for (size_t ia = 0; ia < np; ia++)
			for (size_t ib = ia + 1; ib < np; ib++) {
				size_t a = present[ia], b = present[ib];

				if (g->anc[a * ns + b] || g->anc[b * ns + a])
					continue;
				together[a * ns + b]++;
				seq[a * ns + b] += s0[b] >= e0[a] || s0[a] >= e0[b];
			}
	}
	if (nmk) {
		sl_sort_i64(mk, nmk);
		res->current_ms = rank_q(mk, nmk, 0.5);
		res->makespans = nmk;
		res->has_current = 1;
	}
	for (size_t a = 0; g->anc && a < ns; a++)
		for (size_t b = a + 1; b < ns; b++) {
			uint32_t t = together[a * ns + b], q = seq[a * ns + b];
			const struct pl_stage_stats *x = &res->st[a], *y = &res->st[b];
			int64_t save;

			if (!q || (double)q < cfg->parallel_share * (double)t)
				continue;
			save = !x->has_dur || !y->has_dur ? 0 : x->p50 < y->p50 ? x->p50 : y->p50;
			saved += save;
			if (add_sug(res, sugcap, PL_S_PARALLEL, (uint32_t)a, (uint32_t)b,
				    (double)q / t, save))
				goto out;
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
	rc = SL_OK;
out:
	free(mk);
	free(s0);
	free(e0);
	free(in);
	free(present);
	free(together);
	free(seq);
	return rc;
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

int pipeline_analyze_one(size_t nstages, const struct pl_edge *edges, size_t nedges,
			 struct pl_run *runs, size_t nruns, const struct pl_config *cfg,
			 struct pl_result *res)
{
	struct graph g;
	size_t sugcap = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	res->current_eff = res->potential_eff = NAN;
	if (!nstages || nstages > PL_MAX_STAGES)
		return SL_EINVAL;
	if (!(res->st = calloc(nstages, sizeof(*res->st))))
		return SL_ENOMEM;
	sl_sort(runs, nruns, sizeof(*runs), cmp_run);
	if ((rc = graph_build(&g, nstages, edges, nedges)))
		goto out;
	if ((rc = stage_stats(nstages, &g, runs, nruns, res)))
		goto out;
	if (g.norder < nstages) {
		/* a cycle: the stages left over all wait on one another */
		uint8_t *done = calloc(nstages, 1);

		if (!done) {
			rc = SL_ENOMEM;
			goto out;
		}
		for (size_t k = 0; k < g.norder; k++)
			done[g.order[k]] = 1;
		for (uint32_t s = 0; s < nstages; s++)
			if (!done[s]) {
				res->cycle_stage = s;
				break;
			}
		free(done);
		res->cycle = 1;
	} else if ((rc = graph_ancestors(&g)) || (rc = critical_path(&g, res))) {
		goto out;
	}
	if ((rc = stage_advice(nstages, cfg, res, &sugcap)) ||
	    (rc = schedules(nstages, &g, runs, nruns, cfg, res, &sugcap)))
		goto out;
out:
	graph_free(&g);
	if (rc)
		pipeline_result_release(res);
	return rc;
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
