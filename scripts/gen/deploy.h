/* deploy.h - one generated deployment, shared by the modules that write
 * the kinds hanging off it (deploy.c, depkids.c, history.c).
 *
 * struct dep is computed from the deployment's own stream only
 * (dep_core), whatever kinds are written; each child kind then draws from
 * a stream of its own keyed by the deployment index. */
#ifndef GEN_DEPLOY_H
#define GEN_DEPLOY_H

#include "gen.h"

enum phase {
	P_PENDING = 0,
	P_IN_PROGRESS,
	P_ROLLING_OUT,
	P_VALIDATING,
	P_COMPLETED,
	P_FAILED,
	P_ROLLED_BACK,
	P_PARTIAL,
};

enum health { H_HEALTHY = 0, H_DEGRADED, H_UNHEALTHY, H_UNKNOWN };

/* What went wrong; picks the rollback reason template, the failing
 * checkpoint and validation, and which metrics got worse. */
enum cause {
	C_NONE = 0,
	C_ERROR_RATE,
	C_HEALTH,
	C_LATENCY,
	C_OOM,
	C_MANUAL,
	C_CRASHLOOP,
	C_MIGRATION,
	C_CANARY,
	C_IMAGE,
	C_DEADLINE,
	C_CONFIG,
	C_SLO,
	C_DEPENDENCY,
	C_COUNT,
};

extern const char *const dep_phase_names[];
extern const char *const dep_health_names[];

struct dep {
	uint64_t idx;
	char id[37];
	int agent, env, strat, rel, method, group;
	enum phase phase;
	enum health health;
	enum cause cause;
	int active;       /* phase not terminal: no end, duration, impact */
	double progress;  /* active: share of the rollout done by "now" */
	int64_t start, end, updated; /* end: -1 while active */
	int64_t dur;      /* active: the planned duration (not written) */
	int target, deployed, healthy, failed;
	int rollback;
	int64_t rollback_ms; /* time spent rolling back (within dur) */
	int canary_pct;   /* canary: percent of instances in the canary */
	int surge, unavail; /* rolling: percent of target */
	double cpu, mem, lat, thr, err, eff, cost;
	const char *by;
	int bad;          /* the release is a regression */
	/* --updates: an earlier status row of the same deployment */
	int update;
	int update_after; /* written after the final row, not before */
	int64_t update_at;
	int update_deployed;
	char reason[256];
	char meta[192];
};

static inline int dep_failed(const struct dep *d)
{
	return d->phase == P_FAILED || d->phase == P_ROLLED_BACK || d->phase == P_PARTIAL;
}

/* The release row of a deployment. */
static inline struct release *dep_release(const struct world *w, const struct dep *d)
{
	return &w->agents[d->agent].rel[d->rel];
}

void dep_core(const struct world *w, uint64_t i, struct dep *d);

/* depkids.c */
int depkids_init(void);
void emit_checkpoints(const struct world *w, const struct dep *d, struct gen_out *o,
		      struct gen_row *row);
void emit_artifacts(const struct world *w, const struct dep *d, struct gen_out *o,
		    struct gen_row *row);
void emit_validations(const struct world *w, const struct dep *d, struct gen_out *o,
		      struct gen_row *row);
void emit_metric_samples(const struct world *w, const struct dep *d, struct gen_out *o,
			 struct gen_row *row);

/* history.c: incidents and versions, which need the whole pass. */
struct history;
struct history *history_new(void);
void history_free(struct history *h);
/* Called for every deployment; decides whether it caused an incident. */
int history_add(struct history *h, struct world *w, const struct dep *d);
/* Incidents without a deployment, then both files. */
int history_write(struct history *h, struct world *w, struct gen_out *incidents,
		  struct gen_out *versions, struct gen_row *row);

#endif
