/* ps_finish.c - the end of a run: partitions written on two threads and
 * staged in the store's commit. */
#include "partset_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_colfile.h"
#include "sl_value.h"

/* ---- writing ---- */

/* Appends every group of r to w, dropping the rows listed in dels (sorted),
 * copying untouched groups verbatim. */
static int append_groups(struct sl_cfw *w, const struct sl_cfr *r, struct locs *dels,
			 struct sl_batch *scratch, struct sl_errctx *err)
{
	size_t di = 0;
	uint8_t *keep = NULL;
	int rc = SL_OK;

	if (dels->n)
		qsort(dels->v, dels->n, sizeof(*dels->v), ps_cmp_loc);
	for (size_t g = 0; g < sl_cfr_ngroups(r) && !rc; g++) {
		size_t rows = sl_cfr_group_rows(r, g);

		if ((di >= dels->n || dels->v[di].group != g) && sl_cfr_same_schema(r)) {
			rc = sl_cfw_copy_group(w, r, g, err);
			continue;
		}
		sl_batch_clear(scratch);
		if ((rc = sl_cfr_read_group(r, g, NULL, scratch, err)))
			break;
		free(keep);
		if (!(keep = malloc(rows ? rows : 1))) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			break;
		}
		memset(keep, 1, rows);
		for (; di < dels->n && dels->v[di].group == g; di++)
			if (dels->v[di].row < rows)
				keep[dels->v[di].row] = 0;
		ps_apply_keep(scratch, keep);
		rc = sl_cfw_write_batch(w, scratch, err);
	}
	free(keep);
	return rc;
}

/* What write_part() decided for a partition, staged in the commit
 * afterwards in partition order. */
enum part_outcome { OUT_NONE, OUT_RENAME, OUT_UNLINK };

/* Writes p's final file under p->tmp2 (new rows, then the old file's
 * unless reprocessing), or decides that the partition is removed.  Runs on
 * several partitions at once (partset_finish): it touches only p, its
 * deployments' places, and files of its own; temporary paths were given
 * out before. */
static int write_part(struct partset *ps, struct part *p, struct sl_errctx *err)
{
	char final[PATH_MAX];
	struct sl_cfr *old = NULL, *spilled = NULL;
	struct sl_cfw *w = NULL;
	struct sl_batch *scratch = NULL;
	int rc, old_exists;
	int64_t fday = p->day;

	p->outcome = OUT_NONE;
	if (!p->touched && !p->odel.n)
		return SL_OK; /* nothing changes in this partition */
	sl_store_partition_path(ps->st, p->kind, fday, final, sizeof(final));
	old_exists = access(final, F_OK) == 0;
	if (old_exists && !p->replace_old && !(ps->reprocess && p->touched) &&
	    (rc = sl_cfr_open(&old, final, err)))
		return rc;
	if (!(scratch = sl_batch_new(p->kind, GROUP_ROWS))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	if ((rc = ps_spill(ps, p, 0, err)))
		goto out;
	if (p->sdel.n) {
		/* superseded rows among the spilled groups: rewrite them */
		if ((rc = sl_cfw_finish(p->w, err))) {
			p->w = NULL;
			goto out;
		}
		p->w = NULL;
		if ((rc = sl_cfr_open(&spilled, p->tmp, err)))
			goto out;
		if ((rc = sl_cfw_open(&w, p->tmp2, p->kind, fday, err)))
			goto out;
		sl_cfw_set_nosync(w);
		if ((rc = append_groups(w, spilled, &p->sdel, scratch, err)))
			goto out;
	} else if (p->w) {
		w = p->w; /* the spilled file is the final one */
		p->w = NULL;
		free(p->tmp2);
		if (!(p->tmp2 = strdup(p->tmp))) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
	} else {
		if ((rc = sl_cfw_open(&w, p->tmp2, p->kind, fday, err)))
			goto out;
		sl_cfw_set_nosync(w);
	}
	if (old && (rc = append_groups(w, old, &p->odel, scratch, err)))
		goto out;
	p->counted = 1;
	if (!sl_cfw_rows(w)) {
		sl_cfw_abort(w);
		w = NULL;
		if (old_exists)
			p->outcome = OUT_UNLINK;
		goto out;
	}
	p->rows_out = sl_cfw_rows(w);
	rc = sl_cfw_finish(w, err);
	w = NULL;
	if (rc) {
		unlink(p->tmp2);
		goto out;
	}
	p->outcome = OUT_RENAME;
out:
	sl_cfw_abort(w);
	if (spilled) {
		sl_cfr_close(spilled);
		unlink(p->tmp);
	}
	sl_cfr_close(old);
	sl_batch_free(scratch);
	return rc;
}

/* write_part() over the partitions, on two threads (each takes the next
 * partition not yet taken). */
struct finish_job {
	struct partset *ps;
	pthread_mutex_t mu;
	size_t next;
	int failed;
	size_t err_at; /* the lowest partition that failed */
	struct sl_errctx err;
};

static void *finish_worker(void *arg)
{
	struct finish_job *fj = arg;
	struct partset *ps = fj->ps;

	for (;;) {
		struct sl_errctx err;
		size_t i;
		int rc;

		pthread_mutex_lock(&fj->mu);
		i = fj->failed ? ps->nparts : fj->next++;
		pthread_mutex_unlock(&fj->mu);
		if (i >= ps->nparts)
			return NULL;
		if (ps->parts[i]->day == PART_DAY_PENDING)
			continue;
		sl_err_clear(&err);
		if ((rc = write_part(ps, ps->parts[i], &err))) {
			pthread_mutex_lock(&fj->mu);
			if (!fj->failed || i < fj->err_at) {
				fj->err_at = i;
				fj->err = err;
			}
			fj->failed = 1;
			pthread_mutex_unlock(&fj->mu);
		}
	}
}

/* Temporary paths for what write_part() may create, given out here, in
 * one thread and in partition order. */
static int give_paths(struct partset *ps, struct part *p, struct sl_errctx *err)
{
	char path[PATH_MAX];
	int rc;

	if (p->day == PART_DAY_PENDING || (!p->touched && !p->odel.n))
		return SL_OK;
	if (!p->w && p->buf->n) {
		/* the final spill opens its file at p->tmp */
		if ((rc = ps_set_tmp(ps, p, err)))
			return rc;
		p->tmp_given = 1;
	}
	if ((rc = sl_store_temp_path(ps->st, p->kind, path, sizeof(path), err)))
		return rc;
	if (!(p->tmp2 = strdup(path)))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return SL_OK;
}

static int write_parts(struct partset *ps, struct sl_errctx *err)
{
	struct finish_job fj;
	pthread_t th;
	int rc, helper;

	for (size_t i = 0; i < ps->nparts; i++)
		if ((rc = give_paths(ps, ps->parts[i], err)))
			return rc;
	memset(&fj, 0, sizeof(fj));
	fj.ps = ps;
	pthread_mutex_init(&fj.mu, NULL);
	helper = pthread_create(&th, NULL, finish_worker, &fj) == 0;
	finish_worker(&fj);
	if (helper)
		pthread_join(th, NULL);
	pthread_mutex_destroy(&fj.mu);
	if (fj.failed) {
		/* files finished by the other thread are not staged: remove them */
		for (size_t i = 0; i < ps->nparts; i++)
			if (ps->parts[i]->outcome == OUT_RENAME)
				unlink(ps->parts[i]->tmp2);
		*err = fj.err;
		return fj.err.code ? fj.err.code : SL_EIO;
	}
	for (size_t i = 0; i < ps->nparts; i++) {
		struct part *p = ps->parts[i];
		char final[PATH_MAX];

		ps->stats.partitions += (uint64_t)p->counted;
		ps->stats.rows_written += p->rows_out;
		if (p->outcome == OUT_NONE)
			continue;
		sl_store_partition_path(ps->st, p->kind, p->day, final, sizeof(final));
		if (p->outcome == OUT_RENAME && sl_store_stage_rename(ps->st, p->tmp2, final)) {
			unlink(p->tmp2);
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		}
		if (p->outcome == OUT_UNLINK && sl_store_stage_unlink(ps->st, final))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	return SL_OK;
}

int partset_finish(struct partset *ps, struct partset_stats *stats, struct sl_errctx *err)
{
	int rc;

	/* what was spilled is written before the partitions are read back */
	ps->async = 0;
	if ((rc = ps_writer_stop(&ps->wr, 0, err)))
		return rc;
	for (int i = 0; i < UPD_SETS; i++)
		if ((rc = ps_resolve_stored(ps, &ps->upd[i], err)))
			return rc;
	for (int k = 0; k < SL_KIND_COUNT; k++)
		if (sl_kind_def((enum sl_kind)k)->parent != SL_KIND_NONE &&
		    (rc = ps_route_children(ps, (enum sl_kind)k, err)))
			return rc;
	/* the log's files go before the partitions are written and synced:
	 * their pages are dropped rather than written back */
	for (int i = 0; i < UPD_SETS; i++)
		deplog_release(&ps->upd[i].log);
	deplog_release(&ps->pipelog);
	ps->finishing = 1;
	if ((rc = write_parts(ps, err)))
		return rc;
	*stats = ps->stats;
	return SL_OK;
}
