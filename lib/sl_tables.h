/* sl_tables.h - every result table shiplog-analyze writes, declared once.
 *
 * A table is its name and its columns in order, each with a type, a unit
 * ("ms", "h", "fraction" for a share 0..1, "count", "0-100" for a score,
 * "probability", "/week", or "" when none fits: text, times, flags) and a
 * one-line description in the words of the report.  The analyses build
 * their tables from these declarations only (sl_table_new_def), name
 * columns by the constants below (SL_DORA_VALUE: a misspelt column does
 * not compile), and the reader (sl_anread.h) refuses a file whose table of
 * a declared name has other columns, so the report may index a declared
 * table's columns by the same constants.
 *
 * The declarations are X-macros: SL_<TABLE>_COLS(C) calls
 * C(TABLE, COLUMN, "name", TYPE, "unit", "description") per column, where
 * TYPE is the tail of an enum sl_rtype (STR, I64, F64, BOOL, TIME, DAY);
 * SL_TABLES(T) calls T(TABLE, "name") per table.  They give enum sl_tid
 * (SL_T_DORA ...) and, per table, an enum of column indices
 * (SL_DORA_METRIC ...) ending in SL_<TABLE>_NCOLS.
 *
 * Changing a declared table's columns changes the analysis file: a reader
 * of another shiplog then refuses the file (docs/FORMAT.md), by design; a
 * new table is read by an older one as a table it does not know.  The
 * tables a query prints (gate_evaluation, pipeline_optimization,
 * prediction, version_compatibility, promotion_readiness) are declared
 * here too; they never reach the file. */
#ifndef SL_TABLES_H
#define SL_TABLES_H

#include "sl_err.h"
#include "sl_result.h"

/* Three backtests share one shape: a metric and its value. */
#define SL_BACKTEST_COLS_(C, T) \
	C(T, METRIC, "metric", STR, "", "the measure of the backtest") \
	C(T, VALUE, "value", F64, "", "its value")

#define SL_SUCCESS_RATES_COLS(C) \
	C(SUCCESS_RATES, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(SUCCESS_RATES, ENVIRONMENT, "environment", STR, "", "the environment") \
	C(SUCCESS_RATES, DEPLOYMENT_DATE, "deployment_date", DAY, "", "the day of the start, in the time zone") \
	C(SUCCESS_RATES, TOTAL_DEPLOYMENTS, "total_deployments", I64, "count", "deployments, whatever their phase") \
	C(SUCCESS_RATES, SUCCESSFUL_DEPLOYMENTS, "successful_deployments", I64, "count", "deployments that completed") \
	C(SUCCESS_RATES, FAILED_DEPLOYMENTS, "failed_deployments", I64, "count", "deployments that failed") \
	C(SUCCESS_RATES, ROLLBACK_COUNT, "rollback_count", I64, "count", "deployments that triggered a rollback") \
	C(SUCCESS_RATES, AVG_DURATION_MS, "avg_duration_ms", F64, "ms", "mean duration of those with one") \
	C(SUCCESS_RATES, AVG_DEPLOYMENT_COVERAGE, "avg_deployment_coverage", F64, "fraction", "mean deployed / target instances")

/* One summary: the window's deployments by environment and overall; the
 * organisation's (every agent) beside a team's in org_summary. */
#define SL_SUMMARY_COLS_(C, T) \
	C(T, SCOPE, "scope", STR, "", "environment: one environment; overall: all of them") \
	C(T, ENVIRONMENT, "environment", STR, "", "the environment") \
	C(T, TOTAL_DEPLOYMENTS, "total_deployments", I64, "count", "deployments, whatever their phase") \
	C(T, ACTIVE_DEPLOYMENTS, "active_deployments", I64, "count", "deployments still in an active phase") \
	C(T, FINISHED_DEPLOYMENTS, "finished_deployments", I64, "count", "deployments in a terminal phase") \
	C(T, SUCCESSFUL_DEPLOYMENTS, "successful_deployments", I64, "count", "deployments that completed") \
	C(T, FAILED_DEPLOYMENTS, "failed_deployments", I64, "count", "deployments that failed") \
	C(T, ROLLED_BACK_DEPLOYMENTS, "rolled_back_deployments", I64, "count", "deployments rolled back") \
	C(T, SUCCESS_RATE, "success_rate", F64, "fraction", "completed / finished") \
	C(T, ROLLBACK_RATE, "rollback_rate", F64, "fraction", "rolled back / finished") \
	C(T, AVG_DURATION_MS, "avg_duration_ms", F64, "ms", "mean duration of those with one") \
	C(T, PREV_TOTAL_DEPLOYMENTS, "prev_total_deployments", I64, "count", "deployments of the previous window") \
	C(T, PREV_SUCCESS_RATE, "prev_success_rate", F64, "fraction", "success rate of the previous window") \
	C(T, SUCCESS_RATE_CHANGE, "success_rate_change", F64, "fraction", "success rate minus the previous one")

#define SL_SUMMARY_COLS(C) SL_SUMMARY_COLS_(C, SUMMARY)
#define SL_ORG_SUMMARY_COLS(C) SL_SUMMARY_COLS_(C, ORG_SUMMARY)

#define SL_SUCCESS_CHANGE_COLS(C) \
	C(SUCCESS_CHANGE, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(SUCCESS_CHANGE, DEPLOYMENTS, "deployments", I64, "count", "finished deployments in the window") \
	C(SUCCESS_CHANGE, SUCCESS_RATE, "success_rate", F64, "fraction", "completed / finished in the window") \
	C(SUCCESS_CHANGE, PREV_DEPLOYMENTS, "prev_deployments", I64, "count", "finished deployments in the previous window") \
	C(SUCCESS_CHANGE, PREV_SUCCESS_RATE, "prev_success_rate", F64, "fraction", "completed / finished in the previous window") \
	C(SUCCESS_CHANGE, CHANGE_PP, "change_pp", F64, "", "success rate minus the previous one, in percentage points")

/* The four DORA keys of the window; the organisation's beside a team's
 * in org_dora. */
#define SL_DORA_COLS_(C, T) \
	C(T, METRIC, "metric", STR, "", "the DORA key") \
	C(T, VALUE, "value", F64, "", "the measured value, in unit") \
	C(T, UNIT, "unit", STR, "", "the unit of value") \
	C(T, TIER, "tier", STR, "", "DORA tier: elite, high, medium or low") \
	C(T, SAMPLES, "samples", I64, "count", "observations behind the value")

#define SL_DORA_COLS(C) SL_DORA_COLS_(C, DORA)
#define SL_ORG_DORA_COLS(C) SL_DORA_COLS_(C, ORG_DORA)

/* The four keys with their tiers, as dora defines them, for a set of
 * production deployments (one agent's, one week's). */
#define SL_DORA_KEYS_COLS_(C, T) \
	C(T, DEPLOYMENTS, "deployments", I64, "count", "finished production deployments") \
	C(T, DEPLOYMENT_FREQUENCY, "deployment_frequency", F64, "/week", "completed deployments a week") \
	C(T, FREQUENCY_TIER, "frequency_tier", STR, "", "DORA tier of the frequency") \
	C(T, LEAD_TIME_MS, "lead_time_ms", F64, "ms", "lower median of commit to end of the completed") \
	C(T, LEAD_TIME_TIER, "lead_time_tier", STR, "", "DORA tier of the lead time") \
	C(T, CHANGE_FAILURE_RATE, "change_failure_rate", F64, "fraction", "failed, rolled back or named by an incident, over finished") \
	C(T, CHANGE_FAILURE_TIER, "change_failure_tier", STR, "", "DORA tier of the change failure rate") \
	C(T, RECOVERY_TIME_MS, "recovery_time_ms", F64, "ms", "lower median time to recover from a failure") \
	C(T, RECOVERY_TIER, "recovery_tier", STR, "", "DORA tier of the recovery time") \
	C(T, UNRECOVERED_FAILURES, "unrecovered_failures", I64, "count", "failures not recovered within the window")

#define SL_DORA_AGENTS_COLS(C) \
	C(DORA_AGENTS, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	SL_DORA_KEYS_COLS_(C, DORA_AGENTS)

#define SL_DORA_WEEKLY_COLS(C) \
	C(DORA_WEEKLY, WEEK_START, "week_start", DAY, "", "the Monday the ISO week starts on, UTC") \
	C(DORA_WEEKLY, PARTIAL, "partial", BOOL, "", "the window covers only part of the week") \
	C(DORA_WEEKLY, WEEKS, "weeks", F64, "", "the share of the week inside the window") \
	SL_DORA_KEYS_COLS_(C, DORA_WEEKLY)

#define SL_HEALTH_SCORES_COLS(C) \
	C(HEALTH_SCORES, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(HEALTH_SCORES, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(HEALTH_SCORES, ENVIRONMENT, "environment", STR, "", "the environment") \
	C(HEALTH_SCORES, START_TIME, "start_time", TIME, "", "when it started") \
	C(HEALTH_SCORES, PHASE, "phase", STR, "", "its phase") \
	C(HEALTH_SCORES, SUCCESS, "success", F64, "fraction", "healthy share of the target instances") \
	C(HEALTH_SCORES, NO_ROLLBACK, "no_rollback", F64, "fraction", "0 when rolled back, else 1") \
	C(HEALTH_SCORES, VALIDATION, "validation", F64, "fraction", "share of its validations that passed") \
	C(HEALTH_SCORES, PERFORMANCE, "performance", F64, "fraction", "performance impact score, 1 is no harm") \
	C(HEALTH_SCORES, SPEED, "speed", F64, "fraction", "typical duration / this duration, at most 1") \
	C(HEALTH_SCORES, HEALTH_SCORE, "health_score", F64, "0-100", "weighted sum of the five components")

#define SL_STRATEGIES_COLS(C) \
	C(STRATEGIES, SCOPE, "scope", STR, "", "environment: one environment; overall: all of them") \
	C(STRATEGIES, ENVIRONMENT, "environment", STR, "", "the environment") \
	C(STRATEGIES, STRATEGY, "strategy", STR, "", "the rollout strategy") \
	C(STRATEGIES, DEPLOYMENTS, "deployments", I64, "count", "deployments") \
	C(STRATEGIES, FINISHED, "finished", I64, "count", "deployments finished") \
	C(STRATEGIES, SUCCESS_RATE, "success_rate", F64, "fraction", "completed / finished") \
	C(STRATEGIES, AVG_DURATION_MS, "avg_duration_ms", F64, "ms", "mean duration of those with one") \
	C(STRATEGIES, P95_DURATION_MS, "p95_duration_ms", F64, "ms", "95th percentile duration") \
	C(STRATEGIES, ROLLBACK_RATE, "rollback_rate", F64, "fraction", "rolled back / finished") \
	C(STRATEGIES, AVG_LATENCY_CHANGE, "avg_latency_change", F64, "fraction", "mean latency change") \
	C(STRATEGIES, AVG_ERROR_RATE_CHANGE, "avg_error_rate_change", F64, "fraction", "mean error rate change") \
	C(STRATEGIES, AVG_CPU_CHANGE, "avg_cpu_change", F64, "fraction", "mean CPU change") \
	C(STRATEGIES, AVG_MEMORY_CHANGE, "avg_memory_change", F64, "fraction", "mean memory change") \
	C(STRATEGIES, PERFORMANCE, "performance", F64, "fraction", "mean performance component") \
	C(STRATEGIES, RECOMMENDATION_SCORE, "recommendation_score", F64, "0-100", "how strongly the strategy is recommended")

#define SL_ALERTS_COLS(C) \
	C(ALERTS, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(ALERTS, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(ALERTS, ENVIRONMENT, "environment", STR, "", "the environment") \
	C(ALERTS, START_TIME, "start_time", TIME, "", "when the deployment started") \
	C(ALERTS, TYPE, "type", STR, "", "the alert type") \
	C(ALERTS, SEVERITY, "severity", STR, "", "warning or critical") \
	C(ALERTS, MESSAGE, "message", STR, "", "what happened, in words") \
	C(ALERTS, CONFIRMED, "confirmed", BOOL, "", "later rolled back or named by an incident")

#define SL_ALERT_GROUPS_COLS(C) \
	C(ALERT_GROUPS, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(ALERT_GROUPS, ENVIRONMENT, "environment", STR, "", "the environment") \
	C(ALERT_GROUPS, TYPE, "type", STR, "", "the alert type") \
	C(ALERT_GROUPS, SEVERITY, "severity", STR, "", "warning or critical") \
	C(ALERT_GROUPS, ALERTS, "alerts", I64, "count", "alerts of this agent, environment and type") \
	C(ALERT_GROUPS, FIRST, "first", TIME, "", "start of the first alerted deployment") \
	C(ALERT_GROUPS, LAST, "last", TIME, "", "start of the last alerted deployment")

#define SL_ALERT_PRECISION_COLS(C) \
	C(ALERT_PRECISION, TYPE, "type", STR, "", "the alert type, or all") \
	C(ALERT_PRECISION, SEVERITY, "severity", STR, "", "warning or critical") \
	C(ALERT_PRECISION, ALERTS, "alerts", I64, "count", "alerts raised") \
	C(ALERT_PRECISION, CONFIRMED, "confirmed", I64, "count", "alerts confirmed") \
	C(ALERT_PRECISION, PRECISION, "precision", F64, "fraction", "confirmed / alerts") \
	C(ALERT_PRECISION, FALSE_POSITIVE_RATE, "false_positive_rate", F64, "fraction", "1 - precision") \
	C(ALERT_PRECISION, BASE_RATE, "base_rate", F64, "fraction", "confirmed share of all finished deployments") \
	C(ALERT_PRECISION, LIFT, "lift", F64, "", "precision / base rate: 1 is no better than chance")

#define SL_ROLLBACK_DECISIONS_COLS(C) \
	C(ROLLBACK_DECISIONS, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(ROLLBACK_DECISIONS, START_TIME, "start_time", TIME, "", "when it started") \
	C(ROLLBACK_DECISIONS, SAMPLES, "samples", I64, "count", "samples of the rollout cohort") \
	C(ROLLBACK_DECISIONS, ERROR_RATE, "error_rate", F64, "fraction", "mean error rate of the rollout cohort") \
	C(ROLLBACK_DECISIONS, LATENCY_INCREASE, "latency_increase", F64, "fraction", "p95 latency over the baseline, minus 1") \
	C(ROLLBACK_DECISIONS, HEALTH_CHECK_FAILURES, "health_check_failures", F64, "count", "most health check failures in a sample") \
	C(ROLLBACK_DECISIONS, SHOULD_ROLLBACK, "should_rollback", BOOL, "", "the rule says roll back") \
	C(ROLLBACK_DECISIONS, REASONS, "reasons", STR, "", "why, ;-separated") \
	C(ROLLBACK_DECISIONS, CONFIDENCE, "confidence", F64, "fraction", "share of the votes that agree") \
	C(ROLLBACK_DECISIONS, RECOMMENDED_ACTION, "recommended_action", STR, "", "auto_rollback or continue_monitoring") \
	C(ROLLBACK_DECISIONS, ROLLED_BACK, "rolled_back", BOOL, "", "it was actually rolled back")

#define SL_CANARY_METRICS_COLS(C) \
	C(CANARY_METRICS, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(CANARY_METRICS, METRIC, "metric", STR, "", "the metric compared") \
	C(CANARY_METRICS, CANARY_N, "canary_n", I64, "count", "canary samples") \
	C(CANARY_METRICS, BASELINE_N, "baseline_n", I64, "count", "baseline samples") \
	C(CANARY_METRICS, CANARY_MEDIAN, "canary_median", F64, "", "median of the canary samples") \
	C(CANARY_METRICS, BASELINE_MEDIAN, "baseline_median", F64, "", "median of the baseline samples") \
	C(CANARY_METRICS, U, "u", F64, "", "Mann-Whitney U of the canary") \
	C(CANARY_METRICS, P_VALUE, "p_value", F64, "probability", "two-sided p-value") \
	C(CANARY_METRICS, CLASSIFICATION, "classification", STR, "", "High, Low or Pass") \
	C(CANARY_METRICS, PASSED, "passed", BOOL, "", "the metric did not move the bad way")

#define SL_CANARY_JUDGEMENTS_COLS(C) \
	C(CANARY_JUDGEMENTS, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(CANARY_JUDGEMENTS, START_TIME, "start_time", TIME, "", "when it started") \
	C(CANARY_JUDGEMENTS, METRICS, "metrics", I64, "count", "metrics judged") \
	C(CANARY_JUDGEMENTS, PASSED, "passed", I64, "count", "metrics that passed") \
	C(CANARY_JUDGEMENTS, SCORE, "score", F64, "0-100", "passed / judged metrics") \
	C(CANARY_JUDGEMENTS, RESULT, "result", STR, "", "pass, marginal or fail") \
	C(CANARY_JUDGEMENTS, ROLLED_BACK, "rolled_back", BOOL, "", "it was actually rolled back")

#define SL_PREDICTIONS_COLS(C) \
	C(PREDICTIONS, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(PREDICTIONS, ACTUAL_DURATION_MS, "actual_duration_ms", I64, "ms", "the actual duration") \
	C(PREDICTIONS, PREDICTED_DURATION_MS, "predicted_duration_ms", F64, "ms", "the predicted duration") \
	C(PREDICTIONS, LOWER_90_MS, "lower_90_ms", F64, "ms", "lower end of the 90% prediction interval") \
	C(PREDICTIONS, UPPER_90_MS, "upper_90_ms", F64, "ms", "upper end of the 90% prediction interval")

#define SL_DURATION_MODEL_COLS(C) \
	C(DURATION_MODEL, TERM, "term", STR, "", "the model term") \
	C(DURATION_MODEL, COEFFICIENT, "coefficient", F64, "", "fitted coefficient") \
	C(DURATION_MODEL, STD_ERROR, "std_error", F64, "", "standard error of the coefficient") \
	C(DURATION_MODEL, DROPPED, "dropped", BOOL, "", "left out of the fit") \
	C(DURATION_MODEL, WHY, "why", STR, "", "why it was left out")

#define SL_DURATION_BACKTEST_COLS(C) SL_BACKTEST_COLS_(C, DURATION_BACKTEST)

#define SL_SUCCESS_BACKTEST_COLS(C) SL_BACKTEST_COLS_(C, SUCCESS_BACKTEST)

#define SL_ROLLBACK_CAUSES_COLS(C) \
	C(ROLLBACK_CAUSES, CAUSE, "cause", STR, "", "the rollback cause") \
	C(ROLLBACK_CAUSES, CATEGORY, "category", STR, "", "the kind of cause") \
	C(ROLLBACK_CAUSES, ROLLBACKS, "rollbacks", I64, "count", "rollbacks with this cause") \
	C(ROLLBACK_CAUSES, SHARE, "share", F64, "fraction", "share of all rollbacks") \
	C(ROLLBACK_CAUSES, AGENTS, "agents", I64, "count", "distinct agents") \
	C(ROLLBACK_CAUSES, ENVIRONMENTS, "environments", I64, "count", "distinct environments") \
	C(ROLLBACK_CAUSES, MEDIAN_TIME_TO_ROLLBACK_MS, "median_time_to_rollback_ms", I64, "ms", "median time from start to rollback") \
	C(ROLLBACK_CAUSES, AVG_INSTANCES_AFFECTED, "avg_instances_affected", F64, "count", "mean instances affected") \
	C(ROLLBACK_CAUSES, MEDIAN_RECOVERY_MS, "median_recovery_ms", I64, "ms", "median time to recover") \
	C(ROLLBACK_CAUSES, UNRECOVERED, "unrecovered", I64, "count", "rollbacks never recovered") \
	C(ROLLBACK_CAUSES, PREVENTION, "prevention", STR, "", "how to prevent it") \
	C(ROLLBACK_CAUSES, EXAMPLE, "example", STR, "", "one deployment it happened to")

#define SL_ROLLBACK_RISK_COLS(C) \
	C(ROLLBACK_RISK, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(ROLLBACK_RISK, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(ROLLBACK_RISK, ENVIRONMENT, "environment", STR, "", "the environment") \
	C(ROLLBACK_RISK, START_TIME, "start_time", TIME, "", "when it started") \
	C(ROLLBACK_RISK, ROLLOUT_STRATEGY, "rollout_strategy", STR, "", "the rollout strategy") \
	C(ROLLBACK_RISK, RISK_SCORE, "risk_score", F64, "0-100", "rollback risk") \
	C(ROLLBACK_RISK, RISK_LEVEL, "risk_level", STR, "", "low, medium, high or critical") \
	C(ROLLBACK_RISK, RISK_FACTORS, "risk_factors", STR, "", "what raises the risk, ;-separated") \
	C(ROLLBACK_RISK, MITIGATIONS, "mitigations", STR, "", "what would lower it, ;-separated") \
	C(ROLLBACK_RISK, RECOMMENDED_VALIDATION, "recommended_validation", STR, "", "the validation to run") \
	C(ROLLBACK_RISK, ROLLED_BACK, "rolled_back", BOOL, "", "it was actually rolled back")

#define SL_ROLLBACK_RISK_BACKTEST_COLS(C) \
	SL_BACKTEST_COLS_(C, ROLLBACK_RISK_BACKTEST) \
	C(ROLLBACK_RISK_BACKTEST, NOTE, "note", STR, "", "the verdict in words")

#define SL_ROLLBACK_RISK_LEVELS_COLS(C) \
	C(ROLLBACK_RISK_LEVELS, RISK_LEVEL, "risk_level", STR, "", "low, medium, high or critical") \
	C(ROLLBACK_RISK_LEVELS, MIN_SCORE, "min_score", F64, "0-100", "lowest score of the level (null: none)") \
	C(ROLLBACK_RISK_LEVELS, MAX_SCORE, "max_score", F64, "0-100", "the level holds scores below this (null: no bound)") \
	C(ROLLBACK_RISK_LEVELS, TRAINING_DEPLOYMENTS, "training_deployments", I64, "count", "finished training deployments at this level") \
	C(ROLLBACK_RISK_LEVELS, TRAINING_ROLLBACK_RATE, "training_rollback_rate", F64, "fraction", "their rollback rate") \
	C(ROLLBACK_RISK_LEVELS, HOLDOUT_DEPLOYMENTS, "holdout_deployments", I64, "count", "held-out deployments at this level") \
	C(ROLLBACK_RISK_LEVELS, HOLDOUT_ROLLBACK_RATE, "holdout_rollback_rate", F64, "fraction", "their rollback rate") \
	C(ROLLBACK_RISK_LEVELS, POOLED, "pooled", STR, "", "levels pooled into this one, and why")

#define SL_VERSIONS_COLS(C) \
	C(VERSIONS, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(VERSIONS, RELEASES, "releases", I64, "count", "versions deployed") \
	C(VERSIONS, FIRST_RELEASE, "first_release", TIME, "", "first deployment of the first version") \
	C(VERSIONS, LAST_RELEASE, "last_release", TIME, "", "first deployment of the last version") \
	C(VERSIONS, RELEASES_PER_WEEK, "releases_per_week", F64, "/week", "new versions a week") \
	C(VERSIONS, MEDIAN_RELEASE_INTERVAL_H, "median_release_interval_h", F64, "h", "median gap between versions") \
	C(VERSIONS, FAILURE_RATE_SLOPE, "failure_rate_slope", F64, "fraction", "trend of the failure rate per version") \
	C(VERSIONS, STABILITY_TREND, "stability_trend", STR, "", "improving, stable or degrading") \
	C(VERSIONS, REGRESSIONS, "regressions", I64, "count", "versions that regressed") \
	C(VERSIONS, OPTIMAL_ROLLOUT_H, "optimal_rollout_h", F64, "h", "median time a good rollout takes to 80%") \
	C(VERSIONS, ROLLOUTS_MEASURED, "rollouts_measured", I64, "count", "rollouts behind optimal_rollout_h")

#define SL_ADOPTION_COLS(C) \
	C(ADOPTION, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(ADOPTION, ENVIRONMENT, "environment", STR, "", "the environment") \
	C(ADOPTION, VERSION, "version", STR, "", "the version") \
	C(ADOPTION, FIRST_DEPLOYMENT, "first_deployment", TIME, "", "the version's first start") \
	C(ADOPTION, DEPLOYMENTS, "deployments", I64, "count", "deployments") \
	C(ADOPTION, TARGET_GROUPS, "target_groups", I64, "count", "target groups of the agent there") \
	C(ADOPTION, GROUPS_REACHED, "groups_reached", I64, "count", "target groups it reached") \
	C(ADOPTION, SHARE_1H, "share_1h", F64, "fraction", "groups reached within 1 hour") \
	C(ADOPTION, SHARE_6H, "share_6h", F64, "fraction", "groups reached within 6 hours") \
	C(ADOPTION, SHARE_24H, "share_24h", F64, "fraction", "groups reached within 24 hours") \
	C(ADOPTION, SHARE_48H, "share_48h", F64, "fraction", "groups reached within 48 hours") \
	C(ADOPTION, SHARE_168H, "share_168h", F64, "fraction", "groups reached within a week") \
	C(ADOPTION, FINAL_SHARE, "final_share", F64, "fraction", "groups reached by the end of the window") \
	C(ADOPTION, TIME_TO_80_H, "time_to_80_h", F64, "h", "time to reach 80% of the groups") \
	C(ADOPTION, WITHIN_48H, "within_48h", BOOL, "", "reached 80% within 48 hours")

#define SL_REGRESSIONS_COLS(C) \
	C(REGRESSIONS, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(REGRESSIONS, VERSION, "version", STR, "", "the version") \
	C(REGRESSIONS, PREVIOUS_VERSION, "previous_version", STR, "", "the version before") \
	C(REGRESSIONS, FINISHED, "finished", I64, "count", "finished deployments") \
	C(REGRESSIONS, FAILED, "failed", I64, "count", "finished but not completed") \
	C(REGRESSIONS, FAILURE_RATE, "failure_rate", F64, "fraction", "failed / finished") \
	C(REGRESSIONS, PREVIOUS_FINISHED, "previous_finished", I64, "count", "finished deployments of the version before") \
	C(REGRESSIONS, PREVIOUS_FAILED, "previous_failed", I64, "count", "failed deployments of the version before") \
	C(REGRESSIONS, PREVIOUS_FAILURE_RATE, "previous_failure_rate", F64, "fraction", "failure rate of the version before") \
	C(REGRESSIONS, FAILURE_P_VALUE, "failure_p_value", F64, "probability", "Fisher's exact test of the failure rates") \
	C(REGRESSIONS, LATENCY_SAMPLES, "latency_samples", I64, "count", "latency changes known") \
	C(REGRESSIONS, PREVIOUS_LATENCY_SAMPLES, "previous_latency_samples", I64, "count", "latency changes known of the version before") \
	C(REGRESSIONS, MEDIAN_LATENCY_CHANGE, "median_latency_change", F64, "fraction", "median latency change") \
	C(REGRESSIONS, PREVIOUS_MEDIAN_LATENCY_CHANGE, "previous_median_latency_change", F64, "fraction", "median latency change of the version before") \
	C(REGRESSIONS, LATENCY_P_VALUE, "latency_p_value", F64, "probability", "Mann-Whitney test of the latency changes") \
	C(REGRESSIONS, FAILURE_REGRESSION, "failure_regression", BOOL, "", "the failure rate went up significantly") \
	C(REGRESSIONS, LATENCY_REGRESSION, "latency_regression", BOOL, "", "the latency went up significantly") \
	C(REGRESSIONS, REGRESSION, "regression", BOOL, "", "either regression")

#define SL_FEATURES_COLS(C) \
	C(FEATURES, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(FEATURES, LOG_DURATION, "log_duration", F64, "", "ln(1 + duration in ms)") \
	C(FEATURES, FAILED_SHARE, "failed_share", F64, "fraction", "failed / target instances") \
	C(FEATURES, UNHEALTHY_SHARE, "unhealthy_share", F64, "fraction", "unhealthy / target instances") \
	C(FEATURES, COVERAGE, "coverage", F64, "fraction", "deployed / target instances") \
	C(FEATURES, LATENCY_CHANGE, "latency_change", F64, "fraction", "latency change") \
	C(FEATURES, ERROR_RATE_CHANGE, "error_rate_change", F64, "fraction", "error rate change") \
	C(FEATURES, CPU_CHANGE, "cpu_change", F64, "fraction", "CPU change") \
	C(FEATURES, MEMORY_CHANGE, "memory_change", F64, "fraction", "memory change") \
	C(FEATURES, ROLLBACK, "rollback", F64, "", "1 when rolled back, else 0")

#define SL_ANOMALIES_COLS(C) \
	C(ANOMALIES, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(ANOMALIES, ANOMALY_SCORE, "anomaly_score", F64, "", "isolation forest score, higher is stranger") \
	C(ANOMALIES, IS_ANOMALY, "is_anomaly", BOOL, "", "the score is above the threshold") \
	C(ANOMALIES, RANK, "rank", I64, "", "of a flagged one: 1 for the highest score") \
	C(ANOMALIES, REASONS, "reasons", STR, "", "features beyond reason_sigma standard deviations, ;-separated") \
	C(ANOMALIES, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed, of a flagged one") \
	C(ANOMALIES, ENVIRONMENT, "environment", STR, "", "the environment, of a flagged one") \
	C(ANOMALIES, START_TIME, "start_time", TIME, "", "when a flagged one started") \
	C(ANOMALIES, REASON, "reason", STR, "", "the feature farthest from its median in robust z, with its value") \
	C(ANOMALIES, ROBUST_Z, "robust_z", F64, "", "that feature's (value - median) / (1.4826 MAD)")

#define SL_ANOMALY_SUMMARY_COLS(C) \
	C(ANOMALY_SUMMARY, DEPLOYMENTS, "deployments", I64, "count", "deployments scored") \
	C(ANOMALY_SUMMARY, FLAGGED, "flagged", I64, "count", "deployments flagged") \
	C(ANOMALY_SUMMARY, CONTAMINATION, "contamination", F64, "fraction", "the share flagged: a setting, not a finding") \
	C(ANOMALY_SUMMARY, HEADLINE, "headline", STR, "", "the flagged in words") \
	C(ANOMALY_SUMMARY, FLAGGED_FINISHED, "flagged_finished", I64, "count", "flagged deployments that finished") \
	C(ANOMALY_SUMMARY, FLAGGED_FAILURES, "flagged_failures", I64, "count", "of those, failed or rolled back") \
	C(ANOMALY_SUMMARY, FLAGGED_FAILURE_RATE, "flagged_failure_rate", F64, "fraction", "failed or rolled back / finished, among the flagged") \
	C(ANOMALY_SUMMARY, BASE_FAILURE_RATE, "base_failure_rate", F64, "fraction", "failed or rolled back / finished, among all scored") \
	C(ANOMALY_SUMMARY, LIFT, "lift", F64, "", "flagged failure rate / base failure rate: 1 is no better than chance")

#define SL_PATTERNS_COLS(C) \
	C(PATTERNS, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(PATTERNS, CLUSTER, "cluster", I64, "", "DBSCAN cluster, -1 for noise")

#define SL_CLUSTERS_COLS(C) \
	C(CLUSTERS, CLUSTER, "cluster", I64, "", "DBSCAN cluster, -1 for noise") \
	C(CLUSTERS, SIZE, "size", I64, "count", "deployments in the cluster") \
	C(CLUSTERS, MEAN_DURATION_MS, "mean_duration_ms", F64, "ms", "mean duration") \
	C(CLUSTERS, MEAN_FAILED_SHARE, "mean_failed_share", F64, "fraction", "mean failed share of instances") \
	C(CLUSTERS, MEAN_UNHEALTHY_SHARE, "mean_unhealthy_share", F64, "fraction", "mean unhealthy share of instances") \
	C(CLUSTERS, MEAN_COVERAGE, "mean_coverage", F64, "fraction", "mean coverage") \
	C(CLUSTERS, MEAN_LATENCY_CHANGE, "mean_latency_change", F64, "fraction", "mean latency change") \
	C(CLUSTERS, MEAN_ERROR_RATE_CHANGE, "mean_error_rate_change", F64, "fraction", "mean error rate change") \
	C(CLUSTERS, MEAN_CPU_CHANGE, "mean_cpu_change", F64, "fraction", "mean CPU change") \
	C(CLUSTERS, MEAN_MEMORY_CHANGE, "mean_memory_change", F64, "fraction", "mean memory change") \
	C(CLUSTERS, ROLLBACK_RATE, "rollback_rate", F64, "fraction", "share rolled back") \
	C(CLUSTERS, SUCCESS_RATE, "success_rate", F64, "fraction", "completed / finished") \
	C(CLUSTERS, DOMINANT_STRATEGY, "dominant_strategy", STR, "", "most common strategy") \
	C(CLUSTERS, DOMINANT_ENVIRONMENT, "dominant_environment", STR, "", "most common environment") \
	C(CLUSTERS, DESCRIPTION, "description", STR, "", "the cluster in words")

#define SL_HEATMAP_COLS(C) \
	C(HEATMAP, WEEKDAY, "weekday", I64, "", "0 is Monday, 6 Sunday") \
	C(HEATMAP, WEEKDAY_NAME, "weekday_name", STR, "", "the weekday's name") \
	C(HEATMAP, HOUR, "hour", I64, "", "hour of the day, local") \
	C(HEATMAP, DEPLOYMENTS, "deployments", I64, "count", "deployments started") \
	C(HEATMAP, FAILURES, "failures", I64, "count", "deployments that failed")

#define SL_TIMELINE_COLS(C) \
	C(TIMELINE, DAY, "day", DAY, "", "the local day") \
	C(TIMELINE, DEPLOYMENTS, "deployments", I64, "count", "deployments started") \
	C(TIMELINE, COMPLETED, "completed", I64, "count", "deployments completed") \
	C(TIMELINE, FAILED, "failed", I64, "count", "deployments failed") \
	C(TIMELINE, ROLLED_BACK, "rolled_back", I64, "count", "deployments rolled back") \
	C(TIMELINE, AVG_DURATION_MS, "avg_duration_ms", F64, "ms", "mean duration of those with one")

#define SL_ACTIVE_DEPLOYMENTS_COLS(C) \
	C(ACTIVE_DEPLOYMENTS, DEPLOYMENT_ID, "deployment_id", STR, "", "the deployment") \
	C(ACTIVE_DEPLOYMENTS, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(ACTIVE_DEPLOYMENTS, ENVIRONMENT, "environment", STR, "", "the environment") \
	C(ACTIVE_DEPLOYMENTS, VERSION, "version", STR, "", "the version") \
	C(ACTIVE_DEPLOYMENTS, PHASE, "phase", STR, "", "its phase") \
	C(ACTIVE_DEPLOYMENTS, STRATEGY, "strategy", STR, "", "the rollout strategy") \
	C(ACTIVE_DEPLOYMENTS, START_TIME, "start_time", TIME, "", "when it started") \
	C(ACTIVE_DEPLOYMENTS, DEPLOYED_INSTANCES, "deployed_instances", I64, "count", "instances deployed") \
	C(ACTIVE_DEPLOYMENTS, TARGET_INSTANCES, "target_instances", I64, "count", "instances targeted") \
	C(ACTIVE_DEPLOYMENTS, PROGRESS, "progress", F64, "fraction", "deployed / target instances")

#define SL_SCORECARD_COLS(C) \
	C(SCORECARD, METRIC, "metric", STR, "", "the success metric") \
	C(SCORECARD, VALUE, "value", F64, "", "the measured value, in unit") \
	C(SCORECARD, UNIT, "unit", STR, "", "the unit of value") \
	C(SCORECARD, TARGET, "target", STR, "", "the goal, in words") \
	C(SCORECARD, SAMPLES, "samples", I64, "count", "observations behind the value") \
	C(SCORECARD, MET, "met", BOOL, "", "the value meets the target")

#define SL_PIPELINES_COLS(C) \
	C(PIPELINES, PIPELINE_ID, "pipeline_id", STR, "", "the pipeline") \
	C(PIPELINES, EXECUTIONS, "executions", I64, "count", "pipeline runs") \
	C(PIPELINES, FINISHED, "finished", I64, "count", "finished runs") \
	C(PIPELINES, SUCCESSFUL, "successful", I64, "count", "successful runs") \
	C(PIPELINES, FAILED, "failed", I64, "count", "failed or cancelled runs") \
	C(PIPELINES, SUCCESS_RATE, "success_rate", F64, "fraction", "successful / finished") \
	C(PIPELINES, P50_DURATION_MS, "p50_duration_ms", I64, "ms", "median run duration") \
	C(PIPELINES, P95_DURATION_MS, "p95_duration_ms", I64, "ms", "95th percentile duration") \
	C(PIPELINES, QUEUE_P50_MS, "queue_p50_ms", I64, "ms", "median wait before the first stage") \
	C(PIPELINES, STAGES, "stages", I64, "count", "distinct stages") \
	C(PIPELINES, STAGE_RUNS, "stage_runs", I64, "count", "stage runs, one per attempt") \
	C(PIPELINES, CRITICAL_PATH, "critical_path", STR, "", "the longest path through the stages") \
	C(PIPELINES, CRITICAL_PATH_MS, "critical_path_ms", I64, "ms", "its length") \
	C(PIPELINES, CURRENT_MS, "current_ms", I64, "ms", "median makespan of clean runs") \
	C(PIPELINES, CURRENT_EFFICIENCY, "current_efficiency", F64, "fraction", "critical path / current makespan") \
	C(PIPELINES, POTENTIAL_EFFICIENCY, "potential_efficiency", F64, "fraction", "the same with the parallel opportunities taken") \
	C(PIPELINES, ESTIMATED_TIME_SAVED_MS, "estimated_time_saved_ms", I64, "ms", "time the opportunities would save") \
	C(PIPELINES, PREDICTED_MS, "predicted_ms", F64, "ms", "predicted duration of a weekday morning push") \
	C(PIPELINES, PREDICTED_LOWER_MS, "predicted_lower_ms", F64, "ms", "lower end of the 90% interval") \
	C(PIPELINES, PREDICTED_UPPER_MS, "predicted_upper_ms", F64, "ms", "upper end of the 90% interval") \
	C(PIPELINES, WARNING, "warning", STR, "", "what could not be analysed")

#define SL_STAGES_COLS(C) \
	C(STAGES, PIPELINE_ID, "pipeline_id", STR, "", "the pipeline") \
	C(STAGES, STAGE_ID, "stage_id", STR, "", "the stage") \
	C(STAGES, RUNS, "runs", I64, "count", "stage runs") \
	C(STAGES, FINISHED, "finished", I64, "count", "finished runs") \
	C(STAGES, FAILED, "failed", I64, "count", "failed or cancelled runs") \
	C(STAGES, FAILURE_RATE, "failure_rate", F64, "fraction", "failed / finished") \
	C(STAGES, P50_MS, "p50_ms", I64, "ms", "median duration") \
	C(STAGES, P95_MS, "p95_ms", I64, "ms", "95th percentile duration") \
	C(STAGES, P99_MS, "p99_ms", I64, "ms", "99th percentile duration") \
	C(STAGES, RETRIES, "retries", I64, "count", "runs that were retries") \
	C(STAGES, RETRY_RATE, "retry_rate", F64, "fraction", "retries / runs") \
	C(STAGES, RETRY_SUCCESS_RATE, "retry_success_rate", F64, "fraction", "retries that succeeded") \
	C(STAGES, WAIT_P50_MS, "wait_p50_ms", I64, "ms", "median wait for the dependencies") \
	C(STAGES, TIMEOUT_MS, "timeout_ms", I64, "ms", "median configured timeout") \
	C(STAGES, RECOMMENDED_TIMEOUT_MS, "recommended_timeout_ms", I64, "ms", "1.5 x the 99th percentile") \
	C(STAGES, ON_CRITICAL_PATH, "on_critical_path", BOOL, "", "the stage is on the critical path") \
	C(STAGES, CRITICAL_PATH_SHARE, "critical_path_share", F64, "fraction", "median duration / critical path")

/* pipeline_suggestions, and a query prints one pipeline's as
 * pipeline_optimization. */
#define SL_SUGGESTION_COLS_(C, T) \
	C(T, PIPELINE_ID, "pipeline_id", STR, "", "the pipeline") \
	C(T, KIND, "kind", STR, "", "the kind of suggestion") \
	C(T, STAGE_ID, "stage_id", STR, "", "the stage") \
	C(T, OTHER_STAGE_ID, "other_stage_id", STR, "", "the other stage of a pair") \
	C(T, VALUE, "value", F64, "", "the figure behind the suggestion") \
	C(T, SAVING_MS, "saving_ms", I64, "ms", "time it would save") \
	C(T, MESSAGE, "message", STR, "", "the suggestion in words")
#define SL_PIPELINE_SUGGESTIONS_COLS(C) SL_SUGGESTION_COLS_(C, PIPELINE_SUGGESTIONS)

#define SL_PIPELINE_FACTORS_COLS(C) \
	C(PIPELINE_FACTORS, FACTOR, "factor", STR, "", "the model factor") \
	C(PIPELINE_FACTORS, COEFFICIENT, "coefficient", F64, "", "fitted coefficient") \
	C(PIPELINE_FACTORS, MULTIPLIER, "multiplier", F64, "", "e to the coefficient") \
	C(PIPELINE_FACTORS, STD_ERROR, "std_error", F64, "", "standard error of the coefficient") \
	C(PIPELINE_FACTORS, SAMPLES, "samples", I64, "count", "runs showing the factor")

#define SL_GATES_COLS(C) \
	C(GATES, GATE_NAME, "gate_name", STR, "", "the gate") \
	C(GATES, GATE_TYPE, "gate_type", STR, "", "the kind of gate") \
	C(GATES, METRIC, "metric", STR, "", "the metric gated") \
	C(GATES, OPERATOR, "operator", STR, "", "how the value is compared") \
	C(GATES, THRESHOLD, "threshold", F64, "", "median threshold") \
	C(GATES, EVALUATIONS, "evaluations", I64, "count", "times the gate ran") \
	C(GATES, PASSED, "passed", I64, "count", "evaluations that passed") \
	C(GATES, FAILED, "failed", I64, "count", "evaluations that failed") \
	C(GATES, PASS_RATE, "pass_rate", F64, "fraction", "passed / (passed + failed)") \
	C(GATES, NEVER_FAILS, "never_fails", BOOL, "", "50 or more evaluations, none failed")

/* Printed by queries only. */
#define SL_GATE_EVALUATION_COLS(C) \
	C(GATE_EVALUATION, GATE_NAME, "gate_name", STR, "", "the gate") \
	C(GATE_EVALUATION, METRIC, "metric", STR, "", "the metric gated") \
	C(GATE_EVALUATION, OPERATOR, "operator", STR, "", "how the value is compared") \
	C(GATE_EVALUATION, THRESHOLD, "threshold", F64, "", "the threshold") \
	C(GATE_EVALUATION, OBSERVED, "observed", F64, "", "the observed value") \
	C(GATE_EVALUATION, PASSED, "passed", BOOL, "", "this check passed") \
	C(GATE_EVALUATION, REASON, "reason", STR, "", "why it failed") \
	C(GATE_EVALUATION, GATE_PASSED, "gate_passed", BOOL, "", "every check of the gate passed")

#define SL_PIPELINE_OPTIMIZATION_COLS(C) SL_SUGGESTION_COLS_(C, PIPELINE_OPTIMIZATION)

#define SL_PREDICTION_COLS(C) \
	C(PREDICTION, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(PREDICTION, ENVIRONMENT, "environment", STR, "", "the environment") \
	C(PREDICTION, STRATEGY, "strategy", STR, "", "the rollout strategy") \
	C(PREDICTION, TARGET_INSTANCES, "target_instances", F64, "count", "instances targeted") \
	C(PREDICTION, PREDICTED_DURATION_MS, "predicted_duration_ms", F64, "ms", "the predicted duration") \
	C(PREDICTION, LOWER_90_MS, "lower_90_ms", F64, "ms", "lower end of the 90% prediction interval") \
	C(PREDICTION, UPPER_90_MS, "upper_90_ms", F64, "ms", "upper end of the 90% prediction interval") \
	C(PREDICTION, DURATION_NOTE, "duration_note", STR, "", "how the duration was predicted") \
	C(PREDICTION, SIMILAR_DEPLOYMENTS, "similar_deployments", I64, "count", "past deployments alike") \
	C(PREDICTION, SIMILAR_BY, "similar_by", STR, "", "what made them alike") \
	C(PREDICTION, SUCCESS_PROBABILITY, "success_probability", F64, "fraction", "predicted chance of success") \
	C(PREDICTION, SUCCESS_LOWER_90, "success_lower_90", F64, "fraction", "lower end of the 90% interval") \
	C(PREDICTION, SUCCESS_UPPER_90, "success_upper_90", F64, "fraction", "upper end of the 90% interval") \
	C(PREDICTION, CONFIDENCE, "confidence", STR, "", "how much to trust it") \
	C(PREDICTION, RISK_FACTORS, "risk_factors", STR, "", "what raises the risk, ;-separated") \
	C(PREDICTION, RECOMMENDATIONS, "recommendations", STR, "", "what to do, ;-separated") \
	C(PREDICTION, ROLLBACK_RISK_SCORE, "rollback_risk_score", F64, "0-100", "rollback risk") \
	C(PREDICTION, ROLLBACK_RISK_LEVEL, "rollback_risk_level", STR, "", "low, medium, high or critical")

#define SL_VERSION_COMPATIBILITY_COLS(C) \
	C(VERSION_COMPATIBILITY, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(VERSION_COMPATIBILITY, VERSION, "version", STR, "", "the version") \
	C(VERSION_COMPATIBILITY, TARGET_ENVIRONMENT, "target_environment", STR, "", "where it would go") \
	C(VERSION_COMPATIBILITY, API_VERSIONS, "api_versions", STR, "", "API versions it serves") \
	C(VERSION_COMPATIBILITY, BREAKING_CHANGES, "breaking_changes", STR, "", "breaking changes it declares") \
	C(VERSION_COMPATIBILITY, MIGRATION_REQUIRED, "migration_required", BOOL, "", "it needs a migration") \
	C(VERSION_COMPATIBILITY, BACKWARD_COMPATIBLE, "backward_compatible", BOOL, "", "it declares itself backward compatible") \
	C(VERSION_COMPATIBILITY, CURRENT_VERSION, "current_version", STR, "", "the version live there now") \
	C(VERSION_COMPATIBILITY, CURRENT_API_VERSIONS, "current_api_versions", STR, "", "API versions of the live version") \
	C(VERSION_COMPATIBILITY, SHARES_API_VERSION, "shares_api_version", BOOL, "", "the two serve a common API version") \
	C(VERSION_COMPATIBILITY, COMPATIBLE, "compatible", BOOL, "", "safe to deploy") \
	C(VERSION_COMPATIBILITY, REASONS, "reasons", STR, "", "why not, ;-separated")

#define SL_PROMOTION_READINESS_COLS(C) \
	C(PROMOTION_READINESS, AGENT_ID, "agent_id", STR, "", "the agent (service) deployed") \
	C(PROMOTION_READINESS, VERSION, "version", STR, "", "the version") \
	C(PROMOTION_READINESS, FROM_ENVIRONMENT, "from_environment", STR, "", "where it is live") \
	C(PROMOTION_READINESS, TO_ENVIRONMENT, "to_environment", STR, "", "where it would go") \
	C(PROMOTION_READINESS, LIVE_FROM, "live_from", TIME, "", "start of its time there") \
	C(PROMOTION_READINESS, LIVE_TO, "live_to", TIME, "", "end of its time there") \
	C(PROMOTION_READINESS, PIPELINE_RUNS, "pipeline_runs", I64, "count", "pipeline runs while it was live") \
	C(PROMOTION_READINESS, GATES_EVALUATED, "gates_evaluated", I64, "count", "gate results in that time") \
	C(PROMOTION_READINESS, GATES_FAILED, "gates_failed", I64, "count", "gate results that failed") \
	C(PROMOTION_READINESS, OPEN_REGRESSION, "open_regression", BOOL, "", "a regression is open against it") \
	C(PROMOTION_READINESS, READY, "ready", BOOL, "", "ready to promote") \
	C(PROMOTION_READINESS, REASONS, "reasons", STR, "", "why not, ;-separated")

/* The figures of a set of pipeline runs, as the pipelines table's columns
 * of those names: per branch and per day. */
#define SL_RUN_FIGURES_COLS_(C, T) \
	C(T, EXECUTIONS, "executions", I64, "count", "pipeline runs") \
	C(T, FINISHED, "finished", I64, "count", "finished runs") \
	C(T, SUCCESSFUL, "successful", I64, "count", "successful runs") \
	C(T, FAILED, "failed", I64, "count", "failed or cancelled runs") \
	C(T, SUCCESS_RATE, "success_rate", F64, "fraction", "successful / finished") \
	C(T, P50_DURATION_MS, "p50_duration_ms", I64, "ms", "median run duration") \
	C(T, P95_DURATION_MS, "p95_duration_ms", I64, "ms", "95th percentile duration")

#define SL_PIPELINE_BRANCHES_COLS(C) \
	C(PIPELINE_BRANCHES, PIPELINE_ID, "pipeline_id", STR, "", "the pipeline") \
	C(PIPELINE_BRANCHES, BRANCH, "branch", STR, "", "the branch the runs built; null when the logs do not say") \
	SL_RUN_FIGURES_COLS_(C, PIPELINE_BRANCHES)

#define SL_PIPELINE_DAYS_COLS(C) \
	C(PIPELINE_DAYS, PIPELINE_ID, "pipeline_id", STR, "", "the pipeline") \
	C(PIPELINE_DAYS, DAY, "day", DAY, "", "the day the runs started, in the time zone") \
	SL_RUN_FIGURES_COLS_(C, PIPELINE_DAYS)

/* In the organisation-wide analysis of a teams file: the agents no team
 * owns that deployed in the window. */
#define SL_UNOWNED_AGENTS_COLS(C) \
	C(UNOWNED_AGENTS, AGENT_ID, "agent_id", STR, "", "the agent (service) no team owns") \
	C(UNOWNED_AGENTS, DEPLOYMENTS, "deployments", I64, "count", "its deployments in the window")

#define SL_TABLES(T) \
	T(SUCCESS_RATES, "success_rates") \
	T(SUMMARY, "summary") \
	T(SUCCESS_CHANGE, "success_change") \
	T(DORA, "dora") \
	T(DORA_AGENTS, "dora_agents") \
	T(DORA_WEEKLY, "dora_weekly") \
	T(HEALTH_SCORES, "health_scores") \
	T(STRATEGIES, "strategies") \
	T(ALERTS, "alerts") \
	T(ALERT_GROUPS, "alert_groups") \
	T(ALERT_PRECISION, "alert_precision") \
	T(ROLLBACK_DECISIONS, "rollback_decisions") \
	T(CANARY_METRICS, "canary_metrics") \
	T(CANARY_JUDGEMENTS, "canary_judgements") \
	T(PREDICTIONS, "predictions") \
	T(DURATION_MODEL, "duration_model") \
	T(DURATION_BACKTEST, "duration_backtest") \
	T(SUCCESS_BACKTEST, "success_backtest") \
	T(ROLLBACK_CAUSES, "rollback_causes") \
	T(ROLLBACK_RISK, "rollback_risk") \
	T(ROLLBACK_RISK_BACKTEST, "rollback_risk_backtest") \
	T(ROLLBACK_RISK_LEVELS, "rollback_risk_levels") \
	T(VERSIONS, "versions") \
	T(ADOPTION, "adoption") \
	T(REGRESSIONS, "regressions") \
	T(FEATURES, "features") \
	T(ANOMALIES, "anomalies") \
	T(ANOMALY_SUMMARY, "anomaly_summary") \
	T(PATTERNS, "patterns") \
	T(CLUSTERS, "clusters") \
	T(HEATMAP, "heatmap") \
	T(TIMELINE, "timeline") \
	T(ACTIVE_DEPLOYMENTS, "active_deployments") \
	T(SCORECARD, "scorecard") \
	T(PIPELINES, "pipelines") \
	T(STAGES, "stages") \
	T(PIPELINE_SUGGESTIONS, "pipeline_suggestions") \
	T(PIPELINE_FACTORS, "pipeline_factors") \
	T(GATES, "gates") \
	T(GATE_EVALUATION, "gate_evaluation") \
	T(PIPELINE_OPTIMIZATION, "pipeline_optimization") \
	T(PREDICTION, "prediction") \
	T(VERSION_COMPATIBILITY, "version_compatibility") \
	T(PROMOTION_READINESS, "promotion_readiness") \
	T(PIPELINE_BRANCHES, "pipeline_branches") \
	T(PIPELINE_DAYS, "pipeline_days") \
	T(ORG_SUMMARY, "org_summary") \
	T(ORG_DORA, "org_dora") \
	T(UNOWNED_AGENTS, "unowned_agents")

#define SL_TID_(T, name) SL_T_##T,
enum sl_tid { SL_TABLES(SL_TID_) SL_T_COUNT };
#undef SL_TID_

#define SL_COLID_(T, C, name, type, unit, desc) SL_##T##_##C,
#define SL_COLENUM_(T, name) enum { SL_##T##_COLS(SL_COLID_) SL_##T##_NCOLS };
SL_TABLES(SL_COLENUM_)
#undef SL_COLENUM_
#undef SL_COLID_

/* A table's declaration: static, never freed.  cols, units and descs
 * have ncols entries each. */
struct sl_tdef {
	enum sl_tid id;
	const char *name;
	int ncols;
	const struct sl_rcol *cols;
	const char *const *units;
	const char *const *descs;
};

/* The declaration of table id (NULL when id is not one). */
const struct sl_tdef *sl_tdef(enum sl_tid id);
/* The declaration of the table called name, or NULL when none is. */
const struct sl_tdef *sl_tdef_find(const char *name);

/* A new table (sl_table_new / sl_table_new_stream) with the declared name
 * and columns of table id.  NULL on allocation failure. */
struct sl_table *sl_table_new_def(enum sl_tid id);
struct sl_table *sl_table_new_stream_def(struct sl_analysis *a, enum sl_tid id);

/* Whether a table called name with those columns may be read: SL_OK when
 * no table of that name is declared (a newer shiplog's table) or when the
 * columns are the declared ones, in order, of the declared types; else
 * SL_EFORMAT in err naming the table and the first column that differs
 * (path names the file). */
int sl_tables_check(const char *path, const char *name, const struct sl_rcol *cols, int ncols,
		    struct sl_errctx *err);

#endif
