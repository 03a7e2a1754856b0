/* pipeline_analyze_one on hand-worked DAGs: a chain, a diamond, a fan-out
 * run one after another, retries, a cycle, and the stage advice. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "pipeline.h"

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
	suite_add_tcase(s, tc);
	return s;
}
