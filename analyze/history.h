/* history.h - the deployments of the window as the predictions see them:
 * one row per deployment, read from the frame when asked for, with its
 * outcome, its artifact bytes (artifacts joined by deployment_id; they
 * are stored on their deployment's day) and its number of validations
 * (looked for from a day before the window to a week after it), in the
 * frame's order: start time, then id. */
#ifndef ANALYZE_HISTORY_H
#define ANALYZE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "sl_dict.h"
#include "sl_err.h"
#include "sl_store.h"
#include "frame.h"

#define HIST_NONE UINT32_MAX /* a code that is not there (null) */

struct hist_row {
	uint32_t id;             /* the frame's row */
	uint32_t agent, env;     /* codes in names */
	uint32_t strategy;       /* HIST_NONE: no strategy */
	uint32_t reason;         /* rollback reason; HIST_NONE when null or not rolled back */
	int64_t start, end, dur; /* end/dur valid when has_end/has_dur */
	int64_t target, deployed; /* -1 when unknown */
	double artifact_bytes;   /* sum of size_bytes, 0 when none */
	uint32_t validations;    /* rows of validations */
	int64_t recovery;        /* frame_recovery(): -1 when unrecovered or none */
	uint8_t has_end, has_dur;
	uint8_t finished;        /* terminal phase */
	uint8_t completed;       /* phase completed */
	uint8_t rolled_back;     /* rollback_triggered or phase rolled_back */
};

struct history {
	const struct sl_dict *names; /* the frame's: agents, environments, strategies, reasons */
	const struct frame *f;       /* the frame the rows are read from */
	uint32_t *fr;      /* the frame row of each row; NULL: row k is frame row k */
	size_t n;
	struct frame *own; /* the frame history_load() read, else NULL */
};

/* Row k of h as the predictions see it, read from the frame when asked
 * for: the history holds 4 bytes a row at most, not a copy. */
/* always inlined: each loop reads only the fields it uses, where a call
 * would work out all of them (a fifth of the duration model's fit) */
static inline __attribute__((always_inline)) struct hist_row hist_get(const struct history *h,
									 size_t k)
{
	const struct frame *f = h->f;
	size_t i = h->fr ? h->fr[k] : k;
	struct hist_row w;
	int64_t rec;

	w.id = (uint32_t)i;
	w.agent = f->agent[i];
	w.env = f->env[i];
	w.strategy = f->strategy[i];
	w.reason = f->reason[i];
	w.start = f->start[i];
	w.has_end = f->end[i] != FRAME_NULL;
	w.end = w.has_end ? f->end[i] : 0;
	w.has_dur = (uint8_t)frame_duration(f, i, &w.dur);
	if (!w.has_dur)
		w.dur = 0;
	w.target = f->target[i] == FRAME_NULL_COUNT ? -1 : f->target[i];
	w.deployed = f->deployed[i] == FRAME_NULL_COUNT ? -1 : f->deployed[i];
	w.artifact_bytes = f->artifact_bytes[i];
	w.validations = f->validations[i];
	w.finished = (uint8_t)frame_finished(f, i);
	w.completed = (uint8_t)frame_completed(f, i);
	w.rolled_back = (uint8_t)frame_rolled_back(f, i);
	w.recovery = frame_recovery(f, i, &rec) == 1 ? rec : -1;
	return w;
}

/* The rows of f (only those passing --env/--agent when filter is set).
 * names points into f, which must outlive h; history_release() frees the
 * row numbers. */
int history_from_frame(const struct frame *f, int filter, struct history *h,
		       struct sl_errctx *err);
/* The same from a frame of the window of p read here (for the queries,
 * which have none); the history then owns that frame. */
int history_load(const struct analyze_params *p, const struct sl_store *st, int filter,
		 struct history *h, struct sl_errctx *err);
void history_release(struct history *h);
/* The string behind a code (HIST_NONE: NULL). */
const char *history_name(const struct history *h, uint32_t code, size_t *n);

#endif
