#include "sl_batch.h"
#include "sl_err.h"

#include <stdatomic.h>
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

/* Rows >= n read as null, and their values are 0 (the filler a file
 * holds for a null) up to b->zeroed: the functions that shrink or clear a
 * batch keep it so, and adding a row is only counting it, but for the
 * first use of a block of rows, zeroed a block at a time. */
#define ZERO_BLOCK 512

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

/* Zeroes the values of rows up to (at least) to, a block at a time. */
static void zero_upto(struct sl_batch *b, size_t to)
{
	size_t end;

	if (to <= b->zeroed)
		return;
	end = to + ZERO_BLOCK < b->cap ? to + ZERO_BLOCK : b->cap;
	for (int c = 0; c < b->ncols; c++) {
		size_t sz = type_size(b->cols[c].type);

		memset((char *)b->cols[c].v.p + b->zeroed * sz, 0, (end - b->zeroed) * sz);
	}
	b->zeroed = end;
}

/* Rows [from, to) back to null and 0. */
static void reset_rows(struct sl_batch *b, size_t from, size_t to)
{
	if (from >= to)
		return;
	for (int c = 0; c < b->ncols; c++) {
		struct sl_col *col = &b->cols[c];
		size_t sz = type_size(col->type), r = from;

		memset((char *)col->v.p + from * sz, 0, (to - from) * sz);
		for (; r < to && (r & 7); r++)
			col->nulls[r >> 3] |= (uint8_t)(1u << (r & 7));
		if (r < to)
			memset(col->nulls + (r >> 3), 0xff, (to - r + 7) / 8);
	}
}

static _Atomic uint64_t last_gen;

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
	b->gen = atomic_fetch_add(&last_gen, 1) + 1;
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
	reset_rows(b, 0, b->n);
	for (int c = 0; c < b->ncols; c++)
		if (b->cols[c].dict)
			sl_dict_clear(b->cols[c].dict);
	b->n = 0;
	b->gen = atomic_fetch_add(&last_gen, 1) + 1;
}

int sl_batch_add_row(struct sl_batch *b, size_t *row)
{
	if (b->n == b->cap && reserve(b, b->cap * 2))
		return SL_ENOMEM;
	zero_upto(b, b->n + 1);
	*row = b->n++;
	return SL_OK;
}

int sl_batch_add_rows(struct sl_batch *b, size_t n)
{
	size_t cap = b->cap;

	while (cap < b->n + n)
		cap *= 2;
	if (reserve(b, cap))
		return SL_ENOMEM;
	zero_upto(b, b->n + n);
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
	reset_rows(b, b->n, b->n + 1);
}

int sl_batch_set_str(struct sl_batch *b, int c, size_t r, const char *s, size_t n)
{
	return sl_batch_set_str_hashed(b, c, r, s, n, sl_hash(s, n));
}

int sl_batch_set_str_hashed(struct sl_batch *b, int c, size_t r, const char *s, size_t n,
			    uint64_t h)
{
	uint32_t code;
	int rc = sl_dict_intern_hashed(b->cols[c].dict, s, n, h, &code);

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

/* Moves the rows listed in idx (ascending) to rows first, first + 1, ...:
 * one tight loop per column and width. */
#define GATHER(T, v)                                                                    \
	do {                                                                            \
		T *a_ = (T *)(v);                                                       \
		for (size_t k = 0; k < nidx; k++)                                       \
			a_[first + k] = a_[idx[k]];                                     \
	} while (0)

static void gather_col(struct sl_col *col, size_t first, const uint32_t *idx, size_t nidx)
{
	switch (type_size(col->type)) {
	case 8:
		GATHER(uint64_t, col->v.p);
		break;
	case 4:
		GATHER(uint32_t, col->v.p);
		break;
	default:
		GATHER(uint8_t, col->v.p);
		break;
	}
	/* null bits gathered a byte at a time; byte w / 8 is stored once its
	 * last bit is known, and r >= w, so no bit is stored before it is read
	 * (the bits after the last row are left to reset_rows()) */
	uint8_t *nb = col->nulls;
	unsigned acc = nb[first >> 3] & ((1u << (first & 7)) - 1);
	size_t w = first;

	for (size_t k = 0; k < nidx; k++, w++) {
		size_t r = idx[k];

		acc |= ((nb[r >> 3] >> (r & 7)) & 1u) << (w & 7);
		if ((w & 7) == 7) {
			nb[w >> 3] = (uint8_t)acc;
			acc = 0;
		}
	}
	if (w & 7) /* rows from w on keep their bits for now */
		nb[w >> 3] = (uint8_t)(acc | (nb[w >> 3] & ~((1u << (w & 7)) - 1)));
}

size_t sl_batch_filter(struct sl_batch *b, const uint8_t *keep)
{
	uint32_t idx[1024];
	size_t w = 0, r = 0;

	while (r < b->n && keep[r])
		r++; /* rows before the first dropped one stay where they are */
	w = r;
	while (r < b->n) {
		size_t nidx = 0;

		for (; r < b->n && nidx < sizeof(idx) / sizeof(idx[0]); r++)
			if (keep[r])
				idx[nidx++] = (uint32_t)r;
		for (int c = 0; c < b->ncols; c++)
			gather_col(&b->cols[c], w, idx, nidx);
		w += nidx;
	}
	reset_rows(b, w, b->n);
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
