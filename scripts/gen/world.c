/* world.c - the fixed part of the generated world: agents with their
 * character (reliability, size, preferred strategies, release cadence),
 * each agent's releases and their promotion development -> staging ->
 * production, and the weekly rhythm that start times follow. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

const char *const gen_env_names[ENV_COUNT] = {"development", "staging", "production"};
const char *const gen_strategy_names[ST_COUNT] = {"blue_green", "canary", "rolling",
						  "recreate", "shadow"};

const char *const gen_people[] = {
	"jane.doe",     "José Müller",     "priya.raman",  "wei.zhang",
	"Ana Sofía Pérez", "tom.baker",    "fatima.el-amin", "kenji.sato",
	"Zoë Dubois",   "marcus.lee",      "sara.nilsson", "Ólafur Arnarson",
};
const int gen_npeople = (int)(sizeof(gen_people) / sizeof(gen_people[0]));
const char *const gen_bots[] = {"ci-bot", "release-bot", "argocd-bot", "renovate[bot]",
				"github-actions[bot]"};
const int gen_nbots = (int)(sizeof(gen_bots) / sizeof(gen_bots[0]));
const char *const gen_methods[] = {"kubectl", "helm", "argocd", "spinnaker", "terraform"};
const int gen_nmethods = (int)(sizeof(gen_methods) / sizeof(gen_methods[0]));

/* ---- distributions ---- */

/* Box-Muller; both normals of a pair are used (half the libm calls). */
double rng_normal(struct rng *r)
{
	double u1, u2, m;

	if (r->has_spare) {
		r->has_spare = 0;
		return r->spare;
	}
	u1 = 1.0 - rng_unif(r);
	u2 = rng_unif(r);
	m = sqrt(-2.0 * log(u1));
	r->spare = m * sin(6.283185307179586 * u2);
	r->has_spare = 1;
	return m * cos(6.283185307179586 * u2);
}

double rng_lognormal(struct rng *r, double median, double sigma)
{
	return median * exp(sigma * rng_normal(r));
}

int rng_pick(struct rng *r, const double *w, int n)
{
	double sum = 0, x;

	for (int i = 0; i < n; i++)
		sum += w[i];
	x = rng_unif(r) * sum;
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

int rng_poisson(struct rng *r, double lambda)
{
	double l = exp(-lambda), p = 1.0;
	int k = 0;

	do {
		k++;
		p *= rng_unif(r);
	} while (p > l && k < 1000);
	return k - 1;
}

/* ---- agents ---- */

static const char *const domains[] = {
	"payments", "search",  "orders",   "billing",  "auth",      "inventory",
	"checkout", "catalog", "notify",   "ledger",   "risk",      "fraud",
	"shipping", "pricing", "profile",  "media",    "analytics", "recommend",
	"session",  "identity", "webhooks", "geo",     "loyalty",   "cart",
	"edge",     "invoice", "tax",      "audit",
};
static const char *const roles[] = {
	"api",   "worker",   "indexer", "proxy",   "sync",    "scheduler",
	"consumer", "service", "gateway", "cron",  "ingest",  "exporter",
};
static const char *const suffixes[] = {"-eu", "-us", "-apac"};

/* Names that exercise text handling downstream: non-ASCII and characters
 * that must be HTML-escaped.  Only in worlds of 20 agents or more, so
 * small fixtures stay plain. */
static const struct {
	int index;
	const char *name;
} special_names[] = {
	{5, "café-sync"},
	{11, "reports<&>\"beta\""},
	{17, "münchen-gateway"},
};

static const char *const regions[][4] = {
	{"eu-west-1a", "eu-west-1b", "eu-west-1c", NULL},
	{"eu-central-1a", "eu-central-1b", NULL, NULL},
	{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"},
	{"us-west-2a", "us-west-2b", NULL, NULL},
	{"ap-southeast-2a", "ap-southeast-2b", NULL, NULL},
	{"ap-northeast-1a", "ap-northeast-1c", NULL, NULL},
};
#define NREGIONS ((int)(sizeof(regions) / sizeof(regions[0])))

static const char *const registries[] = {
	"ghcr.io/acme",
	"123456789012.dkr.ecr.eu-west-1.amazonaws.com",
	"registry.gitlab.com/acme/platform",
	"docker.io/acmecorp",
	"europe-docker.pkg.dev/acme-prod/services",
};

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int name_taken(const struct world *w, int upto, const char *name)
{
	for (int i = 0; i < upto; i++)
		if (!strcmp(w->agents[i].name, name))
			return 1;
	return 0;
}

static void agent_name(struct world *w, int i, struct rng *r)
{
	struct agent *a = &w->agents[i];

	if (w->nagents >= 20) {
		for (int k = 0; k < N_OF(special_names); k++) {
			if (special_names[k].index == i) {
				snprintf(a->name, sizeof(a->name), "%s", special_names[k].name);
				return;
			}
		}
	}
	for (int attempt = 0;; attempt++) {
		const char *d = domains[rng_below(r, N_OF(domains))];
		const char *ro = roles[rng_below(r, N_OF(roles))];
		const char *sfx = rng_chance(r, 0.2) ? suffixes[rng_below(r, N_OF(suffixes))] : "";

		if (attempt < 30)
			snprintf(a->name, sizeof(a->name), "%s-%s%s", d, ro, sfx);
		else
			snprintf(a->name, sizeof(a->name), "%s-%s-%d", d, ro, i);
		if (!name_taken(w, i, a->name))
			return;
	}
}

/* Large fleets favour gradual strategies, small ones the quick ones. */
static void agent_strategies(struct agent *a, struct rng *r)
{
	static const int big[] = {ST_ROLLING, ST_CANARY, ST_BLUE_GREEN};
	static const int small[] = {ST_RECREATE, ST_ROLLING, ST_BLUE_GREEN};
	const int *pref = a->instances >= 12 ? big : small;
	int first = pref[rng_below(r, 3)], second = (int)rng_below(r, ST_COUNT);

	for (int s = 0; s < ST_COUNT; s++)
		a->strat_w[s] = s == ST_SHADOW ? 0.02 : 0.05;
	a->strat_w[first] += 0.6;
	a->strat_w[second] += 0.25;
}

static void agent_groups(struct agent *a, struct rng *r)
{
	int reg = (int)rng_below(r, NREGIONS), n = 2 + (int)rng_below(r, 4);

	if (strstr(a->name, "-eu"))
		reg = (int)rng_below(r, 2);
	else if (strstr(a->name, "-us"))
		reg = 2 + (int)rng_below(r, 2);
	else if (strstr(a->name, "-apac"))
		reg = 4 + (int)rng_below(r, 2);
	a->ngroups = 0;
	for (int k = 0; k < 4 && a->ngroups < n; k++)
		if (regions[reg][k])
			a->groups[a->ngroups++] = regions[reg][k];
	/* A second region for the rest. */
	reg = (reg + 1 + (int)rng_below(r, NREGIONS - 1)) % NREGIONS;
	for (int k = 0; k < 4 && a->ngroups < n; k++)
		if (regions[reg][k])
			a->groups[a->ngroups++] = regions[reg][k];
}

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static void agent_init(struct world *w, int i)
{
	struct agent *a = &w->agents[i];
	struct rng r = rng_for(w->p->seed, SALT_AGENT, (uint64_t)i);

	agent_name(w, i, &r);
	a->name_len = strlen(a->name);
	a->weight = rng_lognormal(&r, 1.0, 0.7);
	a->risk = rng_lognormal(&r, 1.0, 0.45);
	if (i % 13 == 3)
		a->risk *= 2.5; /* a few chronically flaky services */
	a->speed = rng_lognormal(&r, 1.0, 0.3);
	/* Skewed towards small fleets: log-uniform on [1, 200] bent down. */
	a->instances = (int)lround(exp(pow(rng_unif(&r), 1.4) * log(200.0)));
	if (a->instances < 1)
		a->instances = 1;
	agent_strategies(a, &r);
	a->method = (int)rng_below(&r, (uint32_t)gen_nmethods);
	agent_groups(a, &r);
	a->registry = registries[rng_below(&r, N_OF(registries))];
	a->nartifacts = 1 + (int)rng_below(&r, 3);
	a->image_mb = clampd(rng_lognormal(&r, 150, 0.8), 20, 900);
	a->base_err = rng_range(&r, 0.001, 0.01);
	a->base_p50 = clampd(rng_lognormal(&r, 60, 0.6), 5, 800);
	a->base_p95 = a->base_p50 * rng_range(&r, 2.0, 4.0);
	a->base_rps = a->instances * rng_range(&r, 20, 120);
	a->coverage = rng_range(&r, 0.55, 0.92);
}

/* ---- releases ---- */

static void bump_version(struct release *v, const struct release *prev, struct rng *r)
{
	double u = rng_unif(r);

	v->maj = prev->maj;
	v->min = prev->min;
	v->pat = prev->pat;
	if (u < 0.04) {
		v->maj++;
		v->min = 0;
		v->pat = 0;
	} else if (u < 0.30) {
		v->min++;
		v->pat = 0;
	} else {
		v->pat++;
	}
}

/* Promotion times are kept increasing per environment: a release that is
 * ready before its predecessor went out waits for it. */
static void promote(struct release *v, int64_t *last, struct rng *r, int64_t now)
{
	for (int e = 0; e < ENV_COUNT; e++) {
		if (v->prom_ms[e] == INT64_MAX)
			continue;
		if (e > 0 && v->prom_ms[e] < v->prom_ms[e - 1] + 30 * MS_MIN)
			v->prom_ms[e] = v->prom_ms[e - 1] + 30 * MS_MIN;
		if (last[e] != INT64_MIN && v->prom_ms[e] <= last[e])
			v->prom_ms[e] = last[e] + (int64_t)(rng_lognormal(r, 30, 0.5) * MS_MIN);
		if (v->prom_ms[e] >= now) {
			for (int k = e; k < ENV_COUNT; k++)
				v->prom_ms[k] = INT64_MAX;
			return;
		}
		last[e] = v->prom_ms[e];
	}
}

static void release_init(struct release *v, const struct release *prev, int64_t t,
			 struct rng *r)
{
	memset(v, 0, sizeof(*v));
	if (prev) {
		bump_version(v, prev, r);
		v->build = prev->build + 1 + (int)rng_below(r, 40);
		v->bad = rng_chance(r, 0.10);
	} else {
		static const double maj_w[] = {3, 5, 3, 1};

		v->maj = rng_pick(r, maj_w, 4);
		v->min = (int)rng_below(r, 16);
		v->pat = (int)rng_below(r, 10);
		v->build = 100 + (int)rng_below(r, 5000);
	}
	snprintf(v->version, sizeof(v->version), "%d.%d.%d", v->maj, v->min, v->pat);
	*put_hex(v->commit, r, 20) = '\0';
	v->commit_ms = t - (int64_t)(clampd(rng_lognormal(r, 45, 1.0), 2, 3 * 24 * 60) * MS_MIN);
	v->prom_ms[ENV_DEV] = t;
	v->prom_ms[ENV_STAGING] = t + (int64_t)(clampd(rng_lognormal(r, 6, 0.7), 0.5, 72) * MS_HOUR);
	v->prom_ms[ENV_PROD] = v->prom_ms[ENV_STAGING] +
			       (int64_t)(clampd(rng_lognormal(r, 20, 0.7), 1, 168) * MS_HOUR);
	/* Bad releases are often caught in staging; some good ones are
	 * simply superseded before production. */
	if (prev && rng_chance(r, v->bad ? 0.5 : 0.15))
		v->prom_ms[ENV_PROD] = INT64_MAX;
	if (!prev) {
		/* The version live everywhere when the range starts. */
		v->prom_ms[ENV_STAGING] = t + MS_HOUR;
		v->prom_ms[ENV_PROD] = t + 2 * MS_HOUR;
	}
}

/* Hours between releases.  Teams release every day or two in big
 * worlds; with few deployments per agent the cadence stretches so that
 * each release still sees several production deployments (adoption and
 * regression analyses need them), within half a day and ten days. */
static double release_cadence(const struct world *w, const struct agent *a, struct rng *r)
{
	double prod_deploys = (double)w->p->deployments * a->weight * 0.25;
	double hours = (double)w->p->days * 24;
	double med = clampd(hours * 6 / (prod_deploys + 1), 30, 240);

	return clampd(rng_lognormal(r, med, 0.35), 12, 240);
}

static int agent_releases(struct world *w, int i)
{
	struct agent *a = &w->agents[i];
	struct rng r = rng_for(w->p->seed, SALT_RELEASE, (uint64_t)i);
	double cadence_h = release_cadence(w, a, &r);
	int64_t t = w->start_ms - 30 * MS_DAY - (int64_t)(rng_unif(&r) * MS_DAY);
	int64_t last[ENV_COUNT] = {INT64_MIN, INT64_MIN, INT64_MIN};
	int cap = 0;

	a->nrel = 0;
	while (t < w->now_ms) {
		if (a->nrel == cap) {
			struct release *nr;

			cap = cap ? 2 * cap : 64;
			nr = realloc(a->rel, (size_t)cap * sizeof(*nr));
			if (!nr)
				return -1;
			a->rel = nr;
		}
		release_init(&a->rel[a->nrel], a->nrel ? &a->rel[a->nrel - 1] : NULL, t, &r);
		promote(&a->rel[a->nrel], last, &r, w->now_ms);
		a->nrel++;
		t += (int64_t)(clampd(rng_lognormal(&r, cadence_h, 0.5), 1, 24 * 30) * MS_HOUR);
	}
	for (int e = 0; e < ENV_COUNT; e++) {
		a->promo[e] = malloc((size_t)a->nrel * sizeof(int));
		a->promo_ms[e] = malloc((size_t)a->nrel * sizeof(int64_t));
		if (!a->promo[e] || !a->promo_ms[e])
			return -1;
		a->npromo[e] = 0;
		for (int k = 0; k < a->nrel; k++) {
			if (a->rel[k].prom_ms[e] == INT64_MAX)
				continue;
			a->promo[e][a->npromo[e]] = k;
			a->promo_ms[e][a->npromo[e]++] = a->rel[k].prom_ms[e];
		}
	}
	return 0;
}

int world_release_at(const struct agent *a, int env, int64_t t)
{
	int lo = 0, hi = a->npromo[env]; /* first index with promo_ms > t */

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (a->promo_ms[env][mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? a->promo[env][lo - 1] : -1;
}

/* ---- time profiles ---- */

/* Deployments: office hours with peaks at 10:00 and 15:00 UTC, few at
 * night, fewer on Fridays, hardly any at weekends. */
static double deploy_intensity(int weekday, double hour)
{
	static const double day_w[7] = {0.08, 1.0, 1.05, 1.0, 0.95, 0.7, 0.12};
	double h = 0.06 + exp(-(hour - 10) * (hour - 10) / (2 * 1.3 * 1.3)) +
		   0.85 * exp(-(hour - 15) * (hour - 15) / (2 * 1.5 * 1.5));

	return day_w[weekday] * h;
}

/* Pipeline runs: pushes follow office hours; nightly schedules run every
 * day around 02:00. */
static double run_intensity(int weekday, double hour)
{
	static const double day_w[7] = {0.15, 1.0, 1.0, 1.0, 1.0, 0.85, 0.2};
	double h = 0.05 + exp(-(hour - 11) * (hour - 11) / (2 * 2.0 * 2.0)) +
		   0.7 * exp(-(hour - 15.5) * (hour - 15.5) / (2 * 1.8 * 1.8));
	double nightly = 0.35 * exp(-(hour - 2.5) * (hour - 2.5) / (2 * 0.5 * 0.5));

	return day_w[weekday] * h + nightly;
}

static int tp_init(struct timeprofile *tp, int64_t start, int days,
		   double (*intensity)(int, double))
{
	double sum = 0;

	tp->start_ms = start;
	tp->nbins = days * 24;
	tp->cdf = malloc(((size_t)tp->nbins + 1) * sizeof(double));
	if (!tp->cdf)
		return -1;
	tp->cdf[0] = 0;
	for (int b = 0; b < tp->nbins; b++) {
		int64_t day = start / MS_DAY + b / 24;
		int weekday = (int)((day % 7 + 7 + 4) % 7); /* 1970-01-01: Thursday */

		sum += intensity(weekday, b % 24 + 0.5);
		tp->cdf[b + 1] = sum;
	}
	for (int b = 1; b <= tp->nbins; b++)
		tp->cdf[b] /= sum;
	tp->cdf[tp->nbins] = 1.0;
	return 0;
}

int64_t timeprofile_at(const struct timeprofile *tp, uint64_t i, uint64_t n, double u)
{
	double q = ((double)i + u) / (double)n, frac;
	int lo = 0, hi = tp->nbins - 1;

	while (lo < hi) { /* last bin with cdf[b] <= q */
		int mid = (lo + hi + 1) / 2;

		if (tp->cdf[mid] <= q)
			lo = mid;
		else
			hi = mid - 1;
	}
	frac = (q - tp->cdf[lo]) / (tp->cdf[lo + 1] - tp->cdf[lo]);
	if (frac < 0)
		frac = 0;
	if (frac >= 1)
		frac = 0.999999;
	return tp->start_ms + (int64_t)lo * MS_HOUR + (int64_t)(frac * MS_HOUR);
}

int world_pick_agent(const struct world *w, double u)
{
	int lo = 0, hi = w->nagents - 1;

	while (lo < hi) { /* first agent whose cumulative weight exceeds u */
		int mid = (lo + hi) / 2;

		if (w->agent_cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int world_init(struct world *w, const struct gen_params *p)
{
	double sum = 0;

	memset(w, 0, sizeof(*w));
	w->p = p;
	w->start_ms = p->start_ms;
	w->now_ms = p->start_ms + (int64_t)p->days * MS_DAY;
	w->nagents = p->agents;
	w->agents = calloc((size_t)w->nagents, sizeof(*w->agents));
	w->agent_cdf = malloc((size_t)w->nagents * sizeof(double));
	if (!w->agents || !w->agent_cdf)
		return -1;
	for (int i = 0; i < w->nagents; i++) {
		agent_init(w, i);
		sum += w->agents[i].weight;
	}
	for (int i = 0; i < w->nagents; i++) {
		w->agents[i].weight /= sum;
		w->agent_cdf[i] = w->agents[i].weight + (i ? w->agent_cdf[i - 1] : 0);
	}
	w->agent_cdf[w->nagents - 1] = 1.0;
	for (int i = 0; i < w->nagents; i++)
		if (agent_releases(w, i))
			return -1;
	if (tp_init(&w->deploy_tp, w->start_ms, p->days, deploy_intensity) ||
	    tp_init(&w->run_tp, w->start_ms, p->days, run_intensity))
		return -1;
	return 0;
}

void world_release(struct world *w)
{
	if (!w->agents)
		return;
	for (int i = 0; i < w->nagents; i++) {
		free(w->agents[i].rel);
		for (int e = 0; e < ENV_COUNT; e++) {
			free(w->agents[i].promo[e]);
			free(w->agents[i].promo_ms[e]);
		}
	}
	free(w->agents);
	free(w->agent_cdf);
	free(w->deploy_tp.cdf);
	free(w->run_tp.cdf);
	memset(w, 0, sizeof(*w));
}
