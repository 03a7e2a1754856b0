#include "history.h"
#include "frame.h"

#include <stdlib.h>
#include <string.h>

const char *history_name(const struct history *h, uint32_t code, size_t *n)
{
	if (code == HIST_NONE) {
		*n = 0;
		return NULL;
	}
	return sl_dict_get(h->names, code, n);
}

int history_from_frame(const struct frame *f, int filter, struct history *h,
		       struct sl_errctx *err)
{
	memset(h, 0, sizeof(*h));
	h->names = f->names;
	h->f = f;
	if (!(h->rows = malloc((f->n ? f->n : 1) * sizeof(*h->rows))))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	h->cap = f->n;
	for (size_t i = 0; i < f->n; i++) {
		struct hist_row *w = &h->rows[h->n];
		int64_t rec;

		if (filter && !f->wanted[i])
			continue;
		memset(w, 0, sizeof(*w));
		w->id = (uint32_t)i;
		w->agent = f->agent[i];
		w->env = f->env[i];
		w->strategy = f->strategy[i];
		w->reason = f->reason[i];
		w->start = f->start[i];
		w->has_end = f->end[i] != FRAME_NULL;
		w->end = w->has_end ? f->end[i] : 0;
		w->has_dur = (uint8_t)frame_duration(f, i, &w->dur);
		if (!w->has_dur)
			w->dur = 0;
		w->target = f->target[i] == FRAME_NULL ? -1 : f->target[i];
		w->deployed = f->deployed[i] == FRAME_NULL ? -1 : f->deployed[i];
		w->artifact_bytes = f->artifact_bytes[i];
		w->validations = f->validations[i];
		w->finished = (uint8_t)frame_finished(f, i);
		w->completed = (uint8_t)frame_completed(f, i);
		w->rolled_back = (uint8_t)frame_rolled_back(f, i);
		w->recovery = frame_recovery(f, i, &rec) == 1 ? rec : -1;
		h->n++;
	}
	return SL_OK;
}

int history_load(const struct analyze_params *p, const struct sl_store *st, int filter,
		 struct history *h, struct sl_errctx *err)
{
	struct frame *f = calloc(1, sizeof(*f));
	int rc;

	memset(h, 0, sizeof(*h));
	if (!f)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = frame_load(p, st, f, err)) || (rc = history_from_frame(f, filter, h, err))) {
		frame_release(f);
		free(f);
		return rc;
	}
	h->own = f;
	return SL_OK;
}

void history_release(struct history *h)
{
	if (h->own) {
		frame_release(h->own);
		free(h->own);
	}
	free(h->rows);
	memset(h, 0, sizeof(*h));
}
