#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

static void sec_other(struct ctx *cx, const struct section *s)
{
	const struct sl_table *t;

	(void)s;
	for (size_t i = 0; i < sl_anfile_ntables(cx->f); i++)
		if (!cx->shown[i] && (t = pg_head(cx, i))) {
			pg_table_view(cx, t, NULL, 0, NULL);
			pg_release(cx);
		}
}

/* The tables of a teams run (org_*, unowned_agents) are given as
 * prefixes: a section's no-data line names only the tables every analysis
 * has. */
static const struct section sections[] = {
	{"overview", "Overview", {"summary", "success_change*", "org_summary*", NULL}, sec_overview},
	{"dora", "DORA four keys", {"dora", "dora_*", "org_dora*", NULL}, sec_dora},
	{"timeline", "Deployment timeline", {"timeline", NULL}, sec_timeline},
	{"strategies", "Rollout strategies", {"strategies", NULL}, sec_strategies},
	{"heatmap", "When deployments happen", {"heatmap", NULL}, sec_heatmap},
	{"active", "Active deployments", {"active_deployments", NULL}, sec_active},
	{"agents", "Success rate per agent", {"success_rates", "unowned_agents*", NULL}, sec_agents},
	{"health", "Health scores", {"health_scores", NULL}, sec_health},
	{"pipelines", "Pipelines",
	 {"pipelines", "stages", "critical_path*", "pipeline*", "stage*", "gate*", NULL},
	 sec_pipelines},
	{"versions", "Versions", {"versions", "adoption*", "regressions", "version*", NULL},
	 sec_versions},
	{"anomalies", "Anomalies", {"anomalies", "anomal*", NULL}, sec_anomalies},
	{"clusters", "Clusters and patterns",
	 {"clusters", "cluster*", "patterns", "features", NULL}, sec_clusters},
	{"rollbacks", "Rollbacks and canaries",
	 {"rollback_causes", "rollback_risk", "rollback*", "canary_judgements", "canary*", NULL},
	 sec_rollbacks},
	{"alerts", "Alerts", {"alerts", "alert*", NULL}, sec_alerts},
	{"predictions", "Predictions",
	 {"predictions", "duration_backtest", "success_backtest", "duration_model", "prediction*",
	  "model*", "backtest*", NULL}, sec_predictions},
	{"scorecard", "Success-metric scorecard", {"scorecard", NULL}, sec_scorecard},
};

/* One column of text at 500 px and at 1280: tables wrap their cells
 * rather than run past the page, charts are at most 720 px wide (their
 * text stays readable when a narrow screen scales them down). */
static const char css[] =
	"body{font:14px/1.45 Helvetica,Arial,sans-serif;color:#222;background:#fff;"
	"max-width:1200px;margin:0 auto;padding:16px 24px}\n"
	"h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #4477aa;"
	"padding-bottom:3px;margin:34px 0 10px}h3{font-size:15px;margin:18px 0 6px}\n"
	".meta{color:#444;margin:2px 0}.src,.note,.more{color:#666;font-size:12px}\n"
	".notice{border-left:5px solid #c0392b;background:#fdf0ee;padding:8px 12px;"
	"font-weight:bold;margin:10px 0}\n"
	".attention h2{margin-top:14px}.groups{display:grid;"
	"grid-template-columns:repeat(auto-fit,minmax(270px,1fr));gap:10px}\n"
	".group{border:1px solid #ccd3dc;border-radius:6px;padding:6px 12px}"
	".group.alarm{border-left:5px solid #c0392b}.group h3{margin:2px 0 4px}"
	".group p{margin:2px 0;color:#555;font-size:13px}.group ul{margin:4px 0;padding-left:18px}"
	".group li.hot{color:#a02a1e}tr.missed td{background:#fdf0ee}\n"
	"nav{margin-top:12px}nav ol{display:flex;flex-wrap:wrap;gap:2px 18px;list-style:none;margin:6px 0 0;"
	"padding:0}nav a{color:#2a5d8f}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px;"
	"margin:8px 0}\n"
	".card{border:1px solid #ccd3dc;border-radius:6px;padding:10px 14px;min-width:0}"
	".card.alarm{border-left:5px solid #c0392b}\n"
	".card .k{color:#444;font-size:13px}.card .v{font-size:22px;font-weight:bold;margin:2px 0;"
	"overflow-wrap:anywhere}"
	".card .sub{font-size:12px;color:#555}\n"
	".up,.ok{color:#1b7a2b}.down,.bad{color:#c0392b}.flat,.unk{color:#666}"
	".ok,.bad{font-weight:bold}\n"
	".tier{display:inline-block;padding:0 7px;border-radius:9px;color:#fff;font-weight:bold;"
	"background:#777}.tier.elite{background:#1b7a2b}.tier.high{background:#2f6aa3}"
	".tier.medium{background:#b7791f}.tier.low{background:#c0392b}\n"
	"table{border-collapse:collapse;font-size:13px;margin:6px 0;max-width:100%}"
	"th,td{border:1px solid #d5dae0;padding:3px 6px;text-align:left;vertical-align:top;"
	"overflow-wrap:anywhere}"
	"td.w{min-width:14em}th{background:#eef2f6;font-weight:bold}"
	".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;"
	"overflow-wrap:normal}\n"
	".scroll{max-width:100%;overflow-x:auto}.nodata{color:#666;font-style:italic}\n"
	".bar{display:inline-block;width:60px;height:10px;background:#e3e6ea;"
	"vertical-align:middle}.bar span{display:block;height:10px;background:#4477aa}\n"
	"h4{font-size:14px;margin:14px 0 4px;color:#333}\n"
	"figure{margin:14px 0}figcaption{font-weight:bold;font-size:14px;color:#333}\n"
	"svg{display:block;width:100%;max-width:720px;height:auto;margin:4px 0}\n"
	"footer{margin-top:40px;color:#666;font-size:12px}\n"
	"@media (max-width:700px){body{padding:10px}table{font-size:12px}th,td{padding:2px 4px}"
	"td.w{min-width:0}.card .v{font-size:20px}.n{white-space:normal;overflow-wrap:anywhere}}\n"
	"@media print{body{max-width:none;padding:0}h2{break-after:avoid}"
	"svg,table,.card{break-inside:avoid}}\n";

static void header(struct ctx *cx)
{
	struct out *o = cx->o;
	const char *env = sl_analysis_get_meta_str(cx->a, "env");
	const char *agent = sl_analysis_get_meta_str(cx->a, "agent");
	const char *tz = sl_analysis_get_meta_str(cx->a, "tz");
	const char *ver = sl_analysis_get_meta_str(cx->a, "shiplog_version");
	double deps = NAN, files = NAN;

	sl_analysis_get_meta_f64(cx->a, "input_deployments", &deps);
	sl_analysis_get_meta_f64(cx->a, "input_files", &files);
	out_puts(o, "<header>\n<h1>");
	out_esc(o, cx->p->title, REPORT_MAX_TEXT);
	out_puts(o, "</h1>\n<p class=\"meta\"><b>Window:</b> ");
	out_esc(o, cx->att->window, sizeof(cx->att->window));
	out_puts(o, " &middot; <b>days in:</b> ");
	out_esc(o, tz && tz[0] ? tz : "UTC", 60);
	if (env && env[0]) {
		out_puts(o, " &middot; <b>environment:</b> ");
		out_esc(o, env, MAXCELL);
	}
	if (agent && agent[0] && !cx->att->team[0]) { /* a team's: said below */
		out_puts(o, " &middot; <b>agent:</b> ");
		out_esc(o, agent, MAXCELL);
	}
	if (cx->att->team[0]) {
		/* whose report it is: the team and the agents it names */
		out_puts(o, "</p>\n<p class=\"meta team\"><b>Team:</b> ");
		out_esc(o, cx->att->team, sizeof(cx->att->team));
		out_puts(o, " &middot; <b>agents:</b> ");
		out_esc(o, cx->att->team_agents[0] ? cx->att->team_agents : "none named",
			 sizeof(cx->att->team_agents));
		if (isfinite(cx->att->agents_matched)) {
			out_puts(o, " (");
			out_num(o, cx->att->agents_matched, 10);
			out_puts(o, cx->att->agents_matched == 1 ? " agent matched)"
								  : " agents matched)");
		}
	}
	out_puts(o, "</p>\n<p class=\"meta\"><b>Generated:</b> ");
	pg_time(o, sl_analysis_get_meta_str(cx->a, "now"));
	out_puts(o, " &middot; <b>Data:</b> ");
	out_num(o, deps, 10);
	out_puts(o, " deployments in the window (");
	out_num(o, files, 10);
	out_puts(o, " store row groups read) &middot; ");
	out_num(o, (double)sl_anfile_ntables(cx->f), 10);
	out_puts(o, " result tables");
	if (ver) {
		out_puts(o, " &middot; shiplog ");
		out_esc(o, ver, 40);
	}
	out_puts(o, "</p>\n</header>\n");
}

/* The first screen: an empty or nearly empty window said plainly, then
 * what needs attention, each group linking to its section (the mail's
 * summary says the same, in the same order). */
static void attention(struct ctx *cx)
{
	struct out *o = cx->o;
	const struct attention *at = cx->att;

	if (at->notice[0]) {
		out_puts(o, "<p class=\"notice\">");
		out_esc(o, at->notice, sizeof(at->notice));
		out_puts(o, "</p>\n");
	}
	out_puts(o, "<section id=\"attention\" class=\"attention\">\n<h2>What needs attention</h2>\n"
		    "<div class=\"groups\">\n");
	for (int k = 0; k < ATT_NGROUPS; k++) {
		const struct att_group *g = &at->g[k];
		size_t bad = 0;

		if (!g->title)
			continue; /* not in this analysis */
		for (size_t i = 0; i < g->n; i++)
			bad += g->items[i].bad;
		out_printf(o, "<div class=\"group%s\"><h3><a href=\"#%s\">%s</a></h3>\n",
			   bad ? " alarm" : "", g->section, g->title);
		if (g->none) {
			out_puts(o, "<p>");
			out_esc(o, g->none, 1000);
			out_puts(o, "</p>\n");
		}
		if (g->n) {
			out_puts(o, "<ul>\n");
			for (size_t i = 0; i < g->n; i++) {
				out_puts(o, g->items[i].bad ? "<li class=\"hot\">" : "<li>");
				out_esc(o, g->items[i].text, 1000);
				out_puts(o, "</li>\n");
			}
			out_puts(o, "</ul>\n");
		}
		out_puts(o, "</div>\n");
	}
	out_puts(o, "</div>\n</section>\n");
}

/* Every table of section s shown: said in one line instead. */
static void mark_shown(struct ctx *cx, const struct section *s)
{
	for (size_t t = 0; t < sl_anfile_ntables(cx->f); t++)
		for (int k = 0; s->tables[k]; k++)
			if (pg_matches(s->tables[k], sl_anfile_name(cx->f, t)))
				cx->shown[t] = 1;
}

int html_render(struct out *o, struct sl_anfile *f, const struct report_params *p,
		struct sl_errctx *err)
{
	struct attention at;
	int rc = attention_build(&at, f, err);

	if (!rc)
		rc = html_page(o, f, p, &at, err);
	else if (!o->err)
		o->err = rc;
	attention_free(&at);
	return rc;
}

int html_page(struct out *o, struct sl_anfile *f, const struct report_params *p,
	      const struct attention *at, struct sl_errctx *err)
{
	const struct sl_analysis *a = sl_anfile_meta(f);
	struct ctx cx = {o, f, a, p, calloc(sl_anfile_ntables(f) + 1, 1), NULL, 0, 0, err, at,
			 NULL, NULL, 0};
	size_t ns = sizeof(sections) / sizeof(sections[0]);
	int other = 0;

	if (!cx.shown)
		return SL_ENOMEM;
	out_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>");
	out_esc(o, p->title, REPORT_MAX_TEXT);
	out_printf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	header(&cx);
	attention(&cx);
	pg_prepare(&cx);
	/* the sections are rendered first so the contents know whether an
	 * "other tables" section exists; it goes to a second buffer */
	{
		struct out body = {SL_BUF_INIT, 0};
		struct ctx bx = cx; /* shares cx's picks: freed once, by cx */

		bx.o = &body;
		for (size_t i = 0; i < ns; i++) {
			const struct section *s = &sections[i];

			out_printf(&body, "<section id=\"%s\">\n<h2>%s</h2>\n", s->id, s->title);
			if (body.err)
				break; /* the page is lost: the error is what is left to say */
			if (at->empty && strcmp(s->id, "pipelines") && pg_section_has(&bx, s)) {
				/* nothing to draw or rate: said once, no empty charts
				 * (the pipelines come from CI runs, not deployments) */
				mark_shown(&cx, s);
				out_puts(&body, "<p class=\"nodata\">No deployments in this "
						"window.</p>\n");
			} else if (at->team[0] && !strcmp(s->id, "pipelines") &&
				   pg_section_has(&bx, s)) {
				/* a team's file holds the organisation's pipelines
				 * (they are not split by agent): shown once, in the
				 * organisation's report, not among the team's own */
				mark_shown(&cx, s);
				out_puts(&body, "<p class=\"nodata\">The pipelines are the "
						"organisation&rsquo;s, not this team&rsquo;s alone: "
						"see the organisation&rsquo;s report (this report&rsquo;s "
						"CSV files hold them too).</p>\n");
			} else if (pg_section_has(&bx, s)) {
				s->render(&bx, s);
				pg_release(&bx);
			} else {
				out_puts(&body, "<p class=\"nodata\">No data: the analysis has no ");
				for (int k = 0; s->tables[k]; k++)
					if (!strchr(s->tables[k], '*'))
						out_printf(&body, "%s<code>%s</code>", k ? " or " : "",
							   s->tables[k]);
				out_puts(&body, " table.</p>\n");
			}
			out_puts(&body, "</section>\n");
		}
		for (size_t i = 0; i < sl_anfile_ntables(f); i++)
			other |= !cx.shown[i];
		if (other) {
			static const struct section s = {"tables", "Other tables", {NULL}, sec_other};

			out_puts(&body, "<section id=\"tables\">\n<h2>Other tables</h2>\n");
			sec_other(&bx, &s);
			out_puts(&body, "</section>\n");
		}
		out_puts(o, "<nav>\n<b>Contents</b>\n<ol>\n");
		for (size_t i = 0; i < ns; i++)
			out_printf(o, "<li><a href=\"#%s\">%s</a></li>\n", sections[i].id,
				   sections[i].title);
		if (other)
			out_puts(o, "<li><a href=\"#tables\">Other tables</a></li>\n");
		out_puts(o, "</ol>\n</nav>\n");
		pg_release(&bx);
		free(bx.held);
		if (body.err)
			o->err = body.err;
		else
			out_putn(o, body.b.data, body.b.len);
		out_release(&body);
	}
	out_puts(o, "<footer>Made by shiplog-report from an analysis file of shiplog-analyze. "
		    "Every table is also a CSV file (TABLE.csv) with all its rows.</footer>\n"
		    "</body>\n</html>\n");
	pg_unprepare(&cx);
	free(cx.shown);
	return o->err;
}

int pg_chart_start(struct out *o, int allocated, size_t rows, const char *nodata)
{
	if (!allocated) {
		o->err = SL_ENOMEM;
		return 1;
	}
	if (!rows) {
		out_puts(o, "<p class=\"nodata\">");
		out_puts(o, nodata);
		out_puts(o, "</p>\n");
		return 1;
	}
	return 0;
}
