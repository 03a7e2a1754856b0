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

void giter_only(struct giter *it, const int *cols)
{
	int nc;

	if (it->ti < 0)
		return;
	sl_anfile_cols(it->f, (size_t)it->ti, &nc);
	it->some = 1;
	memset(it->want, 0, sizeof(it->want));
	for (; *cols >= 0; cols++)
		if (*cols < nc)
			it->want[*cols] = 1;
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
	if ((it->rc = sl_anfile_group_cols(it->f, (size_t)it->ti, it->k++,
					   it->some ? it->want : NULL, &it->g, it->err)))
		return NULL;
	return it->g;
}

void giter_done(struct giter *it)
{
	sl_table_free(it->g);
	it->g = NULL;
}

int pick_init(struct pick *pk, size_t max, int latest)
{
	memset(pk, 0, sizeof(*pk));
	pk->max = max ? max : 1;
	pk->latest = latest;
	pk->key = malloc(2 * pk->max * sizeof(*pk->key));
	pk->row = malloc(2 * pk->max * sizeof(*pk->row));
	return pk->key && pk->row ? SL_OK : SL_ENOMEM;
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

/* The first *n of the kept entries, best first. */
static size_t *ranked(const struct pick *pk, size_t *n)
{
	size_t *idx = malloc((pk->n + 1) * sizeof(*idx));

	if (!idx)
		return NULL;
	for (size_t i = 0; i < pk->n; i++)
		idx[i] = i;
	order_pk = pk;
	sl_sort(idx, pk->n, sizeof(*idx), pk->latest ? cmp_row_desc : cmp_key);
	*n = pk->n < pk->max ? pk->n : pk->max;
	return idx;
}

/* Down to the max entries that stay. */
static int compact(struct pick *pk)
{
	size_t n, *idx = ranked(pk, &n);
	double *key;
	uint64_t *row;

	if (!idx)
		return SL_ENOMEM;
	key = malloc(2 * pk->max * sizeof(*key));
	row = malloc(2 * pk->max * sizeof(*row));
	if (!key || !row) {
		free(idx);
		free(key);
		free(row);
		return SL_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		key[i] = pk->key[idx[i]];
		row[i] = pk->row[idx[i]];
	}
	free(idx);
	free(pk->key);
	free(pk->row);
	pk->key = key;
	pk->row = row;
	pk->n = n;
	return SL_OK;
}

int pick_offer(struct pick *pk, uint64_t row, double key)
{
	pk->offered++;
	if (pk->n == 2 * pk->max && compact(pk))
		return SL_ENOMEM;
	pk->key[pk->n] = key;
	pk->row[pk->n] = row;
	pk->n++;
	return SL_OK;
}

static int cmp_row_asc(const void *x, const void *y)
{
	return -cmp_row_desc(x, y);
}

int pick_fill(struct pick *pk, struct sl_anfile *f, long ti, struct sl_errctx *err)
{
	const struct sl_rcol *cols;
	struct sl_table *g = NULL;
	size_t *ord;
	uint64_t *rows;
	double *keys;
	int nc, rc = SL_OK;
	long gk = -1;

	if (ti < 0)
		return SL_OK;
	cols = sl_anfile_cols(f, (size_t)ti, &nc);
	if (!(pk->t = sl_table_new_flat(sl_anfile_name(f, (size_t)ti), cols, nc)) || compact(pk))
		return SL_ENOMEM;
	/* the kept rows in file order, each group read once */
	ord = malloc((pk->n + 1) * sizeof(*ord));
	rows = malloc((pk->n + 1) * sizeof(*rows));
	keys = malloc((pk->n + 1) * sizeof(*keys));
	if (!ord || !rows || !keys) {
		rc = SL_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < pk->n; i++)
		ord[i] = i;
	order_pk = pk;
	sl_sort(ord, pk->n, sizeof(*ord), cmp_row_asc);
	for (size_t i = 0; i < pk->n; i++) {
		rows[i] = pk->row[ord[i]];
		keys[i] = pk->key[ord[i]];
	}
	for (size_t i = 0; i < pk->n && !rc; i++) {
		/* every group but the last holds SL_RESULT_GROUP_ROWS rows */
		long k = (long)(rows[i] / SL_RESULT_GROUP_ROWS);

		if (k != gk) {
			sl_table_free(g);
			g = NULL;
			if ((rc = sl_anfile_group(f, (size_t)ti, (size_t)k, &g, err)))
				break;
			gk = k;
		}
		rc = sl_table_copy_row(pk->t, g, (size_t)(rows[i] % SL_RESULT_GROUP_ROWS));
	}
	if (!rc) {
		memcpy(pk->row, rows, pk->n * sizeof(*rows));
		memcpy(pk->key, keys, pk->n * sizeof(*keys));
	}
out:
	sl_table_free(g);
	free(ord);
	free(rows);
	free(keys);
	return rc;
}

int pick_order(struct pick *pk, size_t **idx, size_t *n)
{
	*n = 0;
	*idx = ranked(pk, n);
	return *idx ? SL_OK : SL_ENOMEM;
}

void pick_free(struct pick *pk)
{
	sl_table_free(pk->t);
	free(pk->key);
	free(pk->row);
	memset(pk, 0, sizeof(*pk));
}
