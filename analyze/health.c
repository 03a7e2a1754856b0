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
	static const struct sl_rcol cols[] = {
		{"deployment_id", SL_R_STR}, {"agent_id", SL_R_STR},   {"environment", SL_R_STR},
		{"start_time", SL_R_TIME},   {"phase", SL_R_STR},      {"success", SL_R_F64},
		{"no_rollback", SL_R_F64},   {"validation", SL_R_F64}, {"performance", SL_R_F64},
		{"speed", SL_R_F64},         {"health_score", SL_R_F64},
	};
	struct sl_table *t = NULL;
	int64_t *med = NULL;
	uint8_t *has_med = NULL;
	uint32_t *group = malloc((f->n ? f->n : 1) * sizeof(*group));
	int rc;

	(void)st;
	if (!group || frame_group_durations(f, RANK_LOWER_MEDIAN, group, &med, &has_med) ||
	    !(t = sl_table_new_stream(a, "health_scores", cols, 11)))
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
		if (frame_num(f->target, i, &target) && target > 0 &&
		    frame_num(f->healthy, i, &healthy))
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
		if (sl_table_add_row(t) || frame_table_set_id(t, 0, f, i) ||
		    table_set_name(t, 1, f->names, f->agent[i]) ||
		    table_set_name(t, 2, f->names, f->env[i]) || sl_table_set_str(t, 4, ph, n))
			goto nomem;
		sl_table_set_i64(t, 3, f->start[i]);
		sl_table_set_f64(t, 5, success);
		sl_table_set_f64(t, 6, no_rollback);
		sl_table_set_f64(t, 7, validation);
		sl_table_set_f64(t, 8, performance);
		sl_table_set_f64(t, 9, speed);
		sl_table_set_f64(t, 10, 100 * (wt[0] * success + wt[1] * no_rollback +
					       wt[2] * validation + wt[3] * performance +
					       wt[4] * speed));
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
