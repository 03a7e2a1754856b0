/* html.h - the HTML report: one self-contained page (inline CSS and SVG,
 * no scripts, no fetches) built from an analysis, its sections following
 * the seed's dashboards (docs/REPORT.md). */
#ifndef REPORT_HTML_H
#define REPORT_HTML_H

#include "cli.h"
#include "out.h"
#include "sl_result.h"

/* Appends the page to o; 0 or SL_ENOMEM. */
int html_render(struct out *o, const struct sl_analysis *a, const struct report_params *p);

/* Shared with the mail summary: the generation time and the window as
 * people read them ("2026-11-01 00:00 UTC", "2026-10-01 – 2026-10-31" or
 * "all data"). */
void html_window(struct out *o, const struct sl_analysis *a);
void html_time(struct out *o, const char *iso);
/* A value with the unit of a dora or scorecard row: "12.5 min", "92.7%",
 * "150 / week". */
void html_value(struct out *o, double v, const char *unit);
/* A scorecard target ("< 1800000") in the unit of its value ("< 30.0 min");
 * as it is when it is not an operator and a number. */
void html_target(struct out *o, const char *target, const char *unit);
/* A percentage of a share ("92.7%"), "–" for NaN. */
void html_pct(struct out *o, double v);

#endif
