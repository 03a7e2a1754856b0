#include "alerts.h"
#include "common.h"
#include "frame.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_hash.h"
#include "sl_u64map.h"

enum { A_SLOW, A_FAIL, A_VALID, NTYPES };
static const char *const type_names[NTYPES] = {"SLOW_DEPLOYMENT", "HIGH_FAILURE_RATE",
					       "VALIDATION_FAILED"};

/* A failure's alert is critical in the configured environments
 * (production by default) and a warning elsewhere; a slow deployment is a
 * warning everywhere. */
static const char *severity(const struct analyze_config *cf, const struct frame *f, size_t i,
			    int type)
{
	size_t n;
	const char *env = frame_name(f, f->env[i], &n);

	return type != A_SLOW && config_critical_env(cf, env, n) ? "critical" : "warning";
}

/* Whether a later incident or rollback confirmed an alert on row i. */
static int confirmed(const struct frame *f, size_t i)
{
	return frame_rolled_back(f, i) || f->incident[i];
}

static int add_alert(struct sl_table *t, const struct frame *f, size_t i, int type,
		     const char *sev, const char *msg)
{
	if (sl_table_add_row(t) || frame_table_set_id(t, SL_ALERTS_DEPLOYMENT_ID, f, i) ||
	    sl_table_set_name(t, SL_ALERTS_AGENT_ID, f->names, f->agent[i]) ||
	    sl_table_set_name(t, SL_ALERTS_ENVIRONMENT, f->names, f->env[i]))
		return SL_ENOMEM;
	sl_table_set_i64(t, SL_ALERTS_START_TIME, f->start[i]);
	if (sl_table_set_str(t, SL_ALERTS_TYPE, type_names[type], strlen(type_names[type])) ||
	    sl_table_set_str(t, SL_ALERTS_SEVERITY, sev, strlen(sev)) ||
	    sl_table_set_str(t, SL_ALERTS_MESSAGE, msg, strlen(msg)))
		return SL_ENOMEM;
	sl_table_set_bool(t, SL_ALERTS_CONFIRMED, confirmed(f, i));
	return SL_OK;
}

/* The alerts of one agent, environment and type. */
struct agroup {
	uint32_t agent, env;
	int type, critical;
	uint64_t n;
	int64_t first, last;
};

struct groups {
	struct sl_u64map map;
	struct agroup *g;
	size_t n, cap;
};

static int group_add(struct groups *gs, const struct frame *f, size_t i, int type, int critical)
{
	uint32_t k[3] = {f->agent[i], f->env[i], (uint32_t)type}, *v;
	int added;
	struct agroup *g;

	if (sl_u64map_put(&gs->map, sl_hash(k, sizeof(k)), &v, &added))
		return SL_ENOMEM;
	if (added) {
		if (sl_grow(&gs->g, &gs->cap, gs->n + 1, sizeof(*gs->g)))
			return SL_ENOMEM;
		*v = (uint32_t)gs->n;
		gs->g[gs->n++] = (struct agroup){f->agent[i], f->env[i], type, critical, 0,
						 f->start[i], f->start[i]};
	}
	g = &gs->g[*v];
	if (g->agent != f->agent[i] || g->env != f->env[i] || g->type != type)
		return SL_ENOMEM; /* a 64-bit hash collision: reported as out of memory */
	g->n++;
	/* rows come in frame order: the last start is the latest */
	g->last = f->start[i];
	return SL_OK;
}

static _Thread_local const struct sl_dict *sort_names;

/* Worst first: critical, then more alerts, then by agent, environment and
 * type. */
static int cmp_group(const void *x, const void *y)
{
	const struct agroup *a = x, *b = y;
	int c;

	if (a->critical != b->critical)
		return b->critical - a->critical;
	if (a->n != b->n)
		return (a->n < b->n) - (a->n > b->n);
	if ((c = names_cmp(sort_names, a->agent, b->agent)) ||
	    (c = names_cmp(sort_names, a->env, b->env)))
		return c;
	return a->type - b->type;
}

static int groups_table(struct groups *gs, const struct frame *f, struct sl_table *t)
{
	sort_names = f->names;
	sl_sort(gs->g, gs->n, sizeof(*gs->g), cmp_group);
	for (size_t k = 0; k < gs->n; k++) {
		const struct agroup *g = &gs->g[k];
		const char *sev = g->critical ? "critical" : "warning";

		if (sl_table_add_row(t) ||
		    sl_table_set_name(t, SL_ALERT_GROUPS_AGENT_ID, f->names, g->agent) ||
		    sl_table_set_name(t, SL_ALERT_GROUPS_ENVIRONMENT, f->names, g->env) ||
		    sl_table_set_str(t, SL_ALERT_GROUPS_TYPE, type_names[g->type],
				     strlen(type_names[g->type])) ||
		    sl_table_set_str(t, SL_ALERT_GROUPS_SEVERITY, sev, strlen(sev)))
			return SL_ENOMEM;
		sl_table_set_i64(t, SL_ALERT_GROUPS_ALERTS, (int64_t)g->n);
		sl_table_set_i64(t, SL_ALERT_GROUPS_FIRST, g->first);
		sl_table_set_i64(t, SL_ALERT_GROUPS_LAST, g->last);
	}
	return SL_OK;
}

int alerts_run(const struct analyze_params *p, const struct sl_store *st,
	       const struct frame *f,
	       struct sl_analysis *a, struct sl_errctx *err)
{
	struct sl_table *t = NULL, *pt = NULL, *gt = NULL;
	struct groups gs;
	uint8_t *hasmed = NULL;
	int64_t *med = NULL;
	uint32_t *group = malloc((f->n ? f->n : 1) * sizeof(*group));
	/* by type and severity (0 critical, 1 warning); [NTYPES][0]: all */
	uint64_t nalert[NTYPES + 1][2] = {{0}}, nconf[NTYPES + 1][2] = {{0}};
	uint64_t nfin = 0, nfin_conf = 0;
	double base;
	int rc;
	char msg[160];

	(void)st;
	memset(&gs, 0, sizeof(gs));
	/* slow is measured against deployments done the same way (agent ×
	 * environment × strategy: a canary takes many times a recreate) */
	if (!group || frame_group_durations(f, RANK_LOWER_MEDIAN, 1, group, &med, &hasmed) ||
	    !(t = sl_table_new_stream_def(a, SL_T_ALERTS)) ||
	    !(gt = sl_table_new_def(SL_T_ALERT_GROUPS)) ||
	    !(pt = sl_table_new_def(SL_T_ALERT_PRECISION))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (size_t i = 0; i < f->n; i++) {
		int fire[NTYPES];
		int64_t dur;
		uint32_t g = group[i];

		if (!f->wanted[i])
			continue;
		if (frame_finished(f, i)) {
			nfin++;
			nfin_conf += confirmed(f, i);
		}
		/* slower than slow_factor x the median of its agent,
		 * environment and strategy */
		fire[A_SLOW] = frame_duration(f, i, &dur) && hasmed[g] &&
			       (double)dur > p->cfg.alert_slow_factor * (double)med[g];
		/* more than the configured share (10%) of the target failed; a
		 * double 0.1 is a hair above 1/10, so exactly 10% never fires */
		fire[A_FAIL] = f->failed[i] != FRAME_NULL_COUNT && f->target[i] != FRAME_NULL_COUNT &&
			       (double)f->failed[i] >
				       p->cfg.alert_failure_fraction * (double)f->target[i];
		fire[A_VALID] = f->val_failed[i] > 0;
		for (int k = 0; k < NTYPES; k++) {
			const char *sev;

			if (!fire[k])
				continue;
			if (k == A_SLOW)
				snprintf(msg, sizeof(msg),
					 "duration %lld ms is %.1fx the median (%lld ms) of its agent, "
					 "environment and strategy", (long long)dur,
					 (double)dur / (double)med[g], (long long)med[g]);
			else if (k == A_FAIL)
				snprintf(msg, sizeof(msg), "%lld of %lld target instances failed",
					 (long long)f->failed[i], (long long)f->target[i]);
			else
				snprintf(msg, sizeof(msg), "%u validation%s failed", f->val_failed[i],
					 f->val_failed[i] == 1 ? "" : "s");
			sev = severity(&p->cfg, f, i, k);
			if (add_alert(t, f, i, k, sev, msg) ||
			    group_add(&gs, f, i, k, sev[0] == 'c')) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
			nalert[k][sev[0] != 'c']++;
			nconf[k][sev[0] != 'c'] += confirmed(f, i);
			nalert[NTYPES][0]++;
			nconf[NTYPES][0] += confirmed(f, i);
		}
	}
	if (groups_table(&gs, f, gt)) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	/* how often anything is confirmed, alert or not: precision means
	 * something only above it */
	base = nfin ? (double)nfin_conf / (double)nfin : NAN;
	/* a row per type and severity (a slow deployment is only ever a
	 * warning), then all */
	for (int k = 0; k <= NTYPES; k++)
		for (int v = k == A_SLOW || k == NTYPES; v < 2; v++) {
			const char *tn = k < NTYPES ? type_names[k] : "all";
			const char *sev = v ? "warning" : "critical";
			int c = k < NTYPES ? v : 0;
			double prec = nalert[k][c] ? (double)nconf[k][c] / (double)nalert[k][c] : NAN;

			if (sl_table_add_row(pt) ||
			    sl_table_set_str(pt, SL_ALERT_PRECISION_TYPE, tn, strlen(tn)) ||
			    (k < NTYPES && sl_table_set_str(pt, SL_ALERT_PRECISION_SEVERITY, sev,
							    strlen(sev)))) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
			sl_table_set_i64(pt, SL_ALERT_PRECISION_ALERTS, (int64_t)nalert[k][c]);
			sl_table_set_i64(pt, SL_ALERT_PRECISION_CONFIRMED, (int64_t)nconf[k][c]);
			sl_table_set_f64(pt, SL_ALERT_PRECISION_PRECISION, prec);
			sl_table_set_f64(pt, SL_ALERT_PRECISION_FALSE_POSITIVE_RATE, 1 - prec);
			sl_table_set_f64(pt, SL_ALERT_PRECISION_BASE_RATE, base);
			sl_table_set_f64(pt, SL_ALERT_PRECISION_LIFT, base > 0 ? prec / base : NAN);
		}
	{
		struct sl_table *all[] = {t, gt, pt};

		t = pt = gt = NULL;
		rc = analysis_add_tables(a, all, 3, err);
	}
out:
	sl_table_free(t);
	sl_table_free(pt);
	sl_table_free(gt);
	sl_u64map_release(&gs.map);
	free(gs.g);
	free(group);
	free(med);
	free(hasmed);
	return rc;
}
