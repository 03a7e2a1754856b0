/* sl_cimap.h - the providers' CI and deployment states mapped to shiplog's
 * canonical CI statuses (success, failed, cancelled, skipped, running,
 * pending) and deployment phases (docs/ADAPTERS.md), and the regular expressions
 * that tell deployments and production apart (docs/ADAPTERS.md).  Pure functions
 * over static tables: docs/ADAPTERS.md prints the same tables. */
#ifndef SL_CIMAP_H
#define SL_CIMAP_H

#include <regex.h>
#include <stddef.h>

enum sl_cimap_table {
	SL_MAP_GITHUB_CONCLUSION, /* GitHub Actions run/job conclusion (or status) */
	SL_MAP_GITLAB,            /* GitLab pipeline and job status */
	SL_MAP_JENKINS,           /* Jenkins build result, wfapi run/stage status */
	SL_MAP_GITHUB_DEPLOY,     /* GitHub deployment (latest) status state → phase */
	SL_MAP_GITLAB_DEPLOY,     /* GitLab deployment status → phase */
	SL_MAP_BITBUCKET_DEPLOY,  /* Bitbucket deployment state → phase */
	SL_MAP_NTABLES
};

/* Returned for a known state that is not an outcome to store (Bitbucket's
 * UNDEPLOYED: the step never ran); callers reject the record saying so. */
extern const char sl_cimap_not_outcome[];

/* The canonical value of a provider's state (compared case-insensitively),
 * sl_cimap_not_outcome, or NULL when the state is unknown.  Static strings. */
const char *sl_cimap_lookup(enum sl_cimap_table t, const char *state);

/* GitHub Actions: status (queued, in_progress, completed, ...) and, when
 * completed, conclusion.  Some exports carry the conclusion in status
 * (DevLake's "SUCCESS"); that is accepted too.  NULL when unknown or when a
 * completed run has no conclusion. */
const char *sl_cimap_github(const char *status, const char *conclusion);

/* Iteration over a table for documentation and tests: the i-th pair, or
 * -1 past the end. */
int sl_cimap_entry(enum sl_cimap_table t, size_t i, const char **state, const char **canon);

#define SL_REGEX_MAX 1024 /* longest accepted pattern */

/* POSIX extended regcomp() of pattern, where a leading "(?i)" means case
 * insensitive (as in the defaults of --deploy-regex and --prod-regex).  0, or SL_EINVAL with a
 * message in errbuf.  The caller regfree()s re on success. */
int sl_regex_compile(regex_t *re, const char *pattern, char *errbuf, size_t errlen);
/* 1 when re matches s (NULL s never matches). */
int sl_regex_match(const regex_t *re, const char *s);

#endif
