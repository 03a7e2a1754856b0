#include "jcanon.h"

#include <stdint.h>
#include <string.h>

#include "sl_value.h"

/* What jansson writes for the members this path takes: the key as read
 * (no escapes, valid UTF-8), then the value as read - a string (escapes
 * that jansson writes the same way, and \/, which it writes as /), an
 * integer of at most 18 digits (not -0), true, false or null. */
struct member {
	const char *k, *v;
	size_t kn, vn;
	int slash; /* the value has \/ in it */
};

static inline int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	return i;
}

/* The string token at s[*i] (an opening quote), past it in *i: 1, or 0
 * when it is not one this path takes (a key with an escape, a value with
 * an escape jansson writes otherwise, a control byte, bad UTF-8, no end). */
static int scan_string(const char *s, size_t n, size_t *i, int key, int *slash)
{
	size_t j = *i + 1;
	int high = 0;

	for (; j < n; j++) {
		unsigned char c = (unsigned char)s[j];

		if (c == '"')
			break;
		if (c < 0x20)
			return 0;
		high |= c >= 0x80;
		if (c == '\\') {
			if (key || ++j >= n)
				return 0;
			switch (s[j]) {
			case '/':
				*slash = 1;
				break;
			case '"':
			case '\\':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				break;
			default:
				return 0; /* \u and what is not JSON */
			}
		}
	}
	if (j >= n || (high && !sl_utf8_valid(s + *i + 1, j - *i - 1)))
		return 0;
	*i = j + 1;
	return 1;
}

/* An integer token at s[*i], past it in *i: 1, or 0 for a real, -0, a
 * leading zero, more than 18 digits (jansson's range is checked by it). */
static int scan_int(const char *s, size_t n, size_t *i)
{
	size_t j = *i, d0;

	j += s[j] == '-';
	d0 = j;
	if (j >= n || (unsigned)s[j] - '0' > 9)
		return 0;
	if (s[j] == '0') {
		if (j > *i)
			return 0; /* -0: jansson writes 0 */
		j++;
	} else {
		while (j < n && (unsigned)s[j] - '0' <= 9)
			j++;
	}
	if (j - d0 > 18 || (j < n && (s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
				     (unsigned)s[j] - '0' <= 9)))
		return 0;
	*i = j;
	return 1;
}

static int scan_word(const char *s, size_t n, size_t *i, const char *w, size_t wn)
{
	if (n - *i < wn || memcmp(s + *i, w, wn))
		return 0;
	*i += wn;
	return 1;
}

/* jansson's order of keys: bytes, then the shorter first. */
static int key_cmp(const struct member *a, const struct member *b)
{
	int c = memcmp(a->k, b->k, a->kn < b->kn ? a->kn : b->kn);

	return c ? c : (a->kn > b->kn) - (a->kn < b->kn);
}

int jcanon_object(const char *s, size_t n, char *out, size_t *outn)
{
	struct member m[JCANON_MAX_MEMBERS];
	size_t nm = 0, i = skip_ws(s, n, 0), o = 0;

	if (i >= n || s[i] != '{')
		return 0;
	i = skip_ws(s, n, i + 1);
	if (i < n && s[i] == '}')
		return 0; /* empty: not stored as an object */
	for (;;) {
		size_t at = i;
		int slash = 0, ok;

		if (nm == JCANON_MAX_MEMBERS || i >= n || s[i] != '"' ||
		    !scan_string(s, n, &i, 1, &slash))
			return 0;
		m[nm].k = s + at + 1;
		m[nm].kn = i - at - 2;
		i = skip_ws(s, n, i);
		if (i >= n || s[i] != ':')
			return 0;
		i = skip_ws(s, n, i + 1);
		if (i >= n)
			return 0;
		at = i;
		switch (s[i]) {
		case '"':
			ok = scan_string(s, n, &i, 0, &slash);
			break;
		case 't':
			ok = scan_word(s, n, &i, "true", 4);
			break;
		case 'f':
			ok = scan_word(s, n, &i, "false", 5);
			break;
		case 'n':
			ok = scan_word(s, n, &i, "null", 4);
			break;
		default:
			ok = scan_int(s, n, &i);
			break;
		}
		if (!ok)
			return 0;
		m[nm].v = s + at;
		m[nm].vn = i - at;
		m[nm].slash = slash;
		nm++;
		i = skip_ws(s, n, i);
		if (i < n && s[i] == ',') {
			i = skip_ws(s, n, i + 1);
			continue;
		}
		if (i < n && s[i] == '}')
			break;
		return 0;
	}
	if (skip_ws(s, n, i + 1) != n)
		return 0; /* text after the object */
	for (size_t a = 1; a < nm; a++) { /* insertion sort: a few members */
		struct member t = m[a];
		size_t b = a;

		for (; b > 0 && key_cmp(&m[b - 1], &t) > 0; b--)
			m[b] = m[b - 1];
		m[b] = t;
	}
	for (size_t a = 1; a < nm; a++)
		if (!key_cmp(&m[a - 1], &m[a]))
			return 0; /* a repeated key: jansson keeps the last */
	out[o++] = '{';
	for (size_t a = 0; a < nm; a++) {
		if (a)
			out[o++] = ',';
		out[o++] = '"';
		memcpy(out + o, m[a].k, m[a].kn);
		o += m[a].kn;
		out[o++] = '"';
		out[o++] = ':';
		if (!m[a].slash) {
			memcpy(out + o, m[a].v, m[a].vn);
			o += m[a].vn;
			continue;
		}
		for (size_t k = 0; k < m[a].vn; k++) { /* \/ is written / */
			if (m[a].v[k] == '\\' && m[a].v[k + 1] == '/')
				continue;
			out[o++] = m[a].v[k];
			if (m[a].v[k] == '\\')
				out[o++] = m[a].v[++k];
		}
	}
	out[o++] = '}';
	*outn = o;
	return 1;
}
