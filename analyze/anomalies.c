/* anomalies.c - the isolation forest over the feature matrix (docs/ANALYZE.md):
 * every deployment's score, most unusual first, the top share flagged
 * (a setting: the summary says so), reasons in words, and whether the
 * flagged fail more often than the others. */
#include "featureset.h"
#include "common.h"
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_iforest.h"
#include "sl_stats.h"

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

/* Per feature, the median and the scale of the robust z of the standardized
 * column over the rows where the feature is known: (x - median) / scale
 * with scale 1.4826 x the median absolute deviation (the sd of a normal
 * column), or, where more than half the values are the median (a 0/1
 * feature), 1.2533 x the mean absolute deviation (also the sd of a normal
 * column); 0 when every value is the median.  Standardizing is affine, so
 * the robust z of x is that of the raw values. */
struct robust {
	double median[F_N], scale[F_N];
};

static int robust_fit(const struct feature_set *fs, const uint16_t *known, struct robust *rb)
{
	double *tmp = malloc((fs->n ? fs->n : 1) * sizeof(*tmp));

	if (!tmp)
		return SL_ENOMEM;
	for (int f = 0; f < F_N; f++) {
		size_t m = 0;
		double med, mad, sum = 0;

		rb->median[f] = rb->scale[f] = 0;
		for (size_t i = 0; i < fs->n; i++)
			if (known[i] >> f & 1)
				tmp[m++] = fs->x[i * F_N + f];
		if (!m)
			continue;
		med = sl_select_kth(tmp, m, m / 2);
		if (m % 2 == 0) {
			double lo = tmp[0];

			for (size_t i = 1; i < m / 2; i++)
				if (tmp[i] > lo)
					lo = tmp[i];
			med = (lo + med) / 2;
		}
		for (size_t i = 0; i < m; i++) {
			tmp[i] = fabs(tmp[i] - med);
			sum += tmp[i];
		}
		mad = sl_select_kth(tmp, m, m / 2);
		rb->median[f] = med;
		rb->scale[f] = mad > 0 ? 1.4826 * mad : 1.2533 * sum / (double)m;
	}
	free(tmp);
	return SL_OK;
}

/* The known feature of row i farthest from its median in robust z (-1
 * when none is off it). */
static int farthest(const struct feature_set *fs, const struct robust *rb, size_t i,
		    uint16_t known, double *z)
{
	int best = -1;

	*z = 0;
	for (int f = 0; f < F_N; f++) {
		double r;

		if (!(known >> f & 1) || !(rb->scale[f] > 0))
			continue;
		r = (fs->x[i * F_N + f] - rb->median[f]) / rb->scale[f];
		if (fabs(r) > fabs(*z)) {
			*z = r;
			best = f;
		}
	}
	return best;
}

/* One reason in words: the value in its units and how far out it is
 * (a duration says how far first). */
static int add_reason(struct sl_buf *out, const struct feature_row *w, int f, double z)
{
	char val[32], side[48];

	snprintf(side, sizeof(side), "%.1f\xcf\x83 %s the mean", fabs(z), z > 0 ? "above" : "below");
	if (f == F_LOG_DURATION) {
		features_fmt_duration(val, sizeof(val), (double)w->duration_ms);
		return sl_buf_printf(out, "duration %s (%s)", side, val);
	}
	if (features_words(out, f, w->raw[f], (double)w->duration_ms, FW_ONE))
		return SL_ENOMEM;
	return sl_buf_printf(out, " (%s)", side);
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

struct ranked {
	double score;
	uint32_t i, rank;
};

/* Highest score first, then frame order. */
static int cmp_rank(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	if (a->score != b->score)
		return (a->score < b->score) - (a->score > b->score);
	return (a->i > b->i) - (a->i < b->i);
}

static int cmp_row(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	return (a->i > b->i) - (a->i < b->i);
}

/* anomaly_summary: the flagged share is the contamination setting, so the
 * headline says so; whether they failed is the finding. */
static int summary_table(const struct analyze_params *p, const struct feature_set *fs,
			 const uint8_t *flag, struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(SL_T_ANOMALY_SUMMARY);
	struct sl_buf h = SL_BUF_INIT;
	uint64_t flagged = 0, ffin = 0, ffail = 0, fin = 0, fail = 0;
	double fr, br, lift;
	int rc = SL_ENOMEM;

	if (!t)
		goto out;
	for (size_t i = 0; i < fs->n; i++) {
		size_t r = fs->frow[i];
		enum sl_phase ph = (enum sl_phase)fs->c.phase[r];
		int done = sl_phase_finished(ph),
		    bad = done && (ph == SL_PHASE_FAILED || sl_rolled_back(ph, fs->c.rb_flag[r]));

		flagged += flag[i];
		fin += (uint64_t)done;
		fail += (uint64_t)bad;
		if (flag[i]) {
			ffin += (uint64_t)done;
			ffail += (uint64_t)bad;
		}
	}
	fr = ffin ? (double)ffail / (double)ffin : NAN;
	br = fin ? (double)fail / (double)fin : NAN;
	lift = br > 0 ? fr / br : NAN;
	if (sl_buf_printf(&h, "the %g%% most unusual deployments (contamination setting): "
			      "%llu of %zu", 100 * p->cfg.anomaly_contamination,
			  (unsigned long long)flagged, fs->n))
		goto out;
	if (ffin && fin &&
	    sl_buf_printf(&h, "; %.1f%% of them failed or were rolled back, against %.1f%% of "
			      "all (lift %.2f)", 100 * fr, 100 * br, lift))
		goto out;
	if (sl_table_add_row(t) || sl_table_set_str(t, SL_ANOMALY_SUMMARY_HEADLINE, h.data, h.len))
		goto out;
	sl_table_set_i64(t, SL_ANOMALY_SUMMARY_DEPLOYMENTS, (int64_t)fs->n);
	sl_table_set_i64(t, SL_ANOMALY_SUMMARY_FLAGGED, (int64_t)flagged);
	sl_table_set_f64(t, SL_ANOMALY_SUMMARY_CONTAMINATION, p->cfg.anomaly_contamination);
	sl_table_set_i64(t, SL_ANOMALY_SUMMARY_FLAGGED_FINISHED, (int64_t)ffin);
	sl_table_set_i64(t, SL_ANOMALY_SUMMARY_FLAGGED_FAILURES, (int64_t)ffail);
	sl_table_set_f64(t, SL_ANOMALY_SUMMARY_FLAGGED_FAILURE_RATE, fr);
	sl_table_set_f64(t, SL_ANOMALY_SUMMARY_BASE_FAILURE_RATE, br);
	sl_table_set_f64(t, SL_ANOMALY_SUMMARY_LIFT, lift);
	rc = sl_analysis_add(a, t);
	t = NULL;
out:
	sl_table_free(t);
	sl_buf_release(&h);
	return rc;
}

int anomalies_add(const struct analyze_params *p, const struct feature_set *fs,
		  struct sl_analysis *a, struct sl_errctx *err)
{
	struct sl_iforest_params ip = {p->cfg.anomaly_trees, p->cfg.anomaly_subsample, p->seed, 2};
	struct sl_iforest *f = NULL;
	struct sl_table *t = NULL;
	struct sl_buf why = SL_BUF_INIT;
	struct robust rb;
	double *score = NULL, threshold;
	uint8_t *flag = NULL;
	const uint16_t *known = fs->known;
	struct ranked *rank = NULL;
	size_t nflag = 0;
	int rc = SL_ENOMEM;

	if (!(t = sl_table_new_stream_def(a, SL_T_ANOMALIES)))
		goto out;
	if (fs->n) {
		/* first, while the scores' arrays do not exist yet: the fit's
		 * column of n values is the largest thing it holds */
		if (robust_fit(fs, known, &rb) || !(score = malloc(fs->n * sizeof(*score))) ||
		    !(flag = malloc(fs->n)))
			goto out;
		if ((rc = sl_iforest_fit(&f, fs->x, fs->n, F_N, &ip)) ||
		    (rc = sl_iforest_score(f, fs->x, fs->n, score)))
			goto out;
		rc = SL_ENOMEM;
		if (sl_iforest_flag(score, fs->n, p->cfg.anomaly_contamination, flag, &threshold) ==
		    (size_t)-1)
			goto out;
		for (size_t i = 0; i < fs->n; i++)
			nflag += flag[i];
		if (!(rank = malloc((nflag ? nflag : 1) * sizeof(*rank))))
			goto out;
		nflag = 0;
		for (size_t i = 0; i < fs->n; i++)
			if (flag[i])
				rank[nflag++] = (struct ranked){score[i], (uint32_t)i, 0};
		/* ranks by score, then back in frame order: the table stays in
		 * frame order, so the flagged are spread over its row groups
		 * (a group of them all, with their reasons, would hold tens of
		 * megabytes of text at once) */
		sl_sort(rank, nflag, sizeof(*rank), cmp_rank);
		for (size_t k = 0; k < nflag; k++)
			rank[k].rank = (uint32_t)k + 1;
		sl_sort(rank, nflag, sizeof(*rank), cmp_row);
	}
	for (size_t i = 0, k = 0; i < fs->n; i++) {
		const struct feature_cols *fc = &fs->c;
		size_t r = fs->frow[i];

		if (sl_table_add_row(t) || fc->set_id(t, SL_ANOMALIES_DEPLOYMENT_ID, fc->id_ctx, r))
			goto out;
		sl_table_set_f64(t, SL_ANOMALIES_ANOMALY_SCORE, score[i]);
		sl_table_set_bool(t, SL_ANOMALIES_IS_ANOMALY, flag[i]);
		/* who, when and why for the flagged: the others are there for
		 * their score (a million rows of names would cost the file
		 * tens of megabytes) */
		if (flag[i]) {
			struct feature_row w;
			double z;
			int top = farthest(fs, &rb, i, known[i], &z);

			if (sl_table_set_name(t, SL_ANOMALIES_AGENT_ID, fc->names, fc->agent[r]) ||
			    sl_table_set_name(t, SL_ANOMALIES_ENVIRONMENT, fc->names, fc->env[r]))
				goto out;
			sl_table_set_i64(t, SL_ANOMALIES_START_TIME, fc->start[r]);
			sl_table_set_i64(t, SL_ANOMALIES_RANK, rank[k++].rank);
			if (reasons(fs, i, p->cfg.anomaly_reason_sigma, &why) ||
			    sl_table_set_str(t, SL_ANOMALIES_REASONS, why.data, why.len))
				goto out;
			if (top >= 0) {
				features_row(fs, i, &w);
				sl_buf_reset(&why);
				if (features_words(&why, top, w.raw[top], (double)w.duration_ms, FW_ONE) ||
				    sl_buf_printf(&why, " (robust z %+.1f)", z) ||
				    sl_table_set_str(t, SL_ANOMALIES_REASON, why.data, why.len))
					goto out;
				sl_table_set_f64(t, SL_ANOMALIES_ROBUST_Z, z);
			}
		}
	}
	rc = sl_analysis_add(a, t) ? SL_ENOMEM : SL_OK;
	t = NULL;
	if (!rc)
		rc = summary_table(p, fs, flag, a);
out:
	if (rc)
		rc = sl_err_set(err, rc, NULL, 0, rc == SL_EINVAL ? "bad isolation forest settings" : NULL);
	sl_iforest_free(f);
	sl_table_free(t);
	sl_buf_release(&why);
	free(score);
	free(flag);
	free(rank);
	return rc;
}
