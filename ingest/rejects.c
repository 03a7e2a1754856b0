#include "rejects.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct rejects {
	struct sl_store *st;
	FILE *f;
	char tmp[PATH_MAX], final[PATH_MAX];
};

struct rejects *rejects_new(struct sl_store *st)
{
	struct rejects *rj = calloc(1, sizeof(*rj));

	if (rj)
		rj->st = st;
	return rj;
}

static int open_file(struct rejects *rj, struct sl_errctx *err)
{
	char dir[PATH_MAX - 128], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	snprintf(dir, sizeof(dir), "%s/rejects", sl_store_dir(rj->st));
	if ((rc = sl_mkdirs(dir, err)))
		return rc;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(rj->final, sizeof(rj->final), "%s/%s-%ld.csv", dir, stamp, (long)getpid());
	snprintf(rj->tmp, sizeof(rj->tmp), "%s/.tmp-%ld-rejects.csv", dir, (long)getpid());
	rj->f = fopen(rj->tmp, "we");
	if (!rj->f)
		return sl_err_set(err, SL_EIO, rj->tmp, 0, "cannot create: %s", strerror(errno));
	fputs("source_file,line,reason,raw\n", rj->f);
	return SL_OK;
}

int rejects_add(struct rejects *rj, const char *source, long line, const char *reason,
		const char *raw, size_t rawlen, struct sl_errctx *err)
{
	char num[32];
	int rc;

	if (!rj->f && (rc = open_file(rj, err)))
		return rc;
	if (rawlen > REJECT_MAX_RAW)
		rawlen = REJECT_MAX_RAW;
	snprintf(num, sizeof(num), "%ld", line);
	csv_fwrite(rj->f, source, strlen(source));
	fputc(',', rj->f);
	fputs(num, rj->f);
	fputc(',', rj->f);
	csv_fwrite(rj->f, reason, strlen(reason));
	fputc(',', rj->f);
	csv_fwrite(rj->f, raw ? raw : "", raw ? rawlen : 0);
	fputc('\n', rj->f);
	if (ferror(rj->f))
		return sl_err_set(err, SL_EIO, rj->tmp, 0, "cannot write: %s", strerror(errno));
	return SL_OK;
}

int rejects_finish(struct rejects *rj, char *path, size_t n, struct sl_errctx *err)
{
	int fail;

	path[0] = '\0';
	if (!rj->f)
		return SL_OK;
	fail = fflush(rj->f) || ferror(rj->f);
	if (fclose(rj->f))
		fail = 1;
	rj->f = NULL;
	if (fail)
		return sl_err_set(err, SL_EIO, rj->tmp, 0, "cannot write: %s", strerror(errno));
	if (sl_store_stage_rename(rj->st, rj->tmp, rj->final))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	snprintf(path, n, "%s", rj->final);
	return SL_OK;
}

void rejects_free(struct rejects *rj)
{
	if (!rj)
		return;
	if (rj->f) {
		fclose(rj->f);
		unlink(rj->tmp);
	}
	free(rj);
}
