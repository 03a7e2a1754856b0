/* ps_writer.c - the writer thread: spilled row groups filtered, encoded
 * and written while the input is read (partset_int.h). */
#include "partset_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_colfile.h"
#include "sl_value.h"

static void job_free(struct wjob *j)
{
	sl_batch_free(j->b);
	free(j->keep);
	free(j);
}

static void *writer_main(void *arg)
{
	struct writer *wr = arg;

	for (;;) {
		struct wjob *j;
		struct sl_errctx err;
		int rc = SL_OK, skip;

		pthread_mutex_lock(&wr->mu);
		while (!wr->head && !wr->stop)
			pthread_cond_wait(&wr->cv, &wr->mu);
		if (!wr->head) {
			pthread_mutex_unlock(&wr->mu);
			return NULL;
		}
		j = wr->head;
		wr->head = j->next;
		if (!wr->head)
			wr->tail = NULL;
		skip = wr->rc || wr->discard;
		pthread_mutex_unlock(&wr->mu);
		sl_err_clear(&err);
		if (!skip) {
			if (j->keep)
				ps_apply_keep(j->b, j->keep);
			if (j->b->n)
				rc = sl_cfw_write_batch(j->w, j->b, &err);
			if (!rc && j->seal)
				rc = sl_cfw_seal(j->w, &err);
			if (!rc && (j->b->n || j->seal))
				rc = sl_cfw_idle(j->w, &err);
		}
		job_free(j);
		pthread_mutex_lock(&wr->mu);
		wr->njobs--;
		if (rc && !wr->rc) {
			wr->rc = rc;
			wr->err = err;
		}
		pthread_cond_broadcast(&wr->cv);
		pthread_mutex_unlock(&wr->mu);
	}
}

/* Hands j to the writer (started on first use); waits while WRITER_DEPTH
 * jobs are queued.  A job not taken is freed. */
int ps_writer_submit(struct writer *wr, struct wjob *j, struct sl_errctx *err)
{
	int rc;

	if (!wr->started) {
		pthread_mutex_init(&wr->mu, NULL);
		pthread_cond_init(&wr->cv, NULL);
		if (pthread_create(&wr->th, NULL, writer_main, wr)) {
			pthread_mutex_destroy(&wr->mu);
			pthread_cond_destroy(&wr->cv);
			job_free(j);
			return sl_err_set(err, SL_ENOMEM, NULL, 0, "cannot start the writer thread");
		}
		wr->started = 1;
	}
	pthread_mutex_lock(&wr->mu);
	while (wr->njobs >= WRITER_DEPTH && !wr->rc)
		pthread_cond_wait(&wr->cv, &wr->mu);
	if ((rc = wr->rc)) {
		*err = wr->err;
		pthread_mutex_unlock(&wr->mu);
		job_free(j);
		return rc;
	}
	j->next = NULL;
	if (wr->tail)
		wr->tail->next = j;
	else
		wr->head = j;
	wr->tail = j;
	wr->njobs++;
	pthread_cond_broadcast(&wr->cv);
	pthread_mutex_unlock(&wr->mu);
	return SL_OK;
}

/* Waits for the queued jobs (written, or freed when discard), stops the
 * thread and returns the first error. */
int ps_writer_stop(struct writer *wr, int discard, struct sl_errctx *err)
{
	int rc;

	if (!wr->started)
		return SL_OK;
	pthread_mutex_lock(&wr->mu);
	wr->discard |= discard;
	wr->stop = 1;
	pthread_cond_broadcast(&wr->cv);
	pthread_mutex_unlock(&wr->mu);
	pthread_join(wr->th, NULL);
	wr->started = 0;
	pthread_mutex_destroy(&wr->mu);
	pthread_cond_destroy(&wr->cv);
	if ((rc = wr->rc) && err)
		*err = wr->err;
	return rc;
}
