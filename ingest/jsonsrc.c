#include "src.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_value.h"

struct jsonstate {
	struct src_ops *ops;
	const char *path;
	struct sl_errctx *err;
	int header_done;
	struct sl_buf line;  /* a line split across blocks */
	struct sl_buf clean; /* the line with invalid UTF-8 replaced */
	struct sl_buf vals;  /* nested values rendered as text */
	struct field *fields;
	const char **names;
	size_t cap;
	long lineno;
	int skipping;        /* inside an over-long line */
};

/* An array of scalars becomes "a;b;c" (the canonical list spelling);
 * anything else is kept as compact JSON. */
static int render_array(struct jsonstate *st, json_t *a, struct field *f)
{
	size_t i, start = st->vals.len;
	json_t *v;

	json_array_foreach(a, i, v) {
		if (i && sl_buf_addc(&st->vals, ';'))
			return SL_ENOMEM;
		if (json_is_string(v)) {
			if (sl_buf_add(&st->vals, json_string_value(v), json_string_length(v)))
				return SL_ENOMEM;
		} else if (json_is_integer(v)) {
			sl_buf_printf(&st->vals, "%lld", (long long)json_integer_value(v));
		} else if (json_is_real(v)) {
			sl_buf_printf(&st->vals, "%.17g", json_real_value(v));
		} else if (json_is_boolean(v)) {
			sl_buf_adds(&st->vals, json_is_true(v) ? "true" : "false");
		} else {
			char *s = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

			st->vals.len = start;
			if (!s || sl_buf_adds(&st->vals, s)) {
				free(s);
				return SL_ENOMEM;
			}
			free(s);
			f->kind = F_JSON;
			f->n = st->vals.len - start;
			f->i = (int64_t)start;
			return SL_OK;
		}
	}
	f->kind = F_LIST;
	f->n = st->vals.len - start;
	f->i = (int64_t)start; /* offset; pointers are fixed once vals stops growing */
	{
		/* the JSON text follows the joined one: at start + n */
		char *s = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
		size_t js = st->vals.len;

		if (!s || sl_buf_adds(&st->vals, s)) {
			free(s);
			return SL_ENOMEM;
		}
		free(s);
		f->json_n = (uint32_t)(st->vals.len - js); /* a line < SRC_MAX_RECORD */
	}
	return SL_OK;
}

static int handle_line(struct jsonstate *st, const char *s, size_t n)
{
	json_error_t jerr;
	json_t *obj, *v;
	const char *key, *raw = s;
	size_t i = 0, rawlen = n, nf;
	long rep;
	struct record rec;
	int rc = SL_OK;

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	rawlen = n;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (!n)
		return SL_OK;
	if (!sl_utf8_valid(s, n)) {
		sl_buf_reset(&st->clean);
		if ((rep = sl_utf8_sanitize(s, n, &st->clean)) < 0)
			return sl_err_set(st->err, SL_ENOMEM, st->path, st->lineno, NULL);
		st->ops->utf8_replaced += (uint64_t)rep;
		s = st->clean.data;
		n = st->clean.len;
	}
	obj = json_loadb(s, n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
	if (!obj || !json_is_object(obj)) {
		char reason[256];

		if (obj)
			snprintf(reason, sizeof(reason), "not a JSON object");
		else
			snprintf(reason, sizeof(reason), "invalid JSON at column %d: %s",
				 jerr.column, jerr.text);
		json_decref(obj);
		return st->ops->reject(st->ops->ctx, st->lineno, reason, raw, rawlen, st->err);
	}
	nf = json_object_size(obj);
	if (nf > SRC_MAX_FIELDS) {
		json_decref(obj);
		return st->ops->reject(st->ops->ctx, st->lineno, "more than 4096 fields", raw,
				       rawlen, st->err);
	}
	if (nf > st->cap) {
		size_t cap = nf * 2;
		struct field *f = realloc(st->fields, cap * sizeof(*f));
		const char **nm = f ? realloc(st->names, cap * sizeof(*nm)) : NULL;

		if (f)
			st->fields = f;
		if (!nm) {
			json_decref(obj);
			return sl_err_set(st->err, SL_ENOMEM, st->path, st->lineno, NULL);
		}
		st->names = nm;
		st->cap = cap;
	}
	sl_buf_reset(&st->vals);
	json_object_foreach(obj, key, v) {
		struct field *f = &st->fields[i];

		memset(f, 0, sizeof(*f));
		st->names[i] = key;
		switch (json_typeof(v)) {
		case JSON_STRING:
			f->kind = F_TEXT;
			f->p = json_string_value(v);
			f->n = json_string_length(v);
			break;
		case JSON_INTEGER:
			f->kind = F_INT;
			f->i = json_integer_value(v);
			break;
		case JSON_REAL:
			f->kind = F_REAL;
			f->d = json_real_value(v);
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			f->kind = F_BOOL;
			f->i = json_is_true(v);
			break;
		case JSON_NULL:
			f->kind = F_NULL;
			break;
		case JSON_ARRAY:
			rc = render_array(st, v, f);
			f->p = NULL;
			break;
		case JSON_OBJECT: {
			char *d = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
			size_t start = st->vals.len;

			if (!d || sl_buf_adds(&st->vals, d))
				rc = SL_ENOMEM;
			free(d);
			f->kind = F_JSON;
			f->i = (int64_t)start;
			f->n = st->vals.len - start;
			f->p = NULL;
			break;
		}
		}
		if (rc)
			break;
		i++;
	}
	/* rendered values live in vals, which has stopped growing now */
	for (size_t k = 0; k < i; k++) {
		struct field *f = &st->fields[k];

		if ((f->kind == F_JSON || f->kind == F_LIST) && !f->p) {
			size_t off = (size_t)f->i;

			f->p = st->vals.data ? st->vals.data + off : "";
			if (f->kind == F_LIST) /* the JSON text right after (render) */
				f->json = f->p + f->n;
		}
	}
	if (rc) {
		json_decref(obj);
		return sl_err_set(st->err, SL_ENOMEM, st->path, st->lineno, NULL);
	}
	if (!st->header_done) {
		st->header_done = 1;
		rc = st->ops->header(st->ops->ctx, st->names, i, st->err);
		if (rc) {
			if (!st->err->line)
				st->err->line = st->lineno;
			json_decref(obj);
			return rc;
		}
	}
	memset(&rec, 0, sizeof(rec));
	rec.nf = i;
	rec.f = st->fields;
	rec.names = st->names;
	rec.line = st->lineno;
	rec.raw = raw;
	rec.rawlen = rawlen;
	rec.obj = obj;
	rc = st->ops->record(st->ops->ctx, &rec, st->err);
	json_decref(obj);
	return rc;
}

static int feed_block(void *arg, const char *p, size_t n)
{
	struct jsonstate *st = arg;
	const char *end = p + n;
	int rc;

	st->ops->bytes += n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);

		if (st->skipping) {
			/* the rest of a line that was already rejected */
		} else if (st->line.len + len > SRC_MAX_RECORD) {
			if (sl_buf_add(&st->line, p, 4096 > len ? len : 4096))
				return SL_ENOMEM;
			rc = st->ops->reject(st->ops->ctx, st->lineno, "line longer than 16 MiB",
					     st->line.data, st->line.len > 4096 ? 4096 : st->line.len,
					     st->err);
			if (rc)
				return rc;
			sl_buf_reset(&st->line);
			st->skipping = 1;
		} else if (!nl || st->line.len) {
			if (sl_buf_add(&st->line, p, len))
				return sl_err_set(st->err, SL_ENOMEM, st->path, st->lineno, NULL);
		}
		if (!nl)
			break;
		if (!st->skipping) {
			if (st->line.len)
				rc = handle_line(st, st->line.data, st->line.len);
			else
				rc = handle_line(st, p, len);
			if (rc)
				return rc;
		}
		sl_buf_reset(&st->line);
		st->skipping = 0;
		st->lineno++;
		p = nl + 1;
	}
	return SL_OK;
}

int src_feed_json(struct sl_input *in, const char *first, size_t n, struct src_ops *ops,
		  int (*feed)(void *st, const char *p, size_t n), void *st, const long *lineno,
		  struct sl_errctx *err)
{
	const char *data = first;
	ssize_t got = (ssize_t)n;
	int rc;

	if (n >= 3 && !memcmp(first, "\xEF\xBB\xBF", 3)) {
		data += 3;
		got -= 3;
		ops->bytes += 3;
	}
	while (got > 0) {
		if ((rc = feed(st, data, (size_t)got)))
			return rc;
		got = sl_input_read(in, &data, err);
	}
	if (got < 0) {
		err->line = *lineno;
		return (int)got;
	}
	return SL_OK;
}

int jsonsrc_run(struct sl_input *in, const char *path, const char *first, size_t n,
		struct src_ops *ops, struct sl_errctx *err)
{
	struct jsonstate st;
	int rc;

	memset(&st, 0, sizeof(st));
	st.ops = ops;
	st.path = path;
	st.err = err;
	st.lineno = 1;
	if ((rc = src_feed_json(in, first, n, ops, feed_block, &st, &st.lineno, err)))
		goto out;
	if (st.line.len && !st.skipping)
		rc = handle_line(&st, st.line.data, st.line.len);
	if (!rc && !st.header_done)
		rc = sl_err_set(err, SL_EFORMAT, path, 1, "empty input: no JSON object");
out:
	ops->lines = st.lineno - 1;
	sl_buf_release(&st.line);
	sl_buf_release(&st.clean);
	sl_buf_release(&st.vals);
	free(st.fields);
	free(st.names);
	return rc;
}
