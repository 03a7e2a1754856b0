#include "deplog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_buf.h"

/* Records a run's writer or reader holds (64 KB). */
#define IOBUF_RECS 2048
#define SORT_BITS 16

_Static_assert(sizeof(struct deprec) == 32, "a log record is 32 bytes");

void deplog_init(struct deplog *l, struct sl_store *st)
{
	memset(l, 0, sizeof(*l));
	l->st = st;
}

void deplog_release(struct deplog *l)
{
	for (size_t i = 0; i < l->nruns; i++) {
		close(l->runs[i].fd);
		free(l->runs[i].path);
	}
	free(l->runs);
	free(l->count);
	memset(l, 0, sizeof(*l));
}

static int io_error(struct sl_errctx *err, const char *path, const char *what)
{
	return sl_err_set(err, SL_EIO, path, 0, "status-update log: cannot %s: %s", what,
			  strerror(errno));
}

/* A file of the store's, gone from its directory at once; *path (malloc'ed)
 * names it in messages. */
static int anon_file(struct deplog *l, int *fd, char **path, struct sl_errctx *err)
{
	char p[PATH_MAX];
	int rc;

	if ((rc = sl_store_temp_path(l->st, SL_KIND_DEPLOYMENTS, p, sizeof(p), err)))
		return rc;
	if (!(*path = strdup(p)))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((*fd = open(p, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		rc = sl_err_set(err, SL_EIO, p, 0, "cannot create: %s", strerror(errno));
		free(*path);
		*path = NULL;
		return rc;
	}
	unlink(p);
	return SL_OK;
}

/* Adds the run (its path is then l's), or closes it and frees the path. */
static int add_run(struct deplog *l, int fd, char *path, uint64_t n)
{
	if (sl_grow(&l->runs, &l->runs_cap, l->nruns + 1, sizeof(*l->runs))) {
		close(fd);
		free(path);
		return SL_ENOMEM;
	}
	l->runs[l->nruns].fd = fd;
	l->runs[l->nruns].path = path;
	l->runs[l->nruns].n = n;
	l->nruns++;
	return SL_OK;
}

/* ---- sorting ---- */

/* The order of a run: by deplog_order() of the key hash, and records of
 * one key (rows of the store) by day, group and row. */
static int rec_before(const struct deprec *a, const struct deprec *b)
{
	if (a->h != b->h)
		return deplog_order(a->h) < deplog_order(b->h);
	if (a->where != b->where)
		return (int32_t)a->where < (int32_t)b->where;
	if (a->group != b->group)
		return a->group < b->group;
	return a->row < b->row;
}

/* In place: records are dealt into buckets by the top SORT_BITS bits of
 * their order (American flag sort: each record is swapped straight to its
 * bucket), then each bucket is sorted by insertion; hashes are uniform, so
 * a bucket holds a handful of records even for millions.  Records taken
 * from a sl_u64map in slot order are nearly sorted already, and then
 * hardly any is swapped. */
static int sort_recs(struct deplog *l, struct deprec *v, size_t n)
{
	const size_t nb = (size_t)1 << SORT_BITS;
	uint32_t *next, *end;
	size_t sum = 0;

	if (!l->count && !(l->count = malloc(2 * nb * sizeof(*l->count))))
		return SL_ENOMEM;
	next = l->count;
	end = l->count + nb;
	memset(end, 0, nb * sizeof(*end));
	for (size_t i = 0; i < n; i++)
		end[deplog_order(v[i].h) >> (64 - SORT_BITS)]++;
	for (size_t b = 0; b < nb; b++) {
		next[b] = (uint32_t)sum;
		sum += end[b];
		end[b] = (uint32_t)sum;
	}
	for (size_t b = 0; b < nb; b++)
		while (next[b] < end[b]) {
			struct deprec *x = &v[next[b]];
			size_t d = deplog_order(x->h) >> (64 - SORT_BITS);

			if (d == b) {
				next[b]++;
			} else {
				struct deprec t = v[next[d]];

				v[next[d]++] = *x;
				*x = t;
			}
		}
	for (size_t b = 0, start = 0; b < nb; start = end[b++])
		for (size_t i = start + 1; i < end[b]; i++) {
			struct deprec x = v[i];
			size_t j = i;

			for (; j > start && rec_before(&x, &v[j - 1]); j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
	return SL_OK;
}

int deplog_write_run(struct deplog *l, struct deprec *v, size_t n, struct sl_errctx *err)
{
	char *path;
	int fd, rc;

	if (n > UINT32_MAX)
		return sl_err_set(err, SL_ELIMIT, NULL, 0, "status-update log: run too large");
	if (sort_recs(l, v, n))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = anon_file(l, &fd, &path, err)))
		return rc;
	if (sl_write_all(fd, v, n * sizeof(*v))) {
		rc = io_error(err, path, "write");
		close(fd);
		free(path);
		return rc;
	}
	if (add_run(l, fd, path, n))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return SL_OK;
}

/* ---- a run written record by record ---- */

struct deplog_writer {
	int fd;
	char *path;
	uint64_t n;
	size_t used;
	struct deprec buf[IOBUF_RECS];
};

int deplog_open_run(struct deplog *l, struct deplog_writer **w, struct sl_errctx *err)
{
	int rc;

	if (!(*w = calloc(1, sizeof(**w))))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = anon_file(l, &(*w)->fd, &(*w)->path, err))) {
		free(*w);
		*w = NULL;
	}
	return rc;
}

static int writer_flush(struct deplog_writer *w, struct sl_errctx *err)
{
	if (w->used && sl_write_all(w->fd, w->buf, w->used * sizeof(*w->buf)))
		return io_error(err, w->path, "write");
	w->used = 0;
	return SL_OK;
}

int deplog_append(struct deplog_writer *w, const struct deprec *r, struct sl_errctx *err)
{
	int rc;

	if (w->used == IOBUF_RECS && (rc = writer_flush(w, err)))
		return rc;
	w->buf[w->used++] = *r;
	w->n++;
	return SL_OK;
}

int deplog_close_run(struct deplog *l, struct deplog_writer *w, struct sl_errctx *err)
{
	int rc = writer_flush(w, err);

	if (rc) {
		close(w->fd);
		free(w->path);
	} else if (add_run(l, w->fd, w->path, w->n)) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	free(w);
	return rc;
}

/* ---- merging ---- */

struct source {
	int fd;
	const char *path;
	uint64_t left; /* records not yet read from the file */
	off_t off;
	size_t pos, n; /* in buf */
	size_t rank;   /* run order: ties of a key go to the lower rank first */
	struct deprec *buf;
};

struct deplog_merge {
	struct source *src;
	size_t *heap; /* source indices, a min-heap on (head's h, rank) */
	size_t nheap, nsrc;
};

static int fill(struct source *s, struct sl_errctx *err)
{
	size_t want = s->left < IOBUF_RECS ? (size_t)s->left : IOBUF_RECS;
	size_t bytes = want * sizeof(*s->buf), got = 0;

	while (got < bytes) {
		ssize_t r = pread(s->fd, (char *)s->buf + got, bytes - got, s->off + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return io_error(err, s->path, "read");
		if (r == 0)
			return sl_err_set(err, SL_ETRUNC, s->path, 0,
					  "status-update log: a run ends early");
		got += (size_t)r;
	}
	s->off += (off_t)bytes;
	s->left -= want;
	s->pos = 0;
	s->n = want;
	return SL_OK;
}

static int before(const struct deplog_merge *m, size_t a, size_t b)
{
	const struct source *x = &m->src[a], *y = &m->src[b];
	uint64_t hx = deplog_order(x->buf[x->pos].h), hy = deplog_order(y->buf[y->pos].h);

	return hx != hy ? hx < hy : x->rank < y->rank;
}

static void sift_down(struct deplog_merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, least = i, t;

		if (l < m->nheap && before(m, m->heap[l], m->heap[least]))
			least = l;
		if (r < m->nheap && before(m, m->heap[r], m->heap[least]))
			least = r;
		if (least == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[least];
		m->heap[least] = t;
		i = least;
	}
}

void deplog_merge_close(struct deplog_merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nsrc; i++)
		free(m->src[i].buf);
	free(m->src);
	free(m->heap);
	free(m);
}

int deplog_merge_open(struct deplog *l, size_t first, size_t end, struct deplog_merge **out,
		      struct sl_errctx *err)
{
	struct deplog_merge *m = calloc(1, sizeof(*m));
	size_t k = end > first ? end - first : 0;
	int rc = SL_OK;

	*out = NULL;
	if (!m || !(m->src = calloc(k ? k : 1, sizeof(*m->src))) ||
	    !(m->heap = calloc(k ? k : 1, sizeof(*m->heap)))) {
		deplog_merge_close(m);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	for (size_t i = 0; i < k; i++) {
		struct source *s = &m->src[m->nsrc];

		s->fd = l->runs[first + i].fd;
		s->path = l->runs[first + i].path;
		s->left = l->runs[first + i].n;
		s->rank = i;
		if (!s->left)
			continue;
		if (!(s->buf = malloc(IOBUF_RECS * sizeof(*s->buf)))) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			break;
		}
		m->nsrc++;
		if ((rc = fill(s, err)))
			break;
		m->heap[m->nheap++] = m->nsrc - 1;
	}
	if (rc) {
		deplog_merge_close(m);
		return rc;
	}
	for (size_t i = m->nheap / 2; i-- > 0;)
		sift_down(m, i);
	*out = m;
	return SL_OK;
}

int deplog_next(struct deplog_merge *m, struct deprec *r, struct sl_errctx *err)
{
	struct source *s;
	int rc;

	if (!m->nheap)
		return 0;
	s = &m->src[m->heap[0]];
	*r = s->buf[s->pos++];
	if (s->pos == s->n) {
		if (s->left) {
			if ((rc = fill(s, err)))
				return rc;
		} else {
			m->heap[0] = m->heap[--m->nheap];
		}
	}
	sift_down(m, 0);
	return 1;
}
