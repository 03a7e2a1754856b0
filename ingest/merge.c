#include "merge.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump.h"

struct merge_feed {
	struct sl_store *shard;
	enum sl_kind kind;
	int rfd;             /* the read end, named by path */
	FILE *out;           /* the write end, the thread's */
	char path[32];
	pthread_t th;
	int rc;
	struct sl_errctx err;
};

static void *writer(void *arg)
{
	struct merge_feed *mf = arg;

	sl_err_clear(&mf->err);
	mf->rc = dump_kind(mf->shard, mf->kind, NULL, 0, mf->out, &mf->err);
	if (fclose(mf->out) && !mf->rc)
		mf->rc = sl_err_set(&mf->err, SL_EIO, NULL, 0, "cannot write the merge pipe: %s",
				    strerror(errno));
	return NULL;
}

int merge_feed_start(struct merge_feed **mfp, struct sl_store *shard, enum sl_kind kind,
		     const char **path, struct sl_errctx *err)
{
	struct merge_feed *mf = calloc(1, sizeof(*mf));
	int fd[2];

	*mfp = NULL;
	if (!mf)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (pipe(fd)) {
		free(mf);
		return sl_err_set(err, SL_EIO, NULL, 0, "cannot make a pipe: %s", strerror(errno));
	}
	mf->shard = shard;
	mf->kind = kind;
	mf->rfd = fd[0];
	snprintf(mf->path, sizeof(mf->path), "/dev/fd/%d", fd[0]);
	if (!(mf->out = fdopen(fd[1], "w"))) {
		close(fd[0]);
		close(fd[1]);
		free(mf);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	if (pthread_create(&mf->th, NULL, writer, mf)) {
		fclose(mf->out);
		close(fd[0]);
		free(mf);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, "cannot start a thread");
	}
	*path = mf->path;
	*mfp = mf;
	return SL_OK;
}

int merge_feed_end(struct merge_feed *mf, int ok, struct sl_errctx *err)
{
	int rc;

	if (!mf)
		return SL_OK;
	close(mf->rfd); /* a writer not done gets EPIPE (SIGPIPE is ignored) */
	pthread_join(mf->th, NULL);
	rc = ok ? mf->rc : SL_OK;
	if (rc)
		*err = mf->err;
	free(mf);
	return rc;
}

int merge_manifest(struct sl_store *dst, const struct sl_store *shard, struct sl_errctx *err)
{
	for (size_t i = 0; i < sl_store_manifest_count(shard); i++) {
		const struct sl_manifest_entry *e = sl_store_manifest_get(shard, i);

		if (!sl_store_manifest_find(dst, e->digest) && sl_store_manifest_put(dst, e))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	return SL_OK;
}
