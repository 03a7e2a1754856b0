/* rejects.h - the reject file of one ingest run: STORE/rejects/<time>-<pid>.csv
 * with columns source_file, line, reason, raw (RFC 4180).  Created on the
 * first reject under a temporary name; committed with the store. */
#ifndef INGEST_REJECTS_H
#define INGEST_REJECTS_H

#include <stddef.h>

#include "sl_err.h"
#include "sl_store.h"

#define REJECT_MAX_RAW (64u * 1024) /* raw text kept per rejected row */

struct rejects;

struct rejects *rejects_new(struct sl_store *st);
int rejects_add(struct rejects *rj, const char *source, long line, const char *reason,
		const char *raw, size_t rawlen, struct sl_errctx *err);
/* Closes and stages the file (if any rows were rejected); *path gets its
 * final name (or "" when there is none). */
int rejects_finish(struct rejects *rj, char *path, size_t n, struct sl_errctx *err);
void rejects_free(struct rejects *rj);

#endif
