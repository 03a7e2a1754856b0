/* Jenkins: builds (JSON API or wfapi runs) and wfapi stages. */
#include "adapt_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_buf.h"
#include "sl_cimap.h"

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
	const char *res = ad_jstr(o, "result"), *st = ad_jstr(o, "status"), *canon;

	*rej = 0;
	if (ad_jbool(o, "building"))
		return "running";
	if (!res)
		res = st;
	if (!res) {
		*rej = ad_refuse(ad, reason, "no 'result' and not building");
		return NULL;
	}
	if (!(canon = sl_cimap_lookup(SL_MAP_JENKINS, res)))
		*rej = ad_refuse(ad, reason, "unknown Jenkins result '%.40s'", res);
	return canon;
}

/* "a » b » c" (a display name's folders) -> "a/b/c". */
static void display_path(const char *d, char *out, size_t cap)
{
	static const char sep[] = " \xc2\xbb "; /* " » " in UTF-8 */
	size_t n = 0;

	while (*d && n + 1 < cap) {
		if (!strncmp(d, sep, sizeof(sep) - 1)) {
			out[n++] = '/';
			d += sizeof(sep) - 1;
		} else {
			out[n++] = *d++;
		}
	}
	out[n] = 0;
}

int ad_jenkins_builds(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *fdn = ad_jstr(o, "fullDisplayName");
	const char *branch = NULL, *commit = NULL, *user = NULL, *trigger = NULL;
	char pipeline[1024] = "", display[1024] = "";
	int64_t num = -1, start, dur;
	int rej, have_num;
	json_t *acts = ad_jget(o, "actions"), *a;
	size_t i;
	struct cand dep[2], prod[2];

	status = jenkins_status(ad, o, reason, &rej);
	if (rej)
		return 1;
	if (fdn) {
		const char *hash = strrchr(fdn, '#');
		size_t n = hash && hash > fdn + 1 ? (size_t)(hash - fdn - 1) : strlen(fdn);

		snprintf(display, sizeof(display), "%.*s", (int)n, fdn);
	}
	/* the job's path, as its stages' links spell it: from the build's
	 * URL, else its display name's folders ("a » b » c" -> "a/b/c") */
	if (!jenkins_job_path(ad, ad_jstr(o, "url") ? ad_jstr(o, "url") : ad_jstr(o, "_links.self.href"),
			      &num))
		snprintf(pipeline, sizeof(pipeline), "%s", sl_buf_cstr(&ad->tmp));
	else if (display[0])
		display_path(display, pipeline, sizeof(pipeline));
	have_num = !ad_jint(o, "number", &num) || !ad_jint(o, "id", &num) || num >= 0;
	/* causes and git data sit in "actions" by class */
	json_array_foreach(acts, i, a) {
		json_t *causes = ad_jget(a, "causes"), *c;
		size_t k;

		json_array_foreach(causes, k, c) {
			const char *cls = ad_jstr(c, "_class");

			if (!user)
				user = ad_jstr(c, "userId") ? ad_jstr(c, "userId") : ad_jstr(c, "userName");
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
			commit = ad_jstr(a, "lastBuiltRevision.SHA1");
		if (!branch) {
			json_t *br = ad_jpath(a, "lastBuiltRevision.branch");

			if (json_is_array(br) && json_array_size(br))
				branch = ad_jstr(json_array_get(br, 0), "name");
		}
	}
	ad_out_str(ad, "pipeline_id", pipeline[0] ? pipeline : NULL);
	ad_out_str(ad, "pipeline_name", display[0] ? display : pipeline[0] ? pipeline : NULL);
	if (have_num)
		ad_out_int(ad, "execution_number", num);
	else
		ad_out_null(ad, "execution_number");
	ad_out_str(ad, "trigger_type", trigger);
	ad_out_str(ad, "triggered_by", user);
	if (!ad_jint(o, "timestamp", &start) || !ad_jint(o, "startTimeMillis", &start)) {
		ad_out_int(ad, "start_time", start);
		if (ad_finished(status) &&
		    (!ad_jint(o, "duration", &dur) || !ad_jint(o, "durationMillis", &dur)) && dur >= 0) {
			ad_out_int(ad, "end_time", start + dur);
			ad_out_int(ad, "duration_ms", dur);
		}
	} else {
		ad_out_null(ad, "start_time");
	}
	ad_out_str(ad, "status", status);
	ad_out_str(ad, "branch", branch);
	ad_out_str(ad, "commit", commit);
	ad_out_str(ad, "source_result", ad_jstr(o, "result") ? ad_jstr(o, "result") : ad_jstr(o, "status"));
	if (json_is_boolean(ad_jpath(o, "building")))
		ad_out_bool(ad, "building", ad_jbool(o, "building"));
	dep[0] = (struct cand){"name", display[0] ? display : pipeline[0] ? pipeline : NULL};
	dep[1] = (struct cand){"branch", branch};
	prod[0] = dep[0];
	prod[1] = dep[1];
	ad_classify(ad, dep, 2, prod, 2);
	ad_out_bool(ad, "deployment", ad->deploy);
	ad_out_str(ad, "deploy_environment", ad->deploy && ad->prod ? "production" : NULL);
	return 0;
}

int ad_jenkins_stages(struct adapter *ad, json_t *o, const char **reason)
{
	const char *status, *st = ad_jstr(o, "status"), *name = ad_jstr(o, "name");
	int64_t build = -1, start, dur;
	char pipeline[1024] = "";
	struct cand dep[1], prod[1];

	if (!st)
		return ad_refuse(ad, reason, "no stage 'status'");
	if (!(status = sl_cimap_lookup(SL_MAP_JENKINS, st)))
		return ad_refuse(ad, reason, "unknown Jenkins stage status '%.40s'", st);
	if (!jenkins_job_path(ad, ad_jstr(o, "_links.self.href"), &build))
		snprintf(pipeline, sizeof(pipeline), "%s", sl_buf_cstr(&ad->tmp));
	ad_out_str(ad, "pipeline_id", pipeline[0] ? pipeline : NULL);
	if (build >= 0)
		ad_out_int(ad, "execution_number", build);
	else
		ad_out_null(ad, "execution_number");
	/* a stage is its name: wfapi's node ids differ from build to build */
	ad_out_str(ad, "stage_id", name);
	ad_out_str(ad, "source_id", ad_jid(ad, o, "id"));
	ad_out_str(ad, "stage_name", name);
	dep[0] = (struct cand){"name", name};
	prod[0] = dep[0];
	ad_classify(ad, dep, 1, prod, 1);
	ad_out_str(ad, "stage_type", ad->deploy ? "deploy" : NULL);
	ad_out_str(ad, "environment", ad->deploy && ad->prod ? "production" : NULL);
	ad_out_str(ad, "status", status);
	if (!ad_jint(o, "startTimeMillis", &start)) {
		ad_out_int(ad, "start_time", start);
		if (ad_finished(status) && !ad_jint(o, "durationMillis", &dur) && dur >= 0) {
			ad_out_int(ad, "end_time", start + dur);
			ad_out_int(ad, "duration_ms", dur);
		}
	} else {
		ad_out_null(ad, "start_time");
	}
	ad_out_str(ad, "source_status", st);
	ad_out_str(ad, "error", ad_jstr(o, "error.message"));
	return 0;
}
