#include "history.h"
#include "common.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_scan.h"
#include "sl_u64map.h"


enum { C_ID, C_AGENT, C_ENV, C_PHASE, C_START, C_END, C_DUR, C_STRAT, C_TARGET, C_DEPLOYED,
       C_RB, C_REASON, NC };
static const char *const colnames[NC] = {
	"deployment_id", "agent_id", "environment", "phase", "start_time", "end_time",
	"duration_ms", "rollout_strategy", "target_instances", "deployed_instances",
	"rollback_triggered", "rollback_reason"};

const char *history_name(const struct history *h, uint32_t code, size_t *n)
{
	if (code == HIST_NONE) {
		*n = 0;
		return NULL;
	}
	return sl_dict_get(h->names, code, n);
}

static int take(struct history *h, const struct analyze_params *p, int filter,
		const struct sl_batch *b, size_t r, const int *col, struct sl_u64map *byid)
{
	size_t n[4], sn, rn;
	const char *s[4], *strat, *reason;
	struct hist_row *w;
	uint32_t *v;
	int added;

	for (int k = 0; k < 4; k++)
		s[k] = sl_batch_get_str(b, col[k], r, &n[k]);
	if (!s[0] || !s[1] || !s[2] || !s[3])
		return SL_OK;
	if (filter && !agent_env_wanted(p, s[1], n[1], s[2], n[2]))
		return SL_OK;
	if (sl_grow(&h->rows, &h->cap, h->n + 1, sizeof(*h->rows)))
		return SL_ENOMEM;
	w = &h->rows[h->n];
	memset(w, 0, sizeof(*w));
	w->strategy = w->reason = HIST_NONE;
	if (sl_dict_intern(h->names, s[0], n[0], &w->id) ||
	    sl_dict_intern(h->names, s[1], n[1], &w->agent) ||
	    sl_dict_intern(h->names, s[2], n[2], &w->env))
		return SL_ENOMEM;
	if ((strat = sl_batch_get_str(b, col[C_STRAT], r, &sn)) &&
	    sl_dict_intern(h->names, strat, sn, &w->strategy))
		return SL_ENOMEM;
	w->start = b->cols[col[C_START]].v.i64[r];
	if ((w->has_end = !sl_batch_is_null(b, col[C_END], r)))
		w->end = b->cols[col[C_END]].v.i64[r];
	if ((w->has_dur = !sl_batch_is_null(b, col[C_DUR], r)))
		w->dur = b->cols[col[C_DUR]].v.i64[r];
	w->target = sl_batch_is_null(b, col[C_TARGET], r) ? -1 : b->cols[col[C_TARGET]].v.i64[r];
	w->deployed =
		sl_batch_is_null(b, col[C_DEPLOYED], r) ? -1 : b->cols[col[C_DEPLOYED]].v.i64[r];
	w->completed = is_str(s[3], n[3], "completed");
	w->finished = w->completed || is_str(s[3], n[3], "failed") ||
		      is_str(s[3], n[3], "rolled_back") || is_str(s[3], n[3], "partial");
	w->rolled_back = is_str(s[3], n[3], "rolled_back") ||
			 (!sl_batch_is_null(b, col[C_RB], r) && b->cols[col[C_RB]].v.u8[r]);
	if (w->rolled_back && (reason = sl_batch_get_str(b, col[C_REASON], r, &rn)) && rn &&
	    sl_dict_intern(h->names, reason, rn, &w->reason))
		return SL_ENOMEM;
	if (sl_u64map_put(byid, sl_hash(s[0], n[0]), &v, &added))
		return SL_ENOMEM;
	*v = (uint32_t)h->n++;
	return SL_OK;
}

/* Adds the artifacts' bytes (of the window) or counts the validations
 * (around it) of each known deployment. */
static int join(struct history *h, const struct analyze_params *p, const struct sl_store *st,
		enum sl_kind kind, const struct sl_u64map *byid, struct sl_errctx *err)
{
	static const char *const names[] = {"deployment_id", "size_bytes"};
	struct sl_scan *sc;
	struct sl_batch *b;
	int col[2], rc, c_size = -1;

	if (kind == SL_KIND_ARTIFACTS)
		rc = scan_kind_cols(st, kind, p->from, p->to, names, 2, col, &sc, err);
	else
		rc = scan_follow_cols(st, kind, p->from, p->to, names, 1, col, &sc, err);
	if (rc)
		return rc;
	if (kind == SL_KIND_ARTIFACTS)
		c_size = col[1];
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			uint32_t *v = scan_row_index(sc, b, r, col[0], byid);

			if (!v)
				continue;
			if (c_size < 0)
				h->rows[*v].validations++;
			else if (!sl_batch_is_null(b, c_size, r) && b->cols[c_size].v.i64[r] > 0)
				h->rows[*v].artifact_bytes += (double)b->cols[c_size].v.i64[r];
		}
	sl_scan_close(sc);
	return rc < 0 ? rc : SL_OK;
}

int history_load(const struct analyze_params *p, const struct sl_store *st, int filter,
		 struct history *h, struct sl_errctx *err)
{
	struct sl_u64map byid = SL_U64MAP_INIT;
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	int col[NC], rc;

	memset(h, 0, sizeof(*h));
	if (!(h->names = sl_dict_new()))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = scan_deployments_cols(st, p->from, p->to, colnames, NC, col, &sc, err)))
		goto out;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++)
			if (sl_scan_in_window(sc, b, r) && take(h, p, filter, b, r, col, &byid)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
	if (rc < 0 || (rc = join(h, p, st, SL_KIND_ARTIFACTS, &byid, err)) ||
	    (rc = join(h, p, st, SL_KIND_VALIDATIONS, &byid, err)))
		goto out;
	sort_by_start_id(h->rows, h->n, sizeof(*h->rows), offsetof(struct hist_row, start),
			 offsetof(struct hist_row, id), h->names);
	rc = SL_OK;
out:
	sl_scan_close(sc);
	sl_u64map_release(&byid);
	if (rc)
		history_release(h);
	return rc;
}

void history_release(struct history *h)
{
	sl_dict_free(h->names);
	free(h->rows);
	memset(h, 0, sizeof(*h));
}
