#include "mapply.h"

#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_value.h"
#include "src.h"

struct mapply {
	const struct sl_mapfile *m;
	int is_csv;
	char **hnames;          /* CSV header */
	size_t nh;
	int *hsrc;              /* CSV: per mapped column, its header index or -1 */
	unsigned char *used;    /* per input field: consumed by the map */
	size_t nused;
	const char **names;
	struct field *f;
	size_t *off;            /* text offsets into pool, (size_t)-1 = none */
	size_t cap;
	struct sl_buf pool, reason;
};

struct mapply *mapply_new(const struct sl_mapfile *m)
{
	struct mapply *ma = calloc(1, sizeof(*ma));

	if (!ma)
		return NULL;
	ma->m = m;
	ma->hsrc = calloc(SL_MAP_MAX_COLS, sizeof(int));
	if (!ma->hsrc) {
		free(ma);
		return NULL;
	}
	return ma;
}

void mapply_free(struct mapply *ma)
{
	if (!ma)
		return;
	for (size_t i = 0; i < ma->nh; i++)
		free(ma->hnames[i]);
	free(ma->hnames);
	free(ma->hsrc);
	free(ma->used);
	free(ma->names);
	free(ma->f);
	free(ma->off);
	sl_buf_release(&ma->pool);
	sl_buf_release(&ma->reason);
	free(ma);
}

static const char *source_of(const struct sl_map_col *c)
{
	return c->source ? c->source : c->canon;
}

int mapply_header(struct mapply *ma, const char *const *names, size_t n, int is_csv,
		  struct sl_errctx *err)
{
	ma->is_csv = is_csv;
	if (!is_csv)
		return SL_OK; /* JSON: looked up per record */
	ma->hnames = calloc(n ? n : 1, sizeof(char *));
	if (!ma->hnames)
		return sl_err_set(err, SL_ENOMEM, NULL, 1, NULL);
	ma->nh = n;
	for (size_t i = 0; i < n; i++)
		if (!(ma->hnames[i] = strdup(names[i])))
			return sl_err_set(err, SL_ENOMEM, NULL, 1, NULL);
	for (size_t k = 0; k < ma->m->ncols; k++) {
		const struct sl_map_col *c = &ma->m->cols[k];

		ma->hsrc[k] = -1;
		if (c->constant)
			continue;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(names[i], source_of(c))) {
				ma->hsrc[k] = (int)i;
				break;
			}
		if (ma->hsrc[k] < 0)
			return sl_err_set(err, SL_EFORMAT, NULL, 1,
					  "the header lacks column '%s' that the map reads into '%s'",
					  source_of(c), c->canon);
	}
	return SL_OK;
}

static int refuse(struct mapply *ma, const char **reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct mapply *ma, const char **reason, const char *fmt, ...)
{
	char tmp[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sl_buf_reset(&ma->reason);
	sl_buf_adds(&ma->reason, tmp);
	*reason = sl_buf_cstr(&ma->reason);
	return 1;
}

/* The text of a scalar field (numbers formatted), into pool; its offset. */
static int text_of(struct mapply *ma, const struct field *f, size_t *off, size_t *n)
{
	*off = ma->pool.len;
	switch (f->kind) {
	case F_INT:
	case F_BOOL:
		if (f->kind == F_BOOL)
			sl_buf_adds(&ma->pool, f->i ? "true" : "false");
		else
			sl_buf_printf(&ma->pool, "%" PRId64, f->i);
		break;
	case F_REAL:
		sl_buf_printf(&ma->pool, "%.17g", f->d);
		break;
	default:
		if (sl_buf_add(&ma->pool, f->p, f->n))
			return SL_ENOMEM;
		break;
	}
	*n = ma->pool.len - *off;
	return sl_buf_addc(&ma->pool, 0) ? SL_ENOMEM : SL_OK;
}

int mapply_record(struct mapply *ma, const struct record *in, struct record *out,
		  const char **reason)
{
	const struct sl_mapfile *m = ma->m;
	size_t need = m->ncols + in->nf, no = 0;

	if (need > ma->cap) {
		size_t cap = need * 2;
		const char **nm = realloc(ma->names, cap * sizeof(*nm));
		struct field *f;
		size_t *off;

		if (!nm)
			return SL_ENOMEM;
		ma->names = nm;
		if (!(f = realloc(ma->f, cap * sizeof(*f))))
			return SL_ENOMEM;
		ma->f = f;
		if (!(off = realloc(ma->off, cap * sizeof(*off))))
			return SL_ENOMEM;
		ma->off = off;
		ma->cap = cap;
	}
	if (in->nf > ma->nused) {
		unsigned char *u = realloc(ma->used, in->nf);

		if (!u)
			return SL_ENOMEM;
		ma->used = u;
		ma->nused = in->nf;
	}
	if (ma->is_csv && in->nf != ma->nh)
		return refuse(ma, reason, "expected %zu fields, got %zu", ma->nh, in->nf);
	memset(ma->used, 0, in->nf);
	sl_buf_reset(&ma->pool);
	for (size_t k = 0; k < m->ncols; k++) {
		const struct sl_map_col *c = &m->cols[k];
		struct field *o = &ma->f[no];
		const struct field *src = NULL;
		struct field konst = {0};
		size_t off, n, mn;
		const char *mv;

		memset(o, 0, sizeof(*o));
		ma->names[no] = c->canon;
		ma->off[no] = (size_t)-1;
		no++;
		if (c->constant) {
			konst.kind = F_TEXT;
			konst.p = c->constant;
			konst.n = strlen(c->constant);
			src = &konst;
		} else {
			int idx = -1;

			if (ma->is_csv) {
				idx = ma->hsrc[k];
				if (idx >= 0 && (size_t)idx >= in->nf)
					idx = -1;
			} else {
				for (size_t i = 0; i < in->nf; i++)
					if (!strcmp(in->names[i], source_of(c))) {
						idx = (int)i;
						break;
					}
			}
			if (idx >= 0)
				ma->used[idx] = 1;
			if (idx < 0 || in->f[idx].kind == F_NULL ||
			    (in->f[idx].kind == F_TEXT && sl_value_is_null(in->f[idx].p, in->f[idx].n))) {
				o->kind = F_NULL;
				continue;
			}
			src = &in->f[idx];
		}
		*o = *src;
		o->pre = PRE_NONE;
		if (src->kind == F_JSON || src->kind == F_LIST)
			continue; /* kept as it is */
		if (!c->constant && !m->nvalues && c->time == SL_MT_AUTO && c->factor <= 0)
			continue; /* a plain rename */
		/* value maps and conversions work on the text */
		if (text_of(ma, src, &off, &n))
			return SL_ENOMEM;
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

			if (sl_mapfile_time(c, ma->pool.data + ma->off[no - 1], o->n, &ms))
				return refuse(ma, reason, "cannot read '%s' as a time in the map's format: '%.40s'",
					      c->canon, ma->pool.data + ma->off[no - 1]);
			o->kind = F_INT;
			o->pre = PRE_OK;
			o->i = ms;
			ma->off[no - 1] = (size_t)-1;
		} else if (c->factor > 0) {
			double d;
			const char *t = ma->pool.data + ma->off[no - 1];

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
			ma->off[no - 1] = (size_t)-1;
		}
	}
	/* what the map did not use passes through */
	for (size_t i = 0; i < in->nf; i++) {
		if (ma->used[i])
			continue;
		ma->f[no] = in->f[i];
		ma->f[no].pre = PRE_NONE;
		ma->names[no] = ma->is_csv ? (i < ma->nh ? ma->hnames[i] : "?") : in->names[i];
		ma->off[no] = (size_t)-1;
		no++;
	}
	for (size_t i = 0; i < no; i++)
		if (ma->off[i] != (size_t)-1)
			ma->f[i].p = ma->pool.data + ma->off[i];
	*out = *in;
	out->nf = no;
	out->f = ma->f;
	out->names = ma->names;
	out->map = NULL;
	return 0;
}
