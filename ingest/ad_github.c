/* GitHub: Actions workflow runs and jobs, and deployments (REST or GraphQL). */
#include "adapt_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_buf.h"
#include "sl_cimap.h"

/* ---- GitHub Actions ---- */

static int map_github_status(struct adapter *ad, json_t *o, const char **status,
			     const char **reason)
{
	const char *st = ad_jstr(o, "status"), *co = ad_jstr(o, "conclusion");

	*status = sl_cimap_github(st, co);
	if (!st && !co)
		return ad_refuse(ad, reason, "no 'status' and no 'conclusion'");
	if (!*status) {
		if (st && !strcasecmp(st, "completed") && !co)
			return ad_refuse(ad, reason, "completed without a conclusion");
		return ad_refuse(ad, reason, "unknown GitHub status '%.40s' (conclusion '%.40s')",
			      ad_q40(st), ad_q40(co));
	}
	return 0;
}

/* A run and its jobs meet under one key: the jobs carry their run's id
 * and (since 2022) its workflow's name, not the run number or the
 * workflow's file, so the pipeline is owner/repo/workflow name and the
 * execution the run id (the run number goes to metadata). */
static void github_pipeline(struct adapter *ad, const char *repo, const char *wf,
			    const char *fallback)
{
	char buf[1024];

	if (repo && (wf || fallback))
		snprintf(buf, sizeof(buf), "%s/%s", repo, wf ? wf : fallback);
	else
		snprintf(buf, sizeof(buf), "%s", repo ? repo : wf ? wf : fallback ? fallback : "");
	ad_out_str(ad, "pipeline_id", buf[0] ? buf : NULL);
}

int ad_github_runs(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *path = ad_jstr(o, "path"), *repo;
	const char *name = ad_jstr(o, "name"), *branch = ad_jstr(o, "head_branch");
	struct cand dep[3], prod[2];
	char repobuf[512] = "";

	if (map_github_status(ad, o, &status, reason))
		return 1;
	if ((repo = ad_jstr(o, "repository.full_name")) ||
	    (repo = ad_url_path(ad, ad_jstr(o, "url"), "/repos/", "/actions/", 0)))
		snprintf(repobuf, sizeof(repobuf), "%s", repo);
	if (repobuf[0] || name || path)
		github_pipeline(ad, repobuf[0] ? repobuf : NULL, name, path);
	else
		ad_out_str(ad, "pipeline_id", ad_jid(ad, o, "workflow_id"));
	ad_out_str(ad, "pipeline_name", name);
	ad_out_jint(ad, "execution_number", o, "id");
	ad_out_jint(ad, "run_number", o, "run_number");
	ad_out_str(ad, "workflow_path", path);
	ad_out_str(ad, "trigger_type", ad_jstr(o, "event"));
	ad_out_str(ad, "triggered_by", ad_jstr(o, "triggering_actor.login") ? ad_jstr(o, "triggering_actor.login")
								      : ad_jstr(o, "actor.login"));
	ad_out_str(ad, "start_time", ad_jstr(o, "run_started_at") ? ad_jstr(o, "run_started_at")
							   : ad_jstr(o, "created_at"));
	ad_out_str(ad, "end_time", ad_finished(status) ? ad_jstr(o, "updated_at") : NULL);
	ad_out_str(ad, "status", status);
	ad_out_jint(ad, "attempt", o, "run_attempt");
	ad_out_str(ad, "branch", branch);
	ad_out_str(ad, "commit", ad_jstr(o, "head_sha"));
	ad_out_str(ad, "source_status", ad_jstr(o, "status"));
	ad_out_str(ad, "source_conclusion", ad_jstr(o, "conclusion"));
	dep[0] = (struct cand){"name", name};
	dep[1] = (struct cand){"title", ad_jstr(o, "display_title")};
	dep[2] = (struct cand){"branch", branch};
	prod[0] = (struct cand){"name", name};
	prod[1] = (struct cand){"branch", branch};
	ad_classify(ad, dep, 3, prod, 2);
	ad_out_bool(ad, "deployment", ad->deploy);
	ad_out_str(ad, "deploy_environment", ad->deploy && ad->prod ? "production" : NULL);
	return 0;
}

int ad_github_jobs(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *name = ad_jstr(o, "name"), *wf = ad_jstr(o, "workflow_name");
	const char *branch = ad_jstr(o, "head_branch"), *repo;
	struct cand dep[3], prod[2];
	char repobuf[512] = "";

	if (map_github_status(ad, o, &status, reason))
		return 1;
	if ((repo = ad_url_path(ad, ad_jstr(o, "run_url"), "/repos/", "/actions/", 0)))
		snprintf(repobuf, sizeof(repobuf), "%s", repo);
	github_pipeline(ad, repobuf[0] ? repobuf : NULL, wf, NULL);
	ad_out_jint(ad, "execution_number", o, "run_id");
	/* a stage is its job's name (the same in every run); the job id is
	 * new in every run and attempt */
	ad_out_str(ad, "stage_id", name);
	ad_out_str(ad, "source_id", ad_jid(ad, o, "id"));
	ad_out_str(ad, "stage_name", name);
	dep[0] = (struct cand){"name", name};
	dep[1] = (struct cand){"workflow", wf};
	dep[2] = (struct cand){"branch", branch};
	prod[0] = (struct cand){"name", name};
	prod[1] = (struct cand){"branch", branch};
	ad_classify(ad, dep, 3, prod, 2);
	ad_out_str(ad, "stage_type", ad->deploy ? "deploy" : NULL);
	ad_out_str(ad, "environment", ad->deploy && ad->prod ? "production" : NULL);
	ad_out_jint(ad, "attempt", o, "run_attempt");
	ad_out_str(ad, "status", status);
	ad_out_str(ad, "start_time", ad_jstr(o, "started_at") ? ad_jstr(o, "started_at")
						       : ad_jstr(o, "created_at"));
	ad_out_str(ad, "end_time", ad_finished(status) ? ad_jstr(o, "completed_at") : NULL);
	ad_out_str(ad, "branch", branch);
	ad_out_str(ad, "commit", ad_jstr(o, "head_sha"));
	ad_out_str(ad, "source_status", ad_jstr(o, "status"));
	ad_out_str(ad, "source_conclusion", ad_jstr(o, "conclusion"));
	ad_out_str(ad, "runner", ad_jstr(o, "runner_name"));
	return 0;
}

/* ---- GitHub deployments: REST, or GraphQL with latestStatus ---- */

int ad_github_deployments(struct adapter *ad, json_t *o, const char **reason)
{
	const char *st = ad_jstr(o, "latestStatus.state"), *phase, *agent = NULL;
	json_t *statuses = ad_jget(o, "statuses");
	char agentbuf[512] = "";
	const char *end = NULL;

	if (!st && json_is_array(statuses) && json_array_size(statuses))
		st = ad_jstr(json_array_get(statuses, 0), "state");
	if (!st)
		st = ad_jstr(o, "state");
	if (!st)
		st = ad_jstr(o, "status");
	if (!st)
		return ad_refuse(ad, reason, "no deployment status (latestStatus, statuses or state): "
			      "the REST list has none; add each deployment's statuses");
	if (ad_deploy_phase(ad, SL_MAP_GITHUB_DEPLOY, "GitHub", st, &phase, reason))
		return 1;
	ad_out_str(ad, "deployment_id", ad_jid(ad, o, "id"));
	if ((agent = ad_jstr(o, "repository.full_name")) || (agent = ad_jstr(o, "repository.nameWithOwner")))
		snprintf(agentbuf, sizeof(agentbuf), "%s", agent);
	else if ((agent = ad_url_path(ad, ad_jstr(o, "repository.url"), "github.com/", NULL, 2)) ||
		 (agent = ad_url_path(ad, ad_jstr(o, "repository_url"), "/repos/", NULL, 2)))
		snprintf(agentbuf, sizeof(agentbuf), "%s", agent);
	else if ((agent = ad_jstr(o, "repository.name")))
		snprintf(agentbuf, sizeof(agentbuf), "%s", agent);
	ad_out_str(ad, "agent_id", agentbuf[0] ? agentbuf : NULL);
	ad_out_str(ad, "version", ad_jstr(o, "ref.name") ? ad_jstr(o, "ref.name") : ad_jstr(o, "ref"));
	ad_out_environment(ad, ad_jstr(o, "environment"));
	ad_out_str(ad, "phase", phase);
	ad_out_str(ad, "start_time", ad_jstr(o, "createdAt"));
	if (ad_terminal(phase)) {
		end = ad_jstr(o, "latestStatus.updatedAt");
		if (!end && json_is_array(statuses) && json_array_size(statuses))
			end = ad_jstr(json_array_get(statuses, 0), "updated_at");
	}
	ad_out_str(ad, "end_time", end);
	ad_out_str(ad, "git_commit", ad_jstr(o, "commitOid") ? ad_jstr(o, "commitOid") : ad_jstr(o, "sha"));
	ad_out_str(ad, "deployed_by", ad_jstr(o, "creator.login"));
	ad_out_str(ad, "updated_at", ad_jstr(o, "updatedAt"));
	ad_out_str(ad, "source_state", st);
	ad_out_str(ad, "task", ad_jstr(o, "task"));
	return 0;
}
