/* ps_route.c - parent routing: artifacts, validations and gate results
 * (no day of their own) go to their parent's day. */
#include "partset_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_colfile.h"
#include "sl_value.h"

/* The pipeline runs' days (for their gate results) are bounded the same
 * way: beyond the budget the map goes to a log of (key, day) runs, and
 * resolve_parents() merges them; a key's latest entry is its day. */
int ps_flush_pipemap(struct partset *ps, struct sl_errctx *err)
{
	size_t n = 0;
	int rc;

	if (sl_grow(&ps->recs, &ps->recs_cap, ps->pipemap.n ? ps->pipemap.n : 1,
		    sizeof(*ps->recs)))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (size_t i = 0; i < ps->pipemap.cap; i++) {
		const struct sl_u64slot *s = &ps->pipemap.slots[i];

		if (!s->used)
			continue;
		memset(&ps->recs[n], 0, sizeof(ps->recs[n]));
		ps->recs[n].h = s->key;
		ps->recs[n].upd = ps->parts[s->val]->day;
		ps->recs[n].where = s->val;
		n++;
	}
	if ((rc = deplog_write_run(&ps->pipelog, ps->recs, n, err)))
		return rc;
	sl_u64map_release(&ps->pipemap);
	return SL_OK;
}


typedef int (*group_fn)(struct partset *ps, void *ctx, struct sl_batch *b,
			struct sl_errctx *err);

static int each_group(struct partset *ps, struct sl_cfr *r, struct sl_batch *scratch,
		      group_fn fn, void *ctx, struct sl_errctx *err)
{
	int rc = SL_OK;

	for (size_t g = 0; r && g < sl_cfr_ngroups(r) && !rc; g++) {
		sl_batch_clear(scratch);
		if (!(rc = sl_cfr_read_group(r, g, NULL, scratch, err)))
			rc = fn(ps, ctx, scratch, err);
	}
	return rc;
}

struct route_ctx {
	enum sl_kind kind;
	struct sl_u64map wanted; /* child key -> index into days[] + 1, 0 unknown */
	int64_t *days;
	size_t ndays, days_cap;
	int collecting;
};

static int route_days_add(struct route_ctx *rc, int64_t day, uint32_t *idx)
{
	for (size_t i = 0; i < rc->ndays; i++)
		if (rc->days[i] == day) {
			*idx = (uint32_t)i + 1;
			return SL_OK;
		}
	if (sl_grow(&rc->days, &rc->days_cap, rc->ndays + 1, sizeof(*rc->days)))
		return SL_ENOMEM;
	rc->days[rc->ndays++] = day;
	*idx = (uint32_t)rc->ndays;
	return SL_OK;
}

static int route_group(struct partset *ps, void *ctx, struct sl_batch *b,
		       struct sl_errctx *err)
{
	struct route_ctx *rc = ctx;

	for (size_t r = 0; r < b->n; r++) {
		uint64_t h;
		uint32_t *v = NULL;
		int ok = ps_child_key(ps, b, r, &h), added, e;
		int64_t day = SL_DAY_NONE;
		struct part *p;

		if (rc->collecting) {
			if (ok && sl_u64map_put(&rc->wanted, h, &v, &added))
				return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			continue;
		}
		if (ok && (v = sl_u64map_get(&rc->wanted, h)) && *v)
			day = rc->days[*v - 1];
		else
			ps->stats.undated++;
		if (ps_get_part(ps, rc->kind, day, &p) || sl_batch_copy_row(p->buf, b, r))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		if ((e = partset_add_row(ps, p, p->buf->n - 1, err)))
			return e;
	}
	return SL_OK;
}

/* The wanted keys' days from runs [first, end) of l, whose records hold
 * (key, day); of a key's records the last merged (its latest run) counts. */
static int wanted_days(struct deplog *l, size_t first, size_t end, struct route_ctx *rc,
		       struct sl_errctx *err)
{
	struct deplog_merge *m;
	struct deprec r;
	int got;

	if ((got = deplog_merge_open(l, first, end, &m, err)))
		return got;
	while ((got = deplog_next(m, &r, err)) == 1) {
		uint32_t *v = sl_u64map_get(&rc->wanted, r.h);

		if (v && route_days_add(rc, r.upd, v)) {
			got = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			break;
		}
	}
	deplog_merge_close(m);
	return got;
}

/* Log mode: the wanted keys among the winners' days, or among the
 * pipeline runs' days (the map's last entries flushed first). */
static int wanted_logged(struct partset *ps, struct route_ctx *rc, enum sl_kind parent,
			 struct sl_errctx *err)
{
	int e;

	if (parent == SL_KIND_DEPLOYMENTS) {
		struct updset *u = &ps->upd[UPD_DEPLOYMENTS];

		if (u->winners >= u->log.nruns) /* ps_winners_wanted() said no */
			return sl_err_set(err, SL_EINVAL, NULL, 0,
					  "internal error: no winners' days");
		return wanted_days(&u->log, u->winners, u->winners + 1, rc, err);
	}
	if (ps->pipemap.n && (e = ps_flush_pipemap(ps, err)))
		return e;
	return wanted_days(&ps->pipelog, 0, ps->pipelog.nruns, rc, err);
}

/* Looks the wanted keys up among this run's parent rows, then among the
 * stored parent partitions. */
static int resolve_parents(struct partset *ps, struct route_ctx *rc, enum sl_kind parent,
			   struct sl_errctx *err)
{
	int64_t *days = NULL;
	size_t ndays, unresolved = 0;
	int undated, e = SL_OK;
	struct sl_batch *b;
	uint8_t want[64] = {0};
	const struct sl_kind_def *cd = sl_kind_def(rc->kind);
	struct updset *u = &ps->upd[UPD_DEPLOYMENTS];
	int logged = (parent == SL_KIND_DEPLOYMENTS && u->log.nruns) ||
		     (parent == SL_KIND_PIPELINE_RUNS && ps->pipelog.nruns);

	if (logged && (e = wanted_logged(ps, rc, parent, err)))
		return e;
	for (size_t i = 0; i < rc->wanted.cap; i++) {
		uint64_t h = rc->wanted.slots[i].key;
		uint32_t *pv;
		int64_t day;

		if (!rc->wanted.slots[i].used)
			continue;
		if (logged) {
			unresolved += !rc->wanted.slots[i].val;
			continue;
		}
		if (parent == SL_KIND_DEPLOYMENTS && (pv = sl_u64map_get(&u->map, h))) {
			const struct dep *d = &u->deps[*pv];

			day = d->dead ? d->old_day : d->part->day;
		} else if (parent == SL_KIND_PIPELINE_RUNS &&
			   (pv = sl_u64map_get(&ps->pipemap, h))) {
			day = ps->parts[*pv]->day;
		} else {
			unresolved++;
			continue;
		}
		if (route_days_add(rc, day, &rc->wanted.slots[i].val))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	if (!unresolved)
		return SL_OK;
	if ((e = sl_store_list_days(ps->st, parent, &days, &ndays, &undated, err)))
		return e;
	for (int i = 0; i < cd->nkeys; i++)
		want[sl_kind_col(parent, cd->parent_cols[i])] = 1;
	if (!(b = sl_batch_new(parent, GROUP_ROWS))) {
		free(days);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	for (size_t i = 0; i < ndays && !e && unresolved; i++) {
		struct sl_cfr *r;

		if ((e = ps_old_file(ps, parent, days[i], &r, err)) || !r)
			continue;
		for (size_t g = 0; g < sl_cfr_ngroups(r) && !e; g++) {
			sl_batch_clear(b);
			if ((e = sl_cfr_read_group(r, g, want, b, err)))
				break;
			for (size_t row = 0; row < b->n; row++) {
				uint64_t h;
				uint32_t *v;

				if (!ps_parent_key(ps, b, row, &h) ||
				    !(v = sl_u64map_get(&rc->wanted, h)) || *v)
					continue;
				if (route_days_add(rc, days[i], v)) {
					e = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
					break;
				}
				unresolved--;
			}
		}
		sl_cfr_close(r);
	}
	sl_batch_free(b);
	free(days);
	return e;
}

/* 2. rows without a day of their own go to their parent's day. */
int ps_route_children(struct partset *ps, enum sl_kind kind, struct sl_errctx *err)
{
	const struct sl_kind_def *kd = sl_kind_def(kind);
	struct part *pend = ps_find_part(ps, kind, PART_DAY_PENDING);
	struct sl_cfr *spilled = NULL, *undated = NULL;
	struct sl_batch *scratch = NULL;
	struct route_ctx rc;
	int e = SL_OK, parent_touched = 0;

	memset(&rc, 0, sizeof(rc));
	rc.kind = kind;
	for (size_t i = 0; i < ps->nparts; i++)
		if (ps->parts[i]->kind == kd->parent && ps->parts[i]->touched)
			parent_touched = 1;
	if (!pend && !parent_touched)
		return SL_OK;
	if ((e = ps_old_file(ps, kind, SL_DAY_NONE, &undated, err)))
		return e;
	if (!pend && !undated)
		return SL_OK;
	if (pend && pend->w) {
		/* read the spilled groups back */
		if ((e = sl_cfw_finish(pend->w, err)))
			goto out;
		pend->w = NULL;
		if ((e = sl_cfr_open(&spilled, pend->tmp, err)))
			goto out;
	}
	if (!(scratch = sl_batch_new(kind, GROUP_ROWS))) {
		e = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	ps->routing = 1;
	for (rc.collecting = 1; rc.collecting >= 0; rc.collecting--) {
		if (!rc.collecting && (e = resolve_parents(ps, &rc, kd->parent, err)))
			goto out;
		if ((e = each_group(ps, spilled, scratch, route_group, &rc, err)))
			goto out;
		if (pend && pend->buf->n && (e = route_group(ps, &rc, pend->buf, err)))
			goto out;
		if ((e = each_group(ps, undated, scratch, route_group, &rc, err)))
			goto out;
	}
	if (undated) {
		struct part *u;

		/* the old undated rows were routed again: none is carried over */
		if (ps_get_part(ps, kind, SL_DAY_NONE, &u)) {
			e = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
		u->replace_old = 1;
		u->touched = 1;
	}
out:
	ps->routing = 0;
	if (pend) {
		ps->buffered -= pend->buf->n;
		sl_batch_clear(pend->buf);
		pend->touched = 0;
	}
	sl_cfr_close(spilled);
	if (pend && !pend->w && pend->tmp)
		unlink(pend->tmp);
	sl_cfr_close(undated);
	sl_batch_free(scratch);
	sl_u64map_release(&rc.wanted);
	free(rc.days);
	return e;
}
