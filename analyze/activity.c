#include "activity.h"
#include "common.h"
#include "frame.h"
#include "window.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sl_buf.h"
#include "sl_scan.h"

#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL

struct day {
	int64_t day;
	uint64_t n, completed, failed, rolled_back, ndur;
	double dur; /* sum */
};

struct ctx {
	uint64_t heat[7][24][2]; /* Monday first: deployments, failures */
	struct day *days;
	size_t ndays, dcap;
	uint32_t *act; /* frame rows in an active phase, in frame order */
	size_t nact;
	const struct frame *f;
	int utc;
};

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

static int add_row(struct ctx *cx, size_t i)
{
	const struct frame *f = cx->f;
	int64_t t = f->start[i], d = window_day(t), dur;
	int failed = f->phase[i] == SL_PHASE_FAILED;
	/* 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday */
	int wd = (int)(((d % 7) + 7 + 3) % 7), h = local_hour(cx, t);
	struct day *dy;

	cx->heat[wd][h][0]++;
	cx->heat[wd][h][1] += failed;
	if (!(dy = day_of(cx, d)))
		return SL_ENOMEM;
	dy->n++;
	dy->completed += frame_completed(f, i);
	dy->failed += failed;
	dy->rolled_back += frame_rolled_back(f, i);
	if (frame_duration(f, i, &dur)) {
		dy->dur += (double)dur;
		dy->ndur++;
	}
	if (sl_phase_active((enum sl_phase)f->phase[i]))
		cx->act[cx->nact++] = (uint32_t)i;
	return SL_OK;
}

static int cmp_day(const void *x, const void *y)
{
	const struct day *a = x, *b = y;

	return (a->day > b->day) - (a->day < b->day);
}

static struct sl_table *heatmap_table(const struct ctx *cx)
{
	static const char *const wdname[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	struct sl_table *t = sl_table_new_def(SL_T_HEATMAP);

	for (int w = 0; t && w < 7; w++)
		for (int h = 0; h < 24; h++) {
			if (sl_table_add_row(t) ||
			    sl_table_set_str(t, SL_HEATMAP_WEEKDAY_NAME, wdname[w], 3)) {
				sl_table_free(t);
				return NULL;
			}
			sl_table_set_i64(t, SL_HEATMAP_WEEKDAY, w);
			sl_table_set_i64(t, SL_HEATMAP_HOUR, h);
			sl_table_set_i64(t, SL_HEATMAP_DEPLOYMENTS, (int64_t)cx->heat[w][h][0]);
			sl_table_set_i64(t, SL_HEATMAP_FAILURES, (int64_t)cx->heat[w][h][1]);
		}
	return t;
}

static struct sl_table *timeline_table(const struct ctx *cx)
{
	struct sl_table *t = sl_table_new_def(SL_T_TIMELINE);

	for (size_t i = 0; t && i < cx->ndays; i++) {
		const struct day *d = &cx->days[i];

		if (sl_table_add_row(t)) {
			sl_table_free(t);
			return NULL;
		}
		sl_table_set_i64(t, SL_TIMELINE_DAY, d->day);
		sl_table_set_i64(t, SL_TIMELINE_DEPLOYMENTS, (int64_t)d->n);
		sl_table_set_i64(t, SL_TIMELINE_COMPLETED, (int64_t)d->completed);
		sl_table_set_i64(t, SL_TIMELINE_FAILED, (int64_t)d->failed);
		sl_table_set_i64(t, SL_TIMELINE_ROLLED_BACK, (int64_t)d->rolled_back);
		if (d->ndur)
			sl_table_set_f64(t, SL_TIMELINE_AVG_DURATION_MS, d->dur / (double)d->ndur);
	}
	return t;
}

static int set_code(struct sl_table *t, int c, const struct sl_dict *d, uint32_t code)
{
	return code == FRAME_NONE ? SL_OK : sl_table_set_name(t, c, d, code);
}

static struct sl_table *active_table(const struct ctx *cx)
{
	const struct frame *f = cx->f;
	struct sl_table *t = sl_table_new_def(SL_T_ACTIVE_DEPLOYMENTS);

	for (size_t k = 0; t && k < cx->nact; k++) {
		uint32_t i = cx->act[k];
		const char *ph = sl_phase_name((enum sl_phase)f->phase[i]);

		if (sl_table_add_row(t) ||
		    frame_table_set_id(t, SL_ACTIVE_DEPLOYMENTS_DEPLOYMENT_ID, f, i) ||
		    set_code(t, SL_ACTIVE_DEPLOYMENTS_AGENT_ID, f->names, f->agent[i]) ||
		    set_code(t, SL_ACTIVE_DEPLOYMENTS_ENVIRONMENT, f->names, f->env[i]) ||
		    set_code(t, SL_ACTIVE_DEPLOYMENTS_VERSION, f->names, f->version[i]) ||
		    sl_table_set_str(t, SL_ACTIVE_DEPLOYMENTS_PHASE, ph, strlen(ph)) ||
		    set_code(t, SL_ACTIVE_DEPLOYMENTS_STRATEGY, f->names, f->strategy[i])) {
			sl_table_free(t);
			return NULL;
		}
		sl_table_set_i64(t, SL_ACTIVE_DEPLOYMENTS_START_TIME, f->start[i]);
		if (f->deployed[i] != FRAME_NULL_COUNT)
			sl_table_set_i64(t, SL_ACTIVE_DEPLOYMENTS_DEPLOYED_INSTANCES,
					 f->deployed[i]);
		if (f->target[i] != FRAME_NULL_COUNT)
			sl_table_set_i64(t, SL_ACTIVE_DEPLOYMENTS_TARGET_INSTANCES, f->target[i]);
		/* progress = deployed / target, null without a positive target */
		if (f->deployed[i] != FRAME_NULL_COUNT && f->target[i] != FRAME_NULL_COUNT &&
		    f->target[i] > 0)
			sl_table_set_f64(t, SL_ACTIVE_DEPLOYMENTS_PROGRESS,
					 (double)f->deployed[i] / (double)f->target[i]);
	}
	return t;
}

int activity_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err)
{
	struct ctx cx;
	struct sl_table *t[3] = {NULL, NULL, NULL};
	int rc;

	(void)st;
	memset(&cx, 0, sizeof(cx));
	cx.f = f;
	cx.utc = !p->tz || !strcmp(p->tz, "UTC") || !strcmp(p->tz, "Etc/UTC");
	if (!(cx.act = malloc((f->n ? f->n : 1) * sizeof(*cx.act))))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (size_t i = 0; i < f->n; i++)
		if (f->wanted[i] && add_row(&cx, i)) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
	sl_sort(cx.days, cx.ndays, sizeof(*cx.days), cmp_day);
	if (!(t[0] = heatmap_table(&cx)) || !(t[1] = timeline_table(&cx)) ||
	    !(t[2] = active_table(&cx))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	rc = analysis_add_tables(a, t, 3, err);
out:
	for (int i = 0; i < 3; i++)
		sl_table_free(t[i]);
	free(cx.days);
	free(cx.act);
	return rc;
}
