/* attention.h - what needs attention in an analysis, computed once: the
 * page's first screen and the mail's summary render the same list, in the
 * same order (missed targets, critical alerts in production by agent, the
 * agents whose success rate fell most against the previous window, or the
 * lowest success rates without one, the DORA tiers), and say the same
 * window.
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

struct att_item {
	char *text;
	int bad; /* needs attention (drawn red); else for information */
};

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

enum { ATT_MISSED, ATT_ALERTS, ATT_AGENTS, ATT_DORA, ATT_NGROUPS };

struct attention {
	char window[ATT_WINDOW]; /* the window with its dates and year */
	char days[ATT_WINDOW];	 /* "2026-10-23 – 2026-10-30": the first and last day
				  * with deployments (for axes); "" when none */
	double deployments;	/* in the window; NaN when the file does not say */
	int empty;		/* no deployment: nothing is rated */
	char notice[ATT_WINDOW + 256];	/* an empty or nearly empty window, in words; "" else */
	struct att_group g[ATT_NGROUPS];
	/* every agent, the lowest success rate first (those with fewer
	 * than ATT_MIN_AGENT deployments last) */
	struct att_agent *agents;
	size_t nagents;
};

/* Reads what it needs from f (small tables whole, alerts and success
 * rates group by group).  0, SL_ENOMEM or a read error of f (in err). */
int attention_build(struct attention *at, struct sl_anfile *f, struct sl_errctx *err);
void attention_free(struct attention *at);
/* An agent's success rate: completed / deployments (NaN for none). */
double attention_rate(const struct att_agent *ag);

#endif
