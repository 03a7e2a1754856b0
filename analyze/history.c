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
	if (!filter) {
		h->n = f->n;
		return SL_OK;
	}
	if (!(h->fr = malloc((f->n ? f->n : 1) * sizeof(*h->fr))))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (size_t i = 0; i < f->n; i++)
		if (f->wanted[i])
			h->fr[h->n++] = (uint32_t)i;
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
	if ((rc = frame_load(p, st, f, FC_HISTORY, err)) || (rc = history_from_frame(f, filter, h, err))) {
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
	free(h->fr);
	memset(h, 0, sizeof(*h));
}
