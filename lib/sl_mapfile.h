/* sl_mapfile.h - the column-mapping file of `shiplog-ingest --map FILE`
 * (docs/ADAPTERS.md): how the columns of any CSV or JSON export become the
 * columns of a record kind.  docs/ADAPTERS.md describes the format:
 *
 *   kind = stage_runs
 *   stage_id <- tr_job_id            canonical column <- source column
 *   stage_type = test                a constant
 *   value status passed -> success   a value map (case-insensitive)
 *   time start_time %Y-%m-%d %H:%M:%S UTC   epoch_s, epoch_ms, iso or a strptime pattern
 *   unit duration_ms s               the source's unit: ms, s, min, h
 *   start_time <- startTime | queueTime   the first of these that is not null
 *   status <- status + result        both values, joined by a blank
 *   pipeline_id <- definition.name   a path into nested objects (JSON)
 *   ordinal execution_number         a text id as a stable integer
 *   keep sourceBranch reason         carried into metadata as they are
 *
 * The parsed file owns all its strings; sl_mapfile_free() frees them. */
#ifndef SL_MAPFILE_H
#define SL_MAPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"
#include "sl_schema.h"

#define SL_MAP_MAX_COLS 128     /* mapped columns */
#define SL_MAP_MAX_VALUES 1024  /* value-map entries */
#define SL_MAP_MAX_LINE 1024    /* bytes of one line */
#define SL_MAP_MAX_FILE (1u << 20)
#define SL_MAP_MAX_SOURCES 8    /* sources of one column ('a | b | c') */
#define SL_MAP_MAX_KEEP 128     /* names on 'keep' lines */
/* Ordinals are hashes cut to 53 bits: exact as a double too (spreadsheets,
 * JSON readers), and two ids in a million share one with a chance of
 * about 5e-5 -- within one run of the map, that is detected. */
#define SL_MAP_ORDINAL_BITS 53

enum sl_map_time { SL_MT_AUTO = 0, SL_MT_EPOCH_S, SL_MT_EPOCH_MS, SL_MT_PATTERN };

struct sl_map_col {
	char *canon;        /* a column of the kind */
	int col;            /* its index in the kind */
	char *source;       /* source column or path, or NULL */
	char *more[SL_MAP_MAX_SOURCES - 1]; /* the sources after it */
	size_t nmore;
	int pair;           /* 'a + b': both values joined by a blank (a null
			     * one left out); else the first non-null source */
	int ordinal;        /* text to a stable integer: sl_mapfile_ordinal() */
	char *constant;     /* or a constant, or NULL (then the source is canon) */
	enum sl_map_time time;
	char *pattern;      /* SL_MT_PATTERN: strptime format */
	double factor;      /* unit: source value × factor = column unit; 0 = none */
};

struct sl_map_value {
	size_t col;         /* index into cols */
	char *from, *to;
};

struct sl_mapfile {
	enum sl_kind kind;
	struct sl_map_col cols[SL_MAP_MAX_COLS];
	size_t ncols;
	struct sl_map_value *values;
	size_t nvalues;
	char **keep;        /* source columns carried into metadata */
	size_t nkeep;
	struct sl_map_ids *ids; /* the ordinals given so far, for collisions:
				 * state that changes under a const map */
	int ordinal_bits;   /* SL_MAP_ORDINAL_BITS (tests make it small) */
};

/* Parses text (n bytes) read from name.  0, or SL_EPARSE/SL_ELIMIT with
 * err naming the line; SL_ENOMEM.  *out is the caller's to free. */
int sl_mapfile_parse(const char *text, size_t n, const char *name, struct sl_mapfile **out,
		     struct sl_errctx *err);
/* Reads and parses a file (at most SL_MAP_MAX_FILE bytes). */
int sl_mapfile_load(const char *path, struct sl_mapfile **out, struct sl_errctx *err);
void sl_mapfile_free(struct sl_mapfile *m);

/* The mapped value of text s (n bytes) for column index ci: the value
 * map's replacement (static until the map is freed) or s itself. */
const char *sl_mapfile_value(const struct sl_mapfile *m, size_t ci, const char *s, size_t n,
			     size_t *outn);
/* Column c's sources: 0 for a constant, else 1 + c->nmore; the i-th
 * (the column's own name when the map gave none). */
size_t sl_mapfile_nsources(const struct sl_map_col *c);
const char *sl_mapfile_source(const struct sl_map_col *c, size_t i);
/* The ordinal of the text s (n bytes): the same text gives the same
 * number in any run, any order; 0 <= *ord < 2^SL_MAP_ORDINAL_BITS.  0, or
 * SL_EFORMAT when another text seen through this map has the same ordinal
 * (*other is that text, static until the map is freed); SL_ENOMEM. */
int sl_mapfile_ordinal(const struct sl_mapfile *m, const char *s, size_t n, int64_t *ord,
		       const char **other);
/* A time in c's format to epoch ms.  0 or SL_EPARSE. */
int sl_mapfile_time(const struct sl_map_col *c, const char *s, size_t n, int64_t *ms);

#endif
