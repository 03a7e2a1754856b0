/* success.h - success rates (docs/ANALYZE.md): the seed's materialized view per
 * agent × environment × day, and per environment and overall for the
 * window with the trend against the previous window of equal length. */
#ifndef ANALYZE_SUCCESS_H
#define ANALYZE_SUCCESS_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
#include "sl_store.h"

struct success_counts {
	uint64_t deployments; /* rows in the window (after --env/--agent) */
	uint64_t files;       /* partition files read */
};

/* Adds the tables success_rates and summary to a. */
int success_run(const struct analyze_params *p, const struct sl_store *st,
		struct sl_analysis *a, struct success_counts *counts, struct sl_errctx *err);

#endif
