/* mapred_ft.h - features, anomalies and patterns in the map and reduce
 * (mapred.h, docs/SCALING.md): the tables "features", "anomalies",
 * "anomaly_summary", "patterns" and "clusters", byte for byte those of one
 * run with --only features.
 *
 * The isolation forest and DBSCAN see every deployment of the window at
 * once, so nothing of theirs adds up across tasks: a map task of the
 * second pass writes its days' deployments, the fields the features are
 * computed from (about 100 bytes a row, in row groups), and the reduce
 * gathers them in frame order (the tasks' days follow one another, each
 * task's rows in frame order), builds the feature set from them and runs
 * what one run runs (featureset.h).  The reduce holds about 100 bytes a
 * row of the window besides what one run's features hold.
 *
 * Both return 0 or a negative code with err naming the file at fault. */
#ifndef ANALYZE_MAPRED_FT_H
#define ANALYZE_MAPRED_FT_H

#include "cli.h"
#include "frame.h"
#include "sl_err.h"
#include "sl_result.h"

/* The table of the partial that holds the rows, which the reduce reads a
 * row group at a time (mapred.c leaves it out of its reading). */
#define MAPRED_FT_ROWS "partial_features"

/* The map: adds to part (whose file has been started: the rows stream to
 * it) the wanted rows of f, which holds FEATURES_FRAME_COLS, and their
 * names. */
int mapred_ft_map(const struct frame *f, struct sl_analysis *part, struct sl_errctx *err);

/* The reduce: the partials of the second pass, parts[k] task k's of n
 * (their metadata checked already), into the five tables of out. */
int mapred_ft_reduce(const struct analyze_params *p, const char *const *parts, int n,
		     struct sl_analysis *out, struct sl_errctx *err);

#endif
