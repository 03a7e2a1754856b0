/* ps_update.c - status updates: the same deployment, pipeline run or
 * stage run attempt again, within the run and against the store
 * (docs/INGEST.md, "Status updates"); one mechanism for the three kinds,
 * each with its own set (struct updset). */
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

/* A run's rank packs, from the top: the attempt (16 bits), the progress
 * of its status (2 bits: pending or other, running, ended) and a 45-bit
 * hash of what names the run apart from its progress (every column but
 * the key, attempt, status, end_time, duration_ms, source_id, metadata and
 * superseded).  The later attempt wins, then the further progress; rows of
 * equal rank are told apart by a hash of the whole row (DR_TIE), so which
 * row wins does not depend on the order they come in. */
#define RANK_ATTEMPT_SHIFT 47
#define RANK_PROGRESS_SHIFT 45
#define RANK_ID_MASK ((UINT64_C(1) << 45) - 1)
#define PROGRESS_ENDED 2

static uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

/* Hash of column c of row r: the string's own hash (kept by the
 * dictionary), else the value's bits; a null hashes apart. */
static uint64_t col_hash(const struct sl_batch *b, int c, size_t r)
{
	const struct sl_col *col = &b->cols[c];

	if (sl_batch_is_null(b, c, r))
		return 0x6e756c6cull;
	switch (col->type) {
	case SL_STR:
		return sl_dict_hash(col->dict, col->v.code[r]);
	case SL_F64: {
		uint64_t x;

		memcpy(&x, &col->v.f64[r], 8);
		return x;
	}
	case SL_BOOL:
		return col->v.u8[r] + 2u;
	default:
		return (uint64_t)col->v.i64[r];
	}
}

/* Row r of b, a run: its rank and tie-break. */
static void run_rank(const struct updset *u, const struct sl_batch *b, size_t r, int64_t *rank,
		     uint32_t *tie)
{
	uint64_t id = 0x72756e, all, attempt = 1, progress = 0;
	size_t n;

	if (!sl_batch_is_null(b, u->c_attempt, r) && b->cols[u->c_attempt].v.i64[r] > 1)
		attempt = b->cols[u->c_attempt].v.i64[r] > 0xffff ? 0xffff
								 : (uint64_t)b->cols[u->c_attempt].v.i64[r];
	if (!sl_batch_is_null(b, u->c_status, r)) {
		const char *s = sl_batch_get_str(b, u->c_status, r, &n);
		enum sl_ci_status st = sl_ci_status_of(s, n);

		progress = sl_ci_finished(st) || st == SL_CI_SKIPPED ? PROGRESS_ENDED
			   : st == SL_CI_RUNNING			     ? 1
									     : 0;
	}
	/* the whole row's hash goes on from the naming columns' */
	for (int c = 0; c < b->ncols; c++)
		if (u->in_id[c])
			id = mix(id, col_hash(b, c, r));
	all = id;
	for (int c = 0; c < b->ncols; c++)
		if (u->in_all[c] && !u->in_id[c])
			all = mix(all, col_hash(b, c, r));
	*rank = (int64_t)(attempt << RANK_ATTEMPT_SHIFT | progress << RANK_PROGRESS_SHIFT |
			  (id & RANK_ID_MASK));
	*tie = (uint32_t)(all >> 40); /* 24 bits */
}

/* Does the earlier row a stay against the later b?  Runs: the higher
 * (rank, tie); deployments: earlier_stays(). */
static int stays(const struct deprec *a, const struct deprec *b)
{
	if (a->flags & DR_RANK)
		return a->upd > b->upd ||
		       (a->upd == b->upd && DR_TIE(a->flags) > DR_TIE(b->flags));
	return earlier_stays(a->flags & DR_UPD, a->upd, b->flags & DR_UPD, b->upd);
}

/* Two rows of a run's key met: the same attempt, both ended, and named
 * apart (a start, a name, a trigger that differs): two different runs
 * under one key, which the ingest warns of. */
static void count_collision(struct partset *ps, const struct deprec *a, const struct deprec *b)
{
	uint64_t x = (uint64_t)a->upd, y = (uint64_t)b->upd;

	if (!(a->flags & DR_RANK))
		return;
	if (x >> RANK_ATTEMPT_SHIFT == y >> RANK_ATTEMPT_SHIFT &&
	    (x >> RANK_PROGRESS_SHIFT & 3) == PROGRESS_ENDED &&
	    (y >> RANK_PROGRESS_SHIFT & 3) == PROGRESS_ENDED && (x & RANK_ID_MASK) != (y & RANK_ID_MASK))
		ps->stats.collisions++;
}

/* The log record of dep d of key h. */
static void dep_rec(const struct updset *u, const struct dep *d, uint64_t h, struct deprec *r)
{
	r->h = h;
	r->upd = d->upd;
	r->where = d->part->idx;
	r->group = d->group;
	r->row = d->row;
	r->flags = (d->has_upd ? DR_UPD : 0u) | (d->had_null ? DR_NULL : 0u);
	if (u->ranked)
		r->flags |= DR_RANK | d->tie << DR_TIE_SHIFT;
}

/* Writes the map's entries to the log as a run: all of them (the last
 * run), or those whose rows have left the buffers, keeping the others (at
 * most the buffered rows), so that the map's memory stays within the
 * budget.  A key flushed and seen again starts a new entry; the runs are
 * merged in partset_finish(). */
static int flush_deps(struct partset *ps, struct updset *u, int all, struct sl_errctx *err)
{
	struct sl_u64map kept = SL_U64MAP_INIT;
	uint32_t *remap = NULL;
	size_t n = 0;
	int rc;

	if (sl_grow(&ps->recs, &ps->recs_cap, u->ndeps ? u->ndeps : 1, sizeof(*ps->recs)) ||
	    !(remap = malloc((u->ndeps ? u->ndeps : 1) * sizeof(*remap))))
		goto nomem;
	ps->nrecs = 0;
	for (size_t i = 0; i < u->map.cap; i++) {
		const struct sl_u64slot *s = &u->map.slots[i];
		const struct dep *d;

		/* the entries are visited in the map's order, not theirs */
		if (i + 16 < u->map.cap && s[16].used)
			__builtin_prefetch(&u->deps[s[16].val]);
		if (!s->used)
			continue;
		d = &u->deps[s->val];
		remap[s->val] = 0;
		if (all || d->group != IN_BUFFER) {
			dep_rec(u, d, s->key, &ps->recs[ps->nrecs++]);
			remap[s->val] = UINT32_MAX;
		}
	}
	if ((rc = deplog_write_run(&u->log, ps->recs, ps->nrecs, err))) {
		free(remap);
		return rc;
	}
	if (all) {
		free(remap);
		return SL_OK;
	}
	/* the kept entries, in their order, and the map anew (sized at once:
	 * they come in the order of the old map's slots) */
	for (size_t i = 0; i < u->ndeps; i++)
		if (remap[i] != UINT32_MAX) {
			u->deps[n] = u->deps[i];
			remap[i] = (uint32_t)n++;
		}
	if (sl_u64map_reserve(&kept, n))
		goto nomem;
	for (size_t i = 0; i < u->map.cap; i++) {
		const struct sl_u64slot *s = &u->map.slots[i];
		uint32_t *v;
		int added;

		if (!s->used || remap[s->val] == UINT32_MAX)
			continue;
		if (sl_u64map_put(&kept, s->key, &v, &added))
			goto nomem;
		*v = remap[s->val];
	}
	sl_u64map_release(&u->map);
	u->map = kept;
	u->ndeps = n;
	/* a buffered row that is not superseded is its key's entry */
	for (size_t i = 0; i < ps->nparts; i++) {
		struct part *p = ps->parts[i];

		if (p->kind != u->kind)
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

/* A later row of the same key supersedes: for deployments the latest
 * updated_at, else the later row; for runs the higher rank
 * (run_rank()). */
int ps_add_update(struct partset *ps, struct updset *u, struct part *p, size_t r,
		  struct sl_errctx *err)
{
	uint64_t h;
	uint32_t *v, tie = 0;
	int added, rc, has, keyed;
	int64_t upd;
	struct dep *d;

	if (u->ranked) {
		/* the flag is the ingest's to set: an input's own is not read */
		if (!sl_batch_is_null(p->buf, u->c_superseded, r))
			sl_batch_set_null(p->buf, u->c_superseded, r);
		/* the key's slot loads while the rank is computed */
		keyed = ps_upd_key(ps, u, p->buf, r, &h);
		if (keyed)
			sl_u64map_prefetch(&u->map, h);
		has = 1;
		run_rank(u, p->buf, r, &upd, &tie);
	} else {
		keyed = ps_upd_key(ps, u, p->buf, r, &h);
		has = !sl_batch_is_null(p->buf, ps->c_upd, r);
		upd = p->buf->cols[ps->c_upd].v.i64[r];
	}
	if (p->dep_of_cap < p->buf->cap) {
		uint32_t *nd = realloc(p->dep_of, p->buf->cap * sizeof(*nd));

		if (!nd)
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		p->dep_of = nd;
		p->dep_of_cap = p->buf->cap;
	}
	p->dep_of[r] = UINT32_MAX;
	if (!keyed)
		return SL_OK;
	if (u->ndeps >= ps->dep_budget && (rc = flush_deps(ps, u, 0, err)))
		return rc;
	if (sl_u64map_put(&u->map, h, &v, &added))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (added) {
		if (sl_grow(&u->deps, &u->deps_cap, u->ndeps + 1, sizeof(*u->deps)))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		*v = (uint32_t)u->ndeps++;
		u->deps[*v].had_null = 0;
	} else {
		struct deprec a, b;

		d = &u->deps[*v];
		dep_rec(u, d, h, &a);
		b = a;
		b.upd = upd;
		b.flags = (has ? DR_UPD : 0u) | (u->ranked ? DR_RANK | tie << DR_TIE_SHIFT : 0u);
		count_collision(ps, &a, &b);
		ps->stats.superseded++;
		if (stays(&a, &b)) {
			/* the earlier row is the later update: this one loses */
			if (!u->ranked) {
				sl_batch_drop_last(p->buf);
				ps->buffered--;
				return SL_OK;
			}
			if (ps_mark_deleted(p, IN_BUFFER, (uint32_t)r))
				return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			return SL_OK;
		}
		if (ps_mark_deleted(d->part, d->group, d->row))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	p->dep_of[r] = *v;
	d = &u->deps[*v];
	d->upd = upd;
	d->tie = tie;
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
 * the earlier stays (stays()): the rule of ps_add_update(), applied to
 * runs in their order. */
static int fold_run_rec(struct partset *ps, struct deprec *w, const struct deprec *r)
{
	const struct deprec *loser = r;

	if ((r->flags & DR_NULL) || !stays(w, r))
		loser = w;
	count_collision(ps, w, r);
	ps->stats.superseded++;
	if (ps_mark_deleted(ps->parts[loser->where], loser->group, loser->row))
		return SL_ENOMEM;
	if (loser == w)
		*w = *r;
	return SL_OK;
}

/* A stored row s of the key whose run winner is w: the stored row wins
 * when it stays against w (*dead is then set and *old_day is its day);
 * otherwise it is removed from its file, or flagged superseded. */
static int fold_stored_rec(struct partset *ps, const struct updset *u, struct deprec *w,
			   int *dead, int64_t *old_day, const struct deprec *s)
{
	int64_t day = (int32_t)s->where;
	struct part *own;

	count_collision(ps, s, w);
	ps->stats.superseded++;
	if (stays(s, w)) {
		/* the stored row is the later update */
		*dead = 1;
		*old_day = day;
		return ps_mark_deleted(ps->parts[w->where], w->group, w->row);
	}
	if (ps_get_part(ps, u->kind, day, &own))
		return SL_ENOMEM;
	return ps_locs_add(&own->odel, s->group, s->row);
}

typedef int (*stored_fn)(struct partset *ps, struct updset *u, const struct deprec *s,
			 struct sl_errctx *err);

/* Calls fn with the record (DR_STORED) of every stored row of u's kind
 * with a key, in the order of the days, their groups and rows, except on
 * days this run replaces (--reprocess) and rows already superseded (they
 * lost to a row that is still stored, and lose to its winner too: the
 * runs' order is total). */
static int each_stored(struct partset *ps, struct updset *u, stored_fn fn, struct sl_errctx *err)
{
	int64_t *days = NULL;
	size_t ndays;
	int undated, rc;
	uint8_t want[64] = {0};
	struct sl_batch *b = NULL;
	int c_upd = ps->c_upd;

	if ((rc = sl_store_list_days(ps->st, u->kind, &days, &ndays, &undated, err)))
		return rc;
	want[sl_kind_col(SL_KIND_DEPLOYMENTS, "deployment_id")] = want[c_upd] = 1;
	if (!(b = sl_batch_new(u->kind, GROUP_ROWS))) {
		free(days);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	for (size_t i = 0; i < ndays && !rc; i++) {
		struct part *own = ps_find_part(ps, u->kind, days[i]);
		struct sl_cfr *r;

		if (ps->reprocess && own && own->touched)
			continue; /* replaced by this run */
		if ((rc = ps_old_file(ps, u->kind, days[i], &r, err)) || !r)
			continue;
		for (size_t g = 0; g < sl_cfr_ngroups(r) && !rc; g++) {
			sl_batch_clear(b);
			/* a run's rank reads every column */
			if ((rc = sl_cfr_read_group(r, g, u->ranked ? NULL : want, b, err)))
				break;
			for (size_t row = 0; row < b->n && !rc; row++) {
				struct deprec sd;
				int has;

				if (!ps_upd_key(ps, u, b, row, &sd.h))
					continue;
				if (u->ranked) {
					uint32_t tie;

					if (!sl_batch_is_null(b, u->c_superseded, row) &&
					    b->cols[u->c_superseded].v.u8[row])
						continue;
					run_rank(u, b, row, &sd.upd, &tie);
					sd.flags = DR_STORED | DR_UPD | DR_RANK | tie << DR_TIE_SHIFT;
				} else {
					has = !sl_batch_is_null(b, c_upd, row);
					sd.upd = has ? b->cols[c_upd].v.i64[row] : 0;
					sd.flags = DR_STORED | (has ? DR_UPD : 0u);
				}
				sd.where = (uint32_t)(int32_t)days[i];
				sd.group = (uint32_t)g;
				sd.row = (uint32_t)row;
				rc = fn(ps, u, &sd, err);
			}
		}
		sl_cfr_close(r);
	}
	sl_batch_free(b);
	free(days);
	return rc;
}

/* A stored row's record in the log. */
static int stored_to_log(struct partset *ps, struct updset *u, const struct deprec *s,
			 struct sl_errctx *err)
{
	int rc = SL_OK;

	ps->recs[ps->nrecs] = *s;
	if (++ps->nrecs == ps->dep_budget) {
		rc = deplog_write_run(&u->log, ps->recs, ps->nrecs, err);
		ps->nrecs = 0;
	}
	return rc;
}

/* The stored rows as runs of the log, after this run's. */
static int log_stored(struct partset *ps, struct updset *u, struct sl_errctx *err)
{
	int rc;

	if (sl_grow(&ps->recs, &ps->recs_cap, ps->dep_budget, sizeof(*ps->recs)))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	ps->nrecs = 0;
	if (!(rc = each_stored(ps, u, stored_to_log, err)) && ps->nrecs)
		rc = deplog_write_run(&u->log, ps->recs, ps->nrecs, err);
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
 * order, then the stored rows.  The deployments' winners' days make one
 * more run, for the routing of artifacts and validations. */
static int resolve_logged(struct partset *ps, struct updset *u, struct sl_errctx *err)
{
	struct deplog_merge *m = NULL;
	struct deplog_writer *out = NULL;
	struct deprec r, w, win;
	int rc, have = 0, dead = 0;
	int64_t old_day = 0;

	if ((rc = flush_deps(ps, u, 1, err)) || (rc = log_stored(ps, u, err)))
		return rc;
	if ((rc = deplog_merge_open(&u->log, 0, u->log.nruns, &m, err)) ||
	    (u->kind == SL_KIND_DEPLOYMENTS && ps_winners_wanted(ps) &&
	     (rc = deplog_open_run(&u->log, &out, err))))
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
		} else if (have && !dead && fold_stored_rec(ps, u, &w, &dead, &old_day, &r)) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
	}
	if (out)
		u->winners = u->log.nruns;
	if (out)
		rc = deplog_close_run(&u->log, out, err);
	out = NULL;
out:
	deplog_merge_close(m);
	if (out)
		deplog_close_run(&u->log, out, NULL);
	return rc;
}

/* A stored row against this run's winner of its key (in memory). */
static int stored_vs_run(struct partset *ps, struct updset *u, const struct deprec *s,
			 struct sl_errctx *err)
{
	uint32_t *v = sl_u64map_get(&u->map, s->h);
	struct deprec w;
	struct dep *d;
	int dead = 0;
	int64_t old_day = 0;

	if (!v || (d = &u->deps[*v])->dead)
		return SL_OK;
	dep_rec(u, d, s->h, &w);
	if (fold_stored_rec(ps, u, &w, &dead, &old_day, s))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	d->dead = (uint8_t)dead;
	d->old_day = (int32_t)old_day;
	return SL_OK;
}

/* 1. rows already in the store that this run's rows of u's kind
 * supersede, or that supersede this run's rows. */
int ps_resolve_stored(struct partset *ps, struct updset *u, struct sl_errctx *err)
{
	if (u->log.nruns)
		return resolve_logged(ps, u, err);
	if (!u->ndeps)
		return SL_OK;
	return each_stored(ps, u, stored_vs_run, err);
}
