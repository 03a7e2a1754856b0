/* frame.h - the window's deployments, read from the store once, as typed
 * columns every analysis reads.
 *
 * Row i of every column is one deployment that started in the window
 * [from, to) and has its required fields (id, agent, environment, phase);
 * rows are in the frame's one order: start_time, then deployment_id (byte
 * order).  That order does not depend on how the rows were stored, so a
 * sum taken over the rows in frame order is a function of the set of rows.
 *
 * Beside the deployment's own fields the frame holds what other kinds say
 * of it, joined by deployment_id: the bytes of its artifacts (stored on
 * its day), its validations (from a day before the window to a week after
 * it) and whether an incident names it (from a day before the window on).
 *
 * The domain's words are defined here and in lib/sl_schema.h, once:
 * finished, success, failure, rolled back (frame_*() below), the duration
 * (duration_ms as stored; a deployment without one has no duration) and
 * the recovery time (frame_recovery()).
 *
 * The codes of the small columns (agent, environment, strategy, version,
 * target group, reason) do not depend on the order rows were stored in:
 * they are in the byte order of their strings, so a sort by code is a sort
 * by name.  Ids compare by their strings.
 *
 * The frame owns every array; frame_release() frees them. */
#ifndef ANALYZE_FRAME_H
#define ANALYZE_FRAME_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "common.h"
#include "sl_dict.h"
#include "sl_err.h"
#include "sl_schema.h"
#include "sl_store.h"

/* The columns an analysis may ask for (frame_load()), beyond those every
 * frame has: id, agent, environment, phase, rollback_triggered, start and
 * wanted.  A column not asked for is not read from the store (a joined
 * one's kind is not scanned) and its pointer is NULL. */
enum frame_col {
	FC_STRATEGY = 1u << 0,
	FC_VERSION = 1u << 1,
	FC_GROUP = 1u << 2,       /* target_group */
	FC_REASON = 1u << 3,
	FC_END = 1u << 4,
	FC_DUR = 1u << 5,
	FC_COMMIT = 1u << 6,
	FC_TARGET = 1u << 7,
	FC_DEPLOYED = 1u << 8,
	FC_HEALTHY = 1u << 9,
	FC_FAILED = 1u << 10,
	FC_LATENCY = 1u << 11,
	FC_ERROR_RATE = 1u << 12,
	FC_CPU = 1u << 13,
	FC_MEMORY = 1u << 14,
	FC_ARTIFACTS = 1u << 15,   /* artifact_bytes */
	FC_VALIDATIONS = 1u << 16, /* validations: how many */
	FC_VAL_STATUS = 1u << 17,  /* val_passed, val_failed, val_skipped */
	FC_INCIDENT = 1u << 18,
	FC_RECOVERY = 1u << 19,    /* frame_recovery(): reads end too */
	FC_ALL = (1u << 20) - 1,
};

/* What hist_get() (history.h) reads. */
#define FC_HISTORY                                                                          \
	(FC_STRATEGY | FC_REASON | FC_END | FC_DUR | FC_TARGET | FC_DEPLOYED | FC_ARTIFACTS |     \
	 FC_VALIDATIONS | FC_RECOVERY)

#define FRAME_NONE UINT32_MAX /* a string code: null */
#define FRAME_NULL INT64_MIN  /* an integer or time: null */
#define FRAME_NULL_COUNT INT32_MIN /* an instance count: null */

struct frame {
	size_t n;
	unsigned cols;         /* enum frame_col: the optional columns it holds */
	struct sl_dict *names; /* agents, environments, strategies, versions, groups, reasons */
	/* strings, as codes into names (FRAME_NONE: null) */
	uint32_t *agent, *env, *strategy, *version, *target_group, *reason;
	/* deployment ids: all distinct, so kept as text, not interned;
	 * frame_id() reads them */
	uint64_t *id;  /* offset into id_text << 24 | length (0xffffff: a UUID as 16 bytes); NULL when id_fixed */
	char *id_text;
	size_t id_len, id_cap;
	size_t id_fixed; /* all ids of this length: row i's at i * id_fixed */
	int id_uuid;     /* and all UUIDs in lowercase: 16 bytes each instead */
	uint8_t *phase;  /* enum sl_phase */
	int8_t *rb_flag; /* rollback_triggered: 1, 0, or -1 when null */
	uint8_t *wanted; /* 1 when the row passes --agent and --env */
	/* times (epoch ms) and integers; FRAME_NULL when null */
	int64_t *start, *end, *dur, *commit;
	/* instance counts; FRAME_NULL_COUNT when null, or when beyond 32 bits
	 * (counted in counts_unread: no fleet has two billion instances) */
	int32_t *target, *deployed, *healthy, *failed;
	/* changes measured after the rollout; NaN when null */
	double *latency, *error_rate, *cpu, *memory;
	/* joined */
	double *artifact_bytes;  /* sum of the artifacts' positive size_bytes, 0 when none */
	uint32_t *validations;   /* validation rows, whatever their status */
	uint32_t *val_passed, *val_failed, *val_skipped; /* by status */
	uint8_t *incident;       /* named by an incident */
	int64_t *recovery;       /* see frame_recovery() */
	uint32_t *origin;        /* a selection's: row i is row origin[i] of the frame
				  * it was selected from; NULL for a loaded frame */
	uint64_t files;          /* deployment row groups read */
	uint64_t counts_unread;  /* instance counts beyond 32 bits, read as null */
};

/* Loads the window of p with the optional columns cols (enum frame_col):
 * one scan of the deployments and one of each joined kind asked for.  0
 * or a negative code with err set; on failure f is empty. */
int frame_load(const struct analyze_params *p, const struct sl_store *st, struct frame *f,
	       unsigned cols, struct sl_errctx *err);
/* Frees the optional columns cols (no analysis still to run reads them). */
void frame_drop(struct frame *f, unsigned cols);
void frame_release(struct frame *f);
/* The bytes of f's arrays of the optional columns cols, and of the
 * columns every frame has (the ids' text included) when cols has
 * FRAME_BASE: what they hold, for the scheduler's memory budget. */
#define FRAME_BASE (1u << 31)
size_t frame_bytes(const struct frame *f, unsigned cols);

/* A frame made by hand (tests; frame_load() is these three), with every
 * column: begin, then
 * append rows and set their fields (strings interned into f->names;
 * append sets every field null, wanted 1), then finish: the frame's order,
 * codes and recovery times.  0 or SL_ENOMEM. */
int frame_begin(struct frame *f);
int frame_append(struct frame *f, size_t *cap, size_t *row);
int frame_finish(struct frame *f);

/* Narrows wanted to the rows of set's agents (NULL or empty: no change),
 * each agent name matched once.  0 or SL_ENOMEM. */
int frame_want_agents(struct frame *f, const struct agent_set *set);
/* A frame of the rows of f whose agent code c has agents[c] set (one
 * byte per code of f->names): every column copied, wanted and the
 * recovery times included (a recovery is within one agent), in f's order,
 * with a copy of f's dictionary, code for code.  Analyses of out see what
 * they would see of f with wanted narrowed to those agents.  0 or
 * SL_ENOMEM (out is then empty). */
int frame_select(const struct frame *f, const uint8_t *agents, struct frame *out);

/* The string behind a code of names, *n its length (FRAME_NONE: NULL, 0). */
const char *frame_name(const struct frame *f, uint32_t code, size_t *n);
/* The code of the string s in names, FRAME_NONE when no row has it. */
uint32_t frame_code(const struct frame *f, const char *s);
/* The deployment id of row i: points into the frame, or into buf (a
 * UUID kept as its 16 bytes is written out there). */
#define FRAME_ID_BUF 40
const char *frame_id(const struct frame *f, size_t i, char buf[FRAME_ID_BUF], size_t *n);
/* Sets row i's id to a copy of s[0..n) (n < 2^24).  0 or SL_ENOMEM. */
int frame_set_id(struct frame *f, size_t i, const char *s, size_t n);
/* Sets column c of t's last row to row i's id.  0 or SL_ENOMEM. */
int frame_table_set_id(struct sl_table *t, int c, const struct frame *f, size_t i);

/* Groups the wanted rows by agent × environment, and by strategy too when
 * by_strategy is set (group[i]: row i's group), and gives per group the
 * order statistic rule of its durations (*stat, *has: malloc'ed, one per
 * group; has 0 when no row of the group has a duration).  0 or
 * SL_ENOMEM. */
int frame_group_durations(const struct frame *f, enum rank_rule rule, int by_strategy,
			  uint32_t *group, int64_t **stat, uint8_t **has);

/* The rules. */
static inline int frame_finished(const struct frame *f, size_t i)
{
	return sl_phase_finished((enum sl_phase)f->phase[i]);
}

static inline int frame_completed(const struct frame *f, size_t i)
{
	return f->phase[i] == SL_PHASE_COMPLETED;
}

static inline int frame_rolled_back(const struct frame *f, size_t i)
{
	return sl_rolled_back((enum sl_phase)f->phase[i], f->rb_flag[i]);
}

/* A failure, as change failure rate and recovery count it: phase failed,
 * or rolled back. */
static inline int frame_failure(const struct frame *f, size_t i)
{
	return f->phase[i] == SL_PHASE_FAILED || frame_rolled_back(f, i);
}

/* The duration: duration_ms as stored (1 and *ms set), else 0. */
static inline int frame_duration(const struct frame *f, size_t i, int64_t *ms)
{
	*ms = f->dur[i];
	return f->dur[i] != FRAME_NULL;
}

/* The recovery time of a failure that has an end: from its end to the end
 * of the next completed deployment of the same agent and environment (in
 * frame order) that ends later.  Returns 1 with *ms set, 0 when it was not
 * recovered within the window, -1 when the row is not a failure with an
 * end (nothing to recover from). */
static inline int frame_recovery(const struct frame *f, size_t i, int64_t *ms)
{
	if (!frame_failure(f, i) || f->end[i] == FRAME_NULL)
		return -1;
	*ms = f->recovery[i];
	return f->recovery[i] != FRAME_NULL;
}

/* A number column's value as a double: 1 and *v set, 0 when null. */
static inline int frame_num(const int64_t *col, size_t i, double *v)
{
	if (col[i] == FRAME_NULL)
		return 0;
	*v = (double)col[i];
	return 1;
}

/* An instance count as a double: 1 and *v set, 0 when null. */
static inline int frame_count(const int32_t *col, size_t i, double *v)
{
	if (col[i] == FRAME_NULL_COUNT)
		return 0;
	*v = col[i];
	return 1;
}

static inline int frame_real(const double *col, size_t i, double *v)
{
	if (isnan(col[i]))
		return 0;
	*v = col[i];
	return 1;
}

#endif
