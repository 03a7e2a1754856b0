#include "health.h"
#include "common.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_scan.h"
#include "sl_u64map.h"


struct row {
	uint32_t id, agent, env, phase; /* codes in the run's dictionary */
	int64_t start, dur;
	uint8_t has_dur;
	double success, no_rollback, performance, speed;
	uint32_t vpassed, vtotal;
	uint32_t group; /* agent × environment */
};

struct ctx {
	struct sl_dict *names;
	struct row *rows;
	size_t n, cap;
	struct sl_u64map byid; /* deployment id hash -> row */
};

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

enum { C_ID, C_AGENT, C_ENV, C_PHASE, C_START, C_DUR, C_TARGET, C_HEALTHY, C_ROLLBACK,
       C_LAT, C_ERR, NC };
static const char *const colnames[NC] = {
	"deployment_id", "agent_id", "environment", "phase", "start_time", "duration_ms",
	"target_instances", "healthy_instances", "rollback_triggered", "latency_change",
	"error_rate_change"};

static int num(const struct sl_batch *b, int c, size_t r, double *v)
{
	if (sl_batch_is_null(b, c, r))
		return 0;
	*v = b->cols[c].type == SL_F64 ? b->cols[c].v.f64[r] : (double)b->cols[c].v.i64[r];
	return 1;
}

static int take(struct ctx *cx, const struct analyze_params *p, const struct sl_batch *b,
		size_t r, const int *col)
{
	size_t n[4];
	const char *s[4];
	struct row *w;
	double target, healthy, lat = 0, er = 0;
	int rolled;
	uint32_t *v;
	int added;

	for (int k = 0; k < 4; k++)
		s[k] = sl_batch_get_str(b, col[k], r, &n[k]);
	if (!s[0] || !s[1] || !s[2] || !s[3])
		return SL_OK;
	if (!agent_env_wanted(p, s[1], n[1], s[2], n[2]))
		return SL_OK;
	if (sl_grow(&cx->rows, &cx->cap, cx->n + 1, sizeof(*cx->rows)))
		return SL_ENOMEM;
	w = &cx->rows[cx->n];
	memset(w, 0, sizeof(*w));
	if (sl_dict_intern(cx->names, s[0], n[0], &w->id) ||
	    sl_dict_intern(cx->names, s[1], n[1], &w->agent) ||
	    sl_dict_intern(cx->names, s[2], n[2], &w->env) ||
	    sl_dict_intern(cx->names, s[3], n[3], &w->phase))
		return SL_ENOMEM;
	w->start = b->cols[col[C_START]].v.i64[r];
	w->has_dur = !sl_batch_is_null(b, col[C_DUR], r);
	w->dur = b->cols[col[C_DUR]].v.i64[r];
	/* success: healthy / target, clamped; without a target, whether it
	 * completed */
	if (num(b, col[C_TARGET], r, &target) && target > 0 && num(b, col[C_HEALTHY], r, &healthy))
		w->success = clamp01(healthy / target);
	else
		w->success = is_str(s[3], n[3], "completed");
	rolled = is_str(s[3], n[3], "rolled_back") ||
		 (!sl_batch_is_null(b, col[C_ROLLBACK], r) && b->cols[col[C_ROLLBACK]].v.u8[r]);
	w->no_rollback = !rolled;
	/* performance: a missing change counts as no change */
	num(b, col[C_LAT], r, &lat);
	num(b, col[C_ERR], r, &er);
	w->performance = clamp01(1 - (lat > 0 ? lat : 0) - 10 * (er > 0 ? er : 0));
	if (sl_u64map_put(&cx->byid, sl_hash(s[0], n[0]), &v, &added))
		return SL_ENOMEM;
	*v = (uint32_t)cx->n++;
	return SL_OK;
}

static int scan_validations(const struct analyze_params *p, const struct sl_store *st,
			    struct ctx *cx, struct sl_errctx *err)
{
	static const char *const names[] = {"deployment_id", "status"};
	struct sl_scan *sc;
	struct sl_batch *b;
	int col[2], rc;

	if ((rc = scan_follow_cols(st, SL_KIND_VALIDATIONS, p->from, p->to, names, 2, col, &sc,
				   err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			size_t sn;
			const char *status = sl_batch_get_str(b, col[1], r, &sn);
			uint32_t *v = scan_row_index(sc, b, r, col[0], &cx->byid);

			if (!v || is_str(status, sn, "skipped"))
				continue;
			cx->rows[*v].vtotal++;
			cx->rows[*v].vpassed += is_str(status, sn, "passed");
		}
	sl_scan_close(sc);
	return rc < 0 ? rc : SL_OK;
}

/* Lower median duration of each agent × environment, over deployments
 * that have a duration; each row learns its group. */
static int group_medians(struct ctx *cx, int64_t **medians, uint8_t **has)
{
	static const struct row_fields f = {
		sizeof(struct row), offsetof(struct row, agent), offsetof(struct row, env),
		offsetof(struct row, dur), offsetof(struct row, has_dur), offsetof(struct row, group),
	};

	return group_rank_rows(cx->rows, cx->n, &f, RANK_LOWER_MEDIAN, medians, has);
}

int health_run(const struct analyze_params *p, const struct sl_store *st,
	       struct sl_analysis *a, struct sl_errctx *err)
{
	static const struct sl_rcol cols[] = {
		{"deployment_id", SL_R_STR}, {"agent_id", SL_R_STR},   {"environment", SL_R_STR},
		{"start_time", SL_R_TIME},   {"phase", SL_R_STR},      {"success", SL_R_F64},
		{"no_rollback", SL_R_F64},   {"validation", SL_R_F64}, {"performance", SL_R_F64},
		{"speed", SL_R_F64},         {"health_score", SL_R_F64},
	};
	struct ctx cx;
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	struct sl_table *t = NULL;
	int64_t *med = NULL;
	uint8_t *has_med = NULL;
	int col[NC], rc;

	memset(&cx, 0, sizeof(cx));
	if (!(cx.names = sl_dict_new()))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = scan_deployments_cols(st, p->from, p->to, colnames, NC, col, &sc,
					  err)))
		goto out;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++)
			if (sl_scan_in_window(sc, b, r) && take(&cx, p, b, r, col)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
	if (rc < 0 || (rc = scan_validations(p, st, &cx, err)))
		goto out;
	if (group_medians(&cx, &med, &has_med) || !(t = sl_table_new_stream(a, "health_scores", cols, 11))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (size_t i = 0; i < cx.n; i++) {
		struct row *w = &cx.rows[i];

		/* speed: the group's median over this duration, clamped to 1; a
		 * deployment without a duration is not known to be slow */
		w->speed = w->has_dur && w->dur > 0 && has_med[w->group]
				   ? clamp01((double)med[w->group] / (double)w->dur)
				   : 1;
	}
	sort_by_start_id(cx.rows, cx.n, sizeof(*cx.rows), offsetof(struct row, start),
			 offsetof(struct row, id), cx.names);
	for (size_t i = 0; i < cx.n; i++) {
		const struct row *w = &cx.rows[i];
		double validation = w->vtotal ? (double)w->vpassed / w->vtotal : 1;
		const double *wt = p->cfg.health_weight;
		double score = 100 * (wt[0] * w->success + wt[1] * w->no_rollback +
				      wt[2] * validation + wt[3] * w->performance + wt[4] * w->speed);

		if (sl_table_add_row(t) || table_set_name(t, 0, cx.names, w->id) ||
		    table_set_name(t, 1, cx.names, w->agent) || table_set_name(t, 2, cx.names, w->env) ||
		    table_set_name(t, 4, cx.names, w->phase)) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
		sl_table_set_i64(t, 3, w->start);
		sl_table_set_f64(t, 5, w->success);
		sl_table_set_f64(t, 6, w->no_rollback);
		sl_table_set_f64(t, 7, validation);
		sl_table_set_f64(t, 8, w->performance);
		sl_table_set_f64(t, 9, w->speed);
		sl_table_set_f64(t, 10, score);
	}
	rc = sl_analysis_add(a, t) ? sl_err_set(err, SL_ENOMEM, NULL, 0, NULL) : SL_OK;
	t = NULL;
out:
	sl_scan_close(sc);
	sl_table_free(t);
	free(med);
	free(has_med);
	sl_dict_free(cx.names);
	sl_u64map_release(&cx.byid);
	free(cx.rows);
	return rc;
}
