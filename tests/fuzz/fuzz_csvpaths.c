/* fuzz_csvpaths.c - the CSV reader's shortcuts against its plain path.
 * The same input is read twice by ingest/csvsrc.c: once with every line
 * through libcsv and the metadata left to the mapper, once with plain
 * lines split by the reader and every metadata object put in its stored
 * form by the reader.  The two must hand over the same header, records
 * (lines, raw text, fields, pre-parsed values) and rejects, and the same
 * error; a metadata object must read the same either way.  The first
 * byte picks the kind as in fuzz_ingest (0 = detect); the rest is the
 * file, plain or gzip. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_input.h"
#include "src.h"

struct digest {
	struct sl_buf out;
	long meta_field; /* the header's "metadata" column, or -1 */
	struct sl_buf prev; /* the last record's fields: "n:bytes" each */
	size_t prev_nf;
};

/* Field i of the record before, from d->prev; NULL if it has none. */
static const char *prev_field(const struct digest *d, size_t i, size_t *n)
{
	const char *p = d->prev.data, *end = p + d->prev.len;

	for (size_t k = 0; p && p < end; k++) {
		char *colon;
		size_t len = strtoul(p, &colon, 10);

		if (k == i) {
			*n = len;
			return colon + 1;
		}
		p = colon + 1 + len;
	}
	return NULL;
}

static void add_bytes(struct sl_buf *b, const char *tag, const void *p, size_t n)
{
	sl_buf_printf(b, "%s%zu:", tag, n);
	sl_buf_add(b, p, n);
}

static int on_header(void *ctx, const char *const *names, size_t n, struct sl_errctx *err)
{
	struct digest *d = ctx;

	(void)err;
	sl_buf_reset(&d->prev);
	d->prev_nf = 0;
	sl_buf_printf(&d->out, "H%zu", n);
	for (size_t i = 0; i < n; i++) {
		add_bytes(&d->out, ",", names[i], strlen(names[i]));
		if (strncmp(names[i], "metadata", 8) == 0 &&
		    strspn(names[i] + 8, " \t\r") == strlen(names[i] + 8))
			d->meta_field = (long)i;
	}
	sl_buf_addc(&d->out, '\n');
	return 0;
}

/* A metadata object as the mapper stores it alone: compact, keys sorted. */
static int canonical(const char *p, size_t n, struct sl_buf *out)
{
	json_t *v;
	char *text = NULL;

	if (!n || p[0] != '{')
		return 0;
	v = json_loadb(p, n, JSON_ALLOW_NUL, NULL);
	if (json_is_object(v) && json_object_size(v))
		text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(v);
	if (!text)
		return 0;
	add_bytes(out, "|J", text, strlen(text));
	free(text);
	return 1;
}

static int on_record(void *ctx, const struct record *rec, struct sl_errctx *err)
{
	struct digest *d = ctx;

	(void)err;
	sl_buf_printf(&d->out, "R%ld,%zu", rec->line, rec->nf);
	add_bytes(&d->out, ",", rec->raw, rec->rawlen);
	for (size_t i = 0; i < rec->nf; i++) {
		const struct field *f = &rec->f[i];

		if (f->pre == PRE_JSON) {
			if ((long)i != d->meta_field)
				abort(); /* only the metadata column is rewritten */
			add_bytes(&d->out, "|J", f->p, f->n);
			continue;
		}
		if (f->kind == F_TEXT && (long)i == d->meta_field && canonical(f->p, f->n, &d->out))
			continue;
		if (f->pre == PRE_SAME) {
			/* the reader's claim: the record before has these bytes here */
			size_t pn = 0;
			const char *pp = prev_field(d, i, &pn);

			if (!pp || pn != f->n || memcmp(pp, f->p, f->n) ||
			    (uint64_t)f->i != sl_hash(f->p, f->n) || d->prev_nf != rec->nf)
				abort();
			sl_buf_printf(&d->out, "|%d%d", (int)f->kind, (int)PRE_UTF8);
			add_bytes(&d->out, "T", f->p, f->n);
			continue;
		}
		sl_buf_printf(&d->out, "|%d%d", (int)f->kind, (int)f->pre);
		if (f->pre == PRE_OK)
			sl_buf_printf(&d->out, "%lld/%a", (long long)f->i, f->d);
		if (f->kind == F_TEXT)
			add_bytes(&d->out, "T", f->p, f->n);
	}
	sl_buf_addc(&d->out, '\n');
	sl_buf_reset(&d->prev);
	for (size_t i = 0; i < rec->nf; i++) {
		const struct field *f = &rec->f[i];

		if (f->kind == F_TEXT)
			add_bytes(&d->prev, "", f->p, f->n);
		else
			sl_buf_adds(&d->prev, "0:");
	}
	d->prev_nf = rec->nf;
	return 0;
}

static int on_reject(void *ctx, long line, const char *reason, const char *raw, size_t rawlen,
		     struct sl_errctx *err)
{
	struct digest *d = ctx;

	(void)err;
	sl_buf_reset(&d->prev);
	d->prev_nf = 0;
	sl_buf_printf(&d->out, "X%ld:%s", line, reason);
	add_bytes(&d->out, ",", raw, rawlen);
	sl_buf_addc(&d->out, '\n');
	return 0;
}

static void read_once(const char *path, enum sl_kind kind, struct digest *d)
{
	struct src_ops ops;
	struct sl_input *in = NULL;
	struct sl_errctx err;
	const char *first;
	ssize_t n;
	int rc = -1;

	memset(&ops, 0, sizeof(ops));
	ops.header = on_header;
	ops.record = on_record;
	ops.reject = on_reject;
	ops.ctx = d;
	ops.kind = kind;
	d->meta_field = -1;
	sl_err_clear(&err);
	if (!sl_input_open(&in, path, &err) && (n = sl_input_read(in, &first, &err)) > 0)
		rc = csvsrc_run(in, "fuzz", first, (size_t)n, &ops, &err);
	sl_buf_printf(&d->out, "E%d,%ld:%s,%llu,%ld\n", rc, err.line, err.msg,
		      (unsigned long long)ops.bytes, ops.lines);
	sl_input_close(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest plain = {SL_BUF_INIT, -1, SL_BUF_INIT, 0},
		      quick = {SL_BUF_INIT, -1, SL_BUF_INIT, 0};
	enum sl_kind kind = SL_KIND_NONE;
	char path[64];
	int fd;

	if (size < 1)
		return 0;
	if ((data[0] & 0x7f) % 11)
		kind = (enum sl_kind)((data[0] & 0x7f) % 11 - 1);
	if ((fd = fuzz_file(data + 1, size - 1, path)) < 0)
		return 0;
	csvsrc_fast_lines = 0;
	csvsrc_canon = 0;
	csvsrc_same = 0;
	read_once(path, kind, &plain);
	csvsrc_fast_lines = 1;
	csvsrc_canon = 2;
	csvsrc_same = 1;
	read_once(path, kind, &quick);
	if (plain.out.len != quick.out.len ||
	    memcmp(plain.out.data, quick.out.data, plain.out.len)) {
		fprintf(stderr, "csvpaths: the two readings differ\n--- libcsv only\n%.*s\n"
				"--- with the shortcuts\n%.*s\n",
			(int)(plain.out.len < 4000 ? plain.out.len : 4000), plain.out.data,
			(int)(quick.out.len < 4000 ? quick.out.len : 4000), quick.out.data);
		abort();
	}
	sl_buf_release(&plain.out);
	sl_buf_release(&quick.out);
	sl_buf_release(&plain.prev);
	sl_buf_release(&quick.prev);
	close(fd);
	return 0;
}
