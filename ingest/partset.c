/* partset.c - the partitions of one run: their buffers, the join keys and
 * the rows as they come (partset.h); the rest of partset is in ps_*.c
 * (partset_int.h). */
#include "partset_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_colfile.h"
#include "sl_value.h"

/* ---- small helpers ---- */

int ps_locs_add(struct locs *l, uint32_t group, uint32_t row)
{
	if (sl_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return SL_ENOMEM;
	l->v[l->n].group = group;
	l->v[l->n].row = row;
	l->n++;
	return SL_OK;
}

int ps_cmp_loc(const void *a, const void *b)
{
	const struct loc *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

static uint64_t part_key(enum sl_kind kind, int64_t day)
{
	unsigned char k[9];

	k[0] = (unsigned char)kind;
	memcpy(k + 1, &day, 8);
	return sl_hash(k, sizeof(k));
}

/* Hash of the join key of row r (parent or child side): the key columns'
 * bytes, strings NUL-terminated, integers as 8 bytes.  0 when a key
 * column is null (the row cannot be joined). */
static int row_key(struct partset *ps, const struct sl_batch *b, const int *cols, int ncols,
		   size_t r, uint64_t *h)
{
	if (ncols == 1 && cols[0] >= 0 && b->cols[cols[0]].type == SL_STR) {
		/* one string: its hash, which the dictionary keeps */
		if (sl_batch_is_null(b, cols[0], r))
			return 0;
		*h = sl_dict_hash(b->cols[cols[0]].dict, b->cols[cols[0]].v.code[r]);
		return 1;
	}
	sl_buf_reset(&ps->key);
	for (int i = 0; i < ncols; i++) {
		int c = cols[i];
		size_t n;

		if (c < 0 || sl_batch_is_null(b, c, r))
			return 0;
		if (b->cols[c].type == SL_STR) {
			const char *s = sl_batch_get_str(b, c, r, &n);

			if (sl_buf_add(&ps->key, s, n) || sl_buf_addc(&ps->key, '\0'))
				return 0;
		} else if (sl_buf_add(&ps->key, &b->cols[c].v.i64[r], 8)) {
			return 0;
		}
	}
	*h = sl_hash(ps->key.data, ps->key.len);
	return 1;
}

/* Key of a parent-kind row (deployments, pipeline_runs). */
int ps_parent_key(struct partset *ps, const struct sl_batch *b, size_t r, uint64_t *h)
{
	return ps->nparent[b->kind] &&
	       row_key(ps, b, ps->parent_col[b->kind], ps->nparent[b->kind], r, h);
}

int ps_child_key(struct partset *ps, const struct sl_batch *b, size_t r, uint64_t *h)
{
	return row_key(ps, b, ps->child_col[b->kind], ps->nchild[b->kind], r, h);
}

int partset_row_key(struct partset *ps, enum partset_key which, const struct sl_batch *b,
		    size_t r, uint64_t *h)
{
	const struct updset *u;

	switch (which) {
	case PK_UPDATE:
		return (u = ps_updset(ps, b->kind)) && ps_upd_key(ps, u, b, r, h);
	case PK_PARENT:
		return ps_parent_key(ps, b, r, h);
	default:
		return ps->nchild[b->kind] && ps_child_key(ps, b, r, h);
	}
}

void partset_key_cols(const struct partset *ps, enum partset_key which, enum sl_kind kind,
		      uint8_t *want)
{
	const struct updset *u = ps->upd_of[kind] >= 0 ? &ps->upd[ps->upd_of[kind]] : NULL;

	if (which == PK_UPDATE && u)
		for (int i = 0; i < u->nkey; i++)
			want[u->key_col[i]] = 1;
	if (which == PK_PARENT)
		for (int i = 0; i < ps->nparent[kind]; i++)
			want[ps->parent_col[kind][i]] = 1;
	if (which == PK_CHILD)
		for (int i = 0; i < ps->nchild[kind]; i++)
			want[ps->child_col[kind][i]] = 1;
}

/* ---- partitions ---- */

/* The kinds updated by later rows of their key (partset_int.h). */
static void updsets_init(struct partset *ps, struct sl_store *st)
{
	static const struct {
		enum sl_kind kind;
		const char *key[UPD_MAX_KEY];
	} sets[UPD_SETS] = {
		[UPD_DEPLOYMENTS] = {SL_KIND_DEPLOYMENTS, {"deployment_id"}},
		[UPD_PIPELINE_RUNS] = {SL_KIND_PIPELINE_RUNS, {"pipeline_id", "execution_number"}},
		/* an attempt of a stage: the provider's id (when it has one)
		 * tells two jobs of one name apart, as GitLab's retries */
		[UPD_STAGE_RUNS] = {SL_KIND_STAGE_RUNS,
				    {"pipeline_id", "execution_number", "stage_id", "attempt",
				     "source_id"}},
	};

	for (int k = 0; k < SL_KIND_COUNT; k++)
		ps->upd_of[k] = -1;
	for (int i = 0; i < UPD_SETS; i++) {
		struct updset *u = &ps->upd[i];

		u->kind = sets[i].kind;
		u->ranked = u->kind != SL_KIND_DEPLOYMENTS;
		for (int c = 0; c < UPD_MAX_KEY && sets[i].key[c]; c++)
			u->key_col[u->nkey++] = sl_kind_col(u->kind, sets[i].key[c]);
		u->c_attempt = sl_kind_col(u->kind, "attempt");
		u->c_status = sl_kind_col(u->kind, "status");
		u->c_superseded = sl_kind_col(u->kind, "superseded");
		for (int c = 0; u->ranked && c < sl_kind_def(u->kind)->ncols; c++) {
			const char *name = sl_kind_def(u->kind)->cols[c].name;
			int key = 0;

			for (int k = 0; k < u->nkey; k++)
				key |= u->key_col[k] == c;
			u->in_all[c] = c != u->c_superseded;
			u->in_id[c] = u->in_all[c] && !key && c != u->c_attempt &&
				      c != u->c_status && strcmp(name, "end_time") &&
				      strcmp(name, "duration_ms") && strcmp(name, "source_id") &&
				      strcmp(name, "metadata");
		}
		deplog_init(&u->log, st);
		u->winners = SIZE_MAX;
		ps->upd_of[u->kind] = i;
	}
}

int ps_upd_key(struct partset *ps, const struct updset *u, const struct sl_batch *b, size_t r,
	       uint64_t *h)
{
	uint64_t x = 0x6b6579;

	if (!u->ranked)
		return ps_parent_key(ps, b, r, h);
	/* the key columns' hashes mixed (a string's is the dictionary's); a
	 * null in a key column is a value of its own (a run without an
	 * attempt number, a stage without the provider's id) */
	for (int i = 0; i < u->nkey; i++) {
		int c = u->key_col[i];
		const struct sl_col *col = &b->cols[c];
		uint64_t v = sl_batch_is_null(b, c, r) ? 0x6e756c6cull
			     : col->type == SL_STR    ? sl_dict_hash(col->dict, col->v.code[r])
						      : (uint64_t)col->v.i64[r] * 0x9E3779B97F4A7C15ull;

		x = (x ^ v) * 0xff51afd7ed558ccdull;
		x ^= x >> 32;
	}
	*h = x;
	return 1;
}

int ps_drops_superseded(enum sl_kind kind)
{
	return sl_kind_col(kind, "superseded") < 0;
}

void ps_apply_keep(struct sl_batch *b, const uint8_t *keep)
{
	int c = sl_kind_col(b->kind, "superseded");

	if (c < 0) {
		sl_batch_filter(b, keep);
		return;
	}
	for (size_t r = 0; r < b->n; r++)
		if (!keep[r])
			sl_batch_set_bool(b, c, r, 1);
}

struct partset *partset_new(struct sl_store *st, int reprocess, size_t max_buffered_rows)
{
	struct partset *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return NULL;
	ps->st = st;
	ps->reprocess = reprocess;
	for (int k = 0; k < SL_KIND_COUNT; k++) {
		const struct sl_kind_def *d = sl_kind_def((enum sl_kind)k);

		if (d->parent == SL_KIND_NONE)
			continue;
		ps->nchild[k] = ps->nparent[d->parent] = d->nkeys;
		for (int i = 0; i < d->nkeys; i++) {
			ps->child_col[k][i] = sl_kind_col((enum sl_kind)k, d->key_cols[i]);
			ps->parent_col[d->parent][i] = sl_kind_col(d->parent, d->parent_cols[i]);
		}
	}
	ps->c_upd = sl_kind_col(SL_KIND_DEPLOYMENTS, "updated_at");
	updsets_init(ps, st);
	ps->max_buffered = max_buffered_rows ? max_buffered_rows : 4 * GROUP_ROWS;
	/* at most max_buffered + 1 entries are of rows still in a buffer,
	 * which a flush keeps: it frees at least half; the pipeline runs'
	 * map is flushed whole */
	ps->dep_budget = 2 * (ps->max_buffered + 1);
	ps->pipe_budget = ps->max_buffered + 1;
	ps->cold_after = ps->max_buffered / 16 + 1;
	ps->cold_every = ps->cold_after < COLD_CHECK_ROWS ? ps->cold_after : COLD_CHECK_ROWS;
	ps->cold_left = ps->cold_every;
	deplog_init(&ps->pipelog, st);
	ps->async = 1;
	return ps;
}

static void part_free(struct part *p)
{
	if (!p)
		return;
	sl_batch_free(p->buf);
	sl_cfw_abort(p->w);
	free(p->del);
	free(p->dep_of);
	free(p->sdel.v);
	free(p->odel.v);
	free(p->tmp);
	free(p->tmp2);
	free(p);
}

void partset_free(struct partset *ps)
{
	if (!ps)
		return;
	ps_writer_stop(&ps->wr, 1, NULL); /* before the files it writes go */
	for (size_t i = 0; i < ps->nparts; i++)
		part_free(ps->parts[i]);
	free(ps->parts);
	for (int i = 0; i < UPD_SETS; i++) {
		free(ps->upd[i].deps);
		deplog_release(&ps->upd[i].log);
		sl_u64map_release(&ps->upd[i].map);
	}
	deplog_release(&ps->pipelog);
	free(ps->recs);
	sl_u64map_release(&ps->index);
	sl_u64map_release(&ps->pipemap);
	sl_buf_release(&ps->key);
	free(ps);
}

struct part *ps_find_part(struct partset *ps, enum sl_kind kind, int64_t day)
{
	uint32_t *v = sl_u64map_get(&ps->index, part_key(kind, day));

	if (v && ps->parts[*v]->kind == kind && ps->parts[*v]->day == day)
		return ps->parts[*v];
	return NULL;
}

int ps_get_part(struct partset *ps, enum sl_kind kind, int64_t day, struct part **out)
{
	struct part *p = ps_find_part(ps, kind, day);
	uint32_t *v;
	int added;

	if (p) {
		*out = p;
		return SL_OK;
	}
	if (ps->nparts == PARTSET_MAX_PARTS)
		return SL_ELIMIT;
	if (sl_grow(&ps->parts, &ps->parts_cap, ps->nparts + 1, sizeof(*ps->parts)))
		return SL_ENOMEM;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->buf = sl_batch_new(kind, PART_INITIAL_ROWS))) {
		free(p);
		return SL_ENOMEM;
	}
	p->kind = kind;
	p->day = day;
	if (sl_u64map_put(&ps->index, part_key(kind, day), &v, &added)) {
		part_free(p);
		return SL_ENOMEM;
	}
	*v = p->idx = (uint32_t)ps->nparts;
	ps->parts[ps->nparts++] = p;
	*out = p;
	return SL_OK;
}

int partset_target(struct partset *ps, enum sl_kind kind, int64_t day, struct part **p,
		   struct sl_batch **b, struct sl_errctx *err)
{
	int rc;

	if (ps->last && ps->last->kind == kind && ps->last->day == day) {
		*p = ps->last; /* rows come mostly in time order */
		*b = ps->last->buf;
		return SL_OK;
	}
	rc = ps_get_part(ps, kind, day, p);
	if (!rc)
		ps->last = *p;

	if (rc == SL_ELIMIT)
		return sl_err_set(err, SL_ELIMIT, NULL, 0,
				  "the input spans more than %d partitions (kinds x days) in one "
				  "run; ingest it in parts (e.g. a year at a time)",
				  PARTSET_MAX_PARTS);
	if (rc)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	*b = (*p)->buf;
	return SL_OK;
}

/* The deletion marks cover every row the buffer can hold (it grows). */
int ps_ensure_del(struct part *p)
{
	uint8_t *d;

	if (p->del_cap >= p->buf->cap)
		return SL_OK;
	d = realloc(p->del, p->buf->cap);
	if (!d)
		return SL_ENOMEM;
	memset(d + p->del_cap, 0, p->buf->cap - p->del_cap);
	p->del = d;
	p->del_cap = p->buf->cap;
	return SL_OK;
}

int ps_mark_deleted(struct part *p, uint32_t group, uint32_t row)
{
	if (group != IN_BUFFER)
		return ps_locs_add(&p->sdel, group, row);
	if (ps_ensure_del(p))
		return SL_ENOMEM;
	if (!p->del[row]) {
		p->del[row] = 1;
		p->ndel++;
	}
	return SL_OK;
}


void partset_prefetch_deployment(struct partset *ps, uint64_t h)
{
	/* row_key() of a one-string key */
	sl_u64map_prefetch(&ps->upd[UPD_DEPLOYMENTS].map, h);
}

int partset_add_row(struct partset *ps, struct part *p, size_t r, struct sl_errctx *err)
{
	struct updset *u = ps_updset(ps, p->kind);
	uint64_t h;
	uint32_t *v;
	int added, e;

	p->touched = 1;
	ps->buffered++;
	p->last_row = ++ps->rows;
	if (u && (e = ps_add_update(ps, u, p, r, err)))
		return e;
	/* a superseded attempt does not give its run's gate results a day */
	if (p->kind == SL_KIND_PIPELINE_RUNS && !(p->ndel && r < p->del_cap && p->del[r]) &&
	    ps_parent_key(ps, p->buf, r, &h)) {
		if (ps->pipemap.n >= ps->pipe_budget && (e = ps_flush_pipemap(ps, err)))
			return e;
		if (sl_u64map_put(&ps->pipemap, h, &v, &added))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		*v = p->idx;
	}
	if (p->buf->n >= GROUP_ROWS)
		return ps_spill(ps, p, 0, err);
	if (ps->buffered > ps->max_buffered)
		return ps_spill_largest(ps, err);
	if (!--ps->cold_left) {
		ps->cold_left = ps->cold_every;
		if (ps->async)
			return ps_spill_cold(ps, err);
	}
	return SL_OK;
}


/* ---- reading partitions back ---- */

int ps_old_file(struct partset *ps, enum sl_kind kind, int64_t day, struct sl_cfr **r,
		    struct sl_errctx *err)
{
	char path[PATH_MAX];

	*r = NULL;
	sl_store_partition_path(ps->st, kind, day, path, sizeof(path));
	if (access(path, F_OK))
		return SL_OK;
	return sl_cfr_open(r, path, err);
}
