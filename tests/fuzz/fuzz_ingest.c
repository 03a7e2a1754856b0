/* fuzz_ingest.c - the format readers and the row mapper on arbitrary
 * input: ingest/csvsrc.c (libcsv in its thread) or ingest/jsonsrc.c
 * (jansson), then ingest/rowmap.c into a partition set of a scratch
 * store.  The first byte picks the reader (bit 7: JSON Lines) and the
 * kind (the rest mod 11: 0 = detect from the header, else kind - 1); the
 * rest is the file, plain or gzip.  Every record, reject and stored value
 * is read back in full, so an overrun shows under the sanitizers. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "partset.h"
#include "rowmap.h"
#include "sl_input.h"
#include "sl_store.h"
#include "src.h"

struct ctx {
	enum sl_kind kind;
	int is_csv;
	struct rowmap *rm;
	struct partset *ps;
};

static int on_header(void *vc, const char *const *names, size_t n, struct sl_errctx *err)
{
	struct ctx *c = vc;

	for (size_t i = 0; i < n; i++)
		fuzz_touch(names[i], strlen(names[i]));
	if (c->kind == SL_KIND_NONE)
		c->kind = sl_kind_detect(names, n);
	if (c->kind == SL_KIND_NONE)
		return sl_err_set(err, SL_EFORMAT, "fuzz", 0, "no kind");
	if (!(c->rm = rowmap_new(c->kind, c->ps)))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return c->is_csv ? rowmap_set_header(c->rm, names, n, err) : SL_OK;
}

static int on_record(void *vc, const struct record *rec, struct sl_errctx *err)
{
	struct ctx *c = vc;
	const char *reason = NULL;
	int rc;

	fuzz_touch(rec->raw, rec->rawlen);
	rc = rowmap_add(c->rm, rec, &reason, err);
	if (rc == 1)
		fuzz_touch(reason, strlen(reason));
	return rc < 0 ? rc : SL_OK;
}

static int on_reject(void *vc, long line, const char *reason, const char *raw, size_t rawlen,
		     struct sl_errctx *err)
{
	(void)vc;
	(void)line;
	(void)err;
	fuzz_touch(reason, strlen(reason));
	fuzz_touch(raw, rawlen);
	return SL_OK;
}

static struct sl_store *st;
static char dir[64];

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void scratch_remove(void)
{
	sl_store_close(st);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct sl_store *scratch_store(void)
{
	struct sl_errctx err;

	if (st)
		return st;
	snprintf(dir, sizeof(dir), "/tmp/shiplog-fuzz-%ld", (long)getpid());
	sl_err_clear(&err);
	if (sl_store_open(&st, dir, 1, SL_LOCK_EXCLUSIVE, 0, &err)) {
		fprintf(stderr, "fuzz_ingest: cannot open a scratch store in '%s'\n", dir);
		abort();
	}
	atexit(scratch_remove);
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = {SL_KIND_NONE, 1, NULL, NULL};
	struct src_ops ops;
	struct sl_input *in = NULL;
	struct sl_errctx err;
	const char *first;
	char path[64];
	ssize_t n;
	int fd;

	if (size < 1)
		return 0;
	c.is_csv = !(data[0] & 0x80);
	if ((data[0] & 0x7f) % 11)
		c.kind = (enum sl_kind)((data[0] & 0x7f) % 11 - 1);
	if ((fd = fuzz_file(data + 1, size - 1, path)) < 0)
		return 0;
	sl_err_clear(&err);
	/* 1000 buffered rows: small enough that spills are exercised too */
	c.ps = partset_new(scratch_store(), 0, 1000);
	memset(&ops, 0, sizeof(ops));
	ops.header = on_header;
	ops.record = on_record;
	ops.reject = on_reject;
	ops.ctx = &c;
	ops.kind = c.kind;
	if (c.ps && !sl_input_open(&in, path, &err) && (n = sl_input_read(in, &first, &err)) > 0) {
		if (c.is_csv)
			(void)csvsrc_run(in, "fuzz", first, (size_t)n, &ops, &err);
		else
			(void)jsonsrc_run(in, "fuzz", first, (size_t)n, &ops, &err);
	}
	fuzz_touch(err.msg, strlen(err.msg));
	sl_input_close(in);
	rowmap_free(c.rm);
	partset_free(c.ps);
	close(fd);
	return 0;
}
