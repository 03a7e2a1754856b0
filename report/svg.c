#include "svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sl_value.h"

/* Paul Tol's bright scheme: tells colours apart with colour-blind eyes
 * and on grey paper. */
const char *const svg_palette[SVG_MAX_SERIES] = {
	"#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb", "#444444",
};

#define ML 72 /* margins: room for tick labels and axis titles */
#define MR 40
#define MT 34 /* the legend */
#define MB 58
#define TEXT "font-family=\"Helvetica,Arial,sans-serif\" font-size=\"13\" fill=\"#222\""
#define MAXLAB 48 /* bytes of a label shown */
/* The default width of a chart's viewBox: a 500 px screen shows it at
 * about 0.8, so 12-unit text stays above 9 px; CSS caps a chart at 720
 * px on wide screens. */
#define SVG_WIDTH 600
#define CHARW 8.2 /* a generous width of a 13-unit character: labels must fit */

static double nicenum(double x, int round_)
{
	double e = floor(log10(x)), f = x / pow(10, e), nf;

	if (round_)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nf * pow(10, e);
}

void svg_nice_ticks(double min, double max, int want, double *lo, double *hi, double *step)
{
	double range;

	if (!isfinite(min) || !isfinite(max)) {
		min = 0;
		max = 1;
	}
	if (max - min < 1e-12 * (fabs(max) + 1)) {
		/* one value: an axis around it, from zero when it is positive */
		if (min > 0)
			min = 0;
		else if (max < 0)
			max = 0;
		else
			max = min + 1;
		if (max - min < 1e-12)
			max = min + 1;
	}
	range = nicenum(max - min, 0);
	*step = nicenum(range / (want > 1 ? want - 1 : 1), 1);
	*lo = floor(min / *step) * *step;
	*hi = ceil(max / *step) * *step;
	if (*lo == 0)
		*lo = 0; /* never -0 */
}

static void dims(const struct svg_chart *c, int *w, int *h)
{
	*w = c->width > 0 ? c->width : SVG_WIDTH;
	*h = c->height > 0 ? c->height : 300;
}

static void open_svg(struct out *o, const struct svg_chart *c, int w, int h)
{
	out_puts(o, "<figure><figcaption>");
	out_esc(o, c->title ? c->title : "chart", 200);
	out_puts(o, "</figcaption>\n");
	out_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		      "width=\"%d\" height=\"%d\" role=\"img\"><title>", w, h, w, h);
	out_esc(o, c->title ? c->title : "chart", 200);
	out_puts(o, "</title>\n");
}

static void tick_label(struct out *o, double v, double step, int percent, int xdays)
{
	char buf[32];
	int dec;

	if (xdays) {
		int64_t y;
		unsigned m, d;

		sl_civil_from_days((int64_t)llround(v), &y, &m, &d);
		out_printf(o, "%04lld-%02u-%02u", (long long)y, m, d);
		return;
	}
	if (percent) {
		v *= 100;
		step *= 100;
	}
	dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	if (dec > 9)
		dec = 9;
	snprintf(buf, sizeof(buf), "%.*f", dec, fabs(v) < step * 1e-9 ? 0.0 : v);
	out_puts(o, buf);
	if (percent)
		out_puts(o, "%");
}

/* The plot area: x0..x1 left to right, y0 (bottom) .. y1 (top). */
struct frame {
	double x0, x1, y0, y1;
	double vlo, vhi;    /* y value range */
	double xlo, xhi;    /* x value range (line, scatter) */
};

static double ypos(const struct frame *f, double v)
{
	return f->y0 - (v - f->vlo) / (f->vhi - f->vlo) * (f->y0 - f->y1);
}

static double xpos(const struct frame *f, double v)
{
	return f->x0 + (v - f->xlo) / (f->xhi - f->xlo) * (f->x1 - f->x0);
}

/* Horizontal grid lines with their tick labels, and the y axis title. */
static void y_axis(struct out *o, const struct svg_chart *c, struct frame *f, double min,
		   double max)
{
	double step;

	svg_nice_ticks(min, max, 6, &f->vlo, &f->vhi, &step);
	for (int i = 0; i <= 64; i++) {
		double v = f->vlo + step * i, y;

		if (v > f->vhi + step * 1e-6)
			break;
		y = ypos(f, v);
		out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
			   f->x0, y, f->x1, y, i ? "#e3e3e3" : "#888");
		out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" " TEXT ">", f->x0 - 6,
			   y + 4);
		tick_label(o, v, step, c->percent, 0);
		out_puts(o, "</text>\n");
	}
	if (c->ylabel) {
		out_printf(o, "<text transform=\"translate(16 %.1f) rotate(-90)\" "
			      "text-anchor=\"middle\" " TEXT ">", (f->y0 + f->y1) / 2);
		out_esc(o, c->ylabel, 80);
		out_puts(o, "</text>\n");
	}
}

static void x_title(struct out *o, const struct svg_chart *c, const struct frame *f, int h)
{
	if (!c->xlabel)
		return;
	out_printf(o, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" " TEXT ">",
		   (f->x0 + f->x1) / 2, h - 8);
	out_esc(o, c->xlabel, 80);
	out_puts(o, "</text>\n");
}

/* Numeric (or day) x axis with nice ticks. */
static void x_axis(struct out *o, const struct svg_chart *c, struct frame *f, double min,
		   double max)
{
	double step;

	if (c->xdays) {
		/* whole days, about eight labels */
		double span = max - min;

		step = span <= 8 ? 1 : span <= 16 ? 2 : span <= 56 ? 7 : span <= 120 ? 14 :
		       span <= 366 ? 30 : ceil(span / 8);
		f->xlo = min;
		f->xhi = max > min ? max : min + 1;
	} else {
		svg_nice_ticks(min, max, 8, &f->xlo, &f->xhi, &step);
	}
	for (int i = 0; i <= 64; i++) {
		double v = f->xlo + step * i, x;

		if (v > f->xhi + step * 1e-6)
			break;
		x = xpos(f, v);
		out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>",
			   x, f->y0, x, f->y0 + 5);
		out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" " TEXT ">", x,
			   f->y0 + 19);
		tick_label(o, v, step, 0, c->xdays);
		out_puts(o, "</text>\n");
	}
}

static const char *colour(const struct svg_series *s, int k)
{
	return s[k].colour ? s[k].colour : svg_palette[k];
}

static double legend_width(const struct svg_series *s, int i)
{
	size_t len = s[i].name ? strlen(s[i].name) : 0;

	return 16 + 7.0 * (double)(len < 40 ? len : 40) + 18;
}

/* The legend's rows when it wraps at x1 (18 px each, the first in MT). */
static int legend_rows(const struct svg_series *s, int ns, double x0, double x1)
{
	double x = x0;
	int rows = 1;

	for (int i = 0; i < ns && i < SVG_MAX_SERIES; i++) {
		if (x > x0 && x + legend_width(s, i) > x1) {
			rows++;
			x = x0;
		}
		x += legend_width(s, i);
	}
	return rows;
}

static void legend_wrap(struct out *o, const struct svg_series *s, int ns, double x0, double x1)
{
	double x = x0, y = 10;

	for (int i = 0; i < ns && i < SVG_MAX_SERIES; i++) {
		if (x > x0 && x + legend_width(s, i) > x1) {
			x = x0;
			y += 18;
		}
		out_printf(o, "<rect x=\"%.1f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>",
			   x, y, colour(s, i));
		out_printf(o, "<text x=\"%.1f\" y=\"%.0f\" " TEXT ">", x + 16, y + 10);
		out_esc(o, s[i].name ? s[i].name : "", 40);
		out_puts(o, "</text>\n");
		x += legend_width(s, i);
	}
}

static void legend(struct out *o, const struct svg_series *s, int ns, double x)
{
	legend_wrap(o, s, ns, x, INFINITY);
}

static void frame_init(struct frame *f, int w, int h)
{
	memset(f, 0, sizeof(*f));
	f->x0 = ML;
	f->x1 = w - MR;
	f->y0 = h - MB;
	f->y1 = MT;
}

static void no_values(struct out *o, int w, int h)
{
	out_printf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" " TEXT ">no values</text>",
		   w / 2, h / 2);
}

/* The series as polylines over x (a gap where a value is missing), with a
 * dot on each point when there are few. */
static void polylines(struct out *o, const struct frame *fp, const double *x, size_t n,
		      const struct svg_series *s, int ns)
{
	for (int k = 0; k < ns; k++) {
		int open = 0;

		for (size_t i = 0; i < n; i++) {
			if (!isfinite(s[k].v[i])) {
				if (open)
					out_puts(o, "\"/>\n");
				open = 0;
				continue;
			}
			if (!open)
				out_printf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
					      "points=\"", colour(s, k));
			out_printf(o, "%s%.1f,%.1f", open ? " " : "", xpos(fp, x[i]),
				   ypos(fp, s[k].v[i]));
			open = 1;
		}
		if (open)
			out_puts(o, "\"/>\n");
		if (n <= 60)
			for (size_t i = 0; i < n; i++)
				if (isfinite(s[k].v[i]))
					out_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
						      "fill=\"%s\"/>", xpos(fp, x[i]),
						   ypos(fp, s[k].v[i]), colour(s, k));
	}
}

/* What the two line charts start with: the frame, the opening tag, at
 * most SVG_MAX_SERIES series and their range.  0 when there is no value
 * (the chart is then closed with a note). */
static int line_open(struct out *o, const struct svg_chart *c, const struct svg_series *s,
		     int *ns, size_t n, struct frame *f, int *h, double *min, double *max)
{
	int w;

	dims(c, &w, h);
	frame_init(f, w, *h);
	open_svg(o, c, w, *h);
	if (*ns > SVG_MAX_SERIES)
		*ns = SVG_MAX_SERIES;
	*min = INFINITY;
	*max = -INFINITY;
	for (int k = 0; k < *ns; k++)
		for (size_t i = 0; i < n; i++)
			if (isfinite(s[k].v[i])) {
				*min = fmin(*min, s[k].v[i]);
				*max = fmax(*max, s[k].v[i]);
			}
	if (!n || !isfinite(*min)) {
		no_values(o, w, *h);
		out_puts(o, "</svg></figure>\n");
		return 0;
	}
	return 1;
}

void svg_line(struct out *o, const struct svg_chart *c, const double *x, size_t n,
	      const struct svg_series *s, int ns)
{
	double min, max;
	struct frame f;
	int h;

	if (!line_open(o, c, s, &ns, n, &f, &h, &min, &max))
		return;
	if (min > 0)
		min = 0; /* counts and durations read from zero */
	y_axis(o, c, &f, min, max);
	x_axis(o, c, &f, x[0], x[n - 1]);
	polylines(o, &f, x, n, s, ns);
	legend(o, s, ns, f.x0);
	x_title(o, c, &f, h);
	out_puts(o, "</svg></figure>\n");
}

void svg_bars(struct out *o, const struct svg_chart *c, const char *const *labels, size_t n,
	      const struct svg_series *s, int ns, int stacked)
{
	double min = 0, max = -INFINITY, band, bw;
	struct frame f;
	size_t every;
	int w, h, short_labels = 1;

	dims(c, &w, &h);
	frame_init(&f, w, h);
	open_svg(o, c, w, h);
	if (ns > SVG_MAX_SERIES)
		ns = SVG_MAX_SERIES;
	for (size_t i = 0; i < n; i++) {
		double sum = 0;

		for (int k = 0; k < ns; k++)
			if (isfinite(s[k].v[i])) {
				if (stacked)
					sum += s[k].v[i];
				else
					max = fmax(max, s[k].v[i]);
				min = fmin(min, s[k].v[i]);
			}
		if (stacked)
			max = fmax(max, sum);
	}
	if (!n || !isfinite(max)) {
		no_values(o, w, h);
		out_puts(o, "</svg></figure>\n");
		return;
	}
	y_axis(o, c, &f, min, max);
	/* rotated labels of up to 10 bytes leave room for the axis title */
	for (size_t i = 0; labels && i < n; i++)
		short_labels &= !labels[i] || strlen(labels[i]) <= 10;
	band = (f.x1 - f.x0) / (double)n;
	bw = band * 0.8 / (stacked ? 1 : ns);
	/* at most about 16 category labels; long ones are cut */
	every = n <= 16 ? 1 : (n + 15) / 16;
	for (size_t i = 0; i < n; i++) {
		double base = 0, x = f.x0 + band * (double)i + band * 0.1;

		for (int k = 0; k < ns; k++) {
			double v = s[k].v[i], y0, y1;

			if (!isfinite(v))
				continue;
			y0 = ypos(&f, stacked ? base : 0);
			y1 = ypos(&f, stacked ? base + v : v);
			out_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				      "fill=\"%s\"/>",
				   stacked ? x : x + bw * k, fmin(y0, y1), bw > 1 ? bw - 0.5 : bw,
				   fabs(y0 - y1), colour(s, k));
			if (stacked)
				base += v;
		}
		if (i % every == 0 && labels && labels[i]) {
			double lx = f.x0 + band * ((double)i + 0.5);

			if (n > 8)
				out_printf(o, "<text transform=\"translate(%.1f %.1f) rotate(-35)\" "
					      "text-anchor=\"end\" " TEXT ">", lx + 4, f.y0 + 14);
			else
				out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
					      TEXT ">", lx, f.y0 + 18);
			out_esc(o, labels[i], n > 8 ? 16 : MAXLAB);
			out_puts(o, "</text>\n");
		}
	}
	if (ns > 1 || (s[0].name && s[0].name[0]))
		legend(o, s, ns, f.x0);
	if (n <= 8 || short_labels)
		x_title(o, c, &f, h);
	out_puts(o, "</svg></figure>\n");
}

/* White to dark blue. */
static void shade(double t, char *buf, size_t cap)
{
	static const double a[3] = {247, 251, 255}, b[3] = {8, 48, 107};
	int rgb[3];

	t = t < 0 ? 0 : t > 1 ? 1 : t;
	for (int i = 0; i < 3; i++)
		rgb[i] = (int)lround(a[i] + (b[i] - a[i]) * t);
	snprintf(buf, cap, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

void svg_heatmap(struct out *o, const struct svg_chart *c, const char *const *rows, size_t nr,
		 const char *const *cols, size_t nc, const double *v)
{
	double max = 0, cw, ch;
	struct frame f;
	char col[16];
	int w, h;

	dims(c, &w, &h);
	frame_init(&f, w, h);
	f.x0 = 84;
	f.y0 = h - 64; /* room for the legend below the x axis title */
	open_svg(o, c, w, h);
	for (size_t i = 0; i < nr * nc; i++)
		if (isfinite(v[i]))
			max = fmax(max, v[i]);
	if (!nr || !nc) {
		no_values(o, w, h);
		out_puts(o, "</svg></figure>\n");
		return;
	}
	cw = (f.x1 - f.x0) / (double)nc;
	ch = (f.y0 - f.y1) / (double)nr;
	for (size_t r = 0; r < nr; r++) {
		out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" " TEXT ">", f.x0 - 6,
			   f.y1 + ch * ((double)r + 0.5) + 4);
		out_esc(o, rows[r], 16);
		out_puts(o, "</text>\n");
		for (size_t k = 0; k < nc; k++) {
			double x = v[r * nc + k], t = max > 0 && isfinite(x) ? x / max : 0;

			shade(t, col, sizeof(col));
			out_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				      "fill=\"%s\" stroke=\"#fff\"/>",
				   f.x0 + cw * (double)k, f.y1 + ch * (double)r, cw, ch, col);
			if (isfinite(x) && x > 0 && cw >= 24 && ch >= 14) {
				out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
					      "font-family=\"Helvetica,Arial,sans-serif\" "
					      "font-size=\"12\" fill=\"%s\">",
					   f.x0 + cw * ((double)k + 0.5),
					   f.y1 + ch * ((double)r + 0.5) + 3.5,
					   t > 0.5 ? "#fff" : "#222");
				out_num(o, x, 3);
				out_puts(o, "</text>");
			}
		}
		out_puts(o, "\n");
	}
	for (size_t k = 0; k < nc; k++) {
		out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" " TEXT ">",
			   f.x0 + cw * ((double)k + 0.5), f.y0 + 16);
		out_esc(o, cols[k], 8);
		out_puts(o, "</text>");
	}
	out_puts(o, "\n");
	if (c->xlabel) {
		out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" " TEXT ">",
			   (f.x0 + f.x1) / 2, f.y0 + 34);
		out_esc(o, c->xlabel, 80);
		out_puts(o, "</text>\n");
	}
	/* the legend: six shades with the values they stand for */
	out_printf(o, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" " TEXT ">", f.x1 - 6 * 46 - 6,
		   h - 10);
	out_esc(o, c->ylabel ? c->ylabel : "", 40);
	out_puts(o, "</text>");
	for (int i = 0; i < 6; i++) {
		shade(i / 5.0, col, sizeof(col));
		out_printf(o, "<rect x=\"%.1f\" y=\"%d\" width=\"44\" height=\"14\" fill=\"%s\" "
			      "stroke=\"#ccc\"/>", f.x1 - (6 - i) * 46, h - 22, col);
		out_printf(o, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
			      "font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\" "
			      "fill=\"%s\">", f.x1 - (6 - i) * 46 + 22, h - 11,
			   i >= 3 ? "#fff" : "#222");
		out_num(o, max * i / 5.0, 2);
		out_puts(o, "</text>");
	}
	out_puts(o, "\n</svg></figure>\n");
}

void svg_scatter(struct out *o, const struct svg_chart *c, const double *x, const double *y,
		 size_t n, int diagonal)
{
	double lim[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY};

	for (size_t i = 0; i < n; i++)
		if (isfinite(x[i]) && isfinite(y[i])) {
			lim[0] = fmin(lim[0], x[i]);
			lim[1] = fmax(lim[1], x[i]);
			lim[2] = fmin(lim[2], y[i]);
			lim[3] = fmax(lim[3], y[i]);
		}
	svg_scatter_in(o, c, x, y, n, diagonal, isfinite(lim[0]) ? lim : NULL);
}

void svg_scatter_in(struct out *o, const struct svg_chart *c, const double *x, const double *y,
		    size_t n, int diagonal, const double *lim)
{
	double xmin, xmax, ymin, ymax;
	struct frame f;
	int w, h;

	dims(c, &w, &h);
	frame_init(&f, w, h);
	open_svg(o, c, w, h);
	if (!lim) {
		no_values(o, w, h);
		out_puts(o, "</svg></figure>\n");
		return;
	}
	xmin = lim[0];
	xmax = lim[1];
	ymin = lim[2];
	ymax = lim[3];
	if (diagonal) {
		/* the same scale on both axes, so y = x is the diagonal */
		xmin = ymin = fmin(xmin, ymin);
		xmax = ymax = fmax(xmax, ymax);
	}
	y_axis(o, c, &f, ymin, ymax);
	x_axis(o, c, &f, xmin, xmax);
	if (diagonal) {
		double lo = fmax(f.xlo, f.vlo), hi = fmin(f.xhi, f.vhi);

		out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
			      "stroke-dasharray=\"4 3\"/>\n",
			   xpos(&f, lo), ypos(&f, lo), xpos(&f, hi), ypos(&f, hi));
	}
	for (size_t i = 0; i < n; i++)
		if (isfinite(x[i]) && isfinite(y[i]))
			out_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\" "
				      "fill-opacity=\"0.55\"/>", xpos(&f, x[i]), ypos(&f, y[i]),
				   svg_palette[0]);
	out_puts(o, "\n");
	x_title(o, c, &f, h);
	out_puts(o, "</svg></figure>\n");
}

/* A dashed horizontal reference line across the plot, labelled at its
 * right end (a target: "80% of the target groups"). */
static void ref_line(struct out *o, const struct frame *f, double ref, const char *label)
{
	double y;

	if (!isfinite(ref) || ref < f->vlo || ref > f->vhi)
		return;
	y = ypos(f, ref);
	out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#cc3311\" "
		      "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>", f->x0, y, f->x1, y);
	if (label) {
		out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" " TEXT ">",
			   f->x1 - 4, y - 5);
		out_esc(o, label, 60);
		out_puts(o, "</text>\n");
	}
}

void svg_line_ref(struct out *o, const struct svg_chart *c, const double *x,
		  const char *const *xticks, size_t n, const struct svg_series *s, int ns,
		  double ref, const char *ref_label)
{
	double min, max;
	struct frame f;
	int h;

	if (!line_open(o, c, s, &ns, n, &f, &h, &min, &max))
		return;
	if (min > 0)
		min = 0;
	if (isfinite(ref))
		max = fmax(max, ref);
	f.y1 = MT + 18 * (legend_rows(s, ns, f.x0, f.x1) - 1);
	y_axis(o, c, &f, min, max);
	if (xticks) {
		/* ticks only at the points, labelled by the caller */
		f.xlo = x[0];
		f.xhi = x[n - 1] > x[0] ? x[n - 1] : x[0] + 1;
		for (size_t i = 0; i < n; i++) {
			double px = xpos(&f, x[i]);

			out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				      "stroke=\"#888\"/>", px, f.y0, px, f.y0 + 5);
			out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" " TEXT ">",
				   px, f.y0 + 19);
			out_esc(o, xticks[i] ? xticks[i] : "", 16);
			out_puts(o, "</text>\n");
		}
	} else {
		x_axis(o, c, &f, x[0], x[n - 1]);
	}
	ref_line(o, &f, ref, ref_label);
	polylines(o, &f, x, n, s, ns);
	legend_wrap(o, s, ns, f.x0, f.x1);
	x_title(o, c, &f, h);
	out_puts(o, "</svg></figure>\n");
}

void svg_hbars(struct out *o, const struct svg_chart *c, const char *const *labels, size_t n,
	       const double *v, const double *mark, const unsigned char *hi,
	       const char *const names[3])
{
	static const char *const col[3] = {"#bbbbbb", "#4477aa", "#cc3311"};
	double max = -INFINITY, step, lo, hi_v, row;
	int w = c->width > 0 ? c->width : SVG_WIDTH, lm, h;
	size_t longest = 4;
	struct frame f;
	struct svg_series lg[3];
	int nl = 0;

	h = c->height > 0 ? c->height : MT + 50 + 22 * (int)(n ? n : 1);
	open_svg(o, c, w, h);
	for (size_t i = 0; i < n; i++) {
		if (isfinite(v[i]))
			max = fmax(max, v[i]);
		if (mark && isfinite(mark[i]))
			max = fmax(max, mark[i]);
	}
	if (!n || !isfinite(max)) {
		no_values(o, w, h);
		out_puts(o, "</svg></figure>\n");
		return;
	}
	if (c->percent)
		max = fmax(max, 1);
	/* the labels' column as wide as the longest needs, within limits */
	for (size_t i = 0; labels && i < n; i++)
		if (labels[i] && strlen(labels[i]) > longest)
			longest = strlen(labels[i]);
	/* the labels take at most 45% of the width: longer ones are cut */
	if (longest > (size_t)((0.45 * w - 24) / CHARW))
		longest = (size_t)((0.45 * w - 24) / CHARW);
	lm = 24 + (int)(CHARW * (double)longest);
	memset(&f, 0, sizeof(f));
	f.x0 = lm;
	f.x1 = w - MR - 40;
	f.y1 = MT;
	f.y0 = h - 44;
	svg_nice_ticks(0, max, 7, &lo, &hi_v, &step);
	f.xlo = lo;
	f.xhi = hi_v;
	for (int i = 0; i <= 64; i++) {
		double t = lo + step * i, x;

		if (t > hi_v + step * 1e-6)
			break;
		x = xpos(&f, t);
		out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
			   x, f.y1, x, f.y0, i ? "#e3e3e3" : "#888");
		out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" " TEXT ">", x,
			   f.y0 + 16);
		tick_label(o, t, step, c->percent, 0);
		out_puts(o, "</text>\n");
	}
	row = (f.y0 - f.y1) / (double)n;
	for (size_t i = 0; i < n; i++) {
		double y = f.y1 + row * (double)i, bh = row * 0.7;
		int k = hi && hi[i] ? 1 : 0;

		out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" " TEXT "%s>",
			   f.x0 - 6, y + row / 2 + 4, k ? " font-weight=\"bold\"" : "");
		out_esc(o, labels && labels[i] ? labels[i] : "", longest);
		out_puts(o, "</text>");
		if (isfinite(v[i]))
			out_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				      "fill=\"%s\"/>", f.x0, y + (row - bh) / 2,
				   xpos(&f, fmax(v[i], lo)) - f.x0, bh, names && names[1] ? col[k] : col[1]);
		if (mark && isfinite(mark[i])) {
			double mx = xpos(&f, mark[i]);

			out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				      "stroke=\"%s\" stroke-width=\"3\"/>", mx, y + (row - bh) / 2 - 2,
				   mx, y + (row + bh) / 2 + 2, col[2]);
		}
		if (isfinite(v[i])) {
			/* the bar's value, past its end (and its tick): bars of
			 * 97% and 99% look alike */
			double end = xpos(&f, fmax(v[i], lo)), tw = 40;
			int both = mark && isfinite(mark[i]), left;

			if (both) {
				end = fmax(end, xpos(&f, mark[i]));
				tw = 120;
			}
			/* past the end when it fits, else before it, with a halo */
			left = end + 5 + tw > w;
			out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
				      "font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\" "
				      "fill=\"#333\" stroke=\"#fff\" stroke-width=\"3\" "
				      "paint-order=\"stroke\">", left ? end - 5 : end + 5,
				   y + row / 2 + 4, left ? "end" : "start");
			if (both && names && names[2])
				out_puts(o, "p50 ");
			out_num(o, c->percent ? 100 * v[i] : v[i], 3);
			out_puts(o, c->percent ? "%" : "");
			if (both && names && names[2]) {
				out_puts(o, ", ");
				out_esc(o, names[2], 20);
				out_puts(o, " ");
				out_num(o, mark[i], 3);
			}
			out_puts(o, "</text>");
		}
		out_puts(o, "\n");
	}
	if (names && names[1]) {
		lg[nl++] = (struct svg_series){names[0], NULL, col[0]};
		lg[nl++] = (struct svg_series){names[1], NULL, col[1]};
	} else if (names && names[0]) {
		lg[nl++] = (struct svg_series){names[0], NULL, col[1]};
	}
	if (mark && names && names[2])
		lg[nl++] = (struct svg_series){names[2], NULL, col[2]};
	legend_wrap(o, lg, nl, f.x0, f.x1);
	x_title(o, c, &f, h);
	out_puts(o, "</svg></figure>\n");
}
