/* apisrc.h - the streaming reader of CI API exports (JSON Lines, pages,
 * concatenated or pretty-printed values, top-level arrays) for the
 * --format adapters.  Memory is bounded by one top-level value. */
#ifndef INGEST_APISRC_H
#define INGEST_APISRC_H

#include "adapt.h"
#include "src.h"

#define APISRC_MAX_VALUE (64u * 1024 * 1024) /* bytes of one value (one API page) */

int apisrc_run(struct sl_input *in, const char *path, const char *first, size_t n,
	       struct src_ops *ops, struct adapter *ad, int explain, struct sl_errctx *err);

#endif
