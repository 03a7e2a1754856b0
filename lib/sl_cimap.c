#include "sl_cimap.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sl_err.h"

const char sl_cimap_not_outcome[] = "-";

struct pair {
	const char *state, *canon;
};

/* GitHub documents check-run conclusions: action_required, cancelled,
 * failure, neutral, success, skipped, stale, timed_out (and workflow runs
 * add startup_failure); statuses: queued, in_progress, completed, waiting,
 * requested, pending. */
static const struct pair github[] = {
	{"success", "success"},          {"failure", "failed"},
	{"timed_out", "failed"},         {"startup_failure", "failed"},
	{"cancelled", "cancelled"},      {"skipped", "skipped"},
	{"neutral", "skipped"},          {"stale", "skipped"},
	{"action_required", "pending"},  {"in_progress", "running"},
	{"queued", "pending"},           {"waiting", "pending"},
	{"requested", "pending"},        {"pending", "pending"},
	{NULL, NULL},
};

/* GitLab CI job and pipeline statuses (REST API). */
static const struct pair gitlab[] = {
	{"success", "success"},          {"failed", "failed"},
	{"canceled", "cancelled"},       {"cancelled", "cancelled"},
	{"skipped", "skipped"},          {"manual", "skipped"},
	{"running", "running"},          {"pending", "pending"},
	{"created", "pending"},          {"waiting_for_resource", "pending"},
	{"preparing", "pending"},        {"scheduled", "pending"},
	{"canceling", "running"},
	{NULL, NULL},
};

/* Jenkins Result (SUCCESS, UNSTABLE, FAILURE, NOT_BUILT, ABORTED) and the
 * pipeline REST API's (wfapi) StatusExt. */
static const struct pair jenkins[] = {
	{"SUCCESS", "success"},          {"FAILURE", "failed"},
	{"FAILED", "failed"},            {"UNSTABLE", "failed"},
	{"ABORTED", "cancelled"},        {"NOT_BUILT", "skipped"},
	{"NOT_BUILD", "skipped"},        {"NOT_EXECUTED", "skipped"},
	{"IN_PROGRESS", "running"},      {"PAUSED_PENDING_INPUT", "pending"},
	{NULL, NULL},
};

/* GitHub deployment status states (REST) and GraphQL DeploymentState. */
static const struct pair github_deploy[] = {
	{"success", "completed"},        {"active", "completed"},
	{"inactive", "completed"},       {"destroyed", "completed"},
	{"failure", "failed"},           {"error", "failed"},
	{"abandoned", "failed"},         {"in_progress", "in_progress"},
	{"queued", "pending"},           {"pending", "pending"},
	{"waiting", "pending"},
	{NULL, NULL},
};

/* GitLab deployment statuses. */
static const struct pair gitlab_deploy[] = {
	{"success", "completed"},        {"completed", "completed"},
	{"failed", "failed"},            {"canceled", "failed"},
	{"cancelled", "failed"},         {"running", "in_progress"},
	{"created", "pending"},          {"blocked", "pending"},
	{"skipped", "-"},                {"undeployed", "-"},
	{NULL, NULL},
};

/* Bitbucket deployment states (state.name; state.status.name when the
 * state is COMPLETED). */
static const struct pair bitbucket_deploy[] = {
	{"COMPLETED", "completed"},      {"SUCCESSFUL", "completed"},
	{"FAILED", "failed"},            {"STOPPED", "failed"},
	{"CANCELLED", "failed"},         {"ROLLED_BACK", "rolled_back"},
	{"IN_PROGRESS", "in_progress"},  {"PENDING", "pending"},
	{"UNDEPLOYED", "-"},
	{NULL, NULL},
};

static const struct pair *const tables[SL_MAP_NTABLES] = {
	github, gitlab, jenkins, github_deploy, gitlab_deploy, bitbucket_deploy,
};

const char *sl_cimap_lookup(enum sl_cimap_table t, const char *state)
{
	if ((unsigned)t >= SL_MAP_NTABLES || !state)
		return NULL;
	for (const struct pair *p = tables[t]; p->state; p++)
		if (!strcasecmp(p->state, state))
			return p->canon[0] == '-' ? sl_cimap_not_outcome : p->canon;
	return NULL;
}

int sl_cimap_entry(enum sl_cimap_table t, size_t i, const char **state, const char **canon)
{
	const struct pair *p;
	size_t n = 0;

	if ((unsigned)t >= SL_MAP_NTABLES)
		return -1;
	for (p = tables[t]; p->state && n < i; p++)
		n++;
	if (!p->state)
		return -1;
	*state = p->state;
	*canon = p->canon;
	return 0;
}

const char *sl_cimap_github(const char *status, const char *conclusion)
{
	if (conclusion && !*conclusion)
		conclusion = NULL;
	if (!status || !*status)
		return conclusion ? sl_cimap_lookup(SL_MAP_GITHUB_CONCLUSION, conclusion) : NULL;
	if (!strcasecmp(status, "completed"))
		return conclusion ? sl_cimap_lookup(SL_MAP_GITHUB_CONCLUSION, conclusion) : NULL;
	return sl_cimap_lookup(SL_MAP_GITHUB_CONCLUSION, status);
}

int sl_regex_compile(regex_t *re, const char *pattern, char *errbuf, size_t errlen)
{
	int flags = REG_EXTENDED | REG_NOSUB, rc;

	if (strlen(pattern) > SL_REGEX_MAX) {
		snprintf(errbuf, errlen, "regular expression longer than %d bytes", SL_REGEX_MAX);
		return SL_EINVAL;
	}
	if (!strncmp(pattern, "(?i)", 4)) {
		flags |= REG_ICASE;
		pattern += 4;
	}
	if (!*pattern) {
		snprintf(errbuf, errlen, "empty regular expression");
		return SL_EINVAL;
	}
	rc = regcomp(re, pattern, flags);
	if (rc) {
		regerror(rc, re, errbuf, errlen);
		return SL_EINVAL;
	}
	return SL_OK;
}

int sl_regex_match(const regex_t *re, const char *s)
{
	return s && regexec(re, s, 0, NULL, 0) == 0;
}
