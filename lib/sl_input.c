#include "sl_input.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>
#ifdef SL_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#define RAW_BLOCK (1u << 20)
#define OUT_BLOCK (1u << 20)
#define NSLOTS 8

struct slot {
	char *data;
	size_t len;
};

struct sl_input {
	char *path;
	int fd;
	int is_gzip;
	int use_isal;
	uint64_t raw_bytes;
	XXH3_state_t *xxh;
	XXH128_hash_t digest;

	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t can_put, can_get;
	struct slot slots[NSLOTS];
	unsigned head, count; /* ring of filled slots */
	int done;             /* producer finished (eof or error) */
	int cancel;
	int taken;            /* consumer holds slot (head - 1) */
	struct sl_errctx perr; /* producer's error, reported after its data */
	int prc;

	unsigned char *raw;
	size_t raw_len, raw_pos;
	int raw_eof;
	z_stream zs;
	int zs_init;
#ifdef SL_HAVE_ISAL
	struct inflate_state *isal;
#endif
};

const char *sl_input_inflater(void)
{
#ifdef SL_HAVE_ISAL
	const char *e = getenv("SHIPLOG_INFLATE");

	if (!e || strcmp(e, "zlib"))
		return "isa-l";
#endif
	return "zlib";
}

static void hex128(XXH128_hash_t h, char hex[SL_DIGEST_HEX])
{
	static const char d[] = "0123456789abcdef";

	for (int i = 0; i < 16; i++) {
		uint64_t w = i < 8 ? h.high64 : h.low64;
		unsigned b = (unsigned)(w >> (56 - 8 * (i & 7))) & 0xff;

		hex[2 * i] = d[b >> 4];
		hex[2 * i + 1] = d[b & 15];
	}
	hex[32] = '\0';
}

int sl_input_open(struct sl_input **inp, const char *path, struct sl_errctx *err)
{
	struct sl_input *in = calloc(1, sizeof(*in));

	*inp = NULL;
	if (!in)
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	in->fd = -1;
	if (!(in->path = strdup(path)) || !(in->raw = malloc(RAW_BLOCK)) ||
	    !(in->xxh = XXH3_createState())) {
		sl_input_close(in);
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	}
	XXH3_128bits_reset(in->xxh);
	if (!strcmp(path, "-")) {
		in->fd = STDIN_FILENO;
	} else {
		struct stat st;

		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			int rc = sl_err_set(err, SL_EIO, path, 0, "cannot open: %s",
					    strerror(errno));

			sl_input_close(in);
			return rc;
		}
		if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			sl_input_close(in);
			return sl_err_set(err, SL_EINVAL, path, 0, "is a directory");
		}
	}
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->can_put, NULL);
	pthread_cond_init(&in->can_get, NULL);
	in->use_isal = !strcmp(sl_input_inflater(), "isa-l");
	*inp = in;
	return SL_OK;
}

/* ---- producer side ---- */

static int fill_raw(struct sl_input *in)
{
	ssize_t n;

	if (in->raw_pos < in->raw_len || in->raw_eof)
		return SL_OK;
	do
		n = read(in->fd, in->raw, RAW_BLOCK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sl_err_set(&in->perr, SL_EIO, in->path, 0, "read error: %s",
				  strerror(errno));
	in->raw_len = (size_t)n;
	in->raw_pos = 0;
	if (n == 0)
		in->raw_eof = 1;
	else
		XXH3_128bits_update(in->xxh, in->raw, (size_t)n);
	in->raw_bytes += (uint64_t)n;
	return SL_OK;
}

/* Waits for a free slot; returns NULL when cancelled. */
static struct slot *get_free_slot(struct sl_input *in)
{
	struct slot *s = NULL;

	pthread_mutex_lock(&in->mu);
	while (in->count + (unsigned)in->taken >= NSLOTS && !in->cancel)
		pthread_cond_wait(&in->can_put, &in->mu);
	if (!in->cancel)
		s = &in->slots[(in->head + in->count) % NSLOTS];
	pthread_mutex_unlock(&in->mu);
	return s;
}

static void put_slot(struct sl_input *in)
{
	pthread_mutex_lock(&in->mu);
	in->count++;
	pthread_cond_signal(&in->can_get);
	pthread_mutex_unlock(&in->mu);
}

/* After the end of a gzip member: what follows must be another member or
 * nothing (zero padding, as some tape and network tools leave, is allowed). */
static int next_member(struct sl_input *in, int *more)
{
	for (;;) {
		int rc = fill_raw(in);

		if (rc)
			return rc;
		if (in->raw_pos == in->raw_len) {
			*more = 0;
			return SL_OK;
		}
		if (in->raw[in->raw_pos] == 0x1f) {
			*more = 1;
			return SL_OK;
		}
		if (in->raw[in->raw_pos] != 0)
			return sl_err_set(&in->perr, SL_EFORMAT, in->path, 0,
					  "trailing garbage after gzip data (byte offset %llu)",
					  (unsigned long long)(in->raw_bytes - in->raw_len +
							       in->raw_pos));
		in->raw_pos++;
	}
}

static int produce_plain(struct sl_input *in)
{
	for (;;) {
		struct slot *s;
		size_t n;
		int rc = fill_raw(in);

		if (rc)
			return rc;
		if (in->raw_eof)
			return SL_OK;
		if (!(s = get_free_slot(in)))
			return SL_OK;
		n = in->raw_len - in->raw_pos;
		memcpy(s->data, in->raw + in->raw_pos, n);
		s->len = n;
		in->raw_pos = in->raw_len;
		put_slot(in);
	}
}

static int produce_zlib(struct sl_input *in)
{
	struct slot *s = NULL;
	int rc;

	if (inflateInit2(&in->zs, 15 + 16) != Z_OK)
		return sl_err_set(&in->perr, SL_ENOMEM, in->path, 0, NULL);
	in->zs_init = 1;
	for (;;) {
		int zr, more;

		if (!s) {
			if (!(s = get_free_slot(in)))
				return SL_OK;
			s->len = 0;
		}
		if ((rc = fill_raw(in)))
			return rc;
		in->zs.next_in = in->raw + in->raw_pos;
		in->zs.avail_in = (uInt)(in->raw_len - in->raw_pos);
		in->zs.next_out = (Bytef *)s->data + s->len;
		in->zs.avail_out = (uInt)(OUT_BLOCK - s->len);
		zr = inflate(&in->zs, Z_NO_FLUSH);
		in->raw_pos = in->raw_len - in->zs.avail_in;
		/* at the end of the input, inflate may still flush what it holds;
		 * only when it can make no progress is the stream cut short */
		if (in->raw_eof && zr == Z_BUF_ERROR && s->len == OUT_BLOCK - in->zs.avail_out)
			return sl_err_set(&in->perr, SL_ETRUNC, in->path, 0,
					  "truncated gzip stream (after %llu input bytes)",
					  (unsigned long long)in->raw_bytes);
		s->len = OUT_BLOCK - in->zs.avail_out;
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return sl_err_set(&in->perr, SL_EFORMAT, in->path, 0,
					  "corrupt gzip data: %s",
					  in->zs.msg ? in->zs.msg : "inflate error");
		if (zr == Z_STREAM_END) {
			if ((rc = next_member(in, &more)))
				return rc;
			if (!more) {
				if (s->len)
					put_slot(in);
				return SL_OK;
			}
			inflateReset(&in->zs);
		}
		if (s->len == OUT_BLOCK) {
			put_slot(in);
			s = NULL;
		}
	}
}

#ifdef SL_HAVE_ISAL
static int produce_isal(struct sl_input *in)
{
	struct slot *s = NULL;
	int rc;

	in->isal = malloc(sizeof(*in->isal));
	if (!in->isal)
		return sl_err_set(&in->perr, SL_ENOMEM, in->path, 0, NULL);
	isal_inflate_init(in->isal);
	in->isal->crc_flag = ISAL_GZIP;
	for (;;) {
		int ir, more;
		struct inflate_state *st = in->isal;

		if (!s) {
			if (!(s = get_free_slot(in)))
				return SL_OK;
			s->len = 0;
		}
		if ((rc = fill_raw(in)))
			return rc;
		st->next_in = in->raw + in->raw_pos;
		st->avail_in = (uint32_t)(in->raw_len - in->raw_pos);
		if (in->raw_eof && st->avail_in == 0 && st->block_state != ISAL_BLOCK_FINISH)
			return sl_err_set(&in->perr, SL_ETRUNC, in->path, 0,
					  "truncated gzip stream (after %llu input bytes)",
					  (unsigned long long)in->raw_bytes);
		st->next_out = (uint8_t *)s->data + s->len;
		st->avail_out = (uint32_t)(OUT_BLOCK - s->len);
		{
			uint32_t before_in = st->avail_in, before_out = st->avail_out;

			ir = isal_inflate(st);
			in->raw_pos = in->raw_len - st->avail_in;
			s->len = OUT_BLOCK - st->avail_out;
			if (ir < 0)
				return sl_err_set(&in->perr, ir == ISAL_INCORRECT_CHECKSUM ?
							       SL_ECHECKSUM : SL_EFORMAT,
						  in->path, 0, "corrupt gzip data (%s)",
						  ir == ISAL_INCORRECT_CHECKSUM ?
							  "CRC mismatch" : "invalid deflate stream");
			if (st->block_state == ISAL_BLOCK_FINISH) {
				if ((rc = next_member(in, &more)))
					return rc;
				if (!more) {
					if (s->len)
						put_slot(in);
					return SL_OK;
				}
				isal_inflate_reset(st);
				st->crc_flag = ISAL_GZIP;
			} else if (in->raw_eof && before_in == st->avail_in &&
				   before_out == st->avail_out) {
				return sl_err_set(&in->perr, SL_ETRUNC, in->path, 0,
						  "truncated gzip stream (after %llu input bytes)",
						  (unsigned long long)in->raw_bytes);
			}
		}
		if (s->len == OUT_BLOCK) {
			put_slot(in);
			s = NULL;
		}
	}
}
#endif

static void *producer(void *arg)
{
	struct sl_input *in = arg;
	int rc;

#ifdef SL_HAVE_ISAL
	rc = in->is_gzip ? (in->use_isal ? produce_isal(in) : produce_zlib(in))
			 : produce_plain(in);
#else
	rc = in->is_gzip ? produce_zlib(in) : produce_plain(in);
#endif
	if (rc == SL_OK && !in->cancel) {
		/* drain to the end so the digest covers the whole input */
		while (!in->raw_eof && !(rc = fill_raw(in)))
			in->raw_pos = in->raw_len;
		in->digest = XXH3_128bits_digest(in->xxh);
	}
	pthread_mutex_lock(&in->mu);
	in->prc = rc;
	in->done = 1;
	pthread_cond_signal(&in->can_get);
	pthread_mutex_unlock(&in->mu);
	return NULL;
}

static int start(struct sl_input *in, struct sl_errctx *err)
{
	int rc;

	for (int i = 0; i < NSLOTS; i++)
		if (!(in->slots[i].data = malloc(OUT_BLOCK)))
			return sl_err_set(err, SL_ENOMEM, in->path, 0, NULL);
	/* sniff the magic: the first raw block is read here, before the thread */
	if ((rc = fill_raw(in))) {
		*err = in->perr;
		return rc;
	}
	in->is_gzip = in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b;
	if (pthread_create(&in->thread, NULL, producer, in))
		return sl_err_set(err, SL_ENOMEM, in->path, 0, "cannot start reader thread");
	in->started = 1;
	return SL_OK;
}

ssize_t sl_input_read(struct sl_input *in, const char **data, struct sl_errctx *err)
{
	ssize_t n;
	int rc;

	if (!in->started && (rc = start(in, err)))
		return rc;
	pthread_mutex_lock(&in->mu);
	if (in->taken) {
		in->taken = 0;
		pthread_cond_signal(&in->can_put);
	}
	while (!in->count && !in->done)
		pthread_cond_wait(&in->can_get, &in->mu);
	if (in->count) {
		struct slot *s = &in->slots[in->head];

		*data = s->data;
		n = (ssize_t)s->len;
		in->head = (in->head + 1) % NSLOTS;
		in->count--;
		in->taken = 1;
	} else {
		n = in->prc;
		if (n)
			*err = in->perr;
	}
	pthread_mutex_unlock(&in->mu);
	return n;
}

void sl_input_close(struct sl_input *in)
{
	if (!in)
		return;
	if (in->started) {
		pthread_mutex_lock(&in->mu);
		in->cancel = 1;
		pthread_cond_broadcast(&in->can_put);
		pthread_mutex_unlock(&in->mu);
		pthread_join(in->thread, NULL);
		pthread_mutex_destroy(&in->mu);
		pthread_cond_destroy(&in->can_put);
		pthread_cond_destroy(&in->can_get);
	}
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	if (in->zs_init)
		inflateEnd(&in->zs);
#ifdef SL_HAVE_ISAL
	free(in->isal);
#endif
	for (int i = 0; i < NSLOTS; i++)
		free(in->slots[i].data);
	XXH3_freeState(in->xxh);
	free(in->raw);
	free(in->path);
	free(in);
}

int sl_input_is_gzip(const struct sl_input *in) { return in->is_gzip; }
uint64_t sl_input_raw_bytes(const struct sl_input *in) { return in->raw_bytes; }

void sl_input_digest(const struct sl_input *in, char hex[SL_DIGEST_HEX])
{
	hex128(in->digest, hex);
}

int sl_input_digest_file(const char *path, char hex[SL_DIGEST_HEX], uint64_t *size,
			 struct sl_errctx *err)
{
	struct stat st;
	XXH3_state_t *x;
	unsigned char *buf;
	int fd, rc = SL_OK;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sl_err_set(err, SL_EIO, path, 0, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return SL_EINVAL;
	}
	x = XXH3_createState();
	buf = malloc(RAW_BLOCK);
	if (!x || !buf) {
		rc = sl_err_set(err, SL_ENOMEM, path, 0, NULL);
		goto out;
	}
	XXH3_128bits_reset(x);
	*size = 0;
	while ((n = read(fd, buf, RAW_BLOCK)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = sl_err_set(err, SL_EIO, path, 0, "read error: %s", strerror(errno));
			goto out;
		}
		XXH3_128bits_update(x, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	hex128(XXH3_128bits_digest(x), hex);
out:
	free(buf);
	XXH3_freeState(x);
	close(fd);
	return rc;
}
