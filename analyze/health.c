#include "health.h"
#include "common.h"
#include "frame.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_scan.h"
#include "sl_u64map.h"


static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

int health_run(const struct analyze_params *p, const struct sl_store *st,
	       const struct frame *f,
	       struct sl_analysis *a, struct sl_errctx *err)
{
	struct sl_table *t = NULL;
	int64_t *med = NULL;
	uint8_t *has_med = NULL;
	uint32_t *group = malloc((f->n ? f->n : 1) * sizeof(*group));
	int rc;

	(void)st;
	if (!group || frame_group_durations(f, RANK_LOWER_MEDIAN, 0, group, &med, &has_med) ||
	    !(t = sl_table_new_stream_def(a, SL_T_HEALTH_SCORES)))
		goto nomem;
	for (size_t i = 0; i < f->n; i++) {
		const double *wt = p->cfg.health_weight;
		double success, no_rollback, validation, performance, speed, target, healthy;
		double lat = 0, er = 0;
		uint32_t counted = f->validations[i] - f->val_skipped[i];
		int64_t dur;
		size_t n;
		const char *ph;

		if (!f->wanted[i])
			continue;
		/* success: healthy / target, clamped; without a target, whether
		 * it completed */
		if (frame_count(f->target, i, &target) && target > 0 &&
		    frame_count(f->healthy, i, &healthy))
			success = clamp01(healthy / target);
		else
			success = frame_completed(f, i);
		no_rollback = !frame_rolled_back(f, i);
		/* validation: passed / counted (skipped ones do not count), 1
		 * with none */
		validation = counted ? (double)f->val_passed[i] / counted : 1;
		/* performance: a missing change counts as no change */
		frame_real(f->latency, i, &lat);
		frame_real(f->error_rate, i, &er);
		performance = clamp01(1 - (lat > 0 ? lat : 0) - 10 * (er > 0 ? er : 0));
		/* speed: the group's median over this duration, clamped to 1; a
		 * deployment without a duration is not known to be slow */
		speed = frame_duration(f, i, &dur) && dur > 0 && has_med[group[i]]
				? clamp01((double)med[group[i]] / (double)dur)
				: 1;
		ph = sl_phase_name((enum sl_phase)f->phase[i]);
		n = strlen(ph);
		if (sl_table_add_row(t) ||
		    frame_table_set_id(t, SL_HEALTH_SCORES_DEPLOYMENT_ID, f, i) ||
		    sl_table_set_name(t, SL_HEALTH_SCORES_AGENT_ID, f->names, f->agent[i]) ||
		    sl_table_set_name(t, SL_HEALTH_SCORES_ENVIRONMENT, f->names, f->env[i]) ||
		    sl_table_set_str(t, SL_HEALTH_SCORES_PHASE, ph, n))
			goto nomem;
		sl_table_set_i64(t, SL_HEALTH_SCORES_START_TIME, f->start[i]);
		sl_table_set_f64(t, SL_HEALTH_SCORES_SUCCESS, success);
		sl_table_set_f64(t, SL_HEALTH_SCORES_NO_ROLLBACK, no_rollback);
		sl_table_set_f64(t, SL_HEALTH_SCORES_VALIDATION, validation);
		sl_table_set_f64(t, SL_HEALTH_SCORES_PERFORMANCE, performance);
		sl_table_set_f64(t, SL_HEALTH_SCORES_SPEED, speed);
		sl_table_set_f64(t, SL_HEALTH_SCORES_HEALTH_SCORE,
				 100 * (wt[0] * success + wt[1] * no_rollback + wt[2] * validation +
					wt[3] * performance + wt[4] * speed));
	}
	rc = sl_analysis_add(a, t) ? sl_err_set(err, SL_ENOMEM, NULL, 0, NULL) : SL_OK;
	t = NULL;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(t);
	free(group);
	free(med);
	free(has_med);
	return rc;
}
