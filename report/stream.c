#include "stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"

void giter_init(struct giter *it, struct sl_anfile *f, long ti, struct sl_errctx *err)
{
	memset(it, 0, sizeof(*it));
	it->f = f;
	it->err = err;
	it->ti = ti;
	it->ng = ti >= 0 ? sl_anfile_ngroups(f, (size_t)ti) : 0;
}

const struct sl_table *giter_next(struct giter *it)
{
	if (it->g) {
		it->base += sl_table_rows(it->g);
		sl_table_free(it->g);
		it->g = NULL;
	}
	if (it->rc || it->k >= it->ng)
		return NULL;
	if ((it->rc = sl_anfile_group(it->f, (size_t)it->ti, it->k++, &it->g, it->err)))
		return NULL;
	return it->g;
}

void giter_done(struct giter *it)
{
	sl_table_free(it->g);
	it->g = NULL;
}

int pick_init(struct pick *pk, const struct sl_table *like, size_t max, int latest)
{
	struct sl_rcol cols[SL_ANREAD_MAX_COLS];
	int nc = sl_table_ncols(like);

	memset(pk, 0, sizeof(*pk));
	for (int c = 0; c < nc && c < SL_ANREAD_MAX_COLS; c++)
		cols[c] = (struct sl_rcol){sl_table_col_name(like, c), sl_table_col_type(like, c)};
	pk->max = max ? max : 1;
	pk->latest = latest;
	pk->t = sl_table_new(sl_table_name(like), cols, nc);
	pk->key = malloc(2 * pk->max * sizeof(*pk->key));
	pk->row = malloc(2 * pk->max * sizeof(*pk->row));
	return pk->t && pk->key && pk->row ? SL_OK : SL_ENOMEM;
}

/* qsort has no context: the pick being ordered */
static const struct pick *order_pk;

static int cmp_key(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	double a = order_pk->key[i], b = order_pk->key[j];

	if (isnan(a) || isnan(b)) {
		if (isnan(a) != isnan(b))
			return isnan(a) - isnan(b);
	} else if (a != b) {
		return a < b ? 1 : -1;
	}
	return (order_pk->row[i] > order_pk->row[j]) - (order_pk->row[i] < order_pk->row[j]);
}

static int cmp_row_desc(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;

	return (order_pk->row[i] < order_pk->row[j]) - (order_pk->row[i] > order_pk->row[j]);
}

int pick_order(struct pick *pk, size_t **idx, size_t *n)
{
	size_t m = sl_table_rows(pk->t);

	*n = 0;
	if (!(*idx = malloc((m + 1) * sizeof(**idx))))
		return SL_ENOMEM;
	for (size_t i = 0; i < m; i++)
		(*idx)[i] = i;
	order_pk = pk;
	sl_sort(*idx, m, sizeof(**idx), pk->latest ? cmp_row_desc : cmp_key);
	*n = m < pk->max ? m : pk->max;
	return SL_OK;
}

/* Down to the max rows that stay, in their order of arrival. */
static int compact(struct pick *pk)
{
	size_t *idx, n, m = sl_table_rows(pk->t);
	struct sl_rcol cols[SL_ANREAD_MAX_COLS];
	int nc = sl_table_ncols(pk->t), rc = SL_ENOMEM;
	struct sl_table *t = NULL;
	double *key = NULL;
	uint64_t *row = NULL;

	(void)m;
	if (pick_order(pk, &idx, &n))
		return SL_ENOMEM;
	/* keep arrival order: by row number */
	order_pk = pk;
	sl_sort(idx, n, sizeof(*idx), cmp_row_desc);
	for (int c = 0; c < nc; c++)
		cols[c] = (struct sl_rcol){sl_table_col_name(pk->t, c), sl_table_col_type(pk->t, c)};
	if (!(t = sl_table_new(sl_table_name(pk->t), cols, nc)) ||
	    !(key = malloc(2 * pk->max * sizeof(*key))) ||
	    !(row = malloc(2 * pk->max * sizeof(*row))))
		goto out;
	for (size_t i = n; i-- > 0;) {
		if (sl_table_copy_row(t, pk->t, idx[i]))
			goto out;
		key[n - 1 - i] = pk->key[idx[i]];
		row[n - 1 - i] = pk->row[idx[i]];
	}
	sl_table_free(pk->t);
	free(pk->key);
	free(pk->row);
	pk->t = t;
	pk->key = key;
	pk->row = row;
	t = NULL;
	key = NULL;
	row = NULL;
	rc = SL_OK;
out:
	free(idx);
	sl_table_free(t);
	free(key);
	free(row);
	return rc;
}

int pick_offer(struct pick *pk, const struct sl_table *g, size_t r, uint64_t row, double key)
{
	size_t m = sl_table_rows(pk->t);

	pk->offered++;
	if (m == 2 * pk->max) {
		if (compact(pk))
			return SL_ENOMEM;
		m = sl_table_rows(pk->t);
	}
	if (sl_table_copy_row(pk->t, g, r))
		return SL_ENOMEM;
	pk->key[m] = key;
	pk->row[m] = row;
	return SL_OK;
}

void pick_free(struct pick *pk)
{
	sl_table_free(pk->t);
	free(pk->key);
	free(pk->row);
	memset(pk, 0, sizeof(*pk));
}
