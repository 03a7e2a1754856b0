/* gates.c - quality gates (docs/ANALYZE.md): pass rates per gate, metric and
 * operator from gate_results, gates that never fail, and the gate
 * evaluator query. */
#include "pipeline_int.h"
#include "common.h"
#include "query.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_scan.h"

/* A distinct gate_results row (of the fields read) and how many rows have
 * it: a few hundred kinds of rows stand for millions. */
struct grow {
	uint32_t gate, type, metric, op; /* codes; type UINT32_MAX when null */
	double threshold;
	uint8_t has_threshold, passed, failed;
	uint64_t count;
};

struct gates {
	struct sl_dict *names;
	struct sl_dict *keys; /* a grow's fields as bytes -> its index in g */
	struct grow *g;
	size_t n, cap;
};

static _Thread_local const struct sl_dict *sort_names;

static int cmp_code(uint32_t a, uint32_t b)
{
	if (a == b)
		return 0;
	if (a == UINT32_MAX || b == UINT32_MAX)
		return a == UINT32_MAX ? -1 : 1;
	return names_cmp(sort_names, a, b);
}

static int cmp_grow(const void *x, const void *y)
{
	const struct grow *a = x, *b = y;
	int c;

	if ((c = cmp_code(a->gate, b->gate)) || (c = cmp_code(a->metric, b->metric)) ||
	    (c = cmp_code(a->op, b->op)))
		return c;
	if (a->has_threshold != b->has_threshold)
		return a->has_threshold - b->has_threshold;
	if (a->threshold != b->threshold)
		return (a->threshold > b->threshold) - (a->threshold < b->threshold);
	/* then the rest: a group's first row (its gate_type) is one row
	 * whatever order the rows were stored in */
	if ((c = cmp_code(a->type, b->type)))
		return c;
	return a->passed != b->passed ? a->passed - b->passed : a->failed - b->failed;
}

static int intern(struct gates *g, struct code_map *m, const struct sl_batch *b, int c, size_t r,
		  uint32_t *code)
{
	return code_map_intern(m, g->names, b, c, r, UINT32_MAX, code);
}

/* Counts the row w (w->count times) among the distinct rows. */
static int count_row(struct gates *g, const struct grow *w)
{
	unsigned char key[4 * 4 + 8 + 3];
	uint32_t k;

	memcpy(key, &w->gate, 4);
	memcpy(key + 4, &w->type, 4);
	memcpy(key + 8, &w->metric, 4);
	memcpy(key + 12, &w->op, 4);
	memcpy(key + 16, &w->threshold, 8);
	key[24] = w->has_threshold;
	key[25] = w->passed;
	key[26] = w->failed;
	if (sl_dict_intern(g->keys, (const char *)key, sizeof(key), &k))
		return SL_ENOMEM;
	if (k == g->n) {
		if (sl_grow(&g->g, &g->cap, g->n + 1, sizeof(*g->g)))
			return SL_ENOMEM;
		g->g[g->n] = *w;
		g->g[g->n++].count = 0;
	}
	g->g[k].count += w->count;
	return SL_OK;
}

struct gates *gates_new(void)
{
	struct gates *g = calloc(1, sizeof(*g));

	if (g && (!(g->names = sl_dict_new()) || !(g->keys = sl_dict_new()))) {
		gates_free(g);
		return NULL;
	}
	return g;
}

static void sort_gates(struct gates *g)
{
	sort_names = g->names;
	sl_sort(g->g, g->n, sizeof(*g->g), cmp_grow);
}

int gates_add(struct gates *g, const char *const s[4], const size_t n[4], int has_threshold,
	      double threshold, int passed, int failed, uint64_t count)
{
	struct grow w;
	uint32_t c[4];

	for (int k = 0; k < 4; k++) {
		c[k] = UINT32_MAX;
		if (s[k] && sl_dict_intern(g->names, s[k], n[k], &c[k]))
			return SL_ENOMEM;
	}
	memset(&w, 0, sizeof(w));
	w.gate = c[0];
	w.type = c[1];
	w.metric = c[2];
	w.op = c[3];
	w.has_threshold = (uint8_t)!!has_threshold;
	w.threshold = has_threshold ? threshold : 0;
	w.passed = (uint8_t)!!passed;
	w.failed = (uint8_t)!!failed;
	w.count = count;
	return count_row(g, &w);
}

int gates_each(const struct gates *g, gates_fn f, void *ctx)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct grow *w = &g->g[i];
		const uint32_t c[4] = {w->gate, w->type, w->metric, w->op};
		const char *s[4];
		size_t n[4];
		int rc;

		for (int k = 0; k < 4; k++) {
			n[k] = 0;
			s[k] = c[k] == UINT32_MAX ? NULL : sl_dict_get(g->names, c[k], &n[k]);
		}
		if ((rc = f(ctx, s, n, w->has_threshold, w->threshold, w->passed, w->failed,
			    w->count)))
			return rc;
	}
	return SL_OK;
}

int gates_scan(const struct sl_store *st, int64_t from, int64_t to, int undated,
	       struct gates *g, struct sl_errctx *err)
{
	static const char *const cn[] = {"gate_name", "gate_type", "metric",
					 "operator",  "threshold", "status"};
	uint8_t want[64] = {0};
	int col[6], rc;
	struct code_map mc[5] = {{0}};
	struct sl_scan *sc;
	struct sl_batch *b;

	for (int i = 0; i < 6; i++)
		want[col[i] = sl_kind_col(SL_KIND_GATE_RESULTS, cn[i])] = 1;
	if ((rc = sl_scan_open(&sc, st, SL_KIND_GATE_RESULTS, from, to, want, err)))
		return rc;
	if (!undated)
		sl_scan_skip_undated(sc);
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			struct grow w;
			uint32_t status;

			if (!sl_scan_in_window(sc, b, r) || sl_batch_is_null(b, col[0], r))
				continue;
			memset(&w, 0, sizeof(w));
			w.count = 1;
			if (intern(g, &mc[0], b, col[0], r, &w.gate) ||
			    intern(g, &mc[1], b, col[1], r, &w.type) ||
			    intern(g, &mc[2], b, col[2], r, &w.metric) ||
			    intern(g, &mc[3], b, col[3], r, &w.op) ||
			    intern(g, &mc[4], b, col[5], r, &status))
				goto nomem;
			if (status != UINT32_MAX) {
				size_t n;
				const char *s = sl_dict_get(g->names, status, &n);

				/* the generator writes success, the seed says passed */
				w.passed = (n == 6 && !memcmp(s, "passed", 6)) ||
					   (n == 7 && !memcmp(s, "success", 7));
				w.failed = n == 6 && !memcmp(s, "failed", 6);
			}
			w.has_threshold = !sl_batch_is_null(b, col[4], r);
			w.threshold = w.has_threshold ? b->cols[col[4]].v.f64[r] : 0;
			if (count_row(g, &w))
				goto nomem;
		}
	sl_scan_close(sc);
	for (int i = 0; i < 5; i++)
		code_map_release(&mc[i]);
	if (rc >= 0)
		sort_gates(g);
	return rc < 0 ? rc : SL_OK;
nomem:
	sl_scan_close(sc);
	for (int i = 0; i < 5; i++)
		code_map_release(&mc[i]);
	return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
}

void gates_free(struct gates *g)
{
	if (!g)
		return;
	sl_dict_free(g->names);
	sl_dict_free(g->keys);
	free(g->g);
	free(g);
}

static int same_group(const struct grow *a, const struct grow *b)
{
	return a->gate == b->gate && a->metric == b->metric && a->op == b->op;
}

/* The rows of the group [i0, i1) and the row of their lower median (the
 * rows sort by threshold within the group). */
static const struct grow *group_mid(const struct gates *g, size_t i0, size_t i1, uint64_t *rows)
{
	uint64_t n = 0, k, seen = 0;

	for (size_t i = i0; i < i1; i++)
		n += g->g[i].count;
	*rows = n;
	k = (n - 1) / 2;
	for (size_t i = i0; i < i1; i++) {
		seen += g->g[i].count;
		if (seen > k)
			return &g->g[i];
	}
	return &g->g[i1 - 1];
}

static int set_code(struct sl_table *t, int c, const struct sl_dict *d, uint32_t code)
{
	return code == UINT32_MAX ? SL_OK : sl_table_set_name(t, c, d, code);
}

int gates_table(struct gates *gs, const struct analyze_config *c, struct sl_analysis *a)
{
	struct gates g;
	struct sl_table *t;

	sort_gates(gs);
	g = *gs;
	if (!(t = sl_table_new_def(SL_T_GATES)))
		return SL_ENOMEM;
	for (size_t i0 = 0, i1; i0 < g.n; i0 = i1) {
		uint64_t pass = 0, fail = 0;
		const struct grow *mid;

		uint64_t rows;

		for (i1 = i0; i1 < g.n && same_group(&g.g[i0], &g.g[i1]); i1++) {
			pass += g.g[i1].passed * g.g[i1].count;
			fail += g.g[i1].failed * g.g[i1].count;
		}
		mid = group_mid(&g, i0, i1, &rows);
		if (sl_table_add_row(t) || set_code(t, SL_GATES_GATE_NAME, g.names, g.g[i0].gate) ||
		    set_code(t, SL_GATES_GATE_TYPE, g.names, g.g[i0].type) ||
		    set_code(t, SL_GATES_METRIC, g.names, g.g[i0].metric) ||
		    set_code(t, SL_GATES_OPERATOR, g.names, g.g[i0].op))
			goto nomem;
		if (mid->has_threshold)
			sl_table_set_f64(t, SL_GATES_THRESHOLD, mid->threshold);
		sl_table_set_i64(t, SL_GATES_EVALUATIONS, (int64_t)rows);
		sl_table_set_i64(t, SL_GATES_PASSED, (int64_t)pass);
		sl_table_set_i64(t, SL_GATES_FAILED, (int64_t)fail);
		if (pass + fail)
			sl_table_set_f64(t, SL_GATES_PASS_RATE,
					 (double)pass / (double)(pass + fail));
		sl_table_set_bool(t, SL_GATES_NEVER_FAILS,
				  pass + fail >= (uint64_t)c->pipe_redundant_min_runs && !fail);
	}
	return sl_analysis_add(a, t);
nomem:
	sl_table_free(t);
	return SL_ENOMEM;
}

int gates_run(const struct analyze_params *p, const struct sl_store *st, struct sl_analysis *a,
	      struct sl_errctx *err)
{
	struct gates *g = gates_new();
	int rc;

	if (!g)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (!(rc = gates_scan(st, p->from, p->to, 1, g, err)) && gates_table(g, &p->cfg, a))
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	gates_free(g);
	return rc;
}

/* op applied to observed and threshold; eq within a relative 1e-9. */
static int gate_compare(const char *op, double v, double thr)
{
	if (!strcmp(op, "gt"))
		return v > thr;
	if (!strcmp(op, "gte"))
		return v >= thr;
	if (!strcmp(op, "lt"))
		return v < thr;
	if (!strcmp(op, "lte"))
		return v <= thr;
	if (!strcmp(op, "eq"))
		return fabs(v - thr) <= 1e-9 * fmax(1, fabs(thr));
	return -1;
}

static int parse_num(const char *s, double *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	return *end || errno || !isfinite(*v) ? -1 : 0;
}

int pipeline_query_gate(const struct analyze_params *p, const struct sl_store *st,
			struct sl_errctx *err)
{
	struct gates *gp, g;
	struct sl_table *t = NULL;
	const char *dur_s = query_arg(p, "duration"), *held_s = query_arg(p, "held");
	double dur = 0, held = 0;
	int rc, all = 1, found = 0, decided = 0;
	size_t idn = strlen(p->query_id);

	if ((dur_s && parse_num(dur_s, &dur)) || (held_s && parse_num(held_s, &held))) {
		fprintf(stderr, "shiplog-analyze: --arg duration and held want minutes\n");
		return 1;
	}
	if (!(gp = gates_new()))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = gates_scan(st, p->from, p->to, 1, gp, err)))
		goto out;
	g = *gp;
	if (!(t = sl_table_new_def(SL_T_GATE_EVALUATION)))
		goto nomem;
	/* the first pass finds the verdict, the second writes the rows */
	for (int pass = 0; pass < 2; pass++)
	for (size_t i0 = 0, i1; i0 < g.n; i0 = i1) {
		size_t n, mn = 0, on = 0;
		const char *name = sl_dict_get(g.names, g.g[i0].gate, &n), *metric = "", *op = "";
		const struct grow *mid;
		char ops[8] = "", met[128] = "", reason[200] = "";
		double v = NAN;
		int ok, usable = 1;
		uint64_t rows;

		for (i1 = i0; i1 < g.n && same_group(&g.g[i0], &g.g[i1]); i1++)
			;
		if (n != idn || memcmp(name, p->query_id, n))
			continue;
		found = 1;
		mid = group_mid(&g, i0, i1, &rows);
		if (g.g[i0].metric != UINT32_MAX)
			metric = sl_dict_get(g.names, g.g[i0].metric, &mn);
		if (g.g[i0].op != UINT32_MAX)
			op = sl_dict_get(g.names, g.g[i0].op, &on);
		snprintf(met, sizeof(met), "%.*s", (int)(mn > 100 ? 100 : mn), metric);
		snprintf(ops, sizeof(ops), "%.*s", (int)(on > 5 ? 5 : on), op);
		if (!mid->has_threshold || gate_compare(ops, 0, 0) < 0) {
			/* a damaged row (no threshold, an unknown operator) is
			 * shown but does not decide */
			ok = usable = 0;
			snprintf(reason, sizeof(reason), "ignored: no threshold or an unknown operator");
		} else if (parse_num(query_arg(p, met), &v)) {
			ok = 0;
			snprintf(reason, sizeof(reason), "no value given (--arg %s=VALUE)", met);
		} else if (!(ok = gate_compare(ops, v, mid->threshold))) {
			snprintf(reason, sizeof(reason), "%s %g is not %s %g", met, v, ops,
				 mid->threshold);
		} else if (dur_s && held < dur) {
			ok = 0;
			snprintf(reason, sizeof(reason), "held %g of the %g minutes required", held,
				 dur);
		}
		if (!pass) {
			all = all && (ok || !usable);
			decided += usable;
			continue;
		}
		if (sl_table_add_row(t) ||
		    set_code(t, SL_GATE_EVALUATION_GATE_NAME, g.names, g.g[i0].gate) ||
		    sl_table_set_str(t, SL_GATE_EVALUATION_METRIC, met, strlen(met)) ||
		    sl_table_set_str(t, SL_GATE_EVALUATION_OPERATOR, ops, strlen(ops)) ||
		    (*reason &&
		     sl_table_set_str(t, SL_GATE_EVALUATION_REASON, reason, strlen(reason))))
			goto nomem;
		if (mid->has_threshold)
			sl_table_set_f64(t, SL_GATE_EVALUATION_THRESHOLD, mid->threshold);
		sl_table_set_f64(t, SL_GATE_EVALUATION_OBSERVED, v);
		if (usable)
			sl_table_set_bool(t, SL_GATE_EVALUATION_PASSED, ok);
		sl_table_set_bool(t, SL_GATE_EVALUATION_GATE_PASSED,
				  all && decided); /* nothing usable passes nothing */
	}
	if (!found) {
		fprintf(stderr, "shiplog-analyze: no gate '%s'\n", p->query_id);
		rc = 1;
		goto out;
	}
	rc = query_print_table(p, t);
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(t);
	gates_free(gp);
	return rc;
}
