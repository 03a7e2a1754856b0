/* patterns.c - DBSCAN over the feature matrix (docs/ANALYZE.md): every
 * deployment's cluster, and a summary of each cluster in words. */
#include "featureset.h"
#include "common.h"
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_dbscan.h"
#include "sl_u64map.h"

struct acc {
	size_t size, finished, completed, dur_n;
	size_t known[F_N];
	double sum[F_N], zsum[F_N], dur_sum;
	uint32_t env, strategy; /* dominant; NO_CODE when none */
};

/* The most frequent code per cluster (ties: the smaller name), counted
 * in a map keyed by (cluster + 1) << 32 | code: as many entries as
 * (cluster, code) pairs, not a key a row to sort.  Names are distinct,
 * so the pick does not depend on the order the map is visited in. */
static int dominant(const struct feature_set *fs, const int32_t *label, struct acc *acc,
		    size_t nacc, int strategy)
{
	struct sl_u64map m = SL_U64MAP_INIT;
	size_t *best = calloc(nacc, sizeof(*best));
	int rc = SL_ENOMEM;

	if (!best)
		goto out;
	for (size_t i = 0; i < fs->n; i++) {
		uint32_t fr = fs->frow[i], *cnt;
		uint32_t c = strategy ? fs->c.strategy[fr] : fs->c.env[fr];
		int added;

		if (c == NO_CODE)
			continue;
		if (sl_u64map_put(&m, (uint64_t)(label[i] + 1) << 32 | c, &cnt, &added))
			goto out;
		*cnt = added ? 1 : *cnt + 1;
	}
	for (size_t s = 0; s < m.cap; s++) {
		const struct sl_u64slot *e = &m.slots[s];
		size_t g = (size_t)(e->key >> 32);
		uint32_t code = (uint32_t)e->key, *dom;

		if (!e->used)
			continue;
		dom = strategy ? &acc[g].strategy : &acc[g].env;
		if (e->val > best[g] || (e->val == best[g] && names_cmp(fs->c.names, code, *dom) < 0)) {
			best[g] = e->val;
			*dom = code;
		}
	}
	rc = SL_OK;
out:
	sl_u64map_release(&m);
	free(best);
	return rc;
}

static int describe(const struct feature_set *fs, int32_t cl, const struct acc *c,
		    struct sl_buf *b)
{
	int far = -1;
	double zbest = 0;
	int rc;

	sl_buf_reset(b);
	if (cl < 0)
		rc = sl_buf_printf(b, "Noise: %zu deployment%s in no dense pattern", c->size,
				   c->size == 1 ? "" : "s");
	else
		rc = sl_buf_printf(b, "Pattern %d: %zu deployments", cl, c->size);
	if (!rc && c->env != NO_CODE) {
		size_t n;
		const char *s = sl_dict_get(fs->c.names, c->env, &n);

		rc = sl_buf_printf(b, ", mostly in %.*s", (int)n, s);
		if (!rc && c->strategy != NO_CODE) {
			s = sl_dict_get(fs->c.names, c->strategy, &n);
			rc = sl_buf_printf(b, " with %.*s", (int)n, s);
		}
	}
	if (!rc)
		rc = c->finished ? sl_buf_printf(b, "; %.0f%% of the finished succeeded",
						 100.0 * (double)c->completed / (double)c->finished)
				 : sl_buf_adds(b, "; none finished");
	for (int f = 0; f < F_N; f++) {
		double z = c->zsum[f] / (double)c->size;

		if (fabs(z) > fabs(zbest)) {
			zbest = z;
			far = f;
		}
	}
	if (rc)
		return rc;
	if (far < 0 || fabs(zbest) < 0.5)
		return sl_buf_adds(b, "; close to the overall average on every feature");
	if (sl_buf_adds(b, "; stands out by ") ||
	    features_words(b, far, c->known[far] ? c->sum[far] / (double)c->known[far] : NAN,
			   c->dur_n ? c->dur_sum / (double)c->dur_n : NAN, FW_MEAN))
		return SL_ENOMEM;
	return sl_buf_printf(b, " (%.1f\xcf\x83 %s the mean)", fabs(zbest),
			     zbest > 0 ? "above" : "below");
}

/* The clusters' mean columns follow F_* (rollback's mean is rollback_rate). */
_Static_assert(SL_CLUSTERS_MEAN_DURATION_MS + F_ROLLBACK == SL_CLUSTERS_ROLLBACK_RATE &&
		       SL_CLUSTERS_ROLLBACK_RATE + 1 == SL_CLUSTERS_SUCCESS_RATE,
	       "the clusters table follows F_*");

/* After DBSCAN: fs->x is gone, standardized values are recomputed. */
static int clusters_table(const struct feature_set *fs, const int32_t *label, int32_t nc,
			  struct sl_analysis *a)
{
	size_t nacc = (size_t)nc + 1;
	struct acc *acc = calloc(nacc, sizeof(*acc));
	struct sl_table *t = NULL;
	struct sl_buf b = SL_BUF_INIT;
	int rc = SL_ENOMEM;

	if (!acc)
		return SL_ENOMEM;
	for (size_t g = 0; g < nacc; g++)
		acc[g].env = acc[g].strategy = NO_CODE;
	for (size_t i = 0; i < fs->n; i++) {
		struct feature_row row, *w = &row;
		struct acc *c = &acc[label[i] + 1];
		enum sl_phase ph;

		features_row(fs, i, w);
		ph = (enum sl_phase)w->phase;

		c->size++;
		for (int f = 0; f < F_N; f++) {
			c->zsum[f] += features_z(fs, w, f);
			if (w->known >> f & 1) {
				c->sum[f] += w->raw[f];
				c->known[f]++;
			}
		}
		if (w->duration_ms >= 0) {
			c->dur_sum += (double)w->duration_ms;
			c->dur_n++;
		}
		if (sl_phase_finished(ph)) {
			c->finished++;
			c->completed += ph == SL_PHASE_COMPLETED;
		}
	}
	if (dominant(fs, label, acc, nacc, 0) || dominant(fs, label, acc, nacc, 1) ||
	    !(t = sl_table_new_def(SL_T_CLUSTERS)))
		goto out;
	for (size_t g = 0; g < nacc; g++) {
		const struct acc *c = &acc[g];

		if (!c->size)
			continue; /* no noise */
		if (sl_table_add_row(t))
			goto out;
		sl_table_set_i64(t, SL_CLUSTERS_CLUSTER, (int64_t)g - 1);
		sl_table_set_i64(t, SL_CLUSTERS_SIZE, (int64_t)c->size);
		for (int f = 0; f < F_N; f++) {
			double v = f == F_LOG_DURATION
					   ? (c->dur_n ? c->dur_sum / (double)c->dur_n : NAN)
					   : (c->known[f] ? c->sum[f] / (double)c->known[f] : NAN);

			sl_table_set_f64(t, SL_CLUSTERS_MEAN_DURATION_MS + f, v);
		}
		sl_table_set_f64(t, SL_CLUSTERS_SUCCESS_RATE,
				 c->finished ? (double)c->completed / (double)c->finished : NAN);
		if ((c->strategy != NO_CODE &&
		     sl_table_set_name(t, SL_CLUSTERS_DOMINANT_STRATEGY, fs->c.names, c->strategy)) ||
		    (c->env != NO_CODE &&
		     sl_table_set_name(t, SL_CLUSTERS_DOMINANT_ENVIRONMENT, fs->c.names, c->env)) ||
		    describe(fs, (int32_t)g - 1, c, &b) ||
		    sl_table_set_str(t, SL_CLUSTERS_DESCRIPTION, b.data, b.len))
			goto out;
	}
	rc = sl_analysis_add(a, t) ? SL_ENOMEM : SL_OK;
	t = NULL;
out:
	sl_table_free(t);
	sl_buf_release(&b);
	free(acc);
	return rc;
}

int patterns_add(const struct analyze_params *p, struct feature_set *fs,
		 struct sl_analysis *a, struct sl_errctx *err)
{
	/* in place: the features and anomalies are done with x */
	struct sl_dbscan_params dp = {p->cfg.pattern_eps, p->cfg.pattern_min_samples, 2, 1};
	struct sl_table *t = NULL;
	int32_t *label = malloc((fs->n + 1) * sizeof(*label)), nc = 0;
	int rc = SL_ENOMEM;

	if (!label || !(t = sl_table_new_stream_def(a, SL_T_PATTERNS)))
		goto out;
	rc = sl_dbscan(fs->x, fs->n, F_N, &dp, label, NULL, &nc);
	free(fs->x);
	fs->x = NULL;
	if (rc)
		goto out;
	rc = SL_ENOMEM;
	for (size_t i = 0; i < fs->n; i++) {
		if (sl_table_add_row(t) ||
		    fs->c.set_id(t, SL_PATTERNS_DEPLOYMENT_ID, fs->c.id_ctx, fs->frow[i]))
			goto out;
		sl_table_set_i64(t, SL_PATTERNS_CLUSTER, label[i]);
	}
	if (sl_analysis_add(a, t)) {
		t = NULL;
		goto out;
	}
	t = NULL;
	rc = clusters_table(fs, label, nc, a);
out:
	if (rc)
		rc = sl_err_set(err, rc, NULL, 0, rc == SL_EINVAL ? "bad DBSCAN settings" : NULL);
	sl_table_free(t);
	free(label);
	return rc;
}
