/* glue.h - what the ingest harnesses share: a scratch store and the
 * callbacks that take records from a format reader through the row mapper
 * into a partition set, touching every byte handed over. */
#ifndef FUZZ_GLUE_H
#define FUZZ_GLUE_H

#include "partset.h"
#include "rowmap.h"
#include "src.h"

struct fuzz_sink {
	enum sl_kind kind; /* forced, or SL_KIND_NONE to detect */
	int is_csv;        /* rowmap_set_header() on the header */
	struct rowmap *rm;
	struct partset *ps;
	/* records the mapper took and refused, as its answers said: its own
	 * counts (the ingest's summary) must match them at the close */
	uint64_t accepted, rejected;
	int fatal;
};

/* Sets up sink and ops for one input (the partition set lives in a
 * scratch store removed at exit); 0, or -1 when out of memory. */
int fuzz_sink_open(struct fuzz_sink *sink, struct src_ops *ops);
/* Hands rec to the row mapper (made for the sink's kind if there is none
 * yet) and counts its answer for fuzz_sink_close(); a rejection's reason
 * is read back.  SL_OK for a row taken or refused, else the error. */
int fuzz_sink_add(struct fuzz_sink *sink, const struct record *rec, struct sl_errctx *err);
/* Frees the sink; abort()s when the row mapper's counts of accepted and
 * rejected rows are not the answers it gave record by record. */
void fuzz_sink_close(struct fuzz_sink *sink);

#endif
