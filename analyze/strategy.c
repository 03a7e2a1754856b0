#include "strategy.h"
#include "common.h"
#include "frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_stats.h"
#include "sl_dict.h"
#include "sl_fsum.h"
#include "sl_scan.h"

/* One strategy in one scope (an environment, or overall: env = NONE). */
struct cell {
	uint32_t strategy, env;
	uint64_t n, finished, completed, rolled_back;
	int64_t *dur;
	size_t ndur, durcap;
	/* sums: exact, so that the means do not follow the rows' order */
	struct sl_fsum lat, err, cpu, mem, perf;
	uint64_t nlat, nerr, ncpu, nmem;
};

#define NONE UINT32_MAX /* overall; FRAME_NONE strategies are left out */

struct ctx {
	const struct sl_dict *names; /* the frame's */
	struct cell *cells;
	size_t n, cap;
};

static struct cell *cell_of(struct ctx *cx, uint32_t strategy, uint32_t env)
{
	for (size_t i = 0; i < cx->n; i++)
		if (cx->cells[i].strategy == strategy && cx->cells[i].env == env)
			return &cx->cells[i];
	if (sl_grow(&cx->cells, &cx->cap, cx->n + 1, sizeof(*cx->cells)))
		return NULL;
	memset(&cx->cells[cx->n], 0, sizeof(cx->cells[0]));
	cx->cells[cx->n].strategy = strategy;
	cx->cells[cx->n].env = env;
	return &cx->cells[cx->n++];
}

/* A change as a term of a sum: 0 when null (not counted). */
static double get(const double *col, size_t i, int *has)
{
	double v = 0;

	*has = frame_real(col, i, &v);
	return v;
}

static int add(struct cell *c, const struct frame *f, size_t i)
{
	int terminal = frame_finished(f, i);
	int h;
	double lat = get(f->latency, i, &h), er, v;
	int64_t d;

	c->n++;
	c->finished += terminal;
	c->completed += frame_completed(f, i);
	c->rolled_back += terminal && frame_rolled_back(f, i);
	sl_fsum_add(&c->lat, lat);
	c->nlat += h;
	er = get(f->error_rate, i, &h);
	sl_fsum_add(&c->err, er);
	c->nerr += h;
	v = get(f->cpu, i, &h);
	sl_fsum_add(&c->cpu, v);
	c->ncpu += h;
	v = get(f->memory, i, &h);
	sl_fsum_add(&c->mem, v);
	c->nmem += h;
	/* the health score's performance component */
	v = 1 - (lat > 0 ? lat : 0) - 10 * (er > 0 ? er : 0);
	sl_fsum_add(&c->perf, v < 0 ? 0 : v > 1 ? 1 : v);
	if (frame_duration(f, i, &d)) {
		if (sl_grow(&c->dur, &c->durcap, c->ndur + 1, sizeof(*c->dur)))
			return SL_ENOMEM;
		c->dur[c->ndur++] = d;
	}
	return SL_OK;
}

static _Thread_local const struct sl_dict *sort_names;

static int cmp_name(uint32_t a, uint32_t b)
{
	if (a == NONE || b == NONE)
		return (a == NONE) - (b == NONE); /* overall after the environments */
	return names_cmp(sort_names, a, b);
}

static int cmp_cell(const void *x, const void *y)
{
	const struct cell *a = x, *b = y;
	int c = cmp_name(a->env, b->env);

	return c ? c : cmp_name(a->strategy, b->strategy);
}

/* Lower bound of the 95% Wilson score interval of k successes in n: a
 * success rate that small samples cannot inflate. */
static double wilson_lower(uint64_t k, uint64_t n)
{
	const double z = 1.959963984540054;
	double ph, den, centre, margin;

	if (!n)
		return NAN;
	ph = (double)k / (double)n;
	den = 1 + z * z / (double)n;
	centre = ph + z * z / (2.0 * (double)n);
	margin = z * sqrt(ph * (1 - ph) / (double)n + z * z / (4.0 * (double)n * (double)n));
	return (centre - margin) / den;
}

static double mean(const struct sl_fsum *sum, uint64_t n)
{
	return n ? sl_fsum_value(sum) / (double)n : NAN;
}

static int emit(struct sl_table *t, const struct cell *c, const struct sl_dict *names)
{
	size_t n;
	const char *s;
	double sr = c->finished ? (double)c->completed / (double)c->finished : NAN;
	double rr = c->finished ? (double)c->rolled_back / (double)c->finished : NAN;
	double perf = mean(&c->perf, c->n), dsum = 0;
	const char *scope = c->env == NONE ? "overall" : "environment";

	if (sl_table_add_row(t) || sl_table_set_str(t, SL_STRATEGIES_SCOPE, scope, strlen(scope)))
		return SL_ENOMEM;
	if (c->env != NONE) {
		s = sl_dict_get(names, c->env, &n);
		if (sl_table_set_str(t, SL_STRATEGIES_ENVIRONMENT, s, n))
			return SL_ENOMEM;
	}
	s = sl_dict_get(names, c->strategy, &n);
	if (sl_table_set_str(t, SL_STRATEGIES_STRATEGY, s, n))
		return SL_ENOMEM;
	sl_table_set_i64(t, SL_STRATEGIES_DEPLOYMENTS, (int64_t)c->n);
	sl_table_set_i64(t, SL_STRATEGIES_FINISHED, (int64_t)c->finished);
	sl_table_set_f64(t, SL_STRATEGIES_SUCCESS_RATE, sr);
	for (size_t i = 0; i < c->ndur; i++)
		dsum += (double)c->dur[i];
	if (c->ndur) {
		sl_table_set_f64(t, SL_STRATEGIES_AVG_DURATION_MS, dsum / (double)c->ndur);
		/* nearest rank: the smallest duration with 95% at or below it */
		sl_table_set_f64(t, SL_STRATEGIES_P95_DURATION_MS,
				 (double)c->dur[(size_t)ceil(0.95 * (double)c->ndur) - 1]);
	}
	sl_table_set_f64(t, SL_STRATEGIES_ROLLBACK_RATE, rr);
	sl_table_set_f64(t, SL_STRATEGIES_AVG_LATENCY_CHANGE, mean(&c->lat, c->nlat));
	sl_table_set_f64(t, SL_STRATEGIES_AVG_ERROR_RATE_CHANGE, mean(&c->err, c->nerr));
	sl_table_set_f64(t, SL_STRATEGIES_AVG_CPU_CHANGE, mean(&c->cpu, c->ncpu));
	sl_table_set_f64(t, SL_STRATEGIES_AVG_MEMORY_CHANGE, mean(&c->mem, c->nmem));
	sl_table_set_f64(t, SL_STRATEGIES_PERFORMANCE, perf);
	if (c->finished)
		sl_table_set_f64(t, SL_STRATEGIES_RECOMMENDATION_SCORE,
				 100 * (0.6 * wilson_lower(c->completed, c->finished) +
					0.2 * (1 - rr) + 0.2 * perf));
	return SL_OK;
}

int strategy_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err)
{
	struct ctx cx;
	struct sl_table *t = NULL;
	int rc;

	(void)p; /* the filters are the frame's wanted rows */
	(void)st;
	memset(&cx, 0, sizeof(cx));
	cx.names = f->names;
	/* in frame order, so that every sum is a function of the rows */
	for (size_t i = 0; i < f->n; i++) {
		struct cell *c1, *c2;

		if (!f->wanted[i] || f->strategy[i] == FRAME_NONE)
			continue;
		if (!(c1 = cell_of(&cx, f->strategy[i], f->env[i])) || add(c1, f, i) ||
		    !(c2 = cell_of(&cx, f->strategy[i], NONE)) || add(c2, f, i)) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
	}
	if (!(t = sl_table_new_def(SL_T_STRATEGIES))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	sort_names = cx.names;
	sl_sort(cx.cells, cx.n, sizeof(*cx.cells), cmp_cell);
	for (size_t i = 0; i < cx.n; i++) {
		sl_sort_i64(cx.cells[i].dur, cx.cells[i].ndur);
		if (emit(t, &cx.cells[i], cx.names)) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
	}
	rc = sl_analysis_add(a, t) ? sl_err_set(err, SL_ENOMEM, NULL, 0, NULL) : SL_OK;
	t = NULL;
out:
	sl_table_free(t);
	for (size_t i = 0; i < cx.n; i++)
		free(cx.cells[i].dur);
	free(cx.cells);
	return rc;
}
