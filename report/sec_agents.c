#include "page.h"

#include <math.h>
#include <string.h>

/* The agents ranked, the lowest success rate first (the attention list's
 * order: one computation of the per-agent rates on the page); the rows
 * per environment and day stay in success_rates.csv. */
void sec_agents(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	const struct attention *at = cx->att;
	size_t n = at->nagents < (size_t)cx->p->rows ? at->nagents : (size_t)cx->p->rows;
	double longest = 0;
	const struct sl_table *t;
	const char *unit;
	char b[TEXT_MAX];

	pg_mark(cx, SL_T_SUCCESS_RATES);
	if (!at->nagents) {
		out_puts(o, "<p class=\"nodata\">No deployments in this window.</p>\n");
		pg_rest(cx, s);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (at->agents[i].dur_n > 0)
			longest = fmax(longest, at->agents[i].dur_sum / at->agents[i].dur_n);
	unit = text_dur_unit(longest);
	out_puts(o, "<h3>Agents, the lowest success rate first <span class=\"src\">"
		    "(success_rates.csv)</span></h3>\n");
	out_printf(o, "<div class=\"scroll\"><table>\n<tr><th>agent</th><th class=\"n\">"
		      "deployments</th><th class=\"n\">completed</th><th class=\"n\">failed</th>"
		      "<th class=\"n\">rollbacks</th><th class=\"n\">mean duration (%s)</th></tr>\n",
		   unit);
	for (size_t i = 0; i < n; i++) {
		const struct att_agent *a = &at->agents[i];

		out_puts(o, "<tr>");
		pg_td_str(o, a->agent, MAXCELL);
		pg_td_num(o, a->deployments, 10);
		pg_td_pct(o, attention_rate(a));
		pg_td_num(o, a->failed, 10);
		pg_td_num(o, a->rollbacks, 10);
		pg_td_open(o, 1);
		out_puts(o, text_dur_in(b, a->dur_n > 0 ? a->dur_sum / a->dur_n : NAN, unit));
		out_puts(o, "</td></tr>\n");
	}
	out_puts(o, "</table></div>\n");
	if (n < at->nagents) {
		out_puts(o, "<p class=\"more\">");
		out_num(o, (double)(at->nagents - n), 10);
		out_puts(o, at->nagents - n == 1 ? " more agent" : " more agents");
		out_puts(o, " in <code>success_rates.csv</code>.</p>\n");
	}
	out_printf(o, "<p class=\"note\">Completed: the share of the agent's deployments in the "
		      "window that completed.  Agents with fewer than %d deployments come last.  "
		      "Each agent's rows per environment and day are in success_rates.csv.</p>\n",
		   ATT_MIN_AGENT);
	if ((t = pg_take(cx, SL_T_UNOWNED_AGENTS)))
		pg_table_view(cx, t, NULL, 0, "Agents no team owns");
	pg_rest(cx, s);
}
