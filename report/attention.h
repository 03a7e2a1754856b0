/* attention.h - what needs attention in an analysis, computed once: the
 * page's first screen and the mail's summary render the same list, in the
 * same order (missed targets, critical alerts in production by agent, the
 * agents whose success rate fell most against the previous window, or the
 * lowest success rates without one, the DORA tiers; in a team's analysis
 * the team against the organisation, in the organisation's analysis of a
 * teams file the agents no team owns), and say the same window.  The
 * mail's subject and the quiet rule read their figures from here too.
 *
 * Texts are plain UTF-8 (controls from the analysis made spaces): the mail
 * prints them, the page escapes them.  Everything is owned by the struct
 * attention and freed by attention_free. */
#ifndef REPORT_ATTENTION_H
#define REPORT_ATTENTION_H

#include <stddef.h>

#include "sl_anread.h"
#include "text.h"

#define ATT_FEW 30          /* fewer deployments than this: said to be few */
#define ATT_MIN_TIER 5      /* fewer DORA samples than this: no tier */
#define ATT_MIN_AGENT 5     /* an agent is ranked from this many deployments */
#define ATT_ITEMS 5         /* items of a group listed */
#define ATT_WINDOW (2 * TEXT_MAX + 32)
#define ATT_NAME 64         /* bytes of a team or agent name said (cut with "…") */
#define ATT_UNOWNED_NAMED 10 /* unowned agents named; the rest counted */

struct att_item {
	char *text;
	int bad; /* needs attention (drawn red); else for information */
};

/* A group with a NULL title is absent from this analysis (the team
 * groups outside a teams run): the page and the mail skip it. */
struct att_group {
	const char *title;
	const char *section; /* the page section it links to */
	struct att_item *items;
	size_t n, cap;
	char *none; /* said when there are no items */
};

/* An agent's deployments over the window (success_rates summed). */
struct att_agent {
	char *agent;
	double deployments, completed, failed, rollbacks, dur_sum, dur_n;
};

enum { ATT_MISSED, ATT_ALERTS, ATT_AGENTS, ATT_DORA, ATT_TEAM, ATT_UNOWNED, ATT_NGROUPS };

/* Tiers from best to worst, as dora writes them. */
#define ATT_NKEYS 4

/* A team's analysis against the organisation's over the same window
 * (org_summary's overall row and org_dora, which shiplog-analyze --team
 * writes beside the team's own summary and dora).  One computation: the
 * attention list, the overview and the mail say the same. */
struct att_vs_org {
	int have;	     /* the file holds org_summary or org_dora */
	double rate, org_rate; /* overall success rates; NaN when not known */
	struct {
		const char *metric; /* one of the four keys (static text) */
		char tier[16], org_tier[16]; /* "" when not rated */
		int cmp;	    /* >0 the team's tier is better, <0 worse, 0 same
				     * or not comparable */
	} key[ATT_NKEYS];
};

struct attention {
	char window[ATT_WINDOW]; /* the window with its dates and year */
	char days[ATT_WINDOW];	 /* "2026-10-23 – 2026-10-30": the first and last day
				  * with deployments (for axes); "" when none */
	double deployments;	/* in the window; NaN when the file does not say */
	int empty;		/* no deployment: nothing is rated */
	char notice[ATT_WINDOW + 256];	/* an empty or nearly empty window, in words; "" else */
	struct att_group g[ATT_NGROUPS];
	/* a teams run: the team ("" in the organisation's analysis, or
	 * outside a teams run), its agent patterns as given, how many agents
	 * they matched (NaN when not said); teams is set in both the team's and
	 * the organisation's analysis of a teams file (the one that holds
	 * unowned_agents) */
	char team[ATT_NAME + 8];
	char team_agents[TEXT_MAX];
	double agents_matched;
	int teams;
	struct att_vs_org vs;
	/* the headline: production critical alerts (the alerts group's
	 * count; NaN without an alerts table), summary's overall success rate
	 * and its change on the previous window (NaN when none) */
	double critical, success, success_change;
	char last_day[16]; /* the window's last day, "" when not known */
	char span[ATT_WINDOW]; /* the window's first and last day ("" when not known) */
	/* "nothing new" (shiplog-report --if-quiet): no deployment in the
	 * window (input_deployments is 0) and no pipeline run (the pipelines
	 * table's executions sum to 0, or it is absent).  In a team's
	 * analysis the deployments alone: its pipelines are the
	 * organisation's, the same in every team's file.  A file that does
	 * not say its deployments is never quiet. */
	int quiet;
	/* every agent, the lowest success rate first (those with fewer
	 * than ATT_MIN_AGENT deployments last) */
	struct att_agent *agents;
	size_t nagents;
};

/* Reads what it needs from f (small tables whole, alerts and success
 * rates group by group).  0, SL_ENOMEM or a read error of f (in err). */
int attention_build(struct attention *at, struct sl_anfile *f, struct sl_errctx *err);
void attention_free(struct attention *at);
/* The comparison of the team with the organisation (v->have 0 when the
 * file has neither org table).  0 or a read error of f. */
int attention_vs_org(struct att_vs_org *v, struct sl_anfile *f, struct sl_errctx *err);
/* An agent's success rate: completed / deployments (NaN for none). */
double attention_rate(const struct att_agent *ag);

#endif
