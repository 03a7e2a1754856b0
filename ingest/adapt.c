#include "adapt_int.h"

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

#define MAX_PATH_DEPTH 8 /* components of a dotted path */

static const struct {
	const char *name;
	enum adapter_id id;
	enum sl_kind kind;
	const char *page_key;
	ad_map_fn map;
} adapters[] = {
	{"github-runs", AD_GITHUB_RUNS, SL_KIND_PIPELINE_RUNS, "workflow_runs", ad_github_runs},
	{"github-jobs", AD_GITHUB_JOBS, SL_KIND_STAGE_RUNS, "jobs", ad_github_jobs},
	{"gitlab-pipelines", AD_GITLAB_PIPELINES, SL_KIND_PIPELINE_RUNS, NULL, ad_gitlab_pipelines},
	{"gitlab-jobs", AD_GITLAB_JOBS, SL_KIND_STAGE_RUNS, NULL, ad_gitlab_jobs},
	{"gitlab-deployments", AD_GITLAB_DEPLOYMENTS, SL_KIND_DEPLOYMENTS, NULL, ad_gitlab_deployments},
	{"jenkins-builds", AD_JENKINS_BUILDS, SL_KIND_PIPELINE_RUNS, "builds", ad_jenkins_builds},
	{"jenkins-stages", AD_JENKINS_STAGES, SL_KIND_STAGE_RUNS, "stages", ad_jenkins_stages},
	{"github-deployments", AD_GITHUB_DEPLOYMENTS, SL_KIND_DEPLOYMENTS, "deployments", ad_github_deployments},
	{"bitbucket-deployments", AD_BITBUCKET_DEPLOYMENTS, SL_KIND_DEPLOYMENTS, "values", ad_bitbucket_deployments},
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

json_t *ad_jget(json_t *o, const char *key)
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

/* "a.b.c": each component through ad_jget. */
json_t *ad_jpath(json_t *o, const char *path)
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
		o = ad_jget(o, part);
		path += n + (dot != NULL);
	}
	return o;
}

/* A string member, or NULL (missing, null, or not a string: a value of
 * the wrong type is taken as unknown, never as text). */
const char *ad_jstr(json_t *o, const char *path)
{
	json_t *v = ad_jpath(o, path);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	return s && *s ? s : NULL;
}

/* An integer member (a JSON integer, an integral real, or a decimal
 * string as Jenkins' wfapi ids are).  0 or -1. */
int ad_jint(json_t *o, const char *path, int64_t *out)
{
	json_t *v = ad_jpath(o, path);

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
int ad_jsecs_ms(json_t *o, const char *path, int64_t *out)
{
	json_t *v = ad_jpath(o, path);
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
const char *ad_jid(struct adapter *ad, json_t *o, const char *path)
{
	json_t *v = ad_jpath(o, path);

	if (json_is_integer(v)) {
		sl_buf_reset(&ad->tmp);
		sl_buf_printf(&ad->tmp, "%" PRId64, (int64_t)json_integer_value(v));
		return sl_buf_cstr(&ad->tmp);
	}
	return ad_jstr(o, path);
}

int ad_jbool(json_t *o, const char *path)
{
	return json_is_true(ad_jpath(o, path));
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

void ad_out_null(struct adapter *ad, const char *name)
{
	out_add(ad, name, F_NULL);
}

/* Text, or null when s is NULL.  Copied: s may point into ad->tmp. */
void ad_out_str(struct adapter *ad, const char *name, const char *s)
{
	struct field *f;
	size_t start = ad->pool.len;

	if (!s) {
		ad_out_null(ad, name);
		return;
	}
	if (!(f = out_add(ad, name, F_TEXT)))
		return;
	if (sl_buf_add(&ad->pool, s, strlen(s)) || sl_buf_addc(&ad->pool, 0))
		ad->oom = 1;
	ad->off[ad->n - 1] = start;
	f->n = strlen(s);
}

void ad_out_int(struct adapter *ad, const char *name, int64_t v)
{
	struct field *f = out_add(ad, name, F_INT);

	if (f)
		f->i = v;
}

void ad_out_bool(struct adapter *ad, const char *name, int v)
{
	struct field *f = out_add(ad, name, F_BOOL);

	if (f)
		f->i = v != 0;
}

/* An integer member, or null. */
void ad_out_jint(struct adapter *ad, const char *name, json_t *o, const char *path)
{
	int64_t v;

	if (ad_jint(o, path, &v))
		ad_out_null(ad, name);
	else
		ad_out_int(ad, name, v);
}

void ad_out_begin(struct adapter *ad)
{
	ad->n = 0;
	ad->oom = 0;
	ad->deploy = ad->prod = 0;
	sl_buf_reset(&ad->pool);
	sl_buf_reset(&ad->explain);
}

void ad_out_finish(struct adapter *ad, struct record *rec)
{
	for (size_t i = 0; i < ad->n; i++)
		if (ad->f[i].kind == F_TEXT)
			ad->f[i].p = ad->pool.data + ad->off[i];
	memset(rec, 0, sizeof(*rec));
	rec->nf = ad->n;
	rec->f = ad->f;
	rec->names = ad->names;
}

int ad_refuse(struct adapter *ad, const char **reason, const char *fmt, ...)
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
const char *ad_q40(const char *s)
{
	return s ? s : "(null)";
}

/* ---- classification: a run or job is a deployment when the deployment
 * rule (--deploy-regex, default (?i)deploy|release|push-image) matches one
 * of its names or its branch, and production when the production rule
 * (--prod-regex, default (?i)prod) matches its environment or names; the
 * first candidate that matches is the one --explain names ---- */

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
void ad_classify(struct adapter *ad, const struct cand *dep, size_t ndep,
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
const char *ad_url_path(struct adapter *ad, const char *url, const char *after,
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

int ad_finished(const char *canon)
{
	return !strcmp(canon, "success") || !strcmp(canon, "failed") ||
	       !strcmp(canon, "cancelled") || !strcmp(canon, "skipped");
}

int ad_deploy_phase(struct adapter *ad, enum sl_cimap_table t, const char *provider,
			const char *st, const char **phase, const char **reason)
{
	if (!st)
		return ad_refuse(ad, reason, "no deployment status");
	*phase = sl_cimap_lookup(t, st);
	if (!*phase)
		return ad_refuse(ad, reason, "unknown %s deployment status '%.40s'", provider, st);
	if (*phase == sl_cimap_not_outcome)
		return ad_refuse(ad, reason, "%s deployment status '%.40s' is not a deployment outcome",
			      provider, st);
	return 0;
}

int ad_terminal(const char *phase)
{
	return !strcmp(phase, "completed") || !strcmp(phase, "failed") ||
	       !strcmp(phase, "rolled_back") || !strcmp(phase, "partial");
}

/* The environment column: "production" when the rule says so, else the
 * name as given; the given name goes to metadata either way. */
void ad_out_environment(struct adapter *ad, const char *env)
{
	struct cand prod[1] = {{"environment", env}};

	ad_classify(ad, NULL, 0, prod, 1);
	ad_out_str(ad, "environment", ad->prod ? "production" : env);
	ad_out_str(ad, "source_environment", env);
}


int adapter_map(struct adapter *ad, json_t *obj, int explain, struct record *rec,
		const char **reason, const char **explanation)
{
	ad_map_fn map = NULL;
	int rc;

	for (size_t i = 0; i < NADAPTERS; i++)
		if (adapters[i].id == ad->id)
			map = adapters[i].map;
	ad_out_begin(ad);
	rc = map ? map(ad, obj, reason) : ad_refuse(ad, reason, "no adapter");
	if (ad->oom)
		return SL_ENOMEM;
	if (rc)
		return rc;
	ad_out_finish(ad, rec);
	if (explain && explanation)
		*explanation = sl_buf_cstr(&ad->explain);
	return 0;
}
