/* partset_int.h - what the parts of partset share (partset.h is the
 * interface): the partitions, the writer thread, the status-update map and
 * the join keys' columns.  partset.c holds the partitions and their
 * buffers, ps_writer.c the writer thread, ps_spill.c the spills,
 * ps_update.c the status updates, ps_route.c the routing of rows to their
 * parent's day, ps_finish.c the end of a run (partset_finish()).  The
 * partset owns every part, buffer and file named here. */
#ifndef INGEST_PARTSET_INT_H
#define INGEST_PARTSET_INT_H

#include <pthread.h>
#include <stdint.h>

#include "deplog.h"
#include "partset.h"
#include "sl_buf.h"
#include "sl_colfile.h"
#include "sl_u64map.h"

#define GROUP_ROWS 65536
#define IN_BUFFER UINT32_MAX
/* A buffer starts small: a year of daily partitions is 365 of them. */
#define PART_INITIAL_ROWS 16
/* spill_cold(): how often it looks at most (every cold_after rows when
 * that is less), and the least rows it writes to a file it has written
 * before (a day's late rows) */
#define COLD_CHECK_ROWS 4096
#define COLD_MIN_ROWS 1024

struct loc {
	uint32_t group, row;
};

struct locs {
	struct loc *v;
	size_t n, cap;
};

struct part {
	enum sl_kind kind;
	int64_t day;
	struct sl_batch *buf;
	uint8_t *del; /* rows of buf superseded since they were added */
	size_t del_cap, ndel;
	uint32_t *dep_of; /* kinds with updates: buffer row -> deps[] index */
	size_t dep_of_cap;
	struct sl_cfw *w; /* spilled row groups, NULL until the first spill */
	char *tmp;        /* the spill file's path, once given (set_tmp) */
	uint32_t nspilled;
	struct locs sdel; /* superseded rows in spilled groups */
	struct locs odel; /* superseded rows in the old partition file */
	uint32_t idx;     /* in partset.parts */
	int tmp_given;    /* tmp was given out for the final spill */
	char *tmp2;       /* the final file's temporary path (write_part) */
	int outcome;      /* enum part_outcome, from write_part */
	int counted;      /* a partition file written or removed */
	uint64_t rows_out;
	int touched;      /* received rows in this run */
	uint64_t last_row; /* partset.rows when it last received a row */
	int replace_old;  /* the old file's rows are not carried over */
};

/* The current winner among the rows of one key (a deployment_id; a
 * pipeline run; an attempt of a stage run) seen in this run since the map
 * was last flushed to the status-update log. */
struct dep {
	int64_t upd;
	struct part *part;
	int32_t old_day; /* when dead: day of the stored row that won */
	uint32_t group, row;
	uint32_t tie;    /* runs: the rank's tie-break (DR_TIE()) */
	uint8_t has_upd, dead;
	uint8_t had_null; /* a row of it had no updated_at */
};

/* The kinds whose rows are updated by later rows of the same key: their
 * keys' current winners, and the log they go to beyond the budget.
 * Deployments: the deployment_id, the latest updated_at wins (else the
 * later row), and the losers are removed.  Pipeline runs (pipeline_id,
 * execution_number) and stage runs (pipeline_id, execution_number,
 * stage_id, attempt, source_id): the rank of run_rank() wins, which does
 * not depend on the order rows come in, and the losers stay, flagged
 * `superseded` (ps_apply_keep()). */
enum { UPD_DEPLOYMENTS, UPD_PIPELINE_RUNS, UPD_STAGE_RUNS, UPD_SETS };
#define UPD_MAX_KEY 5

struct updset {
	enum sl_kind kind;
	int ranked;                /* runs: a total order by rank and tie */
	int key_col[UPD_MAX_KEY], nkey;
	int c_attempt, c_status, c_superseded;
	/* run_rank(): the columns of the tie-break hash (the whole row but
	 * superseded) and, of those, the columns that name a run apart */
	uint8_t in_all[64], in_id[64];
	struct dep *deps;
	size_t ndeps, deps_cap;
	struct sl_u64map map;      /* key -> deps[] */
	struct deplog log;         /* deps flushed (docs/INGEST.md) */
	size_t winners;            /* log mode, once resolved: the run of winners */
};

/* Row groups spilled while the input is read are filtered, encoded and
 * written by a thread of their own, so that the mapping goes on meanwhile.
 * Jobs are written in the order given (a file's groups stay in order);
 * at most WRITER_DEPTH wait, which bounds the memory they hold.  The first
 * error stops the writing and is returned by the next submit or drain. */
#define WRITER_DEPTH 4

struct wjob {
	struct sl_cfw *w;
	struct sl_batch *b; /* owned by the job */
	uint8_t *keep;      /* rows to write, or NULL for all; owned */
	int seal;           /* then footer and trailer (sl_cfw_seal()) */
	struct wjob *next;
};

struct writer {
	pthread_t th;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct wjob *head, *tail;
	int njobs;
	int stop, discard;
	int rc;
	struct sl_errctx err;
};

struct partset {
	struct sl_store *st;
	struct writer wr;
	int async; /* spills go to the writer thread (until partset_finish) */
	int finishing; /* write_parts(): several threads write partitions */
	int reprocess;
	size_t max_buffered, buffered;
	uint64_t rows;       /* rows added so far */
	uint64_t cold_after; /* rows after which a silent partition is spilled */
	uint64_t cold_every, cold_left; /* spill_cold() every cold_every rows */
	struct part **parts;
	size_t nparts, parts_cap;
	struct sl_u64map index; /* (kind, day) -> part */
	struct updset upd[UPD_SETS];
	int upd_of[SL_KIND_COUNT]; /* kind -> upd[] index, or -1 */
	size_t dep_budget;        /* deps[] entries of a set before a flush to its log */
	size_t pipe_budget;       /* pipemap entries before a flush */
	struct deprec *recs;      /* a run being made */
	size_t nrecs, recs_cap;
	struct sl_u64map pipemap; /* pipeline run key -> parts[] of its day */
	struct deplog pipelog;    /* pipemap flushed: (key, day) runs */
	struct partset_stats stats;
	struct sl_buf key;
	/* column indices of the join keys: [kind][0..1], parent and child side */
	int parent_col[SL_KIND_COUNT][2], child_col[SL_KIND_COUNT][2];
	int nparent[SL_KIND_COUNT], nchild[SL_KIND_COUNT];
	int c_upd;
	int routing; /* pending rows are being routed: their buffers must stay */
	struct part *last; /* the partition of the last partset_target() */
};

/* partset.c: helpers and partitions */
int ps_child_key(struct partset *ps, const struct sl_batch *b, size_t r, uint64_t *h);
int ps_cmp_loc(const void *a, const void *b);
int ps_ensure_del(struct part *p);
struct part *ps_find_part(struct partset *ps, enum sl_kind kind, int64_t day);
int ps_get_part(struct partset *ps, enum sl_kind kind, int64_t day, struct part **out);
int ps_locs_add(struct locs *l, uint32_t group, uint32_t row);
int ps_mark_deleted(struct part *p, uint32_t group, uint32_t row);
int ps_old_file(struct partset *ps, enum sl_kind kind, int64_t day, struct sl_cfr **r,
		    struct sl_errctx *err);
int ps_parent_key(struct partset *ps, const struct sl_batch *b, size_t r, uint64_t *h);
/* The status-update set of kind, or NULL. */
static inline struct updset *ps_updset(struct partset *ps, enum sl_kind kind)
{
	return ps->upd_of[kind] >= 0 ? &ps->upd[ps->upd_of[kind]] : NULL;
}
/* The key of row r of b in its set: 1 with *h set, 0 when it has none. */
int ps_upd_key(struct partset *ps, const struct updset *u, const struct sl_batch *b, size_t r,
	       uint64_t *h);
/* Applies a keep mask to b: the rows not kept are dropped, or, in a kind
 * whose superseded rows stay (pipeline and stage runs), flagged. */
void ps_apply_keep(struct sl_batch *b, const uint8_t *keep);
/* Rows not kept by a keep mask are dropped from b's kind. */
int ps_drops_superseded(enum sl_kind kind);

/* ps_writer.c: the writer thread */
int ps_writer_stop(struct writer *wr, int discard, struct sl_errctx *err);
int ps_writer_submit(struct writer *wr, struct wjob *j, struct sl_errctx *err);

/* ps_spill.c: spills */
int ps_set_tmp(struct partset *ps, struct part *p, struct sl_errctx *err);
int ps_spill(struct partset *ps, struct part *p, int seal, struct sl_errctx *err);
int ps_spill_cold(struct partset *ps, struct sl_errctx *err);
int ps_spill_largest(struct partset *ps, struct sl_errctx *err);

/* ps_update.c: status updates */
int ps_add_update(struct partset *ps, struct updset *u, struct part *p, size_t r,
		  struct sl_errctx *err);
int ps_resolve_stored(struct partset *ps, struct updset *u, struct sl_errctx *err);
int ps_winners_wanted(struct partset *ps);

/* ps_route.c: parent routing */
int ps_flush_pipemap(struct partset *ps, struct sl_errctx *err);
int ps_route_children(struct partset *ps, enum sl_kind kind, struct sl_errctx *err);


#endif
