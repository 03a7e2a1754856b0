/* shiplog-analyze: the store into one analysis file of named result tables.
 * main.c wires options (cli.c), the window (window.c) and the analyses;
 * each analysis adds its tables (success.c: success rates and summary). */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sl_result.h"
#include "sl_scan.h"
#include "sl_store.h"
#include "sl_value.h"
#include "sl_version.h"
#include "activity.h"
#include "alerts.h"
#include "canary.h"
#include "dora.h"
#include "featureset.h"
#include "frame.h"
#include "health.h"
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
 * written; an analysis may read the tables of those before it. */
typedef int (*analysis_fn)(const struct analyze_params *, const struct sl_store *,
			   const struct frame *, struct sl_analysis *, struct sl_errctx *);

static const struct analysis {
	const char *name; /* for --only */
	analysis_fn run;
	int frame;        /* reads the frame of the window's deployments */
} analyses[] = {
	{"dora", dora_run, 1},
	{"health", health_run, 1},
	{"strategies", strategy_run, 1},
	{"alerts", alerts_run, 1},
	{"canary", canary_run, 1},
	{"predict", predict_run, 1}, /* and the rollback tables */
	{"versions", versions_run, 1},
	{"features", features_run, 1}, /* anomalies, patterns, clusters */
	{"activity", activity_run, 1},
	{"scorecard", scorecard_run, 1},
	/* after the frame is freed: its memory is not held while the runs
	 * of the pipelines are */
	{"pipelines", pipeline_run, 0},
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
				fprintf(stderr, "%s %s", i ? "," : "", analyses[i].name);
			fputs(")\n", stderr);
			return -1;
		}
	}
	return 0;
}

static void print_no_table(const struct sl_analysis *a, const char *name)
{
	fprintf(stderr, "shiplog-analyze: error: no table '%s' (tables:", name);
	for (size_t i = 0; i < sl_analysis_ntables(a); i++)
		fprintf(stderr, "%s %s", i ? "," : "", sl_table_name(sl_analysis_table_at(a, i)));
	fputs(")\n", stderr);
}

static int meta_time(struct sl_analysis *a, const char *key, int64_t t)
{
	char buf[32];

	if (t == SL_TIME_MIN || t == SL_TIME_MAX)
		return sl_analysis_meta_str(a, key, "");
	sl_format_time(t, buf);
	return sl_analysis_meta_str(a, key, buf);
}

/* Run metadata: what was analysed, how, and with which version. */
static int add_meta(struct sl_analysis *a, const struct analyze_params *p,
		    const struct success_counts *sc)
{
	return sl_analysis_meta_str(a, "shiplog_version", SHIPLOG_VERSION) ||
	       meta_time(a, "window_from", p->from) || meta_time(a, "window_to", p->to) ||
	       meta_time(a, "now", p->now) ||
	       sl_analysis_meta_str(a, "tz", p->tz ? p->tz : "UTC") ||
	       sl_analysis_meta_str(a, "env", p->env ? p->env : "") ||
	       sl_analysis_meta_str(a, "agent", p->agent ? p->agent : "") ||
	       sl_analysis_meta_i64(a, "seed", (int64_t)p->seed) ||
	       sl_analysis_meta_i64(a, "input_deployments", (int64_t)sc->deployments) ||
	       sl_analysis_meta_i64(a, "input_files", (int64_t)sc->files);
}

int main(int argc, char **argv)
{
	struct analyze_params p;
	struct sl_store *st = NULL;
	struct sl_analysis *a = NULL;
	struct success_counts sc = {0, 0};
	struct frame f = {0};
	struct sl_errctx err;
	size_t last_frame = 0; /* analyses[] before this index read the frame */
	int rc, status = 1;

	if ((rc = cli_parse(argc, argv, &p)) >= 0)
		return rc;
	if (p.only && check_only(p.only))
		return 2;
	gsl_set_error_handler_off(); /* GSL reports through return values */
	sl_err_clear(&err);
	if (sl_store_open(&st, p.store, 0, SL_LOCK_SHARED, p.wait_lock, &err)) {
		report(&err);
		return 1;
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
	if ((rc = success_run(&p, st, a, &sc, &err))) {
		report(&err);
		goto out;
	}
	if (add_meta(a, &p, &sc)) {
		errorf("out of memory");
		goto out;
	}
	/* the file starts now, so the per-deployment tables stream to it */
	if (p.out && sl_analysis_open(a, p.out, &err)) {
		report(&err);
		goto out;
	}
	/* the window's deployments, read once for the analyses that read
	 * them and freed after the last of them */
	for (size_t i = 0; i < NANALYSES; i++)
		if (listed(p.only, analyses[i].name) && analyses[i].frame)
			last_frame = i + 1;
	if (last_frame && frame_load(&p, st, &f, &err)) {
		report(&err);
		goto out;
	}
	for (size_t i = 0; i < NANALYSES; i++) {
		if (i == last_frame)
			frame_release(&f);
		if (listed(p.only, analyses[i].name) && (rc = analyses[i].run(&p, st, &f, a, &err))) {
			report(&err);
			goto out;
		}
	}
	if (p.print) {
		const struct sl_table *t = sl_analysis_table(a, p.print);

		if (!t) {
			print_no_table(a, p.print);
			goto out;
		}
		if (sl_table_write_csv_flags(t, stdout, SL_CSV_NEUTRALISE) || fflush(stdout)) {
			errorf("cannot write standard output: %s", strerror(errno));
			goto out;
		}
	}
	if (p.out && sl_analysis_write(a, p.out, &err)) {
		report(&err);
		goto out;
	}
	status = 0;
out:
	frame_release(&f);
	sl_analysis_free(a);
	sl_store_close(st);
	return status;
}
