/* mapred_int.h - what mapred.c shares with the parts of the map and the
 * reduce in files of their own (mapred_pl.c): the buckets of the
 * histograms, an order statistic found in two passes, and the hooks. */
#ifndef ANALYZE_MAPRED_INT_H
#define ANALYZE_MAPRED_INT_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
#include "sl_store.h"

/* Values are whole milliseconds >= 0 (below 0 counts as 0): a bucket
 * holds values within 1/16 of each other, MR_NBUCKETS of them. */
#define MR_NBUCKETS (16 + (63 - 4) * 16)
int64_t mr_bucket_of(int64_t v);

/* An order statistic of a group's values at up to MR_RANKS ranks (rank:
 * the index in their order), in two passes: the first adds up histograms
 * (mr_stat_hist); mr_stat_find() finds the bucket of each rank; the second
 * adds the values of those buckets (mr_stat_val), or every value;
 * mr_stat_value() then gives the rank's value, or -1 when values of its
 * bucket are missing. */
#define MR_RANKS 3
struct mr_stat {
	uint64_t *hist; /* MR_NBUCKETS counts, or NULL */
	uint64_t n;
	int64_t bucket[MR_RANKS];
	uint64_t below[MR_RANKS];
	int64_t *vals;
	size_t nvals, vcap;
	int sorted;
};
int mr_stat_hist(struct mr_stat *s, int64_t bucket, uint64_t count);
int mr_stat_val(struct mr_stat *s, int64_t v);
void mr_stat_find(struct mr_stat *s, const size_t *rank, int nrank);
int mr_stat_value(struct mr_stat *s, int k, size_t rank, int64_t *out);
void mr_stat_release(struct mr_stat *s);

/* Task k of n's days of the days from s to the window's end: the local
 * days [d0 + k D / n, d0 + (k + 1) D / n) of the D days, clipped to
 * [s, p->to): [*lo, *hi) (empty when there are fewer days than tasks). */
void mr_task_days(const struct analyze_params *p, int64_t s, int k, int n, int64_t *lo,
		  int64_t *hi);

/* The pipelines' part (mapred_pl.c).  map: task's own days [lo, hi) of
 * the window into part's tables, the second pass with the ranks file
 * p->ranks.  reduce: load() each partial; ranks() writes its table of the
 * ranks file; tables() the analysis' tables. */
struct mrpl;
int mrpl_map(const struct analyze_params *p, const struct sl_store *st, int64_t lo, int64_t hi,
	     struct sl_analysis *part, struct sl_errctx *err);
struct mrpl *mrpl_new(void);
void mrpl_free(struct mrpl *m);
int mrpl_load(struct mrpl *m, const struct sl_analysis *a, const char *path, int pass,
	      struct sl_errctx *err);
int mrpl_ranks(struct mrpl *m, const struct analyze_params *p, struct sl_analysis *ranks,
	       struct sl_errctx *err);
int mrpl_tables(struct mrpl *m, const struct analyze_params *p, struct sl_analysis *a,
		struct sl_errctx *err);

#endif
