#include "sl_result.h"
#include "sl_dict.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_anread.h"
#include "sl_buf.h"
#include "sl_dict.h"
#include "sl_outfile.h"
#include "sl_rowfmt.h"
#include "sl_value.h"
#include "sl_version.h"

#define ANALYSIS_MAGIC "shiplog-analysis"
#define ANALYSIS_FORMAT 2
#define ANALYSIS_TRAILER 36 /* bytes: docs/FORMAT.md */

/* A row group in the file. */
struct rgroup {
	uint64_t off, bytes, rows;
};

/* String cells are codes into a dictionary per column (names repeat; a
 * table of ten million deployments must not hold ten million mallocs); the
 * strings are interned with their NUL so they read back as C strings. */
struct rcol {
	char *name;
	enum sl_rtype type;
	union {
		int64_t *i64;
		double *f64;
		uint32_t *code;
		void *p;
	} v;
	uint8_t *isnull;
	struct sl_dict *dict; /* SL_R_STR */
	struct sl_buf flat;   /* SL_R_STR of a flat table: the strings, code = offset */
	struct stable *stable; /* sl_table_set_stable()'s codes by address, or NULL */
};

/* A string sl_table_set_stable() or sl_table_set_name() was given, known
 * by its address and length or by its dictionary and code: its code in
 * the column's dictionary of the group gen. */
#define STABLE_SLOTS 256
struct stable {
	const void *key;
	size_t id;
	uint32_t code;
	uint64_t gen;
};

struct sl_table {
	char *name;
	int ncols;
	struct rcol *cols;
	size_t n, cap; /* rows in memory */
	struct sl_buf scratch;
	/* streamed: the analysis whose file has the first `flushed` rows, in
	 * groups[]; an in-memory table's groups are those of its last write */
	struct sl_analysis *sa;
	uint64_t flushed;
	struct rgroup *groups;
	size_t ngroups, groups_cap;
	int written; /* its groups are in the file being written */
	int flat;    /* strings stored as they come (sl_table_new_flat) */
	uint64_t gen; /* the dictionaries' generation: flush_group() starts them again */
};

static int flush_group(struct sl_table *t);

struct sl_table *sl_table_new(const char *name, const struct sl_rcol *cols, int ncols)
{
	struct sl_table *t = calloc(1, sizeof(*t));

	if (!t || !(t->name = strdup(name)) || !(t->cols = calloc((size_t)ncols, sizeof(*t->cols))))
		goto fail;
	t->ncols = ncols;
	for (int c = 0; c < ncols; c++) {
		if (!(t->cols[c].name = strdup(cols[c].name)))
			goto fail;
		t->cols[c].type = cols[c].type;
		if (cols[c].type == SL_R_STR && !(t->cols[c].dict = sl_dict_new()))
			goto fail;
	}
	return t;
fail:
	sl_table_free(t);
	return NULL;
}

struct sl_table *sl_table_new_flat(const char *name, const struct sl_rcol *cols, int ncols)
{
	struct sl_table *t = sl_table_new(name, cols, ncols);

	if (!t)
		return NULL;
	/* no dictionary: each string is copied once, never hashed */
	t->flat = 1;
	for (int c = 0; c < ncols; c++) {
		sl_dict_free(t->cols[c].dict);
		t->cols[c].dict = NULL;
	}
	return t;
}

int sl_table_set_flat(struct sl_table *t, int c)
{
	if (c < 0 || c >= t->ncols || t->cols[c].type != SL_R_STR || sl_table_rows(t))
		return SL_EINVAL;
	sl_dict_free(t->cols[c].dict);
	t->cols[c].dict = NULL;
	return SL_OK;
}

void sl_table_free(struct sl_table *t)
{
	if (!t)
		return;
	for (int c = 0; t->cols && c < t->ncols; c++) {
		sl_dict_free(t->cols[c].dict);
		sl_buf_release(&t->cols[c].flat);
		free(t->cols[c].stable);
		free(t->cols[c].v.p);
		free(t->cols[c].isnull);
		free(t->cols[c].name);
	}
	free(t->cols);
	free(t->name);
	free(t->groups);
	sl_buf_release(&t->scratch);
	free(t);
}

const char *sl_table_name(const struct sl_table *t) { return t->name; }
size_t sl_table_rows(const struct sl_table *t) { return (size_t)t->flushed + t->n; }
int sl_table_streamed(const struct sl_table *t) { return t->flushed > 0; }

static int reserve(struct sl_table *t, size_t need)
{
	if (need > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;

		while (cap < need)
			cap *= 2;
		for (int c = 0; c < t->ncols; c++) {
			struct rcol *col = &t->cols[c];
			size_t sz = col->type == SL_R_STR ? sizeof(uint32_t)
				    : col->type == SL_R_F64 ? sizeof(double)
							    : sizeof(int64_t);
			void *p = realloc(col->v.p, cap * sz);
			uint8_t *z;

			if (!p)
				return SL_ENOMEM;
			col->v.p = p;
			z = realloc(col->isnull, cap);
			if (!z)
				return SL_ENOMEM;
			col->isnull = z;
		}
		t->cap = cap;
	}
	return SL_OK;
}

int sl_table_add_rows(struct sl_table *t, size_t k)
{
	if (reserve(t, t->n + k))
		return SL_ENOMEM;
	if (k == 1) { /* a row at a time (most tables): stores, not two calls a column */
		for (int c = 0; c < t->ncols; c++) {
			struct rcol *col = &t->cols[c];

			col->isnull[t->n] = 1;
			if (col->type == SL_R_STR)
				col->v.code[t->n] = 0;
			else
				col->v.i64[t->n] = 0;
		}
		t->n++;
		return SL_OK;
	}
	for (int c = 0; c < t->ncols; c++) {
		struct rcol *col = &t->cols[c];

		memset(col->isnull + t->n, 1, k);
		memset((char *)col->v.p + t->n * (col->type == SL_R_STR ? sizeof(uint32_t) : 8), 0,
		       k * (col->type == SL_R_STR ? sizeof(uint32_t) : 8));
	}
	t->n += k;
	return SL_OK;
}

int sl_table_add_row(struct sl_table *t)
{
	/* a streamed table's full group goes to the file before the next row */
	if (t->sa && t->n == SL_RESULT_GROUP_ROWS)
		flush_group(t);
	return sl_table_add_rows(t, 1);
}

int sl_table_set_str(struct sl_table *t, int c, const char *s, size_t n)
{
	return sl_table_set_str_at(t, c, t->n - 1, s, n);
}

int sl_table_set_str_at(struct sl_table *t, int c, size_t r, const char *s, size_t n)
{
	uint32_t code;

	if (!t->cols[c].dict) { /* a flat table, or a flat column */
		struct sl_buf *b = &t->cols[c].flat;

		if (memchr(s, '\0', n)) {
			/* as below: each NUL becomes U+FFFD */
			sl_buf_reset(&t->scratch);
			for (const char *nul; n && (nul = memchr(s, '\0', n));
			     n -= (size_t)(nul - s) + 1, s = nul + 1)
				if (sl_buf_add(&t->scratch, s, (size_t)(nul - s)) ||
				    sl_buf_add(&t->scratch, "\xEF\xBF\xBD", 3))
					return SL_ENOMEM;
			if (sl_buf_add(&t->scratch, s, n))
				return SL_ENOMEM;
			s = t->scratch.data;
			n = t->scratch.len;
		}

		/* offsets are 32-bit: a group's strings are far smaller */
		if (b->len + n + 1 > UINT32_MAX || sl_buf_add(b, s, n) || sl_buf_addc(b, '\0'))
			return SL_ENOMEM;
		t->cols[c].v.code[r] = (uint32_t)(b->len - n - 1);
		t->cols[c].isnull[r] = 0;
		return SL_OK;
	}
	sl_buf_reset(&t->scratch);
	/* cells are C strings (and the analysis file forbids NUL): a NUL from
	 * a log becomes U+FFFD, so "a\0b" stays distinct from "a" */
	for (const char *nul; n && (nul = memchr(s, '\0', n)); n -= (size_t)(nul - s) + 1, s = nul + 1)
		if (sl_buf_add(&t->scratch, s, (size_t)(nul - s)) ||
		    sl_buf_add(&t->scratch, "\xEF\xBF\xBD", 3))
			return SL_ENOMEM;
	if (sl_buf_add(&t->scratch, s, n) || sl_buf_addc(&t->scratch, '\0') ||
	    sl_dict_intern(t->cols[c].dict, t->scratch.data, t->scratch.len, &code))
		return SL_ENOMEM;
	t->cols[c].v.code[r] = code;
	t->cols[c].isnull[r] = 0;
	return SL_OK;
}

/* The code of the string known as (key, id) in column c's dictionary,
 * remembered in its slot; s[0..n) the string when it is not. */
static int set_remembered(struct sl_table *t, int c, const void *key, size_t id, const char *s,
			  size_t n)
{
	struct rcol *col = &t->cols[c];
	struct stable *e;
	int rc;

	if (!col->dict)
		return sl_table_set_str(t, c, s, n);
	if (!col->stable && !(col->stable = calloc(STABLE_SLOTS, sizeof(*col->stable))))
		return SL_ENOMEM;
	e = &col->stable[((uintptr_t)key >> 4 ^ id * 0x9e3779b97f4a7c15u) % STABLE_SLOTS];
	if (e->key == key && e->id == id && e->gen == t->gen + 1) {
		col->v.code[t->n - 1] = e->code;
		col->isnull[t->n - 1] = 0;
		return SL_OK;
	}
	if ((rc = sl_table_set_str(t, c, s, n)))
		return rc;
	/* gen + 1: a zeroed slot is never valid */
	*e = (struct stable){key, id, col->v.code[t->n - 1], t->gen + 1};
	return SL_OK;
}

int sl_table_set_stable(struct sl_table *t, int c, const char *s, size_t n)
{
	return set_remembered(t, c, s, n, s, n);
}

int sl_table_set_name(struct sl_table *t, int c, const struct sl_dict *d, uint32_t code)
{
	size_t n;
	const char *s = sl_dict_get(d, code, &n);

	/* ids above any length: a name is never taken for a string */
	return set_remembered(t, c, d, (size_t)1 << 63 | code, s, n);
}

static const char *cell_str(const struct rcol *col, size_t r)
{
	size_t n;

	if (!col->dict)
		return col->flat.data + col->v.code[r];
	return sl_dict_get(col->dict, col->v.code[r], &n);
}

void sl_table_set_i64_at(struct sl_table *t, int c, size_t r, int64_t v)
{
	t->cols[c].v.i64[r] = v;
	t->cols[c].isnull[r] = 0;
}

void sl_table_set_f64_at(struct sl_table *t, int c, size_t r, double v)
{
	if (!isfinite(v))
		return; /* stays null: "no value", e.g. a rate over nothing */
	t->cols[c].v.f64[r] = v;
	t->cols[c].isnull[r] = 0;
}

void sl_table_set_i64(struct sl_table *t, int c, int64_t v)
{
	sl_table_set_i64_at(t, c, t->n - 1, v);
}

void sl_table_set_f64(struct sl_table *t, int c, double v)
{
	sl_table_set_f64_at(t, c, t->n - 1, v);
}

int sl_table_copy_row(struct sl_table *t, const struct sl_table *src, size_t r)
{
	size_t d = t->n;

	if (sl_table_add_rows(t, 1))
		return SL_ENOMEM;
	for (int c = 0; c < t->ncols && c < src->ncols; c++) {
		const struct rcol *sc = &src->cols[c];

		if (sc->isnull[r])
			continue;
		if (sc->type == SL_R_STR) {
			const char *s = cell_str(sc, r);

			if (sl_table_set_str_at(t, c, d, s, strlen(s)))
				return SL_ENOMEM;
		} else if (sc->type == SL_R_F64) {
			sl_table_set_f64_at(t, c, d, sc->v.f64[r]);
		} else {
			sl_table_set_i64_at(t, c, d, sc->v.i64[r]);
		}
	}
	return SL_OK;
}

void sl_table_set_bool(struct sl_table *t, int c, int v)
{
	sl_table_set_i64(t, c, v != 0);
}

int sl_table_col(const struct sl_table *t, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (!strcmp(t->cols[c].name, name))
			return c;
	return -1;
}

int sl_table_ncols(const struct sl_table *t) { return t->ncols; }
const char *sl_table_col_name(const struct sl_table *t, int c) { return t->cols[c].name; }
enum sl_rtype sl_table_col_type(const struct sl_table *t, int c) { return t->cols[c].type; }

int sl_table_get_f64(const struct sl_table *t, int c, size_t r, double *v)
{
	const struct rcol *col;

	if (c < 0 || c >= t->ncols || r >= t->n || t->cols[c].isnull[r])
		return -1;
	col = &t->cols[c];
	if (col->type == SL_R_STR)
		return -1;
	*v = col->type == SL_R_F64 ? col->v.f64[r] : (double)col->v.i64[r];
	return 0;
}

const char *sl_table_get_str(const struct sl_table *t, int c, size_t r)
{
	if (c < 0 || c >= t->ncols || r >= t->n || t->cols[c].isnull[r] ||
	    t->cols[c].type != SL_R_STR)
		return NULL;
	return cell_str(&t->cols[c], r);
}


/* The CSV writers below hold out's lock (flockfile) and write unlocked:
 * a stdio call that locks costs as much as a short field's formatting. */
static void csv_field(FILE *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n"))
		csv_fwrite(out, s, strlen(s));
	else
		fputs_unlocked(s, out);
}

/* A plain decimal number ("-12", "+3.5", "-1e-3"): left as it is. */
static int is_number(const char *s)
{
	char *end;

	if (!strchr("+-.0123456789", s[0]) || strpbrk(s, "xXnNiI"))
		return 0;
	errno = 0;
	strtod(s, &end);
	return end != s && !*end && !errno;
}

/* A control character other than tab, CR and LF (which quoting handles):
 * written as U+FFFD in neutralised CSV, so no escape sequence reaches a
 * terminal or a spreadsheet cell. */
static int is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

static void csv_text(FILE *out, const char *s, unsigned flags);

static void csv_text_clean(FILE *out, const char *s, unsigned flags)
{
	struct sl_buf b = SL_BUF_INIT;

	for (; *s; s++)
		if (is_ctl((unsigned char)*s) ? sl_buf_add(&b, "\xEF\xBF\xBD", 3)
					      : sl_buf_addc(&b, *s)) {
			sl_buf_release(&b);
			return;
		}
	if (!sl_buf_addc(&b, '\0'))
		csv_text(out, b.data, flags);
	sl_buf_release(&b);
}

static void csv_text(FILE *out, const char *s, unsigned flags)
{
	size_t n;
	int quote = 0, ctl = 0;

	/* one pass: the length, whether quotes are needed, and control
	 * characters (every byte it looks at twice is below '#', ',' or DEL) */
	for (n = 0; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (c <= '"' || c == ',' || c == 0x7f) {
			if (c == ',' || c == '"' || c == '\r' || c == '\n')
				quote = 1;
			else
				ctl |= is_ctl(c);
		}
	}
	if (ctl && (flags & SL_CSV_NEUTRALISE)) {
		csv_text_clean(out, s, flags);
		return;
	}
	if (!(flags & SL_CSV_NEUTRALISE) || !s[0] || !strchr("=+-@\t\r", s[0]) || is_number(s)) {
		if (quote)
			csv_fwrite(out, s, n);
		else
			fwrite_unlocked(s, 1, n, out);
		return;
	}
	/* the apostrophe goes inside the quotes, where a spreadsheet reads it
	 * as "text follows" */
	if (!quote) {
		fputc_unlocked('\'', out);
		fwrite_unlocked(s, 1, n, out);
		return;
	}
	fputs_unlocked("\"'", out);
	for (; *s; s++)
		if (*s == '"')
			fputs_unlocked("\"\"", out);
		else
			fputc_unlocked(*s, out);
	fputc_unlocked('"', out);
}

void sl_csv_write_text(FILE *out, const char *s, unsigned flags)
{
	flockfile(out);
	csv_text(out, s, flags);
	funlockfile(out);
}

int sl_table_write_csv(const struct sl_table *t, FILE *out)
{
	return sl_table_write_csv_flags(t, out, 0);
}

int sl_table_write_csv_head(const struct sl_table *t, FILE *out)
{
	flockfile(out);
	for (int c = 0; c < t->ncols; c++) {
		if (c)
			fputc_unlocked(',', out);
		csv_field(out, t->cols[c].name);
	}
	fputc_unlocked('\n', out);
	funlockfile(out);
	return ferror(out) ? SL_EIO : SL_OK;
}

int sl_table_write_csv_rows(const struct sl_table *t, FILE *out, unsigned flags)
{
	char buf[64];

	flockfile(out);
	for (size_t r = 0; r < t->n; r++) {
		for (int c = 0; c < t->ncols; c++) {
			const struct rcol *col = &t->cols[c];

			if (c)
				fputc_unlocked(',', out);
			if (col->isnull[r])
				continue;
			switch (col->type) {
			case SL_R_STR:
				csv_text(out, cell_str(col, r), flags);
				break;
			case SL_R_I64:
				fwrite_unlocked(buf, 1, sl_fmt_i64(col->v.i64[r], buf), out);
				break;
			case SL_R_F64:
				sl_fmt_double(col->v.f64[r], buf, sizeof(buf));
				fputs_unlocked(buf, out);
				break;
			case SL_R_BOOL:
				fputs_unlocked(col->v.i64[r] ? "true" : "false", out);
				break;
			case SL_R_TIME:
				sl_format_time(col->v.i64[r], buf);
				fputs_unlocked(buf, out);
				break;
			case SL_R_DAY:
				sl_format_day(col->v.i64[r], buf);
				fputs_unlocked(buf, out);
				break;
			}
		}
		fputc_unlocked('\n', out);
	}
	funlockfile(out);
	return ferror(out) ? SL_EIO : SL_OK;
}

static int streamed_csv_rows(const struct sl_table *t, FILE *out, unsigned flags);

int sl_table_write_csv_flags(const struct sl_table *t, FILE *out, unsigned flags)
{
	int rc = sl_table_write_csv_head(t, out);

	if (!rc && t->flushed)
		rc = streamed_csv_rows(t, out, flags);
	return rc ? rc : sl_table_write_csv_rows(t, out, flags);
}

/* ---- the analysis ---- */

struct meta {
	char *key;
	enum sl_rtype type;
	char *s;
	int64_t i;
	double d;
};

struct sl_analysis {
	struct meta *meta;
	size_t nmeta, meta_cap;
	struct sl_table **tables;
	size_t ntables, tables_cap;
	/* the file being written (sl_analysis_open) */
	FILE *f;
	char *path, *tmp;
	msgpack_packer pk;
	uint64_t off;  /* bytes written */
	int werr;      /* errno of the first failed write (-1: unknown), sticky */
	int streaming; /* opened by sl_analysis_open: tables may stream */
	int special;   /* path is written through, not replaced (sl_outfile.h) */
	/* msgpack-c writes item by item, a few bytes each: they gather here
	 * and go to f a buffer at a time (wflush() before f is used) */
	char *wbuf;
	size_t wlen;
};

#define WBUF_SIZE ((size_t)1 << 16)

struct sl_analysis *sl_analysis_new(void)
{
	return calloc(1, sizeof(struct sl_analysis));
}

static void file_abort(struct sl_analysis *a)
{
	a->wlen = 0; /* what was gathered goes with the file */
	if (a->f) {
		fclose(a->f);
		if (a->tmp) /* a part's file has no name */
			unlink(a->tmp);
	}
	a->f = NULL;
	free(a->tmp);
	free(a->path);
	a->tmp = a->path = NULL;
}

void sl_analysis_free(struct sl_analysis *a)
{
	if (!a)
		return;
	file_abort(a); /* never written: the temporary file goes */
	for (size_t i = 0; i < a->nmeta; i++) {
		free(a->meta[i].key);
		free(a->meta[i].s);
	}
	for (size_t i = 0; i < a->ntables; i++)
		sl_table_free(a->tables[i]);
	free(a->meta);
	free(a->tables);
	free(a->wbuf);
	free(a);
}

static struct meta *add_meta(struct sl_analysis *a, const char *key, enum sl_rtype type)
{
	struct meta *m;

	if (sl_grow(&a->meta, &a->meta_cap, a->nmeta + 1, sizeof(*a->meta)))
		return NULL;
	m = &a->meta[a->nmeta];
	memset(m, 0, sizeof(*m));
	if (!(m->key = strdup(key)))
		return NULL;
	m->type = type;
	a->nmeta++;
	return m;
}

int sl_analysis_meta_str(struct sl_analysis *a, const char *key, const char *value)
{
	struct meta *m = add_meta(a, key, SL_R_STR);

	return m && (m->s = strdup(value)) ? SL_OK : SL_ENOMEM;
}

int sl_analysis_meta_i64(struct sl_analysis *a, const char *key, int64_t value)
{
	struct meta *m = add_meta(a, key, SL_R_I64);

	if (!m)
		return SL_ENOMEM;
	m->i = value;
	return SL_OK;
}

int sl_analysis_meta_f64(struct sl_analysis *a, const char *key, double value)
{
	struct meta *m = add_meta(a, key, SL_R_F64);

	if (!m)
		return SL_ENOMEM;
	m->d = value;
	return SL_OK;
}

size_t sl_analysis_nmeta(const struct sl_analysis *a)
{
	return a->nmeta;
}

const char *sl_analysis_meta_key(const struct sl_analysis *a, size_t i, enum sl_rtype *type)
{
	if (i >= a->nmeta)
		return NULL;
	if (type)
		*type = a->meta[i].type;
	return a->meta[i].key;
}

static const struct meta *find_meta(const struct sl_analysis *a, const char *key)
{
	for (size_t i = 0; i < a->nmeta; i++)
		if (!strcmp(a->meta[i].key, key))
			return &a->meta[i];
	return NULL;
}

const char *sl_analysis_get_meta_str(const struct sl_analysis *a, const char *key)
{
	const struct meta *m = find_meta(a, key);

	return m && m->type == SL_R_STR ? m->s : NULL;
}

int sl_analysis_get_meta_f64(const struct sl_analysis *a, const char *key, double *v)
{
	const struct meta *m = find_meta(a, key);

	if (!m || m->type == SL_R_STR)
		return -1;
	*v = m->type == SL_R_F64 ? m->d : (double)m->i;
	return 0;
}

int sl_analysis_get_meta_i64(const struct sl_analysis *a, const char *key, int64_t *v)
{
	const struct meta *m = find_meta(a, key);

	if (!m || m->type != SL_R_I64)
		return -1;
	*v = m->i;
	return 0;
}

int sl_analysis_add(struct sl_analysis *a, struct sl_table *t)
{
	if (sl_grow(&a->tables, &a->tables_cap, a->ntables + 1, sizeof(*a->tables))) {
		sl_table_free(t);
		return SL_ENOMEM;
	}
	a->tables[a->ntables++] = t;
	/* a streamed table's last group goes now, and its memory with it */
	if (t->sa && t->sa->f) {
		if (t->n)
			flush_group(t);
		t->written = 1;
		for (int c = 0; c < t->ncols; c++) {
			free(t->cols[c].v.p);
			free(t->cols[c].isnull);
			t->cols[c].v.p = NULL;
			t->cols[c].isnull = NULL;
			if (t->cols[c].dict)
				sl_dict_clear(t->cols[c].dict);
			sl_buf_release(&t->cols[c].flat);
		}
		t->cap = 0;
		sl_buf_release(&t->scratch);
	}
	return SL_OK;
}

const struct sl_table *sl_analysis_table(const struct sl_analysis *a, const char *name)
{
	for (size_t i = 0; i < a->ntables; i++)
		if (!strcmp(a->tables[i]->name, name))
			return a->tables[i];
	return NULL;
}

size_t sl_analysis_ntables(const struct sl_analysis *a)
{
	return a->ntables;
}

const struct sl_table *sl_analysis_table_at(const struct sl_analysis *a, size_t i)
{
	return i < a->ntables ? a->tables[i] : NULL;
}

static void pack_str(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);

	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

static const char *rtype_name(enum sl_rtype t)
{
	static const char *const names[] = {"str", "i64", "f64", "bool", "time", "day"};

	return names[t];
}

static void pack_columns(msgpack_packer *pk, const struct sl_table *t)
{
	msgpack_pack_array(pk, (size_t)t->ncols);
	for (int c = 0; c < t->ncols; c++) {
		msgpack_pack_map(pk, 2);
		pack_str(pk, "name");
		pack_str(pk, t->cols[c].name);
		pack_str(pk, "type");
		pack_str(pk, rtype_name(t->cols[c].type));
	}
}

/* Rows [r0, r0 + n) of t (in memory) as one group object, column-major. */
static void pack_group(msgpack_packer *pk, const struct sl_table *t, size_t r0, size_t n)
{
	char day[32];

	msgpack_pack_map(pk, 3);
	pack_str(pk, "table");
	pack_str(pk, t->name);
	pack_str(pk, "rows");
	msgpack_pack_uint64(pk, n);
	pack_str(pk, "data");
	msgpack_pack_array(pk, (size_t)t->ncols);
	for (int c = 0; c < t->ncols; c++) {
		const struct rcol *col = &t->cols[c];

		msgpack_pack_array(pk, n);
		for (size_t r = r0; r < r0 + n; r++) {
			if (col->isnull[r]) {
				msgpack_pack_nil(pk);
				continue;
			}
			switch (col->type) {
			case SL_R_STR:
				if (col->dict) {
					/* interned with its NUL: the length is known */
					size_t len;
					const char *s = sl_dict_get(col->dict, col->v.code[r], &len);

					len -= len > 0;
					msgpack_pack_str(pk, len);
					msgpack_pack_str_body(pk, s, len);
				} else {
					pack_str(pk, cell_str(col, r));
				}
				break;
			case SL_R_F64:
				msgpack_pack_double(pk, col->v.f64[r]);
				break;
			case SL_R_BOOL:
				if (col->v.i64[r])
					msgpack_pack_true(pk);
				else
					msgpack_pack_false(pk);
				break;
			case SL_R_DAY:
				sl_format_day(col->v.i64[r], day);
				pack_str(pk, day);
				break;
			default:
				msgpack_pack_int64(pk, col->v.i64[r]);
				break;
			}
		}
	}
}

/* The gathered bytes to the file.  0, or -1 with a->werr set. */
static int wflush(struct sl_analysis *a)
{
	/* the stream is this thread's alone: its lock is not taken */
	if (a->wlen && !a->werr && fwrite_unlocked(a->wbuf, 1, a->wlen, a->f) != a->wlen)
		a->werr = errno ? errno : -1;
	a->wlen = 0;
	return a->werr ? -1 : 0;
}

static int write_cb(void *data, const char *buf, size_t len)
{
	struct sl_analysis *a = data;

	if (a->werr)
		return -1;
	if (!a->wbuf && !(a->wbuf = malloc(WBUF_SIZE))) {
		a->werr = ENOMEM;
		return -1;
	}
	if (a->wlen + len > WBUF_SIZE && wflush(a))
		return -1;
	if (len >= WBUF_SIZE) {
		if (fwrite_unlocked(buf, 1, len, a->f) != len) {
			a->werr = errno ? errno : -1;
			return -1;
		}
	} else {
		memcpy(a->wbuf + a->wlen, buf, len);
		a->wlen += len;
	}
	a->off += len;
	return 0;
}

/* Appends rows [r0, r0 + n) of t as a group and notes where it went. */
static int append_group(struct sl_analysis *a, struct sl_table *t, size_t r0, size_t n)
{
	uint64_t off = a->off;

	if (sl_grow(&t->groups, &t->groups_cap, t->ngroups + 1, sizeof(*t->groups))) {
		if (!a->werr)
			a->werr = ENOMEM;
		return SL_ENOMEM;
	}
	pack_group(&a->pk, t, r0, n);
	t->groups[t->ngroups++] = (struct rgroup){off, a->off - off, n};
	return a->werr ? SL_EIO : SL_OK;
}

/* A streamed table's rows in memory go to the file; the memory is reused
 * for the next group (strings too: the dictionaries start again). */
static int flush_group(struct sl_table *t)
{
	int rc = append_group(t->sa, t, 0, t->n);

	t->flushed += t->n;
	t->n = 0;
	t->gen++;
	for (int c = 0; c < t->ncols; c++)
		if (t->cols[c].dict)
			sl_dict_clear(t->cols[c].dict);
		else
			sl_buf_reset(&t->cols[c].flat);
	return rc;
}

struct sl_table *sl_table_new_stream(struct sl_analysis *a, const char *name,
				     const struct sl_rcol *cols, int ncols)
{
	struct sl_table *t = sl_table_new(name, cols, ncols);

	if (t && a && a->streaming && a->f)
		t->sa = a;
	return t;
}

/* Reads the streamed table's groups back from the file being written and
 * writes their rows as CSV (sl_table_write_csv of such a table). */
static int streamed_csv_rows(const struct sl_table *t, FILE *out, unsigned flags)
{
	struct sl_analysis *a = t->sa;
	struct sl_rcol cols[SL_ANREAD_MAX_COLS];
	struct sl_errctx err;
	char *buf = NULL;
	int rc = SL_OK;

	/* only while the file is being written (--print comes before the end) */
	if (!a->f || wflush(a) || fflush(a->f))
		return a->f ? SL_EIO : SL_EINVAL;
	for (int c = 0; c < t->ncols && c < SL_ANREAD_MAX_COLS; c++)
		cols[c] = (struct sl_rcol){t->cols[c].name, t->cols[c].type};
	for (size_t k = 0; !rc && k < t->ngroups; k++) {
		const struct rgroup *g = &t->groups[k];
		struct sl_table *gt = NULL;
		char *nb = realloc(buf, g->bytes ? g->bytes : 1);

		if (!nb) {
			rc = SL_ENOMEM;
			break;
		}
		buf = nb;
		if (pread(fileno(a->f), buf, g->bytes, (off_t)g->off) != (ssize_t)g->bytes) {
			rc = SL_EIO;
			break;
		}
		rc = sl_anread_group(buf, g->bytes, a->tmp, t->name, cols, t->ncols, g->rows, &gt,
				     &err);
		if (!rc)
			rc = sl_table_write_csv_rows(gt, out, flags);
		sl_table_free(gt);
	}
	free(buf);
	return rc;
}

static void pack_header(struct sl_analysis *a)
{
	msgpack_packer *pk = &a->pk;

	msgpack_pack_map(pk, 4);
	pack_str(pk, "magic");
	pack_str(pk, ANALYSIS_MAGIC);
	pack_str(pk, "format");
	msgpack_pack_int(pk, ANALYSIS_FORMAT);
	pack_str(pk, "group_rows");
	msgpack_pack_int(pk, SL_RESULT_GROUP_ROWS);
	pack_str(pk, "meta");
	msgpack_pack_map(pk, a->nmeta);
	for (size_t i = 0; i < a->nmeta; i++) {
		const struct meta *m = &a->meta[i];

		pack_str(pk, m->key);
		if (m->type == SL_R_STR)
			pack_str(pk, m->s);
		else if (m->type == SL_R_F64)
			msgpack_pack_double(pk, m->d);
		else
			msgpack_pack_int64(pk, m->i);
	}
}

static int file_start(struct sl_analysis *a, const char *path, struct sl_errctx *err)
{
	char tmp[PATH_MAX];
	int fd;

	a->special = sl_outfile_special(path);
	if ((fd = sl_outfile_temp(path, a->special, tmp, sizeof(tmp))) < 0 ||
	    !(a->f = fdopen(fd, "w+"))) { /* read back by --print */
		int rc = sl_err_set(err, SL_EIO, path, 0, "cannot create: %s", strerror(errno));

		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return rc;
	}
	if (!(a->tmp = strdup(tmp)) || !(a->path = strdup(path))) {
		fclose(a->f);
		a->f = NULL;
		unlink(tmp);
		file_abort(a);
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	}
	a->off = 0;
	a->werr = 0;
	msgpack_packer_init(&a->pk, a, write_cb);
	pack_header(a);
	return SL_OK;
}

int sl_analysis_open(struct sl_analysis *a, const char *path, struct sl_errctx *err)
{
	int rc;

	if (a->f)
		return sl_err_set(err, SL_EINVAL, path, 0, "analysis file already started");
	if ((rc = file_start(a, path, err)))
		return rc;
	a->streaming = 1;
	return SL_OK;
}

int sl_analysis_part(const struct sl_analysis *a, struct sl_analysis **part,
		     struct sl_errctx *err)
{
	struct sl_analysis *b = sl_analysis_new();
	char tmp[PATH_MAX];
	int fd;

	*part = NULL;
	if (!b)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (a->streaming && a->f) {
		/* beside a's file: same file system, and not in a RAM-backed
		 * /tmp on inputs larger than memory */
		snprintf(tmp, sizeof(tmp), "%s.part-XXXXXX", a->tmp);
		if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0 || unlink(tmp) ||
		    !(b->f = fdopen(fd, "w+"))) {
			int rc = sl_err_set(err, SL_EIO, a->path, 0, "cannot create a temporary file: %s",
					    strerror(errno));

			if (fd >= 0 && !b->f)
				close(fd);
			sl_analysis_free(b);
			return rc;
		}
		msgpack_packer_init(&b->pk, b, write_cb);
		b->streaming = 1;
	}
	*part = b;
	return SL_OK;
}

int sl_analysis_merge(struct sl_analysis *a, struct sl_analysis *part, struct sl_errctx *err)
{
	uint64_t base = a->off;
	char *buf = NULL;
	int rc = SL_OK;

	if (sl_grow(&a->tables, &a->tables_cap, a->ntables + part->ntables, sizeof(*a->tables))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	if (part->f) {
		const size_t bufsz = (size_t)1 << 20;

		if (!a->f || !(buf = malloc(bufsz))) {
			rc = sl_err_set(err, a->f ? SL_ENOMEM : SL_EINVAL, a->path, 0,
					a->f ? NULL : "analysis file not started");
			goto out;
		}
		if (wflush(part) || fflush(part->f)) {
			errno = part->werr > 0 ? part->werr : errno;
			rc = sl_err_set(err, part->werr == ENOMEM ? SL_ENOMEM : SL_EIO, a->path, 0,
					"cannot write: %s", strerror(errno));
			goto out;
		}
		for (uint64_t at = 0; at < part->off;) {
			size_t want = part->off - at < bufsz ? (size_t)(part->off - at) : bufsz;
			ssize_t got = pread(fileno(part->f), buf, want, (off_t)at);

			if (got <= 0) {
				rc = sl_err_set(err, SL_EIO, a->path, 0, "cannot read back a part: %s",
						got < 0 ? strerror(errno) : "short file");
				goto out;
			}
			if (write_cb(a, buf, (size_t)got)) {
				errno = a->werr > 0 ? a->werr : EIO;
				rc = sl_err_set(err, SL_EIO, a->path, 0, "cannot write: %s",
						strerror(errno));
				goto out;
			}
			at += (uint64_t)got;
		}
	}
	for (size_t i = 0; i < part->ntables; i++) {
		struct sl_table *t = part->tables[i];

		if (t->sa == part) {
			t->sa = a;
			for (size_t k = 0; k < t->ngroups; k++)
				t->groups[k].off += base;
		}
		a->tables[a->ntables++] = t;
	}
	part->ntables = 0;
out:
	free(buf);
	if (part->f)
		fclose(part->f); /* it has no name: nothing to unlink */
	part->f = NULL;
	sl_analysis_free(part);
	return rc;
}

/* The index: every table, in the order added, with its groups. */
static void pack_index(struct sl_analysis *a)
{
	msgpack_packer *pk = &a->pk;

	msgpack_pack_map(pk, 1);
	pack_str(pk, "tables");
	msgpack_pack_array(pk, a->ntables);
	for (size_t i = 0; i < a->ntables; i++) {
		const struct sl_table *t = a->tables[i];

		msgpack_pack_map(pk, 4);
		pack_str(pk, "name");
		pack_str(pk, t->name);
		pack_str(pk, "columns");
		pack_columns(pk, t);
		pack_str(pk, "rows");
		msgpack_pack_uint64(pk, sl_table_rows(t));
		pack_str(pk, "groups");
		msgpack_pack_array(pk, t->ngroups);
		for (size_t k = 0; k < t->ngroups; k++) {
			msgpack_pack_array(pk, 3);
			msgpack_pack_uint64(pk, t->groups[k].off);
			msgpack_pack_uint64(pk, t->groups[k].bytes);
			msgpack_pack_uint64(pk, t->groups[k].rows);
		}
	}
}

/* Fixed size, so a reader finds it from the end: [index offset, index
 * bytes, magic] with both numbers as uint64 (0xcf). */
static void pack_trailer(struct sl_analysis *a, uint64_t ioff, uint64_t ilen)
{
	unsigned char b[ANALYSIS_TRAILER];

	b[0] = 0x93;
	b[1] = 0xcf;
	b[10] = 0xcf;
	for (int i = 0; i < 8; i++) {
		b[2 + i] = (unsigned char)(ioff >> (56 - 8 * i));
		b[11 + i] = (unsigned char)(ilen >> (56 - 8 * i));
	}
	b[19] = 0xa0 | 16;
	memcpy(b + 20, ANALYSIS_MAGIC, 16);
	write_cb(a, (const char *)b, sizeof(b));
}

int sl_analysis_write(struct sl_analysis *a, const char *path, struct sl_errctx *err)
{
	uint64_t ioff;
	int fail, rc;

	if (a->f && strcmp(path, a->path))
		return sl_err_set(err, SL_EINVAL, path, 0, "the analysis file was started as %s",
				  a->path);
	if (!a->f && (rc = file_start(a, path, err)))
		return rc;
	/* the tables still in memory, in the order added */
	for (size_t i = 0; i < a->ntables; i++) {
		struct sl_table *t = a->tables[i];

		if (t->written)
			continue;
		t->ngroups = 0;
		for (size_t r0 = 0; r0 < t->n; r0 += SL_RESULT_GROUP_ROWS)
			append_group(a, t, r0,
				     t->n - r0 < SL_RESULT_GROUP_ROWS ? t->n - r0 : SL_RESULT_GROUP_ROWS);
	}
	ioff = a->off;
	pack_index(a);
	pack_trailer(a, ioff, a->off - ioff);
	errno = a->werr > 0 ? a->werr : EIO;
	fail = wflush(a) || fflush(a->f) || fsync(fileno(a->f));
	if (fclose(a->f))
		fail = 1;
	a->f = NULL;
	if (fail || sl_outfile_commit(a->tmp, a->path, a->special)) {
		rc = sl_err_set(err, a->werr == ENOMEM ? SL_ENOMEM : SL_EIO, path, 0,
				"cannot write: %s", strerror(errno));
		unlink(a->tmp);
		file_abort(a);
		return rc;
	}
	file_abort(a); /* nothing left to remove: names freed */
	a->streaming = 0;
	return SL_OK;
}
