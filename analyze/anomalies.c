/* anomalies.c - the isolation forest over the feature matrix (docs/ANALYZE.md):
 * every deployment's score, the top share flagged, reasons in words. */
#include "featureset.h"
#include "common.h"
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_iforest.h"

struct reason {
	int f;
	double z;
};

static int cmp_reason(const void *x, const void *y)
{
	const struct reason *a = x, *b = y;
	double za = fabs(a->z), zb = fabs(b->z);

	if (za != zb)
		return (za < zb) - (za > zb);
	return (a->f > b->f) - (a->f < b->f);
}

static void fmt_duration(char *buf, size_t n, int64_t ms)
{
	if (ms < 60000)
		snprintf(buf, n, "%.1f s", (double)ms / 1000);
	else if (ms < 3600000)
		snprintf(buf, n, "%.1f min", (double)ms / 60000);
	else
		snprintf(buf, n, "%.1f h", (double)ms / 3600000);
}

/* One reason in words: the value in its units and how far out it is. */
static int add_reason(struct sl_buf *out, const struct feature_row *w, int f, double z)
{
	char val[96], side[48];
	double v = w->raw[f];

	snprintf(side, sizeof(side), "%.1f\xcf\x83 %s the mean", fabs(z), z > 0 ? "above" : "below");
	switch (f) {
	case F_LOG_DURATION:
		fmt_duration(val, sizeof(val), w->duration_ms);
		return sl_buf_printf(out, "duration %s (%s)", side, val);
	case F_FAILED:
		return sl_buf_printf(out, "%.0f%% of instances failed (%s)", 100 * v, side);
	case F_UNHEALTHY:
		return sl_buf_printf(out, "%.0f%% of instances unhealthy (%s)", 100 * v, side);
	case F_COVERAGE:
		return sl_buf_printf(out, "coverage %.0f%% (%s)", 100 * v, side);
	case F_LATENCY:
		return sl_buf_printf(out, "latency %+.0f%% (%s)", 100 * v, side);
	case F_ERROR_RATE:
		return sl_buf_printf(out, "error rate %+.3f (%s)", v, side);
	case F_CPU:
		return sl_buf_printf(out, "cpu %+.0f%% (%s)", 100 * v, side);
	case F_MEMORY:
		return sl_buf_printf(out, "memory %+.0f%% (%s)", 100 * v, side);
	default:
		return sl_buf_printf(out, "%s (%s)", v > 0 ? "rolled back" : "not rolled back", side);
	}
}

/* Features of row i known in the data and beyond sigma standard
 * deviations, largest deviation first ("; "-joined). */
static int reasons(const struct feature_set *fs, size_t i, double sigma, struct sl_buf *out)
{
	struct reason r[F_N];
	struct feature_row w;
	int nr = 0;

	features_row(fs, i, &w);
	sl_buf_reset(out);
	for (int f = 0; f < F_N; f++) {
		double z = fs->x[i * F_N + f];

		if ((w.known >> f & 1) && fabs(z) > sigma) {
			r[nr].f = f;
			r[nr++].z = z;
		}
	}
	qsort(r, (size_t)nr, sizeof(r[0]), cmp_reason);
	for (int k = 0; k < nr; k++)
		if ((k && sl_buf_add(out, "; ", 2)) || add_reason(out, &w, r[k].f, r[k].z))
			return SL_ENOMEM;
	if (!nr)
		return sl_buf_printf(out, "no single feature beyond %g\xcf\x83: an unusual combination",
				     sigma);
	return SL_OK;
}

int anomalies_add(const struct analyze_params *p, const struct feature_set *fs,
		  struct sl_analysis *a, struct sl_errctx *err)
{
	struct sl_iforest_params ip = {p->cfg.anomaly_trees, p->cfg.anomaly_subsample, p->seed, 2};
	struct sl_iforest *f = NULL;
	struct sl_table *t = NULL;
	struct sl_buf why = SL_BUF_INIT;
	double *score = NULL, threshold;
	uint8_t *flag = NULL;
	int rc = SL_ENOMEM;

	if (!(t = sl_table_new_stream_def(a, SL_T_ANOMALIES)))
		goto out;
	if (fs->n) {
		if (!(score = malloc(fs->n * sizeof(*score))) || !(flag = malloc(fs->n)))
			goto out;
		if ((rc = sl_iforest_fit(&f, fs->x, fs->n, F_N, &ip)) ||
		    (rc = sl_iforest_score(f, fs->x, fs->n, score)))
			goto out;
		rc = SL_ENOMEM;
		if (sl_iforest_flag(score, fs->n, p->cfg.anomaly_contamination, flag, &threshold) ==
		    (size_t)-1)
			goto out;
	}
	for (size_t i = 0; i < fs->n; i++) {
		if (sl_table_add_row(t) ||
		    frame_table_set_id(t, SL_ANOMALIES_DEPLOYMENT_ID, fs->f, fs->frow[i]))
			goto out;
		sl_table_set_f64(t, SL_ANOMALIES_ANOMALY_SCORE, score[i]);
		sl_table_set_bool(t, SL_ANOMALIES_IS_ANOMALY, flag[i]);
		if (flag[i] && (reasons(fs, i, p->cfg.anomaly_reason_sigma, &why) ||
				sl_table_set_str(t, SL_ANOMALIES_REASONS, why.data, why.len)))
			goto out;
	}
	rc = sl_analysis_add(a, t) ? SL_ENOMEM : SL_OK;
	t = NULL;
out:
	if (rc)
		rc = sl_err_set(err, rc, NULL, 0, rc == SL_EINVAL ? "bad isolation forest settings" : NULL);
	sl_iforest_free(f);
	sl_table_free(t);
	sl_buf_release(&why);
	free(score);
	free(flag);
	return rc;
}
