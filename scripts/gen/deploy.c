/* deploy.c - the deployment model and the pass over all deployments.
 *
 * The signals that the analyses look for are put in here on purpose:
 * strategies differ in risk and speed (recreate fastest and riskiest,
 * canary slowest and safest), bad releases fail more and slow services
 * down, late-Friday and weekend deployments fail more, durations grow with
 * the fleet, some agents are chronically flaky, and a few durations are
 * extreme outliers. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy.h"

const char *const dep_phase_names[] = {"pending",   "in_progress", "rolling_out",
				       "validating", "completed",  "failed",
				       "rolled_back", "partial"};
const char *const dep_health_names[] = {"healthy", "degraded", "unhealthy", "unknown"};

/* Failure probability and median duration (seconds) per strategy, in the
 * order of gen_strategy_names. */
static const double strat_fail[ST_COUNT] = {0.028, 0.018, 0.036, 0.075, 0.022};
static const double strat_secs[ST_COUNT] = {240, 720, 150, 40, 360};
static const double env_fail[ENV_COUNT] = {1.4, 1.1, 0.8};
static const double env_secs[ENV_COUNT] = {0.7, 0.9, 1.2};
static const double env_share[ENV_COUNT] = {0.45, 0.30, 0.25};
static const double env_size[ENV_COUNT] = {0.2, 0.4, 1.0};

/* Which terminal phase a failure ends in, per strategy: failed,
 * rolled_back, partial. */
static const double fail_split[ST_COUNT][3] = {
	{0.35, 0.55, 0.10}, /* blue_green: traffic switches back */
	{0.30, 0.60, 0.10}, /* canary: automated analysis rolls back */
	{0.35, 0.35, 0.30}, /* rolling: often stuck half-way */
	{0.70, 0.25, 0.05}, /* recreate: nothing to fall back on */
	{0.60, 0.30, 0.10}, /* shadow */
};

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static void format_uuid(char *out, struct rng *r)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t hi = rng_next(r), lo = rng_next(r);
	unsigned char b[16];
	char *w = out;

	for (int k = 0; k < 8; k++) {
		b[k] = (unsigned char)(hi >> (8 * k));
		b[8 + k] = (unsigned char)(lo >> (8 * k));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (int k = 0; k < 16; k++) {
		if (k == 4 || k == 6 || k == 8 || k == 10)
			*w++ = '-';
		*w++ = hex[b[k] >> 4];
		*w++ = hex[b[k] & 15];
	}
	*w = '\0';
}

/* Off-hours, late-Friday and weekend changes go wrong more often. */
static double time_risk(int64_t t)
{
	int64_t day = t / MS_DAY;
	int weekday = (int)((day % 7 + 7 + 4) % 7), hour = (int)(t % MS_DAY / MS_HOUR);
	double f = 1.0;

	if (weekday == 0 || weekday == 6)
		f *= 1.5;
	else if (weekday == 5 && hour >= 15)
		f *= 1.6;
	if (hour < 7 || hour >= 19)
		f *= 1.3;
	return f;
}

/* Development is deployed by bots, production mostly by people. */
static const char *pick_deployer(int env, struct rng *r)
{
	static const double dev_bots[] = {0.5, 0, 0.15, 0.15, 0.2}; /* order of gen_bots */
	double u = rng_unif(r);

	if (env == ENV_DEV)
		return u < 0.85 ? gen_bots[rng_pick(r, dev_bots, gen_nbots)]
				: gen_people[rng_below(r, (uint32_t)gen_npeople)];
	if (env == ENV_STAGING)
		return u < 0.6 ? gen_bots[1] : gen_people[rng_below(r, (uint32_t)gen_npeople)];
	if (u < 0.35)
		return gen_bots[1];
	if (u < 0.45)
		return gen_bots[2];
	return gen_people[rng_below(r, (uint32_t)gen_npeople)];
}

static enum cause pick_cause(int strat, struct rng *r)
{
	static const double w[C_COUNT] = {
		[C_ERROR_RATE] = 18, [C_HEALTH] = 16, [C_LATENCY] = 14, [C_OOM] = 8,
		[C_MANUAL] = 8,      [C_CRASHLOOP] = 8, [C_MIGRATION] = 5, [C_CANARY] = 0,
		[C_IMAGE] = 4,       [C_DEADLINE] = 6, [C_CONFIG] = 5,    [C_SLO] = 6,
		[C_DEPENDENCY] = 5,
	};
	double ww[C_COUNT];

	memcpy(ww, w, sizeof(ww));
	if (strat == ST_CANARY)
		ww[C_CANARY] = 30;
	if (strat == ST_ROLLING)
		ww[C_DEADLINE] = 16;
	return (enum cause)rng_pick(r, ww, C_COUNT);
}

/* Rollback reasons as operators and tools write them: numbers, pod
 * names, hashes, quoted values and commas (which CSV must quote). */
static void reason_text(struct dep *d, const struct world *w, struct rng *r)
{
	static const char *const containers[] = {"worker", "app", "sidecar", "migrate"};
	static const char *const keys[] = {"feature.flags.checkout_v2", "db.pool.max_size",
					   "cache.ttl_seconds", "tls.min_version"};
	static const char *const deps[] = {"orders-db", "redis-cache", "kafka-broker-2",
					   "auth-service"};
	const struct agent *a = &w->agents[d->agent];
	const struct release *v = dep_release(w, d);
	char pod[80];
	size_t n = sizeof(d->reason);
	char *b = d->reason;

	snprintf(pod, sizeof(pod), "%s-%06x-%c%c%d%c", a->name,
		 (unsigned)(rng_next(r) & 0xffffff), 'a' + (int)rng_below(r, 26),
		 '0' + (int)rng_below(r, 10), (int)rng_below(r, 10), 'a' + (int)rng_below(r, 26));
	switch (d->cause) {
	case C_ERROR_RATE:
		snprintf(b, n, "Error rate %.1f%% exceeded threshold %d%% on pod %s",
			 rng_range(r, 5.2, 19.9), 5, pod);
		break;
	case C_HEALTH:
		snprintf(b, n, "Health check failed for %d of %d instances",
			 d->failed > 0 ? d->failed : 1, d->target);
		break;
	case C_LATENCY:
		snprintf(b, n, "Latency p95 %dms > %dms after deploying %.8s",
			 1500 + (int)rng_below(r, 3000), 1500, v->commit);
		break;
	case C_OOM:
		snprintf(b, n, "OOMKilled in container \"%s\" (limit %dMi)",
			 containers[rng_below(r, 4)], 256 << rng_below(r, 4));
		break;
	case C_MANUAL:
		snprintf(b, n, "Manual rollback requested by %s (INC-%d)",
			 gen_people[rng_below(r, (uint32_t)gen_npeople)], 40000 + (int)rng_below(r, 20000));
		break;
	case C_CRASHLOOP:
		snprintf(b, n, "CrashLoopBackOff: back-off %dm0s restarting failed container \"%s\" in pod %s",
			 1 + (int)rng_below(r, 5), containers[rng_below(r, 4)], pod);
		break;
	case C_MIGRATION:
		snprintf(b, n, "Database migration %04u%02u%02u_%02u%02u_add_index failed: lock timeout after %ds",
			 2025 + rng_below(r, 2), 1 + rng_below(r, 12), 1 + rng_below(r, 28),
			 rng_below(r, 24), rng_below(r, 60), 10 * (1 + (int)rng_below(r, 6)));
		break;
	case C_CANARY:
		snprintf(b, n, "Canary analysis failed: score %d < %d (metrics: error_rate, p99_latency)",
			 20 + (int)rng_below(r, 50), 75);
		break;
	case C_IMAGE:
		snprintf(b, n, "ImagePullBackOff: manifest for %s/%s:%s not found", a->registry,
			 a->name, v->version);
		break;
	case C_DEADLINE:
		snprintf(b, n, "Progress deadline exceeded (%ds), %d/%d replicas updated",
			 600, d->deployed, d->target);
		break;
	case C_CONFIG:
		snprintf(b, n, "Config validation error: key \"%s\" expected bool, got \"%s\"",
			 keys[rng_below(r, 4)], rng_chance(r, 0.5) ? "yes" : "1, 2");
		break;
	case C_SLO:
		snprintf(b, n, "5xx ratio %.2f%% over %dm window, SLO burn rate %.1fx",
			 rng_range(r, 2, 20), 5 * (1 + (int)rng_below(r, 3)), rng_range(r, 6, 30));
		break;
	case C_DEPENDENCY:
		snprintf(b, n, "Connection refused to dependency %s:%d (%d failures in %ds)",
			 deps[rng_below(r, 4)], 5432 + (int)rng_below(r, 4) * 1000,
			 3 + (int)rng_below(r, 40), 60);
		break;
	default:
		snprintf(b, n, "Rollback after failed verification");
		break;
	}
}

/* A small JSON object for about one deployment in five. */
static void meta_text(struct dep *d, const struct world *w, struct rng *r)
{
	const struct agent *a = &w->agents[d->agent];
	char region[24];
	size_t len;

	d->meta[0] = '\0';
	if (!rng_chance(r, 0.22))
		return;
	snprintf(region, sizeof(region), "%s", a->groups[d->group]);
	len = strlen(region);
	if (len && region[len - 1] >= 'a' && region[len - 1] <= 'f')
		region[len - 1] = '\0'; /* eu-west-1a -> eu-west-1 */
	switch (rng_below(r, 5)) {
	case 0:
		snprintf(d->meta, sizeof(d->meta), "{\"region\":\"%s\",\"ticket\":\"OPS-%d\"}",
			 region, 1000 + (int)rng_below(r, 9000));
		break;
	case 1:
		snprintf(d->meta, sizeof(d->meta),
			 "{\"change_request\":\"CHG-%d\",\"approved_by\":\"%s\"}",
			 20000 + (int)rng_below(r, 9000), gen_people[rng_below(r, (uint32_t)gen_npeople)]);
		break;
	case 2:
		snprintf(d->meta, sizeof(d->meta),
			 "{\"trigger\":\"pipeline\",\"run\":%d,\"dry_run\":false}",
			 1000 + (int)rng_below(r, 9000));
		break;
	case 3:
		snprintf(d->meta, sizeof(d->meta),
			 "{\"feature_flags\":[\"checkout_v2\",\"fast_search\"],\"region\":\"%s\"}",
			 region);
		break;
	default:
		snprintf(d->meta, sizeof(d->meta),
			 "{\"region\":\"%s\",\"note\":\"hotfix for \\\"cart\\\" totals, see INC-%d\"}",
			 region, 40000 + (int)rng_below(r, 20000));
		break;
	}
}

static int target_instances(const struct agent *a, int env, struct rng *r)
{
	double t = a->instances * env_size[env] * rng_lognormal(r, 1.0, 0.15);
	int n = (int)lround(t);

	return n < 1 ? 1 : n > 500 ? 500 : n;
}

static double duration_secs(const struct dep *d, const struct agent *a, struct rng *r)
{
	double med = strat_secs[d->strat] * env_secs[d->env] * a->speed *
		     (1.0 + 0.35 * log(1.0 + d->target));
	double s = rng_lognormal(r, med, 0.45);

	if (rng_chance(r, 0.003))
		s *= exp(rng_range(r, log(4.0), log(25.0))); /* stuck rollouts */
	return clampd(s, 5, 24 * 3600);
}

static enum phase failure_phase(const struct dep *d, struct rng *r)
{
	int k = rng_pick(r, fail_split[d->strat], 3);

	if (k == 2 && d->target < 2)
		k = 0; /* one instance cannot be partly deployed */
	return k == 0 ? P_FAILED : k == 1 ? P_ROLLED_BACK : P_PARTIAL;
}

static int ceil_share(int n, double share)
{
	int k = (int)ceil(n * share);

	return k < 1 ? 1 : k > n ? n : k;
}

/* Instance counts: healthy <= deployed <= target, failed = deployed -
 * healthy; a failed canary mostly reached only the canary slice. */
static void instances(struct dep *d, struct rng *r)
{
	int k;

	switch (d->phase) {
	case P_COMPLETED:
		d->deployed = d->target;
		k = d->health == H_DEGRADED ? (int)floor(d->target * rng_range(r, 0.0, 0.05)) : 0;
		d->healthy = d->target - k;
		break;
	case P_FAILED:
	case P_ROLLED_BACK:
		if (d->strat == ST_CANARY && rng_chance(r, 0.8))
			d->deployed = ceil_share(d->target, d->canary_pct / 100.0);
		else if (d->strat == ST_RECREATE)
			d->deployed = d->target;
		else
			d->deployed = ceil_share(d->target, rng_range(r, 0.2, 1.0));
		k = ceil_share(d->deployed, rng_range(r, 0.15, 1.0));
		d->healthy = d->deployed - k;
		break;
	case P_PARTIAL:
		d->deployed = ceil_share(d->target, rng_range(r, 0.3, 0.95));
		if (d->deployed >= d->target)
			d->deployed = d->target - 1;
		k = (int)floor(d->deployed * rng_range(r, 0.0, 0.3));
		d->healthy = d->deployed - k;
		break;
	default:
		d->deployed = (int)floor(d->target * d->progress);
		d->healthy = d->deployed;
		break;
	}
	d->failed = d->deployed - d->healthy;
}

static enum health pick_health(const struct dep *d, struct rng *r)
{
	double u = rng_unif(r);

	switch (d->phase) {
	case P_COMPLETED:
		return u < (d->bad ? 0.75 : 0.92) ? H_HEALTHY : H_DEGRADED;
	case P_FAILED:
		return u < 0.65 ? H_UNHEALTHY : H_DEGRADED;
	case P_ROLLED_BACK:
		return u < 0.6 ? H_HEALTHY : H_DEGRADED; /* the old version is back */
	case P_PARTIAL:
		return u < 0.8 ? H_DEGRADED : H_UNHEALTHY;
	case P_PENDING:
		return H_UNKNOWN;
	default:
		return u < 0.8 ? H_HEALTHY : u < 0.95 ? H_DEGRADED : H_UNKNOWN;
	}
}

/* Performance impact as fractions (0.05 = +5%); failures are worse, and
 * the cause says which metric. */
static void impact(struct dep *d, const struct agent *a, struct rng *r)
{
	int bad = dep_failed(d);

	d->cpu = bad ? 0.12 + 0.10 * rng_normal(r) : 0.02 + 0.06 * rng_normal(r);
	d->mem = bad ? 0.08 + 0.08 * rng_normal(r) : 0.02 + 0.05 * rng_normal(r);
	d->lat = bad ? 0.25 + 0.15 * rng_normal(r) : 0.04 * rng_normal(r);
	d->thr = bad ? -0.12 + 0.08 * rng_normal(r) : 0.01 + 0.04 * rng_normal(r);
	d->err = bad ? fabs(0.02 + 0.015 * rng_normal(r)) : 0.0002 + 0.0008 * rng_normal(r);
	d->eff = bad ? 0.55 + 0.12 * rng_normal(r) : 0.82 + 0.08 * rng_normal(r);
	if (d->bad) {
		d->lat += 0.12;
		d->err += 0.004;
	}
	switch (d->cause) {
	case C_LATENCY:
		d->lat += rng_range(r, 0.3, 1.2);
		break;
	case C_OOM:
		d->mem += rng_range(r, 0.3, 0.8);
		break;
	case C_ERROR_RATE:
	case C_SLO:
	case C_CANARY:
		d->err += rng_range(r, 0.03, 0.1);
		break;
	case C_HEALTH:
	case C_CRASHLOOP:
		d->eff -= 0.1;
		break;
	default:
		break;
	}
	d->eff = clampd(d->eff, 0, 1);
	d->lat = clampd(d->lat, -0.5, 3);
	d->thr = clampd(d->thr, -0.9, 0.5);
	/* Monthly cost change: instances x hourly price x 730 h x resource
	 * change. */
	d->cost = d->target * 0.12 * 730 * (d->cpu + d->mem) / 2 * (a->image_mb / 150);
}

static void active_state(struct dep *d, const struct world *w, struct rng *r, int stuck)
{
	double dur = (double)d->dur;

	d->active = 1;
	d->progress = clampd((double)(w->now_ms - d->start) / dur, 0, 0.99);
	if (stuck)
		d->phase = rng_chance(r, 0.5) ? P_PENDING : P_VALIDATING;
	else if (d->progress < 0.1)
		d->phase = P_PENDING;
	else if (d->progress < 0.75)
		d->phase = (d->strat == ST_ROLLING || d->strat == ST_CANARY) ? P_ROLLING_OUT
									 : P_IN_PROGRESS;
	else
		d->phase = P_VALIDATING;
	if (d->phase == P_PENDING)
		d->progress = 0;
	d->end = -1;
	d->updated = d->start;
}

static void strategy_config(struct dep *d, struct rng *r)
{
	static const int canary_pcts[] = {5, 10, 15, 20, 25};
	static const double canary_w[] = {3, 4, 1, 2, 1};
	static const int surges[] = {25, 50, 10, 100};
	static const double surge_w[] = {6, 2, 1, 1};
	static const int unavails[] = {25, 0, 10};
	static const double unavail_w[] = {5, 3, 2};

	d->canary_pct = d->surge = d->unavail = -1;
	if (d->strat == ST_CANARY) {
		d->canary_pct = canary_pcts[rng_pick(r, canary_w, 5)];
	} else if (d->strat == ST_ROLLING) {
		d->surge = surges[rng_pick(r, surge_w, 4)];
		d->unavail = unavails[rng_pick(r, unavail_w, 3)];
	}
}

static double failure_prob(const struct dep *d, const struct agent *a)
{
	double p = strat_fail[d->strat] * a->risk * env_fail[d->env] * time_risk(d->start) *
		   (1.0 + 0.08 * log((double)d->target));

	if (d->bad)
		p *= 3.5;
	return clampd(p, 0, 0.85);
}

static void outcome(struct dep *d, const struct world *w, const struct agent *a,
		    struct rng *r)
{
	int failed = rng_chance(r, failure_prob(d, a));
	double secs = duration_secs(d, a, r);
	double stuck_u = rng_unif(r);

	d->phase = failed ? failure_phase(d, r) : P_COMPLETED;
	d->cause = failed ? pick_cause(d->strat, r) : C_NONE;
	if (failed && d->cause == C_DEADLINE)
		secs = 600 + rng_range(r, 5, 90);
	else if (failed)
		secs *= rng_range(r, 0.3, 1.4); /* most failures show early */
	d->rollback = d->phase == P_ROLLED_BACK || d->cause == C_MANUAL ||
		      (d->phase == P_FAILED && rng_chance(r, 0.5)) ||
		      (d->phase == P_PARTIAL && rng_chance(r, 0.25));
	d->rollback_ms = 0;
	if (d->rollback) {
		d->rollback_ms = (int64_t)(rng_lognormal(r, 90, 0.6) *
					   (1 + 0.2 * log((double)d->target)) * 1000);
		secs += (double)d->rollback_ms / 1000;
	}
	d->dur = (int64_t)(secs * 1000) + rng_below(r, 1000);
	d->end = d->start + d->dur;
	d->updated = d->end;
	/* Still running when the range ends: everything that would end
	 * after it, and some stuck or paused ones started in the last day
	 * (more the later they started). */
	if (d->end > w->now_ms)
		active_state(d, w, r, 0);
	else if (d->start >= w->now_ms - MS_DAY &&
		 stuck_u < (d->start >= w->now_ms - 3 * MS_HOUR ? 0.4 : 0.1))
		active_state(d, w, r, 1);
	if (d->active) {
		d->cause = C_NONE;
		d->rollback = 0;
	}
}

void dep_core(const struct world *w, uint64_t i, struct dep *d)
{
	struct rng r = rng_for(w->p->seed, SALT_DEPLOY, i);
	const struct agent *a;

	memset(d, 0, offsetof(struct dep, reason));
	d->reason[0] = '\0';
	d->idx = i;
	d->start = timeprofile_at(&w->deploy_tp, i, (uint64_t)w->p->deployments, rng_unif(&r));
	d->agent = world_pick_agent(w, rng_unif(&r));
	a = &w->agents[d->agent];
	d->env = rng_pick(&r, env_share, ENV_COUNT);
	d->strat = rng_pick(&r, a->strat_w, ST_COUNT);
	d->rel = world_release_at(a, d->env, d->start);
	if (d->rel < 0)
		d->rel = 0; /* not reached: release 0 is live everywhere */
	d->bad = a->rel[d->rel].bad;
	format_uuid(d->id, &r);
	d->method = rng_chance(&r, 0.75) ? a->method : (int)rng_below(&r, (uint32_t)gen_nmethods);
	d->group = (int)rng_below(&r, (uint32_t)a->ngroups);
	d->target = target_instances(a, d->env, &r);
	d->by = pick_deployer(d->env, &r);
	strategy_config(d, &r);
	outcome(d, w, a, &r);
	d->health = pick_health(d, &r);
	instances(d, &r);
	if (!d->active)
		impact(d, a, &r);
	if (d->rollback)
		reason_text(d, w, &r);
	meta_text(d, w, &r);
	d->update = !d->active && rng_chance(&r, w->p->updates);
	if (d->update) {
		d->update_after = rng_chance(&r, 0.1);
		d->update_at = d->start + (int64_t)((double)d->dur * rng_range(&r, 0.15, 0.85));
		d->update_deployed = (int)floor(d->target * rng_range(&r, 0.1, 0.9));
	}
}

/* ---- the deployments kind ---- */

enum {
	D_ID, D_AGENT, D_VERSION, D_ENV, D_PHASE, D_HEALTH, D_START, D_END, D_DUR,
	D_STRAT, D_CANARY, D_SURGE, D_UNAVAIL, D_TARGET, D_DEPLOYED, D_HEALTHY,
	D_FAILED, D_RB, D_REASON, D_METHOD, D_CPU, D_MEM, D_LAT, D_THR, D_ERR,
	D_EFF, D_COST, D_COMMIT, D_COMMIT_TIME, D_BY, D_GROUP, D_UPDATED, D_META,
	D_N,
};

static const char *const dep_names[D_N] = {
	"deployment_id", "agent_id", "version", "environment", "phase", "health",
	"start_time", "end_time", "duration_ms", "rollout_strategy", "canary_percentage",
	"max_surge", "max_unavailable", "target_instances", "deployed_instances",
	"healthy_instances", "failed_instances", "rollback_triggered", "rollback_reason",
	"deployment_method", "cpu_change", "memory_change", "latency_change",
	"throughput_change", "error_rate_change", "resource_efficiency", "cost_impact",
	"git_commit", "commit_time", "deployed_by", "target_group", "updated_at", "metadata",
};
static int dc[D_N];

/* The columns that an update row shares with the final row. */
static void deployment_common(const struct world *w, const struct dep *d, struct gen_row *row)
{
	const struct agent *a = &w->agents[d->agent];
	const struct release *v = dep_release(w, d);

	row_reset(row, sl_kind_def(SL_KIND_DEPLOYMENTS)->ncols);
	row_strn(row, dc[D_ID], d->id, 36);
	row_strn(row, dc[D_AGENT], a->name, a->name_len);
	row_str(row, dc[D_VERSION], v->version);
	row_str(row, dc[D_ENV], gen_env_names[d->env]);
	row_time(row, dc[D_START], d->start);
	row_str(row, dc[D_STRAT], gen_strategy_names[d->strat]);
	if (d->canary_pct >= 0)
		row_int(row, dc[D_CANARY], d->canary_pct);
	if (d->surge >= 0) {
		row_int(row, dc[D_SURGE], d->surge);
		row_int(row, dc[D_UNAVAIL], d->unavail);
	}
	row_int(row, dc[D_TARGET], d->target);
	row_str(row, dc[D_METHOD], gen_methods[d->method]);
	row_strn(row, dc[D_COMMIT], v->commit, 40);
	row_time(row, dc[D_COMMIT_TIME], v->commit_ms);
	row_str(row, dc[D_BY], d->by);
	row_str(row, dc[D_GROUP], a->groups[d->group]);
	if (d->meta[0])
		row_json(row, dc[D_META], d->meta);
}

static void emit_update(const struct world *w, const struct dep *d, struct gen_out *o,
			struct gen_row *row)
{
	deployment_common(w, d, row);
	row_str(row, dc[D_PHASE], dep_phase_names[P_IN_PROGRESS]);
	row_str(row, dc[D_HEALTH], dep_health_names[H_UNKNOWN]);
	row_int(row, dc[D_DEPLOYED], d->update_deployed);
	row_int(row, dc[D_HEALTHY], d->update_deployed);
	row_int(row, dc[D_FAILED], 0);
	row_bool(row, dc[D_RB], 0);
	row_time(row, dc[D_UPDATED], d->update_at);
	gen_out_row(o, row);
}

static void emit_final(const struct world *w, const struct dep *d, struct gen_out *o,
		       struct gen_row *row)
{
	deployment_common(w, d, row);
	row_str(row, dc[D_PHASE], dep_phase_names[d->phase]);
	row_str(row, dc[D_HEALTH], dep_health_names[d->health]);
	row_int(row, dc[D_DEPLOYED], d->deployed);
	row_int(row, dc[D_HEALTHY], d->healthy);
	row_int(row, dc[D_FAILED], d->failed);
	row_bool(row, dc[D_RB], d->rollback);
	if (d->rollback)
		row_str(row, dc[D_REASON], d->reason);
	if (!d->active) {
		row_time(row, dc[D_END], d->end);
		row_int(row, dc[D_DUR], d->dur);
		row_fix(row, dc[D_CPU], d->cpu, 4);
		row_fix(row, dc[D_MEM], d->mem, 4);
		row_fix(row, dc[D_LAT], d->lat, 4);
		row_fix(row, dc[D_THR], d->thr, 4);
		row_fix(row, dc[D_ERR], d->err, 5);
		row_fix(row, dc[D_EFF], d->eff, 3);
		row_fix(row, dc[D_COST], d->cost, 2);
	}
	row_time(row, dc[D_UPDATED], d->updated);
	gen_out_row(o, row);
}

static void emit_deployment(const struct world *w, const struct dep *d, struct gen_out *o,
			    struct gen_row *row)
{
	if (d->update && !d->update_after)
		emit_update(w, d, o, row);
	emit_final(w, d, o, row);
	if (d->update && d->update_after)
		emit_update(w, d, o, row);
}

/* ---- the pass ---- */

static void count_release(struct world *w, const struct dep *d)
{
	struct rel_stats *st = &w->agents[d->agent].rel[d->rel].st[d->env];

	st->deployments++;
	if (d->active)
		return;
	st->finished++;
	st->rollbacks += d->rollback || d->phase == P_ROLLED_BACK;
	st->latency_sum += d->lat;
	if (d->phase == P_COMPLETED) {
		st->completed++;
		st->groups |= 1u << d->group;
	}
}

int gen_deployments(struct world *w, struct gen_out **outs, struct gen_pool *pool)
{
	struct gen_out *od = outs[SL_KIND_DEPLOYMENTS], *oc = outs[SL_KIND_CHECKPOINTS];
	struct gen_out *oa = outs[SL_KIND_ARTIFACTS], *ov = outs[SL_KIND_VALIDATIONS];
	struct gen_out *om = outs[SL_KIND_METRIC_SAMPLES];
	struct gen_out *oi = outs[SL_KIND_INCIDENTS], *ovr = outs[SL_KIND_VERSIONS];
	struct history *hist = NULL;
	struct gen_row *row = NULL;
	struct dep *d = NULL;
	int rc = 1;

	if (!od && !oc && !oa && !ov && !om && !oi && !ovr)
		return 0;
	if (gen_colmap(SL_KIND_DEPLOYMENTS, dep_names, D_N, dc) || depkids_init())
		return 1;
	row = malloc(sizeof(*row));
	d = malloc(sizeof(*d));
	hist = (oi || ovr) ? history_new() : NULL;
	if (!row || !d || ((oi || ovr) && !hist)) {
		fprintf(stderr, GEN_PROG ": error: out of memory\n");
		goto out;
	}
	for (uint64_t i = 0; i < (uint64_t)w->p->deployments; i++) {
		dep_core(w, i, d);
		if (od)
			emit_deployment(w, d, od, row);
		if (oc)
			emit_checkpoints(w, d, oc, row);
		if (oa)
			emit_artifacts(w, d, oa, row);
		if (ov)
			emit_validations(w, d, ov, row);
		if (om)
			emit_metric_samples(w, d, om, row);
		if (hist) {
			count_release(w, d);
			if (history_add(hist, w, d))
				goto out;
		}
		if ((i & 0xffff) == 0xffff && gen_pool_failed(pool))
			goto out; /* the file's error is reported at close */
	}
	if (hist && history_write(hist, w, oi, ovr, row))
		goto out;
	rc = 0;
out:
	history_free(hist);
	free(row);
	free(d);
	return rc;
}
