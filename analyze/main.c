/* shiplog-analyze: the store into one analysis file of named result tables.
 * main.c wires options (cli.c), the window (window.c) and the analyses;
 * each analysis adds its tables (success.c: success rates and summary). */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sl_result.h"
#include "sl_scan.h"
#include "sl_store.h"
#include "sl_tables.h"
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
 * are merged. */
typedef int (*analysis_fn)(const struct analyze_params *, const struct sl_store *,
			   const struct frame *, struct sl_analysis *, struct sl_errctx *);

static const struct analysis {
	const char *name; /* for --only */
	analysis_fn run;
	int frame;        /* reads the frame of the window's deployments */
	int reads_before; /* reads the tables of the analyses before it */
	int cost;         /* rough seconds at 1M deployments x10: the longest start first */
	const enum sl_tid *tables; /* the tables it writes, up to SL_T_COUNT */
} analyses[] = {
#define TABLES(...) ((const enum sl_tid[]){__VA_ARGS__, SL_T_COUNT})
	{"dora", dora_run, 1, 0, 1, TABLES(SL_T_DORA, SL_T_DORA_AGENTS, SL_T_DORA_WEEKLY)},
	{"health", health_run, 1, 0, 7, TABLES(SL_T_HEALTH_SCORES)},
	{"strategies", strategy_run, 1, 0, 3, TABLES(SL_T_STRATEGIES)},
	{"alerts", alerts_run, 1, 0, 2, TABLES(SL_T_ALERTS, SL_T_ALERT_GROUPS, SL_T_ALERT_PRECISION)},
	{"canary", canary_run, 1, 0, 15,
	 TABLES(SL_T_ROLLBACK_DECISIONS, SL_T_CANARY_METRICS, SL_T_CANARY_JUDGEMENTS)},
	{"predict", predict_run, 1, 0, 12,
	 TABLES(SL_T_PREDICTIONS, SL_T_DURATION_MODEL, SL_T_DURATION_BACKTEST,
		SL_T_SUCCESS_BACKTEST)},
	{"predict", predict_rollback_run, 1, 0, 13,
	 TABLES(SL_T_ROLLBACK_CAUSES, SL_T_ROLLBACK_RISK, SL_T_ROLLBACK_RISK_BACKTEST,
		SL_T_ROLLBACK_RISK_LEVELS)},
	{"versions", versions_run, 1, 0, 9, TABLES(SL_T_VERSIONS, SL_T_ADOPTION, SL_T_REGRESSIONS)},
	{"features", features_run, 1, 0, 31,
	 TABLES(SL_T_FEATURES, SL_T_ANOMALIES, SL_T_ANOMALY_SUMMARY, SL_T_PATTERNS,
		SL_T_CLUSTERS)},
	{"activity", activity_run, 1, 0, 1,
	 TABLES(SL_T_HEATMAP, SL_T_TIMELINE, SL_T_ACTIVE_DEPLOYMENTS)},
	{"scorecard", scorecard_run, 1, 1, 2, TABLES(SL_T_SCORECARD)},
	/* reads runs, not the frame */
	{"pipelines", pipeline_run, 0, 0, 14,
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
	struct sl_analysis *a;
	struct task t[NANALYSES];
	size_t n, merged;          /* tasks [0, merged) are in a */
	size_t frame_users;        /* frame tasks not done: the frame goes at 0 */
	int merging, failed;
};

/* The next task to start: the costliest waiting one that may start. */
static struct task *pick(struct sched *s)
{
	struct task *best = NULL;

	for (size_t i = 0; i < s->n; i++) {
		struct task *t = &s->t[i];

		if (t->state != T_WAITING || (t->an->reads_before && s->merged != i))
			continue;
		if (!best || t->an->cost > best->an->cost)
			best = t;
	}
	return best;
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
		pthread_mutex_unlock(&s->mu);
		sl_err_clear(&t->err);
		double t0 = now_s();
		/* one that reads the tables before it runs on the analysis
		 * itself: they are all merged, and none after it can merge
		 * before it is done */
		t->rc = t->an->reads_before ? SL_OK : sl_analysis_part(s->a, &t->part, &t->err);
		if (!t->rc)
			t->rc = t->an->run(s->p, s->st, s->f, t->part ? t->part : s->a, &t->err);
		{
			char what[64];

			snprintf(what, sizeof(what), "%s (%s)", t->an->name,
				 sl_tdef(t->an->tables[0])->name);
			said(s->p, what, t0);
		}
		pthread_mutex_lock(&s->mu);
		t->state = T_DONE;
		if (t->rc)
			s->failed = 1;
		if (t->an->frame && !--s->frame_users)
			frame_release(s->f); /* no task reads it any more */
		malloc_trim(0);
		merge_ready(s);
		pthread_cond_broadcast(&s->cv);
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Runs the analyses listed in p->only on f (released when the last of
 * them that reads it is done) into a.  0, or the error of the first
 * failed analysis in order in err. */
static int run_analyses(const struct analyze_params *p, const struct sl_store *st,
			struct frame *f, struct sl_analysis *a, struct sl_errctx *err)
{
	struct sched s = {.p = p, .st = st, .f = f, .a = a};
	pthread_t th[16];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = p->jobs ? p->jobs : cpus > 1 ? 2 : 1, started = 0, rc = SL_OK;

	for (size_t i = 0; i < NANALYSES; i++) {
		if (!listed(p->only, analyses[i].name))
			continue;
		s.t[s.n] = (struct task){.an = &analyses[i], .index = s.n};
		s.frame_users += analyses[i].frame;
		s.n++;
	}
	if (!s.frame_users)
		frame_release(f);
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

/* The success rates, the metadata and the file's start, on a thread of
 * their own while the frame loads. */
struct prep {
	const struct analyze_params *p;
	const struct sl_store *st;
	struct sl_analysis *a;
	struct success_counts sc;
	struct sl_errctx err;
	int rc;
};

static void *prep_main(void *arg)
{
	struct prep *pr = arg;

	double t0 = now_s();

	sl_err_clear(&pr->err);
	if ((pr->rc = success_run(pr->p, pr->st, pr->a, &pr->sc, &pr->err)))
		return NULL;
	said(pr->p, "success", t0);
	if (analyze_add_meta(pr->a, pr->p, &pr->sc)) {
		pr->rc = sl_err_set(&pr->err, SL_ENOMEM, NULL, 0, NULL);
		return NULL;
	}
	/* the file starts now, so the per-deployment tables stream to it */
	if (pr->p->out)
		pr->rc = sl_analysis_open(pr->a, pr->p->out, &pr->err);
	return NULL;
}

int main(int argc, char **argv)
{
	struct analyze_params p;
	struct sl_store *st = NULL;
	struct sl_analysis *a = NULL;
	struct prep pr;
	struct frame f = {0};
	struct sl_errctx err;
	pthread_t th;
	int need_frame = 0, prep_thread, rc, status = 1;
	double start = now_s(), t0;

	if ((rc = cli_parse(argc, argv, &p)) >= 0)
		return rc;
	if ((p.only && check_only(p.only)) || (p.print && check_print(p.print, p.only)))
		return 2;
	gsl_set_error_handler_off(); /* GSL reports through return values */
	/* Arrays of a row per deployment come from mmap and go back to the
	 * system when freed: glibc's default raises this threshold as large
	 * blocks are freed, so that a later analysis's arrays come from the
	 * heap and stay in it after it is done (hundreds of MB at 1M rows,
	 * held while the next analyses run). */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	sl_err_clear(&err);
	if (p.reduce) { /* partials in, the analysis file (or the ranks) out */
		if (mapred_reduce(&p, &err)) {
			report(&err);
			return 1;
		}
		return 0;
	}
	if (sl_store_open(&st, p.store, 0, SL_LOCK_SHARED, p.wait_lock, &err)) {
		report(&err);
		return 1;
	}
	if (p.map_n) {
		if (mapred_map(&p, st, &err))
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
	if (!(a = sl_analysis_new())) {
		errorf("out of memory");
		goto out;
	}
	/* the window's deployments, read once for the analyses that read
	 * them, while the success rates are computed beside */
	for (size_t i = 0; i < NANALYSES; i++)
		if (listed(p.only, analyses[i].name) && analyses[i].frame)
			need_frame = 1;
	pr = (struct prep){.p = &p, .st = st, .a = a};
	prep_thread = need_frame && !pthread_create(&th, NULL, prep_main, &pr);
	if (!prep_thread)
		prep_main(&pr);
	sl_err_clear(&err);
	t0 = now_s();
	rc = need_frame ? frame_load(&p, st, &f, &err) : SL_OK;
	if (need_frame)
		said(&p, "frame", t0);
	if (prep_thread)
		pthread_join(th, NULL);
	if (pr.rc || rc) {
		report(pr.rc ? &pr.err : &err);
		goto out;
	}
	if (f.counts_unread)
		fprintf(stderr, "shiplog-analyze: warning: %llu instance count%s beyond 2^31 read "
			"as unknown\n", (unsigned long long)f.counts_unread,
			f.counts_unread == 1 ? "" : "s");
	malloc_trim(0); /* the load's buffers, freed in the middle of the heap */
	if ((rc = run_analyses(&p, st, &f, a, &err))) {
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
	sl_analysis_free(a);
	sl_store_close(st);
	return status;
}
