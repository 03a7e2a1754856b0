/* featureset.h - the deployment feature matrix (docs/ANALYZE.md) that the
 * isolation forest (anomalies.c) and DBSCAN (patterns.c) see, one row per
 * deployment of the window, and the analysis that runs them both. */
#ifndef ANALYZE_FEATURESET_H
#define ANALYZE_FEATURESET_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "sl_dict.h"
#include "sl_err.h"
#include "frame.h"
#include "sl_result.h"
#include "sl_store.h"

enum {
	F_LOG_DURATION, /* ln(1 + duration_ms) */
	F_FAILED,       /* failed_instances / target_instances */
	F_UNHEALTHY,    /* (target - healthy) / target, clamped to [0, 1] */
	F_COVERAGE,     /* deployed_instances / target_instances */
	F_LATENCY,      /* latency_change */
	F_ERROR_RATE,   /* error_rate_change */
	F_CPU,          /* cpu_change */
	F_MEMORY,       /* memory_change */
	F_ROLLBACK,     /* 1 when rolled back, else 0 (never null) */
	F_N
};

#define NO_CODE UINT32_MAX

struct feature_row {
	uint32_t id;                /* the source row */
	uint32_t env, strategy;     /* codes in names; strategy may be NO_CODE */
	uint8_t phase;              /* enum sl_phase */
	int64_t start;
	int64_t duration_ms;
	double raw[F_N];  /* original units; meaningful where known */
	uint16_t known;   /* bit f: raw[f] was in the data (else imputed) */
};

/* The deployments' fields the features are computed from, one entry per
 * source row, as the frame holds them (frame.h: FRAME_NONE, FRAME_NULL,
 * FRAME_NULL_COUNT and NaN for null): a frame's own arrays, borrowed (one
 * run and a map task: no copy, so the set costs what it did when it read
 * the frame, and the frame must outlive it), or the reduce's arrays,
 * gathered from the partials (mapred_ft.c), which outlive the set.  The
 * ids are set_id's, of the row it is given. */
struct feature_cols {
	const struct sl_dict *names; /* agents, environments, strategies */
	const uint32_t *agent, *env, *strategy;
	const uint8_t *phase;    /* enum sl_phase */
	const int8_t *rb_flag;   /* rollback_triggered: 1, 0 or -1 */
	const int64_t *start, *dur;
	const int32_t *target, *deployed, *healthy, *failed;
	const double *latency, *error_rate, *cpu, *memory;
	/* sets column c of t's last row to source row i's id: 0 or SL_ENOMEM */
	int (*set_id)(struct sl_table *t, int c, const void *ctx, size_t i);
	const void *id_ctx;
};

/* The frame's columns the features read (beyond those every frame has). */
#define FEATURES_FRAME_COLS                                                                 \
	(FC_STRATEGY | FC_TARGET | FC_DEPLOYED | FC_HEALTHY | FC_FAILED | FC_LATENCY |            \
	 FC_ERROR_RATE | FC_CPU | FC_MEMORY | FC_DUR)

/* The set's rows, in frame order (start time, then deployment id); a
 * row's features in original units are recomputed from the columns c
 * when asked for (features_row()), so the set holds 4 bytes a row besides
 * the matrix and the columns.  x is the
 * n x F_N standardized matrix in the same order: nulls replaced by the
 * column's median (of the known values; 0 when none), then (v - mean) / sd
 * with the population sd; a column with sd 0 is all 0.  patterns_add()
 * gives x to DBSCAN, which reorders it, and frees it (x is NULL after):
 * a value is recomputed bit for bit by features_z().  Nothing in the set
 * reads a struct frame: the same rows give the same tables, whether they
 * come from a frame or from the partials of a map. */
struct feature_set {
	struct feature_cols c;
	size_t n;
	uint32_t *frow;   /* the source row of each row */
	double *x;
	uint16_t *known; /* row k's feature_row known bits (NULL when n is 0) */
	double median[F_N], mean[F_N], sd[F_N];
};

/* c borrows the columns of f (which must hold FEATURES_FRAME_COLS). */
void features_cols_frame(const struct frame *f, struct feature_cols *c);
/* The frame's wanted rows (--env, --agent apply) into fs, which the
 * caller releases with features_release(); f must outlive fs. */
int features_from_frame(const struct frame *f, struct feature_set *fs, struct sl_errctx *err);
/* Rows 0..n-1 of the columns c, which are in frame order (the reduce):
 * c is copied, its arrays must outlive fs. */
int features_from_cols(const struct feature_cols *c, size_t n, struct feature_set *fs,
		       struct sl_errctx *err);
/* Row k's features in original units, with what was known. */
void features_row(const struct feature_set *fs, size_t k, struct feature_row *w);
/* The standardized value of feature f of the row w (from features_row()):
 * what x held, computed the same way. */
double features_z(const struct feature_set *fs, const struct feature_row *w, int f);
void features_release(struct feature_set *fs);

struct sl_buf;
/* A duration in words ("42.0 s", "3.5 min", "2.1 h"). */
void features_fmt_duration(char *buf, size_t n, double ms);
/* Feature f in words, in its units, appended to b: of one deployment
 * (FW_ONE: v its value, "duration 3.5 min", "40% of instances failed",
 * "rolled back") or of a group (FW_MEAN: v the mean, a share for
 * F_ROLLBACK, "mean duration 3.5 min", "40% of instances failed on
 * average", "25% rolled back").  duration_ms stands for F_LOG_DURATION. */
enum feature_form { FW_ONE, FW_MEAN };
int features_words(struct sl_buf *b, int f, double v, double duration_ms, enum feature_form form);

/* Adds the tables "features", "anomalies", "anomaly_summary", "patterns"
 * and "clusters": of the frame's wanted rows (features_run), or of the set
 * fs (features_tables, which uses up fs->x: see patterns_add()). */
int features_tables(const struct analyze_params *p, struct feature_set *fs,
		    struct sl_analysis *a, struct sl_errctx *err);
int features_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err);

/* anomalies.c and patterns.c: one table each (two for patterns), in this
 * order: patterns_add() uses up fs->x (see above). */
int anomalies_add(const struct analyze_params *p, const struct feature_set *fs,
		  struct sl_analysis *a, struct sl_errctx *err);
int patterns_add(const struct analyze_params *p, struct feature_set *fs,
		 struct sl_analysis *a, struct sl_errctx *err);

#endif
