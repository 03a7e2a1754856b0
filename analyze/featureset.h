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
#include "sl_result.h"
struct frame;
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
	uint32_t id;                /* the frame's row */
	uint32_t env, strategy;     /* codes in names; strategy may be NO_CODE */
	uint8_t phase;              /* enum sl_phase */
	int64_t start;
	int64_t duration_ms;
	double raw[F_N];  /* original units; meaningful where known */
	uint16_t known;   /* bit f: raw[f] was in the data (else imputed) */
};

/* The frame's wanted rows, in frame order (start time, then deployment
 * id); a row's features in original units are recomputed from the frame
 * when asked for (features_row()), so the set holds 4 bytes a row besides
 * the matrix.  x is the
 * n x F_N standardized matrix in the same order: nulls replaced by the
 * column's median (of the known values; 0 when none), then (v - mean) / sd
 * with the population sd; a column with sd 0 is all 0.  patterns_add()
 * gives x to DBSCAN, which reorders it, and frees it (x is NULL after):
 * a value is recomputed bit for bit by features_z(). */
struct feature_set {
	const struct sl_dict *names; /* the frame's: environments, strategies */
	const struct frame *f;       /* the frame: ids of the rows */
	size_t n;
	uint32_t *frow;   /* the frame row of each row */
	double *x;
	uint16_t *known; /* row k's feature_row known bits (NULL when n is 0) */
	double median[F_N], mean[F_N], sd[F_N];
};

/* The frame's wanted rows (--env, --agent apply) into fs, which the
 * caller releases with features_release(); f must outlive fs. */
int features_from_frame(const struct frame *f, struct feature_set *fs, struct sl_errctx *err);
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
 * and "clusters". */
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
