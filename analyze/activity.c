#include "activity.h"
#include "common.h"
#include "window.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_scan.h"

#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL

struct day {
	int64_t day;
	uint64_t n, completed, failed, rolled_back, ndur;
	double dur; /* sum */
};

/* A deployment in an active phase: codes into the run's dictionary
 * (NONE when null). */
struct active {
	uint32_t id, agent, env, version, phase, strategy;
	int64_t start, deployed, target;
	uint8_t has_deployed, has_target;
};

#define NONE UINT32_MAX

struct ctx {
	uint64_t heat[7][24][2]; /* Monday first: deployments, failures */
	struct day *days;
	size_t ndays, dcap;
	struct active *act;
	size_t nact, acap;
	struct sl_dict *names;
	int utc;
};

enum { C_ID, C_AGENT, C_ENV, C_VERSION, C_PHASE, C_STRATEGY, C_START, C_DUR, C_ROLLBACK,
       C_DEPLOYED, C_TARGET, NC };
static const char *const colnames[NC] = {"deployment_id", "agent_id", "environment", "version",
					 "phase", "rollout_strategy", "start_time", "duration_ms",
					 "rollback_triggered", "deployed_instances",
					 "target_instances"};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The hour of the local clock (TZ was set by window_set_tz). */
static int local_hour(const struct ctx *cx, int64_t t)
{
	time_t s;
	struct tm tm;

	if (cx->utc)
		return (int)floor_div(t - floor_div(t, DAY_MS) * DAY_MS, HOUR_MS);
	s = (time_t)floor_div(t, 1000);
	if (!localtime_r(&s, &tm))
		return 0;
	return tm.tm_hour;
}

static struct day *day_of(struct ctx *cx, int64_t d)
{
	/* rows come roughly in time order: look from the end */
	for (size_t i = cx->ndays; i-- > 0;)
		if (cx->days[i].day == d)
			return &cx->days[i];
	if (sl_grow(&cx->days, &cx->dcap, cx->ndays + 1, sizeof(*cx->days)))
		return NULL;
	memset(&cx->days[cx->ndays], 0, sizeof(*cx->days));
	cx->days[cx->ndays].day = d;
	return &cx->days[cx->ndays++];
}

static int intern(struct ctx *cx, const struct sl_batch *b, int c, size_t r, uint32_t *code)
{
	size_t n;
	const char *s = sl_batch_get_str(b, c, r, &n);

	*code = NONE;
	return s ? sl_dict_intern(cx->names, s, n, code) : SL_OK;
}

static int add_row(struct ctx *cx, const struct sl_batch *b, size_t r, const int *col)
{
	size_t pn;
	const char *ph = sl_batch_get_str(b, col[C_PHASE], r, &pn);
	int64_t t = b->cols[col[C_START]].v.i64[r], d = window_day(t);
	int failed = is_str(ph, pn, "failed");
	int rolled = is_str(ph, pn, "rolled_back") ||
		     (!sl_batch_is_null(b, col[C_ROLLBACK], r) && b->cols[col[C_ROLLBACK]].v.u8[r]);
	/* 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday */
	int wd = (int)(((d % 7) + 7 + 3) % 7), h = local_hour(cx, t);
	struct day *dy;

	cx->heat[wd][h][0]++;
	cx->heat[wd][h][1] += failed;
	if (!(dy = day_of(cx, d)))
		return SL_ENOMEM;
	dy->n++;
	dy->completed += is_str(ph, pn, "completed");
	dy->failed += failed;
	dy->rolled_back += rolled;
	if (!sl_batch_is_null(b, col[C_DUR], r)) {
		dy->dur += (double)b->cols[col[C_DUR]].v.i64[r];
		dy->ndur++;
	}
	if (is_str(ph, pn, "pending") || is_str(ph, pn, "in_progress") ||
	    is_str(ph, pn, "rolling_out") || is_str(ph, pn, "validating")) {
		struct active *w;

		if (sl_grow(&cx->act, &cx->acap, cx->nact + 1, sizeof(*cx->act)))
			return SL_ENOMEM;
		w = &cx->act[cx->nact];
		memset(w, 0, sizeof(*w));
		if (intern(cx, b, col[C_ID], r, &w->id) || intern(cx, b, col[C_AGENT], r, &w->agent) ||
		    intern(cx, b, col[C_ENV], r, &w->env) ||
		    intern(cx, b, col[C_VERSION], r, &w->version) ||
		    intern(cx, b, col[C_PHASE], r, &w->phase) ||
		    intern(cx, b, col[C_STRATEGY], r, &w->strategy))
			return SL_ENOMEM;
		w->start = t;
		w->has_deployed = !sl_batch_is_null(b, col[C_DEPLOYED], r);
		w->deployed = b->cols[col[C_DEPLOYED]].v.i64[r];
		w->has_target = !sl_batch_is_null(b, col[C_TARGET], r);
		w->target = b->cols[col[C_TARGET]].v.i64[r];
		cx->nact++;
	}
	return SL_OK;
}

static int cmp_day(const void *x, const void *y)
{
	const struct day *a = x, *b = y;

	return (a->day > b->day) - (a->day < b->day);
}

static struct sl_table *heatmap_table(const struct ctx *cx)
{
	static const struct sl_rcol cols[] = {
		{"weekday", SL_R_I64}, {"weekday_name", SL_R_STR}, {"hour", SL_R_I64},
		{"deployments", SL_R_I64}, {"failures", SL_R_I64},
	};
	static const char *const wdname[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	struct sl_table *t = sl_table_new("heatmap", cols, 5);

	for (int w = 0; t && w < 7; w++)
		for (int h = 0; h < 24; h++) {
			if (sl_table_add_row(t) || sl_table_set_str(t, 1, wdname[w], 3)) {
				sl_table_free(t);
				return NULL;
			}
			sl_table_set_i64(t, 0, w);
			sl_table_set_i64(t, 2, h);
			sl_table_set_i64(t, 3, (int64_t)cx->heat[w][h][0]);
			sl_table_set_i64(t, 4, (int64_t)cx->heat[w][h][1]);
		}
	return t;
}

static struct sl_table *timeline_table(const struct ctx *cx)
{
	static const struct sl_rcol cols[] = {
		{"day", SL_R_DAY}, {"deployments", SL_R_I64}, {"completed", SL_R_I64},
		{"failed", SL_R_I64}, {"rolled_back", SL_R_I64}, {"avg_duration_ms", SL_R_F64},
	};
	struct sl_table *t = sl_table_new("timeline", cols, 6);

	for (size_t i = 0; t && i < cx->ndays; i++) {
		const struct day *d = &cx->days[i];

		if (sl_table_add_row(t)) {
			sl_table_free(t);
			return NULL;
		}
		sl_table_set_i64(t, 0, d->day);
		sl_table_set_i64(t, 1, (int64_t)d->n);
		sl_table_set_i64(t, 2, (int64_t)d->completed);
		sl_table_set_i64(t, 3, (int64_t)d->failed);
		sl_table_set_i64(t, 4, (int64_t)d->rolled_back);
		if (d->ndur)
			sl_table_set_f64(t, 5, d->dur / (double)d->ndur);
	}
	return t;
}

static int set_code(struct sl_table *t, int c, const struct sl_dict *d, uint32_t code)
{
	return code == NONE ? SL_OK : table_set_name(t, c, d, code);
}

static struct sl_table *active_table(const struct ctx *cx)
{
	static const struct sl_rcol cols[] = {
		{"deployment_id", SL_R_STR}, {"agent_id", SL_R_STR}, {"environment", SL_R_STR},
		{"version", SL_R_STR}, {"phase", SL_R_STR}, {"strategy", SL_R_STR},
		{"start_time", SL_R_TIME}, {"deployed_instances", SL_R_I64},
		{"target_instances", SL_R_I64}, {"progress", SL_R_F64},
	};
	struct sl_table *t = sl_table_new("active_deployments", cols, 10);

	for (size_t i = 0; t && i < cx->nact; i++) {
		const struct active *w = &cx->act[i];

		if (sl_table_add_row(t) || set_code(t, 0, cx->names, w->id) ||
		    set_code(t, 1, cx->names, w->agent) || set_code(t, 2, cx->names, w->env) ||
		    set_code(t, 3, cx->names, w->version) || set_code(t, 4, cx->names, w->phase) ||
		    set_code(t, 5, cx->names, w->strategy)) {
			sl_table_free(t);
			return NULL;
		}
		sl_table_set_i64(t, 6, w->start);
		if (w->has_deployed)
			sl_table_set_i64(t, 7, w->deployed);
		if (w->has_target)
			sl_table_set_i64(t, 8, w->target);
		/* progress = deployed / target, null without a positive target */
		if (w->has_deployed && w->has_target && w->target > 0)
			sl_table_set_f64(t, 9, (double)w->deployed / (double)w->target);
	}
	return t;
}

int activity_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err)
{
	struct ctx cx;
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	struct sl_table *t[3] = {NULL, NULL, NULL};
	int col[NC], rc;

	(void)f; /* not read from the frame yet */

	memset(&cx, 0, sizeof(cx));
	cx.utc = !p->tz || !strcmp(p->tz, "UTC") || !strcmp(p->tz, "Etc/UTC");
	if (!(cx.names = sl_dict_new()))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = scan_deployments_cols(st, p->from, p->to, colnames, NC, col, &sc, err)))
		goto out;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			size_t an, en;
			const char *agent = sl_batch_get_str(b, col[C_AGENT], r, &an);
			const char *env = sl_batch_get_str(b, col[C_ENV], r, &en);

			if (!sl_scan_in_window(sc, b, r) || !agent_env_wanted(p, agent, an, env, en))
				continue;
			if (add_row(&cx, b, r, col)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
		}
	if (rc < 0)
		goto out;
	sl_sort(cx.days, cx.ndays, sizeof(*cx.days), cmp_day);
	sort_by_start_id(cx.act, cx.nact, sizeof(*cx.act), offsetof(struct active, start),
			 offsetof(struct active, id), cx.names);
	if (!(t[0] = heatmap_table(&cx)) || !(t[1] = timeline_table(&cx)) ||
	    !(t[2] = active_table(&cx))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	rc = analysis_add_tables(a, t, 3, err);
out:
	sl_scan_close(sc);
	for (int i = 0; i < 3; i++)
		sl_table_free(t[i]);
	free(cx.days);
	free(cx.act);
	sl_dict_free(cx.names);
	return rc;
}
