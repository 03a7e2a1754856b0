#include "sl_batch.h"
#include "sl_err.h"

#include <stdlib.h>
#include <string.h>

static size_t type_size(enum sl_type t)
{
	switch (t) {
	case SL_I64:
	case SL_TIME:
		return 8;
	case SL_F64:
		return 8;
	case SL_BOOL:
		return 1;
	case SL_STR:
		return 4;
	}
	return 8;
}

static int reserve(struct sl_batch *b, size_t cap)
{
	if (cap <= b->cap)
		return SL_OK;
	for (int c = 0; c < b->ncols; c++) {
		struct sl_col *col = &b->cols[c];
		size_t old_nb = (b->cap + 7) / 8, nb = (cap + 7) / 8;
		void *p = realloc(col->v.p, cap * type_size(col->type));
		uint8_t *nulls;

		if (!p)
			return SL_ENOMEM;
		col->v.p = p;
		nulls = realloc(col->nulls, nb);
		if (!nulls)
			return SL_ENOMEM;
		memset(nulls + old_nb, 0xff, nb - old_nb);
		col->nulls = nulls;
	}
	b->cap = cap;
	return SL_OK;
}

struct sl_batch *sl_batch_new(enum sl_kind kind, size_t cap)
{
	const struct sl_kind_def *k = sl_kind_def(kind);
	struct sl_batch *b;

	if (!k)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->kind = kind;
	b->ncols = k->ncols;
	b->cols = calloc((size_t)k->ncols, sizeof(*b->cols));
	if (!b->cols)
		goto fail;
	for (int c = 0; c < k->ncols; c++) {
		b->cols[c].type = k->cols[c].type;
		if (k->cols[c].type == SL_STR && !(b->cols[c].dict = sl_dict_new()))
			goto fail;
	}
	if (reserve(b, cap ? cap : 64))
		goto fail;
	return b;
fail:
	sl_batch_free(b);
	return NULL;
}

void sl_batch_free(struct sl_batch *b)
{
	if (!b)
		return;
	for (int c = 0; b->cols && c < b->ncols; c++) {
		free(b->cols[c].v.p);
		free(b->cols[c].nulls);
		sl_dict_free(b->cols[c].dict);
	}
	free(b->cols);
	free(b);
}

void sl_batch_clear(struct sl_batch *b)
{
	size_t nb = (b->n + 7) / 8;

	for (int c = 0; c < b->ncols; c++) {
		memset(b->cols[c].nulls, 0xff, nb);
		if (b->cols[c].dict)
			sl_dict_clear(b->cols[c].dict);
	}
	b->n = 0;
}

int sl_batch_add_row(struct sl_batch *b, size_t *row)
{
	size_t r = b->n;

	if (r == b->cap && reserve(b, b->cap * 2))
		return SL_ENOMEM;
	/* Bits of rows >= n are kept set (null) by reserve/clear/drop, and the
	 * values zeroed here so that null slots hold 0 in the file. */
	for (int c = 0; c < b->ncols; c++) {
		struct sl_col *col = &b->cols[c];

		switch (col->type) {
		case SL_I64:
		case SL_TIME:
			col->v.i64[r] = 0;
			break;
		case SL_F64:
			col->v.f64[r] = 0;
			break;
		case SL_BOOL:
			col->v.u8[r] = 0;
			break;
		case SL_STR:
			col->v.code[r] = 0;
			break;
		}
	}
	b->n++;
	*row = r;
	return SL_OK;
}

int sl_batch_add_rows(struct sl_batch *b, size_t n)
{
	size_t cap = b->cap;

	while (cap < b->n + n)
		cap *= 2;
	if (reserve(b, cap))
		return SL_ENOMEM;
	/* null bits of rows >= b->n are already set; zero the values */
	for (int c = 0; c < b->ncols; c++)
		memset((char *)b->cols[c].v.p + b->n * type_size(b->cols[c].type), 0,
		       n * type_size(b->cols[c].type));
	b->n += n;
	return SL_OK;
}

void sl_batch_set_null(struct sl_batch *b, int c, size_t r)
{
	b->cols[c].nulls[r >> 3] |= (uint8_t)(1u << (r & 7));
	if (b->cols[c].type == SL_STR)
		b->cols[c].v.code[r] = 0;
	else if (b->cols[c].type == SL_BOOL)
		b->cols[c].v.u8[r] = 0;
	else
		b->cols[c].v.i64[r] = 0;
}

void sl_batch_drop_last(struct sl_batch *b)
{
	if (!b->n)
		return;
	b->n--;
	for (int c = 0; c < b->ncols; c++)
		b->cols[c].nulls[b->n >> 3] |= (uint8_t)(1u << (b->n & 7));
}

int sl_batch_set_str(struct sl_batch *b, int c, size_t r, const char *s, size_t n)
{
	uint32_t code;
	int rc = sl_dict_intern(b->cols[c].dict, s, n, &code);

	if (rc)
		return rc;
	b->cols[c].v.code[r] = code;
	sl_batch_set_valid_(b, c, r);
	return SL_OK;
}

const char *sl_batch_get_str(const struct sl_batch *b, int c, size_t r, size_t *n)
{
	if (sl_batch_is_null(b, c, r)) {
		*n = 0;
		return NULL;
	}
	return sl_dict_get(b->cols[c].dict, b->cols[c].v.code[r], n);
}

size_t sl_batch_filter(struct sl_batch *b, const uint8_t *keep)
{
	size_t w = 0;

	/* column by column: each pass is a tight copy over one array */
	for (int c = 0; c < b->ncols; c++) {
		struct sl_col *col = &b->cols[c];
		size_t sz = type_size(col->type);
		char *v = col->v.p;

		w = 0;
		for (size_t r = 0; r < b->n; r++) {
			unsigned isnull;

			if (!keep[r])
				continue;
			isnull = (col->nulls[r >> 3] >> (r & 7)) & 1;
			if (w != r)
				memcpy(v + w * sz, v + r * sz, sz);
			col->nulls[w >> 3] = (uint8_t)((col->nulls[w >> 3] & ~(1u << (w & 7))) |
						       (isnull << (w & 7)));
			w++;
		}
		for (size_t r = w; r < b->n; r++)
			col->nulls[r >> 3] |= (uint8_t)(1u << (r & 7));
	}
	if (!b->ncols)
		for (size_t r = 0; r < b->n; r++)
			w += keep[r] != 0;
	b->n = w;
	return w;
}

int sl_batch_copy_row(struct sl_batch *dst, const struct sl_batch *src, size_t r)
{
	size_t w;
	int rc = sl_batch_add_row(dst, &w);

	if (rc)
		return rc;
	for (int c = 0; c < src->ncols && c < dst->ncols; c++) {
		const struct sl_col *col = &src->cols[c];

		if (sl_batch_is_null(src, c, r))
			continue;
		switch (col->type) {
		case SL_I64:
		case SL_TIME:
			sl_batch_set_i64(dst, c, w, col->v.i64[r]);
			break;
		case SL_F64:
			sl_batch_set_f64(dst, c, w, col->v.f64[r]);
			break;
		case SL_BOOL:
			sl_batch_set_bool(dst, c, w, col->v.u8[r]);
			break;
		case SL_STR: {
			size_t n;
			const char *s = sl_dict_get(col->dict, col->v.code[r], &n);

			if ((rc = sl_batch_set_str(dst, c, w, s, n)))
				return rc;
			break;
		}
		}
	}
	return SL_OK;
}

size_t sl_batch_bytes(const struct sl_batch *b)
{
	size_t total = sizeof(*b);

	for (int c = 0; c < b->ncols; c++) {
		total += b->cap * type_size(b->cols[c].type) + b->cap / 8;
		if (b->cols[c].dict)
			total += sl_dict_bytes(b->cols[c].dict);
	}
	return total;
}
