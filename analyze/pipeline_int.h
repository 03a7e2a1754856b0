/* pipeline_int.h - what pipeline.c, gates.c and the pipeline queries
 * share: every pipeline of the window with its analysis, and the duration
 * model.  Not for the other analyses. */
#ifndef ANALYZE_PIPELINE_INT_H
#define ANALYZE_PIPELINE_INT_H

#include "pipeline.h"
#include "runs.h"
#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_fsum.h"

/* The figures of a set of pipeline runs (pipelines, pipeline_branches,
 * pipeline_days): executions (a repeated row of an execution counted
 * once), finished, successful, failed or cancelled, and the nearest-rank
 * p50 and p95 of the finished runs' durations (nd of them). */
struct pl_fig {
	uint64_t exec, fin, ok, bad;
	size_t nd;
	int64_t p50, p95;
};

/* A group's figures: key a branch's code (RUNS_NONE: null) or a local day. */
struct pl_keyfig {
	int64_t key;
	struct pl_fig fig;
};

/* The duration model's samples of a pipeline, summed exactly per
 * combination of its factors (PL_COMBOS: the time of day, weekend, the
 * trigger): the fit is a function of the set of runs, and the map's tasks
 * add up to one run's. */
#define PL_COMBOS 32
struct pl_msum {
	uint64_t n;
	struct sl_fsum s, q; /* log duration, its square */
};

/* A pipeline of the window; its stages and runs are the runs model's. */
struct pl_pipe {
	uint32_t code;
	const uint32_t *stages;	/* stage codes by name; index = pl_run.stage */
	size_t nstages;
	size_t x0, x1;		/* its pipeline runs: rows of A->R */
	size_t nexec, nruns;	/* executions (repeats once), stage runs */
	int64_t *queue;		/* run start to first stage start, per execution */
	size_t nqueue, queuecap;
	struct pl_acc *acc;	/* while its stage runs are read */
	struct pl_result res;
	int analysed;
	struct sl_buf warning;	/* "; "-joined messages */
	/* what the tables show, found by pipeline_build() or the reduce */
	struct pl_fig fig;
	int64_t queue_p50;
	uint8_t has_queue;
	struct pl_keyfig *grp[2]; /* per branch (byte order, null last), per local day */
	size_t ngrp[2];
	struct pl_msum *msum;	/* PL_COMBOS, or NULL: no sample */
};

/* The duration model's factors: log(duration / critical path) =
 * sum of coef[k] x[k]. */
enum { PF_INTERCEPT, PF_NIGHT, PF_AFTERNOON, PF_EVENING, PF_WEEKEND, PF_PULL_REQUEST,
       PF_MANUAL, PF_SCHEDULE, PF_N };
extern const char *const pipeline_factor_names[PF_N];
extern const char *const pipeline_kind_names[PL_S_NKINDS];

struct pl_model {
	int fitted;
	uint8_t used[PF_N];
	size_t ones[PF_N], samples;
	double coef[PF_N], cov[PF_N][PF_N], sigma2, dof;
};

struct pl_all {
	struct runs R;
	struct sl_dict *names;	/* R's */
	struct pl_pipe *pipes;	/* by name, as R.pipes */
	size_t npipes;
	struct pl_model model;
	struct pl_config cfg;
	struct pl_run *xruns;	/* one execution's runs, while they are read */
	size_t xcap;
};

/* Scans and analyses every pipeline of the window (quiet: no warnings on
 * stderr).  *A is always to be released. */
int pipeline_build(const struct analyze_params *p, const struct sl_store *st, struct pl_all *A,
		   int quiet, struct sl_errctx *err);
void pipeline_all_release(struct pl_all *A);

/* The steps of pipeline_build(), for the map and the reduce
 * (mapred_pl.c): a pipeline's graph and pl_acc from its runs model
 * entry (A->R: its stages and depends_on), the stream's callbacks, the
 * results and warnings after it, the duration model from the pipelines'
 * msum, and the tables. */
void pipeline_config(const struct analyze_config *c, struct pl_config *pc);
int pipeline_begin(struct pl_all *A, struct pl_pipe *pp, const struct runs_pipe *rp);
int pipeline_on_row(void *A, const struct runs_stage *w);
int pipeline_on_exec(void *A, const struct runs_stage *rows, size_t n);
int pipeline_end(struct pl_all *A, struct pl_pipe *pp, struct runs_pipe *rp);
int pipeline_fit(struct pl_all *A);
int pipeline_write(const struct pl_all *A, const struct analyze_config *c,
		   struct sl_analysis *a);
/* The combination of factors of a run (0 .. PL_COMBOS - 1), and its
 * factors. */
int pipeline_combo(int64_t start, const char *trigger, size_t tn);
void pipeline_combo_x(int combo, double *x);
/* The nearest rank q of n values: the index of the value in their order. */
size_t pipeline_rank(size_t n, double q);

/* Features of an execution starting at start (UTC) with that trigger. */
void pipeline_features(int64_t start, const char *trigger, size_t tn, double *x);
/* The model's prediction for a critical path of cp_ms under x, with its
 * 90% prediction interval.  -1 when there is no model. */
int pipeline_predict(const struct pl_model *m, int64_t cp_ms, const double *x, double *mid,
		     double *lo, double *hi);
int pipeline_suggestion_text(const struct pl_all *A, const struct pl_pipe *pp,
			     const struct pl_suggestion *s, char *buf, size_t cap);
/* gates.c: the "gates" table: the distinct gate_results rows (of the
 * fields it reads) with their counts, from the store (gates_scan over
 * [from, to)) or added (the reduce), then the table. */
struct gates;
struct gates *gates_new(void);
void gates_free(struct gates *g);
/* undated: with the rows of no day (their pipeline run was not known) */
int gates_scan(const struct sl_store *st, int64_t from, int64_t to, int undated,
	       struct gates *g, struct sl_errctx *err);
/* s, n: the gate's name, type, metric and operator, s[k] NULL when null */
int gates_add(struct gates *g, const char *const s[4], const size_t n[4], int has_threshold,
	      double threshold, int passed, int failed, uint64_t count);
typedef int (*gates_fn)(void *ctx, const char *const s[4], const size_t n[4],
			int has_threshold, double threshold, int passed, int failed,
			uint64_t count);
int gates_each(const struct gates *g, gates_fn f, void *ctx);
int gates_table(struct gates *g, const struct analyze_config *c, struct sl_analysis *a);
int gates_run(const struct analyze_params *p, const struct sl_store *st, struct sl_analysis *a,
	      struct sl_errctx *err);

#endif
