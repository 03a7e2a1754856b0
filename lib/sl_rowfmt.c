#include "sl_rowfmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_result.h"
#include "sl_value.h"

void sl_fmt_double(double v, char *buf, size_t n)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* A field needs quotes when it holds one of , " LF CR. */
static int needs_quotes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ',' && (c == ',' || c == '"' || c == '\n' || c == '\r'))
			return 1;
	}
	return 0;
}

/* Called with out locked (the row functions hold it). */
static void put_str(FILE *out, const char *s, size_t n)
{
	/* quote only when needed, so simple values stay readable */
	if (!n)
		return;
	if (!needs_quotes(s, n)) {
		fwrite_unlocked(s, 1, n, out);
		return;
	}
	fputc_unlocked('"', out);
	for (const char *q; (q = memchr(s, '"', n)); n -= (size_t)(q - s) + 1, s = q + 1) {
		fwrite_unlocked(s, 1, (size_t)(q - s) + 1, out);
		fputc_unlocked('"', out); /* a quote is written twice */
	}
	fwrite_unlocked(s, 1, n, out);
	fputc_unlocked('"', out);
}

/* An integer in decimal, without printf's parsing of a format. */
static void put_i64(FILE *out, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	fwrite_unlocked(p, 1, (size_t)(buf + sizeof(buf) - p), out);
}

/* The spreadsheet rule lives in sl_result.c and wants a C string: the
 * stored text is copied once, a NUL written as U+FFFD as a result table
 * holds it.  On allocation failure the field is written empty rather than
 * unneutralised. */
static void put_str_neutral(FILE *out, const char *s, size_t n)
{
	struct sl_buf b = SL_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		rc = s[i] ? sl_buf_addc(&b, s[i]) : sl_buf_add(&b, "\xEF\xBF\xBD", 3);
	if (!rc && !sl_buf_addc(&b, '\0'))
		sl_csv_write_text(out, b.data, SL_CSV_NEUTRALISE);
	sl_buf_release(&b);
}

void sl_rowfmt_csv_header(FILE *out, enum sl_kind kind)
{
	const struct sl_kind_def *k = sl_kind_def(kind);

	for (int c = 0; c < k->ncols; c++)
		fprintf(out, "%s%s", c ? "," : "", k->cols[c].name);
	fputc('\n', out);
}

void sl_rowfmt_csv_row(FILE *out, const struct sl_batch *b, size_t r)
{
	sl_rowfmt_csv_row_flags(out, b, r, 0);
}

void sl_rowfmt_csv_row_flags(FILE *out, const struct sl_batch *b, size_t r, unsigned flags)
{
	char buf[64];

	/* one lock a row, not one a character: --dump and --merge write
	 * millions of rows */
	flockfile(out);
	for (int c = 0; c < b->ncols; c++) {
		const struct sl_col *col = &b->cols[c];

		if (c)
			fputc_unlocked(',', out);
		if (sl_batch_is_null(b, c, r))
			continue;
		switch (col->type) {
		case SL_STR: {
			size_t n;
			const char *s = sl_batch_get_str(b, c, r, &n);

			if (flags & SL_CSV_NEUTRALISE)
				put_str_neutral(out, s, n);
			else
				put_str(out, s, n);
			break;
		}
		case SL_I64:
			put_i64(out, col->v.i64[r]);
			break;
		case SL_F64:
			sl_fmt_double(col->v.f64[r], buf, sizeof(buf));
			fputs_unlocked(buf, out);
			break;
		case SL_BOOL:
			fputs_unlocked(col->v.u8[r] ? "true" : "false", out);
			break;
		case SL_TIME:
			sl_format_time(col->v.i64[r], buf);
			fputs_unlocked(buf, out);
			break;
		}
	}
	fputc_unlocked('\n', out);
	funlockfile(out);
}

json_t *sl_rowfmt_json(const struct sl_batch *b, size_t r)
{
	const struct sl_kind_def *k = sl_kind_def(b->kind);
	json_t *o = json_object();
	char buf[64];

	if (!o)
		return NULL;
	for (int c = 0; c < b->ncols; c++) {
		const struct sl_col *col = &b->cols[c];
		json_t *v = NULL;
		size_t n;
		const char *s;

		if (sl_batch_is_null(b, c, r)) {
			v = json_null();
		} else {
			switch (col->type) {
			case SL_STR:
				s = sl_batch_get_str(b, c, r, &n);
				v = json_stringn(s, n);
				break;
			case SL_I64:
				v = json_integer(col->v.i64[r]);
				break;
			case SL_F64:
				v = isfinite(col->v.f64[r]) ? json_real(col->v.f64[r]) : json_null();
				break;
			case SL_BOOL:
				v = json_boolean(col->v.u8[r]);
				break;
			case SL_TIME:
				sl_format_time(col->v.i64[r], buf);
				v = json_string(buf);
				break;
			}
		}
		if (!v || json_object_set_new(o, k->cols[c].name, v)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}
