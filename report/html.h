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

struct attention;

/* Appends the page to o, reading f one table (or row group) at a time;
 * at is f's attention list (attention.h), which the page shows first.
 * 0, SL_ENOMEM, or a read error of f (set in err). */
int html_page(struct out *o, struct sl_anfile *f, const struct report_params *p,
	      const struct attention *at, struct sl_errctx *err);
/* The same with the attention list built for it. */
int html_render(struct out *o, struct sl_anfile *f, const struct report_params *p,
		struct sl_errctx *err);

#endif
