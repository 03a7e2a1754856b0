/* sl_schema.h - the ten canonical record kinds (docs/FORMAT.md) and their columns.
 *
 * The tables here are the single source of truth for column names, types,
 * which columns a row must have, and which time column decides the day
 * partition. Everything is static and immutable. */
#ifndef SL_SCHEMA_H
#define SL_SCHEMA_H

#include <stddef.h>

enum sl_type {
	SL_STR = 0,  /* UTF-8 text, dictionary-encoded in the store */
	SL_I64 = 1,  /* signed 64-bit integer */
	SL_F64 = 2,  /* IEEE 754 double */
	SL_BOOL = 3, /* 0 or 1 */
	SL_TIME = 4, /* int64 epoch milliseconds, UTC */
};

enum sl_kind {
	SL_KIND_DEPLOYMENTS = 0,
	SL_KIND_CHECKPOINTS,
	SL_KIND_ARTIFACTS,
	SL_KIND_VALIDATIONS,
	SL_KIND_PIPELINE_RUNS,
	SL_KIND_STAGE_RUNS,
	SL_KIND_GATE_RESULTS,
	SL_KIND_VERSIONS,
	SL_KIND_INCIDENTS,
	SL_KIND_METRIC_SAMPLES,
	SL_KIND_COUNT,
	SL_KIND_NONE = -1,
};

/* Column flags. */
#define SL_COL_REQUIRED 0x1 /* a row without it is rejected */
#define SL_COL_DAYKEY 0x2   /* its UTC day names the partition */

struct sl_column {
	const char *name;
	enum sl_type type;
	unsigned flags;
};

struct sl_kind_def {
	const char *name;
	const struct sl_column *cols;
	int ncols;
	int day_col;  /* index of the SL_COL_DAYKEY column, or -1 (see below) */
	int meta_col; /* index of the "metadata" column, or -1 */
	/* Kinds without a time of their own (artifacts, gate_results) take
	 * the day of the record they belong to: parent kind and the columns
	 * that join them to it (key_cols[i] here = parent_cols[i] there). */
	enum sl_kind parent;
	int nkeys;
	const char *key_cols[2];
	const char *parent_cols[2];
};

const struct sl_kind_def *sl_kind_def(enum sl_kind kind);
const char *sl_kind_name(enum sl_kind kind);
/* Returns SL_KIND_NONE for an unknown name. */
enum sl_kind sl_kind_from_name(const char *name);
/* Index of the column called name in kind, or -1. */
int sl_kind_col(enum sl_kind kind, const char *name);
const char *sl_type_name(enum sl_type t);
int sl_type_from_name(const char *name); /* -1 when unknown */

/* Detects the kind from a set of column names (a CSV header or the keys of
 * the first JSON object): the kind whose required columns are all present
 * and that shares the most names with the set wins; ties and no match give
 * SL_KIND_NONE. */
enum sl_kind sl_kind_detect(const char *const *names, size_t n);

/* Value domains.  Unknown values are kept as given (lowercased) except
 * where a consumer needs the closed set. */
int sl_phase_is_known(const char *s);
int sl_phase_is_terminal(const char *s);
int sl_ci_status_is_known(const char *s);

/* A deployment's phase as a code: the eight known phases in their order
 * of life, then SL_PHASE_OTHER for any other text (kept as given in the
 * store, but neither active nor finished).  The rules built on it are the
 * only definitions of these words in shiplog:
 *   active    pending, in_progress, rolling_out or validating;
 *   finished  a terminal phase: completed, failed, rolled_back or partial;
 *   success   completed;  failure  failed;
 *   rolled back  phase rolled_back, or the rollback_triggered flag set
 *             (sl_rolled_back(), which takes the flag: 1, 0 or -1 null). */
enum sl_phase {
	SL_PHASE_PENDING = 0,
	SL_PHASE_IN_PROGRESS,
	SL_PHASE_ROLLING_OUT,
	SL_PHASE_VALIDATING,
	SL_PHASE_COMPLETED,
	SL_PHASE_FAILED,
	SL_PHASE_ROLLED_BACK,
	SL_PHASE_PARTIAL,
	SL_PHASE_OTHER,
};

/* The code of the n bytes at s (NULL: SL_PHASE_OTHER); exact, lowercase
 * as the store holds them. */
enum sl_phase sl_phase_of(const char *s, size_t n);
/* The phase's name ("other" for SL_PHASE_OTHER). */
const char *sl_phase_name(enum sl_phase p);

static inline int sl_phase_active(enum sl_phase p)
{
	return p <= SL_PHASE_VALIDATING;
}

static inline int sl_phase_finished(enum sl_phase p)
{
	return p >= SL_PHASE_COMPLETED && p <= SL_PHASE_PARTIAL;
}

static inline int sl_rolled_back(enum sl_phase p, int rollback_flag)
{
	return p == SL_PHASE_ROLLED_BACK || rollback_flag == 1;
}

/* A CI status (pipeline and stage runs) as a code, in the order of the
 * store's closed set; SL_CI_OTHER for any other text.  Finished: success,
 * failed or cancelled (skipped runs did not run; running and pending ones
 * have not ended). */
enum sl_ci_status {
	SL_CI_SUCCESS = 0,
	SL_CI_FAILED,
	SL_CI_CANCELLED,
	SL_CI_SKIPPED,
	SL_CI_RUNNING,
	SL_CI_PENDING,
	SL_CI_OTHER,
};

enum sl_ci_status sl_ci_status_of(const char *s, size_t n);

static inline int sl_ci_finished(enum sl_ci_status st)
{
	return st == SL_CI_SUCCESS || st == SL_CI_FAILED || st == SL_CI_CANCELLED;
}

#endif
