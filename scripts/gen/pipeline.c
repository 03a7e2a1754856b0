/* pipeline.c - CI pipelines: a dozen pipelines with fixed stage graphs,
 * their executions (pipeline_runs), one row per stage attempt
 * (stage_runs) and quality-gate evaluations (gate_results).
 *
 * Planted for the pipeline analysis: in some pipelines independent stages
 * run one after another although nothing orders them (parallel
 * opportunities); flaky stages fail on attempt 1 and pass on attempt 2;
 * lint never fails (a redundancy candidate); one slow test stage per
 * template is the bottleneck; a failure skips everything downstream. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAXSTAGES 9
#define NPIPELINES 12

enum gate_kind { G_NONE = 0, G_COVERAGE, G_ERROR_RATE, G_P95, G_APPROVAL, G_SOAK, G_VULNS };

struct stage_def {
	const char *id, *name, *type, *env;
	int deps[3], ndeps;
	int group;      /* stages of a group may run in parallel; 0: none */
	double med_s;   /* median duration */
	double fail_p;  /* a real failure on an attempt */
	double flaky_p; /* a spurious failure on attempt 1 */
	int timeout_s;
	enum gate_kind gate;
};

struct template {
	const char *suffix;
	int n;
	struct stage_def st[MAXSTAGES];
};

static const struct template templates[] = {
	{"release", 9, {
		{"checkout", "Checkout", "build", NULL, {0}, 0, 0, 20, 0.003, 0, 300, G_NONE},
		{"build", "Build", "build", NULL, {0}, 1, 0, 240, 0.03, 0, 1800, G_NONE},
		{"unit-tests", "Unit tests", "test", NULL, {1}, 1, 1, 360, 0.035, 0.06, 1800, G_COVERAGE},
		{"lint", "Lint", "test", NULL, {1}, 1, 1, 60, 0, 0, 600, G_NONE},
		{"integration-tests", "Integration tests", "test", NULL, {1}, 1, 1, 1500, 0.03, 0.10, 3600, G_NONE},
		{"package", "Package", "build", NULL, {2, 3, 4}, 3, 0, 120, 0.005, 0, 900, G_NONE},
		{"deploy-staging", "Deploy to staging", "deploy", "staging", {5}, 1, 0, 300, 0.03, 0, 1800, G_ERROR_RATE},
		{"smoke-test", "Smoke test", "validate", "staging", {6}, 1, 0, 180, 0.02, 0.05, 900, G_P95},
		{"deploy-production", "Deploy to production", "promote", "production", {7}, 1, 0, 480, 0.02, 0, 7200, G_APPROVAL},
	}},
	{"ci", 5, {
		{"checkout", "Checkout", "build", NULL, {0}, 0, 0, 15, 0.003, 0, 300, G_NONE},
		{"build", "Build", "build", NULL, {0}, 1, 0, 180, 0.03, 0, 1800, G_NONE},
		{"unit-tests", "Unit tests", "test", NULL, {1}, 1, 1, 420, 0.04, 0.07, 1800, G_COVERAGE},
		{"lint", "Lint", "test", NULL, {1}, 1, 1, 45, 0, 0, 600, G_NONE},
		{"publish", "Publish package", "promote", NULL, {2, 3}, 2, 0, 60, 0.01, 0, 600, G_NONE},
	}},
	{"deploy", 6, {
		{"checkout", "Checkout", "build", NULL, {0}, 0, 0, 20, 0.003, 0, 300, G_NONE},
		{"build", "Build image", "build", NULL, {0}, 1, 0, 300, 0.03, 0, 1800, G_NONE},
		{"unit-tests", "Unit tests", "test", NULL, {1}, 1, 1, 300, 0.03, 0.05, 1800, G_COVERAGE},
		{"security-scan", "Security scan", "validate", NULL, {1}, 1, 1, 240, 0.02, 0, 1200, G_VULNS},
		{"deploy-dev", "Deploy to development", "deploy", "development", {2, 3}, 2, 0, 200, 0.03, 0, 1200, G_NONE},
		{"e2e-tests", "End-to-end tests", "validate", "development", {4}, 1, 0, 1200, 0.04, 0.12, 3600, G_P95},
	}},
	{"infra", 8, {
		{"checkout", "Checkout", "build", NULL, {0}, 0, 0, 15, 0.003, 0, 300, G_NONE},
		{"terraform-validate", "terraform validate", "test", NULL, {0}, 1, 0, 40, 0.02, 0, 600, G_NONE},
		{"terraform-plan", "terraform plan", "build", NULL, {1}, 1, 0, 200, 0.03, 0.03, 1800, G_NONE},
		{"policy-check", "Policy check", "validate", NULL, {2}, 1, 1, 90, 0.03, 0, 900, G_NONE},
		{"cost-estimate", "Cost estimate", "validate", NULL, {2}, 1, 1, 70, 0.01, 0, 900, G_NONE},
		{"approval", "Approval", "promote", "production", {3, 4}, 2, 0, 900, 0.0, 0, 86400, G_APPROVAL},
		{"terraform-apply", "terraform apply", "deploy", "production", {5}, 1, 0, 1400, 0.03, 0, 7200, G_SOAK},
		{"drift-check", "Drift check", "validate", "production", {6}, 1, 0, 120, 0.01, 0, 900, G_NONE},
	}},
	{"mobile", 7, {
		{"checkout", "Checkout", "build", NULL, {0}, 0, 0, 25, 0.003, 0, 300, G_NONE},
		{"build", "Build app", "build", NULL, {0}, 1, 0, 600, 0.03, 0, 3600, G_NONE},
		{"unit-tests", "Unit tests", "test", NULL, {1}, 1, 1, 300, 0.03, 0.05, 1800, G_COVERAGE},
		{"ui-tests", "UI tests", "test", NULL, {1}, 1, 1, 2100, 0.04, 0.15, 5400, G_NONE},
		{"lint", "Lint", "test", NULL, {1}, 1, 1, 50, 0, 0, 600, G_NONE},
		{"sign", "Sign", "build", NULL, {2, 3, 4}, 3, 0, 60, 0.005, 0, 600, G_NONE},
		{"publish-beta", "Publish beta", "promote", "production", {5}, 1, 0, 180, 0.02, 0, 1800, G_NONE},
	}},
};

struct pipeline {
	char id[64];
	char name[96];
	char agent_ids[160];
	const struct template *t;
	int sequential;   /* runs its parallel groups one stage at a time */
	double speed;
	double weight;
	long next_exec;
};

struct attempt {
	int stage, attempt;
	const char *status;
	int64_t start, end; /* end -1: still running */
	int gate;           /* gate evaluated at the end of this attempt */
	double observed;
	int gate_ok;
};

struct run {
	int64_t created, t0, end;
	long exec;
	const char *trigger, *by;
	const char *status;
	int nattempts;
	struct attempt at[2 * MAXSTAGES];
};

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static int slug_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

/* The agents a pipeline belongs to: one, or three for the monorepo
 * style pipelines.  The first must have a slug-safe name: it names the
 * pipeline. */
static int pipeline_agent(const struct world *w, int p)
{
	for (int k = 0; k < w->nagents; k++) {
		int a = (p + k) % w->nagents;

		if (slug_ok(w->agents[a].name))
			return a;
	}
	return -1;
}

static void pipelines_init(const struct world *w, struct pipeline *pl)
{
	for (int p = 0; p < NPIPELINES; p++) {
		struct rng r = rng_for(w->p->seed, SALT_PIPELINE, (uint64_t)p);
		int a = pipeline_agent(w, p);
		const char *agent = a >= 0 ? w->agents[a].name : "platform";
		size_t len;

		pl[p].t = &templates[p % N_OF(templates)];
		pl[p].sequential = p % 3 == 1;
		pl[p].speed = rng_lognormal(&r, 1.0, 0.25);
		pl[p].weight = rng_lognormal(&r, 1.0, 0.5);
		pl[p].next_exec = 1 + (long)rng_below(&r, 3000);
		snprintf(pl[p].id, sizeof(pl[p].id), "%s-%s", agent, pl[p].t->suffix);
		for (int q = 0; q < p; q++) /* few agents: keep ids unique */
			if (!strcmp(pl[q].id, pl[p].id))
				snprintf(pl[p].id, sizeof(pl[p].id), "%s-%s-%d", agent, pl[p].t->suffix, p);
		snprintf(pl[p].name, sizeof(pl[p].name), "%s %s", agent, pl[p].t->suffix);
		len = (size_t)snprintf(pl[p].agent_ids, sizeof(pl[p].agent_ids), "%s",
				       a >= 0 ? w->agents[a].name : "");
		if (p % 4 == 0 && w->nagents >= 3) {
			for (int k = 1; k <= 2 && len < sizeof(pl[p].agent_ids); k++)
				len += (size_t)snprintf(pl[p].agent_ids + len, sizeof(pl[p].agent_ids) - len,
							";%s", w->agents[(a + k * 5) % w->nagents].name);
		}
	}
}

/* ---- simulation of one run ---- */

/* Draws the gate's observed value; returns whether it passes. */
static int gate_eval(enum gate_kind g, struct rng *r, double *obs)
{
	switch (g) {
	case G_COVERAGE:
		*obs = clampd(0.86 + 0.025 * rng_normal(r), 0, 1);
		return *obs >= 0.8;
	case G_ERROR_RATE:
		*obs = rng_lognormal(r, 0.003, 0.6);
		return *obs < 0.01;
	case G_P95:
		*obs = rng_lognormal(r, 280, 0.3);
		return *obs <= 500;
	case G_APPROVAL:
		*obs = rng_chance(r, 0.985) ? 1 : 0;
		return *obs == 1;
	case G_SOAK:
		*obs = rng_chance(r, 0.01) ? rng_range(r, 5, 29) : rng_range(r, 30, 90);
		return *obs >= 30;
	case G_VULNS:
		*obs = rng_poisson(r, 0.03);
		return *obs <= 0;
	default:
		*obs = 0;
		return 1;
	}
}

static struct attempt *add_attempt(struct run *run, int stage, int attempt, const char *status,
				   int64_t start, int64_t end)
{
	struct attempt *a = &run->at[run->nattempts++];

	memset(a, 0, sizeof(*a));
	a->stage = stage;
	a->attempt = attempt;
	a->status = status;
	a->start = start;
	a->end = end;
	return a;
}

/* Runs one stage from its ready time; returns its done time and sets
 * *ok.  A real failure is retried now and then; a flaky one usually
 * passes on the retry. */
static int64_t run_stage(const struct pipeline *pl, int k, int64_t ready, struct run *run,
			 struct rng *r, int *ok)
{
	const struct stage_def *s = &pl->t->st[k];
	int64_t t = ready + (int64_t)(clampd(rng_lognormal(r, 3, 0.8), 0.5, 60) * MS_SEC);
	double fail_p = s->fail_p;

	for (int attempt = 1; attempt <= 2; attempt++) {
		double secs = rng_lognormal(r, s->med_s * pl->speed, 0.35);
		int fail = rng_chance(r, fail_p), flaky = attempt == 1 && rng_chance(r, s->flaky_p);
		struct attempt *a;

		if (s->gate == G_APPROVAL) /* waiting for a human */
			secs += clampd(rng_lognormal(r, 20 * 60, 1.0), 30, 86400 / 2);
		if (secs > s->timeout_s) {
			secs = s->timeout_s;
			fail = 1;
		}
		a = add_attempt(run, k, attempt, "success", t,
				t + (int64_t)(secs * 1000) + rng_below(r, 1000));
		if (!fail && !flaky && s->gate != G_NONE) {
			a->gate = s->gate;
			a->gate_ok = gate_eval(s->gate, r, &a->observed);
			if (!a->gate_ok) {
				a->status = "failed";
				*ok = 0;
				return a->end; /* a failed gate is not retried */
			}
		}
		if (!fail && !flaky) {
			*ok = 1;
			return a->end;
		}
		a->status = "failed";
		/* Flaky failures are retried and mostly pass; a real failure
		 * is retried now and then and mostly fails again. */
		if (attempt == 2 || !(flaky || rng_chance(r, 0.3)))
			break;
		fail_p = fail ? 0.7 : s->fail_p;
		t = a->end + (int64_t)(rng_range(r, 5, 30) * MS_SEC);
	}
	*ok = 0;
	return run->at[run->nattempts - 1].end;
}

/* When stage k may start: all dependencies done, and in a sequential
 * pipeline also the previous stage of its group. */
static int64_t ready_time(const struct pipeline *pl, int k, const int64_t *done, int64_t t0,
			  const int *ok, int *deps_ok)
{
	const struct stage_def *s = &pl->t->st[k];
	int64_t ready = t0;

	*deps_ok = 1;
	for (int j = 0; j < s->ndeps; j++) {
		if (done[s->deps[j]] > ready)
			ready = done[s->deps[j]];
		if (!ok[s->deps[j]])
			*deps_ok = 0;
	}
	if (pl->sequential && s->group) {
		for (int j = k - 1; j >= 0; j--) {
			if (pl->t->st[j].group == s->group) {
				if (done[j] > ready)
					ready = done[j];
				break;
			}
		}
	}
	return ready;
}

static void simulate(const struct pipeline *pl, int pr, struct run *run, struct rng *r)
{
	int64_t done[MAXSTAGES];
	int ok[MAXSTAGES];

	run->nattempts = 0;
	for (int k = 0; k < pl->t->n; k++) {
		const struct stage_def *s = &pl->t->st[k];
		int deps_ok;
		int64_t ready = ready_time(pl, k, done, run->t0, ok, &deps_ok);
		int deploys = !strcmp(s->type, "deploy") || !strcmp(s->type, "promote");

		if (!deps_ok || (pr && deploys)) {
			add_attempt(run, k, 1, "skipped", ready, -1);
			done[k] = ready;
			ok[k] = 0;
			continue;
		}
		done[k] = run_stage(pl, k, ready, run, r, &ok[k]);
	}
}

/* A cancelled run: what ran at the cut is cancelled, what had not
 * started is skipped. */
static void cancel_at(struct run *run, int64_t cut)
{
	for (int k = 0; k < run->nattempts; k++) {
		struct attempt *a = &run->at[k];

		if (a->start >= cut) {
			a->status = "skipped";
			a->start = cut;
			a->end = -1;
			a->gate = G_NONE;
		} else if (a->end > cut) {
			a->status = "cancelled";
			a->end = cut;
			a->gate = G_NONE;
		}
	}
}

/* Cut at "now": attempts not started yet are dropped (their stage has
 * no row yet), those under way are running. */
static int cut_now(struct run *run, int64_t now)
{
	int n = 0, running = 0;

	for (int k = 0; k < run->nattempts; k++) {
		struct attempt *a = &run->at[k];

		if (a->start >= now)
			continue;
		if (a->end > now) {
			a->status = "running";
			a->end = -1;
			a->gate = G_NONE;
			running = 1;
		}
		run->at[n++] = *a;
	}
	run->nattempts = n;
	return running;
}

static int64_t run_end(const struct run *run)
{
	int64_t end = run->t0;

	for (int k = 0; k < run->nattempts; k++) {
		const struct attempt *a = &run->at[k];
		int64_t t = a->end >= 0 ? a->end : a->start;

		if (t > end)
			end = t;
	}
	return end;
}

static const char *final_status(const struct pipeline *pl, const struct run *run)
{
	int last[MAXSTAGES];

	for (int k = 0; k < pl->t->n; k++)
		last[k] = -1;
	for (int k = 0; k < run->nattempts; k++)
		last[run->at[k].stage] = k;
	for (int k = 0; k < pl->t->n; k++)
		if (last[k] >= 0 && !strcmp(run->at[last[k]].status, "failed"))
			return "failed";
	return "success";
}

/* ---- rows ---- */

enum { PR_ID, PR_NAME, PR_EXEC, PR_TRIGGER, PR_BY, PR_START, PR_END, PR_DUR, PR_STATUS,
       PR_AGENTS, PR_META, PR_N };
static const char *const pr_names[PR_N] = {"pipeline_id", "pipeline_name", "execution_number",
					   "trigger_type", "triggered_by", "start_time",
					   "end_time", "duration_ms", "status", "agent_ids",
					   "metadata"};
static int prc[PR_N];

enum { SR_PID, SR_EXEC, SR_SID, SR_NAME, SR_TYPE, SR_ENV, SR_DEPS, SR_PAR, SR_TIMEOUT,
       SR_ATTEMPT, SR_STATUS, SR_START, SR_END, SR_DUR, SR_META, SR_N };
static const char *const sr_names[SR_N] = {"pipeline_id", "execution_number", "stage_id",
					   "stage_name", "stage_type", "environment",
					   "depends_on", "parallel", "timeout_s", "attempt",
					   "status", "start_time", "end_time", "duration_ms",
					   "metadata"};
static int src[SR_N];

enum { GR_PID, GR_EXEC, GR_SID, GR_NAME, GR_TYPE, GR_METRIC, GR_OP, GR_THRESH, GR_OBS,
       GR_STATUS, GR_META, GR_N };
static const char *const gr_names[GR_N] = {"pipeline_id", "execution_number", "stage_id",
					   "gate_name", "gate_type", "metric", "operator",
					   "threshold", "observed", "status", "metadata"};
static int grc[GR_N];

struct gate_def {
	const char *name, *type, *metric, *op;
	double threshold;
	int dec;
};

static const struct gate_def gate_defs[] = {
	[G_COVERAGE] = {"coverage-threshold", "automated", "coverage", "gte", 0.8, 4},
	[G_ERROR_RATE] = {"staging-error-rate", "automated", "error_rate", "lt", 0.01, 5},
	[G_P95] = {"p95-latency", "automated", "p95_latency_ms", "lte", 500, 1},
	[G_APPROVAL] = {"production-approval", "manual", "approval", "eq", 1, 0},
	[G_SOAK] = {"soak-time", "time_based", "soak_minutes", "gte", 30, 1},
	[G_VULNS] = {"no-critical-vulns", "automated", "critical_vulns", "eq", 0, 0},
};

static void depends_text(const struct template *t, int k, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int j = 0; j < t->st[k].ndeps; j++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", j ? ";" : "",
					t->st[t->st[k].deps[j]].id);
}

static void stage_row(const struct pipeline *pl, long exec, const struct attempt *a,
		      struct rng *r, struct gen_out *o, struct gen_row *row)
{
	const struct stage_def *s = &pl->t->st[a->stage];
	char *deps;

	row_reset(row, sl_kind_def(SL_KIND_STAGE_RUNS)->ncols);
	deps = row_alloc(row, 128);
	row_strn(row, src[SR_PID], pl->id, strlen(pl->id));
	row_int(row, src[SR_EXEC], exec);
	row_str(row, src[SR_SID], s->id);
	row_str(row, src[SR_NAME], s->name);
	row_str(row, src[SR_TYPE], s->type);
	if (s->env)
		row_str(row, src[SR_ENV], s->env);
	depends_text(pl->t, a->stage, deps, 128);
	if (*deps)
		row_str(row, src[SR_DEPS], deps);
	row_bool(row, src[SR_PAR], s->group && !pl->sequential);
	row_int(row, src[SR_TIMEOUT], s->timeout_s);
	row_int(row, src[SR_ATTEMPT], a->attempt);
	row_str(row, src[SR_STATUS], a->status);
	row_time(row, src[SR_START], a->start);
	if (a->end >= 0) {
		row_time(row, src[SR_END], a->end);
		row_int(row, src[SR_DUR], a->end - a->start);
	}
	if (rng_chance(r, 0.05))
		row_json(row, src[SR_META], "{\"runner\":\"gha-ubuntu-22.04-4core\"}");
	gen_out_row(o, row);
}

static void gate_row(const struct pipeline *pl, long exec, const struct attempt *a,
		     struct gen_out *o, struct gen_row *row)
{
	const struct gate_def *g = &gate_defs[a->gate];

	row_reset(row, sl_kind_def(SL_KIND_GATE_RESULTS)->ncols);
	row_strn(row, grc[GR_PID], pl->id, strlen(pl->id));
	row_int(row, grc[GR_EXEC], exec);
	row_str(row, grc[GR_SID], pl->t->st[a->stage].id);
	row_str(row, grc[GR_NAME], g->name);
	row_str(row, grc[GR_TYPE], g->type);
	row_str(row, grc[GR_METRIC], g->metric);
	row_str(row, grc[GR_OP], g->op);
	row_fix(row, grc[GR_THRESH], g->threshold, 4);
	row_fix(row, grc[GR_OBS], a->observed, g->dec);
	row_str(row, grc[GR_STATUS], a->gate_ok ? "passed" : "failed");
	gen_out_row(o, row);
}

static const char *pick_trigger(int64_t t, struct rng *r)
{
	static const char *const kinds[] = {"push", "pull_request", "manual", "schedule"};
	static const double day_w[] = {55, 30, 10, 5};
	int hour = (int)(t % MS_DAY / MS_HOUR);

	if (hour >= 1 && hour < 5 && rng_chance(r, 0.85))
		return "schedule";
	return kinds[rng_pick(r, day_w, 4)];
}

static const char *pick_trigger_by(const char *trigger, struct rng *r)
{
	if (!strcmp(trigger, "schedule"))
		return "scheduler";
	if (!strcmp(trigger, "manual") && rng_chance(r, 0.2))
		return "release-bot";
	if (!strcmp(trigger, "push") && rng_chance(r, 0.1))
		return "renovate[bot]";
	return gen_people[rng_below(r, (uint32_t)gen_npeople)];
}

static void run_row(const struct pipeline *pl, const struct run *run, struct rng *r,
		    struct gen_out *o, struct gen_row *row)
{
	char *p;

	row_reset(row, sl_kind_def(SL_KIND_PIPELINE_RUNS)->ncols);
	row_strn(row, prc[PR_ID], pl->id, strlen(pl->id));
	row_str(row, prc[PR_NAME], pl->name);
	row_int(row, prc[PR_EXEC], run->exec);
	row_str(row, prc[PR_TRIGGER], run->trigger);
	row_str(row, prc[PR_BY], run->by);
	row_time(row, prc[PR_START], run->created);
	if (run->end >= 0) {
		row_time(row, prc[PR_END], run->end);
		row_int(row, prc[PR_DUR], run->end - run->created);
	}
	row_str(row, prc[PR_STATUS], run->status);
	if (pl->agent_ids[0])
		row_str(row, prc[PR_AGENTS], pl->agent_ids);
	if (rng_chance(r, 0.12)) {
		p = row_alloc(row, 96);
		if (!strcmp(run->trigger, "pull_request"))
			snprintf(p, 96, "{\"pull_request\":%u,\"branch\":\"feature/%s\"}",
				 100 + rng_below(r, 4000), pl->t->suffix);
		else
			snprintf(p, 96, "{\"branch\":\"main\",\"commit\":\"%08x\"}",
				 (unsigned)rng_below(r, 0xffffffffu));
		row_json(row, prc[PR_META], p);
	}
	gen_out_row(o, row);
}

/* Simulates execution i: which pipeline, who triggered it, its stage
 * attempts, and its state when the logs end. */
static struct pipeline *plan_run(const struct world *w, struct pipeline *pls,
				 const double *weights, uint64_t i, struct run *run)
{
	struct rng r = rng_for(w->p->seed, SALT_RUN, i);
	struct pipeline *pl;

	run->created = timeprofile_at(&w->run_tp, i, (uint64_t)w->p->pipeline_runs, rng_unif(&r));
	pl = &pls[rng_pick(&r, weights, NPIPELINES)];
	run->exec = pl->next_exec++;
	run->trigger = pick_trigger(run->created, &r);
	run->by = pick_trigger_by(run->trigger, &r);
	run->t0 = run->created + (int64_t)(clampd(rng_lognormal(&r, 15, 0.8), 1, 600) * MS_SEC);
	simulate(pl, !strcmp(run->trigger, "pull_request"), run, &r);
	run->status = final_status(pl, run);
	if (rng_chance(&r, 0.02)) {
		double at = rng_range(&r, 0.1, 0.9);

		cancel_at(run, run->t0 + (int64_t)((double)(run_end(run) - run->t0) * at));
		run->status = "cancelled";
	}
	run->end = run_end(run);
	/* Runs created in the last six hours sometimes still wait for a
	 * runner when the logs end. */
	if (run->created >= w->now_ms - 6 * MS_HOUR && rng_chance(&r, 0.2))
		run->t0 = w->now_ms;
	if (run->t0 >= w->now_ms) { /* still queued */
		run->nattempts = 0;
		run->status = "pending";
		run->end = -1;
	} else if (cut_now(run, w->now_ms) || run->end > w->now_ms) {
		run->status = "running";
		run->end = -1;
	}
	return pl;
}

/* Row decorations draw from streams of their own, so one kind's rows do
 * not depend on whether another kind is written. */
static void emit_run(const struct world *w, const struct pipeline *pl, const struct run *run,
		     uint64_t i, struct gen_out **outs, struct gen_row *row)
{
	struct rng r;

	if (outs[SL_KIND_PIPELINE_RUNS]) {
		r = rng_for(w->p->seed, SALT_RUN_META, i);
		run_row(pl, run, &r, outs[SL_KIND_PIPELINE_RUNS], row);
	}
	r = rng_for(w->p->seed, SALT_STAGE_META, i);
	for (int k = 0; k < run->nattempts && outs[SL_KIND_STAGE_RUNS]; k++)
		stage_row(pl, run->exec, &run->at[k], &r, outs[SL_KIND_STAGE_RUNS], row);
	for (int k = 0; k < run->nattempts && outs[SL_KIND_GATE_RESULTS]; k++)
		if (run->at[k].gate != G_NONE)
			gate_row(pl, run->exec, &run->at[k], outs[SL_KIND_GATE_RESULTS], row);
}

int gen_pipelines(struct world *w, struct gen_out **outs, struct gen_pool *pool)
{
	struct pipeline pls[NPIPELINES];
	double weights[NPIPELINES];
	struct gen_row *row;
	struct run run;
	int rc = 0;

	if (!outs[SL_KIND_PIPELINE_RUNS] && !outs[SL_KIND_STAGE_RUNS] && !outs[SL_KIND_GATE_RESULTS])
		return 0;
	if (gen_colmap(SL_KIND_PIPELINE_RUNS, pr_names, PR_N, prc) ||
	    gen_colmap(SL_KIND_STAGE_RUNS, sr_names, SR_N, src) ||
	    gen_colmap(SL_KIND_GATE_RESULTS, gr_names, GR_N, grc))
		return 1;
	row = malloc(sizeof(*row));
	if (!row) {
		fprintf(stderr, GEN_PROG ": error: out of memory\n");
		return 1;
	}
	memset(pls, 0, sizeof(pls));
	pipelines_init(w, pls);
	for (int p = 0; p < NPIPELINES; p++)
		weights[p] = pls[p].weight;
	for (uint64_t i = 0; i < (uint64_t)w->p->pipeline_runs; i++) {
		const struct pipeline *pl = plan_run(w, pls, weights, i, &run);

		emit_run(w, pl, &run, i, outs, row);
		if ((i & 0xffff) == 0xffff && gen_pool_failed(pool)) {
			rc = 1;
			break;
		}
	}
	free(row);
	return rc;
}
