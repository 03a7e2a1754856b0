/* Bitbucket: deployments (REST 2.0). */
#include "adapt_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_buf.h"
#include "sl_cimap.h"

/* ---- Bitbucket deployments ---- */

int ad_bitbucket_deployments(struct adapter *ad, json_t *o, const char **reason)
{
	const char *st = ad_jstr(o, "state.name"), *phase, *agent;
	char agentbuf[512] = "";

	/* a COMPLETED deployment says how in state.status.name */
	if (st && !strcasecmp(st, "COMPLETED") && ad_jstr(o, "state.status.name"))
		st = ad_jstr(o, "state.status.name");
	if (ad_deploy_phase(ad, SL_MAP_BITBUCKET_DEPLOY, "Bitbucket", st, &phase, reason))
		return 1;
	ad_out_str(ad, "deployment_id", ad_jstr(o, "uuid"));
	if ((agent = ad_jstr(o, "repository.full_name")) ||
	    (agent = ad_url_path(ad, ad_jstr(o, "release.url"), "bitbucket.org/", NULL, 2)))
		snprintf(agentbuf, sizeof(agentbuf), "%s", agent);
	ad_out_str(ad, "agent_id", agentbuf[0] ? agentbuf : NULL);
	ad_out_str(ad, "version", ad_jstr(o, "release.name"));
	ad_out_environment(ad, ad_jstr(o, "environment.name"));
	ad_out_str(ad, "phase", phase);
	ad_out_str(ad, "start_time", ad_jstr(o, "state.started_on") ? ad_jstr(o, "state.started_on")
							     : ad_jstr(o, "release.created_on"));
	ad_out_str(ad, "end_time", ad_terminal(phase) ? ad_jstr(o, "state.completed_on") : NULL);
	if (!strcmp(phase, "rolled_back"))
		ad_out_bool(ad, "rollback_triggered", 1);
	ad_out_str(ad, "git_commit", ad_jstr(o, "release.commit.hash"));
	ad_out_str(ad, "updated_at", ad_jstr(o, "last_update_time"));
	ad_out_str(ad, "source_state", st);
	return 0;
}
