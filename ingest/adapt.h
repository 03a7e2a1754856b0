/* adapt.h - the --format adapters: one API object of a CI system (GitHub
 * Actions, GitLab, Jenkins, Bitbucket, GitHub deployments) turned into a
 * record of a canonical kind (record.h), with the provider's states mapped
 * by lib/sl_cimap and runs told apart as deployments and production by
 * the rules' regular expressions.  See docs/ADAPTERS.md. */
#ifndef INGEST_ADAPT_H
#define INGEST_ADAPT_H

#include <jansson.h>
#include <regex.h>
#include <stddef.h>

#include "record.h"
#include "sl_err.h"
#include "sl_schema.h"

enum adapter_id {
	AD_NONE = 0,
	AD_GITHUB_RUNS,
	AD_GITHUB_JOBS,
	AD_GITLAB_PIPELINES,
	AD_GITLAB_JOBS,
	AD_GITLAB_DEPLOYMENTS,
	AD_JENKINS_BUILDS,
	AD_JENKINS_STAGES,
	AD_GITHUB_DEPLOYMENTS,
	AD_BITBUCKET_DEPLOYMENTS,
};

#define ADAPT_DEFAULT_DEPLOY "(?i)deploy|release|push-image"
#define ADAPT_DEFAULT_PROD "(?i)prod"

/* The classification rules, compiled once (cli.c). */
struct adapt_rules {
	const char *deploy_src, *prod_src;
	regex_t deploy, prod;
	int compiled;
};

struct adapter;

enum adapter_id adapter_from_name(const char *name); /* AD_NONE if unknown */
const char *adapter_name(enum adapter_id id);
enum adapter_id adapter_id_of(const struct adapter *ad);
enum sl_kind adapter_kind(enum adapter_id id);
/* The member that holds the records of one API page ("workflow_runs",
 * "jobs", "values", ...), or NULL. */
const char *adapter_page_key(enum adapter_id id);
/* The names of the adapters, ", "-separated, for messages. */
const char *adapter_names(void);

struct adapter;

/* rules must outlive the adapter. */
struct adapter *adapter_new(enum adapter_id id, const struct adapt_rules *rules);
void adapter_free(struct adapter *ad);

/* Maps obj.  0: *rec is filled (valid until the next call; rec->line,
 * raw are left to the caller) and, when explain is set, *explain says
 * which rule classified it; 1: rejected, *reason says why; < 0: out of
 * memory. */
int adapter_map(struct adapter *ad, json_t *obj, int explain, struct record *rec,
		const char **reason, const char **explanation);

#endif
