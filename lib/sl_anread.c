#include "sl_anread.h"
#include "sl_mpcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <msgpack.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_tables.h"
#include "sl_value.h"

#define MAGIC "shiplog-analysis"
#define FORMAT 2
#define TRAILER 36

static int str_is(const msgpack_object *o, const char *s)
{
	size_t n = strlen(s);

	return o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
	       !memcmp(o->via.str.ptr, s, n);
}

/* A text the writer could have written: valid UTF-8, no NUL (cells are
 * read back as C strings), at most max bytes. */
static int text_ok(const msgpack_object *o, size_t max)
{
	return o->type == MSGPACK_OBJECT_STR && o->via.str.size <= max &&
	       !memchr(o->via.str.ptr, '\0', o->via.str.size) &&
	       sl_utf8_valid(o->via.str.ptr, o->via.str.size);
}

/* Names: non-empty, printable, no quotes or separators.  Table names become
 * file names (TABLE.csv), so they are held to [A-Za-z0-9_-]. */
static int name_ok(const msgpack_object *o, int file_safe)
{
	if (o->type != MSGPACK_OBJECT_STR || !o->via.str.size ||
	    o->via.str.size > SL_ANREAD_MAX_NAME)
		return 0;
	for (uint32_t i = 0; i < o->via.str.size; i++) {
		unsigned char c = (unsigned char)o->via.str.ptr[i];

		if (file_safe ? !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				  (c >= '0' && c <= '9') || c == '_' || c == '-')
			      : (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == '\\'))
			return 0;
	}
	return 1;
}

/* NUL-terminated copy of a short string (names are bounded). */
static void cstr(const msgpack_object *o, char *buf, size_t cap)
{
	size_t n = o->via.str.size < cap - 1 ? o->via.str.size : cap - 1;

	memcpy(buf, o->via.str.ptr, n);
	buf[n] = '\0';
}

/* The value of key in map o, NULL when absent; *dup set when it occurs
 * more than once. */
static const msgpack_object *map_get(const msgpack_object *o, const char *key, int *dup)
{
	const msgpack_object *v = NULL;

	for (uint32_t i = 0; i < o->via.map.size; i++)
		if (str_is(&o->via.map.ptr[i].key, key)) {
			if (v)
				*dup = 1;
			v = &o->via.map.ptr[i].val;
		}
	return v;
}

static int int_of(const msgpack_object *o, int64_t *v)
{
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
		if (o->via.u64 > INT64_MAX)
			return -1;
		*v = (int64_t)o->via.u64;
		return 0;
	}
	if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
		*v = o->via.i64;
		return 0;
	}
	return -1;
}

static int type_of(const msgpack_object *o, enum sl_rtype *t)
{
	static const char *const names[] = {"str", "i64", "f64", "bool", "time", "day"};

	for (int i = 0; i < 6; i++)
		if (str_is(o, names[i])) {
			*t = (enum sl_rtype)i;
			return 0;
		}
	return -1;
}

static int read_meta(const msgpack_object *m, struct sl_analysis *a, const char *path,
		     struct sl_errctx *err)
{
	char key[SL_ANREAD_MAX_NAME + 1], *s;
	int64_t i;
	int rc;

	if (m->type != MSGPACK_OBJECT_MAP || m->via.map.size > SL_ANREAD_MAX_META)
		return sl_err_set(err, SL_EFORMAT, path, 0, "'meta' is not a map of at most %d keys",
				  SL_ANREAD_MAX_META);
	for (uint32_t k = 0; k < m->via.map.size; k++) {
		const msgpack_object *ko = &m->via.map.ptr[k].key, *v = &m->via.map.ptr[k].val;

		if (!name_ok(ko, 0))
			return sl_err_set(err, SL_EFORMAT, path, 0, "bad metadata key");
		cstr(ko, key, sizeof(key));
		for (uint32_t j = 0; j < k; j++)
			if (str_is(&m->via.map.ptr[j].key, key))
				return sl_err_set(err, SL_EFORMAT, path, 0,
						  "metadata key '%s' given twice", key);
		if (v->type == MSGPACK_OBJECT_STR) {
			if (!text_ok(v, SL_ANREAD_MAX_STR))
				return sl_err_set(err, SL_EFORMAT, path, 0,
						  "metadata '%s': bad or too long text", key);
			if (!(s = strndup(v->via.str.ptr, v->via.str.size)))
				return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
			rc = sl_analysis_meta_str(a, key, s);
			free(s);
		} else if (v->type == MSGPACK_OBJECT_FLOAT64) {
			rc = sl_analysis_meta_f64(a, key, v->via.f64);
		} else if (!int_of(v, &i)) {
			rc = sl_analysis_meta_i64(a, key, i);
		} else {
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "metadata '%s' is not a string or number", key);
		}
		if (rc)
			return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	}
	return SL_OK;
}

static const char *const type_names[] = {"str", "i64", "f64", "bool", "time", "day"};

/* ---- row groups: decoded straight from the bytes ----
 *
 * A group holds tens of thousands of cells: they are read with a small
 * cursor into the table's columns rather than through msgpack-c's object
 * tree (which would allocate for every cell). */

struct cur {
	const unsigned char *p, *end;
};

static int cur_be(struct cur *c, int nb, uint64_t *v)
{
	if (c->end - c->p < nb)
		return -1;
	*v = 0;
	for (int i = 0; i < nb; i++)
		*v = *v << 8 | c->p[i];
	c->p += nb;
	return 0;
}

/* A container header: fix, 16 or 32-bit count. */
static int cur_len(struct cur *c, unsigned fix, unsigned fixmask, unsigned b16, uint64_t *n)
{
	unsigned b;

	if (c->p >= c->end)
		return -1;
	b = *c->p++;
	if ((b & ~fixmask) == fix) {
		*n = b & fixmask;
		return 0;
	}
	if (b == b16)
		return cur_be(c, 2, n);
	if (b == b16 + 1)
		return cur_be(c, 4, n);
	return -1;
}

static int cur_array(struct cur *c, uint64_t *n) { return cur_len(c, 0x90, 0x0f, 0xdc, n); }
static int cur_map(struct cur *c, uint64_t *n) { return cur_len(c, 0x80, 0x0f, 0xde, n); }

static int cur_str(struct cur *c, const char **s, uint64_t *n)
{
	unsigned b;

	if (c->p >= c->end)
		return -1;
	b = *c->p;
	if ((b & 0xe0) == 0xa0) {
		c->p++;
		*n = b & 0x1f;
	} else if (b == 0xd9 || b == 0xda || b == 0xdb) {
		c->p++;
		if (cur_be(c, b == 0xd9 ? 1 : b == 0xda ? 2 : 4, n))
			return -1;
	} else {
		return -1;
	}
	if ((uint64_t)(c->end - c->p) < *n)
		return -1;
	*s = (const char *)c->p;
	c->p += *n;
	return 0;
}

static int cur_key(struct cur *c, const char *want)
{
	const char *s;
	uint64_t n;

	return cur_str(c, &s, &n) || n != strlen(want) || memcmp(s, want, n) ? -1 : 0;
}

static int cur_int(struct cur *c, int64_t *v)
{
	unsigned b;
	uint64_t u;

	if (c->p >= c->end)
		return -1;
	b = *c->p++;
	if (b <= 0x7f) {
		*v = b;
		return 0;
	}
	if (b >= 0xe0) {
		*v = (int8_t)b;
		return 0;
	}
	if (b >= 0xcc && b <= 0xcf) {
		if (cur_be(c, 1 << (b - 0xcc), &u) || u > INT64_MAX)
			return -1;
		*v = (int64_t)u;
		return 0;
	}
	if (b >= 0xd0 && b <= 0xd3) {
		int nb = 1 << (b - 0xd0);

		if (cur_be(c, nb, &u))
			return -1;
		/* sign-extend from nb bytes */
		*v = nb == 8 ? (int64_t)u : (int64_t)(u << (64 - 8 * nb)) >> (64 - 8 * nb);
		return 0;
	}
	return -1;
}

/* One cell of column c (type ty) into row r; SL_EFORMAT when it is not a
 * value of that type the writer could have written. */
static int read_cell(struct cur *cu, struct sl_table *t, int c, size_t r, enum sl_rtype ty,
		     int store)
{
	const char *s;
	uint64_t n, u;
	int64_t i;
	char day[32];
	double d;

	if (cu->p >= cu->end)
		return SL_EFORMAT;
	if (*cu->p == 0xc0) {
		cu->p++;
		return SL_OK;
	}
	switch (ty) {
	case SL_R_STR:
		if (cur_str(cu, &s, &n) || n > SL_ANREAD_MAX_STR || memchr(s, '\0', n) ||
		    !sl_utf8_valid(s, n))
			return SL_EFORMAT;
		return store ? sl_table_set_str_at(t, c, r, s, n) : SL_OK;
	case SL_R_I64:
	case SL_R_TIME:
		if (cur_int(cu, &i))
			return SL_EFORMAT;
		if (store)
			sl_table_set_i64_at(t, c, r, i);
		return SL_OK;
	case SL_R_F64:
		/* the writer never writes NaN or infinities: null stands for them */
		if (*cu->p != 0xcb)
			return SL_EFORMAT;
		cu->p++;
		if (cur_be(cu, 8, &u))
			return SL_EFORMAT;
		memcpy(&d, &u, sizeof(d));
		if (!isfinite(d))
			return SL_EFORMAT;
		if (store)
			sl_table_set_f64_at(t, c, r, d);
		return SL_OK;
	case SL_R_BOOL:
		if (*cu->p != 0xc2 && *cu->p != 0xc3)
			return SL_EFORMAT;
		if (store)
			sl_table_set_i64_at(t, c, r, *cu->p == 0xc3);
		cu->p++;
		return SL_OK;
	case SL_R_DAY:
		if (cur_str(cu, &s, &n) || n != 10 || sl_parse_day(s, 10, &i))
			return SL_EFORMAT;
		sl_format_day(i, day); /* only the canonical spelling */
		if (memcmp(day, s, 10))
			return SL_EFORMAT;
		if (store)
			sl_table_set_i64_at(t, c, r, i);
		return SL_OK;
	}
	return SL_EFORMAT;
}

/* Decodes the group at buf[0..n) and appends its rows to t. */
static int decode_group(const char *buf, size_t n, const char *path, const char *table,
			const struct sl_rcol *cols, int ncols, uint64_t rows, struct sl_table *t,
			const unsigned char *want, struct sl_errctx *err)
{
	struct cur cu = {(const unsigned char *)buf, (const unsigned char *)buf + n};
	size_t base = sl_table_rows(t);
	const char *s;
	uint64_t k, nr;
	int64_t r64;

	if (cur_map(&cu, &k) || k != 3 || cur_key(&cu, "table") || cur_str(&cu, &s, &k) ||
	    k != strlen(table) || memcmp(s, table, k) || cur_key(&cu, "rows") ||
	    cur_int(&cu, &r64) || cur_key(&cu, "data"))
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': a row group is not {table, rows, data} of this table",
				  table);
	if ((uint64_t)r64 != rows)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': a row group holds %lld rows, the index says %llu",
				  table, (long long)r64, (unsigned long long)rows);
	/* each cell takes at least a byte: nothing is allocated for cells
	 * that are not there */
	if (rows > SL_RESULT_GROUP_ROWS || rows * (uint64_t)ncols > n)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': a row group of %llu rows cannot fit in %zu bytes",
				  table, (unsigned long long)rows, n);
	if (cur_array(&cu, &k) || k != (uint64_t)ncols)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': data does not have one array per column", table);
	if (sl_table_add_rows(t, (size_t)rows))
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	for (int c = 0; c < ncols; c++) {
		if (cur_array(&cu, &nr) || nr != rows)
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "table '%s': column '%s' does not hold %llu rows", table,
					  cols[c].name, (unsigned long long)rows);
		for (uint64_t r = 0; r < rows; r++) {
			int e = read_cell(&cu, t, c, base + r, cols[c].type, !want || want[c]);

			if (e == SL_ENOMEM)
				return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
			if (e)
				return sl_err_set(err, SL_EFORMAT, path, 0,
						  "table '%s': column '%s' row %llu: not a valid %s value",
						  table, cols[c].name,
						  (unsigned long long)(base + r), type_names[cols[c].type]);
		}
	}
	if (cu.p != cu.end)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': %zu bytes after a row group's data", table,
				  (size_t)(cu.end - cu.p));
	return SL_OK;
}

int sl_anread_group(const char *buf, size_t n, const char *path, const char *table,
		    const struct sl_rcol *cols, int ncols, uint64_t rows,
		    struct sl_table **out, struct sl_errctx *err)
{
	struct sl_table *t = sl_table_new_flat(table, cols, ncols);
	int rc;

	*out = NULL;
	if (!t)
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	if ((rc = decode_group(buf, n, path, table, cols, ncols, rows, t, NULL, err))) {
		sl_table_free(t);
		return rc;
	}
	*out = t;
	return SL_OK;
}

/* ---- the file: trailer, index, header ---- */

struct angroup {
	uint64_t off, bytes, rows;
};

struct antable {
	char name[SL_ANREAD_MAX_NAME + 1];
	int ncols;
	struct sl_rcol *cols;
	char (*cname)[SL_ANREAD_MAX_NAME + 1];
	uint64_t rows;
	struct angroup *g;
	size_t ng;
};

struct sl_anfile {
	int fd;           /* -1: reading buf */
	const char *buf;
	uint64_t size;
	char *path;
	struct sl_analysis *meta;
	struct antable *t;
	size_t nt;
	char *gbuf; /* the group being read */
	size_t gcap;
};

static int read_at(struct sl_anfile *f, uint64_t off, size_t n, char *dst, struct sl_errctx *err)
{
	size_t got = 0;

	if (f->fd < 0) {
		memcpy(dst, f->buf + off, n);
		return SL_OK;
	}
	while (got < n) {
		ssize_t k = pread(f->fd, dst + got, n - got, (off_t)(off + got));

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k ? sl_err_set(err, SL_EIO, f->path, 0, "cannot read: %s",
					      strerror(errno))
				 : sl_err_set(err, SL_ETRUNC, f->path, 0, "file shrank while read");
		got += (size_t)k;
	}
	return SL_OK;
}

/* bytes [off, off + n) into f->gbuf */
static int read_buf(struct sl_anfile *f, uint64_t off, size_t n, struct sl_errctx *err)
{
	if (n + 1 > f->gcap) {
		char *b = realloc(f->gbuf, n + 1);

		if (!b)
			return sl_err_set(err, SL_ENOMEM, f->path, 0, NULL);
		f->gbuf = b;
		f->gcap = n + 1;
	}
	return read_at(f, off, n, f->gbuf, err);
}

/* One msgpack object filling buf[0..n) exactly, unpacked into res. */
static int unpack_whole(const char *buf, size_t n, msgpack_unpacked *res, const char *path,
			const char *what, struct sl_errctx *err)
{
	size_t off = 0;

	/* msgpack-c allocates a container's elements from its header: the
	 * lengths are checked against the bytes first (lib/sl_mpcheck.h) */
	if (sl_mp_check(buf, n) != n)
		return sl_err_set(err, SL_EFORMAT, path, 0, "the %s is not one msgpack object", what);
	switch (msgpack_unpack_next(res, buf, n, &off)) {
	case MSGPACK_UNPACK_SUCCESS:
		return off == n ? SL_OK
				: sl_err_set(err, SL_EFORMAT, path, 0, "bytes after the %s", what);
	case MSGPACK_UNPACK_NOMEM_ERROR:
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	default:
		return sl_err_set(err, SL_EFORMAT, path, 0, "the %s is not msgpack", what);
	}
}

/* The first bytes: which format this is, before anything else is read (a
 * file of format 1 is one map, with no trailer to find). */
static int read_prefix(struct sl_anfile *f, struct sl_errctx *err)
{
	char b[64];
	size_t n = f->size < sizeof(b) ? (size_t)f->size : sizeof(b);
	struct cur cu = {(const unsigned char *)b, (const unsigned char *)b + n};
	const char *s;
	uint64_t k;
	int64_t fmt;
	int rc;

	if ((rc = read_at(f, 0, n, b, err)))
		return rc;
	if (cur_map(&cu, &k) || k < 2 || cur_key(&cu, "magic") || cur_str(&cu, &s, &k) ||
	    k != strlen(MAGIC) || memcmp(s, MAGIC, k))
		return sl_err_set(err, f->size ? SL_EFORMAT : SL_ETRUNC, f->path, 0,
				  "not an analysis file (magic)");
	if (cur_key(&cu, "format") || cur_int(&cu, &fmt))
		return sl_err_set(err, SL_EFORMAT, f->path, 0, "not an analysis file (format)");
	if (fmt != FORMAT)
		return sl_err_set(err, SL_EVERSION, f->path, 0,
				  "analysis file of format %lld; this version reads format %d: "
				  "re-run shiplog-analyze to write it again",
				  (long long)fmt, FORMAT);
	return SL_OK;
}

/* A group in the tiling check: where it is and whose it is. */
struct gref {
	uint64_t off, bytes;
	size_t table;
};

static int cmp_group_off(const void *x, const void *y)
{
	const struct gref *a = x, *b = y;

	return (a->off > b->off) - (a->off < b->off);
}

static int read_index_table(struct sl_anfile *f, const msgpack_object *o, struct antable *t,
			    size_t i, uint64_t ioff, struct sl_errctx *err)
{
	const msgpack_object *nm, *cols, *rows, *groups;
	const char *path = f->path;
	int dup = 0, rc;
	int64_t nrows;
	uint64_t left;

	if (o->type != MSGPACK_OBJECT_MAP || o->via.map.size != 4 ||
	    !(nm = map_get(o, "name", &dup)) || !(cols = map_get(o, "columns", &dup)) ||
	    !(rows = map_get(o, "rows", &dup)) || !(groups = map_get(o, "groups", &dup)) || dup)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "index: table %zu needs name, columns, rows and groups once each", i);
	if (!name_ok(nm, 1))
		return sl_err_set(err, SL_EFORMAT, path, 0, "index: table %zu: bad table name", i);
	cstr(nm, t->name, sizeof(t->name));
	for (size_t j = 0; j < i; j++)
		if (!strcmp(f->t[j].name, t->name))
			return sl_err_set(err, SL_EFORMAT, path, 0, "table '%s' given twice", t->name);
	if (cols->type != MSGPACK_OBJECT_ARRAY || !cols->via.array.size ||
	    cols->via.array.size > SL_ANREAD_MAX_COLS)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': columns is not an array of 1 to %d", t->name,
				  SL_ANREAD_MAX_COLS);
	t->ncols = (int)cols->via.array.size;
	if (!(t->cols = calloc((size_t)t->ncols, sizeof(*t->cols))) ||
	    !(t->cname = calloc((size_t)t->ncols, sizeof(*t->cname))))
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	for (int c = 0; c < t->ncols; c++) {
		const msgpack_object *co = &cols->via.array.ptr[c], *n, *ty;

		dup = 0;
		if (co->type != MSGPACK_OBJECT_MAP || co->via.map.size != 2 ||
		    !(n = map_get(co, "name", &dup)) || !(ty = map_get(co, "type", &dup)) || dup ||
		    !name_ok(n, 0) || type_of(ty, &t->cols[c].type))
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "table '%s': column %d: bad name or type", t->name, c);
		cstr(n, t->cname[c], sizeof(t->cname[c]));
		for (int j = 0; j < c; j++)
			if (!strcmp(t->cname[j], t->cname[c]))
				return sl_err_set(err, SL_EFORMAT, path, 0,
						  "table '%s': column '%s' given twice", t->name,
						  t->cname[c]);
		t->cols[c].name = t->cname[c];
	}
	/* a declared table must have its declared shape, so that readers may
	 * index its columns by the constants of sl_tables.h */
	if ((rc = sl_tables_check(path, t->name, t->cols, t->ncols, err)))
		return rc;
	if (int_of(rows, &nrows) || nrows < 0)
		return sl_err_set(err, SL_EFORMAT, path, 0, "table '%s': bad row count", t->name);
	t->rows = (uint64_t)nrows;
	/* groups of SL_RESULT_GROUP_ROWS rows but the last: the count follows
	 * from the rows, and the array's elements were seen (sl_mp_check) */
	if (groups->type != MSGPACK_OBJECT_ARRAY ||
	    groups->via.array.size != (t->rows + SL_RESULT_GROUP_ROWS - 1) / SL_RESULT_GROUP_ROWS)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': %llu rows need %llu row groups", t->name,
				  (unsigned long long)t->rows,
				  (unsigned long long)((t->rows + SL_RESULT_GROUP_ROWS - 1) /
						       SL_RESULT_GROUP_ROWS));
	t->ng = groups->via.array.size;
	if (t->ng && !(t->g = calloc(t->ng, sizeof(*t->g))))
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	left = t->rows;
	for (size_t k = 0; k < t->ng; k++) {
		const msgpack_object *go = &groups->via.array.ptr[k];
		int64_t v[3];
		uint64_t want = left < SL_RESULT_GROUP_ROWS ? left : SL_RESULT_GROUP_ROWS;

		if (go->type != MSGPACK_OBJECT_ARRAY || go->via.array.size != 3 ||
		    int_of(&go->via.array.ptr[0], &v[0]) || int_of(&go->via.array.ptr[1], &v[1]) ||
		    int_of(&go->via.array.ptr[2], &v[2]) || v[0] < 0 || v[1] < 1 || v[2] < 0)
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "table '%s': row group %zu is not [offset, bytes, rows]",
					  t->name, k);
		if ((uint64_t)v[2] != want)
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "table '%s': row group %zu holds %lld rows, not %llu", t->name,
					  k, (long long)v[2], (unsigned long long)want);
		if ((uint64_t)v[1] > SL_ANREAD_MAX_GROUP || (uint64_t)v[0] > ioff ||
		    (uint64_t)v[1] > ioff - (uint64_t)v[0])
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "table '%s': row group %zu (offset %lld, %lld bytes) is not "
					  "between the header and the index",
					  t->name, k, (long long)v[0], (long long)v[1]);
		t->g[k] = (struct angroup){(uint64_t)v[0], (uint64_t)v[1], (uint64_t)v[2]};
		left -= want;
	}
	return SL_OK;
}

/* The groups of every table must tile [header end, index): no gap, no
 * overlap; so every group's bytes belong to it alone.  *hend is where the
 * header ends (the first group, or the index when there is none). */
static int check_tiling(struct sl_anfile *f, uint64_t ioff, uint64_t *hend,
			struct sl_errctx *err)
{
	struct gref *all;
	size_t n = 0, k = 0;
	int rc = SL_OK;

	for (size_t i = 0; i < f->nt; i++)
		n += f->t[i].ng;
	*hend = ioff;
	if (!n)
		return SL_OK;
	if (!(all = malloc(n * sizeof(*all))))
		return sl_err_set(err, SL_ENOMEM, f->path, 0, NULL);
	for (size_t i = 0; i < f->nt; i++)
		for (size_t g = 0; g < f->t[i].ng; g++)
			all[k++] = (struct gref){f->t[i].g[g].off, f->t[i].g[g].bytes, i};
	qsort(all, n, sizeof(*all), cmp_group_off);
	*hend = all[0].off;
	for (k = 0; k < n; k++) {
		uint64_t next = k + 1 < n ? all[k + 1].off : ioff;

		if (all[k].off + all[k].bytes != next) {
			rc = sl_err_set(err, SL_EFORMAT, f->path, 0,
					"table '%s': row group at offset %llu (%llu bytes) %s the next "
					"object at %llu",
					f->t[all[k].table].name, (unsigned long long)all[k].off,
					(unsigned long long)all[k].bytes,
					all[k].off + all[k].bytes > next ? "overlaps" : "leaves a gap before",
					(unsigned long long)next);
			break;
		}
	}
	free(all);
	return rc;
}

static int read_header(struct sl_anfile *f, uint64_t hend, struct sl_errctx *err)
{
	msgpack_unpacked res;
	const msgpack_object *magic, *format, *grows, *meta;
	int dup = 0, rc;
	int64_t v;

	if (hend > SL_ANREAD_MAX_HEADER)
		return sl_err_set(err, SL_EFORMAT, f->path, 0, "header larger than %zu bytes",
				  SL_ANREAD_MAX_HEADER);
	if ((rc = read_buf(f, 0, (size_t)hend, err)))
		return rc;
	msgpack_unpacked_init(&res);
	if ((rc = unpack_whole(f->gbuf, (size_t)hend, &res, f->path, "header", err)))
		goto out;
	rc = SL_EFORMAT;
	if (res.data.type != MSGPACK_OBJECT_MAP || res.data.via.map.size != 4 ||
	    !(magic = map_get(&res.data, "magic", &dup)) || !str_is(magic, MAGIC) ||
	    !(format = map_get(&res.data, "format", &dup)) ||
	    !(grows = map_get(&res.data, "group_rows", &dup)) ||
	    !(meta = map_get(&res.data, "meta", &dup)) || dup) {
		sl_err_set(err, rc, f->path, 0,
			   "header: not {magic, format, group_rows, meta}");
		goto out;
	}
	if (int_of(format, &v) || v != FORMAT) {
		sl_err_set(err, SL_EVERSION, f->path, 0, "header: format is not %d", FORMAT);
		rc = SL_EVERSION;
		goto out;
	}
	if (int_of(grows, &v) || v != SL_RESULT_GROUP_ROWS) {
		sl_err_set(err, rc, f->path, 0, "header: group_rows is not %d",
			   SL_RESULT_GROUP_ROWS);
		goto out;
	}
	rc = read_meta(meta, f->meta, f->path, err);
out:
	msgpack_unpacked_destroy(&res);
	return rc;
}

static int read_index(struct sl_anfile *f, uint64_t ioff, uint64_t ilen, struct sl_errctx *err)
{
	msgpack_unpacked res;
	const msgpack_object *tables;
	int dup = 0, rc;

	if ((rc = read_buf(f, ioff, (size_t)ilen, err)))
		return rc;
	msgpack_unpacked_init(&res);
	if ((rc = unpack_whole(f->gbuf, (size_t)ilen, &res, f->path, "index", err)))
		goto out;
	if (res.data.type != MSGPACK_OBJECT_MAP || res.data.via.map.size != 1 ||
	    !(tables = map_get(&res.data, "tables", &dup)) ||
	    tables->type != MSGPACK_OBJECT_ARRAY || tables->via.array.size > SL_ANREAD_MAX_TABLES) {
		rc = sl_err_set(err, SL_EFORMAT, f->path, 0,
				"index: not {tables: [at most %d tables]}", SL_ANREAD_MAX_TABLES);
		goto out;
	}
	if (tables->via.array.size &&
	    !(f->t = calloc(tables->via.array.size, sizeof(*f->t)))) {
		rc = sl_err_set(err, SL_ENOMEM, f->path, 0, NULL);
		goto out;
	}
	for (uint32_t i = 0; i < tables->via.array.size; i++) {
		f->nt = i + 1;
		if ((rc = read_index_table(f, &tables->via.array.ptr[i], &f->t[i], i, ioff, err)))
			goto out;
	}
out:
	msgpack_unpacked_destroy(&res);
	return rc;
}

static int open_common(struct sl_anfile *f, struct sl_errctx *err)
{
	unsigned char tr[TRAILER];
	uint64_t ioff = 0, ilen = 0, hend;
	int rc;

	if (!(f->meta = sl_analysis_new()))
		return sl_err_set(err, SL_ENOMEM, f->path, 0, NULL);
	if ((rc = read_prefix(f, err)))
		return rc;
	if (f->size < TRAILER + 2)
		return sl_err_set(err, SL_ETRUNC, f->path, 0, "truncated analysis file (no trailer)");
	if ((rc = read_at(f, f->size - TRAILER, TRAILER, (char *)tr, err)))
		return rc;
	for (int i = 0; i < 8; i++) {
		ioff = ioff << 8 | tr[2 + i];
		ilen = ilen << 8 | tr[11 + i];
	}
	if (tr[0] != 0x93 || tr[1] != 0xcf || tr[10] != 0xcf || tr[19] != (0xa0 | 16) ||
	    memcmp(tr + 20, MAGIC, 16))
		return sl_err_set(err, SL_EFORMAT, f->path, 0,
				  "no analysis trailer at its end (truncated, or bytes after it)");
	if (ilen > SL_ANREAD_MAX_INDEX || ioff > f->size - TRAILER || ilen < 1 ||
	    ilen != f->size - TRAILER - ioff)
		return sl_err_set(err, SL_EFORMAT, f->path, 0,
				  "trailer: the index (offset %llu, %llu bytes) does not end where "
				  "the trailer starts", (unsigned long long)ioff,
				  (unsigned long long)ilen);
	if ((rc = read_index(f, ioff, ilen, err)) || (rc = check_tiling(f, ioff, &hend, err)))
		return rc;
	return read_header(f, hend, err);
}

static int anfile_new(struct sl_anfile **out, const char *path, struct sl_errctx *err)
{
	if (!(*out = calloc(1, sizeof(**out))) || !((*out)->path = strdup(path))) {
		free(*out);
		*out = NULL;
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	}
	(*out)->fd = -1;
	return SL_OK;
}

int sl_anfile_open_buf(const char *buf, size_t n, const char *path, struct sl_anfile **out,
		       struct sl_errctx *err)
{
	struct sl_anfile *f;
	int rc;

	*out = NULL;
	if ((rc = anfile_new(&f, path, err)))
		return rc;
	f->buf = buf;
	f->size = n;
	if ((rc = open_common(f, err))) {
		sl_anfile_close(f);
		return rc;
	}
	*out = f;
	return SL_OK;
}

int sl_anfile_open(const char *path, struct sl_anfile **out, struct sl_errctx *err)
{
	struct sl_anfile *f;
	struct stat sb;
	int rc;

	*out = NULL;
	if ((rc = anfile_new(&f, path, err)))
		return rc;
	if ((f->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = sl_err_set(err, SL_EIO, path, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (fstat(f->fd, &sb) || !S_ISREG(sb.st_mode)) {
		rc = sl_err_set(err, SL_EIO, path, 0, "not a regular file");
		goto out;
	}
	f->size = (uint64_t)sb.st_size;
	rc = open_common(f, err);
out:
	if (rc)
		sl_anfile_close(f);
	else
		*out = f;
	return rc;
}

void sl_anfile_close(struct sl_anfile *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	for (size_t i = 0; i < f->nt; i++) {
		free(f->t[i].cols);
		free(f->t[i].cname);
		free(f->t[i].g);
	}
	free(f->t);
	free(f->gbuf);
	free(f->path);
	sl_analysis_free(f->meta);
	free(f);
}

const struct sl_analysis *sl_anfile_meta(const struct sl_anfile *f) { return f->meta; }
size_t sl_anfile_ntables(const struct sl_anfile *f) { return f->nt; }
const char *sl_anfile_name(const struct sl_anfile *f, size_t i) { return f->t[i].name; }
uint64_t sl_anfile_rows(const struct sl_anfile *f, size_t i) { return f->t[i].rows; }
size_t sl_anfile_ngroups(const struct sl_anfile *f, size_t i) { return f->t[i].ng; }

const struct sl_rcol *sl_anfile_cols(const struct sl_anfile *f, size_t i, int *ncols)
{
	*ncols = f->t[i].ncols;
	return f->t[i].cols;
}

long sl_anfile_find(const struct sl_anfile *f, const char *name)
{
	for (size_t i = 0; i < f->nt; i++)
		if (!strcmp(f->t[i].name, name))
			return (long)i;
	return -1;
}

long sl_anfile_find_id(const struct sl_anfile *f, enum sl_tid id)
{
	const struct sl_tdef *d = sl_tdef(id);

	return d ? sl_anfile_find(f, d->name) : -1;
}

/* Appends group k of table i to t (only the columns in want, when set). */
static int append_group(struct sl_anfile *f, size_t i, size_t k, struct sl_table *t,
			const unsigned char *want, struct sl_errctx *err)
{
	const struct antable *at = &f->t[i];
	const struct angroup *g = &at->g[k];
	int rc;

	if ((rc = read_buf(f, g->off, (size_t)g->bytes, err)))
		return rc;
	return decode_group(f->gbuf, (size_t)g->bytes, f->path, at->name, at->cols, at->ncols,
			    g->rows, t, want, err);
}

int sl_anfile_group(struct sl_anfile *f, size_t i, size_t k, struct sl_table **out,
		    struct sl_errctx *err)
{
	return sl_anfile_group_cols(f, i, k, NULL, out, err);
}

int sl_anfile_group_cols(struct sl_anfile *f, size_t i, size_t k, const unsigned char *want,
			 struct sl_table **out, struct sl_errctx *err)
{
	struct sl_table *t;
	int rc = SL_OK;

	*out = NULL;
	if (i >= f->nt || (k >= f->t[i].ng && k > 0))
		return sl_err_set(err, SL_EINVAL, f->path, 0, "no such row group");
	if (!(t = sl_table_new_flat(f->t[i].name, f->t[i].cols, f->t[i].ncols)))
		return sl_err_set(err, SL_ENOMEM, f->path, 0, NULL);
	if (k < f->t[i].ng)
		rc = append_group(f, i, k, t, want, err);
	if (rc)
		sl_table_free(t);
	else
		*out = t;
	return rc;
}

int sl_anfile_table(struct sl_anfile *f, size_t i, struct sl_table **out,
		    struct sl_errctx *err)
{
	struct sl_table *t;
	int rc = SL_OK;

	*out = NULL;
	if (i >= f->nt)
		return sl_err_set(err, SL_EINVAL, f->path, 0, "no such table");
	if (!(t = sl_table_new(f->t[i].name, f->t[i].cols, f->t[i].ncols)))
		return sl_err_set(err, SL_ENOMEM, f->path, 0, NULL);
	for (size_t k = 0; !rc && k < f->t[i].ng; k++)
		rc = append_group(f, i, k, t, NULL, err);
	if (rc)
		sl_table_free(t);
	else
		*out = t;
	return rc;
}

/* ---- the whole file at once ---- */

int sl_anfile_analysis(struct sl_anfile *f, const char *skip, struct sl_analysis **out,
		       struct sl_errctx *err)
{
	struct sl_analysis *a = sl_analysis_new();
	const struct sl_analysis *m = f->meta;
	int rc = SL_OK;

	if (!a)
		return sl_err_set(err, SL_ENOMEM, f->path, 0, NULL);
	for (size_t i = 0; !rc && i < sl_analysis_nmeta(m); i++) {
		enum sl_rtype ty;
		const char *k = sl_analysis_meta_key(m, i, &ty);
		double d = 0;
		int64_t v = 0;

		if (ty == SL_R_STR) {
			rc = sl_analysis_meta_str(a, k, sl_analysis_get_meta_str(m, k));
		} else if (ty == SL_R_F64) {
			sl_analysis_get_meta_f64(m, k, &d);
			rc = sl_analysis_meta_f64(a, k, d);
		} else {
			sl_analysis_get_meta_i64(m, k, &v);
			rc = sl_analysis_meta_i64(a, k, v);
		}
		if (rc)
			rc = sl_err_set(err, SL_ENOMEM, f->path, 0, NULL);
	}
	for (size_t i = 0; !rc && i < f->nt; i++) {
		struct sl_table *t;

		if (skip && !strcmp(f->t[i].name, skip))
			continue;
		if (!(rc = sl_anfile_table(f, i, &t, err)) && sl_analysis_add(a, t))
			rc = sl_err_set(err, SL_ENOMEM, f->path, 0, NULL);
	}
	if (rc)
		sl_analysis_free(a);
	else
		*out = a;
	return rc;
}

int sl_anread_buf(const char *buf, size_t n, const char *path, struct sl_analysis **out,
		  struct sl_errctx *err)
{
	struct sl_anfile *f;
	int rc;

	*out = NULL;
	if ((rc = sl_anfile_open_buf(buf, n, path, &f, err)))
		return rc;
	rc = sl_anfile_analysis(f, NULL, out, err);
	sl_anfile_close(f);
	return rc;
}

int sl_anread_file(const char *path, struct sl_analysis **out, struct sl_errctx *err)
{
	struct sl_anfile *f;
	int rc;

	*out = NULL;
	if ((rc = sl_anfile_open(path, &f, err)))
		return rc;
	rc = sl_anfile_analysis(f, NULL, out, err);
	sl_anfile_close(f);
	return rc;
}
