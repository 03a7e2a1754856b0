#include "scorecard.h"
#include "common.h"
#include "frame.h"
#include "versions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_scan.h"
#include "sl_u64map.h"


/* A failed or rolled-back deployment and the first sign of its trouble. */
struct trouble {
	int64_t start, first_sign;
	uint32_t row;  /* in the frame */
	uint8_t has_sign;
};

struct ctx {
	struct trouble *t;
	size_t n, cap;
	struct sl_u64map byid;
};

/* The first signs the organisation's run of --team-dir found, by the row
 * of its frame, for the teams after it (scorecard.h). */
struct scorecard_cache {
	int64_t *first_sign;
	uint8_t *has_sign;
	size_t n;
	int ready;
};

struct scorecard_cache *scorecard_cache_new(void)
{
	return calloc(1, sizeof(struct scorecard_cache));
}

void scorecard_cache_free(struct scorecard_cache *c)
{
	if (!c)
		return;
	free(c->first_sign);
	free(c->has_sign);
	free(c);
}

/* Fills the cache from the troubles of the organisation's frame of n
 * rows.  0 or SL_ENOMEM. */
static int cache_fill(struct scorecard_cache *c, const struct ctx *cx, size_t n)
{
	if (!(c->first_sign = calloc(n ? n : 1, sizeof(*c->first_sign))) ||
	    !(c->has_sign = calloc(n ? n : 1, 1)))
		return SL_ENOMEM;
	for (size_t k = 0; k < cx->n; k++) {
		c->first_sign[cx->t[k].row] = cx->t[k].first_sign;
		c->has_sign[cx->t[k].row] = cx->t[k].has_sign;
	}
	c->n = n;
	c->ready = 1;
	return SL_OK;
}

/* The window's failures (failed or rolled back) of the --agent/--env. */
static int take_troubles(const struct frame *f, struct ctx *cx, struct sl_errctx *err)
{
	for (size_t i = 0; i < f->n; i++) {
		struct trouble *t;
		uint32_t *v;
		char buf[FRAME_ID_BUF];
		size_t n;
		const char *id;
		int added;

		if (!f->wanted[i] || !frame_failure(f, i))
			continue;
		id = frame_id(f, i, buf, &n);
		if (sl_grow(&cx->t, &cx->cap, cx->n + 1, sizeof(*cx->t)) ||
		    sl_u64map_put(&cx->byid, sl_hash(id, n), &v, &added))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		t = &cx->t[cx->n];
		memset(t, 0, sizeof(*t));
		t->start = f->start[i];
		t->row = (uint32_t)i;
		*v = (uint32_t)cx->n++;
	}
	return SL_OK;
}

/* The first failed validation or checkpoint of each troubled deployment:
 * when its trouble could first be seen. */
static int scan_signs(const struct analyze_params *p, const struct sl_store *st,
		      struct ctx *cx, enum sl_kind kind, struct sl_errctx *err)
{
	static const char *const names[] = {"deployment_id", "status", "timestamp"};
	struct sl_scan *sc;
	struct sl_batch *b;
	struct code_map ids = {0, NULL, 0};
	int col[3], rc;

	if ((rc = scan_follow_cols(st, kind, p->from, p->to, names, 3, col, &sc, err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			size_t sn;
			const char *s = sl_batch_get_str(b, col[1], r, &sn);
			uint32_t v;
			struct trouble *t;
			int64_t ts;

			if (!is_str(s, sn, "failed"))
				continue;
			if (scan_row_of(&ids, sc, b, r, col[0], &cx->byid, &v)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
			if (v == UINT32_MAX)
				continue;
			t = &cx->t[v];
			ts = b->cols[col[2]].v.i64[r];
			if (!t->has_sign || ts < t->first_sign)
				t->first_sign = ts;
			t->has_sign = 1;
		}
out:
	sl_scan_close(sc);
	code_map_release(&ids);
	return rc < 0 ? rc : SL_OK;
}

/* The value of column col of the row of table id whose column kc is key
 * ("overall", "all"). */
static double lookup(const struct sl_analysis *a, enum sl_tid id, int kc, const char *key, int col)
{
	const struct sl_table *t = sl_analysis_table(a, sl_tdef(id)->name);
	double v;

	if (!t)
		return NAN;
	for (size_t r = 0; r < sl_table_rows(t); r++) {
		const char *k = sl_table_get_str(t, kc, r);

		if (k && !strcmp(k, key))
			return sl_table_get_f64(t, col, r, &v) ? NAN : v;
	}
	return NAN;
}

struct target {
	const char *metric, *unit, *op;
};

/* in the order of config.h's SC_*; the bounds come from the config */
static const struct target targets[SC_NTARGETS] = {
	{"deployment_success_rate", "fraction", ">"},
	{"mean_time_to_deploy", "ms", "<"},
	{"rollback_rate", "fraction", "<"},
	{"detection_time", "ms", "<"},
	{"recovery_time", "ms", "<"},
	{"version_adoption_48h", "fraction", ">="},
	{"alert_false_positive_rate", "fraction", "<"},
};

int scorecard_run(const struct analyze_params *p, const struct sl_store *st,
		  const struct frame *f,
		  struct sl_analysis *a, struct sl_errctx *err)
{
	struct ctx cx;
	struct sl_table *t = NULL;
	int64_t *det = NULL;
	size_t ndet = 0;
	double value[7], samples[7];
	int rc;


	memset(&cx, 0, sizeof(cx));
	if ((rc = take_troubles(f, &cx, err)))
		goto out;
	if (p->scorecard_cache && p->scorecard_cache->ready) {
		/* a team of --team-dir: what the organisation's run read */
		const struct scorecard_cache *c = p->scorecard_cache;

		for (size_t k = 0; k < cx.n; k++) {
			uint32_t from = f->origin[cx.t[k].row];

			cx.t[k].first_sign = c->first_sign[from];
			cx.t[k].has_sign = c->has_sign[from];
		}
	} else if ((rc = scan_signs(p, st, &cx, SL_KIND_VALIDATIONS, err)) ||
		   (rc = scan_signs(p, st, &cx, SL_KIND_CHECKPOINTS, err))) {
		goto out;
	} else if (p->scorecard_cache && cache_fill(p->scorecard_cache, &cx, f->n)) {
		goto nomem;
	}
	if (!(det = malloc((cx.n ? cx.n : 1) * sizeof(*det))))
		goto nomem;
	for (size_t i = 0; i < cx.n; i++) {
		const struct trouble *tr = &cx.t[i];

		if (!tr->has_sign || tr->first_sign < tr->start)
			continue;
		det[ndet++] = tr->first_sign - tr->start;
	}
	value[0] = lookup(a, SL_T_SUMMARY, SL_SUMMARY_SCOPE, "overall", SL_SUMMARY_SUCCESS_RATE);
	samples[0] = lookup(a, SL_T_SUMMARY, SL_SUMMARY_SCOPE, "overall",
			    SL_SUMMARY_FINISHED_DEPLOYMENTS);
	value[1] = lookup(a, SL_T_SUMMARY, SL_SUMMARY_SCOPE, "overall", SL_SUMMARY_AVG_DURATION_MS);
	samples[1] =
		lookup(a, SL_T_SUMMARY, SL_SUMMARY_SCOPE, "overall", SL_SUMMARY_TOTAL_DEPLOYMENTS);
	value[2] = lookup(a, SL_T_SUMMARY, SL_SUMMARY_SCOPE, "overall", SL_SUMMARY_ROLLBACK_RATE);
	samples[2] = samples[0];
	value[3] = ndet ? (double)lower_median(det, ndet) : NAN;
	samples[3] = (double)ndet;
	/* recovery: the DORA key (production), one number on the page */
	value[4] = lookup(a, SL_T_DORA, SL_DORA_METRIC, "failed_deployment_recovery_time",
			  SL_DORA_VALUE);
	samples[4] = lookup(a, SL_T_DORA, SL_DORA_METRIC, "failed_deployment_recovery_time",
			    SL_DORA_SAMPLES);
	value[5] = versions_adoption_score(a, &samples[5]);
	value[6] = lookup(a, SL_T_ALERT_PRECISION, SL_ALERT_PRECISION_TYPE, "all",
			  SL_ALERT_PRECISION_FALSE_POSITIVE_RATE);
	samples[6] = lookup(a, SL_T_ALERT_PRECISION, SL_ALERT_PRECISION_TYPE, "all",
			    SL_ALERT_PRECISION_ALERTS);
	if (!(t = sl_table_new_def(SL_T_SCORECARD)))
		goto nomem;
	for (int k = 0; k < 7; k++) {
		const struct target *tg = &targets[k];
		double bound = p->cfg.scorecard[k];
		char tgt[48];
		double v = value[k];
		int met = !strcmp(tg->op, ">")	  ? v > bound
			  : !strcmp(tg->op, ">=") ? v >= bound
						  : v < bound;

		snprintf(tgt, sizeof(tgt), "%s %.15g", tg->op, bound);
		if (sl_table_add_row(t) ||
		    sl_table_set_str(t, SL_SCORECARD_METRIC, tg->metric, strlen(tg->metric)) ||
		    sl_table_set_str(t, SL_SCORECARD_UNIT, tg->unit, strlen(tg->unit)) ||
		    sl_table_set_str(t, SL_SCORECARD_TARGET, tgt, strlen(tgt)))
			goto nomem;
		sl_table_set_f64(t, SL_SCORECARD_VALUE, v);
		if (!isnan(samples[k]))
			sl_table_set_i64(t, SL_SCORECARD_SAMPLES, (int64_t)samples[k]);
		if (!isnan(v))
			sl_table_set_bool(t, SL_SCORECARD_MET, met); /* unknown stays null */
	}
	rc = sl_analysis_add(a, t) ? sl_err_set(err, SL_ENOMEM, NULL, 0, NULL) : SL_OK;
	t = NULL;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(t);
	free(det);
	free(cx.t);
	sl_u64map_release(&cx.byid);
	return rc;
}
