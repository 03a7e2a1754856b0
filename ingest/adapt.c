#include "adapt.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_buf.h"
#include "sl_cimap.h"

#define MAX_OUT 48       /* fields of one output record */
#define MAX_PATH_DEPTH 8 /* components of a dotted path */

static const struct {
	const char *name;
	enum adapter_id id;
	enum sl_kind kind;
	const char *page_key;
} adapters[] = {
	{"github-runs", AD_GITHUB_RUNS, SL_KIND_PIPELINE_RUNS, "workflow_runs"},
	{"github-jobs", AD_GITHUB_JOBS, SL_KIND_STAGE_RUNS, "jobs"},
	{"gitlab-pipelines", AD_GITLAB_PIPELINES, SL_KIND_PIPELINE_RUNS, NULL},
	{"gitlab-jobs", AD_GITLAB_JOBS, SL_KIND_STAGE_RUNS, NULL},
	{"gitlab-deployments", AD_GITLAB_DEPLOYMENTS, SL_KIND_DEPLOYMENTS, NULL},
	{"jenkins-builds", AD_JENKINS_BUILDS, SL_KIND_PIPELINE_RUNS, "builds"},
	{"jenkins-stages", AD_JENKINS_STAGES, SL_KIND_STAGE_RUNS, "stages"},
	{"github-deployments", AD_GITHUB_DEPLOYMENTS, SL_KIND_DEPLOYMENTS, "deployments"},
	{"bitbucket-deployments", AD_BITBUCKET_DEPLOYMENTS, SL_KIND_DEPLOYMENTS, "values"},
};
#define NADAPTERS (sizeof(adapters) / sizeof(adapters[0]))

enum adapter_id adapter_from_name(const char *name)
{
	for (size_t i = 0; i < NADAPTERS; i++)
		if (!strcmp(adapters[i].name, name))
			return adapters[i].id;
	return AD_NONE;
}

const char *adapter_name(enum adapter_id id)
{
	for (size_t i = 0; i < NADAPTERS; i++)
		if (adapters[i].id == id)
			return adapters[i].name;
	return "?";
}

enum sl_kind adapter_kind(enum adapter_id id)
{
	for (size_t i = 0; i < NADAPTERS; i++)
		if (adapters[i].id == id)
			return adapters[i].kind;
	return SL_KIND_NONE;
}

const char *adapter_page_key(enum adapter_id id)
{
	for (size_t i = 0; i < NADAPTERS; i++)
		if (adapters[i].id == id)
			return adapters[i].page_key;
	return NULL;
}

const char *adapter_names(void)
{
	return "github-runs, github-jobs, gitlab-pipelines, gitlab-jobs, gitlab-deployments, "
	       "jenkins-builds, jenkins-stages, github-deployments, bitbucket-deployments";
}

struct adapter {
	enum adapter_id id;
	const struct adapt_rules *rules;
	size_t n;
	const char *names[MAX_OUT];
	struct field f[MAX_OUT];
	size_t off[MAX_OUT]; /* F_TEXT: offset of the text in pool */
	struct sl_buf pool;
	struct sl_buf reason, explain, tmp;
	int oom;
	/* the classification of the current record */
	int deploy, prod;
};

struct adapter *adapter_new(enum adapter_id id, const struct adapt_rules *rules)
{
	struct adapter *ad = calloc(1, sizeof(*ad));

	if (!ad)
		return NULL;
	ad->id = id;
	ad->rules = rules;
	return ad;
}

enum adapter_id adapter_id_of(const struct adapter *ad)
{
	return ad->id;
}

void adapter_free(struct adapter *ad)
{
	if (!ad)
		return;
	sl_buf_release(&ad->pool);
	sl_buf_release(&ad->reason);
	sl_buf_release(&ad->explain);
	sl_buf_release(&ad->tmp);
	free(ad);
}

/* ---- reading the API object: keys compared ignoring case and '_', as
 * the same API comes as REST (snake_case) and GraphQL (camelCase, or Go's
 * CamelCase in DevLake's raw tables) ---- */

/* Equal ignoring case and '_': created_at, createdAt, CreatedAt. */
static int key_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '_')
			a++;
		while (*b == '_')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++, b++;
	}
}

static json_t *jget(json_t *o, const char *key)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o))
		return NULL;
	if ((v = json_object_get(o, key)))
		return v;
	json_object_foreach(o, k, v)
		if (key_eq(k, key))
			return v;
	return NULL;
}

/* "a.b.c": each component through jget. */
static json_t *jpath(json_t *o, const char *path)
{
	char part[64];
	int depth = 0;

	while (o && *path && depth++ < MAX_PATH_DEPTH) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = 0;
		o = jget(o, part);
		path += n + (dot != NULL);
	}
	return o;
}

/* A string member, or NULL (missing, null, or not a string: a value of
 * the wrong type is taken as unknown, never as text). */
static const char *jstr(json_t *o, const char *path)
{
	json_t *v = jpath(o, path);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	return s && *s ? s : NULL;
}

/* An integer member (a JSON integer, an integral real, or a decimal
 * string as Jenkins' wfapi ids are).  0 or -1. */
static int jint(json_t *o, const char *path, int64_t *out)
{
	json_t *v = jpath(o, path);

	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);

		if (isfinite(d) && d > -9e18 && d < 9e18) {
			*out = (int64_t)llround(d);
			return 0;
		}
		return -1;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		long long x;

		if (!*s)
			return -1;
		x = strtoll(s, &end, 10);
		if (*end)
			return -1;
		*out = x;
		return 0;
	}
	return -1;
}

/* A number member in seconds (GitLab's duration, possibly fractional) to
 * milliseconds. */
static int jsecs_ms(json_t *o, const char *path, int64_t *out)
{
	json_t *v = jpath(o, path);
	double d;

	if (json_is_integer(v))
		d = (double)json_integer_value(v);
	else if (json_is_real(v))
		d = json_real_value(v);
	else
		return -1;
	if (!isfinite(d) || d < 0 || d > 9e15)
		return -1;
	*out = (int64_t)llround(d * 1000.0);
	return 0;
}

/* An id member as text: a string, or an integer in decimal. */
static const char *jid(struct adapter *ad, json_t *o, const char *path)
{
	json_t *v = jpath(o, path);

	if (json_is_integer(v)) {
		sl_buf_reset(&ad->tmp);
		sl_buf_printf(&ad->tmp, "%" PRId64, (int64_t)json_integer_value(v));
		return sl_buf_cstr(&ad->tmp);
	}
	return jstr(o, path);
}

static int jbool(json_t *o, const char *path)
{
	return json_is_true(jpath(o, path));
}

/* ---- the output record ---- */

static struct field *out_add(struct adapter *ad, const char *name, enum field_kind k)
{
	struct field *f;

	if (ad->n >= MAX_OUT)
		return NULL; /* a bug: MAX_OUT is above every adapter's field count */
	f = &ad->f[ad->n];
	memset(f, 0, sizeof(*f));
	f->kind = k;
	ad->names[ad->n++] = name;
	return f;
}

static void out_null(struct adapter *ad, const char *name)
{
	out_add(ad, name, F_NULL);
}

/* Text, or null when s is NULL.  Copied: s may point into ad->tmp. */
static void out_str(struct adapter *ad, const char *name, const char *s)
{
	struct field *f;
	size_t start = ad->pool.len;

	if (!s) {
		out_null(ad, name);
		return;
	}
	if (!(f = out_add(ad, name, F_TEXT)))
		return;
	if (sl_buf_add(&ad->pool, s, strlen(s)) || sl_buf_addc(&ad->pool, 0))
		ad->oom = 1;
	ad->off[ad->n - 1] = start;
	f->n = strlen(s);
}

static void out_int(struct adapter *ad, const char *name, int64_t v)
{
	struct field *f = out_add(ad, name, F_INT);

	if (f)
		f->i = v;
}

static void out_bool(struct adapter *ad, const char *name, int v)
{
	struct field *f = out_add(ad, name, F_BOOL);

	if (f)
		f->i = v != 0;
}

/* An integer member, or null. */
static void out_jint(struct adapter *ad, const char *name, json_t *o, const char *path)
{
	int64_t v;

	if (jint(o, path, &v))
		out_null(ad, name);
	else
		out_int(ad, name, v);
}

static void out_begin(struct adapter *ad)
{
	ad->n = 0;
	ad->oom = 0;
	ad->deploy = ad->prod = 0;
	sl_buf_reset(&ad->pool);
	sl_buf_reset(&ad->explain);
}

static void out_finish(struct adapter *ad, struct record *rec)
{
	for (size_t i = 0; i < ad->n; i++)
		if (ad->f[i].kind == F_TEXT)
			ad->f[i].p = ad->pool.data + ad->off[i];
	memset(rec, 0, sizeof(*rec));
	rec->nf = ad->n;
	rec->f = ad->f;
	rec->names = ad->names;
}

static int refuse(struct adapter *ad, const char **reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct adapter *ad, const char **reason, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sl_buf_reset(&ad->reason);
	sl_buf_adds(&ad->reason, tmp);
	*reason = sl_buf_cstr(&ad->reason);
	return 1;
}

/* A state quoted in a reason: at most 40 bytes. */
static const char *q40(const char *s)
{
	return s ? s : "(null)";
}

/* ---- classification: a run or job is a deployment when the deployment
 * rule (--deploy-regex, default (?i)deploy|release|push-image) matches one
 * of its names or its branch, and production when the production rule
 * (--prod-regex, default (?i)prod) matches its environment or names; the
 * first candidate that matches is the one --explain names ---- */

struct cand {
	const char *what, *value;
};

/* The first candidate the rule matches, or -1. */
static int first_match(const regex_t *re, const struct cand *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].value && sl_regex_match(re, c[i].value))
			return (int)i;
	return -1;
}

static void explain_add(struct adapter *ad, const char *label, const char *rule,
			const struct cand *c, size_t n, int hit)
{
	struct sl_buf *e = &ad->explain;

	if (hit >= 0) {
		sl_buf_printf(e, "%s: %s '%.60s' matches '%s'", label, c[hit].what, c[hit].value,
			      rule);
		return;
	}
	sl_buf_printf(e, "not %s: no match of '%s' in", label, rule);
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		if (!c[i].value)
			continue;
		sl_buf_printf(e, "%s %s '%.60s'", any ? "," : "", c[i].what, c[i].value);
		any = 1;
	}
	if (!any)
		sl_buf_adds(e, " (no names)");
}

/* dep: where the deployment rule looks (NULL: every record is a
 * deployment); prod: where the production rule looks. */
static void classify(struct adapter *ad, const struct cand *dep, size_t ndep,
		     const struct cand *prod, size_t nprod)
{
	const struct adapt_rules *r = ad->rules;
	int hit;

	if (dep) {
		hit = first_match(&r->deploy, dep, ndep);
		ad->deploy = hit >= 0;
		explain_add(ad, "deployment", r->deploy_src, dep, ndep, hit);
		sl_buf_adds(&ad->explain, "; ");
	} else {
		ad->deploy = 1;
		sl_buf_adds(&ad->explain, "deployment: every record of this format; ");
	}
	hit = first_match(&r->prod, prod, nprod);
	ad->prod = hit >= 0;
	explain_add(ad, "production", r->prod_src, prod, nprod, hit);
}

/* ---- small helpers for the providers' shapes ---- */

/* "https://host/a/b/-/pipelines/1" -> "a/b" (GitLab project path);
 * "https://api.github.com/repos/o/r/actions/runs/1" -> "o/r". */
static const char *url_path(struct adapter *ad, const char *url, const char *after,
			    const char *stop, int nseg)
{
	const char *p, *e;

	if (!url)
		return NULL;
	if (after) {
		if (!(p = strstr(url, after)))
			return NULL;
		p += strlen(after);
	} else {
		if (!(p = strstr(url, "://")))
			return NULL;
		p = strchr(p + 3, '/');
		if (!p)
			return NULL;
		p++;
	}
	if (stop && (e = strstr(p, stop))) {
		/* up to stop */
	} else {
		int k = 0;

		e = p;
		while (*e && *e != '?' && *e != '#') {
			if (*e == '/' && ++k == nseg)
				break;
			e++;
		}
		if (nseg && k < nseg - 1)
			return NULL;
	}
	if (e <= p)
		return NULL;
	sl_buf_reset(&ad->tmp);
	sl_buf_add(&ad->tmp, p, (size_t)(e - p));
	return sl_buf_cstr(&ad->tmp);
}

/* ---- GitHub Actions ---- */

static int map_github_status(struct adapter *ad, json_t *o, const char **status,
			     const char **reason)
{
	const char *st = jstr(o, "status"), *co = jstr(o, "conclusion");

	*status = sl_cimap_github(st, co);
	if (!st && !co)
		return refuse(ad, reason, "no 'status' and no 'conclusion'");
	if (!*status) {
		if (st && !strcasecmp(st, "completed") && !co)
			return refuse(ad, reason, "completed without a conclusion");
		return refuse(ad, reason, "unknown GitHub status '%.40s' (conclusion '%.40s')",
			      q40(st), q40(co));
	}
	return 0;
}

static int finished(const char *canon)
{
	return !strcmp(canon, "success") || !strcmp(canon, "failed") ||
	       !strcmp(canon, "cancelled") || !strcmp(canon, "skipped");
}

static int github_runs(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *repo = jstr(o, "repository.full_name"), *path = jstr(o, "path");
	const char *name = jstr(o, "name"), *branch = jstr(o, "head_branch");
	struct cand dep[3], prod[2];

	if (map_github_status(ad, o, &status, reason))
		return 1;
	if (repo && path) {
		char buf[1024];

		snprintf(buf, sizeof(buf), "%s/%s", repo, path);
		out_str(ad, "pipeline_id", buf);
	} else {
		out_str(ad, "pipeline_id", jid(ad, o, "workflow_id"));
	}
	out_str(ad, "pipeline_name", name);
	out_jint(ad, "execution_number", o, "run_number");
	out_str(ad, "trigger_type", jstr(o, "event"));
	out_str(ad, "triggered_by", jstr(o, "triggering_actor.login") ? jstr(o, "triggering_actor.login")
								      : jstr(o, "actor.login"));
	out_str(ad, "start_time", jstr(o, "run_started_at") ? jstr(o, "run_started_at")
							   : jstr(o, "created_at"));
	out_str(ad, "end_time", finished(status) ? jstr(o, "updated_at") : NULL);
	out_str(ad, "status", status);
	out_str(ad, "run_id", jid(ad, o, "id"));
	out_jint(ad, "attempt", o, "run_attempt");
	out_str(ad, "branch", branch);
	out_str(ad, "commit", jstr(o, "head_sha"));
	out_str(ad, "source_status", jstr(o, "status"));
	out_str(ad, "source_conclusion", jstr(o, "conclusion"));
	dep[0] = (struct cand){"name", name};
	dep[1] = (struct cand){"title", jstr(o, "display_title")};
	dep[2] = (struct cand){"branch", branch};
	prod[0] = (struct cand){"name", name};
	prod[1] = (struct cand){"branch", branch};
	classify(ad, dep, 3, prod, 2);
	out_bool(ad, "deployment", ad->deploy);
	out_str(ad, "deploy_environment", ad->deploy && ad->prod ? "production" : NULL);
	return 0;
}

static int github_jobs(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *name = jstr(o, "name"), *wf = jstr(o, "workflow_name");
	const char *branch = jstr(o, "head_branch"), *repo;
	struct cand dep[3], prod[2];
	char buf[1024];

	if (map_github_status(ad, o, &status, reason))
		return 1;
	repo = url_path(ad, jstr(o, "run_url"), "/repos/", "/actions/", 0);
	if (repo && wf)
		snprintf(buf, sizeof(buf), "%s/%s", repo, wf);
	else
		snprintf(buf, sizeof(buf), "%s", repo ? repo : wf ? wf : "");
	out_str(ad, "pipeline_id", buf[0] ? buf : NULL);
	out_jint(ad, "execution_number", o, "run_id");
	out_str(ad, "stage_id", jid(ad, o, "id"));
	out_str(ad, "stage_name", name);
	dep[0] = (struct cand){"name", name};
	dep[1] = (struct cand){"workflow", wf};
	dep[2] = (struct cand){"branch", branch};
	prod[0] = (struct cand){"name", name};
	prod[1] = (struct cand){"branch", branch};
	classify(ad, dep, 3, prod, 2);
	out_str(ad, "stage_type", ad->deploy ? "deploy" : NULL);
	out_str(ad, "environment", ad->deploy && ad->prod ? "production" : NULL);
	out_jint(ad, "attempt", o, "run_attempt");
	out_str(ad, "status", status);
	out_str(ad, "start_time", jstr(o, "started_at") ? jstr(o, "started_at")
						       : jstr(o, "created_at"));
	out_str(ad, "end_time", finished(status) ? jstr(o, "completed_at") : NULL);
	out_str(ad, "branch", branch);
	out_str(ad, "commit", jstr(o, "head_sha"));
	out_str(ad, "source_status", jstr(o, "status"));
	out_str(ad, "source_conclusion", jstr(o, "conclusion"));
	out_str(ad, "runner", jstr(o, "runner_name"));
	return 0;
}

/* ---- GitLab ---- */

static int gitlab_status(struct adapter *ad, json_t *o, const char **status,
			 const char **reason)
{
	const char *st = jstr(o, "status");

	if (!st)
		return refuse(ad, reason, "no 'status'");
	if (!(*status = sl_cimap_lookup(SL_MAP_GITLAB, st)))
		return refuse(ad, reason, "unknown GitLab status '%.40s'", st);
	return 0;
}

static int gitlab_pipelines(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *ref = jstr(o, "ref"), *name = jstr(o, "name");
	struct cand dep[2], prod[2];
	int64_t ms;

	if (gitlab_status(ad, o, &status, reason))
		return 1;
	/* the project's path names the pipeline (jobs and deployments carry
	 * it too, not always its id) */
	if (url_path(ad, jstr(o, "web_url"), NULL, "/-/", 0))
		out_str(ad, "pipeline_id", sl_buf_cstr(&ad->tmp));
	else
		out_str(ad, "pipeline_id", jid(ad, o, "project_id"));
	out_str(ad, "pipeline_name", name ? name : url_path(ad, jstr(o, "web_url"), NULL, "/-/", 0));
	out_str(ad, "project_id", jid(ad, o, "project_id"));
	out_jint(ad, "execution_number", o, "id");
	out_str(ad, "trigger_type", jstr(o, "source"));
	out_str(ad, "triggered_by", jstr(o, "user.username"));
	out_str(ad, "start_time", jstr(o, "started_at") ? jstr(o, "started_at")
						       : jstr(o, "created_at"));
	out_str(ad, "end_time", finished(status) ? jstr(o, "finished_at") : NULL);
	/* GitLab's duration counts running time only (seconds, queue time
	 * excluded): it is the run's duration_ms, not end - start */
	if (!jsecs_ms(o, "duration", &ms))
		out_int(ad, "duration_ms", ms);
	out_str(ad, "status", status);
	out_jint(ad, "iid", o, "iid");
	out_str(ad, "branch", ref);
	out_str(ad, "commit", jstr(o, "sha"));
	out_str(ad, "source_status", jstr(o, "status"));
	dep[0] = (struct cand){"name", name};
	dep[1] = (struct cand){"branch", ref};
	prod[0] = (struct cand){"name", name};
	prod[1] = (struct cand){"branch", ref};
	classify(ad, dep, 2, prod, 2);
	out_bool(ad, "deployment", ad->deploy);
	out_str(ad, "deploy_environment", ad->deploy && ad->prod ? "production" : NULL);
	return 0;
}

static int gitlab_jobs(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *name = jstr(o, "name"), *stage = jstr(o, "stage");
	const char *ref = jstr(o, "ref"), *env = jstr(o, "environment.name");
	struct cand dep[3], prod[3];
	int64_t ms;

	if (!env)
		env = jstr(o, "environment");
	if (gitlab_status(ad, o, &status, reason))
		return 1;
	if (url_path(ad, jstr(o, "pipeline.web_url"), NULL, "/-/", 0) ||
	    url_path(ad, jstr(o, "web_url"), NULL, "/-/", 0))
		out_str(ad, "pipeline_id", sl_buf_cstr(&ad->tmp));
	else
		out_str(ad, "pipeline_id", jid(ad, o, "pipeline.project_id"));
	out_jint(ad, "execution_number", o, "pipeline.id");
	out_str(ad, "stage_id", jid(ad, o, "id"));
	out_str(ad, "stage_name", name);
	dep[0] = (struct cand){"name", name};
	dep[1] = (struct cand){"stage", stage};
	dep[2] = (struct cand){"branch", ref};
	prod[0] = (struct cand){"environment", env};
	prod[1] = (struct cand){"name", name};
	prod[2] = (struct cand){"branch", ref};
	classify(ad, dep, 3, prod, 3);
	out_str(ad, "stage_type", ad->deploy ? "deploy" : stage);
	out_str(ad, "environment", ad->deploy && ad->prod ? "production" : env);
	out_str(ad, "status", status);
	out_str(ad, "start_time", jstr(o, "started_at") ? jstr(o, "started_at")
						       : jstr(o, "created_at"));
	out_str(ad, "end_time", finished(status) ? jstr(o, "finished_at") : NULL);
	if (!jsecs_ms(o, "duration", &ms))
		out_int(ad, "duration_ms", ms);
	out_str(ad, "branch", ref);
	out_str(ad, "source_status", jstr(o, "status"));
	out_str(ad, "gitlab_stage", stage);
	if (json_is_boolean(jpath(o, "allow_failure")))
		out_bool(ad, "allow_failure", jbool(o, "allow_failure"));
	out_str(ad, "failure_reason", jstr(o, "failure_reason"));
	return 0;
}

static int deploy_phase(struct adapter *ad, enum sl_cimap_table t, const char *provider,
			const char *st, const char **phase, const char **reason)
{
	if (!st)
		return refuse(ad, reason, "no deployment status");
	*phase = sl_cimap_lookup(t, st);
	if (!*phase)
		return refuse(ad, reason, "unknown %s deployment status '%.40s'", provider, st);
	if (*phase == sl_cimap_not_outcome)
		return refuse(ad, reason, "%s deployment status '%.40s' is not a deployment outcome",
			      provider, st);
	return 0;
}

static int terminal(const char *phase)
{
	return !strcmp(phase, "completed") || !strcmp(phase, "failed") ||
	       !strcmp(phase, "rolled_back") || !strcmp(phase, "partial");
}

/* The environment column: "production" when the rule says so, else the
 * name as given; the given name goes to metadata either way. */
static void out_environment(struct adapter *ad, const char *env)
{
	struct cand prod[1] = {{"environment", env}};

	classify(ad, NULL, 0, prod, 1);
	out_str(ad, "environment", ad->prod ? "production" : env);
	out_str(ad, "source_environment", env);
}

static int gitlab_deployments(struct adapter *ad, json_t *o, const char **reason)
{
	const char *phase, *start;
	char agent[512];

	if (deploy_phase(ad, SL_MAP_GITLAB_DEPLOY, "GitLab", jstr(o, "status"), &phase, reason))
		return 1;
	out_str(ad, "deployment_id", jid(ad, o, "id"));
	/* the project: its path, else its id */
	if (jstr(o, "deployable.project.path_with_namespace"))
		snprintf(agent, sizeof(agent), "%s", jstr(o, "deployable.project.path_with_namespace"));
	else if (url_path(ad, jstr(o, "deployable.pipeline.web_url"), NULL, "/-/", 0) ||
		 url_path(ad, jstr(o, "deployable.web_url"), NULL, "/-/", 0))
		snprintf(agent, sizeof(agent), "%s", sl_buf_cstr(&ad->tmp));
	else if (jid(ad, o, "deployable.pipeline.project_id"))
		snprintf(agent, sizeof(agent), "%s", sl_buf_cstr(&ad->tmp));
	else
		agent[0] = 0;
	out_str(ad, "agent_id", agent[0] ? agent : NULL);
	out_str(ad, "version", jstr(o, "ref"));
	out_environment(ad, jstr(o, "environment.name") ? jstr(o, "environment.name")
						      : jstr(o, "environment"));
	out_str(ad, "phase", phase);
	start = jstr(o, "deployable.started_at") ? jstr(o, "deployable.started_at")
						 : jstr(o, "created_at");
	out_str(ad, "start_time", start);
	out_str(ad, "end_time", terminal(phase) ? jstr(o, "deployable.finished_at") : NULL);
	out_str(ad, "git_commit", jstr(o, "sha"));
	out_str(ad, "deployed_by", jstr(o, "user.username"));
	out_str(ad, "updated_at", jstr(o, "updated_at"));
	out_str(ad, "source_status", jstr(o, "status"));
	out_jint(ad, "iid", o, "iid");
	return 0;
}

/* ---- Jenkins ---- */

/* "/job/a/job/b/12/..." -> pipeline "a/b" (URL-decoded), build 12. */
static int jenkins_job_path(struct adapter *ad, const char *url, int64_t *build)
{
	const char *p = url ? strstr(url, "/job/") : NULL;

	sl_buf_reset(&ad->tmp);
	if (!p)
		return -1;
	while (p && !strncmp(p, "/job/", 5)) {
		const char *s = p + 5, *e = strchr(s, '/');

		if (!e)
			e = s + strlen(s);
		if (ad->tmp.len)
			sl_buf_addc(&ad->tmp, '/');
		for (const char *c = s; c < e; c++) {
			if (*c == '%' && c + 2 < e && isxdigit((unsigned char)c[1]) &&
			    isxdigit((unsigned char)c[2])) {
				char hex[3] = {c[1], c[2], 0};

				sl_buf_addc(&ad->tmp, (char)strtol(hex, NULL, 16));
				c += 2;
			} else {
				sl_buf_addc(&ad->tmp, *c);
			}
		}
		p = *e ? e : NULL;
	}
	if (build && p && isdigit((unsigned char)p[1]))
		*build = strtoll(p + 1, NULL, 10);
	return ad->tmp.len ? 0 : -1;
}

static const char *jenkins_status(struct adapter *ad, json_t *o, const char **reason, int *rej)
{
	const char *res = jstr(o, "result"), *st = jstr(o, "status"), *canon;

	*rej = 0;
	if (jbool(o, "building"))
		return "running";
	if (!res)
		res = st;
	if (!res) {
		*rej = refuse(ad, reason, "no 'result' and not building");
		return NULL;
	}
	if (!(canon = sl_cimap_lookup(SL_MAP_JENKINS, res)))
		*rej = refuse(ad, reason, "unknown Jenkins result '%.40s'", res);
	return canon;
}

static int jenkins_builds(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *fdn = jstr(o, "fullDisplayName");
	const char *branch = NULL, *commit = NULL, *user = NULL, *trigger = NULL;
	char pipeline[1024] = "";
	int64_t num = -1, start, dur;
	int rej, have_num;
	json_t *acts = jget(o, "actions"), *a;
	size_t i;
	struct cand dep[2], prod[2];

	status = jenkins_status(ad, o, reason, &rej);
	if (rej)
		return 1;
	if (fdn) {
		const char *hash = strrchr(fdn, '#');
		size_t n = hash && hash > fdn + 1 ? (size_t)(hash - fdn - 1) : strlen(fdn);

		snprintf(pipeline, sizeof(pipeline), "%.*s", (int)n, fdn);
	} else if (!jenkins_job_path(ad, jstr(o, "url") ? jstr(o, "url") : jstr(o, "_links.self.href"),
				     &num)) {
		snprintf(pipeline, sizeof(pipeline), "%s", sl_buf_cstr(&ad->tmp));
	}
	have_num = !jint(o, "number", &num) || !jint(o, "id", &num) || num >= 0;
	/* causes and git data sit in "actions" by class */
	json_array_foreach(acts, i, a) {
		json_t *causes = jget(a, "causes"), *c;
		size_t k;

		json_array_foreach(causes, k, c) {
			const char *cls = jstr(c, "_class");

			if (!user)
				user = jstr(c, "userId") ? jstr(c, "userId") : jstr(c, "userName");
			if (!trigger && cls) {
				trigger = strstr(cls, "UserIdCause")      ? "manual"
					  : strstr(cls, "TimerTrigger")   ? "schedule"
					  : strstr(cls, "SCMTrigger")     ? "push"
					  : strstr(cls, "UpstreamCause")  ? "upstream"
					  : strstr(cls, "BranchIndexing") ? "push"
									  : NULL;
			}
		}
		if (!commit)
			commit = jstr(a, "lastBuiltRevision.SHA1");
		if (!branch) {
			json_t *br = jpath(a, "lastBuiltRevision.branch");

			if (json_is_array(br) && json_array_size(br))
				branch = jstr(json_array_get(br, 0), "name");
		}
	}
	out_str(ad, "pipeline_id", pipeline[0] ? pipeline : NULL);
	out_str(ad, "pipeline_name", pipeline[0] ? pipeline : NULL);
	if (have_num)
		out_int(ad, "execution_number", num);
	else
		out_null(ad, "execution_number");
	out_str(ad, "trigger_type", trigger);
	out_str(ad, "triggered_by", user);
	if (!jint(o, "timestamp", &start) || !jint(o, "startTimeMillis", &start)) {
		out_int(ad, "start_time", start);
		if (finished(status) &&
		    (!jint(o, "duration", &dur) || !jint(o, "durationMillis", &dur)) && dur >= 0) {
			out_int(ad, "end_time", start + dur);
			out_int(ad, "duration_ms", dur);
		}
	} else {
		out_null(ad, "start_time");
	}
	out_str(ad, "status", status);
	out_str(ad, "branch", branch);
	out_str(ad, "commit", commit);
	out_str(ad, "source_result", jstr(o, "result") ? jstr(o, "result") : jstr(o, "status"));
	if (json_is_boolean(jpath(o, "building")))
		out_bool(ad, "building", jbool(o, "building"));
	dep[0] = (struct cand){"name", pipeline[0] ? pipeline : NULL};
	dep[1] = (struct cand){"branch", branch};
	prod[0] = dep[0];
	prod[1] = dep[1];
	classify(ad, dep, 2, prod, 2);
	out_bool(ad, "deployment", ad->deploy);
	out_str(ad, "deploy_environment", ad->deploy && ad->prod ? "production" : NULL);
	return 0;
}

static int jenkins_stages(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *st = jstr(o, "status"), *name = jstr(o, "name");
	int64_t build = -1, start, dur;
	char pipeline[1024] = "";
	struct cand dep[1], prod[1];

	if (!st)
		return refuse(ad, reason, "no stage 'status'");
	if (!(status = sl_cimap_lookup(SL_MAP_JENKINS, st)))
		return refuse(ad, reason, "unknown Jenkins stage status '%.40s'", st);
	if (!jenkins_job_path(ad, jstr(o, "_links.self.href"), &build))
		snprintf(pipeline, sizeof(pipeline), "%s", sl_buf_cstr(&ad->tmp));
	out_str(ad, "pipeline_id", pipeline[0] ? pipeline : NULL);
	if (build >= 0)
		out_int(ad, "execution_number", build);
	else
		out_null(ad, "execution_number");
	out_str(ad, "stage_id", jid(ad, o, "id"));
	out_str(ad, "stage_name", name);
	dep[0] = (struct cand){"name", name};
	prod[0] = dep[0];
	classify(ad, dep, 1, prod, 1);
	out_str(ad, "stage_type", ad->deploy ? "deploy" : NULL);
	out_str(ad, "environment", ad->deploy && ad->prod ? "production" : NULL);
	out_str(ad, "status", status);
	if (!jint(o, "startTimeMillis", &start)) {
		out_int(ad, "start_time", start);
		if (finished(status) && !jint(o, "durationMillis", &dur) && dur >= 0) {
			out_int(ad, "end_time", start + dur);
			out_int(ad, "duration_ms", dur);
		}
	} else {
		out_null(ad, "start_time");
	}
	out_str(ad, "source_status", st);
	out_str(ad, "error", jstr(o, "error.message"));
	return 0;
}

/* ---- GitHub deployments: REST, or GraphQL with latestStatus ---- */

static int github_deployments(struct adapter *ad, json_t *o, const char **reason)
{
	const char *st = jstr(o, "latestStatus.state"), *phase, *agent = NULL;
	json_t *statuses = jget(o, "statuses");
	char agentbuf[512] = "";
	const char *end = NULL;

	if (!st && json_is_array(statuses) && json_array_size(statuses))
		st = jstr(json_array_get(statuses, 0), "state");
	if (!st)
		st = jstr(o, "state");
	if (!st)
		st = jstr(o, "status");
	if (!st)
		return refuse(ad, reason, "no deployment status (latestStatus, statuses or state): "
			      "the REST list has none; add each deployment's statuses");
	if (deploy_phase(ad, SL_MAP_GITHUB_DEPLOY, "GitHub", st, &phase, reason))
		return 1;
	out_str(ad, "deployment_id", jid(ad, o, "id"));
	if ((agent = jstr(o, "repository.full_name")) || (agent = jstr(o, "repository.nameWithOwner")))
		snprintf(agentbuf, sizeof(agentbuf), "%s", agent);
	else if ((agent = url_path(ad, jstr(o, "repository.url"), "github.com/", NULL, 2)) ||
		 (agent = url_path(ad, jstr(o, "repository_url"), "/repos/", NULL, 2)))
		snprintf(agentbuf, sizeof(agentbuf), "%s", agent);
	else if ((agent = jstr(o, "repository.name")))
		snprintf(agentbuf, sizeof(agentbuf), "%s", agent);
	out_str(ad, "agent_id", agentbuf[0] ? agentbuf : NULL);
	out_str(ad, "version", jstr(o, "ref.name") ? jstr(o, "ref.name") : jstr(o, "ref"));
	out_environment(ad, jstr(o, "environment"));
	out_str(ad, "phase", phase);
	out_str(ad, "start_time", jstr(o, "createdAt"));
	if (terminal(phase)) {
		end = jstr(o, "latestStatus.updatedAt");
		if (!end && json_is_array(statuses) && json_array_size(statuses))
			end = jstr(json_array_get(statuses, 0), "updated_at");
	}
	out_str(ad, "end_time", end);
	out_str(ad, "git_commit", jstr(o, "commitOid") ? jstr(o, "commitOid") : jstr(o, "sha"));
	out_str(ad, "deployed_by", jstr(o, "creator.login"));
	out_str(ad, "updated_at", jstr(o, "updatedAt"));
	out_str(ad, "source_state", st);
	out_str(ad, "task", jstr(o, "task"));
	return 0;
}

/* ---- Bitbucket deployments ---- */

static int bitbucket_deployments(struct adapter *ad, json_t *o, const char **reason)
{
	const char *st = jstr(o, "state.name"), *phase, *agent;
	char agentbuf[512] = "";

	/* a COMPLETED deployment says how in state.status.name */
	if (st && !strcasecmp(st, "COMPLETED") && jstr(o, "state.status.name"))
		st = jstr(o, "state.status.name");
	if (deploy_phase(ad, SL_MAP_BITBUCKET_DEPLOY, "Bitbucket", st, &phase, reason))
		return 1;
	out_str(ad, "deployment_id", jstr(o, "uuid"));
	if ((agent = jstr(o, "repository.full_name")) ||
	    (agent = url_path(ad, jstr(o, "release.url"), "bitbucket.org/", NULL, 2)))
		snprintf(agentbuf, sizeof(agentbuf), "%s", agent);
	out_str(ad, "agent_id", agentbuf[0] ? agentbuf : NULL);
	out_str(ad, "version", jstr(o, "release.name"));
	out_environment(ad, jstr(o, "environment.name"));
	out_str(ad, "phase", phase);
	out_str(ad, "start_time", jstr(o, "state.started_on") ? jstr(o, "state.started_on")
							     : jstr(o, "release.created_on"));
	out_str(ad, "end_time", terminal(phase) ? jstr(o, "state.completed_on") : NULL);
	if (!strcmp(phase, "rolled_back"))
		out_bool(ad, "rollback_triggered", 1);
	out_str(ad, "git_commit", jstr(o, "release.commit.hash"));
	out_str(ad, "updated_at", jstr(o, "last_update_time"));
	out_str(ad, "source_state", st);
	return 0;
}

int adapter_map(struct adapter *ad, json_t *obj, int explain, struct record *rec,
		const char **reason, const char **explanation)
{
	int rc;

	out_begin(ad);
	switch (ad->id) {
	case AD_GITHUB_RUNS:
		rc = github_runs(ad, obj, reason);
		break;
	case AD_GITHUB_JOBS:
		rc = github_jobs(ad, obj, reason);
		break;
	case AD_GITLAB_PIPELINES:
		rc = gitlab_pipelines(ad, obj, reason);
		break;
	case AD_GITLAB_JOBS:
		rc = gitlab_jobs(ad, obj, reason);
		break;
	case AD_GITLAB_DEPLOYMENTS:
		rc = gitlab_deployments(ad, obj, reason);
		break;
	case AD_JENKINS_BUILDS:
		rc = jenkins_builds(ad, obj, reason);
		break;
	case AD_JENKINS_STAGES:
		rc = jenkins_stages(ad, obj, reason);
		break;
	case AD_GITHUB_DEPLOYMENTS:
		rc = github_deployments(ad, obj, reason);
		break;
	case AD_BITBUCKET_DEPLOYMENTS:
		rc = bitbucket_deployments(ad, obj, reason);
		break;
	default:
		rc = refuse(ad, reason, "no adapter");
		break;
	}
	if (ad->oom)
		return SL_ENOMEM;
	if (rc)
		return rc;
	out_finish(ad, rec);
	if (explain && explanation)
		*explanation = sl_buf_cstr(&ad->explain);
	return 0;
}
