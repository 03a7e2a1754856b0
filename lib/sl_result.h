/* sl_result.h - result tables of an analysis and the analysis file.
 *
 * A table has named, typed columns and rows appended one at a time; values
 * start null.  An analysis is run metadata (ordered key/values) and tables
 * in the order they were added; the analysis file (docs/FORMAT.md, "The
 * analysis file") is a stream of msgpack objects: a header, the tables'
 * row groups of SL_RESULT_GROUP_ROWS rows, an index and a trailer.
 *
 * Memory: once sl_analysis_open() has started the file, a table made with
 * sl_table_new_stream() writes each full row group to it and reuses its
 * memory, so such a table never holds more than one group; other tables
 * stay in memory until sl_analysis_write() ends the file (temporary name,
 * fsync, rename; the temporary file is removed on failure or when the
 * analysis is freed unwritten).  The same analysis always gives the same
 * bytes: the group size is fixed. */
#ifndef SL_RESULT_H
#define SL_RESULT_H

#include <stdint.h>
#include <stdio.h>

#include "sl_err.h"

enum sl_rtype {
	SL_R_STR,  /* UTF-8 text */
	SL_R_I64,  /* integer */
	SL_R_F64,  /* double (NaN and infinities are written as null) */
	SL_R_BOOL,
	SL_R_TIME, /* epoch ms UTC; written as an integer */
	SL_R_DAY,  /* days since 1970-01-01; written as "YYYY-MM-DD" */
};

struct sl_rcol {
	const char *name;
	enum sl_rtype type;
};

/* Rows per row group of the analysis file: every group of a table holds
 * this many rows but its last (1 to this many; a table of no rows has no
 * group). */
#define SL_RESULT_GROUP_ROWS 65536

struct sl_table;
struct sl_analysis;

/* cols is copied.  NULL on allocation failure. */
struct sl_table *sl_table_new(const char *name, const struct sl_rcol *cols, int ncols);
/* A streamed table of analysis a: when a's file has been started
 * (sl_analysis_open), each full row group goes to it as soon as the next
 * row is added, and the table keeps only the rows of its current group
 * (sl_table_get_* see only those; sl_table_write_csv reads the rest back
 * from the file).  Without a file it is an ordinary table.  It must be
 * handed to a with sl_analysis_add() (or freed). */
struct sl_table *sl_table_new_stream(struct sl_analysis *a, const char *name,
				     const struct sl_rcol *cols, int ncols);
/* A table whose strings are stored as they are set, not interned (no
 * hashing; a string set twice takes its room twice): for a table filled
 * once and then read, as a row group read back from the file. */
struct sl_table *sl_table_new_flat(const char *name, const struct sl_rcol *cols, int ncols);
/* Column c (a string column) keeps its strings as they come instead of
 * interning them: for values that rarely repeat, as ids, whose hashing
 * buys nothing.  Before the first row; 0 or SL_EINVAL. */
int sl_table_set_flat(struct sl_table *t, int c);
void sl_table_free(struct sl_table *t);
const char *sl_table_name(const struct sl_table *t);
/* Every row added, written to the file or not. */
size_t sl_table_rows(const struct sl_table *t);
/* Whether some of the table's rows are in the analysis file only. */
int sl_table_streamed(const struct sl_table *t);

/* Appends an all-null row; 0 or SL_ENOMEM.  (A write error of a streamed
 * table is kept by its analysis and reported by sl_analysis_write.) */
int sl_table_add_row(struct sl_table *t);
/* Appends n all-null rows (the reader fills them with the _at setters). */
int sl_table_add_rows(struct sl_table *t, size_t n);
int sl_table_set_str_at(struct sl_table *t, int c, size_t r, const char *s, size_t n);
void sl_table_set_i64_at(struct sl_table *t, int c, size_t r, int64_t v);
void sl_table_set_f64_at(struct sl_table *t, int c, size_t r, double v);
/* Appends a copy of row r of src, which has the same columns.  0 or
 * SL_ENOMEM. */
int sl_table_copy_row(struct sl_table *t, const struct sl_table *src, size_t r);
/* Setters for the last row.  set_str copies s (a NUL byte in it becomes
 * U+FFFD: cells are text). */
int sl_table_set_str(struct sl_table *t, int c, const char *s, size_t n);
/* The same for a string that stays where it is, unchanged, as long as t
 * lives (a string literal, a buffer written once and kept): its code is
 * remembered by its address, so a string set again is neither copied nor
 * hashed.  Never for a buffer that is reused, nor for a dictionary's name
 * (the dictionary's strings move as it grows): */
int sl_table_set_stable(struct sl_table *t, int c, const char *s, size_t n);
/* The same for the name of code in d, remembered by d and code: d must be
 * neither cleared nor freed while t is being filled. */
struct sl_dict;
int sl_table_set_name(struct sl_table *t, int c, const struct sl_dict *d, uint32_t code);
void sl_table_set_i64(struct sl_table *t, int c, int64_t v);
void sl_table_set_f64(struct sl_table *t, int c, double v);
void sl_table_set_bool(struct sl_table *t, int c, int v);

/* Reading back: the index of the column called name (-1 when none), and
 * a number of row r (0, or -1 when null or not a number column). */
int sl_table_col(const struct sl_table *t, const char *name);
int sl_table_ncols(const struct sl_table *t);
const char *sl_table_col_name(const struct sl_table *t, int c);
enum sl_rtype sl_table_col_type(const struct sl_table *t, int c);
int sl_table_get_f64(const struct sl_table *t, int c, size_t r, double *v);
/* The text of row r of a string column, or NULL when null. */
const char *sl_table_get_str(const struct sl_table *t, int c, size_t r);

/* Writes the table as CSV (header row, RFC 4180 quoting where needed,
 * numbers in the shortest form that reads back exactly, days as
 * YYYY-MM-DD, times as ISO 8601 UTC, null as an empty field). */
int sl_table_write_csv(const struct sl_table *t, FILE *out);
/* The same with flags: SL_CSV_NEUTRALISE prefixes an apostrophe to a text
 * field that begins with = + - @, tab or CR and is not a number, so that a
 * spreadsheet does not run it as a formula (OWASP's CSV injection advice),
 * and writes control characters other than tab, CR and LF as U+FFFD;
 * number columns are never touched. */
#define SL_CSV_NEUTRALISE 1u
int sl_table_write_csv_flags(const struct sl_table *t, FILE *out, unsigned flags);
/* One text field under the same rule (quoted when needed; flags as above),
 * for CSV written elsewhere (sl_rowfmt) to follow the same rule. */
void sl_csv_write_text(FILE *out, const char *s, unsigned flags);
/* The two halves: the header row alone, and the rows alone (a table read
 * group by group is written as one header and each group's rows). */
int sl_table_write_csv_head(const struct sl_table *t, FILE *out);
int sl_table_write_csv_rows(const struct sl_table *t, FILE *out, unsigned flags);

struct sl_analysis *sl_analysis_new(void);
/* Frees the analysis and every table added to it. */
void sl_analysis_free(struct sl_analysis *a);
int sl_analysis_meta_str(struct sl_analysis *a, const char *key, const char *value);
int sl_analysis_meta_i64(struct sl_analysis *a, const char *key, int64_t value);
int sl_analysis_meta_f64(struct sl_analysis *a, const char *key, double value);
/* Metadata read back, in the order it was added: the number of keys, the
 * key and type of entry i, and a value by key: the string (NULL when
 * absent or not a string) or the number (0, or -1 when absent or a
 * string).  Pointers stay valid while the analysis lives. */
size_t sl_analysis_nmeta(const struct sl_analysis *a);
const char *sl_analysis_meta_key(const struct sl_analysis *a, size_t i, enum sl_rtype *type);
const char *sl_analysis_get_meta_str(const struct sl_analysis *a, const char *key);
int sl_analysis_get_meta_f64(const struct sl_analysis *a, const char *key, double *v);
/* An integer entry exactly (-1 when absent or not an integer). */
int sl_analysis_get_meta_i64(const struct sl_analysis *a, const char *key, int64_t *v);
/* The analysis takes ownership of t. */
int sl_analysis_add(struct sl_analysis *a, struct sl_table *t);
const struct sl_table *sl_analysis_table(const struct sl_analysis *a, const char *name);
/* The tables in the order they were added (NULL past the end). */
size_t sl_analysis_ntables(const struct sl_analysis *a);
const struct sl_table *sl_analysis_table_at(const struct sl_analysis *a, size_t i);
/* Starts the file at path (a temporary name beside it) and writes the
 * header: the metadata must be complete.  Tables made with
 * sl_table_new_stream() afterwards write their groups to it. */
int sl_analysis_open(struct sl_analysis *a, const char *path, struct sl_errctx *err);
/* A part of analysis a, for an analysis that runs on another thread: it
 * is an analysis of its own (tables are made with sl_table_new_stream(part,
 * ...) and added to it), and when a's file has been started, its streamed
 * groups go to a temporary file of its own beside a's (removed at once: it
 * has no name).  *part is freed with sl_analysis_free() or handed back to a
 * with sl_analysis_merge().  0 or a negative code with err set. */
int sl_analysis_part(const struct sl_analysis *a, struct sl_analysis **part,
		     struct sl_errctx *err);
/* Moves every table of part, in the order added, to the end of a's tables,
 * and the groups part has written to the end of a's file, so that a's file
 * is byte for byte what it would be had part's tables been made on a at
 * this point.  part is freed, whatever the result.  0 or a negative code
 * with err set. */
int sl_analysis_merge(struct sl_analysis *a, struct sl_analysis *part, struct sl_errctx *err);
/* Writes the tables still in memory, the index and the trailer, and
 * renames the file into place (path must be the one given to
 * sl_analysis_open, when it was called).  Without sl_analysis_open the
 * whole analysis is written here, and may be written again. */
int sl_analysis_write(struct sl_analysis *a, const char *path, struct sl_errctx *err);

#endif
