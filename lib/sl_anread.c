#include "sl_anread.h"
#include "sl_mpcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <msgpack.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_value.h"

#define MAGIC "shiplog-analysis"
#define FORMAT 1

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

/* One cell of column c (type ty) into the table's last row. */
static int read_cell(struct sl_table *t, int c, enum sl_rtype ty, const msgpack_object *v)
{
	int64_t i;
	char day[32];

	if (v->type == MSGPACK_OBJECT_NIL)
		return SL_OK;
	switch (ty) {
	case SL_R_STR:
		if (!text_ok(v, SL_ANREAD_MAX_STR))
			return SL_EFORMAT;
		return sl_table_set_str(t, c, v->via.str.ptr, v->via.str.size);
	case SL_R_I64:
	case SL_R_TIME:
		if (int_of(v, &i))
			return SL_EFORMAT;
		sl_table_set_i64(t, c, i);
		return SL_OK;
	case SL_R_F64:
		/* the writer never writes NaN or infinities: null stands for them */
		if (v->type != MSGPACK_OBJECT_FLOAT64 || !isfinite(v->via.f64))
			return SL_EFORMAT;
		sl_table_set_f64(t, c, v->via.f64);
		return SL_OK;
	case SL_R_BOOL:
		if (v->type != MSGPACK_OBJECT_BOOLEAN)
			return SL_EFORMAT;
		sl_table_set_bool(t, c, v->via.boolean);
		return SL_OK;
	case SL_R_DAY:
		if (v->type != MSGPACK_OBJECT_STR || v->via.str.size != 10 ||
		    sl_parse_day(v->via.str.ptr, 10, &i))
			return SL_EFORMAT;
		sl_format_day(i, day); /* only the canonical spelling */
		if (memcmp(day, v->via.str.ptr, 10))
			return SL_EFORMAT;
		sl_table_set_i64(t, c, i);
		return SL_OK;
	}
	return SL_EFORMAT;
}

static int read_table(const char *name, const msgpack_object *o, struct sl_analysis *a,
		      const char *path, struct sl_errctx *err)
{
	const msgpack_object *cols, *rows, *data;
	struct sl_rcol rc_[SL_ANREAD_MAX_COLS];
	char cname[SL_ANREAD_MAX_COLS][SL_ANREAD_MAX_NAME + 1];
	struct sl_table *t = NULL;
	int dup = 0, rc = SL_OK;
	uint32_t nc;
	int64_t nrows;

	if (o->type != MSGPACK_OBJECT_MAP || o->via.map.size != 3)
		return sl_err_set(err, SL_EFORMAT, path, 0, "table '%s' is not a map of 3 keys", name);
	cols = map_get(o, "columns", &dup);
	rows = map_get(o, "rows", &dup);
	data = map_get(o, "data", &dup);
	if (!cols || !rows || !data || dup)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s' needs columns, rows and data once each", name);
	if (cols->type != MSGPACK_OBJECT_ARRAY || !cols->via.array.size ||
	    cols->via.array.size > SL_ANREAD_MAX_COLS)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': columns is not an array of 1 to %d", name,
				  SL_ANREAD_MAX_COLS);
	nc = cols->via.array.size;
	for (uint32_t c = 0; c < nc; c++) {
		const msgpack_object *co = &cols->via.array.ptr[c], *n, *ty;

		dup = 0;
		if (co->type != MSGPACK_OBJECT_MAP || co->via.map.size != 2 ||
		    !(n = map_get(co, "name", &dup)) || !(ty = map_get(co, "type", &dup)) || dup ||
		    !name_ok(n, 0) || type_of(ty, &rc_[c].type))
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "table '%s': column %u: bad name or type", name, c);
		cstr(n, cname[c], sizeof(cname[c]));
		for (uint32_t j = 0; j < c; j++)
			if (!strcmp(cname[j], cname[c]))
				return sl_err_set(err, SL_EFORMAT, path, 0,
						  "table '%s': column '%s' given twice", name,
						  cname[c]);
		rc_[c].name = cname[c];
	}
	/* the row count is only believed once every column holds that many */
	if (int_of(rows, &nrows) || nrows < 0)
		return sl_err_set(err, SL_EFORMAT, path, 0, "table '%s': bad row count", name);
	if (data->type != MSGPACK_OBJECT_ARRAY || data->via.array.size != nc)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': data does not have one array per column", name);
	for (uint32_t c = 0; c < nc; c++)
		if (data->via.array.ptr[c].type != MSGPACK_OBJECT_ARRAY ||
		    (int64_t)data->via.array.ptr[c].via.array.size != nrows)
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "table '%s': column '%s' does not hold %lld rows", name,
					  cname[c], (long long)nrows);
	if (!(t = sl_table_new(name, rc_, (int)nc)))
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	for (int64_t r = 0; r < nrows; r++) {
		if (sl_table_add_row(t)) {
			rc = sl_err_set(err, SL_ENOMEM, path, 0, NULL);
			goto out;
		}
		for (uint32_t c = 0; c < nc; c++) {
			int e = read_cell(t, (int)c, rc_[c].type, &data->via.array.ptr[c].via.array.ptr[r]);

			if (e == SL_ENOMEM) {
				rc = sl_err_set(err, SL_ENOMEM, path, 0, NULL);
				goto out;
			}
			if (e) {
				rc = sl_err_set(err, SL_EFORMAT, path, 0,
						"table '%s': column '%s' row %lld: not a valid %s value",
						name, cname[c], (long long)r,
						(const char *[]){"str", "i64", "f64", "bool", "time",
								 "day"}[rc_[c].type]);
				goto out;
			}
		}
	}
	rc = sl_analysis_add(a, t) ? sl_err_set(err, SL_ENOMEM, path, 0, NULL) : SL_OK;
	t = NULL;
out:
	sl_table_free(t);
	return rc;
}

static int read_root(const msgpack_object *root, struct sl_analysis *a, const char *path,
		     struct sl_errctx *err)
{
	const msgpack_object *magic, *format, *meta, *tables;
	char name[SL_ANREAD_MAX_NAME + 1];
	int dup = 0, rc;
	int64_t fmt;

	if (root->type != MSGPACK_OBJECT_MAP || root->via.map.size != 4)
		return sl_err_set(err, SL_EFORMAT, path, 0, "not an analysis file (not a map of 4 keys)");
	magic = map_get(root, "magic", &dup);
	format = map_get(root, "format", &dup);
	meta = map_get(root, "meta", &dup);
	tables = map_get(root, "tables", &dup);
	if (!magic || !str_is(magic, MAGIC) || !format || !meta || !tables || dup)
		return sl_err_set(err, SL_EFORMAT, path, 0, "not an analysis file (magic)");
	if (int_of(format, &fmt) || fmt != FORMAT)
		return sl_err_set(err, SL_EVERSION, path, 0,
				  "analysis format is not %d (written by another version?)", FORMAT);
	if ((rc = read_meta(meta, a, path, err)))
		return rc;
	if (tables->type != MSGPACK_OBJECT_MAP || tables->via.map.size > SL_ANREAD_MAX_TABLES)
		return sl_err_set(err, SL_EFORMAT, path, 0, "'tables' is not a map of at most %d",
				  SL_ANREAD_MAX_TABLES);
	for (uint32_t i = 0; i < tables->via.map.size; i++) {
		const msgpack_object *k = &tables->via.map.ptr[i].key;

		if (!name_ok(k, 1))
			return sl_err_set(err, SL_EFORMAT, path, 0, "table %u: bad table name", i);
		cstr(k, name, sizeof(name));
		if (sl_analysis_table(a, name))
			return sl_err_set(err, SL_EFORMAT, path, 0, "table '%s' given twice", name);
		if ((rc = read_table(name, &tables->via.map.ptr[i].val, a, path, err)))
			return rc;
	}
	return SL_OK;
}

int sl_anread_buf(const char *buf, size_t n, const char *path, struct sl_analysis **out,
		  struct sl_errctx *err)
{
	msgpack_unpacked res;
	struct sl_analysis *a;
	size_t off = 0;
	int rc;

	*out = NULL;
	if (n > SL_ANREAD_MAX_BYTES)
		return sl_err_set(err, SL_ELIMIT, path, 0, "larger than %zu bytes",
				  SL_ANREAD_MAX_BYTES);
	/* msgpack-c allocates a container's elements from its header: the
	 * lengths are checked against the bytes first (lib/sl_mpcheck.h) */
	if (!sl_mp_check(buf, n))
		return sl_err_set(err, SL_ETRUNC, path, 0,
				  "truncated analysis file (a length runs past its end)");
	if (!(a = sl_analysis_new()))
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	msgpack_unpacked_init(&res);
	switch (msgpack_unpack_next(&res, buf, n, &off)) {
	case MSGPACK_UNPACK_SUCCESS:
		break;
	case MSGPACK_UNPACK_CONTINUE:
		rc = sl_err_set(err, SL_ETRUNC, path, 0, "truncated analysis file");
		goto out;
	case MSGPACK_UNPACK_NOMEM_ERROR:
		rc = sl_err_set(err, SL_ENOMEM, path, 0, NULL);
		goto out;
	default:
		rc = sl_err_set(err, SL_EFORMAT, path, 0, "not msgpack");
		goto out;
	}
	if (res.data.type != MSGPACK_OBJECT_MAP) {
		rc = sl_err_set(err, SL_EFORMAT, path, 0, "not an analysis file (not a map)");
		goto out;
	}
	if (off != n) {
		rc = sl_err_set(err, SL_EFORMAT, path, 0, "%zu bytes after the analysis", n - off);
		goto out;
	}
	rc = read_root(&res.data, a, path, err);
out:
	msgpack_unpacked_destroy(&res);
	if (rc)
		sl_analysis_free(a);
	else
		*out = a;
	return rc;
}

int sl_anread_file(const char *path, struct sl_analysis **out, struct sl_errctx *err)
{
	struct stat sb;
	char *buf = NULL;
	size_t got = 0;
	int fd, rc;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return sl_err_set(err, SL_EIO, path, 0, "cannot open: %s", strerror(errno));
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		rc = sl_err_set(err, SL_EIO, path, 0, "not a regular file");
		goto out;
	}
	if ((uint64_t)sb.st_size > SL_ANREAD_MAX_BYTES) {
		rc = sl_err_set(err, SL_ELIMIT, path, 0, "larger than %zu bytes",
				SL_ANREAD_MAX_BYTES);
		goto out;
	}
	if (!(buf = malloc((size_t)sb.st_size + 1))) {
		rc = sl_err_set(err, SL_ENOMEM, path, 0, NULL);
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t k = read(fd, buf + got, (size_t)sb.st_size - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			rc = k ? sl_err_set(err, SL_EIO, path, 0, "cannot read: %s", strerror(errno))
			       : sl_err_set(err, SL_ETRUNC, path, 0, "file shrank while read");
			goto out;
		}
		got += (size_t)k;
	}
	rc = sl_anread_buf(buf, got, path, out, err);
out:
	free(buf);
	close(fd);
	return rc;
}
