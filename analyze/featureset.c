#include "featureset.h"
#include "common.h"
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_stats.h"

static void set(struct feature_row *w, int f, double v)
{
	w->raw[f] = v;
	w->known |= (uint16_t)(1u << f);
}

static int real(const double *col, size_t i, double *v)
{
	return frame_real(col, i, v) && isfinite(*v);
}

static void take(struct feature_row *w, const struct feature_cols *c, size_t i)
{
	double target, v;
	int has_target;

	memset(w, 0, sizeof(*w));
	w->id = (uint32_t)i;
	w->env = c->env[i];
	w->strategy = c->strategy[i] == FRAME_NONE ? NO_CODE : c->strategy[i];
	w->phase = c->phase[i];
	w->start = c->start[i];
	w->duration_ms = -1;
	if (c->dur[i] != FRAME_NULL && c->dur[i] >= 0) {
		w->duration_ms = c->dur[i];
		set(w, F_LOG_DURATION, log1p((double)c->dur[i]));
	}
	has_target = frame_count(c->target, i, &target) && target > 0;
	if (has_target && frame_count(c->failed, i, &v))
		set(w, F_FAILED, v / target);
	if (has_target && frame_count(c->healthy, i, &v)) {
		v = (target - v) / target;
		set(w, F_UNHEALTHY, v < 0 ? 0 : v > 1 ? 1 : v);
	}
	if (has_target && frame_count(c->deployed, i, &v))
		set(w, F_COVERAGE, v / target);
	if (real(c->latency, i, &v))
		set(w, F_LATENCY, v);
	if (real(c->error_rate, i, &v))
		set(w, F_ERROR_RATE, v);
	if (real(c->cpu, i, &v))
		set(w, F_CPU, v);
	if (real(c->memory, i, &v))
		set(w, F_MEMORY, v);
	set(w, F_ROLLBACK, sl_rolled_back((enum sl_phase)c->phase[i], c->rb_flag[i]));
}

void features_row(const struct feature_set *fs, size_t k, struct feature_row *w)
{
	take(w, &fs->c, fs->frow[k]);
}

/* The standardized value from the raw one, as standardize() writes it
 * (known values are finite: take() keeps no other). */
static double zscore(const struct feature_set *fs, int f, double v)
{
	double z = fs->sd[f] > 0 ? (v - fs->mean[f]) / fs->sd[f] : 0;

	return isfinite(z) ? z : 0;
}

double features_z(const struct feature_set *fs, const struct feature_row *w, int f)
{
	return zscore(fs, f, w->known >> f & 1 && !isnan(w->raw[f]) ? w->raw[f] : fs->median[f]);
}

/* The features of every row (NaN where not known), then per column the
 * median of the known values (the mean of the two middle ones for an even
 * count, as numpy), nulls replaced by it, and the column standardized.
 * After the medians, each step runs over the rows once for all columns
 * (the matrix is read a few times, not a few times a column); each
 * column's sums still add its values in row order. */
static int standardize(struct feature_set *fs)
{
	size_t n = fs->n;
	double *tmp, sum[F_N] = {0}, ss[F_N] = {0};

	if (!n)
		return SL_OK;
	if (!(fs->x = malloc(n * F_N * sizeof(*fs->x))) ||
	    !(fs->known = malloc(n * sizeof(*fs->known))) || !(tmp = malloc(n * sizeof(*tmp))))
		return SL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct feature_row w;

		features_row(fs, i, &w);
		fs->known[i] = w.known;
		for (int f = 0; f < F_N; f++)
			fs->x[i * F_N + f] = w.known >> f & 1 ? w.raw[f] : NAN;
	}
	for (int f = 0; f < F_N; f++) {
		size_t m = 0;

		for (size_t i = 0; i < n; i++)
			if (!isnan(fs->x[i * F_N + f]))
				tmp[m++] = fs->x[i * F_N + f];
		fs->median[f] = 0;
		if (m) {
			double hi = sl_select_kth(tmp, m, m / 2);

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
	}
	free(tmp);
	for (size_t i = 0; i < n; i++) {
		double *v = fs->x + i * F_N;

		for (int f = 0; f < F_N; f++) {
			if (isnan(v[f]))
				v[f] = fs->median[f];
			sum[f] += v[f];
		}
	}
	for (int f = 0; f < F_N; f++)
		fs->mean[f] = sum[f] / (double)n;
	for (size_t i = 0; i < n; i++) {
		const double *v = fs->x + i * F_N;

		for (int f = 0; f < F_N; f++) {
			double d = v[f] - fs->mean[f];

			ss[f] += d * d;
		}
	}
	for (int f = 0; f < F_N; f++) {
		fs->sd[f] = sqrt(ss[f] / (double)n);
		/* values so large that the sums overflow make no usable column:
		 * it counts as constant rather than poisoning the matrix */
		if (!isfinite(fs->mean[f]) || !isfinite(fs->sd[f]))
			fs->sd[f] = 0;
	}
	for (size_t i = 0; i < n * F_N; i++)
		fs->x[i] = zscore(fs, (int)(i % F_N), fs->x[i]);
	return SL_OK;
}

static int frame_set_id_of(struct sl_table *t, int c, const void *ctx, size_t i)
{
	return frame_table_set_id(t, c, ctx, i);
}

void features_cols_frame(const struct frame *f, struct feature_cols *c)
{
	*c = (struct feature_cols){
		.names = f->names, .agent = f->agent, .env = f->env, .strategy = f->strategy,
		.phase = f->phase, .rb_flag = f->rb_flag, .start = f->start, .dur = f->dur,
		.target = f->target, .deployed = f->deployed, .healthy = f->healthy,
		.failed = f->failed, .latency = f->latency, .error_rate = f->error_rate,
		.cpu = f->cpu, .memory = f->memory, .set_id = frame_set_id_of, .id_ctx = f};
}

int features_from_frame(const struct frame *f, struct feature_set *fs, struct sl_errctx *err)
{
	memset(fs, 0, sizeof(*fs));
	features_cols_frame(f, &fs->c);
	if (!(fs->frow = malloc((f->n ? f->n : 1) * sizeof(*fs->frow))))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	/* in frame order: start time, then id */
	for (size_t i = 0; i < f->n; i++)
		if (f->wanted[i])
			fs->frow[fs->n++] = (uint32_t)i;
	if (standardize(fs))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return SL_OK;
}

int features_from_cols(const struct feature_cols *c, size_t n, struct feature_set *fs,
		       struct sl_errctx *err)
{
	memset(fs, 0, sizeof(*fs));
	fs->c = *c;
	if (n > UINT32_MAX)
		return sl_err_set(err, SL_EINVAL, NULL, 0, "more than 2^32 deployments");
	if (!(fs->frow = malloc((n ? n : 1) * sizeof(*fs->frow))))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (size_t i = 0; i < n; i++)
		fs->frow[i] = (uint32_t)i;
	fs->n = n;
	if (standardize(fs))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return SL_OK;
}

void features_release(struct feature_set *fs)
{
	free(fs->frow);
	free(fs->x);
	free(fs->known);
	memset(fs, 0, sizeof(*fs));
}

/* The features table's columns after deployment_id are the features, in
 * the order of F_*. */
_Static_assert(SL_FEATURES_LOG_DURATION == 1 + F_LOG_DURATION &&
		       SL_FEATURES_ROLLBACK == 1 + F_ROLLBACK && SL_FEATURES_NCOLS == 1 + F_N,
	       "the features table follows F_*");

static int features_table(const struct feature_set *fs, struct sl_analysis *a)
{
	struct sl_table *t;

	if (!(t = sl_table_new_stream_def(a, SL_T_FEATURES)))
		return SL_ENOMEM;
	for (size_t i = 0; i < fs->n; i++) {
		if (sl_table_add_row(t) ||
		    fs->c.set_id(t, SL_FEATURES_DEPLOYMENT_ID, fs->c.id_ctx, fs->frow[i])) {
			sl_table_free(t);
			return SL_ENOMEM;
		}
		for (int f = 0; f < F_N; f++)
			sl_table_set_f64(t, SL_FEATURES_LOG_DURATION + f, fs->x[i * F_N + f]);
	}
	return sl_analysis_add(a, t) ? SL_ENOMEM : SL_OK;
}

void features_fmt_duration(char *buf, size_t n, double ms)
{
	if (ms < 60000)
		snprintf(buf, n, "%.1f s", ms / 1000);
	else if (ms < 3600000)
		snprintf(buf, n, "%.1f min", ms / 60000);
	else
		snprintf(buf, n, "%.1f h", ms / 3600000);
}

int features_words(struct sl_buf *b, int f, double v, double duration_ms, enum feature_form form)
{
	const char *avg = form == FW_MEAN ? " on average" : "";
	char d[32];

	switch (f) {
	case F_LOG_DURATION:
		features_fmt_duration(d, sizeof(d), duration_ms);
		return sl_buf_printf(b, "%sduration %s", form == FW_MEAN ? "mean " : "", d);
	case F_FAILED:
		return sl_buf_printf(b, "%.0f%% of instances failed%s", 100 * v, avg);
	case F_UNHEALTHY:
		return sl_buf_printf(b, "%.0f%% of instances unhealthy%s", 100 * v, avg);
	case F_COVERAGE:
		return sl_buf_printf(b, "coverage %.0f%%%s", 100 * v, avg);
	case F_LATENCY:
		return sl_buf_printf(b, "latency %+.0f%%%s", 100 * v, avg);
	case F_ERROR_RATE:
		return sl_buf_printf(b, "error rate %+.3f%s", v, avg);
	case F_CPU:
		return sl_buf_printf(b, "cpu %+.0f%%%s", 100 * v, avg);
	case F_MEMORY:
		return sl_buf_printf(b, "memory %+.0f%%%s", 100 * v, avg);
	default: /* F_ROLLBACK: a group's is the share rolled back */
		if (form == FW_MEAN)
			return sl_buf_printf(b, "%.0f%% rolled back", 100 * v);
		return sl_buf_adds(b, v > 0 ? "rolled back" : "not rolled back");
	}
}

int features_tables(const struct analyze_params *p, struct feature_set *fs,
		    struct sl_analysis *a, struct sl_errctx *err)
{
	int rc;

	if (features_table(fs, a))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = anomalies_add(p, fs, a, err)))
		return rc;
	return patterns_add(p, fs, a, err);
}

int features_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err)
{
	struct feature_set fs;
	int rc;

	(void)st;
	if (!(rc = features_from_frame(f, &fs, err)))
		rc = features_tables(p, &fs, a, err);
	features_release(&fs);
	return rc;
}
