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
	uint64_t matched;     /* agents of the set with deployments in the window */
	uint64_t files;       /* partition files read */
};

/* The view's groups of every agent (after --env), read once: any set of
 * agents' tables are then sums of them (a team's, the organisation's). */
struct success_agg;

/* Scans the window (and the previous one) of p into *out, the caller's
 * to free with success_free(). */
int success_scan(const struct analyze_params *p, const struct sl_store *st,
		 struct success_agg **out, struct sl_errctx *err);
void success_free(struct success_agg *agg);
/* Adds the tables success_rates, summary and success_change of the
 * agents of set (NULL or empty: every agent) to a, and with org set
 * org_summary, the summary of every agent. */
int success_tables(const struct success_agg *agg, const struct agent_set *set, int org,
		   struct sl_analysis *a, struct success_counts *counts, struct sl_errctx *err);
/* Adds unowned_agents: the agents with deployments in the window that
 * no team of teams matches, by name, with their deployments. */
int success_unowned(const struct success_agg *agg, const struct sl_teams *teams,
		    struct sl_analysis *a, struct sl_errctx *err);
/* success_scan() and success_tables() of p's agents. */
int success_run(const struct analyze_params *p, const struct sl_store *st,
		struct sl_analysis *a, struct success_counts *counts, struct sl_errctx *err);

/* The scan in steps, for a map task's share of the days and the reduce
 * (docs/SCALING.md).  success_new() makes an empty agg for p's window;
 * success_scan_range() adds the rows starting in [from, to) (within
 * success_scan_from(p) .. p->to); success_save() writes the agg's groups
 * and previous totals into a partial as exact counts by name, and
 * success_load() adds a partial's into an agg.  success_done(), once the
 * rows are in, orders the groups for success_tables(): no rows are added
 * after it.  Counts and sums are exact, so the order of scans and loads
 * does not matter.  success_scan() is new, one range, done. */
#define SUCCESS_PART_GROUPS "partial_success_groups"
#define SUCCESS_PART_PREV "partial_success_prev"
int64_t success_scan_from(const struct analyze_params *p);
int success_new(const struct analyze_params *p, struct success_agg **out, struct sl_errctx *err);
int success_scan_range(const struct analyze_params *p, const struct sl_store *st, int64_t from,
		       int64_t to, struct success_agg *agg, struct sl_errctx *err);
void success_done(struct success_agg *agg);
/* The partition files the scans read (success_counts.files). */
uint64_t success_files(const struct success_agg *agg);
int success_save(const struct success_agg *agg, struct sl_analysis *part);
int success_load(struct success_agg *agg, const struct sl_analysis *part, const char *path,
		 struct sl_errctx *err);

#endif
