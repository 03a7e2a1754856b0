#include "rowmap.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_u64map.h"
#include "sl_value.h"

#define MAX_HEADER 4096

/* A normalised column's recent values as read and as stored (statuses,
 * phases and types repeat from row to row): NORM_WAYS of them per column,
 * in slots chosen by a few bytes of the value (norm_slot()). */
#define LAST_NORM_MAX 32
#define NORM_WAYS 8

struct last_norm {
	char raw[LAST_NORM_MAX], out[LAST_NORM_MAX];
	size_t n, outn;
	uint64_t h;
	int ok;
};

/* A string column's code in the record before: what a PRE_SAME field
 * (record.h) takes, if the row went to the same batch, unchanged since. */
struct last_code {
	uint64_t rec; /* rowmap.nrec of the record that set it */
	uint64_t gen; /* the batch's gen then */
	const struct sl_batch *b;
	uint32_t code;
};

struct rowmap {
	enum sl_kind kind;
	const struct sl_kind_def *def;
	struct partset *ps;
	struct sl_u64map names;   /* hash(column name) -> column + 1 */
	int *hmap;                /* CSV header: field -> column, -1 metadata */
	char **hnames;            /* CSV header names (sanitized) */
	size_t nh;
	int *seen;                /* per column: field index in this record */
	unsigned char *norm_col;  /* per column: enum norm */
	struct rowmap_stats stats;
	struct sl_buf text, reason, num, norm;
	int c_start, c_end, c_dur;
	int c_id; /* deployments: deployment_id, whose map entry is prefetched */
	int all_known; /* CSV header: every column is of the kind (no metadata keys) */
	int *req; /* the required columns */
	struct last_norm *last; /* NORM_WAYS per column */
	struct last_code *lcode; /* per column */
	uint64_t nrec; /* rowmap_add() calls */
	int nreq;
};

/* ---- value normalisation ---- */

static int col_is(const struct rowmap *rm, int c, const char *name)
{
	return !strcmp(rm->def->cols[c].name, name);
}

enum norm { N_NONE, N_LOWER, N_PHASE, N_CI_STATUS };

static enum norm norm_of(const struct rowmap *rm, int c)
{
	switch (rm->kind) {
	case SL_KIND_DEPLOYMENTS:
		if (col_is(rm, c, "phase"))
			return N_PHASE;
		if (col_is(rm, c, "rollout_strategy") || col_is(rm, c, "health"))
			return N_LOWER;
		break;
	case SL_KIND_PIPELINE_RUNS:
	case SL_KIND_STAGE_RUNS:
	case SL_KIND_GATE_RESULTS:
		if (col_is(rm, c, "status"))
			return N_CI_STATUS;
		if (col_is(rm, c, "stage_type") || col_is(rm, c, "gate_type") ||
		    col_is(rm, c, "operator") || col_is(rm, c, "trigger_type"))
			return N_LOWER;
		break;
	case SL_KIND_VALIDATIONS:
	case SL_KIND_CHECKPOINTS:
		if (col_is(rm, c, "status") || col_is(rm, c, "type"))
			return N_LOWER;
		break;
	case SL_KIND_METRIC_SAMPLES:
		if (col_is(rm, c, "cohort"))
			return N_LOWER;
		break;
	default:
		break;
	}
	return N_NONE;
}

/* CI status spellings of the common tools, to the canonical set. */
static const char *const ci_synonyms[][2] = {
	{"success", "success"},     {"succeeded", "success"}, {"successful", "success"},
	{"passed", "success"},      {"pass", "success"},      {"ok", "success"},
	{"failed", "failed"},       {"failure", "failed"},    {"fail", "failed"},
	{"error", "failed"},        {"errored", "failed"},    {"cancelled", "cancelled"},
	{"canceled", "cancelled"},  {"aborted", "cancelled"}, {"skipped", "skipped"},
	{"skip", "skipped"},        {"running", "running"},   {"in_progress", "running"},
	{"started", "running"},     {"evaluating", "running"}, {"pending", "pending"},
	{"queued", "pending"},      {"waiting", "pending"},   {"created", "pending"},
};

/* Lowercases and turns '-' and ' ' into '_' in place. */
static void lower_ident(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		s[i] = c == '-' || c == ' ' ? '_' : (char)tolower(c);
	}
}

/* The cache slot of a value to normalise (the cache checks the bytes). */
static inline size_t norm_slot(const char *s, size_t n)
{
	return n ? ((size_t)(unsigned char)s[0] * 3 + (unsigned char)s[n - 1] + n) % NORM_WAYS
		 : 0;
}

/* ---- construction ---- */

struct rowmap *rowmap_new(enum sl_kind kind, struct partset *ps)
{
	struct rowmap *rm = calloc(1, sizeof(*rm));

	if (!rm)
		return NULL;
	rm->kind = kind;
	rm->def = sl_kind_def(kind);
	rm->ps = ps;
	rm->seen = malloc((size_t)rm->def->ncols * sizeof(int));
	if (!rm->seen)
		goto fail;
	for (int c = 0; c < rm->def->ncols; c++) {
		const char *nm = rm->def->cols[c].name;
		uint32_t *v;
		int added;

		if (sl_u64map_put(&rm->names, sl_hash(nm, strlen(nm)), &v, &added))
			goto fail;
		*v = (uint32_t)c + 1;
	}
	rm->req = malloc((size_t)rm->def->ncols * sizeof(int));
	rm->last = calloc((size_t)rm->def->ncols * NORM_WAYS, sizeof(*rm->last));
	rm->lcode = calloc((size_t)rm->def->ncols, sizeof(*rm->lcode));
	if (!rm->req || !rm->last || !rm->lcode)
		goto fail;
	for (int c = 0; c < rm->def->ncols; c++)
		if (rm->def->cols[c].flags & SL_COL_REQUIRED)
			rm->req[rm->nreq++] = c;
	rm->norm_col = malloc((size_t)rm->def->ncols);
	if (!rm->norm_col)
		goto fail;
	for (int c = 0; c < rm->def->ncols; c++)
		rm->norm_col[c] = (unsigned char)norm_of(rm, c);
	rm->c_start = sl_kind_col(kind, "start_time");
	rm->c_end = sl_kind_col(kind, "end_time");
	rm->c_dur = sl_kind_col(kind, "duration_ms");
	rm->c_id = kind == SL_KIND_DEPLOYMENTS ? sl_kind_col(kind, "deployment_id") : -1;
	return rm;
fail:
	rowmap_free(rm);
	return NULL;
}

void rowmap_free(struct rowmap *rm)
{
	if (!rm)
		return;
	for (size_t i = 0; i < rm->nh; i++)
		free(rm->hnames[i]);
	free(rm->hnames);
	free(rm->hmap);
	free(rm->seen);
	free(rm->req);
	free(rm->last);
	free(rm->lcode);
	free(rm->norm_col);
	sl_u64map_release(&rm->names);
	sl_buf_release(&rm->text);
	sl_buf_release(&rm->reason);
	sl_buf_release(&rm->num);
	sl_buf_release(&rm->norm);
	free(rm);
}

static int column_of(const struct rowmap *rm, const char *name, size_t n)
{
	uint32_t *v = sl_u64map_get(&rm->names, sl_hash(name, n));

	if (!v || strlen(rm->def->cols[*v - 1].name) != n ||
	    memcmp(rm->def->cols[*v - 1].name, name, n))
		return -1;
	return (int)*v - 1;
}

/* seen[c]: the first field naming column c, or -1 (names NULL: the CSV
 * header's). */
static void see_columns(struct rowmap *rm, int *seen, size_t nf, const char *const *names)
{
	for (int c = 0; c < rm->def->ncols; c++)
		seen[c] = -1;
	for (size_t i = 0; i < nf; i++) {
		int c = names ? column_of(rm, names[i], strlen(names[i])) : rm->hmap[i];

		if (c >= 0 && seen[c] < 0)
			seen[c] = (int)i;
	}
}

int rowmap_set_header(struct rowmap *rm, const char *const *names, size_t n,
		      struct sl_errctx *err)
{
	if (n > MAX_HEADER)
		return sl_err_set(err, SL_ELIMIT, NULL, 1, "header has %zu columns (limit %d)",
				  n, MAX_HEADER);
	rm->hmap = malloc((n ? n : 1) * sizeof(int));
	rm->hnames = calloc(n ? n : 1, sizeof(char *));
	if (!rm->hmap || !rm->hnames)
		return sl_err_set(err, SL_ENOMEM, NULL, 1, NULL);
	rm->nh = n;
	for (size_t i = 0; i < n; i++) {
		struct sl_buf b = SL_BUF_INIT;
		size_t len = strlen(names[i]);

		/* header names are trimmed: "deployment_id " is a common slip */
		while (len && isspace((unsigned char)names[i][len - 1]))
			len--;
		if (sl_utf8_sanitize(names[i], len, &b) < 0)
			return sl_err_set(err, SL_ENOMEM, NULL, 1, NULL);
		rm->hnames[i] = b.data ? b.data : strdup("");
		if (!rm->hnames[i])
			return sl_err_set(err, SL_ENOMEM, NULL, 1, NULL);
		rm->hmap[i] = column_of(rm, rm->hnames[i], strlen(rm->hnames[i]));
		for (size_t j = 0; j < i; j++)
			if (!strcmp(rm->hnames[j], rm->hnames[i]))
				return sl_err_set(err, SL_EFORMAT, NULL, 1,
						  "duplicate column '%s' in header",
						  rm->hnames[i]);
	}
	rm->all_known = 1;
	for (size_t i = 0; i < n; i++)
		rm->all_known &= rm->hmap[i] >= 0;
	see_columns(rm, rm->seen, n, NULL); /* the same for every record */
	for (int c = 0; c < rm->def->ncols; c++) {
		int found = 0;

		if (!(rm->def->cols[c].flags & SL_COL_REQUIRED))
			continue;
		for (size_t i = 0; i < n; i++)
			found |= rm->hmap[i] == c;
		if (!found)
			return sl_err_set(err, SL_EFORMAT, NULL, 1,
					  "header lacks required column '%s' of %s",
					  rm->def->cols[c].name, rm->def->name);
	}
	return SL_OK;
}

const struct rowmap_stats *rowmap_stats(const struct rowmap *rm)
{
	return &rm->stats;
}

void rowmap_count_utf8(struct rowmap *rm, long n)
{
	if (n > 0)
		rm->stats.utf8_replaced += (uint64_t)n;
}

/* ---- rejecting ---- */

static int reject(struct rowmap *rm, const char **reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reject(struct rowmap *rm, const char **reason, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sl_buf_reset(&rm->reason);
	sl_buf_adds(&rm->reason, tmp);
	*reason = sl_buf_cstr(&rm->reason);
	rm->stats.rejected++;
	return 1;
}

/* A value quoted in a reject reason: at most 40 bytes, valid UTF-8,
 * control characters shown as '?'. */
static const char *quote_value(struct rowmap *rm, const struct field *f)
{
	size_t n = f->n > 40 ? 40 : f->n;

	sl_buf_reset(&rm->num);
	if (f->kind == F_INT) {
		sl_buf_printf(&rm->num, "%lld", (long long)f->i);
		return sl_buf_cstr(&rm->num);
	}
	if (f->kind == F_REAL) {
		sl_buf_printf(&rm->num, "%.17g", f->d);
		return sl_buf_cstr(&rm->num);
	}
	if (sl_utf8_sanitize(f->p, n, &rm->num) < 0)
		return "?"; /* out of memory: the reason loses its quote, not the row */
	for (size_t i = 0; i < rm->num.len; i++)
		if ((unsigned char)rm->num.data[i] < 0x20)
			rm->num.data[i] = '?';
	if (f->n > 40)
		sl_buf_adds(&rm->num, "...");
	return sl_buf_cstr(&rm->num);
}

/* ---- conversion ---- */

static int is_null(const struct field *f)
{
	/* a pre-parsed field was null-checked by the reader already */
	return f->kind == F_NULL ||
	       (f->kind == F_TEXT && f->pre == PRE_NONE && sl_value_is_null(f->p, f->n));
}

static int64_t epoch_to_ms(double v)
{
	/* an epoch number is seconds below 1e11 in magnitude (until the
	 * year 5138), else milliseconds */
	return (v > -1e11 && v < 1e11) ? (int64_t)(v * 1000.0) : (int64_t)v;
}

/* Text of a field for a string column, sanitized; the result points into
 * rm->text or into the field itself. */
static int field_text(struct rowmap *rm, const struct field *f, const char **s, size_t *n)
{
	long rep;

	switch (f->kind) {
	case F_INT:
		sl_buf_reset(&rm->text);
		sl_buf_printf(&rm->text, "%lld", (long long)f->i);
		break;
	case F_REAL:
		sl_buf_reset(&rm->text);
		sl_buf_printf(&rm->text, "%.17g", f->d);
		break;
	case F_BOOL:
		sl_buf_reset(&rm->text);
		sl_buf_adds(&rm->text, f->i ? "true" : "false");
		break;
	default:
		if (pre_utf8(f->pre) || sl_utf8_valid(f->p, f->n)) {
			*s = f->p;
			*n = f->n;
			return SL_OK;
		}
		sl_buf_reset(&rm->text);
		if ((rep = sl_utf8_sanitize(f->p, f->n, &rm->text)) < 0)
			return SL_ENOMEM;
		rm->stats.utf8_replaced += (uint64_t)rep;
		break;
	}
	*s = rm->text.data ? rm->text.data : "";
	*n = rm->text.len;
	return SL_OK;
}

/* Stores field f in column c of row r.  Returns 0, 1 (rejected) or < 0.
 * A value parsed already (PRE_OK) for a column that is not a string is
 * stored by rowmap_add() and never comes here. */
static int set_value_(struct rowmap *rm, struct sl_batch *b, int c, size_t r,
		      const struct field *f, const char **reason)
{
	const struct sl_column *col = &rm->def->cols[c];
	int64_t i64;
	double d;
	bool bo;

	switch (col->type) {
	case SL_STR: {
		const char *s;
		size_t n;
		enum norm nm;
		struct last_norm *ln;

		if (field_text(rm, f, &s, &n))
			return SL_ENOMEM;
		if (n > ROWMAP_MAX_FIELD)
			return reject(rm, reason, "value of '%s' is longer than %u bytes",
				      col->name, ROWMAP_MAX_FIELD);
		nm = (enum norm)rm->norm_col[c];
		if (nm != N_NONE) {
			const char *raw = s;
			size_t rawn = n;

			ln = &rm->last[(size_t)c * NORM_WAYS + norm_slot(s, n)];
			if (ln->ok && n == ln->n && sl_same_bytes(s, ln->raw, n))
				/* a text this column had lately: its result */
				return sl_batch_set_str_hashed(b, c, r, ln->out, ln->outn, ln->h)
					       ? SL_ENOMEM
					       : 0;

			while (n && isspace((unsigned char)*s))
				s++, n--;
			while (n && isspace((unsigned char)s[n - 1]))
				n--;
			sl_buf_reset(&rm->norm);
			if (sl_buf_add(&rm->norm, s, n))
				return SL_ENOMEM;
			s = rm->norm.data;
			lower_ident(rm->norm.data, n);
			if (nm == N_PHASE && !sl_phase_is_known(rm->norm.data))
				return reject(rm, reason, "unknown phase '%s'", quote_value(rm, f));
			if (nm == N_CI_STATUS) {
				size_t k, nsyn = sizeof(ci_synonyms) / sizeof(ci_synonyms[0]);

				for (k = 0; k < nsyn; k++)
					if (!strcmp(rm->norm.data, ci_synonyms[k][0]))
						break;
				if (k == nsyn)
					return reject(rm, reason, "unknown status '%s'",
						      quote_value(rm, f));
				s = ci_synonyms[k][1];
				n = strlen(s);
			}
			if (rawn <= LAST_NORM_MAX && n <= LAST_NORM_MAX) {
				memcpy(ln->raw, raw, rawn);
				ln->n = rawn;
				memcpy(ln->out, s, n);
				ln->outn = n;
				ln->h = sl_hash(s, n);
				ln->ok = 1;
				return sl_batch_set_str_hashed(b, c, r, ln->out, n, ln->h) ? SL_ENOMEM
											  : 0;
			}
		}
		if (nm == N_NONE && pre_utf8(f->pre)) /* hashed by the reader */
			return sl_batch_set_str_hashed(b, c, r, s, n, (uint64_t)f->i) ? SL_ENOMEM
											: 0;
		return sl_batch_set_str(b, c, r, s, n) ? SL_ENOMEM : 0;
	}
	case SL_I64:
		if (f->kind == F_INT) {
			i64 = f->i;
		} else if (f->kind == F_REAL && f->d == (double)(int64_t)f->d) {
			i64 = (int64_t)f->d;
		} else if (f->kind != F_TEXT || sl_parse_i64(f->p, f->n, &i64)) {
			return reject(rm, reason, "cannot read '%s' as an integer: '%s'",
				      col->name, quote_value(rm, f));
		}
		sl_batch_set_i64(b, c, r, i64);
		return 0;
	case SL_F64:
		if (f->kind == F_INT)
			d = (double)f->i;
		else if (f->kind == F_REAL)
			d = f->d;
		else if (f->kind != F_TEXT || sl_parse_f64(f->p, f->n, &d))
			return reject(rm, reason, "cannot read '%s' as a number: '%s'",
				      col->name, quote_value(rm, f));
		sl_batch_set_f64(b, c, r, d);
		return 0;
	case SL_BOOL:
		if (f->kind == F_BOOL || (f->kind == F_INT && (f->i == 0 || f->i == 1)))
			bo = f->i != 0;
		else if (f->kind != F_TEXT || sl_parse_bool(f->p, f->n, &bo))
			return reject(rm, reason, "cannot read '%s' as a boolean: '%s'",
				      col->name, quote_value(rm, f));
		sl_batch_set_bool(b, c, r, bo);
		return 0;
	case SL_TIME:
		if (f->kind == F_INT)
			i64 = epoch_to_ms((double)f->i);
		else if (f->kind == F_REAL)
			i64 = epoch_to_ms(f->d);
		else if (f->kind != F_TEXT || sl_parse_time(f->p, f->n, &i64))
			return reject(rm, reason, "cannot read '%s' as a time: '%s'", col->name,
				      quote_value(rm, f));
		if (f->kind == F_INT && (f->i > 0 ? f->i >= 1e11 : f->i <= -1e11))
			i64 = f->i; /* exact milliseconds, no double rounding */
		sl_batch_set_i64(b, c, r, i64);
		return 0;
	}
	return 0;
}

/* ---- metadata: unknown columns, and a given metadata object ---- */

static json_t *field_json(struct rowmap *rm, const struct field *f)
{
	const char *s;
	size_t n;

	switch (f->kind) {
	case F_INT:
		return json_integer(f->i);
	case F_REAL:
		return json_real(f->d);
	case F_BOOL:
		return json_boolean(f->i);
	case F_JSON:
		return json_loadb(f->p, f->n, JSON_ALLOW_NUL, NULL);
	case F_LIST:
		return json_loadb(f->json, f->json_n, JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL);
	default:
		if (field_text(rm, f, &s, &n))
			return NULL;
		return json_stringn(s, n);
	}
}

static int add_metadata(struct rowmap *rm, json_t **meta, const char *name, size_t nlen,
			const struct field *f)
{
	json_t *v;

	if (!*meta && !(*meta = json_object()))
		return SL_ENOMEM;
	if (name) {
		struct sl_buf key = SL_BUF_INIT;
		int rc;

		if (sl_utf8_sanitize(name, nlen, &key) < 0 || !(v = field_json(rm, f))) {
			sl_buf_release(&key);
			return SL_ENOMEM;
		}
		rc = json_object_setn_new(*meta, sl_buf_cstr(&key), key.len, v);
		sl_buf_release(&key);
		return rc ? SL_ENOMEM : SL_OK;
	}
	/* the metadata column itself: an object is merged, other text kept */
	v = f->kind == F_JSON || (f->kind == F_TEXT && f->n && f->p[0] == '{')
		    ? json_loadb(f->p, f->n, JSON_ALLOW_NUL, NULL)
		    : NULL;
	if (v && json_is_object(v)) {
		json_object_update_missing(*meta, v);
		json_decref(v);
		return SL_OK;
	}
	json_decref(v);
	if (!(v = field_json(rm, f)))
		return SL_ENOMEM;
	return json_object_set_new(*meta, "metadata", v) ? SL_ENOMEM : SL_OK;
}

static int store_metadata(struct rowmap *rm, struct sl_batch *b, size_t r, json_t *meta,
			  const char **reason)
{
	char *s;
	size_t n;
	int rc;

	if (!json_object_size(meta))
		return 0;
	s = json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS);
	if (!s)
		return SL_ENOMEM;
	n = strlen(s);
	if (n > ROWMAP_MAX_METADATA) {
		free(s);
		return reject(rm, reason, "metadata is longer than %u bytes", ROWMAP_MAX_METADATA);
	}
	rc = sl_batch_set_str(b, rm->def->meta_col, r, s, n) ? SL_ENOMEM : 0;
	free(s);
	return rc;
}

/* ---- the record ---- */


/* set_value_(), but a string the reader found the same as in the record
 * before takes that one's code when it can (no dictionary lookup). */
static int set_value(struct rowmap *rm, struct sl_batch *b, int c, size_t r,
		     const struct field *f, const char **reason)
{
	struct last_code *lc = &rm->lcode[c];
	int rc;

	if (rm->def->cols[c].type != SL_STR)
		return set_value_(rm, b, c, r, f, reason);
	if (f->pre == PRE_SAME && lc->rec + 1 == rm->nrec && lc->b == b && lc->gen == b->gen) {
		sl_batch_set_code(b, c, r, lc->code);
		lc->rec = rm->nrec;
		return 0;
	}
	rc = set_value_(rm, b, c, r, f, reason);
	if (rc == 0 && !sl_batch_is_null(b, c, r)) {
		lc->rec = rm->nrec;
		lc->b = b;
		lc->gen = b->gen;
		lc->code = b->cols[c].v.code[r];
	}
	return rc;
}

int rowmap_add(struct rowmap *rm, const struct record *rec, const char **reason,
	       struct sl_errctx *err)
{
	const struct sl_kind_def *d = rm->def;
	struct sl_batch *b;
	struct part *p;
	size_t r;
	int64_t day;
	json_t *meta = NULL;
	int rc = 0;

	rm->nrec++;
	if (rm->hmap && rec->nf != rm->nh)
		return reject(rm, reason, "expected %zu fields, got %zu", rm->nh, rec->nf);
	if (!rm->hmap) /* JSON: the names differ from record to record */
		see_columns(rm, rm->seen, rec->nf, rec->names);
	if (rm->c_id >= 0 && rm->seen[rm->c_id] >= 0 && pre_utf8(rec->f[rm->seen[rm->c_id]].pre))
		partset_prefetch_deployment(rm->ps, (uint64_t)rec->f[rm->seen[rm->c_id]].i);
	/* the day first: it chooses the partition */
	if (d->day_col >= 0) {
		int i = rm->seen[d->day_col];
		const struct field *f = i >= 0 ? &rec->f[i] : NULL;

		if (!f || is_null(f))
			return reject(rm, reason, "missing required value '%s'",
				      d->cols[d->day_col].name);
		if (f->pre == PRE_OK)
			day = sl_day_of_ms(f->i);
		else if (f->kind == F_INT)
			day = sl_day_of_ms(f->i > -100000000000LL && f->i < 100000000000LL
						   ? f->i * 1000
						   : f->i);
		else if (f->kind == F_REAL)
			day = sl_day_of_ms(epoch_to_ms(f->d));
		else if (f->kind == F_TEXT && !sl_parse_time(f->p, f->n, &day))
			day = sl_day_of_ms(day);
		else
			return reject(rm, reason, "cannot read '%s' as a time: '%s'",
				      d->cols[d->day_col].name, quote_value(rm, f));
	} else {
		day = PART_DAY_PENDING;
	}
	if (partset_target(rm->ps, rm->kind, day, &p, &b, err))
		return SL_ENOMEM;
	if (sl_batch_add_row(b, &r))
		return sl_err_set(err, SL_ENOMEM, NULL, rec->line, NULL);
	for (size_t i = 0; i < rec->nf && rc == 0; i++) {
		const struct field *f = &rec->f[i];
		int c = rm->hmap ? rm->hmap[i]
				 : column_of(rm, rec->names[i], strlen(rec->names[i]));

		if (is_null(f))
			continue;
		if (c >= 0 && c == d->meta_col && f->pre == PRE_JSON && rm->all_known) {
			/* the reader stored it as the code below would, alone */
			if (f->n > ROWMAP_MAX_METADATA)
				rc = reject(rm, reason, "metadata is longer than %u bytes",
					    ROWMAP_MAX_METADATA);
			else if (sl_batch_set_str(b, c, r, f->p, f->n))
				rc = SL_ENOMEM;
			continue;
		}
		if (c < 0 || c == d->meta_col) {
			const char *nm = c < 0 ? (rm->hmap ? rm->hnames[i] : rec->names[i]) : NULL;

			rc = add_metadata(rm, &meta, nm, nm ? strlen(nm) : 0, f);
			continue;
		}
		if (rm->seen[c] != (int)i)
			continue; /* a repeated JSON key: the first one counts */
		if (f->pre == PRE_OK) { /* parsed as the column's type: only here */
			switch (d->cols[c].type) {
			case SL_I64:
			case SL_TIME:
				sl_batch_set_i64(b, c, r, f->i);
				continue;
			case SL_F64:
				sl_batch_set_f64(b, c, r, f->d);
				continue;
			case SL_BOOL:
				sl_batch_set_bool(b, c, r, f->i != 0);
				continue;
			case SL_STR:
				break;
			}
		}
		rc = set_value(rm, b, c, r, f, reason);
	}
	if (rc == 0 && meta)
		rc = store_metadata(rm, b, r, meta, reason);
	json_decref(meta);
	for (int k = 0; rc == 0 && k < rm->nreq; k++)
		if (sl_batch_is_null(b, rm->req[k], r))
			rc = reject(rm, reason, "missing required value '%s'",
				    d->cols[rm->req[k]].name);
	if (rc == 0 && rm->c_start >= 0 && rm->c_end >= 0 && !sl_batch_is_null(b, rm->c_end, r) &&
	    !sl_batch_is_null(b, rm->c_start, r)) {
		int64_t s = b->cols[rm->c_start].v.i64[r], e = b->cols[rm->c_end].v.i64[r];

		if (e < s)
			rc = reject(rm, reason, "end_time is before start_time");
		else if (rm->c_dur >= 0 && sl_batch_is_null(b, rm->c_dur, r))
			sl_batch_set_i64(b, rm->c_dur, r, e - s); /* none given: end - start */
	}
	if (rc == 0 && rm->c_dur >= 0 && !sl_batch_is_null(b, rm->c_dur, r) &&
	    b->cols[rm->c_dur].v.i64[r] < 0)
		rc = reject(rm, reason, "duration_ms is negative");
	if (rc != 0) {
		sl_batch_drop_last(b);
		if (rc < 0)
			return sl_err_set(err, SL_ENOMEM, NULL, rec->line, NULL);
		return 1;
	}
	rm->stats.accepted++;
	return partset_add_row(rm->ps, p, r, err);
}
