#include "src.h"

#include <csv.h>
#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_value.h"

#include "jcanon.h"

/* The CSV reader runs libcsv in its own thread (the input's reader thread
 * inflates in a third), handing batches of tokenized records to the
 * caller's thread, which maps and stores them: tokenizing and mapping
 * overlap on two cores, and libcsv still sees the stream in order. */

/* Records per hand-over: a batch's fields (32 bytes each) and text stay
 * within the caches between the two threads (4096 missed the last-level
 * cache half again as often under cachegrind). */
#define BATCH_RECS 1024

int csvsrc_fast_lines = 1;
int csvsrc_canon = 1;
int csvsrc_same = 1;
/* Batches in flight: the mapper goes through a batch in about a
 * millisecond, so 16 of them ride out the reader losing its core to the
 * inflate or writer thread for a scheduler slice (4 starved the mapper:
 * 10% more wall time on 8.7M stage runs, alternated runs). */
#define NBATCH 16

/* Fields are built as struct field with p holding the offset into the
 * batch's arena (which moves while it grows); publish() turns offsets into
 * pointers once, so records reach the mapper without copying. */
#define fld field
#define FLD_OFF(f) ((size_t)(uintptr_t)(f)->p)

struct rec {
	size_t f0, nf;
	long line;
	size_t raw_off, raw_len;
	enum { R_ROW, R_HEADER, R_REJECT } type;
	size_t reason_off; /* R_REJECT: NUL-terminated reason in the arena */
};

struct batch {
	struct sl_buf arena;
	struct fld *f;
	size_t nf, fcap;
	struct rec *r;
	size_t nr, rcap;
	int overflow; /* the record being built has too many fields */
	size_t cur_f0;
};

struct csvstate {
	/* tokenizer side */
	struct csv_parser p;
	int p_init;
	struct sl_input *in;
	const char *path;
	struct src_ops *ops;
	struct sl_buf raw; /* the current record's lines as read */
	long line, rec_line;
	struct batch *cur;
	int nomem;
	/* hand-over */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch batches[NBATCH];
	unsigned head, count;
	int done, cancel;
	int clean;              /* libcsv is between records (see feed) */
	int header_seen;        /* caller side */
	int skip_line;          /* dropping the rest of an overlong record's line */
	int rereading;          /* inside reread() */
	int rc;                 /* tokenizer's result */
	struct sl_errctx terr;  /* tokenizer's error */
	uint64_t bytes;
	long lines;
	const char *first;
	size_t nfirst;
	/* the tokenizer parses typed values too, to share the work: the type
	 * of each field's column, from the header (-1: not a typed column) */
	int *ftype;
	size_t nftype;
	int typed;
	long meta_field; /* the metadata column's field, or -1 */
	size_t prev_f0;  /* the last record's first field, if it was a typed
			  * row of this batch (pre_parse()), else SIZE_MAX */
	struct canon_cache *canon; /* see canon_text() */
};

static inline int is_blank_byte(char c)
{
	return (unsigned char)c <= ' '; /* covers what sl_value.c trims */
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* RFC 4180: spaces are part of a field */
}

static int batch_field(struct batch *b, const void *s, size_t len)
{
	if (b->nf == b->fcap && sl_grow(&b->f, &b->fcap, b->nf + 1, sizeof(*b->f)))
		return SL_ENOMEM;
	memset(&b->f[b->nf], 0, sizeof(b->f[0]));
	b->f[b->nf].p = (const char *)(uintptr_t)b->arena.len;
	b->f[b->nf].n = len;
	b->f[b->nf].kind = s == NULL ? F_NULL : F_TEXT;
	b->f[b->nf].pre = PRE_NONE;
	if (s && sl_buf_add(&b->arena, s, len))
		return SL_ENOMEM;
	b->nf++;
	return SL_OK;
}

/* A field's bytes while the batch is built (the arena may be empty). */
static const char *fld_text(const struct batch *b, const struct fld *f)
{
	return b->arena.data ? b->arena.data + FLD_OFF(f) : "";
}

static struct rec *batch_rec(struct batch *b)
{
	if (b->nr == b->rcap && sl_grow(&b->r, &b->rcap, b->nr + 1, sizeof(*b->r)))
		return NULL;
	memset(&b->r[b->nr], 0, sizeof(b->r[0]));
	return &b->r[b->nr++];
}

static size_t raw_len(const struct csvstate *st)
{
	size_t n = st->raw.len;

	while (n && (st->raw.data[n - 1] == '\n' || st->raw.data[n - 1] == '\r'))
		n--;
	return n;
}

static void on_field(void *s, size_t len, void *data)
{
	struct csvstate *st = data;
	struct batch *b = st->cur;

	if (st->nomem)
		return;
	if (b->nf - b->cur_f0 >= SRC_MAX_FIELDS) {
		b->overflow = 1;
		return;
	}
	if (batch_field(b, s, len))
		st->nomem = 1;
}

/* Ends the record being built in the current batch.  Its raw text is the
 * current record's lines (st->raw), or, when raw_off != SIZE_MAX, already
 * in the arena at raw_off (the fast path's line). */
static int close_rec(struct csvstate *st, int type, const char *reason, size_t rawmax,
		     size_t raw_off, size_t raw_n)
{
	struct batch *b = st->cur;
	struct rec *r = batch_rec(b);
	size_t n = raw_off == SIZE_MAX ? raw_len(st) : raw_n;

	if (!r)
		return SL_ENOMEM;
	if (n > rawmax)
		n = rawmax;
	r->type = type;
	if (type != R_ROW)
		st->prev_f0 = SIZE_MAX;
	r->f0 = b->cur_f0;
	r->nf = b->nf - b->cur_f0;
	r->line = st->rec_line;
	if (raw_off == SIZE_MAX) {
		r->raw_off = b->arena.len;
		if (sl_buf_add(&b->arena, st->raw.data ? st->raw.data : "", n))
			return SL_ENOMEM;
	} else {
		r->raw_off = raw_off;
	}
	r->raw_len = n;
	if (reason) {
		r->reason_off = b->arena.len;
		if (sl_buf_add(&b->arena, reason, strlen(reason) + 1))
			return SL_ENOMEM;
		r->nf = 0;
		b->nf = b->cur_f0;
	}
	b->cur_f0 = b->nf;
	b->overflow = 0;
	return SL_OK;
}

/* The header tells each field's column type (with the kind forced or
 * detected exactly as the mapper will). */
static void learn_header(struct csvstate *st)
{
	struct batch *b = st->cur;
	size_t n = b->nf - b->cur_f0;
	char **names;
	enum sl_kind kind;

	st->typed = 1;
	if (st->ops->raw_fields)
		return; /* names of another schema (--map): the mapper types them */
	names = calloc(n ? n : 1, sizeof(char *));
	st->ftype = malloc((n ? n : 1) * sizeof(int));
	if (!names || !st->ftype) {
		free(names);
		st->nftype = 0;
		return;
	}
	for (size_t k = 0; k < n; k++) {
		const struct fld *f = &b->f[b->cur_f0 + k];

		names[k] = strndup(fld_text(b, f), f->n);
		if (names[k])
			names[k][strcspn(names[k], " \t\r")] = '\0';
	}
	kind = st->ops->kind != SL_KIND_NONE ? st->ops->kind
					     : sl_kind_detect((const char *const *)names, n);
	for (size_t k = 0; k < n; k++) {
		int c = kind == SL_KIND_NONE || !names[k] ? -1 : sl_kind_col(kind, names[k]);

		st->ftype[k] = c < 0 ? -1 : (int)sl_kind_def(kind)->cols[c].type;
		if (c >= 0 && c == sl_kind_def(kind)->meta_col)
			st->meta_field = (long)k;
		free(names[k]);
	}
	free(names);
	st->nftype = n;
}

/* Null spellings, numbers, times and UTF-8 validity, done here so that the
 * mapper in the other thread only stores the values. */
static void pre_parse(struct csvstate *st)
{
	struct batch *b = st->cur;
	size_t n = b->nf - b->cur_f0;
	const struct fld *prev = st->prev_f0 != SIZE_MAX ? &b->f[st->prev_f0] : NULL;

	st->prev_f0 = SIZE_MAX;
	if (n != st->nftype)
		return; /* a row the mapper will reject anyway */
	for (size_t k = 0; k < n; k++) {
		struct fld *f = &b->f[b->cur_f0 + k];
		const char *s = fld_text(b, f);
		bool bo;

		if (f->kind == F_NULL)
			continue;
		/* longer than every null spelling, with nothing to trim */
		if ((f->n <= 4 || is_blank_byte(s[0]) || is_blank_byte(s[f->n - 1])) &&
		    sl_value_is_null(s, f->n)) {
			f->kind = F_NULL;
			continue;
		}
		switch (st->ftype[k]) {
		case SL_STR:
			if (prev && pre_utf8(prev[k].pre) && prev[k].n == f->n &&
			    sl_same_bytes(fld_text(b, &prev[k]), s, f->n)) {
				/* as in the row before (an id, a status): checked and
				 * hashed already, and its code may serve again */
				f->pre = PRE_SAME;
				f->i = prev[k].i;
			} else if (sl_utf8_valid(s, f->n)) {
				f->pre = PRE_UTF8;
				f->i = (int64_t)sl_hash(s, f->n); /* for the mapper's dictionary */
			}
			break;
		case SL_I64:
			if (!sl_parse_i64(s, f->n, &f->i))
				f->pre = PRE_OK;
			break;
		case SL_TIME:
			if (!sl_parse_time(s, f->n, &f->i))
				f->pre = PRE_OK;
			break;
		case SL_F64:
			if (!sl_parse_f64(s, f->n, &f->d))
				f->pre = PRE_OK;
			break;
		case SL_BOOL:
			if (!sl_parse_bool(s, f->n, &bo)) {
				f->i = bo;
				f->pre = PRE_OK;
			}
			break;
		default:
			break;
		}
	}
	if (csvsrc_same)
		st->prev_f0 = b->cur_f0;
}

/* A record is complete: typed, or the header learnt, then closed. */
static int end_record(struct csvstate *st, size_t raw_off, size_t raw_n)
{
	if (st->cur->overflow)
		return close_rec(st, R_REJECT, "more than 4096 fields", SIZE_MAX, raw_off, raw_n);
	if (!st->typed)
		learn_header(st);
	else if (st->nftype)
		pre_parse(st);
	return close_rec(st, R_ROW, NULL, SIZE_MAX, raw_off, raw_n);
}

static void on_record(int c, void *data)
{
	struct csvstate *st = data;

	(void)c;
	if (st->nomem)
		return;
	if (end_record(st, SIZE_MAX, 0))
		st->nomem = 1;
	sl_buf_reset(&st->raw);
}

/* libcsv grows its field buffer by blk_size bytes (128) at a time: a field
 * of 16 MiB (a quote that never closes) took 130000 reallocs, and under
 * ASan, whose realloc never grows in place, each copied the whole field
 * into fresh pages (ten minutes of page faults for csv_unterminated).
 * Its realloc goes through here and gets at least twice what the buffer
 * holds, so a field costs a few dozen reallocs; libcsv still uses only
 * the size it asked for. */
static void *csv_realloc(void *ptr, size_t size)
{
	size_t have = ptr ? malloc_usable_size(ptr) : 0;

	if (size <= have)
		return ptr;
	if (have && have <= SIZE_MAX / 2 && size < 2 * have)
		size = 2 * have;
	return realloc(ptr, size);
}

static int parser_init(struct csvstate *st)
{
	if (st->p_init)
		csv_free(&st->p);
	if (csv_init(&st->p, CSV_EMPTY_IS_NULL | CSV_STRICT_FINI))
		return SL_ENOMEM;
	csv_set_space_func(&st->p, no_space);
	csv_set_realloc_func(&st->p, csv_realloc);
	st->p_init = 1;
	return SL_OK;
}

/* Metadata objects repeat (the same trigger, the same labels): the stored
 * form of recent ones is remembered, keyed by the text as read, in a
 * direct-mapped table whose texts live in one buffer (emptied when full). */
#define CANON_SLOTS 4096
#define CANON_BYTES (4u << 20)
#define CANON_NONE UINT32_MAX /* not an object the reader rewrites */

struct canon_slot {
	uint64_t h;
	uint32_t off, n;   /* the text as read, in canon_buf */
	uint32_t cof, cn;  /* its stored form, or cn == CANON_NONE */
};

struct canon_cache {
	struct canon_slot slot[CANON_SLOTS];
	struct sl_buf buf;
};

/* The stored form of the metadata text s[0, n): a pointer into the cache
 * (length in *cn), NULL when the mapper is left to deal with it, or NULL
 * with *cn == 0 when out of memory. */
static const char *canon_text(struct canon_cache *cc, const char *s, size_t n, size_t *cn)
{
	uint64_t h = sl_hash(s, n);
	struct canon_slot *sl = &cc->slot[h & (CANON_SLOTS - 1)];
	json_t *v;
	char *text;
	size_t tn;

	*cn = 1;
	if (sl->n && sl->h == h && sl->n == n && !memcmp(cc->buf.data + sl->off, s, n)) {
		if (sl->cn == CANON_NONE)
			return NULL;
		*cn = sl->cn;
		return cc->buf.data + sl->cof;
	}
	v = json_loadb(s, n, JSON_ALLOW_NUL, NULL);
	text = json_is_object(v) && json_object_size(v)
		       ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS)
		       : NULL;
	json_decref(v);
	tn = text ? strlen(text) : 0;
	if (n + tn > CANON_BYTES / 4) { /* too big to keep */
		sl->n = 0;
		if (!text)
			return NULL;
		/* the caller copies it before the next call */
		sl_buf_reset(&cc->buf);
		memset(cc->slot, 0, sizeof(cc->slot));
		if (sl_buf_add(&cc->buf, text, tn)) {
			free(text);
			*cn = 0;
			return NULL;
		}
		free(text);
		*cn = tn;
		return cc->buf.data;
	}
	if (cc->buf.len + n + tn > CANON_BYTES) {
		sl_buf_reset(&cc->buf);
		memset(cc->slot, 0, sizeof(cc->slot));
	}
	sl->h = h;
	sl->off = (uint32_t)cc->buf.len;
	sl->n = (uint32_t)n;
	sl->cof = (uint32_t)(cc->buf.len + n);
	sl->cn = text ? (uint32_t)tn : CANON_NONE;
	if (sl_buf_add(&cc->buf, s, n) || (text && sl_buf_add(&cc->buf, text, tn))) {
		sl->n = 0;
		free(text);
		*cn = 0;
		return NULL;
	}
	free(text);
	if (sl->cn == CANON_NONE)
		return NULL;
	*cn = tn;
	return cc->buf.data + sl->cof;
}

/* The metadata objects of the current batch in their stored form: the
 * flat ones that jcanon_object() takes, always (a fraction of jansson's
 * cost), and with full the others too, through jansson and a cache (the
 * costliest step of a row): done here when the caller's thread is behind,
 * so that the two threads share the work. */
static void canon_metadata(struct csvstate *st, int full)
{
	struct batch *b = st->cur;

	if (st->meta_field < 0)
		return;
	if (full && !st->canon && !(st->canon = calloc(1, sizeof(*st->canon)))) {
		st->nomem = 1;
		return;
	}
	for (size_t i = 0; i < b->nr && !st->nomem; i++) {
		const struct rec *r = &b->r[i];
		struct fld *f;
		const char *text;
		size_t tn;

		if (r->type != R_ROW || r->nf != st->nftype)
			continue;
		f = &b->f[r->f0 + (size_t)st->meta_field];
		if (f->kind != F_TEXT || (f->pre != PRE_NONE && !pre_utf8(f->pre)) || !f->n ||
		    *fld_text(b, f) != '{')
			continue;
		if (sl_buf_grow(&b->arena, f->n)) {
			st->nomem = 1;
			break;
		}
		if (jcanon_object(fld_text(b, f), f->n, b->arena.data + b->arena.len, &tn)) {
			f->p = (const char *)(uintptr_t)b->arena.len;
			f->n = tn;
			f->pre = PRE_JSON;
			b->arena.len += tn;
			b->arena.data[b->arena.len] = '\0';
			continue;
		}
		if (!full)
			continue;
		text = canon_text(st->canon, fld_text(b, f), f->n, &tn);
		if (!text) {
			st->nomem = !tn;
			continue; /* left to the mapper, which says what is wrong */
		}
		f->p = (const char *)(uintptr_t)b->arena.len;
		f->n = tn;
		f->pre = PRE_JSON;
		if (sl_buf_add(&b->arena, text, tn))
			st->nomem = 1;
	}
}

/* 1 when the caller's thread has batches waiting. */
static int consumer_behind(struct csvstate *st)
{
	int behind;

	pthread_mutex_lock(&st->mu);
	behind = st->count > 0;
	pthread_mutex_unlock(&st->mu);
	return behind;
}

/* ---- hand-over between the tokenizer and the caller ---- */

/* Tokenizer: publishes the current batch and takes a free one; 1 when
 * the consumer has gone away. */
static int publish(struct csvstate *st, int last)
{
	if (st->cur) {
		/* the arena has stopped moving: offsets become pointers here,
		 * on the tokenizer's side, which has time to spare */
		const char *base = st->cur->arena.data ? st->cur->arena.data : "";

		for (size_t k = 0; k < st->cur->nf; k++)
			st->cur->f[k].p = base + FLD_OFF(&st->cur->f[k]);
	}
	pthread_mutex_lock(&st->mu);
	if (st->cur)
		st->count++;
	st->done = last;
	pthread_cond_broadcast(&st->cv);
	st->cur = NULL;
	if (!last) {
		while (st->count == NBATCH && !st->cancel)
			pthread_cond_wait(&st->cv, &st->mu);
		if (!st->cancel) {
			st->cur = &st->batches[(st->head + st->count) % NBATCH];
			sl_buf_reset(&st->cur->arena);
			st->prev_f0 = SIZE_MAX;
			st->cur->nf = st->cur->nr = st->cur->cur_f0 = 0;
			st->cur->overflow = 0;
		}
	}
	pthread_mutex_unlock(&st->mu);
	return st->cur == NULL && !last;
}

/* Appends a field of the fast path: n bytes at offset at in the arena.
 * 0, 1 when there are more fields than allowed, or SL_ENOMEM. */
static inline int line_field(struct batch *b, size_t at, size_t n, enum field_kind kind)
{
	struct fld *f;

	if (b->nf - b->cur_f0 >= SRC_MAX_FIELDS)
		return 1;
	if (b->nf == b->fcap && sl_grow(&b->f, &b->fcap, b->nf + 1, sizeof(*b->f)))
		return SL_ENOMEM;
	f = &b->f[b->nf++];
	memset(f, 0, sizeof(*f));
	f->p = (const char *)(uintptr_t)at;
	f->n = n;
	f->kind = kind;
	return 0;
}

/* The plain field s[from, to) of a line at off in the arena; empty is
 * null (CSV_EMPTY_IS_NULL). */
static inline int plain_field(struct batch *b, size_t off, size_t from, size_t to)
{
	return line_field(b, off + from, to - from, to == from ? F_NULL : F_TEXT);
}

/* The fields of the line s[0, len) at off in the arena when it has no
 * quote and no carriage return (else 2, and no field is added): they end
 * at the commas, found 16 bytes at a time where SSE2 is there, with the
 * quotes and carriage returns in the same pass. */
static int split_plain(struct batch *b, const char *s, size_t len, size_t off)
{
	size_t pos = 0, i = 0, nf0 = b->nf;
	int rc;

#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'),
		      cr = _mm_set1_epi8('\r');

	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma));

		if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, cr))))
			goto special;
		while (m) {
			size_t e = i + (size_t)__builtin_ctz(m);

			m &= m - 1;
			if ((rc = plain_field(b, off, pos, e)))
				return rc;
			pos = e + 1;
		}
	}
#endif
	for (; i < len; i++) {
		if (s[i] == '"' || s[i] == '\r')
			goto special;
		if (s[i] == ',') {
			if ((rc = plain_field(b, off, pos, i)))
				return rc;
			pos = i + 1;
		}
	}
	return plain_field(b, off, pos, len);
special:
	b->nf = nf0;
	return 2;
}

/* The fast path for a line that starts a record: a whole line (s[n-1] ==
 * '\n') with no carriage return but its ending, whose fields are plain
 * or quoted the regular way ("..." with "" for a quote, then a comma or
 * the end).  Everything else -- a quote inside a plain field, anything
 * but a comma after a closing quote, a quoted field that goes on past the
 * line, more fields than allowed -- is libcsv's to read, and the line is
 * given back untouched (1).  What this path makes of a line is what
 * libcsv makes of it (tests/fuzz/fuzz_csvpaths.c checks): the line goes
 * to the arena once, as the record's raw text, and the fields point into
 * it (a quoted field with "" in it is unescaped after it). */
static int split_line(struct csvstate *st, const char *s, size_t n)
{
	struct batch *b = st->cur;
	size_t len = n - 1, off = b->arena.len, nf0 = b->nf, pos = 0, nextq;
	const char *q;
	int rc;

	if (len && s[len - 1] == '\r')
		len--; /* a CRLF ending */
	if (sl_buf_add(&b->arena, s, len))
		return SL_ENOMEM;
	rc = split_plain(b, s, len, off);
	if (rc < 0)
		return rc;
	if (rc == 1)
		goto give_back;
	if (rc == 0) { /* no quote, no carriage return: fields end at the commas */
		st->rec_line = st->line;
		return end_record(st, off, len);
	}
	if (memchr(s, '\r', len))
		goto give_back; /* a carriage return inside the line */
	q = memchr(s, '"', len);
	nextq = q ? (size_t)(q - s) : SIZE_MAX; /* the next quote at or after pos */
	for (;;) {
		size_t end;

		if (pos == nextq) { /* a quoted field: text, even when empty */
			size_t fstart = pos + 1, at = off + fstart, k = fstart, nq = 0, flen;

			for (;;) {
				q = memchr(s + k, '"', len - k);
				if (!q)
					goto give_back; /* goes on past the line */
				k = (size_t)(q - s);
				if (k + 1 < len && s[k + 1] == '"') {
					nq++;
					k += 2;
					continue;
				}
				break;
			}
			if (k + 1 < len && s[k + 1] != ',')
				goto give_back;
			flen = k - fstart;
			end = k + 1;
			if (nq) { /* "" to ", a run at a time */
				size_t i = fstart;

				at = b->arena.len;
				while (i < k) {
					const char *dq = memchr(s + i, '"', k - i);
					size_t stop = dq ? (size_t)(dq - s) + 1 : k;

					if (sl_buf_add(&b->arena, s + i, stop - i))
						return SL_ENOMEM;
					i = stop + (dq != NULL); /* past the pair */
				}
				flen -= nq;
			}
			q = end < len ? memchr(s + end, '"', len - end) : NULL;
			nextq = q ? (size_t)(q - s) : SIZE_MAX;
			rc = line_field(b, at, flen, F_TEXT);
		} else {
			const char *comma = memchr(s + pos, ',', len - pos);

			end = comma ? (size_t)(comma - s) : len;
			if (nextq < end)
				goto give_back; /* a quote inside a plain field */
			rc = plain_field(b, off, pos, end);
		}
		if (rc < 0)
			return rc;
		if (rc)
			goto give_back;
		if (end >= len)
			break;
		pos = end + 1;
	}
	st->rec_line = st->line;
	return end_record(st, off, len);
give_back:
	b->nf = nf0;
	b->arena.len = off;
	return 1;
}

static int feed(struct csvstate *st, const char *s, size_t n, int ends_line);

/* Between records, a full batch goes to the caller. */
static int hand_over(struct csvstate *st)
{
	if (st->cur->nr >= BATCH_RECS && !st->raw.len && csvsrc_canon)
		canon_metadata(st, csvsrc_canon == 2 || consumer_behind(st));
	if (st->nomem)
		return sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
	if (st->cur->nr >= BATCH_RECS && !st->raw.len && publish(st, 0))
		return SL_EINVAL; /* cancelled */
	return SL_OK;
}

/* libcsv's state inside a field (FIELD_BEGUN in libcsv.c: csv.h shows the
 * parser's pstate and quoted members, not the names of their values). */
#define LIBCSV_FIELD_BEGUN 2

/* 1 when the parser is inside a quoted field that has not closed. */
static int quote_open(const struct csvstate *st)
{
	return st->p.quoted && st->p.pstate == LIBCSV_FIELD_BEGUN;
}

/* Rejects the record being built (its fields dropped) with reason, its
 * raw text cut to rawmax bytes, and starts the parser afresh. */
static int drop_record(struct csvstate *st, const char *reason, size_t rawmax)
{
	st->cur->nf = st->cur->cur_f0;
	if (close_rec(st, R_REJECT, reason, rawmax, SIZE_MAX, 0))
		return SL_ENOMEM;
	sl_buf_reset(&st->raw);
	st->clean = 1;
	return parser_init(st);
}

/* A quoted field that does not close (at the end of the input, or before
 * the record passes SRC_MAX_RECORD) has swallowed the lines after the one
 * it opened on.  The record is rejected at its first line, and the lines
 * it held are read again, each line a record of its own: a quote still
 * open at the end of a re-read line rejects that line alone.  Line by
 * line keeps the work linear (a stray quote on every line would otherwise
 * have the rest re-read once per line), and what is re-read is what the
 * record held already, at most SRC_MAX_RECORD bytes and a block, so a
 * quote opened early in a huge file costs no more memory than before.
 * A last line with no newline (mid-stream: the rest of it is still to
 * come) is fed as it is and goes on as usual.  Full batches go to the
 * caller on the way, as in feed().  0, or an error with st->terr set
 * (SL_EINVAL: the caller went away). */
/* The next newline in [p, end), or NULL: memchr a page at a time, so a
 * loop over the lines of a 16 MiB record costs as much as one pass under
 * a sanitizer too (ASan checks the whole length memchr is given). */
static const char *next_nl(const char *p, const char *end)
{
	while (p < end) {
		size_t n = (size_t)(end - p) < 4096 ? (size_t)(end - p) : 4096;
		const char *e = memchr(p, '\n', n);

		if (e)
			return e;
		p += n;
	}
	return NULL;
}

static int reread(struct csvstate *st)
{
	struct sl_buf held = st->raw;
	const char *p, *end, *nl;
	char reason[160];
	size_t first, nlines = 0;
	int rc = SL_OK;

	nl = next_nl(held.data, held.data + held.len);
	first = nl ? (size_t)(nl - held.data) : held.len;
	end = held.data + held.len;
	p = nl ? nl + 1 : end;
	for (const char *q = p; q < end; nlines++) {
		const char *e = next_nl(q, end);

		q = e ? e + 1 : end;
	}
	if (nlines)
		snprintf(reason, sizeof(reason),
			 "unterminated quoted field (the %zu line%s after it %s read again)",
			 nlines, nlines == 1 ? "" : "s", nlines == 1 ? "is" : "are");
	else
		snprintf(reason, sizeof(reason), "unterminated quoted field");
	if (first && held.data[first - 1] == '\r')
		first--;
	st->cur->nf = st->cur->cur_f0;
	if (close_rec(st, R_REJECT, reason, first < 4096 ? first : 4096, SIZE_MAX, 0))
		return sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
	memset(&st->raw, 0, sizeof(st->raw)); /* held is ours now */
	st->clean = 1;
	if (parser_init(st)) {
		rc = sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
		goto out;
	}
	st->line = st->rec_line + 1;
	st->rereading = 1;
	while (p < end && !rc) {
		const char *e = next_nl(p, end);
		const char *stop = e ? e + 1 : end;

		rc = feed(st, p, (size_t)(stop - p), e != NULL);
		if (!rc && e && st->raw.len && quote_open(st)) {
			size_t n = raw_len(st);

			if (drop_record(st, "unterminated quoted field", n < 4096 ? n : 4096))
				rc = sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
			else
				rc = hand_over(st);
		}
		p = stop;
	}
	st->rereading = 0;
out:
	sl_buf_release(&held);
	return rc;
}

/* Feeds one line (or the tail of a block) to the parser. */
static int feed(struct csvstate *st, const char *s, size_t n, int ends_line)
{
	const char *cr;

	if (st->skip_line) { /* the rest of a line given up on */
		if (ends_line) {
			st->skip_line = 0;
			st->line++;
		}
		return SL_OK;
	}
	if (!st->raw.len) {
		/* blank lines between records are not records */
		if (ends_line && (n == 1 || (n == 2 && s[0] == '\r'))) {
			st->line++;
			return SL_OK;
		}
		if (st->clean && ends_line && csvsrc_fast_lines && n <= SRC_MAX_RECORD) {
			int rc = split_line(st, s, n);

			if (rc < 0)
				return sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
			if (rc == 0) {
				st->line++;
				goto next;
			}
		}
		st->rec_line = st->line;
	}
	if (sl_buf_add(&st->raw, s, n))
		return sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
	if (csv_parse(&st->p, s, n, on_field, on_record, st) != n)
		return sl_err_set(&st->terr, SL_EFORMAT, st->path, st->line, "%s",
				  csv_strerror(csv_error(&st->p)));
	if (st->nomem)
		return sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
	/* libcsv ends records only at '\r' or '\n': with no '\r' before the
	 * line's end, a record that ended in this line ended at its end */
	st->clean = ends_line && !st->raw.len && (!(cr = memchr(s, '\r', n)) || cr == s + n - 2);
	if (ends_line)
		st->line++;
	if (st->raw.len > SRC_MAX_RECORD && !st->rereading && st->raw.len &&
	    memchr(st->raw.data, '\n', st->raw.len - 1)) {
		/* a runaway quoted field over several lines: its lines are
		 * read again */
		int rc = reread(st);

		if (rc)
			return rc;
	} else if (st->raw.len > SRC_MAX_RECORD) {
		/* one line over the limit: give it up and resume at the next */
		st->cur->nf = st->cur->cur_f0;
		if (close_rec(st, R_REJECT, "record longer than 16 MiB (unterminated quote?)",
			      4096, SIZE_MAX, 0))
			return sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
		sl_buf_reset(&st->raw);
		if (parser_init(st))
			return sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
		st->skip_line = !ends_line;
		st->clean = 1;
	}
next:
	return hand_over(st);
}

static int feed_block(struct csvstate *st, const char *p, size_t n)
{
	const char *end = p + n;

	st->bytes += n;
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

static void *tokenizer(void *arg)
{
	struct csvstate *st = arg;
	const char *data = st->first;
	ssize_t got = (ssize_t)st->nfirst;
	int rc = SL_OK;

	if (got >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3; /* a UTF-8 byte order mark is not part of the header */
		got -= 3;
		st->bytes += 3;
	}
	while (got > 0 && !rc) {
		rc = feed_block(st, data, (size_t)got);
		if (!rc)
			got = sl_input_read(st->in, &data, &st->terr);
	}
	if (!rc && got < 0) {
		rc = (int)got;
		st->terr.line = st->line;
	}
	/* a quote open at the end: csv_fini() would end the field there, with
	 * the lines after the quote inside it */
	if (!rc && st->raw.len && quote_open(st))
		rc = reread(st);
	if (!rc && st->raw.len && quote_open(st) &&
	    drop_record(st, "unterminated quoted field", raw_len(st) < 4096 ? raw_len(st) : 4096))
		rc = sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
	if (!rc && csv_fini(&st->p, on_field, on_record, st)) {
		st->cur->nf = st->cur->cur_f0;
		if (close_rec(st, R_REJECT, "unterminated quoted field at the end of the file",
			      4096, SIZE_MAX, 0))
			rc = sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
	}
	if (!rc && st->cur && csvsrc_canon)
		canon_metadata(st, csvsrc_canon == 2);
	if (!rc && st->nomem)
		rc = sl_err_set(&st->terr, SL_ENOMEM, st->path, st->line, NULL);
	st->lines = st->line - 1;
	pthread_mutex_lock(&st->mu);
	st->rc = rc;
	pthread_mutex_unlock(&st->mu);
	publish(st, 1);
	return NULL;
}

/* ---- the caller's side ---- */

static int deliver(struct csvstate *st, struct batch *b, struct sl_errctx *err)
{
	struct src_ops *ops = st->ops;
	const char *base = b->arena.data ? b->arena.data : "";

	for (size_t i = 0; i < b->nr; i++) {
		const struct rec *r = &b->r[i];
		const char *raw = base + r->raw_off;
		struct field *fields = b->f + r->f0;
		struct record rec;
		int rc;

		if (r->type == R_REJECT && !st->header_seen) /* no header, no file */
			return sl_err_set(err, SL_EFORMAT, st->path, r->line, "header row: %s",
					  base + r->reason_off);
		if (r->type == R_REJECT) {
			rc = ops->reject(ops->ctx, r->line, base + r->reason_off, raw, r->raw_len,
					 err);
			if (rc)
				return rc;
			continue;
		}
		if (!st->header_seen) {
			char **names = calloc(r->nf ? r->nf : 1, sizeof(char *));

			st->header_seen = 1;
			if (!names)
				return sl_err_set(err, SL_ENOMEM, st->path, r->line, NULL);
			rc = SL_OK;
			for (size_t k = 0; k < r->nf && !rc; k++) {
				const struct field *f = &fields[k];

				names[k] = strndup(f->p, f->n);
				if (!names[k])
					rc = sl_err_set(err, SL_ENOMEM, st->path, r->line, NULL);
				else if (!f->n || strlen(names[k]) != f->n)
					rc = sl_err_set(err, SL_EFORMAT, st->path, r->line,
							"empty or invalid column name in header "
							"(column %zu)", k + 1);
			}
			if (!rc)
				rc = ops->header(ops->ctx, (const char *const *)names, r->nf, err);
			for (size_t k = 0; k < r->nf; k++)
				free(names[k]);
			free(names);
			if (rc) {
				if (!err->line)
					err->line = r->line;
				return rc;
			}
			continue;
		}
		memset(&rec, 0, sizeof(rec));
		rec.nf = r->nf;
		rec.f = fields;
		rec.line = r->line;
		rec.raw = raw;
		rec.rawlen = r->raw_len;
		if ((rc = ops->record(ops->ctx, &rec, err)))
			return rc;
	}
	return SL_OK;
}

int csvsrc_run(struct sl_input *in, const char *path, const char *first, size_t n,
	       struct src_ops *ops, struct sl_errctx *err)
{
	struct csvstate st;
	pthread_t th;
	int rc = SL_OK, trc;
	const char *e = getenv("SHIPLOG_CSV_SHORTCUTS");

	if (e && !strcmp(e, "0")) /* docs/INGEST.md: for tests and diagnosis */
		csvsrc_fast_lines = csvsrc_canon = csvsrc_same = 0;
	memset(&st, 0, sizeof(st));
	st.in = in;
	st.path = path;
	st.ops = ops;
	st.line = 1;
	st.first = first;
	st.nfirst = n;
	st.clean = 1;
	st.meta_field = -1;
	st.prev_f0 = SIZE_MAX;
	if (parser_init(&st))
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	pthread_mutex_init(&st.mu, NULL);
	pthread_cond_init(&st.cv, NULL);
	st.cur = &st.batches[0];
	if (pthread_create(&th, NULL, tokenizer, &st)) {
		rc = sl_err_set(err, SL_ENOMEM, path, 0, "cannot start the CSV reader thread");
		goto out;
	}
	for (;;) {
		struct batch *b;
		int done;

		pthread_mutex_lock(&st.mu);
		while (!st.count && !st.done)
			pthread_cond_wait(&st.cv, &st.mu);
		b = st.count ? &st.batches[st.head] : NULL;
		done = st.done && !st.count;
		pthread_mutex_unlock(&st.mu);
		if (done)
			break;
		rc = deliver(&st, b, err);
		pthread_mutex_lock(&st.mu);
		st.head = (st.head + 1) % NBATCH;
		st.count--;
		if (rc)
			st.cancel = 1;
		pthread_cond_broadcast(&st.cv);
		pthread_mutex_unlock(&st.mu);
		if (rc)
			break;
	}
	pthread_join(th, NULL);
	trc = st.rc;
	if (!rc && trc && trc != SL_EINVAL) {
		*err = st.terr;
		rc = trc;
	}
	if (!rc && !st.header_seen)
		rc = sl_err_set(err, SL_EFORMAT, path, 1, "empty input: no header row");
out:
	ops->bytes += st.bytes;
	ops->lines = st.lines;
	if (st.p_init)
		csv_free(&st.p);
	for (int i = 0; i < NBATCH; i++) {
		sl_buf_release(&st.batches[i].arena);
		free(st.batches[i].f);
		free(st.batches[i].r);
	}
	sl_buf_release(&st.raw);
	if (st.canon)
		sl_buf_release(&st.canon->buf);
	free(st.canon);
	free(st.ftype);
	pthread_mutex_destroy(&st.mu);
	pthread_cond_destroy(&st.cv);
	return rc;
}
