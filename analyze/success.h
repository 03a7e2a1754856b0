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

/* The same in steps, for a map task's share of the days and the reduce
 * (docs/SCALING.md): an accumulator takes the rows starting in [from, to)
 * (within success_scan_from(p) .. p->to), is saved into a partial as
 * counts by name, loaded from partials (their counts added), and finished
 * into the three tables by the same code as success_run().  Counts and
 * sums are exact, so the order of scans and loads does not matter. */
#define SUCCESS_PART_GROUPS "partial_success_groups"
#define SUCCESS_PART_ENVS "partial_success_envs"
#define SUCCESS_PART_AGENTS "partial_success_agents"
struct success_acc;
struct success_acc *success_acc_new(void); /* NULL when out of memory */
void success_acc_free(struct success_acc *acc);
int64_t success_scan_from(const struct analyze_params *p);
int success_acc_scan(const struct analyze_params *p, const struct sl_store *st, int64_t from,
		     int64_t to, struct success_acc *acc, struct success_counts *counts,
		     struct sl_errctx *err);
int success_acc_finish(struct success_acc *acc, const struct analyze_params *p,
		       struct sl_analysis *a, struct sl_errctx *err);
int success_acc_save(const struct success_acc *acc, struct sl_analysis *part);
int success_acc_load(struct success_acc *acc, const struct sl_analysis *part, const char *path,
		     struct sl_errctx *err);

#endif
