/* ps_spill.c - spills: full buffers, the largest when memory runs out,
 * and quiet days, to the partitions' temporary files. */
#include "partset_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_colfile.h"
#include "sl_value.h"

/* Gives p a new temporary path for its spill file (a path of its own, not
 * PATH_MAX bytes held by each of up to 20,000 partitions). */
int ps_set_tmp(struct partset *ps, struct part *p, struct sl_errctx *err)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = sl_store_temp_path(ps->st, p->kind, path, sizeof(path), err)))
		return rc;
	free(p->tmp);
	if (!(p->tmp = strdup(path)))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return SL_OK;
}

/* Writes p's buffer as one row group of its temporary file; with seal,
 * the file is made complete too (footer and trailer), for a partition
 * that is probably done: if it is, the end of the run has nothing left to
 * write for it. */
int ps_spill(struct partset *ps, struct part *p, int seal, struct sl_errctx *err)
{
	size_t n = p->buf->n;
	int rc;

	if (!n)
		return SL_OK;
	if (p->ndel && ps_ensure_del(p))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (!p->w) {
		if (!p->tmp_given && (rc = ps_set_tmp(ps, p, err)))
			return rc;
		p->tmp_given = 0;
		rc = sl_cfw_open(&p->w, p->tmp, p->kind,
				 p->day == PART_DAY_PENDING ? SL_DAY_NONE : p->day, err);
		if (rc)
			return rc;
		sl_cfw_set_nosync(p->w);
	}
	if (ps_updset(ps, p->kind)) {
		/* the surviving rows are their keys' winners: record where they
		 * go (superseded rows of runs stay, in their places) */
		struct updset *u = ps_updset(ps, p->kind);
		int drops = ps_drops_superseded(p->kind);
		uint32_t w = 0;

		for (size_t r = 0; r < n; r++) {
			struct dep *d;

			if (p->ndel && p->del[r]) {
				w += !drops;
				continue;
			}
			if (p->dep_of[r] == UINT32_MAX) {
				w++; /* a row without a key */
				continue;
			}
			d = &u->deps[p->dep_of[r]];
			if (d->part == p && d->group == IN_BUFFER && d->row == r) {
				d->group = p->nspilled;
				d->row = w;
			}
			w++;
		}
	}
	if (ps->async) {
		/* the buffer goes to the writer thread with its keep mask; the
		 * partition starts a new one */
		struct wjob *j = calloc(1, sizeof(*j));
		struct sl_batch *fresh = sl_batch_new(p->kind, PART_INITIAL_ROWS);

		if (!j || !fresh) {
			free(j);
			sl_batch_free(fresh);
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		}
		if (p->ndel) {
			for (size_t r = 0; r < n; r++)
				p->del[r] = !p->del[r];
			j->keep = p->del;
			p->del = NULL;
			p->del_cap = 0;
		}
		if (p->ndel < n)
			p->nspilled++;
		p->ndel = 0;
		j->w = p->w;
		j->b = p->buf;
		j->seal = seal;
		p->buf = fresh;
		ps->buffered -= n;
		/* rows are written while the input is read: the disk takes
		 * them as they come (sl_store.h) */
		sl_store_flusher_start(ps->st);
		return ps_writer_submit(&ps->wr, j, err);
	}
	if (p->ndel) {
		for (size_t r = 0; r < n; r++)
			p->del[r] = !p->del[r];
		ps_apply_keep(p->buf, p->del);
		memset(p->del, 0, n);
		p->ndel = 0;
	}
	if (p->buf->n) {
		if ((rc = sl_cfw_write_batch(p->w, p->buf, err)))
			return rc;
		p->nspilled++;
	}
	if (seal && (rc = sl_cfw_seal(p->w, err)))
		return rc;
	if ((p->buf->n || seal) && (rc = sl_cfw_idle(p->w, err)))
		return rc;
	if (!ps->finishing) /* partitions are written by two threads then */
		ps->buffered -= n;
	sl_batch_clear(p->buf);
	return SL_OK;
}

/* Spills a partition that is probably done (it was pushed out by the
 * budget, or has gone quiet: seal) and gives its buffer's memory back. */
static int spill_done(struct partset *ps, struct part *p, int seal, struct sl_errctx *err)
{
	struct sl_batch *fresh;
	int rc;

	if ((rc = ps_spill(ps, p, seal, err)))
		return rc;
	if (p->buf->cap > PART_INITIAL_ROWS && (fresh = sl_batch_new(p->kind, PART_INITIAL_ROWS))) {
		sl_batch_free(p->buf);
		p->buf = fresh;
		free(p->del);
		p->del = NULL;
		p->del_cap = 0;
		free(p->dep_of);
		p->dep_of = NULL;
		p->dep_of_cap = 0;
	}
	return SL_OK;
}

int ps_spill_largest(struct partset *ps, struct sl_errctx *err)
{
	struct part *big = NULL;

	for (size_t i = 0; i < ps->nparts; i++) {
		struct part *p = ps->parts[i];

		if (ps->routing && p->day == PART_DAY_PENDING)
			continue;
		if (!big || p->buf->n > big->buf->n)
			big = p;
	}
	return big ? spill_done(ps, big, 0, err) : SL_OK;
}

/* Spills and seals the partitions that have received no row in the last
 * cold_after rows.  Inputs come roughly in time order, so a day that has
 * gone quiet is usually complete: written now, by the writer thread while
 * the input is read, its file is not left for the end of the run, where it
 * would be encoded and then wait for the disk.  A late row for it starts a
 * new buffer, which goes to the file as a new row group when it holds
 * COLD_MIN_ROWS rows (a few stragglers wait for the end of the run rather
 * than make a row group each). */
int ps_spill_cold(struct partset *ps, struct sl_errctx *err)
{
	int rc;

	for (size_t i = 0; i < ps->nparts; i++) {
		struct part *p = ps->parts[i];

		if (p->day == PART_DAY_PENDING || !p->buf->n ||
		    (p->w && p->buf->n < COLD_MIN_ROWS) || p->last_row + ps->cold_after > ps->rows)
			continue;
		if ((rc = spill_done(ps, p, 1, err)))
			return rc;
	}
	return SL_OK;
}
