#include "partset.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deplog.h"
#include "sl_buf.h"
#include "sl_colfile.h"
#include "sl_u64map.h"
#include "sl_value.h"

#define GROUP_ROWS 65536
#define IN_BUFFER UINT32_MAX
/* A buffer starts small: a year of daily partitions is 365 of them. */
#define PART_INITIAL_ROWS 16
/* spill_cold(): how often it looks at most (every cold_after rows when
 * that is less), and the least rows it writes to a file it has written
 * before (a day's late rows) */
#define COLD_CHECK_ROWS 4096
#define COLD_MIN_ROWS 1024

struct loc {
	uint32_t group, row;
};

struct locs {
	struct loc *v;
	size_t n, cap;
};

struct part {
	enum sl_kind kind;
	int64_t day;
	struct sl_batch *buf;
	uint8_t *del; /* rows of buf superseded since they were added */
	size_t del_cap, ndel;
	uint32_t *dep_of; /* deployments: buffer row -> deps[] index */
	size_t dep_of_cap;
	struct sl_cfw *w; /* spilled row groups, NULL until the first spill */
	char *tmp;        /* the spill file's path, once given (set_tmp) */
	uint32_t nspilled;
	struct locs sdel; /* superseded rows in spilled groups */
	struct locs odel; /* superseded rows in the old partition file */
	uint32_t idx;     /* in partset.parts */
	int tmp_given;    /* tmp was given out for the final spill */
	char *tmp2;       /* the final file's temporary path (write_part) */
	int outcome;      /* enum part_outcome, from write_part */
	int counted;      /* a partition file written or removed */
	uint64_t rows_out;
	int touched;      /* received rows in this run */
	uint64_t last_row; /* partset.rows when it last received a row */
	int replace_old;  /* the old file's rows are not carried over */
};

/* The current winner among the rows of one deployment_id seen in this run
 * since the map was last flushed to the status-update log (32 bytes). */
struct dep {
	int64_t upd;
	struct part *part;
	int32_t old_day; /* when dead: day of the stored row that won */
	uint32_t group, row;
	uint8_t has_upd, dead;
	uint8_t had_null; /* a row of it had no updated_at */
};

/* Row groups spilled while the input is read are filtered, encoded and
 * written by a thread of their own, so that the mapping goes on meanwhile.
 * Jobs are written in the order given (a file's groups stay in order);
 * at most WRITER_DEPTH wait, which bounds the memory they hold.  The first
 * error stops the writing and is returned by the next submit or drain. */
#define WRITER_DEPTH 4

struct wjob {
	struct sl_cfw *w;
	struct sl_batch *b; /* owned by the job */
	uint8_t *keep;      /* rows to write, or NULL for all; owned */
	int seal;           /* then footer and trailer (sl_cfw_seal()) */
	struct wjob *next;
};

struct writer {
	pthread_t th;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct wjob *head, *tail;
	int njobs;
	int stop, discard;
	int rc;
	struct sl_errctx err;
};

static int writer_stop(struct writer *wr, int discard, struct sl_errctx *err);

struct partset {
	struct sl_store *st;
	struct writer wr;
	int async; /* spills go to the writer thread (until partset_finish) */
	int finishing; /* write_parts(): several threads write partitions */
	int reprocess;
	size_t max_buffered, buffered;
	uint64_t rows;       /* rows added so far */
	uint64_t cold_after; /* rows after which a silent partition is spilled */
	uint64_t cold_every, cold_left; /* spill_cold() every cold_every rows */
	struct part **parts;
	size_t nparts, parts_cap;
	struct sl_u64map index; /* (kind, day) -> part */
	struct dep *deps;
	size_t ndeps, deps_cap;
	struct sl_u64map depmap;  /* deployment key -> deps[] */
	size_t dep_budget;        /* deps[] entries before a flush to the log */
	size_t pipe_budget;       /* pipemap entries before a flush */
	struct deplog log;        /* deps flushed (docs/INGEST.md) */
	struct deprec *recs;      /* a run being made */
	size_t nrecs, recs_cap;
	size_t winners;           /* log mode, once resolved: the run of winners */
	struct sl_u64map pipemap; /* pipeline run key -> parts[] of its day */
	struct deplog pipelog;    /* pipemap flushed: (key, day) runs */
	struct partset_stats stats;
	struct sl_buf key;
	/* column indices of the join keys: [kind][0..1], parent and child side */
	int parent_col[SL_KIND_COUNT][2], child_col[SL_KIND_COUNT][2];
	int nparent[SL_KIND_COUNT], nchild[SL_KIND_COUNT];
	int c_upd;
	int routing; /* pending rows are being routed: their buffers must stay */
	struct part *last; /* the partition of the last partset_target() */
};

/* ---- small helpers ---- */

static int locs_add(struct locs *l, uint32_t group, uint32_t row)
{
	if (sl_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return SL_ENOMEM;
	l->v[l->n].group = group;
	l->v[l->n].row = row;
	l->n++;
	return SL_OK;
}

static int cmp_loc(const void *a, const void *b)
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
static int parent_key(struct partset *ps, const struct sl_batch *b, size_t r, uint64_t *h)
{
	return ps->nparent[b->kind] &&
	       row_key(ps, b, ps->parent_col[b->kind], ps->nparent[b->kind], r, h);
}

static int child_key(struct partset *ps, const struct sl_batch *b, size_t r, uint64_t *h)
{
	return row_key(ps, b, ps->child_col[b->kind], ps->nchild[b->kind], r, h);
}

/* ---- partitions ---- */

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
	ps->max_buffered = max_buffered_rows ? max_buffered_rows : 4 * GROUP_ROWS;
	/* at most max_buffered + 1 entries are of rows still in a buffer,
	 * which a flush keeps: it frees at least half; the pipeline runs'
	 * map is flushed whole */
	ps->dep_budget = 2 * (ps->max_buffered + 1);
	ps->pipe_budget = ps->max_buffered + 1;
	ps->cold_after = ps->max_buffered / 16 + 1;
	ps->cold_every = ps->cold_after < COLD_CHECK_ROWS ? ps->cold_after : COLD_CHECK_ROWS;
	ps->cold_left = ps->cold_every;
	deplog_init(&ps->log, st);
	deplog_init(&ps->pipelog, st);
	ps->winners = SIZE_MAX;
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
	writer_stop(&ps->wr, 1, NULL); /* before the files it writes go */
	for (size_t i = 0; i < ps->nparts; i++)
		part_free(ps->parts[i]);
	free(ps->parts);
	free(ps->deps);
	deplog_release(&ps->log);
	deplog_release(&ps->pipelog);
	free(ps->recs);
	sl_u64map_release(&ps->index);
	sl_u64map_release(&ps->depmap);
	sl_u64map_release(&ps->pipemap);
	sl_buf_release(&ps->key);
	free(ps);
}

static struct part *find_part(struct partset *ps, enum sl_kind kind, int64_t day)
{
	uint32_t *v = sl_u64map_get(&ps->index, part_key(kind, day));

	if (v && ps->parts[*v]->kind == kind && ps->parts[*v]->day == day)
		return ps->parts[*v];
	return NULL;
}

static int get_part(struct partset *ps, enum sl_kind kind, int64_t day, struct part **out)
{
	struct part *p = find_part(ps, kind, day);
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
	rc = get_part(ps, kind, day, p);
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
static int ensure_del(struct part *p)
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

static int mark_deleted(struct part *p, uint32_t group, uint32_t row)
{
	if (group != IN_BUFFER)
		return locs_add(&p->sdel, group, row);
	if (ensure_del(p))
		return SL_ENOMEM;
	if (!p->del[row]) {
		p->del[row] = 1;
		p->ndel++;
	}
	return SL_OK;
}

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
				sl_batch_filter(j->b, j->keep);
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
static int writer_submit(struct writer *wr, struct wjob *j, struct sl_errctx *err)
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
static int writer_stop(struct writer *wr, int discard, struct sl_errctx *err)
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

/* Gives p a new temporary path for its spill file (a path of its own, not
 * PATH_MAX bytes held by each of up to 20,000 partitions). */
static int set_tmp(struct partset *ps, struct part *p, struct sl_errctx *err)
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
static int spill(struct partset *ps, struct part *p, int seal, struct sl_errctx *err)
{
	size_t n = p->buf->n;
	int rc;

	if (!n)
		return SL_OK;
	if (p->ndel && ensure_del(p))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (!p->w) {
		if (!p->tmp_given && (rc = set_tmp(ps, p, err)))
			return rc;
		p->tmp_given = 0;
		rc = sl_cfw_open(&p->w, p->tmp, p->kind,
				 p->day == PART_DAY_PENDING ? SL_DAY_NONE : p->day, err);
		if (rc)
			return rc;
		sl_cfw_set_nosync(p->w);
	}
	if (p->kind == SL_KIND_DEPLOYMENTS) {
		/* the surviving rows are their ids' winners: record where they go */
		uint32_t w = 0;

		for (size_t r = 0; r < n; r++) {
			struct dep *d;

			if (p->ndel && p->del[r])
				continue;
			if (p->dep_of[r] == UINT32_MAX) {
				w++; /* a row without a deployment_id */
				continue;
			}
			d = &ps->deps[p->dep_of[r]];
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
		return writer_submit(&ps->wr, j, err);
	}
	if (p->ndel) {
		for (size_t r = 0; r < n; r++)
			p->del[r] = !p->del[r];
		sl_batch_filter(p->buf, p->del);
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

	if ((rc = spill(ps, p, seal, err)))
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

static int spill_largest(struct partset *ps, struct sl_errctx *err)
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
static int spill_cold(struct partset *ps, struct sl_errctx *err)
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
		if (p->ndel && ensure_del(p))
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
static int add_deployment(struct partset *ps, struct part *p, size_t r, struct sl_errctx *err)
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
	if (!parent_key(ps, p->buf, r, &h))
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
		if (mark_deleted(d->part, d->group, d->row))
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

/* The pipeline runs' days (for their gate results) are bounded the same
 * way: beyond the budget the map goes to a log of (key, day) runs, and
 * resolve_parents() merges them; a key's latest entry is its day. */
static int flush_pipemap(struct partset *ps, struct sl_errctx *err)
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

void partset_prefetch_deployment(struct partset *ps, uint64_t h)
{
	sl_u64map_prefetch(&ps->depmap, h); /* row_key() of a one-string key */
}

int partset_add_row(struct partset *ps, struct part *p, size_t r, struct sl_errctx *err)
{
	uint64_t h;
	uint32_t *v;
	int added, e;

	p->touched = 1;
	ps->buffered++;
	p->last_row = ++ps->rows;
	if (p->kind == SL_KIND_DEPLOYMENTS && (e = add_deployment(ps, p, r, err)))
		return e;
	if (p->kind == SL_KIND_PIPELINE_RUNS && parent_key(ps, p->buf, r, &h)) {
		if (ps->pipemap.n >= ps->pipe_budget && (e = flush_pipemap(ps, err)))
			return e;
		if (sl_u64map_put(&ps->pipemap, h, &v, &added))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		*v = p->idx;
	}
	if (p->buf->n >= GROUP_ROWS)
		return spill(ps, p, 0, err);
	if (ps->buffered > ps->max_buffered)
		return spill_largest(ps, err);
	if (!--ps->cold_left) {
		ps->cold_left = ps->cold_every;
		if (ps->async)
			return spill_cold(ps, err);
	}
	return SL_OK;
}

/* ---- reading partitions back ---- */

static int old_file(struct partset *ps, enum sl_kind kind, int64_t day, struct sl_cfr **r,
		    struct sl_errctx *err)
{
	char path[PATH_MAX];

	*r = NULL;
	sl_store_partition_path(ps->st, kind, day, path, sizeof(path));
	if (access(path, F_OK))
		return SL_OK;
	return sl_cfr_open(r, path, err);
}

/* Log mode: the key's rows of one run are folded into w, the winner so
 * far.  A run's entry wins over the earlier runs' winner when a row of
 * its had no updated_at (that row superseded whatever came before it, and
 * the entry is the winner of the rows after it), and otherwise unless
 * both have updated_at and the earlier is later: the rule of
 * add_deployment(), applied to runs in their order. */
static int fold_run_rec(struct partset *ps, struct deprec *w, const struct deprec *r)
{
	const struct deprec *loser = r;

	if ((r->flags & DR_NULL) ||
	    !earlier_stays(w->flags & DR_UPD, w->upd, r->flags & DR_UPD, r->upd))
		loser = w;
	ps->stats.superseded++;
	if (mark_deleted(ps->parts[loser->where], loser->group, loser->row))
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
		return mark_deleted(ps->parts[w->where], w->group, w->row);
	}
	if (get_part(ps, SL_KIND_DEPLOYMENTS, day, &own))
		return SL_ENOMEM;
	return locs_add(&own->odel, s->group, s->row);
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
		struct part *own = find_part(ps, SL_KIND_DEPLOYMENTS, days[i]);
		struct sl_cfr *r;

		if (ps->reprocess && own && own->touched)
			continue; /* replaced by this run */
		if ((rc = old_file(ps, SL_KIND_DEPLOYMENTS, days[i], &r, err)) || !r)
			continue;
		for (size_t g = 0; g < sl_cfr_ngroups(r) && !rc; g++) {
			sl_batch_clear(b);
			if ((rc = sl_cfr_read_group(r, g, want, b, err)))
				break;
			for (size_t row = 0; row < b->n && !rc; row++) {
				struct deprec sd;
				int has = !sl_batch_is_null(b, c_upd, row);

				if (!parent_key(ps, b, row, &sd.h))
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

/* Will route_children() look deployments up: are there rows of a child
 * kind waiting for their day, or stored ones without a day? */
static int winners_wanted(struct partset *ps)
{
	char path[PATH_MAX];

	for (int k = 0; k < SL_KIND_COUNT; k++) {
		if (sl_kind_def((enum sl_kind)k)->parent != SL_KIND_DEPLOYMENTS)
			continue;
		if (find_part(ps, (enum sl_kind)k, PART_DAY_PENDING))
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
	    (winners_wanted(ps) && (rc = deplog_open_run(&ps->log, &out, err))))
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
static int resolve_stored_deployments(struct partset *ps, struct sl_errctx *err)
{
	if (ps->log.nruns)
		return resolve_logged(ps, err);
	if (!ps->ndeps)
		return SL_OK;
	return each_stored_deployment(ps, stored_vs_run, err);
}

/* Calls fn for every row group of a part's rows: spilled groups (the
 * temporary file is finished and read back) and then the buffer. */
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
		int ok = child_key(ps, b, r, &h), added, e;
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
		if (get_part(ps, rc->kind, day, &p) || sl_batch_copy_row(p->buf, b, r))
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
		if (ps->winners >= ps->log.nruns) /* winners_wanted() said no */
			return sl_err_set(err, SL_EINVAL, NULL, 0,
					  "internal error: no winners' days");
		return wanted_days(&ps->log, ps->winners, ps->winners + 1, rc, err);
	}
	if (ps->pipemap.n && (e = flush_pipemap(ps, err)))
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
	int logged = (parent == SL_KIND_DEPLOYMENTS && ps->log.nruns) ||
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
		if (parent == SL_KIND_DEPLOYMENTS && (pv = sl_u64map_get(&ps->depmap, h))) {
			const struct dep *d = &ps->deps[*pv];

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

		if ((e = old_file(ps, parent, days[i], &r, err)) || !r)
			continue;
		for (size_t g = 0; g < sl_cfr_ngroups(r) && !e; g++) {
			sl_batch_clear(b);
			if ((e = sl_cfr_read_group(r, g, want, b, err)))
				break;
			for (size_t row = 0; row < b->n; row++) {
				uint64_t h;
				uint32_t *v;

				if (!parent_key(ps, b, row, &h) ||
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
static int route_children(struct partset *ps, enum sl_kind kind, struct sl_errctx *err)
{
	const struct sl_kind_def *kd = sl_kind_def(kind);
	struct part *pend = find_part(ps, kind, PART_DAY_PENDING);
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
	if ((e = old_file(ps, kind, SL_DAY_NONE, &undated, err)))
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
		if (get_part(ps, kind, SL_DAY_NONE, &u)) {
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
		qsort(dels->v, dels->n, sizeof(*dels->v), cmp_loc);
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
		sl_batch_filter(scratch, keep);
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
	if ((rc = spill(ps, p, 0, err)))
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
		if ((rc = set_tmp(ps, p, err)))
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
	if ((rc = writer_stop(&ps->wr, 0, err)))
		return rc;
	if ((rc = resolve_stored_deployments(ps, err)))
		return rc;
	for (int k = 0; k < SL_KIND_COUNT; k++)
		if (sl_kind_def((enum sl_kind)k)->parent != SL_KIND_NONE &&
		    (rc = route_children(ps, (enum sl_kind)k, err)))
			return rc;
	/* the log's files go before the partitions are written and synced:
	 * their pages are dropped rather than written back */
	deplog_release(&ps->log);
	deplog_release(&ps->pipelog);
	ps->finishing = 1;
	if ((rc = write_parts(ps, err)))
		return rc;
	*stats = ps->stats;
	return SL_OK;
}
