/* csvout.h - one CSV file per result table, DIR/TABLE.csv, each written
 * atomically, text fields neutralised against formula injection. */
#ifndef REPORT_CSVOUT_H
#define REPORT_CSVOUT_H

#include "sl_err.h"
#include "sl_result.h"

/* Creates dir when needed; 0 or a negative code with err filled. */
int csvout_write(const struct sl_analysis *a, const char *dir, struct sl_errctx *err);

#endif
