#include "dump.h"

#include <csv.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sl_colfile.h"
#include "sl_rowfmt.h"
#include "sl_value.h"

static int dump_file(struct sl_store *st, enum sl_kind kind, int64_t day,
		     struct sl_batch *b, unsigned csv_flags, FILE *out, struct sl_errctx *err)
{
	char path[PATH_MAX];
	struct sl_cfr *r;
	int rc;

	sl_store_partition_path(st, kind, day, path, sizeof(path));
	if ((rc = sl_cfr_open(&r, path, err)))
		return rc;
	for (size_t g = 0; g < sl_cfr_ngroups(r) && !rc; g++) {
		sl_batch_clear(b);
		if ((rc = sl_cfr_read_group(r, g, NULL, b, err)))
			break;
		for (size_t i = 0; i < b->n; i++)
			sl_rowfmt_csv_row_flags(out, b, i, csv_flags);
	}
	sl_cfr_close(r);
	return rc;
}

int dump_kind(struct sl_store *st, enum sl_kind kind, const char *day_s, unsigned csv_flags,
	      FILE *out, struct sl_errctx *err)
{
	struct sl_batch *b = sl_batch_new(kind, 65536);
	int64_t *days = NULL, one;
	size_t n;
	int undated, rc;

	if (!b)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	sl_rowfmt_csv_header(out, kind);
	if (day_s) {
		if (!strcmp(day_s, "undated"))
			one = SL_DAY_NONE;
		else if (sl_parse_day(day_s, strlen(day_s), &one)) {
			sl_batch_free(b);
			return sl_err_set(err, SL_EINVAL, NULL, 0, "bad day '%s'", day_s);
		}
		rc = dump_file(st, kind, one, b, csv_flags, out, err);
		sl_batch_free(b);
		return rc;
	}
	if ((rc = sl_store_list_days(st, kind, &days, &n, &undated, err))) {
		sl_batch_free(b);
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = dump_file(st, kind, days[i], b, csv_flags, out, err);
	if (!rc && undated)
		rc = dump_file(st, kind, SL_DAY_NONE, b, csv_flags, out, err);
	free(days);
	sl_batch_free(b);
	return rc;
}

static int verify_file(const char *path, struct sl_errctx *err)
{
	struct sl_cfr *r;
	struct sl_batch *b;
	int rc;

	if ((rc = sl_cfr_open(&r, path, err)))
		return rc;
	rc = sl_cfr_verify(r, err);
	b = rc ? NULL : sl_batch_new(sl_cfr_kind(r), 65536);
	for (size_t g = 0; b && g < sl_cfr_ngroups(r) && !rc; g++) {
		sl_batch_clear(b);
		rc = sl_cfr_read_group(r, g, NULL, b, err);
	}
	sl_batch_free(b);
	sl_cfr_close(r);
	return rc;
}

int verify_store(struct sl_store *st, int quiet, struct sl_errctx *err)
{
	int bad = 0;
	unsigned long files = 0;
	unsigned long long rows = 0;

	for (int k = 0; k < SL_KIND_COUNT; k++) {
		int64_t *days;
		size_t n;
		int undated, rc;
		unsigned long kfiles = files;
		unsigned long long krows = rows;

		if ((rc = sl_store_list_days(st, (enum sl_kind)k, &days, &n, &undated, err)))
			return rc;
		for (size_t i = 0; i <= n; i++) {
			char path[PATH_MAX];
			struct sl_errctx e;

			if (i == n && !undated)
				break;
			sl_store_partition_path(st, (enum sl_kind)k, i < n ? days[i] : SL_DAY_NONE,
						path, sizeof(path));
			sl_err_clear(&e);
			files++;
			if (verify_file(path, &e)) {
				fprintf(stderr, "shiplog-ingest: error: '%s': %s\n", path,
					e.msg[0] ? e.msg : sl_strerror(e.code));
				bad++;
			} else if (!quiet) {
				struct sl_cfr *r;

				if (!sl_cfr_open(&r, path, &e)) {
					rows += sl_cfr_rows(r);
					sl_cfr_close(r);
				}
			}
		}
		free(days);
		if (!quiet && files > kfiles)
			fprintf(stderr, "shiplog-ingest: %-14s %6lu files %10llu rows\n",
				sl_kind_name((enum sl_kind)k), files - kfiles, rows - krows);
	}
	if (!quiet)
		fprintf(stderr, "shiplog-ingest: %lu partition files, %llu rows, %d bad\n", files,
			rows, bad);
	return bad;
}
