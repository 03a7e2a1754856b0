#include "src.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"

struct csvstate {
	struct csv_parser p;
	int p_init;
	struct src_ops *ops;
	const char *path;
	struct sl_errctx *err;
	int rc;
	int header_done;
	struct sl_buf fbuf; /* field bytes, back to back */
	size_t *foff, *flen;
	unsigned char *fnull;
	size_t nf, fcap;
	int overflow;
	struct field *fields;
	struct sl_buf raw;  /* the record's lines as read */
	long line, rec_line;
};

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* RFC 4180: spaces are part of a field */
}

static void on_field(void *s, size_t len, void *data)
{
	struct csvstate *st = data;

	if (st->rc)
		return;
	if (st->nf == SRC_MAX_FIELDS) {
		st->overflow = 1;
		return;
	}
	if (st->nf == st->fcap) {
		size_t cap = st->fcap ? st->fcap * 2 : 64;
		size_t *o = realloc(st->foff, cap * sizeof(*o));
		size_t *l = o ? realloc(st->flen, cap * sizeof(*l)) : NULL;
		unsigned char *z = l ? realloc(st->fnull, cap) : NULL;
		struct field *f = z ? realloc(st->fields, cap * sizeof(*f)) : NULL;

		if (o)
			st->foff = o;
		if (l)
			st->flen = l;
		if (z)
			st->fnull = z;
		if (!f) {
			st->rc = sl_err_set(st->err, SL_ENOMEM, st->path, st->line, NULL);
			return;
		}
		st->fields = f;
		st->fcap = cap;
	}
	st->foff[st->nf] = st->fbuf.len;
	st->flen[st->nf] = len;
	st->fnull[st->nf] = s == NULL;
	if (s && sl_buf_add(&st->fbuf, s, len)) {
		st->rc = sl_err_set(st->err, SL_ENOMEM, st->path, st->line, NULL);
		return;
	}
	st->nf++;
}

static void reset_record(struct csvstate *st)
{
	st->nf = 0;
	st->overflow = 0;
	sl_buf_reset(&st->fbuf);
	sl_buf_reset(&st->raw);
}

static size_t raw_len(const struct csvstate *st)
{
	size_t n = st->raw.len;

	while (n && (st->raw.data[n - 1] == '\n' || st->raw.data[n - 1] == '\r'))
		n--;
	return n;
}

static void deliver_header(struct csvstate *st)
{
	char **names = calloc(st->nf ? st->nf : 1, sizeof(char *));

	if (!names) {
		st->rc = sl_err_set(st->err, SL_ENOMEM, st->path, st->rec_line, NULL);
		return;
	}
	for (size_t i = 0; i < st->nf && !st->rc; i++) {
		names[i] = malloc(st->flen[i] + 1);
		if (!names[i]) {
			st->rc = sl_err_set(st->err, SL_ENOMEM, st->path, st->rec_line, NULL);
			break;
		}
		memcpy(names[i], st->fbuf.data + st->foff[i], st->flen[i]);
		names[i][st->flen[i]] = '\0';
		if (!st->flen[i] || memchr(names[i], '\0', st->flen[i]))
			st->rc = sl_err_set(st->err, SL_EFORMAT, st->path, st->rec_line,
					    "empty or invalid column name in header (column %zu)",
					    i + 1);
	}
	if (!st->rc && st->overflow)
		st->rc = sl_err_set(st->err, SL_ELIMIT, st->path, st->rec_line,
				    "header has more than %d columns", SRC_MAX_FIELDS);
	if (!st->rc) {
		st->rc = st->ops->header(st->ops->ctx, (const char *const *)names, st->nf,
					 st->err);
		if (st->rc && !st->err->line)
			st->err->line = st->rec_line;
	}
	for (size_t i = 0; i < st->nf; i++)
		free(names[i]);
	free(names);
	st->header_done = 1;
}

static void on_record(int c, void *data)
{
	struct csvstate *st = data;
	struct record rec;

	(void)c;
	if (st->rc)
		return;
	if (!st->header_done) {
		deliver_header(st);
		reset_record(st);
		return;
	}
	if (st->overflow) {
		st->rc = st->ops->reject(st->ops->ctx, st->rec_line, "more than 4096 fields",
					 st->raw.data, raw_len(st), st->err);
		reset_record(st);
		return;
	}
	for (size_t i = 0; i < st->nf; i++) {
		st->fields[i].kind = st->fnull[i] ? F_NULL : F_TEXT;
		st->fields[i].p = st->fbuf.data ? st->fbuf.data + st->foff[i] : "";
		st->fields[i].n = st->flen[i];
	}
	memset(&rec, 0, sizeof(rec));
	rec.nf = st->nf;
	rec.f = st->fields;
	rec.line = st->rec_line;
	rec.raw = sl_buf_cstr(&st->raw);
	rec.rawlen = raw_len(st);
	st->rc = st->ops->record(st->ops->ctx, &rec, st->err);
	reset_record(st);
}

static int parser_init(struct csvstate *st)
{
	if (st->p_init)
		csv_free(&st->p);
	if (csv_init(&st->p, CSV_EMPTY_IS_NULL | CSV_STRICT_FINI))
		return sl_err_set(st->err, SL_ENOMEM, st->path, st->line, NULL);
	csv_set_space_func(&st->p, no_space);
	st->p_init = 1;
	return SL_OK;
}

/* Feeds one line (or the tail of a block) to the parser. */
static int feed(struct csvstate *st, const char *s, size_t n, int ends_line)
{
	if (!st->raw.len) {
		/* blank lines between records are not records */
		if (ends_line && (n == 1 || (n == 2 && s[0] == '\r'))) {
			st->line++;
			return SL_OK;
		}
		st->rec_line = st->line;
	}
	if (sl_buf_add(&st->raw, s, n))
		return sl_err_set(st->err, SL_ENOMEM, st->path, st->line, NULL);
	if (csv_parse(&st->p, s, n, on_field, on_record, st) != n && !st->rc)
		st->rc = sl_err_set(st->err, SL_EFORMAT, st->path, st->line, "%s",
				    csv_strerror(csv_error(&st->p)));
	if (st->rc)
		return st->rc;
	if (ends_line)
		st->line++;
	if (st->raw.len > SRC_MAX_RECORD) {
		/* a runaway quoted field: give it up and resume at the next line */
		int rc = st->ops->reject(st->ops->ctx, st->rec_line,
					 "record longer than 16 MiB (unterminated quote?)",
					 st->raw.data, 4096, st->err);

		reset_record(st);
		return rc ? rc : parser_init(st);
	}
	return SL_OK;
}

static int feed_block(struct csvstate *st, const char *p, size_t n)
{
	const char *end = p + n;

	st->ops->bytes += n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl + 1 : end;
		int rc = feed(st, p, (size_t)(stop - p), nl != NULL);

		if (rc)
			return rc;
		p = stop;
	}
	return SL_OK;
}

int csvsrc_run(struct sl_input *in, const char *path, const char *first, size_t n,
	       struct src_ops *ops, struct sl_errctx *err)
{
	struct csvstate st;
	const char *data = first;
	ssize_t got = (ssize_t)n;
	int rc;

	memset(&st, 0, sizeof(st));
	st.ops = ops;
	st.path = path;
	st.err = err;
	st.line = 1;
	if ((rc = parser_init(&st)))
		return rc;
	if (n >= 3 && !memcmp(first, "\xEF\xBB\xBF", 3)) {
		data += 3; /* a UTF-8 byte order mark is not part of the header */
		got -= 3;
		ops->bytes += 3;
	}
	while (got > 0) {
		if ((rc = feed_block(&st, data, (size_t)got)))
			goto out;
		got = sl_input_read(in, &data, err);
	}
	if (got < 0) {
		rc = (int)got;
		err->line = st.line;
		goto out;
	}
	if (csv_fini(&st.p, on_field, on_record, &st) && !st.rc) {
		rc = ops->reject(ops->ctx, st.rec_line,
				 "unterminated quoted field at the end of the file", st.raw.data,
				 raw_len(&st) > 4096 ? 4096 : raw_len(&st), err);
		if (rc)
			goto out;
	}
	rc = st.rc;
	if (!rc && !st.header_done)
		rc = sl_err_set(err, SL_EFORMAT, path, 1, "empty input: no header row");
out:
	ops->lines = st.line - 1;
	if (st.p_init)
		csv_free(&st.p);
	sl_buf_release(&st.fbuf);
	sl_buf_release(&st.raw);
	free(st.foff);
	free(st.flen);
	free(st.fnull);
	free(st.fields);
	return rc;
}
