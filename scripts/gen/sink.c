/* sink.c - output files fed in chunks to a pool of worker threads.
 *
 * The generating thread fills a chunk per file; a full chunk goes to a
 * queue, a worker deflates it (raw deflate ended by a sync flush, as pigz
 * does, so the chunks concatenate into ONE gzip member), and whichever
 * worker completes the next chunk in sequence writes it.  Chunk boundaries
 * depend only on the bytes generated, and each chunk is compressed on its
 * own, so the output is byte-identical whatever the thread timing.  On two
 * cores generation and deflate overlap; deflate is the larger half. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gen.h"

#define CHUNK (2u * 1024 * 1024)
#define CHUNK_CAP (CHUNK + GEN_ROW_MAX)

struct job {
	struct job *next;
	struct gen_sink *sink;
	uint64_t seq;
	int last;   /* the final chunk: finishes the deflate stream */
	char *in;
	size_t inlen;
	char *out;  /* compressed bytes (gzip) or == in (plain) */
	size_t outlen;
	size_t outcap;
	uint32_t crc;
};

struct gen_sink {
	struct gen_pool *pool;
	int fd;
	int err;            /* first errno of a failed write */
	struct job *cur;    /* being filled by the producer */
	uint64_t next_seq;  /* given to the next submitted chunk */
	uint64_t next_write;
	struct job *done;   /* compressed, waiting for their turn, by seq */
	uint32_t crc;
	uint64_t isize;
	uint64_t bytes;     /* written to the file */
	pthread_mutex_t mu;
	pthread_cond_t cv;  /* next_write advanced */
};

struct gen_pool {
	int level;
	int nthreads;
	pthread_t *threads;
	pthread_mutex_t mu;
	pthread_cond_t work;  /* queue not empty, or stopping */
	pthread_cond_t freed; /* a job returned to the free list */
	struct job *queue, *queue_tail;
	struct job *free;
	int njobs, max_jobs;
	int stop;
	int failed;
};

static void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->out != j->in)
		free(j->out);
	free(j->in);
	free(j);
}

static struct job *job_new(int level)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->in = malloc(CHUNK_CAP);
	if (level >= 0) {
		/* Bound for raw deflate of CHUNK_CAP bytes plus the sync flush
		 * marker: stored blocks cost 5 bytes per 16 KiB at worst. */
		j->outcap = CHUNK_CAP + CHUNK_CAP / 1000 + 1024;
		j->out = malloc(j->outcap);
	} else {
		j->out = j->in;
	}
	if (!j->in || !j->out) {
		job_free(j);
		return NULL;
	}
	return j;
}

/* Blocks until a job is free or may be allocated.  Aborts when memory runs
 * out: there is no sensible way to go on. */
static struct job *pool_get_job(struct gen_pool *pool)
{
	struct job *j;

	pthread_mutex_lock(&pool->mu);
	while (!pool->free && pool->njobs >= pool->max_jobs)
		pthread_cond_wait(&pool->freed, &pool->mu);
	j = pool->free;
	if (j)
		pool->free = j->next;
	else
		pool->njobs++;
	pthread_mutex_unlock(&pool->mu);
	if (!j)
		j = job_new(pool->level);
	if (!j) {
		fprintf(stderr, GEN_PROG ": error: out of memory\n");
		exit(1);
	}
	j->next = NULL;
	j->inlen = 0;
	j->last = 0;
	return j;
}

static void pool_put_job(struct gen_pool *pool, struct job *j)
{
	pthread_mutex_lock(&pool->mu);
	j->next = pool->free;
	pool->free = j;
	pthread_cond_signal(&pool->freed);
	pthread_mutex_unlock(&pool->mu);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void compress_job(z_stream *zs, struct job *j)
{
	int rc;

	j->crc = (uint32_t)crc32_z(0, (const Bytef *)j->in, j->inlen);
	deflateReset(zs);
	zs->next_in = (Bytef *)j->in;
	zs->avail_in = (uInt)j->inlen;
	zs->next_out = (Bytef *)j->out;
	zs->avail_out = (uInt)j->outcap;
	rc = deflate(zs, j->last ? Z_FINISH : Z_SYNC_FLUSH);
	if (rc != (j->last ? Z_STREAM_END : Z_OK) || zs->avail_in) {
		fprintf(stderr, GEN_PROG ": error: deflate failed (%d)\n", rc);
		abort(); /* the output bound above is wrong: a bug */
	}
	j->outlen = j->outcap - zs->avail_out;
}

/* Inserts j into the sink's waiting list, then writes every chunk whose
 * turn has come, returning their jobs to the pool. */
static void sink_deliver(struct gen_sink *s, struct job *j)
{
	struct job **pp;

	pthread_mutex_lock(&s->mu);
	for (pp = &s->done; *pp && (*pp)->seq < j->seq; pp = &(*pp)->next)
		;
	j->next = *pp;
	*pp = j;
	while (s->done && s->done->seq == s->next_write) {
		struct job *w = s->done;

		s->done = w->next;
		if (!s->err) {
			s->err = write_all(s->fd, w->out, w->outlen);
			s->bytes += w->outlen;
		}
		if (s->err) {
			pthread_mutex_lock(&s->pool->mu);
			s->pool->failed = 1;
			pthread_mutex_unlock(&s->pool->mu);
		}
		s->crc = (uint32_t)crc32_combine(s->crc, w->crc, (z_off_t)w->inlen);
		s->isize += w->inlen;
		s->next_write++;
		pool_put_job(s->pool, w);
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
}

static void *worker_main(void *arg)
{
	struct gen_pool *pool = arg;
	z_stream zs;
	int have_z = 0;

	memset(&zs, 0, sizeof(zs));
	if (pool->level >= 0) {
		if (deflateInit2(&zs, pool->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			fprintf(stderr, GEN_PROG ": error: cannot initialise zlib\n");
			exit(1);
		}
		have_z = 1;
	}
	for (;;) {
		struct job *j;

		pthread_mutex_lock(&pool->mu);
		while (!pool->queue && !pool->stop)
			pthread_cond_wait(&pool->work, &pool->mu);
		j = pool->queue;
		if (!j) {
			pthread_mutex_unlock(&pool->mu);
			break;
		}
		pool->queue = j->next;
		if (!pool->queue)
			pool->queue_tail = NULL;
		pthread_mutex_unlock(&pool->mu);
		if (have_z)
			compress_job(&zs, j);
		else
			j->outlen = j->inlen;
		sink_deliver(j->sink, j);
	}
	if (have_z)
		deflateEnd(&zs);
	return NULL;
}

struct gen_pool *gen_pool_new(int nthreads, int level)
{
	struct gen_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		return NULL;
	pool->level = level;
	pool->nthreads = nthreads < 1 ? 1 : nthreads;
	/* Enough chunks in flight to keep every worker busy while the
	 * producer fills the next; each open sink adds one (see open). */
	pool->max_jobs = 2 * pool->nthreads + 2;
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->work, NULL);
	pthread_cond_init(&pool->freed, NULL);
	pool->threads = calloc((size_t)pool->nthreads, sizeof(pthread_t));
	if (!pool->threads) {
		free(pool);
		return NULL;
	}
	for (int i = 0; i < pool->nthreads; i++) {
		if (pthread_create(&pool->threads[i], NULL, worker_main, pool)) {
			fprintf(stderr, GEN_PROG ": error: cannot start a thread\n");
			exit(1);
		}
	}
	return pool;
}

void gen_pool_free(struct gen_pool *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->mu);
	pool->stop = 1;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->mu);
	for (int i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	while (pool->free) {
		struct job *j = pool->free;

		pool->free = j->next;
		job_free(j);
	}
	pthread_mutex_destroy(&pool->mu);
	pthread_cond_destroy(&pool->work);
	pthread_cond_destroy(&pool->freed);
	free(pool->threads);
	free(pool);
}

int gen_pool_failed(struct gen_pool *pool)
{
	int f;

	pthread_mutex_lock(&pool->mu);
	f = pool->failed;
	pthread_mutex_unlock(&pool->mu);
	return f;
}

static void sink_submit(struct gen_sink *s, int last)
{
	struct gen_pool *pool = s->pool;
	struct job *j = s->cur;

	j->sink = s;
	j->seq = s->next_seq++;
	j->last = last;
	j->next = NULL;
	pthread_mutex_lock(&pool->mu);
	if (pool->queue_tail)
		pool->queue_tail->next = j;
	else
		pool->queue = j;
	pool->queue_tail = j;
	pthread_cond_signal(&pool->work);
	pthread_mutex_unlock(&pool->mu);
	s->cur = last ? NULL : pool_get_job(pool);
}

/* gzip header: no name, mtime 0 (so the bytes do not depend on the
 * clock), OS unix. */
static const unsigned char gzip_magic[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

struct gen_sink *gen_sink_open(struct gen_pool *pool, const char *path)
{
	struct gen_sink *s = calloc(1, sizeof(*s));
	int e;

	if (!s)
		return NULL;
	s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s->fd < 0) {
		e = errno;
		free(s);
		errno = e;
		return NULL;
	}
	s->pool = pool;
	s->crc = (uint32_t)crc32_z(0, NULL, 0);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pool->level >= 0) {
		s->err = write_all(s->fd, (const char *)gzip_magic, sizeof(gzip_magic));
		s->bytes = sizeof(gzip_magic);
	}
	pthread_mutex_lock(&pool->mu);
	pool->max_jobs++;
	pthread_mutex_unlock(&pool->mu);
	s->cur = pool_get_job(pool);
	return s;
}

char *gen_sink_reserve(struct gen_sink *s, size_t n)
{
	if (s->cur->inlen + n > CHUNK_CAP)
		sink_submit(s, 0);
	return s->cur->in + s->cur->inlen;
}

void gen_sink_advance(struct gen_sink *s, size_t n)
{
	s->cur->inlen += n;
	if (s->cur->inlen >= CHUNK)
		sink_submit(s, 0);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int gen_sink_close(struct gen_sink *s, uint64_t *bytes)
{
	struct gen_pool *pool;
	int err;

	if (!s)
		return 0;
	pool = s->pool;
	sink_submit(s, 1);
	pthread_mutex_lock(&s->mu);
	while (s->next_write < s->next_seq)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	if (!s->err && pool->level >= 0) {
		unsigned char trailer[8];

		put_le32(trailer, s->crc);
		put_le32(trailer + 4, (uint32_t)s->isize);
		s->err = write_all(s->fd, (const char *)trailer, sizeof(trailer));
		s->bytes += sizeof(trailer);
	}
	if (close(s->fd) && !s->err)
		s->err = errno;
	err = s->err;
	if (bytes)
		*bytes = s->bytes;
	pthread_mutex_lock(&pool->mu);
	pool->max_jobs--;
	pthread_mutex_unlock(&pool->mu);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
	return err;
}
