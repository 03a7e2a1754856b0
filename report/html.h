/* html.h - the HTML report: one self-contained page (inline CSS and SVG,
 * no scripts, no fetches) built from an analysis file, its sections
 * following the seed's dashboards (docs/REPORT.md).  A section loads the
 * small tables it shows and reads the per-deployment ones row group by
 * row group (top rows, counts, a sample), so the page's size and the
 * memory it takes do not grow with the deployments. */
#ifndef REPORT_HTML_H
#define REPORT_HTML_H

#include "cli.h"
#include "out.h"
#include "sl_anread.h"
#include "sl_result.h"

/* Appends the page to o, reading f one table (or row group) at a time;
 * 0, SL_ENOMEM, or a read error of f (set in err). */
int html_render(struct out *o, struct sl_anfile *f, const struct report_params *p,
		struct sl_errctx *err);

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
