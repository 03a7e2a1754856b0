/* config.h - thresholds, weights and tier tables of the analyses: the
 * seed's defaults, replaced line by line by a config file
 * (docs/ANALYZE.md "Configuration", example in data/analyze.conf). */
#ifndef ANALYZE_CONFIG_H
#define ANALYZE_CONFIG_H

#include <stdint.h>

#include "sl_err.h"

enum { DORA_FREQUENCY, DORA_LEAD_TIME, DORA_CHANGE_FAILURE, DORA_RECOVERY, DORA_NMETRICS };
enum { SC_SUCCESS, SC_MTTD, SC_ROLLBACK, SC_DETECTION, SC_RECOVERY, SC_ADOPTION, SC_ALERT_FP,
       SC_NTARGETS };

struct analyze_config {
	/* health score weights: success, no_rollback, validation, performance, speed */
	double health_weight[5];
	double alert_failure_fraction; /* HIGH_FAILURE_RATE above this share of target */
	double alert_slow_factor;      /* SLOW_DEPLOYMENT above this x the group's median */
	/* environments whose alerts are critical: names separated by single
	 * spaces (the config file's commas and runs of spaces made one) */
	char alert_critical_envs[256];
	double rollback_max_error_rate, rollback_max_latency_increase;
	double rollback_max_health_failures;
	double canary_alpha, canary_pass_score, canary_marginal_score;
	int canary_min_samples;
	double dora[DORA_NMETRICS][3]; /* elite, high, medium bounds */
	double scorecard[SC_NTARGETS];
	/* pipelines (pipeline.c) */
	double pipe_bottleneck_share;	/* a critical-path stage with this share of it */
	int pipe_redundant_min_runs;	/* never failed in at least this many runs */
	double pipe_timeout_factor;	/* recommended timeout = p99 x this */
	double pipe_timeout_loose;	/* a timeout above p99 x this is too loose */
	int pipe_retry_min;		/* retries needed before advising on them */
	double pipe_retry_low, pipe_retry_high; /* retry success shares */
	double pipe_parallel_share;	/* run one after another in this share */
	/* versions (versions.c) */
	double version_alpha;		/* regression tests' significance level */
	double version_adoption_share;	/* the adoption mark (time to 80%) */
	double version_adoption_hours;	/* ... within this many hours */
	int predict_min_similar; /* widen the similar deployments below this */
	int predict_agent_min;   /* an agent's own duration term from this many */
	/* isolation forest (anomalies) and DBSCAN (patterns) */
	int anomaly_trees, anomaly_subsample;
	double anomaly_contamination, anomaly_reason_sigma;
	double pattern_eps;
	int pattern_min_samples;
};

void config_defaults(struct analyze_config *c);
/* Whether env (n bytes) is one of c's critical environments. */
int config_critical_env(const struct analyze_config *c, const char *env, size_t n);
/* Reads path over the current values.  A bad line is SL_EPARSE with the
 * file and line in err. */
int config_load(const char *path, struct analyze_config *c, struct sl_errctx *err);

/* A digest of every setting's value (a map task and its reduce must agree
 * on them): equal settings give equal digests, however they were given. */
uint64_t config_digest(const struct analyze_config *c);

#endif
