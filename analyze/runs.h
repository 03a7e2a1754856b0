/* runs.h - the window's CI runs, as the pipeline analyses read them: the
 * pipeline runs as typed columns held whole, and the stage runs streamed,
 * one execution at a time, in bounded memory.
 *
 * The pipeline runs of the window that name a pipeline are columns in one
 * order: pipeline (byte order of its name), execution number, then every
 * other field, so the order does not depend on how the rows were stored.
 * Rows the ingest flagged superseded (an earlier attempt of a run, or an
 * earlier state of the same run or stage attempt) are not read.  Of the
 * rows of one execution left the first in that order is its row
 * (x_first); the others are repeats (a store written before the flag).  x_end is not kept: after the sort,
 * nothing reads it.
 *
 * The stage runs (there are seven times as many) are not held whole.
 * runs_load() reads the columns that say which stages a pipeline has and
 * on which row group each execution's last stage run lies;
 * runs_stream() then reads them again and hands over each stage run as it
 * comes (for sums and value lists) and each execution once its last row
 * group has been read, its rows sorted in the one order of runs_cmp().
 * Only the rows of executions not yet complete are held: with executions
 * that end within a day or two of their start, a day or two of rows.
 *
 * The rules are defined here once: finished (lib's sl_ci_finished), the
 * duration (duration_ms, else end - start; never negative), the attempt
 * (1 when null or below 1; a retry is an attempt after the first), the
 * timeout (timeout_s as ms, when positive) and the wait (a stage's start
 * from the moment it could start, never negative).
 *
 * Codes are into names, numbered in the byte order of the strings (as
 * names_cmp() orders them), so a sort by code is a sort by name.  runs
 * owns every array; runs_release() frees them. */
#ifndef ANALYZE_RUNS_H
#define ANALYZE_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "sl_dict.h"
#include "sl_err.h"
#include "sl_schema.h"
#include "sl_store.h"
#include "sl_u64map.h"

#define RUNS_NONE UINT32_MAX /* a string code: null */

/* Flags of a pipeline run (x_flags). */
enum { RUNS_HAS_END = 1, RUNS_HAS_DUR = 2, RUNS_HAS_TRIGGER = 4 };

/* A stage run under the rules.  dur is the value the duration rule
 * computed even when it is not a duration (has_dur 0): the one order
 * compares it. */
struct runs_stage {
	uint32_t pipe, stage, deps; /* codes; deps RUNS_NONE when null */
	uint32_t pipe_idx, stage_idx; /* runs.pipes[pipe_idx], its stages[stage_idx] */
	int32_t attempt;
	uint8_t status; /* enum sl_ci_status */
	uint8_t has_end, has_dur, has_timeout;
	int64_t exec, start, end, dur, timeout_ms;
};

/* A distinct (stage, depends_on) of a pipeline, with the first stage run
 * (in the one order) that has it. */
struct runs_deps {
	uint32_t stage, deps;
	struct runs_stage first;
	uint8_t seen;
};

struct runs_pipe {
	uint32_t code;
	uint32_t id;		/* its number before the pipelines were sorted */
	uint32_t *stages;	/* stage codes by name */
	size_t nstages;
	uint64_t nstage_runs;
	size_t x0, x1;		/* its pipeline runs: rows [x0, x1) */
	struct runs_deps *deps;
	size_t ndeps, depcap;
	struct sl_u64map depmap; /* stage << 32 | deps -> deps[] */
};

struct runs {
	struct sl_dict *names; /* pipelines, stages, depends_on lists, triggers, branches */
	uint32_t ncodes;       /* the names runs_load() read: codes in byte order */
	/* pipeline runs */
	size_t nx, xcap;
	uint32_t *x_pipe, *x_trigger;
	uint32_t *x_branch; /* the branch's code, RUNS_NONE when null (or no column) */
	int64_t *x_exec, *x_start, *x_dur; /* x_dur: see the duration rule */
	uint8_t *x_status, *x_flags, *x_first;
	/* pipelines named by a pipeline run or a stage run, by name */
	struct runs_pipe *pipes;
	size_t npipes;
	uint32_t *pipe_of; /* by code: index into pipes, RUNS_NONE */
	size_t npipe_of;
	struct sl_u64map stage_of; /* pipe << 32 | stage -> stage index */
	/* the row group (in scan order) of each execution's last stage run */
	struct sl_u64map last;	/* by pipeline id and execution number */
	uint64_t groups;
	size_t held_max; /* most stage runs runs_stream() held at once */
};

/* Reads the window of p: the pipeline runs and what runs_stream() needs to
 * know beforehand of the stage runs.  0 or a negative code with err set;
 * R is always to be released. */
int runs_load(const struct analyze_params *p, const struct sl_store *st, struct runs *R,
	      struct sl_errctx *err);
void runs_release(struct runs *R);

/* Streams the stage runs of the window: row() for each (in storage order),
 * then exec() for each execution (pipeline, execution number) with its n
 * rows in the one order, once all its rows were read.  A callback returns
 * 0 or a negative code (which stops the stream and is returned). */
struct runs_sink {
	void *ctx;
	int (*row)(void *ctx, const struct runs_stage *r);
	int (*exec)(void *ctx, const struct runs_stage *rows, size_t n);
};
int runs_stream(const struct analyze_params *p, const struct sl_store *st, struct runs *R,
		const struct runs_sink *sink, struct sl_errctx *err);

/* The first row of execution exec of pipeline code pipe, or -1 (a binary
 * search: the pipeline runs are not indexed twice). */
ptrdiff_t runs_find_exec(const struct runs *R, uint32_t pipe, int64_t exec);

/* The one order of stage runs: pipeline, execution, stage, attempt, start,
 * end, duration, status, depends_on, timeout (names by code, a null name
 * last). */
int runs_cmp(const struct runs_stage *a, const struct runs_stage *b);

/* The rules. */
static inline int runs_finished(int status)
{
	return sl_ci_finished((enum sl_ci_status)status);
}

/* The duration of a run: duration_ms when given (has_dur_ms), else end -
 * start when it has an end.  *dur is that value; 1 when it is a duration
 * (known and not negative: a negative one is broken data). */
static inline int runs_duration(int has_dur_ms, int64_t dur_ms, int has_end, int64_t end,
				int64_t start, int64_t *dur)
{
	*dur = has_dur_ms ? dur_ms : (int64_t)((uint64_t)end - (uint64_t)start);
	return (has_dur_ms || has_end) && *dur >= 0;
}

/* The attempt number: 1 when null (has 0) or below 1. */
static inline int32_t runs_attempt(int has, int64_t at)
{
	return !has || at < 1 ? 1 : at > INT32_MAX ? INT32_MAX : (int32_t)at;
}

static inline int runs_retry(int32_t attempt)
{
	return attempt > 1;
}

/* The timeout in ms from timeout_s: 1 with *ms set when positive (one
 * beyond ~290 years is no timeout). */
static inline int runs_timeout(int has, int64_t s, int64_t *ms)
{
	if (!has || s <= 0 || s >= INT64_MAX / 1000)
		return 0;
	*ms = s * 1000;
	return 1;
}

/* The wait of a stage run that could start at from (its execution's start
 * when it depends on nothing, else the latest end of what it depends on):
 * 1 with *ms set, 0 when it started before (no wait to measure). */
static inline int runs_wait(int64_t start, int64_t from, int64_t *ms)
{
	if (start < from)
		return 0;
	*ms = start - from;
	return 1;
}

#endif
