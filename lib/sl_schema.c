#include "sl_schema.h"

#include <string.h>

#define R SL_COL_REQUIRED
#define D SL_COL_DAYKEY

static const struct sl_column deployments_cols[] = {
	{"deployment_id", SL_STR, R},
	{"agent_id", SL_STR, R},
	{"version", SL_STR, 0},
	{"environment", SL_STR, R},
	{"phase", SL_STR, R},
	{"health", SL_STR, 0},
	{"start_time", SL_TIME, R | D},
	{"end_time", SL_TIME, 0},
	{"duration_ms", SL_I64, 0},
	{"rollout_strategy", SL_STR, 0},
	{"canary_percentage", SL_F64, 0},
	{"max_surge", SL_F64, 0},
	{"max_unavailable", SL_F64, 0},
	{"target_instances", SL_I64, 0},
	{"deployed_instances", SL_I64, 0},
	{"healthy_instances", SL_I64, 0},
	{"failed_instances", SL_I64, 0},
	{"rollback_triggered", SL_BOOL, 0},
	{"rollback_reason", SL_STR, 0},
	{"deployment_method", SL_STR, 0},
	{"cpu_change", SL_F64, 0},
	{"memory_change", SL_F64, 0},
	{"latency_change", SL_F64, 0},
	{"throughput_change", SL_F64, 0},
	{"error_rate_change", SL_F64, 0},
	{"resource_efficiency", SL_F64, 0},
	{"cost_impact", SL_F64, 0},
	{"git_commit", SL_STR, 0},
	{"commit_time", SL_TIME, 0},
	{"deployed_by", SL_STR, 0},
	{"target_group", SL_STR, 0},
	{"updated_at", SL_TIME, 0},
	{"metadata", SL_STR, 0},
};

static const struct sl_column checkpoints_cols[] = {
	{"deployment_id", SL_STR, R},
	{"checkpoint_name", SL_STR, 0},
	{"checkpoint_type", SL_STR, 0},
	{"status", SL_STR, 0},
	{"timestamp", SL_TIME, R | D},
	{"duration_ms", SL_I64, 0},
	{"metadata", SL_STR, 0},
};

static const struct sl_column artifacts_cols[] = {
	{"deployment_id", SL_STR, R},
	{"artifact_type", SL_STR, 0},
	{"artifact_name", SL_STR, 0},
	{"version", SL_STR, 0},
	{"size_bytes", SL_I64, 0},
	{"checksum", SL_STR, 0},
	{"registry", SL_STR, 0},
	{"build_id", SL_STR, 0},
	{"dependencies", SL_STR, 0},
	{"scan_status", SL_STR, 0},
	{"critical_vulns", SL_I64, 0},
	{"metadata", SL_STR, 0},
};

static const struct sl_column validations_cols[] = {
	{"deployment_id", SL_STR, R},
	{"type", SL_STR, 0},
	{"name", SL_STR, 0},
	{"status", SL_STR, R},
	{"duration_ms", SL_I64, 0},
	{"timestamp", SL_TIME, R | D},
	{"tests_run", SL_I64, 0},
	{"tests_passed", SL_I64, 0},
	{"tests_failed", SL_I64, 0},
	{"coverage", SL_F64, 0},
	{"metadata", SL_STR, 0},
};

static const struct sl_column pipeline_runs_cols[] = {
	{"pipeline_id", SL_STR, R},
	{"pipeline_name", SL_STR, 0},
	{"execution_number", SL_I64, R},
	{"trigger_type", SL_STR, 0},
	{"triggered_by", SL_STR, 0},
	{"start_time", SL_TIME, R | D},
	{"end_time", SL_TIME, 0},
	{"duration_ms", SL_I64, 0},
	{"status", SL_STR, R},
	{"agent_ids", SL_STR, 0},
	{"branch", SL_STR, 0},
	{"attempt", SL_I64, 0},
	{"superseded", SL_BOOL, 0},
	{"metadata", SL_STR, 0},
};

static const struct sl_column stage_runs_cols[] = {
	{"pipeline_id", SL_STR, R},
	{"execution_number", SL_I64, R},
	{"stage_id", SL_STR, R},
	{"stage_name", SL_STR, 0},
	{"stage_type", SL_STR, 0},
	{"environment", SL_STR, 0},
	{"depends_on", SL_STR, 0},
	{"parallel", SL_BOOL, 0},
	{"timeout_s", SL_I64, 0},
	{"attempt", SL_I64, 0},
	{"status", SL_STR, R},
	{"start_time", SL_TIME, R | D},
	{"end_time", SL_TIME, 0},
	{"duration_ms", SL_I64, 0},
	{"source_id", SL_STR, 0},
	{"superseded", SL_BOOL, 0},
	{"metadata", SL_STR, 0},
};

static const struct sl_column gate_results_cols[] = {
	{"pipeline_id", SL_STR, R},
	{"execution_number", SL_I64, R},
	{"stage_id", SL_STR, 0},
	{"gate_name", SL_STR, R},
	{"gate_type", SL_STR, 0},
	{"metric", SL_STR, 0},
	{"operator", SL_STR, 0},
	{"threshold", SL_F64, 0},
	{"observed", SL_F64, 0},
	{"status", SL_STR, R},
	{"metadata", SL_STR, 0},
};

static const struct sl_column versions_cols[] = {
	{"agent_id", SL_STR, R},
	{"version", SL_STR, R},
	{"deployed_at", SL_TIME, R | D},
	{"deployed_by", SL_STR, 0},
	{"environment", SL_STR, 0},
	{"status", SL_STR, 0},
	{"git_commit", SL_STR, 0},
	{"git_branch", SL_STR, 0},
	{"git_tag", SL_STR, 0},
	{"build_number", SL_STR, 0},
	{"api_versions", SL_STR, 0},
	{"breaking_changes", SL_STR, 0},
	{"migration_required", SL_BOOL, 0},
	{"backward_compatible", SL_BOOL, 0},
	{"lifetime_hours", SL_F64, 0},
	{"incident_count", SL_I64, 0},
	{"performance_score", SL_F64, 0},
	{"adoption_rate", SL_F64, 0},
	{"metadata", SL_STR, 0},
};

static const struct sl_column incidents_cols[] = {
	{"incident_id", SL_STR, R},
	{"agent_id", SL_STR, 0},
	{"environment", SL_STR, 0},
	{"created_at", SL_TIME, R | D},
	{"resolved_at", SL_TIME, 0},
	{"severity", SL_STR, 0},
	{"deployment_id", SL_STR, 0},
	{"metadata", SL_STR, 0},
};

static const struct sl_column metric_samples_cols[] = {
	{"deployment_id", SL_STR, R},
	{"timestamp", SL_TIME, R | D},
	{"cohort", SL_STR, 0},
	{"error_rate", SL_F64, 0},
	{"latency_p50_ms", SL_F64, 0},
	{"latency_p95_ms", SL_F64, 0},
	{"throughput_rps", SL_F64, 0},
	{"health_check_failures", SL_I64, 0},
	{"metadata", SL_STR, 0},
};

#undef R
#undef D

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define KIND(nm, cols) nm, cols, N(cols)

static const struct sl_kind_def kinds[SL_KIND_COUNT] = {
	{KIND("deployments", deployments_cols), 6, 32, SL_KIND_NONE, 0, {0}, {0}},
	{KIND("checkpoints", checkpoints_cols), 4, 6, SL_KIND_NONE, 0, {0}, {0}},
	{KIND("artifacts", artifacts_cols), -1, 11, SL_KIND_DEPLOYMENTS, 1,
	 {"deployment_id"}, {"deployment_id"}},
	{KIND("validations", validations_cols), 5, 10, SL_KIND_NONE, 0, {0}, {0}},
	{KIND("pipeline_runs", pipeline_runs_cols), 5, 13, SL_KIND_NONE, 0, {0}, {0}},
	{KIND("stage_runs", stage_runs_cols), 11, 16, SL_KIND_NONE, 0, {0}, {0}},
	{KIND("gate_results", gate_results_cols), -1, 10, SL_KIND_PIPELINE_RUNS, 2,
	 {"pipeline_id", "execution_number"}, {"pipeline_id", "execution_number"}},
	{KIND("versions", versions_cols), 2, 18, SL_KIND_NONE, 0, {0}, {0}},
	{KIND("incidents", incidents_cols), 3, 7, SL_KIND_NONE, 0, {0}, {0}},
	{KIND("metric_samples", metric_samples_cols), 1, 8, SL_KIND_NONE, 0, {0}, {0}},
};

const struct sl_kind_def *sl_kind_def(enum sl_kind kind)
{
	if ((int)kind < 0 || kind >= SL_KIND_COUNT)
		return NULL;
	return &kinds[kind];
}

const char *sl_kind_name(enum sl_kind kind)
{
	const struct sl_kind_def *k = sl_kind_def(kind);

	return k ? k->name : "unknown";
}

enum sl_kind sl_kind_from_name(const char *name)
{
	for (int k = 0; k < SL_KIND_COUNT; k++)
		if (!strcmp(kinds[k].name, name))
			return (enum sl_kind)k;
	return SL_KIND_NONE;
}

int sl_kind_col(enum sl_kind kind, const char *name)
{
	const struct sl_kind_def *k = sl_kind_def(kind);

	if (!k)
		return -1;
	for (int i = 0; i < k->ncols; i++)
		if (!strcmp(k->cols[i].name, name))
			return i;
	return -1;
}

static const char *const type_names[] = {"str", "i64", "f64", "bool", "time"};

const char *sl_type_name(enum sl_type t)
{
	return (unsigned)t < 5 ? type_names[t] : "unknown";
}

int sl_type_from_name(const char *name)
{
	for (int i = 0; i < 5; i++)
		if (!strcmp(type_names[i], name))
			return i;
	return -1;
}

static int has_name(const char *const *names, size_t n, const char *want)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], want))
			return 1;
	return 0;
}

enum sl_kind sl_kind_detect(const char *const *names, size_t n)
{
	enum sl_kind best = SL_KIND_NONE;
	int best_score = 0, tie = 0;

	for (int k = 0; k < SL_KIND_COUNT; k++) {
		int score = 0, ok = 1;

		for (int c = 0; c < kinds[k].ncols; c++) {
			int present = has_name(names, n, kinds[k].cols[c].name);

			if (!present && (kinds[k].cols[c].flags & SL_COL_REQUIRED))
				ok = 0;
			score += present;
		}
		if (!ok)
			continue;
		if (score > best_score) {
			best = (enum sl_kind)k;
			best_score = score;
			tie = 0;
		} else if (score == best_score) {
			tie = 1;
		}
	}
	return tie ? SL_KIND_NONE : best;
}

static int in_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return 1;
	return 0;
}

/* in the order of enum sl_phase */
static const char *const all_phases[] = {"pending", "in_progress", "rolling_out",
					 "validating", "completed", "failed",
					 "rolled_back", "partial", NULL};
/* in the order of enum sl_ci_status */
static const char *const ci_statuses[] = {"success", "failed", "cancelled", "skipped",
					  "running", "pending", NULL};

int sl_phase_is_known(const char *s) { return sl_phase_of(s, strlen(s)) != SL_PHASE_OTHER; }
int sl_phase_is_terminal(const char *s) { return sl_phase_finished(sl_phase_of(s, strlen(s))); }

enum sl_phase sl_phase_of(const char *s, size_t n)
{
	if (!s)
		return SL_PHASE_OTHER;
	for (int k = 0; k < SL_PHASE_OTHER; k++)
		if (strlen(all_phases[k]) == n && !memcmp(s, all_phases[k], n))
			return (enum sl_phase)k;
	return SL_PHASE_OTHER;
}

const char *sl_phase_name(enum sl_phase p)
{
	return p >= SL_PHASE_PENDING && p < SL_PHASE_OTHER ? all_phases[p] : "other";
}
int sl_ci_status_is_known(const char *s) { return in_set(s, ci_statuses); }

enum sl_ci_status sl_ci_status_of(const char *s, size_t n)
{
	if (!s)
		return SL_CI_OTHER;
	for (int k = 0; k < SL_CI_OTHER; k++)
		if (strlen(ci_statuses[k]) == n && !memcmp(s, ci_statuses[k], n))
			return (enum sl_ci_status)k;
	return SL_CI_OTHER;
}
