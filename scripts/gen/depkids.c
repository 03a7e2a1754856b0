/* depkids.c - the kinds that hang off a deployment: checkpoints,
 * artifacts, validations and metric samples.  Each draws from its own
 * stream keyed by the deployment index, and all are consistent with the
 * deployment: times inside [start, end], the failing step matches the
 * cause, nothing after "now" for deployments still running. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "deploy.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* Where in a rollout something happens; causes map to the step that
 * notices them. */
enum role { R_BUILD, R_PRE, R_DEPLOY, R_STEP, R_HEALTH, R_SMOKE, R_POST, R_ROLLBACK };

static enum role cause_role(const struct dep *d)
{
	if (d->phase == P_PARTIAL)
		return R_HEALTH;
	switch (d->cause) {
	case C_MIGRATION:
	case C_CONFIG:
		return R_PRE;
	case C_IMAGE:
	case C_CRASHLOOP:
	case C_OOM:
	case C_DEADLINE:
		return R_DEPLOY;
	case C_CANARY:
	case C_ERROR_RATE:
	case C_LATENCY:
	case C_SLO:
		return R_STEP;
	case C_MANUAL:
		return R_POST;
	default:
		return R_HEALTH;
	}
}

/* ---- checkpoints ---- */

enum { K_ID, K_NAME, K_TYPE, K_STATUS, K_TS, K_DUR, K_META, K_N };
static const char *const ck_names[K_N] = {"deployment_id", "checkpoint_name", "checkpoint_type",
					  "status", "timestamp", "duration_ms", "metadata"};
static int kc[K_N];

struct step {
	const char *name, *type;
	enum role role;
	double weight;
};

static int plan_steps(const struct dep *d, struct rng *r, struct step *s)
{
	static const char *const deploy_names[ST_COUNT] = {"deploy_green", "canary_deploy",
							   "rolling_update", "recreate",
							   "shadow_deploy"};
	static const char *const step_names[ST_COUNT] = {"traffic_switch", "canary_analysis",
							 NULL, NULL, "traffic_mirror"};
	int n = 0;

	if (rng_chance(r, 0.7))
		s[n++] = (struct step){"build", "build", R_BUILD, 0.15};
	s[n++] = (struct step){"pre_deploy", "validation", R_PRE, 0.08};
	s[n++] = (struct step){deploy_names[d->strat], "deployment", R_DEPLOY, 0.40};
	if (step_names[d->strat])
		s[n++] = (struct step){step_names[d->strat], "traffic", R_STEP, 0.25};
	s[n++] = (struct step){"health_check", "health", R_HEALTH, 0.10};
	if (rng_chance(r, 0.6))
		s[n++] = (struct step){"post_deploy", "verification", R_POST, 0.05};
	return n;
}

static int failing_step(const struct dep *d, const struct step *s, int n)
{
	enum role want = cause_role(d);

	if (want == R_STEP || want == R_SMOKE)
		want = R_STEP;
	for (int k = 0; k < n; k++)
		if (s[k].role == want)
			return k;
	for (int k = 0; k < n; k++)
		if (s[k].role == R_HEALTH)
			return k;
	return n - 1;
}

static void ck_row(struct gen_out *o, struct gen_row *row, const struct dep *d,
		   const struct step *s, const char *status, int64_t ts, int64_t dur,
		   const char *meta)
{
	row_reset(row, sl_kind_def(SL_KIND_CHECKPOINTS)->ncols);
	row_strn(row, kc[K_ID], d->id, 36);
	row_str(row, kc[K_NAME], s->name);
	row_str(row, kc[K_TYPE], s->type);
	row_str(row, kc[K_STATUS], status);
	row_time(row, kc[K_TS], ts);
	if (dur >= 0)
		row_int(row, kc[K_DUR], dur);
	if (meta)
		row_json(row, kc[K_META], meta);
	gen_out_row(o, row);
}

static const char *ck_meta(struct rng *r, char *buf, size_t n)
{
	if (!rng_chance(r, 0.1))
		return NULL;
	if (rng_chance(r, 0.5))
		snprintf(buf, n, "{\"node\":\"ip-10-0-%u-%u.ec2.internal\"}", rng_below(r, 256),
			 rng_below(r, 256));
	else
		snprintf(buf, n, "{\"attempt\":%u,\"runner\":\"k8s-runner-%u\"}",
			 1 + rng_below(r, 3), rng_below(r, 40));
	return buf;
}

void emit_checkpoints(const struct world *w, const struct dep *d, struct gen_out *o,
		      struct gen_row *row)
{
	struct rng r = rng_for(w->p->seed, SALT_CHECKPOINT, d->idx);
	struct step s[8];
	int n = plan_steps(d, &r, s), fail = dep_failed(d) ? failing_step(d, s, n) : -1;
	int last = fail >= 0 ? fail : n - 1;
	int64_t work = d->dur - d->rollback_ms, t = d->start, cutoff = INT64_MAX;
	double wsum = 0, wk[8];
	char meta[96];

	if (d->active)
		cutoff = d->start + (int64_t)(d->progress * (double)d->dur);
	for (int k = 0; k <= last; k++) {
		wk[k] = s[k].weight * rng_range(&r, 0.6, 1.4);
		wsum += wk[k];
	}
	for (int k = 0; k <= last; k++) {
		int64_t len = k == last ? d->start + work - t : (int64_t)((double)work * wk[k] / wsum);
		const char *m = ck_meta(&r, meta, sizeof(meta));

		if (t + len > cutoff) { /* running now: the rest has not happened */
			ck_row(o, row, d, &s[k], "in_progress", t, -1, m);
			return;
		}
		ck_row(o, row, d, &s[k], k == fail ? "failed" : "passed", t, len, m);
		t += len;
	}
	for (int k = last + 1; fail >= 0 && k < n; k++)
		ck_row(o, row, d, &s[k], "skipped", t, -1, NULL);
	if (d->rollback) {
		static const struct step rb = {"rollback", "rollback", R_ROLLBACK, 0};

		ck_row(o, row, d, &rb, rng_chance(&r, 0.05) ? "failed" : "passed", t,
		       d->rollback_ms, NULL);
	}
}

/* ---- artifacts ---- */

enum { A_ID, A_TYPE, A_NAME, A_VERSION, A_SIZE, A_SUM, A_REG, A_BUILD, A_DEPS, A_SCAN,
       A_VULNS, A_META, A_N };
static const char *const art_names[A_N] = {"deployment_id", "artifact_type", "artifact_name",
					   "version", "size_bytes", "checksum", "registry",
					   "build_id", "dependencies", "scan_status",
					   "critical_vulns", "metadata"};
static int ac[A_N];

static const char *const libs[] = {
	"openssl@3.0.13", "glibc@2.36",    "zlib@1.2.13",    "libcurl@7.88.1",
	"python@3.11.2",  "node@20.11.1",  "openjdk@17.0.10", "go@1.22.1",
	"protobuf@25.3",  "grpc@1.62.0",   "libxml2@2.9.14", "ca-certificates@20230311",
};

static size_t deps_text(struct rng *r, char *buf, size_t cap)
{
	int n = 2 + (int)rng_below(r, 4), first = (int)rng_below(r, N_OF(libs));
	size_t len = 0;

	for (int k = 0; k < n; k++) {
		const char *lib = libs[(first + k * 5) % N_OF(libs)];
		size_t l = strlen(lib);

		if (len + l + 2 > cap)
			break;
		if (k)
			buf[len++] = ';';
		memcpy(buf + len, lib, l);
		len += l;
	}
	return len;
}

/* One artifact of a release: the same for every deployment of it, so
 * its stream is keyed by agent, release and slot, not by deployment. */
static void art_row(const struct world *w, const struct dep *d, int slot, struct gen_out *o,
		    struct gen_row *row)
{
	const struct agent *a = &w->agents[d->agent];
	const struct release *v = dep_release(w, d);
	struct rng r = rng_for(w->p->seed, SALT_ARTIFACT,
			       ((uint64_t)d->agent << 32) | ((uint64_t)d->rel << 2) | (uint64_t)slot);
	static const double scan_w[] = {85, 11, 4};
	static const char *const scans[] = {"passed", "warning", "failed"};
	char *p;
	int scan;
	double bytes;

	row_reset(row, sl_kind_def(SL_KIND_ARTIFACTS)->ncols);
	row_strn(row, ac[A_ID], d->id, 36);
	row_str(row, ac[A_VERSION], v->version);
	p = row_alloc(row, a->name_len + 16);
	if (slot == 0) {
		row_str(row, ac[A_TYPE], "container");
		row_strn(row, ac[A_NAME], a->name, a->name_len);
		row_str(row, ac[A_REG], a->registry);
		bytes = a->image_mb * rng_lognormal(&r, 1.0, 0.05) * 1048576.0;
	} else if (slot == 1 && rng_chance(&r, 0.5)) {
		row_str(row, ac[A_TYPE], "container");
		row_strn(row, ac[A_NAME], p, (size_t)sprintf(p, "%s-migrations", a->name));
		row_str(row, ac[A_REG], a->registry);
		bytes = rng_range(&r, 20, 120) * 1048576.0;
	} else if (slot == 1) {
		row_str(row, ac[A_TYPE], "package");
		row_strn(row, ac[A_NAME], p, (size_t)sprintf(p, "%s-client", a->name));
		row_str(row, ac[A_REG], "npm.pkg.github.com/acme");
		bytes = rng_range(&r, 0.2, 5) * 1048576.0;
	} else {
		row_str(row, ac[A_TYPE], "config");
		row_strn(row, ac[A_NAME], p, (size_t)sprintf(p, "%s-chart", a->name));
		row_str(row, ac[A_REG], "oci://ghcr.io/acme/charts");
		bytes = rng_range(&r, 4, 80) * 1024.0;
	}
	row_int(row, ac[A_SIZE], (int64_t)bytes);
	p = row_alloc(row, 72);
	memcpy(p, "sha256:", 7);
	put_hex(p + 7, &r, 32);
	row_strn(row, ac[A_SUM], p, 71);
	p = row_alloc(row, 24);
	memcpy(p, "build-", 6);
	row_strn(row, ac[A_BUILD], p, (size_t)(put_i64(p + 6, v->build) - p));
	p = row_alloc(row, 256);
	row_strn(row, ac[A_DEPS], p, deps_text(&r, p, 256));
	scan = rng_pick(&r, scan_w, 3);
	row_str(row, ac[A_SCAN], scans[scan]);
	row_int(row, ac[A_VULNS], scan == 2 ? 1 + (int)rng_below(&r, 4) : 0);
	if (rng_chance(&r, 0.15))
		row_json(row, ac[A_META], rng_chance(&r, 0.7)
						  ? "{\"arch\":\"amd64\",\"base_image\":\"debian:12-slim\"}"
						  : "{\"arch\":\"arm64\"}");
	gen_out_row(o, row);
}

void emit_artifacts(const struct world *w, const struct dep *d, struct gen_out *o,
		    struct gen_row *row)
{
	for (int k = 0; k < w->agents[d->agent].nartifacts; k++)
		art_row(w, d, k, o, row);
}

/* ---- validations ---- */

enum { V_ID, V_TYPE, V_NAME, V_STATUS, V_DUR, V_TS, V_RUN, V_PASSED, V_FAILED, V_COV,
       V_META, V_N };
static const char *const val_names[V_N] = {"deployment_id", "type", "name", "status",
					   "duration_ms", "timestamp", "tests_run",
					   "tests_passed", "tests_failed", "coverage", "metadata"};
static int vc[V_N];

struct vdef {
	const char *type, *name;
	int lo, hi;          /* tests run; 0/0: one per instance */
	double ms_per_test;
	int coverage;        /* 1: unit coverage, 2: end-to-end coverage */
	enum role role;
	double at;           /* position in the rollout, share of duration */
};

static const struct vdef vdefs[] = {
	{"pre_deployment", "unit-tests", 200, 3000, 8, 1, R_PRE, 0.02},
	{"pre_deployment", "contract-tests", 20, 300, 60, 0, R_PRE, 0.04},
	{"pre_deployment", "db-migration-dry-run", 1, 20, 900, 0, R_PRE, 0.05},
	{"health_check", "http-health", 0, 0, 150, 0, R_HEALTH, 0.8},
	{"health_check", "readiness-probe", 0, 0, 250, 0, R_HEALTH, 0.78},
	{"smoke_test", "api-smoke", 5, 40, 400, 0, R_SMOKE, 0.88},
	{"smoke_test", "login-flow", 3, 12, 1500, 0, R_SMOKE, 0.9},
	{"post_deployment", "e2e-suite", 20, 400, 1200, 2, R_POST, 0.97},
	{"post_deployment", "synthetic-checkout", 3, 15, 2500, 0, R_POST, 0.98},
};

static int plan_validations(struct rng *r, const struct vdef **out)
{
	static const double pre_w[] = {6, 3, 1};
	int n = 0;

	out[n++] = &vdefs[rng_pick(r, pre_w, 3)];
	if (rng_chance(r, 0.7))
		out[n++] = &vdefs[3 + rng_below(r, 2)];
	if (rng_chance(r, 0.6) || n < 2)
		out[n++] = &vdefs[5 + rng_below(r, 2)];
	if (rng_chance(r, 0.5))
		out[n++] = &vdefs[7 + rng_below(r, 2)];
	return n;
}

/* When the failure was noticed, as a share of the rollout. */
static double failure_at(enum role role)
{
	switch (role) {
	case R_PRE:
		return 0.06;
	case R_DEPLOY:
		return 0.5;
	case R_HEALTH:
		return 0.82;
	case R_STEP:
	case R_SMOKE:
		return 0.92;
	default:
		return 0.99;
	}
}

/* Does this validation catch the deployment's failure? */
static int catches(const struct dep *d, const struct vdef *v, struct rng *r)
{
	enum role want = cause_role(d);

	if (want == R_STEP)
		want = R_SMOKE;
	if (v->role == want || (want == R_SMOKE && v->role == R_POST))
		return rng_chance(r, 0.75);
	if (v->role == R_POST || v->role == R_HEALTH)
		return rng_chance(r, 0.25);
	return 0;
}

static void val_row(const struct world *w, const struct dep *d, const struct vdef *v,
		    struct rng *r, struct gen_out *o, struct gen_row *row)
{
	const struct agent *a = &w->agents[d->agent];
	static const double ok_w[] = {93, 4, 2, 1}; /* passed warning skipped failed */
	static const char *const statuses[] = {"passed", "warning", "skipped", "failed"};
	int64_t ts = d->start + (int64_t)(v->at * (double)d->dur);
	int run = v->lo ? v->lo + (int)rng_below(r, (uint32_t)(v->hi - v->lo + 1)) : d->target;
	int st = rng_pick(r, ok_w, 4), failed = 0;
	double cov = v->coverage == 1 ? a->coverage : a->coverage * 0.7;

	if (dep_failed(d) && v->at > failure_at(cause_role(d)))
		st = 2; /* after the failure: never ran */
	else if (dep_failed(d) && catches(d, v, r))
		st = 3;
	if (st == 3)
		failed = v->lo ? 1 + (int)floor(run * rng_range(r, 0, 0.08))
			       : (d->failed > 0 ? d->failed : 1);
	if (failed > run)
		failed = run;
	row_reset(row, sl_kind_def(SL_KIND_VALIDATIONS)->ncols);
	row_strn(row, vc[V_ID], d->id, 36);
	row_str(row, vc[V_TYPE], v->type);
	row_str(row, vc[V_NAME], v->name);
	row_str(row, vc[V_STATUS], statuses[st]);
	row_time(row, vc[V_TS], ts);
	if (st == 2) {
		row_int(row, vc[V_DUR], 0);
		run = 0;
	} else {
		row_int(row, vc[V_DUR], (int64_t)(clampd(run * v->ms_per_test *
							 rng_lognormal(r, 1, 0.3), 50, 1800000)));
	}
	row_int(row, vc[V_RUN], run);
	row_int(row, vc[V_PASSED], run - failed);
	row_int(row, vc[V_FAILED], failed);
	if (v->coverage && st != 2)
		row_fix(row, vc[V_COV], clampd(cov + 0.02 * rng_normal(r), 0, 1), 4);
	if (rng_chance(r, 0.08))
		row_json(row, vc[V_META], "{\"framework\":\"pytest\",\"retries\":1}");
	gen_out_row(o, row);
}

void emit_validations(const struct world *w, const struct dep *d, struct gen_out *o,
		      struct gen_row *row)
{
	struct rng r = rng_for(w->p->seed, SALT_VALIDATION, d->idx);
	const struct vdef *plan[4];
	int n = plan_validations(&r, plan);

	for (int k = 0; k < n; k++) {
		if (d->active && plan[k]->at > d->progress)
			break;
		val_row(w, d, plan[k], &r, o, row);
	}
}

/* ---- metric samples ---- */

enum { M_ID, M_TS, M_COHORT, M_ERR, M_P50, M_P95, M_RPS, M_HCF, M_META, M_N };
static const char *const ms_names[M_N] = {"deployment_id", "timestamp", "cohort", "error_rate",
					  "latency_p50_ms", "latency_p95_ms", "throughput_rps",
					  "health_check_failures", "metadata"};
static int mc[M_N];

struct sample {
	double err, p50, p95, rps;
	int hcf;
};

/* A cohort's sample at ramp f (0..1 through the rollout).  effect: the
 * cohort runs the new version; it degrades visibly when the deployment
 * failed, and follows the deployment's impact otherwise. */
static struct sample draw_sample(const struct agent *a, const struct dep *d, double share,
				 double f, int effect, struct rng *r)
{
	struct sample s;
	double lat = 1.0;

	s.err = a->base_err * rng_lognormal(r, 1, 0.25);
	s.p50 = a->base_p50 * rng_lognormal(r, 1, 0.08);
	s.p95 = a->base_p95 * rng_lognormal(r, 1, 0.12);
	s.rps = a->base_rps * share * rng_lognormal(r, 1, 0.08);
	s.hcf = rng_poisson(r, 0.1);
	if (effect && dep_failed(d)) {
		s.err *= 1 + f * rng_range(r, 4, 25);
		lat = 1 + f * rng_range(r, 0.6, 2.0);
		s.rps *= 1 - 0.3 * f;
		s.hcf = rng_poisson(r, 0.5 + 5 * f);
	} else if (effect && !d->active) {
		s.err = fmax(0, s.err + f * d->err);
		lat = 1 + f * d->lat;
		if (rng_chance(r, 0.02))
			s.err *= 8; /* a spike that means nothing */
	}
	s.p50 *= fmax(lat, 0.3);
	s.p95 *= fmax(lat, 0.3);
	return s;
}

static void ms_row(struct gen_out *o, struct gen_row *row, const struct dep *d, int64_t ts,
		   const char *cohort, const struct sample *s)
{
	row_reset(row, sl_kind_def(SL_KIND_METRIC_SAMPLES)->ncols);
	row_strn(row, mc[M_ID], d->id, 36);
	row_time(row, mc[M_TS], ts);
	row_str(row, mc[M_COHORT], cohort);
	row_fix(row, mc[M_ERR], fmin(s->err, 1.0), 5);
	row_fix(row, mc[M_P50], s->p50, 1);
	row_fix(row, mc[M_P95], fmax(s->p95, s->p50), 1);
	row_fix(row, mc[M_RPS], s->rps, 1);
	row_int(row, mc[M_HCF], s->hcf);
	gen_out_row(o, row);
}

void emit_metric_samples(const struct world *w, const struct dep *d, struct gen_out *o,
			 struct gen_row *row)
{
	struct rng r = rng_for(w->p->seed, SALT_METRIC, d->idx);
	const struct agent *a = &w->agents[d->agent];
	int canary = d->strat == ST_CANARY, n = 8 + (int)rng_below(&r, 5);
	double span = (double)d->dur * (d->active ? d->progress : 1.0);
	double share = canary ? d->canary_pct / 100.0 : 1.0;

	if (!canary && !rng_chance(&r, 0.1))
		return;
	if (d->phase == P_PENDING)
		return;
	for (int j = 0; j < n; j++) {
		double f = (j + 1.0) / n;
		int64_t ts = d->start + (int64_t)(span * (j + rng_range(&r, 0.3, 0.7)) / n);
		struct sample s = draw_sample(a, d, share, f, 1, &r);

		ms_row(o, row, d, ts, canary ? "canary" : "all", &s);
		if (canary) {
			s = draw_sample(a, d, 1 - share, f, 0, &r);
			ms_row(o, row, d, ts + rng_below(&r, 900), "baseline", &s);
		}
	}
}

int depkids_init(void)
{
	return gen_colmap(SL_KIND_CHECKPOINTS, ck_names, K_N, kc) ||
	       gen_colmap(SL_KIND_ARTIFACTS, art_names, A_N, ac) ||
	       gen_colmap(SL_KIND_VALIDATIONS, val_names, V_N, vc) ||
	       gen_colmap(SL_KIND_METRIC_SAMPLES, ms_names, M_N, mc);
}
