/* pipeline_analyze_one on hand-worked DAGs: a chain, a diamond, a fan-out
 * run one after another, retries, a cycle, and the stage advice; a pl_acc
 * given what another gathered (the map/reduce's) finishing the same; the
 * duration model from its sums against gsl_multifit_linear over the runs. */
#include <check.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "pipeline_int.h"
#include "sl_stats.h"
#include "xorshift.h"

static const struct pl_config cfg = {
	.bottleneck_share = 0.25, .timeout_factor = 1.5, .timeout_loose = 10,
	.retry_low = 0.2, .retry_high = 0.8, .parallel_share = 0.5,
	.redundant_min_runs = 50, .retry_min = 5,
};

/* A successful first attempt of stage s in execution x over [t0, t1]. */
static struct pl_run ok(int64_t x, uint32_t s, int64_t t0, int64_t t1)
{
	struct pl_run r;

	memset(&r, 0, sizeof(r));
	r.exec = x;
	r.stage = s;
	r.attempt = 1;
	r.status = PL_SUCCESS;
	r.start = t0;
	r.end = t1;
	r.dur = t1 - t0;
	r.has_end = r.has_dur = 1;
	return r;
}

static size_t count_kind(const struct pl_result *res, int kind)
{
	size_t n = 0;

	for (size_t i = 0; i < res->nsug; i++)
		n += res->sug[i].kind == kind;
	return n;
}

static const struct pl_suggestion *find(const struct pl_result *res, int kind, uint32_t a,
					uint32_t b)
{
	for (size_t i = 0; i < res->nsug; i++)
		if (res->sug[i].kind == kind && res->sug[i].stage == a && res->sug[i].other == b)
			return &res->sug[i];
	return NULL;
}

/* a -> b -> c, 10 + 20 + 30 ms: the path is the whole chain and it runs
 * at its bound. */
START_TEST(test_chain)
{
	struct pl_edge e[] = {{0, 1}, {1, 2}};
	struct pl_run r[] = {ok(1, 2, 30, 60), ok(1, 0, 0, 10), ok(1, 1, 10, 30)};
	struct pl_result res;

	ck_assert_int_eq(pipeline_analyze_one(3, e, 2, r, 3, &cfg, &res), 0);
	ck_assert(res.has_cp && !res.cycle);
	ck_assert_int_eq(res.cp_ms, 60);
	ck_assert_int_eq(res.npath, 3);
	ck_assert_int_eq(res.path[0], 0);
	ck_assert_int_eq(res.path[1], 1);
	ck_assert_int_eq(res.path[2], 2);
	ck_assert_int_eq(res.current_ms, 60);
	ck_assert(res.current_eff == 1 && res.potential_eff == 1);
	ck_assert_int_eq(res.saved_ms, 0);
	ck_assert_uint_eq(count_kind(&res, PL_S_PARALLEL), 0);
	/* c is 30 of 60: a bottleneck; b 20/60 = 0.33 too; a 10/60 not */
	ck_assert_uint_eq(count_kind(&res, PL_S_BOTTLENECK), 2);
	ck_assert_ptr_nonnull(find(&res, PL_S_BOTTLENECK, 2, UINT32_MAX));
	ck_assert(fabs(res.st[2].cp_share - 0.5) < 1e-15);
	pipeline_result_release(&res);
}
END_TEST

/* a -> {b, c} -> d with b (20) and c (5) side by side: the path is a, b,
 * d = 40; nothing to run in parallel that does not already; waits: a 5 ms
 * after the execution started, d 0 after the later of b and c. */
START_TEST(test_diamond)
{
	struct pl_edge e[] = {{0, 1}, {0, 2}, {1, 3}, {2, 3}};
	struct pl_run r[] = {ok(7, 0, 0, 10), ok(7, 1, 10, 30), ok(7, 2, 12, 17),
			     ok(7, 3, 30, 40)};
	struct pl_result res;

	for (int i = 0; i < 4; i++) {
		r[i].exec_start = -5;
		r[i].has_exec_start = 1;
	}
	ck_assert_int_eq(pipeline_analyze_one(4, e, 4, r, 4, &cfg, &res), 0);
	ck_assert_int_eq(res.cp_ms, 40);
	ck_assert_int_eq(res.npath, 3);
	ck_assert_int_eq(res.path[1], 1);
	ck_assert(!res.st[2].on_critical_path);
	ck_assert_int_eq(res.current_ms, 40);
	ck_assert_uint_eq(count_kind(&res, PL_S_PARALLEL), 0);
	ck_assert_int_eq(res.st[0].wait_p50, 5);
	ck_assert_int_eq(res.st[2].wait_p50, 2);
	ck_assert_int_eq(res.st[3].wait_p50, 0);
	ck_assert_uint_eq(res.st[3].waits, 1);
	pipeline_result_release(&res);
}
END_TEST

/* a -> {b, c, d}, but b (20), c (5) and d (15) ran one after another: the
 * run takes 50, the graph allows 30 (a + b).  Each pair could run side by
 * side, saving the shorter of the two: b|c 5, b|d 15, c|d 5 = 25, so the
 * potential is max(30, 50 - 25) = 30: efficiency 0.6 now, 1 then, 20 ms
 * saved.  c waited 20 ms after a ended, d 25. */
START_TEST(test_fanout_serial)
{
	struct pl_edge e[] = {{0, 1}, {0, 2}, {0, 3}};
	struct pl_run r[] = {ok(1, 0, 0, 10), ok(1, 1, 10, 30), ok(1, 2, 30, 35),
			     ok(1, 3, 35, 50)};
	struct pl_result res;
	const struct pl_suggestion *s;

	ck_assert_int_eq(pipeline_analyze_one(4, e, 3, r, 4, &cfg, &res), 0);
	ck_assert_int_eq(res.cp_ms, 30);
	ck_assert_int_eq(res.current_ms, 50);
	ck_assert_uint_eq(count_kind(&res, PL_S_PARALLEL), 3);
	ck_assert_ptr_nonnull(s = find(&res, PL_S_PARALLEL, 1, 3));
	ck_assert_int_eq(s->saving_ms, 15);
	ck_assert(s->value == 1);
	ck_assert_int_eq(find(&res, PL_S_PARALLEL, 1, 2)->saving_ms, 5);
	ck_assert_int_eq(find(&res, PL_S_PARALLEL, 2, 3)->saving_ms, 5);
	ck_assert_int_eq(res.potential_ms, 30);
	ck_assert_int_eq(res.saved_ms, 20);
	ck_assert(fabs(res.current_eff - 0.6) < 1e-15);
	ck_assert(res.potential_eff == 1);
	ck_assert_int_eq(res.st[2].wait_p50, 20);
	ck_assert_int_eq(res.st[3].wait_p50, 25);
	pipeline_result_release(&res);
}
END_TEST

/* Two stages, six executions.  f (flaky) fails its first attempt and
 * passes the second; r (real failures) is retried and fails again in
 * executions 1-5, passes in 6.  f: 12 runs, 6 failed, retry success 6/6 =
 * flaky; r: 11 runs, 10 failed, retry success 0/5: retries are useless.
 * Only execution 6 ended well: its makespan (f 0-30, r 30-40) is 40. */
START_TEST(test_retries)
{
	struct pl_edge e[] = {{0, 1}};
	struct pl_run r[32];
	size_t n = 0;
	struct pl_result res;

	for (int x = 1; x <= 6; x++) {
		r[n] = ok(x, 0, 0, 10);
		r[n++].status = PL_FAILED;
		r[n] = ok(x, 0, 10, 30);
		r[n++].attempt = 2;
		r[n] = ok(x, 1, 30, 40);
		if (x < 6) {
			r[n++].status = PL_FAILED;
			r[n] = ok(x, 1, 40, 50);
			r[n].attempt = 2;
			r[n].status = PL_FAILED;
		}
		n++;
	}
	ck_assert_int_eq(pipeline_analyze_one(2, e, 1, r, n, &cfg, &res), 0);
	ck_assert_uint_eq(res.st[0].runs, 12);
	ck_assert_uint_eq(res.st[0].failed, 6);
	ck_assert_uint_eq(res.st[0].retries_succeeded, 6);
	ck_assert_uint_eq(res.st[1].runs, 11);
	ck_assert_uint_eq(res.st[1].failed, 10);
	ck_assert_uint_eq(res.st[1].retries_finished, 5);
	ck_assert_uint_eq(res.st[1].retries_succeeded, 0);
	ck_assert_ptr_nonnull(find(&res, PL_S_RETRY_FLAKY, 0, UINT32_MAX));
	ck_assert_ptr_nonnull(find(&res, PL_S_RETRY_USELESS, 1, UINT32_MAX));
	ck_assert_uint_eq(res.makespans, 1);
	ck_assert_int_eq(res.current_ms, 40);
	/* f's durations 10 x6 and 20 x6: p50 is the 6th = 10, p95 20 */
	ck_assert_int_eq(res.st[0].p50, 10);
	ck_assert_int_eq(res.st[0].p95, 20);
	/* the second attempt of r has no wait of its own */
	ck_assert_uint_eq(res.st[1].waits, 6);
	pipeline_result_release(&res);
}
END_TEST

/* a -> b -> c -> a, and d alone: a cycle (found at a), no critical path
 * and no efficiency, but the counts are still there; no hang. */
START_TEST(test_cycle)
{
	struct pl_edge e[] = {{0, 1}, {1, 2}, {2, 0}};
	struct pl_run r[] = {ok(1, 0, 0, 10), ok(1, 1, 10, 20), ok(1, 2, 20, 30), ok(1, 3, 0, 5)};
	struct pl_result res;

	ck_assert_int_eq(pipeline_analyze_one(4, e, 3, r, 4, &cfg, &res), 0);
	ck_assert(res.cycle && !res.has_cp);
	ck_assert_int_eq(res.cycle_stage, 0);
	ck_assert_uint_eq(res.npath, 0);
	ck_assert(isnan(res.current_eff));
	ck_assert_uint_eq(res.st[3].runs, 1);
	ck_assert_uint_eq(count_kind(&res, PL_S_PARALLEL), 0);
	pipeline_result_release(&res);
	/* a self-loop is a cycle too; an edge to no stage is ignored */
	{
		struct pl_edge e2[] = {{1, 1}, {0, 9}};

		ck_assert_int_eq(pipeline_analyze_one(2, e2, 2, r, 2, &cfg, &res), 0);
		ck_assert(res.cycle);
		ck_assert_int_eq(res.cycle_stage, 1);
		pipeline_result_release(&res);
	}
}
END_TEST

/* Redundant after 3 runs without a failure; timeouts: 5 ms against a p99
 * of 10 is too tight, 101 ms is too loose (> 10 x 10), 50 ms is fine; the
 * recommendation is p99 x 1.5 = 15.  A finished run without an end or a
 * duration is counted as missing. */
START_TEST(test_advice)
{
	struct pl_config c = cfg;
	struct pl_run r[10];
	size_t n = 0;
	struct pl_result res;
	const struct pl_suggestion *s;

	c.redundant_min_runs = 3;
	for (int x = 1; x <= 3; x++)
		for (uint32_t st = 0; st < 3; st++) {
			r[n] = ok(x, st, 0, 10);
			r[n].has_timeout = 1;
			r[n++].timeout_ms = st == 0 ? 5 : st == 1 ? 101 : 50;
		}
	r[n] = ok(4, 2, 0, 10);
	r[n].has_end = r[n].has_dur = 0;
	r[n++].status = PL_FAILED;
	ck_assert_int_eq(pipeline_analyze_one(3, NULL, 0, r, n, &c, &res), 0);
	ck_assert_uint_eq(count_kind(&res, PL_S_REDUNDANT), 2); /* 0 and 1; 2 failed once */
	ck_assert_ptr_nonnull(s = find(&res, PL_S_TIMEOUT_TIGHT, 0, UINT32_MAX));
	ck_assert(s->value == 15);
	ck_assert_ptr_nonnull(find(&res, PL_S_TIMEOUT_LOOSE, 1, UINT32_MAX));
	ck_assert_uint_eq(count_kind(&res, PL_S_TIMEOUT_TIGHT) + count_kind(&res, PL_S_TIMEOUT_LOOSE),
			  2);
	ck_assert_uint_eq(res.missing_end, 1);
	/* three independent stages that always overlapped: no opportunity */
	ck_assert_uint_eq(count_kind(&res, PL_S_PARALLEL), 0);
	ck_assert_int_eq(res.cp_ms, 10);
	pipeline_result_release(&res);
}
END_TEST

/* The advice at its bounds (retry_min 5, retry_low 0.2, retry_high 0.8,
 * timeout_loose 10, parallel_share 0.5), five executions of independent
 * stages.  Retried after a failure in every execution: s0's retries pass
 * in 1 of 5 (0.2: not below retry_low, no advice), s1's in 4 of 5 (0.8:
 * flaky), s2's in none (useless: 5 finished retries reach retry_min).  s3
 * takes 10 ms with a timeout of 100 ms (= p99 x timeout_loose: not too
 * loose), s4 10 ms with a timeout of 10 ms (= p99: not too tight). */
START_TEST(test_advice_bounds)
{
	struct pl_run r[40];
	size_t n = 0;
	struct pl_result res;
	const struct pl_suggestion *s;

	for (int x = 1; x <= 5; x++) {
		for (uint32_t st = 0; st < 3; st++) {
			r[n] = ok(x, st, 0, 10);
			r[n++].status = PL_FAILED;
			r[n] = ok(x, st, 10, 20);
			r[n].attempt = 2;
			if (!(st == 0 ? x == 1 : st == 1 ? x > 1 : 0))
				r[n].status = PL_FAILED;
			n++;
		}
		for (uint32_t st = 3; st < 5; st++) {
			r[n] = ok(x, st, 0, 10);
			r[n].has_timeout = 1;
			r[n++].timeout_ms = st == 3 ? 100 : 10;
		}
	}
	ck_assert_int_eq(pipeline_analyze_one(5, NULL, 0, r, n, &cfg, &res), 0);
	ck_assert_uint_eq(res.st[0].retries_finished, 5);
	ck_assert_uint_eq(res.st[0].retries_succeeded, 1);
	ck_assert_uint_eq(res.st[1].retries_succeeded, 4);
	ck_assert_ptr_null(find(&res, PL_S_RETRY_USELESS, 0, UINT32_MAX));
	ck_assert_ptr_null(find(&res, PL_S_RETRY_FLAKY, 0, UINT32_MAX));
	ck_assert_ptr_nonnull(s = find(&res, PL_S_RETRY_FLAKY, 1, UINT32_MAX));
	ck_assert(s->value == 0.8);
	ck_assert_ptr_nonnull(find(&res, PL_S_RETRY_USELESS, 2, UINT32_MAX));
	ck_assert_int_eq(res.st[3].p99, 10);
	ck_assert_ptr_null(find(&res, PL_S_TIMEOUT_LOOSE, 3, UINT32_MAX));
	ck_assert_ptr_null(find(&res, PL_S_TIMEOUT_TIGHT, 4, UINT32_MAX));
	ck_assert_uint_eq(count_kind(&res, PL_S_TIMEOUT_LOOSE) + count_kind(&res, PL_S_TIMEOUT_TIGHT),
			  0);
	pipeline_result_release(&res);
}
END_TEST

/* a -> b, 10 + 30 ms: a is exactly bottleneck_share (0.25) of the path,
 * not above it: b alone is a bottleneck. */
START_TEST(test_bottleneck_bound)
{
	struct pl_edge e[] = {{0, 1}};
	struct pl_run r[] = {ok(1, 0, 0, 10), ok(1, 1, 10, 40)};
	struct pl_result res;

	ck_assert_int_eq(pipeline_analyze_one(2, e, 1, r, 2, &cfg, &res), 0);
	ck_assert(res.st[0].cp_share == 0.25);
	ck_assert_ptr_null(find(&res, PL_S_BOTTLENECK, 0, UINT32_MAX));
	ck_assert_ptr_nonnull(find(&res, PL_S_BOTTLENECK, 1, UINT32_MAX));
	pipeline_result_release(&res);
}
END_TEST

/* Two independent stages run one after another in 1 of 2 executions: the
 * share is parallel_share (0.5), enough for the advice. */
START_TEST(test_parallel_bound)
{
	struct pl_run r[] = {ok(1, 0, 0, 10), ok(1, 1, 10, 20), ok(2, 0, 0, 10), ok(2, 1, 0, 10)};
	struct pl_result res;
	const struct pl_suggestion *s;

	ck_assert_int_eq(pipeline_analyze_one(2, NULL, 0, r, 4, &cfg, &res), 0);
	ck_assert_ptr_nonnull(s = find(&res, PL_S_PARALLEL, 0, 1));
	ck_assert(s->value == 0.5);
	pipeline_result_release(&res);
}
END_TEST

/* Three stages a -> {b, c}, b and c unrelated; 40 executions with
 * retries, failures, timeouts and b|c sometimes one after the other.  A
 * pl_acc fed the runs, and one given its counts, its order statistics (by
 * nearest rank over its values), its pairs and makespan median: the same
 * result, field by field. */
START_TEST(test_given)
{
	struct pl_edge e[] = {{0, 1}, {0, 2}};
	struct pl_acc *a = pl_acc_new(3, e, 2), *b = pl_acc_new(3, e, 2);
	struct pl_result ra, rb;
	struct pl_stage_stats *st;
	const struct pl_stage_stats *cnt;
	uint64_t seed = 42, missing;
	int64_t *v;
	size_t n;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	for (int64_t x = 1; x <= 40; x++) {
		int64_t t = x * 100000, da = 100 + (int64_t)(xorshift64(&seed) % 50);
		int64_t db = 300 + (int64_t)(xorshift64(&seed) % 300), dc = 50 + (int64_t)(xorshift64(&seed) % 90);
		int serial = xorshift64(&seed) % 3 == 0;
		struct pl_run r[4] = {ok(x, 0, t, t + da), ok(x, 1, t + da, t + da + db),
				      ok(x, 2, serial ? t + da + db : t + da,
					 (serial ? t + da + db : t + da) + dc),
				      ok(x, 2, 0, 0)};
		size_t nr = 3;

		for (int k = 0; k < 3; k++) {
			r[k].has_timeout = 1;
			r[k].timeout_ms = k == 1 ? 600 : 60 + 10 * (int64_t)(x % 3);
			r[k].has_exec_start = 1;
			r[k].exec_start = t - (int64_t)(xorshift64(&seed) % 20);
		}
		if (x % 7 == 0) { /* c fails, then passes on retry */
			r[2].status = PL_FAILED;
			r[3] = r[2];
			r[3].attempt = 2;
			r[3].status = PL_SUCCESS;
			r[3].start = r[2].end;
			r[3].end = r[3].start + 40;
			r[3].dur = 40;
			nr = 4;
		}
		for (size_t k = 0; k < nr; k++)
			ck_assert_int_eq(pl_acc_row(a, &r[k]), 0);
		ck_assert_int_eq(pl_acc_exec(a, r, nr), 0);
	}
	/* b given what a holds */
	cnt = pl_acc_counts(a, &missing);
	st = pl_acc_given(b);
	for (size_t s = 0; s < 3; s++) {
		const int64_t *tv;
		const uint64_t *tc;
		size_t nt = pl_acc_timeouts(a, s, &tv, &tc);
		int64_t *tw = malloc(64 * sizeof(*tw));

		st[s] = cnt[s];
		ck_assert_int_eq(pl_acc_values(a, PL_L_DUR, s, &v, &n), 0);
		sl_sort_i64(v, n);
		st[s].has_dur = n > 0;
		st[s].p50 = v[pipeline_rank(n, 0.5)];
		st[s].p95 = v[pipeline_rank(n, 0.95)];
		st[s].p99 = v[pipeline_rank(n, 0.99)];
		free(v);
		ck_assert_int_eq(pl_acc_values(a, PL_L_WAIT, s, &v, &n), 0);
		sl_sort_i64(v, n);
		st[s].waits = n;
		st[s].wait_p50 = n ? v[pipeline_rank(n, 0.5)] : 0;
		free(v);
		/* the timeouts' lower median, expanded from their counts */
		n = 0;
		for (size_t k = 0; k < nt; k++)
			for (uint64_t c = 0; c < tc[k]; c++)
				tw[n++] = tv[k];
		sl_sort_i64(tw, n);
		st[s].has_timeout = n > 0;
		st[s].timeout_ms = tw[pipeline_rank(n, 0.5)];
		free(tw);
		for (size_t y = s + 1; y < 3; y++) {
			uint32_t tog, seq;

			ck_assert_int_eq(pl_acc_pair(a, s, y, &tog, &seq), 0);
			pl_acc_given_pair(b, s, y, tog, seq);
		}
	}
	pl_acc_given_missing(b, missing);
	ck_assert_int_eq(pl_acc_values(a, PL_L_MK, 0, &v, &n), 0);
	sl_sort_i64(v, n);
	pl_acc_given_makespan(b, v[pipeline_rank(n, 0.5)], n);
	free(v);
	ck_assert_int_eq(pl_acc_finish(a, &cfg, &ra), 0);
	ck_assert_int_eq(pl_acc_finish(b, &cfg, &rb), 0);
	ck_assert_mem_eq(ra.st, rb.st, 3 * sizeof(*ra.st));
	ck_assert_uint_eq(ra.npath, rb.npath);
	ck_assert_mem_eq(ra.path, rb.path, ra.npath * sizeof(*ra.path));
	ck_assert_int_eq(ra.cp_ms, rb.cp_ms);
	ck_assert_int_eq(ra.current_ms, rb.current_ms);
	ck_assert_uint_eq(ra.makespans, rb.makespans);
	ck_assert_int_eq(ra.saved_ms, rb.saved_ms);
	ck_assert_uint_eq(ra.nsug, rb.nsug);
	ck_assert_uint_gt(ra.nsug, 0);
	for (size_t k = 0; k < ra.nsug; k++) { /* field by field: padding differs */
		ck_assert_int_eq(ra.sug[k].kind, rb.sug[k].kind);
		ck_assert_uint_eq(ra.sug[k].stage, rb.sug[k].stage);
		ck_assert_uint_eq(ra.sug[k].other, rb.sug[k].other);
		ck_assert(ra.sug[k].value == rb.sug[k].value);
		ck_assert_int_eq(ra.sug[k].saving_ms, rb.sug[k].saving_ms);
	}
	ck_assert(ra.current_eff == rb.current_eff);
	pipeline_result_release(&ra);
	pipeline_result_release(&rb);
	pl_acc_free(a);
	pl_acc_free(b);
}
END_TEST

/* The duration model from per-combination sums against
 * gsl_multifit_linear (SVD) over the runs' rows: 3 pipelines, 2000 runs
 * at random hours, days and triggers, log(d / cp) = the factors' effects
 * + noise.  Coefficients, their covariance and the residual variance
 * agree to 1e-9 relative; a run's combination gives back its factors. */
START_TEST(test_fit_reference)
{
	static const char *const trig[] = {"push", "pull_request", "manual", "schedule", NULL};
	static const double effect[PF_N] = {0.1, -0.05, 0.02, 0.03, -0.04, -0.6, 0.1, 0.05};
	struct pl_pipe pipes[3];
	struct pl_all A;
	const int64_t cp[3] = {60000, 240000, 900000};
	enum { N = 2000 };
	gsl_matrix *X = gsl_matrix_alloc(N, PF_N), *cov = gsl_matrix_alloc(PF_N, PF_N);
	gsl_vector *y = gsl_vector_alloc(N), *c = gsl_vector_alloc(PF_N);
	gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(N, PF_N);
	uint64_t seed = 7;
	double chisq;

	memset(&A, 0, sizeof(A));
	memset(pipes, 0, sizeof(pipes));
	A.pipes = pipes;
	A.npipes = 3;
	for (int p = 0; p < 3; p++) {
		pipes[p].analysed = 1;
		pipes[p].res.has_cp = 1;
		pipes[p].res.cp_ms = cp[p];
		pipes[p].msum = calloc(PL_COMBOS, sizeof(*pipes[p].msum));
	}
	for (int i = 0; i < N; i++) {
		int p = (int)(xorshift64(&seed) % 3), combo;
		int64_t start = (int64_t)(xorshift64(&seed) % (14 * 86400000ULL));
		const char *tr = trig[xorshift64(&seed) % 5];
		double x[PF_N], xc[PF_N], lg = 0, noise = ((double)(xorshift64(&seed) % 2001) - 1000) / 4000;
		int64_t d;

		pipeline_features(start, tr, tr ? strlen(tr) : 0, x);
		combo = pipeline_combo(start, tr, tr ? strlen(tr) : 0);
		pipeline_combo_x(combo, xc);
		ck_assert_mem_eq(x, xc, sizeof(x));
		for (int k = 0; k < PF_N; k++) {
			lg += effect[k] * x[k];
			gsl_matrix_set(X, (size_t)i, (size_t)k, x[k]);
		}
		d = (int64_t)llround((double)cp[p] * exp(lg + noise));
		gsl_vector_set(y, (size_t)i, log((double)d / (double)cp[p]));
		pipes[p].msum[combo].n++;
		sl_fsum_add(&pipes[p].msum[combo].s, log((double)d));
		sl_fsum_add(&pipes[p].msum[combo].q, log((double)d) * log((double)d));
	}
	ck_assert_int_eq(gsl_multifit_linear(X, y, c, cov, &chisq, ws), 0);
	ck_assert_int_eq(pipeline_fit(&A), 0);
	ck_assert(A.model.fitted);
	ck_assert_uint_eq(A.model.samples, N);
	ck_assert(fabs(A.model.sigma2 - chisq / (N - PF_N)) <= 1e-9 * A.model.sigma2);
	for (int k = 0; k < PF_N; k++) {
		ck_assert(A.model.used[k]);
		ck_assert_msg(fabs(A.model.coef[k] - gsl_vector_get(c, (size_t)k)) <=
				      1e-9 * fmax(1e-3, fabs(gsl_vector_get(c, (size_t)k))),
			      "coefficient %d: %.17g, GSL %.17g", k, A.model.coef[k],
			      gsl_vector_get(c, (size_t)k));
		for (int j = 0; j < PF_N; j++)
			ck_assert(fabs(A.model.cov[k][j] - gsl_matrix_get(cov, (size_t)k, (size_t)j)) <=
				  1e-9 * sqrt(fabs(gsl_matrix_get(cov, (size_t)k, (size_t)k)) *
					      fabs(gsl_matrix_get(cov, (size_t)j, (size_t)j))));
	}
	for (int p = 0; p < 3; p++)
		free(pipes[p].msum);
	gsl_matrix_free(X);
	gsl_matrix_free(cov);
	gsl_vector_free(y);
	gsl_vector_free(c);
	gsl_multifit_linear_free(ws);
}
END_TEST

Suite *suite_pipeline(void);

Suite *suite_pipeline(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("pipeline");

	tcase_add_test(tc, test_chain);
	tcase_add_test(tc, test_diamond);
	tcase_add_test(tc, test_fanout_serial);
	tcase_add_test(tc, test_retries);
	tcase_add_test(tc, test_cycle);
	tcase_add_test(tc, test_advice);
	tcase_add_test(tc, test_advice_bounds);
	tcase_add_test(tc, test_parallel_bound);
	tcase_add_test(tc, test_bottleneck_bound);
	tcase_add_test(tc, test_given);
	tcase_add_test(tc, test_fit_reference);
	suite_add_tcase(s, tc);
	return s;
}
