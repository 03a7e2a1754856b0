/* emit.c - rows to CSV (RFC 4180) or JSON Lines, straight into the output
 * chunk, with hand-written number and time formatting (printf per field
 * would cost more than the whole world model); also the seeded column
 * order of --shuffle-columns and the damages of --dirty. */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---- numbers and times ---- */

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

char *put_u64(char *w, uint64_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	size_t n;

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		*--p = digit_pairs[d + 1];
		*--p = digit_pairs[d];
	}
	if (v >= 10) {
		*--p = digit_pairs[v * 2 + 1];
		*--p = digit_pairs[v * 2];
	} else {
		*--p = (char)('0' + v);
	}
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(w, p, n);
	return w + n;
}

char *put_i64(char *w, int64_t v)
{
	if (v < 0) {
		*w++ = '-';
		return put_u64(w, (uint64_t)0 - (uint64_t)v);
	}
	return put_u64(w, (uint64_t)v);
}

static char *put_2d(char *w, unsigned v)
{
	w[0] = digit_pairs[v * 2];
	w[1] = digit_pairs[v * 2 + 1];
	return w + 2;
}

static const int64_t pow10_tab[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

/* v / 10^dec with the fraction's trailing zeros dropped ("0.25", "3"). */
static char *put_fix(char *w, int64_t v, int dec)
{
	uint64_t u, ip, fp, p = (uint64_t)pow10_tab[dec];
	char frac[8];
	int n = dec;

	if (v < 0)
		*w++ = '-';
	u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	ip = u / p;
	fp = u % p;
	w = put_u64(w, ip);
	if (!fp)
		return w;
	for (int i = dec - 1; i >= 0; i--) {
		frac[i] = (char)('0' + fp % 10);
		fp /= 10;
	}
	while (n > 0 && frac[n - 1] == '0')
		n--;
	*w++ = '.';
	memcpy(w, frac, (size_t)n);
	return w + n;
}

static const char hexdig[] = "0123456789abcdef";

char *put_hex(char *w, struct rng *r, int nbytes)
{
	while (nbytes > 0) {
		uint64_t x = rng_next(r);

		for (int i = 0; i < 8 && nbytes > 0; i++, nbytes--) {
			*w++ = hexdig[(x >> 4) & 15];
			*w++ = hexdig[x & 15];
			x >>= 8;
		}
	}
	return w;
}

/* Howard Hinnant's days_from_civil / civil_from_days: exact for the
 * proleptic Gregorian calendar, no tables, no gmtime. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t day_of(int64_t ms)
{
	return ms >= 0 ? ms / MS_DAY : -((-ms + MS_DAY - 1) / MS_DAY);
}

/* "YYYY-MM-DD": 10 chars. */
static char *put_date(char *w, int64_t day)
{
	int64_t y;
	unsigned m, d;

	civil_from_days(day, &y, &m, &d);
	w = put_2d(w, (unsigned)(y / 100 % 100));
	w = put_2d(w, (unsigned)(y % 100));
	*w++ = '-';
	w = put_2d(w, m);
	*w++ = '-';
	return put_2d(w, d);
}

/* "THH:MM:SS.mmmZ" for ms into the day: 14 chars. */
static char *put_clock(char *w, int64_t rem)
{
	unsigned msec = (unsigned)(rem % 1000);

	*w++ = 'T';
	w = put_2d(w, (unsigned)(rem / MS_HOUR));
	*w++ = ':';
	w = put_2d(w, (unsigned)(rem / MS_MIN % 60));
	*w++ = ':';
	w = put_2d(w, (unsigned)(rem / MS_SEC % 60));
	*w++ = '.';
	*w++ = (char)('0' + msec / 100);
	w = put_2d(w, msec % 100);
	*w++ = 'Z';
	return w;
}

char *put_iso(char *w, int64_t ms)
{
	int64_t day = day_of(ms);

	w = put_date(w, day);
	return put_clock(w, ms - day * MS_DAY);
}

/* ---- rows ---- */

void row_reset(struct gen_row *r, int ncols)
{
	assert(ncols <= GEN_MAXCOLS);
	r->ncols = ncols;
	r->used = 0;
	memset(r->f, 0, sizeof(r->f[0]) * (size_t)ncols);
}

char *row_alloc(struct gen_row *r, size_t n)
{
	char *p;

	if (r->used + n > sizeof(r->scratch)) {
		fprintf(stderr, "%s:%d: row scratch overflow\n", __FILE__, __LINE__);
		abort();
	}
	p = r->scratch + r->used;
	r->used += n;
	return p;
}

const char *row_dup(struct gen_row *r, const char *s, size_t n)
{
	char *p = row_alloc(r, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void row_str(struct gen_row *r, int c, const char *s)
{
	row_strn(r, c, s, strlen(s));
}

void row_json(struct gen_row *r, int c, const char *s)
{
	row_strn(r, c, s, strlen(s));
	r->f[c].type = GF_JSON;
}

void row_fix(struct gen_row *r, int c, double x, int dec)
{
	assert(dec >= 0 && dec <= 6);
	r->f[c].type = GF_FIX;
	r->f[c].dec = (uint8_t)dec;
	r->f[c].v.i = llround(x * (double)pow10_tab[dec]);
}

int gen_colmap(enum sl_kind kind, const char *const *names, int n, int *out)
{
	for (int i = 0; i < n; i++) {
		out[i] = sl_kind_col(kind, names[i]);
		if (out[i] < 0) {
			fprintf(stderr, GEN_PROG ": error: schema of '%s' has no column '%s'\n",
				sl_kind_name(kind), names[i]);
			return -1;
		}
	}
	return 0;
}

/* ---- the writer of one kind ---- */

enum damage {
	DMG_NONE = 0,
	DMG_TIME,     /* unparsable timestamp in the day column */
	DMG_FIELDS,   /* CSV: a field too many or too few; JSON: cut line */
	DMG_MISSING,  /* first required column empty */
	DMG_UTF8,     /* invalid UTF-8 bytes inside a text field */
	DMG_CRLF,     /* line ends with CRLF */
	DMG_NEWLINE,  /* a text field with an embedded newline */
	DMG_COUNT,
};

struct gen_out {
	enum sl_kind kind;
	const struct sl_kind_def *def;
	enum gen_format format;
	int perm[GEN_MAXCOLS];      /* output position -> schema column */
	char *keys[GEN_MAXCOLS];    /* JSON: "\"name\":" per output position */
	size_t keylen[GEN_MAXCOLS];
	struct gen_sink *sink;
	char *path;
	uint64_t rows;
	uint64_t dirty_cut;         /* row damaged when its hash is below */
	int dirty_all;
	uint64_t seed;
	int req_col;                /* first required column */
	int time_col;               /* day column, -1 for none */
	int ndamages;
	enum damage damages[DMG_COUNT];
	int verbose;
	int64_t cached_day;         /* the date part is redone only per new day */
	char day_text[11];
};

/* Quote when the field holds a separator, quote or line break. */
static const unsigned char csv_special[256] = {
	['"'] = 1, [','] = 1, ['\r'] = 1, ['\n'] = 1,
};

/* Nonzero when any byte of x equals a byte of the (byte-repeated) c. */
static inline uint64_t has_byte(uint64_t x, uint64_t c)
{
	uint64_t v = x ^ c;

	return (v - 0x0101010101010101ULL) & ~v & 0x8080808080808080ULL;
}

/* Whether s[0..n) needs CSV quoting; eight bytes at a time, since most
 * text (ids, hashes, names) needs none. */
static int csv_needs_quotes(const char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if (has_byte(x, 0x2222222222222222ULL) | has_byte(x, 0x2c2c2c2c2c2c2c2cULL) |
		    has_byte(x, 0x0d0d0d0d0d0d0d0dULL) | has_byte(x, 0x0a0a0a0a0a0a0a0aULL))
			return 1;
	}
	for (; i < n; i++)
		if (csv_special[(unsigned char)s[i]])
			return 1;
	return 0;
}

static char *csv_text(char *w, const char *s, size_t n)
{
	size_t i;

	if (!csv_needs_quotes(s, n)) {
		memcpy(w, s, n);
		return w + n;
	}
	*w++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*w++ = '"';
		*w++ = s[i];
	}
	*w++ = '"';
	return w;
}

static char *json_text(char *w, const char *s, size_t n)
{
	*w++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			*w++ = '\\';
			*w++ = (char)c;
		} else if (c == '\n') {
			*w++ = '\\';
			*w++ = 'n';
		} else if (c == '\r') {
			*w++ = '\\';
			*w++ = 'r';
		} else if (c == '\t') {
			*w++ = '\\';
			*w++ = 't';
		} else if (c < 0x20) {
			memcpy(w, "\\u00", 4);
			w[4] = hexdig[c >> 4];
			w[5] = hexdig[c & 15];
			w += 6;
		} else {
			*w++ = (char)c;
		}
	}
	*w++ = '"';
	return w;
}

/* put_iso with the date part cached: rows come in time order, so most
 * times share the previous one's day. */
static char *put_time_cached(struct gen_out *o, char *w, int64_t ms)
{
	int64_t day = day_of(ms);

	if (day != o->cached_day) {
		put_date(o->day_text, day);
		o->cached_day = day;
	}
	memcpy(w, o->day_text, 10);
	return put_clock(w + 10, ms - day * MS_DAY);
}

/* Writes the value of one field (without CSV quoting for numbers). */
static char *put_value(struct gen_out *o, char *w, const struct gen_field *f)
{
	int json = o->format == GEN_JSONL;

	switch (f->type) {
	case GF_NULL:
		if (json) {
			memcpy(w, "null", 4);
			w += 4;
		}
		return w;
	case GF_STR:
		return json ? json_text(w, f->v.s, f->len) : csv_text(w, f->v.s, f->len);
	case GF_JSON:
		if (json) {
			memcpy(w, f->v.s, f->len);
			return w + f->len;
		}
		return csv_text(w, f->v.s, f->len);
	case GF_INT:
		return put_i64(w, f->v.i);
	case GF_FIX:
		return put_fix(w, f->v.i, f->dec);
	case GF_BOOL:
		if (f->v.i) {
			memcpy(w, "true", 4);
			return w + 4;
		}
		memcpy(w, "false", 5);
		return w + 5;
	case GF_TIME:
		if (json)
			*w++ = '"';
		w = put_time_cached(o, w, f->v.i);
		if (json)
			*w++ = '"';
		return w;
	}
	return w;
}

/* Picks the column that a text damage goes into: the last text column
 * with a value that is not required (so the row can still be read with a
 * replacement character), else any text column with a value. */
static int damage_text_col(const struct gen_out *o, const struct gen_row *r)
{
	int any = -1;

	for (int c = o->def->ncols - 1; c >= 0; c--) {
		if (r->f[c].type != GF_STR || !r->f[c].len)
			continue;
		if (!(o->def->cols[c].flags & SL_COL_REQUIRED))
			return c;
		if (any < 0)
			any = c;
	}
	return any;
}

/* Applies the damage to a copy of the row; returns the damage actually
 * done (a text damage on a row without text degrades to CRLF). */
static enum damage damage_row(struct gen_out *o, enum damage d, struct gen_row *r)
{
	static const char bad_time[] = "2024-13-45T99:00";
	int c;
	const struct gen_field *f;
	char *p;

	switch (d) {
	case DMG_TIME:
		row_strn(r, o->time_col, bad_time, sizeof(bad_time) - 1);
		return d;
	case DMG_MISSING:
		row_strn(r, o->req_col, "", 0);
		return d;
	case DMG_UTF8:
	case DMG_NEWLINE:
		c = damage_text_col(o, r);
		if (c < 0)
			return DMG_CRLF;
		f = &r->f[c];
		p = row_alloc(r, f->len + 16);
		memcpy(p, f->v.s, f->len / 2);
		if (d == DMG_UTF8) {
			memcpy(p + f->len / 2, "\xff\xfe", 2);
			memcpy(p + f->len / 2 + 2, f->v.s + f->len / 2, f->len - f->len / 2);
			row_strn(r, c, p, f->len + 2);
		} else {
			memcpy(p + f->len / 2, "\n", 1);
			memcpy(p + f->len / 2 + 1, f->v.s + f->len / 2, f->len - f->len / 2);
			row_strn(r, c, p, f->len + 1);
		}
		return d;
	default:
		return d;
	}
}

static enum damage pick_damage(struct gen_out *o)
{
	uint64_t h;

	if (!o->ndamages || (!o->dirty_cut && !o->dirty_all))
		return DMG_NONE;
	h = gen_mix64(gen_mix64(o->seed ^ SALT_DIRTY ^ ((uint64_t)o->kind << 56)) + o->rows);
	if (!o->dirty_all && h >= o->dirty_cut)
		return DMG_NONE;
	return o->damages[gen_mix64(h) % (uint64_t)o->ndamages];
}

static char *csv_row(struct gen_out *o, char *w, const struct gen_row *r, enum damage d,
		     uint64_t h)
{
	int n = o->def->ncols;

	if (d == DMG_FIELDS && (h & 1))
		n--; /* a field too few */
	for (int i = 0; i < n; i++) {
		if (i)
			*w++ = ',';
		w = put_value(o, w, &r->f[o->perm[i]]);
	}
	if (d == DMG_FIELDS && !(h & 1)) {
		memcpy(w, ",extra", 6); /* a field too many */
		w += 6;
	}
	return w;
}

static char *json_row(struct gen_out *o, char *w, const struct gen_row *r, enum damage d)
{
	char *line = w;

	*w++ = '{';
	for (int i = 0; i < o->def->ncols; i++) {
		if (i)
			*w++ = ',';
		memcpy(w, o->keys[i], o->keylen[i]);
		w += o->keylen[i];
		w = put_value(o, w, &r->f[o->perm[i]]);
	}
	*w++ = '}';
	if (d == DMG_FIELDS)
		w = line + (w - line) / 2; /* cut in the middle: not JSON */
	return w;
}

void gen_out_row(struct gen_out *o, const struct gen_row *r)
{
	enum damage d = pick_damage(o);
	char *w0 = gen_sink_reserve(o->sink, GEN_ROW_MAX), *w;
	uint64_t h = gen_mix64(o->rows ^ o->seed);
	struct gen_row *copy = NULL;

	if (d != DMG_NONE && d != DMG_CRLF && d != DMG_FIELDS) {
		/* Rare: damaged rows are written from a modified copy. */
		copy = malloc(sizeof(*copy));
		if (!copy) {
			fprintf(stderr, GEN_PROG ": error: out of memory\n");
			exit(1);
		}
		memcpy(copy, r, sizeof(*copy));
		d = damage_row(o, d, copy);
		r = copy;
	}
	w = o->format == GEN_CSV ? csv_row(o, w0, r, d, h) : json_row(o, w0, r, d);
	if (d == DMG_CRLF)
		*w++ = '\r';
	*w++ = '\n';
	assert((size_t)(w - w0) < GEN_ROW_MAX);
	gen_sink_advance(o->sink, (size_t)(w - w0));
	o->rows++;
	free(copy);
}

uint64_t gen_out_rows(const struct gen_out *o)
{
	return o->rows;
}

/* Seeded Fisher-Yates over the columns, or the canonical order. */
static void make_perm(struct gen_out *o, const struct gen_params *p)
{
	struct rng r = rng_for(p->seed, SALT_SHUFFLE, (uint64_t)o->kind);

	for (int i = 0; i < o->def->ncols; i++)
		o->perm[i] = i;
	if (!p->shuffle)
		return;
	for (int i = o->def->ncols - 1; i > 0; i--) {
		int j = (int)rng_below(&r, (uint32_t)i + 1), t = o->perm[i];

		o->perm[i] = o->perm[j];
		o->perm[j] = t;
	}
}

static void plan_damages(struct gen_out *o, const struct gen_params *p)
{
	o->req_col = 0;
	for (int c = 0; c < o->def->ncols; c++) {
		if (o->def->cols[c].flags & SL_COL_REQUIRED) {
			o->req_col = c;
			break;
		}
	}
	o->time_col = o->def->day_col;
	if (o->time_col >= 0)
		o->damages[o->ndamages++] = DMG_TIME;
	o->damages[o->ndamages++] = DMG_FIELDS;
	o->damages[o->ndamages++] = DMG_MISSING;
	o->damages[o->ndamages++] = DMG_UTF8;
	o->damages[o->ndamages++] = DMG_CRLF;
	o->damages[o->ndamages++] = DMG_NEWLINE;
	if (p->dirty >= 1.0)
		o->dirty_all = 1;
	else
		o->dirty_cut = (uint64_t)(p->dirty * 18446744073709551616.0);
}

static int write_header(struct gen_out *o)
{
	char *w0 = gen_sink_reserve(o->sink, GEN_ROW_MAX), *w = w0;

	if (o->format != GEN_CSV)
		return 0;
	for (int i = 0; i < o->def->ncols; i++) {
		const char *name = o->def->cols[o->perm[i]].name;

		if (i)
			*w++ = ',';
		w = csv_text(w, name, strlen(name));
	}
	*w++ = '\n';
	gen_sink_advance(o->sink, (size_t)(w - w0));
	return 0;
}

static void out_free(struct gen_out *o)
{
	if (!o)
		return;
	for (int i = 0; i < GEN_MAXCOLS; i++)
		free(o->keys[i]);
	free(o->path);
	free(o);
}

static int make_keys(struct gen_out *o)
{
	for (int i = 0; i < o->def->ncols; i++) {
		const char *name = o->def->cols[o->perm[i]].name;
		char *k = malloc(2 * strlen(name) + 8), *w = k;

		if (!k)
			return -1;
		w = json_text(w, name, strlen(name));
		*w++ = ':';
		o->keys[i] = k;
		o->keylen[i] = (size_t)(w - k);
	}
	return 0;
}

struct gen_out *gen_out_open(const struct gen_params *p, struct gen_pool *pool,
			     enum sl_kind kind)
{
	struct gen_out *o = calloc(1, sizeof(*o));
	const char *ext = p->format == GEN_CSV ? "csv" : "jsonl";
	size_t n;

	if (!o)
		goto nomem;
	o->kind = kind;
	o->def = sl_kind_def(kind);
	o->format = p->format;
	o->seed = p->seed;
	o->verbose = p->verbose;
	o->cached_day = INT64_MIN;
	assert(o->def->ncols <= GEN_MAXCOLS);
	n = strlen(p->outdir) + strlen(o->def->name) + 16;
	o->path = malloc(n);
	if (!o->path)
		goto nomem;
	snprintf(o->path, n, "%s/%s.%s%s", p->outdir, o->def->name, ext,
		 p->gzip_level >= 0 ? ".gz" : "");
	make_perm(o, p);
	if (make_keys(o))
		goto nomem;
	plan_damages(o, p);
	o->sink = gen_sink_open(pool, o->path);
	if (!o->sink) {
		fprintf(stderr, GEN_PROG ": error: cannot create '%s': %s\n", o->path,
			strerror(errno));
		out_free(o);
		return NULL;
	}
	write_header(o);
	return o;
nomem:
	fprintf(stderr, GEN_PROG ": error: out of memory\n");
	out_free(o);
	return NULL;
}

int gen_out_close(struct gen_out *o)
{
	uint64_t bytes = 0;
	int err, rc = 0;

	if (!o)
		return 0;
	err = gen_sink_close(o->sink, &bytes);
	if (err) {
		fprintf(stderr, GEN_PROG ": error: cannot write '%s': %s\n", o->path,
			strerror(err));
		rc = 1;
	} else if (o->verbose) {
		fprintf(stderr, GEN_PROG ": '%s': %llu rows, %llu bytes\n", o->path,
			(unsigned long long)o->rows, (unsigned long long)bytes);
	}
	out_free(o);
	return rc;
}
