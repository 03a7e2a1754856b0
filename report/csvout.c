#include "csvout.h"

#include <stdio.h>

#include "files.h"

int csvout_write(struct sl_anfile *fa, const char *dir, struct sl_errctx *err)
{
	char path[4096];
	int rc;

	if ((rc = files_mkdir(dir, err)))
		return rc;
	for (size_t i = 0; i < sl_anfile_ntables(fa); i++) {
		const char *name = sl_anfile_name(fa, i);
		size_t ng = sl_anfile_ngroups(fa, i);
		struct afile f;

		/* table names were checked by the reader: [A-Za-z0-9_-] only */
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.csv", dir, name) >= sizeof(path))
			return sl_err_set(err, SL_EINVAL, dir, 0, "path too long");
		if ((rc = afile_open(&f, path, err)))
			return rc;
		/* one row group in memory at a time; group 0 of a table of no
		 * rows is empty and still gives the header */
		for (size_t k = 0; k < (ng ? ng : 1); k++) {
			struct sl_table *t;

			if ((rc = sl_anfile_group(fa, i, k, &t, err))) {
				afile_abort(&f);
				return rc;
			}
			if ((!k && sl_table_write_csv_head(t, f.f)) ||
			    sl_table_write_csv_rows(t, f.f, SL_CSV_NEUTRALISE)) {
				sl_table_free(t);
				afile_abort(&f);
				return sl_err_set(err, SL_EIO, path, 0, "cannot write");
			}
			sl_table_free(t);
		}
		if ((rc = afile_commit(&f, err)))
			return rc;
	}
	return SL_OK;
}
