/* sl_result.h - result tables of an analysis and the analysis file.
 *
 * A table has named, typed columns and rows appended one at a time; values
 * start null.  An analysis is run metadata (ordered key/values) and tables
 * in the order they were added; sl_analysis_write() stores it as one
 * msgpack map (docs/FORMAT.md, "The analysis file"), atomically.  The same
 * analysis always gives the same bytes. */
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

struct sl_table;

/* cols is copied.  NULL on allocation failure. */
struct sl_table *sl_table_new(const char *name, const struct sl_rcol *cols, int ncols);
void sl_table_free(struct sl_table *t);
const char *sl_table_name(const struct sl_table *t);
size_t sl_table_rows(const struct sl_table *t);

/* Appends an all-null row; 0 or SL_ENOMEM. */
int sl_table_add_row(struct sl_table *t);
/* Setters for the last row.  set_str copies s (a NUL byte in it becomes
 * U+FFFD: cells are text). */
int sl_table_set_str(struct sl_table *t, int c, const char *s, size_t n);
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

struct sl_analysis;

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
/* The analysis takes ownership of t. */
int sl_analysis_add(struct sl_analysis *a, struct sl_table *t);
const struct sl_table *sl_analysis_table(const struct sl_analysis *a, const char *name);
/* The tables in the order they were added (NULL past the end). */
size_t sl_analysis_ntables(const struct sl_analysis *a);
const struct sl_table *sl_analysis_table_at(const struct sl_analysis *a, size_t i);
/* Writes path atomically (temporary file, fsync, rename). */
int sl_analysis_write(const struct sl_analysis *a, const char *path, struct sl_errctx *err);

#endif
