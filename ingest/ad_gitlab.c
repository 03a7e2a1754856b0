/* GitLab: pipelines, jobs and deployments (REST). */
#include "adapt_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_buf.h"
#include "sl_cimap.h"

/* ---- GitLab ---- */

static int gitlab_status(struct adapter *ad, json_t *o, const char **status,
			 const char **reason)
{
	const char *st = ad_jstr(o, "status");

	if (!st)
		return ad_refuse(ad, reason, "no 'status'");
	if (!(*status = sl_cimap_lookup(SL_MAP_GITLAB, st)))
		return ad_refuse(ad, reason, "unknown GitLab status '%.40s'", st);
	return 0;
}

/* Start, end and duration of a pipeline or job.  GitLab's duration counts
 * running time only (seconds, queue time excluded): it is the run's
 * duration_ms, not end - start.  One that never started (started_at
 * null: cancelled or skipped while it waited) has no end and no duration:
 * finished_at - created_at would be its time in the queue, not a run; its
 * start (for its day) is its creation, and finished_at goes to metadata. */
static void gitlab_times(struct adapter *ad, json_t *o, const char *status)
{
	const char *started = ad_jstr(o, "started_at");
	int64_t ms;

	ad_out_str(ad, "start_time", started ? started : ad_jstr(o, "created_at"));
	if (!started) {
		ad_out_null(ad, "end_time");
		if (ad_finished(status)) {
			ad_out_bool(ad, "never_started", 1);
			ad_out_str(ad, "finished_at", ad_jstr(o, "finished_at"));
		}
		return;
	}
	ad_out_str(ad, "end_time", ad_finished(status) ? ad_jstr(o, "finished_at") : NULL);
	if (!ad_jsecs_ms(o, "duration", &ms))
		ad_out_int(ad, "duration_ms", ms);
}

int ad_gitlab_pipelines(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *ref = ad_jstr(o, "ref"), *name = ad_jstr(o, "name");
	struct cand dep[2], prod[2];

	if (gitlab_status(ad, o, &status, reason))
		return 1;
	/* the project's path names the pipeline (jobs and deployments carry
	 * it too, not always its id) */
	if (ad_url_path(ad, ad_jstr(o, "web_url"), NULL, "/-/", 0))
		ad_out_str(ad, "pipeline_id", sl_buf_cstr(&ad->tmp));
	else
		ad_out_str(ad, "pipeline_id", ad_jid(ad, o, "project_id"));
	ad_out_str(ad, "pipeline_name", name ? name : ad_url_path(ad, ad_jstr(o, "web_url"), NULL, "/-/", 0));
	ad_out_str(ad, "project_id", ad_jid(ad, o, "project_id"));
	ad_out_jint(ad, "execution_number", o, "id");
	ad_out_str(ad, "trigger_type", ad_jstr(o, "source"));
	ad_out_str(ad, "triggered_by", ad_jstr(o, "user.username"));
	gitlab_times(ad, o, status);
	ad_out_str(ad, "status", status);
	ad_out_jint(ad, "iid", o, "iid");
	ad_out_str(ad, "branch", ref);
	ad_out_str(ad, "commit", ad_jstr(o, "sha"));
	ad_out_str(ad, "source_status", ad_jstr(o, "status"));
	dep[0] = (struct cand){"name", name};
	dep[1] = (struct cand){"branch", ref};
	prod[0] = (struct cand){"name", name};
	prod[1] = (struct cand){"branch", ref};
	ad_classify(ad, dep, 2, prod, 2);
	ad_out_bool(ad, "deployment", ad->deploy);
	ad_out_str(ad, "deploy_environment", ad->deploy && ad->prod ? "production" : NULL);
	return 0;
}

int ad_gitlab_jobs(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *name = ad_jstr(o, "name"), *stage = ad_jstr(o, "stage");
	const char *ref = ad_jstr(o, "ref"), *env = ad_jstr(o, "environment.name");
	struct cand dep[3], prod[3];

	if (!env)
		env = ad_jstr(o, "environment");
	if (gitlab_status(ad, o, &status, reason))
		return 1;
	if (ad_url_path(ad, ad_jstr(o, "pipeline.web_url"), NULL, "/-/", 0) ||
	    ad_url_path(ad, ad_jstr(o, "web_url"), NULL, "/-/", 0))
		ad_out_str(ad, "pipeline_id", sl_buf_cstr(&ad->tmp));
	else
		ad_out_str(ad, "pipeline_id", ad_jid(ad, o, "pipeline.project_id"));
	ad_out_jint(ad, "execution_number", o, "pipeline.id");
	/* a stage is its job's name; a retried job is a new id of the same
	 * name */
	ad_out_str(ad, "stage_id", name);
	ad_out_str(ad, "source_id", ad_jid(ad, o, "id"));
	ad_out_str(ad, "stage_name", name);
	dep[0] = (struct cand){"name", name};
	dep[1] = (struct cand){"stage", stage};
	dep[2] = (struct cand){"branch", ref};
	prod[0] = (struct cand){"environment", env};
	prod[1] = (struct cand){"name", name};
	prod[2] = (struct cand){"branch", ref};
	ad_classify(ad, dep, 3, prod, 3);
	ad_out_str(ad, "stage_type", ad->deploy ? "deploy" : stage);
	ad_out_str(ad, "environment", ad->deploy && ad->prod ? "production" : env);
	ad_out_str(ad, "status", status);
	gitlab_times(ad, o, status);
	ad_out_str(ad, "branch", ref);
	ad_out_str(ad, "source_status", ad_jstr(o, "status"));
	ad_out_str(ad, "gitlab_stage", stage);
	if (json_is_boolean(ad_jpath(o, "allow_failure")))
		ad_out_bool(ad, "allow_failure", ad_jbool(o, "allow_failure"));
	ad_out_str(ad, "failure_reason", ad_jstr(o, "failure_reason"));
	return 0;
}

int ad_gitlab_deployments(struct adapter *ad, json_t *o, const char **reason)
{
	const char *phase, *start;
	char agent[512];

	if (ad_deploy_phase(ad, SL_MAP_GITLAB_DEPLOY, "GitLab", ad_jstr(o, "status"), &phase, reason))
		return 1;
	ad_out_str(ad, "deployment_id", ad_jid(ad, o, "id"));
	/* the project: its path, else its id */
	if (ad_jstr(o, "deployable.project.path_with_namespace"))
		snprintf(agent, sizeof(agent), "%s", ad_jstr(o, "deployable.project.path_with_namespace"));
	else if (ad_url_path(ad, ad_jstr(o, "deployable.pipeline.web_url"), NULL, "/-/", 0) ||
		 ad_url_path(ad, ad_jstr(o, "deployable.web_url"), NULL, "/-/", 0))
		snprintf(agent, sizeof(agent), "%s", sl_buf_cstr(&ad->tmp));
	else if (ad_jid(ad, o, "deployable.pipeline.project_id"))
		snprintf(agent, sizeof(agent), "%s", sl_buf_cstr(&ad->tmp));
	else
		agent[0] = 0;
	ad_out_str(ad, "agent_id", agent[0] ? agent : NULL);
	ad_out_str(ad, "version", ad_jstr(o, "ref"));
	ad_out_environment(ad, ad_jstr(o, "environment.name") ? ad_jstr(o, "environment.name")
						      : ad_jstr(o, "environment"));
	ad_out_str(ad, "phase", phase);
	start = ad_jstr(o, "deployable.started_at") ? ad_jstr(o, "deployable.started_at")
						 : ad_jstr(o, "created_at");
	ad_out_str(ad, "start_time", start);
	ad_out_str(ad, "end_time", ad_terminal(phase) ? ad_jstr(o, "deployable.finished_at") : NULL);
	ad_out_str(ad, "git_commit", ad_jstr(o, "sha"));
	ad_out_str(ad, "deployed_by", ad_jstr(o, "user.username"));
	ad_out_str(ad, "updated_at", ad_jstr(o, "updated_at"));
	ad_out_str(ad, "source_status", ad_jstr(o, "status"));
	ad_out_jint(ad, "iid", o, "iid");
	return 0;
}
