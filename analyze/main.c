/* shiplog-analyze: the store into one analysis file of named result tables.
 * main.c wires options (cli.c), the window (window.c) and the analyses;
 * each analysis adds its tables (success.c: success rates and summary). */
#include <assert.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sl_result.h"
#include "sl_scan.h"
#include "sl_store.h"
#include "sl_tables.h"
#include "sl_teams.h"
#include "sl_value.h"
#include "sl_version.h"
#include "activity.h"
#include "alerts.h"
#include "canary.h"
#include "dora.h"
#include "featureset.h"
#include "frame.h"
#include "health.h"
#include "mapred.h"
#include "pipeline.h"
#include "predict.h"
#include "query.h"
#include "sched.h"
#include "scorecard.h"
#include "strategy.h"
#include "success.h"
#include "versions.h"

static void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("shiplog-analyze: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void report(const struct sl_errctx *e)
{
	char text[SL_ERR_TEXT];

	sl_err_format(e, NULL, text, sizeof(text));
	errorf("%s", text);
}

/* The analyses after the success rates, in the order their tables are
 * written.  They run two at a time, each into a part of the analysis
 * merged back in this order (sl_analysis_merge), so the file is the same
 * byte for byte as when they run one after another.  An analysis that
 * reads the tables of those before it (the scorecard) starts when they
 * are merged.  Which runs when is the scheduler's choice (run_analyses):
 * by cost, and within a memory budget by what each holds. */
typedef int (*analysis_fn)(const struct analyze_params *, const struct sl_store *,
			   const struct frame *, struct sl_analysis *, struct sl_errctx *);

static const struct analysis {
	const char *name; /* for --only */
	analysis_fn run;
	unsigned frame;   /* the frame's optional columns it reads (enum frame_col), with
			   * FRAME_ONLY when it reads none of them; 0: not the frame */
	int reads_before; /* reads the tables of the analyses before it */
	int cost;         /* rough seconds at 1M deployments x10: the longest start first */
	unsigned mem;     /* bytes a deployment of the window it holds beside the frame at
			   * its peak (measured over 10M deployments with --jobs 1; over
			   * fewer its fixed part weighs more, but the budget binds over
			   * large windows only; docs/ANALYZE.md "Memory") */
	const enum sl_tid *tables; /* the tables it writes, up to SL_T_COUNT */
} analyses[] = {
#define TABLES(...) ((const enum sl_tid[]){__VA_ARGS__, SL_T_COUNT})
#define FRAME_ONLY FRAME_BASE /* the columns every frame has */
	{"dora", dora_run, DORA_FRAME_COLS, 0, 1, 5,
	 TABLES(SL_T_DORA, SL_T_DORA_AGENTS, SL_T_DORA_WEEKLY)},
	{"health", health_run,
	 FC_VALIDATIONS | FC_VAL_STATUS | FC_HEALTHY | FC_TARGET | FC_ERROR_RATE | FC_LATENCY |
		 FC_DUR,
	 0, 7, 21,
	 TABLES(SL_T_HEALTH_SCORES)},
	{"strategies", strategy_run,
	 FC_STRATEGY | FC_DUR | FC_CPU | FC_ERROR_RATE | FC_LATENCY | FC_MEMORY, 0, 3, 26,
	 TABLES(SL_T_STRATEGIES)},
	{"alerts", alerts_run,
	 FC_STRATEGY | FC_TARGET | FC_FAILED | FC_VAL_STATUS | FC_INCIDENT | FC_DUR, 0, 2, 21,
	 TABLES(SL_T_ALERTS, SL_T_ALERT_GROUPS, SL_T_ALERT_PRECISION)},
	{"canary", canary_run, FC_LATENCY, 0, 15, 57,
	 TABLES(SL_T_ROLLBACK_DECISIONS, SL_T_CANARY_METRICS, SL_T_CANARY_JUDGEMENTS)},
	{"predict", predict_run, FC_HISTORY, 0, 12, 53,
	 TABLES(SL_T_PREDICTIONS, SL_T_DURATION_MODEL, SL_T_DURATION_BACKTEST,
		SL_T_SUCCESS_BACKTEST)},
	{"predict", predict_rollback_run, FC_HISTORY, 0, 13, 42,
	 TABLES(SL_T_ROLLBACK_CAUSES, SL_T_ROLLBACK_RISK, SL_T_ROLLBACK_RISK_BACKTEST,
		SL_T_ROLLBACK_RISK_LEVELS)},
	{"versions", versions_run, VERSIONS_FRAME_COLS, 0, 9, 9,
	 TABLES(SL_T_VERSIONS, SL_T_ADOPTION, SL_T_REGRESSIONS)},
	{"features", features_run, FEATURES_FRAME_COLS, 0, 31, 104,
	 TABLES(SL_T_FEATURES, SL_T_ANOMALIES, SL_T_ANOMALY_SUMMARY, SL_T_PATTERNS,
		SL_T_CLUSTERS)},
	{"activity", activity_run, FC_STRATEGY | FC_VERSION | FC_TARGET | FC_DEPLOYED | FC_DUR, 0,
	 1, 1, TABLES(SL_T_HEATMAP, SL_T_TIMELINE, SL_T_ACTIVE_DEPLOYMENTS)},
	{"scorecard", scorecard_run, FRAME_ONLY, 1, 2, 8, TABLES(SL_T_SCORECARD)},
	/* reads runs, not the frame (its memory grows with the runs: here
	 * per deployment, as many as the generated stores have beside them) */
	{"pipelines", pipeline_run, 0, 0, 14, 83,
	 TABLES(SL_T_PIPELINES, SL_T_STAGES, SL_T_PIPELINE_SUGGESTIONS, SL_T_PIPELINE_FACTORS,
		SL_T_PIPELINE_BRANCHES, SL_T_PIPELINE_DAYS, SL_T_GATES)},
#undef TABLES
};

#define NANALYSES (sizeof(analyses) / sizeof(analyses[0]))

/* Is name in the comma-separated list (NULL: every name is)? */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return 1;
	return !list;
}

/* Every name of --only must be an analysis. */
static int check_only(const char *list)
{
	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < NANALYSES; i++)
			if (strlen(analyses[i].name) == n && !strncmp(p, analyses[i].name, n))
				break;
		if (i == NANALYSES) {
			fprintf(stderr, "shiplog-analyze: --only: no analysis '%.*s' (analyses:", (int)n, p);
			for (i = 0; i < NANALYSES; i++)
				if (!i || strcmp(analyses[i].name, analyses[i - 1].name))
					fprintf(stderr, "%s %s", i ? "," : "", analyses[i].name);
			fputs(")\n", stderr);
			return -1;
		}
	}
	return 0;
}

/* The analysis that writes table id ("" for the success rates and
 * summary, which always run), or NULL for a table no run writes (a
 * query's: gate_evaluation ...).  --print is checked against it before
 * the store is opened, so a misspelt name costs no run. */
static const char *owner_of(int id)
{
	if (id == SL_T_SUCCESS_RATES || id == SL_T_SUMMARY || id == SL_T_SUCCESS_CHANGE)
		return "";
	for (size_t i = 0; i < NANALYSES; i++)
		for (const enum sl_tid *t = analyses[i].tables; *t != SL_T_COUNT; t++)
			if ((int)*t == id)
				return analyses[i].name;
	return NULL;
}

/* --print names a table the run writes, of an analysis --only keeps. */
static int check_print(const char *name, const char *only)
{
	const struct sl_tdef *d = sl_tdef_find(name);
	const char *owner = d ? owner_of(d->id) : NULL;
	int n = 0;

	if (!owner) {
		fprintf(stderr, "shiplog-analyze: --print: no table '%s' (tables:", name);
		for (int i = 0; i < SL_T_COUNT; i++)
			if (owner_of(i))
				fprintf(stderr, "%s %s", n++ ? "," : "", sl_tdef(i)->name);
		fputs(")\n", stderr);
		return -1;
	}
	if (*owner && !listed(only, owner)) {
		fprintf(stderr, "shiplog-analyze: --print: table '%s' is written by analysis '%s', "
			"which --only leaves out\n", name, owner);
		return -1;
	}
	return 0;
}

/* Seconds on the monotonic clock, for -v. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* -v: one step's wall time on stderr, from t0, and the process's peak
 * memory so far (one line, one write, so the workers' lines do not mix). */
static void said(const struct analyze_params *p, const char *what, double t0)
{
	struct rusage ru;

	if (!p->verbose)
		return;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "shiplog-analyze: %-32s %7.2f s, peak so far %.0f MB\n", what,
		now_s() - t0, (double)ru.ru_maxrss / 1024);
}

static void print_no_table(const struct sl_analysis *a, const char *name)
{
	fprintf(stderr, "shiplog-analyze: error: no table '%s' (tables:", name);
	for (size_t i = 0; i < sl_analysis_ntables(a); i++)
		fprintf(stderr, "%s %s", i ? "," : "", sl_table_name(sl_analysis_table_at(a, i)));
	fputs(")\n", stderr);
}

/* Adds to a a copy of each table of ids[] (up to SL_T_COUNT) that src
 * holds: the tables of an analysis that does not depend on the agents
 * (the pipelines), computed once for every team.  0 or SL_ENOMEM. */
static int copy_tables(const struct sl_analysis *src, const enum sl_tid *ids,
		       struct sl_analysis *a, struct sl_errctx *err)
{
	for (; *ids != SL_T_COUNT; ids++) {
		const struct sl_table *from = sl_analysis_table(src, sl_tdef(*ids)->name);
		struct sl_table *t;

		if (!from)
			continue;
		/* a streamed table's rows are in its file, not in memory */
		assert(!sl_table_streamed(from));
		if (!(t = sl_table_new_def(*ids)))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		for (size_t r = 0; r < sl_table_rows(from); r++)
			if (sl_table_copy_row(t, from, r)) {
				sl_table_free(t);
				return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			}
		if (sl_analysis_add(a, t))
			return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	return SL_OK;
}

/* ---- running the analyses: two workers, parts merged in order ---- */

enum { T_WAITING, T_RUNNING, T_DONE, T_MERGED };

struct task {
	const struct analysis *an;
	size_t index;              /* in the run's order */
	struct sl_analysis *part;  /* NULL for one run on the analysis itself */
	int state, rc;
	struct sl_errctx err;
};

struct sched {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct analyze_params *p;
	const struct sl_store *st;
	struct frame *f;
	int keep_frame;            /* f is the organisation's, for the teams after */
	const struct sl_analysis *reuse; /* tables of the analyses that read no frame */
	struct sl_analysis *a;
	struct task t[NANALYSES];
	size_t n, merged;          /* tasks [0, merged) are in a */
	size_t frame_users;        /* frame tasks not done: the frame goes at 0 */
	int merging, failed;
	/* the memory budget: a task starts while the frame's columns, held
	 * (memory the analyses do not see: the organisation's frame beside a
	 * team's) and the estimates of the running tasks stay within it */
	uint64_t budget, held;
	size_t rows;               /* the frame's, for the estimates (kept when it goes) */
	size_t running;            /* tasks running */
	uint64_t running_mem;      /* their estimates */
};

/* What task t is estimated to hold beside the frame. */
static uint64_t estimate(const struct sched *s, const struct task *t)
{
	return (uint64_t)t->an->mem * s->rows;
}

/* The next task to start, or NULL to wait (sched_pick()): of the waiting
 * ones that may start (the scorecard once those before it are merged). */
static struct task *pick(struct sched *s)
{
	struct sched_item it[NANALYSES];
	struct task *of[NANALYSES];
	size_t n = 0;
	int k;

	for (size_t i = 0; i < s->n; i++) {
		struct task *t = &s->t[i];

		if (t->state != T_WAITING || (t->an->reads_before && s->merged != i))
			continue;
		it[n] = (struct sched_item){t->an->frame, t->an->cost, estimate(s, t)};
		of[n++] = t;
	}
	k = sched_pick(it, n, frame_bytes(s->f, ~0u) + s->held + s->running_mem, s->budget,
		       s->f->cols, s->running);
	return k < 0 ? NULL : of[k];
}

/* The frame's optional columns a task not yet done reads. */
static unsigned cols_still_read(const struct sched *s)
{
	unsigned cols = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].state < T_DONE)
			cols |= s->t[i].an->frame;
	return cols;
}

/* Merges the done tasks that are next in order; called with mu held,
 * which it drops while copying. */
static void merge_ready(struct sched *s)
{
	if (s->merging)
		return;
	s->merging = 1;
	while (s->merged < s->n && s->t[s->merged].state == T_DONE) {
		struct task *t = &s->t[s->merged];
		int rc = SL_OK;

		if (t->part && !t->rc) {
			struct sl_analysis *part = t->part;

			t->part = NULL;
			pthread_mutex_unlock(&s->mu);
			rc = sl_analysis_merge(s->a, part, &t->err);
			pthread_mutex_lock(&s->mu);
		}
		if (rc) {
			t->rc = rc;
			s->failed = 1;
		}
		t->state = T_MERGED;
		s->merged++;
	}
	s->merging = 0;
}

static void *worker(void *arg)
{
	struct sched *s = arg;
	struct task *t;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		if (s->failed || s->merged == s->n)
			break;
		if (!(t = pick(s))) {
			pthread_cond_wait(&s->cv, &s->mu);
			continue;
		}
		t->state = T_RUNNING;
		s->running++;
		s->running_mem += estimate(s, t);
		pthread_mutex_unlock(&s->mu);
		sl_err_clear(&t->err);
		double t0 = now_s();
		/* one that reads the tables before it runs on the analysis
		 * itself: they are all merged, and none after it can merge
		 * before it is done */
		t->rc = t->an->reads_before ? SL_OK : sl_analysis_part(s->a, &t->part, &t->err);
		if (!t->rc && s->reuse && !t->an->frame)
			t->rc = copy_tables(s->reuse, t->an->tables, t->part ? t->part : s->a,
					    &t->err);
		else if (!t->rc)
			t->rc = t->an->run(s->p, s->st, s->f, t->part ? t->part : s->a, &t->err);
		{
			char what[64];

			snprintf(what, sizeof(what), "%s (%s)", t->an->name,
				 sl_tdef(t->an->tables[0])->name);
			said(s->p, what, t0);
		}
		pthread_mutex_lock(&s->mu);
		t->state = T_DONE;
		s->running--;
		s->running_mem -= estimate(s, t);
		if (t->rc)
			s->failed = 1;
		/* no task reads the frame any more, or some of its columns
		 * (the organisation's stays whole for the teams after) */
		if (t->an->frame && !--s->frame_users && !s->keep_frame)
			frame_release(s->f);
		else if (t->an->frame && !s->keep_frame)
			frame_drop(s->f, ~cols_still_read(s));
		malloc_trim(0);
		merge_ready(s);
		pthread_cond_broadcast(&s->cv);
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Runs the analyses listed in p->only on f (released when the last of
 * them that reads it is done, unless keep_frame) into a; those that read
 * no frame copy their tables from reuse instead, when it is not NULL.
 * held: bytes held beside f that the budget counts (the organisation's
 * frame while a team's runs).  0, or the error of the first failed
 * analysis in order in err. */
static int run_analyses(const struct analyze_params *p, const struct sl_store *st,
			struct frame *f, int keep_frame, uint64_t held,
			const struct sl_analysis *reuse, struct sl_analysis *a,
			struct sl_errctx *err)
{
	struct sched s = {.p = p, .st = st, .f = f, .keep_frame = keep_frame, .reuse = reuse,
			  .a = a, .held = held, .rows = f->n};
	pthread_t th[16];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = p->jobs ? p->jobs : cpus > 1 ? 2 : 1, started = 0, rc = SL_OK;

	for (size_t i = 0; i < NANALYSES; i++) {
		if (!listed(p->only, analyses[i].name))
			continue;
		s.t[s.n] = (struct task){.an = &analyses[i], .index = s.n};
		s.frame_users += analyses[i].frame != 0;
		s.n++;
	}
	if (!s.frame_users && !keep_frame)
		frame_release(f);
	s.budget = p->memory_budget ? p->memory_budget
				    : sched_default_budget(frame_bytes(f, ~0u) + held);
	if (p->verbose && s.rows)
		fprintf(stderr, "shiplog-analyze: memory budget %.0f MB, the frame %.0f MB\n",
			(double)s.budget / 1048576, (double)(frame_bytes(f, ~0u) + held) / 1048576);
	if (pthread_mutex_init(&s.mu, NULL))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, "cannot start a thread");
	if (pthread_cond_init(&s.cv, NULL)) {
		pthread_mutex_destroy(&s.mu);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, "cannot start a thread");
	}
	/* jobs workers, this thread one of them; with one, this thread does
	 * everything in the registry's order of cost */
	while (started < jobs - 1 && started < 16 && !pthread_create(&th[started], NULL, worker, &s))
		started++;
	worker(&s);
	for (int k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	for (size_t i = 0; i < s.n; i++) {
		if (s.t[i].rc && !rc) {
			*err = s.t[i].err;
			rc = s.t[i].rc;
		}
		sl_analysis_free(s.t[i].part);
	}
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.mu);
	return rc;
}

/* The success rates' scan, and for a single run its tables, the
 * metadata and the file's start, on a thread of their own while the
 * frame loads. */
struct prep {
	const struct analyze_params *p;
	const struct sl_store *st;
	struct sl_analysis *a; /* NULL: the scan only (--team-dir) */
	struct success_agg *agg;
	struct success_counts sc;
	struct sl_errctx err;
	int rc;
};

/* The tables of the success rates of p's agents (and the organisation's
 * summary beside a set's), the metadata, and the file started, so that
 * the per-deployment tables stream to it. */
static int start_analysis(const struct analyze_params *p, const struct success_agg *agg,
			  const char *out, struct sl_analysis *a, struct success_counts *sc,
			  struct sl_errctx *err)
{
	int rc;

	if ((rc = success_tables(agg, &p->agents, p->agents.n > 0, a, sc, err)))
		return rc;
	if (analyze_add_meta(a, p, sc))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return out ? sl_analysis_open(a, out, err) : SL_OK;
}

static void *prep_main(void *arg)
{
	struct prep *pr = arg;

	double t0 = now_s();

	sl_err_clear(&pr->err);
	if ((pr->rc = success_scan(pr->p, pr->st, &pr->agg, &pr->err)))
		return NULL;
	said(pr->p, "success", t0);
	if (pr->a)
		pr->rc = start_analysis(pr->p, pr->agg, pr->p->out, pr->a, &pr->sc, &pr->err);
	return NULL;
}

/* The rows of p's agents as a frame of their own, and the organisation's
 * DORA keys from the whole frame f into a: what a run over a set of
 * agents adds, the same for --agent, --team and each team of --team-dir. */
static int select_agents(const struct analyze_params *p, const struct frame *f,
			 struct frame *sub, struct sl_analysis *a, struct sl_errctx *err)
{
	uint8_t *in = NULL;
	int rc;

	if (agent_set_codes(&p->agents, f->names, &in) || frame_select(f, in, sub)) {
		free(in);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	free(in);
	if ((rc = dora_org_run(p, f, a, err)))
		frame_release(sub);
	return rc;
}

/* The agents the store has ever seen, and every pattern of the teams
 * file matching one of them: 0, or 1 said with the file's line. */
static int check_team_agents(const struct analyze_params *p, const struct sl_store *st)
{
	struct sl_errctx err;
	char **names = NULL;
	size_t n = 0;
	int rc;

	sl_err_clear(&err);
	if (!(rc = store_agents(st, &names, &n, &err)))
		rc = sl_teams_check_agents(p->teams, (const char *const *)names, n, &err);
	names_free(names, n);
	if (rc)
		report(&err);
	return rc ? 1 : 0;
}

/* --list-teams: a line a team, tab-separated: name, mail_to, quiet, the
 * config's path (resolved; empty when none). */
static int list_teams(const struct analyze_params *p)
{
	for (size_t i = 0; i < p->teams->n; i++) {
		const struct sl_team *t = &p->teams->teams[i];

		printf("%s\t%s\t%s\t%s\n", t->name, t->mail_to, sl_team_quiet_name(t->quiet),
		       t->config ? t->config : "");
	}
	if (fflush(stdout) || ferror(stdout)) {
		errorf("cannot write standard output: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/* DIR/NAME/analysis.msgpack into buf (PATH_MAX), the directories made. */
static int team_path(const char *dir, const char *name, char *buf, size_t n)
{
	if ((size_t)snprintf(buf, n, "%s/%s", dir, name) >= n) {
		errorf("'%s/%s': path too long", dir, name);
		return -1;
	}
	if ((mkdir(dir, 0777) && errno != EEXIST) || (mkdir(buf, 0777) && errno != EEXIST)) {
		errorf("cannot make '%s': %s", buf, strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(buf, n, "%s/%s/analysis.msgpack", dir, name) >= n) {
		errorf("'%s/%s': path too long", dir, name);
		return -1;
	}
	return 0;
}

/* --team-dir: the organisation's file, then each team's from the same
 * scan and frame, one team after another. */
static int run_teams(const struct analyze_params *org, const struct sl_store *st,
		     struct success_agg *agg, struct frame *f)
{
	struct sl_analysis *a = sl_analysis_new(), *reuse = sl_analysis_new();
	struct analyze_params op = *org, *p = &op;
	struct success_counts sc;
	struct sl_errctx err;
	int status = 1;
	double t0 = now_s();

	sl_err_clear(&err);
	/* what the canary read of the store, kept for the teams */
	op.canary_cache = canary_cache_new();
	op.scorecard_cache = scorecard_cache_new();
	if (!a || !reuse || !op.canary_cache || !op.scorecard_cache) {
		errorf("out of memory");
		goto out;
	}
	/* every agent, and those no team owns */
	if (start_analysis(p, agg, NULL, a, &sc, &err) ||
	    success_unowned(agg, p->teams, a, &err) || sl_analysis_open(a, p->out, &err) ||
	    run_analyses(p, st, f, 1, 0, NULL, a, &err)) {
		report(&err);
		goto out;
	}
	for (size_t i = 0; i < NANALYSES; i++)
		if (!analyses[i].frame && copy_tables(a, analyses[i].tables, reuse, &err)) {
			report(&err);
			goto out;
		}
	if (canary_cache_finish(op.canary_cache, f->n)) {
		errorf("out of memory");
		goto out;
	}
	if (sl_analysis_write(a, p->out, &err)) {
		report(&err);
		goto out;
	}
	sl_analysis_free(a);
	a = NULL;
	said(p, "organisation", t0);
	for (size_t i = 0; i < p->teams->n; i++) {
		struct analyze_params tp = *p;
		struct frame sub = {0};
		char path[4096];
		double t1 = now_s();
		int rc;

		tp.team_pat = NULL;
		if (cli_team(&tp, &p->teams->teams[i], &err)) {
			report(&err);
			goto out;
		}
		tp.out = path;
		rc = team_path(p->team_dir, tp.team->name, path, sizeof(path));
		if (!rc && !(a = sl_analysis_new())) {
			errorf("out of memory");
			rc = -1;
		}
		/* a team with thresholds of its own computes the pipelines
		 * again: their suggestions follow the thresholds */
		if (!rc && (start_analysis(&tp, agg, path, a, &sc, &err) ||
			    select_agents(&tp, f, &sub, a, &err) ||
			    run_analyses(&tp, st, &sub, 0, frame_bytes(f, ~0u),
					 memcmp(&tp.cfg, &p->cfg, sizeof(tp.cfg)) ? NULL : reuse, a,
					 &err) ||
			    sl_analysis_write(a, path, &err))) {
			report(&err);
			rc = -1;
		}
		frame_release(&sub);
		free(tp.team_pat);
		sl_analysis_free(a);
		a = NULL;
		malloc_trim(0);
		if (rc)
			goto out;
		{
			char what[96];

			snprintf(what, sizeof(what), "team %.64s", tp.team->name);
			said(p, what, t1);
		}
	}
	status = 0;
out:
	sl_analysis_free(a);
	sl_analysis_free(reuse);
	canary_cache_free(op.canary_cache);
	scorecard_cache_free(op.scorecard_cache);
	return status;
}

int main(int argc, char **argv)
{
	struct analyze_params p, pall;
	struct sl_store *st = NULL;
	struct sl_analysis *a = NULL;
	struct prep pr = {0};
	struct frame f = {0}, sub = {0};
	struct sl_errctx err;
	pthread_t th;
	int need_frame = 0, prep_thread, rc, status = 1;
	unsigned cols = 0;
	double start = now_s(), t0;

	if ((rc = cli_parse(argc, argv, &p)) >= 0) {
		cli_release(&p);
		return rc;
	}
	if ((p.only && check_only(p.only)) || (p.print && check_print(p.print, p.only))) {
		cli_release(&p);
		return 2;
	}
	gsl_set_error_handler_off(); /* GSL reports through return values */
	/* Arrays of a row per deployment come from mmap and go back to the
	 * system when freed: glibc's default raises this threshold as large
	 * blocks are freed, so that a later analysis's arrays come from the
	 * heap and stay in it after it is done (hundreds of MB at 1M rows,
	 * held while the next analyses run). */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	sl_err_clear(&err);
	if (p.reduce) { /* partials in, the analysis file (or the ranks) out */
		if (mapred_reduce(&p, &err))
			report(&err);
		else
			status = 0;
		goto out;
	}
	if (p.list_teams && !p.store) {
		status = list_teams(&p);
		goto out;
	}
	if (sl_store_open(&st, p.store, 0, SL_LOCK_SHARED, p.wait_lock, &err)) {
		report(&err);
		goto out;
	}
	/* a pattern no agent of the store has is a mistake in the file */
	if (p.teams && check_team_agents(&p, st))
		goto out;
	if (p.list_teams) {
		status = list_teams(&p);
		goto out;
	}
	if (p.map_n) {
		if (mapred_map(&p, st, &err))
			report(&err);
		/* a name the store never saw is a typo, as in one run: said
		 * once, by the first task */
		else if (!p.map_k && p.env && agent_env_unknown(&p, st, NULL, 0, 1, &err) < 0)
			report(&err);
		else
			status = 0;
		goto out;
	}
	if (p.query) {
		rc = query_run(&p, st, &err);
		if (rc < 0)
			report(&err);
		status = rc == 2 ? 2 : rc ? 1 : 0;
		goto out;
	}
	if (!p.team_dir && !(a = sl_analysis_new())) {
		errorf("out of memory");
		goto out;
	}
	/* the window's deployments, read once for the analyses that read
	 * them, while the success rates are computed beside; the frame holds
	 * every agent (the organisation's figures beside a set's, and each
	 * team's rows for --team-dir) */
	for (size_t i = 0; i < NANALYSES; i++)
		if (listed(p.only, analyses[i].name) && analyses[i].frame) {
			need_frame = 1;
			cols |= analyses[i].frame;
		}
	/* a set of agents also needs the organisation's DORA keys */
	if (p.agents.n > 0 || p.team_dir) {
		need_frame = 1;
		cols |= DORA_FRAME_COLS;
	}
	pall = p;
	pall.agents = (struct agent_set){NULL, 0};
	pr = (struct prep){.p = &p, .st = st, .a = a};
	prep_thread = need_frame && !pthread_create(&th, NULL, prep_main, &pr);
	if (!prep_thread)
		prep_main(&pr);
	sl_err_clear(&err);
	t0 = now_s();
	rc = need_frame ? frame_load(&pall, st, &f, cols & FC_ALL, &err) : SL_OK;
	if (need_frame)
		said(&p, "frame", t0);
	if (prep_thread)
		pthread_join(th, NULL);
	if (pr.rc || rc) {
		report(pr.rc ? &pr.err : &err);
		goto out;
	}
	if (!p.team_dir) {
		/* its tables are made: the groups go before the analyses */
		success_free(pr.agg);
		pr.agg = NULL;
	}
	if (f.counts_unread)
		fprintf(stderr, "shiplog-analyze: warning: %llu instance count%s beyond 2^31 read "
			"as unknown\n", (unsigned long long)f.counts_unread,
			f.counts_unread == 1 ? "" : "s");
	malloc_trim(0); /* the load's buffers, freed in the middle of the heap */
	if (p.team_dir) {
		status = run_teams(&p, st, pr.agg, &f);
		if (!status)
			said(&p, "in all", start);
		goto out;
	}
	if (p.agents.n) {
		/* the set's rows; the whole frame goes before the analyses */
		t0 = now_s();
		if (select_agents(&p, &f, &sub, a, &err)) {
			report(&err);
			goto out;
		}
		frame_release(&f);
		said(&p, "agents", t0);
	}
	if ((rc = run_analyses(&p, st, p.agents.n ? &sub : &f, 0, 0, NULL, a, &err))) {
		report(&err);
		goto out;
	}
	/* empty tables are honest, but a name the store never saw is a typo */
	if ((p.agent || p.env) && !pr.sc.deployments &&
	    agent_env_unknown(&p, st, NULL, 0, 1, &err) < 0) {
		report(&err);
		goto out;
	}
	if (p.print) {
		const struct sl_table *t = sl_analysis_table(a, p.print);

		if (!t) {
			print_no_table(a, p.print);
			goto out;
		}
		if (sl_table_write_csv_flags(t, stdout, p.print_exact ? 0 : SL_CSV_NEUTRALISE) ||
		    fflush(stdout)) {
			errorf("cannot write standard output: %s", strerror(errno));
			goto out;
		}
	}
	if (p.out && sl_analysis_write(a, p.out, &err)) {
		report(&err);
		goto out;
	}
	said(&p, "in all", start);
	status = 0;
out:
	frame_release(&f);
	frame_release(&sub);
	success_free(pr.agg);
	sl_analysis_free(a);
	sl_store_close(st);
	cli_release(&p);
	return status;
}
