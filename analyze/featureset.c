#include "featureset.h"
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_scan.h"

const char *const feature_names[F_N] = {
	"log_duration", "failed_share", "unhealthy_share", "coverage", "latency_change",
	"error_rate_change", "cpu_change", "memory_change", "rollback"};

enum { C_ID, C_AGENT, C_ENV, C_PHASE, C_START, C_DUR, C_STRATEGY, C_TARGET, C_DEPLOYED,
       C_HEALTHY, C_FAILED, C_ROLLBACK, C_LAT, C_ERR, C_CPU, C_MEM, NC };
static const char *const colnames[NC] = {
	"deployment_id",      "agent_id",	  "environment",       "phase",
	"start_time",	      "duration_ms",	  "rollout_strategy",  "target_instances",
	"deployed_instances", "healthy_instances", "failed_instances", "rollback_triggered",
	"latency_change",     "error_rate_change", "cpu_change",	 "memory_change"};

static int num(const struct sl_batch *b, int c, size_t r, double *v)
{
	if (sl_batch_is_null(b, c, r))
		return 0;
	*v = b->cols[c].type == SL_F64 ? b->cols[c].v.f64[r] : (double)b->cols[c].v.i64[r];
	return isfinite(*v);
}

static void set(struct feature_row *w, int f, double v)
{
	w->raw[f] = v;
	w->known |= (uint16_t)(1u << f);
}

static int take(struct feature_set *fs, const struct analyze_params *p, const struct sl_batch *b,
		size_t r, const int *col)
{
	size_t n[4], sn;
	const char *s[4], *strategy;
	struct feature_row *w;
	double target, v, dur;
	int has_target;

	for (int k = 0; k < 4; k++)
		s[k] = sl_batch_get_str(b, col[k], r, &n[k]);
	if (!s[0] || !s[1] || !s[2] || !s[3])
		return SL_OK;
	if ((p->env && !is_str(s[2], n[2], p->env)) || (p->agent && !is_str(s[1], n[1], p->agent)))
		return SL_OK;
	if (sl_grow(&fs->rows, &fs->cap, fs->n + 1, sizeof(*fs->rows)))
		return SL_ENOMEM;
	w = &fs->rows[fs->n];
	memset(w, 0, sizeof(*w));
	w->strategy = NO_CODE;
	strategy = sl_batch_get_str(b, col[C_STRATEGY], r, &sn);
	if (sl_dict_intern(fs->names, s[0], n[0], &w->id) ||
	    sl_dict_intern(fs->names, s[2], n[2], &w->env) ||
	    sl_dict_intern(fs->names, s[3], n[3], &w->phase) ||
	    (strategy && sl_dict_intern(fs->names, strategy, sn, &w->strategy)))
		return SL_ENOMEM;
	w->start = b->cols[col[C_START]].v.i64[r];
	w->duration_ms = -1;
	if (num(b, col[C_DUR], r, &dur) && dur >= 0) {
		w->duration_ms = b->cols[col[C_DUR]].v.i64[r];
		set(w, F_LOG_DURATION, log1p(dur));
	}
	has_target = num(b, col[C_TARGET], r, &target) && target > 0;
	if (has_target && num(b, col[C_FAILED], r, &v))
		set(w, F_FAILED, v / target);
	if (has_target && num(b, col[C_HEALTHY], r, &v)) {
		v = (target - v) / target;
		set(w, F_UNHEALTHY, v < 0 ? 0 : v > 1 ? 1 : v);
	}
	if (has_target && num(b, col[C_DEPLOYED], r, &v))
		set(w, F_COVERAGE, v / target);
	if (num(b, col[C_LAT], r, &v))
		set(w, F_LATENCY, v);
	if (num(b, col[C_ERR], r, &v))
		set(w, F_ERROR_RATE, v);
	if (num(b, col[C_CPU], r, &v))
		set(w, F_CPU, v);
	if (num(b, col[C_MEM], r, &v))
		set(w, F_MEMORY, v);
	set(w, F_ROLLBACK,
	    is_str(s[3], n[3], "rolled_back") ||
		    (!sl_batch_is_null(b, col[C_ROLLBACK], r) && b->cols[col[C_ROLLBACK]].v.u8[r]));
	fs->n++;
	return SL_OK;
}

static const struct sl_dict *sort_names;

static int cmp_row(const void *x, const void *y)
{
	const struct feature_row *a = x, *b = y;

	if (a->start != b->start)
		return (a->start > b->start) - (a->start < b->start);
	return names_cmp(sort_names, a->id, b->id);
}

/* The k-th smallest of v[0..n) (v is reordered). */
static double kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		double pv = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pv)
				i++;
			while (v[j] > pv)
				j--;
			if (i <= j) {
				double t = v[i];

				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

/* Median of the known values of each column (the mean of the two middle
 * ones for an even count, as numpy), then the standardized matrix. */
static int standardize(struct feature_set *fs)
{
	size_t n = fs->n;
	double *tmp;

	if (!n)
		return SL_OK;
	if (!(fs->x = malloc(n * F_N * sizeof(*fs->x))) || !(tmp = malloc(n * sizeof(*tmp))))
		return SL_ENOMEM;
	for (int f = 0; f < F_N; f++) {
		size_t m = 0;
		double sum = 0, ss = 0;

		for (size_t i = 0; i < n; i++)
			if (fs->rows[i].known >> f & 1)
				tmp[m++] = fs->rows[i].raw[f];
		fs->median[f] = 0;
		if (m) {
			double hi = kth(tmp, m, m / 2);

			if (m % 2 == 0) {
				double lo = tmp[0];

				/* after the selection, tmp[0..m/2) holds the lower half */
				for (size_t i = 1; i < m / 2; i++)
					if (tmp[i] > lo)
						lo = tmp[i];
				fs->median[f] = (lo + hi) / 2;
			} else {
				fs->median[f] = hi;
			}
		}
		for (size_t i = 0; i < n; i++) {
			double v = fs->rows[i].known >> f & 1 ? fs->rows[i].raw[f] : fs->median[f];

			fs->x[i * F_N + f] = v;
			sum += v;
		}
		fs->mean[f] = sum / (double)n;
		for (size_t i = 0; i < n; i++) {
			double d = fs->x[i * F_N + f] - fs->mean[f];

			ss += d * d;
		}
		fs->sd[f] = sqrt(ss / (double)n);
		/* values so large that the sums overflow make no usable column:
		 * it counts as constant rather than poisoning the matrix */
		if (!isfinite(fs->mean[f]) || !isfinite(fs->sd[f]))
			fs->sd[f] = 0;
		for (size_t i = 0; i < n; i++) {
			double z = fs->sd[f] > 0 ? (fs->x[i * F_N + f] - fs->mean[f]) / fs->sd[f] : 0;

			fs->x[i * F_N + f] = isfinite(z) ? z : 0;
		}
	}
	free(tmp);
	return SL_OK;
}

int features_load(const struct analyze_params *p, const struct sl_store *st,
		  struct feature_set *fs, struct sl_errctx *err)
{
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	int col[NC], rc;

	memset(fs, 0, sizeof(*fs));
	if (!(fs->names = sl_dict_new()))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = scan_deployments_cols(st, p->from, p->to, colnames, NC, col, &sc, err)))
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++)
			if (sl_scan_in_window(sc, b, r) && take(fs, p, b, r, col)) {
				sl_scan_close(sc);
				return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			}
	sl_scan_close(sc);
	if (rc < 0)
		return rc;
	sort_names = fs->names;
	sl_sort(fs->rows, fs->n, sizeof(*fs->rows), cmp_row);
	if (standardize(fs))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return SL_OK;
}

void features_release(struct feature_set *fs)
{
	sl_dict_free(fs->names);
	free(fs->rows);
	free(fs->x);
	memset(fs, 0, sizeof(*fs));
}

static int features_table(const struct feature_set *fs, struct sl_analysis *a)
{
	struct sl_rcol cols[1 + F_N];
	struct sl_table *t;

	cols[0].name = "deployment_id";
	cols[0].type = SL_R_STR;
	for (int f = 0; f < F_N; f++) {
		cols[1 + f].name = feature_names[f];
		cols[1 + f].type = SL_R_F64;
	}
	if (!(t = sl_table_new_stream(a, "features", cols, 1 + F_N)))
		return SL_ENOMEM;
	for (size_t i = 0; i < fs->n; i++) {
		if (sl_table_add_row(t) || table_set_name(t, 0, fs->names, fs->rows[i].id)) {
			sl_table_free(t);
			return SL_ENOMEM;
		}
		for (int f = 0; f < F_N; f++)
			sl_table_set_f64(t, 1 + f, fs->x[i * F_N + f]);
	}
	return sl_analysis_add(a, t) ? SL_ENOMEM : SL_OK;
}

int features_run(const struct analyze_params *p, const struct sl_store *st,
		 struct sl_analysis *a, struct sl_errctx *err)
{
	struct feature_set fs;
	int rc;

	if ((rc = features_load(p, st, &fs, err)))
		goto out;
	if (features_table(&fs, a)) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	if ((rc = anomalies_add(p, &fs, a, err)) || (rc = patterns_add(p, &fs, a, err)))
		goto out;
out:
	features_release(&fs);
	return rc;
}
