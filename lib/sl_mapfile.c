#include "sl_mapfile.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_u64map.h"
#include "sl_value.h"

struct sl_map_ids {
	struct sl_u64map seen; /* ordinal -> offset of its text in texts */
	struct sl_buf texts;   /* NUL-terminated */
};

void sl_mapfile_free(struct sl_mapfile *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->ncols; i++) {
		free(m->cols[i].canon);
		free(m->cols[i].source);
		for (size_t k = 0; k < m->cols[i].nmore; k++)
			free(m->cols[i].more[k]);
		free(m->cols[i].constant);
		free(m->cols[i].pattern);
	}
	for (size_t i = 0; i < m->nvalues; i++) {
		free(m->values[i].from);
		free(m->values[i].to);
	}
	free(m->values);
	for (size_t i = 0; i < m->nkeep; i++)
		free(m->keep[i]);
	free(m->keep);
	if (m->ids) {
		sl_u64map_release(&m->ids->seen);
		sl_buf_release(&m->ids->texts);
		free(m->ids);
	}
	free(m);
}

/* A column's sources without the old ones (a later '<-' or '=' line). */
static void drop_sources(struct sl_map_col *c)
{
	free(c->source);
	c->source = NULL;
	for (size_t k = 0; k < c->nmore; k++)
		free(c->more[k]);
	c->nmore = 0;
	c->pair = 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*e = 0;
	return s;
}

/* "text" -> text (a value may need its blanks) */
static char *unquote(char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s[n - 1] = 0;
		return s + 1;
	}
	return s;
}

/* The column entry for canon, created on first mention. */
static int col_of(struct sl_mapfile *m, const char *canon, const char *name, long ln,
		  struct sl_errctx *err)
{
	int c;

	if (m->kind == SL_KIND_NONE)
		return sl_err_set(err, SL_EPARSE, name, ln, "'kind = KIND' must come first");
	for (size_t i = 0; i < m->ncols; i++)
		if (!strcmp(m->cols[i].canon, canon))
			return (int)i;
	if ((c = sl_kind_col(m->kind, canon)) < 0)
		return sl_err_set(err, SL_EPARSE, name, ln, "'%s' is not a column of %s", canon,
				  sl_kind_name(m->kind));
	if (m->ncols >= SL_MAP_MAX_COLS)
		return sl_err_set(err, SL_ELIMIT, name, ln, "more than %d columns",
				  SL_MAP_MAX_COLS);
	memset(&m->cols[m->ncols], 0, sizeof(m->cols[0]));
	if (!(m->cols[m->ncols].canon = strdup(canon)))
		return sl_err_set(err, SL_ENOMEM, name, ln, NULL);
	m->cols[m->ncols].col = c;
	return (int)m->ncols++;
}

static int set_str(char **dst, const char *s, const char *name, long ln, struct sl_errctx *err)
{
	free(*dst);
	if (!(*dst = strdup(s)))
		return sl_err_set(err, SL_ENOMEM, name, ln, NULL);
	return SL_OK;
}

/* The sources of c from the text after '<-': one name, or names joined by
 * ' | ' (the first non-null) or by ' + ' (two, both), blanks around the
 * sign (a name may hold '|' or '+' itself); a "quoted" name is taken
 * whole. */
static int set_sources(struct sl_map_col *c, char *src, const char *name, long ln,
		       struct sl_errctx *err)
{
	char *parts[SL_MAP_MAX_SOURCES];
	size_t np = 0;
	int sep = 0;
	char *p = src;

	drop_sources(c);
	for (;;) {
		char *at = NULL, *q;
		int s = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if ((*p == '|' || *p == '+') && (p[1] == ' ' || p[1] == '\t' || !p[1]))
			return sl_err_set(err, SL_EPARSE, name, ln, "an empty source name");
		if (*p == '"' && (q = strchr(p + 1, '"'))) {
			/* a quoted name: the separator search starts after it */
			at = q + 1;
		} else {
			at = p;
		}
		for (q = at; *q; q++)
			if ((*q == '|' || *q == '+') && q > p && (q[-1] == ' ' || q[-1] == '\t') &&
			    (q[1] == ' ' || q[1] == '\t' || !q[1])) {
				s = *q;
				break;
			}
		if (np >= SL_MAP_MAX_SOURCES)
			return sl_err_set(err, SL_ELIMIT, name, ln, "more than %d sources",
					  SL_MAP_MAX_SOURCES);
		if (s)
			*q = 0;
		parts[np] = unquote(trim(p));
		if (!*parts[np])
			return sl_err_set(err, SL_EPARSE, name, ln, "an empty source name");
		np++;
		if (!s)
			break;
		if (sep && sep != s)
			return sl_err_set(err, SL_EPARSE, name, ln,
					  "sources joined by both '|' and '+'");
		sep = s;
		p = q + 1;
	}
	if (sep == '+' && np != 2)
		return sl_err_set(err, SL_EPARSE, name, ln, "'+' joins two sources, not %zu", np);
	c->pair = sep == '+';
	if (!(c->source = strdup(parts[0])))
		return sl_err_set(err, SL_ENOMEM, name, ln, NULL);
	for (size_t i = 1; i < np; i++) {
		if (!(c->more[i - 1] = strdup(parts[i])))
			return sl_err_set(err, SL_ENOMEM, name, ln, NULL);
		c->nmore = i;
	}
	return SL_OK;
}

static int is_keyword(const char *w, size_t n)
{
	static const char *const kw[] = {"kind", "value", "time", "unit", "ordinal", "keep"};

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strlen(kw[i]) == n && !strncmp(kw[i], w, n))
			return 1;
	return 0;
}

static int parse_line(struct sl_mapfile *m, char *s, const char *name, long ln,
		      struct sl_errctx *err)
{
	char *arrow, *eq, *word, *rest;
	int ci;

	/* keywords: kind, value, time, unit, ordinal, keep (a column has none
	 * of these names) */
	word = s;
	rest = s + strcspn(s, " \t");
	if (is_keyword(word, (size_t)(rest - word))) {
		if (*rest)
			*rest++ = 0;
		rest = trim(rest);
	} else {
		word = "";
	}
	if (!strcmp(word, "kind")) {
		if (*rest != '=')
			return sl_err_set(err, SL_EPARSE, name, ln, "expected 'kind = KIND'");
		rest = trim(rest + 1);
		if (m->kind != SL_KIND_NONE)
			return sl_err_set(err, SL_EPARSE, name, ln, "kind given twice");
		if ((m->kind = sl_kind_from_name(rest)) == SL_KIND_NONE)
			return sl_err_set(err, SL_EPARSE, name, ln, "unknown record kind '%s'", rest);
		return SL_OK;
	}
	if (!strcmp(word, "value")) {
		char *col = rest, *from, *to, *ar;
		struct sl_map_value *v;

		from = col + strcspn(col, " \t");
		if (!*from || !(ar = strstr(from, "->")))
			return sl_err_set(err, SL_EPARSE, name, ln,
					  "expected 'value COLUMN FROM -> TO'");
		*from++ = 0;
		*ar = 0;
		to = unquote(trim(ar + 2));
		from = unquote(trim(from));
		if ((ci = col_of(m, col, name, ln, err)) < 0)
			return ci;
		if (m->nvalues >= SL_MAP_MAX_VALUES)
			return sl_err_set(err, SL_ELIMIT, name, ln, "more than %d value maps",
					  SL_MAP_MAX_VALUES);
		v = realloc(m->values, (m->nvalues + 1) * sizeof(*v));
		if (!v)
			return sl_err_set(err, SL_ENOMEM, name, ln, NULL);
		m->values = v;
		v += m->nvalues;
		v->col = (size_t)ci;
		v->from = strdup(from);
		v->to = strdup(to);
		m->nvalues++;
		if (!v->from || !v->to)
			return sl_err_set(err, SL_ENOMEM, name, ln, NULL);
		return SL_OK;
	}
	if (!strcmp(word, "time")) {
		char *col = rest, *fmt = rest + strcspn(rest, " \t");
		struct sl_map_col *c;

		if (!*fmt)
			return sl_err_set(err, SL_EPARSE, name, ln, "expected 'time COLUMN FORMAT'");
		*fmt++ = 0;
		fmt = trim(fmt);
		if ((ci = col_of(m, col, name, ln, err)) < 0)
			return ci;
		c = &m->cols[ci];
		if (sl_kind_def(m->kind)->cols[c->col].type != SL_TIME)
			return sl_err_set(err, SL_EPARSE, name, ln, "'%s' is not a time column", col);
		if (!strcmp(fmt, "epoch_s"))
			c->time = SL_MT_EPOCH_S;
		else if (!strcmp(fmt, "epoch_ms"))
			c->time = SL_MT_EPOCH_MS;
		else if (!strcmp(fmt, "iso"))
			c->time = SL_MT_AUTO;
		else if (strchr(fmt, '%')) {
			c->time = SL_MT_PATTERN;
			return set_str(&c->pattern, fmt, name, ln, err);
		} else
			return sl_err_set(err, SL_EPARSE, name, ln,
					  "unknown time format '%s' (epoch_s, epoch_ms, iso or a "
					  "strptime pattern)", fmt);
		return SL_OK;
	}
	if (!strcmp(word, "unit")) {
		char *col = rest, *unit = rest + strcspn(rest, " \t");
		struct sl_map_col *c;
		enum sl_type t;
		size_t cl;
		double to_ms;

		if (!*unit)
			return sl_err_set(err, SL_EPARSE, name, ln, "expected 'unit COLUMN UNIT'");
		*unit++ = 0;
		unit = trim(unit);
		if ((ci = col_of(m, col, name, ln, err)) < 0)
			return ci;
		c = &m->cols[ci];
		t = sl_kind_def(m->kind)->cols[c->col].type;
		if (t != SL_I64 && t != SL_F64)
			return sl_err_set(err, SL_EPARSE, name, ln, "'%s' is not a number column", col);
		if (!strcmp(unit, "ms"))
			to_ms = 1;
		else if (!strcmp(unit, "s"))
			to_ms = 1000;
		else if (!strcmp(unit, "min"))
			to_ms = 60000;
		else if (!strcmp(unit, "h"))
			to_ms = 3600000;
		else
			return sl_err_set(err, SL_EPARSE, name, ln,
					  "unknown unit '%s' (ms, s, min, h)", unit);
		/* the column's own unit is in its name: duration_ms, timeout_s */
		cl = strlen(c->canon);
		c->factor = cl > 2 && !strcmp(c->canon + cl - 2, "_s") ? to_ms / 1000 : to_ms;
		return SL_OK;
	}
	if (!strcmp(word, "ordinal")) {
		enum sl_type t;

		if (!*rest || rest[strcspn(rest, " \t")])
			return sl_err_set(err, SL_EPARSE, name, ln, "expected 'ordinal COLUMN'");
		if ((ci = col_of(m, rest, name, ln, err)) < 0)
			return ci;
		t = sl_kind_def(m->kind)->cols[m->cols[ci].col].type;
		if (t != SL_I64)
			return sl_err_set(err, SL_EPARSE, name, ln, "'%s' is not an integer column",
					  rest);
		m->cols[ci].ordinal = 1;
		if (!m->ids && !(m->ids = calloc(1, sizeof(*m->ids))))
			return sl_err_set(err, SL_ENOMEM, name, ln, NULL);
		return SL_OK;
	}
	if (!strcmp(word, "keep")) {
		if (!*rest)
			return sl_err_set(err, SL_EPARSE, name, ln, "expected 'keep SOURCE...'");
		while (*rest) {
			size_t len = strcspn(rest, " \t");
			char **k;

			if (m->nkeep >= SL_MAP_MAX_KEEP)
				return sl_err_set(err, SL_ELIMIT, name, ln, "more than %d kept columns",
						  SL_MAP_MAX_KEEP);
			if (!(k = realloc(m->keep, (m->nkeep + 1) * sizeof(*k))))
				return sl_err_set(err, SL_ENOMEM, name, ln, NULL);
			m->keep = k;
			if (!(k[m->nkeep] = strndup(rest, len)))
				return sl_err_set(err, SL_ENOMEM, name, ln, NULL);
			m->nkeep++;
			rest = trim(rest + len);
		}
		return SL_OK;
	}
	/* canon <- source, canon = constant */
	arrow = strstr(s, "<-");
	eq = strchr(s, '=');
	if (arrow && (!eq || arrow < eq)) {
		char *src;

		*arrow = 0;
		src = trim(arrow + 2);
		s = trim(s);
		if (!*src)
			return sl_err_set(err, SL_EPARSE, name, ln, "no source column after '<-'");
		if ((ci = col_of(m, s, name, ln, err)) < 0)
			return ci;
		free(m->cols[ci].constant);
		m->cols[ci].constant = NULL;
		return set_sources(&m->cols[ci], src, name, ln, err);
	}
	if (eq) {
		char *val;

		*eq = 0;
		val = unquote(trim(eq + 1));
		s = trim(s);
		if ((ci = col_of(m, s, name, ln, err)) < 0)
			return ci;
		drop_sources(&m->cols[ci]);
		return set_str(&m->cols[ci].constant, val, name, ln, err);
	}
	return sl_err_set(err, SL_EPARSE, name, ln,
			  "expected 'COLUMN <- SOURCE', 'COLUMN = CONSTANT', 'value', 'time', "
			  "'unit' or 'kind'");
}

int sl_mapfile_parse(const char *text, size_t n, const char *name, struct sl_mapfile **out,
		     struct sl_errctx *err)
{
	struct sl_mapfile *m = calloc(1, sizeof(*m));
	const char *p = text, *end = text + n;
	char line[SL_MAP_MAX_LINE + 1];
	long ln = 0;
	int rc = SL_OK;

	*out = NULL;
	if (!m)
		return sl_err_set(err, SL_ENOMEM, name, 0, NULL);
	m->kind = SL_KIND_NONE;
	m->ordinal_bits = SL_MAP_ORDINAL_BITS;
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		char *s;

		ln++;
		if (len > SL_MAP_MAX_LINE) {
			rc = sl_err_set(err, SL_ELIMIT, name, ln, "line longer than %d bytes",
					SL_MAP_MAX_LINE);
			break;
		}
		memcpy(line, p, len);
		line[len] = 0;
		p = nl ? nl + 1 : end;
		if (strlen(line) != len || !sl_utf8_valid(line, len)) {
			rc = sl_err_set(err, SL_EPARSE, name, ln, "not UTF-8 text");
			break;
		}
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		rc = parse_line(m, s, name, ln, err);
	}
	if (!rc && m->kind == SL_KIND_NONE)
		rc = sl_err_set(err, SL_EPARSE, name, ln, "no 'kind = KIND' line");
	if (rc) {
		sl_mapfile_free(m);
		return rc;
	}
	*out = m;
	return SL_OK;
}

int sl_mapfile_load(const char *path, struct sl_mapfile **out, struct sl_errctx *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc;

	*out = NULL;
	if (!f)
		return sl_err_set(err, SL_EIO, path, 0, "%s", strerror(errno));
	buf = malloc(SL_MAP_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		return sl_err_set(err, SL_ENOMEM, path, 0, NULL);
	}
	n = fread(buf, 1, SL_MAP_MAX_FILE + 1, f);
	if (ferror(f))
		rc = sl_err_set(err, SL_EIO, path, 0, "%s", strerror(errno));
	else if (n > SL_MAP_MAX_FILE)
		rc = sl_err_set(err, SL_ELIMIT, path, 0, "mapping file larger than 1 MiB");
	else
		rc = sl_mapfile_parse(buf, n, path, out, err);
	free(buf);
	fclose(f);
	return rc;
}

const char *sl_mapfile_value(const struct sl_mapfile *m, size_t ci, const char *s, size_t n,
			     size_t *outn)
{
	for (size_t i = 0; i < m->nvalues; i++) {
		const struct sl_map_value *v = &m->values[i];

		if (v->col == ci && strlen(v->from) == n && !strncasecmp(v->from, s, n)) {
			*outn = strlen(v->to);
			return v->to;
		}
	}
	*outn = n;
	return s;
}

size_t sl_mapfile_nsources(const struct sl_map_col *c)
{
	return c->constant ? 0 : 1 + c->nmore;
}

const char *sl_mapfile_source(const struct sl_map_col *c, size_t i)
{
	if (i == 0)
		return c->source ? c->source : c->canon;
	return i - 1 < c->nmore ? c->more[i - 1] : NULL;
}

int sl_mapfile_ordinal(const struct sl_mapfile *m, const char *s, size_t n, int64_t *ord,
		       const char **other)
{
	uint64_t h = sl_hash(s, n) & ((UINT64_C(1) << m->ordinal_bits) - 1);
	struct sl_map_ids *ids = m->ids;
	uint32_t *v;
	int added;
	const char *t;

	*ord = (int64_t)h;
	*other = NULL;
	if (!ids)
		return SL_OK;
	if (sl_u64map_put(&ids->seen, h, &v, &added))
		return SL_ENOMEM;
	if (added) {
		if (ids->texts.len > UINT32_MAX - n - 1) { /* past 4 GiB of ids: unchecked */
			*v = UINT32_MAX;
			return SL_OK;
		}
		*v = (uint32_t)ids->texts.len;
		if (sl_buf_add(&ids->texts, s, n) || sl_buf_addc(&ids->texts, 0))
			return SL_ENOMEM;
		return SL_OK;
	}
	if (*v == UINT32_MAX)
		return SL_OK;
	t = ids->texts.data + *v;
	if (strlen(t) == n && !memcmp(t, s, n))
		return SL_OK;
	*other = t;
	return SL_EFORMAT;
}

int sl_mapfile_time(const struct sl_map_col *c, const char *s, size_t n, int64_t *ms)
{
	char buf[128], *end;
	double d;
	struct tm tm;
	time_t t;

	if (n >= sizeof(buf))
		return SL_EPARSE;
	memcpy(buf, s, n);
	buf[n] = 0;
	switch (c->time) {
	case SL_MT_AUTO:
		return sl_parse_time(s, n, ms) ? SL_EPARSE : SL_OK;
	case SL_MT_EPOCH_S:
	case SL_MT_EPOCH_MS:
		errno = 0;
		d = strtod(buf, &end);
		while (*end == ' ')
			end++;
		if (end == buf || *end || errno || !isfinite(d) || fabs(d) > 9e15)
			return SL_EPARSE;
		*ms = c->time == SL_MT_EPOCH_S ? (int64_t)llround(d * 1000.0) : (int64_t)llround(d);
		return SL_OK;
	case SL_MT_PATTERN:
		memset(&tm, 0, sizeof(tm));
		end = strptime(buf, c->pattern, &tm);
		if (!end)
			return SL_EPARSE;
		while (*end == ' ')
			end++;
		if (*end)
			return SL_EPARSE;
		{
			long gmtoff = tm.tm_gmtoff; /* %z; timegm() resets it */

			t = timegm(&tm);
			if (t == (time_t)-1 && tm.tm_year != 69)
				return SL_EPARSE;
			*ms = ((int64_t)t - gmtoff) * 1000;
		}
		return SL_OK;
	}
	return SL_EPARSE;
}
