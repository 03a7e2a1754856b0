/* csvout.h - one CSV file per result table, DIR/TABLE.csv, each written
 * atomically, text fields neutralised against formula injection; a table
 * is read and written one row group at a time. */
#ifndef REPORT_CSVOUT_H
#define REPORT_CSVOUT_H

#include "sl_anread.h"
#include "sl_err.h"

/* Creates dir when needed; 0 or a negative code with err filled. */
int csvout_write(struct sl_anfile *f, const char *dir, struct sl_errctx *err);

#endif
