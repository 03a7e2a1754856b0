#include "query.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_result.h"
#include "sl_rowfmt.h"
#include "sl_scan.h"
#include "sl_value.h"
#include "common.h"
#include "pipeline.h"
#include "predict.h"
#include "success.h"
#include "versions.h"

#define DAY_MS 86400000LL


static int str_is(const struct sl_batch *b, int c, size_t r, const char *want)
{
	size_t n;
	const char *s = sl_batch_get_str(b, c, r, &n);

	return s && n == strlen(want) && !memcmp(s, want, n);
}

/* Rows of kind in [from, to) whose column col equals value (and, when
 * col2 >= 0, whose col2 equals value2), copied into *out (the caller frees
 * it; NULL on failure). */
static int collect(const struct sl_store *st, enum sl_kind kind, int64_t from, int64_t to,
		   const char *colname, const char *value, const char *col2name,
		   const char *value2, struct sl_batch **out, struct sl_errctx *err)
{
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	int col = sl_kind_col(kind, colname), col2 = col2name ? sl_kind_col(kind, col2name) : -1;
	int rc;

	*out = sl_batch_new(kind, 64);
	if (!*out)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if ((rc = sl_scan_open(&sc, st, kind, from, to, NULL, err)))
		goto out;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++)
			if (sl_scan_in_window(sc, b, r) && str_is(b, col, r, value) &&
			    (col2 < 0 || str_is(b, col2, r, value2)) &&
			    sl_batch_copy_row(*out, b, r)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
	rc = rc < 0 ? rc : SL_OK;
out:
	sl_scan_close(sc);
	if (rc) {
		sl_batch_free(*out);
		*out = NULL;
	}
	return rc;
}

/* The stored row of a deployment: the ids first (cheap), then its day. */
static int find_deployment(const struct sl_store *st, const char *id, struct sl_batch **out,
			   struct sl_errctx *err)
{
	struct sl_scan *sc;
	struct sl_batch *b;
	uint8_t want[64] = {0};
	int c_id = sl_kind_col(SL_KIND_DEPLOYMENTS, "deployment_id");
	int c_start = sl_kind_col(SL_KIND_DEPLOYMENTS, "start_time"), rc, found = 0;
	int64_t start = 0;

	*out = NULL;
	want[c_id] = 1;
	if ((rc = sl_scan_open(&sc, st, SL_KIND_DEPLOYMENTS, SL_TIME_MIN, SL_TIME_MAX, want, err)))
		return rc;
	while (!found && (rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n && !found; r++)
			if (str_is(b, c_id, r, id)) {
				found = 1;
				start = b->cols[c_start].v.i64[r];
			}
	sl_scan_close(sc);
	if (rc < 0)
		return rc;
	if (!found)
		return SL_OK;
	return collect(st, SL_KIND_DEPLOYMENTS, start, start + 1, "deployment_id", id, NULL, NULL,
		       out, err);
}

static void print_csv(const struct sl_batch *b)
{
	sl_rowfmt_csv_header(stdout, b->kind);
	for (size_t r = 0; r < b->n; r++)
		sl_rowfmt_csv_row(stdout, b, r);
}

static json_t *json_rows(const struct sl_batch *b)
{
	json_t *a = json_array();

	for (size_t r = 0; a && r < b->n; r++)
		if (json_array_append_new(a, sl_rowfmt_json(b, r))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static int print_json(json_t *j)
{
	int rc = j && json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0 : -1;

	if (!rc)
		fputc('\n', stdout);
	json_decref(j);
	return rc ? SL_ENOMEM : SL_OK;
}

static int deployment_query(const struct analyze_params *p, const struct sl_store *st,
			    const char *what, struct sl_errctx *err)
{
	static const enum sl_kind kids[] = {SL_KIND_CHECKPOINTS, SL_KIND_ARTIFACTS,
					    SL_KIND_VALIDATIONS};
	struct sl_batch *d = NULL, *k = NULL;
	int rc, c_start = sl_kind_col(SL_KIND_DEPLOYMENTS, "start_time");
	int64_t start, day0;
	json_t *obj = NULL;

	if ((rc = find_deployment(st, p->query_id, &d, err)))
		goto out;
	if (!d || !d->n) {
		fprintf(stderr, "shiplog-analyze: no deployment '%s'\n", p->query_id);
		rc = 1;
		goto out;
	}
	start = d->cols[c_start].v.i64[0];
	day0 = sl_day_of_ms(start) * DAY_MS;
	if (!strcmp(what, "deployment") && !p->json) {
		print_csv(d);
		goto out;
	}
	if (!strcmp(what, "deployment") && !(obj = sl_rowfmt_json(d, 0))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (size_t i = 0; i < sizeof(kids) / sizeof(kids[0]); i++) {
		const char *name = sl_kind_name(kids[i]);
		/* checkpoints and validations by their time around the rollout;
		 * artifacts live on their deployment's day */
		int64_t from = kids[i] == SL_KIND_ARTIFACTS ? day0 : start - DAY_MS;
		int64_t to = kids[i] == SL_KIND_ARTIFACTS ? day0 + DAY_MS : start + 7 * DAY_MS;

		if (obj == NULL && strcmp(what, name))
			continue;
		sl_batch_free(k);
		if ((rc = collect(st, kids[i], from, to, "deployment_id", p->query_id, NULL, NULL,
				  &k, err)))
			goto out;
		if (obj) {
			if (json_object_set_new(obj, name, json_rows(k))) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
		} else if (p->json) {
			rc = print_json(json_rows(k));
		} else {
			print_csv(k);
		}
	}
	if (obj) {
		rc = print_json(obj);
		obj = NULL;
	}
out:
	json_decref(obj);
	sl_batch_free(d);
	sl_batch_free(k);
	return rc;
}

static _Thread_local const struct sl_batch *sort_batch;
static _Thread_local int sort_col;

static int newest_first(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int64_t ta = sort_batch->cols[sort_col].v.i64[a], tb = sort_batch->cols[sort_col].v.i64[b];

	if (ta != tb)
		return ta < tb ? 1 : -1;
	return (a > b) - (a < b);
}

/* Prints the rows of d (kind's columns) newest first by time column
 * tcol, at most p->limit; d is freed. */
static int print_newest(const struct analyze_params *p, struct sl_batch *d, const char *tcol,
			struct sl_errctx *err)
{
	size_t *idx = NULL, n;
	int rc = SL_OK;
	json_t *arr = NULL;

	idx = malloc((d->n ? d->n : 1) * sizeof(*idx));
	if (!idx || (p->json && !(arr = json_array()))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (size_t i = 0; i < d->n; i++)
		idx[i] = i;
	sort_batch = d;
	sort_col = sl_kind_col(d->kind, tcol);
	sl_sort(idx, d->n, sizeof(*idx), newest_first);
	n = d->n < (size_t)p->limit ? d->n : (size_t)p->limit;
	if (!p->json)
		sl_rowfmt_csv_header(stdout, d->kind);
	for (size_t i = 0; i < n; i++) {
		if (!p->json)
			sl_rowfmt_csv_row(stdout, d, idx[i]);
		else if (json_array_append_new(arr, sl_rowfmt_json(d, idx[i]))) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
	}
	if (arr) {
		rc = print_json(arr);
		arr = NULL;
	}
out:
	json_decref(arr);
	free(idx);
	sl_batch_free(d);
	return rc;
}

static int history_query(const struct analyze_params *p, const struct sl_store *st,
			 struct sl_errctx *err)
{
	static const enum sl_kind kinds[] = {SL_KIND_DEPLOYMENTS};
	struct sl_batch *d = NULL;
	int rc;

	if ((rc = collect(st, SL_KIND_DEPLOYMENTS, p->from, p->to, "agent_id", p->agent,
			  p->env ? "environment" : NULL, p->env, &d, err)))
		return rc;
	/* an empty answer for a name the store never saw is a typo, not news */
	if (!d->n && (rc = agent_env_unknown(p, st, kinds, 1, 0, err))) {
		sl_batch_free(d);
		return rc;
	}
	return print_newest(p, d, "start_time", err);
}

/* GET /pipelines/{id}/executions: the pipeline's runs, newest first. */
static int executions_query(const struct analyze_params *p, const struct sl_store *st,
			    struct sl_errctx *err)
{
	struct sl_batch *d = NULL;
	const char *status = query_arg(p, "status");
	int rc;

	if ((rc = collect(st, SL_KIND_PIPELINE_RUNS, p->from, p->to, "pipeline_id", p->query_id,
			  status ? "status" : NULL, status, &d, err)))
		return rc;
	return print_newest(p, d, "start_time", err);
}

/* GET /versions/agent/{id}: the agent's version history, newest first;
 * deprecated and retired versions only with include_deprecated=true. */
static int versions_query(const struct analyze_params *p, const struct sl_store *st,
			  struct sl_errctx *err)
{
	struct sl_batch *d = NULL;
	static const enum sl_kind vkind = SL_KIND_VERSIONS;
	const char *inc = query_arg(p, "include_deprecated");
	int all = inc && (!strcmp(inc, "true") || !strcmp(inc, "1") || !strcmp(inc, "yes"));
	int rc, c_st = sl_kind_col(SL_KIND_VERSIONS, "status");
	uint8_t *keep;

	if (inc && !all && strcmp(inc, "false") && strcmp(inc, "0") && strcmp(inc, "no")) {
		fprintf(stderr, "shiplog-analyze: include_deprecated wants true or false, not '%s'\n",
			inc);
		return 1;
	}
	if ((rc = collect(st, SL_KIND_VERSIONS, p->from, p->to, "agent_id", p->agent,
			  p->env ? "environment" : NULL, p->env, &d, err)))
		return rc;
	if (!d->n && (rc = agent_env_unknown(p, st, &vkind, 1, 0, err))) {
		sl_batch_free(d);
		return rc;
	}
	if (!(keep = malloc(d->n ? d->n : 1))) {
		sl_batch_free(d);
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	}
	for (size_t r = 0; r < d->n; r++)
		keep[r] = all || !(str_is(d, c_st, r, "deprecated") || str_is(d, c_st, r, "retired"));
	sl_batch_filter(d, keep);
	free(keep);
	return print_newest(p, d, "deployed_at", err);
}

int query_print_table(const struct analyze_params *p, const struct sl_table *t)
{
	json_t *arr;

	if (!p->json)
		return sl_table_write_csv_flags(t, stdout, SL_CSV_NEUTRALISE) ? SL_EIO : SL_OK;
	arr = json_array();
	for (size_t r = 0; arr && r < sl_table_rows(t); r++) {
		json_t *o = json_object();

		for (int c = 0; o && c < sl_table_ncols(t); c++) {
			const char *s = sl_table_get_str(t, c, r);
			double v;
			enum sl_rtype ty = sl_table_col_type(t, c);
			char tb[32];
			json_t *jv;

			if (s)
				jv = json_string(s);
			else if (sl_table_get_f64(t, c, r, &v))
				jv = json_null();
			else if (ty == SL_R_I64)
				jv = json_integer((json_int_t)v);
			else if (ty == SL_R_BOOL)
				jv = json_boolean(v != 0);
			else if (ty == SL_R_TIME) {
				sl_format_time((int64_t)v, tb);
				jv = json_string(tb);
			} else
				jv = json_real(v);

			json_object_set_new(o, sl_table_col_name(t, c), jv);
		}
		if (!o || json_array_append_new(arr, o)) {
			json_decref(arr);
			return SL_ENOMEM;
		}
	}
	return print_json(arr);
}

static int rates_query(const struct analyze_params *p, const struct sl_store *st,
		       struct sl_errctx *err)
{
	struct sl_analysis *a = sl_analysis_new();
	static const enum sl_kind dkind = SL_KIND_DEPLOYMENTS;
	struct success_counts sc = {0, 0, 0};
	int rc;

	if (!a)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	if (!(rc = success_run(p, st, a, &sc, err)) && !sc.deployments && (p->agent || p->env))
		rc = agent_env_unknown(p, st, &dkind, 1, 0, err);
	if (!rc)
		rc = query_print_table(p, sl_analysis_table(a, "summary"));
	sl_analysis_free(a);
	return rc;
}

static int one_of_deployment(const struct analyze_params *p, const struct sl_store *st,
			     struct sl_errctx *err)
{
	return deployment_query(p, st, p->query, err);
}

/* Every query: its name, what it cannot do without, and its function.
 * Add a query by adding a line. */
static const struct query_def queries[] = {
	{"deployment", QUERY_NEEDS_ID, one_of_deployment},
	{"checkpoints", QUERY_NEEDS_ID, one_of_deployment},
	{"artifacts", QUERY_NEEDS_ID, one_of_deployment},
	{"validations", QUERY_NEEDS_ID, one_of_deployment},
	{"agent-history", QUERY_NEEDS_AGENT, history_query},
	{"success-rates", 0, rates_query},
	{"pipeline-executions", QUERY_NEEDS_ID, executions_query},
	{"pipeline-optimization", QUERY_NEEDS_ID, pipeline_query_optimization},
	{"evaluate-gate", QUERY_NEEDS_ID, pipeline_query_gate},
	{"agent-versions", QUERY_NEEDS_AGENT, versions_query},
	{"version-compatibility", QUERY_NEEDS_AGENT, versions_query_compatibility},
	{"version-adoption", QUERY_NEEDS_AGENT, versions_query_adoption},
	{"promotion-readiness", QUERY_NEEDS_AGENT, versions_query_promotion},
	{"predict", QUERY_NEEDS_AGENT | QUERY_NEEDS_ENV, predict_query},
};

const struct query_def *query_find(const char *name)
{
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if (!strcmp(queries[i].name, name))
			return &queries[i];
	return NULL;
}

int query_run(const struct analyze_params *p, const struct sl_store *st, struct sl_errctx *err)
{
	int rc = query_find(p->query)->run(p, st, err);

	if (fflush(stdout) && !rc)
		rc = sl_err_set(err, SL_EIO, "<stdout>", 0, "cannot write");
	return rc;
}
