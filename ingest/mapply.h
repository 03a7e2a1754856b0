/* mapply.h - applies a --map file (lib/sl_mapfile) to the records of the
 * CSV and JSON Lines readers: source columns renamed to canonical ones,
 * constants added, values mapped, times and units converted.  Columns the
 * map does not use pass through under their own names (so they land in
 * metadata, or in a canonical column of the same name). */
#ifndef INGEST_MAPPLY_H
#define INGEST_MAPPLY_H

#include "record.h"
#include "sl_err.h"
#include "sl_mapfile.h"

struct mapply;

/* m must outlive the mapply. */
struct mapply *mapply_new(const struct sl_mapfile *m);
void mapply_free(struct mapply *ma);
/* CSV: the header names.  A source column the map names but the header
 * lacks is an error (err set, SL_EFORMAT). */
int mapply_header(struct mapply *ma, const char *const *names, size_t n, int is_csv,
		  struct sl_errctx *err);
/* 0: *out is the mapped record (valid until the next call); 1: rejected
 * (*reason); < 0: out of memory. */
int mapply_record(struct mapply *ma, const struct record *in, struct record *out,
		  const char **reason);

#endif
