/* config.h - thresholds, weights and tier tables of the analyses: the
 * defaults of SPEC §4, replaced line by line by a config file
 * (docs/ANALYZE.md "Configuration", example in data/analyze.conf). */
#ifndef ANALYZE_CONFIG_H
#define ANALYZE_CONFIG_H

#include "sl_err.h"

enum { DORA_FREQUENCY, DORA_LEAD_TIME, DORA_CHANGE_FAILURE, DORA_RECOVERY, DORA_NMETRICS };
enum { SC_SUCCESS, SC_MTTD, SC_ROLLBACK, SC_DETECTION, SC_RECOVERY, SC_ADOPTION, SC_ALERT_FP,
       SC_NTARGETS };

struct analyze_config {
	/* health score weights: success, no_rollback, validation, performance, speed */
	double health_weight[5];
	double alert_failure_fraction; /* HIGH_FAILURE_RATE above this share of target */
	double rollback_max_error_rate, rollback_max_latency_increase;
	double rollback_max_health_failures;
	double canary_alpha, canary_pass_score, canary_marginal_score;
	int canary_min_samples;
	double dora[DORA_NMETRICS][3]; /* elite, high, medium bounds */
	double scorecard[SC_NTARGETS];
	/* isolation forest (anomalies) and DBSCAN (patterns) */
	int anomaly_trees, anomaly_subsample;
	double anomaly_contamination, anomaly_reason_sigma;
	double pattern_eps;
	int pattern_min_samples;
};

void config_defaults(struct analyze_config *c);
/* Reads path over the current values.  A bad line is SL_EPARSE with the
 * file and line in err. */
int config_load(const char *path, struct analyze_config *c, struct sl_errctx *err);

#endif
