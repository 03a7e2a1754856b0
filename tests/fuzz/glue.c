/* glue.c - see glue.h. */
#include "glue.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "sl_store.h"

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
		fprintf(stderr, "fuzz: cannot open a scratch store in '%s'\n", dir);
		abort();
	}
	atexit(scratch_remove);
	return st;
}

static int on_header(void *vc, const char *const *names, size_t n, struct sl_errctx *err)
{
	struct fuzz_sink *c = vc;

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

int fuzz_sink_add(struct fuzz_sink *sink, const struct record *rec, struct sl_errctx *err)
{
	const char *reason = NULL;
	int rc;

	if (!sink->rm && !(sink->rm = rowmap_new(sink->kind, sink->ps)))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	rc = rowmap_add(sink->rm, rec, &reason, err);
	if (rc == 1)
		fuzz_touch(reason, strlen(reason));
	sink->accepted += rc == 0;
	sink->rejected += rc == 1;
	sink->fatal |= rc < 0;
	return rc < 0 ? rc : SL_OK;
}

static int on_record(void *vc, const struct record *rec, struct sl_errctx *err)
{
	fuzz_touch(rec->raw, rec->rawlen);
	return fuzz_sink_add(vc, rec, err);
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

int fuzz_sink_open(struct fuzz_sink *sink, struct src_ops *ops)
{
	/* 1000 buffered rows: small enough that spills are exercised too */
	sink->rm = NULL;
	sink->accepted = sink->rejected = 0;
	sink->fatal = 0;
	if (!(sink->ps = partset_new(scratch_store(), 0, 1000)))
		return -1;
	memset(ops, 0, sizeof(*ops));
	ops->header = on_header;
	ops->record = on_record;
	ops->reject = on_reject;
	ops->ctx = sink;
	ops->kind = sink->kind;
	return 0;
}

void fuzz_sink_close(struct fuzz_sink *sink)
{
	const struct rowmap_stats *rs = sink->rm ? rowmap_stats(sink->rm) : NULL;

	if (rs && !sink->fatal &&
	    (rs->accepted != sink->accepted || rs->rejected != sink->rejected)) {
		fprintf(stderr, "fuzz: the row mapper counts %llu accepted and %llu rejected, "
				"its answers were %llu and %llu\n",
			(unsigned long long)rs->accepted, (unsigned long long)rs->rejected,
			(unsigned long long)sink->accepted, (unsigned long long)sink->rejected);
		abort();
	}
	if (!rs && sink->accepted + sink->rejected)
		abort(); /* answers without a mapper */
	rowmap_free(sink->rm);
	partset_free(sink->ps);
	sink->rm = NULL;
	sink->ps = NULL;
}
