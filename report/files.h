/* files.h - writing output files atomically: a temporary file next to the
 * target, flushed, synced and renamed over it, so a reader (or a mail
 * sent by cron) never sees half a file. */
#ifndef REPORT_FILES_H
#define REPORT_FILES_H

#include <stddef.h>
#include <stdio.h>

#include "sl_err.h"

struct afile {
	FILE *f;
	char tmp[4096];
	const char *path;
	int special; /* written through, not replaced (sl_outfile.h) */
};

int afile_open(struct afile *a, const char *path, struct sl_errctx *err);
/* Closes and renames; on any earlier write error removes the temporary. */
int afile_commit(struct afile *a, struct sl_errctx *err);
void afile_abort(struct afile *a);
int afile_write(const char *path, const char *data, size_t n, struct sl_errctx *err);
/* Creates dir when it does not exist (not its parents). */
int files_mkdir(const char *dir, struct sl_errctx *err);

#endif
