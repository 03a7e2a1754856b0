#include "merge.h"

#include "sl_batch.h"
#include "sl_scan.h"
#include "sl_schema.h"
#include "sl_value.h"

/* One kind of the shard: every partition, the undated one too. */
static int merge_kind(struct partset *ps, const struct sl_store *shard, enum sl_kind kind,
		      uint64_t *rows, struct sl_errctx *err)
{
	const struct sl_kind_def *d = sl_kind_def(kind);
	struct sl_scan *sc;
	struct sl_batch *src;
	int rc;

	if ((rc = sl_scan_open(&sc, shard, kind, SL_TIME_MIN, SL_TIME_MAX, NULL, err)))
		return rc;
	while ((rc = sl_scan_next(sc, &src, err)) > 0)
		for (size_t r = 0; r < src->n; r++) {
			struct sl_batch *b;
			struct part *p;
			/* a stored row has its day column (the ingest requires it) */
			int64_t day = d->day_col >= 0 ? sl_day_of_ms(src->cols[d->day_col].v.i64[r])
						      : PART_DAY_PENDING;

			if (partset_target(ps, kind, day, &p, &b, err))
				goto nomem;
			if (sl_batch_copy_row(b, src, r))
				goto nomem;
			if ((rc = partset_add_row(ps, p, b->n - 1, err)))
				goto out;
			(*rows)++;
		}
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_scan_close(sc);
	return rc < 0 ? rc : SL_OK;
}

int merge_rows(struct partset *ps, const struct sl_store *shard, uint64_t *rows,
	       struct sl_errctx *err)
{
	int rc = SL_OK;

	for (int k = 0; k < SL_KIND_COUNT && !rc; k++)
		rc = merge_kind(ps, shard, (enum sl_kind)k, rows, err);
	return rc;
}

int merge_manifest(struct sl_store *dst, const struct sl_store *shard, struct sl_errctx *err)
{
	for (size_t i = 0; i < sl_store_manifest_count(shard); i++) {
		const struct sl_manifest_entry *e = sl_store_manifest_get(shard, i);

		if (!sl_store_manifest_find(dst, e->digest) && sl_store_manifest_put(dst, e))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	return SL_OK;
}
