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
#include "sl_scan.h"
#include "sl_u64map.h"


enum { A_SLOW, A_FAIL, A_VALID, NTYPES };
static const char *const type_names[NTYPES] = {"SLOW_DEPLOYMENT", "HIGH_FAILURE_RATE",
					       "VALIDATION_FAILED"};
static const char *const severities[NTYPES] = {"warning", "critical", "critical"};

/* Whether a later incident or rollback confirmed an alert on row i. */
static int confirmed(const struct frame *f, size_t i)
{
	return frame_rolled_back(f, i) || f->incident[i];
}

static int add_alert(struct sl_table *t, const struct frame *f, size_t i, int type,
		     const char *msg)
{
	if (sl_table_add_row(t) || frame_table_set_id(t, 0, f, i) ||
	    table_set_name(t, 1, f->names, f->agent[i]) || table_set_name(t, 2, f->names, f->env[i]))
		return SL_ENOMEM;
	sl_table_set_i64(t, 3, f->start[i]);
	if (sl_table_set_str(t, 4, type_names[type], strlen(type_names[type])) ||
	    sl_table_set_str(t, 5, severities[type], strlen(severities[type])) ||
	    sl_table_set_str(t, 6, msg, strlen(msg)))
		return SL_ENOMEM;
	sl_table_set_bool(t, 7, confirmed(f, i));
	return SL_OK;
}

int alerts_run(const struct analyze_params *p, const struct sl_store *st,
	       const struct frame *f,
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
	struct sl_table *t = NULL, *pt = NULL;
	uint8_t *has95 = NULL;
	int64_t *p95 = NULL;
	uint32_t *group = malloc((f->n ? f->n : 1) * sizeof(*group));
	uint64_t nalert[NTYPES + 1] = {0}, nconf[NTYPES + 1] = {0};
	int rc;
	char msg[160];

	(void)st;
	if (!group || frame_group_durations(f, RANK_P95_NEAREST, group, &p95, &has95) ||
	    !(t = sl_table_new_stream(a, "alerts", acols, 8)) ||
	    !(pt = sl_table_new("alert_precision", pcols, 6))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (size_t i = 0; i < f->n; i++) {
		int fire[NTYPES];
		int64_t dur;
		uint32_t g = group[i];

		if (!f->wanted[i])
			continue;
		fire[A_SLOW] = frame_duration(f, i, &dur) && has95[g] && dur > p95[g];
		/* more than the configured share (10%) of the target failed; a
		 * double 0.1 is a hair above 1/10, so exactly 10% never fires */
		fire[A_FAIL] = f->failed[i] != FRAME_NULL && f->target[i] != FRAME_NULL &&
			       (double)f->failed[i] >
				       p->cfg.alert_failure_fraction * (double)f->target[i];
		fire[A_VALID] = f->val_failed[i] > 0;
		for (int k = 0; k < NTYPES; k++) {
			if (!fire[k])
				continue;
			if (k == A_SLOW)
				snprintf(msg, sizeof(msg),
					 "duration %lld ms is above the p95 (%lld ms) of its agent "
					 "and environment", (long long)dur, (long long)p95[g]);
			else if (k == A_FAIL)
				snprintf(msg, sizeof(msg), "%lld of %lld target instances failed",
					 (long long)f->failed[i], (long long)f->target[i]);
			else
				snprintf(msg, sizeof(msg), "%u validation%s failed", f->val_failed[i],
					 f->val_failed[i] == 1 ? "" : "s");
			if (add_alert(t, f, i, k, msg)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
			nalert[k]++;
			nconf[k] += confirmed(f, i);
			nalert[NTYPES]++;
			nconf[NTYPES] += confirmed(f, i);
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
	sl_table_free(t);
	sl_table_free(pt);
	free(group);
	free(p95);
	free(has95);
	return rc;
}
