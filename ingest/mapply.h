/* mapply.h - applies a --map file (lib/sl_mapfile) to the records of the
 * CSV and JSON Lines readers: source columns (JSON: or paths into nested
 * values) renamed to canonical ones, fallbacks and pairs of sources read,
 * constants added, values mapped, times, units and ordinals converted.
 * Of the columns the map does not use, only those named after a column of
 * the kind (that the map does not write) and those on 'keep' lines pass
 * through; the others are never looked at, so nothing in them can reject
 * a row. */
#ifndef INGEST_MAPPLY_H
#define INGEST_MAPPLY_H

#include "record.h"
#include "sl_err.h"
#include "sl_mapfile.h"

struct mapply;

/* m must outlive the mapply. */
struct mapply *mapply_new(const struct sl_mapfile *m);
void mapply_free(struct mapply *ma);
/* CSV: the header names.  A column none of whose sources the header has,
 * or a 'keep' name it lacks, is an error (err set, SL_EFORMAT). */
int mapply_header(struct mapply *ma, const char *const *names, size_t n, int is_csv,
		  struct sl_errctx *err);
/* 0: *out is the mapped record (valid until the next call); 1: rejected
 * (*reason); < 0: out of memory. */
int mapply_record(struct mapply *ma, const struct record *in, struct record *out,
		  const char **reason);
/* After the last record of a JSON input: a column none of whose sources
 * occurred in any record (not even as null), or a 'keep' name that never
 * did, is an error naming it (SL_EFORMAT; path goes into err). */
int mapply_finish(struct mapply *ma, const char *path, struct sl_errctx *err);

#endif
