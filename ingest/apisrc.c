/* apisrc.c - the reader of CI API exports for the --format adapters.
 *
 * An export is a stream of JSON values: one object per line (JSON Lines),
 * objects pretty-printed over many lines, objects concatenated without
 * separators (`gh api --paginate`), API pages that hold the records in a
 * member (`{"workflow_runs": [...]}`), or one top-level array of records.
 * The stream is scanned byte by byte (strings, escapes, nesting) to find
 * where each top-level value ends, so only one value - one page - is held
 * in memory; jansson then parses that value.  A top-level array is read
 * element by element, so a huge array costs no more than its largest
 * element.
 *
 * A value cut off (a line break inside a string, or a new value opening
 * in column 0 before the last one closed, or the end of the input) is
 * rejected with the line where it starts; reading resumes with the next
 * value. */
#include "src.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt.h"
#include "apisrc.h"
#include "sl_buf.h"
#include "sl_value.h"

#define RAW_KEEP 4096 /* bytes of an over-long value kept for the reject file */

struct apistate {
	struct src_ops *ops;
	const char *path;
	struct sl_errctx *err;
	struct adapter *ad;
	int explain;
	int header_done;
	struct sl_buf val;   /* the current top-level value */
	struct sl_buf clean; /* val with invalid UTF-8 replaced */
	struct sl_buf note;
	long lineno;         /* the line being scanned */
	long vline;          /* the line where the current value starts */
	int in_value, in_str, esc, depth;
	int arr;             /* inside a top-level array */
	int col0;            /* the previous byte was a line break (or none) */
	int too_long;        /* the value outgrew APISRC_MAX_VALUE: only scanned */
	int garbage;         /* skipping a line that starts no JSON value */
	long gline;
};

static int reject(struct apistate *st, long line, const char *reason, const char *raw,
		  size_t n)
{
	return st->ops->reject(st->ops->ctx, line, reason, raw, n > RAW_KEEP * 16 ? RAW_KEEP * 16 : n,
			       st->err);
}

static int send_header(struct apistate *st)
{
	const struct sl_kind_def *def = sl_kind_def(adapter_kind(adapter_id_of(st->ad)));
	const char *names[SRC_MAX_FIELDS];
	int rc;

	st->header_done = 1;
	for (int c = 0; c < def->ncols && c < SRC_MAX_FIELDS; c++)
		names[c] = def->cols[c].name;
	rc = st->ops->header(st->ops->ctx, names, (size_t)def->ncols, st->err);
	if (rc && !st->err->line)
		st->err->line = st->vline;
	return rc;
}

/* One record object: mapped by the adapter, then to the row mapper. */
static int one_record(struct apistate *st, json_t *obj, long line, const char *raw,
		      size_t rawlen)
{
	struct record rec;
	const char *reason = NULL, *why = NULL;
	int rc;

	if (!st->header_done && (rc = send_header(st)))
		return rc;
	if (!json_is_object(obj))
		return reject(st, line, "not a JSON object", raw, rawlen);
	rc = adapter_map(st->ad, obj, st->explain, &rec, &reason, &why);
	if (rc < 0)
		return sl_err_set(st->err, rc, st->path, line, NULL);
	if (rc == 1)
		return reject(st, line, reason, raw, rawlen);
	if (st->explain && why && st->ops->explain &&
	    (rc = st->ops->explain(st->ops->ctx, line, why, st->err)))
		return rc;
	rec.line = line;
	rec.raw = raw;
	rec.rawlen = rawlen;
	return st->ops->record(st->ops->ctx, &rec, st->err);
}

/* A complete top-level value (or top-level array element). */
static int handle_value(struct apistate *st, const char *s, size_t n)
{
	json_error_t jerr;
	json_t *v, *page;
	const char *key = adapter_page_key(adapter_id_of(st->ad));
	long rep;
	int rc = SL_OK;

	if (!sl_utf8_valid(s, n)) {
		sl_buf_reset(&st->clean);
		if ((rep = sl_utf8_sanitize(s, n, &st->clean)) < 0)
			return sl_err_set(st->err, SL_ENOMEM, st->path, st->vline, NULL);
		st->ops->utf8_replaced += (uint64_t)rep;
		s = st->clean.data;
		n = st->clean.len;
	}
	v = json_loadb(s, n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		char reason[300];

		snprintf(reason, sizeof(reason), "invalid JSON at line %ld column %d: %s",
			 st->vline + (jerr.line > 0 ? jerr.line - 1 : 0), jerr.column, jerr.text);
		return reject(st, st->vline, reason, s, n);
	}
	page = key && json_is_object(v) ? json_object_get(v, key) : NULL;
	if (json_is_array(page)) {
		/* an API page: its records; the page's other members (counts,
		 * links) are not records */
		size_t i;
		json_t *e;

		json_array_foreach(page, i, e) {
			sl_buf_reset(&st->note);
			sl_buf_printf(&st->note, "(element %zu of '%s' in the value at line %ld)", i,
				      key, st->vline);
			rc = one_record(st, e, st->vline, st->note.data, st->note.len);
			if (rc)
				break;
		}
		if (!rc && !json_array_size(page) && !st->header_done)
			rc = send_header(st);
	} else {
		rc = one_record(st, v, st->vline, s, n);
	}
	json_decref(v);
	return rc;
}

static int finish_value(struct apistate *st)
{
	int rc;

	st->in_value = 0;
	if (st->too_long) {
		st->too_long = 0;
		rc = reject(st, st->vline, "JSON value longer than 64 MiB", st->val.data,
			    st->val.len);
	} else {
		rc = handle_value(st, st->val.data, st->val.len);
	}
	sl_buf_reset(&st->val);
	return rc;
}

static int cut_value(struct apistate *st, const char *why)
{
	char reason[200];
	int rc;

	snprintf(reason, sizeof(reason), "JSON value cut off: %s", why);
	st->in_value = st->in_str = st->esc = st->depth = 0;
	st->too_long = 0;
	while (st->val.len && strchr(" \t\r\n", st->val.data[st->val.len - 1]))
		st->val.len--;
	rc = reject(st, st->vline, reason, st->val.data, st->val.len);
	sl_buf_reset(&st->val);
	return rc;
}

static int add_span(struct apistate *st, const char *p, size_t n)
{
	if (st->too_long)
		return SL_OK;
	if (st->val.len + n > APISRC_MAX_VALUE) {
		/* keep the beginning for the reject file, scan the rest */
		if (st->val.len > RAW_KEEP)
			st->val.len = RAW_KEEP;
		st->too_long = 1;
		return SL_OK;
	}
	if (sl_buf_add(&st->val, p, n))
		return sl_err_set(st->err, SL_ENOMEM, st->path, st->vline, NULL);
	return SL_OK;
}

static void start_value(struct apistate *st, char c)
{
	st->in_value = 1;
	st->depth = 1;
	st->in_str = st->esc = 0;
	st->vline = st->lineno;
	(void)c;
}

/* Rejects the value from vstart to p (not included) as cut off, for the
 * reason fmt formats. */
static int cut_at(struct apistate *st, const char *vstart, const char *p, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int cut_at(struct apistate *st, const char *vstart, const char *p, const char *fmt, ...)
{
	char why[80];
	va_list ap;
	int rc = add_span(st, vstart, (size_t)(p - vstart));

	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return cut_value(st, why);
}

static int feed(void *arg, const char *p, size_t n)
{
	struct apistate *st = arg;
	const char *end = p + n, *vstart = NULL;
	int rc;

	st->ops->bytes += n;
	if (st->in_value)
		vstart = p;
	for (; p < end; p++) {
		char c = *p;

		if (st->in_value) {
			if (st->in_str) {
				/* strings are most of the bytes: jump to the next special one */
				if (!st->esc) {
					const char *q = p;

					while (q < end && *q != '"' && *q != '\\' && *q != '\n')
						q++;
					if (q == end) {
						p = end - 1;
						st->col0 = 0;
						continue;
					}
					p = q;
					c = *p;
				}
				if (st->esc) {
					st->esc = 0;
				} else if (c == '\\') {
					st->esc = 1;
				} else if (c == '"') {
					st->in_str = 0;
				} else if (c == '\n') {
					if ((rc = cut_at(st, vstart, p, "line %ld ends inside a string",
							 st->lineno)))
						return rc;
					st->lineno++;
					st->col0 = 1;
					vstart = NULL;
					continue;
				}
				st->col0 = c == '\n';
				continue;
			}
			switch (c) {
			case '"':
				st->in_str = 1;
				break;
			case '{':
			case '[':
				if (st->col0) {
					/* a new value in column 0: the last one never closed */
					if ((rc = cut_at(st, vstart, p, "a new value starts at line %ld",
							 st->lineno)))
						return rc;
					start_value(st, c);
					vstart = p;
				} else {
					st->depth++;
				}
				break;
			case '}':
			case ']':
				if (--st->depth == 0) {
					if ((rc = add_span(st, vstart, (size_t)(p + 1 - vstart))))
						return rc;
					vstart = NULL;
					if ((rc = finish_value(st)))
						return rc;
				}
				break;
			case '\n':
				st->lineno++;
				break;
			default:
				break;
			}
			st->col0 = c == '\n';
			continue;
		}
		/* between values */
		if (st->garbage) {
			if (c == '\n') {
				int r2 = reject(st, st->gline, "not a JSON object", st->val.data,
						st->val.len);

				sl_buf_reset(&st->val);
				st->garbage = 0;
				st->lineno++;
				st->col0 = 1;
				if (r2)
					return r2;
			} else if (st->val.len < RAW_KEEP) {
				sl_buf_addc(&st->val, c);
			}
			continue;
		}
		switch (c) {
		case '\n':
			st->lineno++;
			break;
		case ' ':
		case '\t':
		case '\r':
			break;
		case ',':
			if (!st->arr)
				goto garbage;
			break;
		case ']':
			if (!st->arr)
				goto garbage;
			st->arr = 0;
			break;
		case '[':
			if (!st->arr) {
				st->arr = 1;
				break;
			}
			/* an array inside the top-level array */
			start_value(st, c);
			vstart = p;
			break;
		case '{':
			start_value(st, c);
			vstart = p;
			break;
		default:
		garbage:
			st->garbage = 1;
			st->gline = st->lineno;
			sl_buf_reset(&st->val);
			sl_buf_addc(&st->val, c);
			break;
		}
		st->col0 = c == '\n';
	}
	if (st->in_value && vstart)
		return add_span(st, vstart, (size_t)(end - vstart));
	return SL_OK;
}

int apisrc_run(struct sl_input *in, const char *path, const char *first, size_t n,
	       struct src_ops *ops, struct adapter *ad, int explain, struct sl_errctx *err)
{
	struct apistate st;
	int rc;

	memset(&st, 0, sizeof(st));
	st.ops = ops;
	st.path = path;
	st.err = err;
	st.ad = ad;
	st.explain = explain;
	st.lineno = 1;
	st.col0 = 1;
	if ((rc = src_feed_json(in, first, n, ops, feed, &st, &st.lineno, err)))
		goto out;
	if (st.in_value)
		rc = cut_value(&st, "the input ends inside it");
	else if (st.garbage)
		rc = reject(&st, st.gline, "not a JSON object", st.val.data, st.val.len);
	if (!rc && !st.header_done)
		rc = send_header(&st); /* an empty export: a file with no records */
out:
	ops->lines = st.lineno - (st.col0 ? 1 : 0);
	sl_buf_release(&st.val);
	sl_buf_release(&st.clean);
	sl_buf_release(&st.note);
	return rc;
}
