/* history.c - incidents and version history, the two kinds that summarise
 * the whole deployment pass: an incident follows some failed production
 * deployments (and a few come from nowhere); a version row per release and
 * environment carries what its deployments did.  Both are collected during
 * the pass and written sorted by time at the end. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy.h"

struct incident {
	int64_t created, resolved; /* resolved: -1 while open */
	uint64_t order;            /* tie-break: deployment index or background index */
	int agent, env, severity;
	int meta;
	char dep[37];              /* empty: not linked */
};

struct history {
	struct incident *inc;
	size_t n, cap;
};

struct history *history_new(void)
{
	return calloc(1, sizeof(struct history));
}

void history_free(struct history *h)
{
	if (!h)
		return;
	free(h->inc);
	free(h);
}

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static struct incident *inc_push(struct history *h)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 1024;
		struct incident *p = realloc(h->inc, cap * sizeof(*p));

		if (!p)
			return NULL;
		h->inc = p;
		h->cap = cap;
	}
	return &h->inc[h->n++];
}

static void inc_times(struct incident *in, int64_t after, int64_t now, struct rng *r)
{
	in->created = after + (int64_t)(clampd(rng_lognormal(r, 40, 1.0), 5, 360) * MS_MIN);
	in->resolved = in->created +
		       (int64_t)(clampd(rng_lognormal(r, 120, 1.1), 10, 2 * 24 * 60) * MS_MIN);
	if (in->resolved >= now)
		in->resolved = -1; /* still open when the logs end */
}

int history_add(struct history *h, struct world *w, const struct dep *d)
{
	static const double sev_failed[] = {8, 25, 40, 27};
	static const double sev_latent[] = {2, 15, 45, 38};
	struct rng r;
	struct incident *in;
	double p;

	if (d->env != ENV_PROD || d->active)
		return 0;
	r = rng_for(w->p->seed, SALT_INCIDENT, d->idx);
	if (dep_failed(d))
		p = d->bad ? 0.45 : 0.3;
	else
		p = d->bad ? 0.03 : 0.002; /* latent bugs found later */
	if (!rng_chance(&r, p))
		return 0;
	in = inc_push(h);
	if (!in)
		return -1;
	inc_times(in, d->end, w->now_ms, &r);
	if (in->created >= w->now_ms) {
		h->n--; /* would happen after the logs end */
		return 0;
	}
	in->order = d->idx;
	in->agent = d->agent;
	in->env = ENV_PROD;
	in->severity = rng_pick(&r, dep_failed(d) ? sev_failed : sev_latent, 4);
	in->meta = rng_chance(&r, 0.3);
	if (rng_chance(&r, 0.85))
		memcpy(in->dep, d->id, 37);
	else
		in->dep[0] = '\0';
	w->agents[d->agent].rel[d->rel].st[ENV_PROD].incidents++;
	return 0;
}

/* Incidents that no deployment caused: capacity, providers, attacks. */
static int add_background(struct history *h, const struct world *w)
{
	static const double sev_w[] = {3, 20, 40, 37};
	long n = (long)w->nagents * w->p->days / 240;

	if (n < 1)
		n = 1;
	for (long j = 0; j < n; j++) {
		struct rng r = rng_for(w->p->seed, SALT_INCIDENT_BG, (uint64_t)j);
		struct incident *in = inc_push(h);
		int64_t at = w->start_ms +
			     (int64_t)(rng_unif(&r) * (double)(w->now_ms - w->start_ms - MS_HOUR));

		if (!in)
			return -1;
		inc_times(in, at, w->now_ms, &r);
		if (in->created >= w->now_ms)
			in->created = w->now_ms - MS_MIN;
		in->order = UINT64_MAX - (uint64_t)j;
		in->agent = world_pick_agent(w, rng_unif(&r));
		in->env = rng_chance(&r, 0.8) ? ENV_PROD : ENV_STAGING;
		in->severity = rng_pick(&r, sev_w, 4);
		in->meta = rng_chance(&r, 0.3);
		in->dep[0] = '\0';
	}
	return 0;
}

static int inc_cmp(const void *pa, const void *pb)
{
	const struct incident *a = pa, *b = pb;

	if (a->created != b->created)
		return a->created < b->created ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

enum { I_ID, I_AGENT, I_ENV, I_CREATED, I_RESOLVED, I_SEV, I_DEP, I_META, I_N };
static const char *const inc_names[I_N] = {"incident_id", "agent_id", "environment",
					   "created_at", "resolved_at", "severity",
					   "deployment_id", "metadata"};

static void write_incidents(struct history *h, const struct world *w, struct gen_out *o,
			    struct gen_row *row, const int *ic)
{
	static const char *const sev[] = {"sev1", "sev2", "sev3", "sev4"};

	if (h->n)
		qsort(h->inc, h->n, sizeof(*h->inc), inc_cmp);
	for (size_t k = 0; k < h->n; k++) {
		const struct incident *in = &h->inc[k];
		const struct agent *a = &w->agents[in->agent];
		char *p;

		row_reset(row, sl_kind_def(SL_KIND_INCIDENTS)->ncols);
		p = row_alloc(row, 24);
		memcpy(p, "INC-", 4);
		row_strn(row, ic[I_ID], p, (size_t)(put_u64(p + 4, 10001 + k) - p));
		row_strn(row, ic[I_AGENT], a->name, a->name_len);
		row_str(row, ic[I_ENV], gen_env_names[in->env]);
		row_time(row, ic[I_CREATED], in->created);
		if (in->resolved >= 0)
			row_time(row, ic[I_RESOLVED], in->resolved);
		row_str(row, ic[I_SEV], sev[in->severity]);
		if (in->dep[0])
			row_strn(row, ic[I_DEP], in->dep, 36);
		if (in->meta) {
			p = row_alloc(row, 96);
			snprintf(p, 96, "{\"pagerduty\":\"P%06llX\",\"postmortem\":%s}",
				 (unsigned long long)(gen_mix64(in->order) & 0xffffff),
				 in->severity <= 1 ? "true" : "false");
			row_json(row, ic[I_META], p);
		}
		gen_out_row(o, row);
	}
}

/* ---- versions ---- */

enum { R_AGENT, R_VERSION, R_AT, R_BY, R_ENV, R_STATUS, R_COMMIT, R_BRANCH, R_TAG, R_BUILD,
       R_API, R_BREAKING, R_MIGRATION, R_COMPAT, R_LIFETIME, R_INCIDENTS, R_PERF, R_ADOPTION,
       R_META, R_N };
static const char *const ver_names[R_N] = {
	"agent_id", "version", "deployed_at", "deployed_by", "environment", "status",
	"git_commit", "git_branch", "git_tag", "build_number", "api_versions",
	"breaking_changes", "migration_required", "backward_compatible", "lifetime_hours",
	"incident_count", "performance_score", "adoption_rate", "metadata",
};

struct vref {
	int64_t at;
	int agent, rel, env, slot; /* slot: index in the agent's promotion list */
};

static int vref_cmp(const void *pa, const void *pb)
{
	const struct vref *a = pa, *b = pb;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	if (a->agent != b->agent)
		return a->agent < b->agent ? -1 : 1;
	return a->env < b->env ? -1 : a->env > b->env;
}

static const char *const breaking_texts[] = {
	"Removed deprecated endpoint \"/v1/orders\"; renamed field customer_id to account_id",
	"Dropped support for TLS 1.1, clients must use TLS >= 1.2",
	"Changed default page size from 100 to 50, \"limit\" now capped at 500",
	"Event schema v3: \"amount\" is now an integer in minor units",
};

/* The newest promotion is active, the one before deprecated, older ones
 * retired; a bad release that had to be rolled back says so. */
static const char *ver_status(const struct agent *a, const struct vref *v)
{
	const struct release *rel = &a->rel[v->rel];
	int last = a->npromo[v->env] - 1;

	if (rel->bad && rel->st[v->env].rollbacks > 0)
		return "rolled_back";
	if (v->slot == last)
		return "active";
	if (v->slot == last - 1)
		return "deprecated";
	return "retired";
}

static void api_versions(char *p, size_t n, int maj)
{
	if (maj <= 1)
		snprintf(p, n, "v1");
	else
		snprintf(p, n, "v%d;v%d", maj - 1, maj);
}

static void version_row(const struct world *w, const struct vref *v, struct gen_out *o,
			struct gen_row *row, const int *rc)
{
	const struct agent *a = &w->agents[v->agent];
	const struct release *rel = &a->rel[v->rel];
	const struct rel_stats *st = &rel->st[v->env];
	/* Release-wide facts (same in every environment) and per-row ones. */
	struct rng rr = rng_for(w->p->seed, SALT_VERSIONROW,
				((uint64_t)v->agent << 34) | ((uint64_t)v->rel << 2) | 3);
	struct rng r = rng_for(w->p->seed, SALT_VERSIONROW,
			       ((uint64_t)v->agent << 34) | ((uint64_t)v->rel << 2) | (uint64_t)v->env);
	int major = v->rel > 0 && rel->min == 0 && rel->pat == 0;
	int minor = v->rel > 0 && rel->pat == 0 && !major;
	int64_t next = v->slot + 1 < a->npromo[v->env] ? a->promo_ms[v->env][v->slot + 1] : w->now_ms;
	double perf;
	char *p;

	row_reset(row, sl_kind_def(SL_KIND_VERSIONS)->ncols);
	row_strn(row, rc[R_AGENT], a->name, a->name_len);
	row_str(row, rc[R_VERSION], rel->version);
	row_time(row, rc[R_AT], v->at);
	row_str(row, rc[R_BY], v->env == ENV_DEV ? "ci-bot"
			       : v->env == ENV_STAGING || rng_chance(&r, 0.4)
				       ? "release-bot"
				       : gen_people[rng_below(&r, (uint32_t)gen_npeople)]);
	row_str(row, rc[R_ENV], gen_env_names[v->env]);
	row_str(row, rc[R_STATUS], ver_status(a, v));
	row_strn(row, rc[R_COMMIT], rel->commit, 40);
	p = row_alloc(row, 32);
	if (rng_chance(&rr, 0.75))
		row_str(row, rc[R_BRANCH], "main");
	else
		row_strn(row, rc[R_BRANCH], p, (size_t)snprintf(p, 32, "release-%d.%d", rel->maj, rel->min));
	p = row_alloc(row, 32);
	row_strn(row, rc[R_TAG], p, (size_t)snprintf(p, 32, "v%s", rel->version));
	p = row_alloc(row, 24);
	row_strn(row, rc[R_BUILD], p, (size_t)(put_i64(p, rel->build) - p));
	p = row_alloc(row, 32);
	api_versions(p, 32, rel->maj);
	row_str(row, rc[R_API], p);
	if (major)
		row_str(row, rc[R_BREAKING], breaking_texts[rng_below(&rr, 4)]);
	row_bool(row, rc[R_MIGRATION], major || (minor && rng_chance(&rr, 0.15)));
	row_bool(row, rc[R_COMPAT], !major);
	row_fix(row, rc[R_LIFETIME], (double)(next - v->at) / MS_HOUR, 1);
	row_int(row, rc[R_INCIDENTS], st->incidents);
	/* Success share shrunk towards 90% by three pseudo-deployments, so
	 * that one failure of a rarely deployed version does not give 0. */
	perf = 100.0 * (st->completed + 2.7) / (st->finished + 3.0) /
	       (1 + 2 * fmax(0, st->finished ? st->latency_sum / st->finished : 0.01));
	perf *= rng_range(&r, 0.97, 1.0);
	row_fix(row, rc[R_PERF], clampd(perf, 0, 100), 1);
	row_fix(row, rc[R_ADOPTION], (double)__builtin_popcount(st->groups) / a->ngroups, 2);
	if (rng_chance(&r, 0.1))
		row_json(row, rc[R_META], "{\"release_notes\":true,\"changelog_entries\":7}");
	gen_out_row(o, row);
}

/* Rows for every promotion that was live at some point of the range. */
static int write_versions(const struct world *w, struct gen_out *o, struct gen_row *row,
			  const int *rc)
{
	struct vref *refs = NULL;
	size_t n = 0, cap = 0;

	for (int ai = 0; ai < w->nagents; ai++) {
		const struct agent *a = &w->agents[ai];

		for (int e = 0; e < ENV_COUNT; e++) {
			for (int j = 0; j < a->npromo[e]; j++) {
				int64_t next = j + 1 < a->npromo[e] ? a->promo_ms[e][j + 1] : INT64_MAX;

				if (next <= w->start_ms)
					continue;
				if (n == cap) {
					struct vref *nr;

					cap = cap ? 2 * cap : 1024;
					nr = realloc(refs, cap * sizeof(*nr));
					if (!nr) {
						free(refs);
						return -1;
					}
					refs = nr;
				}
				refs[n++] = (struct vref){a->promo_ms[e][j], ai, a->promo[e][j], e, j};
			}
		}
	}
	if (n)
		qsort(refs, n, sizeof(*refs), vref_cmp);
	for (size_t k = 0; k < n; k++)
		version_row(w, &refs[k], o, row, rc);
	free(refs);
	return 0;
}

int history_write(struct history *h, struct world *w, struct gen_out *incidents,
		  struct gen_out *versions, struct gen_row *row)
{
	int ic[I_N], rc[R_N];

	if (gen_colmap(SL_KIND_INCIDENTS, inc_names, I_N, ic) ||
	    gen_colmap(SL_KIND_VERSIONS, ver_names, R_N, rc))
		return -1;
	if (incidents) {
		if (add_background(h, w))
			return -1;
		write_incidents(h, w, incidents, row, ic);
	}
	if (versions && write_versions(w, versions, row, rc))
		return -1;
	return 0;
}
