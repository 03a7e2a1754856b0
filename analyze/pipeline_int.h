/* pipeline_int.h - what pipeline.c, gates.c and the pipeline queries
 * share: every pipeline of the window with its analysis, and the duration
 * model.  Not for the other analyses. */
#ifndef ANALYZE_PIPELINE_INT_H
#define ANALYZE_PIPELINE_INT_H

#include "pipeline.h"
#include "runs.h"
#include "sl_buf.h"
#include "sl_dict.h"

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

/* Features of an execution starting at start (UTC) with that trigger. */
void pipeline_features(int64_t start, const char *trigger, size_t tn, double *x);
/* The model's prediction for a critical path of cp_ms under x, with its
 * 90% prediction interval.  -1 when there is no model. */
int pipeline_predict(const struct pl_model *m, int64_t cp_ms, const double *x, double *mid,
		     double *lo, double *hi);
int pipeline_suggestion_text(const struct pl_all *A, const struct pl_pipe *pp,
			     const struct pl_suggestion *s, char *buf, size_t cap);
/* gates.c: the "gates" table. */
int gates_run(const struct analyze_params *p, const struct sl_store *st, struct sl_analysis *a,
	      struct sl_errctx *err);

#endif
