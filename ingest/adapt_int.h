/* adapt_int.h - what the --format adapters share: the adapter state, the
 * reading of API objects, the output record and the classification.
 * adapt.c holds these and the table of providers; each provider's file
 * (ad_github.c, ad_gitlab.c, ad_jenkins.c, ad_bitbucket.c) holds its
 * mapping functions, which the table names.  Adding a provider: its file,
 * its line in the table (and its adapter_id).
 *
 * Strings returned by ad_jstr()/ad_jid()/ad_url_path() point into the JSON
 * object or into ad->tmp (valid until the next call that uses ad->tmp);
 * ad_out_str() copies what it is given. */
#ifndef INGEST_ADAPT_INT_H
#define INGEST_ADAPT_INT_H

#include <jansson.h>
#include <stdint.h>

#include "adapt.h"
#include "sl_buf.h"
#include "sl_cimap.h"

#define MAX_OUT 48 /* fields of one output record */

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

/* One provider's mapping of obj: 0 (the record is out_*'s), or 1 with
 * *reason set (ad_refuse()). */
typedef int (*ad_map_fn)(struct adapter *ad, json_t *o, const char **reason);

int ad_github_runs(struct adapter *ad, json_t *o, const char **reason);
int ad_github_jobs(struct adapter *ad, json_t *o, const char **reason);
int ad_github_deployments(struct adapter *ad, json_t *o, const char **reason);
int ad_gitlab_pipelines(struct adapter *ad, json_t *o, const char **reason);
int ad_gitlab_jobs(struct adapter *ad, json_t *o, const char **reason);
int ad_gitlab_deployments(struct adapter *ad, json_t *o, const char **reason);
int ad_jenkins_builds(struct adapter *ad, json_t *o, const char **reason);
int ad_jenkins_stages(struct adapter *ad, json_t *o, const char **reason);
int ad_bitbucket_deployments(struct adapter *ad, json_t *o, const char **reason);

/* reading the API object (keys compared ignoring case and '_') */
json_t *ad_jget(json_t *o, const char *key);
json_t *ad_jpath(json_t *o, const char *path);
const char *ad_jstr(json_t *o, const char *path);
int ad_jint(json_t *o, const char *path, int64_t *out);
int ad_jsecs_ms(json_t *o, const char *path, int64_t *out);
const char *ad_jid(struct adapter *ad, json_t *o, const char *path);
int ad_jbool(json_t *o, const char *path);

/* the output record */
void ad_out_null(struct adapter *ad, const char *name);
void ad_out_str(struct adapter *ad, const char *name, const char *s);
void ad_out_int(struct adapter *ad, const char *name, int64_t v);
void ad_out_bool(struct adapter *ad, const char *name, int v);
void ad_out_jint(struct adapter *ad, const char *name, json_t *o, const char *path);
void ad_out_begin(struct adapter *ad);
void ad_out_finish(struct adapter *ad, struct record *rec);

int ad_refuse(struct adapter *ad, const char **reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *ad_q40(const char *s);

/* classification (the rules' regular expressions) */
struct cand {
	const char *what, *value;
};
void ad_classify(struct adapter *ad, const struct cand *dep, size_t ndep,
		 const struct cand *prod, size_t nprod);

/* the providers' shapes */
const char *ad_url_path(struct adapter *ad, const char *url, const char *after,
			const char *stop, int nseg);
int ad_finished(const char *canon);
int ad_terminal(const char *phase);
int ad_deploy_phase(struct adapter *ad, enum sl_cimap_table t, const char *provider,
		    const char *st, const char **phase, const char **reason);
void ad_out_environment(struct adapter *ad, const char *env);

#endif
