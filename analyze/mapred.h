/* mapred.h - the analysis as a map over ranges of days and a reduce
 * (docs/SCALING.md): success rates, summary, success_change, the DORA
 * tables and the pipeline tables (mapred_pl.c), byte for byte those of one
 * run with --only dora,pipelines (or the --only given).
 *
 * A map task (--map K/N) takes its share of the local days the analysis
 * reads (the window and the previous window the summary compares with)
 * and writes a partial: counts and exact sums by name, and per median
 * (DORA's lead and recovery times: overall, per agent, per week) a
 * histogram of its values over fixed buckets.  A partial's size follows
 * the groups and buckets, not the rows.  Medians are exact in two passes:
 * --reduce --ranks R finds the bucket that holds each median's rank;
 * --map K/N --ranks R writes the partial again with the values of those
 * buckets; --reduce of those partials writes the analysis file.
 *
 * Both write files only (the partial, the ranks, the analysis file);
 * they return 0 or a negative code with err naming the file at fault. */
#ifndef ANALYZE_MAPRED_H
#define ANALYZE_MAPRED_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
#include "sl_store.h"
#include "success.h"

/* The analyses the map and reduce compute, in the file's order, NULL
 * after the last: --only picks among them, without it they all run. */
extern const char *const mapred_analyses[];
/* Whether the map and reduce of p compute the analysis name. */
int mapred_wants(const struct analyze_params *p, const char *name);
/* The list of them, ", "-joined (for messages). */
const char *mapred_list(void);

int mapred_map(const struct analyze_params *p, const struct sl_store *st,
	       struct sl_errctx *err);
int mapred_reduce(const struct analyze_params *p, struct sl_errctx *err);

/* The run's metadata (main.c's too), in the analysis file's order. */
int analyze_add_meta(struct sl_analysis *a, const struct analyze_params *p,
		     const struct success_counts *sc);

#endif
