/* sl_anread.h - reading an analysis file (docs/FORMAT.md, "The analysis
 * file"), strictly, one table or one row group at a time.
 *
 * The analysis file is input like any other: the trailer, the index and
 * every row group are checked (types, lengths, counts; every offset and
 * size against the file's size and against each other: the groups must
 * tile the file between the header and the index), nothing in it is
 * trusted to size an allocation before the bytes behind it have been
 * seen, and a file that sl_analysis_write() would not have written is
 * refused (SL_EFORMAT or SL_ETRUNC naming the table and column, or
 * SL_EVERSION for another format number).  So is a table whose name is
 * declared in sl_tables.h with other columns (names, order or types): a
 * reader may then index a declared table's columns by the constants of
 * sl_tables.h.  A table of an undeclared name is read as it is.
 *
 * sl_anfile_open() reads the trailer, the index and the header only;
 * sl_anfile_group() then reads and checks one row group, so a reader holds
 * one group of one table at a time.  sl_anread_file() reads everything
 * into a struct sl_analysis (tests, small files). */
#ifndef SL_ANREAD_H
#define SL_ANREAD_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"
#include "sl_result.h"
#include "sl_tables.h"

/* Bounds on what a file may hold. */
#define SL_ANREAD_MAX_TABLES 1024
#define SL_ANREAD_MAX_COLS 256
#define SL_ANREAD_MAX_META 256
#define SL_ANREAD_MAX_NAME 128  /* table, column and metadata names, bytes */
#define SL_ANREAD_MAX_STR 65536 /* a string cell or metadata value, bytes */
#define SL_ANREAD_MAX_HEADER ((size_t)32 << 20) /* the header object, bytes */
#define SL_ANREAD_MAX_INDEX ((size_t)64 << 20)  /* the index object, bytes */
#define SL_ANREAD_MAX_GROUP ((uint64_t)1 << 30) /* one row group, bytes */

struct sl_anfile;

/* Opens the file at path; *out is freed with sl_anfile_close(). */
int sl_anfile_open(const char *path, struct sl_anfile **out, struct sl_errctx *err);
/* The same over buf[0..n), which must outlive the handle (path only names
 * it in errors). */
int sl_anfile_open_buf(const char *buf, size_t n, const char *path, struct sl_anfile **out,
		       struct sl_errctx *err);
void sl_anfile_close(struct sl_anfile *f);
/* The run metadata, as an analysis without tables (owned by f). */
const struct sl_analysis *sl_anfile_meta(const struct sl_anfile *f);
/* The tables, in the file's order. */
size_t sl_anfile_ntables(const struct sl_anfile *f);
const char *sl_anfile_name(const struct sl_anfile *f, size_t i);
/* The index of the table called name, or -1. */
long sl_anfile_find(const struct sl_anfile *f, const char *name);
/* The same for a declared table. */
long sl_anfile_find_id(const struct sl_anfile *f, enum sl_tid id);
uint64_t sl_anfile_rows(const struct sl_anfile *f, size_t i);
/* Its columns (*ncols of them; owned by f). */
const struct sl_rcol *sl_anfile_cols(const struct sl_anfile *f, size_t i, int *ncols);
size_t sl_anfile_ngroups(const struct sl_anfile *f, size_t i);
/* Row group k of table i as a new table of its rows (k = 0 of a table of
 * no rows: an empty table with the columns). */
int sl_anfile_group(struct sl_anfile *f, size_t i, size_t k, struct sl_table **out,
		    struct sl_errctx *err);
/* The same keeping only the columns c where want[c] is set: the others
 * are checked as strictly but read back as null (a section that counts
 * one column of a wide table copies only that one). */
int sl_anfile_group_cols(struct sl_anfile *f, size_t i, size_t k, const unsigned char *want,
			 struct sl_table **out, struct sl_errctx *err);
/* The whole of table i as one new table (memory grows with the table). */
int sl_anfile_table(struct sl_anfile *f, size_t i, struct sl_table **out,
		    struct sl_errctx *err);

/* One row group object, buf[0..n), of the table named table with those
 * columns and rows rows: checked and decoded into a new table. */
int sl_anread_group(const char *buf, size_t n, const char *path, const char *table,
		    const struct sl_rcol *cols, int ncols, uint64_t rows,
		    struct sl_table **out, struct sl_errctx *err);

/* The open file's metadata and every table but the one named skip (NULL:
 * every table), in the file's order, as a new analysis *out the caller
 * frees with sl_analysis_free(). */
int sl_anfile_analysis(struct sl_anfile *f, const char *skip, struct sl_analysis **out,
		       struct sl_errctx *err);

/* Parses the whole file buf[0..n) (path only names it in errors).  On
 * success *out is a new analysis (metadata and every table, in the file's
 * order) the caller frees with sl_analysis_free(). */
int sl_anread_buf(const char *buf, size_t n, const char *path, struct sl_analysis **out,
		  struct sl_errctx *err);
/* Reads and parses the file at path. */
int sl_anread_file(const char *path, struct sl_analysis **out, struct sl_errctx *err);

#endif
