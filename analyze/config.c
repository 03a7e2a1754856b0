#include "config.h"
#include "sl_hash.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"

#define HOUR_MS 3600000.0
#define DAY_MS (24 * HOUR_MS)

void config_defaults(struct analyze_config *c)
{
	static const double w[5] = {0.30, 0.25, 0.20, 0.15, 0.10};
	/* the DORA 2023 tiers: a week has 7 days, a month 30 */
	static const double dora[DORA_NMETRICS][3] = {
		{7.0, 1.0, 7.0 / 30.0},
		{1 * DAY_MS, 7 * DAY_MS, 30 * DAY_MS},
		{0.05, 0.10, 0.15},
		{1 * HOUR_MS, 1 * DAY_MS, 7 * DAY_MS},
	};
	static const double sc[SC_NTARGETS] = {0.95, 30 * 60 * 1000.0, 0.05, 2 * 60 * 1000.0,
					       10 * 60 * 1000.0, 0.80, 0.10};

	memcpy(c->health_weight, w, sizeof(w));
	c->alert_failure_fraction = 0.10;
	c->alert_slow_factor = 3;
	strcpy(c->alert_critical_envs, "production");
	c->rollback_max_error_rate = 0.05;
	c->rollback_max_latency_increase = 0.5;
	c->rollback_max_health_failures = 3;
	c->canary_alpha = 0.05;
	c->canary_min_samples = 3;
	c->canary_pass_score = 95;
	c->canary_marginal_score = 75;
	memcpy(c->dora, dora, sizeof(dora));
	memcpy(c->scorecard, sc, sizeof(sc));
	c->pipe_bottleneck_share = 0.25;
	c->pipe_redundant_min_runs = 50;
	c->pipe_timeout_factor = 1.5;
	c->pipe_timeout_loose = 10;
	c->pipe_retry_min = 5;
	c->pipe_retry_low = 0.2;
	c->pipe_retry_high = 0.8;
	c->pipe_parallel_share = 0.5;
	c->version_alpha = 0.05;
	c->version_adoption_share = 0.8;
	c->version_adoption_hours = 48;
	c->predict_min_similar = 20;
	c->predict_agent_min = 30;
	c->anomaly_trees = 100;
	c->anomaly_subsample = 256;
	c->anomaly_contamination = 0.1;
	c->anomaly_reason_sigma = 2;
	c->pattern_eps = 0.3;
	c->pattern_min_samples = 5;
}

struct setting {
	const char *key;
	int n;     /* numbers it takes */
	size_t off; /* offset of the first double (or int) in the config */
	int is_int;
	double min, max;
};

#define OFF(f) offsetof(struct analyze_config, f)

static const struct setting settings[] = {
	{"health.weight.success", 1, OFF(health_weight[0]), 0, 0, 1},
	{"health.weight.no_rollback", 1, OFF(health_weight[1]), 0, 0, 1},
	{"health.weight.validation", 1, OFF(health_weight[2]), 0, 0, 1},
	{"health.weight.performance", 1, OFF(health_weight[3]), 0, 0, 1},
	{"health.weight.speed", 1, OFF(health_weight[4]), 0, 0, 1},
	{"alerts.high_failure_rate", 1, OFF(alert_failure_fraction), 0, 0, 1},
	{"alerts.slow_factor", 1, OFF(alert_slow_factor), 0, 1, 1e6},
	{"alerts.critical_environments", 0, OFF(alert_critical_envs), 0, 0, 0},
	{"rollback.max_error_rate", 1, OFF(rollback_max_error_rate), 0, 0, 1},
	{"rollback.max_latency_increase", 1, OFF(rollback_max_latency_increase), 0, 0, 1e9},
	{"rollback.max_health_check_failures", 1, OFF(rollback_max_health_failures), 0, 0, 1e9},
	{"canary.alpha", 1, OFF(canary_alpha), 0, 0, 1},
	{"canary.min_samples", 1, OFF(canary_min_samples), 1, 1, 1e6},
	{"canary.pass_score", 1, OFF(canary_pass_score), 0, 0, 100},
	{"canary.marginal_score", 1, OFF(canary_marginal_score), 0, 0, 100},
	{"dora.deployment_frequency", 3, OFF(dora[DORA_FREQUENCY]), 0, 0, 1e9},
	{"dora.lead_time_for_changes", 3, OFF(dora[DORA_LEAD_TIME]), 0, 0, 1e15},
	{"dora.change_failure_rate", 3, OFF(dora[DORA_CHANGE_FAILURE]), 0, 0, 1},
	{"dora.failed_deployment_recovery_time", 3, OFF(dora[DORA_RECOVERY]), 0, 0, 1e15},
	{"scorecard.deployment_success_rate", 1, OFF(scorecard[SC_SUCCESS]), 0, 0, 1},
	{"scorecard.mean_time_to_deploy", 1, OFF(scorecard[SC_MTTD]), 0, 0, 1e15},
	{"scorecard.rollback_rate", 1, OFF(scorecard[SC_ROLLBACK]), 0, 0, 1},
	{"scorecard.detection_time", 1, OFF(scorecard[SC_DETECTION]), 0, 0, 1e15},
	{"scorecard.recovery_time", 1, OFF(scorecard[SC_RECOVERY]), 0, 0, 1e15},
	{"scorecard.version_adoption_48h", 1, OFF(scorecard[SC_ADOPTION]), 0, 0, 1},
	{"scorecard.alert_false_positive_rate", 1, OFF(scorecard[SC_ALERT_FP]), 0, 0, 1},
	{"pipeline.bottleneck_share", 1, OFF(pipe_bottleneck_share), 0, 0, 1},
	{"pipeline.redundant_min_runs", 1, OFF(pipe_redundant_min_runs), 1, 1, 1e9},
	{"pipeline.timeout_factor", 1, OFF(pipe_timeout_factor), 0, 1, 1e6},
	{"pipeline.timeout_loose_factor", 1, OFF(pipe_timeout_loose), 0, 1, 1e6},
	{"pipeline.retry_min", 1, OFF(pipe_retry_min), 1, 1, 1e9},
	{"pipeline.retry_low", 1, OFF(pipe_retry_low), 0, 0, 1},
	{"pipeline.retry_high", 1, OFF(pipe_retry_high), 0, 0, 1},
	{"pipeline.parallel_share", 1, OFF(pipe_parallel_share), 0, 0, 1},
	{"versions.alpha", 1, OFF(version_alpha), 0, 0, 1},
	{"versions.adoption_share", 1, OFF(version_adoption_share), 0, 0, 1},
	{"versions.adoption_hours", 1, OFF(version_adoption_hours), 0, 0, 1e6},
	{"predict.min_similar", 1, OFF(predict_min_similar), 1, 1, 1e6},
	{"predict.agent_min_deployments", 1, OFF(predict_agent_min), 1, 1, 1e9},
	{"anomalies.trees", 1, OFF(anomaly_trees), 1, 1, 10000},
	{"anomalies.subsample", 1, OFF(anomaly_subsample), 1, 2, 65536},
	{"anomalies.contamination", 1, OFF(anomaly_contamination), 0, 0, 0.5},
	{"anomalies.reason_sigma", 1, OFF(anomaly_reason_sigma), 0, 0, 1e6},
	{"patterns.eps", 1, OFF(pattern_eps), 0, 1e-9, 1e6},
	{"patterns.min_samples", 1, OFF(pattern_min_samples), 1, 1, 1e6},
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

int config_critical_env(const struct analyze_config *c, const char *env, size_t n)
{
	const char *p = c->alert_critical_envs;

	while (env && *p) {
		size_t k = strcspn(p, " ");

		if (k == n && !memcmp(p, env, n))
			return 1;
		p += k;
		p += *p == ' ';
	}
	return 0;
}

/* A list of names (n 0): separated by commas or white space, kept
 * separated by single spaces; an empty list is allowed (no environment
 * is critical). */
static int apply_names(struct analyze_config *c, const struct setting *st, char *val,
		       const char *path, long line, struct sl_errctx *err)
{
	char *field = (char *)c + st->off, *tok, *save;
	size_t len = 0, cap = sizeof(c->alert_critical_envs);

	for (tok = strtok_r(val, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		size_t n = strlen(tok);

		if (len + n + 2 > cap)
			return sl_err_set(err, SL_EPARSE, path, line, "'%s' is longer than %zu bytes",
					  st->key, cap - 1);
		if (len)
			field[len++] = ' ';
		memcpy(field + len, tok, n);
		len += n;
	}
	field[len] = '\0';
	return SL_OK;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int apply(struct analyze_config *c, const struct setting *st, char *val, const char *path,
		 long line, struct sl_errctx *err)
{
	double v[3];
	int n = 0;
	char *tok, *save;

	for (tok = strtok_r(val, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == st->n || sl_parse_f64(tok, strlen(tok), &v[n]) || !isfinite(v[n]))
			return sl_err_set(err, SL_EPARSE, path, line, "'%s' takes %d number%s",
					  st->key, st->n, st->n == 1 ? "" : "s");
		if (v[n] < st->min || v[n] > st->max || (st->is_int && v[n] != floor(v[n])))
			return sl_err_set(err, SL_EPARSE, path, line,
					  "'%s': %s is out of range (%g to %g%s)", st->key, tok,
					  st->min, st->max, st->is_int ? ", whole numbers" : "");
		n++;
	}
	if (n != st->n)
		return sl_err_set(err, SL_EPARSE, path, line, "'%s' takes %d number%s", st->key,
				  st->n, st->n == 1 ? "" : "s");
	if (st->n == 3 && !(v[0] != v[1] && v[1] != v[2] &&
			    ((v[0] > v[1] && v[1] > v[2]) || (v[0] < v[1] && v[1] < v[2]))))
		return sl_err_set(err, SL_EPARSE, path, line,
				  "'%s': the elite, high and medium bounds must be in order",
				  st->key);
	for (int i = 0; i < n; i++) {
		char *field = (char *)c + st->off;

		if (st->is_int)
			((int *)(void *)field)[i] = (int)v[i];
		else
			((double *)(void *)field)[i] = v[i];
	}
	return SL_OK;
}

int config_load(const char *path, struct analyze_config *c, struct sl_errctx *err)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;
	long line = 0;
	int rc = SL_OK, seen[NSETTINGS] = {0};
	double sum = 0;

	if (!f)
		return sl_err_set(err, SL_EIO, path, 0, "cannot open: %s", strerror(errno));
	while (getline(&buf, &cap, f) >= 0) {
		char *s, *eq, *key, *val;
		size_t k;

		line++;
		if (strchr(buf, '#'))
			*strchr(buf, '#') = '\0';
		s = trim(buf);
		if (!*s)
			continue;
		if (!(eq = strchr(s, '='))) {
			rc = sl_err_set(err, SL_EPARSE, path, line, "expected 'setting = value'");
			break;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		for (k = 0; k < NSETTINGS; k++)
			if (!strcmp(settings[k].key, key))
				break;
		if (k == NSETTINGS) {
			rc = sl_err_set(err, SL_EPARSE, path, line, "unknown setting '%.100s'", key);
			break;
		}
		if (seen[k]++) {
			rc = sl_err_set(err, SL_EPARSE, path, line, "'%s' is set twice", key);
			break;
		}
		if ((rc = settings[k].n ? apply(c, &settings[k], val, path, line, err)
					: apply_names(c, &settings[k], val, path, line, err)))
			break;
	}
	free(buf);
	fclose(f);
	if (rc)
		return rc;
	for (int i = 0; i < 5; i++)
		sum += c->health_weight[i];
	if (fabs(sum - 1) > 1e-9)
		return sl_err_set(err, SL_EPARSE, path, 0,
				  "the health weights add up to %g, not 1", sum);
	if (c->canary_marginal_score > c->canary_pass_score)
		return sl_err_set(err, SL_EPARSE, path, 0,
				  "canary.marginal_score is above canary.pass_score");
	return SL_OK;
}

uint64_t config_digest(const struct analyze_config *c)
{
	uint64_t h = 0;

	/* setting by setting, as the file names them: the struct's padding
	 * and the bytes after a name's end are no part of the settings */
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *st = &settings[i];
		const char *f = (const char *)c + st->off;
		uint64_t w[3] = {h, sl_hash(st->key, strlen(st->key)), 0};

		if (!st->n) {
			w[2] = sl_hash(f, strlen(f));
			h = sl_hash(w, sizeof(w));
			continue;
		}
		for (int j = 0; j < st->n; j++) {
			if (st->is_int) {
				int v;

				memcpy(&v, f + (size_t)j * sizeof(int), sizeof(v));
				w[2] = (uint64_t)(int64_t)v;
			} else {
				double v;

				memcpy(&v, f + (size_t)j * sizeof(double), sizeof(v));
				memcpy(&w[2], &v, sizeof(v));
			}
			h = sl_hash(w, sizeof(w));
			w[0] = h;
		}
	}
	return h;
}
