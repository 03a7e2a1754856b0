/* svg.h - shiplog's small inline SVG charts: line, bars (grouped or
 * stacked), heatmap and scatter, with axes, nice tick values, axis titles
 * (which carry the units), a legend, a visible caption and a <title> for
 * screen readers.
 *
 * Charts are drawn into a struct out as a <figure> holding the caption
 * and one <svg> element with a fixed
 * viewBox (CSS scales it); no scripts, no ids, no external references, so
 * any number of charts can share a page or a mail.  Every text is
 * HTML-escaped.  Values that are NaN are left out (a gap in a line, no
 * bar, an empty cell). */
#ifndef REPORT_SVG_H
#define REPORT_SVG_H

#include <stddef.h>

#include "out.h"

#define SVG_MAX_SERIES 8

struct svg_series {
	const char *name;  /* legend text */
	const double *v;   /* one value per point or category */
	const char *colour; /* "#rrggbb", or NULL for the palette's */
};

struct svg_chart {
	const char *title;  /* what the chart shows (the <title>) */
	const char *xlabel; /* axis titles, with their units */
	const char *ylabel;
	int width, height;  /* viewBox; 0 = 960 × 300 */
	int percent;        /* y values are shares: ticks as 0% .. 100% */
	int xdays;          /* line/scatter: x values are day numbers */
};

/* Lines over x[0..n) (ascending). */
void svg_line(struct out *o, const struct svg_chart *c, const double *x, size_t n,
	      const struct svg_series *s, int ns);
/* Bars for n categories: ns series side by side, or stacked. */
void svg_bars(struct out *o, const struct svg_chart *c, const char *const *labels, size_t n,
	      const struct svg_series *s, int ns, int stacked);
/* svg_line with a dashed reference line at y = ref (NaN: none) labelled
 * ref_label; with xticks, the x axis is ticked only at the points, with
 * those labels (checkpoints such as "1 h", "6 h", "24 h").  The legend
 * wraps onto more rows when it is wider than the plot. */
void svg_line_ref(struct out *o, const struct svg_chart *c, const double *x,
		  const char *const *xticks, size_t n, const struct svg_series *s, int ns,
		  double ref, const char *ref_label);
/* Horizontal bars, one row per label (long labels fit on the left): v[i]
 * from zero, a red tick at mark[i] (NULL: none).  With names[1], bars
 * where hi[i] is set are blue and named names[1], the others grey and
 * named names[0]; else every bar is blue and named names[0].  names[2]
 * names the marks.  Each bar is labelled with its value (and its mark's,
 * "p50 7.94, p95 15.2").  A height of 0 grows with n (22 px a row). */
void svg_hbars(struct out *o, const struct svg_chart *c, const char *const *labels, size_t n,
	       const double *v, const double *mark, const unsigned char *hi,
	       const char *const names[3]);
/* nr × nc cells, v[r * nc + col], shaded from white (0) to dark blue (the
 * largest value), with a legend of the shades. */
void svg_heatmap(struct out *o, const struct svg_chart *c, const char *const *rows, size_t nr,
		 const char *const *cols, size_t nc, const double *v);
/* Points (x[i], y[i]); diagonal draws the line y = x (predicted = actual). */
void svg_scatter(struct out *o, const struct svg_chart *c, const double *x, const double *y,
		 size_t n, int diagonal);
/* The same within the ranges lim = {xmin, xmax, ymin, ymax} (NULL: no
 * values): a sample of points drawn on the axes of them all. */
void svg_scatter_in(struct out *o, const struct svg_chart *c, const double *x, const double *y,
		    size_t n, int diagonal, const double *lim);

/* Nice axis: ticks lo, lo + step, ... hi covering [min, max] in about
 * want steps of 1, 2 or 5 × 10^k.  Exposed for the tests. */
void svg_nice_ticks(double min, double max, int want, double *lo, double *hi, double *step);

/* The palette, for legends drawn outside a chart (HTML cards). */
extern const char *const svg_palette[SVG_MAX_SERIES];

#endif
