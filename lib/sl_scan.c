#include "sl_scan.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sl_colfile.h"
#include "sl_value.h"

#define DAY_MS 86400000LL

struct sl_scan {
	const struct sl_store *st;
	enum sl_kind kind;
	int64_t from, to;
	uint8_t want[64];
	int day_col;
	int64_t *days;
	size_t ndays, di;
	int undated, undated_done;
	struct sl_cfr *r;
	size_t g;
	struct sl_batch *b;
	uint64_t files;
};

int sl_scan_open(struct sl_scan **scp, const struct sl_store *st, enum sl_kind kind,
		 int64_t from, int64_t to, const uint8_t *want, struct sl_errctx *err)
{
	const struct sl_kind_def *k = sl_kind_def(kind);
	struct sl_scan *sc;
	int rc;

	*scp = NULL;
	if (!k)
		return sl_err_set(err, SL_EINVAL, NULL, 0, "unknown kind");
	sc = calloc(1, sizeof(*sc));
	if (!sc || !(sc->b = sl_batch_new(kind, 65536))) {
		free(sc);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	sc->st = st;
	sc->kind = kind;
	sc->from = from;
	sc->to = to;
	sc->day_col = k->day_col;
	for (int c = 0; c < k->ncols && c < 64; c++)
		sc->want[c] = want ? want[c] : 1;
	if (sc->day_col >= 0)
		sc->want[sc->day_col] = 1; /* needed to filter the window */
	if ((rc = sl_store_list_days(st, kind, &sc->days, &sc->ndays, &sc->undated, err))) {
		sl_scan_close(sc);
		return rc;
	}
	/* keep only the days that can overlap [from, to) */
	{
		size_t w = 0;

		for (size_t i = 0; i < sc->ndays; i++) {
			int64_t d0 = sc->days[i] * DAY_MS;

			if ((from == SL_TIME_MIN || d0 + DAY_MS > from) &&
			    (to == SL_TIME_MAX || d0 < to))
				sc->days[w++] = sc->days[i];
		}
		sc->ndays = w;
	}
	if (sc->day_col >= 0)
		sc->undated = 0; /* kinds with a time are never undated */
	*scp = sc;
	return SL_OK;
}

static int open_next_file(struct sl_scan *sc, struct sl_errctx *err)
{
	char path[PATH_MAX];
	int64_t day;

	if (sc->di < sc->ndays) {
		day = sc->days[sc->di++];
	} else if (sc->undated && !sc->undated_done) {
		sc->undated_done = 1;
		day = SL_DAY_NONE;
	} else {
		return 0;
	}
	sl_store_partition_path(sc->st, sc->kind, day, path, sizeof(path));
	sc->g = 0;
	sc->files++;
	return sl_cfr_open(&sc->r, path, err) ? -1 : 1;
}

int sl_scan_next(struct sl_scan *sc, struct sl_batch **b, struct sl_errctx *err)
{
	for (;;) {
		int rc;

		if (!sc->r) {
			rc = open_next_file(sc, err);
			if (rc <= 0)
				return rc < 0 ? err->code : 0;
		}
		while (sc->g < sl_cfr_ngroups(sc->r)) {
			size_t g = sc->g++;
			int64_t lo, hi;

			/* skip row groups entirely outside the window */
			if (sc->day_col >= 0 && sl_cfr_group_time_range(sc->r, g, &lo, &hi) &&
			    ((sc->to != SL_TIME_MAX && lo >= sc->to) ||
			     (sc->from != SL_TIME_MIN && hi < sc->from)))
				continue;
			sl_batch_clear(sc->b);
			if ((rc = sl_cfr_read_group(sc->r, g, sc->want, sc->b, err)))
				return rc;
			*b = sc->b;
			return 1;
		}
		sl_cfr_close(sc->r);
		sc->r = NULL;
	}
}

int sl_scan_in_window(const struct sl_scan *sc, const struct sl_batch *b, size_t r)
{
	int64_t t;

	if (sc->day_col < 0)
		return 1;
	if (sl_batch_is_null(b, sc->day_col, r))
		return 0;
	t = b->cols[sc->day_col].v.i64[r];
	return (sc->from == SL_TIME_MIN || t >= sc->from) && (sc->to == SL_TIME_MAX || t < sc->to);
}

void sl_scan_skip_undated(struct sl_scan *sc)
{
	if (sc)
		sc->undated = 0;
}

uint64_t sl_scan_files(const struct sl_scan *sc)
{
	return sc->files;
}

void sl_scan_close(struct sl_scan *sc)
{
	if (!sc)
		return;
	sl_cfr_close(sc->r);
	sl_batch_free(sc->b);
	free(sc->days);
	free(sc);
}
