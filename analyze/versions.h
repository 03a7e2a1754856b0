/* versions.h - versions per agent (docs/ANALYZE.md): release frequency, adoption
 * curves over the target groups, stability trend, regressions against the
 * predecessor (Fisher's exact test on failures, Mann-Whitney on latency
 * change), optimal rollout duration; and the version queries. */
#ifndef ANALYZE_VERSIONS_H
#define ANALYZE_VERSIONS_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
struct frame;
#include "sl_store.h"

/* The frame's optional columns they read (enum frame_col, frame.h). */
#define VERSIONS_FRAME_COLS (FC_VERSION | FC_GROUP | FC_END | FC_LATENCY)

/* Adds the tables "adoption", "regressions" and "versions" to a. */
int versions_run(const struct analyze_params *p, const struct sl_store *st,
		 const struct frame *f,
		 struct sl_analysis *a, struct sl_errctx *err);

/* The scorecard's version_adoption_48h from a's "adoption" table: the
 * share of production versions old enough to tell that reached the
 * adoption mark in time (*samples: how many); NaN when none. */
double versions_adoption_score(const struct sl_analysis *a, double *samples);

/* Queries: version-compatibility, version-adoption, promotion-readiness
 * (--agent and --arg inputs, docs/ANALYZE.md).  0, 1 when unknown, < 0 on
 * error. */
int versions_query_compatibility(const struct analyze_params *p, const struct sl_store *st,
				 struct sl_errctx *err);
int versions_query_adoption(const struct analyze_params *p, const struct sl_store *st,
			    struct sl_errctx *err);
int versions_query_promotion(const struct analyze_params *p, const struct sl_store *st,
			     struct sl_errctx *err);

#endif
