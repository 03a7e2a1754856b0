#include "csvout.h"

#include <stdio.h>

#include "files.h"

int csvout_write(const struct sl_analysis *a, const char *dir, struct sl_errctx *err)
{
	char path[4096];
	int rc;

	if ((rc = files_mkdir(dir, err)))
		return rc;
	for (size_t i = 0; i < sl_analysis_ntables(a); i++) {
		const struct sl_table *t = sl_analysis_table_at(a, i);
		struct afile f;

		/* table names were checked by the reader: [A-Za-z0-9_-] only */
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.csv", dir, sl_table_name(t)) >=
		    sizeof(path))
			return sl_err_set(err, SL_EINVAL, dir, 0, "path too long");
		if ((rc = afile_open(&f, path, err)))
			return rc;
		if (sl_table_write_csv_flags(t, f.f, SL_CSV_NEUTRALISE)) {
			afile_abort(&f);
			return sl_err_set(err, SL_EIO, path, 0, "cannot write");
		}
		if ((rc = afile_commit(&f, err)))
			return rc;
	}
	return SL_OK;
}
