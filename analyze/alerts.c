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
	if (sl_table_add_row(t) || frame_table_set_id(t, SL_ALERTS_DEPLOYMENT_ID, f, i) ||
	    table_set_name(t, SL_ALERTS_AGENT_ID, f->names, f->agent[i]) ||
	    table_set_name(t, SL_ALERTS_ENVIRONMENT, f->names, f->env[i]))
		return SL_ENOMEM;
	sl_table_set_i64(t, SL_ALERTS_START_TIME, f->start[i]);
	if (sl_table_set_str(t, SL_ALERTS_TYPE, type_names[type], strlen(type_names[type])) ||
	    sl_table_set_str(t, SL_ALERTS_SEVERITY, severities[type], strlen(severities[type])) ||
	    sl_table_set_str(t, SL_ALERTS_MESSAGE, msg, strlen(msg)))
		return SL_ENOMEM;
	sl_table_set_bool(t, SL_ALERTS_CONFIRMED, confirmed(f, i));
	return SL_OK;
}

int alerts_run(const struct analyze_params *p, const struct sl_store *st,
	       const struct frame *f,
	       struct sl_analysis *a, struct sl_errctx *err)
{
	struct sl_table *t = NULL, *pt = NULL;
	uint8_t *has95 = NULL;
	int64_t *p95 = NULL;
	uint32_t *group = malloc((f->n ? f->n : 1) * sizeof(*group));
	uint64_t nalert[NTYPES + 1] = {0}, nconf[NTYPES + 1] = {0};
	int rc;
	char msg[160];

	(void)st;
	if (!group || frame_group_durations(f, RANK_P95_NEAREST, group, &p95, &has95) ||
	    !(t = sl_table_new_stream_def(a, SL_T_ALERTS)) ||
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
		fire[A_SLOW] = frame_duration(f, i, &dur) && has95[g] && dur > p95[g];
		/* more than the configured share (10%) of the target failed; a
		 * double 0.1 is a hair above 1/10, so exactly 10% never fires */
		fire[A_FAIL] = f->failed[i] != FRAME_NULL_COUNT && f->target[i] != FRAME_NULL_COUNT &&
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

		if (sl_table_add_row(pt) ||
		    sl_table_set_str(pt, SL_ALERT_PRECISION_TYPE, tn, strlen(tn)) ||
		    (k < NTYPES && sl_table_set_str(pt, SL_ALERT_PRECISION_SEVERITY, severities[k],
						    strlen(severities[k])))) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
		sl_table_set_i64(pt, SL_ALERT_PRECISION_ALERTS, (int64_t)nalert[k]);
		sl_table_set_i64(pt, SL_ALERT_PRECISION_CONFIRMED, (int64_t)nconf[k]);
		sl_table_set_f64(pt, SL_ALERT_PRECISION_PRECISION, prec);
		sl_table_set_f64(pt, SL_ALERT_PRECISION_FALSE_POSITIVE_RATE, 1 - prec);
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
