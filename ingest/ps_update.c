/* ps_update.c - status updates: the same deployment again, within the
 * run and against the store (docs/INGEST.md, "Status updates"). */
#include "partset_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_colfile.h"
#include "sl_value.h"

/* ---- status updates ---- */

/* Does the earlier of two rows of a deployment stay, against the later?
 * Only when both have updated_at and the earlier's is later. */
static inline int earlier_stays(int has_a, int64_t a, int has_b, int64_t b)
{
	return has_a && has_b && a > b;
}

/* The log record of dep d of key h. */
static void dep_rec(const struct dep *d, uint64_t h, struct deprec *r)
{
	r->h = h;
	r->upd = d->upd;
	r->where = d->part->idx;
	r->group = d->group;
	r->row = d->row;
	r->flags = (d->has_upd ? DR_UPD : 0u) | (d->had_null ? DR_NULL : 0u);
}

/* Writes the map's entries to the log as a run: all of them (the last
 * run), or those whose rows have left the buffers, keeping the others (at
 * most the buffered rows), so that the map's memory stays within the
 * budget.  A key flushed and seen again starts a new entry; the runs are
 * merged in partset_finish(). */
static int flush_deps(struct partset *ps, int all, struct sl_errctx *err)
{
	struct sl_u64map kept = SL_U64MAP_INIT;
	uint32_t *remap = NULL;
	size_t n = 0;
	int rc;

	if (sl_grow(&ps->recs, &ps->recs_cap, ps->ndeps ? ps->ndeps : 1, sizeof(*ps->recs)) ||
	    !(remap = malloc((ps->ndeps ? ps->ndeps : 1) * sizeof(*remap))))
		goto nomem;
	ps->nrecs = 0;
	for (size_t i = 0; i < ps->depmap.cap; i++) {
		const struct sl_u64slot *s = &ps->depmap.slots[i];
		const struct dep *d;

		/* the entries are visited in the map's order, not theirs */
		if (i + 16 < ps->depmap.cap && s[16].used)
			__builtin_prefetch(&ps->deps[s[16].val]);
		if (!s->used)
			continue;
		d = &ps->deps[s->val];
		remap[s->val] = 0;
		if (all || d->group != IN_BUFFER) {
			dep_rec(d, s->key, &ps->recs[ps->nrecs++]);
			remap[s->val] = UINT32_MAX;
		}
	}
	if ((rc = deplog_write_run(&ps->log, ps->recs, ps->nrecs, err))) {
		free(remap);
		return rc;
	}
	if (all) {
		free(remap);
		return SL_OK;
	}
	/* the kept entries, in their order, and the map anew (sized at once:
	 * they come in the order of the old map's slots) */
	for (size_t i = 0; i < ps->ndeps; i++)
		if (remap[i] != UINT32_MAX) {
			ps->deps[n] = ps->deps[i];
			remap[i] = (uint32_t)n++;
		}
	if (sl_u64map_reserve(&kept, n))
		goto nomem;
	for (size_t i = 0; i < ps->depmap.cap; i++) {
		const struct sl_u64slot *s = &ps->depmap.slots[i];
		uint32_t *v;
		int added;

		if (!s->used || remap[s->val] == UINT32_MAX)
			continue;
		if (sl_u64map_put(&kept, s->key, &v, &added))
			goto nomem;
		*v = remap[s->val];
	}
	sl_u64map_release(&ps->depmap);
	ps->depmap = kept;
	ps->ndeps = n;
	/* a buffered row that is not superseded is its key's entry */
	for (size_t i = 0; i < ps->nparts; i++) {
		struct part *p = ps->parts[i];

		if (p->kind != SL_KIND_DEPLOYMENTS)
			continue;
		if (p->ndel && ps_ensure_del(p))
			goto nomem;
		for (size_t r = 0; r < p->buf->n; r++)
			if (p->dep_of[r] != UINT32_MAX)
				p->dep_of[r] = p->ndel && p->del[r] ? UINT32_MAX
								    : remap[p->dep_of[r]];
	}
	free(remap);
	return SL_OK;
nomem:
	free(remap);
	sl_u64map_release(&kept);
	return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
}

/* A later row of the same deployment supersedes (the latest updated_at,
 * else the later row). */
int ps_add_deployment(struct partset *ps, struct part *p, size_t r, struct sl_errctx *err)
{
	int c_upd = ps->c_upd;
	uint64_t h;
	uint32_t *v;
	int added, rc, has = !sl_batch_is_null(p->buf, c_upd, r);
	int64_t upd = p->buf->cols[c_upd].v.i64[r];
	struct dep *d;

	if (p->dep_of_cap < p->buf->cap) {
		uint32_t *nd = realloc(p->dep_of, p->buf->cap * sizeof(*nd));

		if (!nd)
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		p->dep_of = nd;
		p->dep_of_cap = p->buf->cap;
	}
	p->dep_of[r] = UINT32_MAX;
	if (!ps_parent_key(ps, p->buf, r, &h))
		return SL_OK;
	if (ps->ndeps >= ps->dep_budget && (rc = flush_deps(ps, 0, err)))
		return rc;
	if (sl_u64map_put(&ps->depmap, h, &v, &added))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (added) {
		if (sl_grow(&ps->deps, &ps->deps_cap, ps->ndeps + 1, sizeof(*ps->deps)))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		*v = (uint32_t)ps->ndeps++;
		ps->deps[*v].had_null = 0;
	} else {
		d = &ps->deps[*v];
		if (earlier_stays(d->has_upd, d->upd, has, upd)) {
			/* the earlier row is the later update: this one loses */
			sl_batch_drop_last(p->buf);
			ps->buffered--;
			ps->stats.superseded++;
			return SL_OK;
		}
		if (ps_mark_deleted(d->part, d->group, d->row))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		ps->stats.superseded++;
	}
	p->dep_of[r] = *v;
	d = &ps->deps[*v];
	d->upd = upd;
	d->has_upd = (uint8_t)has;
	d->had_null |= (uint8_t)!has;
	d->dead = 0;
	d->part = p;
	d->group = IN_BUFFER;
	d->row = (uint32_t)r;
	return SL_OK;
}

/* Log mode: the key's rows of one run are folded into w, the winner so
 * far.  A run's entry wins over the earlier runs' winner when a row of
 * its had no updated_at (that row superseded whatever came before it, and
 * the entry is the winner of the rows after it), and otherwise unless
 * both have updated_at and the earlier is later: the rule of
 * ps_add_deployment(), applied to runs in their order. */
static int fold_run_rec(struct partset *ps, struct deprec *w, const struct deprec *r)
{
	const struct deprec *loser = r;

	if ((r->flags & DR_NULL) ||
	    !earlier_stays(w->flags & DR_UPD, w->upd, r->flags & DR_UPD, r->upd))
		loser = w;
	ps->stats.superseded++;
	if (ps_mark_deleted(ps->parts[loser->where], loser->group, loser->row))
		return SL_ENOMEM;
	if (loser == w)
		*w = *r;
	return SL_OK;
}

/* A stored row s of the key whose run winner is w: the stored row wins
 * only when both have updated_at and its is later (*dead is then set and
 * *old_day is its day); otherwise it is removed from its file. */
static int fold_stored_rec(struct partset *ps, struct deprec *w, int *dead, int64_t *old_day,
			   const struct deprec *s)
{
	int64_t day = (int32_t)s->where;
	struct part *own;

	ps->stats.superseded++;
	if (earlier_stays(s->flags & DR_UPD, s->upd, w->flags & DR_UPD, w->upd)) {
		/* the stored row is the later update */
		*dead = 1;
		*old_day = day;
		return ps_mark_deleted(ps->parts[w->where], w->group, w->row);
	}
	if (ps_get_part(ps, SL_KIND_DEPLOYMENTS, day, &own))
		return SL_ENOMEM;
	return ps_locs_add(&own->odel, s->group, s->row);
}

typedef int (*stored_fn)(struct partset *ps, const struct deprec *s, struct sl_errctx *err);

/* Calls fn with the record (DR_STORED) of every stored deployment with a
 * key, in the order of the days, their groups and rows, except on days
 * this run replaces (--reprocess). */
static int each_stored_deployment(struct partset *ps, stored_fn fn, struct sl_errctx *err)
{
	int64_t *days = NULL;
	size_t ndays;
	int undated, rc;
	uint8_t want[64] = {0};
	struct sl_batch *b = NULL;
	int c_upd = ps->c_upd;

	if ((rc = sl_store_list_days(ps->st, SL_KIND_DEPLOYMENTS, &days, &ndays, &undated, err)))
		return rc;
	want[sl_kind_col(SL_KIND_DEPLOYMENTS, "deployment_id")] = want[c_upd] = 1;
	if (!(b = sl_batch_new(SL_KIND_DEPLOYMENTS, GROUP_ROWS))) {
		free(days);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	for (size_t i = 0; i < ndays && !rc; i++) {
		struct part *own = ps_find_part(ps, SL_KIND_DEPLOYMENTS, days[i]);
		struct sl_cfr *r;

		if (ps->reprocess && own && own->touched)
			continue; /* replaced by this run */
		if ((rc = ps_old_file(ps, SL_KIND_DEPLOYMENTS, days[i], &r, err)) || !r)
			continue;
		for (size_t g = 0; g < sl_cfr_ngroups(r) && !rc; g++) {
			sl_batch_clear(b);
			if ((rc = sl_cfr_read_group(r, g, want, b, err)))
				break;
			for (size_t row = 0; row < b->n && !rc; row++) {
				struct deprec sd;
				int has = !sl_batch_is_null(b, c_upd, row);

				if (!ps_parent_key(ps, b, row, &sd.h))
					continue;
				sd.upd = has ? b->cols[c_upd].v.i64[row] : 0;
				sd.flags = DR_STORED | (has ? DR_UPD : 0u);
				sd.where = (uint32_t)(int32_t)days[i];
				sd.group = (uint32_t)g;
				sd.row = (uint32_t)row;
				rc = fn(ps, &sd, err);
			}
		}
		sl_cfr_close(r);
	}
	sl_batch_free(b);
	free(days);
	return rc;
}

/* A stored deployment's record in the log. */
static int stored_to_log(struct partset *ps, const struct deprec *s, struct sl_errctx *err)
{
	int rc = SL_OK;

	ps->recs[ps->nrecs] = *s;
	if (++ps->nrecs == ps->dep_budget) {
		rc = deplog_write_run(&ps->log, ps->recs, ps->nrecs, err);
		ps->nrecs = 0;
	}
	return rc;
}

/* The stored deployments as runs of the log, after this run's. */
static int log_stored_deployments(struct partset *ps, struct sl_errctx *err)
{
	int rc;

	if (sl_grow(&ps->recs, &ps->recs_cap, ps->dep_budget, sizeof(*ps->recs)))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	ps->nrecs = 0;
	if (!(rc = each_stored_deployment(ps, stored_to_log, err)) && ps->nrecs)
		rc = deplog_write_run(&ps->log, ps->recs, ps->nrecs, err);
	return rc;
}

/* Will ps_route_children() look deployments up: are there rows of a child
 * kind waiting for their day, or stored ones without a day? */
int ps_winners_wanted(struct partset *ps)
{
	char path[PATH_MAX];

	for (int k = 0; k < SL_KIND_COUNT; k++) {
		if (sl_kind_def((enum sl_kind)k)->parent != SL_KIND_DEPLOYMENTS)
			continue;
		if (ps_find_part(ps, (enum sl_kind)k, PART_DAY_PENDING))
			return 1;
		sl_store_partition_path(ps->st, (enum sl_kind)k, SL_DAY_NONE, path, sizeof(path));
		if (!access(path, F_OK))
			return 1;
	}
	return 0;
}

/* Log mode: the runs merged, key by key: this run's entries in their
 * order, then the stored rows.  The winners' days make one more run, for
 * the routing of artifacts and validations. */
static int resolve_logged(struct partset *ps, struct sl_errctx *err)
{
	struct deplog_merge *m = NULL;
	struct deplog_writer *out = NULL;
	struct deprec r, w, win;
	int rc, have = 0, dead = 0;
	int64_t old_day = 0;

	if ((rc = flush_deps(ps, 1, err)) || (rc = log_stored_deployments(ps, err)))
		return rc;
	if ((rc = deplog_merge_open(&ps->log, 0, ps->log.nruns, &m, err)) ||
	    (ps_winners_wanted(ps) && (rc = deplog_open_run(&ps->log, &out, err))))
		goto out;
	memset(&w, 0, sizeof(w));
	memset(&win, 0, sizeof(win));
	for (;;) {
		int got = deplog_next(m, &r, err);

		if (got < 0) {
			rc = got;
			goto out;
		}
		if (have && (!got || r.h != w.h)) {
			win.h = w.h;
			win.upd = dead ? old_day : ps->parts[w.where]->day;
			if (out && (rc = deplog_append(out, &win, err)))
				goto out;
			have = dead = 0;
		}
		if (!got)
			break;
		if (!(r.flags & DR_STORED)) {
			if (!have) {
				w = r;
				have = 1;
			} else if (fold_run_rec(ps, &w, &r)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
		} else if (have && !dead && fold_stored_rec(ps, &w, &dead, &old_day, &r)) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
	}
	if (out)
		ps->winners = ps->log.nruns;
	if (out)
		rc = deplog_close_run(&ps->log, out, err);
	out = NULL;
out:
	deplog_merge_close(m);
	if (out)
		deplog_close_run(&ps->log, out, NULL);
	return rc;
}

/* A stored row against this run's winner of its key (in memory). */
static int stored_vs_run(struct partset *ps, const struct deprec *s, struct sl_errctx *err)
{
	uint32_t *v = sl_u64map_get(&ps->depmap, s->h);
	struct deprec w;
	struct dep *d;
	int dead = 0;
	int64_t old_day = 0;

	if (!v || (d = &ps->deps[*v])->dead)
		return SL_OK;
	dep_rec(d, s->h, &w);
	if (fold_stored_rec(ps, &w, &dead, &old_day, s))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	d->dead = (uint8_t)dead;
	d->old_day = (int32_t)old_day;
	return SL_OK;
}

/* 1. deployments already in the store that this run's rows supersede, or
 * that supersede this run's rows. */
int ps_resolve_stored_deployments(struct partset *ps, struct sl_errctx *err)
{
	if (ps->log.nruns)
		return resolve_logged(ps, err);
	if (!ps->ndeps)
		return SL_OK;
	return each_stored_deployment(ps, stored_vs_run, err);
}

/* Calls fn for every row group of a part's rows: spilled groups (the
 * temporary file is finished and read back) and then the buffer. */
