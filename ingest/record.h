/* record.h - one input record as the format readers (csvsrc.c, jsonsrc.c)
 * hand it to the row mapper (rowmap.c).  Everything points into the
 * reader's buffers and is valid only during the callback. */
#ifndef INGEST_RECORD_H
#define INGEST_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum field_kind {
	F_TEXT,  /* p, n: text as written (CSV, JSON string) */
	F_NULL,  /* empty unquoted CSV field, JSON null */
	F_INT,   /* i: JSON integer */
	F_REAL,  /* d: JSON real */
	F_BOOL,  /* i: JSON true/false */
	F_JSON,  /* p, n: compact JSON of a nested object */
	F_LIST,  /* p, n: JSON array of scalars, joined with ';' */
};

/* What a reader already did with a field's text (CSV reader thread). */
enum field_pre {
	PRE_NONE = 0, /* nothing: the mapper parses p, n */
	PRE_OK,       /* parsed for its column's type: i (int, time ms, bool) or d */
	PRE_UTF8,     /* text for a string column, known to be valid UTF-8,
		       * with i = sl_hash() of it */
	PRE_JSON,     /* the metadata column: a non-empty object, as rowmap_add
		       * would store it alone (compact, keys sorted) */
	PRE_SAME,     /* as PRE_UTF8 (i the hash), and the same bytes as this
		       * field in the record handed over just before, in the
		       * same batch (so the mapper may reuse that one's code) */
};

/* Text known to be valid UTF-8, with i = sl_hash() of it. */
static inline int pre_utf8(enum field_pre pre)
{
	return pre == PRE_UTF8 || pre == PRE_SAME;
}

/* 32 bytes: the CSV reader hands over a batch of them per 1024 records,
 * and they pass between two cores. */
struct field {
	uint8_t kind;    /* enum field_kind */
	uint8_t pre;     /* enum field_pre */
	uint32_t json_n; /* F_LIST: length of json */
	const char *p;
	size_t n;
	union {
		int64_t i;
		double d;
		const char *json; /* F_LIST: the array as compact JSON (for metadata) */
	};
};

struct record {
	size_t nf;
	const struct field *f;
	const char *const *names; /* nf names */
	const int *map;           /* CSV: column of each field (see rowmap), or NULL */
	long line;                /* first line of the record in its file */
	const char *raw;          /* the record as read, for the reject file */
	size_t rawlen;
	const void *obj;          /* JSON Lines: the parsed object (a jansson
				   * json_t, for --map paths), or NULL */
};

#endif
