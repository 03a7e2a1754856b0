/* pipeline.h - CI pipelines (docs/ANALYZE.md): per pipeline and per stage
 * statistics, the stage graph from depends_on with its critical path,
 * bottlenecks, parallel opportunities, redundant stages, timeout and retry
 * advice, efficiency, a duration model, and quality-gate pass rates.
 *
 * The work on one pipeline is pipeline_analyze_one(), a pure function of
 * its stage runs and graph (the unit tests drive it with hand-made DAGs);
 * pipeline_run() scans the store, builds its inputs and writes the tables
 * "pipelines", "stages", "pipeline_suggestions", "pipeline_factors",
 * "pipeline_branches", "pipeline_days" (the pipelines' run figures per
 * branch and per local day, from the one function that gives them to
 * "pipelines") and "gates". */
#ifndef ANALYZE_PIPELINE_H
#define ANALYZE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
#include "sl_schema.h"
struct frame;
#include "sl_store.h"

/* A pipeline has at most this many distinct stages; more is reported and
 * the graph is not analysed (the pair checks are quadratic). */
#define PL_MAX_STAGES 256

/* lib's CI statuses (sl_schema.h) under the pipeline analysis' names */
enum pl_status {
	PL_SUCCESS = SL_CI_SUCCESS,
	PL_FAILED = SL_CI_FAILED,
	PL_CANCELLED = SL_CI_CANCELLED,
	PL_SKIPPED = SL_CI_SKIPPED,
	PL_RUNNING = SL_CI_RUNNING,
	PL_PENDING = SL_CI_PENDING,
	PL_OTHER = SL_CI_OTHER,
};

/* One stage_runs row of the pipeline; stage indexes the pipeline's stages. */
struct pl_run {
	int64_t exec;		/* execution_number */
	uint32_t stage;
	int32_t attempt;	/* 1 when unknown */
	uint8_t status;		/* enum pl_status */
	uint8_t has_end, has_dur, has_timeout, has_exec_start;
	int64_t start, end, dur; /* ms; dur: duration_ms, else end - start */
	int64_t timeout_ms;
	int64_t exec_start;	/* the pipeline run's start_time, when known */
};

struct pl_edge {
	uint32_t from, to; /* from must end before to starts */
};

struct pl_stage_stats {
	uint64_t runs, finished, failed, succeeded; /* failed counts cancelled */
	uint64_t retries, retries_finished, retries_succeeded; /* attempt > 1 */
	int64_t p50, p95, p99;	  /* nearest rank over finished runs' durations */
	uint8_t has_dur;
	int64_t wait_p50;	  /* lower median wait of first attempts */
	uint64_t waits;
	int64_t timeout_ms;	  /* lower median of the given timeouts */
	uint8_t has_timeout;
	uint8_t on_critical_path;
	double cp_share;	  /* p50 / critical path length, on the path */
};

enum pl_suggestion_kind {
	PL_S_BOTTLENECK, PL_S_PARALLEL, PL_S_REDUNDANT, PL_S_TIMEOUT_TIGHT, PL_S_TIMEOUT_LOOSE,
	PL_S_RETRY_USELESS, PL_S_RETRY_FLAKY, PL_S_NKINDS
};

struct pl_suggestion {
	uint8_t kind;
	uint32_t stage, other;	/* other: the second stage of a parallel pair */
	double value;		/* the share, the ratio, the recommended timeout ... */
	int64_t saving_ms;	/* parallel: the shorter median of the two */
};

struct pl_config {
	double bottleneck_share, timeout_factor, timeout_loose, retry_low, retry_high;
	double parallel_share;
	int redundant_min_runs, retry_min;
};

struct pl_result {
	struct pl_stage_stats *st;	/* one per stage */
	uint32_t *path;			/* the critical path, first stage first */
	size_t npath;
	int64_t cp_ms;			/* its length by median durations */
	uint8_t has_cp;			/* 0 on a cycle */
	int64_t current_ms;		/* lower median makespan of successful runs */
	uint64_t makespans;
	uint8_t has_current;
	int64_t potential_ms, saved_ms;
	double current_eff, potential_eff; /* NaN when unknown */
	struct pl_suggestion *sug;
	size_t nsug;
	uint32_t cycle_stage;		/* a stage on a cycle, when !has_cp */
	uint8_t cycle;
	uint64_t missing_end;		/* finished runs without an end or duration */
};

/* Analyses one pipeline: nstages stages (0 < nstages <= PL_MAX_STAGES),
 * edges between them, and its runs (any order; sorted in place).  *res is
 * filled and owns its arrays (pipeline_result_release).  0 or SL_ENOMEM. */
int pipeline_analyze_one(size_t nstages, const struct pl_edge *edges, size_t nedges,
			 struct pl_run *runs, size_t nruns, const struct pl_config *cfg,
			 struct pl_result *res);
void pipeline_result_release(struct pl_result *res);

/* The same, a stage run and an execution at a time, keeping only what the
 * results need (counts, and per stage the values of its order statistics):
 * new, then every run of the pipeline once by pl_acc_row() (any order),
 * and every execution once by pl_acc_exec() (its runs sorted by stage,
 * attempt and start), then pl_acc_finish() into *res (as
 * pipeline_analyze_one()).  new: NULL when out of memory or nstages is not
 * in 1..PL_MAX_STAGES; the others 0 or SL_ENOMEM. */
struct pl_acc;
struct pl_acc *pl_acc_new(size_t nstages, const struct pl_edge *edges, size_t nedges);
int pl_acc_row(struct pl_acc *a, const struct pl_run *r);
int pl_acc_exec(struct pl_acc *a, const struct pl_run *runs, size_t n);
int pl_acc_finish(struct pl_acc *a, const struct pl_config *cfg, struct pl_result *res);
void pl_acc_free(struct pl_acc *a);

/* The map and the reduce (mapred_pl.c): what a pl_acc gathered (its
 * counts per stage; the values of a list, malloc'ed, in no order; the
 * distinct timeouts of a stage with their counts; how often stages x < y
 * ran together and one after the other: -1 when the graph has a cycle),
 * and a pl_acc whose statistics are given: pl_acc_given() returns the
 * stages' statistics to fill (counts and order statistics), the others
 * add what the tasks summarised; then pl_acc_finish() as usual. */
enum { PL_L_DUR, PL_L_WAIT, PL_L_MK };
const struct pl_stage_stats *pl_acc_counts(const struct pl_acc *a, uint64_t *missing_end);
int pl_acc_values(const struct pl_acc *a, int list, size_t s, int64_t **v, size_t *n);
size_t pl_acc_timeouts(const struct pl_acc *a, size_t s, const int64_t **val,
		       const uint64_t **cnt);
int pl_acc_pair(const struct pl_acc *a, size_t x, size_t y, uint32_t *together, uint32_t *seq);
size_t pl_acc_edges(const struct pl_acc *a); /* distinct edges of its graph */
void pl_acc_edge(const struct pl_acc *a, size_t k, uint32_t *from, uint32_t *to); /* the k-th */
struct pl_stage_stats *pl_acc_given(struct pl_acc *a);
void pl_acc_given_pair(struct pl_acc *a, size_t x, size_t y, uint32_t together, uint32_t seq);
void pl_acc_given_makespan(struct pl_acc *a, int64_t median, uint64_t n);
void pl_acc_given_missing(struct pl_acc *a, uint64_t n);

/* The status word as enum pl_status. */
int pipeline_status(const char *s, size_t n);

/* Adds the pipeline tables to a; warnings (cycles, unknown stages, missing
 * end times) go to stderr naming the pipeline, and into the tables. */
int pipeline_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err);

/* Queries (query.c): pipeline-executions, pipeline-optimization and
 * evaluate-gate.  0, 1 when the pipeline or gate is unknown, < 0 on error. */
int pipeline_query_optimization(const struct analyze_params *p, const struct sl_store *st,
				struct sl_errctx *err);
int pipeline_query_gate(const struct analyze_params *p, const struct sl_store *st,
			struct sl_errctx *err);

#endif
