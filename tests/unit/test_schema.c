/* Unit tests for sl_schema: the record kinds, their columns and detection. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_schema.h"

/* The column lists of docs/FORMAT.md, in its order (metadata is added to
 * every kind by the schema). */
static const char *const spec_cols[SL_KIND_COUNT][40] = {
	[SL_KIND_DEPLOYMENTS] = {"deployment_id", "agent_id", "version", "environment", "phase",
		"health", "start_time", "end_time", "duration_ms", "rollout_strategy",
		"canary_percentage", "max_surge", "max_unavailable", "target_instances",
		"deployed_instances", "healthy_instances", "failed_instances",
		"rollback_triggered", "rollback_reason", "deployment_method", "cpu_change",
		"memory_change", "latency_change", "throughput_change", "error_rate_change",
		"resource_efficiency", "cost_impact", "git_commit", "commit_time", "deployed_by",
		"target_group", "updated_at", "metadata", NULL},
	[SL_KIND_CHECKPOINTS] = {"deployment_id", "checkpoint_name", "checkpoint_type",
		"status", "timestamp", "duration_ms", NULL},
	[SL_KIND_ARTIFACTS] = {"deployment_id", "artifact_type", "artifact_name", "version",
		"size_bytes", "checksum", "registry", "build_id", "dependencies", "scan_status",
		"critical_vulns", NULL},
	[SL_KIND_VALIDATIONS] = {"deployment_id", "type", "name", "status", "duration_ms",
		"timestamp", "tests_run", "tests_passed", "tests_failed", "coverage", NULL},
	[SL_KIND_PIPELINE_RUNS] = {"pipeline_id", "pipeline_name", "execution_number",
		"trigger_type", "triggered_by", "start_time", "end_time", "duration_ms", "status",
		"agent_ids",
		/* added: the branch a run built, where the provider says it
		 * (docs/ADAPTERS.md) */
		"branch",
		/* added: the attempt decides which row of a run counts, and a
		 * superseded attempt stays flagged (docs/INGEST.md) */
		"attempt", "superseded", NULL},
	[SL_KIND_STAGE_RUNS] = {"pipeline_id", "execution_number", "stage_id", "stage_name",
		"stage_type", "environment", "depends_on", "parallel", "timeout_s", "attempt",
		"status", "start_time", "end_time", "duration_ms",
		/* added: the provider's id of a stage run named by its stage */
		"source_id", "superseded", NULL},
	[SL_KIND_GATE_RESULTS] = {"pipeline_id", "execution_number", "stage_id", "gate_name",
		"gate_type", "metric", "operator", "threshold", "observed", "status", NULL},
	[SL_KIND_VERSIONS] = {"agent_id", "version", "deployed_at", "deployed_by",
		"environment", "status", "git_commit", "git_branch", "git_tag", "build_number",
		"api_versions", "breaking_changes", "migration_required", "backward_compatible",
		"lifetime_hours", "incident_count", "performance_score", "adoption_rate", NULL},
	[SL_KIND_INCIDENTS] = {"incident_id", "agent_id", "environment", "created_at",
		"resolved_at", "severity", "deployment_id", NULL},
	[SL_KIND_METRIC_SAMPLES] = {"deployment_id", "timestamp", "cohort", "error_rate",
		"latency_p50_ms", "latency_p95_ms", "throughput_rps", "health_check_failures",
		NULL},
};

static const char *const kind_names[SL_KIND_COUNT] = {
	"deployments", "checkpoints", "artifacts", "validations", "pipeline_runs",
	"stage_runs", "gate_results", "versions", "incidents", "metric_samples",
};

/* docs/FORMAT.md names the required columns of these two kinds exactly. */
static const char *const required_deployments[] = {"deployment_id", "agent_id",
						    "environment", "phase", "start_time", NULL};
static const char *const required_stage_runs[] = {"pipeline_id", "execution_number",
						  "stage_id", "status", "start_time", NULL};

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int name_in(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return 1;
	return 0;
}

START_TEST(names_round_trip)
{
	for (int k = 0; k < SL_KIND_COUNT; k++) {
		ck_assert_str_eq(sl_kind_name((enum sl_kind)k), kind_names[k]);
		ck_assert_int_eq(sl_kind_from_name(kind_names[k]), k);
		ck_assert_ptr_eq(sl_kind_def((enum sl_kind)k)->name, sl_kind_name((enum sl_kind)k));
	}
	ck_assert_int_eq(sl_kind_from_name("deployment"), SL_KIND_NONE);
	ck_assert_int_eq(sl_kind_from_name(""), SL_KIND_NONE);
	ck_assert_int_eq(sl_kind_from_name("Deployments"), SL_KIND_NONE);
	ck_assert_ptr_null(sl_kind_def(SL_KIND_NONE));
	ck_assert_ptr_null(sl_kind_def(SL_KIND_COUNT));
	ck_assert_str_eq(sl_kind_name(SL_KIND_NONE), "unknown");

	ck_assert_str_eq(sl_type_name(SL_STR), "str");
	ck_assert_str_eq(sl_type_name(SL_I64), "i64");
	ck_assert_str_eq(sl_type_name(SL_F64), "f64");
	ck_assert_str_eq(sl_type_name(SL_BOOL), "bool");
	ck_assert_str_eq(sl_type_name(SL_TIME), "time");
	for (int t = 0; t < 5; t++)
		ck_assert_int_eq(sl_type_from_name(sl_type_name((enum sl_type)t)), t);
	ck_assert_int_eq(sl_type_from_name("int"), -1);
	ck_assert_int_eq(sl_type_from_name(""), -1);
	ck_assert_str_eq(sl_type_name((enum sl_type)5), "unknown");
}
END_TEST

/* Every column the spec lists exists, in the spec's order, and the only
 * other column is metadata, last. */
START_TEST(columns_match_spec)
{
	int k = _i;
	const struct sl_kind_def *kd = sl_kind_def((enum sl_kind)k);
	int n = 0;

	while (spec_cols[k][n])
		n++;
	if (strcmp(spec_cols[k][n - 1], "metadata"))
		n++; /* the schema adds metadata */
	ck_assert_int_eq(kd->ncols, n);
	for (int c = 0; spec_cols[k][c]; c++) {
		ck_assert_msg(!strcmp(kd->cols[c].name, spec_cols[k][c]),
			      "%s column %d is %s, spec says %s", kd->name, c, kd->cols[c].name,
			      spec_cols[k][c]);
		ck_assert_int_eq(sl_kind_col((enum sl_kind)k, spec_cols[k][c]), c);
	}
	for (int c = 0; c < kd->ncols; c++) {
		ck_assert_ptr_nonnull(kd->cols[c].name);
		ck_assert_int_ge(kd->cols[c].type, SL_STR);
		ck_assert_int_le(kd->cols[c].type, SL_TIME);
		for (int d = 0; d < c; d++)
			ck_assert_str_ne(kd->cols[c].name, kd->cols[d].name);
	}
	ck_assert_int_eq(sl_kind_col((enum sl_kind)k, "no_such_column"), -1);
	ck_assert_int_eq(sl_kind_col(SL_KIND_NONE, "metadata"), -1);
}
END_TEST

START_TEST(day_and_meta_columns)
{
	int k = _i;
	const struct sl_kind_def *kd = sl_kind_def((enum sl_kind)k);
	int ndaykey = 0, daykey = -1;

	for (int c = 0; c < kd->ncols; c++)
		if (kd->cols[c].flags & SL_COL_DAYKEY) {
			ndaykey++;
			daykey = c;
		}
	ck_assert_int_le(ndaykey, 1);
	ck_assert_int_eq(kd->day_col, daykey);
	/* no day of its own exactly when the kind borrows its parent's */
	ck_assert_int_eq(kd->day_col < 0, kd->parent != SL_KIND_NONE);
	if (kd->day_col >= 0) {
		ck_assert_int_eq(kd->cols[kd->day_col].type, SL_TIME);
		ck_assert(kd->cols[kd->day_col].flags & SL_COL_REQUIRED);
	}
	ck_assert_int_eq(kd->meta_col, kd->ncols - 1);
	ck_assert_str_eq(kd->cols[kd->meta_col].name, "metadata");
	ck_assert_int_eq(kd->cols[kd->meta_col].type, SL_STR);
	ck_assert(!(kd->cols[kd->meta_col].flags & SL_COL_REQUIRED));
	ck_assert_int_eq(sl_kind_col((enum sl_kind)k, "metadata"), kd->meta_col);
}
END_TEST

START_TEST(parent_keys_exist)
{
	int k = _i;
	const struct sl_kind_def *kd = sl_kind_def((enum sl_kind)k);
	const struct sl_kind_def *pd;

	if (kd->parent == SL_KIND_NONE) {
		ck_assert_int_eq(kd->nkeys, 0);
		return;
	}
	pd = sl_kind_def(kd->parent);
	ck_assert_ptr_nonnull(pd);
	ck_assert_int_ne(kd->parent, k);
	/* one level: the parent has a day of its own */
	ck_assert_int_eq(pd->parent, SL_KIND_NONE);
	ck_assert_int_ge(pd->day_col, 0);
	ck_assert_int_ge(kd->nkeys, 1);
	ck_assert_int_le(kd->nkeys, 2);
	for (int i = 0; i < kd->nkeys; i++) {
		int c = sl_kind_col((enum sl_kind)k, kd->key_cols[i]);
		int pc = sl_kind_col(kd->parent, kd->parent_cols[i]);

		ck_assert_msg(c >= 0, "%s has no key column %s", kd->name, kd->key_cols[i]);
		ck_assert_msg(pc >= 0, "%s has no column %s", pd->name, kd->parent_cols[i]);
		ck_assert_int_eq(kd->cols[c].type, pd->cols[pc].type);
		/* a join key is never missing */
		ck_assert(kd->cols[c].flags & SL_COL_REQUIRED);
		ck_assert(pd->cols[pc].flags & SL_COL_REQUIRED);
	}
}
END_TEST

static void assert_required_exactly(enum sl_kind k, const char *const *want)
{
	const struct sl_kind_def *kd = sl_kind_def(k);
	size_t nwant = 0;
	int nreq = 0;

	while (want[nwant])
		nwant++;
	for (int c = 0; c < kd->ncols; c++)
		if (kd->cols[c].flags & SL_COL_REQUIRED) {
			nreq++;
			ck_assert_msg(name_in(kd->cols[c].name, want, nwant),
				      "%s.%s is required, the spec does not say so", kd->name,
				      kd->cols[c].name);
		}
	ck_assert_int_eq(nreq, (int)nwant);
}

START_TEST(required_columns_as_spec)
{
	assert_required_exactly(SL_KIND_DEPLOYMENTS, required_deployments);
	assert_required_exactly(SL_KIND_STAGE_RUNS, required_stage_runs);
	/* every kind has at least one required column (its identity) */
	for (int k = 0; k < SL_KIND_COUNT; k++) {
		const struct sl_kind_def *kd = sl_kind_def((enum sl_kind)k);
		int nreq = 0;

		for (int c = 0; c < kd->ncols; c++)
			nreq += !!(kd->cols[c].flags & SL_COL_REQUIRED);
		ck_assert_int_ge(nreq, 1);
	}
}
END_TEST

static size_t kind_names_list(enum sl_kind k, const char **out)
{
	const struct sl_kind_def *kd = sl_kind_def(k);

	for (int c = 0; c < kd->ncols; c++)
		out[c] = kd->cols[c].name;
	return (size_t)kd->ncols;
}

static void shuffle(const char **a, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(rng_next() % i);
		const char *t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

START_TEST(detect_full_list)
{
	int k = _i;
	const char *names[64];
	size_t n = kind_names_list((enum sl_kind)k, names);

	ck_assert_int_eq(sl_kind_detect(names, n), k);
	rng_state = 0x5eed0000u + (uint64_t)k;
	shuffle(names, n);
	ck_assert_int_eq(sl_kind_detect(names, n), k);
	/* unknown extra columns (kept in metadata) do not change the answer */
	names[n] = "x_custom_field";
	names[n + 1] = "another";
	ck_assert_int_eq(sl_kind_detect(names, n + 2), k);
}
END_TEST

/* True when every name in set[0..n) is a column of kind j. */
static int subset_of_kind(const char *const *set, size_t n, int j)
{
	for (size_t i = 0; i < n; i++)
		if (sl_kind_col((enum sl_kind)j, set[i]) < 0)
			return 0;
	return 1;
}

/* A shuffled subset of kind k's columns that holds every required column is
 * detected as k, as long as it is not also a subset of another kind's
 * columns (then the choice is genuinely ambiguous).  Fixed seeds. */
START_TEST(detect_subsets)
{
	int k = _i;
	const struct sl_kind_def *kd = sl_kind_def((enum sl_kind)k);

	for (int iter = 0; iter < 200; iter++) {
		const char *set[64];
		size_t n = 0;

		rng_state = 0xd37ec7ull * 1000 + (uint64_t)k * 1000 + (uint64_t)iter;
		for (int c = 0; c < kd->ncols; c++)
			if ((kd->cols[c].flags & SL_COL_REQUIRED) || rng_next() % 3 == 0)
				set[n++] = kd->cols[c].name;
		/* make it unambiguous: add a column the other kind lacks */
		for (int j = 0; j < SL_KIND_COUNT; j++) {
			if (j == k || !subset_of_kind(set, n, j))
				continue;
			for (int c = 0; c < kd->ncols; c++)
				if (sl_kind_col((enum sl_kind)j, kd->cols[c].name) < 0 &&
				    !name_in(kd->cols[c].name, set, n)) {
					set[n++] = kd->cols[c].name;
					break;
				}
			ck_assert(!subset_of_kind(set, n, j));
		}
		shuffle(set, n);
		ck_assert_msg(sl_kind_detect(set, n) == k, "seed %d: %s not detected", iter,
			      kd->name);
	}
}
END_TEST

START_TEST(detect_missing_required)
{
	int k = _i;
	const struct sl_kind_def *kd = sl_kind_def((enum sl_kind)k);

	/* drop each required column in turn: never detected as k */
	for (int drop = 0; drop < kd->ncols; drop++) {
		const char *set[64];
		size_t n = 0;

		if (!(kd->cols[drop].flags & SL_COL_REQUIRED))
			continue;
		for (int c = 0; c < kd->ncols; c++)
			if (c != drop)
				set[n++] = kd->cols[c].name;
		ck_assert_int_ne(sl_kind_detect(set, n), k);
	}
}
END_TEST

START_TEST(detect_garbage_and_ties)
{
	static const char *const garbage[] = {"foo", "bar", "id", "time", "Status"};
	static const char *const with_null[] = {NULL, "foo", NULL};
	/* checkpoints and metric_samples both require exactly these two */
	static const char *const tie[] = {"timestamp", "deployment_id"};
	/* case matters: column names are canonical snake_case */
	static const char *const upper[] = {"INCIDENT_ID", "CREATED_AT"};
	static const char *const incidents_min[] = {"created_at", "incident_id"};

	ck_assert_int_eq(sl_kind_detect(garbage, 5), SL_KIND_NONE);
	ck_assert_int_eq(sl_kind_detect(with_null, 3), SL_KIND_NONE);
	ck_assert_int_eq(sl_kind_detect(NULL, 0), SL_KIND_NONE);
	ck_assert_int_eq(sl_kind_detect(tie, 2), SL_KIND_NONE);
	ck_assert_int_eq(sl_kind_detect(upper, 2), SL_KIND_NONE);
	ck_assert_int_eq(sl_kind_detect(incidents_min, 2), SL_KIND_INCIDENTS);
}
END_TEST

START_TEST(value_domains)
{
	static const char *const active[] = {"pending", "in_progress", "rolling_out",
					     "validating"};
	static const char *const terminal[] = {"completed", "failed", "rolled_back", "partial"};
	static const char *const ci[] = {"success", "failed", "cancelled", "skipped",
					 "running", "pending"};

	for (int i = 0; i < 4; i++) {
		ck_assert(sl_phase_is_known(active[i]));
		ck_assert(!sl_phase_is_terminal(active[i]));
		ck_assert(sl_phase_is_known(terminal[i]));
		ck_assert(sl_phase_is_terminal(terminal[i]));
	}
	for (int i = 0; i < 6; i++)
		ck_assert(sl_ci_status_is_known(ci[i]));
	ck_assert(!sl_phase_is_known("done"));
	ck_assert(!sl_phase_is_known(""));
	ck_assert(!sl_phase_is_terminal("Completed"));
	ck_assert(!sl_ci_status_is_known("canceled"));
	ck_assert(!sl_ci_status_is_known("completed"));
}
END_TEST

/* The codes and the rules built on them: every phase in its class, the
 * rolled-back rule with the flag's three states, CI statuses. */
START_TEST(phase_and_status_codes)
{
	static const char *const phases[] = {"pending", "in_progress", "rolling_out",
					     "validating", "completed", "failed",
					     "rolled_back", "partial"};
	static const char *const ci[] = {"success", "failed", "cancelled", "skipped",
					 "running", "pending"};

	for (int k = 0; k < 8; k++) {
		enum sl_phase p = sl_phase_of(phases[k], strlen(phases[k]));

		ck_assert_int_eq(p, k);
		ck_assert_str_eq(sl_phase_name(p), phases[k]);
		ck_assert_int_eq(sl_phase_active(p), k < 4);
		ck_assert_int_eq(sl_phase_finished(p), k >= 4);
		ck_assert_int_eq(sl_phase_finished(p), sl_phase_is_terminal(phases[k]));
		/* rolled back: the phase, or the flag set (null and 0 do not) */
		ck_assert_int_eq(sl_rolled_back(p, -1), p == SL_PHASE_ROLLED_BACK);
		ck_assert_int_eq(sl_rolled_back(p, 0), p == SL_PHASE_ROLLED_BACK);
		ck_assert(sl_rolled_back(p, 1));
	}
	ck_assert_int_eq(sl_phase_of("complete", 8), SL_PHASE_OTHER);
	ck_assert_int_eq(sl_phase_of("completed", 8), SL_PHASE_OTHER); /* a prefix */
	ck_assert_int_eq(sl_phase_of(NULL, 0), SL_PHASE_OTHER);
	ck_assert(!sl_phase_active(SL_PHASE_OTHER) && !sl_phase_finished(SL_PHASE_OTHER));
	ck_assert_str_eq(sl_phase_name(SL_PHASE_OTHER), "other");
	for (int k = 0; k < 6; k++) {
		enum sl_ci_status st = sl_ci_status_of(ci[k], strlen(ci[k]));

		ck_assert_int_eq(st, k);
		ck_assert_int_eq(sl_ci_finished(st), k < 3);
	}
	ck_assert_int_eq(sl_ci_status_of("canceled", 8), SL_CI_OTHER);
	ck_assert(!sl_ci_finished(SL_CI_OTHER));
}
END_TEST

Suite *suite_schema(void);

Suite *suite_schema(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, names_round_trip);
	tcase_add_loop_test(tc, columns_match_spec, 0, SL_KIND_COUNT);
	tcase_add_loop_test(tc, day_and_meta_columns, 0, SL_KIND_COUNT);
	tcase_add_loop_test(tc, parent_keys_exist, 0, SL_KIND_COUNT);
	tcase_add_test(tc, required_columns_as_spec);
	tcase_add_loop_test(tc, detect_full_list, 0, SL_KIND_COUNT);
	tcase_add_loop_test(tc, detect_subsets, 0, SL_KIND_COUNT);
	tcase_add_loop_test(tc, detect_missing_required, 0, SL_KIND_COUNT);
	tcase_add_test(tc, detect_garbage_and_ties);
	tcase_add_test(tc, value_domains);
	tcase_add_test(tc, phase_and_status_codes);
	suite_add_tcase(s, tc);
	return s;
}
