/* sl_anread.h - reading an analysis file (docs/FORMAT.md §12) back into a
 * struct sl_analysis, strictly.
 *
 * The analysis file is input like any other: every type, length and count
 * is checked, nothing in it is trusted to size an allocation before the
 * bytes behind it have been seen, and a file that sl_analysis_write() would
 * not have written is refused (SL_EFORMAT, or SL_EVERSION for another
 * format number) with a message naming the table and column.  A file read
 * and written again gives the same bytes. */
#ifndef SL_ANREAD_H
#define SL_ANREAD_H

#include <stddef.h>

#include "sl_err.h"
#include "sl_result.h"

/* Bounds on what a file may hold. */
#define SL_ANREAD_MAX_BYTES ((size_t)4 << 30) /* the whole file */
#define SL_ANREAD_MAX_TABLES 1024
#define SL_ANREAD_MAX_COLS 256
#define SL_ANREAD_MAX_META 256
#define SL_ANREAD_MAX_NAME 128  /* table, column and metadata names, bytes */
#define SL_ANREAD_MAX_STR 65536 /* a string cell or metadata value, bytes */

/* Parses buf[0..n) (path only names it in errors).  On success *out is a
 * new analysis the caller frees with sl_analysis_free(). */
int sl_anread_buf(const char *buf, size_t n, const char *path, struct sl_analysis **out,
		  struct sl_errctx *err);
/* Reads and parses the file at path. */
int sl_anread_file(const char *path, struct sl_analysis **out, struct sl_errctx *err);

#endif
