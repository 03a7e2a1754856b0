/* common.h - small pieces the analyses share: names from the run's
 * dictionary in sorted output, and order statistics per group. */
#ifndef ANALYZE_COMMON_H
#define ANALYZE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "sl_dict.h"
#include "sl_scan.h"
#include "sl_result.h"
#include "sl_tables.h"
#include "sl_u64map.h"

struct analyze_params;

/* The agents a run is about (--agent, repeatable, or a team's agents):
 * names and fnmatch(3) globs.  No pattern: every agent. */
struct agent_set {
	const char *const *pat;
	size_t n;
};

/* Whether the n bytes at s (NULL: a null value) are the string want. */
int is_str(const char *s, size_t n, const char *want);
/* Whether the agent (n bytes, NULL: null) is one of the set's (a set of
 * no pattern holds every agent, null included).  A glob is tried on the
 * name, so callers match each distinct name once (agent_set_codes), not
 * each row. */
int agent_set_match(const struct agent_set *s, const char *agent, size_t n);
/* For each code c of d, whether its string is an agent of the set
 * (*out: malloc'ed, sl_dict_count(d) bytes, at least 1).  0 or SL_ENOMEM. */
int agent_set_codes(const struct agent_set *s, const struct sl_dict *d, uint8_t **out);
/* Whether a row of env (n bytes, NULL: null) passes the --env filter. */
int env_wanted(const struct analyze_params *p, const char *env, size_t en);
/* Whether a row of agent and env (n bytes each, NULL: null) passes the
 * agent set and --env filter of p (one row at a time: for the few rows
 * of a query, not for a window's). */
int agent_env_wanted(const struct analyze_params *p, const char *agent, size_t an,
		     const char *env, size_t en);
/* The agents the store has ever seen (agent_id of every kind that has
 * one, whatever the time), each once, in byte order: *names of *n
 * NUL-terminated strings, the caller's to free with names_free().  0 or
 * a negative SL_E* code in err. */
int store_agents(const struct sl_store *st, char ***names, size_t *n, struct sl_errctx *err);
void names_free(char **names, size_t n);
/* Whether name occurs nowhere in the string column col of the nk kinds[]
 * (nk 0: every kind with such a column) of the whole store, whatever the
 * window: then it says so on stderr with the nearest names the store holds
 * (by edit distance, a name's start counting as near; what names the
 * thing, "agent")
 * and returns 1 (the line starts "warning: " when warn is set).  0 when
 * it occurs, or a negative SL_E* code in err.
 * The queries call it only when their answer is empty: a store of ten
 * million rows is read in seconds, not milliseconds. */
int name_unknown(const struct sl_store *st, const enum sl_kind *kinds, size_t nk,
		 const char *col, const char *what, const char *name, int warn,
		 struct sl_errctx *err);
/* name_unknown() for p's --agent (agent_id) and --env (environment), both
 * said when both are unknown: 1 when either is, else 0 or SL_E*. */
int agent_env_unknown(const struct analyze_params *p, const struct sl_store *st,
		      const enum sl_kind *kinds, size_t nk, int warn, struct sl_errctx *err);
/* Byte order of the strings behind two codes of d (shorter first on a tie). */
int names_cmp(const struct sl_dict *d, uint32_t a, uint32_t b);
/* Codes that do not depend on the order strings were met in: a new
 * dictionary (*out) of the strings behind codes[0..n) of d, numbered in
 * their byte order, and to[c] = the new code of each old code c listed
 * (codes is sorted in place).  0 or SL_ENOMEM. */
int names_in_order(const struct sl_dict *d, uint32_t *codes, size_t n, uint32_t *to,
		   struct sl_dict **out);

/* Opens a scan of the records of kind in [from, to) reading the n columns
 * named, whose indices it writes to col[]. */
int scan_kind_cols(const struct sl_store *st, enum sl_kind kind, int64_t from, int64_t to,
		   const char *const *names, int n, int *col, struct sl_scan **sc,
		   struct sl_errctx *err);
/* The same over the deployments. */
int scan_deployments_cols(const struct sl_store *st, int64_t from, int64_t to,
			  const char *const *names, int n, int *col, struct sl_scan **sc,
			  struct sl_errctx *err);

/* Records that follow a deployment (validations, checkpoints, metric
 * samples) can be from a day before it to a week after it. */
#define FOLLOW_BEFORE_MS 86400000LL
#define FOLLOW_AFTER_MS (7 * 86400000LL)

/* scan_kind_cols over [from, to) widened by FOLLOW_BEFORE_MS and
 * FOLLOW_AFTER_MS (an unbounded end stays unbounded). */
int scan_follow_cols(const struct sl_store *st, enum sl_kind kind, int64_t from, int64_t to,
		     const char *const *names, int n, int *col, struct sl_scan **sc,
		     struct sl_errctx *err);

/* A row group's dictionary codes of one string column, translated once:
 * map[code] for the codes of the batch seen last (a million rows name far
 * fewer distinct strings, and a row group's strings are a dictionary).
 * code_map_ready() makes map[] cover batch b's column c, every entry
 * CODE_MAP_UNSET when b is a new batch.  0 or SL_ENOMEM. */
#define CODE_MAP_UNSET (UINT32_MAX - 1)
struct code_map {
	uint64_t gen; /* the batch's, when map was filled */
	uint32_t *map;
	size_t cap;
};
int code_map_ready(struct code_map *m, const struct sl_batch *b, int c);
void code_map_release(struct code_map *m);
/* *code = the code in names of row r's string in column c of b (interned
 * on its first use in the row group, through m), or none when it is null.
 * 0 or SL_ENOMEM. */
int code_map_intern(struct code_map *m, struct sl_dict *names, const struct sl_batch *b, int c,
		    size_t r, uint32_t none, uint32_t *code);

/* *row = the value byid maps the hash of row r's id (column c_id) to, or
 * UINT32_MAX when the row is outside the scan's window, has no id or an
 * id not in byid; each distinct id of a row group is looked up once (m).
 * 0 or SL_ENOMEM. */
int scan_row_of(struct code_map *m, const struct sl_scan *sc, const struct sl_batch *b,
		size_t r, int c_id, const struct sl_u64map *byid, uint32_t *row);

/* Adds the n tables t[] to a in order; a takes them all (those after a
 * failure are freed) and t[] is set to NULL.  0, or SL_ENOMEM set in err. */
int analysis_add_tables(struct sl_analysis *a, struct sl_table **t, size_t n,
			struct sl_errctx *err);

/* A new backtest table id (SL_T_DURATION_BACKTEST ...: metric, value
 * rows); NULL when out of memory.  The caller frees it (or hands it to an
 * analysis). */
struct sl_table *metric_table_new(enum sl_tid id);
/* Adds the row (name, v) to such a table.  0 or SL_ENOMEM. */
int metric_add(struct sl_table *t, const char *name, double v);

/* The lower median of v[0..n), n > 0: for an even count the smaller of the
 * two middle values (an observed value, never an average).  Sorts v. */
int64_t lower_median(int64_t *v, size_t n);
/* The usual median of the sorted v[0..n) (the two middle values averaged
 * for an even count); NaN when n is 0. */
double median_sorted(const double *v, size_t n);

/* Which order statistic of a group's sorted values to take. */
enum rank_rule {
	RANK_LOWER_MEDIAN, /* element (k - 1) / 2: an observed value */
	RANK_P95_NEAREST,  /* element ceil(0.95 k) - 1 */
};

/* Groups n rows by key[i] (rows with has[i] == 0 take part in the grouping
 * but not in the statistic), writes each row's group index to group[i],
 * and returns per group the statistic of its values (*stat, *has_stat:
 * malloc'ed, one per group; has_stat 0 when the group has no value).
 * 0 or SL_ENOMEM. */
int group_rank(size_t n, const uint64_t *key, const int64_t *val, const uint8_t *has,
	       enum rank_rule rule, uint32_t *group, int64_t **stat, uint8_t **has_stat);

/* Reading a partial of --map (docs/SCALING.md): its table name with
 * exactly the columns cols[0..ncols), or NULL with err set naming path. */
const struct sl_table *partial_table(const struct sl_analysis *a, const char *name,
				     const struct sl_rcol *cols, int ncols, const char *path,
				     struct sl_errctx *err);
/* A whole number cell of a partial, exact (the file's integers are read
 * back as doubles: exact below 2^53): 0, or -1 when it is not one. */
int partial_cell(const struct sl_table *t, int c, size_t r, int64_t *v);
/* An exact sum (sl_fsum) in a partial's string cell, exactly: its words
 * as hex.  put: 0 or SL_ENOMEM; get: 0, or -1 when hex is not one. */
struct sl_fsum;
int partial_fsum_put(struct sl_table *t, int c, const struct sl_fsum *s);
int partial_fsum_get(const char *hex, struct sl_fsum *s);

#endif
