#include "sl_colfile.h"
#include "sl_mpcheck.h"
#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_value.h"

#include <errno.h>
#include <fcntl.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the store format is little-endian; add byte swapping for this target"
#endif

#define MAGIC "shiplog-columnar"
#define TRAILER_LEN 20 /* fixarray(3): uint64 + uint32 + uint32, fixed widths */
#define OUTBUF (1u << 20)

struct chunk_ref {
	uint64_t off, len;
	uint32_t crc;
};

struct group_ref {
	size_t rows;
	int has_time;
	int64_t tmin, tmax; /* range of the kind's day-key column */
	struct chunk_ref *chunks; /* ncols */
};

/* ---- writer ---- */

struct sl_cfw {
	int fd;
	char *path;
	enum sl_kind kind;
	int64_t day;
	int ncols;
	uint64_t pos, rows;
	uint32_t file_crc, header_crc;
	char *out;
	size_t outlen;
	struct group_ref *groups;
	size_t ngroups, groups_cap;
	int64_t tmin, tmax;
	int has_time;
	int nosync;
	int unstarted; /* bytes written since the last start_writeback() */
	/* sl_cfw_seal(): footer and trailer are written from seal_off on, and
	 * the file's CRC before them was seal_crc */
	int sealed;
	uint64_t seal_off;
	uint32_t seal_crc;
	msgpack_sbuffer sb;
	uint32_t *remap;   /* STR code -> output code, per chunk */
	uint32_t *order;   /* output code -> input code */
	size_t remap_cap;
};

static int cfw_flush(struct sl_cfw *w, struct sl_errctx *err)
{
	if (!w->outlen)
		return SL_OK;
	if (sl_write_all(w->fd, w->out, w->outlen))
		return sl_err_set(err, SL_EIO, w->path, 0, "cannot write: %s",
				  strerror(errno));
	w->outlen = 0;
	w->unstarted = 1;
	return SL_OK;
}

/* Appends bytes to the file; every byte goes through here so that the
 * running CRC covers the whole file. */
static int cfw_emit(struct sl_cfw *w, const void *p, size_t n, struct sl_errctx *err)
{
	w->file_crc = sl_crc32(w->file_crc, p, n);
	w->pos += n;
	if (!w->out && !(w->out = malloc(OUTBUF)))
		return sl_err_set(err, SL_ENOMEM, w->path, 0, NULL);
	if (n >= OUTBUF) {
		int rc = cfw_flush(w, err);

		if (rc)
			return rc;
		if (sl_write_all(w->fd, p, n))
			return sl_err_set(err, SL_EIO, w->path, 0, "cannot write: %s",
					  strerror(errno));
		w->unstarted = 1;
		return SL_OK;
	}
	if (w->outlen + n > OUTBUF) {
		int rc = cfw_flush(w, err);

		if (rc)
			return rc;
	}
	memcpy(w->out + w->outlen, p, n);
	w->outlen += n;
	return SL_OK;
}

/* Takes back the footer and trailer of a sealed file before more row
 * groups are written: dropped from the buffer if they are all still there,
 * else the file is cut where they began. */
static int cfw_unseal(struct sl_cfw *w, struct sl_errctx *err)
{
	uint64_t tail = w->pos - w->seal_off;
	int rc;

	if (!w->sealed)
		return SL_OK;
	if (w->outlen >= tail) {
		w->outlen -= (size_t)tail;
	} else {
		if ((rc = cfw_flush(w, err)))
			return rc;
		if (ftruncate(w->fd, (off_t)w->seal_off) ||
		    lseek(w->fd, (off_t)w->seal_off, SEEK_SET) < 0)
			return sl_err_set(err, SL_EIO, w->path, 0, "cannot truncate: %s",
					  strerror(errno));
	}
	w->pos = w->seal_off;
	w->file_crc = w->seal_crc;
	w->sealed = 0;
	return SL_OK;
}

static void pack_cstr(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);

	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

int sl_cfw_open(struct sl_cfw **wp, const char *path, enum sl_kind kind, int64_t day,
		struct sl_errctx *err)
{
	const struct sl_kind_def *k = sl_kind_def(kind);
	struct sl_cfw *w;
	msgpack_packer pk;
	char dbuf[32];
	int rc;

	*wp = NULL;
	if (!k)
		return sl_err_set(err, SL_EINVAL, path, 0, "unknown record kind");
	w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path))) {
		free(w);
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	}
	w->kind = kind;
	w->day = day;
	w->ncols = k->ncols;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		rc = sl_err_set(err, SL_EIO, path, 0, "cannot create: %s", strerror(errno));
		free(w->path);
		free(w);
		return rc;
	}
	msgpack_sbuffer_init(&w->sb);
	msgpack_packer_init(&pk, &w->sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 5);
	pack_cstr(&pk, "magic");
	pack_cstr(&pk, MAGIC);
	pack_cstr(&pk, "format");
	msgpack_pack_int(&pk, SL_FORMAT_VERSION);
	pack_cstr(&pk, "kind");
	pack_cstr(&pk, k->name);
	pack_cstr(&pk, "day");
	if (day == SL_DAY_NONE) {
		msgpack_pack_nil(&pk);
	} else {
		sl_format_day(day, dbuf);
		pack_cstr(&pk, dbuf);
	}
	pack_cstr(&pk, "columns");
	msgpack_pack_array(&pk, (size_t)k->ncols);
	for (int c = 0; c < k->ncols; c++) {
		msgpack_pack_map(&pk, 2);
		pack_cstr(&pk, "name");
		pack_cstr(&pk, k->cols[c].name);
		pack_cstr(&pk, "type");
		pack_cstr(&pk, sl_type_name(k->cols[c].type));
	}
	w->header_crc = sl_crc32(0, w->sb.data, w->sb.size);
	rc = cfw_emit(w, w->sb.data, w->sb.size, err);
	msgpack_sbuffer_clear(&w->sb);
	if (rc) {
		sl_cfw_abort(w);
		return rc;
	}
	*wp = w;
	return SL_OK;
}

static int add_group(struct sl_cfw *w, size_t rows, struct chunk_ref **chunks)
{
	if (sl_grow(&w->groups, &w->groups_cap, w->ngroups + 1, sizeof(*w->groups)))
		return SL_ENOMEM;
	*chunks = calloc((size_t)w->ncols, sizeof(**chunks));
	if (!*chunks)
		return SL_ENOMEM;
	memset(&w->groups[w->ngroups], 0, sizeof(w->groups[0]));
	w->groups[w->ngroups].rows = rows;
	w->groups[w->ngroups].chunks = *chunks;
	w->ngroups++;
	w->rows += rows;
	return SL_OK;
}

static void widen_time(struct sl_cfw *w, const struct group_ref *gr)
{
	if (!gr->has_time)
		return;
	if (!w->has_time || gr->tmin < w->tmin)
		w->tmin = gr->tmin;
	if (!w->has_time || gr->tmax > w->tmax)
		w->tmax = gr->tmax;
	w->has_time = 1;
}

static void pack_time_or_nil(msgpack_packer *pk, int has, int64_t t)
{
	if (has)
		msgpack_pack_int64(pk, t);
	else
		msgpack_pack_nil(pk);
}

static int nulls_any(const uint8_t *nulls, size_t n)
{
	for (size_t i = 0; i < n / 8; i++)
		if (nulls[i])
			return 1;
	for (size_t r = n & ~(size_t)7; r < n; r++)
		if ((nulls[r >> 3] >> (r & 7)) & 1)
			return 1;
	return 0;
}

/* Rows of string codes packed per call (pack_str_chunk). */
#define CODE_BLOCK 1024

static int ensure_remap(struct sl_cfw *w, size_t n)
{
	if (n <= w->remap_cap)
		return SL_OK;
	free(w->remap);
	free(w->order);
	w->remap = malloc(n * sizeof(*w->remap));
	w->order = malloc(n * sizeof(*w->order));
	if (!w->remap || !w->order) {
		w->remap_cap = 0;
		return SL_ENOMEM;
	}
	w->remap_cap = n;
	return SL_OK;
}

/* Packs one string chunk: only the strings the rows use, in order of first
 * use, so the output does not depend on what the dictionary held before. */
static int pack_str_chunk(struct sl_cfw *w, msgpack_packer *pk, const struct sl_col *col,
			  size_t n)
{
	uint32_t nd = sl_dict_count(col->dict), used = 0, width;
	size_t sz;

	if (ensure_remap(w, nd ? nd : 1))
		return SL_ENOMEM;
	memset(w->remap, 0xff, nd * sizeof(*w->remap));
	for (size_t r = 0; r < n; r++) {
		uint32_t c;

		if ((col->nulls[r >> 3] >> (r & 7)) & 1)
			continue;
		c = col->v.code[r];
		if (w->remap[c] == UINT32_MAX) {
			w->remap[c] = used;
			w->order[used++] = c;
		}
	}
	width = used <= 256 ? 1 : used <= 65536 ? 2 : 4;
	pack_cstr(pk, "dict");
	msgpack_pack_array(pk, used);
	for (uint32_t i = 0; i < used; i++) {
		const char *s = sl_dict_get(col->dict, w->order[i], &sz);

		msgpack_pack_str(pk, sz);
		msgpack_pack_str_body(pk, s, sz);
	}
	pack_cstr(pk, "width");
	msgpack_pack_uint32(pk, width);
	pack_cstr(pk, "codes");
	msgpack_pack_bin(pk, n * width);
	/* little-endian codes, a block at a time */
	for (size_t r0 = 0; r0 < n; r0 += CODE_BLOCK) {
		unsigned char b[CODE_BLOCK * 4];
		size_t m = n - r0 < CODE_BLOCK ? n - r0 : CODE_BLOCK;

		for (size_t i = 0; i < m; i++) {
			size_t r = r0 + i;
			uint32_t c = ((col->nulls[r >> 3] >> (r & 7)) & 1) ? 0
									   : w->remap[col->v.code[r]];

			for (uint32_t k = 0; k < width; k++)
				b[i * width + k] = (unsigned char)(c >> (8 * k));
		}
		msgpack_pack_bin_body(pk, b, m * width);
	}
	return SL_OK;
}

static size_t value_size(enum sl_type t)
{
	return t == SL_BOOL ? 1 : 8;
}

int sl_cfw_write_batch(struct sl_cfw *w, const struct sl_batch *b, struct sl_errctx *err)
{
	const struct sl_kind_def *k = sl_kind_def(w->kind);
	struct chunk_ref *chunks;
	size_t n = b->n;
	int rc;

	if (!n)
		return SL_OK;
	if (b->kind != w->kind)
		return sl_err_set(err, SL_EINVAL, w->path, 0, "batch of another kind");
	if ((rc = cfw_unseal(w, err)))
		return rc;
	if (add_group(w, n, &chunks))
		return sl_err_set(err, SL_ENOMEM, w->path, 0, NULL);
	for (int c = 0; c < w->ncols; c++) {
		const struct sl_col *col = &b->cols[c];
		msgpack_packer pk;

		msgpack_sbuffer_clear(&w->sb);
		msgpack_packer_init(&pk, &w->sb, msgpack_sbuffer_write);
		msgpack_pack_map(&pk, col->type == SL_STR ? 7 : 5);
		pack_cstr(&pk, "col");
		pack_cstr(&pk, k->cols[c].name);
		pack_cstr(&pk, "type");
		pack_cstr(&pk, sl_type_name(col->type));
		pack_cstr(&pk, "rows");
		msgpack_pack_uint64(&pk, n);
		pack_cstr(&pk, "nulls");
		if (nulls_any(col->nulls, n)) {
			size_t nb = (n + 7) / 8;
			unsigned char last;

			msgpack_pack_bin(&pk, nb);
			msgpack_pack_bin_body(&pk, col->nulls, nb - 1);
			/* bits past the last row are written as 0 */
			last = col->nulls[nb - 1];
			if (n & 7)
				last &= (unsigned char)((1u << (n & 7)) - 1);
			msgpack_pack_bin_body(&pk, &last, 1);
		} else {
			msgpack_pack_nil(&pk);
		}
		if (col->type == SL_STR) {
			if (pack_str_chunk(w, &pk, col, n))
				return sl_err_set(err, SL_ENOMEM, w->path, 0, NULL);
		} else {
			pack_cstr(&pk, "data");
			msgpack_pack_bin(&pk, n * value_size(col->type));
			msgpack_pack_bin_body(&pk, col->v.p, n * value_size(col->type));
		}
		chunks[c].off = w->pos;
		chunks[c].len = w->sb.size;
		chunks[c].crc = sl_crc32(0, w->sb.data, w->sb.size);
		if ((rc = cfw_emit(w, w->sb.data, w->sb.size, err)))
			return rc;
		if (c == k->day_col) {
			struct group_ref *gr = &w->groups[w->ngroups - 1];

			for (size_t r = 0; r < n; r++) {
				int64_t t;

				if ((col->nulls[r >> 3] >> (r & 7)) & 1)
					continue;
				t = col->v.i64[r];
				if (!gr->has_time || t < gr->tmin)
					gr->tmin = t;
				if (!gr->has_time || t > gr->tmax)
					gr->tmax = t;
				gr->has_time = 1;
			}
			widen_time(w, gr);
		}
	}
	return SL_OK;
}

uint64_t sl_cfw_rows(const struct sl_cfw *w)
{
	return w->rows;
}

void sl_cfw_set_nosync(struct sl_cfw *w)
{
	w->nosync = 1;
}

/* A writer that leaves durability to a later sync of the whole store
 * starts the write-out of what it wrote now, so the disk works while the
 * run goes on and the final sync has little left to wait for.  Only a
 * hint: errors show at that sync. */
static void start_writeback(struct sl_cfw *w)
{
	if (w->nosync && w->unstarted)
		(void)sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	w->unstarted = 0;
}

int sl_cfw_idle(struct sl_cfw *w, struct sl_errctx *err)
{
	int rc = cfw_flush(w, err);

	if (!rc)
		start_writeback(w);

	free(w->out);
	w->out = NULL;
	free(w->remap);
	free(w->order);
	w->remap = w->order = NULL;
	w->remap_cap = 0;
	msgpack_sbuffer_destroy(&w->sb);
	msgpack_sbuffer_init(&w->sb);
	return rc;
}

static void free_groups(struct group_ref *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(g[i].chunks);
	free(g);
}

static void cfw_free(struct sl_cfw *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	msgpack_sbuffer_destroy(&w->sb);
	free_groups(w->groups, w->ngroups);
	free(w->remap);
	free(w->order);
	free(w->out);
	free(w->path);
	free(w);
}

int sl_cfw_seal(struct sl_cfw *w, struct sl_errctx *err)
{
	msgpack_packer pk;
	unsigned char t[TRAILER_LEN];
	uint64_t footer_off = w->pos;
	uint32_t footer_crc, file_crc;
	int rc;

	if (w->sealed)
		return SL_OK;
	w->seal_off = w->pos;
	w->seal_crc = w->file_crc;
	msgpack_sbuffer_clear(&w->sb);
	msgpack_packer_init(&pk, &w->sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 5);
	pack_cstr(&pk, "rows");
	msgpack_pack_uint64(&pk, w->rows);
	pack_cstr(&pk, "header_crc");
	msgpack_pack_uint32(&pk, w->header_crc);
	pack_cstr(&pk, "min_time");
	pack_time_or_nil(&pk, w->has_time, w->tmin);
	pack_cstr(&pk, "max_time");
	pack_time_or_nil(&pk, w->has_time, w->tmax);
	pack_cstr(&pk, "groups");
	msgpack_pack_array(&pk, w->ngroups);
	for (size_t g = 0; g < w->ngroups; g++) {
		msgpack_pack_map(&pk, 4);
		pack_cstr(&pk, "rows");
		msgpack_pack_uint64(&pk, w->groups[g].rows);
		pack_cstr(&pk, "min_time");
		pack_time_or_nil(&pk, w->groups[g].has_time, w->groups[g].tmin);
		pack_cstr(&pk, "max_time");
		pack_time_or_nil(&pk, w->groups[g].has_time, w->groups[g].tmax);
		pack_cstr(&pk, "chunks");
		msgpack_pack_array(&pk, (size_t)w->ncols);
		for (int c = 0; c < w->ncols; c++) {
			msgpack_pack_array(&pk, 3);
			msgpack_pack_uint64(&pk, w->groups[g].chunks[c].off);
			msgpack_pack_uint64(&pk, w->groups[g].chunks[c].len);
			msgpack_pack_uint32(&pk, w->groups[g].chunks[c].crc);
		}
	}
	footer_crc = sl_crc32(0, w->sb.data, w->sb.size);
	if ((rc = cfw_emit(w, w->sb.data, w->sb.size, err)))
		return rc;
	file_crc = w->file_crc;
	t[0] = 0x93;
	t[1] = 0xcf;
	for (int i = 0; i < 8; i++)
		t[2 + i] = (unsigned char)(footer_off >> (56 - 8 * i));
	t[10] = 0xce;
	for (int i = 0; i < 4; i++)
		t[11 + i] = (unsigned char)(footer_crc >> (24 - 8 * i));
	t[15] = 0xce;
	for (int i = 0; i < 4; i++)
		t[16 + i] = (unsigned char)(file_crc >> (24 - 8 * i));
	if ((rc = cfw_emit(w, t, sizeof(t), err)))
		return rc;
	w->sealed = 1;
	return SL_OK;
}

int sl_cfw_finish(struct sl_cfw *w, struct sl_errctx *err)
{
	int rc;

	if ((rc = sl_cfw_seal(w, err)) || (rc = cfw_flush(w, err)))
		goto out;
	start_writeback(w);
	if (!w->nosync && fsync(w->fd)) {
		rc = sl_err_set(err, SL_EIO, w->path, 0, "cannot sync: %s", strerror(errno));
		goto out;
	}
	if (close(w->fd)) {
		w->fd = -1;
		rc = sl_err_set(err, SL_EIO, w->path, 0, "cannot close: %s", strerror(errno));
		goto out;
	}
	w->fd = -1;
out:
	cfw_free(w);
	return rc;
}

void sl_cfw_abort(struct sl_cfw *w)
{
	if (!w)
		return;
	unlink(w->path);
	cfw_free(w);
}

/* ---- reader ---- */

#ifdef SL_TEST_HOOKS
/* The fuzz harness turns the checksums of reading off, so that it reaches
 * the structure checks behind them: a checksum is no defence against a
 * crafted file, those checks are.  Only the test build's library (the
 * Makefile's SL_TEST_HOOKS) has the switch. */
static int skip_crc;

void sl_cfr_fuzz_skip_crc(int on)
{
	skip_crc = on;
}

static int crc_ok(uint32_t got, uint32_t want)
{
	return got == want || skip_crc;
}
#else
static int crc_ok(uint32_t got, uint32_t want)
{
	return got == want;
}
#endif

struct sl_cfr {
	char *path;
	const unsigned char *map;
	size_t size;
	enum sl_kind kind;
	int64_t day;
	uint64_t rows;
	int ncols;
	char **col_names;
	enum sl_type *col_types;
	int *schema_of; /* file column -> schema column of kind, or -1 */
	int same_schema;
	struct group_ref *groups;
	size_t ngroups;
	int64_t tmin, tmax;
	int has_time;
	uint64_t footer_off;
	uint32_t file_crc;
};

static const msgpack_object *map_get(const msgpack_object *m, const char *key)
{
	size_t kl = strlen(key);

	if (m->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < m->via.map.size; i++) {
		const msgpack_object *k = &m->via.map.ptr[i].key;

		if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == kl &&
		    !memcmp(k->via.str.ptr, key, kl))
			return &m->via.map.ptr[i].val;
	}
	return NULL;
}

static int obj_u64(const msgpack_object *o, uint64_t *v)
{
	if (!o || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return -1;
	*v = o->via.u64;
	return 0;
}

static int obj_i64(const msgpack_object *o, int64_t *v)
{
	if (!o)
		return -1;
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX)
		*v = (int64_t)o->via.u64;
	else if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		*v = o->via.i64;
	else
		return -1;
	return 0;
}

static int obj_streq(const msgpack_object *o, const char *s)
{
	return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(s) &&
	       !memcmp(o->via.str.ptr, s, o->via.str.size);
}

static char *obj_strdup(const msgpack_object *o)
{
	char *s;

	if (!o || o->type != MSGPACK_OBJECT_STR)
		return NULL;
	s = malloc(o->via.str.size + 1);
	if (s) {
		memcpy(s, o->via.str.ptr, o->via.str.size);
		s[o->via.str.size] = '\0';
	}
	return s;
}

static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

#define BAD(...) sl_err_set(err, SL_EFORMAT, path, 0, __VA_ARGS__)

static int parse_header(struct sl_cfr *r, const char *path, struct sl_errctx *err)
{
	msgpack_unpacked u;
	size_t off = 0;
	const msgpack_object *h, *o, *cols;
	uint64_t ver = 0;
	int rc = SL_OK;

	msgpack_unpacked_init(&u);
	if (!sl_mp_check(r->map, r->footer_off) ||
	    msgpack_unpack_next(&u, (const char *)r->map, r->footer_off, &off) !=
		    MSGPACK_UNPACK_SUCCESS) {
		rc = BAD("unreadable header");
		goto out;
	}
	h = &u.data;
	if (!obj_streq(map_get(h, "magic"), MAGIC)) {
		rc = BAD("not a shiplog store file");
		goto out;
	}
	if (obj_u64(map_get(h, "format"), &ver) || ver != SL_FORMAT_VERSION) {
		rc = sl_err_set(err, SL_EVERSION, path, 0,
				"store format version %llu is not supported (this is %d)",
				(unsigned long long)ver, SL_FORMAT_VERSION);
		goto out;
	}
	o = map_get(h, "kind");
	if (!o || o->type != MSGPACK_OBJECT_STR) {
		rc = BAD("header has no kind");
		goto out;
	}
	{
		char *kn = obj_strdup(o);

		r->kind = kn ? sl_kind_from_name(kn) : SL_KIND_NONE;
		free(kn);
	}
	if (r->kind == SL_KIND_NONE) {
		rc = BAD("unknown record kind in header");
		goto out;
	}
	o = map_get(h, "day");
	r->day = SL_DAY_NONE;
	if (o && o->type == MSGPACK_OBJECT_STR &&
	    sl_parse_day(o->via.str.ptr, o->via.str.size, &r->day)) {
		rc = BAD("bad day in header");
		goto out;
	}
	cols = map_get(h, "columns");
	if (!cols || cols->type != MSGPACK_OBJECT_ARRAY || cols->via.array.size == 0 ||
	    cols->via.array.size > 4096) {
		rc = BAD("bad column list in header");
		goto out;
	}
	r->ncols = (int)cols->via.array.size;
	r->col_names = calloc((size_t)r->ncols, sizeof(char *));
	r->col_types = calloc((size_t)r->ncols, sizeof(enum sl_type));
	r->schema_of = calloc((size_t)r->ncols, sizeof(int));
	if (!r->col_names || !r->col_types || !r->schema_of) {
		rc = sl_err_set(err, SL_ENOMEM, path, 0, NULL);
		goto out;
	}
	r->same_schema = r->ncols == sl_kind_def(r->kind)->ncols;
	for (int c = 0; c < r->ncols; c++) {
		const msgpack_object *col = &cols->via.array.ptr[c];
		char *tn = obj_strdup(map_get(col, "type"));
		int t = tn ? sl_type_from_name(tn) : -1;

		free(tn);
		r->col_names[c] = obj_strdup(map_get(col, "name"));
		if (!r->col_names[c] || t < 0) {
			rc = BAD("bad column %d in header", c);
			goto out;
		}
		r->col_types[c] = (enum sl_type)t;
		r->schema_of[c] = sl_kind_col(r->kind, r->col_names[c]);
		if (r->schema_of[c] >= 0 &&
		    sl_kind_def(r->kind)->cols[r->schema_of[c]].type != r->col_types[c])
			r->schema_of[c] = -1; /* a type change: treat as unknown */
		if (r->schema_of[c] != c)
			r->same_schema = 0;
	}
out:
	msgpack_unpacked_destroy(&u);
	return rc;
}

static int parse_footer(struct sl_cfr *r, const char *path, struct sl_errctx *err)
{
	msgpack_unpacked u;
	size_t off = 0, len = r->size - TRAILER_LEN - r->footer_off;
	const msgpack_object *f, *groups;
	uint64_t hcrc;
	int rc = SL_OK;

	msgpack_unpacked_init(&u);
	if (sl_mp_check(r->map + r->footer_off, len) != len ||
	    msgpack_unpack_next(&u, (const char *)r->map + r->footer_off, len, &off) !=
		    MSGPACK_UNPACK_SUCCESS ||
	    off != len) {
		rc = BAD("unreadable footer");
		goto out;
	}
	f = &u.data;
	groups = map_get(f, "groups");
	if (obj_u64(map_get(f, "rows"), &r->rows) || !groups ||
	    groups->type != MSGPACK_OBJECT_ARRAY ||
	    obj_u64(map_get(f, "header_crc"), &hcrc)) {
		rc = BAD("bad footer");
		goto out;
	}
	r->has_time = !obj_i64(map_get(f, "min_time"), &r->tmin) &&
		      !obj_i64(map_get(f, "max_time"), &r->tmax);
	r->ngroups = groups->via.array.size;
	r->groups = calloc(r->ngroups ? r->ngroups : 1, sizeof(*r->groups));
	if (!r->groups) {
		rc = sl_err_set(err, SL_ENOMEM, path, 0, NULL);
		goto out;
	}
	{
		uint64_t total = 0, hdr_end = r->footer_off;

		for (size_t g = 0; g < r->ngroups; g++) {
			const msgpack_object *go = &groups->via.array.ptr[g];
			const msgpack_object *ch = map_get(go, "chunks");
			uint64_t rows;

			if (obj_u64(map_get(go, "rows"), &rows) || !ch ||
			    ch->type != MSGPACK_OBJECT_ARRAY || ch->via.array.size == 0 ||
			    ch->via.array.size > 4096 ||
			    (g && ch->via.array.size != (uint32_t)r->ncols)) {
				rc = BAD("bad row group %zu in footer", g);
				goto out;
			}
			if (!g)
				r->ncols = (int)ch->via.array.size; /* checked against the header */
			if (rows > (uint64_t)r->size * 8) {
				/* every row takes at least a bit of some chunk: never
				 * trust a count the bytes cannot hold */
				rc = BAD("row group %zu claims %llu rows", g, (unsigned long long)rows);
				goto out;
			}
			r->groups[g].rows = (size_t)rows;
			r->groups[g].has_time = !obj_i64(map_get(go, "min_time"), &r->groups[g].tmin) &&
						!obj_i64(map_get(go, "max_time"), &r->groups[g].tmax);
			total += rows;
			r->groups[g].chunks = calloc((size_t)r->ncols, sizeof(struct chunk_ref));
			if (!r->groups[g].chunks) {
				rc = sl_err_set(err, SL_ENOMEM, path, 0, NULL);
				goto out;
			}
			for (int c = 0; c < r->ncols; c++) {
				const msgpack_object *e = &ch->via.array.ptr[c];
				struct chunk_ref *cr = &r->groups[g].chunks[c];
				uint64_t crc;

				if (e->type != MSGPACK_OBJECT_ARRAY || e->via.array.size != 3 ||
				    obj_u64(&e->via.array.ptr[0], &cr->off) ||
				    obj_u64(&e->via.array.ptr[1], &cr->len) ||
				    obj_u64(&e->via.array.ptr[2], &crc) ||
				    cr->off > r->footer_off || cr->len > r->footer_off - cr->off) {
					rc = BAD("bad chunk index in group %zu", g);
					goto out;
				}
				cr->crc = (uint32_t)crc;
				if (cr->off < hdr_end)
					hdr_end = cr->off;
			}
		}
		if (total != r->rows) {
			rc = BAD("row counts in footer disagree");
			goto out;
		}
		/* the header is every byte before the first chunk */
		if (!crc_ok(sl_crc32(0, r->map, hdr_end), (uint32_t)hcrc)) {
			rc = sl_err_set(err, SL_ECHECKSUM, path, 0, "header checksum mismatch");
			goto out;
		}
	}
out:
	msgpack_unpacked_destroy(&u);
	return rc;
}

int sl_cfr_open(struct sl_cfr **rp, const char *path, struct sl_errctx *err)
{
	struct sl_cfr *r;
	struct stat st;
	int fd, rc;
	const unsigned char *t;
	uint32_t footer_crc;

	*rp = NULL;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path))) {
		free(r);
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = sl_err_set(err, SL_EIO, path, 0, "cannot open: %s", strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st)) {
		rc = sl_err_set(err, SL_EIO, path, 0, "cannot stat: %s", strerror(errno));
		close(fd);
		goto fail;
	}
	r->size = (size_t)st.st_size;
	if (r->size < TRAILER_LEN + 8) {
		close(fd);
		rc = BAD("file too short (%zu bytes) to be a store file", r->size);
		goto fail;
	}
	r->map = mmap(NULL, r->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		rc = sl_err_set(err, SL_EIO, path, 0, "cannot map: %s", strerror(errno));
		goto fail;
	}
	t = r->map + r->size - TRAILER_LEN;
	if (t[0] != 0x93 || t[1] != 0xcf || t[10] != 0xce || t[15] != 0xce) {
		rc = BAD("no trailer (truncated or not a store file)");
		goto fail;
	}
	r->footer_off = be(t + 2, 8);
	footer_crc = (uint32_t)be(t + 11, 4);
	r->file_crc = (uint32_t)be(t + 16, 4);
	if (r->footer_off >= r->size - TRAILER_LEN) {
		rc = BAD("footer offset out of range");
		goto fail;
	}
	if (!crc_ok(sl_crc32(0, r->map + r->footer_off, r->size - TRAILER_LEN - r->footer_off),
		    footer_crc)) {
		rc = sl_err_set(err, SL_ECHECKSUM, path, 0, "footer checksum mismatch");
		goto fail;
	}
	/* the footer first: its CRC is checked, and it covers the header's */
	if ((rc = parse_footer(r, path, err)))
		goto fail;
	{
		int ncols = r->ncols;

		if ((rc = parse_header(r, path, err)))
			goto fail;
		if (r->ngroups && ncols != r->ncols) {
			rc = BAD("footer and header disagree on the number of columns");
			goto fail;
		}
	}
	*rp = r;
	return SL_OK;
fail:
	sl_cfr_close(r);
	return rc;
}

void sl_cfr_close(struct sl_cfr *r)
{
	if (!r)
		return;
	if (r->map)
		munmap((void *)r->map, r->size);
	for (int c = 0; r->col_names && c < r->ncols; c++)
		free(r->col_names[c]);
	free(r->col_names);
	free(r->col_types);
	free(r->schema_of);
	free_groups(r->groups, r->ngroups);
	free(r->path);
	free(r);
}

int sl_cfr_verify(const struct sl_cfr *r, struct sl_errctx *err)
{
	if (sl_crc32(0, r->map, r->size - TRAILER_LEN) != r->file_crc)
		return sl_err_set(err, SL_ECHECKSUM, r->path, 0, "file checksum mismatch");
	return SL_OK;
}

const char *sl_cfr_path(const struct sl_cfr *r) { return r->path; }
enum sl_kind sl_cfr_kind(const struct sl_cfr *r) { return r->kind; }
int64_t sl_cfr_day(const struct sl_cfr *r) { return r->day; }
uint64_t sl_cfr_rows(const struct sl_cfr *r) { return r->rows; }
size_t sl_cfr_ngroups(const struct sl_cfr *r) { return r->ngroups; }
size_t sl_cfr_group_rows(const struct sl_cfr *r, size_t g) { return r->groups[g].rows; }
int sl_cfr_ncols(const struct sl_cfr *r) { return r->ncols; }
const char *sl_cfr_col_name(const struct sl_cfr *r, int c) { return r->col_names[c]; }
enum sl_type sl_cfr_col_type(const struct sl_cfr *r, int c) { return r->col_types[c]; }
int sl_cfr_same_schema(const struct sl_cfr *r) { return r->same_schema; }

int sl_cfr_group_time_range(const struct sl_cfr *r, size_t g, int64_t *min_ms,
			    int64_t *max_ms)
{
	*min_ms = r->groups[g].has_time ? r->groups[g].tmin : 0;
	*max_ms = r->groups[g].has_time ? r->groups[g].tmax : 0;
	return r->groups[g].has_time;
}

int sl_cfr_time_range(const struct sl_cfr *r, int64_t *min_ms, int64_t *max_ms)
{
	*min_ms = r->has_time ? r->tmin : 0;
	*max_ms = r->has_time ? r->tmax : 0;
	return r->has_time;
}

#undef BAD
#define BAD(...) sl_err_set(err, SL_EFORMAT, r->path, 0, __VA_ARGS__)

static int get_bin(const msgpack_object *o, size_t want, const unsigned char **p)
{
	if (!o || o->type != MSGPACK_OBJECT_BIN || o->via.bin.size != want)
		return -1;
	*p = (const unsigned char *)o->via.bin.ptr;
	return 0;
}

/* Decodes one chunk object into column sc of out, rows [base, base+n). */
static int read_chunk(const struct sl_cfr *r, const msgpack_object *ch, int fc, int sc,
		      size_t base, size_t n, struct sl_batch *out, struct sl_errctx *err)
{
	const msgpack_object *o;
	const unsigned char *nulls = NULL, *data;
	uint64_t rows;
	enum sl_type t = r->col_types[fc];

	if (obj_u64(map_get(ch, "rows"), &rows) || rows != n ||
	    !obj_streq(map_get(ch, "col"), r->col_names[fc]) ||
	    !obj_streq(map_get(ch, "type"), sl_type_name(t)))
		return BAD("chunk does not match its index (column '%s')", r->col_names[fc]);
	o = map_get(ch, "nulls");
	if (o && o->type != MSGPACK_OBJECT_NIL && get_bin(o, (n + 7) / 8, &nulls))
		return BAD("bad null bitmap in column '%s'", r->col_names[fc]);
	if (t == SL_STR) {
		const msgpack_object *dict = map_get(ch, "dict");
		uint64_t width;
		uint32_t *remap;

		if (!dict || dict->type != MSGPACK_OBJECT_ARRAY ||
		    obj_u64(map_get(ch, "width"), &width) ||
		    (width != 1 && width != 2 && width != 4) ||
		    get_bin(map_get(ch, "codes"), n * width, &data))
			return BAD("bad string chunk in column '%s'", r->col_names[fc]);
		remap = malloc((dict->via.array.size + 1) * sizeof(*remap));
		if (!remap)
			return sl_err_set(err, SL_ENOMEM, r->path, 0, NULL);
		for (uint32_t i = 0; i < dict->via.array.size; i++) {
			const msgpack_object *s = &dict->via.array.ptr[i];

			if (s->type != MSGPACK_OBJECT_STR ||
			    sl_dict_intern(out->cols[sc].dict, s->via.str.ptr, s->via.str.size,
					   &remap[i])) {
				free(remap);
				return BAD("bad dictionary in column '%s'", r->col_names[fc]);
			}
		}
		for (size_t i = 0; i < n; i++) {
			uint32_t code;

			if (nulls && (nulls[i >> 3] >> (i & 7)) & 1)
				continue;
			if (width == 1)
				code = data[i];
			else if (width == 2)
				code = (uint32_t)data[2 * i] | (uint32_t)data[2 * i + 1] << 8;
			else
				memcpy(&code, data + 4 * i, 4);
			if (code >= dict->via.array.size) {
				free(remap);
				return BAD("string code out of range in column '%s'",
					   r->col_names[fc]);
			}
			out->cols[sc].v.code[base + i] = remap[code];
			sl_batch_set_valid_(out, sc, base + i);
		}
		free(remap);
		return SL_OK;
	}
	if (get_bin(map_get(ch, "data"), n * value_size(t), &data))
		return BAD("bad data in column '%s'", r->col_names[fc]);
	memcpy((char *)out->cols[sc].v.p + base * value_size(t), data, n * value_size(t));
	for (size_t i = 0; i < n; i++) {
		if (nulls && (nulls[i >> 3] >> (i & 7)) & 1) {
			sl_batch_set_null(out, sc, base + i);
			continue;
		}
		if (t == SL_BOOL && data[i] > 1)
			return BAD("bad boolean in column '%s'", r->col_names[fc]);
		sl_batch_set_valid_(out, sc, base + i);
	}
	return SL_OK;
}

int sl_cfr_read_group(const struct sl_cfr *r, size_t g, const uint8_t *want,
		      struct sl_batch *out, struct sl_errctx *err)
{
	size_t n, base = out->n;
	msgpack_unpacked u;
	int rc = SL_OK;

	if (g >= r->ngroups || out->kind != r->kind)
		return sl_err_set(err, SL_EINVAL, r->path, 0, "bad row group request");
	n = r->groups[g].rows;
	if (sl_batch_add_rows(out, n))
		return sl_err_set(err, SL_ENOMEM, r->path, 0, NULL);
	msgpack_unpacked_init(&u);
	for (int fc = 0; fc < r->ncols; fc++) {
		const struct chunk_ref *cr = &r->groups[g].chunks[fc];
		int sc = r->schema_of[fc];
		size_t off = 0;

		if (sc < 0 || (want && !want[sc]))
			continue;
		if (!crc_ok(sl_crc32(0, r->map + cr->off, cr->len), cr->crc)) {
			rc = sl_err_set(err, SL_ECHECKSUM, r->path, 0,
					"checksum mismatch in row group %zu, column '%s'", g,
					r->col_names[fc]);
			break;
		}
		if (sl_mp_check(r->map + cr->off, cr->len) != cr->len ||
		    msgpack_unpack_next(&u, (const char *)r->map + cr->off, cr->len, &off) !=
			    MSGPACK_UNPACK_SUCCESS ||
		    off != cr->len) {
			rc = BAD("unreadable chunk in row group %zu, column '%s'", g,
				 r->col_names[fc]);
			break;
		}
		if ((rc = read_chunk(r, &u.data, fc, sc, base, n, out, err)))
			break;
	}
	msgpack_unpacked_destroy(&u);
	if (rc)
		while (out->n > base)
			sl_batch_drop_last(out);
	return rc;
}

int sl_cfw_copy_group(struct sl_cfw *w, const struct sl_cfr *r, size_t g,
		      struct sl_errctx *err)
{
	const struct group_ref *src;
	struct chunk_ref *chunks;
	int rc;

	if (g >= r->ngroups)
		return sl_err_set(err, SL_EINVAL, r->path, 0, "no row group %zu", g);
	src = &r->groups[g];
	if (r->kind != w->kind || !r->same_schema)
		return sl_err_set(err, SL_EINVAL, r->path, 0, "schema differs; cannot copy");
	if ((rc = cfw_unseal(w, err)))
		return rc;
	if (add_group(w, src->rows, &chunks))
		return sl_err_set(err, SL_ENOMEM, w->path, 0, NULL);
	for (int c = 0; c < w->ncols; c++) {
		const struct chunk_ref *cr = &src->chunks[c];

		if (sl_crc32(0, r->map + cr->off, cr->len) != cr->crc)
			return sl_err_set(err, SL_ECHECKSUM, r->path, 0,
					  "checksum mismatch in row group %zu", g);
		chunks[c].off = w->pos;
		chunks[c].len = cr->len;
		chunks[c].crc = cr->crc;
		if ((rc = cfw_emit(w, r->map + cr->off, cr->len, err)))
			return rc;
	}
	w->groups[w->ngroups - 1].has_time = src->has_time;
	w->groups[w->ngroups - 1].tmin = src->tmin;
	w->groups[w->ngroups - 1].tmax = src->tmax;
	widen_time(w, src);
	return SL_OK;
}
