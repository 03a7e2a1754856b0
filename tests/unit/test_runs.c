/* analyze/runs: the rules on hand-made values, and a store of hand-made
 * pipeline and stage runs read back through the runs model: every
 * execution handed over once, whole (one spans midnight), its rows in the
 * one order under the rules, the same whatever order the rows were stored
 * in, and only the rows of open executions held.  Then the order
 * statistics a stage keeps as values (pipegraph's pl_acc) against a sort. */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "config.h"
#include "pipeline.h"
#include "runs.h"
#include "sl_stats.h"
#include "xorshift.h"
#include "sl_colfile.h"
#include "sl_result.h"
#include "sl_store.h"
#include "window.h"

#define DAY 86400000LL
#define MIN_MS 60000LL

START_TEST(test_rules)
{
	int64_t v = 0;

	/* finished: success, failed, cancelled; not skipped, running, pending */
	ck_assert(runs_finished(SL_CI_SUCCESS) && runs_finished(SL_CI_FAILED) &&
		  runs_finished(SL_CI_CANCELLED));
	ck_assert(!runs_finished(SL_CI_SKIPPED) && !runs_finished(SL_CI_RUNNING) &&
		  !runs_finished(SL_CI_PENDING) && !runs_finished(SL_CI_OTHER));
	/* the duration: duration_ms first, else end - start; never negative */
	ck_assert_int_eq(runs_duration(1, 500, 1, 9000, 1000, &v), 1);
	ck_assert_int_eq(v, 500);
	ck_assert_int_eq(runs_duration(0, 0, 1, 9000, 1000, &v), 1);
	ck_assert_int_eq(v, 8000);
	ck_assert_int_eq(runs_duration(0, 0, 0, 0, 1000, &v), 0);
	ck_assert_int_eq(runs_duration(1, -5, 1, 9000, 1000, &v), 0);
	ck_assert_int_eq(v, -5); /* kept for the order, not a duration */
	ck_assert_int_eq(runs_duration(0, 0, 1, 500, 1000, &v), 0);
	ck_assert_int_eq(runs_duration(1, 0, 0, 0, 1000, &v), 1);
	ck_assert_int_eq(v, 0);
	/* the attempt and the retry */
	ck_assert_int_eq(runs_attempt(0, 7), 1);
	ck_assert_int_eq(runs_attempt(1, 0), 1);
	ck_assert_int_eq(runs_attempt(1, -3), 1);
	ck_assert_int_eq(runs_attempt(1, 3), 3);
	ck_assert_int_eq(runs_attempt(1, (int64_t)INT32_MAX + 5), INT32_MAX);
	ck_assert(!runs_retry(1) && runs_retry(2));
	/* the timeout */
	ck_assert_int_eq(runs_timeout(1, 90, &v), 1);
	ck_assert_int_eq(v, 90000);
	ck_assert_int_eq(runs_timeout(1, 0, &v), 0);
	ck_assert_int_eq(runs_timeout(0, 90, &v), 0);
	ck_assert_int_eq(runs_timeout(1, INT64_MAX / 100, &v), 0);
	/* the wait */
	ck_assert_int_eq(runs_wait(5000, 2000, &v), 1);
	ck_assert_int_eq(v, 3000);
	ck_assert_int_eq(runs_wait(2000, 2000, &v), 1);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(runs_wait(1000, 2000, &v), 0);
}
END_TEST

/* One hand-written stage run: times in minutes after day 20000 starts. */
struct srun {
	const char *pipe, *stage, *deps, *status;
	int64_t exec, start, end; /* end -1: null */
	int64_t dur, attempt;	  /* -1: null */
	int64_t timeout_s;	  /* 0: null */
};

/* web 1: build, test (retried), deploy after both; web 2 spans midnight
 * (its deploy is on the next day); api 1: one stage, no end; a stage run
 * of web 3, whose pipeline run is not stored. */
static const struct srun sruns[] = {
	{"web", "build", NULL, "success", 1, 0, 10, -1, -1, 600},
	{"web", "test", "build", "failed", 1, 10, 15, -1, 1, 0},
	{"web", "test", "build", "success", 1, 16, 20, 3 * 60000, 2, 0},
	{"web", "deploy", "build; test", "success", 1, 25, 30, -1, -1, 0},
	{"web", "build", NULL, "success", 2, 1400, 1420, -1, 0, 600},
	{"web", "test", "build", "success", 2, 1425, 1435, -1, 1, 0},
	{"web", "deploy", "build; test", "success", 2, 1445, 1450, -1, 1, 0},
	{"api", "lint", NULL, "success", 1, 100, -1, -1, -1, 0},
	{"web", "build", NULL, "running", 3, 200, -1, -1, 1, 0},
};
#define NSRUNS (sizeof(sruns) / sizeof(sruns[0]))

/* Pipeline runs: web 1 twice (the repeat starts later), web 2, api 1. */
struct prun {
	const char *pipe, *trigger;
	int64_t exec, start, end;
};

static const struct prun pruns[] = {
	{"web", "push", 1, 0, 31},
	{"web", "manual", 1, 5, 40},
	{"web", NULL, 2, 1395, 1451},
	{"api", "push", 1, 99, -1},
};
#define NPRUNS (sizeof(pruns) / sizeof(pruns[0]))

static char dir[64];
static struct sl_store *st;

/* One day's partition of kind in the store, in row groups of 2 rows (the
 * analyses must join across groups): day_row() adds a row, day_close()
 * commits the partition, or drops it when it got no row. */
struct day_part {
	enum sl_kind kind;
	int64_t day;
	char tmp[PATH_MAX];
	struct sl_cfw *w;
	struct sl_batch *b;
	int any;
};

/* Returns the batch the rows go to. */
static struct sl_batch *day_open(struct day_part *d, enum sl_kind kind, int64_t day)
{
	struct sl_errctx err;

	d->kind = kind;
	d->day = day;
	d->any = 0;
	ck_assert_ptr_nonnull(d->b = sl_batch_new(kind, 8));
	ck_assert_int_eq(sl_store_temp_path(st, kind, d->tmp, sizeof(d->tmp), &err), 0);
	ck_assert_int_eq(sl_cfw_open(&d->w, d->tmp, kind, day, &err), 0);
	return d->b;
}

static size_t day_row(struct day_part *d)
{
	struct sl_errctx err;
	size_t r;

	if (d->b->n == 2) {
		ck_assert_int_eq(sl_cfw_write_batch(d->w, d->b, &err), 0);
		sl_batch_clear(d->b);
	}
	ck_assert_int_eq(sl_batch_add_row(d->b, &r), 0);
	d->any = 1;
	return r;
}

static void day_close(struct day_part *d)
{
	struct sl_errctx err;
	char final[PATH_MAX];

	if (d->b->n)
		ck_assert_int_eq(sl_cfw_write_batch(d->w, d->b, &err), 0);
	ck_assert_int_eq(sl_cfw_finish(d->w, &err), 0);
	sl_store_partition_path(st, d->kind, d->day, final, sizeof(final));
	if (d->any)
		ck_assert_int_eq(sl_store_stage_rename(st, d->tmp, final), 0);
	else
		ck_assert_int_eq(sl_store_stage_unlink(st, d->tmp), 0);
	sl_batch_free(d->b);
}

/* Writes the rows of kind for the day (rows of that day, in the order of
 * perm). */
static void write_day(enum sl_kind kind, int64_t day, const size_t *perm, size_t n)
{
	struct day_part d;
	struct sl_batch *b = day_open(&d, kind, day);

#define COL(name) sl_kind_col(kind, name)
	for (size_t k = 0; k < n; k++) {
		size_t i = perm[k], r;

		if (kind == SL_KIND_STAGE_RUNS) {
			const struct srun *s = &sruns[i];

			if ((20000 * DAY + s->start * MIN_MS) / DAY != day)
				continue;
			r = day_row(&d);
			sl_batch_set_str(b, COL("pipeline_id"), r, s->pipe, strlen(s->pipe));
			sl_batch_set_str(b, COL("stage_id"), r, s->stage, strlen(s->stage));
			if (s->deps)
				sl_batch_set_str(b, COL("depends_on"), r, s->deps, strlen(s->deps));
			sl_batch_set_str(b, COL("status"), r, s->status, strlen(s->status));
			sl_batch_set_i64(b, COL("execution_number"), r, s->exec);
			sl_batch_set_i64(b, COL("start_time"), r, 20000 * DAY + s->start * MIN_MS);
			if (s->end >= 0)
				sl_batch_set_i64(b, COL("end_time"), r, 20000 * DAY + s->end * MIN_MS);
			if (s->dur >= 0)
				sl_batch_set_i64(b, COL("duration_ms"), r, s->dur);
			if (s->attempt >= 0)
				sl_batch_set_i64(b, COL("attempt"), r, s->attempt);
			if (s->timeout_s)
				sl_batch_set_i64(b, COL("timeout_s"), r, s->timeout_s);
		} else {
			const struct prun *x = &pruns[i];

			if ((20000 * DAY + x->start * MIN_MS) / DAY != day)
				continue;
			r = day_row(&d);
			sl_batch_set_str(b, COL("pipeline_id"), r, x->pipe, strlen(x->pipe));
			if (x->trigger)
				sl_batch_set_str(b, COL("trigger_type"), r, x->trigger,
						 strlen(x->trigger));
			sl_batch_set_str(b, COL("status"), r, "success", 7);
			sl_batch_set_i64(b, COL("execution_number"), r, x->exec);
			sl_batch_set_i64(b, COL("start_time"), r, 20000 * DAY + x->start * MIN_MS);
			if (x->end >= 0)
				sl_batch_set_i64(b, COL("end_time"), r, 20000 * DAY + x->end * MIN_MS);
		}
	}
#undef COL
	day_close(&d);
}

static void make_store(const size_t *sperm, const size_t *pperm)
{
	struct sl_errctx err;

	snprintf(dir, sizeof(dir), "/tmp/shiplog-runs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_EXCLUSIVE, 0, &err), 0);
	for (int64_t day = 20000; day < 20002; day++) {
		write_day(SL_KIND_STAGE_RUNS, day, sperm, NSRUNS);
		write_day(SL_KIND_PIPELINE_RUNS, day, pperm, NPRUNS);
	}
	ck_assert_int_eq(sl_store_commit(st, &err), 0);
}

static void drop_store(void)
{
	char cmd[128];

	sl_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* What the stream handed over, as text: one line per execution, its rows
 * in order with what the rules made of them. */
struct seen {
	const struct runs *R;
	char text[4096];
	size_t len, rows, execs;
};

static int on_row(void *ctx, const struct runs_stage *r)
{
	struct seen *s = ctx;

	(void)r;
	s->rows++;
	return 0;
}

static int on_exec(void *ctx, const struct runs_stage *rows, size_t n)
{
	struct seen *s = ctx;
	size_t pn;
	const char *pipe = sl_dict_get(s->R->names, rows[0].pipe, &pn);

	s->execs++;
	s->len += (size_t)snprintf(s->text + s->len, sizeof(s->text) - s->len, "%.*s#%lld:",
				   (int)pn, pipe, (long long)rows[0].exec);
	for (size_t i = 0; i < n; i++) {
		const struct runs_stage *r = &rows[i];
		size_t sn;
		const char *stage = sl_dict_get(s->R->names, r->stage, &sn);

		ck_assert_uint_eq(r->pipe, rows[0].pipe);
		ck_assert_int_eq(r->exec, rows[0].exec);
		ck_assert_uint_eq(s->R->pipes[r->pipe_idx].code, r->pipe);
		ck_assert_uint_eq(s->R->pipes[r->pipe_idx].stages[r->stage_idx], r->stage);
		s->len += (size_t)snprintf(s->text + s->len, sizeof(s->text) - s->len,
					   " %.*s/%d/%d/%lld%s", (int)sn, stage, r->attempt,
					   r->status, r->has_dur ? (long long)r->dur : -1LL,
					   r->has_timeout ? "/t" : "");
	}
	s->len += (size_t)snprintf(s->text + s->len, sizeof(s->text) - s->len, "\n");
	return 0;
}

static void read_back(struct seen *s, struct runs *R)
{
	struct analyze_params p;
	struct sl_errctx err;
	struct runs_sink sink = {s, on_row, on_exec};

	memset(&p, 0, sizeof(p));
	p.from = 20000 * DAY;
	p.to = 20002 * DAY;
	memset(s, 0, sizeof(*s));
	s->R = R;
	ck_assert_int_eq(runs_load(&p, st, R, &err), 0);
	ck_assert_int_eq(runs_stream(&p, st, R, &sink, &err), 0);
}

static const char expect[] =
	"api#1: lint/1/0/-1\n"
	"web#1: build/1/0/600000/t deploy/1/0/300000 test/1/1/300000 test/2/0/180000\n"
	"web#2: build/1/0/1200000/t deploy/1/0/300000 test/1/0/600000\n"
	"web#3: build/1/4/-1\n";

/* The executions sorted by text: the stream hands them over as they
 * complete, which depends on the row groups. */
static void sorted_lines(const char *in, char *out, size_t cap)
{
	char buf[4096], *lines[64], *save = NULL;
	size_t n = 0, len = 0;

	snprintf(buf, sizeof(buf), "%s", in);
	for (char *l = strtok_r(buf, "\n", &save); l && n < 64; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
			char *t = lines[j];

			lines[j] = lines[j - 1];
			lines[j - 1] = t;
		}
	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s\n", lines[i]);
}

static uint32_t code_of_name(struct runs *R, const char *s)
{
	for (uint32_t c = 0; c < R->ncodes; c++) {
		size_t n;
		const char *t = sl_dict_get(R->names, c, &n);

		if (n == strlen(s) && !memcmp(s, t, n))
			return c;
	}
	return RUNS_NONE;
}

static void check_model(const size_t *sperm, const size_t *pperm)
{
	struct runs R;
	struct seen s;
	char got[4096];
	uint32_t web, api;
	ptrdiff_t x;

	make_store(sperm, pperm);
	read_back(&s, &R);
	sorted_lines(s.text, got, sizeof(got));
	ck_assert_str_eq(got, expect);
	ck_assert_uint_eq(s.rows, NSRUNS);
	ck_assert_uint_eq(s.execs, 4);
	/* never all the rows at once: the stage runs of a row group and the
	 * open executions */
	ck_assert_uint_lt(R.held_max, NSRUNS);
	/* pipelines and stages by name */
	ck_assert_uint_eq(R.npipes, 2);
	api = R.pipes[0].code;
	web = R.pipes[1].code;
	ck_assert_uint_lt(api, web);
	ck_assert_uint_eq(R.pipes[1].stages[0] + 0, code_of_name(&R, "build"));
	ck_assert_uint_lt(R.pipes[1].stages[0], R.pipes[1].stages[1]);
	ck_assert_uint_lt(R.pipes[1].stages[1], R.pipes[1].stages[2]);
	/* codes are in byte order: every name before the next */
	for (uint32_t c = 1; c < R.ncodes; c++)
		ck_assert_int_lt(names_cmp(R.names, c - 1, c), 0);
	ck_assert_uint_eq(R.pipes[1].nstages, 3);
	ck_assert_uint_eq(R.pipes[1].nstage_runs, 8);
	/* the pipeline runs: web 1's first row is the one that starts first */
	ck_assert_uint_eq(R.nx, 4);
	ck_assert_uint_eq(R.pipes[1].x1 - R.pipes[1].x0, 3);
	x = runs_find_exec(&R, web, 1);
	ck_assert_int_ge(x, 0);
	ck_assert_int_eq(R.x_start[x], 20000 * DAY);
	ck_assert(R.x_first[x] && !R.x_first[x + 1]);
	ck_assert_int_eq(R.x_dur[x], 31 * MIN_MS);
	ck_assert(R.x_flags[x] & RUNS_HAS_DUR);
	ck_assert_int_eq(runs_find_exec(&R, web, 3), -1);
	x = runs_find_exec(&R, api, 1);
	ck_assert_int_ge(x, 0);
	ck_assert(!(R.x_flags[x] & (RUNS_HAS_DUR | RUNS_HAS_END)));
	runs_release(&R);
	runs_release(&R); /* released twice: harmless */
	drop_store();
}

START_TEST(test_stream)
{
	static const size_t s0[] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, p0[] = {0, 1, 2, 3};
	static const size_t s1[] = {8, 7, 6, 3, 2, 5, 1, 0, 4}, p1[] = {3, 1, 2, 0};

	check_model(s0, p0);
	check_model(s1, p1);
}
END_TEST

/* The order statistics a pipeline's stage keeps as values, against a sort
 * done here: 2001 seeded runs of one stage, one an execution, whose
 * durations pass 2^32 ms halfway (the stored values widen), whose waits
 * and timeouts repeat; streamed run by run (pl_acc), then all at once. */
static int64_t nearest(int64_t *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);

	sl_sort_i64(v, n);
	return v[k ? k - 1 : 0];
}

START_TEST(test_ranks)
{
	static const struct pl_config cfg = {
		.bottleneck_share = 0.25, .timeout_factor = 1.5, .timeout_loose = 10,
		.retry_low = 0.2, .retry_high = 0.8, .parallel_share = 0.5,
		.redundant_min_runs = 50, .retry_min = 5,
	};
	enum { N = 2001 };
	static struct pl_run runs[N];
	static int64_t dur[N], wait[N], tmo[N];
	uint64_t seed = XORSHIFT_SEED;
	struct pl_result res, res2;
	struct pl_acc *a;

	for (size_t i = 0; i < N; i++) {
		struct pl_run *r = &runs[i];

		memset(r, 0, sizeof(*r));
		r->exec = (int64_t)i;
		r->attempt = 1;
		r->status = PL_SUCCESS;
		r->exec_start = 1000000 * (int64_t)i;
		r->has_exec_start = 1;
		wait[i] = (int64_t)(xorshift64(&seed) % 50) * 1000;
		r->start = r->exec_start + wait[i];
		dur[i] = (int64_t)(xorshift64(&seed) % 100000000);
		if (i >= N / 2)
			dur[i] += (int64_t)1 << 33; /* beyond 49 days */
		r->end = r->start + dur[i];
		r->dur = dur[i];
		r->has_end = r->has_dur = 1;
		tmo[i] = (int64_t)(1 + xorshift64(&seed) % 3) * 60000;
		r->timeout_ms = tmo[i];
		r->has_timeout = 1;
	}
	ck_assert_ptr_nonnull(a = pl_acc_new(1, NULL, 0));
	for (size_t i = 0; i < N; i++) {
		ck_assert_int_eq(pl_acc_row(a, &runs[i]), 0);
		ck_assert_int_eq(pl_acc_exec(a, &runs[i], 1), 0);
	}
	ck_assert_int_eq(pl_acc_finish(a, &cfg, &res), 0);
	pl_acc_free(a);
	ck_assert_int_eq(pipeline_analyze_one(1, NULL, 0, runs, N, &cfg, &res2), 0);
	ck_assert(res.st[0].has_dur && res.st[0].has_timeout);
	ck_assert_uint_eq(res.st[0].runs, N);
	ck_assert_uint_eq(res.st[0].waits, N);
	ck_assert_int_eq(res.st[0].p50, nearest(dur, N, 0.5));
	ck_assert_int_eq(res.st[0].p95, nearest(dur, N, 0.95));
	ck_assert_int_eq(res.st[0].p99, nearest(dur, N, 0.99));
	ck_assert_int_gt(res.st[0].p95, (int64_t)1 << 33);
	/* the 1001st of 2001: the first of the long ones */
	ck_assert_int_gt(res.st[0].p50, (int64_t)1 << 33);
	ck_assert_int_lt(res.st[0].p50, ((int64_t)1 << 33) + 100000000);
	ck_assert_int_eq(res.st[0].wait_p50, nearest(wait, N, 0.5));
	ck_assert_int_eq(res.st[0].timeout_ms, nearest(tmo, N, 0.5));
	ck_assert(res.has_current);
	ck_assert_int_eq(res.current_ms, res.st[0].p50); /* one stage: makespan = duration */
	ck_assert_int_eq(res2.st[0].p50, res.st[0].p50);
	ck_assert_int_eq(res2.st[0].p99, res.st[0].p99);
	ck_assert_int_eq(res2.st[0].wait_p50, res.st[0].wait_p50);
	ck_assert_int_eq(res2.st[0].timeout_ms, res.st[0].timeout_ms);
	pipeline_result_release(&res);
	pipeline_result_release(&res2);
	pl_acc_free(NULL);
}
END_TEST


/* The per-branch and per-day tables on hand-made pipeline runs (minutes
 * after 2024-10-04 00:00 UTC, day 20000; Berlin is UTC+2 then): ci has
 * two branches and a run of none (still running), runs on two days, one at
 * 22:30 UTC (00:30 the next day in Berlin), a superseded failed attempt
 * (never counted) and a repeated row of an execution (counted once); api
 * has one branch on one day, so its three rows carry the same figures. */
struct brun {
	const char *pipe, *branch, *status;
	int64_t exec, start, dur; /* dur -1: no end */
	int superseded;
};

static const struct brun bruns[] = {
	{"ci", "main", "success", 1, 10 * 60, 10, 0},
	{"ci", "main", "success", 1, 10 * 60 + 1, 10, 0}, /* a repeat: the later one */
	{"ci", "main", "failed", 2, 22 * 60 + 30, 20, 0},
	{"ci", "feature", "failed", 3, 24 * 60 + 8 * 60, 1, 1},
	{"ci", "feature", "success", 3, 24 * 60 + 9 * 60, 5, 0},
	{"ci", NULL, "running", 4, 24 * 60 + 12 * 60, -1, 0},
	{"ci", "feature", "cancelled", 5, 24 * 60 + 13 * 60, 2, 0},
	{"api", "main", "success", 1, 8 * 60, 1, 0},
};
#define NBRUNS (sizeof(bruns) / sizeof(bruns[0]))

static void write_bruns(int64_t day, const size_t *perm)
{
	struct day_part d;
	struct sl_batch *b = day_open(&d, SL_KIND_PIPELINE_RUNS, day);

#define COL(name) sl_kind_col(SL_KIND_PIPELINE_RUNS, name)
	for (size_t k = 0; k < NBRUNS; k++) {
		const struct brun *x = &bruns[perm[k]];
		int64_t start = 20000 * DAY + x->start * MIN_MS;
		size_t r;

		if (start / DAY != day)
			continue;
		r = day_row(&d);
		sl_batch_set_str(b, COL("pipeline_id"), r, x->pipe, strlen(x->pipe));
		if (x->branch)
			sl_batch_set_str(b, COL("branch"), r, x->branch, strlen(x->branch));
		sl_batch_set_str(b, COL("status"), r, x->status, strlen(x->status));
		sl_batch_set_i64(b, COL("execution_number"), r, x->exec);
		sl_batch_set_i64(b, COL("start_time"), r, start);
		if (x->dur >= 0)
			sl_batch_set_i64(b, COL("end_time"), r, start + x->dur * MIN_MS);
		if (x->superseded)
			sl_batch_set_bool(b, COL("superseded"), r, 1);
	}
#undef COL
	day_close(&d);
}

/* Table name of the pipelines analysis of the store, as CSV, under the
 * time zone tz. */
static void table_csv(const char *tz, const char *name, char *out, size_t cap)
{
	struct analyze_params p;
	struct sl_analysis *a = sl_analysis_new();
	struct sl_errctx err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(&p, 0, sizeof(p));
	p.from = 20000 * DAY;
	p.to = 20002 * DAY;
	config_defaults(&p.cfg);
	ck_assert_int_eq(window_set_tz(tz), 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(pipeline_run(&p, st, NULL, a, &err), 0);
	ck_assert_ptr_nonnull(sl_analysis_table(a, name));
	ck_assert_ptr_nonnull(f = open_memstream(&buf, &len));
	ck_assert_int_eq(sl_table_write_csv(sl_analysis_table(a, name), f), 0);
	fclose(f);
	snprintf(out, cap, "%s", buf);
	free(buf);
	sl_analysis_free(a);
	ck_assert_int_eq(window_set_tz(NULL), 0);
}

static const char expect_branches[] =
	"pipeline_id,branch,executions,finished,successful,failed,success_rate,"
	"p50_duration_ms,p95_duration_ms\n"
	"api,main,1,1,1,0,1,60000,60000\n"
	/* feature: 5 and 2 min; nearest rank: p50 the 1st, p95 the 2nd */
	"ci,feature,2,2,1,1,0.5,120000,300000\n"
	"ci,main,2,2,1,1,0.5,600000,1200000\n"
	/* no branch: last; running, so nothing finished */
	"ci,,1,0,0,0,,,\n";

static const char expect_days_utc[] =
	"pipeline_id,day,executions,finished,successful,failed,success_rate,"
	"p50_duration_ms,p95_duration_ms\n"
	"api,2024-10-04,1,1,1,0,1,60000,60000\n"
	"ci,2024-10-04,2,2,1,1,0.5,600000,1200000\n"
	"ci,2024-10-05,3,2,1,1,0.5,120000,300000\n";

/* in Berlin #2 (22:30 UTC, 20 min, failed) starts on the 5th */
static const char expect_days_berlin[] =
	"pipeline_id,day,executions,finished,successful,failed,success_rate,"
	"p50_duration_ms,p95_duration_ms\n"
	"api,2024-10-04,1,1,1,0,1,60000,60000\n"
	"ci,2024-10-04,1,1,1,0,1,600000,600000\n"
	"ci,2024-10-05,4,3,1,2,0.3333333333333333,300000,1200000\n";

static void check_groups(const size_t *perm)
{
	char got[2048], pipes[2048];

	snprintf(dir, sizeof(dir), "/tmp/shiplog-runs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	{
		struct sl_errctx err;

		ck_assert_int_eq(sl_store_open(&st, dir, 0, SL_LOCK_EXCLUSIVE, 0, &err), 0);
		write_bruns(20000, perm);
		write_bruns(20001, perm);
		ck_assert_int_eq(sl_store_commit(st, &err), 0);
	}
	table_csv(NULL, "pipeline_branches", got, sizeof(got));
	ck_assert_str_eq(got, expect_branches);
	table_csv("UTC", "pipeline_days", got, sizeof(got));
	ck_assert_str_eq(got, expect_days_utc);
	table_csv("Europe/Berlin", "pipeline_days", got, sizeof(got));
	ck_assert_str_eq(got, expect_days_berlin);
	/* the pipelines table: the same figures as api's rows above, and ci's
	 * branches added up */
	table_csv(NULL, "pipelines", pipes, sizeof(pipes));
	ck_assert_ptr_nonnull(strstr(pipes, "\napi,1,1,1,0,1,60000,60000,"));
	ck_assert_ptr_nonnull(strstr(pipes, "\nci,5,4,2,2,0.5,300000,1200000,"));
	drop_store();
}

START_TEST(test_branches_days)
{
	static const size_t p0[] = {0, 1, 2, 3, 4, 5, 6, 7}, p1[] = {7, 5, 3, 1, 6, 4, 2, 0};

	check_groups(p0);
	check_groups(p1);
}
END_TEST

Suite *suite_runs(void);

Suite *suite_runs(void)
{
	Suite *s = suite_create("runs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rules);
	tcase_add_test(tc, test_stream);
	tcase_add_test(tc, test_ranks);
	tcase_add_test(tc, test_branches_days);
	suite_add_tcase(s, tc);
	return s;
}
