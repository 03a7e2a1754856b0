/* query.h - the seed's API (docs/ANALYZE.md) as commands over the store: one
 * result to standard output, CSV by default, JSON with --json.
 *
 *   deployment --id ID        the deployment (JSON: with its checkpoints,
 *                             artifacts and validations)
 *   checkpoints --id ID, artifacts --id ID, validations --id ID
 *   agent-history --agent A [--env E] [--limit N]   newest first (50, <= 200)
 *   success-rates [window] [--env E]                 the summary with its trend
 *   pipeline-executions, pipeline-optimization, evaluate-gate --id ...
 *                             (pipeline.h)
 *   agent-versions, version-compatibility, version-adoption,
 *   promotion-readiness --agent A ...               (versions.h)
 *   predict --agent A --env E [--arg strategy=S instances=N ...]
 *                             duration, success and rollback risk of a plan
 *
 * Queries take further named inputs as --arg KEY=VALUE (query_arg()). */
#ifndef ANALYZE_QUERY_H
#define ANALYZE_QUERY_H

#include "cli.h"
#include "sl_err.h"
#include "sl_result.h"
#include "sl_store.h"

/* Returns 0, 1 when the thing asked for does not exist (message printed),
 * 2 for a bad --arg (message printed), or < 0 with err set. */
int query_run(const struct analyze_params *p, const struct sl_store *st, struct sl_errctx *err);

enum { QUERY_NEEDS_ID = 1, QUERY_NEEDS_AGENT = 2, QUERY_NEEDS_ENV = 4 };

struct query_def {
	const char *name;
	int needs; /* QUERY_NEEDS_* flags, checked by cli_parse */
	int (*run)(const struct analyze_params *p, const struct sl_store *st,
		   struct sl_errctx *err);
};

/* The query called name, or NULL. */
const struct query_def *query_find(const char *name);
/* Prints a result table to standard output: CSV, or a JSON array of
 * objects with --json.  0 or an SL_ error. */
int query_print_table(const struct analyze_params *p, const struct sl_table *t);

#endif
