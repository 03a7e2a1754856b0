#include "mapply.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_value.h"
#include "src.h"

#define NSRC SL_MAP_MAX_SOURCES
#define NONE ((size_t)-1)

struct mapply {
	const struct sl_mapfile *m;
	int is_csv;
	char **hnames;          /* CSV header */
	size_t nh;
	int *hsrc;              /* CSV: [k * NSRC + j] header index of column k's source j, or -1 */
	int *hkeep;             /* CSV: header index of each 'keep' name */
	unsigned char *pass;    /* CSV: per header field, passed through under its name */
	unsigned char *occurs;  /* JSON: [k * NSRC + j] source j of column k was in some record */
	unsigned char *kept;    /* JSON: each 'keep' name was in some record */
	long records;
	const char **names;
	struct field *f;
	size_t *off;            /* text offsets into pool, NONE = none */
	size_t cap;
	char **tmp;             /* this record's nested values as JSON text */
	size_t ntmp, tmpcap;
	struct sl_buf pool, reason, nbuf;
	char **ordname;         /* per column: the metadata key of an ordinal's text */
};

struct mapply *mapply_new(const struct sl_mapfile *m)
{
	struct mapply *ma = calloc(1, sizeof(*ma));
	size_t nc = m->ncols ? m->ncols : 1, nk = m->nkeep ? m->nkeep : 1;

	if (!ma)
		return NULL;
	ma->m = m;
	ma->hsrc = malloc(nc * NSRC * sizeof(int));
	ma->occurs = calloc(nc * NSRC, 1);
	ma->hkeep = malloc(nk * sizeof(int));
	ma->kept = calloc(nk, 1);
	ma->ordname = calloc(nc, sizeof(char *));
	if (!ma->hsrc || !ma->occurs || !ma->hkeep || !ma->kept || !ma->ordname) {
		mapply_free(ma);
		return NULL;
	}
	for (size_t i = 0; i < nc * NSRC; i++)
		ma->hsrc[i] = -1;
	for (size_t i = 0; i < nk; i++)
		ma->hkeep[i] = -1;
	return ma;
}

static void free_tmp(struct mapply *ma)
{
	for (size_t i = 0; i < ma->ntmp; i++)
		free(ma->tmp[i]);
	ma->ntmp = 0;
}

void mapply_free(struct mapply *ma)
{
	if (!ma)
		return;
	for (size_t i = 0; i < ma->nh; i++)
		free(ma->hnames[i]);
	free(ma->hnames);
	free(ma->hsrc);
	free(ma->hkeep);
	free(ma->pass);
	free(ma->occurs);
	free(ma->kept);
	free(ma->names);
	free(ma->f);
	free(ma->off);
	free_tmp(ma);
	free(ma->tmp);
	if (ma->ordname)
		for (size_t k = 0; k < ma->m->ncols; k++)
			free(ma->ordname[k]);
	free(ma->ordname);
	sl_buf_release(&ma->pool);
	sl_buf_release(&ma->reason);
	sl_buf_release(&ma->nbuf);
	free(ma);
}

/* 1 when the map writes canonical column c. */
static int map_writes(const struct sl_mapfile *m, int c)
{
	for (size_t k = 0; k < m->ncols; k++)
		if (m->cols[k].col == c)
			return 1;
	return 0;
}

/* "'a'", "'a' or 'b'", "'a', 'b' or 'c'": a column's sources, for errors. */
static const char *source_list(struct mapply *ma, const struct sl_map_col *c)
{
	size_t ns = sl_mapfile_nsources(c);

	sl_buf_reset(&ma->nbuf);
	for (size_t j = 0; j < ns; j++)
		sl_buf_printf(&ma->nbuf, "%s'%s'",
			      !j ? "" : j + 1 < ns ? ", " : c->pair ? " and " : " or ",
			      sl_mapfile_source(c, j));
	return sl_buf_cstr(&ma->nbuf);
}

/* The metadata key of column k's ordinal text: its source's name, unless
 * that is a column of the kind ('<column>_text' then). */
static int name_ordinals(struct mapply *ma)
{
	const struct sl_mapfile *m = ma->m;

	for (size_t k = 0; k < m->ncols; k++) {
		const struct sl_map_col *c = &m->cols[k];
		const char *s = sl_mapfile_source(c, 0);
		struct sl_buf b = SL_BUF_INIT;

		if (!c->ordinal || ma->ordname[k])
			continue;
		if (sl_kind_col(m->kind, s) >= 0)
			sl_buf_printf(&b, "%s_text", c->canon);
		else
			sl_buf_adds(&b, s);
		if (!b.data)
			return SL_ENOMEM;
		ma->ordname[k] = b.data;
	}
	return SL_OK;
}

int mapply_header(struct mapply *ma, const char *const *names, size_t n, int is_csv,
		  struct sl_errctx *err)
{
	const struct sl_mapfile *m = ma->m;

	ma->is_csv = is_csv;
	if (name_ordinals(ma))
		return sl_err_set(err, SL_ENOMEM, NULL, 1, NULL);
	if (!is_csv)
		return SL_OK; /* JSON: looked up per record */
	ma->hnames = calloc(n ? n : 1, sizeof(char *));
	ma->pass = calloc(n ? n : 1, 1);
	if (!ma->hnames || !ma->pass)
		return sl_err_set(err, SL_ENOMEM, NULL, 1, NULL);
	ma->nh = n;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		int c;

		if (!(ma->hnames[i] = strdup(names[i])))
			return sl_err_set(err, SL_ENOMEM, NULL, 1, NULL);
		/* rowmap trims header names so: "status " is status */
		while (len && isspace((unsigned char)names[i][len - 1]))
			len--;
		ma->hnames[i][len] = 0;
		c = sl_kind_col(m->kind, ma->hnames[i]);
		ma->pass[i] = c >= 0 && !map_writes(m, c);
	}
	for (size_t k = 0; k < m->ncols; k++) {
		const struct sl_map_col *c = &m->cols[k];
		size_t ns = sl_mapfile_nsources(c);
		int found = !ns;

		for (size_t j = 0; j < ns; j++) {
			for (size_t i = 0; i < n; i++)
				if (!strcmp(ma->hnames[i], sl_mapfile_source(c, j))) {
					ma->hsrc[k * NSRC + j] = (int)i;
					break;
				}
			found |= ma->hsrc[k * NSRC + j] >= 0;
		}
		if (!found && ns == 1)
			return sl_err_set(err, SL_EFORMAT, NULL, 1,
					  "the header lacks column '%s' that the map reads into '%s'",
					  sl_mapfile_source(c, 0), c->canon);
		if (!found)
			return sl_err_set(err, SL_EFORMAT, NULL, 1,
					  "the header has none of %s that the map reads into '%s'",
					  source_list(ma, c), c->canon);
	}
	for (size_t q = 0; q < m->nkeep; q++) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(ma->hnames[i], m->keep[q])) {
				ma->hkeep[q] = (int)i;
				ma->pass[i] = 0; /* once, under the kept name */
				break;
			}
		if (ma->hkeep[q] < 0)
			return sl_err_set(err, SL_EFORMAT, NULL, 1,
					  "the header lacks column '%s' that the map keeps",
					  m->keep[q]);
	}
	return SL_OK;
}

int mapply_finish(struct mapply *ma, const char *path, struct sl_errctx *err)
{
	const struct sl_mapfile *m = ma->m;

	if (ma->is_csv || !ma->records)
		return SL_OK; /* the header said it; no record, nothing to say */
	for (size_t k = 0; k < m->ncols; k++) {
		const struct sl_map_col *c = &m->cols[k];
		size_t ns = sl_mapfile_nsources(c);
		int found = !ns;

		for (size_t j = 0; j < ns; j++)
			found |= ma->occurs[k * NSRC + j];
		if (!found)
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "no record has %s that the map reads into '%s'",
					  source_list(ma, c), c->canon);
	}
	for (size_t q = 0; q < m->nkeep; q++)
		if (!ma->kept[q])
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "no record has '%s' that the map keeps", m->keep[q]);
	return SL_OK;
}

static int refuse(struct mapply *ma, const char **reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct mapply *ma, const char **reason, const char *fmt, ...)
{
	char tmp[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sl_buf_reset(&ma->reason);
	sl_buf_adds(&ma->reason, tmp);
	*reason = sl_buf_cstr(&ma->reason);
	return 1;
}

/* ---- finding a source in a record ---- */

/* The value at path in v: each '.'-separated step a member of an object,
 * or (digits) an element of an array, 0 the first.  NULL when a step is
 * missing. */
static json_t *walk(json_t *v, const char *path)
{
	while (v && *path) {
		size_t len = strcspn(path, ".");

		if (json_is_object(v)) {
			v = json_object_getn(v, path, len);
		} else if (json_is_array(v)) {
			size_t idx = 0, i;

			for (i = 0; i < len && isdigit((unsigned char)path[i]) && idx < 1000000; i++)
				idx = idx * 10 + (size_t)(path[i] - '0');
			v = i == len && len ? json_array_get(v, idx) : NULL;
		} else {
			return NULL;
		}
		path += len;
		if (*path == '.')
			path++;
	}
	return v;
}

/* A nested value as a field: scalars as the JSON reader makes them,
 * objects and arrays as compact JSON text (in tmp until the next record). */
static int json_field(struct mapply *ma, json_t *v, struct field *f)
{
	char *s;

	memset(f, 0, sizeof(*f));
	switch (json_typeof(v)) {
	case JSON_STRING:
		f->kind = F_TEXT;
		f->p = json_string_value(v);
		f->n = json_string_length(v);
		return SL_OK;
	case JSON_INTEGER:
		f->kind = F_INT;
		f->i = json_integer_value(v);
		return SL_OK;
	case JSON_REAL:
		f->kind = F_REAL;
		f->d = json_real_value(v);
		return SL_OK;
	case JSON_TRUE:
	case JSON_FALSE:
		f->kind = F_BOOL;
		f->i = json_is_true(v);
		return SL_OK;
	case JSON_NULL:
		f->kind = F_NULL;
		return SL_OK;
	default:
		break;
	}
	if (ma->ntmp == ma->tmpcap && sl_grow(&ma->tmp, &ma->tmpcap, ma->ntmp + 1, sizeof(char *)))
		return SL_ENOMEM;
	if (!(s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)))
		return SL_ENOMEM;
	ma->tmp[ma->ntmp++] = s;
	f->kind = F_JSON;
	f->p = s;
	f->n = strlen(s);
	return SL_OK;
}

/* The field named name in record in: a CSV field by header index hidx, a
 * JSON key of that name, else (with a '.') a path into the object.
 * 1 and *f when it occurs (perhaps null), 0 when not, < 0 out of memory. */
static int find(struct mapply *ma, const struct record *in, const char *name, int hidx,
		struct field *f)
{
	json_t *v;

	if (ma->is_csv) {
		if (hidx < 0 || (size_t)hidx >= in->nf)
			return 0;
		*f = in->f[hidx];
		return 1;
	}
	for (size_t i = 0; i < in->nf; i++)
		if (!strcmp(in->names[i], name)) {
			*f = in->f[i];
			return 1;
		}
	if (!in->obj || !strchr(name, '.') || !(v = walk((json_t *)in->obj, name)))
		return 0;
	return json_field(ma, v, f) ? SL_ENOMEM : 1;
}

static int is_null(const struct field *f)
{
	return f->kind == F_NULL || (f->kind == F_TEXT && sl_value_is_null(f->p, f->n));
}

/* The text of a scalar field (numbers formatted), appended to pool. */
static int text_of(struct mapply *ma, const struct field *f)
{
	switch (f->kind) {
	case F_INT:
		sl_buf_printf(&ma->pool, "%" PRId64, f->i);
		break;
	case F_BOOL:
		sl_buf_adds(&ma->pool, f->i ? "true" : "false");
		break;
	case F_REAL:
		sl_buf_printf(&ma->pool, "%.17g", f->d);
		break;
	default:
		if (sl_buf_add(&ma->pool, f->p, f->n))
			return SL_ENOMEM;
		break;
	}
	return SL_OK;
}

/* Column k's value in record in, into *o (text in pool at *off, or NONE);
 * *used the index of the source it came from (-1: none).  0, < 0. */
static int source_value(struct mapply *ma, const struct record *in, size_t k, struct field *o,
			size_t *off, int *used)
{
	const struct sl_map_col *c = &ma->m->cols[k];
	size_t ns = sl_mapfile_nsources(c);
	struct field got[2];
	size_t ngot = 0;

	*off = NONE;
	*used = -1;
	memset(o, 0, sizeof(*o));
	o->kind = F_NULL;
	if (c->constant) {
		o->kind = F_TEXT;
		o->p = c->constant;
		o->n = strlen(c->constant);
		return SL_OK;
	}
	for (size_t j = 0; j < ns; j++) {
		struct field f;
		int rc = find(ma, in, sl_mapfile_source(c, j), ma->hsrc[k * NSRC + j], &f);

		if (rc < 0)
			return rc;
		if (!rc)
			continue;
		ma->occurs[k * NSRC + j] = 1;
		if (is_null(&f))
			continue;
		if (!c->pair) {
			*o = f;
			*used = (int)j;
			return SL_OK;
		}
		got[ngot++] = f;
		*used = (int)j;
	}
	if (ngot == 1) {
		*o = got[0];
	} else if (ngot == 2) {
		/* 'status + result': "completed succeeded", for the value map */
		*off = ma->pool.len;
		if (text_of(ma, &got[0]) || sl_buf_addc(&ma->pool, ' ') || text_of(ma, &got[1]))
			return SL_ENOMEM;
		o->kind = F_TEXT;
		o->n = ma->pool.len - *off;
		if (sl_buf_addc(&ma->pool, 0))
			return SL_ENOMEM;
	}
	return SL_OK;
}

static int grow(struct mapply *ma, size_t need)
{
	size_t cap = need * 2;
	const char **nm;
	struct field *f;
	size_t *off;

	if (need <= ma->cap)
		return SL_OK;
	if (!(nm = realloc(ma->names, cap * sizeof(*nm))))
		return SL_ENOMEM;
	ma->names = nm;
	if (!(f = realloc(ma->f, cap * sizeof(*f))))
		return SL_ENOMEM;
	ma->f = f;
	if (!(off = realloc(ma->off, cap * sizeof(*off))))
		return SL_ENOMEM;
	ma->off = off;
	ma->cap = cap;
	return SL_OK;
}

int mapply_record(struct mapply *ma, const struct record *in, struct record *out,
		  const char **reason)
{
	const struct sl_mapfile *m = ma->m;
	size_t no = 0;

	/* a column, an ordinal's text each, kept names, passed-through fields */
	if (grow(ma, 2 * m->ncols + m->nkeep + in->nf + 1))
		return SL_ENOMEM;
	if (ma->is_csv && in->nf != ma->nh)
		return refuse(ma, reason, "expected %zu fields, got %zu", ma->nh, in->nf);
	ma->records++;
	free_tmp(ma);
	sl_buf_reset(&ma->pool);
	for (size_t k = 0; k < m->ncols; k++) {
		const struct sl_map_col *c = &m->cols[k];
		struct field *o = &ma->f[no];
		size_t off, n, mn;
		const char *mv;
		int used, rc;

		ma->names[no] = c->canon;
		if ((rc = source_value(ma, in, k, o, &off, &used)))
			return rc;
		ma->off[no] = off;
		no++;
		if (o->kind == F_NULL)
			continue;
		o->pre = PRE_NONE;
		if (o->kind == F_JSON || o->kind == F_LIST)
			continue; /* kept as it is */
		if (!c->constant && !m->nvalues && c->time == SL_MT_AUTO && c->factor <= 0 &&
		    !c->ordinal && off == NONE)
			continue; /* a plain rename */
		/* value maps and conversions work on the text */
		if (off == NONE) {
			off = ma->pool.len;
			if (text_of(ma, o))
				return SL_ENOMEM;
			n = ma->pool.len - off;
			if (sl_buf_addc(&ma->pool, 0))
				return SL_ENOMEM;
		} else {
			n = o->n;
		}
		mv = sl_mapfile_value(m, k, ma->pool.data + off, n, &mn);
		if (mv != ma->pool.data + off) {
			ma->pool.len = off;
			if (sl_buf_add(&ma->pool, mv, mn) || sl_buf_addc(&ma->pool, 0))
				return SL_ENOMEM;
			n = mn;
		}
		o->kind = F_TEXT;
		o->n = n;
		ma->off[no - 1] = off;
		if (c->time != SL_MT_AUTO) {
			int64_t ms;

			if (sl_mapfile_time(c, ma->pool.data + off, o->n, &ms))
				return refuse(ma, reason, "cannot read '%s' as a time in the map's format: '%.40s'",
					      c->canon, ma->pool.data + off);
			o->kind = F_INT;
			o->pre = PRE_OK;
			o->i = ms;
			ma->off[no - 1] = NONE;
		} else if (c->factor > 0) {
			double d;
			const char *t = ma->pool.data + off;

			if (sl_parse_f64(t, o->n, &d) || !isfinite(d) || fabs(d * c->factor) > 9e15)
				return refuse(ma, reason, "cannot read '%s' as a number: '%.40s'",
					      c->canon, t);
			o->kind = F_REAL;
			o->pre = PRE_NONE;
			o->d = d * c->factor;
			if (o->d == floor(o->d) || sl_kind_def(m->kind)->cols[c->col].type == SL_I64) {
				o->kind = F_INT;
				o->i = (int64_t)llround(o->d);
			}
			ma->off[no - 1] = NONE;
		} else if (c->ordinal) {
			int64_t ord;
			const char *other;

			rc = sl_mapfile_ordinal(m, ma->pool.data + off, o->n, &ord, &other);
			if (rc == SL_ENOMEM)
				return rc;
			if (rc)
				return refuse(ma, reason,
					      "'%.60s' and '%.60s' have the same ordinal for '%s'",
					      ma->pool.data + off, other, c->canon);
			o->kind = F_INT;
			o->i = ord;
			/* the text itself is kept, for metadata */
			ma->f[no] = *o;
			ma->f[no].kind = F_TEXT;
			ma->names[no] = ma->ordname[k];
			ma->off[no] = off;
			ma->off[no - 1] = NONE;
			no++;
		}
	}
	/* kept names, under their own names */
	for (size_t q = 0; q < m->nkeep; q++) {
		struct field f;
		int rc = find(ma, in, m->keep[q], ma->hkeep[q], &f);

		if (rc < 0)
			return rc;
		if (!rc)
			continue;
		ma->kept[q] = 1;
		f.pre = PRE_NONE;
		ma->f[no] = f;
		ma->names[no] = m->keep[q];
		ma->off[no] = NONE;
		no++;
	}
	/* columns of the kind the map does not write pass through; nothing
	 * else is looked at */
	for (size_t i = 0; i < in->nf; i++) {
		const char *nm;
		int c;

		if (ma->is_csv) {
			if (!ma->pass[i])
				continue;
			nm = ma->hnames[i];
		} else {
			nm = in->names[i];
			if ((c = sl_kind_col(m->kind, nm)) < 0 || map_writes(m, c))
				continue;
			for (size_t q = 0; q < m->nkeep && nm; q++)
				if (!strcmp(m->keep[q], nm))
					nm = NULL; /* kept above */
			if (!nm)
				continue;
		}
		ma->f[no] = in->f[i];
		ma->f[no].pre = PRE_NONE;
		ma->names[no] = nm;
		ma->off[no] = NONE;
		no++;
	}
	for (size_t i = 0; i < no; i++)
		if (ma->off[i] != NONE)
			ma->f[i].p = ma->pool.data + ma->off[i];
	*out = *in;
	out->nf = no;
	out->f = ma->f;
	out->names = ma->names;
	out->map = NULL;
	out->obj = NULL;
	return 0;
}
