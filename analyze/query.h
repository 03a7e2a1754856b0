/* query.h - the seed's API (SPEC §4.14) as commands over the store: one
 * result to standard output, CSV by default, JSON with --json.
 *
 *   deployment --id ID        the deployment (JSON: with its checkpoints,
 *                             artifacts and validations)
 *   checkpoints --id ID, artifacts --id ID, validations --id ID
 *   agent-history --agent A [--env E] [--limit N]   newest first (50, <= 200)
 *   success-rates [window] [--env E]                 the summary with its trend */
#ifndef ANALYZE_QUERY_H
#define ANALYZE_QUERY_H

#include "cli.h"
#include "sl_err.h"
#include "sl_store.h"

/* Returns 0, 1 when the thing asked for does not exist (message printed),
 * or < 0 with err set. */
int query_run(const struct analyze_params *p, const struct sl_store *st, struct sl_errctx *err);
int query_known(const char *name);

#endif
