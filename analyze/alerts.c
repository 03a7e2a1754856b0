#include "alerts.h"
#include "common.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_scan.h"
#include "sl_u64map.h"


struct dep {
	uint32_t id, agent, env;
	int64_t start, dur, failed, target;
	uint8_t has_dur, has_failed, has_target, rolled_back, incident;
	uint32_t vfailed;     /* failed validations */
	uint32_t group;       /* agent × environment */
	uint8_t slow;         /* duration above the group's p95 */
	int64_t p95;
};

struct ctx {
	struct sl_dict *names;
	struct dep *d;
	size_t n, cap;
	struct sl_u64map byid;
};

enum { C_ID, C_AGENT, C_ENV, C_PHASE, C_START, C_DUR, C_FAILED, C_TARGET, C_ROLLBACK, NC };
static const char *const colnames[NC] = {"deployment_id", "agent_id", "environment", "phase",
					 "start_time", "duration_ms", "failed_instances",
					 "target_instances", "rollback_triggered"};

static int take(struct ctx *cx, const struct analyze_params *p, const struct sl_batch *b,
		size_t r, const int *col)
{
	size_t in, an, en, pn;
	const char *id = sl_batch_get_str(b, col[C_ID], r, &in);
	const char *agent = sl_batch_get_str(b, col[C_AGENT], r, &an);
	const char *env = sl_batch_get_str(b, col[C_ENV], r, &en);
	const char *ph = sl_batch_get_str(b, col[C_PHASE], r, &pn);
	struct dep *d;
	uint32_t *v;
	int added;

	if (!id || !agent || !env || !agent_env_wanted(p, agent, an, env, en))
		return SL_OK;
	if (sl_grow(&cx->d, &cx->cap, cx->n + 1, sizeof(*cx->d)))
		return SL_ENOMEM;
	d = &cx->d[cx->n];
	memset(d, 0, sizeof(*d));
	if (sl_dict_intern(cx->names, id, in, &d->id) ||
	    sl_dict_intern(cx->names, agent, an, &d->agent) ||
	    sl_dict_intern(cx->names, env, en, &d->env))
		return SL_ENOMEM;
	d->start = b->cols[col[C_START]].v.i64[r];
	d->has_dur = !sl_batch_is_null(b, col[C_DUR], r);
	d->dur = b->cols[col[C_DUR]].v.i64[r];
	d->has_failed = !sl_batch_is_null(b, col[C_FAILED], r);
	d->failed = b->cols[col[C_FAILED]].v.i64[r];
	d->has_target = !sl_batch_is_null(b, col[C_TARGET], r);
	d->target = b->cols[col[C_TARGET]].v.i64[r];
	d->rolled_back = is_str(ph, pn, "rolled_back") ||
			 (!sl_batch_is_null(b, col[C_ROLLBACK], r) && b->cols[col[C_ROLLBACK]].v.u8[r]);
	if (sl_u64map_put(&cx->byid, sl_hash(id, in), &v, &added))
		return SL_ENOMEM;
	*v = (uint32_t)cx->n++;
	return SL_OK;
}

/* Failed validations, and incidents naming a deployment: a child row's
 * deployment_id looked up among the window's deployments. */
static int scan_children(const struct analyze_params *p, const struct sl_store *st,
			 struct ctx *cx, enum sl_kind kind, struct sl_errctx *err)
{
	static const char *const names[] = {"deployment_id", "status"};
	struct sl_scan *sc;
	struct sl_batch *b;
	int col[2], rc;

	/* validations come within the rollout; incidents may come much later */
	if ((rc = scan_follow_cols(st, kind, p->from,
				   kind == SL_KIND_INCIDENTS ? SL_TIME_MAX : p->to, names,
				   kind == SL_KIND_VALIDATIONS ? 2 : 1, col, &sc, err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			uint32_t *v = scan_row_index(sc, b, r, col[0], &cx->byid);

			if (!v)
				continue;
			if (kind == SL_KIND_INCIDENTS) {
				cx->d[*v].incident = 1;
			} else {
				size_t sn;
				const char *s = sl_batch_get_str(b, col[1], r, &sn);

				cx->d[*v].vfailed += is_str(s, sn, "failed");
			}
		}
	sl_scan_close(sc);
	return rc < 0 ? rc : SL_OK;
}

/* Nearest-rank p95 of the known durations of each agent × environment. */
static int group_p95(struct ctx *cx, int64_t **p95, uint8_t **has)
{
	static const struct row_fields f = {
		sizeof(struct dep), offsetof(struct dep, agent), offsetof(struct dep, env),
		offsetof(struct dep, dur), offsetof(struct dep, has_dur), offsetof(struct dep, group),
	};

	return group_rank_rows(cx->d, cx->n, &f, RANK_P95_NEAREST, p95, has);
}

enum { A_SLOW, A_FAIL, A_VALID, NTYPES };
static const char *const type_names[NTYPES] = {"SLOW_DEPLOYMENT", "HIGH_FAILURE_RATE",
					       "VALIDATION_FAILED"};
static const char *const severities[NTYPES] = {"warning", "critical", "critical"};

static int add_alert(struct sl_table *t, const struct dep *d, const struct sl_dict *names,
		     int type, const char *msg)
{
	if (sl_table_add_row(t) || table_set_name(t, 0, names, d->id) ||
	    table_set_name(t, 1, names, d->agent) || table_set_name(t, 2, names, d->env))
		return SL_ENOMEM;
	sl_table_set_i64(t, 3, d->start);
	if (sl_table_set_str(t, 4, type_names[type], strlen(type_names[type])) ||
	    sl_table_set_str(t, 5, severities[type], strlen(severities[type])) ||
	    sl_table_set_str(t, 6, msg, strlen(msg)))
		return SL_ENOMEM;
	sl_table_set_bool(t, 7, d->rolled_back || d->incident);
	return SL_OK;
}

int alerts_run(const struct analyze_params *p, const struct sl_store *st,
	       struct sl_analysis *a, struct sl_errctx *err)
{
	static const struct sl_rcol acols[] = {
		{"deployment_id", SL_R_STR}, {"agent_id", SL_R_STR}, {"environment", SL_R_STR},
		{"start_time", SL_R_TIME},   {"type", SL_R_STR},     {"severity", SL_R_STR},
		{"message", SL_R_STR},       {"confirmed", SL_R_BOOL},
	};
	static const struct sl_rcol pcols[] = {
		{"type", SL_R_STR},      {"severity", SL_R_STR},     {"alerts", SL_R_I64},
		{"confirmed", SL_R_I64}, {"precision", SL_R_F64},    {"false_positive_rate", SL_R_F64},
	};
	struct ctx cx;
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	struct sl_table *t = NULL, *pt = NULL;
	uint8_t *has95 = NULL;
	int64_t *p95 = NULL;
	uint64_t nalert[NTYPES + 1] = {0}, nconf[NTYPES + 1] = {0};
	int col[NC], rc;
	char msg[160];

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
	if (rc < 0 || (rc = scan_children(p, st, &cx, SL_KIND_VALIDATIONS, err)) ||
	    (rc = scan_children(p, st, &cx, SL_KIND_INCIDENTS, err)))
		goto out;
	if (group_p95(&cx, &p95, &has95) || !(t = sl_table_new_stream(a, "alerts", acols, 8)) ||
	    !(pt = sl_table_new("alert_precision", pcols, 6))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (size_t i = 0; i < cx.n; i++) {
		struct dep *d = &cx.d[i];

		d->slow = has95[d->group] && d->has_dur && d->dur > p95[d->group];
		d->p95 = p95[d->group];
	}
	sort_by_start_id(cx.d, cx.n, sizeof(*cx.d), offsetof(struct dep, start),
			 offsetof(struct dep, id), cx.names);
	for (size_t i = 0; i < cx.n; i++) {
		const struct dep *d = &cx.d[i];
		int fire[NTYPES];

		fire[A_SLOW] = d->slow;
		/* more than the configured share (10%) of the target failed; a
		 * double 0.1 is a hair above 1/10, so exactly 10% never fires */
		fire[A_FAIL] = d->has_failed && d->has_target &&
			       (double)d->failed > p->cfg.alert_failure_fraction * (double)d->target;
		fire[A_VALID] = d->vfailed > 0;
		for (int k = 0; k < NTYPES; k++) {
			if (!fire[k])
				continue;
			if (k == A_SLOW)
				snprintf(msg, sizeof(msg),
					 "duration %lld ms is above the p95 (%lld ms) of its agent "
					 "and environment", (long long)d->dur, (long long)d->p95);
			else if (k == A_FAIL)
				snprintf(msg, sizeof(msg), "%lld of %lld target instances failed",
					 (long long)d->failed, (long long)d->target);
			else
				snprintf(msg, sizeof(msg), "%u validation%s failed", d->vfailed,
					 d->vfailed == 1 ? "" : "s");
			if (add_alert(t, d, cx.names, k, msg)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
			nalert[k]++;
			nconf[k] += d->rolled_back || d->incident;
			nalert[NTYPES]++;
			nconf[NTYPES] += d->rolled_back || d->incident;
		}
	}
	for (int k = 0; k <= NTYPES; k++) {
		const char *tn = k < NTYPES ? type_names[k] : "all";
		double prec = nalert[k] ? (double)nconf[k] / (double)nalert[k] : NAN;

		if (sl_table_add_row(pt) || sl_table_set_str(pt, 0, tn, strlen(tn)) ||
		    (k < NTYPES && sl_table_set_str(pt, 1, severities[k], strlen(severities[k])))) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
		sl_table_set_i64(pt, 2, (int64_t)nalert[k]);
		sl_table_set_i64(pt, 3, (int64_t)nconf[k]);
		sl_table_set_f64(pt, 4, prec);
		sl_table_set_f64(pt, 5, 1 - prec);
	}
	{
		struct sl_table *all[] = {t, pt};

		t = pt = NULL;
		rc = analysis_add_tables(a, all, 2, err);
	}
out:
	sl_scan_close(sc);
	sl_table_free(t);
	sl_table_free(pt);
	free(p95);
	free(has95);
	free(cx.d);
	sl_dict_free(cx.names);
	sl_u64map_release(&cx.byid);
	return rc;
}
