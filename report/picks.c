/* picks.c - the rows the page lists from per-deployment tables, picked
 * before the sections are drawn, and who those deployments are: their
 * agent, environment and start come from health_scores in one pass for
 * all the lists (anomalies, the largest prediction errors, the latest
 * rule firings and failed canaries), not one pass a list. */
#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The predictions whose actual duration is furthest from the predicted,
 * in a pick of their own (the key is computed, not a column). */
static int pick_errors(struct ctx *cx, struct pg_picked *pp)
{
	static const int want[] = {SL_PREDICTIONS_ACTUAL_DURATION_MS,
				   SL_PREDICTIONS_PREDICTED_DURATION_MS, -1};
	long ti = sl_anfile_find_id(cx->f, SL_T_PREDICTIONS);
	const struct sl_table *g;
	struct giter it;
	int rc;

	if ((rc = pick_init(&pp->pk, (size_t)cx->p->rows, 0)))
		return rc;
	giter_init(&it, cx->f, ti, cx->err);
	giter_only(&it, want);
	while (!rc && (g = giter_next(&it)))
		for (size_t r = 0; !rc && r < sl_table_rows(g); r++) {
			double e = fabs(num(g, SL_PREDICTIONS_ACTUAL_DURATION_MS, r) -
					num(g, SL_PREDICTIONS_PREDICTED_DURATION_MS, r));

			if (isfinite(e))
				rc = pick_offer(&pp->pk, it.base + r, e);
		}
	giter_done(&it);
	if (!rc)
		rc = it.rc;
	if (!rc)
		rc = pick_fill(&pp->pk, cx->f, ti, cx->err);
	if (!rc && pp->pk.t && !(rc = pick_order(&pp->pk, &pp->idx, &pp->n)))
		pp->n = (size_t)pp->pk.offered;
	return rc;
}

static int cmp_who(const void *x, const void *y)
{
	return strcmp(((const struct pg_who *)x)->id, ((const struct pg_who *)y)->id);
}

/* The id column of each picked table. */
static const int id_col[PK_N] = {SL_ANOMALIES_DEPLOYMENT_ID, SL_PREDICTIONS_DEPLOYMENT_ID,
				 SL_ROLLBACK_DECISIONS_DEPLOYMENT_ID,
				 SL_CANARY_JUDGEMENTS_DEPLOYMENT_ID};

void pg_prepare(struct ctx *cx)
{
	static const struct pickq q[PK_N] = {
		{SL_ANOMALIES_IS_ANOMALY, SL_ANOMALIES_ANOMALY_SCORE, -1, NULL},
		{-1, -1, -1, NULL}, /* pick_errors */
		{SL_ROLLBACK_DECISIONS_SHOULD_ROLLBACK, -1, -1, NULL},
		{-1, -1, SL_CANARY_JUDGEMENTS_RESULT, "fail"},
	};
	static const enum sl_tid tid[PK_N] = {SL_T_ANOMALIES, SL_T_PREDICTIONS,
					      SL_T_ROLLBACK_DECISIONS, SL_T_CANARY_JUDGEMENTS};
	const char **ids = NULL;
	size_t nids = 0, k = 0;
	int rc = 0;

	if (!(cx->picked = calloc(PK_N, sizeof(*cx->picked)))) {
		pg_failed(cx, SL_ENOMEM);
		return;
	}
	for (int i = 0; i < PK_N && !rc; i++) {
		struct pg_picked *pp = &cx->picked[i];

		if (sl_anfile_find_id(cx->f, tid[i]) < 0 || cx->att->empty)
			continue;
		if (i == PK_PREDICTIONS)
			rc = pick_errors(cx, pp);
		else
			rc = pg_pick_rows(cx, tid[i], &q[i], &pp->pk, &pp->idx, &pp->n);
		pp->ok = !rc && pp->pk.t;
		pp->shown = pp->n < (size_t)cx->p->rows ? pp->n : (size_t)cx->p->rows;
		if (pp->ok)
			nids += pp->shown;
	}
	if (rc || !nids)
		goto out;
	if (!(ids = calloc(nids, sizeof(*ids))) || !(cx->who = calloc(nids, sizeof(*cx->who)))) {
		rc = SL_ENOMEM;
		goto out;
	}
	for (int i = 0; i < PK_N; i++)
		for (size_t j = 0; cx->picked[i].ok && j < cx->picked[i].shown; j++) {
			const char *id = str(cx->picked[i].pk.t, id_col[i], cx->picked[i].idx[j]);

			if (id)
				ids[k++] = id;
		}
	cx->nwho = k;
	if ((rc = pg_who_of(cx, ids, k, cx->who)))
		goto out;
	for (size_t j = 0; j < k; j++)
		if (!(cx->who[j].id = strdup(ids[j]))) {
			rc = SL_ENOMEM;
			goto out;
		}
	qsort(cx->who, k, sizeof(*cx->who), cmp_who);
out:
	free(ids);
	pg_failed(cx, rc);
}

const struct pg_who *pg_who_find(const struct ctx *cx, const char *id)
{
	struct pg_who key = {(char *)id, NULL, NULL, NAN};
	const struct pg_who *w;

	if (!id || !cx->nwho)
		return NULL;
	w = bsearch(&key, cx->who, cx->nwho, sizeof(*cx->who), cmp_who);
	return w && w->agent ? w : NULL;
}

void pg_unprepare(struct ctx *cx)
{
	for (int i = 0; cx->picked && i < PK_N; i++) {
		free(cx->picked[i].idx);
		pick_free(&cx->picked[i].pk);
	}
	free(cx->picked);
	cx->picked = NULL;
	pg_who_free(cx->who, cx->nwho);
	free(cx->who);
	cx->who = NULL;
	cx->nwho = 0;
}
